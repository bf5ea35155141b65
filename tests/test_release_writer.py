"""The release writer: declared format, verified before the swap, stable bytes, dates, licence."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from conftest import FIXTURE_EDITION

from dashboard import domain
from dashboard import release_format as fmt
from dashboard.build import release
from dashboard.data import release as loader
from dashboard.data.verify import ReleaseError

REAL = fmt.Edition("extract", date(2026, 3, 2), date(2026, 3, 9), "https://data.example.gov/csec/")


def read_inputs(directory: Path, tag: str) -> tuple[dict, dict]:
    """Return the data and reference tables of a release, with `tag` as their data source."""
    data = {
        t.name: pl.read_parquet(directory / t.files[0]).with_columns(data_source=pl.lit(tag))
        for t in fmt.TABLES
        if t.kind == "data"
    }
    reference = {
        t.name: pl.read_csv(directory / f"{t.name}.csv", schema=t.schema)
        for t in fmt.TABLES
        if t.kind == "reference"
    }
    return data, reference


@pytest.fixture(scope="module")
def inputs(fixture_release_dir) -> tuple[dict, dict]:
    """Return the fixture release's tables as the writer's input."""
    return read_inputs(fixture_release_dir, domain.SYNTHETIC_TAG)


def write(target: Path, inputs, edition=FIXTURE_EDITION, audit=None) -> Path:
    """Write a release of the fixture tables."""
    data, reference = inputs
    audit = audit or {"passed": True, "n_cells": data["cells"].height}
    release.write_release(target, data, reference, audit, edition)
    return target


def manifest(directory: Path) -> dict:
    """Return a release's manifest."""
    return json.loads((directory / "manifest.json").read_text())


def text_of(directory: Path) -> str:
    """Return every text file of a release and every data_source value, lower case."""
    texts = [(directory / name).read_text() for name in fmt.FILES if not name.endswith(".parquet")]
    texts.append((directory / "manifest.json").read_text())
    for name in fmt.FILES:
        if name.endswith(".parquet"):
            texts += pl.read_parquet(directory / name)["data_source"].unique().to_list()
    return "\n".join(texts).lower()


def test_manifest_lists_exactly_the_declared_files_with_checksums(tmp_path, inputs):
    target = write(tmp_path / "aggregates", inputs)
    files = manifest(target)["files"]
    assert [entry["path"] for entry in files] == list(fmt.FILES)
    assert {p.name for p in target.iterdir()} == {*fmt.FILES, "manifest.json"}
    for entry in files:
        data = (target / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]


def test_written_release_loads_with_its_dates_and_licences(tmp_path, inputs):
    target = write(tmp_path / "aggregates", inputs)
    rel = loader.load(target)
    assert rel.synthetic is True
    assert (rel.extract_date, rel.release_date) == (
        FIXTURE_EDITION.extract_date,
        FIXTURE_EDITION.release_date,
    )
    assert (rel.data_license, rel.code_license) == ("CC-BY-4.0", "MIT")
    assert rel.url == FIXTURE_EDITION.url
    assert rel.data_dictionary.equals(fmt.dictionary())


def test_a_demonstration_release_published_nowhere_names_no_address(tmp_path, inputs):
    target = write(tmp_path / "aggregates", inputs, replace(FIXTURE_EDITION, url=None))
    rel = loader.load(target)
    assert rel.url is None and manifest(target)["url"] is None
    assert "url:" not in (target / "CITATION.cff").read_text()
    readme = (target / "README.md").read_text()
    assert "Published at" not in readme and "Not published at a public address" in readme
    assert "records extracted 2026-01-05. SYNTHETIC" in readme  # the citation, no address


def test_citation_has_version_date_url_and_data_licence(tmp_path, inputs):
    target = write(tmp_path / "aggregates", inputs)
    citation = (target / "CITATION.cff").read_text()
    release_id = manifest(target)["release_id"]
    assert f'version: "{release_id}"' in citation
    assert f'date-released: "{FIXTURE_EDITION.release_date}"' in citation
    assert f'url: "{FIXTURE_EDITION.url}"' in citation
    assert "\nlicense: CC-BY-4.0\n" in citation
    assert "MIT" in citation  # the code's licence, in the notes
    readme = (target / "README.md").read_text()
    assert "CC BY 4.0" in readme and "MIT licence" in readme
    assert f"Synthetic extract generated: {FIXTURE_EDITION.extract_date}" in readme


def test_synthetic_release_says_so_everywhere(tmp_path, inputs):
    target = write(tmp_path / "aggregates", inputs)
    for name in ("README.md", "CITATION.cff"):
        assert domain.SYNTHETIC_NOTICE in (target / name).read_text(), name
    assert manifest(target)["provenance"] == "synthetic"
    assert manifest(target)["notice"] == domain.SYNTHETIC_NOTICE


def test_release_from_a_real_extract_carries_no_synthetic_wording(tmp_path, fixture_release_dir):
    target = write(tmp_path / "aggregates", read_inputs(fixture_release_dir, fmt.EXTRACT_TAG), REAL)
    assert "synthetic" not in text_of(target)
    assert "demonstration" not in text_of(target)
    assert manifest(target)["provenance"] == "extract"
    assert loader.load(target).synthetic is False
    assert f"Records extracted: {REAL.extract_date}" in (target / "README.md").read_text()


