"""Soak benchmark: steady load with no fault, counting false alarms of faster detection.

Tuned settings detect failures sooner, and this run checks that they raise no alarm when nothing
fails. A scenario with no steps runs for `minutes` through the experiment runner, and the
history gives:

- `vrrp_transitions`: VRRP state changes after the run started (the initial states from `up`
  are before it and not counted);
- `haproxy_down`: HAProxy marking a server DOWN;
- `failed_requests`: probe requests that did not succeed.

Each must be 0 for the target to be met.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from halab.bench.output import BenchResult, Table, command_line
from halab.bench.targets import Target, check_all
from halab.errors import InvalidInput
from halab.experiments.history import HaproxyEvent, History
from halab.experiments.scenario import ProbeSettings, Scenario
from halab.experiments.session import run_session

log = logging.getLogger(__name__)

# Longer than any stall of a healthy lab on a loaded machine, so a failure is a real one.
SOAK_TIMEOUT_MS = 1000.0
SOAK_RATE_PER_S = 50.0

TARGETS = [
    Target("no spurious VRRP transition", "soak", "vrrp_transitions", "value", 0.0),
    Target("no HAProxy server marked DOWN", "soak", "haproxy_down", "value", 0.0),
    Target("no failed request", "soak", "failed_requests", "value", 0.0),
]


def soak_scenario(topology: str, profile: str, minutes: float) -> Scenario:
    """Build the soak scenario: the probe at a steady rate, no fault steps."""
    if minutes <= 0:
        raise InvalidInput(f"soak of {minutes} minutes: expected a positive number")
    return Scenario(
        name="soak", title="Steady load, no fault", topologies=[topology], profiles=[profile],
        duration_s=minutes * 60.0,
        # Reads only: each probe write adds an item to the one demo customer's cart, which
        # would grow by thousands of rows over a soak. Before the cart was paged, that slowed
        # the app into timeouts after about 25 s at 10 writes/s (measured here).
        probe=ProbeSettings(rate_per_s=SOAK_RATE_PER_S, timeout_ms=SOAK_TIMEOUT_MS,
                            write_fraction=0.0),
    )


def soak_counts(figures: dict[str, Any] | None, history: History | None) -> dict[str, Any]:
    """Count VRRP transitions, HAProxy DOWN events and failed requests of one soak run."""
    if not figures:
        return {"vrrp_transitions": None, "haproxy_down": None, "failed_requests": None,
                "requests": None}
    totals = figures["requests"]
    transitions = [t for t in figures.get("vrrp_transitions") or []
                   if t.get("from_state") is not None]
    downs = None
    if history is not None:
        downs = sum(1 for e in history.events()
                    if isinstance(e, HaproxyEvent) and e.state == "DOWN")
    return {"vrrp_transitions": len(transitions), "haproxy_down": downs,
            "failed_requests": totals["failed_reads"] + totals["failed_writes"],
            "requests": totals["total"], "transitions": transitions}


def bench_soak(minutes: float, out_dir: Path, lab_name: str | None, topology: str = "exp02",
               profile: str = "tuned",
               progress: Callable[[str], None] | None = None) -> BenchResult:
    """Run the soak once and check that nothing failed over or failed."""
    scenario = soak_scenario(topology, profile, minutes)
    session = run_session([(scenario, topology, profile)], out_dir / "soak-runs", repeat=1,
                          lab_name=lab_name, progress=progress)
    outcome = session.outcomes[0]
    history_path = outcome.run_dir / "history.jsonl"
    history = History.load(history_path) if history_path.exists() else None
    counts = soak_counts((outcome.results or {}).get("figures"), history)
    summaries = {"soak": {key: {"value": counts[key]}
                          for key in ("vrrp_transitions", "haproxy_down", "failed_requests")}}
    checks = check_all(TARGETS, summaries)
    table = Table(f"Soak: {minutes:g} min at {SOAK_RATE_PER_S:g} req/s on {topology}/{profile}",
                  ["requests", "VRRP transitions", "HAProxy DOWN", "failed requests"],
                  [[counts["requests"], counts["vrrp_transitions"], counts["haproxy_down"],
                    counts["failed_requests"]]])
    targets = Table("Targets", ["target", "measured", "status"],
                    [[c["title"], c["measured"], c["status"]] for c in checks])
    data = {"minutes": minutes, "topology": topology, "profile": profile,
            "run_dir": str(outcome.run_dir), "error": outcome.error, "counts": counts,
            "targets": checks}
    return BenchResult("soak", command_line(), data, [table, targets])
