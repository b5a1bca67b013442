"""The shopping-list web app ("Lista de Compras") that every web server of the stack serves.

A customer logs in, sees their items in a table, adds items and deletes them. The app stands
alone: its only inputs are its database URL, its secret key and its server name (see `config`).

Modules:

- `config`: settings from the environment (DATABASE_URL, SECRET_KEY, HALAB_SERVER_NAME).
- `extensions`, `models`, `forms`: the Flask extensions, the two tables and the forms.
- `auth`, `cart`, `health`: one blueprint per feature; `pages` has the error pages and
  `i18n` the language choice (pt-PT by default, English).
- `accounts`: creating customers and the demo data, used by `halab app add-user|load-demo`.
- `gunicorn_conf`, `server`: how `halab app serve` runs the app under gunicorn.
- `migrations/`: the Alembic scripts that `halab app db upgrade` applies.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, redirect, url_for
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from halab.errors import InvalidInput

from . import config as app_config
from .extensions import babel, bootstrap, csrf, db, login_manager, migrate

log = logging.getLogger(__name__)

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")
# A form post is a few hundred bytes; anything far larger is rejected with 413 before parsing.
MAX_CONTENT_LENGTH_BYTES = 1024 * 1024


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app from the environment, with `config` overriding any setting.

    :raise InvalidInput: no secret key outside debug mode, or an invalid setting.
    """
    app = Flask(__name__, instance_relative_config=True)
    _configure(app, config or {})
    _init_extensions(app)
    _register_blueprints(app)

    @app.after_request
    def add_served_by(response: Response) -> Response:
        response.headers["X-Served-By"] = app.config["HALAB_SERVER_NAME"]
        return response

    @app.route("/")
    def index() -> Response:
        """Send a logged-in customer to the cart and anyone else to the login page."""
        if current_user.is_authenticated:
            return redirect(url_for("cart.show"))
        return redirect(url_for("auth.login"))

    # Exactly one proxy (HAProxy) sits in front, so only the last X-Forwarded-* hop is trusted.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    return app


def _configure(app: Flask, overrides: Mapping[str, Any]) -> None:
    app.config.update(
        BABEL_DEFAULT_LOCALE="pt_PT",
        BOOTSTRAP_SERVE_LOCAL=True,
        MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH_BYTES,
        SESSION_COOKIE_SAMESITE="Lax",
        SQLALCHEMY_TRACK_MODIFICATIONS=False,
    )
    app.config.update(app_config.settings_from_env(os.environ, app.instance_path))
    app.config.update(overrides)

    if not app.config.get("SECRET_KEY"):
        if not app.debug:
            raise InvalidInput(
                "SECRET_KEY is not set",
                hint="set SECRET_KEY or SECRET_KEY_FILE to the key that all web servers share, "
                "or run with --debug to use a throwaway key",
            )
        log.warning("no SECRET_KEY set; debug mode uses a random key, so sessions end on restart")
        app.config["SECRET_KEY"] = secrets.token_hex(32)

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = app_config.engine_options(url, app.config)
    options.update(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if url == app_config.database_url_from_env({}, app.instance_path):
        os.makedirs(app.instance_path, exist_ok=True)
    log.info(
        "database %s, server name %s", app_config.redacted_url(url), app.config["HALAB_SERVER_NAME"]
    )


def _init_extensions(app: Flask) -> None:
    from . import i18n, models

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    csrf.init_app(app)
    bootstrap.init_app(app)
    i18n.init_app(app, babel)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = i18n.LOGIN_REQUIRED_MESSAGE
    login_manager.login_message_category = "warning"

    @login_manager.user_loader
    def load_customer(customer_id: str) -> models.Customer | None:
        if not customer_id.isdigit():
            return None
        return db.session.get(models.Customer, int(customer_id))


def _register_blueprints(app: Flask) -> None:
    from . import auth, cart, health, pages

    app.register_blueprint(auth.bp)
    app.register_blueprint(cart.bp)
    app.register_blueprint(health.bp)
    pages.register(app)
