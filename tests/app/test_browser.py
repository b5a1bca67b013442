"""The shop in headless Chromium (marker `browser`): log in, add, see, delete, log out.

Debian's chromium is driven by Playwright through its executable path; no browser is
downloaded. The app runs on a real HTTP server on 127.0.0.1 in a thread.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from halab.app import schema
from halab.app.accounts import add_customer

from .conftest import ALICE, PASSWORD, make_app

pytestmark = pytest.mark.browser

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000

# Texts per language: cart heading, a column title, the add button and the login heading.
LANGUAGES = {
    "pt_PT": ("A sua lista de compras", "Local de Compra", "Adicionar", "Iniciar sessão"),
    "en": ("Your shopping list", "Shop", "Add", "Log in"),
}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app with werkzeug's threaded server on a free loopback port."""
    path = tmp_path_factory.mktemp("browser") / "halab.sqlite"
    app = make_app(f"sqlite:///{path}")
    schema.upgrade(app)
    with app.app_context():
        add_customer("Alice", ALICE, PASSWORD)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Launch Debian's chromium headless through Playwright."""
    if not Path(CHROMIUM_PATH).exists() or shutil.which("chromium") is None:
        pytest.fail(f"{CHROMIUM_PATH} not found: run `apt-get install chromium`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_shop_round_trip(browser, base_url: str, lang: str) -> None:
    heading, shop_column, add_label, login_heading = LANGUAGES[lang]
    tipo = f"Cerejas-{lang}"
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    page.goto(f"{base_url}/login?lang={lang}")
    page.fill("#email", ALICE)
    page.fill("#password", PASSWORD)
    page.click("#login")
    page.wait_for_url(f"{base_url}/cart")
    expect(page.locator("h1")).to_have_text(heading)
    assert shop_column in page.locator("#items thead").inner_text()
    assert page.locator("#add-item").inner_text() == add_label

    page.fill("#tipo", tipo)
    page.fill("#quantidade", "7")
    page.fill("#local", "Mercado")
    page.click("#add-item")
    row = page.locator("#items tbody tr", has_text=tipo)
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(2)).to_have_text("7")

    row.locator("button[type=submit]").click()
    expect(page.locator("#items tbody tr", has_text=tipo)).to_have_count(0)

    page.click("#logout")
    page.wait_for_url(f"{base_url}/login")
    expect(page.locator("h1")).to_have_text(login_heading)
    context.close()


def test_stylesheet_applied(browser, base_url: str) -> None:
    page = browser.new_page()

    page.goto(f"{base_url}/login")
    navbar_color = page.eval_on_selector(".navbar", "e => getComputedStyle(e).backgroundColor")

    # Bootstrap 5's bg-primary is rgb(13, 110, 253); unstyled it would be transparent.
    assert navbar_color == "rgb(13, 110, 253)"
    page.close()
