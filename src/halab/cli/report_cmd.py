"""`halab report`: write the HTML and Markdown reports of saved runs."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from rich.console import Console

log = logging.getLogger(__name__)
console = Console()


@click.command("report")
@click.argument(
    "run_dirs",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory for report.html, report.md and report-images/. "
    "Default: the session directory given, or the one that holds the given runs.",
)
@click.option(
    "--latency-scale",
    type=click.Choice(["log", "linear"]),
    default="log",
    show_default=True,
    help="Scale of the latency axis of each run's timeline.",
)
def report(run_dirs: tuple[Path, ...], out_dir: Path | None, latency_scale: str) -> None:
    """Write reports of RUN_DIRS: session directories or single run directories.

    Every figure is computed from each run's history.jsonl, so a report can be written again
    at any time, also on a machine without the lab.
    """
    # Imported here: the report pulls in matplotlib, which every other `halab` call can skip.
    from halab.report import write_report

    files = write_report(list(run_dirs), out_dir, log_latency=latency_scale == "log")
    console.print(f"wrote {files.html}")
    console.print(f"wrote {files.markdown} and {len(files.images)} images")


def register(group: click.Group) -> None:
    """Add this module's commands to the root group."""
    group.add_command(report)
