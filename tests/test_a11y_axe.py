"""axe-core (npm, node_modules/axe-core) on every page and on the main states of each: zero
violations of any impact under WCAG 2.0/2.1 A and AA and axe's best practices. And what a screen
reader gets of each chart: a name, the summary as description, and a table alternative."""

from __future__ import annotations

import json

import polars as pl
import pytest
from a11y_browser import PAGES, module_browser, visit
from conftest import REAL_RELEASE, ROOT, wait_for_charts
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from test_a11y_mobile import PHONE

from dashboard import domain
from dashboard.data.geographies import slug

pytestmark = pytest.mark.browser

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(r => done(r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => ({target: n.target, summary: n.failureSummary}))}))))
  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
"""


def _select(duo, control_id: str, value: str) -> None:
    """Choose an option of a native select and wait for the view to follow."""
    Select(duo.find_element(f"#{control_id}")).select_by_value(value)
    WebDriverWait(duo.driver, 10).until(
        lambda d: d.find_element(By.ID, control_id).get_attribute("data-value") == value
    )


def _open_tables(duo) -> None:
    """Open every table alternative on the page."""
    for summary in duo.driver.find_elements(
        By.CSS_SELECTOR, "details.table-alt:not([open]) summary"
    ):
        summary.click()


def hidden_county_view() -> str:
    """Return the county view of a headline count the committed release hides (latest SFY)."""
    cells = pl.read_parquet(REAL_RELEASE / "cells.parquet").filter(
        (pl.col("geo_level") == "county")
        & (pl.col("period") == domain.SFYS[-1])
        & (pl.col("status") == domain.SUPPRESSED)
        & pl.col("measure").is_in(["reports", "screened_in", "substantiated", "youth"])
    )
    fips, measure = cells.sort("geo_id", "measure").select("geo_id", "measure").row(0)
    counties = pl.read_csv(REAL_RELEASE / "counties.csv", infer_schema=False)
    name = counties.filter(pl.col("county_fips") == fips)["county_name"][0]
    return f"/county/{slug(name)}?measure={measure}"


def earlier_release() -> str:
    """Return the id of the oldest release the committed history keeps (not the current one)."""
    index = json.loads((ROOT / "data" / "releases" / "index.json").read_text())
    earlier = [e["release_id"] for e in index["releases"] if e["release_id"] != index["current"]]
    assert earlier, "the committed demo history keeps no earlier release"
    return earlier[-1]


def _expand(duo) -> None:
    """Open every summary ("More"), the visibility details and the table alternatives."""
    for button in duo.driver.find_elements(By.CSS_SELECTOR, "button[data-more]"):
        button.click()
    for summary in duo.driver.find_elements(By.CSS_SELECTOR, "details:not([open]) summary"):
        summary.click()
    assert duo.driver.find_elements(By.CSS_SELECTOR, ".nearest a")


def _share_without_clipboard(duo) -> None:
    """Press "Copy link" where no clipboard exists: the link shows, selected, with a status."""
    duo.driver.execute_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    duo.find_element("#share-button").click()
    WebDriverWait(duo.driver, 5).until(lambda d: d.find_element(By.ID, "share-url").is_displayed())


# (state name, path, action in the page before axe runs)
STATES = [
    ("overview", "/", None),
    ("funnel", "/funnel", None),
    ("funnel-county", "/funnel", lambda duo: _select(duo, "funnel-geo", "county:alameda")),
    ("funnel-rates", "/funnel?show=rate", None),
    ("placement", "/placement", None),
    ("placement-tables", "/placement", _open_tables),
    ("map-rate", "/map", None),
    ("map-rate-chosen", "/map", lambda duo: _select(duo, "map-measure", "confirmed_share")),
    ("map-count-suppressed", "/map?measure=confirmed&sfy=2015-16", _open_tables),
    ("map-roster", "/map?view=roster", None),
    ("county", "/county/alpine", _open_tables),
    ("county-share", "/county/fresno?sfy=all", _share_without_clipboard),
    ("county-nearest-expanded", hidden_county_view(), _expand),
    ("brief", "/county/sonoma/brief", None),
    ("downloads", "/downloads", None),
    ("methodology", "/methodology", None),
    ("changes", "/changes", _open_tables),
    ("earlier-release", f"/county/fresno?release={earlier_release()}", _open_tables),
    ("earlier-changes", f"/changes?release={earlier_release()}", None),
    ("not-found", "/no-such-page", None),
]


@pytest.fixture(scope="module")
def axe_source() -> str:
    """Return axe-core's script; fail (never skip) when the npm packages are not installed."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `bash scripts/npm-deps.sh` (npm ci) first")
    return AXE_JS.read_text()


@pytest.fixture(scope="module")
def duo(request, real_app, tmp_path_factory):
    """Return one browser serving the app for the whole module."""
    with module_browser(request, real_app, tmp_path_factory) as browser:
        yield browser


def axe_violations(duo, axe_source: str) -> list[dict]:
    """Inject axe-core into the page and return its violations."""
    duo.driver.set_script_timeout(30)
    duo.driver.execute_script(axe_source)
    return duo.driver.execute_async_script(RUN_AXE, TAGS)


def report(violations: list[dict]) -> str:
    """Return violations in a readable form for the assertion message."""
    return json.dumps(violations, indent=1)


@pytest.mark.parametrize(("state", "path", "action"), STATES, ids=[s[0] for s in STATES])
def test_no_axe_violations(duo, axe_source, state, path, action):
    visit(duo, path)
    if action:
        action(duo)
        wait_for_charts(duo)
    violations = axe_violations(duo, axe_source)
    assert violations == [], f"{state} ({path}):\n{report(violations)}"


@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations_on_a_phone(duo, axe_source, path):
    duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        visit(duo, path)
        violations = axe_violations(duo, axe_source)
    finally:
        duo.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert violations == [], f"phone {path}:\n{report(violations)}"


CHART_PAGES = ["/", "/funnel", "/placement", "/map", "/county/alameda"]


def ax_node(duo, selector: str) -> dict:
    """Return the accessibility-tree node of an element: what a screen reader is given."""
    cdp = duo.driver.execute_cdp_cmd
    root = cdp("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    tree = cdp("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})
    return tree["nodes"][0]


def _value(node: dict, key: str) -> str:
    """Return a property of an accessibility node ('' if absent)."""
    return str(node.get(key, {}).get("value", ""))


@pytest.mark.parametrize("path", CHART_PAGES)
def test_each_chart_has_a_name_description_summary_and_table(duo, path):
    visit(duo, path)
    graphs = [g.get_attribute("id") for g in duo.driver.find_elements(By.CSS_SELECTOR, ".graph")]
    assert graphs
    for graph in graphs:
        chart = graph.removesuffix("-graph")
        image = ax_node(duo, f".graph-frame:has(#{graph})")
        summary = duo.find_element(f"#{chart}-summary").text
        assert _value(image, "role") == "image", image
        assert _value(image, "name") == duo.find_element(f"#{chart}-heading").text
        assert _value(image, "description") == summary and len(summary) > 40, chart
        duo.find_element(f"#{chart}-table").find_element(By.XPATH, "../summary").click()
        table = ax_node(duo, f"#{chart}-table table")
        assert not table.get("ignored") and _value(table, "role") == "table", table
        assert _value(table, "name"), f"{chart}: the table has no caption"
