"""Fail closed: a missing, altered, incomplete or disclosive release stops the app and gunicorn."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest
from conftest import GEOJSON, GUNICORN, ROOT, free_port, gunicorn_env, write_manifest

from dashboard import domain
from dashboard.app import create_app
from dashboard.data.release import ReleaseError
from dashboard.settings import Settings


def empty(release: Path) -> None:
    """Remove the whole release."""
    shutil.rmtree(release)
    release.mkdir()


def altered_file(release: Path) -> None:
    """Change a published file after the manifest was written."""
    with (release / "cells.csv").open("a") as handle:
        handle.write("\n")


def absent_table(release: Path) -> None:
    """Drop a required table, with a manifest that agrees (so only the absence is wrong)."""
    (release / "rates.parquet").unlink()
    write_manifest(release)


def small_count(release: Path) -> None:
    """Publish a count of 5 (with a manifest that agrees, so only the count is wrong)."""
    cells = pl.read_parquet(release / "cells.parquet")
    first = cells.with_row_index().filter(pl.col("status") == domain.PUBLISHED)["index"][0]
    value = pl.when(pl.int_range(pl.len()) == first).then(5).otherwise(pl.col("value"))
    cells.with_columns(value.cast(cells.schema["value"]).alias("value")).write_parquet(
        release / "cells.parquet"
    )
    write_manifest(release)


CASES = {
    "release missing": (empty, "manifest.json is missing"),
    "checksum mismatch": (altered_file, "does not match its SHA-256"),
    "required table absent": (absent_table, "lacks required files: rates.parquet"),
    "published count in 1..10": (small_count, r"published counts lie in 1\.\.10"),
}


@pytest.fixture(params=list(CASES))
def tampered(request, fixture_release_dir, tmp_path) -> tuple[Path, str]:
    """Return a tampered copy of the fixture release and the message the app must give."""
    tamper, message = CASES[request.param]
    release = tmp_path / "aggregates"
    shutil.copytree(fixture_release_dir, release)
    tamper(release)
    return release, message


def test_create_app_refuses(tampered):
    release, message = tampered
    with pytest.raises(ReleaseError, match=message):
        create_app(Settings(release_dir=release, geojson_path=GEOJSON))


def test_gunicorn_exits_non_zero(tampered):
    release, message = tampered
    env = gunicorn_env(free_port(), CSEC_RELEASE_DIR=str(release))
    done = subprocess.run(GUNICORN, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "ReleaseError" in done.stderr
    assert re.search(message, done.stderr)
