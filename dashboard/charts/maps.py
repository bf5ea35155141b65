"""The county map: a choropleth of any measure or rate, or the illustrative opt-in roster."""

from __future__ import annotations

import functools

import polars as pl

from dashboard import domain, urlstate
from dashboard.charts.common import (
    ChartView,
    Context,
    figure_source,
    period_of,
    reason_column,
    status_reason,
    tagged,
    when,
)
from dashboard.data import queries
from dashboard.figures import map as map_figure
from dashboard.figures import text


def county_link(name: str, fips: str, release, view: urlstate.View) -> dict:
    """Return a table cell linking to a county's benchmark page (in the view's release)."""
    slug = release.geos.find("county", fips).slug
    release_value = urlstate.in_release(view.values)[urlstate.RELEASE]
    return {"text": name, "href": _county_href(urlstate.base_path(), slug, release_value)}


@functools.lru_cache(maxsize=4096)  # every map view links every county
def _county_href(base_path: str, slug: str, release_value: str) -> str:
    """Return the link to a county's page (`base_path`, the app's, is part of the key only)."""
    return urlstate.href("county", {"county": slug, urlstate.RELEASE: release_value})


def metric_map(ctx: Context, view: urlstate.View) -> ChartView:
    """Return the choropleth of one measure or rate for the chosen period."""
    release, metric, period = ctx.release, view["measure"], period_of(ctx.release, view)
    unit, label = queries.metric_unit(metric), queries.metric_label(metric)
    frame = queries.county_values(release, metric, period)
    title = f"{label}, by county, {when(period)}"
    source = figure_source(release, "rates" if queries.is_rate(metric) else "cells")
    fig = map_figure.choropleth(frame, ctx.geojson, title, unit, source, label)
    columns = (("County", False), (label, True), ("Note", False))
    rows = tuple(
        (
            county_link(r["name"], r["fips"], release, view),
            text.cell_text(r["value"], r["status"], unit),
            status_reason(r["status"]),
        )
        for r in frame.iter_rows(named=True)
    )
    summary = text.map_summary(frame, unit, title)
    export = frame.select(
        geo_level=pl.lit("county"),
        geo_id="fips",
        geo_name="name",
        period=pl.lit(period),
        measure=pl.lit(metric),
        measure_label=pl.lit(label),
        value="value",
        unit=pl.lit(unit),
        status="status",
        status_reason=reason_column(),
    )
    return ChartView(title, fig, summary, columns, rows, tagged(export, ctx.release))


def roster_map(ctx: Context, view: urlstate.View) -> ChartView:
    """Return the opt-in roster map: who had opted in, coloured by first year (illustrative)."""
    release, period = ctx.release, period_of(ctx.release, view)
    frame = queries.roster(release, period)
    title = f"Counties in the Opt-In CSEC Program, {when(period)}, by first year (illustrative)"
    source = figure_source(release, "opt_in_roster")
    fig = map_figure.roster(frame, ctx.geojson, title, source, period)
    columns = (
        ("County", False),
        ("First year in the program", False),
        (f"Opted in, {when(period)}", False),
    )
    rows = tuple(
        (
            county_link(r["name"], r["fips"], release, view),
            domain.sfy_label(r["first_sfy"])
            if r["first_sfy"]
            else "Not by " + when(release.sfys[-1]),
            "Yes" if r["opted_in"] else "No",
        )
        for r in frame.iter_rows(named=True)
    )
    summary = text.roster_summary(frame, when(period), when(release.sfys[-1]))
    export = frame.select(
        county_fips="fips",
        county_name="name",
        first_sfy="first_sfy",
        period=pl.lit(period),
        opted_in="opted_in",
        basis=pl.lit("illustrative"),
    )
    return ChartView(title, fig, summary, columns, rows, tagged(export, ctx.release))


def county_map(ctx: Context, view: urlstate.View) -> ChartView:
    """Return the map of the chosen view (roster or a metric)."""
    return roster_map(ctx, view) if view["view"] == "roster" else metric_map(ctx, view)
