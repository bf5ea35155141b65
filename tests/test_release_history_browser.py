"""Releases over time in the browser: an earlier release's pages and the What changed page pass
axe on a desktop and a phone and fit a phone with big enough targets; the shell's links keep the
release, a copied link is pinned, the link to the current release follows the view, and the
console stays clean."""

from __future__ import annotations

import pytest
from a11y_browser import module_browser, visit
from conftest import GEOJSON, UNBOUNDED
from release_history import EARLIER_SFYS, build_history
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from test_a11y_axe import AXE_JS, axe_violations, report
from test_a11y_mobile import MIN_TARGET, OVERFLOW, PHONE, SMALL_TARGETS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def kept(tmp_path_factory) -> dict:
    return build_history(tmp_path_factory.mktemp("history"))


@pytest.fixture(scope="module")
def duo(request, kept, tmp_path_factory):
    """Return one browser serving the app on the history for the whole module."""
    from dashboard.app import create_app
    from dashboard.settings import Settings

    app = create_app(
        Settings(
            release_dir=kept["release_dir"],
            history_dir=kept["history_dir"],
            geojson_path=GEOJSON,
            compress=False,
            **UNBOUNDED,
        )
    )
    with module_browser(request, app, tmp_path_factory) as browser:
        yield browser


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `bash scripts/npm-deps.sh` (npm ci) first")
    return AXE_JS.read_text()


def paths(kept) -> list[str]:
    """Return the pages to check: What changed (current and first) and earlier-release views."""
    earlier = kept["earlier"]
    return [
        "/changes",
        f"/changes?release={earlier}",
        f"/?release={earlier}",
        f"/funnel?release={earlier}",
        f"/county/fresno?release={earlier}",
        f"/downloads?release={earlier}",
    ]


def test_no_axe_violations_desktop_and_phone(duo, kept, axe_source):
    for path in paths(kept):
        visit(duo, path)
        for summary in duo.driver.find_elements(By.CSS_SELECTOR, "details:not([open]) summary"):
            summary.click()
        violations = axe_violations(duo, axe_source)
        assert violations == [], f"{path}:\n{report(violations)}"
        duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        try:
            visit(duo, path)
            violations = axe_violations(duo, axe_source)
            sizes = duo.driver.execute_script(OVERFLOW)
            small = duo.driver.execute_script(SMALL_TARGETS, MIN_TARGET)
        finally:
            duo.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        assert violations == [], f"phone {path}:\n{report(violations)}"
        assert sizes["scroll"] <= sizes["inner"], f"phone {path} scrolls sideways: {sizes}"
        assert not small, f"phone {path}: touch targets under {MIN_TARGET} px: {small}"
        assert duo.get_logs() == []


def test_browsing_an_earlier_release_keeps_it(duo, kept):
    earlier = kept["earlier"]
    visit(duo, f"/funnel?release={earlier}")
    notice = duo.find_element("#release-notice")
    assert "Newer figures are available" in notice.text
    nav = [
        a.get_attribute("href") for a in duo.driver.find_elements(By.CSS_SELECTOR, "#site-nav a")
    ]
    assert nav and all(href.endswith(f"?release={earlier}") for href in nav)
    current = duo.driver.find_element(By.CSS_SELECTOR, "#site-nav a[aria-current=page]")
    assert current.text == "Report funnel"  # the nav still marks the page with a pinned link

    Select(duo.find_element("#funnel-sfy")).select_by_value(EARLIER_SFYS[0])
    WebDriverWait(duo.driver, 10).until(lambda d: f"sfy={EARLIER_SFYS[0]}" in d.current_url)
    assert f"release={earlier}" in duo.driver.current_url
    same_view = duo.find_element("#current-view").get_attribute("href")
    assert f"sfy={EARLIER_SFYS[0]}" in same_view and "release=" not in same_view

    duo.driver.find_element(By.CSS_SELECTOR, "#site-nav a[href*='/map']").click()
    duo.wait_for_contains_text("h1", "58 counties")
    WebDriverWait(duo.driver, 10).until(lambda d: "/map" in d.current_url)
    assert f"release={earlier}" in duo.driver.current_url
    assert duo.find_element("#release-line").get_attribute("data-release-id") == earlier
    assert duo.get_logs() == []


def test_a_copied_link_names_the_release(duo, kept):
    visit(duo, "/funnel?show=rate")
    assert not duo.driver.find_elements(By.ID, "release-notice")
    duo.driver.execute_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    duo.find_element("#share-button").click()
    field = duo.find_element("#share-url")
    WebDriverWait(duo.driver, 5).until(lambda d: field.is_displayed())
    assert field.get_attribute("value").endswith(f"/funnel?show=rate&release={kept['current']}")
    nav = [
        a.get_attribute("href") for a in duo.driver.find_elements(By.CSS_SELECTOR, "#site-nav a")
    ]
    assert not [href for href in nav if "release=" in href]
    assert duo.get_logs() == []
