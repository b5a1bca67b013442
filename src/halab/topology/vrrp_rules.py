"""Validation rules of VRRP groups: VRIDs and VIPs, preemption, adverts, scripts, priorities."""

from __future__ import annotations

import pwd
from collections import Counter

from .findings import Findings
from .model import Role, Topology, VrrpGroup, VrrpMember


def check_vrrp_groups(topology: Topology, findings: Findings) -> None:
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


def check_vrrp_group(topology: Topology, group: VrrpGroup, findings: Findings) -> None:
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
    _check_initial_states(group, findings)


def _check_initial_states(group: VrrpGroup, findings: Findings) -> None:
    """Warn when the initial states disagree with the priorities, which costs a transition."""
    masters = [member for member in group.members if member.state == "MASTER"]
    if len(masters) > 1:
        names = ", ".join(member.host for member in masters)
        findings.warnings.append(
            f"VRRP group {group.name}: {names} all start as MASTER; all but the highest"
            " priority step down at the first advert, so start the others as BACKUP"
        )
    top = max(group.members, key=lambda member: member.priority)
    for master in masters:
        if master.priority < top.priority and group.preempt:
            findings.warnings.append(
                f"VRRP group {group.name}: {master.host} starts as MASTER with priority"
                f" {master.priority}, below {top.host}'s {top.priority}, which takes over at"
                " once; start the highest priority as MASTER"
            )


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
