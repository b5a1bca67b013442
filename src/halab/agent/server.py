"""The agent's HTTP server and command line.

Each request reads the node's status afresh (no cache), so a check never gets a stale
verdict; at HAProxy's fastest check interval this is a few cheap queries per second.
The agent logs its start and every change of verdict, not every request.
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .health import Health, assess
from .status import StatusUnavailable, read_status

log = logging.getLogger(__name__)

DEFAULT_PORT = 9200
QUERY_TIMEOUT_S = 1.0


class Agent:
    """Reads the node's status and remembers the last verdict, to log only its changes."""

    def __init__(self, socket: Path, credentials_file: Path | None, timeout_s: float):
        self.socket = socket
        self.credentials_file = credentials_file
        self.timeout_s = timeout_s
        self._last_reason: str | None = None
        self._lock = threading.Lock()

    def check(self) -> Health:
        try:
            status = read_status(self.socket, self.credentials_file, self.timeout_s)
            health = assess(status)
        except StatusUnavailable as exc:
            health = Health(False, f"MariaDB unavailable: {exc}")
        with self._lock:
            if health.reason != self._last_reason:
                log.warning(
                    "verdict changed: %s (%s)", "UP" if health.ok else "DOWN", health.reason
                )
                self._last_reason = health.reason
        return health


def make_handler(agent: Agent) -> type[BaseHTTPRequestHandler]:
    """Return a request handler class bound to `agent`."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "halab-galera-agent"

        def do_GET(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
            """Return 200 and the verdict when the node is Synced and Primary, else 503."""
            health = agent.check()
            body = json.dumps(health.as_json()).encode() + b"\n"
            code = HTTPStatus.OK if health.ok else HTTPStatus.SERVICE_UNAVAILABLE
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            log.debug("%s %s", self.address_string(), format % args)

    return Handler


def parse_listen(value: str) -> tuple[str, int]:
    """Parse ADDR:PORT (or ADDR alone, port 9200) into (address, port)."""
    address, sep, port = value.rpartition(":")
    if not sep:
        return value, DEFAULT_PORT
    if not address or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"--listen {value!r} is invalid; use ADDR:PORT")
    return address, int(port)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m halab.agent",
        description="Return HTTP 200 when the local Galera node is Synced and Primary, else 503.",
    )
    parser.add_argument(
        "--listen",
        type=parse_listen,
        default=("127.0.0.1", DEFAULT_PORT),
        help="ADDR:PORT to listen on (default 127.0.0.1:9200)",
    )
    parser.add_argument("--socket", type=Path, required=True, help="MariaDB's Unix socket")
    parser.add_argument(
        "--credentials-file",
        type=Path,
        default=None,
        help="my.cnf-style file with user and password under [client];"
        " without it, log in as the OS user by unix_socket authentication",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=QUERY_TIMEOUT_S,
        dest="timeout_s",
        help="seconds to wait for MariaDB per check (default 1)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGINT or SIGTERM; return the exit status."""
    arguments = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    agent = Agent(arguments.socket, arguments.credentials_file, arguments.timeout_s)
    address, port = arguments.listen
    try:
        server = ThreadingHTTPServer((address, port), make_handler(agent))
    except OSError as exc:
        log.error("cannot listen on %s:%d: %s", address, port, exc.strerror)
        return 1
    server.daemon_threads = True
    log.info("listening on %s:%d, MariaDB socket %s", address, port, arguments.socket)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("stopping on SIGINT")
    finally:
        server.server_close()
    return 0
