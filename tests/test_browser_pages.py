"""Browser tests (Debian Chromium): every page opens with a clean console, every control changes
the view and the URL, and a copied URL reopens the same view."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import PAGE_HEADING, free_port, page_state, wait_for_charts, wait_for_map
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from dashboard import domain, registry, urlstate

pytestmark = pytest.mark.browser

HEADINGS = {  # page -> words its heading shows at its default view
    "home": "at a glance",
    "funnel": "Report funnel",
    "placement": "Young people identified",
    "map": "58 counties",
    "county": "Alameda County",
    "brief": "county brief",
    "downloads": "Downloads",
    "methodology": "Methodology",
    "changes": "What changed",
}
PAGES = {
    **{urlstate.site_path(p.key): HEADINGS[p.key] for p in registry.PAGES if p.key in HEADINGS},
    "/no-such-page": "Page not found",
}
CONTROL_PAGES = ["/", "/funnel", "/placement", "/map", "/county/alameda", "/downloads"]


@pytest.fixture
def duo(dash_duo, real_app):
    """Return dash_duo serving the (module-built) app on a free port."""
    dash_duo.start_server(real_app, port=free_port())
    return dash_duo


def _open(duo, path: str) -> None:
    duo.driver.get(duo.server_url + path)
    duo.wait_for_element(PAGE_HEADING)
    wait_for_charts(duo)


def test_every_page_of_the_registry_is_visited():
    assert set(HEADINGS) == {p.key for p in registry.PAGES if p.key != "not_found"}


def test_every_page_opens_with_a_clean_console(duo):
    for path, heading in PAGES.items():
        _open(duo, path)
        duo.wait_for_contains_text("h1", heading)
        body = duo.find_element("body").text
        assert domain.SYNTHETIC_NOTICE in body, path
        assert duo.driver.execute_script("return document.documentElement.lang") == "en"
        origins = duo.driver.execute_script(
            "return [...new Set(performance.getEntriesByType('resource')"
            ".map(r => new URL(r.name).origin))]"
        )
        assert origins == [duo.server_url], (path, origins)
        if path == "/no-such-page":
            # the page itself answers HTTP 404; the browser logs exactly that, nothing else
            (entry,) = duo.get_logs()
            assert entry["source"] == "network" and "/no-such-page" in entry["message"]
            assert "404" in entry["message"]
            duo.reset_log_timestamp()
    assert duo.get_logs() == []


def _change(duo, control) -> tuple[str, str]:
    """Change one control to another value; return (control id, new value)."""
    control_id = control.get_attribute("id")
    if control.tag_name == "select":
        select = Select(control)
        current = select.first_selected_option.get_attribute("value")
        values = [o.get_attribute("value") for o in select.options]
        value = next(v for v in reversed(values) if v != current)
        select.select_by_value(value)
    else:
        button = control.find_element(By.CSS_SELECTOR, "button[aria-pressed='false']")
        value = button.get_attribute("data-option")
        button.click()
    WebDriverWait(duo.driver, 10).until(
        lambda d: d.find_element(By.ID, control_id).get_attribute("data-value") == value
    )
    return control_id, value


@pytest.mark.parametrize("path", CONTROL_PAGES)
def test_each_control_changes_the_view_and_a_copied_url_reopens_it(duo, path):
    _open(duo, path)
    before = page_state(duo)
    assert before["search"] == ""
    ids = [
        c.get_attribute("id") for c in duo.driver.find_elements(By.CSS_SELECTOR, "[data-control]")
    ]
    assert ids
    for control_id in ids:
        url_before = duo.driver.current_url
        _, value = _change(duo, duo.driver.find_element(By.ID, control_id))
        WebDriverWait(duo.driver, 10).until(lambda d, u=url_before: d.current_url != u)
        wait_for_charts(duo)
        assert page_state(duo)["controls"][control_id] == value
    after = page_state(duo)
    assert after["summaries"] != before["summaries"] or path == "/downloads"
    copied = duo.driver.current_url
    duo.driver.get("about:blank")
    duo.driver.get(copied)
    duo.wait_for_element(PAGE_HEADING)
    wait_for_charts(duo)
    reopened = page_state(duo)
    assert reopened == after
    assert duo.get_logs() == []


def test_back_button_returns_to_the_view_left_behind(duo):
    _open(duo, "/funnel")
    _change(duo, duo.find_element("#funnel-show"))
    WebDriverWait(duo.driver, 10).until(lambda d: "show=rate" in d.current_url)
    wait_for_charts(duo)
    left = page_state(duo)
    duo.driver.find_element(By.CSS_SELECTOR, "#site-nav a[href='/map']").click()
    duo.wait_for_contains_text("h1", "58 counties")
    wait_for_charts(duo)
    duo.driver.back()
    duo.wait_for_contains_text("h1", "Report funnel")
    wait_for_charts(duo)
    assert page_state(duo) == left
    duo.driver.find_element(By.CSS_SELECTOR, "#site-nav a[href='/funnel']").click()
    WebDriverWait(duo.driver, 10).until(lambda d: d.current_url.endswith("/funnel"))
    duo.wait_for_element(PAGE_HEADING)
    wait_for_charts(duo)
    assert page_state(duo)["controls"]["funnel-show"] == "count"
    assert duo.get_logs() == []


def _plotly(duo) -> dict:
    """Return the trace types of the loaded plotly.js bundle and the bundles fetched."""
    return duo.driver.execute_script(
        "return {traces: window.Plotly && window.Plotly.csecTraces, fetched: performance"
        ".getEntriesByType('resource').map(r => new URL(r.name).pathname)"
        ".filter(p => p.includes('/plotly/')).map(p => p.split('/').pop())};"
    )


def test_plotly_loads_once_a_chart_is_on_screen(duo):
    duo.driver.get(duo.server_url + "/")
    duo.wait_for_element(PAGE_HEADING)
    WebDriverWait(duo.driver, 20).until(
        lambda d: d.execute_script(
            "return [...document.querySelectorAll('p.summary')]"
            ".every(p => p.textContent.trim().length > 0)"
        )
    )
    frame = duo.find_element(".graph-frame")
    reserved = frame.size["height"]
    assert duo.driver.execute_script("return arguments[0].getBoundingClientRect().top", frame) > (
        duo.driver.execute_script("return innerHeight")
    )  # the home page's first chart is below the fold of a 1280 x 900 window
    assert _plotly(duo)["fetched"] == []
    assert duo.find_elements("table")  # each chart's table is in the page without plotly.js
    wait_for_charts(duo)  # scrolls the chart into view
    assert _plotly(duo) == {"traces": ["bar", "scatter"], "fetched": ["plotly.min.js"]}
    graph = duo.find_element(".graph-frame .js-plotly-plot")
    assert frame.size["height"] == reserved == graph.size["height"]  # no shift when it is drawn
    assert duo.get_logs() == []


def test_the_printed_brief_draws_its_charts_without_scrolling(duo):
    duo.driver.set_window_size(1280, 400)  # every chart of the brief below the fold
    duo.driver.get(duo.server_url + "/county/alameda/brief")
    duo.wait_for_element(PAGE_HEADING)
    frames = duo.driver.find_elements(By.CSS_SELECTOR, ".graph-frame")
    WebDriverWait(duo.driver, 20).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".graph-frame .main-svg")) >= len(frames)
    )
    assert frames and duo.driver.execute_script("return scrollY") == 0
    top = duo.driver.execute_script("return arguments[0].getBoundingClientRect().top", frames[0])
    assert top > duo.driver.execute_script("return innerHeight")
    assert duo.get_logs() == []


def test_the_map_page_loads_the_map_bundle_and_other_pages_the_smaller_one(duo):
    _open(duo, "/map")
    wait_for_map(duo)
    assert _plotly(duo) == {
        "traces": ["bar", "scatter", "choropleth", "scattergeo"],
        "fetched": ["plotly-map.min.js"],
    }
    _open(duo, "/funnel")
    assert _plotly(duo) == {"traces": ["bar", "scatter"], "fetched": ["plotly.min.js"]}
    duo.driver.find_element(By.CSS_SELECTOR, "#site-nav a[href='/map']").click()
    # the map needs the map bundle: the page is loaded afresh (same address), with its own shell
    duo.wait_for_contains_text("h1", "58 counties")
    wait_for_charts(duo)
    wait_for_map(duo)
    assert _plotly(duo) == {
        "traces": ["bar", "scatter", "choropleth", "scattergeo"],
        "fetched": ["plotly-map.min.js"],
    }
    assert duo.driver.current_url == duo.server_url + "/map"
    assert duo.get_logs() == []


def test_back_undoes_a_control_change_and_forward_redoes_it(duo):
    _open(duo, "/county/San Luis Obispo")
    WebDriverWait(duo.driver, 10).until(lambda d: d.current_url.endswith("/county/san-luis-obispo"))
    first = page_state(duo)
    _change(duo, duo.find_element("#county-sfy"))
    WebDriverWait(duo.driver, 10).until(lambda d: "sfy=" in d.current_url)
    wait_for_charts(duo)
    second = page_state(duo)
    _change(duo, duo.find_element("#county-county"))
    WebDriverWait(duo.driver, 10).until(lambda d: "san-luis-obispo" not in d.current_url)
    wait_for_charts(duo)
    third = page_state(duo)
    for expected in (second, first):
        duo.driver.back()
        WebDriverWait(duo.driver, 10).until(lambda d, e=expected: page_state(duo) == e)
    duo.driver.forward()
    WebDriverWait(duo.driver, 10).until(lambda d: page_state(duo) == second)
    duo.driver.forward()
    WebDriverWait(duo.driver, 10).until(lambda d: page_state(duo) == third)
    assert duo.get_logs() == []


def test_bad_link_falls_back_with_a_visible_notice(duo):
    _open(duo, "/funnel?geo=county:gotham&sfy=2099")
    notices = duo.find_element("#funnel-notices").text
    assert "gotham" in notices and "2099" in notices
    assert Select(duo.find_element("#funnel-geo")).first_selected_option.text == "California"
    WebDriverWait(duo.driver, 10).until(lambda d: d.current_url.endswith("/funnel"))
    assert duo.get_logs() == []


def test_skip_link_and_keyboard_navigation(duo):
    _open(duo, "/")
    body = duo.find_element("body")
    body.send_keys(Keys.TAB)
    focused = duo.driver.switch_to.active_element
    assert focused.text == "Skip to main content"
    focused.send_keys(Keys.ENTER)
    WebDriverWait(duo.driver, 5).until(
        lambda d: d.execute_script("return document.activeElement.id") == "main"
    )
    nav = duo.driver.find_element(By.CSS_SELECTOR, "#site-nav a[href='/map']")
    nav.send_keys(Keys.ENTER)
    duo.wait_for_contains_text("h1", "58 counties")
    current = "#site-nav a[aria-current='page']"  # the map page may still be loading its bundle
    WebDriverWait(duo.driver, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.find_element(By.CSS_SELECTOR, current).text == "Map"
    )
    assert duo.get_logs() == []


def test_table_alternative_and_downloads_are_reachable(duo):
    _open(duo, "/placement")
    details = duo.driver.find_elements(By.CSS_SELECTOR, "details.table-alt")
    assert len(details) == 4
    details[0].find_element(By.TAG_NAME, "summary").click()
    table = details[0].find_element(By.TAG_NAME, "table")
    assert table.find_element(By.TAG_NAME, "caption").text
    assert table.find_elements(By.CSS_SELECTOR, "th[scope='col']")
    link = duo.find_element("#placement-status-csv")
    release_id = duo.find_element("#release-line").get_attribute("data-release-id")
    assert link.get_attribute("href").endswith(
        f"/download/chart/placement-status.csv?release={release_id}"
    )
    duo.driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(duo.download_path)}
    )
    duo.find_element("#placement-status-png").click()
    png = Path(duo.download_path) / "placement-status.png"
    WebDriverWait(duo.driver, 15).until(lambda d: png.is_file() and png.stat().st_size > 10_000)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert duo.get_logs() == []


def test_copy_link_gives_the_url_of_the_view_on_screen(duo):
    _open(duo, "/funnel?show=rate")
    Select(duo.find_element("#funnel-sfy")).select_by_value("2019-20")
    WebDriverWait(duo.driver, 10).until(lambda d: "sfy=2019-20" in d.current_url)
    release_id = duo.find_element("#release-line").get_attribute("data-release-id")
    url = duo.driver.current_url + f"&release={release_id}"  # pinned to the release on screen
    status = duo.find_element("#share-status")
    duo.find_element("#share-button").click()  # loopback is a secure context: the clipboard
    WebDriverWait(duo.driver, 5).until(lambda d: status.text == f"Link copied: {url}")

    duo.driver.execute_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    duo.find_element("#share-button").click()  # no clipboard (plain http): shown, selected
    field = duo.find_element("#share-url")
    WebDriverWait(duo.driver, 5).until(lambda d: field.is_displayed())
    assert field.get_attribute("value") == url
    assert duo.driver.switch_to.active_element == field
    assert duo.driver.execute_script(
        "const f = document.activeElement; return f.selectionEnd - f.selectionStart;"
    ) == len(url)
    assert "Ctrl+C" in status.text

    Select(duo.find_element("#funnel-sfy")).select_by_value("2020-21")
    WebDriverWait(duo.driver, 5).until(lambda d: status.text == "")  # the old link is stale
    WebDriverWait(duo.driver, 10).until(lambda d: "sfy=2020-21" in d.current_url)
    wait_for_charts(duo)  # let the view's callbacks finish before the server stops
    assert duo.get_logs() == []


SAME_TEXT = """
const words = (main) => {
    const copy = main.cloneNode(true);
    copy.querySelectorAll('.dash-graph').forEach((g) => g.replaceChildren());
    // the page completes a permalink with its own address (assets/controls.js)
    copy.querySelectorAll('.permalink').forEach(
        (p) => { p.textContent = p.textContent.replace(location.origin, ''); });
    return copy.textContent.replace(/\\s+/g, ' ').trim();
};
const html = await (await fetch(location.href)).text();
const paint = new DOMParser().parseFromString(html, 'text/html').querySelector('.first-paint main');
return [words(paint), words(document.querySelector('#react-entry-point main')),
        document.querySelectorAll('.first-paint, main').length];
