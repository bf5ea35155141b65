"""Placement context: confirmed and at-risk youth, placement at identification, case status."""

from __future__ import annotations

from dash import Dash, html

from dashboard import domain, ids
from dashboard.charts.common import source_line
from dashboard.charts.placement import BREAKDOWN_WORDS
from dashboard.components import controls, notices
from dashboard.data import release
from dashboard.pages import common

PAGE = "placement"


def layout(**query) -> html.Div:
    """Return the placement-context page for a URL query."""
    rel = release.current()
    view = common.parse(PAGE, query)
    groups = [(m, domain.MEASURE_BY_ID[m].label) for m in domain.BREAKDOWN_MEASURES]
    breakdowns = [(b, BREAKDOWN_WORDS[b].capitalize()) for b in domain.BREAKDOWNS]
    return html.Div(
        [
            common.page_location(PAGE, view),
            html.H1("Young people identified, and where they were"),
            notices.link_notices(ids.notices(PAGE), view.notices),
            html.P(
                "Young people with a documented concern of commercial sexual exploitation, confirmed "
                "or at risk; for confirmed young people, whether they were in a placement, absent "
                "from one, had been in care before, or had never been placed; and whether they had "
                "a child-welfare case.",
                className="lede",
            ),
            notices.caveat(notices.IDENTIFICATION_NOT_PREVALENCE),
            controls.control_row(
                common.geo_select(ids.PLACEMENT_GEO, rel.geos, view["geo"]),
                common.sfy_select(ids.PLACEMENT_SFY, view["sfy"]),
            ),
            controls.share_link(),
            common.card(
                ids.PLACEMENT_STATUS, "Confirmed and at risk", source_line(rel, "cells"), view
            ),
            html.Div(
                className="grid-2",
                children=[
                    common.card(
                        ids.PLACEMENT_CONTEXT,
                        "Placement context at identification",
                        source_line(rel, "cells"),
                        view,
                        intro="Young people with confirmed exploitation, by where they were when "
                        "it was documented.",
                    ),
                    common.card(
                        ids.PLACEMENT_CASE,
                        "Child-welfare case status",
                        source_line(rel, "cells"),
                        view,
                        intro="All young people identified, by their child-welfare case.",
                    ),
                ],
            ),
            common.card(
                ids.PLACEMENT_DEMOGRAPHICS,
                "Statewide, by age, sex, race and ethnicity",
                source_line(rel, "demographics"),
                view,
                intro="Breakdowns are published for the state only: by county they would be "
                "almost all small numbers that must be hidden.",
                controls=controls.control_row(
                    controls.select(ids.PLACEMENT_GROUP, "Who", groups, view["group"]),
                    controls.select(
                        ids.PLACEMENT_BREAKDOWN, "Breakdown", breakdowns, view["breakdown"]
                    ),
                    label="Choose the statewide breakdown",
                ),
            ),
        ]
    )


def register_callbacks(app: Dash) -> None:
    """Wire the page's callbacks."""
    common.register_url_sync(app, PAGE)
    for chart_id in (
        ids.PLACEMENT_STATUS,
        ids.PLACEMENT_CONTEXT,
        ids.PLACEMENT_CASE,
        ids.PLACEMENT_DEMOGRAPHICS,
    ):
        common.register_chart(app, PAGE, chart_id)
