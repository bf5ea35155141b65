"""Charts of the county benchmark page: one county against its peers, region and the state."""

from __future__ import annotations

import polars as pl

from dashboard import domain, urlstate
from dashboard.charts.common import (
    ChartView,
    Context,
    figure_source,
    period_of,
    reason_column,
    series_table,
    tagged,
    when,
)
from dashboard.data import queries
from dashboard.data.geographies import Geo
from dashboard.figures import text, trend

ROLES = ("county", "peer_group", "region", "state")
BAND = ("p25", "median", "p75")


def county_of(ctx: Context, view: urlstate.View) -> Geo:
    """Return the county of a view."""
    geos = ctx.release.geos
    return geos.resolve_county(view["county"]) or geos.find("county", geos.counties[0].fips)


def benchmark_trend(ctx: Context, view: urlstate.View) -> ChartView:
    """Return one metric for the county, its peer group, region and state over the SFYs."""
    release, metric = ctx.release, view["measure"]
    county = county_of(ctx, view)
    unit, label = queries.metric_unit(metric), queries.metric_label(metric)
    frame = queries.benchmark_series(release, metric, county.id)
    title = f"{label}: {county.label} against its peers, region and California"
    peers = [c.name for c in release.geos.peers(county.id) if c.fips != county.id]
    source = figure_source(
        release,
        "rates" if queries.is_rate(metric) else "cells",
        "peer_bands",
        view=view,
        lines=(f"Peers ({len(peers)}, {county.name} left out): {', '.join(peers)}.",),
    )
    axis = queries.metric_noun(metric).capitalize()
    own = frame.filter(pl.col("series") == "county")
    state = frame.filter(pl.col("series") == "state")
    if unit == "count":
        fig = trend.small_multiples(frame, title, unit, source, axis)
        lead = text.standing(county.label, own, None, None, unit)
        columns, rows = series_table(frame, unit, ctx.release.sfys)
    else:
        band = queries.peer_band(release, metric, county.id)
        frame = frame.filter(pl.col("series") != "peer_group")  # the band stands for the peers
        fig = trend.trend(frame, title, unit, source, band=band)
        lead = text.standing(county.label, own, band, state, unit)
        columns, rows = series_table(frame, unit, ctx.release.sfys)
        columns += (("Peers: median (middle half)", True),)
        rows = tuple(
            (*row, band_text({**b, "unit": unit, **{f"peer_{k}": b[k] for k in BAND}}))
            for row, b in zip(rows, band.iter_rows(named=True), strict=True)
        )
    summary = text.series_summary(frame, unit, title, lead)
    geos = {
        role: (level, geo_id, name)
        for role, level, geo_id, name in queries.benchmark_geos(release, county.id)
    }
    export = frame.select(
        geo_level=pl.col("series").replace_strict({r: g[0] for r, g in geos.items()}),
        geo_id=pl.col("series").replace_strict({r: g[1] for r, g in geos.items()}),
        geo_name=pl.col("label"),
        period="period",
        measure=pl.lit(metric),
        measure_label=pl.lit(label),
        value=pl.col("value").cast(pl.Int64) if unit == "count" else pl.col("value"),
        unit=pl.lit(unit),
        status="status",
        status_reason=reason_column(),
    )
    return ChartView(title, fig, summary, columns, rows, tagged(export, ctx.release))


def benchmark_table(ctx: Context, view: urlstate.View) -> ChartView:
    """Return every measure and rate for the county, peer group, region, state and the rank."""
    release, period = ctx.release, period_of(ctx.release, view)
    county = county_of(ctx, view)
    frame = queries.benchmark_table(release, county.id, period)
    geos = queries.benchmark_geos(release, county.id)
    peer_name = ctx.release.geos.county(county.id).peer_group_name
    title = (
        f"Every measure: {county.label} against its peer group ({peer_name}), region and "
        f"California, {when(period)}"
    )
    short = {
        "county": county.label,
        "peer_group": "Peer group total (county included)",
        "region": geos[2][3],
        "state": "California",
    }
    columns = (
        ("Measure", False),
        (short["county"], True),
        ("Peer median (middle half)", True),
        *((short[role], True) for role in ROLES[1:]),
        ("Rank among peers on rates (1 = highest)", False),
    )
    rows = tuple(
        (
            r["label"],
            text.cell_text(r["county_value"], r["county_status"], r["unit"]),
            band_text(r),
            *(
                text.cell_text(r[f"{role}_value"], r[f"{role}_status"], r["unit"])
                for role in ROLES[1:]
            ),
            r["rank"],
        )
        for r in frame.iter_rows(named=True)
    )
    hidden = sum(frame[f"{role}_status"].is_in([domain.SUPPRESSED]).sum() for role in ROLES)
    ranked = frame.filter(pl.col("rank").str.contains(" of ")).height
    rates = sum(queries.is_rate(m) for m in queries.METRICS)
    summary = (
        f"{county.label}, {when(period)}: ranked on {ranked} of {rates} rates among its peer "
        f"counties with a published value. {title}. {len(queries.METRICS)} measures and rates; "
        f"{text.plural(int(hidden), 'value')} suppressed "
        f"({domain.STATUS_REASONS[domain.SUPPRESSED]}). Counts are not ranked (a rank of counts "
        "only ranks county size). The peer median and middle half leave the county out and "
        "rest on at least 3 peers' published rates; the peer group total includes the county."
    )
    plain = {
        f"{role}_value": [
            text.plain(v, u) for v, u in zip(frame[f"{role}_value"], frame["unit"], strict=True)
        ]
        for role in ROLES
    }
    export = frame.with_columns(
        period=pl.lit(period),
        county_fips=pl.lit(county.id),
        **{name: pl.Series(column, dtype=pl.String) for name, column in plain.items()},
    ).select(
        "county_fips",
        "period",
        pl.col("metric").alias("measure"),
        pl.col("label").alias("measure_label"),
        "unit",
        *(c for role in ROLES for c in (f"{role}_value", f"{role}_status")),
        "peer_p25",
        "peer_median",
        "peer_p75",
        "peers",
        "rank",
    )
    return ChartView(title, None, summary, columns, rows, tagged(export, ctx.release))


def band_text(row: dict) -> str:
    """Return a table cell of the peer band ("21.59 (16.77 to 22.40; 6 peers)") or why none."""
    if row["unit"] == "count":
        return "rates only"
    if row["peer_median"] is None:
        return "no band (fewer than 3 peers published)"
    fmt = text.fmt
    return (
        f"{fmt(row['peer_median'], row['unit'])} ({fmt(row['peer_p25'], row['unit'])} to "
        f"{fmt(row['peer_p75'], row['unit'])}; {row['peers']} peers)"
    )
