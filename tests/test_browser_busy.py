"""In the browser: a view change the server turns away for load is sent again, and if it is
still turned away the page says so (assets/busy.js)."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from conftest import PAGE_HEADING, free_port, page_state, wait_for_charts
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.server import limits

BUSY = "#busy-status"


@pytest.fixture(scope="module")
def turn_away(real_app) -> dict:
    """Return the app's turn-away rule: each callback (by its body) gets a 429 at the door for
    its first `times` sends (Retry-After: 1), as a spent computing budget does; `sends` counts."""
    rule = {"times": 0, "sends": Counter()}
    inner = real_app.server.wsgi_app

    def refuse(environ, start_response):
        if not environ["PATH_INFO"].endswith("_dash-update-component"):
            return inner(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        rule["sends"][body] += 1
        if rule["sends"][body] <= rule["times"]:
            return limits.too_many(1)(environ, start_response)
        return inner(environ, start_response)

    real_app.server.wsgi_app = refuse
    return rule


@pytest.fixture
def busy_duo(dash_duo, real_app, turn_away):
    """Return dash_duo on the funnel page, and the app's turn-away rule (nothing refused yet)."""
    turn_away["times"] = 0
    dash_duo.start_server(real_app, port=free_port())
    dash_duo.driver.get(dash_duo.server_url + "/funnel")
    dash_duo.wait_for_element(PAGE_HEADING)
    wait_for_charts(dash_duo)
    turn_away["sends"].clear()
    return dash_duo, turn_away


def _show_rates(duo) -> None:
    duo.driver.find_element(By.CSS_SELECTOR, "#funnel-show button[data-option='rate']").click()


def _busy_text(duo) -> str:
    return duo.driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", BUSY
    )


def test_a_refused_change_is_sent_again_and_drawn(busy_duo):
    duo, turn_away = busy_duo
    before = page_state(duo)["summaries"]
    turn_away["times"] = 2  # each callback of the change: refused twice, served the third time
    _show_rates(duo)
    WebDriverWait(duo.driver, 20).until(lambda d: page_state(duo)["summaries"] != before)
    wait_for_charts(duo)
    assert max(turn_away["sends"].values()) == 3
    assert _busy_text(duo) == ""


def test_a_change_refused_every_time_is_said_and_the_next_one_clears_it(busy_duo):
    duo, turn_away = busy_duo
    before = page_state(duo)["summaries"]
    turn_away["times"] = 1000
    _show_rates(duo)
    WebDriverWait(duo.driver, 30).until(lambda d: "busy" in _busy_text(duo))
    assert page_state(duo)["summaries"] == before  # the last view drawn stays on screen
    line = duo.driver.find_element(By.CSS_SELECTOR, BUSY)
    assert line.get_attribute("role") == "status" and line.is_displayed()
    turn_away["times"] = 0
    duo.driver.find_element(By.CSS_SELECTOR, "#funnel-show button[data-option='count']").click()
    WebDriverWait(duo.driver, 20).until(lambda d: _busy_text(duo) == "")
