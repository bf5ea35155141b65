"""Load the reference files (counties, opt-in roster, population); used by build and app alike."""

from __future__ import annotations

from pathlib import Path

import polars as pl

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"

COUNTIES_SCHEMA = {
    "county_fips": pl.String,
    "county_name": pl.String,
    "region_id": pl.String,
    "region_name": pl.String,
    "peer_group_id": pl.String,
    "peer_group_name": pl.String,
}
ROSTER_SCHEMA = {
    "county_fips": pl.String,
    "sfy": pl.String,
    "opted_in": pl.Boolean,
    "basis": pl.String,
}
POPULATION_SCHEMA = {
    "county_fips": pl.String,
    "sfy": pl.String,
    "population": pl.Int64,
    "estimate_year": pl.Int32,
    "note": pl.String,
}


def load_counties(directory: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Return the 58 counties with FIPS, name, region and peer group."""
    return pl.read_csv(directory / "counties.csv", schema=COUNTIES_SCHEMA)


def load_roster(directory: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Return the opt-in roster: one row per county and SFY."""
    return pl.read_csv(directory / "opt_in_roster.csv", schema=ROSTER_SCHEMA)


def load_population(directory: Path = REFERENCE_DIR) -> pl.DataFrame:
    """Return county population by SFY (all ages)."""
    return pl.read_csv(directory / "population.csv", schema=POPULATION_SCHEMA)
