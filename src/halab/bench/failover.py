"""Failover benchmark: the fault scenarios repeated on both profiles, against the tuned targets.

Each scenario runs `repeat` times per profile through `halab.experiments.session.run_session`,
which brings each (topology, profile) lab up once and down at the end. Per run it takes:

- `fault_downtime_ms`: the client-visible downtime after the fault (the `apply` disruption);
- `heal_downtime_ms`: the same after the heal, such as a preemption back to the first node;
- `failed_requests` and `failed_reads` over the whole run;
- `lost_writes`: acknowledged writes missing from some database node (only where the scenario
  checks the database);
- `write_gap_ms`: the longest span between the starts of two consecutive successful writes
  that spans part of the fault's window, from the first fault to its heal (only where the probe
  writes), and `run_write_gap_ms` the same over the whole run, the heal included.

The targets below apply to the tuned profile. The seed profile is measured for comparison.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from halab.bench.output import BenchResult, Table, command_line, format_cell
from halab.bench.stats import distribution, max_gap_ms, ratio
from halab.bench.targets import Target, check_all
from halab.errors import InvalidInput
from halab.experiments.history import Event, FaultEvent, History, RequestEvent
from halab.experiments.scenario import expand_runs
from halab.experiments.session import RunOutcome, run_session

log = logging.getLogger(__name__)

SCENARIOS = ("exp02-lb-failover", "exp02-host-down", "web-crash", "db-node-crash")
PROFILES = ("seed", "tuned")
METRICS = ("fault_downtime_ms", "heal_downtime_ms", "failed_requests", "failed_reads",
           "lost_writes", "write_gap_ms", "run_write_gap_ms")

TARGETS = [
    Target("load-balancer process failure", "exp02-lb-failover/tuned", "fault_downtime_ms",
           "median", 100.0),
    Target("load-balancer host failure", "exp02-host-down/tuned", "fault_downtime_ms",
           "median", 400.0),
    Target("web server crash: no failed GET", "web-crash/tuned", "failed_reads", "max", 0.0),
    Target("database node crash: write gap", "db-node-crash/tuned", "write_gap_ms", "max",
           2000.0),
    Target("database node crash: no acknowledged write lost", "db-node-crash/tuned",
           "lost_writes", "max", 0.0),
]


def phase_downtime(figures: dict[str, Any], phase: str) -> float | None:
    """Return the downtime of the first disruption of `phase` (apply or heal), None if none
    or unrecovered."""
    for disruption in figures.get("disruptions") or []:
        if disruption.get("phase") == phase:
            return disruption.get("downtime_ms")
    return None


def fault_window(events: list[Event]) -> tuple[float, float] | None:
    """Return (first fault, first heal after it) in ms; the heal defaults to the last event."""
    faults = [e.t_ms for e in events if isinstance(e, FaultEvent) and e.kind == "fault"]
    if not faults:
        return None
    heals = [e.t_ms for e in events
             if isinstance(e, FaultEvent) and e.kind == "heal" and e.t_ms >= faults[0]]
    return faults[0], heals[0] if heals else events[-1].t_ms


def write_gaps(history_path: Path) -> tuple[float | None, float | None]:
    """Return the longest span between successful writes that overlaps the fault's window,
    and the longest over the whole run; None where fewer than two writes succeeded."""
    if not history_path.exists():
        return None, None
    events = History.load(history_path).events()
    starts = sorted(e.start_ms for e in events
                    if isinstance(e, RequestEvent) and e.op == "write" and e.ok)
    window = fault_window(events)
    in_window = None
    if window is not None:
        pairs = [(a, b) for a, b in zip(starts, starts[1:], strict=False)
                 if b > window[0] and a < window[1]]
        in_window = max((b - a for a, b in pairs), default=None)
    return in_window, max_gap_ms(starts)


def run_metrics(outcome: RunOutcome) -> dict[str, float | None]:
    """Reduce one run's results to the benchmark's metrics, all None for a failed run."""
    figures = (outcome.results or {}).get("figures")
    if not figures:
        return dict.fromkeys(METRICS)
    totals = figures["requests"]
    writes = figures.get("writes")
    window_gap, run_gap = write_gaps(outcome.run_dir / "history.jsonl")
    return {
        "fault_downtime_ms": phase_downtime(figures, "apply"),
        "heal_downtime_ms": phase_downtime(figures, "heal"),
        "failed_requests": totals["failed_reads"] + totals["failed_writes"],
        "failed_reads": totals["failed_reads"],
        "lost_writes": len(writes["lost"]) if writes else None,
        "write_gap_ms": window_gap,
        "run_write_gap_ms": run_gap,
    }


def summarize_runs(runs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Group per-run rows by `scenario/profile` and summarize each metric."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in runs:
        groups.setdefault(f"{row['scenario']}/{row['profile']}", []).append(row)
    summaries: dict[str, dict[str, Any]] = {}
    for group, rows in groups.items():
        summaries[group] = {metric: distribution(r["metrics"][metric] for r in rows)
                            for metric in METRICS}
        summaries[group]["runs"] = len(rows)
        summaries[group]["errors"] = sum(1 for r in rows if r["error"])
    return summaries


def summary_table(summaries: dict[str, dict[str, Any]]) -> Table:
    table = Table("Failover over repeats (downtime in ms; median / p95 / max)",
                  ["scenario/profile", "runs", "errors", "fault downtime", "heal downtime",
                   "failed requests", "lost writes (max)", "write gap, fault (max)",
                   "write gap, run (max)"])
    for group, summary in sorted(summaries.items()):
        table.rows.append([group, summary["runs"], summary["errors"],
                           triple(summary["fault_downtime_ms"]),
                           triple(summary["heal_downtime_ms"]),
                           triple(summary["failed_requests"]),
                           summary["lost_writes"]["max"], summary["write_gap_ms"]["max"],
                           summary["run_write_gap_ms"]["max"]])
    return table


def triple(stats: dict[str, Any]) -> str:
    """Format median / p95 / max, with the count of missing (unrecovered) values if any."""
    text = " / ".join(format_cell(stats[k]) for k in ("median", "p95", "max"))
    if stats.get("missing"):
        text += f" ({stats['missing']} missing)"
    return text


def ratio_rows(summaries: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Return, per scenario, the tuned median fault downtime over the seed median."""
    rows = []
    for scenario in sorted({group.split("/")[0] for group in summaries}):
        seed = summaries.get(f"{scenario}/seed", {}).get("fault_downtime_ms", {}).get("median")
        tuned = summaries.get(f"{scenario}/tuned", {}).get("fault_downtime_ms", {}).get("median")
        rows.append({"scenario": scenario, "seed_median_ms": seed, "tuned_median_ms": tuned,
                     "tuned_over_seed": ratio(tuned, seed)})
    return rows


