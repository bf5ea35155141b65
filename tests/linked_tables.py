"""Hand-made linked tables for the suppression and audit tests (true counts + relations)."""

from __future__ import annotations

import polars as pl

from dashboard import domain
from dashboard.build.relations import KEY, canonical_sort, relations_from_members

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
    total = pl.when(pl.col("value").is_not_null().any()).then(pl.col("value").sum())
    levels = {"county": pl.col("county_fips"), "state": pl.lit(domain.STATE_FIPS)}
    levels |= {"region": pl.col("region_id"), "peer_group": pl.col("peer_group_id")}
    years = pl.concat(
        long.group_by("measure", "period", key.alias("geo_id"))
        .agg(value=total)
        .with_columns(geo_level=pl.lit(level))
        .select("measure", "geo_level", "geo_id", "period", "value")
        for level, key in levels.items()
    )
    window = years.group_by("measure", "geo_level", "geo_id").agg(value=total)
    window = window.with_columns(period=pl.lit(domain.WINDOW)).select(years.columns)
    not_opted = pl.col("value").is_null()
    cells = (
        pl.concat([years, window])
        .with_columns(
            breakdown=pl.lit(domain.TOTAL_BREAKDOWN),
            category=pl.lit(domain.ALL_CATEGORY),
            value=pl.col("value").cast(pl.Int64),
            status=pl.when(not_opted).then(pl.lit(domain.NOT_OPTED_IN)).otherwise(pl.lit("count")),
        )
        .select(*KEY, "value", "status")
    )
    return canonical_sort(cells)  # group_by order varies; tests pick cells by position
