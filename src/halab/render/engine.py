"""Render one host's files from the topology with the Jinja2 templates in `templates/`.

`render_host` returns {relative path: text}; the caller writes each file under `paths.root`
with the mode from `file_mode`. Which files a host gets follows from its role and groups:
HAProxy on balancer hosts, Keepalived on VRRP members, MariaDB on db hosts, the app's
environment on web hosts, systemd units and the notify script on real hosts only.
"""

from __future__ import annotations

import logging
import textwrap
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from halab.errors import InvalidInput
from halab.topology import Host, Role, Topology

from . import context
from .paths import HostPaths
from .secrets import Secrets

log = logging.getLogger(__name__)

HAPROXY_CFG = "etc/haproxy/haproxy.cfg"
KEEPALIVED_CONF = "etc/keepalived/keepalived.conf"
KEEPALIVED_NOTIFY = "etc/keepalived/halab-notify.sh"
SYSCTL_CONF = "etc/sysctl.d/60-halab.conf"
APP_UNIT = "etc/systemd/system/halab-app.service"
AGENT_UNIT = "etc/systemd/system/halab-galera-agent.service"
GARB_DEFAULTS = "etc/default/garb"

# Files that hold a secret or must be executable; every other file gets 0644.
_FILE_MODES = {HAPROXY_CFG: 0o600, KEEPALIVED_NOTIFY: 0o755}


@dataclass(frozen=True)
class SysctlSetting:
    value: str
    reason: str


_environment = Environment(
    loader=PackageLoader("halab.render", "templates"),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    autoescape=False,  # noqa: S701 - config files, not HTML
)


def comment(text: str, indent: int = 0) -> str:
    """Return `text` as `# ` comment lines of at most 92 columns, indented like the first."""
    width = 92 - indent - 2
    lines = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    return ("\n" + " " * indent).join(f"# {line}" for line in lines)


_environment.filters["comment"] = comment


def file_mode(relative_path: str, paths: HostPaths) -> int:
    """Return the permission bits a rendered file needs (0600 for files with a secret)."""
    if relative_path == paths.relative(paths.app_env_file):
        return 0o600
    return _FILE_MODES.get(relative_path, 0o644)


def render_host(
    topology: Topology, host_name: str, paths: HostPaths, lab: bool, secrets: Secrets | None = None
) -> dict[str, str]:
    """Render every file of host `host_name`: {path relative to paths.root: text}.

    `secrets` is required for hosts whose files carry one (balancers: the stats password,
    web hosts: the database password). Raises InvalidInput for an unknown host.
    """
    try:
        host = topology.host(host_name)
    except KeyError:
        names = ", ".join(h.name for h in topology.hosts)
        raise InvalidInput(
            f"host {host_name!r} is not in topology {topology.name}", hint=f"use one of: {names}"
        ) from None

    base = {
        "topology": topology,
        "host": host,
        "paths": paths,
        "lab": lab,
        "reasons": context.reasons(topology),
    }
    files: dict[str, str] = {}
    _add_balancer_files(files, base, secrets)
    _add_database_files(files, base)
    _add_web_files(files, base, secrets)
    settings = sysctl_settings(topology, host.name)
    if settings:
        files[SYSCTL_CONF] = _render("sysctl.conf.j2", base, {"sysctl": settings})
    log.debug("rendered %d files for host %s", len(files), host.name)
    return files


def _add_balancer_files(
    files: dict[str, str], base: dict[str, Any], secrets: Secrets | None
) -> None:
    topology, host, paths, lab = base["topology"], base["host"], base["paths"], base["lab"]
    if topology.balancers_on(host.name):
        values = _haproxy_values(topology, host, secrets)
        files[HAPROXY_CFG] = _render("haproxy.cfg.j2", base, values)
    if topology.vrrp_groups_on(host.name):
        values = _keepalived_values(topology, host, paths, lab)
        files[KEEPALIVED_CONF] = _render("keepalived.conf.j2", base, values)
        if not lab:
            files[KEEPALIVED_NOTIFY] = _render("keepalived-notify.sh.j2", base, {})


