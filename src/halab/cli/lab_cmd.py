"""`halab` commands for the lab: up, down, status, exec, logs, shell and the fault primitives."""

from __future__ import annotations

import os
import subprocess
import time

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from halab.lab import netns
from halab.lab import view as lab_view
from halab.lab.down import down as lab_down
from halab.lab.lab import Lab
from halab.lab.services import SERVICES
from halab.lab.state import LabState
from halab.lab.status import collect
from halab.lab.up import DEFAULT_STATS_PORT, DEFAULT_WEB_PORT
from halab.lab.up import up as lab_up
from halab.topology import PROFILES

console = Console()

lab_option = click.option(
    "--lab", "lab_name", envvar="HALAB_LAB", default=None,
    help="Name of the lab (1-8 lowercase letters or digits; default: halab).",
)
service_argument = click.argument("service", type=click.Choice(SERVICES))


@click.command("up")
@click.argument("topology", default="full")
@click.option("--profile", type=click.Choice(PROFILES), default=None,
              help="Timing profile applied on top of the topology (default: none, the "
              "topology's own values).")
@click.option("--web-port", type=int, default=DEFAULT_WEB_PORT, show_default=True,
              help="Loopback port that publishes the web VIP; 0 publishes nothing.")
@click.option("--stats-port", type=int, default=DEFAULT_STATS_PORT, show_default=True,
              help="Loopback port that publishes the first balancer's stats page.")
@lab_option
def up_command(topology: str, profile: str | None, web_port: int, stats_port: int,
               lab_name: str | None) -> None:
    """Bring TOPOLOGY (built-in name or YAML file, default full) up as a lab in namespaces."""
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=False) as progress:
        tasks: dict[str, int] = {}

        def on_step(title: str, event: str, seconds: float) -> None:
            if event == "start":
                tasks[title] = progress.add_task(title, total=1)
            elif event == "done":
                progress.update(tasks[title], completed=1,
                                description=f"[green]✓[/] {title} ({seconds:.1f} s)")
            else:
                progress.update(tasks[title], description=f"[red]✗[/] {title}")

        started = time.monotonic()
        result = lab_up(topology, profile, lab_name, on_step=on_step, web_port=web_port,
                        stats_port=stats_port)
    lab = Lab.attach(result.lab)
    lab_view.print_status(console, collect(lab))
    lab_view.print_urls(console, lab, result.published)
    console.print(f"lab {result.lab} up in {time.monotonic() - started:.1f} s")


@click.command("down")
@lab_option
def down_command(lab_name: str | None) -> None:
    """Stop every daemon of the lab and delete its namespaces; harmless when it is not up."""
    started = time.monotonic()
    removed = lab_down(lab_name)
    name = LabState.for_lab(lab_name).name
    if removed:
        console.print(f"lab {name} down in {time.monotonic() - started:.1f} s "
                      f"({len(removed)} processes and namespaces removed)")
    else:
        console.print(f"lab {name} was not up; nothing to remove")


@click.command("status")
@lab_option
def status_command(lab_name: str | None) -> None:
    """Show services, VRRP state and VIP holders, HAProxy's servers and Galera's view."""
    lab_view.print_status(console, collect(Lab.attach(lab_name)))


@click.command("exec", context_settings={"ignore_unknown_options": True})
@click.argument("host")
@click.argument("argv", nargs=-1, required=True, type=click.UNPROCESSED)
@lab_option
def exec_command(host: str, argv: tuple[str, ...], lab_name: str | None) -> None:
    """Run a command inside HOST's namespace: halab exec HOST -- CMD ARGS."""
    lab = Lab.attach(lab_name)
    result = subprocess.run(["ip", "netns", "exec", lab.namespace(host), *argv], check=False)
    raise click.exceptions.Exit(result.returncode)


@click.command("shell")
@click.argument("host")
@lab_option
def shell_command(host: str, lab_name: str | None) -> None:
    """Open an interactive shell inside HOST's namespace."""
    lab = Lab.attach(lab_name)
    shell = os.environ.get("SHELL", "/bin/bash")
    env = {**os.environ, "PS1": f"[{lab.name}:{host}] \\w# "}
    subprocess.run(["ip", "netns", "exec", lab.namespace(host), shell, "--norc", "-i"],
                   check=False, env=env)


@click.command("logs")
@click.argument("host")
@click.argument("service", required=False)
@click.option("-f", "--follow", is_flag=True, help="Keep printing new lines.")
@lab_option
def logs_command(host: str, service: str | None, follow: bool, lab_name: str | None) -> None:
    """Print HOST's daemon logs (one SERVICE, or all of them)."""
    lab = Lab.attach(lab_name)
    log_dir = lab.log_file(host, service or "any").parent
    # mariadbd writes its own error log (mariadb.err) next to its captured output.
    pattern = service or "*"
    files = sorted([*log_dir.glob(f"{pattern}.log"), *log_dir.glob(f"{pattern}.err")])
    if not files:
        raise click.UsageError(f"no log for {service or 'any service'} on {host} in {log_dir}")
    argv = ["tail", "-n", "+1", *(["-F"] if follow else []), *map(str, files)]
    subprocess.run(argv, check=False)


def primitive(verb: str, action_help: str) -> click.Command:
    @click.command(verb, help=action_help)
    @click.argument("host")
    @service_argument
    @lab_option
    def command(host: str, service: str, lab_name: str | None) -> None:
        lab = Lab.attach(lab_name)
        result = getattr(lab, verb)(host, service)
        suffix = f" (pid {result})" if isinstance(result, int) else ""
        console.print(f"{verb} {host} {service}: done{suffix}")

    return command


@click.command("link")
@click.argument("host")
@click.argument("state", type=click.Choice(["up", "down"]))
@lab_option
def link_command(host: str, state: str, lab_name: str | None) -> None:
    """Set HOST's network link (eth0) down, as if unplugged, or up again."""
    Lab.attach(lab_name).link(host, state == "up")
    console.print(f"link {host} ({netns.HOST_INTERFACE}) {state}")


def register(group: click.Group) -> None:
    """Add this module's commands to the root group."""
    for command in (up_command, down_command, status_command, exec_command, shell_command,
                    logs_command, link_command):
        group.add_command(command)
    group.add_command(primitive("start", "Start SERVICE on HOST again after a stop or kill."))
    group.add_command(primitive("stop", "Stop SERVICE on HOST: SIGTERM, SIGKILL after 10 s."))
    group.add_command(primitive("kill", "Kill SERVICE on HOST and its processes with SIGKILL."))
    group.add_command(primitive("freeze", "Pause SERVICE on HOST with SIGSTOP."))
    group.add_command(primitive("thaw", "Resume a frozen SERVICE on HOST with SIGCONT."))
