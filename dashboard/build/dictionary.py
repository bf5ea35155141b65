"""The release's data dictionary: one description per column of every table."""

from __future__ import annotations

import polars as pl

from dashboard import domain

COMMON = {
    "geo_level": "Geography level: state, region, peer_group or county",
    "geo_id": "Geography id: 06 (state), region or peer-group id, or 5-digit county FIPS",
    "geo_name": "Geography display name",
    "period": f"State fiscal year (1 July - 30 June) such as 2015-16, or the whole window '{domain.WINDOW}'",
    "status": (
        "published; suppressed (hidden to protect privacy: a small number, or a number from which "
        "one could be worked out); not_opted_in (county, or every county of the group, not in the "
        "program that fiscal year); not_applicable (rates only: denominator is zero)"
    ),
    "data_source": "Always 'synthetic demo - not real CSEC data' in the demonstration release",
}
TABLE_COLUMNS = {
    "cells": {
        "measure": "Count measured: " + ", ".join(m.id for m in domain.MEASURES),
        "breakdown": "total, or (statewide only) age_group, sex or race_ethnicity",
        "category": "'all' for totals, else the category of the breakdown",
        "value": "The count; empty unless status is published. A published 0 is a real zero",
    },
    "rates": {
        "rate": "Derived value: " + ", ".join(r.id for r in domain.RATES),
        "numerator_measure": "Measure counted in the numerator",
        "numerator": "Numerator count (empty unless published)",
        "denominator_measure": "Measure in the denominator, or 'population' (residents, all ages)",
        "denominator": (
            "Denominator: a published count, or residents of the opted-in counties "
            "(window: summed over the opted-in fiscal years, so the rate is an average annual rate)"
        ),
        "value": "Percent (0-100, 1 decimal) or rate per 100,000 residents (2 decimals); empty unless published",
        "unit": "percent or per_100k",
    },
    "demographics": {},
    "counties": {
        "county_fips": "5-digit county FIPS code",
        "county_name": "County name",
        "region_id": "Region id (CWDA regions)",
        "region_name": "Region name",
        "peer_group_id": "Peer group id (population band, Census 2019)",
        "peer_group_name": "Peer group name",
    },
    "opt_in_roster": {
        "county_fips": "5-digit county FIPS code",
        "sfy": "State fiscal year",
        "opted_in": "true if the county was in the Opt-In CSEC Program that year (ILLUSTRATIVE roster)",
        "basis": "confirmed (with its source) or illustrative",
    },
    "population": {
        "county_fips": "5-digit county FIPS code",
        "sfy": "State fiscal year",
        "population": "Residents, all ages, on 1 July of the fiscal year's first year (Census Vintage 2019)",
        "estimate_year": "Calendar year of the estimate used",
        "note": "Set when a later year carries the 2019 estimate forward",
    },
}


def wide_columns(table: str, frame: pl.DataFrame) -> dict[str, str]:
    """Return descriptions of the measure columns of a wide table."""
    described = {}
    for column in frame.columns:
        measure = domain.MEASURE_BY_ID.get(column.removesuffix("_status"))
        if measure is None:
            continue
        if column.endswith("_status"):
            described[column] = f"Status of {measure.id}"
        else:
            described[column] = f"{measure.label} ({measure.unit}); empty unless published"
    return described


def data_dictionary(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Return table, column, type, description for every column of every table."""
    rows = []
    for table, frame in tables.items():
        described = {**COMMON, **TABLE_COLUMNS["cells"], **TABLE_COLUMNS.get(table, {})}
        described |= wide_columns(table, frame)
        for column, dtype in frame.schema.items():
            if column not in described:
                raise KeyError(f"data dictionary has no description for {table}.{column}")
            rows.append((table, column, str(dtype), described[column]))
    return pl.DataFrame(rows, schema=["table", "column", "type", "description"], orient="row")
