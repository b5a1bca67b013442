"""Keepalived on each VRRP member, with its own `--namespace` option.

Under `ip netns exec`, Keepalived's process tracking cannot reach the kernel's process events
(keepalived 2.2.7 logs errno 111) and a tracked HAProxy failure never triggers a failover, so
Keepalived enters the namespace itself. Each host's notify fifo is read by the supervisor into
the lab's events file.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from halab.lab import netns
from halab.lab.context import LabContext
from halab.lab.waits import wait_for
from halab.topology.model import VrrpGroup

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 20.0
STABLE_POLLS = 3


def member_hosts(ctx: LabContext, groups: list[VrrpGroup] | None = None) -> list[str]:
    hosts: list[str] = []
    for group in ctx.topology.vrrp_groups if groups is None else groups:
        hosts += [member.host for member in group.members if member.host not in hosts]
    return hosts


def groups_of_mode(ctx: LabContext, mode: str) -> list[VrrpGroup]:
    """Return the VRRP groups whose VIP a balancer of `mode` (http or tcp) binds."""
    names = {b.vrrp_group for b in ctx.topology.balancers if b.mode == mode and b.vrrp_group}
    return [group for group in ctx.topology.vrrp_groups if group.name in names]


def fifo_path(ctx: LabContext, host: str) -> Path:
    return ctx.host_paths(host).keepalived_fifo


def define(ctx: LabContext, host: str) -> None:
    paths = ctx.host_paths(host)
    paths.keepalived_pid.parent.mkdir(parents=True, exist_ok=True)
    argv = ["keepalived", "--namespace", ctx.namespace(host), "-n", "-l", "-D",
            "-f", str(paths.keepalived_config), "-p", str(paths.keepalived_pid),
            "-r", str(paths.vrrp_pid), "-c", str(paths.checkers_pid)]
    ctx.define(host, "keepalived", argv, in_namespace=False)


def vip_holders(ctx: LabContext, vip: str, hosts: list[str]) -> list[str]:
    """Return the hosts among `hosts` whose eth0 carries `vip` right now."""
    holders = []
    for host in hosts:
        result = subprocess.run(
            ["ip", "-n", ctx.namespace(host), "-4", "-o", "addr", "show", "dev",
             netns.HOST_INTERFACE], capture_output=True, text=True, check=False)
        if f" {vip}/" in result.stdout:
            holders.append(host)
    return holders


def holders_by_group(ctx: LabContext, groups: list[VrrpGroup]) -> list[list[str]]:
    return [vip_holders(ctx, str(group.vip), [member.host for member in group.members])
            for group in groups]


def start_members(ctx: LabContext, groups: list[VrrpGroup]) -> None:
    """Start Keepalived on every member of `groups` without waiting for the VIPs."""
    for host in member_hosts(ctx, groups):
        fifo = fifo_path(ctx, host)
        fifo.parent.mkdir(parents=True, exist_ok=True)
        ctx.client.request("watch_fifo", host=host, path=str(fifo))
        define(ctx, host)
        ctx.start(host, "keepalived")


def wait_vips(ctx: LabContext, groups: list[VrrpGroup]) -> None:
    """Wait until each of `groups` has exactly one member holding its VIP."""
    if not groups:
        return
    names = ", ".join(group.name for group in groups)
    # Members started together may all become MASTER for a moment, or the lower priority one
    # alone until the higher one preempts it (about 40 ms here), so the single holder of each
    # VIP must be the same over STABLE_POLLS polls.
    seen: list[list[list[str]]] = []

    def stable_single_holder() -> bool:
        seen.append(holders_by_group(ctx, groups))
        recent = seen[-STABLE_POLLS:]
        return (len(recent) == STABLE_POLLS and all(h == recent[0] for h in recent)
                and all(len(holders) == 1 for holders in recent[0]))

    wait_for(f"exactly one holder of the VIP of {names}", stable_single_holder,
             READY_TIMEOUT_S, interval_s=0.1,
             hint="read the keepalived logs under " + str(ctx.state.root / "hosts"))
