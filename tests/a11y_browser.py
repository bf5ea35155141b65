"""One browser and one server per accessibility test module (dash_duo starts both per test,
which costs ~4 s each), and opening a page until its charts are drawn."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from conftest import PAGE_HEADING, free_port, wait_for_charts
from dash.testing.application_runners import ThreadedRunner
from dash.testing.composite import DashComposite
from selenium.webdriver.support.ui import WebDriverWait

from dashboard import urlstate

PAGES = [*urlstate.example_paths(), "/no-such-page"]

DRAWN = "return [...document.querySelectorAll('.graph')].every(g => g.querySelector('.main-svg'))"


@contextmanager
def module_browser(request, app, tmp_path_factory) -> Iterator[DashComposite]:
    """Yield a dash_duo-like browser serving `app` (Chromium options from conftest)."""
    options = request.config.hook.pytest_setup_options()
    download = str(tmp_path_factory.mktemp("download"))
    with (
        ThreadedRunner() as server,
        DashComposite(
            server=server,
            browser="Chrome",
            options=options,
            download_path=download,
            percy_run=False,
        ) as duo,
    ):
        duo.start_server(app, port=free_port())
        yield duo


def visit(duo: DashComposite, path: str) -> None:
    """Open a page (console log from here on); wait until every chart has its summary and plot."""
    duo.reset_log_timestamp()
    duo.driver.get(duo.server_url + path)
    duo.wait_for_element(PAGE_HEADING)
    wait_for_charts(duo)
    WebDriverWait(duo.driver, 60).until(lambda d: d.execute_script(DRAWN))
