"""Checks that run before `halab up` creates anything: root, Linux, and the binaries it needs."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from halab.errors import MissingDependency, NotPermitted
from halab.topology.model import Role, Topology

GALERA_PROVIDER = Path("/usr/lib/galera/libgalera_smm.so")


@dataclass(frozen=True)
class Requirement:
    """A binary (name on PATH or absolute path) and the Debian package that installs it."""

    binary: str
    package: str

    def present(self) -> bool:
        if self.binary.startswith("/"):
            return Path(self.binary).exists()
        return shutil.which(self.binary) is not None


def check_platform() -> None:
    """Raise NotPermitted unless this is Linux and the process runs as root."""
    if not sys.platform.startswith("linux"):
        raise NotPermitted(
            f"the lab needs Linux network namespaces; this is {sys.platform}",
            hint="run halab up on a Linux machine, or use `halab render` for real hosts",
        )
    if os.geteuid() != 0:
        raise NotPermitted(
            f"the lab needs root to create network namespaces; this runs as uid {os.geteuid()}",
            hint="run it again with sudo, as root",
        )


def requirements(topology: Topology) -> list[Requirement]:
    """Return what the topology's hosts need installed, in a stable order."""
    needed = [Requirement("ip", "iproute2")]
    roles = {host.role for host in topology.hosts}
    if topology.balancers:
        needed.append(Requirement("haproxy", "haproxy"))
    if topology.vrrp_groups:
        needed.append(Requirement("keepalived", "keepalived"))
    if Role.DB in roles:
        needed += [
            Requirement("mariadbd", "mariadb-server"),
            Requirement("mariadb-install-db", "mariadb-server"),
            Requirement("mariadb", "mariadb-client"),
        ]
        if len(topology.hosts_with_role(Role.DB)) > 1:
            needed += [Requirement(str(GALERA_PROVIDER), "galera-4"),
                       Requirement("rsync", "rsync")]
    if Role.ARBITER in roles:
        needed.append(Requirement("garbd", "galera-arbitrator-4"))
    return needed


def venv_binary(name: str) -> Path:
    """Return `name` next to this Python interpreter (the venv's bin directory)."""
    return Path(sys.executable).parent / name


def check_binaries(topology: Topology) -> None:
    """Raise MissingDependency listing every missing binary and the command that installs it."""
    missing = [req for req in requirements(topology) if not req.present()]
    if Role.WEB in {host.role for host in topology.hosts} and not venv_binary("gunicorn").exists():
        missing.append(Requirement(str(venv_binary("gunicorn")), "gunicorn (Python package)"))
    if not missing:
        return
    debian = sorted({req.package for req in missing if "(" not in req.package})
    hints = []
    if debian:
        hints.append(f"run `apt-get install {' '.join(debian)}`")
    if len(debian) < len(missing):
        hints.append(f"run `{venv_binary('pip')} install -e .` in the halab checkout")
    names = ", ".join(req.binary for req in missing)
    raise MissingDependency(f"not found: {names}", hint="; ".join(hints))
