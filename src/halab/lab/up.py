"""Bring a topology up as a lab: namespaces, rendered files, then every daemon in order.

The checks come first, before anything is created: root, Linux, the topology, the binaries,
and no lab of the same name. Then come the network, each host's rendered files and the lab's
secrets, and the supervisor. The database tier follows: the first node with the users, then
HAProxy and Keepalived, whose VRRP election runs while the other nodes and the arbiter join.
Last come the app, the web tier's HAProxy and Keepalived, and the loopback forwarder. Each
step waits until its daemons are ready. When a step fails, what was created stays in place and
recorded for inspection, and `halab down` removes it.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from halab.errors import HalabError, InvalidInput, LabStateError
from halab.lab import netns, preflight, secrets
from halab.lab.context import LabContext
from halab.lab.control import SupervisorClient, spawn_supervisor, supervisor_alive
from halab.lab.services import agent, app, forwarder, galera, garbd, haproxy, keepalived
from halab.lab.state import LabState, write_json_atomic
from halab.render import Secrets, render_host, write_host
from halab.topology import apply_profile, load_topology, validate
from halab.topology.model import Role, Topology

log = logging.getLogger(__name__)

DEFAULT_WEB_PORT = 8080
DEFAULT_STATS_PORT = 8404

# Called with (step title, "start" | "done" | "failed", seconds since the step started).
StepCallback = Callable[[str, str, float], None]


@dataclass
class UpResult:
    lab: str
    topology: Topology
    state_root: Path
    published: dict[int, str] = field(default_factory=dict)
    step_seconds: dict[str, float] = field(default_factory=dict)


def load(topology: str | Topology, profile: str | None) -> Topology:
    """Load, apply the profile and validate; raise InvalidInput before anything is created."""
    loaded = load_topology(topology) if isinstance(topology, str) else topology
    if profile:
        loaded = apply_profile(loaded, profile)
    for warning in validate(loaded):
        log.warning("topology %s: %s", loaded.name, warning)
    if any(host.name == netns.SWITCH for host in loaded.hosts):
        raise InvalidInput(
            f"topology {loaded.name}: host name {netns.SWITCH!r} is reserved in the lab",
            hint=f"rename the host; the namespace <lab>-{netns.SWITCH} holds the lab's bridge",
        )
    return loaded


def check_not_running(state: LabState) -> None:
    if supervisor_alive(state):
        raise LabStateError(
            f"lab {state.name} is already up (state in {state.root})",
            hint=f"run `halab status --lab {state.name}`, or `halab down --lab {state.name}` "
            "before bringing it up again",
        )
    if state.root.exists():
        raise LabStateError(
            f"lab {state.name} has leftover state in {state.root} from an earlier run",
            hint=f"run `halab down --lab {state.name}` to remove it first",
        )
    namespace = netns.switch_namespace(state.name)
    if netns.namespace_exists(namespace):
        raise LabStateError(f"network namespace {namespace} already exists",
                            hint=f"run `halab down --lab {state.name}`")


def create_network(ctx: LabContext) -> None:
    state, topology = ctx.state, ctx.topology
    netns.create_switch(state)
    for host in topology.hosts:
        netns.attach_host(state, host.name, str(host.address), topology.subnet)
    for group in topology.vrrp_groups:
        # HAProxy on a backup binds the VIP before the VIP is there.
        for member in group.members:
            netns.set_sysctl(ctx.namespace(member.host), "net.ipv4.ip_nonlocal_bind", "1")


def write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)


def render_files(ctx: LabContext) -> None:
    """Generate the secrets and write each host's rendered files into its folder."""
    secrets.generate(ctx.state)
    shared = Secrets(db_password=secrets.read(ctx.state, "app_db_password"),
                     stats_password=secrets.read(ctx.state, "haproxy_stats_password"))
    key = secrets.read(ctx.state, "app_secret_key")
    for host in ctx.topology.hosts:
        paths = ctx.host_paths(host.name)
        for directory in (paths.etc_dir, paths.run_dir, paths.log_dir, paths.state_dir):
            directory.mkdir(parents=True, exist_ok=True)
        write_host(render_host(ctx.topology, host.name, paths, lab=True, secrets=shared), paths)
        if host.role == Role.WEB:
            write_private(paths.secret_key_file, key + "\n")


def start_first_database(ctx: LabContext) -> None:
    """Bootstrap the first node and create the users, which joiners receive by state transfer."""
    galera.bootstrap_first(ctx)
    galera.create_users(ctx)
    if ctx.topology.galera:
        agent.bring_up(ctx, galera.db_nodes(ctx)[:1])


def start_other_databases(ctx: LabContext) -> None:
    galera.join_others(ctx)
    agent.bring_up(ctx, galera.db_nodes(ctx)[1:])
    garbd.bring_up(ctx)


