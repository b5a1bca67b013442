"""The topology model: hosts, roles, addresses, VRRP groups, balancers and the Galera cluster.

Pure data (pydantic v2). A topology file in YAML loads into `Topology`; `halab.topology.profiles`
applies a timing profile (`seed` or `tuned`) on top; `halab.topology.validate` checks the rules
that pydantic's field types cannot express. Units are in the field names: `_s` seconds,
`_ms` milliseconds.
"""

from __future__ import annotations

from enum import StrEnum
from ipaddress import IPv4Address, IPv4Network
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

HOST_NAME_PATTERN = r"^[a-z][a-z0-9-]{0,11}$"


class Role(StrEnum):
    CLIENT = "client"
    WEB = "web"
    LB_HTTP = "lb-http"
    LB_DB = "lb-db"
    DB = "db"
    ARBITER = "arbiter"


class Strict(BaseModel):
    """Base model that rejects unknown keys, so a typo in a topology file is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Host(Strict):
    """One machine of the stack: a network namespace in the lab, a VM or server on real hosts."""

    name: str = Field(pattern=HOST_NAME_PATTERN)
    role: Role
    address: IPv4Address
    # A web host may name its own SECRET_KEY file; all web hosts must then name the same one.
    secret_key_file: str | None = None


class Tracking(Strict):
    """How Keepalived tracks the local HAProxy: its process, or a check script."""

    kind: Literal["process", "script"] = "script"
    weight: int = Field(default=-10, ge=-253, le=253)
    # Script tracking only: the command, how often it runs, and failures/successes to flip.
    script: str | None = None
    interval_s: float = Field(default=1.0, gt=0)
    fall: int = Field(default=1, ge=1)
    rise: int = Field(default=1, ge=1)


class VrrpMember(Strict):
    host: str
    priority: int = Field(ge=1, le=254)
    state: Literal["MASTER", "BACKUP"] = "BACKUP"


class VrrpGroup(Strict):
    """One VRRP instance: a VIP that Keepalived moves between its members."""

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
    vrid: int = Field(ge=1, le=255)
    vip: IPv4Address
    members: list[VrrpMember] = Field(min_length=1)
    advert_int_s: float = Field(default=1.0, gt=0, le=255)
    version: Literal[2, 3] = 2
    # Simple-text authentication (VRRPv2 only); None sends no authentication.
    auth_pass: str | None = Field(default=None, max_length=8)
    tracking: Tracking = Tracking()
    preempt: bool = True
    preempt_delay_s: float = Field(default=0.0, ge=0, le=1000)
    script_security: bool = True
    script_user: str | None = "root"


class Balancer(Strict):
    """An HAProxy service run on each of `hosts`, bound to a VRRP group's VIP or the host address.

    `mode: http` balances the web tier round robin; `mode: tcp` fronts the database with one
    writer at a time (the first backend, the rest `backup`), checked by the Galera agent.
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    mode: Literal["http", "tcp"]
    hosts: list[str] = Field(min_length=1)
    vrrp_group: str | None = None
    port: int = Field(ge=1, le=65535)
    backends: list[str] = Field(min_length=1)
    backend_port: int = Field(ge=1, le=65535)
    # TCP mode: the port of the Galera health agent on each backend.
    check_port: int | None = Field(default=None, ge=1, le=65535)
    stats_port: int = Field(default=8404, ge=1, le=65535)
    check_inter_ms: int = Field(default=2000, ge=10)
    # Check intervals while a server is changing state and while it is down; None uses inter.
    check_fastinter_ms: int | None = Field(default=None, ge=10)
    check_downinter_ms: int | None = Field(default=None, ge=10)
    check_fall: int = Field(default=3, ge=1)
    check_rise: int = Field(default=2, ge=1)
    # The time one health check may take; None leaves HAProxy's default, the check interval.
    timeout_check_ms: int | None = Field(default=None, ge=10)
    timeout_connect_ms: int = Field(default=5000, ge=1)
    timeout_client_s: float = Field(default=50.0, gt=0)
    timeout_server_s: float = Field(default=50.0, gt=0)
    retries: int = Field(default=3, ge=0)
    # HTTP mode only: the `retry-on` conditions. Retries other than conn-failure apply to GET
    # and HEAD requests only, because a POST retried after it reached the app may run twice.
    retry_on: str | None = None
    redispatch: bool = True
    # Redispatch to another server on every Nth retry (1: every retry); None keeps HAProxy's
    # default, which redispatches on the last retry only.
    redispatch_interval: int | None = Field(default=None, ge=1)
    # HTTP mode only: wait for the whole request body before choosing a server.
    buffer_request: bool = False


class Galera(Strict):
    """A MariaDB Galera cluster; `arbiter` names a host running garbd as an extra vote."""

    cluster_name: str = Field(default="halab", pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    nodes: list[str] = Field(min_length=1)
    arbiter: str | None = None
    port: int = 3306
    agent_port: int = 9200
    # Group communication timeouts: how fast a silent member is suspected and evicted. The
    # defaults are Galera 4's own; they must keep keepalive <= check period <= suspect <= inactive.
    evs_suspect_timeout_s: float = Field(default=5.0, gt=0)
    evs_inactive_timeout_s: float = Field(default=15.0, gt=0)
    evs_inactive_check_period_s: float = Field(default=0.5, gt=0)
    evs_keepalive_period_s: float = Field(default=1.0, gt=0)
    # Galera's default gcache is 128 MB; a smaller one still keeps the lab's writes for IST.
    gcache_size_mb: int = Field(default=64, ge=8)
    innodb_buffer_pool_mb: int = Field(default=128, ge=8)


class App(Strict):
    """The shopping-list app as each web host runs it under gunicorn."""

    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=2, ge=1, le=64)
    # gunicorn's worker timeout, passed to the app as HALAB_APP_TIMEOUT_S in whole seconds.
    worker_timeout_s: float = Field(default=30.0, ge=1, le=3600)
    database_name: str = Field(default="carrinho", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
    database_user: str = Field(default="carrinho_app", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")
    # The balancer whose address the app connects to; None connects to the first db host.
    database_balancer: str | None = None
    # The layer meant to cut a slow request first: gunicorn's worker timeout (the worker is
    # killed and freed, HAProxy then returns 502) or HAProxy's `timeout server` (504 while
    # the worker keeps running). Validation checks that the two timeouts agree with this.
    slow_request_cut_by: Literal["gunicorn", "haproxy"] = "gunicorn"


class Topology(Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,31}$")
    description: str = ""
    subnet: IPv4Network = IPv4Network("198.18.0.0/24")
    hosts: list[Host] = Field(min_length=1)
    vrrp_groups: list[VrrpGroup] = []
    balancers: list[Balancer] = []
    galera: Galera | None = None
    app: App = App()
    # The profile applied on top of this file, recorded for reports.
    profile: str | None = None

    def host(self, name: str) -> Host:
        """Return the host called `name`; raise KeyError if there is none."""
        for host in self.hosts:
            if host.name == name:
                return host
        raise KeyError(name)

    def hosts_with_role(self, role: Role) -> list[Host]:
        return [host for host in self.hosts if host.role == role]

    def vrrp_group(self, name: str) -> VrrpGroup:
        for group in self.vrrp_groups:
            if group.name == name:
                return group
        raise KeyError(name)

    def balancers_on(self, host_name: str) -> list[Balancer]:
        return [balancer for balancer in self.balancers if host_name in balancer.hosts]

    def vrrp_groups_on(self, host_name: str) -> list[VrrpGroup]:
        return [g for g in self.vrrp_groups if any(m.host == host_name for m in g.members)]
