"""Failover benchmark: the fault scenarios repeated on both profiles, against the tuned targets.

Each scenario runs `repeat` times per profile through `halab.experiments.session.run_session`,
which brings each (topology, profile) lab up once and down at the end. Per run it takes:

- `fault_downtime_ms`: the client-visible downtime after the fault (the `apply` disruption);
- `heal_downtime_ms`: the same after the heal, such as a preemption back to the first node;
- `failed_requests` and `failed_reads` over the whole run;
- `lost_writes`: acknowledged writes missing from some database node (only where the scenario
  checks the database);
- `write_gap_ms`: the longest span between the starts of two consecutive successful writes
  over the whole run (only where the probe writes).

The targets below apply to the tuned profile. The seed profile is measured for comparison.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from halab.bench.output import BenchResult, Table, command_line, format_cell
from halab.bench.stats import distribution, max_gap_ms, ratio
from halab.bench.targets import Target, check_all
from halab.errors import InvalidInput
from halab.experiments.history import History, RequestEvent
from halab.experiments.scenario import expand_runs
from halab.experiments.session import RunOutcome, run_session

log = logging.getLogger(__name__)

SCENARIOS = ("exp02-lb-failover", "exp02-host-down", "web-crash", "db-node-crash")
PROFILES = ("seed", "tuned")
METRICS = ("fault_downtime_ms", "heal_downtime_ms", "failed_requests", "failed_reads",
           "lost_writes", "write_gap_ms")

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


def write_gap(history_path: Path) -> float | None:
    """Return the longest span between successful writes in a run's history, or None."""
    if not history_path.exists():
        return None
    starts = [e.start_ms for e in History.load(history_path).events()
              if isinstance(e, RequestEvent) and e.op == "write" and e.ok]
    return max_gap_ms(starts)


def run_metrics(outcome: RunOutcome) -> dict[str, float | None]:
    """Reduce one run's results to the benchmark's metrics, all None for a failed run."""
    figures = (outcome.results or {}).get("figures")
    if not figures:
        return dict.fromkeys(METRICS)
    totals = figures["requests"]
    writes = figures.get("writes")
    return {
        "fault_downtime_ms": phase_downtime(figures, "apply"),
        "heal_downtime_ms": phase_downtime(figures, "heal"),
        "failed_requests": totals["failed_reads"] + totals["failed_writes"],
        "failed_reads": totals["failed_reads"],
        "lost_writes": len(writes["lost"]) if writes else None,
        "write_gap_ms": write_gap(outcome.run_dir / "history.jsonl"),
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
                   "failed requests", "lost writes (max)", "write gap (max)"])
    for group, summary in sorted(summaries.items()):
        table.rows.append([group, summary["runs"], summary["errors"],
                           triple(summary["fault_downtime_ms"]),
                           triple(summary["heal_downtime_ms"]),
                           triple(summary["failed_requests"]),
                           summary["lost_writes"]["max"], summary["write_gap_ms"]["max"]])
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


def bench_failover(repeat: int, out_dir: Path, lab_name: str | None,
                   scenarios: list[str] | None = None, profiles: list[str] | None = None,
                   progress: Callable[[str], None] | None = None) -> BenchResult:
    """Run the failover scenarios `repeat` times per profile and check the targets."""
    if repeat < 1:
        raise InvalidInput(f"repeat {repeat}: expected 1 or more")
    runs = expand_runs(list(scenarios or SCENARIOS), list(profiles or PROFILES))
    session = run_session(runs, out_dir / "failover-runs", repeat=repeat, lab_name=lab_name,
                          progress=progress)
    rows = [{"scenario": o.scenario, "profile": o.profile, "repeat": o.repeat,
             "run_dir": str(o.run_dir), "error": o.error, "metrics": run_metrics(o)}
            for o in session.outcomes]
    summaries = summarize_runs(rows)
    checks = check_all(TARGETS, summaries)
    ratios = ratio_rows(summaries)
    ratio_table = Table("Tuned against seed (median fault downtime, ms)",
                        ["scenario", "seed", "tuned", "tuned/seed"],
                        [[r["scenario"], r["seed_median_ms"], r["tuned_median_ms"],
                          r["tuned_over_seed"]] for r in ratios])
    data = {"repeat": repeat, "session_dir": str(session.directory), "runs": rows,
            "summaries": summaries, "ratios": ratios, "targets": checks}
    return BenchResult("failover", command_line(), data,
                       [summary_table(summaries), ratio_table, targets_table(checks)])
