"""Aggregation: stage relations, geography roll-ups, windows, opt-in handling, demographics."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from dashboard import domain, reference
from dashboard.build.aggregate import aggregate, sfy_of

COUNTIES = reference.load_counties()
ROSTER = reference.load_roster()


def random_extract(
    seed: int = 7, n_reports: int = 4000, n_youth: int = 2000
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return random reports and youth frames in opted-in county-years only."""
    rng = np.random.default_rng(seed)
    opted = ROSTER.filter(pl.col("opted_in"))
    start = {sfy: dt.date(int(sfy[:4]), 7, 1) for sfy in domain.SFYS}

    def base(n: int, date_column: str) -> dict:
        rows = rng.integers(0, opted.height, n)
        days = rng.integers(0, 365, n)
        return {
            "county_fips": opted["county_fips"].gather(rows).to_list(),
            date_column: [
                start[s] + dt.timedelta(days=int(d))
                for s, d in zip(opted["sfy"].gather(rows), days, strict=True)
            ],
            "sex": rng.choice(domain.SEXES, n).tolist(),
            "race_ethnicity": rng.choice(domain.RACE_ETHNICITIES, n).tolist(),
        }

    screening = rng.choice(["screened_in", "evaluated_out"], n_reports)
    disposition = rng.choice(
        ["substantiated", "inconclusive", "unfounded", "not_yet_determined"], n_reports
    )
    reports = pl.DataFrame(
        {
            "report_id": [f"R{i}" for i in range(n_reports)],
            "child_id": [f"C{i}" for i in range(n_reports)],
            **base(n_reports, "received_date"),
            "screening": screening,
            "disposition": [
                d if s == "screened_in" else None
                for s, d in zip(screening, disposition, strict=True)
            ],
            "age_at_report": rng.integers(8, 21, n_reports),
        }
    )
    youth = pl.DataFrame(
        {
            "child_id": [f"Y{i}" for i in range(n_youth)],
            **base(n_youth, "identified_date"),
            "csec_status": rng.choice(["confirmed", "at_risk"], n_youth),
            "placement_context": rng.choice(
                [
                    "in_placement",
                    "absent_from_placement",
                    "placement_history_not_in_care",
                    "no_placement_history",
                ],
                n_youth,
            ),
            "case_status": rng.choice(
                ["open_case", "prior_closed_case", "case_opened_after", "no_case"], n_youth
            ),
            "age": rng.integers(8, 21, n_youth),
        }
    )
    return reports, youth


@pytest.fixture(scope="module")
def cells() -> pl.DataFrame:
    """Return the true cell universe of a random extract."""
    reports, youth = random_extract()
    return aggregate(reports, youth, COUNTIES, ROSTER)


def value(cells: pl.DataFrame, **key: str) -> int | None:
    """Return the value of the one cell matching the key (total breakdown by default)."""
    key = {"breakdown": "total", "category": "all", **key}
    match = cells.filter(**key)
    assert match.height == 1, key
    return match["value"][0]


def totals(cells: pl.DataFrame) -> pl.DataFrame:
    """Return total-breakdown cells pivoted to one column per measure."""
    return cells.filter(breakdown="total").pivot(
        "measure", index=["geo_level", "geo_id", "period"], values="value"
    )


def test_every_cell_key_is_unique(cells):
    assert (
        cells.select("measure", "geo_level", "geo_id", "period", "breakdown", "category")
        .is_duplicated()
        .sum()
        == 0
    )


@pytest.mark.parametrize(
    ("total", "parts"),
    [
        (domain.HIERARCHY_TOTAL[name], children)
        for name, children in domain.MEASURE_HIERARCHY.items()
    ],
)
def test_measure_hierarchy_adds_up_everywhere(cells, total, parts):
    wide = totals(cells).drop_nulls([total, *parts])  # wherever the table design has the parts
    assert wide.height > 0
    assert (wide[total] == wide.select(pl.sum_horizontal(parts))[:, 0]).all()


