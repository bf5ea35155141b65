"""Pure query functions on a verified release: each returns a small polars frame for one view.

No query adds or subtracts published values: every number returned is a value of the
release (or null with its status), or a count of counties from the reference roster.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard import domain
from dashboard.data.release import Release

FUNNEL_STAGES = (
    "reports",
    "screened_in",
    "evaluated_out",
    "substantiated",
    "inconclusive",
    "unfounded",
    "not_yet_determined",
)
STAGE_RATE = {
    "screened_in": "screen_in_rate",
    "substantiated": "substantiation_rate",
    "inconclusive": "inconclusive_rate",
    "unfounded": "unfounded_rate",
}
PLACEMENT = tuple(m.id for m in domain.MEASURES if m.family == "placement")
CASE = tuple(m.id for m in domain.MEASURES if m.family == "case")
METRICS: tuple[str, ...] = (*(m.id for m in domain.MEASURES), *(r.id for r in domain.RATES))
MISSING = domain.NOT_APPLICABLE  # status of a row the release does not carry


def is_rate(metric: str) -> bool:
    """Return whether a metric id names a rate (else a count measure)."""
    return metric in domain.RATE_BY_ID


def metric_label(metric: str) -> str:
    """Return the display label of a measure or rate."""
    if is_rate(metric):
        return domain.RATE_BY_ID[metric].label
    return domain.MEASURE_BY_ID[metric].label


def metric_unit(metric: str) -> str:
    """Return "count", "percent" or "per_100k"."""
    return domain.RATE_BY_ID[metric].unit if is_rate(metric) else "count"


def metric_noun(metric: str) -> str:
    """Return what a metric counts ("reports", "young people") or its rate unit in words."""
    if is_rate(metric):
        return "percent" if metric_unit(metric) == "percent" else "per 100,000 residents"
    return domain.MEASURE_BY_ID[metric].unit


def _grid(rows: pl.DataFrame, keys: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """Return `rows` in the order of `keys`, with a status for keys the release lacks."""
    joined = keys.join(rows, on=on, how="left", maintain_order="left")
    return joined.with_columns(pl.col("status").fill_null(MISSING))


def values(
    release: Release, metric: str, level: str, geo_id: str, periods: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Return period, value, status of one metric for one geography, in period order (default:
    the release's fiscal years)."""
    periods = periods or release.sfys
    rows = [value(release, metric, level, geo_id, period) for period in periods]
    dtype = pl.Float64 if is_rate(metric) else pl.Int64
    return pl.DataFrame(
        {
            "period": list(periods),
            "value": pl.Series([r[0] for r in rows], dtype=dtype),
            "status": [r[1] for r in rows],
        }
    )


def value(release: Release, metric: str, level: str, geo_id: str, period: str) -> tuple:
    """Return (value, status) of one metric for one geography and period."""
    return release.index.get((metric, level, geo_id, period), (None, MISSING))


def series(release: Release, metrics: tuple[str, ...], level: str, geo_id: str) -> pl.DataFrame:
    """Return series, label, period, value, status of several metrics over the SFYs."""
    frames = [
        values(release, m, level, geo_id)
        .with_columns(series=pl.lit(m), label=pl.lit(metric_label(m)))
        .select("series", "label", "period", pl.col("value").cast(pl.Float64), "status")
        for m in metrics
    ]
    return pl.concat(frames)


def categories(
    release: Release, measures: tuple[str, ...], level: str, geo_id: str, period: str
) -> pl.DataFrame:
    """Return measure, label, value, status of several count measures for one period."""
    rows = []
    for measure in measures:
        val, status = value(release, measure, level, geo_id, period)
        rows.append((measure, metric_label(measure), val, status))
    return pl.DataFrame(
        rows,
        schema={"measure": pl.String, "label": pl.String, "value": pl.Int64, "status": pl.String},
        orient="row",
    )


def funnel(release: Release, level: str, geo_id: str, period: str) -> pl.DataFrame:
    """Return the funnel stages with their stage-to-stage rate where the release has one."""
    stages = categories(release, FUNNEL_STAGES, level, geo_id, period)
    rate_rows = []
    for measure in FUNNEL_STAGES:
        rate = STAGE_RATE.get(measure)
        if rate is None:
            rate_rows.append((None, None, None, None))
            continue
        val, status = value(release, rate, level, geo_id, period)
        rate_rows.append((rate, metric_label(rate), val, status))
    rates = pl.DataFrame(
        rate_rows,
        schema={
            "rate": pl.String,
            "rate_label": pl.String,
            "rate_value": pl.Float64,
            "rate_status": pl.String,
        },
        orient="row",
    )
    return pl.concat([stages, rates], how="horizontal")


