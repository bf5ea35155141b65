"""What changed between a release and the one it follows: its `changes` table counted by kind,
and the differences of the reference tables (opt-in roster, population) of the two."""

from __future__ import annotations

import polars as pl

from dashboard import domain
from dashboard.data.release import Release

# Kinds of change as the What changed page counts them (a status change is split by direction).
KINDS: dict[str, str] = {
    "value": "Value revised",
    "shown": "Now published",
    "hidden": "Now hidden",
    "status": "Other status change",
    "new": "New",
    "removed": "No longer in the release",
}


def kind_column() -> pl.Expr:
    """Return the kind of each row of `changes` (a KINDS key)."""
    status = pl.col("change") == "status"
    return (
        pl.when(status & (pl.col("status") == domain.PUBLISHED))
        .then(pl.lit("shown"))
        .when(status & (pl.col("previous_status") == domain.PUBLISHED))
        .then(pl.lit("hidden"))
        .otherwise(pl.col("change"))
        .alias("kind")
    )


ORDERS = {
    "measure": [m.id for m in domain.MEASURES],
    "geo_level": list(domain.GEO_LEVELS),
}


def counted(changes: pl.DataFrame, by: tuple[str, ...]) -> pl.DataFrame:
    """Return one row per group of `by` with how many cells changed in each kind (and in all),
    in the domain's order of measures and levels (periods in time order)."""
    kinds = changes.with_columns(kind_column())
    counts = kinds.group_by(*by).agg(
        *(pl.col("kind").eq(k).sum().alias(k) for k in KINDS), pl.len().alias("all")
    )
    order = []
    for c in by:
        if c in ORDERS:
            ranks = list(range(len(ORDERS[c])))
            order.append(pl.col(c).replace_strict(ORDERS[c], ranks, default=len(ranks)))
        elif c == "period":  # fiscal years in time order, then the whole windows
            order += [pl.col(c).str.contains(domain.WINDOW_JOIN, literal=True), pl.col(c)]
        else:
            order.append(pl.col(c))
    return counts.sort(order)


def totals(changes: pl.DataFrame) -> dict[str, int]:
    """Return how many cells changed in each kind (KINDS keys)."""
    kinds = changes.with_columns(kind_column())["kind"].to_list()
    return {k: kinds.count(k) for k in KINDS}


def new_periods(rel: Release) -> tuple[str, ...]:
    """Return the periods of `rel` the previous release did not have, in order: those whose
    changes are all new cells (each period has every cell of the release's table design)."""
    kinds = rel.changes.group_by("period").agg(only_new=(pl.col("change") == "new").all())
    new = set(kinds.filter(pl.col("only_new"))["period"].to_list())
    return tuple(p for p in rel.periods if p in new)


REFERENCE_COLUMNS = {"opt_in_roster": "opted_in", "population": "population"}


def new_years(rel: Release, previous: Release, table: str) -> pl.DataFrame:
    """Return the rows of a reference table for fiscal years the previous release did not list."""
    listed = previous.tables[table]["sfy"].unique()
    return rel.tables[table].filter(~pl.col("sfy").is_in(listed.implode()))


def reference_diff(rel: Release, previous: Release, table: str) -> pl.DataFrame:
    """Return county_fips, sfy, before, now of a reference table's rows that differ in a fiscal
    year the previous release listed (null: no row)."""
    key, column = ["county_fips", "sfy"], REFERENCE_COLUMNS[table]
    before, now = previous.tables[table], rel.tables[table]
    joined = before.select(*key, before=column).join(
        now.filter(pl.col("sfy").is_in(before["sfy"].unique().implode())).select(*key, now=column),
        on=key,
        how="full",
        coalesce=True,
    )
    return joined.filter(pl.col("before").ne_missing(pl.col("now"))).sort(key)
