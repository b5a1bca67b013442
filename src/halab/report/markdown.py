"""The Markdown summary: tables of the key figures, with the plots as PNG files beside it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .build import Plot, RunReport, SessionReport
from .views import (
    LAYER_NAMES,
    TOLERANCE_TEXT,
    fmt_count,
    fmt_ms,
    fmt_value,
    profiles_of,
    side_by_side,
)

MAX_ADVERT_ROWS = 20


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """Return the lines of a Markdown table, with `|` in a cell escaped."""
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def render_markdown(session: SessionReport, image_dir: str) -> str:
    """Render the summary, linking each plot as `image_dir/<stem>.png`."""
    lines = [f"# {session.title}", "", f"{len(session.runs)} runs.", ""]
    lines += _across(session, image_dir)
    for report in session.runs:
        lines += _run(report, image_dir)
    return "\n".join(lines).rstrip() + "\n"


def _image(plot: Plot, image_dir: str) -> list[str]:
    return [f"![{plot.caption}]({image_dir}/{plot.stem}.png)", ""]


def _across(session: SessionReport, image_dir: str) -> list[str]:
    lines = ["## Across runs", ""]
    profiles = profiles_of(session.groups)
    header = ["scenario", "topology"]
    for profile in profiles:
        header += [f"{profile} median", f"{profile} max", f"{profile} runs"]
    rows = []
    for row in side_by_side(session.groups):
        cells: list[object] = [row.scenario, row.topology]
        for profile in profiles:
            group = row.by_profile.get(profile)
            if group is None:
                cells += ["-", "-", 0]
            else:
                cells += [fmt_ms(group.downtime["median"]), fmt_ms(group.downtime["max"]),
                          group.runs]
        rows.append(cells)
    lines += ["Downtime, seed vs tuned:", ""] + table(header, rows)
    for plot in session.plots:
        lines += _image(plot, image_dir)
    lines += ["Repeats:", ""] + table(
        ["scenario", "topology", "profile", "runs", "verdicts", "downtime median", "p95", "max",
         "unrecovered", "failed reads median", "slower than predicted"],
        [
            [g.scenario, g.topology, g.profile, g.runs,
             ", ".join(f"{k} {v}" for k, v in sorted(g.repeats["verdicts"].items())),
             fmt_ms(g.downtime["median"]), fmt_ms(g.downtime["p95"]), fmt_ms(g.downtime["max"]),
             g.downtime["missing"], fmt_count(g.repeats["failed_reads"]["median"]), g.slower]
            for g in session.groups
        ],
    )
    return lines + ["Runs:", ""] + table(
        ["run", "verdict", "downtime", "failed requests", "predicted vs measured"],
        [[r.run.name, r.run.verdict.get("result", "unknown"), _downtime_text(r),
          "-" if r.failed_requests is None else r.failed_requests, _prediction_text(r)]
         for r in session.runs],
    )


def _downtime_text(report: RunReport) -> str:
    if report.run.figures is None:
        return "-"
    return fmt_ms(report.downtime_ms, "unrecovered")


def _prediction_text(report: RunReport) -> str:
    if report.slower:
        return "**slower than predicted**"
    return "within prediction" if report.comparisons else "no prediction"


def _run(report: RunReport, image_dir: str) -> list[str]:
    run = report.run
    flag = " **slower than predicted**" if report.slower else ""
    lines = [f"## {run.name}", "", f"Verdict: **{run.verdict.get('result', 'unknown')}**{flag}", ""]
    if run.verdict.get("error"):
        lines += [f"The analysis raised an error: `{run.verdict['error']}`", ""]
    lines += [f"- problem: {problem}" for problem in run.problems]
    if run.problems:
        lines.append("")
    checks = run.verdict.get("checks") or []
    if checks:
        lines += table(
            ["expectation", "expected", "measured", "passed"],
            [[c["key"], fmt_value(c["expected"], c["key"]), fmt_value(c["measured"], c["key"]),
              fmt_value(c["passed"])] for c in checks],
        )
    lines += _disruptions(report) + _predictions(report)
    for plot in report.plots:
        lines += _image(plot, image_dir)
    if report.adverts:
        lines += ["VRRP advertisements (first from each source, then each change):", ""]
        lines += table(
            ["time", "source", "VRID", "priority", "interval", "identical adverts"],
            [[f"{a.t_s:.3f} s", a.src, a.vrid, a.priority, fmt_ms(a.advert_int_ms), a.count]
             for a in report.adverts[:MAX_ADVERT_ROWS]],
        )
    return lines


def _disruptions(report: RunReport) -> list[str]:
    run = report.run
    if run.figures is None:
        return []
    totals = run.figures["requests"]
    lines = [f"Requests: {totals['total']} sent, {totals['ok']} ok, "
             f"{totals['failed_reads']} failed reads, {totals['failed_writes']} failed writes.",
             ""]
    if not run.disruptions:
        return lines + ["No fault in this run.", ""]
    return lines + table(
        ["phase", "fault", "at", "downtime", "failed reads", "failed writes", "failed by kind"],
        [
            [d["phase"], d["name"], f"{d['at_ms'] / 1000:.2f} s",
             fmt_ms(d["downtime_ms"], "unrecovered"), d["failed_reads"], d["failed_writes"],
             ", ".join(f"{k} {v}" for k, v in sorted(d["failed_by_outcome"].items())) or "none"]
            for d in run.disruptions
        ],
    )


def _predictions(report: RunReport) -> list[str]:
    if not report.comparisons:
        return []
    rows = []
    for c in report.comparisons:
        measured = "unrecovered" if not c.recovered else fmt_ms(c.measured_ms, "not seen")
        verdict = {True: "**slower than predicted**", False: "ok", None: "not measured"}[c.slower]
        rows.append([c.phase, c.name, LAYER_NAMES.get(c.layer, c.layer), fmt_ms(c.predicted_ms),
                     c.formula, measured, verdict])
    header = ["phase", "fault", "layer", "predicted worst case", "how", "measured", "compared"]
    note = f"Flagged when the measured value exceeds the prediction by more than {TOLERANCE_TEXT}."
    return ["Predicted vs measured:", ""] + table(header, rows) + [note, ""]
