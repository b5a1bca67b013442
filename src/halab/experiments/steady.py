"""Wait until a lab is in its steady state before a run starts.

Steady means: every daemon of the stack that the supervisor started is running (the runner's
own probe and capture may be stopped), each VIP has exactly one holder, HAProxy reports every
backend server UP, and every Galera node is Synced and Primary in a cluster of full size.
A run that starts before this would measure the previous run's recovery.
"""

from __future__ import annotations

import logging
import time

from halab.errors import HalabError, LabStateError
from halab.lab import status as lab_status
from halab.lab.lab import Lab
from halab.lab.services import galera, haproxy

log = logging.getLogger(__name__)

# Services that the runner starts for one run and stops after it: not part of the stack.
RUN_SERVICES = frozenset({"probe", "vrrp-capture"})


def problems(lab: Lab) -> list[str]:
    """Return what keeps the lab from its steady state; an empty list means steady."""
    found = [f"{s['host']}/{s['service']} is not running" for s in lab.services()
             if s["service"] not in RUN_SERVICES and (not s.get("running") or s.get("frozen"))]
    for vip in lab_status.vip_status(lab):
        if len(vip.holders) != 1:
            found.append(f"VIP {vip.vip} of {vip.group} has holders {vip.holders or 'none'}")
    for host in haproxy.balancer_hosts(lab.ctx):
        try:
            rows = lab_status.haproxy_servers(lab, host)
        except OSError as exc:
            found.append(f"HAProxy on {host} does not answer: {exc}")
            continue
        found += [f"HAProxy on {host} sees {proxy}/{server} {state}"
                  for proxy, server, state in rows if not state.startswith("UP")]
    if lab.topology.galera:
        found += _galera_problems(lab)
    return found


def _galera_problems(lab: Lab) -> list[str]:
    nodes = galera.db_nodes(lab.ctx)
    size = len(nodes) + (1 if lab.topology.galera and lab.topology.galera.arbiter else 0)
    found = []
    for host in nodes:
        try:
            if not galera.is_synced(lab.ctx, host, size):
                found.append(f"Galera node {host} is not Synced in a Primary cluster of {size}")
        except HalabError as exc:
            found.append(f"Galera node {host} does not answer: {exc.message}")
    return found


def wait_steady(lab: Lab, timeout_s: float = 90.0, interval_s: float = 0.5) -> None:
    """Wait for the steady state; raise LabStateError naming what is still wrong."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = problems(lab)
        if not found:
            return
        if time.monotonic() > deadline:
            raise LabStateError(
                f"lab {lab.name} did not reach its steady state within {timeout_s:.0f} s",
                hint="; ".join(found[:5]),
            )
        log.debug("waiting for steady state: %s", "; ".join(found))
        time.sleep(interval_s)
