"""Static weight: big files compressed once per process, long lifetimes only when fingerprinted."""

from __future__ import annotations

import gzip

import pytest
from conftest import decoded

from dashboard.server import static
from dashboard.server.headers import IMMUTABLE, SHORT

PLOTLY = "/_dash-component-suites/plotly/package_data/plotly.min.js"


@pytest.fixture(scope="module")
def client(compressing_client):
    """Return a test client of an app with compression on, as in production."""
    return compressing_client


def bundle_url(client) -> str:
    """Return the URL of Dash's renderer bundle (fingerprinted)."""
    shell = client.get("/").get_data(as_text=True)
    return next(u for u in static.SCRIPT_URLS.findall(shell) if "dash_renderer" in u)


@pytest.mark.parametrize("encoding", ["gzip", "br"])
@pytest.mark.parametrize(
    "url", ["bundle", PLOTLY, "/geo/ca_counties.geojson", "/assets/topojson/world_110m.json"]
)
def test_big_static_files_are_served_compressed(client, url, encoding):
    url = bundle_url(client) if url == "bundle" else url
    plain = client.get(url)
    response = client.get(url, headers={"Accept-Encoding": f"{encoding}, deflate"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert len(response.data) < len(plain.data) / 2
    assert decoded(response) == plain.data


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("gzip;q=0", None),
        ("br;q=0, gzip;q=0", None),
        ("br;q=0, gzip", "gzip"),
        ("GZIP;q=0.5", "gzip"),
        ("identity", None),
    ],
)
def test_an_encoding_weighted_zero_is_refused(client, accept, expected):
    for url in ("/assets/topojson/usa_110m.json", "/funnel"):  # a static file, a page
        response = client.get(url, headers={"Accept-Encoding": accept})
        assert response.headers.get("Content-Encoding") == expected, url
    assert static.chosen_encoding(accept) == expected


@pytest.mark.parametrize(
    ("accept", "refused"),
    [
        ("*, br;q=0, gzip;q=0", {"br", "gzip"}),
        ("*;q=0.5, br;q=0", {"br"}),
        ("br;Q=0, gzip;Q=0", {"br", "gzip"}),
    ],
)
def test_a_wildcard_or_a_capital_q_never_brings_a_refused_encoding_back(client, accept, refused):
    for url in ("/assets/topojson/usa_110m.json", "/funnel"):
        response = client.get(url, headers={"Accept-Encoding": accept})
        assert response.headers.get("Content-Encoding") not in refused, url


def test_each_file_is_compressed_once_per_process(client, monkeypatch):
    calls = []
    real = static.compress
    monkeypatch.setattr(static, "compress", lambda data, enc: calls.append(enc) or real(data, enc))
    url = "/assets/topojson/usa_110m.json"
    for _ in range(5):
        assert client.get(url, headers={"Accept-Encoding": "gzip"}).status_code == 200
    assert calls.count("gzip") <= 1


def test_unchanged_files_are_not_sent_again(client):
    url = "/geo/ca_counties.geojson"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    again = client.get(
        url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and not again.data


def test_cache_lifetimes(client):
    assert client.get(bundle_url(client)).headers["Cache-Control"] == IMMUTABLE
    assert client.get("/assets/style.css?m=123").headers["Cache-Control"] == IMMUTABLE
    assert client.get("/assets/topojson/world_110m.json").headers["Cache-Control"] == SHORT
    assert client.get("/geo/ca_counties.geojson").headers["Cache-Control"] == SHORT
    assert client.get("/").headers["Cache-Control"] == "no-cache"
    assert client.get("/nope").headers["Cache-Control"] == "no-store"


def test_html_and_json_are_compressed(client):
    for url in ("/", "/_dash-layout", "/_dash-dependencies"):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.headers.get("Content-Encoding") == "gzip", url


def test_warm_compresses_what_a_first_visit_loads(client):
    assert static.warm(client.application) > 0
    store = client.application.extensions["csec_static"]
    assert PLOTLY in store.files and set(store.files[PLOTLY].bodies) == set(static.ENCODINGS)


def test_workers_share_compressed_files_through_the_directory(tmp_path, monkeypatch):
    calls = []
    real = static.compress
    monkeypatch.setattr(static, "compress", lambda data, enc: calls.append(enc) or real(data, enc))
    raw = b"a static file " * 500
    first, second = static.StaticStore(tmp_path), static.StaticStore(tmp_path)  # two workers
    bodies = [static.Compressed("text/css", "e", raw, store.directory) for store in (first, second)]
    assert [b.body("gzip") for b in bodies] == [static.compress(raw, "gzip")] * 2
    assert calls.count("gzip") == 2  # once by the first worker, once just above; none by the second
    assert not list(tmp_path.glob("*.part"))


def test_an_unwritable_directory_compresses_in_memory(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    raw = b"x" * 5000
    assert gzip.decompress(static.compressed_once(blocked / "static", raw, "gzip")) == raw
