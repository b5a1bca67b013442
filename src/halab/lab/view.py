"""Rich tables for the `halab` lab commands: services, VIPs, HAProxy servers, Galera nodes."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from halab.lab import secrets
from halab.lab.lab import Lab
from halab.lab.status import LabStatus
from halab.render.secrets import Secrets
from halab.topology.model import Role


def print_status(console: Console, status: LabStatus) -> None:
    table = Table(title=f"lab {status.lab} ({status.topology})")
    for column in ("host", "service", "state", "pid"):
        table.add_column(column)
    for svc in status.services:
        state = "running" if svc["running"] else f"exited ({svc['exit_status']})"
        if svc["frozen"]:
            state = "frozen"
        table.add_row(svc["host"], svc["service"], state, str(svc["pid"] or "-"))
    console.print(table)
    print_vips(console, status)
    print_haproxy(console, status)
    print_galera(console, status)


def print_vips(console: Console, status: LabStatus) -> None:
    if not status.vips:
        return
    table = Table(title="VRRP")
    for column in ("group", "VIP", "holder", "states"):
        table.add_column(column)
    for vip in status.vips:
        holder = ", ".join(vip.holders) or "[red]none[/]"
        if vip.split_brain:
            holder = f"[red]SPLIT BRAIN: {holder}[/]"
        states = ", ".join(f"{host} {state}" for host, state in vip.states.items())
        table.add_row(vip.group, vip.vip, holder, states)
    console.print(table)


def print_haproxy(console: Console, status: LabStatus) -> None:
    if not status.haproxy:
        return
    table = Table(title="HAProxy servers")
    for column in ("balancer host", "backend", "server", "status"):
        table.add_column(column)
    for host, rows in status.haproxy.items():
        for proxy, server, state in rows:
            table.add_row(host, proxy, server, state)
    console.print(table)


def print_galera(console: Console, status: LabStatus) -> None:
    if not status.galera:
        return
    table = Table(title="Galera")
    for column in ("node", "cluster size", "cluster status", "local state"):
        table.add_column(column)
    for host, view in status.galera.items():
        table.add_row(host, *view.values())
    console.print(table)


def print_urls(console: Console, lab: Lab, published: dict[int, str]) -> None:
    """Print the VIPs, the loopback URLs and where the logins are (never the passwords)."""
    for group in lab.topology.vrrp_groups:
        console.print(f"VIP {group.name}: {group.vip}")
    for port, target in published.items():
        console.print(f"http://127.0.0.1:{port}/ -> {target}")
    state = lab.ctx.state
    if lab.topology.balancers:
        console.print(f"stats page login: {Secrets.stats_user}, password in "
                      f"{secrets.secret_path(state, 'haproxy_stats_password')}")
    if lab.topology.hosts_with_role(Role.WEB):
        console.print(f"demo customers demo1@example.test ... demo3@example.test, password in "
                      f"{secrets.secret_path(state, 'demo_password')}")