def demographics(release: Release, measure: str, breakdown: str, period: str) -> pl.DataFrame:
    """Return category, label, value, status of a statewide breakdown for one period."""
    frame = release.demographics.filter(
        (pl.col("measure") == measure)
        & (pl.col("breakdown") == breakdown)
        & (pl.col("period") == period)
        & (pl.col("geo_level") == "state")
    ).select("category", "value", "status")
    keys = pl.DataFrame({"category": list(domain.BREAKDOWNS[breakdown])})
    out = _grid(frame, keys, ["category"])
    return out.with_columns(
        label=pl.col("category").replace_strict(domain.CATEGORY_LABELS, default=pl.col("category"))
    ).select("category", "label", "value", "status")


def county_values(release: Release, metric: str, period: str) -> pl.DataFrame:
    """Return fips, name, value, status of one metric for every county in one period."""
    counties = release.geos.counties
    rows = [value(release, metric, "county", c.fips, period) for c in counties]
    dtype = pl.Float64 if is_rate(metric) else pl.Int64
    return pl.DataFrame(
        {
            "fips": [c.fips for c in counties],
            "name": [c.name for c in counties],
            "value": pl.Series([r[0] for r in rows], dtype=dtype),
            "status": [r[1] for r in rows],
        }
    )


def roster(release: Release, period: str) -> pl.DataFrame:
    """Return fips, name, first_sfy (or null) and opted_in (in `period`; window: any SFY), over
    the release's fiscal years."""
    opted = release.roster.filter(pl.col("opted_in") & pl.col("sfy").is_in(release.sfys))
    first = opted.group_by("county_fips").agg(first_sfy=pl.col("sfy").min())
    in_period = opted if domain.is_window(period) else opted.filter(pl.col("sfy") == period)
    keys = pl.DataFrame(
        {
            "fips": [c.fips for c in release.geos.counties],
            "name": [c.name for c in release.geos.counties],
        }
    )
    return keys.join(
        first.rename({"county_fips": "fips"}), on="fips", how="left", maintain_order="left"
    ).with_columns(opted_in=pl.col("fips").is_in(in_period["county_fips"].to_list()))


def opted_in_count(release: Release, period: str) -> int:
    """Return how many counties had opted in during `period` (window: in any SFY)."""
    return int(roster(release, period)["opted_in"].sum())


def opted_in_sfys(release: Release, fips: str) -> tuple[str, ...]:
    """Return the release's SFYs in which a county had opted in."""
    rows = release.roster.filter(
        (pl.col("county_fips") == fips) & pl.col("opted_in") & pl.col("sfy").is_in(release.sfys)
    )
    return tuple(sorted(rows["sfy"].to_list()))


def benchmark_geos(release: Release, fips: str) -> tuple[tuple[str, str, str, str], ...]:
    """Return (role, level, id, name) of a county, its peer group, its region and the state."""
    c = release.geos.county(fips)
    return (
        ("county", "county", c.fips, f"{c.name} County"),
        (
            "peer_group",
            "peer_group",
            c.peer_group_id,
            f"{c.peer_group_name.split(' (')[0]} peer group, {c.name} included",
        ),
        ("region", "region", c.region_id, f"{c.region_name} region"),
        ("state", "state", domain.STATE_FIPS, domain.STATE_NAME),
    )


def benchmark_series(release: Release, metric: str, fips: str) -> pl.DataFrame:
    """Return series (role), label, period, value, status of one metric for the four geographies."""
    frames = [
        values(release, metric, level, geo_id)
        .with_columns(series=pl.lit(role), label=pl.lit(name))
        .select("series", "label", "period", pl.col("value").cast(pl.Float64), "status")
        for role, level, geo_id, name in benchmark_geos(release, fips)
    ]
    return pl.concat(frames)


def rate_of(measure: str) -> str | None:
    """Return the per-100,000 rate of a count measure, if the release has one."""
    return next(
        (r.id for r in domain.RATES if r.numerator == measure and r.unit == "per_100k"), None
    )


