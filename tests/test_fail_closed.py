"""Fail closed: a missing, altered, incomplete or disclosive release stops the app and gunicorn."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import GEOJSON, GUNICORN, ROOT, free_port, gunicorn_env
from tampering import CASES, tampered_copy

from dashboard.app import create_app
from dashboard.data.release import ReleaseError
from dashboard.settings import Settings

# gunicorn starts take seconds each: a few kinds of failure are enough to show it exits.
GUNICORN_CASES = ("release missing", "checksum mismatch", "cells.csv differs", "audit passed=false")


@pytest.mark.parametrize("case", list(CASES))
def test_create_app_refuses(case, fixture_release_dir, tmp_path):
    release, message = tampered_copy(fixture_release_dir, tmp_path / "aggregates", case)
    with pytest.raises(ReleaseError, match=message):
        create_app(Settings(release_dir=release, geojson_path=GEOJSON))


@pytest.mark.parametrize("case", GUNICORN_CASES)
def test_gunicorn_exits_non_zero(case, fixture_release_dir, tmp_path):
    release, message = tampered_copy(fixture_release_dir, tmp_path / "aggregates", case)
    env = gunicorn_env(free_port(), CSEC_RELEASE_DIR=str(release))
    done = subprocess.run(GUNICORN, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "ReleaseError" in done.stderr
    assert re.search(message, done.stderr)
