"""The committed demo release: rebuilt bytes, privacy invariants, calibration, golden fixture, CLI."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dashboard import domain, release_format
from dashboard.build.aggregate import aggregate
from dashboard.build.demo import build_demo_history, demo_places
from dashboard.build.pipeline import REAL_EXTRACT_TAG, BuildError, build, load_reference
from dashboard.build.publish import public_tables
from dashboard.cli import main
from dashboard.data.verify import verify
from dashboard.disclosure.audit import audit, audit_release
from dashboard.disclosure.optimise import suppress
from dashboard.disclosure.relations import derive_relations
from dashboard.extract import schema
from dashboard.extract.schema import ExtractError
from dashboard.reference import REFERENCE_DIR
from dashboard.release_format import Edition, read_history, release_directory

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "data" / "aggregates"
HISTORY = ROOT / "data" / "releases"
FIXTURE_EXTRACT = ROOT / "tests" / "fixtures" / "extract_small"
GOLDEN = ROOT / "tests" / "golden" / "extract_small"
COUNT_TABLES = ("cells", "funnel_wide", "youth_wide", "demographics")
REAL = Edition("extract", date(2026, 3, 2), date(2026, 3, 9), "https://data.example.gov/csec/")
REAL_DATES = ["--extract-date", "2026-03-02", "--url", "https://data.example.gov/csec/"]


def manifest(directory: Path) -> dict:
    """Return a release's manifest."""
    return json.loads((directory / "manifest.json").read_text())


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    """Return the data directory of a fresh build of the demo release history."""
    root = tmp_path_factory.mktemp("rebuild")
    build_demo_history(demo_places(root))
    return root


def kept_directories() -> list[Path]:
    """Return the directory of every kept release of the committed history, newest first."""
    history = read_history(HISTORY)
    return [
        release_directory(e["release_id"], history, RELEASE, HISTORY) for e in history["releases"]
    ]


def count_columns(frame: pl.DataFrame) -> list[str]:
    """Return the integer count columns of a public table."""
    return [c for c, t in frame.schema.items() if t.is_integer() and c != "estimate_year"]


def test_committed_history_is_byte_identical_to_a_rebuild(rebuilt):
    """The current release, every kept one and the index equal a rebuild (`make release`)."""
    committed = sorted(p.relative_to(RELEASE.parent) for p in RELEASE.parent.rglob("*"))
    committed = [p for p in committed if p.parts[0] in ("aggregates", "releases")]
    fresh = sorted(p.relative_to(rebuilt) for p in rebuilt.rglob("*"))
    assert committed == [p for p in fresh if p.parts[0] != "confidential"]
    for path in committed:
        if (RELEASE.parent / path).is_file():
            assert (RELEASE.parent / path).read_bytes() == (rebuilt / path).read_bytes(), (
                f"{path} differs: run `make release`"
            )


def test_committed_history_has_two_releases_and_every_one_verifies():
    """The demo keeps an earlier release; each passes the verifier and shows no count 1-10."""
    directories = kept_directories()
    assert len(directories) == 2 and directories[0] == RELEASE
    for directory in directories:
        verified = verify(directory)
        for table in COUNT_TABLES:
            frame = verified.tables[table]
            for column in count_columns(frame):
                assert not frame[column].is_between(domain.SMALL_MIN, domain.SMALL_MAX).any()
    previous = verify(directories[1]).manifest
    assert verify(RELEASE).manifest["previous_release_id"] == previous["release_id"]


def test_committed_history_passes_the_joint_audit():
    """The union of the kept releases passes the audit from published files alone."""
    current, *earlier = kept_directories()
    result = audit_release(current, tuple(earlier))
    assert result.passed, result.format()


