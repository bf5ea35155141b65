"""CSEC_BASE_PATH: the whole dashboard (pages, links, callbacks, assets, downloads, maps) moves
under a path prefix, and nothing is left pointing at the site root."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import urllib.request
from collections.abc import Iterator

import pytest
from conftest import (
    GEOJSON,
    GUNICORN,
    ROOT,
    UNBOUNDED,
    DashClient,
    free_port,
    gunicorn_env,
    page_calls,
    page_state,
    wait_for_charts,
    wait_until,
    walk,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from dashboard.server import static
from dashboard.settings import Settings, SettingsError

BASE = "/csec/v1"
LINK = re.compile(r'(?:src|href)="([^"]+)"')


@pytest.mark.parametrize(
    ("raw", "parsed"), [("/", ""), ("/csec", "/csec"), ("/csec/", "/csec"), ("//a//b/", "/a/b")]
)
def test_base_path_is_normalised(raw, parsed):
    assert Settings.from_env({"CSEC_BASE_PATH": raw}).base_path == parsed


@pytest.mark.parametrize("raw", ["csec", "/a b", "/../etc", "/csec?x=1", "/%2e%2e", "/a/./b"])
def test_base_path_rejects_what_is_not_a_plain_path(raw):
    with pytest.raises(SettingsError, match="CSEC_BASE_PATH"):
        Settings.from_env({"CSEC_BASE_PATH": raw})


@pytest.fixture(scope="module")
def based_app(fixture_release_dir):
    """Return the fixture-release app mounted under BASE (compressed, as in production)."""
    from dashboard.app import create_app

    settings = Settings(
        release_dir=fixture_release_dir, geojson_path=GEOJSON, base_path=BASE, **UNBOUNDED
    )
    return create_app(settings)


@pytest.fixture(scope="module")
def based(based_app):
    """Return a callback client of the mounted app."""
    return DashClient(based_app, base=BASE)


def page_links(layout) -> list[str]:
    """Return every href and src in a rendered layout."""
    return [
        node["props"][attr]
        for node in walk(layout)
        for attr in ("href", "src")
        if isinstance(node["props"].get(attr), str)
    ]


def test_the_root_redirects_to_the_base_and_other_paths_are_not_found(based_app):
    client = based_app.server.test_client()
    for path in ("/", BASE):
        reply = client.get(path)
        assert reply.status_code == 308 and reply.headers["Location"] == BASE + "/"
        assert reply.headers["X-Frame-Options"] == "DENY"
    for path in ("/funnel", "/healthz", "/download/release/SHA256SUMS", "/csec"):
        reply = client.get(path)
        assert reply.status_code == 404, path
        assert "default-src 'self'" in reply.headers["Content-Security-Policy"], path


def test_every_route_answers_under_the_base(based_app):
    client = based_app.server.test_client()
    assert client.get(BASE + "/healthz").get_json()["status"] == "ok"
    assert client.get(BASE + "/funnel").status_code == 200
    assert client.get(BASE + "/no-such-page").status_code == 404
    assert b"cells.csv" in client.get(BASE + "/download/release/SHA256SUMS").data
    assert client.get(BASE + "/geo/ca_counties.geojson").status_code == 200
    assert client.get(BASE + "/assets/topojson/usa_110m.json").status_code == 200
    assert f"Disallow: {BASE}/_dash-" in client.get(BASE + "/robots.txt").get_data(as_text=True)


def test_the_page_shell_names_only_urls_under_the_base(based_app):
    html = based_app.server.test_client().get(BASE + "/map").get_data(as_text=True)
    links = LINK.findall(html)
    assert len(links) > 5
    inline = ("#", "data:")  # no request: a fragment, the inline icon
    assert all(link.startswith((BASE + "/", *inline)) for link in links), links
    config = json.loads(re.search(r'id="_dash-config"[^>]*>(.*?)</script>', html).group(1))
    assert config["requests_pathname_prefix"] == BASE + "/"


@pytest.mark.parametrize("path", ["/", "/downloads", "/x"])
def test_page_layouts_link_under_the_base(based, path):
    links = [link for link in page_links(based.page(BASE + path)) if not link.startswith("#")]
    assert links, path
    assert all(link.startswith(BASE + "/") for link in links), (path, links)


@pytest.mark.parametrize("path", ["/map", "/funnel", "/county/alameda"])
def test_callback_replies_link_under_the_base(based, path):
    replies = json.dumps([reply for _, _, reply in page_calls(based, BASE + path)])
    urls = re.findall(r'"(/[^"\s]*)"', replies)
    assert urls, path
    assert all(url.startswith(BASE + "/") for url in urls), (path, sorted(set(urls))[:10])


def test_a_chart_csv_link_downloads_under_the_base(based):
    hrefs = [
        output["href"]
        for _, _, reply in page_calls(based, BASE + "/funnel")
        for output in reply.values()
        if "/download/chart/" in str(output.get("href", ""))
    ]
    assert hrefs and all(href.startswith(BASE + "/download/chart/") for href in hrefs)
    download = based.client.get(hrefs[-1])
    assert download.status_code == 200 and download.mimetype == "text/csv"


def test_static_files_are_warmed_under_the_base(based_app):
    assert static.warm(based_app.server) > 100_000
    stored = based_app.server.extensions["csec_static"].files
    assert "/assets/controls.js" in stored
    assert any(path.startswith("/_dash-component-suites/dash/dcc/") for path in stored)


def test_an_app_at_the_root_in_the_same_process_keeps_root_links(based, fixture_app):
    based_links = [link for link in page_links(based.page(BASE + "/")) if link[0] == "/"]
    root_links = [link for link in page_links(DashClient(fixture_app).page("/")) if link[0] == "/"]
    assert based_links == [BASE + link for link in root_links]
    assert not any(link.startswith(BASE) for link in root_links)


@pytest.fixture(scope="module")
def served_at_base() -> Iterator[str]:
    """Run gunicorn on the committed release under BASE; yield its root URL."""
    port = free_port()
    env = gunicorn_env(port, CSEC_BASE_PATH=BASE, CSEC_LOG_LEVEL="WARNING")
    process = subprocess.Popen(GUNICORN, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: urllib.request.urlopen(url + BASE + "/healthz", timeout=5), process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)


def raw_reply(url: str, request: bytes) -> bytes:
    """Return the raw bytes a server answers to a raw HTTP request."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_gunicorn_sends_no_banner_and_its_own_errors_carry_the_headers(served_at_base):
    ok = raw_reply(served_at_base, f"GET {BASE}/healthz HTTP/1.0\r\n\r\n".encode())
    head = ok.split(b"\r\n\r\n")[0].lower()
    assert head.startswith(b"http/1.0 200") and b"\r\nserver:" not in head
    for bad in (b"GET /\x01 HTTP/1.1\r\n\r\n", b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 200 + b"\r\n"):
        reply = raw_reply(served_at_base, bad)
        head, _, body = reply.partition(b"\r\n\r\n")
        assert head.split()[1] in {b"400", b"431"}, head
        assert (
            b"content-security-policy:" in head.lower() and b"x-frame-options: deny" in head.lower()
        )
        assert b"\r\nserver:" not in head.lower() and b"\x01" not in body


