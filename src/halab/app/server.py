"""Run the app under gunicorn in this process, so the caller's pid is gunicorn's master.

The lab's supervisor starts `halab app serve` in the foreground and stops it by that pid;
gunicorn's master handles SIGTERM by stopping its workers gracefully.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from . import create_app, gunicorn_conf, schema

log = logging.getLogger(__name__)


def gunicorn_settings(bind: str, workers: int) -> dict[str, Any]:
    """Return the settings of `gunicorn_conf` with bind and workers replaced."""
    settings = {
        name: value
        for name, value in vars(gunicorn_conf).items()
        if not name.startswith("_") and name != "os"
    }
    settings["bind"] = [bind]
    settings["workers"] = workers
    return settings


class AppServer(BaseApplication):
    """A gunicorn application that builds the Flask app in each worker."""

    def __init__(self, settings: dict[str, Any]):
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.settings.items():
            if value is not None and name in self.cfg.settings:
                self.cfg.set(name, value)

    def load(self) -> Flask:
        return create_app()


def serve(bind: str, workers: int) -> None:
    """Serve the app with gunicorn until the master receives SIGTERM or SIGINT."""
    app = create_app()  # Fails here, before any worker starts, when the configuration is invalid.
    if schema.uses_sqlite(app):
        # The embedded database needs no separate `db upgrade`; a shared server database does,
        # once, so that several web servers never race to migrate it.
        schema.upgrade(app)
    log.info("starting gunicorn on %s with %d workers", bind, workers)
    AppServer(gunicorn_settings(bind, workers)).run()


def serve_debug(bind: str) -> None:
    """Serve the app with Flask's development server and debugger, for development only."""
    host, _, port = bind.rpartition(":")
    app = create_app({"DEBUG": True})
    if schema.uses_sqlite(app):
        schema.upgrade(app)
    app.run(host=host or "127.0.0.1", port=int(port), debug=True, use_reloader=False)
