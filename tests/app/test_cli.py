"""`halab app` commands: db upgrade, load-demo, add-user and serve."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from halab.cli import main
from halab.errors import ExitStatus

from .conftest import CSRF_PATTERN
from .mariadb_server import MariaDBServer, free_port

DEMO_PASSWORD = "demo-password-123"
SERVE_START_TIMEOUT_S = 30.0


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the commands at a fresh SQLite file and return its path."""
    path = tmp_path / "cli.sqlite"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    for name in ("SECRET_KEY", "SECRET_KEY_FILE", "DB_HOST", "HALAB_DEMO_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return path


def count_rows(path: Path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_db_upgrade_creates_tables(sqlite_env: Path) -> None:
    assert main(["app", "db", "upgrade"]) == ExitStatus.OK

    assert count_rows(sqlite_env, "clientes") == 0
    assert count_rows(sqlite_env, "compras") == 0


def test_load_demo_idempotent(sqlite_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["app", "db", "upgrade"])

    assert main(["app", "load-demo"]) == ExitStatus.OK
    first_output = capsys.readouterr().out
    customers, items = count_rows(sqlite_env, "clientes"), count_rows(sqlite_env, "compras")
    assert main(["app", "load-demo"]) == ExitStatus.OK
    second_output = capsys.readouterr().out

    assert customers == 3
    assert items >= 3
    assert count_rows(sqlite_env, "clientes") == customers
    assert count_rows(sqlite_env, "compras") == items
    assert "created demo1@example.test" in first_output
    assert first_output.count("demo password:") == 1
    assert "demo password:" not in second_output


def test_load_demo_password_from_env(
    sqlite_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HALAB_DEMO_PASSWORD", DEMO_PASSWORD)
    main(["app", "db", "upgrade"])

    assert main(["app", "load-demo"]) == ExitStatus.OK

    assert DEMO_PASSWORD not in capsys.readouterr().out
    from halab.app import create_app
    from halab.app.accounts import find_customer

    app = create_app({"SECRET_KEY": "x"})
    with app.app_context():
        assert find_customer("demo2@example.test").check_password(DEMO_PASSWORD)


def test_add_user_then_duplicate_rejected(
    sqlite_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    password_file = tmp_path / "password"
    password_file.write_text("long-enough-password\n")
    main(["app", "db", "upgrade"])
    args = ["app", "add-user", "--email", "Eva@Example.test", "--name", "Eva"]

    assert main([*args, "--password-file", str(password_file)]) == ExitStatus.OK
    assert main([*args, "--password-file", str(password_file)]) == ExitStatus.INVALID_INPUT
    assert main([*args, "--password-file", str(password_file), "--update"]) == ExitStatus.OK

    assert count_rows(sqlite_env, "clientes") == 1
    assert "already exists" in capsys.readouterr().err


def test_add_user_short_password_rejected(sqlite_env: Path, tmp_path: Path) -> None:
    password_file = tmp_path / "password"
    password_file.write_text("short\n")
    main(["app", "db", "upgrade"])
    args = ["app", "add-user", "--email", "eva@example.test", "--name", "Eva"]

    assert main([*args, "--password-file", str(password_file)]) == ExitStatus.INVALID_INPUT
    assert count_rows(sqlite_env, "clientes") == 0


def test_serve_rejects_missing_secret_key(
    sqlite_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["app", "serve", "--bind", f"127.0.0.1:{free_port()}"])

    assert status == ExitStatus.INVALID_INPUT
    assert "SECRET_KEY is not set" in capsys.readouterr().err


@pytest.mark.parametrize("bind", ["8000", "127.0.0.1:", "127.0.0.1:http", ":8000", "h:70000"])
def test_serve_rejects_invalid_bind(sqlite_env: Path, bind: str) -> None:
    assert main(["app", "serve", "--bind", bind]) == ExitStatus.INVALID_INPUT


def wait_for_health(base_url: str, process: subprocess.Popen[bytes]) -> requests.Response:
    deadline = time.monotonic() + SERVE_START_TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, "halab app serve exited early"
        try:
            return requests.get(f"{base_url}/health", timeout=2)
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{base_url}/health did not respond within {SERVE_START_TIMEOUT_S} s")


@pytest.mark.lab
def test_serve_runs_gunicorn(tmp_path: Path) -> None:
    key_file = tmp_path / "secret"
    key_file.write_text("a-key-shared-by-web-servers\n")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite'}",
        "SECRET_KEY_FILE": str(key_file),
        "HALAB_SERVER_NAME": "webserver01",
        "HALAB_DEMO_PASSWORD": DEMO_PASSWORD,
    }
    env.pop("SECRET_KEY", None)
    halab = [sys.executable, "-m", "halab"]
    subprocess.run([*halab, "app", "load-demo"], env=env, check=True, capture_output=True)
    command = [*halab, "app", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base_url = f"http://127.0.0.1:{port}"
    try:
        health = wait_for_health(base_url, process)
        session = requests.Session()
        login_page = session.get(f"{base_url}/login", timeout=5)
        token = CSRF_PATTERN.search(login_page.text).group(1)
        data = {"email": "demo1@example.test", "password": DEMO_PASSWORD, "csrf_token": token}
        cart = session.post(f"{base_url}/login", data=data, timeout=5)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)

    assert health.status_code == 200
    assert health.headers["X-Served-By"] == "webserver01"
    assert health.json()["server"] == "webserver01"
    assert cart.status_code == 200
    assert "Laranjas" in cart.text
    assert process.returncode == 0
    assert b"gunicorn" in stderr.lower()


@pytest.mark.lab
def test_db_commands_on_mariadb(mariadb: MariaDBServer, monkeypatch: pytest.MonkeyPatch) -> None:
    mariadb.admin("CREATE DATABASE IF NOT EXISTS cli_carrinho")
    monkeypatch.setenv("DATABASE_URL", mariadb.url("cli_carrinho"))
    monkeypatch.setenv("HALAB_DEMO_PASSWORD", DEMO_PASSWORD)

    assert main(["app", "db", "upgrade"]) == ExitStatus.OK
    assert main(["app", "db", "upgrade"]) == ExitStatus.OK
    assert main(["app", "load-demo"]) == ExitStatus.OK
    assert main(["app", "load-demo"]) == ExitStatus.OK

    import pymysql

    connection = pymysql.connect(
        unix_socket=str(mariadb.socket_path), user="root", database="cli_carrinho"
    )
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM clientes")
        assert cursor.fetchone()[0] == 3
        cursor.execute("SELECT COUNT(*) FROM compras")
        assert cursor.fetchone()[0] == 5
