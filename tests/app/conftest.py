"""Fixtures for the app tests: the app on SQLite, or on a real MariaDB server (marker `lab`).

Every test that uses `app` or `client` runs once per backend. The MariaDB server is started
once per session from Debian's mariadb-server and each test gets its own database on it.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from halab.app import create_app, schema
from halab.app.accounts import add_customer
from halab.app.extensions import db

from .mariadb_server import MariaDBServer, start_server

PASSWORD = "correct-horse-42"
ALICE = "alice@example.test"
BOB = "bob@example.test"
SECRET_KEY = "test-secret-key"

CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="session")
def mariadb() -> Iterator[MariaDBServer]:
    """Start one MariaDB server for the session and stop it by pid afterwards."""
    base_dir = Path(tempfile.mkdtemp(prefix="halab-mariadb-"))
    server = MariaDBServer(base_dir)
    try:
        server = start_server(base_dir)
        yield server
    finally:
        server.stop()
        shutil.rmtree(base_dir, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.lab)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Return the URL of an empty database on the backend of this test's parameter."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'halab.sqlite'}"
        return

    server: MariaDBServer = request.getfixturevalue("mariadb")
    name = f"halab_{uuid.uuid4().hex[:12]}"
    server.admin(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
    yield server.url(name)
    server.admin(f"DROP DATABASE IF EXISTS {name}")


def make_app(database_url: str, secret_key: str = SECRET_KEY, **overrides: object) -> Flask:
    """Create an app on `database_url` with a test config."""
    config = {
        "TESTING": True,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "HALAB_SERVER_NAME": "web-test",
        **overrides,
    }
    return create_app(config)


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """Return an app whose database has the schema and customers alice and bob."""
    app = make_app(database_url)
    schema.upgrade(app)
    with app.app_context():
        add_customer("Alice", ALICE, PASSWORD)
        add_customer("Bob", BOB, PASSWORD)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(html: str) -> str:
    """Return the first CSRF token in a page."""
    match = CSRF_PATTERN.search(html)
    assert match, "no csrf_token input in the page"
    return match.group(1)


def login(client: FlaskClient, email: str = ALICE, password: str = PASSWORD):
    """Log in through the form, as the probe does, and return the response of the post."""
    page = client.get("/login")
    token = csrf_token(page.get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def add_item(client: FlaskClient, tipo: str, quantidade: str, local: str):
    """Post the add form of the cart page and return the response."""
    token = csrf_token(client.get("/cart").get_data(as_text=True))
    data = {"tipo": tipo, "quantidade": quantidade, "local": local, "csrf_token": token}
    return client.post("/cart", data=data)


@pytest.fixture
def alice(client: FlaskClient) -> FlaskClient:
    """Return the test client logged in as alice."""
    response = login(client)
    assert response.status_code == 302
    return client
