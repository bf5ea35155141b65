"""Charts of the placement-context page: status, placement context, case status, demographics."""

from __future__ import annotations

import polars as pl

from dashboard import domain, urlstate
from dashboard.charts.common import (
    ChartView,
    Context,
    empty_message,
    export_frame,
    figure_source,
    geo_of,
    period_of,
    status_reason,
    tagged,
    when,
)
from dashboard.charts.funnel import series_view
from dashboard.data import queries
from dashboard.data.geographies import Geo
from dashboard.figures import bars, text

BREAKDOWN_WORDS = {"age_group": "age group", "sex": "sex", "race_ethnicity": "race and ethnicity"}


def status(ctx: Context, view: urlstate.View) -> ChartView:
    """Return young people identified, confirmed and at risk over the SFYs."""
    geo = geo_of(ctx.release, view)
    title = f"Young people identified, confirmed and at risk: {geo.label}"
    metrics = ("youth", "confirmed", "at_risk")
    return series_view(ctx, geo, metrics, title, "count", "young people")


def _categories_view(
    ctx: Context, frame: pl.DataFrame, geo: Geo, period: str, title: str, noun: str, axis: str
) -> ChartView:
    """Return bars of categories for one geography and period."""
    source = figure_source(ctx.release, "cells")
    fig = bars.category_bars(frame, title, "count", source, axis, empty_message(noun, geo, period))
    columns = (("Category", False), ("Young people", True), ("Note", False))
    rows = tuple(
        (r["label"], text.cell_text(r["value"], r["status"], "count"), status_reason(r["status"]))
        for r in frame.iter_rows(named=True)
    )
    summary = text.bars_summary(frame, "count", title)
    if all(s == domain.NOT_OPTED_IN for s in frame["status"]):
        summary = empty_message(noun, geo, period)
    export = export_frame(frame.with_columns(period=pl.lit(period)), geo, "count", "measure")
    return ChartView(title, fig, summary, columns, rows, tagged(export, ctx.release))


def context(ctx: Context, view: urlstate.View) -> ChartView:
    """Return confirmed young people by placement context at identification."""
    geo, period = geo_of(ctx.release, view), period_of(ctx.release, view)
    frame = queries.categories(ctx.release, queries.PLACEMENT, geo.level, geo.id, period)
    title = f"Young people with confirmed CSE by placement context: {geo.label}, {when(period)}"
    return _categories_view(ctx, frame, geo, period, title, "young people", "Young people")


def case(ctx: Context, view: urlstate.View) -> ChartView:
    """Return young people identified by child-welfare case status."""
    geo, period = geo_of(ctx.release, view), period_of(ctx.release, view)
    frame = queries.categories(ctx.release, queries.CASE, geo.level, geo.id, period)
    title = f"Young people identified by child-welfare case status: {geo.label}, {when(period)}"
    return _categories_view(ctx, frame, geo, period, title, "young people", "Young people")


def demographics(ctx: Context, view: urlstate.View) -> ChartView:
    """Return a statewide demographic breakdown of one group for one period."""
    release = ctx.release
    period, measure, breakdown = period_of(ctx.release, view), view["group"], view["breakdown"]
    frame = queries.demographics(release, measure, breakdown, period)
    label = queries.metric_label(measure)
    noun = domain.MEASURE_BY_ID[measure].unit
    title = f"{label} by {BREAKDOWN_WORDS[breakdown]}: California, {when(period)}"
    source = figure_source(release, "demographics")
    fig = bars.category_bars(frame, title, "count", source, noun.capitalize())
    columns = (
        (BREAKDOWN_WORDS[breakdown].capitalize(), False),
        (noun.capitalize(), True),
        ("Note", False),
    )
    rows = tuple(
        (r["label"], text.cell_text(r["value"], r["status"], "count"), status_reason(r["status"]))
        for r in frame.iter_rows(named=True)
    )
    summary = text.bars_summary(frame, "count", title)
    state = release.geos.by_key["state"]
    export = (
        export_frame(
            frame.with_columns(period=pl.lit(period), measure=pl.lit(measure), label=pl.lit(label)),
            state,
            "count",
            "measure",
        )
        .with_columns(
            breakdown=pl.lit(breakdown), category=frame["category"], category_label=frame["label"]
        )
        .select(
            "geo_level",
            "geo_id",
            "geo_name",
            "period",
            "measure",
            "measure_label",
            "breakdown",
            "category",
            "category_label",
            "value",
            "unit",
            "status",
            "status_reason",
        )
    )
    return ChartView(title, fig, summary, columns, rows, tagged(export, ctx.release))