def nearest_year(release: Release, metric: str, fips: str, period: str) -> str | None:
    """Return the published SFY closest to `period` (earlier first on a tie), or None."""
    order = list(release.sfys)
    start = order.index(period) if period in order else len(order) - 1
    for distance in range(1, len(order)):
        for i in (start - distance, start + distance):
            if 0 <= i < len(order) and value(release, metric, "county", fips, order[i])[1] == (
                domain.PUBLISHED
            ):
                return order[i]
    return None


def peer_band(release: Release, rate: str, fips: str) -> pl.DataFrame:
    """Return period, p25, median, p75, peers, status of a county's peer band over the SFYs."""
    rows = release.peer_bands.filter((pl.col("rate") == rate) & (pl.col("county_fips") == fips))
    keys = pl.DataFrame({"period": list(release.sfys)})
    return _grid(rows.select("period", "p25", "median", "p75", "peers", "status"), keys, ["period"])


def band_at(release: Release, rate: str, fips: str, period: str) -> dict | None:
    """Return the peer band of one rate and period (p25, median, p75, peers), or None."""
    rows = release.peer_bands.filter(
        (pl.col("rate") == rate)
        & (pl.col("county_fips") == fips)
        & (pl.col("period") == period)
        & (pl.col("status") == domain.PUBLISHED)
    )
    return rows.row(0, named=True) if rows.height else None


def visibility(release: Release, fips: str) -> pl.DataFrame:
    """Return measure, cells, published, share of a county (no rows if never in the program)."""
    return release.visibility.filter(pl.col("county_fips") == fips).select(
        "measure", "cells", "published", "share"
    )


@dataclass(frozen=True)
class Rank:
    """A county's rank on a rate among itself and its peers with a published value."""

    position: int | None
    of: int
    reason: str

    def text(self) -> str:
        """Return the rank as words ("2 of 7 published") or the reason it is not shown."""
        return (
            f"{self.position} of {self.of} published" if self.position is not None else self.reason
        )


def rank(release: Release, metric: str, fips: str, period: str) -> Rank:
    """Return a county's rank (1 = highest) on a rate among its published peers and itself.

    Counts are not ranked: a rank of counts only ranks county size.
    """
    if not is_rate(metric):
        return Rank(None, 0, "rates only")
    peers = {c.fips for c in release.geos.peers(fips)}
    frame = county_values(release, metric, period).filter(pl.col("fips").is_in(peers))
    own = frame.filter(pl.col("fips") == fips).row(0, named=True)
    if own["status"] != domain.PUBLISHED:
        return Rank(None, 0, f"not ranked: {status_word(own['status'])}")
    shown = frame.filter(pl.col("status") == domain.PUBLISHED)
    if shown.height < 2:
        return Rank(None, shown.height, "not ranked: no peer published")
    higher = shown.filter(pl.col("value") > own["value"]).height
    return Rank(higher + 1, shown.height, "")


def status_word(status: str) -> str:
    """Return a status in a few words ("suppressed", "not opted in")."""
    return {
        domain.SUPPRESSED: "suppressed",
        domain.NOT_OPTED_IN: "not opted in",
        domain.NOT_APPLICABLE: "not defined",
    }.get(status, status)


def benchmark_table(release: Release, fips: str, period: str) -> pl.DataFrame:
    """Return every metric for a county, its peer band, peer group, region and state, and rank."""
    geos = benchmark_geos(release, fips)
    rows = []
    for metric in METRICS:
        row = {"metric": metric, "label": metric_label(metric), "unit": metric_unit(metric)}
        for role, level, geo_id, _ in geos:
            val, status = value(release, metric, level, geo_id, period)
            row[f"{role}_value"] = None if val is None else float(val)
            row[f"{role}_status"] = status
        band = band_at(release, metric, fips, period) if is_rate(metric) else None
        for column in ("p25", "median", "p75"):
            row[f"peer_{column}"] = band[column] if band else None
        row["peers"] = band["peers"] if band else None
        row["rank"] = rank(release, metric, fips, period).text()
        rows.append(row)
    schema = {"metric": pl.String, "label": pl.String, "unit": pl.String}
    for role, *_ in geos:
        schema |= {f"{role}_value": pl.Float64, f"{role}_status": pl.String}
    schema |= {"peer_p25": pl.Float64, "peer_median": pl.Float64, "peer_p75": pl.Float64}
    schema |= {"peers": pl.Int64, "rank": pl.String}
    return pl.DataFrame(rows, schema=schema)
