"""Validation rules of the services: balancers, the Galera cluster and the app."""

from __future__ import annotations

from collections import Counter

from .findings import Findings
from .model import Balancer, Role, Topology

BALANCER_ROLES = {"http": Role.LB_HTTP, "tcp": Role.LB_DB}
BACKEND_ROLES = {"http": Role.WEB, "tcp": Role.DB}


def check_balancers(topology: Topology, findings: Findings) -> None:
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
        _check_backend_ports(topology, balancer, findings)


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


def _check_backend_ports(topology: Topology, balancer: Balancer, findings: Findings) -> None:
    """Check that the balancer sends traffic and checks to the ports the services listen on."""
    if balancer.mode == "http":
        expected = {"backend_port": topology.app.port}
    elif topology.galera is not None:
        expected = {"backend_port": topology.galera.port, "check_port": topology.galera.agent_port}
    else:
        expected = {}
    for name, port in expected.items():
        actual = getattr(balancer, name)
        if actual is not None and actual != port:
            findings.errors.append(
                f"balancer {balancer.name}: {name} {actual} differs from the port the service"
                f" listens on ({port}); set {name} to {port}"
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
    if balancer.timeout_check_ms is None and balancer.check_inter_ms < 1000:
        findings.warnings.append(
            f"balancer {balancer.name}: checks every {balancer.check_inter_ms} ms without"
            " timeout_check_ms, so HAProxy gives each check only that interval and a slow"
            " /health marks servers DOWN; set timeout_check_ms (e.g. 1500)"
        )
    if balancer.mode == "tcp" and balancer.buffer_request:
        findings.errors.append(
            f"balancer {balancer.name}: buffer_request works in http mode only;"
            " remove it from the tcp balancer"
        )
    if balancer.mode == "tcp" and balancer.retry_on:
        findings.errors.append(
            f"balancer {balancer.name}: retry_on {balancer.retry_on!r} works in http mode only;"
            " remove it from the tcp balancer"
        )


# --- Galera --------------------------------------------------------------------------------


def check_galera(topology: Topology, findings: Findings) -> None:
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


def check_app(topology: Topology, findings: Findings) -> None:
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
