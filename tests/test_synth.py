"""The synthetic demo extract: exact calibration totals and shares, determinism, validity."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from dashboard import domain
from dashboard.extract import synth
from dashboard.extract.schema import (
    REPORTS_SCHEMA,
    YOUTH_SCHEMA,
    Extract,
    read_extract,
    sfy_start_year,
    validate,
)
from dashboard.reference import load_roster

TOLERANCE = 0.005  # ±0.5 percentage point


@pytest.fixture(scope="module")
def extract() -> Extract:
    """Return the default demo extract (scale 1), generated once for the module."""
    return synth.generate()


def with_sfy(frame: pl.DataFrame, date_column: str) -> pl.DataFrame:
    """Return the frame with the SFY id of its date column."""
    start = sfy_start_year(pl.col(date_column))
    sfy = pl.format("{}-{}", start, ((start + 1) % 100).cast(pl.String).str.zfill(2))
    return frame.with_columns(sfy=sfy)


def share(frame: pl.DataFrame, column: str, value: str, among: pl.Expr | None = None) -> float:
    """Return the share of rows (optionally among a subset) whose column equals value."""
    subset = frame if among is None else frame.filter(among)
    return (subset[column] == value).mean()


SHARES = [
    ("reports", "screening", "screened_in", None, 0.65),
    ("reports", "disposition", "inconclusive", pl.col("screening") == "screened_in", 0.20),
    ("reports", "disposition", "substantiated", pl.col("screening") == "screened_in", 0.24),
    ("reports", "disposition", "not_yet_determined", pl.col("screening") == "screened_in", 0.03),
    ("youth", "csec_status", "confirmed", None, 0.24),
    (
        "youth",
        "placement_context",
        "placement_history_not_in_care",
        pl.col("csec_status") == "confirmed",
        0.040,
    ),
    ("youth", "placement_context", "in_placement", pl.col("csec_status") == "confirmed", 0.115),
    (
        "youth",
        "placement_context",
        "absent_from_placement",
        pl.col("csec_status") == "confirmed",
        0.028,
    ),
    ("youth", "case_status", "prior_closed_case", None, 0.160),
    ("youth", "case_status", "open_case", None, 0.142),
    ("youth", "case_status", "case_opened_after", None, 0.195),
    ("youth", "sex", "female", None, 0.85),
]


def test_exact_totals(extract: Extract):
    """Scale 1 reproduces the evaluation's 70,334 reports and 38,168 young people."""
    assert extract.reports.height == 70_334
    assert extract.youth.height == 38_168


@pytest.mark.parametrize(("table", "column", "value", "among", "target"), SHARES)
def test_calibrated_share(extract: Extract, table, column, value, among, target):
    """Every calibrated share is within half a percentage point of its target."""
    assert share(getattr(extract, table), column, value, among) == pytest.approx(
        target, abs=TOLERANCE
    )


def test_evaluated_out_reports_have_no_disposition(extract: Extract):
    """Only screened-in reports carry a disposition."""
    reports = extract.reports
    has_disposition = reports["disposition"].is_not_null()
    assert (has_disposition == (reports["screening"] == "screened_in")).all()


def test_contract_dtypes_and_validity(extract: Extract):
    """The generated frames have the contract's dtypes and pass validation unchanged."""
    assert extract.reports.schema == pl.Schema(REPORTS_SCHEMA)
    assert extract.youth.schema == pl.Schema(YOUTH_SCHEMA)
    validated = validate(extract)
    assert validated.reports.equals(extract.reports)
    assert validated.youth.equals(extract.youth)


def test_deterministic(extract: Extract):
    """The same seed gives identical frames; another seed gives different ones."""
    again = synth.generate()
    assert again.reports.equals(extract.reports)
    assert again.youth.equals(extract.youth)
    other = synth.generate(seed=synth.DEFAULT_SEED + 1)
    assert not other.reports.equals(extract.reports)


def test_only_opted_in_county_years(extract: Extract):
    """Every record falls in a county-year the roster marks as opted in."""
    opted = load_roster().filter(pl.col("opted_in")).select("county_fips", "sfy")
    for frame, date_column in (
        (extract.reports, "received_date"),
        (extract.youth, "identified_date"),
    ):
        outside = with_sfy(frame, date_column).join(opted, on=["county_fips", "sfy"], how="anti")
        assert outside.is_empty()


def test_many_small_county_year_cells(extract: Extract):
    """Many county × SFY × disposition cells hold 1-10 reports, so suppression has work."""
    cells = (
        with_sfy(extract.reports, "received_date")
        .group_by("county_fips", "sfy", "disposition")
        .len()
    )
    small = cells.filter(pl.col("len").is_between(domain.SMALL_MIN, domain.SMALL_MAX))
    assert small.height >= 50


def test_reports_refer_to_youth_of_their_county(extract: Extract):
    """Most reports are about a young person in the youth table, of the same county."""
    linked = extract.reports.join(
        extract.youth.select("child_id", youth_county="county_fips"), on="child_id"
    )
    assert linked.height / extract.reports.height > 0.75
    assert (linked["county_fips"] == linked["youth_county"]).all()
    assert extract.reports["report_id"].is_unique().all()


def test_plausible_demographics(extract: Extract):
    """Latinx youth are the largest group; Black youth weigh more among confirmed cases."""
    youth = extract.youth
    counts = youth["race_ethnicity"].value_counts(sort=True)
    assert counts["race_ethnicity"][0] == "latinx"
    confirmed = pl.col("csec_status") == "confirmed"
    at_risk = pl.col("csec_status") == "at_risk"
    assert share(youth, "race_ethnicity", "black", confirmed) > share(
        youth, "race_ethnicity", "black", at_risk
    )
    assert share(youth, "race_ethnicity", "latinx", at_risk) > share(
        youth, "race_ethnicity", "latinx", confirmed
    )
    teenagers = extract.reports["age_at_report"].is_between(12, 17).mean()
    assert teenagers > 0.8


def test_scale_multiplies_totals():
    """Totals scale to round(70,334·k) and round(38,168·k)."""
    scaled = synth.generate(scale=2.5)
    assert (scaled.reports.height, scaled.youth.height) == (175_835, 95_420)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_written_extract_reads_back(tmp_path: Path, extract: Extract, fmt: str):
    """A written extract reads back identical and carries a README saying it is synthetic."""
    synth.write_extract(extract, tmp_path, fmt=fmt)
    back = read_extract(tmp_path)
    assert back.reports.equals(extract.reports)
    assert back.youth.equals(extract.youth)
    assert "NOT REAL CSEC DATA" in (tmp_path / "README.txt").read_text(encoding="utf-8")


def test_command_line(tmp_path: Path):
    """`python -m dashboard.extract.synth OUTDIR` writes an extract with its parameters noted."""
    synth.main([str(tmp_path), "--seed", "7", "--scale", "0.1", "--format", "csv"])
    assert read_extract(tmp_path).reports.height == 7_033
    assert "seed 7, scale 0.1" in (tmp_path / "README.txt").read_text(encoding="utf-8")
