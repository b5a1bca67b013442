"""Find the run directories of a session and load each run for a report.

A session directory contains one directory per run, named `<scenario>--<topology>--<profile>--r<N>`,
each with `history.jsonl` and, when the runner got that far, `results.json` and
`topology.json`. The figures are recomputed from the history, so a report always uses the
current analysis. The verdict is taken from `results.json` when it has one, because the runner
judged it with the scenario's expectation and the database contents that the history lacks;
without it the verdict is computed from the built-in scenario's expectation.

Loading never raises for a broken run: each problem is kept in `RunData.problems` and the
report shows it beside whatever could be loaded.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from halab.errors import HalabError, InvalidInput
from halab.experiments.analysis import analyze_run
from halab.experiments.history import History, RunHeader
from halab.topology.model import Topology

log = logging.getLogger(__name__)

HISTORY_FILE = "history.jsonl"
RESULTS_FILE = "results.json"
TOPOLOGY_FILE = "topology.json"
_REPEAT = re.compile(r"^r(?P<n>\d+)$")


@dataclass
class RunData:
    """One run as the report shows it: what was loaded, what was computed and what went wrong."""

    path: Path
    name: str
    scenario: str
    topology_name: str
    profile: str
    repeat: int
    history: History | None = None
    topology: Topology | None = None
    figures: dict[str, Any] | None = None
    verdict: dict[str, Any] = field(default_factory=lambda: {"result": "unknown"})
    problems: list[str] = field(default_factory=list)

    @property
    def header(self) -> RunHeader | None:
        return None if self.history is None else self.history.header

    @property
    def disruptions(self) -> list[dict[str, Any]]:
        return [] if self.figures is None else self.figures["disruptions"]


def find_run_dirs(paths: list[Path]) -> list[Path]:
    """Expand each path into run directories: a run directory itself, or a session's runs.

    :raise InvalidInput: for a path that is neither, naming it.
    """
    found: list[Path] = []
    for path in paths:
        if (path / HISTORY_FILE).is_file():
            found.append(path)
            continue
        children = sorted(p for p in path.glob("*") if (p / HISTORY_FILE).is_file())
        if not children:
            raise InvalidInput(
                f"{path}: no {HISTORY_FILE} in it or in any directory under it",
                hint="give a session directory written by `halab experiment run`, "
                "or one of its run directories",
            )
        found.extend(children)
    return found


def load_run(path: Path) -> RunData:
    """Load one run directory, adding a problem for each file that is missing or invalid."""
    run = _named_run(path)
    run.history = _load_history(path, run.problems)
    run.topology = _load_topology(path, run.problems)
    if run.history is not None:
        header = run.history.header
        run.scenario, run.topology_name = header.scenario, header.topology
        run.profile = header.profile
    results = _load_results(path, run.problems)
    _analyze(run, results)
    return run


def _named_run(path: Path) -> RunData:
    parts = path.name.split("--")
    repeat = _REPEAT.match(parts[-1])
    if len(parts) != 4 or repeat is None:
        return RunData(path, path.name, path.name, "?", "?", 1)
    scenario, topology, profile, _ = parts
    return RunData(path, path.name, scenario, topology, profile, int(repeat["n"]))


def _load_history(path: Path, problems: list[str]) -> History | None:
    try:
        return History.load(path / HISTORY_FILE)
    except (HalabError, ValidationError, OSError) as exc:
        log.warning("run %s: history not loaded: %s", path.name, exc)
        problems.append(f"history not loaded: {exc}")
        return None


def _load_topology(path: Path, problems: list[str]) -> Topology | None:
    topology_path = path / TOPOLOGY_FILE
    if not topology_path.is_file():
        problems.append(f"{TOPOLOGY_FILE} missing, so no prediction")
        return None
    try:
        return Topology.model_validate_json(topology_path.read_text(encoding="utf-8"))
    except (ValidationError, OSError) as exc:
        log.warning("run %s: %s not loaded: %s", path.name, TOPOLOGY_FILE, exc)
        problems.append(f"{TOPOLOGY_FILE} not loaded: {exc}")
        return None


def _load_results(path: Path, problems: list[str]) -> dict[str, Any] | None:
    results_path = path / RESULTS_FILE
    if not results_path.is_file():
        return None
    try:
        data = json.loads(results_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, OSError) as exc:
        problems.append(f"{RESULTS_FILE} not loaded: {exc}")
        return None
    if not isinstance(data, dict):
        problems.append(f"{RESULTS_FILE}: expected a JSON object, got {type(data).__name__}")
        return None
    return data


def _analyze(run: RunData, results: dict[str, Any] | None) -> None:
    """Recompute the figures from the history and pick the verdict (see the module docstring)."""
    recorded_verdict = (results or {}).get("verdict")
    recorded_figures = (results or {}).get("figures")
    if not isinstance(recorded_figures, dict):
        recorded_figures = None
    if run.history is not None:
        try:
            expectation = _expectation(run)
        except HalabError as exc:
            run.problems.append(f"scenario expectation not loaded: {exc}")
            expectation = {}
        analysis = analyze_run(run.history, expectation)
        run.figures = analysis["figures"]
        run.verdict = analysis["verdict"]
        # Only the runner saw the database contents, so its write check is the one to show.
        recorded_writes = (recorded_figures or {}).get("writes")
        if run.figures is not None and run.figures.get("writes") is None and recorded_writes:
            run.figures["writes"] = recorded_writes
    if isinstance(recorded_verdict, dict) and recorded_verdict.get("result"):
        run.verdict = recorded_verdict
    if run.verdict.get("error"):
        run.problems.append(f"analysis failed: {run.verdict['error']}")


def _expectation(run: RunData) -> dict[str, Any]:
    """Return the built-in scenario's thresholds for this run, or none for an unknown scenario."""
    # Imported here: the scenario module is only needed when results.json has no verdict.
    from halab.experiments.scenario import builtin_scenario_names, load_scenario

    if run.scenario not in builtin_scenario_names():
        return {}
    scenario = load_scenario(run.scenario)
    return scenario.expectation(run.topology_name, run.profile).model_dump(exclude_none=True)
