"""Browser test of the map: drawn offline, county-sized paths, roster view, click opens a county."""

from __future__ import annotations

import pytest
from conftest import free_port, wait_for_charts, wait_for_map
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser

BOXES = """
const plot = document.querySelector('#map-map-graph .js-plotly-plot');
const frame = plot.querySelector('.geo .bglayer, .geo').getBoundingClientRect();
const paths = [...plot.querySelectorAll('path.choroplethlocation')].map(p => p.getBoundingClientRect());
return {map: [frame.width, frame.height], paths: paths.map(b => [b.width, b.height])};
"""


@pytest.fixture
def duo(dash_duo, real_app):
    dash_duo.start_server(real_app, port=free_port())
    return dash_duo


def _paths(duo):
    wait_for_map(duo)
    return duo.driver.execute_script(BOXES)


def test_county_paths_are_county_sized(duo):
    duo.driver.get(duo.server_url + "/map")
    wait_for_charts(duo)
    boxes = _paths(duo)
    width, height = boxes["map"]
    assert width > 200 and height > 200
    assert len(boxes["paths"]) == 58
    for w, h in boxes["paths"]:
        assert 0 < w < 0.5 * width and 0 < h < 0.5 * height
    assert sum(w * h for w, h in boxes["paths"]) < 2 * width * height
    legend = duo.find_element("#map-map-graph .legend").text
    assert "Suppressed" in legend and "Not opted in" in legend
    assert duo.get_logs() == []


def test_roster_view_and_click_opens_the_county(duo):
    duo.driver.get(duo.server_url + "/map?view=roster&sfy=2015-16")
    wait_for_charts(duo)
    boxes = _paths(duo)
    assert len(boxes["paths"]) == 58
    assert "First year SFY 2015-16" in duo.find_element("#map-map-graph .legend").text
    largest = max(
        duo.driver.find_elements(By.CSS_SELECTOR, "#map-map-graph path.choroplethlocation"),
        key=lambda p: p.size["width"] * p.size["height"],
    )
    ActionChains(duo.driver).move_to_element(largest).click().perform()
    WebDriverWait(duo.driver, 10).until(lambda d: "/county/" in d.current_url)
    duo.wait_for_contains_text("h1", "County: benchmark")
    wait_for_charts(duo)
    assert duo.get_logs() == []
