"""/healthz says whether the process serves and what is degraded; /readyz says whether it should
get traffic: 503 while it has no verified release, or its release left the release directory."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import GEOJSON, UNBOUNDED


@pytest.fixture
def release_copy(fixture_release_dir, tmp_path):
    """Return a copy of the fixture release that a test may alter."""
    return shutil.copytree(fixture_release_dir, tmp_path / "aggregates")


def client_of(release_dir):
    """Return a test client of an app on a release directory."""
    from dashboard.app import create_app
    from dashboard.settings import Settings

    settings = Settings(release_dir=release_dir, geojson_path=GEOJSON, **UNBOUNDED)
    return create_app(settings).server.test_client()


def test_healthz_names_the_release_and_the_cache_state(fixture_app, fixture_release):
    body = fixture_app.server.test_client().get("/healthz").get_json()
    assert body == {
        "status": "ok",
        "release_id": fixture_release.release_id,
        "cache": {"backend": "SimpleCache", "state": "ok"},
    }


def test_readyz_is_200_while_the_served_release_is_in_place(release_copy):
    reply = client_of(release_copy).get("/readyz")
    assert reply.status_code == 200 and reply.get_json()["status"] == "ready"


@pytest.mark.parametrize("change", ["another release id", "manifest removed", "manifest broken"])
def test_readyz_is_503_once_the_release_left_its_directory(release_copy, change):
    client = client_of(release_copy)
    manifest = release_copy / "manifest.json"
    if change == "another release id":
        manifest.write_text(json.dumps(json.loads(manifest.read_text()) | {"release_id": "x"}))
    elif change == "manifest removed":
        manifest.unlink()
    else:
        manifest.write_text("{")
    reply = client.get("/readyz")
    assert reply.status_code == 503 and reply.headers["Retry-After"] == "5"
    assert "release directory" in reply.get_json()["reason"]
    assert client.get("/healthz").status_code == 200  # alive, still serving what it verified


def test_readyz_is_503_without_a_loaded_release(release_copy):
    client = client_of(release_copy)
    client.application.extensions.pop("csec_release")
    reply = client.get("/readyz")
    assert reply.status_code == 503 and "no verified release" in reply.get_json()["reason"]
    assert client.get("/healthz").get_json()["status"] == "degraded"
