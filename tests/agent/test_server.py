"""The agent's HTTP responses, served for real on loopback."""

from __future__ import annotations

import argparse
import json
import threading
from collections.abc import Iterator
from http.client import HTTPConnection
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from halab.agent.server import Agent, make_handler, parse_listen


def serve(agent: Agent) -> tuple[ThreadingHTTPServer, threading.Thread]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(agent))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def agent_url_port(tmp_path: Path) -> Iterator[int]:
    """Serve an agent whose MariaDB socket does not exist; yield its port."""
    agent = Agent(tmp_path / "absent.sock", None, timeout_s=0.5)
    server, thread = serve(agent)
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def get(port: int, path: str = "/") -> tuple[int, dict]:
    connection = HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def get_once(agent: Agent) -> tuple[int, dict]:
    """Serve `agent` on a free loopback port for one GET; return its status and body."""
    server, thread = serve(agent)
    try:
        return get(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_unreachable_mariadb_returns_503(agent_url_port):
    status, body = get(agent_url_port)

    assert status == 503
    assert body["ok"] is False
    assert body["reason"].startswith("MariaDB unavailable")


def test_any_path_is_answered(agent_url_port):
    status, _ = get(agent_url_port, "/health")

    assert status == 503


@pytest.mark.parametrize(
    ("value", "expected"),
    [("198.18.0.31:9200", ("198.18.0.31", 9200)), ("127.0.0.1", ("127.0.0.1", 9200))],
)
def test_listen_parsed(value, expected):
    assert parse_listen(value) == expected


@pytest.mark.parametrize("value", ["198.18.0.31:99999", ":9200", "host:port"])
def test_listen_rejects_bad_value(value):
    with pytest.raises(argparse.ArgumentTypeError):
        parse_listen(value)
