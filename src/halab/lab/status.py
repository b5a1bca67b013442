"""The current status of a lab: services, VRRP state and VIP holders, HAProxy, Galera."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from halab.errors import HalabError
from halab.lab.lab import Lab
from halab.lab.services import galera, haproxy, keepalived

log = logging.getLogger(__name__)

VRRP_STATES = frozenset({"MASTER", "BACKUP", "FAULT", "STOP"})
GALERA_FIELDS = ("wsrep_cluster_size", "wsrep_cluster_status", "wsrep_local_state_comment")


@dataclass
class VipStatus:
    group: str
    vip: str
    holders: list[str]
    # Last state each member reported through Keepalived's notify fifo.
    states: dict[str, str]

    @property
    def split_brain(self) -> bool:
        return len(self.holders) > 1


@dataclass
class LabStatus:
    lab: str
    topology: str
    services: list[dict[str, Any]] = field(default_factory=list)
    vips: list[VipStatus] = field(default_factory=list)
    # host -> rows of (proxy, server, status) from HAProxy's `show stat`.
    haproxy: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    galera: dict[str, dict[str, str]] = field(default_factory=dict)


def vrrp_states(lab: Lab) -> dict[tuple[str, str], str]:
    """Return (host, instance) -> the last state Keepalived reported for it."""
    states: dict[tuple[str, str], str] = {}
    try:
        lines = lab.events_file.read_text().splitlines()
    except FileNotFoundError:
        return states
    for line in lines:
        event = json.loads(line)
        # Keepalived 2.2 also writes events such as MASTER_RX_LOWER_PRI (a master that received
        # a lower priority advert). They are not states, so the instance's state stays as it is.
        if (event.get("kind") == "keepalived" and event.get("type") == "INSTANCE"
                and event.get("state") in VRRP_STATES):
            states[(event["host"], event["name"])] = event["state"]
    return states


def vip_status(lab: Lab) -> list[VipStatus]:
    states = vrrp_states(lab)
    result = []
    for group in lab.topology.vrrp_groups:
        members = [member.host for member in group.members]
        result.append(VipStatus(
            group=group.name, vip=str(group.vip),
            holders=keepalived.vip_holders(lab.ctx, str(group.vip), members),
            states={host: states.get((host, group.name), "?") for host in members},
        ))
    return result


def haproxy_servers(lab: Lab, host: str) -> list[tuple[str, str, str]]:
    """Return (backend, server, status) for every server HAProxy on `host` checks."""
    return haproxy.server_states(lab.ctx, host)


def galera_view(lab: Lab, host: str) -> dict[str, str]:
    status = galera.wsrep_status(lab.ctx, host)
    return {name: status.get(name, "-") for name in GALERA_FIELDS}


def collect(lab: Lab) -> LabStatus:
    """Gather the lab's status; a daemon that does not respond shows as an error string."""
    result = LabStatus(lab=lab.name, topology=lab.topology.name, services=lab.services(),
                       vips=vip_status(lab))
    for host in haproxy.balancer_hosts(lab.ctx):
        try:
            result.haproxy[host] = haproxy_servers(lab, host)
        except OSError as exc:
            result.haproxy[host] = [("-", "-", f"not responding: {exc}")]
    nodes = galera.db_nodes(lab.ctx) if lab.topology.galera else []
    for host in nodes:
        try:
            result.galera[host] = galera_view(lab, host)
        except HalabError as exc:
            result.galera[host] = {name: "down" for name in GALERA_FIELDS}
            log.info("Galera status of %s: %s", host, exc)
    return result
