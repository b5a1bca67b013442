"""Servers on loopback for the benchmarks that need no lab.

`StaticServer` answers every GET with a short 200 from a thread of this process: a target fast
enough that the probe's own lag is what gets measured. `AppProcess` runs the shopping-list app
with an SQLite database in a temporary folder, under gunicorn or Flask's development server,
with the demo customers loaded, and stops it by its pid.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from halab.errors import HalabError

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
DEMO_EMAIL = "demo1@example.test"
READY_TIMEOUT_S = 30.0


class _OkHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802 (the name http.server dispatches to)
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (base signature)
        """Stay silent: one line per request would cost more than the reply."""


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """Log a client's reset at debug level: wrk resets its connections when it stops."""
        log.debug("static server: connection from %s ended with an error", client_address)


class StaticServer:
    """A threaded HTTP server on a free loopback port, answering 200 to every GET."""

    def __init__(self) -> None:
        self._server = _QuietServer((LOOPBACK, 0), _OkHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="bench-static-server")

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_address[1]}"

    def __enter__(self) -> StaticServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def free_port() -> int:
    """Return a TCP port on loopback that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def wait_port(port: int, process: subprocess.Popen[bytes], log_path: Path,
              timeout_s: float = READY_TIMEOUT_S) -> None:
    """Wait until something accepts on the loopback port, or raise if the process exits."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HalabError(f"the app server exited with status {process.returncode} before "
                             f"it listened on port {port}", hint=f"read {log_path}")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise HalabError(f"the app server did not listen on port {port} within {timeout_s:.0f} s",
                     hint=f"read {log_path}")


class AppProcess:
    """The app on loopback with SQLite: `server` is `gunicorn` or `flask-dev`."""

    def __init__(self, server: str, folder: Path, workers: int = 2):
        if server not in ("gunicorn", "flask-dev"):
            raise ValueError(f"server {server!r}: expected 'gunicorn' or 'flask-dev'")
        self.server = server
        self.folder = folder
        self.workers = workers
        self.port = free_port()
        self.password_file = folder / "demo_password"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def _env(self) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": f"sqlite:///{self.folder / 'bench.sqlite'}",
                "SECRET_KEY": secrets.token_hex(32), "HALAB_SERVER_NAME": f"bench-{self.server}"}

    def _halab(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "halab", *args]

    def __enter__(self) -> AppProcess:
        self.folder.mkdir(parents=True, exist_ok=True)
        password = secrets.token_urlsafe(12)
        self.password_file.write_text(password + "\n")
        self.password_file.chmod(0o600)
        env = self._env()
        subprocess.run(self._halab("app", "load-demo"), check=True, capture_output=True,
                       env={**env, "HALAB_DEMO_PASSWORD": password}, timeout=120)
        serve = ["app", "serve", "--bind", f"{LOOPBACK}:{self.port}"]
        serve += ["--debug"] if self.server == "flask-dev" else ["--workers", str(self.workers)]
        log_path = self.folder / f"{self.server}.log"
        with log_path.open("wb") as server_log:
            self._process = subprocess.Popen(self._halab(*serve), env=env, stdout=server_log,
                                             stderr=subprocess.STDOUT)
        log.info("started %s on port %d, pid %d", self.server, self.port, self._process.pid)
        wait_port(self.port, self._process, log_path)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log.warning("%s pid %d ignored SIGTERM for 10 s; sending SIGKILL", self.server,
                        self._process.pid)
            self._process.kill()
            self._process.wait()
