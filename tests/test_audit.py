"""The LP audit: exact intervals on DDG cases, witness reuse, the report, the release audit."""

from __future__ import annotations

import json

import polars as pl
import pytest
from linked_tables import LEAVES, YEARS, funnel_cells, line_table

from dashboard import domain
from dashboard.disclosure.audit import audit, audit_release
from dashboard.disclosure.optimise import suppress
from dashboard.disclosure.relations import KEY, derive_relations

COUNTIES = pl.DataFrame(
    {
        "county_fips": ["06001", "06003", "06005", "06007", "06009"],
        "county_name": ["A", "B", "C", "D", "E"],
        "region_id": ["r1", "r1", "r2", "r2", "r2"],
        "region_name": ["R1", "R1", "R2", "R2", "R2"],
        "peer_group_id": ["p1", "p2", "p1", "p2", "p2"],
        "peer_group_name": ["P1", "P2", "P1", "P2", "P2"],
    }
)
LEAF_COUNTS = {
    "06001": [(3, 5, 0, 2, 1), (12, 8, 6, 20, 0)],
    "06003": [(40, 9, 14, 2, 0), None],
    "06005": [(33, 21, 17, 26, 3), (29, 1, 19, 22, 7)],
    "06007": [(55, 31, 24, 40, 11), (61, 35, 28, 44, 9)],
    "06009": [(18, 12, 13, 15, 4), (25, 16, 12, 30, 2)],
}


def funnel_universe() -> pl.DataFrame:
    """Return the funnel cells (true counts) of LEAF_COUNTS over COUNTIES."""
    rows = [
        {"county_fips": c, "period": y, **dict(zip(LEAVES, leaves or (None,) * 5, strict=True))}
        for c, by_year in LEAF_COUNTS.items()
        for y, leaves in zip(YEARS, by_year, strict=True)
    ]
    return funnel_cells(
        pl.DataFrame(rows, schema_overrides=dict.fromkeys(LEAVES, pl.Int64)), COUNTIES
    )


def primary_only(cells: pl.DataFrame) -> pl.DataFrame:
    """Return the pattern that hides only the 1..10 counts."""
    small = pl.col("value").is_between(domain.SMALL_MIN, domain.SMALL_MAX)
    return cells.with_columns(
        status=pl.when(pl.col("status") == domain.NOT_OPTED_IN)
        .then(pl.lit(domain.NOT_OPTED_IN))
        .when(small)
        .then(pl.lit(domain.SUPPRESSED))
        .otherwise(pl.lit(domain.PUBLISHED))
    )


def public(cells: pl.DataFrame) -> pl.DataFrame:
    """Return the published form of a suppressed frame: values only where published."""
    published = pl.col("status") == domain.PUBLISHED
    return cells.select(*KEY, value=pl.when(published).then(pl.col("value")), status="status")


def rates(cells: pl.DataFrame) -> pl.DataFrame:
    """Return a screen-in rate table computed from public cells, as the release writer does."""
    geo = ["geo_level", "geo_id", "period"]

    def side(measure: str, name: str) -> pl.DataFrame:
        return cells.filter(pl.col("measure") == measure).select(
            *geo, pl.col("value").alias(name), pl.col("status").alias(f"{name}_status")
        )

    joined = side("screened_in", "numerator").join(side("reports", "denominator"), on=geo)
    both = (pl.col("numerator_status") == domain.PUBLISHED) & (
        pl.col("denominator_status") == domain.PUBLISHED
    )
    published = both & (pl.col("denominator") > 0)
    return joined.select(
        pl.lit("screen_in_rate").alias("rate"),
        *geo,
        numerator_measure=pl.lit("screened_in"),
        numerator="numerator",
        denominator_measure=pl.lit("reports"),
        denominator="denominator",
        value=pl.when(published).then((pl.col("numerator") / pl.col("denominator") * 100).round(1)),
        unit=pl.lit("percent"),
        status=pl.when(published)
        .then(pl.lit(domain.PUBLISHED))
        .otherwise(pl.lit(domain.SUPPRESSED)),
    )


