"""Derived values (rates, shares, per-100,000 figures), published only on published counts."""

from __future__ import annotations

import polars as pl

from dashboard import domain
from dashboard.build.aggregate import GROUP_LEVELS, release_sfys

GEO_KEY = ["geo_level", "geo_id", "period"]
DECIMALS = {"percent": 1, "per_100k": 2}


def population_denominators(
    counties: pl.DataFrame, roster: pl.DataFrame, population: pl.DataFrame
) -> pl.DataFrame:
    """Return residents of opted-in counties per geography and period (window: person-years)."""
    window = domain.window_of(release_sfys(roster))
    base = (
        population.join(roster, on=["county_fips", "sfy"])
        .filter(pl.col("opted_in"))
        .join(counties, on="county_fips")
        .rename({"sfy": "period"})
    )
    levels = [("county", pl.col("county_fips")), ("state", pl.lit(domain.STATE_FIPS))]
    levels += [(level, pl.col(column)) for level, column in GROUP_LEVELS.items()]
    frames = []
    for level, key in levels:
        by_year = base.group_by(key.alias("geo_id"), "period").agg(
            denominator=pl.col("population").sum()
        )
        whole = (
            by_year.group_by("geo_id")
            .agg(pl.col("denominator").sum())
            .with_columns(period=pl.lit(window))
        )
        frames.append(
            pl.concat([by_year, whole.select(by_year.columns)]).with_columns(
                geo_level=pl.lit(level)
            )
        )
    return pl.concat(frames).select(*GEO_KEY, pl.col("denominator").cast(pl.Int64))


def side(cells: pl.DataFrame, measure: str, prefix: str) -> pl.DataFrame:
    """Return one measure's total cells as <prefix> value and <prefix>_status columns."""
    return cells.filter(
        (pl.col("measure") == measure) & (pl.col("breakdown") == domain.TOTAL_BREAKDOWN)
    ).select(*GEO_KEY, pl.col("value").alias(prefix), pl.col("status").alias(f"{prefix}_status"))


def rate_status() -> pl.Expr:
    """Return the status of a rate from the statuses of its numerator and denominator."""
    sides = [pl.col("numerator_status"), pl.col("denominator_status")]
    return (
        pl.when(pl.any_horizontal(s == domain.NOT_OPTED_IN for s in sides))
        .then(pl.lit(domain.NOT_OPTED_IN))
        .when(pl.any_horizontal(s == domain.SUPPRESSED for s in sides))
        .then(pl.lit(domain.SUPPRESSED))
        .when(pl.col("denominator") == 0)
        .then(pl.lit(domain.NOT_APPLICABLE))
        .otherwise(pl.lit(domain.PUBLISHED))
    )


def one_rate(cells: pl.DataFrame, rate: domain.Rate, population: pl.DataFrame) -> pl.DataFrame:
    """Return one rate for every geography and period of the total cells."""
    numerator = side(cells, rate.numerator, "numerator")
    if rate.denominator == "population":
        denominator = population.with_columns(denominator_status=pl.lit(domain.PUBLISHED))
        scale = 100_000.0
    else:
        denominator = side(cells, rate.denominator, "denominator")
        scale = 100.0
    joined = numerator.join(denominator, on=GEO_KEY, how="left").with_columns(
        pl.col("denominator_status").fill_null(domain.NOT_OPTED_IN)
    )
    status = rate_status()
    published = status == domain.PUBLISHED
    value = (pl.col("numerator") / pl.col("denominator") * scale).round(DECIMALS[rate.unit])
    return joined.select(
        pl.lit(rate.id).alias("rate"),
        *GEO_KEY,
        numerator_measure=pl.lit(rate.numerator),
        numerator=pl.when(pl.col("numerator_status") == domain.PUBLISHED).then(pl.col("numerator")),
        denominator_measure=pl.lit(rate.denominator),
        denominator=pl.when(pl.col("denominator_status") == domain.PUBLISHED).then(
            pl.col("denominator")
        ),
        value=pl.when(published).then(value),
        unit=pl.lit(rate.unit),
        status=status,
    )


def rates_table(
    public_cells: pl.DataFrame,
    counties: pl.DataFrame,
    roster: pl.DataFrame,
    population: pl.DataFrame,
) -> pl.DataFrame:
    """Return every rate of domain.RATES computed from public (already suppressed) cells only."""
    denominators = population_denominators(counties, roster, population)
    return pl.concat([one_rate(public_cells, rate, denominators) for rate in domain.RATES])
