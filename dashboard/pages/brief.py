"""County brief (/county/<county>/brief): one county and period on at most two printed pages."""

from __future__ import annotations

from dash import Dash, dcc, html

from dashboard import charts, domain, ids, registry, urlstate
from dashboard.charts.common import period_of, source_line, when
from dashboard.charts.common import permalink as chart_permalink
from dashboard.components import notices
from dashboard.components.chart_card import graph_frame, summary_children
from dashboard.components.table import data_table
from dashboard.data import queries, release
from dashboard.figures import text
from dashboard.pages import common
from dashboard.pages.methodology import DEFINITIONS

PAGE = "brief"
HEADLINES = (  # (count, its rate): the figures a board asks for first
    ("reports", "reports_per_100k"),
    ("screened_in", "screen_in_rate"),
    ("substantiated", "substantiation_rate"),
    ("youth", "youth_per_100k"),
    ("confirmed", "confirmed_per_100k"),
)
DEFINED = ("reports", "screened_in", "substantiated", "youth", "confirmed")


def title(county: str | None = None) -> str:
    """Return the browser title of a county brief."""
    geo = release.current().geos.resolve_county(county or urlstate.PARAMS["county"].default)
    return f"{geo.label if geo else 'County'} brief - {registry.SITE_NAME}"


def headline_rows(view: urlstate.View) -> tuple[tuple[str, ...], ...]:
    """Return rows of the headline table: measure, county, peer band, California."""
    rel = release.current()
    geo = rel.geos.resolve_county(view["county"])
    period = urlstate.period(view["sfy"], rel.sfys)
    rows = []
    for measure, rate in HEADLINES:
        for metric in (measure, rate):
            unit = queries.metric_unit(metric)
            own = text.cell_text(*queries.value(rel, metric, "county", geo.id, period), unit)
            state = text.cell_text(
                *queries.value(rel, metric, "state", domain.STATE_FIPS, period), unit
            )
            band = queries.band_at(rel, metric, geo.id, period) if metric == rate else None
            peers = (
                f"{text.fmt(band['median'], unit)} ({text.fmt(band['p25'], unit)} to "
                f"{text.fmt(band['p75'], unit)})"
                if band
                else ("no band" if metric == rate else "")
            )
            rows.append((queries.metric_label(metric), own or "-", peers, state))
    return tuple(rows)


def headline_table(view: urlstate.View, county_label: str) -> html.Div:
    """Return the headline figures as a table (county, peer median and middle half, state)."""
    columns = (
        ("Measure", False),
        (county_label, True),
        ("Peers: median (middle half)", True),
        ("California", True),
    )
    caption = f"Headline figures, {when(period_of(release.current(), view))}"
    return html.Div(data_table(caption, columns, headline_rows(view)), className="brief-table")


def figure(chart_id: str, view: urlstate.View) -> html.Section:
    """Return one chart of the brief with its summary (no controls, no downloads)."""
    chart = charts.render(chart_id, view)
    return html.Section(
        className="brief-chart",
        **{"aria-labelledby": ids.heading(chart_id)},
        children=[
            html.H2(chart.title, id=ids.heading(chart_id)),
            html.P(
                summary_children(chart.summary),
                id=ids.summary(chart_id),
                className="summary is-collapsed",
            ),
            graph_frame(chart_id, chart.figure),
        ],
    )


def layout(county: str | None = None, **query) -> html.Div:
    """Return the brief of a path county and URL query (`sfy`)."""
    rel = release.current()
    view = common.parse(PAGE, {**query, **({"county": county} if county else {})})
    geo = rel.geos.resolve_county(view["county"])
    permalink = chart_permalink(rel, view) or urlstate.url(
        urlstate.pinned_site_path(PAGE, view.values, rel.release_id)
    )  # a path only for a release published nowhere: assets/controls.js completes it
    dates = (
        f"Release {rel.release_id}, built {rel.release_date.isoformat()}; records extracted "
        f"{rel.extract_date.isoformat()}. Data licence {rel.data_license}."
    )
    return html.Div(
        className="brief",
        children=[
            common.page_location(PAGE, view),
            html.H1(f"{geo.label}: county brief, {when(period_of(rel, view))}"),
            notices.link_notices(ids.notices(PAGE), view.notices),
            html.P(
                [
                    dcc.Link(
                        "Back to the county benchmark", href=urlstate.href("county", view.values)
                    ),
                    " · Print this page (Ctrl+P) for a one- or two-page handout.",
                ],
                className="no-print",
            ),
            headline_table(view, geo.label),
            figure(ids.BRIEF_TREND, view),
            html.Div(
                className="brief-pair",
                children=[figure(ids.BRIEF_FUNNEL, view), figure(ids.BRIEF_CONTEXT, view)],
            ),
            html.Section(
                className="brief-notes",
                children=[
                    html.H2("Definitions"),
                    html.Dl(
                        [
                            part
                            for m in DEFINED
                            for part in (html.Dt(queries.metric_label(m)), html.Dd(DEFINITIONS[m]))
                        ]
                    ),
                    notices.caveat(notices.IDENTIFICATION_NOT_PREVALENCE),
                    html.P(
                        "Peers: the other counties of its peer group (by residents); the band is "
                        "the middle half of their published rates, the county left out, shown "
                        "only where at least 3 peers are published. Hidden figures are suppressed "
                        "to protect privacy, never zero."
                    ),
                    html.P([source_line(rel, "cells", "rates", "peer_bands"), " ", dates]),
                    html.P(["Permalink: ", html.Code(permalink, className="permalink")]),
                ],
            ),
        ],
    )


def register_callbacks(app: Dash) -> None:
    """Wire the address bar (the brief has no controls: its URL is its view)."""
    common.register_url_write(app, PAGE)
