"""Charts of the report funnel: stages for one period, and each stage over the years."""

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
    series_table,
    status_reason,
    tagged,
    when,
)
from dashboard.data import queries
from dashboard.data.geographies import Geo
from dashboard.figures import funnel as funnel_figure
from dashboard.figures import text, trend

STAGE_RATES = tuple(queries.STAGE_RATE.values())


def stages_view(ctx: Context, geo: Geo, period: str) -> ChartView:
    """Return the funnel of one geography and period, with stage rates where published."""
    release = ctx.release
    frame = queries.funnel(release, geo.level, geo.id, period)
    title = f"Report funnel: {geo.label}, {when(period)}"
    source = figure_source(release, "cells", "rates")
    fig = funnel_figure.funnel(frame, title, source, empty_message("reports", geo, period))
    columns = (("Stage", False), ("Reports", True), ("Stage rate", True), ("Note", False))
    rows = tuple(
        (
            r["label"],
            text.cell_text(r["value"], r["status"], "count"),
            text.cell_text(r["rate_value"], r["rate_status"], "percent") if r["rate"] else "",
            status_reason(r["status"]),
        )
        for r in frame.iter_rows(named=True)
    )
    export = export_frame(
        frame.with_columns(period=pl.lit(period)), geo, "count", "measure"
    ).with_columns(
        stage_rate=frame["rate"],
        stage_rate_value=frame["rate_value"],
        stage_rate_status=frame["rate_status"],
    )
    summary = text.bars_summary(
        funnel_figure.with_notes(frame), "count", f"Reports by stage, {geo.label}, {when(period)}"
    )
    if all(s == domain.NOT_OPTED_IN for s in frame["status"]):
        summary = empty_message("reports", geo, period)
    return ChartView(title, fig, summary, columns, rows, tagged(export, ctx.release))


def stages(ctx: Context, view: urlstate.View) -> ChartView:
    """Return the funnel chart of the funnel page."""
    return stages_view(ctx, geo_of(ctx.release, view), period_of(ctx.release, view))


def series_view(
    ctx: Context, geo: Geo, metrics: tuple[str, ...], title: str, unit: str, noun: str
) -> ChartView:
    """Return lines of several metrics of one geography over the SFYs."""
    release = ctx.release
    frame = queries.series(release, metrics, geo.level, geo.id)
    source = figure_source(release, "rates" if unit != "count" else "cells")
    fig = trend.trend(frame, title, unit, source, empty_message(noun, geo, ctx.release.window))
    columns, rows = series_table(frame, unit, ctx.release.sfys)
    summary = text.series_summary(frame, unit, title)
    if all(s == domain.NOT_OPTED_IN for s in frame["status"]):
        summary = empty_message(noun, geo, ctx.release.window)
    export = export_frame(frame, geo, unit, "series")
    return ChartView(title, fig, summary, columns, rows, tagged(export, ctx.release))


def stage_trend(ctx: Context, view: urlstate.View) -> ChartView:
    """Return each funnel stage (counts) or stage rate (percent) over the SFYs."""
    geo = geo_of(ctx.release, view)
    if view["show"] == "rate":
        title = f"Stage rates over time: {geo.label}"
        return series_view(ctx, geo, STAGE_RATES, title, "percent", "reports")
    title = f"Reports at each stage over time: {geo.label}"
    return series_view(ctx, geo, queries.FUNNEL_STAGES, title, "count", "reports")
