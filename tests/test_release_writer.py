"""The release writer: atomic swap, stable bytes, manifest checksums, recovery."""

from __future__ import annotations

import hashlib
import json

import polars as pl
import pytest

from dashboard.build import release


def tiny_tables(value: int) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    """Return minimal data and reference tables whose contents depend on `value`."""
    frame = pl.DataFrame(
        {"geo_level": ["state"], "geo_id": ["06"], "value": [value], "status": ["published"]}
    )
    tables = {name: frame for name in release.DATA_TABLES}
    reference = {
        "counties": pl.DataFrame({"county_fips": ["06001"], "county_name": ["Alameda"]}),
        "opt_in_roster": pl.DataFrame(
            {"county_fips": ["06001"], "sfy": ["2015-16"], "opted_in": [True]}
        ),
        "population": pl.DataFrame(
            {"county_fips": ["06001"], "sfy": ["2015-16"], "population": [1]}
        ),
    }
    return tables, reference


def write(target, value: int):
    """Write a tiny release with the data dictionary check bypassed for unknown columns."""
    tables, reference = tiny_tables(value)
    return release.write_release(target, tables, reference, {"passed": True, "n_cells": 1}, seed=1)


@pytest.fixture(autouse=True)
def lenient_dictionary(monkeypatch):
    """Let the tiny tables through the data dictionary (it is tested with the real release)."""
    monkeypatch.setattr(
        release,
        "data_dictionary",
        lambda tables: pl.DataFrame({"table": list(tables), "column": "x"}),
    )


def test_manifest_lists_every_file_with_its_checksum(tmp_path):
    target = write(tmp_path / "aggregates", 20)
    manifest = json.loads((target / "manifest.json").read_text())
    listed = {entry["path"] for entry in manifest["files"]}
    on_disk = {p.name for p in target.iterdir()} - {"manifest.json"}
    assert listed == on_disk
    for entry in manifest["files"]:
        assert hashlib.sha256((target / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
        assert (target / entry["path"]).stat().st_size == entry["bytes"]


def test_same_input_gives_identical_bytes(tmp_path):
    first = write(tmp_path / "a", 20)
    second = write(tmp_path / "b", 20)
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def test_release_id_changes_with_content(tmp_path):
    one = json.loads((write(tmp_path / "a", 20) / "manifest.json").read_text())["release_id"]
    two = json.loads((write(tmp_path / "b", 21) / "manifest.json").read_text())["release_id"]
    assert one != two


def test_failed_write_leaves_previous_release_untouched(tmp_path, monkeypatch):
    target = write(tmp_path / "aggregates", 20)
    before = {p.name: p.read_bytes() for p in target.iterdir()}

    def broken(directory, *args, **kwargs):
        (directory / "cells.csv").write_text("partial")
        raise OSError("disk full")

    monkeypatch.setattr(release, "write_contents", broken)
    with pytest.raises(OSError, match="disk full"):
        write(target, 99)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert not any(p.name.startswith(".aggregates") for p in tmp_path.iterdir())


def test_interrupted_swap_is_recovered(tmp_path):
    target = write(tmp_path / "aggregates", 20)
    _, backup = release.staging_paths(target)
    before = (target / "cells.csv").read_bytes()
    target.rename(backup)  # as if the build died between the two renames
    release.recover(target)
    assert (target / "cells.csv").read_bytes() == before
    assert not backup.exists()