def write_release(directory, cells: pl.DataFrame) -> None:
    """Write the files audit_release reads: cells.parquet, rates.parquet, counties.csv."""
    shown = public(cells)
    shown.write_parquet(directory / "cells.parquet")
    rates(shown).write_parquet(directory / "rates.parquet")
    COUNTIES.write_csv(directory / "counties.csv")


@pytest.fixture(scope="module")
def suppressed() -> pl.DataFrame:
    """The funnel universe after suppression (true values kept)."""
    cells = funnel_universe()
    return suppress(cells, derive_relations(cells, COUNTIES))


def test_exact_intervals_of_ten_ten_ten():
    """Model A lets each hidden 10 range over [1, 28]; model B pins it to 10."""
    cells, relations = line_table({"t": 30, "a": 10, "b": 10, "c": 10}, [("t", ["a", "b", "c"])])
    report = audit(primary_only(cells), relations)
    assert not report.passed
    assert [(f["check"], f["interval_a"], f["interval_b"]) for f in report.failures] == [
        ("P3", [1.0, 28.0], [10.0, 10.0])
    ] * 3


def test_audit_passes_after_suppression_and_reuses_witnesses(suppressed):
    """The suppressed funnel passes; shared LPs settle many cells (fewer LPs than checks)."""
    cells = funnel_universe()
    relations = derive_relations(cells, COUNTIES)
    report = audit(suppressed, relations)
    assert report.passed, report.format()
    assert sum(report.hidden_by_tier.values()) == report.n_suppressed
    assert report.n_published + report.n_suppressed + report.n_not_opted_in == report.n_cells
    assert report.narrowest_p1_max >= 11
    assert report.narrowest_p3_width >= 2
    assert report.narrowest_hidden_width >= 1
    assert 0 < report.share_cells_hidden < 1
    n_primary = suppressed.filter(pl.col("value").is_between(1, 10)).height
    assert report.n_lps < 3 * n_primary
    published = report.to_dict()
    assert not {"n_primary", "n_complementary", "share_total_count_hidden"} & set(published)
    assert published["weights"][0]["tier"] == "statewide"


def test_report_is_json_and_the_same_on_every_run(suppressed):
    """to_dict() is JSON, carries no timing by default, and repeats exactly; format() reads."""
    relations = derive_relations(suppressed, COUNTIES)
    first, second = audit(suppressed, relations), audit(suppressed, relations)
    assert json.dumps(first.to_dict()) == json.dumps(second.to_dict())
    assert "seconds" not in first.to_dict()
    assert "seconds" in first.to_dict(include_timing=True)
    assert "PASSED" in first.format()


def test_primary_only_pattern_fails_with_the_cells_named(suppressed):
    """Primary-only suppression of the funnel fails; each failure names its cell and interval."""
    cells = funnel_universe()
    report = audit(primary_only(cells), derive_relations(cells, COUNTIES))
    assert not report.passed
    p1 = [f for f in report.failures if f["check"] == "P1"]
    assert p1 and all(f["interval_a"][1] < 11 for f in p1)
    assert all(set(f["cell"]) == set(KEY) for f in report.failures)


@pytest.mark.parametrize(
    ("tamper", "check"),
    [
        (pl.when(pl.col("value").is_between(1, 10)).then(pl.lit("published")), "published_small"),
        (pl.when(pl.col("value") == 0).then(pl.lit(domain.SUPPRESSED)), "hidden_zero"),
    ],
)
def test_audit_flags_bad_statuses(suppressed, tamper: pl.Expr, check: str):
    """A published small count or a suppressed zero fails the build audit."""
    broken = suppressed.with_columns(status=tamper.otherwise(pl.col("status")))
    report = audit(broken, derive_relations(suppressed, COUNTIES))
    assert check in {f["check"] for f in report.failures}


def test_audit_flags_true_values_that_do_not_add_up(suppressed):
    """If the aggregation is wrong, the relations do not hold and the audit says so."""
    state = (pl.col("geo_level") == "state") & (pl.col("period") == YEARS[0])
    broken = suppressed.with_columns(
        value=pl.when(state & (pl.col("measure") == "reports"))
        .then(pl.col("value") + 1)
        .otherwise(pl.col("value"))
    )
    report = audit(broken, derive_relations(suppressed, COUNTIES))
    assert "relation_does_not_hold" in {f["check"] for f in report.failures}


