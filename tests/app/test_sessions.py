"""A session cookie from one web server is valid on another only if both share SECRET_KEY."""

from __future__ import annotations

from flask import Flask

from .conftest import SECRET_KEY, csrf_token, login, make_app


def session_cookie_from(app: Flask) -> str:
    client = app.test_client()
    assert login(client).status_code == 302
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def cart_status_with_cookie(app: Flask, cookie: str) -> int:
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get("/cart").status_code


def test_same_key_accepts_cookie(app: Flask, database_url: str) -> None:
    cookie = session_cookie_from(app)
    other_server = make_app(database_url, SECRET_KEY, HALAB_SERVER_NAME="web-other")

    assert cart_status_with_cookie(other_server, cookie) == 200


def test_different_key_rejects_cookie(app: Flask, database_url: str) -> None:
    cookie = session_cookie_from(app)
    other_server = make_app(database_url, "another-secret-key")

    assert cart_status_with_cookie(other_server, cookie) == 302


def test_csrf_token_valid_across_servers(app: Flask, database_url: str) -> None:
    first = app.test_client()
    login(first)
    cookie = first.get_cookie("session").value
    page = first.get("/cart").get_data(as_text=True)
    token = csrf_token(page)
    second = make_app(database_url, SECRET_KEY).test_client()
    second.set_cookie("session", cookie)

    data = {"tipo": "Peras", "quantidade": "2", "local": "Lidl", "csrf_token": token}
    response = second.post("/cart", data=data)

    assert response.status_code == 303