"""


def test_the_first_paint_reads_as_the_page_dash_draws(duo):
    for path in PAGES:
        if path == "/no-such-page":
            continue  # Dash's 404 page has no first paint
        _open(duo, path)
        paint, page, copies = duo.driver.execute_script(f"return (async () => {{{SAME_TEXT}}})()")
        assert paint == page, path
        assert copies == 1, path  # the first paint has left the document
    assert duo.get_logs() == []


def test_without_javascript_the_first_paint_is_the_page(duo):
    duo.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    duo.driver.get(duo.server_url + "/funnel")
    heading = duo.driver.find_element(By.CSS_SELECTOR, ".first-paint h1")
    assert heading.is_displayed() and heading.text == "Report funnel"
    assert not duo.driver.find_element(By.ID, "react-entry-point").is_displayed()
    tables = duo.driver.find_elements(By.CSS_SELECTOR, ".first-paint details table")
    assert tables and all(t.get_attribute("textContent").strip() for t in tables)


def test_a_link_in_a_table_changes_the_page_without_a_reload(duo):
    _open(duo, "/map")
    details = duo.driver.find_element(By.CSS_SELECTOR, "#react-entry-point details.table-alt")
    details.find_element(By.TAG_NAME, "summary").click()
    link = details.find_element(By.CSS_SELECTOR, "table th[scope='row'] a")
    name = link.text
    duo.driver.execute_script("window.csecSamePage = true;")
    link.click()
    WebDriverWait(duo.driver, 15).until(lambda d: "/county/" in d.current_url)
    duo.wait_for_contains_text(PAGE_HEADING, name)
    assert duo.driver.execute_script("return window.csecSamePage === true")  # no reload
    assert duo.get_logs() == []


def test_a_chart_changed_while_off_screen_is_redrawn_and_the_page_stays_responsive(duo):
    """A drawn chart is redrawn at once, even off screen (holding back a change between the
    four-panel count and one-panel rate figures hung plotly.js when the chart came back)."""
    _open(duo, "/county/alameda?measure=youth")
    traces = (
        "const g = document.querySelector('#county-trend-graph .js-plotly-plot, "
        "#county-trend-graph.js-plotly-plot'); return g && g.data ? g.data.length : -1"
    )
    WebDriverWait(duo.driver, 10).until(lambda d: d.execute_script(traces) > 0)
    before = duo.driver.execute_script(traces)
    duo.driver.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
    # changed without scrolling the select into view: the chart stays far off screen (on a
    # phone it sits far below the select anyway)
    duo.driver.execute_script(
        "const s = document.getElementById('county-measure'); s.value = 'reports_per_100k';"
        "s.dispatchEvent(new Event('change', {bubbles: true}));"
    )
    WebDriverWait(duo.driver, 10).until(lambda d: d.execute_script(traces) not in (before, -1))
    duo.driver.execute_script("window.scrollTo(0, 0)")
    duo.driver.set_script_timeout(10)
    assert duo.driver.execute_async_script("requestAnimationFrame(() => arguments[0](1))") == 1
    assert duo.get_logs() == []


SHOWS_SELECTED_AREA = """
const s = document.getElementById('placement-geo');
const title = document.querySelector('#placement-status-graph .gtitle');
return s.value === 'county:marin' && !!title
    && title.textContent.endsWith('at risk: ' + s.options[s.selectedIndex].text + ' County');
