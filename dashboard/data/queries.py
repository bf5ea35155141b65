"""Pure query functions on a verified release: each returns a small polars frame for one view.

No query adds or subtracts published values: every number returned is a value of the
release (or null with its status), or a count of counties from the reference roster.
"""

from __future__ import annotations

import functools
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
PER_RELEASE = 8  # releases whose lookups are kept (the loaded and the kept ones)


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


def value(release: Release, metric: str, level: str, geo_id: str, period: str) -> tuple:
    """Return (value, status) of one metric for one geography and period."""
    return release.index.get((metric, level, geo_id, period), (None, MISSING))


def series(release: Release, metrics: tuple[str, ...], level: str, geo_id: str) -> pl.DataFrame:
    """Return series, label, period, value, status of several metrics over the SFYs."""
    return _series_frame(
        [(m, metric_label(m), m, level, geo_id) for m in metrics], release.sfys, release
    )


def _series_frame(
    parts: list[tuple[str, str, str, str, str]], periods: tuple[str, ...], release: Release
) -> pl.DataFrame:
    """Return series, label, period, value (as floats), status of (series, label, metric, level,
    geo id) parts over some periods, one row per part and period."""
    rows = [
        (name, label, period, *value(release, metric, level, geo_id, period))
        for name, label, metric, level, geo_id in parts
        for period in periods
    ]
    return pl.DataFrame(
        rows,
        schema={
            "series": pl.String,
            "label": pl.String,
            "period": pl.String,
            "value": pl.Float64,
            "status": pl.String,
        },
        orient="row",
    )


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
    cells = _state_breakdowns(release).get((measure, breakdown, period), {})
    categories = domain.BREAKDOWNS[breakdown]
    return pl.DataFrame(
        [(c, domain.CATEGORY_LABELS.get(c, c), *cells.get(c, (None, MISSING))) for c in categories],
        schema={"category": pl.String, "label": pl.String, "value": pl.Int64, "status": pl.String},
        orient="row",
    )


@functools.lru_cache(maxsize=PER_RELEASE)
def _state_breakdowns(release: Release) -> dict[tuple[str, str, str], dict[str, tuple]]:
    """Return (measure, breakdown, period) -> category -> (value, status) of the statewide
    demographics (once per release)."""
    out: dict[tuple[str, str, str], dict[str, tuple]] = {}
    state = release.demographics.filter(pl.col("geo_level") == "state")
    for row in state.select(
        "measure", "breakdown", "period", "category", "value", "status"
    ).iter_rows():
        out.setdefault(row[:3], {})[row[3]] = row[4:]
    return out


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
    opted = _opted_sfys(release)
    counties = release.geos.counties
    return pl.DataFrame(
        {
            "fips": [c.fips for c in counties],
            "name": [c.name for c in counties],
            "first_sfy": [opted[c.fips][0] if c.fips in opted else None for c in counties],
            "opted_in": [_opted_in(opted.get(c.fips, ()), period) for c in counties],
        },
        schema={
            "fips": pl.String,
            "name": pl.String,
            "first_sfy": pl.String,
            "opted_in": pl.Boolean,
        },
    )


def _opted_in(sfys: tuple[str, ...], period: str) -> bool:
    """Return whether a county that had opted in during `sfys` had during `period` (window: any)."""
    return bool(sfys) if domain.is_window(period) else period in sfys


@functools.lru_cache(maxsize=PER_RELEASE)
def _opted_sfys(release: Release) -> dict[str, tuple[str, ...]]:
    """Return county fips -> the release's SFYs in which it had opted in, in order (once per
    release; counties never in the program are left out)."""
    rows = release.roster.filter(pl.col("opted_in") & pl.col("sfy").is_in(release.sfys))
    out: dict[str, list[str]] = {}
    for fips, sfy in rows.select("county_fips", "sfy").iter_rows():
        out.setdefault(fips, []).append(sfy)
    return {fips: tuple(sorted(sfys)) for fips, sfys in out.items()}


def opted_in_count(release: Release, period: str) -> int:
    """Return how many counties had opted in during `period` (window: in any SFY)."""
    return sum(_opted_in(sfys, period) for sfys in _opted_sfys(release).values())


def opted_in_sfys(release: Release, fips: str) -> tuple[str, ...]:
    """Return the release's SFYs in which a county had opted in."""
    return _opted_sfys(release).get(fips, ())


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
    parts = [
        (role, name, metric, level, geo_id)
        for role, level, geo_id, name in benchmark_geos(release, fips)
    ]
    return _series_frame(parts, release.sfys, release)


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
    bands = _peer_bands(release).get((rate, fips), {})
    missing = {"p25": None, "median": None, "p75": None, "peers": None, "status": MISSING}
    return pl.DataFrame(
        [{"period": p, **bands.get(p, missing)} for p in release.sfys],
        schema={
            "period": pl.String,
            "p25": pl.Float64,
            "median": pl.Float64,
            "p75": pl.Float64,
            "peers": pl.Int64,
            "status": pl.String,
        },
    )


def band_at(release: Release, rate: str, fips: str, period: str) -> dict | None:
    """Return the peer band of one rate and period (p25, median, p75, peers), or None."""
    band = _peer_bands(release).get((rate, fips), {}).get(period)
    return dict(band) if band is not None and band["status"] == domain.PUBLISHED else None


@functools.lru_cache(maxsize=PER_RELEASE)
def _peer_bands(release: Release) -> dict[tuple[str, str], dict[str, dict]]:
    """Return (rate, county fips) -> period -> p25, median, p75, peers, status (once per
    release)."""
    out: dict[tuple[str, str], dict[str, dict]] = {}
    columns = ("rate", "county_fips", "period", "p25", "median", "p75", "peers", "status")
    for row in release.peer_bands.select(columns).iter_rows(named=True):
        out.setdefault((row.pop("rate"), row.pop("county_fips")), {})[row.pop("period")] = row
    return out


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
    own, status = value(release, metric, "county", fips, period)
    if status != domain.PUBLISHED:
        return Rank(None, 0, f"not ranked: {status_word(status)}")
    shown = [
        v
        for v, s in (
            value(release, metric, "county", c, period)
            for c in {c.fips for c in release.geos.peers(fips)}
        )
        if s == domain.PUBLISHED
    ]
    if len(shown) < 2:
        return Rank(None, len(shown), "not ranked: no peer published")
    return Rank(sum(v > own for v in shown) + 1, len(shown), "")


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
