"""An `experiment run` session: every requested run, grouped by lab, with labs brought up and down.

Runs that share a topology and a profile share one lab: it comes up once, and before each run
the runner waits for its steady state (see `steady`). A lab that cannot reach it is brought down
and up again once. Every lab this module brings up, it brings down, also on an error or Ctrl-C.
The session directory gets one folder per run and a `summary.json`.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

from halab import __version__
from halab.errors import HalabError
from halab.experiments.analysis import max_downtime
from halab.experiments.run import run_one
from halab.experiments.scenario import Scenario
from halab.experiments.steady import wait_steady
from halab.lab.down import down
from halab.lab.lab import Lab
from halab.lab.state import LabState, lab_name_from_env
from halab.lab.up import check_not_running, up

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str], None]


@dataclass
class RunOutcome:
    scenario: str
    topology: str
    profile: str
    repeat: int
    run_dir: Path
    results: dict[str, Any] | None = None
    error: str | None = None

    def summary(self) -> dict[str, Any]:
        figures = (self.results or {}).get("figures") or {}
        verdict = (self.results or {}).get("verdict") or {}
        return {
            "scenario": self.scenario, "topology": self.topology, "profile": self.profile,
            "repeat": self.repeat, "run_dir": self.run_dir.name,
            "verdict": verdict.get("result", "unknown") if not self.error else "unknown",
            "error": self.error or verdict.get("error"),
            "max_downtime_ms": max_downtime(figures.get("disruptions") or []),
            "failed_requests": _failed(figures),
            "requests": (figures.get("requests") or {}).get("total"),
        }


@dataclass
class Session:
    directory: Path
    outcomes: list[RunOutcome] = field(default_factory=list)


def _failed(figures: dict[str, Any]) -> int | None:
    totals = figures.get("requests")
    if not totals:
        return None
    return totals.get("failed_reads", 0) + totals.get("failed_writes", 0)


def new_session_dir(out_root: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    directory = out_root / stamp
    directory.mkdir(parents=True, exist_ok=False)
    return directory


def run_session(runs: list[tuple[Scenario, str, str]], out_root: Path, repeat: int = 1,
                lab_name: str | None = None,
                progress: ProgressCallback | None = None) -> Session:
    """Run every (scenario, topology, profile) `repeat` times and write the session folder."""
    say = progress or (lambda _message: None)
    check_not_running(LabState.for_lab(lab_name_from_env(lab_name)))
    session = Session(new_session_dir(out_root))
    log.info("halab %s: session %s; reproduce with: %s", __version__, session.directory,
             " ".join(sys.argv))
    ordered = sorted(runs, key=lambda r: (r[1], r[2]))
    for (topology, profile), group in groupby(ordered, key=lambda r: (r[1], r[2])):
        scenarios = [scenario for scenario, _, _ in group]
        _run_group(session, topology, profile, scenarios, repeat, lab_name, say)
        write_summary(session)
    return session


def _run_group(session: Session, topology: str, profile: str, scenarios: list[Scenario],
               repeat: int, lab_name: str | None, say: ProgressCallback) -> None:
    say(f"bringing up {topology} with profile {profile}")
    name = lab_name_from_env(lab_name)
    # A lab of this name that is already up belongs to someone else: fail before touching it.
    check_not_running(LabState.for_lab(name))
    try:
        up(topology, profile, lab_name=name, web_port=0, stats_port=0)
        lab = Lab.attach(name)
        for scenario in scenarios:
            for index in range(1, repeat + 1):
                lab = _steady_or_restart(lab, topology, profile, say)
                session.outcomes.append(
                    _one(session, lab, scenario, topology, profile, index, say))
    finally:
        # Also after a failed or interrupted `up`: down removes whatever part of it exists.
        say(f"bringing down {topology}")
        down(name)


def _steady_or_restart(lab: Lab, topology: str, profile: str, say: ProgressCallback) -> Lab:
    try:
        wait_steady(lab)
        return lab
    except HalabError as exc:
        say(f"lab not steady ({exc.message}); bringing it down and up again")
        down(lab.name)
        result = up(topology, profile, lab_name=lab.name, web_port=0, stats_port=0)
        fresh = Lab.attach(result.lab)
        wait_steady(fresh)
        return fresh


def _one(session: Session, lab: Lab, scenario: Scenario, topology: str, profile: str,
         index: int, say: ProgressCallback) -> RunOutcome:
    name = f"{scenario.name}--{topology}--{profile}--r{index}"
    run_dir = session.directory / name
    outcome = RunOutcome(scenario.name, topology, profile, index, run_dir)
    say(f"running {name} ({scenario.duration_s:.0f} s)")
    try:
        outcome.results = run_one(lab, scenario, profile, run_dir, run_id=_run_id(name),
                                  command_line=sys.argv)
    except HalabError as exc:
        outcome.error = str(exc)
        log.error("run %s failed: %s", name, exc)
    return outcome


def _run_id(name: str) -> str:
    return datetime.now(UTC).strftime("%H%M%S") + "-" + name.split("--")[0][:16]


def write_summary(session: Session) -> Path:
    path = session.directory / "summary.json"
    path.write_text(json.dumps([o.summary() for o in session.outcomes], indent=2, default=str))
    return path
