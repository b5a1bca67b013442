"""Publish the web VIP and the first balancer's stats page on this machine's loopback."""

from __future__ import annotations

import errno
import logging
import socket
import sys

from halab.lab.context import LabContext
from halab.topology.model import Role

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((LOOPBACK, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def targets(ctx: LabContext, web_port: int, stats_port: int) -> dict[int, str]:
    """Return loopback port -> lab address:port for the web entry point and the stats page."""
    http = [b for b in ctx.topology.balancers if b.mode == "http"]
    if not http:
        return {}
    web = http[0]
    if web.vrrp_group:
        entry = str(ctx.topology.vrrp_group(web.vrrp_group).vip)
    else:
        entry = ctx.address(web.hosts[0])
    return {web_port: f"{entry}:{web.port}",
            stats_port: f"{ctx.address(web.hosts[0])}:{web.stats_port}"}


def client_host(ctx: LabContext) -> str | None:
    clients = ctx.topology.hosts_with_role(Role.CLIENT)
    return clients[0].name if clients else None


def bring_up(ctx: LabContext, web_port: int, stats_port: int) -> dict[int, str]:
    """Start the forwarder for the free ports; return what is published (port -> target)."""
    host = client_host(ctx)
    if host is None or web_port == 0:
        return {}
    published = {}
    for port, target in targets(ctx, web_port, stats_port).items():
        if port_free(port):
            published[port] = target
        else:
            log.warning("127.0.0.1:%d is in use; %s is not published on loopback (choose "
                        "another port with --web-port or --stats-port)", port, target)
    if not published:
        return {}
    argv = [sys.executable, "-m", "halab.lab.forwarder", "--netns", ctx.namespace(host)]
    for port, target in published.items():
        argv += ["--map", f"{LOOPBACK}:{port}={target}"]
    ctx.define(host, "forwarder", argv, in_namespace=False)
    ctx.start(host, "forwarder")
    return published
