"""Servers on 127.0.0.1 for the probe tests: a small HTTP server and the real app."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask
from werkzeug.serving import make_server

SERVER_NAME = "testweb01"
SLOW_REPLY_S = 0.5


class _Handler(BaseHTTPRequestHandler):
    """Reply 200 to GET /health, 200 after SLOW_REPLY_S to /slow and 503 to /broken."""

    def do_GET(self) -> None:  # noqa: N802 (the name http.server dispatches to)
        if self.path == "/slow":
            time.sleep(SLOW_REPLY_S)
        status = 503 if self.path == "/broken" else 200
        body = json.dumps({"path": self.path}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Served-By", SERVER_NAME)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[str]:
    """Yield the base URL of a threaded HTTP server on 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def resetting_server() -> Iterator[str]:
    """Yield the URL of a server that accepts each connection and resets it at once."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.2)
    running = threading.Event()
    running.set()

    def accept_and_reset() -> None:
        while running.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.recv(65536)
            # Linger 0 makes close() send an RST instead of a FIN.
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()

    thread = threading.Thread(target=accept_and_reset, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        running.clear()
        thread.join(2)
        listener.close()


@pytest.fixture
def truncating_server() -> Iterator[str]:
    """Yield the URL of a server that promises 100 bytes of body, sends 2 and closes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.2)
    running = threading.Event()
    running.set()

    def reply_short() -> None:
        while running.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nok")
            connection.close()

    thread = threading.Thread(target=reply_short, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        running.clear()
        thread.join(2)
        listener.close()


APP_EMAIL = "probe@example.test"
APP_PASSWORD = "probe-password-1"


@dataclass
class AppServer:
    """The real app served on 127.0.0.1, and its one customer's login."""

    url: str
    app: Flask
    email: str = APP_EMAIL
    password: str = APP_PASSWORD


@pytest.fixture
def server_name() -> str:
    """Return the X-Served-By value of every test server."""
    return SERVER_NAME


@pytest.fixture
def app_server(tmp_path) -> Iterator[AppServer]:
    """Yield the real shopping-list app on SQLite, served on 127.0.0.1, with one customer."""
    from halab.app import create_app
    from halab.app.accounts import add_customer
    from halab.app.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'probe.sqlite'}",
            "SECRET_KEY": "probe-test-key",
            "HALAB_SERVER_NAME": SERVER_NAME,
        }
    )
    with app.app_context():
        db.create_all()
        add_customer("Probe", APP_EMAIL, APP_PASSWORD)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield AppServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