def _add_database_files(files: dict[str, str], base: dict[str, Any]) -> None:
    topology, host, paths, lab = base["topology"], base["host"], base["paths"], base["lab"]
    galera = topology.galera
    if host.role == Role.DB:
        values = _mariadb_values(topology, host)
        files[paths.relative(paths.mariadb_config)] = _render("mariadb.cnf.j2", base, values)
        if not lab and galera is not None:
            values = {"agent_port": galera.agent_port}
            files[AGENT_UNIT] = _render("halab-galera-agent.service.j2", base, values)
    if host.role == Role.ARBITER and not lab and galera is not None:
        files[GARB_DEFAULTS] = _render("garb.j2", base, _garb_values(topology, host))


def _add_web_files(files: dict[str, str], base: dict[str, Any], secrets: Secrets | None) -> None:
    topology, host, paths, lab = base["topology"], base["host"], base["paths"], base["lab"]
    if host.role != Role.WEB:
        return
    values = _app_values(topology, host, paths, secrets)
    files[paths.relative(paths.app_env_file)] = _render("halab-app.env.j2", base, values)
    if not lab:
        values = {"halab_bin": paths.python_bin.parent / "halab"}
        files[APP_UNIT] = _render("halab-app.service.j2", base, values)


def sysctl_settings(topology: Topology, host_name: str) -> dict[str, SysctlSetting]:
    """Return the kernel settings a host needs, which the lab applies with `sysctl -w`."""
    settings = {}
    if topology.vrrp_groups_on(host_name):
        settings["net.ipv4.ip_nonlocal_bind"] = SysctlSetting(
            "1", "HAProxy binds the VIP even while Keepalived has it on the other host."
        )
    return settings


def _render(template: str, base: dict[str, Any], values: dict[str, Any]) -> str:
    return _environment.get_template(template).render(**base, **values)


def _require_secrets(secrets: Secrets | None, host: Host, purpose: str) -> Secrets:
    if secrets is None:
        raise InvalidInput(
            f"host {host.name}: rendering {purpose} needs secrets, but none were passed",
            hint="pass secrets=Secrets.generate() (or Secrets.load(FILE)) to render_host",
        )
    return secrets


def _haproxy_values(topology: Topology, host: Host, secrets: Secrets | None) -> dict[str, Any]:
    return {
        "balancers": context.balancer_views(topology, host.name),
        "secrets": _require_secrets(secrets, host, "the HAProxy stats page"),
    }


def _keepalived_values(
    topology: Topology, host: Host, paths: HostPaths, lab: bool
) -> dict[str, Any]:
    groups = context.vrrp_views(topology, host.name)
    versions = {view.group.version for view in groups}
    return {
        "groups": groups,
        "script_security": any(view.group.script_security for view in groups),
        "script_user": next((v.group.script_user for v in groups if v.group.script_user), "root"),
        "vrrp_version": 3 if versions == {3} else 2,
        "tracked_process": context.tracked_process(paths),
        "check_script": context.check_script(paths, lab),
        "notify_script": paths.etc_dir / "keepalived" / "halab-notify.sh",
    }


def _mariadb_values(topology: Topology, host: Host) -> dict[str, Any]:
    galera = topology.galera
    values: dict[str, Any] = {
        "galera": galera,
        "db_port": galera.port if galera else 3306,
        "buffer_pool_mb": galera.innodb_buffer_pool_mb if galera else 128,
    }
    if galera is not None:
        values["cluster_addresses"] = ",".join(str(a) for a in context.galera_members(topology))
        values["provider_options"] = context.provider_options(galera)
    return values


def _garb_values(topology: Topology, host: Host) -> dict[str, Any]:
    galera = topology.galera
    assert galera is not None
    nodes = [f"{topology.host(name).address}:4567" for name in galera.nodes]
    return {
        "galera": galera,
        "garb_nodes": ",".join(nodes),
        "garb_options": context.garbd_options(galera, host.address),
    }


def _app_values(
    topology: Topology, host: Host, paths: HostPaths, secrets: Secrets | None
) -> dict[str, Any]:
    secrets = _require_secrets(secrets, host, "the app's database URL")
    address, port = context.database_address(topology)
    app = topology.app
    url = f"mysql+pymysql://{app.database_user}:{secrets.db_password}@{address}:{port}/{app.database_name}"
    return {
        "database_url": url,
        "database_via_balancer": app.database_balancer is not None,
        "secret_key_file": host.secret_key_file or paths.secret_key_file,
    }
