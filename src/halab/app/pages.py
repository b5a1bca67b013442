"""Error pages in the app's style, and a 503 page when the database fails during a request."""

from __future__ import annotations

import logging

from flask import Flask, g, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from .extensions import db, login_manager

log = logging.getLogger(__name__)


def render_error(status: int, title: str, message: str) -> tuple[str, int]:
    """Render the error page without touching the database, which may be the cause."""
    page = render_template(
        "error.html", status=status, title=title, message=message, show_account=False
    )
    return page, status


def handle_http_error(error: HTTPException) -> tuple[str, int]:
    """Render an HTTP error (404, 405, 413 ...) as a styled page."""
    status = error.code or 500
    if status == 404:
        return render_error(404, _("Page not found"), _("This page or item does not exist."))
    return render_error(status, error.name, _("The request could not be handled."))


def handle_csrf_error(error: CSRFError) -> tuple[str, int]:
    """Reject a form post whose CSRF token is missing, invalid or expired."""
    log.info("rejected a form post: %s", error.description)
    return render_error(
        400,
        _("Form expired"),
        _("The form was missing its security token or it expired. Reload the page and retry."),
    )


def handle_database_error(error: SQLAlchemyError) -> tuple[str, int]:
    """Return 503 when the database fails, so a client can tell an outage from a bug."""
    log.warning("database error: %s", type(error).__name__, exc_info=error)
    db.session.rollback()
    # Rendering would ask Flask-Login for the customer, which queries the database again.
    g._login_user = login_manager.anonymous_user()
    return render_error(
        503, _("Database unavailable"), _("The database did not respond. Try again shortly.")
    )


def handle_internal_error(error: Exception) -> tuple[str, int]:
    """Render an unexpected failure as a styled 500 page; the traceback goes to the log."""
    log.error("unhandled error", exc_info=error)
    return render_error(500, _("Internal error"), _("Something went wrong on the server."))


def register(app: Flask) -> None:
    """Register the error handlers on the app."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    for database_error in (OperationalError, InterfaceError, PoolTimeoutError):
        app.register_error_handler(database_error, handle_database_error)
    app.register_error_handler(500, handle_internal_error)
