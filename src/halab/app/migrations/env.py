"""Alembic environment: run the migrations on the app's own engine (online mode only)."""

import logging

from alembic import context
from flask import current_app

log = logging.getLogger("alembic.env")


def run_migrations_online() -> None:
    """Apply the migrations through a connection from the app's engine."""
    db = current_app.extensions["migrate"].db
    engine = db.engine
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=db.metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline migrations are not supported: run `halab app db upgrade`")
run_migrations_online()
