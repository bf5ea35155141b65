"""Successive releases: frozen fiscal years, the joint audit, the kept history and its index.

A base release covers 2015-16 to 2020-21; successors come from extracts that add, drop or move
records in closed years, and one that appends 2021-22. Each successor either passes the audit
of the union of both releases or is refused; no published cell of a closed year changes.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dashboard import domain
from dashboard import release_format as fmt
from dashboard.build import history
from dashboard.build.pipeline import BuildError, build, load_reference
from dashboard.cli import main
from dashboard.data.verify import verify
from dashboard.disclosure.audit import audit_release
from dashboard.extract import synth
from dashboard.reference import REFERENCE_DIR

KEY = list(fmt.CELL_KEY)
BASE_THROUGH = "2020-21"
BASE = fmt.Edition("extract", date(2026, 6, 1), date(2026, 6, 15), "https://data.example.gov/csec/")
NEXT = fmt.Edition("extract", date(2026, 9, 1), date(2026, 9, 15), "https://data.example.gov/csec/")


def places(root: Path) -> history.Places:
    """Return the history places under one directory."""
    return history.Places(root / "aggregates", root / "releases", root / "confidential")


@pytest.fixture(scope="module")
def extract_dir(tmp_path_factory) -> Path:
    """Return the synthetic demo extract written as an extract directory."""
    ref = load_reference(REFERENCE_DIR)
    extract = synth.generate(
        counties=ref["counties"], roster=ref["opt_in_roster"], population=ref["population"]
    )
    return synth.write_extract(extract, tmp_path_factory.mktemp("extract"))


@pytest.fixture(scope="module")
def base(tmp_path_factory, extract_dir) -> Path:
    """Return a directory holding a one-release history (2015-16 to 2020-21)."""
    root = tmp_path_factory.mktemp("base")
    where = places(root)
    build(
        where.release_dir,
        extract_dir=extract_dir,
        edition=BASE,
        fast=True,
        through=BASE_THROUGH,
        places=where,
    )
    return root


def copy_history(base: Path, tmp_path: Path) -> history.Places:
    """Return the places of a private copy of the base history."""
    root = tmp_path / "history"
    shutil.copytree(base, root)
    return places(root)


def perturbed(extract_dir: Path, tmp_path: Path, change) -> Path:
    """Return a copy of the extract with `change(reports, youth)` applied."""
    out = tmp_path / "extract"
    shutil.copytree(extract_dir, out)
    reports = pl.read_parquet(out / "reports.parquet")
    youth = pl.read_parquet(out / "youth.parquet")
    reports, youth = change(reports, youth)
    reports.write_parquet(out / "reports.parquet")
    youth.write_parquet(out / "youth.parquet")
    return out


def county_year(youth: pl.DataFrame, largest: bool) -> tuple[str, int]:
    """Return the (county, SFY start year) with the fewest (or most) at-risk youth, 2016-17 on."""
    year = pl.col("identified_date").dt.year() - (pl.col("identified_date").dt.month() < 7)
    counts = (
        youth.filter(pl.col("csec_status") == "at_risk")
        .with_columns(start=year)
        .filter(pl.col("start").is_between(2016, 2019))
        .group_by("county_fips", "start")
        .len()
        .filter(pl.col("len") >= 3)
        .sort("len", "county_fips", "start", descending=largest)
    )
    return counts["county_fips"][0], counts["start"][0]


def drop_at_risk(largest: bool, n: int):
    """Return a change dropping `n` at-risk youth in a small (or the largest) county-year."""

    def change(reports, youth):
        county, start = county_year(youth, largest)
        start_date, end_date = date(start, 7, 1), date(start + 1, 6, 30)
        chosen = (
            youth.with_row_index("row")
            .filter(
                (pl.col("county_fips") == county)
                & (pl.col("csec_status") == "at_risk")
                & pl.col("identified_date").is_between(start_date, end_date)
            )["row"]
            .head(n)
            .to_list()
        )
        return reports, youth.with_row_index("row").filter(~pl.col("row").is_in(chosen)).drop("row")

    return change


def add_reports(reports, youth):
    """Add two late reports (copies of two early records under new ids)."""
    late = reports.head(2).with_columns(report_id=pl.col("report_id").cast(pl.String) + "-late")
    return pl.concat([reports, late.cast(reports.schema)]), youth


def across_year_boundary(reports, youth):
    """Move one young person's identification date from 30 June to 1 July (next SFY)."""
    moved = (
        youth.with_row_index("row")
        .filter(pl.col("identified_date").dt.year() == 2018)
        .head(1)["row"]
        .to_list()
    )
    shifted = (
        pl.when(pl.int_range(pl.len()).is_in(moved))
        .then(pl.lit(date(2019, 7, 1)))
        .otherwise(pl.col("identified_date"))
    )
    return reports, youth.with_columns(identified_date=shifted)