def test_table_design_keeps_placement_and_case_by_year_only_statewide(cells):
    window_only = cells.filter(pl.col("measure").is_in(domain.WINDOW_ONLY_MEASURES))
    by_year = window_only.filter(pl.col("period") != domain.WINDOW)
    assert set(by_year["geo_level"]) == {"state"}
    assert {"county", "region", "peer_group"} <= set(window_only["geo_level"])
    kept = cells.filter(pl.col("measure").is_in(["reports", "youth", "confirmed", "at_risk"]))
    assert "county" in set(kept.filter(pl.col("period") != domain.WINDOW)["geo_level"])


def test_reports_total_matches_extract(cells):
    assert value(cells, measure="reports", geo_level="state", period=domain.WINDOW) == 4000
    assert value(cells, measure="youth", geo_level="state", period=domain.WINDOW) == 2000


@pytest.mark.parametrize("level", ["state", "region", "peer_group"])
def test_groups_are_sums_of_their_counties(cells, level):
    column = {"state": None, "region": "region_id", "peer_group": "peer_group_id"}[level]
    county = cells.filter(geo_level="county", breakdown="total").join(
        COUNTIES.select("county_fips", "region_id", "peer_group_id"),
        left_on="geo_id",
        right_on="county_fips",
    )
    key = pl.lit("06") if column is None else pl.col(column)
    summed = county.group_by(key.alias("geo_id"), "period", "measure").agg(
        expected=pl.col("value").sum()
    )
    groups = cells.filter(geo_level=level, breakdown="total").join(
        summed, on=["geo_id", "period", "measure"]
    )
    published = groups.filter(pl.col("value").is_not_null())
    assert published.height > 0
    assert (published["value"] == published["expected"]).all()


def test_window_is_sum_of_years(cells):
    years = cells.filter(pl.col("period") != domain.WINDOW)
    summed = years.group_by("measure", "geo_level", "geo_id", "breakdown", "category").agg(
        expected=pl.col("value").sum()
    )
    window = (
        cells.filter(period=domain.WINDOW)
        .drop_nulls("value")
        .join(summed, on=["measure", "geo_level", "geo_id", "breakdown", "category"])
    )
    assert (window["value"] == window["expected"]).all()


def test_county_not_opted_in_is_null_with_status(cells):
    alpine = cells.filter(geo_id="06003")  # Alpine never opted in (illustrative roster)
    assert alpine["value"].null_count() == alpine.height
    assert set(alpine["status"]) == {domain.NOT_OPTED_IN}
    santa_cruz_first_year = cells.filter(geo_id="06087", period="2015-16")
    assert set(santa_cruz_first_year["status"]) == {domain.NOT_OPTED_IN}


def test_peer_group_with_no_opted_in_county_is_not_opted_in(cells):
    rural_first_year = cells.filter(geo_level="peer_group", geo_id="rural", period="2015-16")
    assert set(rural_first_year["status"]) == {domain.NOT_OPTED_IN}
    rural_window = cells.filter(geo_level="peer_group", geo_id="rural", period=domain.WINDOW)
    assert set(rural_window["status"]) == {"count"}


@pytest.mark.parametrize("breakdown", list(domain.BREAKDOWNS))
def test_demographic_categories_add_up_to_state_totals(cells, breakdown):
    parts = (
        cells.filter(breakdown=breakdown).group_by("measure", "period").agg(pl.col("value").sum())
    )
    state = cells.filter(
        pl.col("measure").is_in(domain.BREAKDOWN_MEASURES), geo_level="state", breakdown="total"
    )
    joined = state.join(parts, on=["measure", "period"], suffix="_parts")
    assert joined.height == len(domain.BREAKDOWN_MEASURES) * len(domain.PERIODS)
    assert (joined["value"] == joined["value_parts"]).all()


def test_demographics_only_statewide(cells):
    assert set(cells.filter(pl.col("breakdown") != "total")["geo_level"]) == {"state"}


@pytest.mark.parametrize(
    ("date", "sfy"),
    [
        (dt.date(2015, 7, 1), "2015-16"),
        (dt.date(2016, 6, 30), "2015-16"),
        (dt.date(2019, 12, 31), "2019-20"),
        (dt.date(2022, 6, 30), "2021-22"),
    ],
)
def test_sfy_boundaries(date, sfy):
    assert pl.DataFrame({"d": [date]}).select(sfy_of("d"))[0, 0] == sfy
