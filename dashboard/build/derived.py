"""Tables derived from the published tables only: peer bands of rates and county visibility.

Both read nothing but published values and public statuses, so they reveal nothing the
release does not already show; they save every reader (and the app) from recomputing them.
"""

from __future__ import annotations

import polars as pl

from dashboard import domain

MIN_PEERS = 3  # no band rests on fewer published peer rates
BAND_QUANTILES = {"p25": 0.25, "median": 0.5, "p75": 0.75}
ALL_MEASURES = "all"  # the visibility row over every measure of a county


def peer_bands(rates: pl.DataFrame, counties: pl.DataFrame) -> pl.DataFrame:
    """Return, per county, rate and period, the quartiles of its peers' published rates.

    The county itself is left out; a band needs at least MIN_PEERS published peer rates
    (status not_applicable otherwise). Quartiles interpolate linearly between ranked values.
    """
    groups = counties.select("county_fips", "peer_group_id")
    county_rates = rates.filter(pl.col("geo_level") == "county").select(
        "rate", "period", "unit", peer_fips="geo_id", peer_value="value", peer_status="status"
    )
    peers = (
        groups.join(groups.rename({"county_fips": "peer_fips"}), on="peer_group_id")
        .filter(pl.col("county_fips") != pl.col("peer_fips"))
        .join(county_rates, on="peer_fips")
    )
    published = pl.col("peer_status") == domain.PUBLISHED
    stats = peers.group_by("county_fips", "peer_group_id", "rate", "period").agg(
        pl.col("unit").first(),
        peers=published.sum().cast(pl.Int64),
        **{
            name: pl.col("peer_value").filter(published).quantile(q, interpolation="linear")
            for name, q in BAND_QUANTILES.items()
        },
    )
    keys = groups.join(
        rates.select("rate", "period", "unit").unique(), how="cross"
    )  # every county, even one without peers, gets a row per rate and period
    band = keys.join(
        stats.drop("unit"), on=["county_fips", "peer_group_id", "rate", "period"], how="left"
    ).with_columns(pl.col("peers").fill_null(0))
    enough = pl.col("peers") >= MIN_PEERS
    return band.select(
        "rate",
        "county_fips",
        "period",
        "peer_group_id",
        "peers",
        *(pl.when(enough).then(pl.col(n).round(2)).alias(n) for n in BAND_QUANTILES),
        "unit",
        status=pl.when(enough)
        .then(pl.lit(domain.PUBLISHED))
        .otherwise(pl.lit(domain.NOT_APPLICABLE)),
    ).sort("rate", "county_fips", "period")


def visibility(cells: pl.DataFrame) -> pl.DataFrame:
    """Return, per county and measure (and over all measures), how many of its cells are published.

    A cell counts when its county was in the program (status published or suppressed).
    """
    county = cells.filter(
        (pl.col("geo_level") == "county") & (pl.col("status") != domain.NOT_OPTED_IN)
    ).select("geo_id", "measure", published=pl.col("status") == domain.PUBLISHED)
    by_measure = county.group_by("geo_id", "measure").agg(
        cells=pl.len().cast(pl.Int64), published=pl.col("published").sum().cast(pl.Int64)
    )
    overall = county.group_by("geo_id").agg(
        measure=pl.lit(ALL_MEASURES),
        cells=pl.len().cast(pl.Int64),
        published=pl.col("published").sum().cast(pl.Int64),
    )
    order = {m.id: i for i, m in enumerate(domain.MEASURES)} | {ALL_MEASURES: len(domain.MEASURES)}
    return (
        pl.concat([by_measure, overall.select(by_measure.columns)])
        .with_columns(
            share=(pl.col("published") / pl.col("cells") * 100).round(1),
            order=pl.col("measure").replace_strict(order, return_dtype=pl.Int64),
        )
        .sort("geo_id", "order")
        .select(
            county_fips="geo_id",
            measure="measure",
            cells="cells",
            published="published",
            share="share",
        )
    )


def derived_tables(
    cells: pl.DataFrame, rates: pl.DataFrame, counties: pl.DataFrame, source: str
) -> dict[str, pl.DataFrame]:
    """Return the peer-band and visibility tables, each row tagged with `source`."""
    tag = pl.lit(source).alias("data_source")
    return {
        "peer_bands": peer_bands(rates, counties).with_columns(tag),
        "visibility": visibility(cells).with_columns(tag),
    }
