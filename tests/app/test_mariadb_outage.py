"""The app against a MariaDB server that stops, freezes and comes back (marker `lab`).

Each test starts its own server, because it breaks it.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from halab.app import schema
from halab.app.accounts import add_customer

from .conftest import ALICE, PASSWORD, login, make_app
from .mariadb_server import MariaDBServer, start_server

pytestmark = pytest.mark.lab

HEALTH_TIMEOUT_S = 1.0
# Slack for a loaded CI machine; a frozen server would hold an unbounded check for the driver's
# read timeout (5 s), so this still catches a check that ignores its bound.
SLACK_S = 1.5


@pytest.fixture
def server() -> Iterator[MariaDBServer]:
    base_dir = Path(tempfile.mkdtemp(prefix="halab-mariadb-"))
    server = MariaDBServer(base_dir)
    try:
        server = start_server(base_dir)
        server.admin("CREATE DATABASE carrinho CHARACTER SET utf8mb4")
        yield server
    finally:
        server.stop()
        shutil.rmtree(base_dir, ignore_errors=True)


@pytest.fixture
def app(server: MariaDBServer) -> Flask:
    app = make_app(server.url("carrinho"), HEALTH_TIMEOUT_S=HEALTH_TIMEOUT_S)
    schema.upgrade(app)
    with app.app_context():
        add_customer("Alice", ALICE, PASSWORD)
    return app


def timed_health(app: Flask):
    started = time.monotonic()
    response = app.test_client().get("/health")
    return response, time.monotonic() - started


def test_stopped_database_health_503(app: Flask, server: MariaDBServer) -> None:
    assert app.test_client().get("/health").status_code == 200
    server.stop()

    response, elapsed_s = timed_health(app)

    assert response.status_code == 503
    assert response.json["database"] in ("error", "timeout")
    assert elapsed_s < HEALTH_TIMEOUT_S + SLACK_S


def test_frozen_database_health_503(app: Flask, server: MariaDBServer) -> None:
    assert app.test_client().get("/health").status_code == 200
    server.freeze()
    try:
        response, elapsed_s = timed_health(app)
    finally:
        server.thaw()

    assert response.status_code == 503
    assert response.json["database"] == "timeout"
    assert elapsed_s < HEALTH_TIMEOUT_S + SLACK_S


def test_restarted_database_reconnects(app: Flask, server: MariaDBServer) -> None:
    client = app.test_client()
    assert login(client).status_code == 302
    assert client.get("/cart").status_code == 200
    server.stop()

    assert client.get("/cart").status_code == 503
    server.start()

    assert client.get("/cart").status_code == 200
    assert app.test_client().get("/health").status_code == 200
