"""The customer's shopping list: show it, add an item, delete an item.

The load probe drives these with plain form posts, all carrying the hidden `csrf_token`:

- `GET /cart` lists the items, oldest first, `PAGE_SIZE` to a page (`?page=N`, from 1). Each
  table row is `<tr data-item-id="ID">`, and the page has the add form (`tipo`,
  `quantidade`, `local`, `csrf_token`).
- `POST /cart` adds an item and redirects (303) to `/cart`; the response header `X-Item-Id`
  names the new item's id. Invalid input returns 422 with the page and the form's messages.
- `POST /cart/<id>/delete` with `csrf_token` deletes one of the customer's own items and
  redirects (303) to `/cart`. Another customer's item, or none, returns 404 and deletes nothing.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from .extensions import db
from .forms import ConfirmForm, ItemForm
from .models import Item

log = logging.getLogger(__name__)

bp = Blueprint("cart", __name__, url_prefix="/cart")

# Ids are SQL INT columns; a larger number in the URL cannot name a row.
MAX_ITEM_ID = 2**31 - 1
# Items per page. A page costs the same however long the list grows, which matters when a load
# probe adds thousands of items to one customer's list during an experiment.
PAGE_SIZE = 50


def requested_page() -> int:
    """Return the page number from `?page=`, 1 when it is missing or not a positive number."""
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) < MAX_ITEM_ID else 1


def customer_items(page: int) -> tuple[list[Item], int]:
    """Return one page of the current customer's items, oldest first, and their total count."""
    owned = Item.id_cliente == current_user.id_cliente
    total = db.session.scalar(db.select(db.func.count()).select_from(Item).where(owned)) or 0
    query = (
        db.select(Item)
        .where(owned)
        .order_by(Item.id_compras)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return list(db.session.scalars(query)), total


def render_cart(form: ItemForm, status: int = 200) -> tuple[str, int]:
    """Render the cart page with the given add form."""
    page = requested_page()
    items, total = customer_items(page)
    pages = max(1, -(-total // PAGE_SIZE))
    html = render_template(
        "cart.html", items=items, total=total, page=page, pages=pages, form=form,
        delete_form=ConfirmForm(),
    )
    return html, status


@bp.route("", methods=["GET"])
@login_required
def show() -> tuple[str, int]:
    """Show the customer's items and the add form."""
    return render_cart(ItemForm(formdata=None))


@bp.route("", methods=["POST"])
@login_required
def add() -> Response | tuple[str, int]:
    """Add an item from the form; re-render the page with messages when input is invalid."""
    form = ItemForm()

    if not form.validate():
        return render_cart(form, status=422)

    item = Item(
        id_cliente=current_user.id_cliente,
        tipo=form.tipo.data,
        quantidade=form.quantidade.data,
        local=form.local.data,
    )
    db.session.add(item)
    db.session.commit()
    log.info("customer %s added item %s", current_user.id_cliente, item.id_compras)
    flash(_("Added %(tipo)s.", tipo=item.tipo), "success")
    response = redirect(url_for("cart.show"), code=303)
    response.headers["X-Item-Id"] = str(item.id_compras)
    return response


@bp.route("/<int:item_id>/delete", methods=["POST"])
@login_required
def delete(item_id: int) -> Response:
    """Delete one of the customer's own items.

    :raise 404: the item does not exist or belongs to another customer.
    """
    if item_id > MAX_ITEM_ID:
        abort(404)
    item = db.session.get(Item, item_id)
    if item is None or item.id_cliente != current_user.id_cliente:
        abort(404)

    db.session.delete(item)
    db.session.commit()
    log.info("customer %s deleted item %s", current_user.id_cliente, item_id)
    flash(_("Deleted %(tipo)s.", tipo=item.tipo), "success")
    return redirect(url_for("cart.show"), code=303)
