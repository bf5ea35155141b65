"""Report funnel: reports -> screened in -> dispositions, for any area and period."""

from __future__ import annotations

from dash import Dash, html

from dashboard import ids
from dashboard.charts.common import source_line
from dashboard.components import controls, notices
from dashboard.data import release
from dashboard.pages import common

PAGE = "funnel"

COUNTING_RULES = (
    "A report is counted in the county and state fiscal year in which it was received.",
    "Screened in (promoted to an investigation) and evaluated out (not investigated) together "
    "make up all reports.",
    "Screened-in reports end as substantiated, inconclusive, unfounded, or not yet determined "
    "when the data were extracted.",
    "A stage rate is shown only where both of its counts are published; nothing is computed from "
    "hidden numbers, and no total is added up on this page: every total comes from the release.",
    "Regions, peer groups and the state count only the counties that had opted in that year.",
)


def layout(**query) -> html.Div:
    """Return the funnel page for a URL query."""
    rel = release.current()
    view = common.parse(PAGE, query)
    return html.Div(
        [
            common.page_location(PAGE, view),
            html.H1("Report funnel"),
            notices.link_notices(ids.notices(PAGE), view.notices),
            html.P(
                "What happened to reports of commercial sexual exploitation: how many were screened "
                "in for investigation, and what the investigations found.",
                className="lede",
            ),
            controls.control_row(
                common.geo_select(ids.FUNNEL_GEO, rel.geos, view["geo"]),
                common.sfy_select(ids.FUNNEL_SFY, view["sfy"]),
                controls.button_group(
                    ids.FUNNEL_SHOW,
                    "Trend shows",
                    [("count", "Counts"), ("rate", "Stage rates")],
                    view["show"],
                ),
            ),
            controls.share_link(),
            common.card(ids.FUNNEL_STAGES, "Stages", source_line(rel, "cells", "rates"), view),
            common.card(
                ids.FUNNEL_TREND, "Each stage over time", source_line(rel, "cells", "rates"), view
            ),
            html.Section(
                className="card",
                **{"aria-labelledby": "funnel-rules"},
                children=[
                    html.H2("Counting rules", id="funnel-rules"),
                    html.Ul([html.Li(rule) for rule in COUNTING_RULES]),
                    notices.caveat(notices.IDENTIFICATION_NOT_PREVALENCE),
                ],
            ),
        ]
    )


def register_callbacks(app: Dash) -> None:
    """Wire the page's callbacks."""
    common.register_url_sync(app, PAGE)
    for chart_id in (ids.FUNNEL_STAGES, ids.FUNNEL_TREND):
        common.register_chart(app, PAGE, chart_id)
