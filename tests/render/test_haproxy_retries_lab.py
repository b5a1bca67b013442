"""HAProxy from the rendered config retries what is safe to retry, and nothing else.

The stack runs on loopback addresses (127.0.0.0/24, which Linux routes to `lo` as a whole):
HAProxy on 127.0.0.11:80 from a rendered config, and two web servers written here. Both pass
the health check, but one closes every other request without a response, as a worker that
dies mid-request does. With `tuned`, a GET that meets it is retried on the other server and
succeeds, while a POST is not retried, so it fails rather than risk running twice. (Without
`http-request disable-l7-retry`, the POST that `option http-buffer-request` buffered would
be retried: measured with HAProxy 2.6.12.) With `seed`, which keeps HAProxy's default
`retry-on conn-failure`, the GET fails too.
"""

from __future__ import annotations

import csv
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from halab.render import HostPaths, haproxy_command, render_host, write_host
from halab.topology import apply_profile, parse_topology

from .conftest import SECRETS

pytestmark = pytest.mark.lab

LOOPBACK_STACK = """
name: loop
subnet: 127.0.0.0/24
hosts:
  - {name: lb, role: lb-http, address: 127.0.0.11}
  - {name: good, role: web, address: 127.0.0.21}
  - {name: bad, role: web, address: 127.0.0.22}
  - {name: db, role: db, address: 127.0.0.31}
balancers:
  - {name: web, mode: http, hosts: [lb], port: 80, backends: [good, bad], backend_port: 8000}
"""
REQUESTS = 20


class GoodHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        self._reply()

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._reply()

    def _reply(self) -> None:
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class BadHandler(GoodHandler):
    """Pass /health, but close every other request without sending a byte."""

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/health":
            self._reply()
        else:
            self.close_connection = True

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.close_connection = True


@pytest.fixture
def web_servers() -> Iterator[None]:
    servers = [
        ThreadingHTTPServer(("127.0.0.21", 8000), GoodHandler),
        ThreadingHTTPServer(("127.0.0.22", 8000), BadHandler),
    ]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    yield
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def haproxy(request, short_dir, web_servers) -> Iterator[None]:
    """Start HAProxy from the config rendered with the profile in `request.param`."""
    if shutil.which("haproxy", path="/usr/sbin:/usr/bin") is None:
        pytest.fail("haproxy not found: run `apt-get install haproxy`")
    topology = apply_profile(parse_topology(LOOPBACK_STACK), request.param)
    paths = HostPaths.lab(short_dir, "lb")
    write_host(render_host(topology, "lb", paths, lab=True, secrets=SECRETS), paths)
    paths.run_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        haproxy_command(paths), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_until_both_up(paths.haproxy_socket)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_both_up(socket_path: Path) -> None:
    """Wait until HAProxy's stats socket reports both servers UP."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            states = _server_states(socket_path)
        except OSError:
            states = {}
        if states == {"good": "UP", "bad": "UP"}:
            return
        time.sleep(0.1)
    pytest.fail(f"servers not UP within 20 s: {states}")


def _server_states(socket_path: Path) -> dict[str, str]:
    """Return {server: status} of backend web_servers from `show stat` on the stats socket."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(2)
        client.connect(str(socket_path))
        client.sendall(b"show stat\n")
        data = b""
        while chunk := client.recv(65536):
            data += chunk
    rows = csv.reader(data.decode().lstrip("# ").splitlines())
    header = next(rows)
    name, status = header.index("svname"), header.index("status")
    return {
        row[name]: row[status]
        for row in rows
        if row and row[0] == "web_servers" and row[name] not in ("BACKEND", "FRONTEND")
    }


def _request(method: str, path: str) -> int:
    connection = HTTPConnection("127.0.0.11", 80, timeout=5)
    try:
        body = b"item=milk" if method == "POST" else None
        connection.request(method, path, body=body)
        return connection.getresponse().status
    finally:
        connection.close()


def _statuses(method: str) -> list[int]:
    return [_request(method, "/items") for _ in range(REQUESTS)]


@pytest.mark.parametrize("haproxy", ["tuned"], indirect=True)
def test_tuned_retries_get_on_other_server(haproxy):
    assert _statuses("GET") == [200] * REQUESTS


@pytest.mark.parametrize("haproxy", ["tuned"], indirect=True)
def test_tuned_never_retries_post(haproxy):
    statuses = _statuses("POST")

    assert 502 in statuses
    assert 200 in statuses


@pytest.mark.parametrize("haproxy", ["seed"], indirect=True)
def test_seed_does_not_retry_get(haproxy):
    statuses = _statuses("GET")

    assert 502 in statuses
    assert 200 in statuses
