"""Security headers on every kind of response; robots.txt; no tracebacks; safe downloads."""

from __future__ import annotations

import pytest
from conftest import callback_body

from dashboard.dash_wire import router_dep
from dashboard.server.headers import SECURITY_HEADERS


@pytest.fixture(scope="module")
def client(fixture_app):
    """Return a test client of the app whose first request (Dash's setup) is done."""
    client = fixture_app.server.test_client()
    client.get("/")
    return client


def home_body(client) -> dict:
    """Return a valid body of the page-router callback (renders the home page)."""
    return callback_body(router_dep(client.get("/_dash-dependencies").get_json()), ["/", ""])


def response_kinds(client) -> dict:
    """Return one response of each kind the app sends, by name."""
    shell = client.get("/").get_data(as_text=True)
    script = shell.split('src="', 2)[1].split('"')[0]
    return {
        "html page": client.get("/funnel"),
        "callback json": client.post("/_dash-update-component", json=home_body(client)),
        "dash bundle": client.get(script),
        "asset": client.get("/assets/style.css"),
        "geojson": client.get("/geo/ca_counties.geojson"),
        "release download": client.get("/download/release/cells.csv"),
        "chart csv": client.get("/download/chart/home-funnel.csv"),
        "healthz": client.get("/healthz"),
        "robots": client.get("/robots.txt"),
        "404 page": client.get("/no/such/page"),
        "404 download": client.get("/download/release/nope.csv"),
        "405": client.post("/healthz"),
        "400": client.post("/_dash-update-component", data=b"{", content_type="application/json"),
        "413": client.post("/_dash-update-component", data=b"x" * 70_000),
    }


EXPECTED_STATUS = {"404 page": 404, "404 download": 404, "405": 405, "400": 400, "413": 413}


def test_every_response_kind_carries_the_security_headers(client):
    for kind, response in response_kinds(client).items():
        assert response.status_code == EXPECTED_STATUS.get(kind, 200), kind
        for header, value in SECURITY_HEADERS.items():
            assert response.headers.get(header) == value, (kind, header)


def test_policy_allows_only_this_origin():
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "http" not in policy and "*" not in policy
    assert SECURITY_HEADERS["X-Frame-Options"] == "DENY"


def test_robots_txt_allows_pages_but_not_callbacks(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "User-agent: *" in text and "Disallow: /_dash-" in text


@pytest.mark.parametrize(
    "path",
    [
        "/download/release/../manifest.json",
        "/download/release/..%2Fmanifest.json",
        "/download/release/..%2F..%2Fpyproject.toml",
        "/download/release/%2e%2e%2fpyproject.toml",
        "/download/release/%2Fetc%2Fpasswd",
        "/download/release/.%2Faudit.json",
        "/download/release/",
        "/download/release/README.md%00.csv",
        "/download/chart/..%2Fcells.csv",
        "/download/chart/nope.csv",
    ],
)
def test_downloads_outside_the_manifest_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404, path
    assert b"sha256" not in response.data


def test_every_manifest_file_can_be_downloaded(client, fixture_release):
    for entry in fixture_release.files:
        response = client.get(f"/download/release/{entry['path']}")
        assert response.status_code == 200, entry["path"]


def test_server_errors_carry_no_traceback(fixture_app, client, monkeypatch):
    from dashboard import charts

    def broken(*_):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(charts, "render", broken)
    response = client.get("/download/chart/home-trend.csv?sfy=2019-20")
    assert response.status_code == 500
    assert b"Traceback" not in response.data and b"secret internals" not in response.data
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_dev_tools_unless_asked(fixture_app):
    assert not fixture_app._dev_tools.ui and not fixture_app.server.debug
    assert fixture_app.config.suppress_callback_exceptions  # no validation layout in every page
