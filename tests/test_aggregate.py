"""Aggregation: stage relations, geography roll-ups, windows, opt-in handling, demographics."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import polars as pl
import pytest

from dashboard import domain, reference
from dashboard.build.aggregate import (
    CASE_STATUS_MEASURE,
    CELL_KEY,
    PLACEMENT_MEASURE,
    age_group_index,
    aggregate,
    sfy_of,
    year_cells,
)

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


def test_sfy_of_every_day_matches_the_calendar_rule():
    days = pl.DataFrame(
        {"d": pl.date_range(dt.date(1999, 1, 1), dt.date(2040, 12, 31), eager=True)}
    )
    expected = [domain.sfy_of_year_start(d.year - (d.month < 7)) for d in days["d"]]
    assert days.select(sfy_of("d"))["d"].to_list() == expected


AGE_GROUP_OF = (
    (0, "under_12"),
    (11, "under_12"),
    (12, "12_13"),
    (13, "12_13"),
    (14, "14_15"),
    (15, "14_15"),
    (16, "16_17"),
    (17, "16_17"),
    (18, "18_plus"),
    (25, "18_plus"),
)


@pytest.mark.parametrize(("age", "group"), AGE_GROUP_OF)
def test_age_groups(age, group):
    index = pl.DataFrame({"a": [age]}, schema={"a": pl.Int16}).select(age_group_index("a"))
    assert domain.AGE_GROUPS[index[0, 0]] == group


def age_group_of(age: int) -> str:
    """Return the age group of an age, written out (reference for the aggregation)."""
    if age < 12:
        return "under_12"
    if age < 14:
        return "12_13"
    if age < 16:
        return "14_15"
    return "16_17" if age < 18 else "18_plus"


def record_measures(record: dict) -> list[str]:
    """Return the measures one report or young person counts towards, written out."""
    if "screening" in record:
        measures = ["reports", record["screening"]]
        if record["disposition"] is not None:
            measures.append(record["disposition"])
        return measures
    measures = ["youth", record["csec_status"], CASE_STATUS_MEASURE[record["case_status"]]]
    if record["csec_status"] == "confirmed":
        measures.append(PLACEMENT_MEASURE[record["placement_context"]])
    return measures


def reference_counts(reports: pl.DataFrame, youth: pl.DataFrame) -> Counter:
    """Count every record once per measure and cell, one record at a time (no polars)."""
    groups = {r["county_fips"]: r for r in COUNTIES.iter_rows(named=True)}
    counts: Counter = Counter()
    for table, date, age in (
        (reports, "received_date", "age_at_report"),
        (youth, "identified_date", "age"),
    ):
        for record in table.iter_rows(named=True):
            when, county = record[date], groups[record["county_fips"]]
            period = domain.sfy_of_year_start(when.year - (when.month < 7))
            places = [("county", county["county_fips"]), ("state", domain.STATE_FIPS)]
            places += [
                (level, county[column])
                for level, column in (("region", "region_id"), ("peer_group", "peer_group_id"))
            ]
            categories = {"age_group": age_group_of(record[age]), "sex": record["sex"]}
            categories["race_ethnicity"] = record["race_ethnicity"]
            for measure in record_measures(record):
                for level, geo in places:
                    counts[(measure, level, geo, period, "total", "all")] += 1
                if measure in domain.BREAKDOWN_MEASURES:
                    for breakdown, category in categories.items():
                        counts[
                            (measure, "state", domain.STATE_FIPS, period, breakdown, category)
                        ] += 1
    return counts


def test_year_cells_match_a_record_by_record_count():
    reports, youth = random_extract(seed=11, n_reports=1500, n_youth=800)
    years = year_cells(reports, youth, COUNTIES, ROSTER)
    counts = reference_counts(reports, youth)
    published = years.drop_nulls("value")
    expected = [counts[key] for key in published.select(CELL_KEY).iter_rows()]
    assert published["value"].to_list() == expected
    assert sum(expected) == sum(counts.values())  # no counted record is missing from a cell
    not_opted = ROSTER.filter(~pl.col("opted_in")).select("county_fips", "sfy").rows()
    county_nulls = years.filter(pl.col("value").is_null(), geo_level="county")
    assert set(county_nulls.select("geo_id", "period").rows()) == set(not_opted)
