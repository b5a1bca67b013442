"""`halab app`: serve the shopping-list app and manage its database.

Commands: `serve`, `db upgrade`, `add-user`, `load-demo`. All of them read the app's settings
from the environment (DATABASE_URL, SECRET_KEY or SECRET_KEY_FILE, HALAB_SERVER_NAME); see
`halab.app.config`.
"""

from __future__ import annotations

import logging
import os
import secrets

import click

from halab.errors import InvalidInput

log = logging.getLogger(__name__)

DEMO_PASSWORD_ENV = "HALAB_DEMO_PASSWORD"  # noqa: S105 (the variable name, not a password)


def _app_for_command(upgrade_sqlite: bool = False):
    """Create the app for a database command, which needs no shared secret key.

    With `upgrade_sqlite`, an embedded SQLite database gets its schema first, as `serve` does.
    """
    from halab.app import create_app, schema

    overrides = {}
    if not (os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE")):
        overrides["SECRET_KEY"] = secrets.token_hex(32)  # Signs nothing that outlives the command.
    app = create_app(overrides)
    if upgrade_sqlite and schema.uses_sqlite(app):
        schema.upgrade(app)
    return app


@click.group("app")
def app_group() -> None:
    """Serve the shopping-list web app and manage its database."""


@app_group.command("serve")
@click.option(
    "--bind",
    default="127.0.0.1:8000",
    show_default=True,
    help="Address and TCP port to listen on, as HOST:PORT.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Number of gunicorn worker processes.",
)
@click.option(
    "--debug",
    "debug_server",
    is_flag=True,
    help="Use Flask's development server with the debugger (development only).",
)
def serve(bind: str, workers: int, debug_server: bool) -> None:
    """Serve the app in the foreground until SIGTERM or Ctrl-C."""
    from halab.app import server

    host, sep, port = bind.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InvalidInput(f"--bind {bind!r} is invalid", hint="use HOST:PORT, e.g. 127.0.0.1:8000")
    if debug_server:
        server.serve_debug(bind)
    else:
        server.serve(bind, workers)


@app_group.group("db")
def db_group() -> None:
    """Manage the app's database schema."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the tables to the newest migration."""
    from halab.app import schema

    schema.upgrade(_app_for_command())
    click.echo("database schema is up to date")


@app_group.command("add-user")
@click.option("--email", required=True, help="The customer's login email.")
@click.option("--name", required=True, help="The customer's name, shown in the page header.")
@click.option(
    "--password-file",
    type=click.File("r"),
    help="Read the password from the first line of this file ('-' for stdin) instead of prompting.",
)
@click.option("--update", is_flag=True, help="Reset the name and password if the email exists.")
def add_user(email: str, name: str, password_file, update: bool) -> None:
    """Create a customer who can log in."""
    from halab.app import accounts

    if password_file is not None:
        password = password_file.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)

    app = _app_for_command(upgrade_sqlite=True)
    with app.app_context():
        customer = accounts.add_customer(name, email, password, update=update)
        click.echo(f"customer {customer.id_cliente} saved: {customer.email}")


@app_group.command("load-demo")
@click.option(
    "--password",
    envvar=DEMO_PASSWORD_ENV,
    show_envvar=True,
    help="Password of the demo customers; without it a random one is printed once.",
)
def load_demo(password: str | None) -> None:
    """Create the demo customers that are missing, with their items."""
    from halab.app import accounts

    generated = not password
    password = password or secrets.token_urlsafe(12)
    app = _app_for_command(upgrade_sqlite=True)
    with app.app_context():
        result = accounts.load_demo(password)

    for email in result.created:
        click.echo(f"created {email}")
    for email in result.existing:
        click.echo(f"exists  {email} (password unchanged)")
    if result.created and generated:
        click.echo(f"demo password: {password}")


def register(group: click.Group) -> None:
    """Add this module's commands to the root group."""
    group.add_command(app_group)