def assert_closed_years_unchanged(where: history.Places, kept_id: str) -> None:
    """Assert every cell of the kept release's fiscal years is shown alike now."""
    old = pl.read_parquet(where.history_dir / kept_id / "cells.parquet")
    new = pl.read_parquet(where.release_dir / "cells.parquet")
    years = old.filter(~pl.col("period").str.contains(domain.WINDOW_JOIN, literal=True))
    joined = years.join(new, on=KEY, how="left", suffix="_new")
    assert joined["status_new"].null_count() == 0
    assert (joined["status"] == joined["status_new"]).all()
    assert joined.filter(pl.col("value").ne_missing(pl.col("value_new"))).height == 0


def kept_ids(where: history.Places) -> list[str]:
    """Return the ids in the history index, newest first."""
    return [e["release_id"] for e in fmt.read_history(where.history_dir)["releases"]]


@pytest.mark.parametrize(
    "change",
    [
        drop_at_risk(largest=False, n=2),
        drop_at_risk(largest=True, n=2),
        add_reports,
        across_year_boundary,
    ],
    ids=["drop-2-small", "drop-2-large", "add-2-reports", "across-year-boundary"],
)
def test_revisions_of_closed_years_publish_nothing_new(base, extract_dir, tmp_path, change):
    """Late changes to published years leave those years as published; the pair passes."""
    where = copy_history(base, tmp_path)
    (base_id,) = kept_ids(where)
    source = perturbed(extract_dir, tmp_path, change)
    report = build(
        where.release_dir,
        extract_dir=source,
        edition=NEXT,
        fast=True,
        through=BASE_THROUGH,
        places=where,
    )
    assert report.figures["passed"]
    assert (
        json.loads((where.release_dir / "audit.json").read_text())["releases_audited_together"] == 2
    )
    assert kept_ids(where)[1:] == [base_id]
    assert_closed_years_unchanged(where, base_id)
    changes = pl.read_parquet(where.release_dir / "CHANGES.parquet")
    assert changes.height == 0
    joint = audit_release(where.release_dir, (where.history_dir / base_id,))
    assert joint.passed, joint.format()


def test_a_new_fiscal_year_is_audited_with_the_kept_release(base, extract_dir, tmp_path):
    """Appending 2021-22 (with a small change in a closed year) passes the joint audit; a dry
    run first reports the same changes and writes nothing."""
    where = copy_history(base, tmp_path)
    (base_id,) = kept_ids(where)
    source = perturbed(extract_dir, tmp_path, drop_at_risk(largest=False, n=1))
    files = sorted(where.release_dir.parent.rglob("*"))
    dry = build(
        where.release_dir, extract_dir=source, edition=NEXT, fast=True, places=where, dry_run=True
    )
    assert dry.figures["passed"] and dry.figures["changes"]["new"] > 0
    assert sorted(where.release_dir.parent.rglob("*")) == files
    report = build(where.release_dir, extract_dir=source, edition=NEXT, fast=True, places=where)
    assert report.figures["changes"] == dry.figures["changes"]
    new_id = kept_ids(where)[0]
    assert kept_ids(where) == [new_id, base_id]
    manifest = verify(where.release_dir).manifest
    assert manifest["previous_release_id"] == base_id
    assert manifest["periods"][-1] == domain.WINDOW
    verify(where.history_dir / base_id)
    assert_closed_years_unchanged(where, base_id)
    changes = pl.read_parquet(where.release_dir / "CHANGES.parquet")
    assert set(changes["change"]) == {"new", "removed"}
    removed = changes.filter(pl.col("change") == "removed")
    assert set(removed["period"]) == {domain.window_of(domain.SFYS[:-1])}
    assert set(changes.filter(pl.col("change") == "new")["period"]) == {
        domain.SFYS[-1],
        domain.WINDOW,
    }
    joint = audit_release(where.release_dir, (where.history_dir / base_id,))
    assert joint.passed, joint.format()
    assert (where.confidential_dir / new_id / history.YEARS_FILE).exists()


