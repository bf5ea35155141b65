"""Keyboard only: Tab reaches every focusable element of each page in order, each shows a visible
focus indicator, the skip link moves focus to the main content, and every control (native
selects, button groups, table alternatives) works from the keyboard."""

from __future__ import annotations

import pytest
from a11y_browser import PAGES, module_browser, visit
from conftest import wait_for_charts
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser

MAX_TABS = 150
# Every element the keyboard should reach, numbered in document order; with how each looks
# (outline and box-shadow) before anything has focus.
MARK = """
const selector = 'a[href], button:not([disabled]), select:not([disabled]), input:not([disabled]),'
  + ' textarea, summary, [tabindex]:not([tabindex="-1"])';
const look = e => { const s = getComputedStyle(e);
  return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; };
const found = [...document.querySelectorAll(selector)].filter(e => e.checkVisibility({visibilityProperty: true}));
document.activeElement.blur();
return found.map((e, i) => { e.dataset.kbd = i;
  return {i, tag: e.tagName, text: (e.textContent || e.id).trim().slice(0, 40), look: look(e)}; });
"""
FOCUSED = """
const e = document.activeElement, s = getComputedStyle(e);
return {i: e.dataset.kbd === undefined ? null : Number(e.dataset.kbd), tag: e.tagName, id: e.id,
  look: {outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow}};
"""


@pytest.fixture(scope="module")
def duo(request, real_app, tmp_path_factory):
    """Return one browser serving the app for the whole module."""
    with module_browser(request, real_app, tmp_path_factory) as browser:
        yield browser


def press(duo, key: str) -> dict:
    """Press a key on whatever has focus; return what has focus then."""
    ActionChains(duo.driver).send_keys(key).perform()
    return duo.driver.execute_script(FOCUSED)


def tab_walk(duo) -> list[dict]:
    """Tab from the top of the page until focus leaves the page; return each focused element."""
    steps = []
    for _ in range(MAX_TABS):
        focused = press(duo, Keys.TAB)
        if focused["tag"] == "BODY" or (steps and focused["i"] == steps[0]["i"]):
            return steps
        steps.append(focused)
    raise AssertionError(f"focus did not leave the page after {MAX_TABS} tabs: a keyboard trap?")


def visibly_focused(before: dict, after: dict) -> bool:
    """Return whether focus changed the outline or box-shadow into something visible."""
    outline = after["outline"] != "none" and after["width"] >= 2
    return after != before and (outline or after["shadow"] != before["shadow"])


@pytest.mark.parametrize("path", PAGES)
def test_tab_reaches_everything_with_visible_focus_and_skip_link(duo, path):
    visit(duo, path)
    marked = duo.driver.execute_script(MARK)
    steps = tab_walk(duo)
    assert steps[0]["i"] == 0 and marked[0]["text"] == "Skip to main content", steps[:1]
    order = [s["i"] for s in steps]
    assert None not in order, [s for s in steps if s["i"] is None]
    assert order == sorted(order), "focus order differs from the reading order"
    missed = [m for m in marked if m["i"] not in set(order)]
    assert not missed, f"not reachable by Tab: {missed}"
    unseen = [
        m for m, s in zip(marked, steps, strict=True) if not visibly_focused(m["look"], s["look"])
    ]
    assert not unseen, f"no visible focus indicator: {unseen}"
    assert press(duo, Keys.TAB)["i"] == 0
    assert press(duo, Keys.ENTER)["id"] == "main"
    after_skip = press(duo, Keys.TAB)
    assert duo.driver.execute_script(
        "return document.getElementById('main').contains(document.activeElement)"
    ), after_skip


def _wait_value(duo, control_id: str, value: str) -> None:
    """Wait until a control holds a value and the charts have followed."""
    WebDriverWait(duo.driver, 10).until(
        lambda d: d.find_element(By.ID, control_id).get_attribute("data-value") == value
    )
    wait_for_charts(duo)


def operate_select(duo, select) -> None:
    """Change a native select with the arrow keys."""
    options = [o.get_attribute("value") for o in select.find_elements(By.TAG_NAME, "option")]
    current = select.get_attribute("value")
    key, step = (Keys.ARROW_UP, -1) if current == options[-1] else (Keys.ARROW_DOWN, 1)
    select.send_keys(key)
    _wait_value(duo, select.get_attribute("id"), options[options.index(current) + step])


def operate_buttons(duo, group) -> None:
    """Press an unpressed button of a button group with the space bar."""
    button = group.find_element(By.CSS_SELECTOR, "button[aria-pressed='false']")
    duo.driver.execute_script("arguments[0].focus()", button)
    ActionChains(duo.driver).send_keys(Keys.SPACE).perform()
    _wait_value(duo, group.get_attribute("id"), button.get_attribute("data-option"))
    assert button.get_attribute("aria-pressed") == "true"


def operate_tables(duo) -> None:
    """Open every table alternative with Enter on its summary."""
    for details in duo.driver.find_elements(By.CSS_SELECTOR, "details.table-alt:not([open])"):
        details.find_element(By.TAG_NAME, "summary").send_keys(Keys.ENTER)
        assert details.get_attribute("open") is not None
        assert details.find_element(By.TAG_NAME, "table").is_displayed()


@pytest.mark.parametrize("path", PAGES[:6])
def test_every_control_works_from_the_keyboard(duo, path):
    visit(duo, path)
    for control in duo.driver.find_elements(By.CSS_SELECTOR, "[data-control]"):
        if control.tag_name == "select":
            operate_select(duo, control)
        else:
            operate_buttons(duo, control)
    operate_tables(duo)
    assert duo.get_logs() == []


def test_navigation_links_work_from_the_keyboard(duo):
    visit(duo, "/")
    link = duo.driver.find_element(By.CSS_SELECTOR, "#site-nav a[href='/funnel']")
    link.send_keys(Keys.ENTER)
    duo.wait_for_contains_text("h1", "Report funnel")
    WebDriverWait(duo.driver, 5).until(
        lambda d: d.execute_script("return document.activeElement.id") == "main"
    )
