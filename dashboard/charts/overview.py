"""Charts and headline figures of the overview page (statewide)."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import domain, urlstate
from dashboard.charts.common import ChartView, Context, period_of, when
from dashboard.charts.funnel import series_view, stages_view
from dashboard.data import queries
from dashboard.figures import text

TREND_METRICS = ("reports", "youth", "confirmed")


@dataclass(frozen=True)
class Stat:
    """One headline figure: label, value text (published value or status word), detail."""

    label: str
    value: str
    detail: str
    published: bool


def funnel(ctx: Context, view: urlstate.View) -> ChartView:
    """Return the statewide funnel for the chosen period."""
    return stages_view(ctx, ctx.release.geos.by_key["state"], period_of(view))


def trend(ctx: Context, view: urlstate.View) -> ChartView:
    """Return statewide reports and young people identified over the SFYs."""
    state = ctx.release.geos.by_key["state"]
    title = "Reports and young people identified, California, by year"
    return series_view(ctx, state, TREND_METRICS, title, "count", "reports")


def _stat(release, metric: str, period: str, detail_rate: str | None = None) -> Stat:
    """Return the statewide headline of one metric, with a rate as detail if published."""
    val, status = queries.value(release, metric, "state", domain.STATE_FIPS, period)
    unit = queries.metric_unit(metric)
    detail = ""
    if detail_rate:
        rate_val, rate_status = queries.value(
            release, detail_rate, "state", domain.STATE_FIPS, period
        )
        if rate_status == domain.PUBLISHED:
            rate_unit = queries.metric_unit(detail_rate)
            detail = text.rate_phrase(rate_val, queries.metric_label(detail_rate), rate_unit)
    shown = text.cell_text(val, status, unit)
    return Stat(queries.metric_label(metric), shown, detail, status == domain.PUBLISHED)


def stats(ctx: Context, view: urlstate.View) -> tuple[Stat, ...]:
    """Return the statewide headline figures for the chosen period."""
    release = ctx.release
    period = period_of(view)
    opted = queries.opted_in_count(release, period)
    during = "in" if period in domain.SFYS else "at some time in"
    counties = len(release.geos.counties)
    return (
        _stat(release, "reports", period, "reports_per_100k"),
        _stat(release, "screened_in", period, "screen_in_rate"),
        _stat(release, "substantiated", period, "substantiation_rate"),
        _stat(release, "youth", period, "youth_per_100k"),
        _stat(release, "confirmed", period, "confirmed_share"),
        Stat(
            "Counties in the program",
            f"{opted}",
            f"of {counties} counties took part {during} {when(period)} (illustrative roster)",
            True,
        ),
    )