def test_release_audit_passes_on_a_published_release(tmp_path, suppressed):
    """From the public files alone: statuses, relations, P1 on every hidden cell, rates."""
    write_release(tmp_path, suppressed)
    report = audit_release(tmp_path)
    assert report.passed, report.format()
    assert report.mode == "release"
    assert report.n_suppressed == suppressed.filter(pl.col("status") == domain.SUPPRESSED).height
    assert report.narrowest_p1_max >= 11
    assert report.narrowest_p3_width is None  # which hidden cells are small is not in the files


def test_release_audit_finds_cells_recoverable_from_primary_only_suppression(tmp_path):
    """A release that hides only the small counts fails: arithmetic pins them below 11."""
    write_release(tmp_path, primary_only(funnel_universe()))
    report = audit_release(tmp_path)
    failures = [f for f in report.failures if f["check"] == "P1"]
    assert failures and all(f["interval_a"][1] < 11 for f in failures)


def tampered(frame: pl.DataFrame, where: pl.Expr, **columns: object) -> pl.DataFrame:
    """Return `frame` with `columns` set where `where` holds (first such row only)."""
    first = where & (pl.int_range(pl.len()) == pl.int_range(pl.len()).filter(where).first())
    return frame.with_columns(
        **{k: pl.when(first).then(pl.lit(v)).otherwise(pl.col(k)) for k, v in columns.items()}
    )


@pytest.mark.parametrize(
    ("where", "change", "check"),
    [
        (pl.col("status") == domain.SUPPRESSED, {"status": domain.PUBLISHED}, "published_small"),
        (pl.col("status") == domain.PUBLISHED, {"value": None}, "published_without_value"),
        (pl.col("status") == domain.PUBLISHED, {"value": 123_456}, "relation_does_not_hold"),
    ],
)
def test_release_audit_flags_tampered_cells(tmp_path, suppressed, where, change, check):
    """Leaked small counts, missing values and inconsistent totals fail the release audit."""
    write_release(tmp_path, suppressed)
    shown = pl.read_parquet(tmp_path / "cells.parquet")
    if "status" in change:
        truth = suppressed.select(*KEY, true=pl.col("value"))
        shown = shown.join(truth, on=list(KEY), maintain_order="left")
        small = pl.col("true").is_between(domain.SMALL_MIN, domain.SMALL_MAX)
        shown = tampered(shown, where & small, **change).with_columns(
            value=pl.when(pl.col("status") == domain.PUBLISHED).then(pl.col("true"))
        )
        shown = shown.drop("true")
    else:
        shown = tampered(shown, where, **change)
    shown.write_parquet(tmp_path / "cells.parquet")
    assert check in {f["check"] for f in audit_release(tmp_path).failures}


def test_release_audit_flags_hidden_value_and_rate_on_hidden_count(tmp_path, suppressed):
    """A hidden cell with a value, or a rate resting on a hidden count, fails."""
    write_release(tmp_path, suppressed)
    shown = pl.read_parquet(tmp_path / "cells.parquet")
    shown = tampered(shown, pl.col("status") == domain.SUPPRESSED, value=5)
    shown.write_parquet(tmp_path / "cells.parquet")
    rate_table = pl.read_parquet(tmp_path / "rates.parquet")
    leak = {"status": domain.PUBLISHED, "numerator": 3, "denominator": 50, "value": 6.0}
    rate_table = tampered(rate_table, pl.col("numerator").is_null(), **leak)
    rate_table.write_parquet(tmp_path / "rates.parquet")
    checks = {f["check"] for f in audit_release(tmp_path).failures}
    assert {"unpublished_with_value", "rate_on_hidden_count", "rate_numerator_differs"} <= checks
    assert "rate_denominator_differs" in checks


def test_release_audit_requires_the_rates_file(tmp_path, suppressed):
    """Without rates.parquet the release audit cannot pass."""
    write_release(tmp_path, suppressed)
    (tmp_path / "rates.parquet").unlink()
    assert "rates_missing" in {f["check"] for f in audit_release(tmp_path).failures}
