"""The Galera health agent on each database host: HTTP 200 only when the node is Synced."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from halab.lab import secrets
from halab.lab.context import LabContext
from halab.lab.services import galera
from halab.lab.waits import wait_for

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 15.0


def credentials_file(ctx: LabContext, host: str) -> Path:
    return ctx.host_paths(host).agent_credentials_file


def write_credentials(ctx: LabContext, host: str) -> Path:
    """Write the monitor user's client options file, mode 0600."""
    path = credentials_file(ctx, host)
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.read(ctx.state, "monitor_db_password")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(f"[client]\nuser={galera.MONITOR_USER}\npassword={password}\n")
    return path


def agent_port(ctx: LabContext) -> int:
    return ctx.topology.galera.agent_port if ctx.topology.galera else 9200


def responds(ctx: LabContext, host: str) -> bool:
    """Tell whether the agent responds at all (200 or 503), from inside the host's namespace."""
    url = f"http://{ctx.address(host)}:{agent_port(ctx)}/"
    result = ctx.run_in(host, ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "1",
                               url], check=False, timeout_s=5)
    return result.stdout.strip() in ("200", "503")


def bring_up(ctx: LabContext, hosts: list[str]) -> None:
    """Start the health agent on each of `hosts` and wait until each one responds."""
    for host in hosts:
        argv = [sys.executable, "-m", "halab.agent",
                "--listen", f"{ctx.address(host)}:{agent_port(ctx)}",
                "--socket", str(ctx.host_paths(host).mariadb_socket),
                "--credentials-file", str(write_credentials(ctx, host))]
        ctx.define(host, "agent", argv)
        ctx.start(host, "agent")
    for host in hosts:
        wait_for(f"the Galera agent on {host}", lambda h=host: responds(ctx, h), READY_TIMEOUT_S,
                 hint=f"read {ctx.state.log_file(host, 'agent')}")