def targets_table(checks: list[dict[str, Any]]) -> Table:
    table = Table("Targets of the tuned profile", ["target", "group", "bound", "measured",
                                                   "status"])
    for check in checks:
        table.rows.append([check["title"], check["group"], check["target"], check["measured"],
                           check["status"]])
    return table


def load_session(directory: Path) -> list[RunOutcome]:
    """Read the runs of an earlier session folder, named `scenario--topology--profile--rN`.

    :raise InvalidInput: when the folder holds no run folder with a results.json.
    """
    outcomes = []
    for run_dir in sorted(p for p in directory.iterdir() if (p / "results.json").is_file()):
        parts = run_dir.name.split("--")
        if len(parts) != 4 or not parts[3].startswith("r") or not parts[3][1:].isdigit():
            log.warning("skipping %s: not named scenario--topology--profile--rN", run_dir)
            continue
        results = json.loads((run_dir / "results.json").read_text())
        outcomes.append(RunOutcome(parts[0], parts[1], parts[2], int(parts[3][1:]), run_dir,
                                   results=results))
    if not outcomes:
        raise InvalidInput(f"no run folder with a results.json in {directory}",
                           hint="give the session folder that `halab bench failover` wrote "
                           "under failover-runs/")
    return outcomes


def failover_result(outcomes: list[RunOutcome], repeat: int, session_dir: Path) -> BenchResult:
    """Summarize the runs, check the targets and build the result."""
    rows = [{"scenario": o.scenario, "profile": o.profile, "repeat": o.repeat,
             "run_dir": str(o.run_dir), "error": o.error, "metrics": run_metrics(o)}
            for o in outcomes]
    summaries = summarize_runs(rows)
    checks = check_all(TARGETS, summaries)
    ratios = ratio_rows(summaries)
    ratio_table = Table("Tuned against seed (median fault downtime, ms)",
                        ["scenario", "seed", "tuned", "tuned/seed"],
                        [[r["scenario"], r["seed_median_ms"], r["tuned_median_ms"],
                          r["tuned_over_seed"]] for r in ratios])
    data = {"repeat": repeat, "session_dir": str(session_dir), "runs": rows,
            "summaries": summaries, "ratios": ratios, "targets": checks}
    return BenchResult("failover", command_line(), data,
                       [summary_table(summaries), ratio_table, targets_table(checks)])


def bench_failover(repeat: int, out_dir: Path, lab_name: str | None,
                   scenarios: list[str] | None = None, profiles: list[str] | None = None,
                   progress: Callable[[str], None] | None = None) -> BenchResult:
    """Run the failover scenarios `repeat` times per profile and check the targets."""
    if repeat < 1:
        raise InvalidInput(f"repeat {repeat}: expected 1 or more")
    runs = expand_runs(list(scenarios or SCENARIOS), list(profiles or PROFILES))
    session = run_session(runs, out_dir / "failover-runs", repeat=repeat, lab_name=lab_name,
                          progress=progress)
    return failover_result(session.outcomes, repeat, session.directory)


def reanalyze_failover(session_dir: Path) -> BenchResult:
    """Summarize an earlier session's runs again, such as after a change to the metrics."""
    outcomes = load_session(session_dir)
    result = failover_result(outcomes, max(o.repeat for o in outcomes), session_dir)
    result.notes.append(f"Recomputed from the runs in {session_dir}: the machine line gives the "
                        f"load when the figures were recomputed, not while the runs ran.")
    return result
