"""`halab bench`: failover, soak, throughput, cost and probe-accuracy benchmarks.

Each command prints its Markdown tables and writes `<name>.json` and `<name>.md` under the
output folder (default runs/bench-<UTC stamp>/), with the command line that produced them.
Every lab a benchmark brings up uses the `--lab` name and is brought down before it returns.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Callable
from pathlib import Path

import click
from click.core import ParameterSource

from halab.bench.accuracy import DEFAULT_RATES_PER_S as ACCURACY_RATES
from halab.bench.accuracy import bench_accuracy
from halab.bench.cost import bench_cost
from halab.bench.failover import PROFILES, SCENARIOS, bench_failover, reanalyze_failover
from halab.bench.output import BenchResult, default_out_dir, markdown, write_result
from halab.bench.soak import bench_soak
from halab.bench.throughput import DEFAULT_RATES_PER_S as THROUGHPUT_RATES
from halab.bench.throughput_report import bench_throughput
from halab.errors import InvalidInput

log = logging.getLogger(__name__)

DEFAULT_LAB = "bench"


def parse_rates(text: str) -> list[float]:
    """Parse a comma-separated list of positive rates, such as `50,200,500`."""
    try:
        rates = [float(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise InvalidInput(f"rates {text!r} are invalid",
                           hint="give positive numbers separated by commas, e.g. 50,200") from exc
    if not rates or any(rate <= 0 for rate in rates):
        raise InvalidInput(f"rates {text!r} are invalid",
                           hint="give positive numbers separated by commas, e.g. 50,200")
    return rates


def progress(message: str) -> None:
    click.echo(f"bench: {message}", err=True)


def invocation() -> str:
    """Rebuild the running `halab bench ...` command from the options given on its command
    line, so that it also holds when `main()` was called with an argument list."""
    ctx = click.get_current_context()
    args: list[str] = []
    for param in ctx.command.params:
        if not isinstance(param, click.Option) or param.name is None:
            continue
        if ctx.get_parameter_source(param.name) != ParameterSource.COMMANDLINE:
            continue
        value = ctx.params[param.name]
        if param.is_flag:
            args.append(param.opts[0] if value else param.secondary_opts[0])
            continue
        for item in value if param.multiple else [value]:
            args += [param.opts[0], f"{item:g}" if isinstance(item, float) else str(item)]
    return shlex.join([*ctx.command_path.split(), *args])


def emit(result: BenchResult, out_dir: Path) -> None:
    """Print the result's Markdown and write its files, with the command that made them."""
    result.command = invocation()
    json_path, md_path = write_result(result, out_dir)
    click.echo(markdown(result))
    click.echo(f"written: {json_path} and {md_path}", err=True)


def out_option(function: Callable) -> Callable:
    return click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
                        default=None,
                        help="Output folder [default: runs/bench-<UTC stamp>].")(function)


def lab_option(function: Callable) -> Callable:
    return click.option("--lab", "lab_name", default=DEFAULT_LAB, show_default=True,
                        help="Name of the labs the benchmark brings up and down.")(function)


@click.group("bench")
def bench_group() -> None:
    """Measure failover, steady-state alarms, throughput and the lab's cost."""


@bench_group.command("failover")
@click.option("--repeat", type=click.IntRange(1), default=10, show_default=True,
              help="Runs of each scenario per profile.")
@click.option("--profiles", default=",".join(PROFILES), show_default=True,
              help="Comma-separated profiles.")
@click.option("--scenario", "scenarios", multiple=True,
              help=f"Scenario to run; repeatable [default: {', '.join(SCENARIOS)}].")