"""


def test_quick_area_changes_end_on_the_chart_of_the_area_selected(duo):
    """The status chart follows quick changes of the Area select out of an empty chart."""
    # Lassen County has nothing to show; plotly.js failed to redraw that figure as a trend (axes
    # hidden, then tick labels inside the plot), and the graph then drew no later figure.
    _open(duo, "/placement?geo=county:lassen")
    select = duo.find_element("#placement-geo")
    for _ in range(3):  # Los Angeles, Madera, Marin
        select.send_keys(Keys.ARROW_DOWN)
        duo.driver.execute_async_script("setTimeout(arguments[0], 250)")
    wait_for_charts(duo)
    WebDriverWait(duo.driver, 10).until(
        lambda d: d.execute_script(SHOWS_SELECTED_AREA),
        message="the status chart does not show the area selected",
    )
    assert duo.get_logs() == []


def test_count_axes_tick_whole_numbers_even_with_only_zeros_published(duo):
    _open(duo, "/placement?geo=county:tuolumne")  # confirmed CSE: one published zero
    ticks = duo.driver.execute_script(
        "return [...document.querySelectorAll('#react-entry-point .xtick text,"
        " #react-entry-point .ytick text')].map(t => t.textContent);"
    )
    numbers = [t for t in ticks if re.fullmatch(r"[\d,.]+", t)]  # not years, not percentages
    assert numbers
    assert not [t for t in numbers if "." in t], numbers
    assert duo.get_logs() == []
