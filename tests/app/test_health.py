"""`/health`: 200 when the database returns SELECT 1 within the bound, 503 otherwise."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from .conftest import make_app
from .mariadb_server import free_port

HEALTH_TIMEOUT_S = 0.5
# Generous slack for a loaded CI machine; the driver's own timeouts are 2-5 s, so a check that
# ignored its bound would still exceed this.
SLACK_S = 1.0


def timed_health(client: FlaskClient):
    started = time.monotonic()
    response = client.get("/health")
    return response, time.monotonic() - started


def test_health_ok(client: FlaskClient) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["server"] == "web-test"
    assert response.json["database"] == "ok"
    assert isinstance(response.json["elapsed_ms"], int)


def test_health_needs_no_login_or_csrf(client: FlaskClient) -> None:
    assert client.get("/health").status_code == 200
    assert client.head("/health").status_code == 200


def test_health_unreachable_sqlite_503(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'halab.sqlite'}"
    client = make_app(url, HEALTH_TIMEOUT_S=HEALTH_TIMEOUT_S).test_client()

    response, elapsed_s = timed_health(client)

    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["database"] == "error"
    assert elapsed_s < HEALTH_TIMEOUT_S + SLACK_S


def test_health_refused_port_503() -> None:
    url = f"mysql+pymysql://halab:x@127.0.0.1:{free_port()}/halab"
    client = make_app(url, HEALTH_TIMEOUT_S=HEALTH_TIMEOUT_S).test_client()

    response, elapsed_s = timed_health(client)

    assert response.status_code == 503
    assert response.json["database"] == "error"
    assert elapsed_s < HEALTH_TIMEOUT_S + SLACK_S


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """Listen on a loopback port that completes TCP handshakes and never sends a byte."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def test_health_silent_database_timeout(silent_listener: int) -> None:
    url = f"mysql+pymysql://halab:x@127.0.0.1:{silent_listener}/halab"
    client = make_app(url, HEALTH_TIMEOUT_S=HEALTH_TIMEOUT_S).test_client()

    response, elapsed_s = timed_health(client)

    assert response.status_code == 503
    assert response.json["database"] == "timeout"
    assert HEALTH_TIMEOUT_S * 0.9 <= elapsed_s < HEALTH_TIMEOUT_S + SLACK_S


def test_page_with_unreachable_database_503(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'halab.sqlite'}"
    client = make_app(url).test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"

    response = client.get("/cart")

    assert response.status_code == 503
    assert "Base de dados indisponível" in response.get_data(as_text=True)
