"""A throwaway MariaDB server on a temporary datadir and a free loopback port, for tests.

It runs Debian's `mariadbd` in the foreground as a child of the test process and is stopped by
its pid. Tests reach it over TCP as user `halab`; administration goes over the unix socket as
root.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pymysql

log = logging.getLogger(__name__)

APP_USER = "halab"
APP_PASSWORD = "halab-test-password"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_binary(name: str) -> str:
    """Return the path of a MariaDB binary, or fail the test with the package to install."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if path is None:
        raise RuntimeError(f"{name} not found: run `apt-get install mariadb-server`")
    return path


class MariaDBServer:
    """One mariadbd process with its own datadir, socket and port."""

    def __init__(self, base_dir: Path):
        self.base_dir = base_dir
        self.datadir = base_dir / "data"
        self.socket_path = base_dir / "mysqld.sock"
        self.error_log = base_dir / "error.log"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def install(self) -> None:
        """Create the system tables in the datadir."""
        command = [
            require_binary("mariadb-install-db"),
            "--no-defaults",
            f"--datadir={self.datadir}",
            "--auth-root-authentication-method=socket",
            "--skip-test-db",
            *self._user_args(),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        """Start mariadbd and wait until it accepts connections on its socket."""
        command = [
            require_binary("mariadbd"),
            "--no-defaults",
            f"--datadir={self.datadir}",
            f"--socket={self.socket_path}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            f"--pid-file={self.base_dir / 'mariadbd.pid'}",
            f"--log-error={self.error_log}",
            "--skip-name-resolve",
            "--skip-log-bin",
            "--performance-schema=OFF",
            "--innodb-buffer-pool-size=32M",
            "--innodb-log-file-size=16M",
            *self._user_args(),
        ]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self._wait_ready()
        log.info("mariadbd pid %s on 127.0.0.1:%s", self.process.pid, self.port)

    def _user_args(self) -> list[str]:
        # As root mariadbd needs --user; any other user runs it as itself.
        return ["--user=root"] if os.geteuid() == 0 else []

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"mariadbd exited with {self.process.returncode}: {self.log_tail()}"
                )
            try:
                self.admin("SELECT 1")
                return
            except pymysql.err.OperationalError:
                time.sleep(0.1)
        raise RuntimeError(f"mariadbd not ready after {START_TIMEOUT_S} s: {self.log_tail()}")

    def log_tail(self) -> str:
        """Return the last lines of the server's error log."""
        if not self.error_log.exists():
            return "(no error log)"
        return "\n".join(self.error_log.read_text(errors="replace").splitlines()[-15:])

    def admin(self, *statements: str) -> None:
        """Run statements as root over the unix socket."""
        connection = pymysql.connect(
            unix_socket=str(self.socket_path), user="root", connect_timeout=2
        )
        try:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
            connection.commit()
        finally:
            connection.close()

    def create_app_user(self) -> None:
        """Create the user that the app connects as, over TCP from 127.0.0.1."""
        self.admin(
            f"CREATE USER IF NOT EXISTS '{APP_USER}'@'127.0.0.1' IDENTIFIED BY '{APP_PASSWORD}'",
            f"GRANT ALL PRIVILEGES ON *.* TO '{APP_USER}'@'127.0.0.1'",
        )

    def url(self, database: str) -> str:
        """Return the SQLAlchemy URL of a database on this server."""
        return f"mysql+pymysql://{APP_USER}:{APP_PASSWORD}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server by its pid: SIGTERM, then SIGKILL if it does not exit in time."""
        if self.process is None or self.process.poll() is not None:
            return
        self.thaw()
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_S)

    def freeze(self) -> None:
        """Stop the server process with SIGSTOP: its port accepts connections but sends nothing."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        """Resume a frozen server with SIGCONT."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)


def start_server(base_dir: Path) -> MariaDBServer:
    """Install and start a server in `base_dir`, with the app user created."""
    server = MariaDBServer(base_dir)
    server.install()
    server.start()
    server.create_app_user()
    return server
