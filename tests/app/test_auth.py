"""Logging in and out through the forms."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from .conftest import ALICE, PASSWORD, csrf_token, login


def test_login_redirects_to_cart(client: FlaskClient) -> None:
    response = login(client)

    assert response.status_code == 302
    assert response.headers["Location"] == "/cart"
    assert client.get("/cart").status_code == 200


def test_login_email_ignores_case(client: FlaskClient) -> None:
    response = login(client, ALICE.upper())

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [(ALICE, "wrong-password"), ("nobody@example.test", PASSWORD)],
)
def test_wrong_credentials_no_session(client: FlaskClient, email: str, password: str) -> None:
    response = login(client, email, password)

    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Email ou palavra-passe errados." in page
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/cart").status_code == 302


def test_login_without_csrf_400(client: FlaskClient) -> None:
    response = client.post("/login", data={"email": ALICE, "password": PASSWORD})

    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_empty_login_form_errors(client: FlaskClient) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))

    response = client.post("/login", data={"email": " ", "password": "", "csrf_token": token})

    assert response.status_code == 400
    assert response.get_data(as_text=True).count("invalid-feedback") == 2


@pytest.mark.parametrize(
    ("next_path", "expected"),
    [("/cart", "/cart"), ("//evil.example/", "/cart"), ("https://evil.example/", "/cart")],
)
def test_login_next_stays_on_site(client: FlaskClient, next_path: str, expected: str) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    data = {"email": ALICE, "password": PASSWORD, "csrf_token": token}

    response = client.post("/login", query_string={"next": next_path}, data=data)

    assert response.headers["Location"] == expected


def test_logout_ends_session(alice: FlaskClient) -> None:
    token = csrf_token(alice.get("/cart").get_data(as_text=True))

    response = alice.post("/logout", data={"csrf_token": token})

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert alice.get("/cart").status_code == 302


def test_logout_without_csrf_400(alice: FlaskClient) -> None:
    response = alice.post("/logout")

    assert response.status_code == 400
    assert alice.get("/cart").status_code == 200


def test_password_stored_hashed(app) -> None:
    from halab.app.accounts import find_customer

    with app.app_context():
        stored = find_customer(ALICE).password

    assert PASSWORD not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))
