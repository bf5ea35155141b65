"""Security headers on every kind of response; robots.txt; no tracebacks; safe downloads."""

from __future__ import annotations

import base64
import hashlib
import logging
import re

import pytest
from conftest import GEOJSON, UNBOUNDED, callback_body

from dashboard.dash_wire import router_dep
from dashboard.server.headers import SECURITY_HEADERS, content_security_policy

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)


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
        assert "script-src 'self'" in response.headers["Content-Security-Policy"], kind
        assert "Strict-Transport-Security" not in response.headers, kind  # opt-in only
        assert "Server" not in response.headers, kind


def script_sources(policy: str) -> str:
    """Return the script-src directive of a policy."""
    return next(d for d in policy.split(";") if d.strip().startswith("script-src"))


def test_policy_allows_only_this_origin_and_no_inline_script():
    policy = content_security_policy(["'sha256-abc='"])
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "http" not in policy and "*" not in policy
    assert script_sources(policy).split() == ["script-src", "'self'", "'sha256-abc='"]
    assert "camera=()" in SECURITY_HEADERS["Permissions-Policy"]


def test_every_inline_script_of_the_page_is_allowed_by_its_hash(client):
    for path in ("/", "/county/fresno", "/no/such/page"):
        response = client.get(path)
        allowed = script_sources(response.headers["Content-Security-Policy"])
        assert "unsafe-inline" not in allowed
        scripts = INLINE_SCRIPT.findall(response.get_data(as_text=True))
        executable = [body for attrs, body in scripts if "application/json" not in attrs]
        assert executable, "Dash writes its renderer start-up inline"
        for body in executable:
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in allowed, (path, body[:80])


def test_the_page_does_not_repeat_the_host_or_url_it_was_asked_for(client):
    response = client.get("/funnel?marker=QUERYMARK", headers={"Host": "evil.example"})
    text = response.get_data(as_text=True)
    assert "evil.example" not in text and "QUERYMARK" not in text


def test_hsts_is_sent_when_asked(fixture_release_dir):
    from dashboard.app import create_app
    from dashboard.settings import Settings

    settings = Settings(
        release_dir=fixture_release_dir, geojson_path=GEOJSON, hsts_seconds=31536000, **UNBOUNDED
    )
    hsts_client = create_app(settings).server.test_client()
    for path in ("/", "/healthz", "/no/such/page"):
        assert hsts_client.get(path).headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/nope/x.js",
        "/_dash-component-suites/dash/nope.js",
        "/_dash-component-suites/dash/../../etc/passwd",
        "/_dash-component-suites/plotly/package_data/other.min.js",
    ],
)
def test_unknown_bundle_paths_are_a_plain_404(client, caplog, path):
    with caplog.at_level(logging.INFO):
        response = client.get(path)
    assert response.status_code == 404
    assert b"Traceback" not in response.data and b"registered" not in response.data
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert response.headers["X-Frame-Options"] == "DENY"


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
