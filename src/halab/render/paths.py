"""Absolute paths that rendered files refer to, for a real host or for one lab host.

A real host uses Debian's own locations (`HostPaths.real_host()`). A lab host keeps everything
under `<state_root>/hosts/<host>/` (`HostPaths.lab(...)`), so hosts sharing one machine never
share a pid file, socket or datadir. `root` is the directory that the relative file names
returned by `render_host` ("etc/haproxy/haproxy.cfg", ...) are written under.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from halab.errors import InvalidInput

# The interface each lab namespace has towards the lab bridge.
LAB_INTERFACE = "eth0"

# Longest socket paths the daemons accept: HAProxy 2.6 rejects a `stats socket` path over 97
# characters, and a Unix socket address is at most 107 (sun_path minus its final NUL).
MAX_HAPROXY_SOCKET_CHARS = 97
MAX_UNIX_SOCKET_CHARS = 107


@dataclass(frozen=True)
class HostPaths:
    """Locations of one host's configuration, runtime and data files."""

    root: Path
    etc_dir: Path
    run_dir: Path
    data_dir: Path
    log_dir: Path
    state_dir: Path
    haproxy_socket: Path
    haproxy_pid: Path
    keepalived_pid: Path
    vrrp_pid: Path
    checkers_pid: Path
    mariadb_pid: Path
    mariadb_socket: Path
    secret_key_file: Path
    app_env_file: Path
    agent_credentials_file: Path
    interface: str = LAB_INTERFACE
    haproxy_bin: Path = Path("/usr/sbin/haproxy")
    python_bin: Path = Path("/opt/halab/venv/bin/python")

    def __post_init__(self) -> None:
        # Linux interface names have at most 15 characters; the name also goes into configs.
        if not re.match(r"^[A-Za-z0-9_.-]{1,15}$", self.interface):
            raise InvalidInput(
                f"interface name {self.interface!r} is invalid",
                hint="use at most 15 characters from letters, digits, '_', '.' and '-'",
            )
        limits = (
            ("haproxy_socket", self.haproxy_socket, MAX_HAPROXY_SOCKET_CHARS),
            ("mariadb_socket", self.mariadb_socket, MAX_UNIX_SOCKET_CHARS),
        )
        for name, path, limit in limits:
            if len(str(path)) > limit:
                raise InvalidInput(
                    f"{name} path {str(path)!r} has {len(str(path))} characters, over the"
                    f" limit of {limit}",
                    hint="use a shorter state directory, e.g. under /run/halab or /var/lib/halab",
                )

    @classmethod
    def real_host(cls, interface: str = "eth0") -> HostPaths:
        """Return Debian's paths, as the packages and systemd units expect them."""
        etc = Path("/etc")
        run = Path("/run")
        return cls(
            root=Path("/"),
            etc_dir=etc,
            run_dir=run,
            data_dir=Path("/var/lib/mysql"),
            log_dir=Path("/var/log/halab"),
            state_dir=Path("/var/lib/halab"),
            haproxy_socket=run / "haproxy" / "admin.sock",
            haproxy_pid=run / "haproxy.pid",
            keepalived_pid=run / "keepalived.pid",
            vrrp_pid=run / "keepalived_vrrp.pid",
            checkers_pid=run / "keepalived_checkers.pid",
            mariadb_pid=run / "mysqld" / "mysqld.pid",
            mariadb_socket=run / "mysqld" / "mysqld.sock",
            secret_key_file=etc / "halab" / "secret_key",
            app_env_file=etc / "default" / "halab-app",
            agent_credentials_file=etc / "halab" / "agent.cnf",
            interface=interface,
        )

    @classmethod
    def lab(
        cls,
        state_root: Path,
        host: str,
        interface: str = LAB_INTERFACE,
        python_bin: Path | None = None,
    ) -> HostPaths:
        """Return the paths of lab host `host`, all under `<state_root>/hosts/<host>/`."""
        root = Path(state_root).absolute() / "hosts" / host
        etc = root / "etc"
        run = root / "run"
        return cls(
            root=root,
            etc_dir=etc,
            run_dir=run,
            data_dir=root / "data" / "mysql",
            log_dir=root / "log",
            state_dir=root / "state",
            haproxy_socket=run / "haproxy.sock",
            haproxy_pid=run / "haproxy.pid",
            keepalived_pid=run / "keepalived.pid",
            vrrp_pid=run / "keepalived_vrrp.pid",
            checkers_pid=run / "keepalived_checkers.pid",
            mariadb_pid=run / "mysqld.pid",
            mariadb_socket=run / "mysqld.sock",
            secret_key_file=etc / "halab" / "secret_key",
            app_env_file=etc / "default" / "halab-app",
            agent_credentials_file=etc / "halab" / "agent.cnf",
            interface=interface,
            python_bin=python_bin or Path(sys.executable),
        )

    @property
    def haproxy_config(self) -> Path:
        return self.etc_dir / "haproxy" / "haproxy.cfg"

    @property
    def keepalived_config(self) -> Path:
        return self.etc_dir / "keepalived" / "keepalived.conf"

    @property
    def keepalived_fifo(self) -> Path:
        """FIFO where Keepalived writes one line per VRRP transition (lab mode)."""
        return self.state_dir / "keepalived.fifo"

    @property
    def mariadb_config(self) -> Path:
        """The file `mariadbd --defaults-file` reads in the lab; the Galera drop-in elsewhere."""
        if self.root == Path("/"):
            return self.etc_dir / "mysql" / "mariadb.conf.d" / "60-galera.cnf"
        return self.etc_dir / "mysql" / "my.cnf"

    def relative(self, path: Path) -> str:
        """Return `path` relative to `root`, as the keys of `render_host`'s result are."""
        return str(path.relative_to(self.root))
