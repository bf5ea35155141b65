"""The county brief printed to PDF by headless Chromium: at most two pages on Letter and A4,
with every part a board needs visible in print."""

from __future__ import annotations

import base64
import re

import pytest
from a11y_browser import module_browser, visit
from conftest import REAL_RELEASE

from dashboard import domain
from dashboard.data import release

pytestmark = pytest.mark.browser

PAPERS = {"Letter": (8.5, 11.0), "A4": (8.27, 11.69)}  # inches
COUNTIES = ("los-angeles", "sonoma", "alpine")  # a very large, a medium and a rural county
# Parts of the brief that must print (CSS selector -> what it is).
PARTS = {
    ".brief-table": "headline figures with peer band and state",
    "#brief-trend-graph .main-svg": "trend chart",
    "#brief-funnel-graph .main-svg": "funnel",
    "#brief-context-graph .main-svg": "placement context",
    ".brief-notes dl": "definitions",
    ".brief-notes .caveat": "identification is not prevalence",
    ".permalink": "permalink as text",
}
VISIBLE = "return [...document.querySelectorAll(arguments[0])].some(e => e.checkVisibility())"


@pytest.fixture(scope="module")
def browser(request, real_app, tmp_path_factory):
    """Return one browser serving the app on the committed release."""
    with module_browser(request, real_app, tmp_path_factory) as duo:
        yield duo


def pdf_pages(duo, paper: tuple[float, float]) -> int:
    """Return how many pages the page on screen prints to (Chromium's own PDF)."""
    width, height = paper
    out = duo.driver.execute_cdp_cmd(
        "Page.printToPDF",
        {"paperWidth": width, "paperHeight": height, "preferCSSPageSize": False},
    )
    data = base64.b64decode(out["data"])
    assert data.startswith(b"%PDF")
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


@pytest.mark.parametrize("county", COUNTIES)
def test_brief_prints_on_at_most_two_pages_with_every_part(browser, county):
    real_release = release.load(REAL_RELEASE)
    visit(browser, f"/county/{county}/brief")
    text = browser.find_element("body").text
    assert "county brief" in browser.find_element("h1").text
    assert domain.SYNTHETIC_NOTICE in text
    assert real_release.release_id in text
    assert real_release.release_date.isoformat() in text
    assert real_release.extract_date.isoformat() in text
    permalink = browser.find_element(".permalink").text  # completed by the page's own address
    assert permalink.startswith(browser.server_url) and f"/county/{county}/brief" in permalink
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        for selector, part in PARTS.items():
            assert browser.driver.execute_script(VISIBLE, selector), f"{county}: no {part}"
        assert not browser.driver.execute_script(VISIBLE, "#site-nav"), "navigation prints"
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    for name, paper in PAPERS.items():
        pages = pdf_pages(browser, paper)
        assert 1 <= pages <= 2, f"{county} on {name}: {pages} pages"
    assert browser.get_logs() == []
