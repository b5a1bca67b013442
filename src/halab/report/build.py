"""Assemble what a report shows, per run and across runs, before any HTML or Markdown.

`build_session` loads the runs, recomputes their figures, draws every plot and compares
predictions with measurements. A plot that fails to draw is left out and named in the run's
problems, so one broken run never stops the report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from halab.experiments.analysis import repeat_summary, summarize

from .across import downtime_png
from .measure import Breakdown, Comparison, breakdowns, compare_run, slower_than_predicted
from .plots import adverts_png, breakdown_png, split_png
from .runs import RunData, find_run_dirs, load_run
from .tables import AdvertRow, advert_rows, run_downtime_ms
from .timeline import timeline_png

log = logging.getLogger(__name__)


@dataclass
class Plot:
    """One PNG image with its file stem (for Markdown) and caption."""

    stem: str
    caption: str
    png: bytes


@dataclass
class RunReport:
    run: RunData
    comparisons: list[Comparison] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    adverts: list[AdvertRow] = field(default_factory=list)
    plots: list[Plot] = field(default_factory=list)

    @property
    def slower(self) -> bool:
        return slower_than_predicted(self.comparisons)

    @property
    def downtime_ms(self) -> float | None:
        return run_downtime_ms(self.run.disruptions)

    @property
    def failed_requests(self) -> int | None:
        if self.run.figures is None:
            return None
        totals = self.run.figures["requests"]
        return totals["failed_reads"] + totals["failed_writes"]


@dataclass
class GroupRow:
    """Repeats of one scenario on one topology under one profile.

    `repeats` is `analysis.repeat_summary` of the runs. `downtime` is computed here, because
    that summary counts a run without faults as missing, where the report shows 0.
    """

    scenario: str
    topology: str
    profile: str
    runs: int
    repeats: dict[str, Any]
    downtime: dict[str, Any]
    slower: int


@dataclass
class SessionReport:
    title: str
    runs: list[RunReport]
    groups: list[GroupRow]
    plots: list[Plot]


def build_session(
    paths: list[Path], title: str = "halab experiment report", log_latency: bool = True
) -> SessionReport:
    """Load every run under `paths` and build the whole report."""
    runs = [build_run(load_run(path), log_latency) for path in find_run_dirs(paths)]
    groups = group_rows(runs)
    plots: list[Plot] = []
    png = _try(lambda: downtime_png(groups_values(runs)), "downtime across runs", [])
    if png is not None:
        plots.append(Plot("downtime-across-runs", "Downtime per scenario, seed vs tuned", png))
    return SessionReport(title, runs, groups, plots)


def build_run(run: RunData, log_latency: bool = True) -> RunReport:
    """Compute the tables and draw the plots of one run (`log_latency`: the timeline's scale)."""
    report = RunReport(run)
    if run.history is None:
        return report
    events = run.history.events()
    report.comparisons = _try(lambda: compare_run(run), "predictions", run.problems) or []
    report.breakdowns = _try(lambda: breakdowns(run, report.comparisons), "breakdown",
                             run.problems) or []
    report.adverts = advert_rows(events)
    wanted: list[tuple[str, str, Callable[[], bytes | None]]] = [
        ("timeline", "Requests, faults and daemon states",
         lambda: timeline_png(events, log_latency)),
        ("breakdown", "Per-layer breakdown of each disruption",
         lambda: breakdown_png(report.breakdowns)),
        ("split", "Round-robin split",
         lambda: split_png(run.figures["served_by"]) if run.figures else None),
        ("adverts", "VRRP advertisements captured on the bridge", lambda: adverts_png(events)),
    ]
    for stem, caption, draw in wanted:
        png = _try(draw, f"{stem} plot", run.problems)
        if png is not None:
            report.plots.append(Plot(f"{run.name}--{stem}", caption, png))
    return report


def _try(compute: Callable[[], Any], what: str, problems: list[str]) -> Any:
    try:
        return compute()
    except Exception as exc:  # a report shows every run it can, whatever broke in one
        log.exception("report: %s failed", what)
        problems.append(f"{what} failed: {exc!r}")
        return None


def group_rows(runs: list[RunReport]) -> list[GroupRow]:
    """Summarize the repeats of each (scenario, topology, profile), in name order."""
    groups: dict[tuple[str, str, str], list[RunReport]] = {}
    for report in runs:
        key = (report.run.scenario, report.run.topology_name, report.run.profile)
        groups.setdefault(key, []).append(report)
    rows = []
    for (scenario, topology, profile), members in sorted(groups.items()):
        results = [{"figures": m.run.figures, "verdict": m.run.verdict} for m in members]
        rows.append(
            GroupRow(
                scenario=scenario,
                topology=topology,
                profile=profile,
                runs=len(members),
                repeats=repeat_summary(results),
                downtime=summarize(_downtimes(members)),
                slower=sum(1 for m in members if m.slower),
            )
        )
    return rows


def _downtimes(members: list[RunReport]) -> list[float | None]:
    # A run whose analysis failed has no figures: it is left out, not counted as unrecovered.
    return [m.downtime_ms for m in members if m.run.figures is not None]


def groups_values(runs: list[RunReport]) -> dict[str, dict[str, list[float | None]]]:
    """Return downtime values by `scenario (topology)` and profile, for the across-runs plot."""
    values: dict[str, dict[str, list[float | None]]] = {}
    for report in runs:
        if report.run.figures is None:
            continue
        label = f"{report.run.scenario}\n({report.run.topology_name})"
        values.setdefault(label, {}).setdefault(report.run.profile, []).append(
            report.downtime_ms
        )
    return dict(sorted(values.items()))
