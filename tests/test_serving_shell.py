"""The page shell: rendered once per release, base path, page path and accepted encodings;
only the site's own page paths are kept."""

from __future__ import annotations

import pytest
from conftest import GEOJSON, UNBOUNDED

from dashboard.app import create_app
from dashboard.server.shell import ShellCache, accepted
from dashboard.settings import Settings


def shell_app(release_dir, base_path: str = ""):
    """Return a production-like app and its shell cache."""
    settings = Settings(
        release_dir=release_dir, geojson_path=GEOJSON, base_path=base_path, **UNBOUNDED
    )
    app = create_app(settings)
    wrapper = app.server.wsgi_app
    while not isinstance(wrapper, ShellCache):  # under the base-path mount, if any
        wrapper = wrapper.__closure__[0].cell_contents if wrapper.__closure__ else None
    return app, wrapper


@pytest.fixture(scope="module")
def app_and_cache(fixture_release_dir):
    return shell_app(fixture_release_dir)


def count_renders(app, monkeypatch) -> list:
    """Count Dash's index renders."""
    calls = []
    real = app.index
    monkeypatch.setattr(app, "index", lambda *a, **k: calls.append(1) or real(*a, **k))
    for endpoint in ("/", "/<path:path>"):  # Dash's routes to its index
        app.server.view_functions[endpoint] = app.index
    return calls


def test_a_page_shell_is_rendered_once_per_encoding(app_and_cache, monkeypatch):
    app, cache = app_and_cache
    client = app.server.test_client()
    calls = count_renders(app, monkeypatch)
    for encoding in ("br", "gzip, deflate, br, zstd", "", "br"):
        replies = [client.get("/funnel", headers={"Accept-Encoding": encoding}) for _ in range(3)]
        assert all(r.status_code == 200 for r in replies)
        assert len({r.data for r in replies}) == 1
        assert all("Content-Security-Policy" in r.headers for r in replies)
    assert replies[0].headers["Content-Encoding"] == "br"
    assert 1 <= len(calls) <= 3  # br, zstd (Dash's choice for a browser's header), identity
    kept = [name.lower() for _, headers, _ in cache.replies.values() for name, _ in headers]
    assert "content-security-policy" in kept and "date" not in kept  # gunicorn dates each reply


def test_paths_outside_the_site_are_answered_not_kept(app_and_cache):
    app, cache = app_and_cache
    client = app.server.test_client()
    before = set(cache.replies)
    for path in ("/county/no-such-place", "/funnel/", "/nope", "/funnel?geo=state"):
        client.get(path)
    new = set(cache.replies) - before
    assert {key[2] for key in new} <= {"/funnel"}
    assert client.get("/nope").status_code == 404


def test_weighted_or_unknown_encodings_are_not_kept():
    assert accepted("gzip, br") == frozenset({"gzip", "br"})
    assert accepted("br;q=0, gzip") is None
    assert accepted("made-up") is None


def test_the_base_path_is_part_of_the_key(fixture_release_dir):
    app, cache = shell_app(fixture_release_dir, "/csec")
    reply = app.server.test_client().get("/csec/funnel")
    assert reply.status_code == 200
    assert 'href="/csec/assets/' in reply.get_data(as_text=True)
    assert [key[1:3] for key in cache.replies] == [("/csec", "/funnel")]
