"""`halab experiment list|run` and `halab demo`: run scenarios on labs and report the figures."""

from __future__ import annotations

import logging
import sys
from collections import defaultdict
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from halab.errors import InvalidInput
from halab.experiments.analysis import summarize
from halab.experiments.scenario import builtin_scenario_names, expand_runs, load_scenario
from halab.experiments.session import Session, run_session
from halab.topology import PROFILES as PROFILE_NAMES

log = logging.getLogger(__name__)
# Tables keep their full width when the output is not a terminal (a pipe, a log file, CI).
console = Console() if sys.stdout.isatty() else Console(width=160)

DEFAULT_OUT = Path("runs")


def parse_profiles(value: str | None) -> list[str] | None:
    """Split `seed,tuned` into names, rejecting unknown ones."""
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in PROFILE_NAMES]
    if not names or unknown:
        raise InvalidInput(f"unknown profile {', '.join(unknown) or repr(value)}",
                           hint=f"use one or more of {', '.join(PROFILE_NAMES)}, "
                           "separated by commas")
    return names


@click.group("experiment")
def experiment() -> None:
    """Run the built-in scenarios (or your own YAML files) and measure them."""


@experiment.command("list")
def list_scenarios() -> None:
    """List the built-in scenarios."""
    table = Table("scenario", "topologies", "profiles", "duration", "what it does")
    for name in builtin_scenario_names():
        scenario = load_scenario(name)
        table.add_row(name, ", ".join(scenario.topologies), ", ".join(scenario.profiles),
                      f"{scenario.duration_s:.0f} s", scenario.title)
    console.print(table)


def _run_options(command):  # noqa: ANN001, ANN202 - a click decorator stack
    options = [
        click.option("--profile", "profiles", default=None,
                     help="Profiles to run, comma-separated (seed,tuned). "
                     "Default: each scenario's own list."),
        click.option("--repeat", default=1, show_default=True,
                     type=click.IntRange(1, 100), help="Runs of each scenario and profile."),
        click.option("--out", "out_root", default=DEFAULT_OUT, show_default=True,
                     type=click.Path(file_okay=False, path_type=Path),
                     help="Directory that receives one folder per session."),
        click.option("--lab", "lab_name", default=None,
                     help="Name of the lab to bring up (default halab, or $HALAB_LAB)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@experiment.command("run")
@click.argument("names", nargs=-1, required=True)
@_run_options
def run(names: tuple[str, ...], profiles: str | None, repeat: int, out_root: Path,
        lab_name: str | None) -> None:
    """Run scenarios NAMES (or `all`), write results.json per run and a report."""
    runs = expand_runs(list(names), parse_profiles(profiles))
    _run_and_report(runs, repeat, out_root, lab_name)


@click.command("demo")
@_run_options
def demo(profiles: str | None, repeat: int, out_root: Path, lab_name: str | None) -> None:
    """Run every built-in scenario on both profiles and write the report (`make demo`)."""
    runs = expand_runs(["all"], parse_profiles(profiles))
    _run_and_report(runs, repeat, out_root, lab_name)


def _run_and_report(runs, repeat: int, out_root: Path, lab_name: str | None) -> None:  # noqa: ANN001
    total = len(runs) * repeat
    labs = len({(t, p) for _, t, p in runs})
    console.print(f"{total} run{'s' * (total != 1)} in {labs} lab{'s' * (labs != 1)}")
    session = run_session(runs, out_root, repeat=repeat, lab_name=lab_name,
                          progress=lambda message: console.print(f"[bold]·[/bold] {message}"))
    print_summary(session)
    # Imported here: the report pulls in matplotlib, which every other `halab` call can skip.
    from halab.report import write_report

    files = write_report([session.directory], None)
    console.print(f"results in {session.directory}")
    console.print(f"report: {files.html}")


def print_summary(session: Session) -> None:
    """Print one row per scenario, topology and profile: verdicts and downtime statistics."""
    groups: dict[tuple[str, str, str], list] = defaultdict(list)
    for outcome in session.outcomes:
        groups[(outcome.scenario, outcome.topology, outcome.profile)].append(outcome.summary())
    table = Table(title="client-visible downtime over repeats")
    table.add_column("scenario", no_wrap=True)
    for column in ("topology", "profile", "runs", "verdicts", "median ms", "p95 ms", "max ms",
                   "failed (max)"):
        table.add_column(column)
    for (scenario, topology, profile), rows in groups.items():
        downtimes = [r["max_downtime_ms"] for r in rows]
        numeric = [d if isinstance(d, int | float) else None for d in downtimes]
        stats = summarize(numeric)
        verdicts = ", ".join(sorted({r["verdict"] for r in rows}))
        unrecovered = sum(1 for d in downtimes if d == "unrecovered")
        failed = [r["failed_requests"] for r in rows if r["failed_requests"] is not None]
        table.add_row(scenario, topology, profile, str(len(rows)), verdicts,
                      _ms(stats["median"]) + (f" ({unrecovered} unrecovered)" if unrecovered
                                              else ""),
                      _ms(stats["p95"]), _ms(stats["max"]), str(max(failed, default="-")))
    console.print(table)


def _ms(value: float | int | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def register(group: click.Group) -> None:
    """Add this module's commands to the root group."""
    group.add_command(experiment)
    group.add_command(demo)