def start_balancers(ctx: LabContext, mode: str) -> None:
    """Start HAProxy, then Keepalived, on the balancers of `mode` (tcp or http).

    Keepalived starts after HAProxy so that its tracking finds HAProxy running from the first
    check. Started the other way round, a backup whose check passes first outranks the master
    for a moment and takes the VIP.
    """
    haproxy.bring_up(ctx, haproxy.balancer_hosts(ctx, mode))
    keepalived.start_members(ctx, keepalived.groups_of_mode(ctx, mode))


def database_steps(ctx: LabContext) -> list[tuple[str, Callable[[], object]]]:
    """Return the database tier's steps; its VIP election runs while the other nodes join."""
    topology = ctx.topology
    steps: list[tuple[str, Callable[[], object]]] = []
    if topology.hosts_with_role(Role.DB):
        steps.append(("database, first node and users", lambda: start_first_database(ctx)))
    if haproxy.balancer_hosts(ctx, "tcp"):
        steps.append(("HAProxy and Keepalived, database tier",
                      lambda: start_balancers(ctx, "tcp")))
    if len(galera.db_nodes(ctx)) > 1 or (topology.galera and topology.galera.arbiter):
        steps.append(("database, other nodes and arbiter", lambda: start_other_databases(ctx)))
    groups = keepalived.groups_of_mode(ctx, "tcp")
    if groups:
        steps.append(("VIP, database tier", lambda: keepalived.wait_vips(ctx, groups)))
    hosts = haproxy.balancer_hosts(ctx, "tcp")
    if hosts:
        # The Galera agent fails a donor's checks during a state transfer, so HAProxy may have
        # marked the first node DOWN while the others joined.
        steps.append(("database tier servers UP",
                      lambda: haproxy.wait_servers_up(ctx, hosts)))
    return steps


def web_steps(ctx: LabContext) -> list[tuple[str, Callable[[], object]]]:
    steps: list[tuple[str, Callable[[], object]]] = []
    if ctx.topology.hosts_with_role(Role.WEB):
        steps.append(("app", lambda: app.bring_up(ctx)))
    if haproxy.balancer_hosts(ctx, "http"):
        steps.append(("HAProxy and Keepalived, web tier", lambda: start_balancers(ctx, "http")))
    groups = keepalived.groups_of_mode(ctx, "http")
    if groups:
        steps.append(("VIP, web tier", lambda: keepalived.wait_vips(ctx, groups)))
    return steps


def plan(ctx: LabContext, web_port: int, stats_port: int,
         result: UpResult) -> list[tuple[str, Callable[[], object]]]:
    """Return every step of `up` in order, as (title, action)."""
    steps: list[tuple[str, Callable[[], object]]] = [
        ("network namespaces and bridge", lambda: create_network(ctx)),
        ("configuration files and secrets", lambda: render_files(ctx)),
        ("supervisor", lambda: spawn_supervisor(ctx.state)),
    ]
    # The app reaches the database through the database tier's VIP, so that tier comes first.
    steps += database_steps(ctx)
    steps += web_steps(ctx)
    steps.append(("loopback ports", lambda: result.published.update(
        forwarder.bring_up(ctx, web_port, stats_port))))
    return steps


def up(topology: str | Topology, profile: str | None = None, lab_name: str | None = None,
       on_step: StepCallback | None = None, web_port: int = DEFAULT_WEB_PORT,
       stats_port: int = DEFAULT_STATS_PORT) -> UpResult:
    """Bring `topology` up as lab `lab_name` and return what runs; web_port 0 publishes none."""
    preflight.check_platform()
    loaded = load(topology, profile)
    preflight.check_binaries(loaded)
    state = LabState.for_lab(lab_name)
    check_not_running(state)

    try:
        state.root.mkdir(parents=True)
    except FileExistsError:
        # Another `up` of the same lab passed the check at the same moment.
        raise LabStateError(f"lab {state.name} is being brought up by another process",
                            hint=f"run `halab status --lab {state.name}`") from None
    write_json_atomic(state.lab_file, {"name": state.name, "topology": loaded.name,
                                       "profile": profile, "pid": os.getpid()})
    write_json_atomic(state.topology_file, loaded.model_dump(mode="json"))
    ctx = LabContext(state=state, topology=loaded, client=SupervisorClient(state))
    result = UpResult(lab=state.name, topology=loaded, state_root=state.root)
    for title, action in plan(ctx, web_port, stats_port, result):
        run_step(title, action, on_step, result)
    return result


def run_step(title: str, action: Callable[[], object], on_step: StepCallback | None,
             result: UpResult) -> None:
    notify = on_step or (lambda *_: None)
    started = time.monotonic()
    notify(title, "start", 0.0)
    log.info("up: %s", title)
    try:
        action()
    except HalabError as exc:
        notify(title, "failed", time.monotonic() - started)
        hint = f"logs are in {result.state_root}; run `halab down --lab {result.lab}` to clean up"
        raise type(exc)(f"{title}: {exc.message}", hint=exc.hint or hint) from exc
    elapsed = time.monotonic() - started
    result.step_seconds[title] = elapsed
    notify(title, "done", elapsed)