@pytest.mark.browser
def test_the_dashboard_works_in_a_browser_under_the_base(dash_duo, served_at_base):
    driver = dash_duo.driver
    driver.get(served_at_base + BASE + "/map")
    dash_duo.wait_for_contains_text("h1", "58 counties")
    wait_for_charts(dash_duo)  # plotly.js, the map boundaries and topojson all loaded
    assert driver.find_element(By.CSS_SELECTOR, "a[aria-current=page]").text == "Map"
    driver.find_element(By.LINK_TEXT, "Report funnel").click()
    dash_duo.wait_for_contains_text("h1", "Report funnel")
    wait_for_charts(dash_duo)
    Select(driver.find_element(By.CSS_SELECTOR, "select[data-control]")).select_by_index(3)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return location.search"))
    state = page_state(dash_duo)
    assert state["path"] == BASE + "/funnel"
    driver.find_element(By.CSS_SELECTOR, "a.brand").click()
    dash_duo.wait_for_contains_text("h1", "at a glance")
    assert driver.execute_script("return location.pathname") == BASE + "/"
    assert driver.find_element(By.CSS_SELECTOR, "a[aria-current=page]").text == "Overview"
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(r => new URL(r.name).pathname)"
    )
    assert resources and all(path.startswith(BASE + "/") for path in resources), resources
    assert dash_duo.get_logs() == []