@click.option("--from-session", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Run nothing: summarize the runs of this earlier session folder again.")
@out_option
@lab_option
def failover_command(repeat: int, profiles: str, scenarios: tuple[str, ...],
                     from_session: Path | None, out_dir: Path | None, lab_name: str) -> None:
    """Repeat the failover scenarios and check the tuned profile's targets."""
    out_dir = out_dir or default_out_dir()
    if from_session is not None:
        emit(reanalyze_failover(from_session), out_dir)
        return
    result = bench_failover(repeat, out_dir, lab_name, list(scenarios) or None,
                            [p.strip() for p in profiles.split(",") if p.strip()], progress)
    emit(result, out_dir)


@bench_group.command("soak")
@click.option("--minutes", type=click.FloatRange(min=0, min_open=True), default=10.0,
              show_default=True, help="Length of the steady load, in minutes.")
@click.option("--topology", default="exp02", show_default=True)
@click.option("--profile", default="tuned", show_default=True)
@out_option
@lab_option
def soak_command(minutes: float, topology: str, profile: str, out_dir: Path | None,
                 lab_name: str) -> None:
    """Hold a steady load with no fault and count spurious failovers and failures."""
    out_dir = out_dir or default_out_dir()
    emit(bench_soak(minutes, out_dir, lab_name, topology, profile, progress), out_dir)


@bench_group.command("throughput")
@click.option("--rates", default=",".join(f"{r:g}" for r in THROUGHPUT_RATES),
              show_default=True, help="Comma-separated request rates, in requests/s.")
@click.option("--duration-s", type=click.FloatRange(min=1), default=20.0, show_default=True,
              help="Seconds of load per rate and target.")
@click.option("--topology", default="exp02", show_default=True)
@click.option("--profile", default="tuned", show_default=True)
@click.option("--wrk/--no-wrk", "use_wrk", default=True, show_default=True,
              help="Also measure the highest sustained rate with wrk.")
@click.option("--servers/--no-servers", default=True, show_default=True,
              help="Also compare gunicorn with Flask's development server on loopback.")
@out_option
@lab_option
def throughput_command(rates: str, duration_s: float, topology: str, profile: str,
                       use_wrk: bool, servers: bool, out_dir: Path | None,
                       lab_name: str) -> None:
    """Measure the cart page through the VIP against one web server directly."""
    out_dir = out_dir or default_out_dir()
    result = bench_throughput(parse_rates(rates), duration_s, out_dir, lab_name, topology,
                              profile, use_wrk, servers, progress)
    emit(result, out_dir)


@bench_group.command("cost")
@click.option("--repeat", type=click.IntRange(1), default=3, show_default=True,
              help="Times to bring the lab up and down.")
@click.option("--topology", default="full", show_default=True)
@click.option("--profile", default="tuned", show_default=True)
@click.option("--load-s", type=click.FloatRange(min=0), default=10.0, show_default=True,
              help="Seconds of probe load between up and down, while memory is sampled.")
@click.option("--accuracy-rates", default=",".join(f"{r:g}" for r in ACCURACY_RATES),
              show_default=True, help="Rates of the probe-accuracy runs; empty to skip them.")
@click.option("--accuracy-s", type=click.FloatRange(min=1), default=10.0, show_default=True,
              help="Seconds of each probe-accuracy run.")
@out_option
@lab_option
def cost_command(repeat: int, topology: str, profile: str, load_s: float, accuracy_rates: str,
                 accuracy_s: float, out_dir: Path | None, lab_name: str) -> None:
    """Measure `up` and `down` wall time, peak memory and the probe's accuracy."""
    out_dir = out_dir or default_out_dir()
    rates = parse_rates(accuracy_rates) if accuracy_rates.strip() else None
    emit(bench_cost(repeat, out_dir, lab_name, topology, profile, load_s, rates, accuracy_s,
                    progress), out_dir)


@bench_group.command("probe-accuracy")
@click.option("--rates", default=",".join(f"{r:g}" for r in ACCURACY_RATES), show_default=True,
              help="Comma-separated request rates, in requests/s.")
@click.option("--duration-s", type=click.FloatRange(min=0.5), default=10.0, show_default=True,
              help="Seconds of each run.")
@out_option
def accuracy_command(rates: str, duration_s: float, out_dir: Path | None) -> None:
    """Measure how late the probe starts requests against a loopback server (no root)."""
    out_dir = out_dir or default_out_dir()
    emit(bench_accuracy(parse_rates(rates), duration_s, out_dir), out_dir)


@bench_group.command("all")
@click.option("--repeat", type=click.IntRange(1), default=10, show_default=True,
              help="Failover runs per scenario and profile; cost uses min(repeat, 3).")
@click.option("--minutes", type=click.FloatRange(min=0, min_open=True), default=10.0,
              show_default=True, help="Length of the soak, in minutes.")
@click.option("--rates", default=",".join(f"{r:g}" for r in THROUGHPUT_RATES),
              show_default=True, help="Throughput rates, in requests/s.")
@click.option("--duration-s", type=click.FloatRange(min=1), default=20.0, show_default=True,
              help="Seconds of load per throughput rate and target.")
@out_option
@lab_option
def all_command(repeat: int, minutes: float, rates: str, duration_s: float,
                out_dir: Path | None, lab_name: str) -> None:
    """Run every benchmark with its defaults into one output folder."""
    out_dir = out_dir or default_out_dir()
    throughput_rates = parse_rates(rates)
    emit(bench_accuracy(list(ACCURACY_RATES), 10.0, out_dir), out_dir)
    emit(bench_cost(min(repeat, 3), out_dir, lab_name, progress=progress), out_dir)
    emit(bench_throughput(throughput_rates, duration_s, out_dir, lab_name, progress=progress),
         out_dir)
    emit(bench_failover(repeat, out_dir, lab_name, progress=progress), out_dir)
    emit(bench_soak(minutes, out_dir, lab_name, progress=progress), out_dir)


def register(group: click.Group) -> None:
    """Add this module's commands to the root group."""
    group.add_command(bench_group)
