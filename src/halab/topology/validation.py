"""Rules of a topology that pydantic's field types cannot express.

`validate(topology)` runs every rule and raises InvalidInput listing all errors at once, or
returns the warnings. Each message names the host or group, the bad value and the fix.
Address rules are here, VRRP rules in `vrrp_rules`, and those of the balancers, the Galera
cluster and the app in `service_rules`.
"""

from __future__ import annotations

import logging
from collections import Counter

from halab.errors import InvalidInput

from .findings import Findings
from .model import Topology
from .service_rules import check_app, check_balancers, check_galera
from .vrrp_rules import check_vrrp_group, check_vrrp_groups

log = logging.getLogger(__name__)


def validate(topology: Topology) -> list[str]:
    """Check every rule; raise InvalidInput listing all errors, else return the warnings."""
    findings = Findings()
    _check_hosts(topology, findings)
    check_vrrp_groups(topology, findings)
    for group in topology.vrrp_groups:
        check_vrrp_group(topology, group, findings)
    check_balancers(topology, findings)
    check_galera(topology, findings)
    check_app(topology, findings)

    if findings.errors:
        raise InvalidInput(
            f"topology {topology.name} is invalid: {len(findings.errors)} problem(s)",
            hint="fix each problem listed above, then run `halab lint` again",
            problems=findings.errors,
        )
    for warning in findings.warnings:
        log.info("topology %s: %s", topology.name, warning)
    return findings.warnings


def _check_hosts(topology: Topology, findings: Findings) -> None:
    names = Counter(host.name for host in topology.hosts)
    for name, count in names.items():
        if count > 1:
            findings.errors.append(
                f"host {name}: the name is used by {count} hosts; rename all but one"
            )

    seen: dict[str, str] = {}
    subnet = topology.subnet
    for host in topology.hosts:
        address = str(host.address)
        if address in seen:
            findings.errors.append(
                f"host {host.name}: address {address} is already used by {seen[address]};"
                " give each host its own address"
            )
        seen.setdefault(address, host.name)
        if host.address not in subnet:
            findings.errors.append(
                f"host {host.name}: address {address} is outside the subnet {subnet};"
                f" pick an address in {subnet} or change `subnet`"
            )
        elif host.address in (subnet.network_address, subnet.broadcast_address):
            findings.errors.append(
                f"host {host.name}: address {address} is the network or broadcast address of"
                f" {subnet}; pick a host address"
            )
