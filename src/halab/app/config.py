"""Settings of the app, read from the environment and overridden by a test config.

Environment variables:

- `DATABASE_URL`: an SQLAlchemy URL, e.g. `mysql+pymysql://user:password@host:3306/carrinho`.
  `DB_HOST` is the older name for the same full URL and is read when `DATABASE_URL` is unset.
  With neither, the app uses `<instance folder>/halab.sqlite`.
- `SECRET_KEY`, or `SECRET_KEY_FILE` naming a file whose first line is the key. Every web server
  behind the balancer needs the same key, because the session cookie is signed with it.
- `HALAB_SERVER_NAME`: the name in the `X-Served-By` header and the page footer.
- `HALAB_HEALTH_TIMEOUT_S`: the bound of the database check of `/health` (default 1 s).
- `HALAB_DB_CONNECT_TIMEOUT_S`, `HALAB_DB_READ_TIMEOUT_S`: PyMySQL's connect and read/write
  timeouts (default 2 s and 5 s).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from halab.errors import InvalidInput

log = logging.getLogger(__name__)

SQLITE_FILENAME = "halab.sqlite"

# Short timeouts so a dead or frozen database gives a quick error instead of a hung worker.
# NOTE: a Galera write that waits out a node eviction can block for about 5 s, so a read
# timeout of 5 s may fail a write that later commits; raise HALAB_DB_READ_TIMEOUT_S to study that.
DEFAULT_DB_CONNECT_TIMEOUT_S = 2
DEFAULT_DB_READ_TIMEOUT_S = 5
DEFAULT_DB_WRITE_TIMEOUT_S = 5
# Recycle pooled connections before MariaDB's wait_timeout or a stateful firewall drops them.
DEFAULT_DB_POOL_RECYCLE_S = 280
DEFAULT_DB_POOL_TIMEOUT_S = 5
# Threads per gunicorn worker. A request that waits on a stalled database (a Galera write
# blocks until a dead member is evicted) holds its thread, so a few threads fill up within a
# second at 50 requests/s and queue every later request behind them; 16 keep reads flowing.
DEFAULT_APP_THREADS = 16
# A request is a few short queries; 30 s only catches a worker that is stuck for good.
DEFAULT_APP_TIMEOUT_S = 30
DEFAULT_HEALTH_TIMEOUT_S = 1.0


def database_url_from_env(env: Mapping[str, str], instance_path: str) -> str:
    """Return the database URL from DATABASE_URL, DB_HOST or the instance folder's SQLite file."""
    for name in ("DATABASE_URL", "DB_HOST"):
        value = env.get(name, "").strip()
        if value:
            return value
    return f"sqlite:///{Path(instance_path) / SQLITE_FILENAME}"


def secret_key_from_env(env: Mapping[str, str]) -> str | None:
    """Return the secret key from SECRET_KEY or the file named by SECRET_KEY_FILE, if any."""
    value = env.get("SECRET_KEY", "").strip()
    if value:
        return value

    path = env.get("SECRET_KEY_FILE", "").strip()
    if not path:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(
            f"SECRET_KEY_FILE {path!r} cannot be read: {exc.strerror}",
            hint="point SECRET_KEY_FILE at a readable file whose first line is the key",
        ) from exc
    key = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not key:
        raise InvalidInput(
            f"SECRET_KEY_FILE {path!r} is empty",
            hint="write a random key into it, e.g. `python3 -c 'import secrets; "
            "print(secrets.token_hex(32))' > FILE`",
        )
    return key


def settings_from_env(env: Mapping[str, str], instance_path: str) -> dict[str, Any]:
    """Return the app settings that come from environment variables."""
    settings: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": database_url_from_env(env, instance_path),
        "HALAB_SERVER_NAME": env.get("HALAB_SERVER_NAME", "").strip() or socket.gethostname(),
        "HEALTH_TIMEOUT_S": _float_from_env(
            env, "HALAB_HEALTH_TIMEOUT_S", DEFAULT_HEALTH_TIMEOUT_S
        ),
    }
    for name, key_name in (
        ("HALAB_DB_CONNECT_TIMEOUT_S", "DB_CONNECT_TIMEOUT_S"),
        ("HALAB_DB_READ_TIMEOUT_S", "DB_READ_TIMEOUT_S"),
    ):
        if env.get(name, "").strip():
            settings[key_name] = _float_from_env(env, name, 0.0)
    if "DB_READ_TIMEOUT_S" in settings:
        settings["DB_WRITE_TIMEOUT_S"] = settings["DB_READ_TIMEOUT_S"]

    key = secret_key_from_env(env)
    if key:
        settings["SECRET_KEY"] = key
    return settings


def _float_from_env(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise InvalidInput(f"{name}={raw!r} is invalid", hint=f"set {name} to seconds above 0")
    return value


def app_threads(env: Mapping[str, str]) -> int:
    """Return the threads per gunicorn worker from HALAB_APP_THREADS (default 16)."""
    raw = env.get("HALAB_APP_THREADS", "").strip()
    if not raw:
        return DEFAULT_APP_THREADS
    if not raw.isdigit() or not 1 <= int(raw) <= 256:
        raise InvalidInput(f"HALAB_APP_THREADS={raw!r} is invalid",
                           hint="set HALAB_APP_THREADS to a whole number from 1 to 256")
    return int(raw)


def app_timeout_s(env: Mapping[str, str]) -> int:
    """Return gunicorn's worker timeout from HALAB_APP_TIMEOUT_S (default 30 s)."""
    raw = env.get("HALAB_APP_TIMEOUT_S", "").strip()
    if not raw:
        return DEFAULT_APP_TIMEOUT_S
    if not raw.isdigit() or not 1 <= int(raw) <= 3600:
        raise InvalidInput(f"HALAB_APP_TIMEOUT_S={raw!r} is invalid",
                           hint="set HALAB_APP_TIMEOUT_S to whole seconds from 1 to 3600")
    return int(raw)


def engine_options(url: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return SQLAlchemy engine options: pre-ping and recycle, plus short MySQL timeouts."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return options

    options["pool_recycle"] = settings.get("DB_POOL_RECYCLE_S", DEFAULT_DB_POOL_RECYCLE_S)
    options["pool_timeout"] = settings.get("DB_POOL_TIMEOUT_S", DEFAULT_DB_POOL_TIMEOUT_S)
    # One pooled connection per worker thread, so no thread waits for another's connection.
    options["pool_size"] = app_threads(os.environ)
    options["max_overflow"] = 4
    if backend in ("mysql", "mariadb"):
        options["connect_args"] = {
            "connect_timeout": settings.get("DB_CONNECT_TIMEOUT_S", DEFAULT_DB_CONNECT_TIMEOUT_S),
            "read_timeout": settings.get("DB_READ_TIMEOUT_S", DEFAULT_DB_READ_TIMEOUT_S),
            "write_timeout": settings.get("DB_WRITE_TIMEOUT_S", DEFAULT_DB_WRITE_TIMEOUT_S),
            "charset": "utf8mb4",
        }
    return options


def redacted_url(url: str) -> str:
    """Return the URL with its password hidden, for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)
