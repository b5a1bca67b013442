"""Showing, adding and deleting items, with validation, escaping, CSRF and ownership."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from halab.app.extensions import db
from halab.app.models import Customer, Item

from .conftest import BOB, add_item, csrf_token, login


def items_of(app: Flask, email: str) -> list[Item]:
    with app.app_context():
        customer = db.session.scalar(db.select(Customer).where(Customer.email == email))
        query = db.select(Item).where(Item.id_cliente == customer.id_cliente)
        return list(db.session.scalars(query))


def test_cart_requires_login(client: FlaskClient) -> None:
    response = client.get("/cart")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_add_item_shows_it(app: Flask, alice: FlaskClient) -> None:
    response = add_item(alice, "  Laranjas  ", " 5 ", "Pingo Doce")

    assert response.status_code == 303
    item_id = int(response.headers["X-Item-Id"])
    page = alice.get("/cart").get_data(as_text=True)
    assert f'data-item-id="{item_id}"' in page
    assert '<td class="text-break">Laranjas</td>' in page
    stored = items_of(app, "alice@example.test")
    assert [(i.tipo, i.quantidade, i.local) for i in stored] == [("Laranjas", 5, "Pingo Doce")]


@pytest.mark.parametrize("quantidade", ["1", "9999"])
def test_quantity_bounds_accepted(alice: FlaskClient, quantidade: str) -> None:
    response = add_item(alice, "Peras", quantidade, "Lidl")

    assert response.status_code == 303


@pytest.mark.parametrize(
    "quantidade", ["abc", "0", "-1", "10000000000000", "", "1.5", "x" * 10_240]
)
def test_invalid_quantity_form_error(app: Flask, alice: FlaskClient, quantidade: str) -> None:
    response = add_item(alice, "Peras", quantidade, "Lidl")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "is-invalid" in page
    assert 'id="quantidade"' in page
    assert items_of(app, "alice@example.test") == []


@pytest.mark.parametrize(
    ("tipo", "local"),
    [
        ("x" * 10_240, "Lidl"),
        ("Peras", "y" * 10_240),
        ("z" * 141, "Lidl"),
        ("   ", "Lidl"),
        ("Peras", ""),
    ],
)
def test_invalid_text_form_error(app: Flask, alice: FlaskClient, tipo: str, local: str) -> None:
    response = add_item(alice, tipo, "3", local)

    assert response.status_code == 422
    assert "invalid-feedback" in response.get_data(as_text=True)
    assert items_of(app, "alice@example.test") == []


@pytest.mark.parametrize("char", ["ç", "🍎"])
def test_text_of_140_chars_accepted(app: Flask, alice: FlaskClient, char: str) -> None:
    tipo = char * 140

    response = add_item(alice, tipo, "3", "Lidl")

    assert response.status_code == 303
    assert items_of(app, "alice@example.test")[0].tipo == tipo


def test_script_in_tipo_escaped(alice: FlaskClient) -> None:
    add_item(alice, "<script>alert(1)</script>", "1", "Lidl")

    page = alice.get("/cart").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_delete_own_item(app: Flask, alice: FlaskClient) -> None:
    item_id = add_item(alice, "Peras", "3", "Lidl").headers["X-Item-Id"]
    token = csrf_token(alice.get("/cart").get_data(as_text=True))

    response = alice.post(f"/cart/{item_id}/delete", data={"csrf_token": token})

    assert response.status_code == 303
    assert items_of(app, "alice@example.test") == []
    assert f'data-item-id="{item_id}"' not in alice.get("/cart").get_data(as_text=True)


def test_delete_other_customers_item_404(app: Flask) -> None:
    bob = app.test_client()
    login(bob, BOB)
    bob_item_id = add_item(bob, "Maçãs", "2", "Continente").headers["X-Item-Id"]
    alice = app.test_client()
    login(alice)
    token = csrf_token(alice.get("/cart").get_data(as_text=True))

    response = alice.post(f"/cart/{bob_item_id}/delete", data={"csrf_token": token})

    assert response.status_code == 404
    assert [i.id_compras for i in items_of(app, BOB)] == [int(bob_item_id)]
    assert f'data-item-id="{bob_item_id}"' not in alice.get("/cart").get_data(as_text=True)


@pytest.mark.parametrize("item_id", ["999999", "99999999999999999999"])
def test_delete_missing_item_404(alice: FlaskClient, item_id: str) -> None:
    token = csrf_token(alice.get("/cart").get_data(as_text=True))

    response = alice.post(f"/cart/{item_id}/delete", data={"csrf_token": token})

    assert response.status_code == 404


def test_add_without_csrf_400(app: Flask, alice: FlaskClient) -> None:
    response = alice.post("/cart", data={"tipo": "Peras", "quantidade": "3", "local": "Lidl"})

    assert response.status_code == 400
    assert items_of(app, "alice@example.test") == []


def test_add_with_forged_csrf_400(app: Flask, alice: FlaskClient) -> None:
    data = {"tipo": "Peras", "quantidade": "3", "local": "Lidl", "csrf_token": "forged"}

    response = alice.post("/cart", data=data)

    assert response.status_code == 400
    assert items_of(app, "alice@example.test") == []


def test_delete_without_csrf_400(app: Flask, alice: FlaskClient) -> None:
    item_id = add_item(alice, "Peras", "3", "Lidl").headers["X-Item-Id"]

    response = alice.post(f"/cart/{item_id}/delete")

    assert response.status_code == 400
    assert len(items_of(app, "alice@example.test")) == 1


def test_delete_by_get_not_allowed(app: Flask, alice: FlaskClient) -> None:
    item_id = add_item(alice, "Peras", "3", "Lidl").headers["X-Item-Id"]

    response = alice.get(f"/cart/{item_id}/delete")

    assert response.status_code == 405
    assert len(items_of(app, "alice@example.test")) == 1


def add_items_directly(app: Flask, email: str, count: int) -> None:
    with app.app_context():
        customer = db.session.scalar(db.select(Customer).where(Customer.email == email))
        db.session.add_all(
            Item(id_cliente=customer.id_cliente, tipo=f"item-{n}", quantidade=1, local="Lidl")
            for n in range(count)
        )
        db.session.commit()


def test_long_list_paged(app: Flask, alice: FlaskClient) -> None:
    add_items_directly(app, "alice@example.test", 120)

    first = alice.get("/cart").get_data(as_text=True)
    last = alice.get("/cart?page=3").get_data(as_text=True)

    assert first.count("data-item-id=") == 50
    assert ">item-0<" in first
    assert ">item-50<" not in first
    assert 'id="pager"' in first
    assert "?page=2" in first
    assert last.count("data-item-id=") == 20
    assert ">item-119<" in last
    assert "?page=4" not in last


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999"])
def test_invalid_page_shows_first(app: Flask, alice: FlaskClient, page: str) -> None:
    add_items_directly(app, "alice@example.test", 60)

    response = alice.get(f"/cart?page={page}")

    assert response.status_code == 200
    assert ">item-0<" in response.get_data(as_text=True)


def test_short_list_has_no_pager(alice: FlaskClient) -> None:
    add_item(alice, "Peras", "2", "Lidl")

    assert 'id="pager"' not in alice.get("/cart").get_data(as_text=True)
