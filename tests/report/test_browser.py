"""The HTML report opened in Debian's headless Chromium: it renders with every plot loaded."""

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# Offline and quiet: no sandbox (CI runs as root), no GPU, no background downloads.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def report_html(written_report) -> Path:
    return written_report.html


@pytest.mark.browser
def test_report_renders_with_plots(report_html, tmp_path):
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: run `apt-get install chromium`")
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.on("request", lambda request: requests.append(request.url))
            page.goto(report_html.as_uri())
            page.wait_for_load_state("load")
            widths = page.eval_on_selector_all("img", "images => images.map(i => i.naturalWidth)")
            title = page.title()
            run_sections = page.locator("section.run").count()
            page.screenshot(path=str(tmp_path / "report.png"))
        finally:
            browser.close()

    assert title.startswith("halab report")
    assert run_sections == 8
    assert len(widths) == 29
    assert all(width > 0 for width in widths), widths
    external = [url for url in requests if not url.startswith(("file:", "data:"))]
    assert external == []
    assert (tmp_path / "report.png").stat().st_size > 10000