def test_manifest_checksums_match_committed_files():
    files = manifest(RELEASE)["files"]
    assert {f["path"] for f in files} == {p.name for p in RELEASE.iterdir()} - {"manifest.json"}
    for entry in files:
        assert hashlib.sha256((RELEASE / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]


@pytest.mark.parametrize("table", COUNT_TABLES)
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_no_published_count_lies_in_1_to_10(table, fmt):
    path = RELEASE / f"{table}.{fmt}"
    schema = pl.read_parquet_schema(path.with_suffix(".parquet"))
    frame = pl.read_parquet(path) if fmt == "parquet" else pl.read_csv(path, schema=schema)
    columns = count_columns(frame)
    assert columns
    for column in columns:
        assert frame.filter(pl.col(column).is_between(1, 10)).height == 0, column


def test_rates_rest_only_on_published_counts():
    rates = pl.read_parquet(RELEASE / "rates.parquet")
    assert rates.filter(pl.col("numerator").is_between(1, 10)).height == 0
    published = rates.filter(status=domain.PUBLISHED)
    assert published["numerator"].null_count() == 0
    assert published["denominator"].null_count() == 0
    hidden = rates.filter(pl.col("status") != domain.PUBLISHED)
    assert hidden["value"].null_count() == hidden.height


def test_suppressed_cells_are_null_never_zero_and_published_never_null():
    cells = pl.read_parquet(RELEASE / "cells.parquet")
    assert set(cells["status"]) <= {domain.PUBLISHED, domain.SUPPRESSED, domain.NOT_OPTED_IN}
    assert (
        cells.filter(pl.col("status") != domain.PUBLISHED)["value"].null_count()
        == cells.filter(pl.col("status") != domain.PUBLISHED).height
    )
    assert cells.filter(status=domain.PUBLISHED)["value"].null_count() == 0
    assert cells.filter(status=domain.SUPPRESSED).height > 100  # suppression has real work to do


def test_every_data_file_says_synthetic():
    for path in RELEASE.glob("*.parquet"):
        assert set(pl.read_parquet(path)["data_source"]) == {domain.SYNTHETIC_TAG}, path.name
    for name in ("README.md", "CITATION.cff"):
        assert domain.SYNTHETIC_NOTICE in (RELEASE / name).read_text()
    assert manifest(RELEASE)["provenance"] == "synthetic"


def test_committed_release_passes_the_verifier():
    verified = verify(RELEASE)
    assert verified.manifest["data_license"] == "CC-BY-4.0"
    assert verified.audit["passed"] is True


def test_data_dictionary_describes_every_column():
    dictionary = pl.read_csv(RELEASE / "data_dictionary.csv")
    tables = {t.files[0]: t.name for t in release_format.TABLES}
    for path in RELEASE.glob("*.parquet"):
        described = set(dictionary.filter(table=tables[path.name])["column"])
        assert described == set(pl.read_parquet(path).columns), path.name


def test_csv_and_parquet_agree():
    for path in RELEASE.glob("*.parquet"):
        parquet = pl.read_parquet(path)
        csv = pl.read_csv(path.with_suffix(".csv"), schema=parquet.schema)
        assert csv.equals(parquet), path.name


@pytest.mark.parametrize(("measure", "expected"), [("reports", 70_334), ("youth", 38_168)])
def test_statewide_totals_are_published_and_calibrated(measure, expected):
    cells = pl.read_parquet(RELEASE / "cells.parquet")
    state = cells.filter(
        measure=measure, geo_level="state", period=domain.WINDOW, breakdown="total"
    )
    assert state["value"].to_list() == [expected]


@pytest.mark.parametrize(
    ("rate", "low", "high"),
    [
        ("screen_in_rate", 64.0, 66.0),
        ("inconclusive_rate", 19.5, 20.5),
        ("substantiation_rate", 23.0, 24.5),
        ("confirmed_share", 23.5, 24.5),
    ],
)
def test_statewide_rates_match_published_evaluation(rate, low, high):
    rates = pl.read_parquet(RELEASE / "rates.parquet")
    value = rates.filter(rate=rate, geo_level="state", period=domain.WINDOW)["value"][0]
    assert low <= value <= high


def fixture_public_tables() -> tuple[dict[str, pl.DataFrame], object]:
    """Return the suppressed public tables of the hand-written fixture and its audit report."""
    ref = load_reference(REFERENCE_DIR)
    extract = schema.read_extract(FIXTURE_EXTRACT, ref["counties"], ref["opt_in_roster"])
    cells = aggregate(extract.reports, extract.youth, ref["counties"], ref["opt_in_roster"])
    relations = derive_relations(cells, ref["counties"])
    suppressed = suppress(cells, relations, fast=True)
    tables = public_tables(
        suppressed, ref["counties"], ref["opt_in_roster"], ref["population"], REAL_EXTRACT_TAG
    )
    return tables, audit(suppressed, relations)


def test_golden_public_tables_of_hand_written_fixture():
    tables, _ = fixture_public_tables()
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name in ("cells", "rates"):
            tables[name].write_csv(GOLDEN / f"{name}.csv")
    for name in ("cells", "rates"):
        expected = (GOLDEN / f"{name}.csv").read_text()
        assert tables[name].write_csv() == expected, f"{name}: UPDATE_GOLDEN=1 to accept"
    assert tables["cells"].filter(pl.col("value").is_between(1, 10)).height == 0


def test_fixture_too_small_to_protect_is_refused_and_nothing_written(tmp_path):
    _, report = fixture_public_tables()
    assert not report.passed
    assert report.failures  # model B pins some small counts: no safe release exists
    out = tmp_path / "aggregates"
    with pytest.raises(BuildError, match="cannot be published safely") as refused:
        build(out, extract_dir=FIXTURE_EXTRACT, fast=True)
    assert not out.exists()
    message = str(refused.value)  # a build log may travel further than the extract
    assert "report funnel table" in message and "--show-failing-cells" in message
    assert "last good release is unchanged" in message and "P3" not in message
    assert "geo_id" not in message and "interval_b" not in message
    places = {f["cell"]["geo_id"] for f in report.failures if f["cell"]["geo_level"] != "state"}
    assert places and not any(place in message for place in places)


def test_cli_lists_failing_cells_only_when_asked(tmp_path, capsys):
    out = tmp_path / "aggregates"
    args = ["build", "--extract", str(FIXTURE_EXTRACT), "--out", str(out), "--fast", *REAL_DATES]
    assert main(args) == 2
    assert "interval_b" not in capsys.readouterr().err
    assert main([*args, "--show-failing-cells"]) == 2
    listed = capsys.readouterr().err.replace("\n", "")
    assert "interval_b" in listed and "geo_id" in listed
    assert not out.exists()


def test_cli_build_with_bad_extract_fails_clearly_and_keeps_release(tmp_path, capsys):
    out = tmp_path / "aggregates"
    shutil.copytree(RELEASE, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad"
    shutil.copytree(FIXTURE_EXTRACT, bad)
    reports = (bad / "reports.csv").read_text().splitlines()
    header = reports[0].split(",")
    row = reports[2].split(",")
    row[header.index("county_fips")] = "06999"
    reports[2] = ",".join(row)
    (bad / "reports.csv").write_text("\n".join(reports) + "\n")
    assert main(["build", "--extract", str(bad), "--out", str(out), *REAL_DATES]) == 2
    message = capsys.readouterr().err
    assert "reports.csv" in message
    assert "line 3" in message
    assert "county_fips" in message
    assert "06999" in message
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.parametrize("kind", ["header only", "no opted-in county"])
def test_cli_build_refuses_an_export_that_lost_its_rows(tmp_path, capsys, kind):
    out = tmp_path / "aggregates"
    shutil.copytree(RELEASE, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    extract = tmp_path / "extract"
    shutil.copytree(FIXTURE_EXTRACT, extract)
    args = ["build", "--extract", str(extract), "--out", str(out), *REAL_DATES]
    if kind == "header only":
        reports = extract / "reports.csv"
        reports.write_text(reports.read_text().splitlines()[0] + "\n")
        expected = "reports.csv: has no rows"
    else:
        expected = "county-year universe is empty"
    reference_dir = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference_dir)
    roster = pl.read_csv(reference_dir / "opt_in_roster.csv")
    if kind == "no opted-in county":
        roster.with_columns(opted_in=pl.lit(False)).write_csv(reference_dir / "opt_in_roster.csv")
    with pytest.raises(ExtractError, match=expected):
        build(out, extract_dir=extract, reference_dir=reference_dir, edition=REAL)
    if kind == "header only":
        assert main(args) == 2
        assert "must not publish zeros" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_cli_build_of_a_real_extract_needs_its_dates_and_url(tmp_path, capsys):
    out = tmp_path / "aggregates"
    assert main(["build", "--extract", str(FIXTURE_EXTRACT), "--out", str(out)]) == 2
    assert "--extract-date" in capsys.readouterr().err
    assert not out.exists()


def test_cli_audit_passes_on_committed_release(capsys):
    assert main(["audit", str(RELEASE)]) == 0
    assert "pass" in capsys.readouterr().out.lower()


def test_cli_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("build", "audit", "synth"):
        assert command in out
