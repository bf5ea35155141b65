"""Charts of the county brief: the county page's trend, its funnel and placement context."""

from __future__ import annotations

from dashboard import urlstate
from dashboard.charts import county, funnel, placement
from dashboard.charts.common import ChartView, Context

TREND_RATE = "reports_per_100k"  # the brief's trend: comparable across county sizes


def _geo(ctx: Context, view: urlstate.View) -> str:
    """Return the `geo` URL value of the brief's county."""
    return f"county:{county.county_of(ctx, view).slug}"


def trend(ctx: Context, view: urlstate.View) -> ChartView:
    """Return reports per 100,000 for the county against its peer band, region and state."""
    values = {"county": view["county"], "measure": TREND_RATE, "sfy": view["sfy"]}
    return county.benchmark_trend(ctx, urlstate.View("county", values))


def stages(ctx: Context, view: urlstate.View) -> ChartView:
    """Return the county's report funnel for the brief's period."""
    values = {"geo": _geo(ctx, view), "sfy": view["sfy"], "show": "count"}
    return funnel.stages(ctx, urlstate.View("funnel", values))


def context(ctx: Context, view: urlstate.View) -> ChartView:
    """Return the county's placement context over the whole window (published for it only)."""
    values = {
        "geo": _geo(ctx, view),
        "sfy": urlstate.WINDOW_VALUE,
        "group": urlstate.PARAMS["group"].default,
        "breakdown": urlstate.PARAMS["breakdown"].default,
    }
    return placement.context(ctx, urlstate.View("placement", values))