def test_real_wording_on_synthetic_tables_is_refused(tmp_path, inputs):
    target = tmp_path / "aggregates"
    with pytest.raises(ReleaseError, match="data_source must be"):
        write(target, inputs, REAL)
    assert not target.exists()


def test_same_input_gives_identical_bytes(tmp_path, inputs):
    first = write(tmp_path / "a", inputs)
    second = write(tmp_path / "b", inputs)
    for name in (*fmt.FILES, "manifest.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_release_id_changes_with_content_and_dates(tmp_path, inputs):
    base = manifest(write(tmp_path / "a", inputs))["release_id"]
    later = replace(FIXTURE_EDITION, release_date=date(2026, 2, 1))
    assert manifest(write(tmp_path / "b", inputs, later))["release_id"] != base
    data, reference = inputs
    population = reference["population"].with_columns(
        note=pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("revised")).otherwise("note")
    )
    changed = write(tmp_path / "c", (data, {**reference, "population": population}))
    assert manifest(changed)["release_id"] != base


def test_table_off_its_declaration_is_refused_and_previous_release_kept(tmp_path, inputs):
    target = write(tmp_path / "aggregates", inputs)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    data, reference = inputs
    extra = {**data, "rates": data["rates"].with_columns(note=pl.lit("x"))}
    with pytest.raises(ValueError, match="rates does not match its declaration"):
        write(target, (extra, reference))
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert not any(p.name.startswith(".aggregates") for p in tmp_path.iterdir())


def test_failed_verification_leaves_previous_release_in_place(tmp_path, inputs):
    target = write(tmp_path / "aggregates", inputs)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    with pytest.raises(ReleaseError, match="passed is not true"):
        write(target, inputs, audit={"passed": False})
    data, reference = inputs
    cells = data["cells"].with_columns(
        value=pl.when(pl.col("status") == domain.SUPPRESSED).then(7).otherwise(pl.col("value"))
    )
    with pytest.raises(ReleaseError, match="value in a suppressed row"):
        write(target, ({**data, "cells": cells}, reference))
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert not any(p.name.startswith(".aggregates") for p in tmp_path.iterdir())


def test_failed_write_leaves_previous_release_untouched(tmp_path, inputs, monkeypatch):
    target = write(tmp_path / "aggregates", inputs)
    before = {p.name: p.read_bytes() for p in target.iterdir()}

    def broken(directory, *args, **kwargs):
        (directory / "cells.csv").write_text("partial")
        raise OSError("disk full")

    monkeypatch.setattr(release, "write_contents", broken)
    with pytest.raises(OSError, match="disk full"):
        write(target, inputs)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert not any(p.name.startswith(".aggregates") for p in tmp_path.iterdir())


def test_interrupted_swap_is_recovered(tmp_path, inputs):
    target = write(tmp_path / "aggregates", inputs)
    _, backup = release.staging_paths(target)
    before = (target / "cells.csv").read_bytes()
    target.rename(backup)  # as if the build died between the two renames
    release.recover(target)
    assert (target / "cells.csv").read_bytes() == before
    assert not backup.exists()


def test_real_extract_needs_its_extract_date_and_url():
    with pytest.raises(ValueError, match="extract date and public URL"):
        release.edition_of(None, release_date=date(2026, 1, 1))
    edition = release.edition_of(None, date(2026, 1, 1), date(2026, 1, 2), "https://x.gov/")
    assert (edition.provenance, edition.seed) == ("extract", None)


def test_release_date_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    edition = release.edition_of(855)
    assert edition.release_date == edition.extract_date == date(2026, 1, 1)
    assert edition.synthetic and edition.seed == 855


def test_figures_the_table_design_leaves_out_are_empty_in_the_wide_tables(tmp_path, inputs):
    """A measure published only for the window below the state: no county-year cell, and in
    youth_wide an empty value with an empty status (not a status that claims a cell)."""
    data, reference = inputs
    by_year = (pl.col("geo_level") == "county") & (pl.col("period") != domain.WINDOW)
    cells = data["cells"].filter(~((pl.col("measure") == "case_none") & by_year))
    youth_wide = data["youth_wide"].with_columns(
        pl.when(by_year).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("case_none", "case_none_status")
    )
    target = write(
        tmp_path / "aggregates", ({**data, "cells": cells, "youth_wide": youth_wide}, reference)
    )
    assert loader.load(target).youth_wide.filter(by_year)["case_none_status"].null_count() > 0


def test_loader_says_what_the_web_side_shows(tmp_path, inputs, fixture_release_dir):
    synthetic = loader.load(write(tmp_path / "a", inputs))
    assert (synthetic.notice, synthetic.data_source) == (
        domain.SYNTHETIC_NOTICE,
        domain.SYNTHETIC_TAG,
    )
    real_inputs = read_inputs(fixture_release_dir, fmt.EXTRACT_TAG)
    real = loader.load(write(tmp_path / "b", real_inputs, REAL))
    assert (real.notice, real.data_source) == (None, fmt.EXTRACT_TAG)
    assert (real.extract_date, real.release_date, real.url) == (
        REAL.extract_date,
        REAL.release_date,
        REAL.url,
    )
