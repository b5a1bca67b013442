"""HAProxy on each balancer host, in the foreground under the supervisor.

HAProxy binds with SO_REUSEPORT, so a second instance on the same address starts without an
error and the two then share the traffic silently. Before each start the pid file is checked:
if it names a live haproxy, the start is rejected.
"""

from __future__ import annotations

import csv
import logging
import socket
from pathlib import Path

from halab.errors import LabStateError
from halab.lab import procs
from halab.lab.context import LabContext
from halab.lab.waits import wait_for
from halab.render.context import haproxy_command

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 10.0
# A server marked DOWN needs `rise` good checks `inter` apart; the seed profile's 2 x 2 s fits.
SERVERS_UP_TIMEOUT_S = 30.0


def balancer_hosts(ctx: LabContext, mode: str | None = None) -> list[str]:
    """Return the hosts that run HAProxy, only for balancers of `mode` when it is given."""
    hosts: list[str] = []
    for balancer in ctx.topology.balancers:
        if mode is None or balancer.mode == mode:
            hosts += [host for host in balancer.hosts if host not in hosts]
    return hosts


def config_file(ctx: LabContext, host: str) -> Path:
    return ctx.host_paths(host).haproxy_config


def check_not_running(ctx: LabContext, host: str) -> None:
    pid_file = Path(ctx.host_paths(host).haproxy_pid)
    try:
        pid = int(pid_file.read_text().split()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return
    # Every namespace's HAProxy shares one pid space: match this host's config path as well.
    if procs.is_alive(pid) and str(config_file(ctx, host)) in procs.read_cmdline(pid):
        raise LabStateError(
            f"HAProxy on {host} already runs as pid {pid} (from {pid_file})",
            hint=f"stop it with `halab stop {host} haproxy` before starting another",
        )


def admin_command(ctx: LabContext, host: str, command: str, timeout_s: float = 2.0) -> str:
    """Send one command to HAProxy's admin socket and return its output."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout_s)
        sock.connect(str(ctx.host_paths(host).haproxy_socket))
        sock.sendall(command.encode() + b"\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def server_states(ctx: LabContext, host: str) -> list[tuple[str, str, str]]:
    """Return (backend, server, status) for every server HAProxy on `host` checks."""
    text = admin_command(ctx, host, "show stat")
    rows = csv.DictReader(text.lstrip("# ").splitlines())
    return [(row["pxname"], row["svname"], row["status"]) for row in rows
            if row["svname"] not in ("FRONTEND", "BACKEND")]


def some_server_up(ctx: LabContext, host: str) -> bool:
    """Tell whether every backend of HAProxy on `host` has at least one server UP."""
    up_by_backend: dict[str, bool] = {}
    for backend, _server, status in server_states(ctx, host):
        up_by_backend[backend] = up_by_backend.get(backend, False) or status.startswith("UP")
    return bool(up_by_backend) and all(up_by_backend.values())


def wait_servers_up(ctx: LabContext, hosts: list[str]) -> None:
    """Wait until HAProxy on each of `hosts` has a server UP in every backend."""
    for host in hosts:
        wait_for(f"HAProxy on {host} to mark a server UP in each backend",
                 lambda h=host: some_server_up(ctx, h), SERVERS_UP_TIMEOUT_S, interval_s=0.2,
                 hint=f"run `halab status --lab {ctx.state.name}` and read the logs of the "
                 "backend servers")


def define(ctx: LabContext, host: str) -> None:
    paths = ctx.host_paths(host)
    Path(paths.haproxy_socket).parent.mkdir(parents=True, exist_ok=True)
    # Keepalived's process tracking matches this exact command line. The config's `pidfile`
    # names the pid file, so no `-p` here: HAProxy raises an alert when both are given.
    argv = haproxy_command(paths)
    ctx.define(host, "haproxy", argv)


def start(ctx: LabContext, host: str) -> int:
    """Start HAProxy on `host` unless its pid file names a live one; write the new pid there."""
    check_not_running(ctx, host)
    pid = ctx.start(host, "haproxy")
    # In foreground mode (-db) HAProxy 2.6 ignores -p, so the pid file is written here.
    ctx.host_paths(host).haproxy_pid.write_text(f"{pid}\n")
    return pid


def bring_up(ctx: LabContext, hosts: list[str]) -> None:
    for host in hosts:
        define(ctx, host)
        start(ctx, host)
    for host in hosts:
        wait_for(f"HAProxy on {host} to answer on its admin socket",
                 lambda h=host: "Pid:" in admin_command(ctx, h, "show info"), READY_TIMEOUT_S,
                 hint=f"read {ctx.state.log_file(host, 'haproxy')}")
