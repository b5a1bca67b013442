"""Settings from the environment: database URL, secret key, health bound, engine options."""

from __future__ import annotations

from pathlib import Path

import pytest

from halab.app import create_app
from halab.app.config import (
    DEFAULT_APP_THREADS,
    DEFAULT_APP_TIMEOUT_S,
    app_threads,
    app_timeout_s,
    database_url_from_env,
    engine_options,
    secret_key_from_env,
    settings_from_env,
)
from halab.errors import InvalidInput

MYSQL_URL = "mysql+pymysql://u:p@198.18.0.100:3306/carrinho"


def test_database_url_preferred_over_db_host() -> None:
    env = {"DATABASE_URL": MYSQL_URL, "DB_HOST": "sqlite:///other.sqlite"}

    assert database_url_from_env(env, "/srv/instance") == MYSQL_URL


def test_db_host_accepted_as_url() -> None:
    assert database_url_from_env({"DB_HOST": MYSQL_URL}, "/srv/instance") == MYSQL_URL


def test_default_sqlite_in_instance_folder() -> None:
    url = database_url_from_env({}, "/srv/instance")

    assert url == "sqlite:////srv/instance/halab.sqlite"


def test_secret_key_from_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("s3cret-from-file\n")

    assert secret_key_from_env({"SECRET_KEY_FILE": str(key_file)}) == "s3cret-from-file"


def test_secret_key_env_preferred(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("from-file\n")

    key = secret_key_from_env({"SECRET_KEY": "from-env", "SECRET_KEY_FILE": str(key_file)})

    assert key == "from-env"


@pytest.mark.parametrize("content", [None, "", "\n\n"])
def test_unusable_secret_key_file_rejected(tmp_path: Path, content: str | None) -> None:
    key_file = tmp_path / "key"
    if content is not None:
        key_file.write_text(content)

    with pytest.raises(InvalidInput, match="SECRET_KEY_FILE"):
        secret_key_from_env({"SECRET_KEY_FILE": str(key_file)})


@pytest.mark.parametrize("raw", ["0", "-1", "abc"])
def test_invalid_health_timeout_rejected(raw: str) -> None:
    with pytest.raises(InvalidInput, match="HALAB_HEALTH_TIMEOUT_S"):
        settings_from_env({"HALAB_HEALTH_TIMEOUT_S": raw}, "/srv/instance")


def test_server_name_from_env() -> None:
    settings = settings_from_env({"HALAB_SERVER_NAME": "webserver01"}, "/srv/instance")

    assert settings["HALAB_SERVER_NAME"] == "webserver01"


def test_mysql_engine_options_bounded() -> None:
    options = engine_options(MYSQL_URL, {})

    assert options["pool_pre_ping"] is True
    assert 0 < options["pool_recycle"] < 28800  # MariaDB's default wait_timeout
    assert 0 < options["connect_args"]["connect_timeout"] <= 5
    assert 0 < options["connect_args"]["read_timeout"] <= 10
    assert 0 < options["connect_args"]["write_timeout"] <= 10


def test_db_timeouts_from_env() -> None:
    env = {"HALAB_DB_CONNECT_TIMEOUT_S": "1.5", "HALAB_DB_READ_TIMEOUT_S": "12"}

    options = engine_options(MYSQL_URL, settings_from_env(env, "/srv/instance"))

    assert options["connect_args"]["connect_timeout"] == 1.5
    assert options["connect_args"]["read_timeout"] == 12
    assert options["connect_args"]["write_timeout"] == 12


def test_sqlite_engine_options() -> None:
    assert engine_options("sqlite:///x.sqlite", {}) == {"pool_pre_ping": True}


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL", "DB_HOST"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("clean_env")
def test_app_rejects_missing_secret_key(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="SECRET_KEY is not set"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})


@pytest.mark.usefixtures("clean_env")
def test_debug_app_uses_random_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/x.sqlite"

    first = create_app({"DEBUG": True, "SQLALCHEMY_DATABASE_URI": url})
    second = create_app({"DEBUG": True, "SQLALCHEMY_DATABASE_URI": url})

    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]


@pytest.mark.usefixtures("clean_env")
def test_app_reads_secret_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("shared-by-all-web-servers\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(key_file))

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})

    assert app.config["SECRET_KEY"] == "shared-by-all-web-servers"
    assert app.debug is False


def test_app_threads_default_and_env() -> None:
    assert app_threads({}) == DEFAULT_APP_THREADS
    assert app_threads({"HALAB_APP_THREADS": "32"}) == 32


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1000"])
def test_invalid_app_threads_rejected(raw: str) -> None:
    with pytest.raises(InvalidInput, match="HALAB_APP_THREADS"):
        app_threads({"HALAB_APP_THREADS": raw})


def test_pool_sized_to_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALAB_APP_THREADS", "24")

    options = engine_options(MYSQL_URL, {})

    assert options["pool_size"] == 24


def test_app_timeout_default_and_env() -> None:
    assert app_timeout_s({}) == DEFAULT_APP_TIMEOUT_S
    assert app_timeout_s({"HALAB_APP_TIMEOUT_S": "45"}) == 45


@pytest.mark.parametrize("raw", ["0", "1.5", "x", "9999"])
def test_invalid_app_timeout_rejected(raw: str) -> None:
    with pytest.raises(InvalidInput, match="HALAB_APP_TIMEOUT_S"):
        app_timeout_s({"HALAB_APP_TIMEOUT_S": raw})
