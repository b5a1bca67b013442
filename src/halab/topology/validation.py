"""Rules of a topology that pydantic's field types cannot express.

`validate(topology)` runs every rule and raises InvalidInput listing all errors at once, or
returns the warnings. Each message names the host or group, the bad value and the fix.
The rules are grouped by concept: addresses, VRRP, balancers, Galera, and the app.
"""

from __future__ import annotations

import logging
import pwd
from collections import Counter
from dataclasses import dataclass, field

from halab.errors import InvalidInput

from .model import Balancer, Role, Topology, VrrpGroup, VrrpMember

log = logging.getLogger(__name__)

BALANCER_ROLES = {"http": Role.LB_HTTP, "tcp": Role.LB_DB}
BACKEND_ROLES = {"http": Role.WEB, "tcp": Role.DB}


@dataclass
class Findings:
    """Errors that make a topology unusable, and warnings that only weaken it."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def validate(topology: Topology) -> list[str]:
    """Check every rule; raise InvalidInput listing all errors, else return the warnings."""
    findings = Findings()
    _check_hosts(topology, findings)
    _check_vrrp_groups(topology, findings)
    for group in topology.vrrp_groups:
        _check_vrrp_group(topology, group, findings)
    _check_balancers(topology, findings)
    _check_galera(topology, findings)
    _check_app(topology, findings)

    if findings.errors:
        raise InvalidInput(
            f"topology {topology.name} is invalid: {len(findings.errors)} problem(s)",
            hint="fix each problem listed above, then run `halab lint` again",
            problems=findings.errors,
        )
    for warning in findings.warnings:
        log.info("topology %s: %s", topology.name, warning)
    return findings.warnings


# --- hosts and addresses -------------------------------------------------------------------


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


# --- VRRP ----------------------------------------------------------------------------------


def _check_vrrp_groups(topology: Topology, findings: Findings) -> None:
    """Check what VRRP groups share: names, VRIDs and VIPs on the one segment of the subnet."""
    host_addresses = {str(host.address): host.name for host in topology.hosts}
    vrids: dict[int, str] = {}
    vips: dict[str, str] = {}
    names = Counter(group.name for group in topology.vrrp_groups)
    for name, count in names.items():
        if count > 1:
            findings.errors.append(
                f"VRRP group {name}: the name is used {count} times; rename all but one"
            )

    for group in topology.vrrp_groups:
        vip = str(group.vip)
        if group.vrid in vrids:
            findings.errors.append(
                f"VRRP group {group.name}: virtual_router_id {group.vrid} is already used by"
                f" {vrids[group.vrid]} on the same segment; pick another VRID (1-255)"
            )
        vrids.setdefault(group.vrid, group.name)
        if vip in vips:
            findings.errors.append(
                f"VRRP group {group.name}: VIP {vip} is already the VIP of {vips[vip]};"
                " give each group its own VIP"
            )
        vips.setdefault(vip, group.name)
        if vip in host_addresses:
            findings.errors.append(
                f"VRRP group {group.name}: VIP {vip} equals the address of host"
                f" {host_addresses[vip]}; pick a VIP that no host uses"
            )
        if group.vip not in topology.subnet:
            findings.errors.append(
                f"VRRP group {group.name}: VIP {vip} is outside the subnet {topology.subnet};"
                f" pick an address in {topology.subnet}"
            )


def _check_vrrp_group(topology: Topology, group: VrrpGroup, findings: Findings) -> None:
    known = {host.name: host for host in topology.hosts}
    for member in group.members:
        host = known.get(member.host)
        if host is None:
            findings.errors.append(
                f"VRRP group {group.name}: member {member.host!r} is not a host of the topology;"
                " add the host or fix the name"
            )
        elif host.role not in (Role.LB_HTTP, Role.LB_DB):
            findings.errors.append(
                f"VRRP group {group.name}: member {member.host} has role {host.role.value};"
                " only lb-http and lb-db hosts run Keepalived"
            )
        _check_member_preemption(group, member, findings)

    _check_advert(group, findings)
    _check_script_security(group, findings)
    _check_priorities(group, findings)


def _check_member_preemption(group: VrrpGroup, member: VrrpMember, findings: Findings) -> None:
    if member.state != "MASTER":
        return
    if not group.preempt:
        findings.errors.append(
            f"VRRP group {group.name}: host {member.host} has state MASTER with nopreempt;"
            " Keepalived ignores nopreempt on an initial MASTER, so set its state to BACKUP"
        )
    if group.preempt_delay_s > 0:
        findings.errors.append(
            f"VRRP group {group.name}: host {member.host} has state MASTER with preempt_delay"
            f" {group.preempt_delay_s:g} s; Keepalived ignores the delay on an initial MASTER,"
            " so set its state to BACKUP"
        )


def _check_advert(group: VrrpGroup, findings: Findings) -> None:
    advert = group.advert_int_s
    if group.version == 2 and advert != int(advert):
        findings.errors.append(
            f"VRRP group {group.name}: advert_int {advert:g} s with VRRP version 2; version 2"
            " counts whole seconds and Keepalived rounds it, so set version 3 or a whole number"
        )
    if group.version == 3 and round(advert * 100) != advert * 100:
        findings.errors.append(
            f"VRRP group {group.name}: advert_int {advert:g} s is finer than VRRPv3's"
            " centiseconds; round it to 0.01 s"
        )
    if group.version == 3 and group.auth_pass is not None:
        findings.errors.append(
            f"VRRP group {group.name}: auth_pass is set with VRRP version 3, which has no"
            " authentication; remove auth_pass or use version 2"
        )
    if group.tracking.kind == "script" and group.tracking.interval_s != int(
        group.tracking.interval_s
    ):
        findings.errors.append(
            f"VRRP group {group.name}: script interval {group.tracking.interval_s:g} s;"
            " Keepalived runs check scripts at whole seconds, so use a whole number"
        )


def _check_script_security(group: VrrpGroup, findings: Findings) -> None:
    if not group.script_security or group.tracking.kind != "script":
        return
    user = group.script_user
    if not user:
        findings.errors.append(
            f"VRRP group {group.name}: script security is on but no script_user is set;"
            " set script_user to an existing user (e.g. root) or Keepalived will not run the check"
        )
        return
    try:
        pwd.getpwnam(user)
    except KeyError:
        findings.errors.append(
            f"VRRP group {group.name}: script_user {user!r} does not exist on this machine;"
            " create the user or set script_user to an existing one"
        )


def _check_priorities(group: VrrpGroup, findings: Findings) -> None:
    """Check that the highest-priority member can hand over to each of the others."""
    members = sorted(group.members, key=lambda member: member.priority, reverse=True)
    if len(members) < 2:
        return
    master = members[0]
    for backup in members[1:]:
        if backup.priority == master.priority:
            findings.errors.append(
                f"VRRP group {group.name}: host {backup.host} has priority {backup.priority},"
                f" equal to {master.host}'s; a backup needs a lower priority"
            )
            continue
        problem = _failover_problem(group, master, backup)
        if problem:
            findings.errors.append(problem)


def _failover_problem(group: VrrpGroup, master: VrrpMember, backup: VrrpMember) -> str | None:
    """Return why `backup` can never take over from a failed `master`, or None if it can."""
    weight = group.tracking.weight
    if weight == 0:
        # A failed check with weight 0 puts the master in FAULT: it always hands over.
        return None
    if weight < 0:
        failed_master = master.priority + weight
        healthy_backup = backup.priority
    else:
        failed_master = master.priority
        healthy_backup = backup.priority + weight
    if failed_master < healthy_backup:
        return None
    return (
        f"VRRP group {group.name}: host {backup.host} can never take over from {master.host}:"
        f" with weight {weight} a failed {master.host} has effective priority {failed_master}"
        f" and a healthy {backup.host} {healthy_backup}; make |weight| larger than"
        f" {master.priority - backup.priority} or narrow the priority gap"
    )


# --- balancers -----------------------------------------------------------------------------


def _check_balancers(topology: Topology, findings: Findings) -> None:
    roles = {host.name: host.role for host in topology.hosts}
    names = Counter(balancer.name for balancer in topology.balancers)
    for name, count in names.items():
        if count > 1:
            findings.errors.append(
                f"balancer {name}: the name is used {count} times; rename all but one"
            )
    for balancer in topology.balancers:
        _check_balancer_hosts(balancer, roles, findings)
        _check_balancer_vrrp(topology, balancer, findings)
        _check_balancer_ports(balancer, findings)


def _check_balancer_hosts(balancer: Balancer, roles: dict[str, Role], findings: Findings) -> None:
    expected_role = BALANCER_ROLES[balancer.mode]
    for name in balancer.hosts:
        if name not in roles:
            findings.errors.append(
                f"balancer {balancer.name}: host {name!r} is not in the topology;"
                " add it or fix the name"
            )
        elif roles[name] != expected_role:
            findings.errors.append(
                f"balancer {balancer.name}: host {name} has role {roles[name].value}, but a"
                f" {balancer.mode} balancer runs on {expected_role.value} hosts; change its role"
            )
    backend_role = BACKEND_ROLES[balancer.mode]
    for name in balancer.backends:
        if name not in roles:
            findings.errors.append(
                f"balancer {balancer.name}: backend {name!r} is not in the topology;"
                " add it or fix the name"
            )
        elif roles[name] != backend_role:
            findings.errors.append(
                f"balancer {balancer.name}: backend {name} has role {roles[name].value}, but a"
                f" {balancer.mode} balancer sends to {backend_role.value} hosts"
            )


def _check_balancer_vrrp(topology: Topology, balancer: Balancer, findings: Findings) -> None:
    if balancer.vrrp_group is None:
        if len(balancer.hosts) > 1:
            findings.warnings.append(
                f"balancer {balancer.name}: runs on {len(balancer.hosts)} hosts without a"
                " VRRP group, so clients must pick a host address themselves"
            )
        return
    try:
        group = topology.vrrp_group(balancer.vrrp_group)
    except KeyError:
        findings.errors.append(
            f"balancer {balancer.name}: VRRP group {balancer.vrrp_group!r} is not defined;"
            " add it under vrrp_groups or fix the name"
        )
        return
    members = {member.host for member in group.members}
    if members != set(balancer.hosts):
        findings.errors.append(
            f"balancer {balancer.name}: hosts {sorted(balancer.hosts)} differ from the members"
            f" of VRRP group {group.name} {sorted(members)}; the VIP must move only between"
            " hosts that run this balancer"
        )


def _check_balancer_ports(balancer: Balancer, findings: Findings) -> None:
    if balancer.stats_port == balancer.port:
        findings.errors.append(
            f"balancer {balancer.name}: stats_port {balancer.stats_port} equals the service port;"
            " pick another stats_port"
        )
    if balancer.mode == "tcp" and balancer.check_port is None:
        findings.errors.append(
            f"balancer {balancer.name}: tcp mode needs check_port, the Galera agent's port"
            " (9200 by default); a plain TCP check keeps a non-Primary node in rotation"
        )
    if balancer.mode == "tcp" and balancer.retry_on:
        findings.errors.append(
            f"balancer {balancer.name}: retry_on {balancer.retry_on!r} works in http mode only;"
            " remove it from the tcp balancer"
        )


# --- Galera --------------------------------------------------------------------------------


def _check_galera(topology: Topology, findings: Findings) -> None:
    roles = {host.name: host.role for host in topology.hosts}
    db_hosts = [host.name for host in topology.hosts_with_role(Role.DB)]
    galera = topology.galera
    if galera is None:
        if len(db_hosts) > 1:
            findings.errors.append(
                f"topology {topology.name}: {len(db_hosts)} db hosts {db_hosts} but no galera"
                " section; add `galera:` with their names as nodes, or keep one db host"
            )
        return

    for name in galera.nodes:
        if roles.get(name) != Role.DB:
            findings.errors.append(
                f"galera: node {name!r} is not a db host; add it with role db or fix the name"
            )
    for name in db_hosts:
        if name not in galera.nodes:
            findings.errors.append(f"galera: db host {name} is missing from nodes; add it")
    if galera.arbiter is not None and roles.get(galera.arbiter) != Role.ARBITER:
        findings.errors.append(
            f"galera: arbiter {galera.arbiter!r} is not an arbiter host; add it with role"
            " arbiter or fix the name"
        )
    _check_galera_votes(galera.nodes, galera.arbiter, findings)
    _check_galera_timeouts(topology, findings)


def _check_galera_votes(nodes: list[str], arbiter: str | None, findings: Findings) -> None:
    voters = [*nodes, *([arbiter] if arbiter else [])]
    votes = len(voters)
    if votes == 2:
        findings.warnings.append(
            f"galera: only 2 voting members ({', '.join(voters)});"
            " when one crashes the survivor loses quorum and stops serving, so add a third node"
            " or an arbiter host running garbd"
        )
    elif votes % 2 == 0:
        findings.warnings.append(
            f"galera: {votes} voting members; an even count can split in half without a"
            " majority, so add a node or an arbiter"
        )


def _check_galera_timeouts(topology: Topology, findings: Findings) -> None:
    """Check the bounds that Galera 4 itself enforces on the EVS timeouts at start."""
    galera = topology.galera
    assert galera is not None
    suspect = galera.evs_suspect_timeout_s
    if galera.evs_inactive_timeout_s < suspect:
        findings.errors.append(
            f"galera: evs_inactive_timeout_s {galera.evs_inactive_timeout_s:g} is below"
            f" evs_suspect_timeout_s {suspect:g}; make it at least the suspect timeout"
        )
    if galera.evs_inactive_check_period_s > suspect / 2:
        findings.errors.append(
            f"galera: evs_inactive_check_period_s {galera.evs_inactive_check_period_s:g} is above"
            f" half of evs_suspect_timeout_s ({suspect / 2:g}); Galera rejects it, so lower it"
        )
    if galera.evs_keepalive_period_s > suspect / 3:
        findings.errors.append(
            f"galera: evs_keepalive_period_s {galera.evs_keepalive_period_s:g} is above a third"
            f" of evs_suspect_timeout_s ({suspect / 3:g}); Galera rejects it, so lower it"
        )


# --- the app -------------------------------------------------------------------------------


def _check_app(topology: Topology, findings: Findings) -> None:
    _check_secret_keys(topology, findings)
    _check_database_balancer(topology, findings)
    for balancer in topology.balancers:
        if balancer.mode == "http":
            _check_slow_request_cut(topology, balancer, findings)


def _check_secret_keys(topology: Topology, findings: Findings) -> None:
    files = {host.name: host.secret_key_file for host in topology.hosts_with_role(Role.WEB)}
    if len(set(files.values())) > 1:
        listed = ", ".join(f"{name}: {path or 'the default file'}" for name, path in files.items())
        findings.errors.append(
            f"web hosts name different SECRET_KEY files ({listed}); a session cookie signed"
            " by one would be rejected by the others, so give every web host the same file"
        )


def _check_database_balancer(topology: Topology, findings: Findings) -> None:
    name = topology.app.database_balancer
    if name is None:
        if not topology.hosts_with_role(Role.DB):
            findings.errors.append(
                "app: no db host to connect to; add a host with role db or set database_balancer"
            )
        return
    balancer = next((b for b in topology.balancers if b.name == name), None)
    if balancer is None:
        findings.errors.append(
            f"app: database_balancer {name!r} is not a balancer of the topology; fix the name"
        )
    elif balancer.mode != "tcp":
        findings.errors.append(
            f"app: database_balancer {name!r} is in {balancer.mode} mode; the database needs"
            " a tcp balancer"
        )


def _check_slow_request_cut(topology: Topology, balancer: Balancer, findings: Findings) -> None:
    """Check that the layer meant to cut a slow request (`slow_request_cut_by`) cuts it first."""
    app = topology.app
    worker_s = app.worker_timeout_s
    server_s = balancer.timeout_server_s
    if app.slow_request_cut_by == "gunicorn" and not worker_s < server_s:
        findings.errors.append(
            f"balancer {balancer.name}: timeout server {server_s:g} s is not longer than the"
            f" gunicorn worker timeout {worker_s:g} s, so HAProxy cuts a slow request first"
            " and the worker keeps running; raise timeout_server_s above the worker timeout"
            " or set app.slow_request_cut_by: haproxy"
        )
    if app.slow_request_cut_by == "haproxy" and not server_s < worker_s:
        findings.errors.append(
            f"balancer {balancer.name}: timeout server {server_s:g} s is not shorter than the"
            f" gunicorn worker timeout {worker_s:g} s, so gunicorn kills the worker first;"
            " lower timeout_server_s or set app.slow_request_cut_by: gunicorn"
        )
