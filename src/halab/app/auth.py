"""Log in and log out.

The load probe drives these with plain form posts:

- `GET /login` returns the form; its hidden input `csrf_token` carries the token.
- `POST /login` with `email`, `password` and `csrf_token` logs in and redirects (302) to the
  cart, or to `next` when it is a path of this site. Wrong credentials return 401 with the form.
- `POST /logout` with `csrf_token` ends the session and redirects to `/login`.
"""

from __future__ import annotations

import logging

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from .extensions import db
from .forms import LoginForm
from .models import Customer

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)


def safe_next_path(value: str | None) -> str | None:
    """Return `value` if it is a path on this site, else None (no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    return value


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    """Show the login form and log the customer in on a valid post."""
    if current_user.is_authenticated:
        return redirect(url_for("cart.show"))
    form = LoginForm()

    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("login.html", form=form), status

    email = form.email.data.lower()
    customer = db.session.scalar(db.select(Customer).where(db.func.lower(Customer.email) == email))
    if customer is None or not customer.check_password(form.password.data):
        log.info("failed login for a customer email")
        flash(_("Wrong email or password."), "danger")
        return render_template("login.html", form=form), 401

    login_user(customer)
    log.info("customer %s logged in", customer.id_cliente)
    return redirect(safe_next_path(request.args.get("next")) or url_for("cart.show"))


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """End the session and go back to the login page; CSRFProtect has checked the token."""
    customer_id = current_user.id_cliente
    logout_user()
    log.info("customer %s logged out", customer_id)
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))
