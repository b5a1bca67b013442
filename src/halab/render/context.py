"""The values each template reads, computed from the topology for one host.

Templates use only `if` and `for`, so every address, duration string and command line is
computed here. Durations are formatted in the unit each daemon expects: HAProxy takes `ms`
and `s` suffixes, Keepalived plain seconds, Galera ISO 8601 periods (`PT0.5S`).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

from halab.topology import Balancer, Galera, Role, Topology, VrrpGroup
from halab.topology.profiles import REASONS

from .paths import HostPaths


@dataclass(frozen=True)
class Server:
    """One backend server line of an HAProxy backend."""

    name: str
    address: IPv4Address
    backup: bool


@dataclass(frozen=True)
class BalancerView:
    """A balancer as one of its hosts renders it."""

    balancer: Balancer
    bind_address: IPv4Address
    servers: list[Server]
    timeout_connect: str
    timeout_client: str
    timeout_server: str
    timeout_check: str | None
    check_options: str

    def __getattr__(self, name: str) -> object:
        # Lets templates read the balancer's own fields (b.port, b.mode) from the view.
        return getattr(self.balancer, name)


@dataclass(frozen=True)
class VrrpView:
    """A VRRP group as one of its members renders it."""

    group: VrrpGroup
    state: str
    priority: int
    advert_int: str
    vip_prefix: int

    def __getattr__(self, name: str) -> object:
        # Lets templates read the group's own fields (g.name, g.tracking) from the view.
        return getattr(self.group, name)


def haproxy_command(paths: HostPaths) -> list[str]:
    """Return the argv that starts this host's HAProxy in the foreground in the lab.

    Keepalived's process tracking in the lab matches this argv exactly (the binary path, `-db`,
    `-f` and the config path), so the lab must start HAProxy with it. Options appended after
    it, such as `-p PIDFILE`, do not break the match.
    """
    return [str(paths.haproxy_bin), "-db", "-f", str(paths.haproxy_config)]


def tracked_process(paths: HostPaths) -> str:
    """Return the arguments of Keepalived's `process` keyword for the lab's HAProxy, quoted."""
    return " ".join(f'"{argument}"' for argument in haproxy_command(paths))


def check_script(paths: HostPaths, lab: bool) -> str:
    """Return the command a `vrrp_script` runs to see that this host's HAProxy is alive.

    In the lab, pgrep matches the full command line with this host's config path, since every
    lab host's HAProxy is visible. The pattern has no spaces (`.` stands for each one) so that
    Keepalived passes it to pgrep as one argument, and it ends at the config path or a blank, so
    options after it (the lab adds `-p PIDFILE`) still match. On a real host the process name
    suffices.
    """
    if not lab:
        return "/usr/bin/pgrep -x haproxy"
    pattern = ".".join(haproxy_command(paths))
    return f"/usr/bin/pgrep -f ^{pattern}([[:space:]]|$)"


def format_ms(value_ms: float) -> str:
    """Return a duration for HAProxy: whole seconds as `5s`, anything else as `500ms`."""
    if value_ms >= 1000 and value_ms % 1000 == 0:
        return f"{int(value_ms // 1000)}s"
    return f"{int(round(value_ms))}ms"


def format_period(value_s: float) -> str:
    """Return a duration as an ISO 8601 period for Galera, e.g. 0.5 -> `PT0.5S`."""
    return f"PT{value_s:g}S"


def format_seconds(value_s: float) -> str:
    """Return seconds without a trailing `.0`, as Keepalived reads them."""
    return f"{value_s:g}"


def balancer_views(topology: Topology, host_name: str) -> list[BalancerView]:
    """Return the balancers that run on `host_name`, with their resolved addresses."""
    views = []
    for balancer in topology.balancers_on(host_name):
        if balancer.vrrp_group:
            bind_address = topology.vrrp_group(balancer.vrrp_group).vip
        else:
            bind_address = topology.host(host_name).address
        servers = [
            # In tcp mode only the first server takes connections, the rest are backups.
            Server(name, topology.host(name).address, balancer.mode == "tcp" and position > 0)
            for position, name in enumerate(balancer.backends)
        ]
        views.append(
            BalancerView(
                balancer=balancer,
                bind_address=bind_address,
                servers=servers,
                timeout_connect=format_ms(balancer.timeout_connect_ms),
                timeout_client=format_ms(balancer.timeout_client_s * 1000),
                timeout_server=format_ms(balancer.timeout_server_s * 1000),
                timeout_check=_optional_ms(balancer.timeout_check_ms),
                check_options=_check_options(balancer),
            )
        )
    return views


def _optional_ms(value_ms: int | None) -> str | None:
    return format_ms(value_ms) if value_ms is not None else None


def _check_options(balancer: Balancer) -> str:
    options = [f"inter {format_ms(balancer.check_inter_ms)}"]
    if balancer.check_fastinter_ms is not None:
        options.append(f"fastinter {format_ms(balancer.check_fastinter_ms)}")
    if balancer.check_downinter_ms is not None:
        options.append(f"downinter {format_ms(balancer.check_downinter_ms)}")
    options.append(f"fall {balancer.check_fall} rise {balancer.check_rise}")
    return " ".join(options)


def vrrp_views(topology: Topology, host_name: str) -> list[VrrpView]:
    """Return the VRRP groups that `host_name` is a member of, with its state and priority."""
    views = []
    for group in topology.vrrp_groups_on(host_name):
        member = next(m for m in group.members if m.host == host_name)
        views.append(
            VrrpView(
                group=group,
                state=member.state,
                priority=member.priority,
                advert_int=format_seconds(group.advert_int_s),
                vip_prefix=topology.subnet.prefixlen,
            )
        )
    return views


def database_address(topology: Topology) -> tuple[IPv4Address, int]:
    """Return the address and port the app connects to: the db balancer or the first db host."""
    name = topology.app.database_balancer
    if name is not None:
        balancer = next(b for b in topology.balancers if b.name == name)
        if balancer.vrrp_group:
            return topology.vrrp_group(balancer.vrrp_group).vip, balancer.port
        return topology.host(balancer.hosts[0]).address, balancer.port
    first_db = topology.hosts_with_role(Role.DB)[0]
    port = topology.galera.port if topology.galera else 3306
    return first_db.address, port


def galera_members(topology: Topology) -> list[IPv4Address]:
    """Return the addresses of every Galera node and the arbiter, for wsrep_cluster_address."""
    galera = topology.galera
    if galera is None:
        return []
    names = [*galera.nodes, *([galera.arbiter] if galera.arbiter else [])]
    return [topology.host(name).address for name in names]


def provider_options(galera: Galera) -> str:
    """Return Galera's wsrep_provider_options: the gcache size and the EVS timeouts."""
    return "; ".join([f"gcache.size={galera.gcache_size_mb}M", *_evs_options(galera)])


def _evs_options(galera: Galera) -> list[str]:
    return [
        f"evs.suspect_timeout={format_period(galera.evs_suspect_timeout_s)}",
        f"evs.inactive_timeout={format_period(galera.evs_inactive_timeout_s)}",
        f"evs.inactive_check_period={format_period(galera.evs_inactive_check_period_s)}",
        f"evs.keepalive_period={format_period(galera.evs_keepalive_period_s)}",
    ]


def garbd_options(galera: Galera, address: IPv4Address) -> str:
    """Return garbd's `--options`: its listen address and the nodes' EVS timeouts."""
    return "; ".join([f"gmcast.listen_addr=tcp://{address}:4567", *_evs_options(galera)])


def reasons(topology: Topology) -> dict[str, str]:
    """Return the reason comments for tuned values, or none when the profile is not tuned."""
    return REASONS if topology.profile == "tuned" else {}