def test_joint_audit_finds_a_cell_shown_differently_in_two_releases(base, tmp_path):
    """Two releases that show one cell differently are a pair the audit rejects."""
    where = places(base)
    other = tmp_path / "other"
    other.mkdir()
    cells = pl.read_parquet(where.release_dir / "cells.parquet")
    shown = cells.with_row_index("row")
    first = shown.filter((pl.col("status") == domain.PUBLISHED) & (pl.col("geo_level") == "state"))[
        "row"
    ][0]
    changed = cells.with_columns(
        value=pl.when(pl.int_range(pl.len()) == first)
        .then(pl.col("value") + 2)
        .otherwise(pl.col("value"))
    )
    changed.write_parquet(other / "cells.parquet")
    shutil.copy(where.release_dir / "counties.csv", other / "counties.csv")
    shutil.copy(where.release_dir / "rates.parquet", other / "rates.parquet")
    joint = audit_release(where.release_dir, (other,))
    assert not joint.passed
    assert any(f["check"] == "changed_between_releases" for f in joint.failures)
    assert audit_release(where.release_dir).passed


def test_same_extract_and_dates_write_nothing(base, extract_dir, tmp_path):
    """Building the same release again changes nothing on disk."""
    where = copy_history(base, tmp_path)
    before = (where.release_dir / fmt.MANIFEST).read_bytes()
    report = build(
        where.release_dir,
        extract_dir=extract_dir,
        edition=BASE,
        fast=True,
        through=BASE_THROUGH,
        places=where,
    )
    assert report.figures["unchanged"] == kept_ids(where)[0]
    assert (where.release_dir / fmt.MANIFEST).read_bytes() == before
    assert len(kept_ids(where)) == 1


def test_missing_confidential_record_is_refused_plainly(base, extract_dir, tmp_path):
    """Without the kept release's true counts the next one cannot be audited: refused."""
    where = copy_history(base, tmp_path)
    shutil.rmtree(where.confidential_dir)
    before = (where.release_dir / fmt.MANIFEST).read_bytes()
    with pytest.raises(BuildError, match=r"confidential record of release .* is missing"):
        build(where.release_dir, extract_dir=extract_dir, edition=NEXT, fast=True, places=where)
    assert (where.release_dir / fmt.MANIFEST).read_bytes() == before


def test_a_release_cannot_drop_a_published_year(base, extract_dir, tmp_path):
    """An extract covering fewer years than already published is refused."""
    where = copy_history(base, tmp_path)
    with pytest.raises(BuildError, match="can only add fiscal years"):
        build(
            where.release_dir,
            extract_dir=extract_dir,
            edition=NEXT,
            fast=True,
            through="2019-20",
            places=where,
        )


def test_cli_lists_releases_and_audits_the_union(base, capsys):
    """`csec releases` names the current release; `csec audit` checks the kept history."""
    out = places(base).release_dir
    assert main(["releases", "--out", str(out)]) == 0
    listed = capsys.readouterr().out
    assert "current" in listed and "2015-16 to 2020-21" in listed
    assert main(["audit", str(out)]) == 0
    assert "0 earlier release(s)" in capsys.readouterr().out


def test_index_lists_every_kept_release_with_its_manifest_fields(base):
    """The index entry of a release is the manifest's history fields."""
    where = places(base)
    index = json.loads((where.history_dir / fmt.HISTORY_INDEX).read_text())
    manifest = verify(where.release_dir).manifest
    assert index["current"] == manifest["release_id"]
    assert index["releases"] == [fmt.history_entry(manifest)]


def test_method_changes_are_carried_from_the_changelog(tmp_path):
    """Only notes dated after the previous release, up to this one, are carried."""
    log = tmp_path / "changes.md"
    log.write_text(
        "# Method changes\n\n## 2026-01-01\n- old\n\n## 2026-07-01\n- kept, which\n  goes on\n"
        "- and another\n\n## 2027-01-01\n- future\n"
    )
    assert history.method_changes(log, "2026-06-15", "2026-09-15") == (
        "kept, which goes on",
        "and another",
    )
    assert history.method_changes(log, None, "2026-09-15") == ()
