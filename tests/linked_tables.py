"""Hand-made linked tables for the suppression and audit tests (true counts + relations)."""

from __future__ import annotations

import polars as pl

from dashboard import domain
from dashboard.build.aggregate import geography_years, with_window
from dashboard.disclosure.relations import KEY, canonical_sort, relations_from_members

YEARS = domain.SFYS[:2]
DISPOSITIONS = ("substantiated", "inconclusive", "unfounded", "not_yet_determined")
LEAVES = ("evaluated_out", *DISPOSITIONS)


def line_table(
    values: dict[str, int], lines: list[tuple[str, list[str]]], levels: dict[str, str] | None = None
):
    """Return cells named by geo_id, and hand-made relations (total, parts) between them.

    `levels` gives the geo_level of some cells (the others are counties).
    """
    names = sorted(values)
    levels = levels or {}
    keys = pl.DataFrame(
        {
            "measure": "reports",
            "geo_level": [levels.get(n, "county") for n in names],
            "geo_id": names,
            "period": YEARS[0],
            "breakdown": domain.TOTAL_BREAKDOWN,
            "category": domain.ALL_CATEGORY,
        }
    )
    keys = canonical_sort(keys)
    position = {name: i for i, name in enumerate(keys["geo_id"])}
    rows = [(position[t], [position[p] for p in parts], "custom") for t, parts in lines]
    cells = keys.with_columns(
        value=pl.Series([values[n] for n in keys["geo_id"]], dtype=pl.Int64),
        status=pl.lit("count"),
    )
    return cells, relations_from_members(keys, rows)


def funnel_cells(wide: pl.DataFrame, counties: pl.DataFrame) -> pl.DataFrame:
    """Return the cell universe (true counts) of county-year leaf counts (null: not opted in)."""
    wide = wide.with_columns(screened_in=pl.sum_horizontal(DISPOSITIONS, ignore_nulls=False))
    wide = wide.with_columns(reports=pl.col("screened_in") + pl.col("evaluated_out"))
    long = wide.unpivot(index=["county_fips", "period"], variable_name="measure").join(
        counties, on="county_fips"
    )
    years = geography_years(long.with_columns(opted_in=pl.col("value").is_not_null()))
    not_opted = pl.col("value").is_null()
    cells = (
        with_window(years, ["measure", "geo_level", "geo_id"], domain.WINDOW)
        .with_columns(
            breakdown=pl.lit(domain.TOTAL_BREAKDOWN),
            category=pl.lit(domain.ALL_CATEGORY),
            value=pl.col("value").cast(pl.Int64),
            status=pl.when(not_opted).then(pl.lit(domain.NOT_OPTED_IN)).otherwise(pl.lit("count")),
        )
        .select(*KEY, "value", "status")
    )
    return canonical_sort(cells)  # group_by order varies; tests pick cells by position
