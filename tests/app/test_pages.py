"""Page chrome: local Bootstrap, X-Served-By, error pages, languages and the proxy headers."""

from __future__ import annotations

import re

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from .conftest import make_app

ASSET_PATTERN = re.compile(r'<(?:link|script)[^>]+(?:href|src)="([^"]+)"')


def test_assets_served_locally(alice: FlaskClient) -> None:
    page = alice.get("/cart").get_data(as_text=True)
    assets = ASSET_PATTERN.findall(page)

    assert any("bootstrap.min.css" in asset for asset in assets)
    assert any("bootstrap.min.js" in asset for asset in assets)
    for asset in assets:
        assert asset.startswith("/"), f"asset {asset} is not served by the app"
        assert alice.get(asset).status_code == 200, asset
    assert "cdn" not in page.lower()


@pytest.mark.parametrize("path", ["/login", "/health", "/nowhere", "/static/halab.css"])
def test_served_by_header(client: FlaskClient, path: str) -> None:
    response = client.get(path)

    assert response.headers["X-Served-By"] == "web-test"


def test_footer_names_server(alice: FlaskClient) -> None:
    page = alice.get("/cart").get_data(as_text=True)

    assert '<span id="served-by">web-test</span>' in page


def test_not_found_page_styled(client: FlaskClient) -> None:
    response = client.get("/nowhere")

    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "bootstrap.min.css" in page
    assert "Página não encontrada" in page


def test_internal_error_page_styled(database_url: str) -> None:
    app = make_app(database_url, PROPAGATE_EXCEPTIONS=False)

    @app.route("/fail")
    def fail() -> str:
        raise RuntimeError("internal-detail-7f3a")

    response = app.test_client().get("/fail")

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "bootstrap.min.css" in page
    assert "Erro interno" in page
    assert "internal-detail-7f3a" not in page


def test_portuguese_by_default(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)

    assert '<html lang="pt-PT">' in page
    assert "Iniciar sessão" in page


def test_english_from_accept_language(client: FlaskClient) -> None:
    response = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"})

    page = response.get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Log in" in page
    assert "Iniciar sessão" not in page


def test_language_switch_sticks(alice: FlaskClient) -> None:
    alice.get("/cart?lang=en")

    page = alice.get("/cart", headers={"Accept-Language": "pt-PT"}).get_data(as_text=True)
    assert "Your shopping list" in page
    assert "Quantity" in page

    page = alice.get("/cart?lang=pt_PT").get_data(as_text=True)
    assert "A sua lista de compras" in page
    assert "Local de Compra" in page


def test_language_links_keep_query(client: FlaskClient) -> None:
    page = client.get("/login?next=/cart").get_data(as_text=True)

    assert 'href="/login?next=%2Fcart&amp;lang=en"' in page
    assert 'href="/login?next=%2Fcart&amp;lang=pt_PT"' in page


def test_unknown_language_ignored(client: FlaskClient) -> None:
    page = client.get("/login?lang=xx").get_data(as_text=True)

    assert '<html lang="pt-PT">' in page


def test_form_errors_translated(alice: FlaskClient) -> None:
    from .conftest import add_item

    alice.get("/cart?lang=en")
    page = add_item(alice, "Peras", "0", "Lidl").get_data(as_text=True)
    assert "Enter a whole number from 1 to 9999." in page

    alice.get("/cart?lang=pt_PT")
    page = add_item(alice, "Peras", "0", "Lidl").get_data(as_text=True)
    assert "Indique um número inteiro de 1 a 9999." in page


def whoami_app(database_url: str) -> Flask:
    app = make_app(database_url)

    @app.route("/_whoami")
    def whoami() -> dict[str, str]:
        return {"remote_addr": request.remote_addr or "", "scheme": request.scheme}

    return app


def test_proxy_fix_trusts_one_hop(database_url: str) -> None:
    client = whoami_app(database_url).test_client()
    headers = {"X-Forwarded-For": "6.6.6.6, 198.18.0.50", "X-Forwarded-Proto": "https"}

    body = client.get("/_whoami", headers=headers, environ_base={"REMOTE_ADDR": "198.18.0.10"})

    assert body.json == {"remote_addr": "198.18.0.50", "scheme": "https"}


def test_proxy_fix_without_headers(database_url: str) -> None:
    client = whoami_app(database_url).test_client()

    body = client.get("/_whoami", environ_base={"REMOTE_ADDR": "198.18.0.10"})

    assert body.json == {"remote_addr": "198.18.0.10", "scheme": "http"}
