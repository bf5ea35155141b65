"""Public tables of the release: suppressed cells, rates, wide views, demographics."""

from __future__ import annotations

import polars as pl

from dashboard import domain
from dashboard.build.derived import derived_tables
from dashboard.build.rates import rates_table

GEO_COLUMNS = ["geo_level", "geo_id", "geo_name", "period"]
FUNNEL_MEASURES = [m.id for m in domain.MEASURES if m.family == "funnel"]
YOUTH_MEASURES = [m.id for m in domain.MEASURES if m.family != "funnel"]


def geo_names(counties: pl.DataFrame) -> pl.DataFrame:
    """Return geo_level, geo_id and display name for the state, regions, peer groups, counties."""
    return pl.concat(
        [
            pl.DataFrame(
                {
                    "geo_level": ["state"],
                    "geo_id": [domain.STATE_FIPS],
                    "geo_name": [domain.STATE_NAME],
                }
            ),
            counties.select(
                geo_level=pl.lit("region"), geo_id="region_id", geo_name="region_name"
            ).unique(),
            counties.select(
                geo_level=pl.lit("peer_group"), geo_id="peer_group_id", geo_name="peer_group_name"
            ).unique(),
            counties.select(
                geo_level=pl.lit("county"), geo_id="county_fips", geo_name="county_name"
            ),
        ]
    )


def public_cells(suppressed: pl.DataFrame, counties: pl.DataFrame, source: str) -> pl.DataFrame:
    """Return the published cells: value only where status is published; no private columns."""
    allowed = {domain.PUBLISHED, domain.SUPPRESSED, domain.NOT_OPTED_IN}
    unknown = set(suppressed["status"].unique()) - allowed
    if unknown:
        raise ValueError(f"cells carry statuses that cannot be published: {sorted(unknown)}")
    return suppressed.join(
        geo_names(counties), on=["geo_level", "geo_id"], how="left", maintain_order="left"
    ).select(
        "measure",
        *GEO_COLUMNS,
        "breakdown",
        "category",
        value=pl.when(pl.col("status") == domain.PUBLISHED).then(pl.col("value")).cast(pl.Int64),
        status="status",
        data_source=pl.lit(source),
    )


def wide(cells: pl.DataFrame, measures: list[str]) -> pl.DataFrame:
    """Return one row per geography and period with value and status columns per measure."""
    totals = cells.filter(
        (pl.col("breakdown") == domain.TOTAL_BREAKDOWN) & pl.col("measure").is_in(measures)
    )
    rows = totals.select(GEO_COLUMNS).unique(maintain_order=True)
    for measure in measures:
        one = totals.filter(pl.col("measure") == measure).select(
            *GEO_COLUMNS,
            pl.col("value").alias(measure),
            pl.col("status").alias(f"{measure}_status"),
        )
        rows = rows.join(one, on=GEO_COLUMNS, how="left", maintain_order="left")
    return rows.join(
        totals.select(*GEO_COLUMNS, "data_source").unique(), on=GEO_COLUMNS, maintain_order="left"
    )


def demographics(cells: pl.DataFrame) -> pl.DataFrame:
    """Return the statewide demographic breakdown rows with their totals (long form)."""
    return cells.filter(
        (pl.col("geo_level") == "state") & pl.col("measure").is_in(domain.BREAKDOWN_MEASURES)
    )


def public_tables(
    suppressed: pl.DataFrame,
    counties: pl.DataFrame,
    roster: pl.DataFrame,
    population: pl.DataFrame,
    source: str,
) -> dict[str, pl.DataFrame]:
    """Return every public data table of the release by name; `source` tags every row."""
    cells = public_cells(suppressed, counties, source)
    rates = rates_table(cells, counties, roster, population)
    names = geo_names(counties)
    rates = rates.join(names, on=["geo_level", "geo_id"], how="left", maintain_order="left").select(
        "rate", *GEO_COLUMNS, *[c for c in rates.columns if c not in {"rate", *GEO_COLUMNS}]
    )
    return {
        "cells": cells,
        "rates": rates.with_columns(data_source=pl.lit(source)),
        "funnel_wide": wide(cells, FUNNEL_MEASURES),
        "youth_wide": wide(cells, YOUTH_MEASURES),
        "demographics": demographics(cells),
        **derived_tables(cells, rates, counties, source),
    }
