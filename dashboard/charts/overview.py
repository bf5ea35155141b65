"""Charts and headline figures of the overview page (statewide)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard import domain, urlstate
from dashboard.charts.common import (
    ChartView,
    Context,
    export_frame,
    figure_source,
    period_of,
    tagged,
    when,
)
from dashboard.charts.funnel import stages_view
from dashboard.data import queries
from dashboard.figures import text
from dashboard.figures import trend as trend_figure

TREND_METRICS = ("reports", "reports_per_100k", "youth", "youth_per_100k")


@dataclass(frozen=True)
class Stat:
    """One headline figure: label, value text (published value or status word), detail."""

    label: str
    value: str
    detail: str
    published: bool


def funnel(ctx: Context, view: urlstate.View) -> ChartView:
    """Return the statewide funnel for the chosen period."""
    return stages_view(ctx, ctx.release.geos.by_key["state"], period_of(ctx.release, view))


def trend(ctx: Context, view: urlstate.View) -> ChartView:
    """Return statewide reports and young people, counts and per 100,000, with the counties."""
    release = ctx.release
    state = release.geos.by_key["state"]
    frame = queries.series(release, TREND_METRICS, "state", domain.STATE_FIPS)
    units = {queries.metric_label(m): queries.metric_unit(m) for m in TREND_METRICS}
    counties = {p: queries.opted_in_count(release, p) for p in release.sfys}
    title = "Is it rising? Reports and young people identified, California, counts and rates"
    source = figure_source(release, "cells", "rates", "opt_in_roster", view=view)
    fig = trend_figure.small_multiples(
        frame, title, units, source, "Counts and rates per 100,000 residents", counties
    )
    parts = {label: part for (label,), part in frame.group_by("label", maintain_order=True)}
    columns = (
        ("State fiscal year", False),
        *((label, True) for label in parts),
        ("Counties in the program", True),
    )
    rows = tuple(
        (
            domain.sfy_label(period),
            *(
                text.cell_text(part["value"][i], part["status"][i], units[label])
                for label, part in parts.items()
            ),
            str(counties[period]),
        )
        for i, period in enumerate(release.sfys)
    )
    first, last = release.sfys[0], release.sfys[-1]
    lead = (
        "Statewide, reports went "
        + text.change(parts[queries.metric_label("reports")], "count").split(" (")[0]
        + " and reports per 100,000 residents "
        + text.change(parts[queries.metric_label("reports_per_100k")], "per_100k").split(" (")[0]
        + f" from {domain.sfy_label(first)} to {domain.sfy_label(last)}, while the counties in "
        f"the program went from {counties[first]} to {counties[last]} (rates count only the "
        "residents of those counties)."
    )
    summary = " ".join(
        [lead, f"{title}."]
        + [text.series_sentence(label, part, units[label]) for label, part in parts.items()]
        + [text.status_note(frame["status"])]
    )
    export = pl.concat(
        [
            export_frame(part, state, units[label], "series").with_columns(
                value=pl.col("value").cast(pl.Float64)
            )
            for label, part in parts.items()
        ]
    ).with_columns(
        counties_in_program=pl.col("period").replace_strict(counties, return_dtype=pl.Int64)
    )
    return ChartView(title, fig, summary, columns, rows, tagged(export, release))


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
    period = period_of(ctx.release, view)
    opted = queries.opted_in_count(release, period)
    during = "at some time in" if domain.is_window(period) else "in"
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
