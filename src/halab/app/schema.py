"""Apply the Alembic migrations in `migrations/` to the app's database."""

from __future__ import annotations

import logging

import flask_migrate
from flask import Flask
from sqlalchemy.engine import make_url

from . import MIGRATIONS_DIR
from .config import redacted_url

log = logging.getLogger(__name__)


def upgrade(app: Flask) -> None:
    """Bring the database schema to the newest revision."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    log.info("upgrading the schema of %s", redacted_url(url))
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS_DIR)


def uses_sqlite(app: Flask) -> bool:
    """Return whether the app's database is an SQLite file."""
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "sqlite"
