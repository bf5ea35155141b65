"""Overview (/): statewide headline figures, a small funnel, a trend, and where to go next."""

from __future__ import annotations

from dash import Dash, Output, dcc, html

from dashboard import charts, ids, urlstate
from dashboard.charts.common import source_line
from dashboard.charts.overview import stats
from dashboard.components import controls, notices
from dashboard.data import release
from dashboard.pages import common

PAGE = "home"

NEXT = (
    ("map", "See which counties took part, and any measure county by county", "Map"),
    ("county", "Compare one county with its peers, its region and the state", "County benchmark"),
    ("funnel", "Follow reports from the hotline to a finding", "Report funnel"),
    ("placement", "Where young people were when exploitation was identified", "Placement context"),
    ("downloads", "Get every published number, with a data dictionary and citation", "Downloads"),
    ("methodology", "How the numbers are counted and protected", "Methodology"),
)


def layout(**query) -> html.Div:
    """Return the overview page for a URL query."""
    rel = release.current()
    view = common.parse(PAGE, query)
    in_release = view[urlstate.RELEASE]
    return html.Div(
        [
            common.page_location(PAGE, view),
            html.H1("California's Opt-In CSEC Program at a glance"),
            notices.link_notices(ids.notices(PAGE), view.notices),
            html.P(
                "Counties that opt in to the Commercially Sexually Exploited Children (CSEC) "
                "Program build a joint response of child welfare, probation, health, schools and "
                "courts for young people who are exploited or at risk. These pages show how many "
                "reports came in, what happened to them, and how many young people were "
                "identified, statewide and county by county.",
                className="lede",
            ),
            notices.caveat(notices.IDENTIFICATION_NOT_PREVALENCE),
            controls.control_row(common.sfy_select(ids.HOME_SFY, view["sfy"])),
            controls.share_link(),
            html.Section(
                className="stats-section",
                **{"aria-labelledby": "home-stats-heading"},
                children=[
                    html.H2("Statewide figures", id="home-stats-heading"),
                    html.Div(
                        stat_tiles(view),
                        id=ids.HOME_STATS,
                        className="stats",
                        **{"aria-live": "polite"},
                    ),
                ],
            ),
            html.Div(
                className="grid-2",
                children=[
                    common.card(
                        ids.HOME_FUNNEL,
                        "What happened to reports",
                        source_line(rel, "cells", "rates"),
                        view,
                    ),
                    common.card(
                        ids.HOME_TREND,
                        "Is it rising?",
                        source_line(rel, "cells", "rates", "opt_in_roster"),
                        view,
                    ),
                ],
            ),
            html.Section(
                className="next",
                **{"aria-labelledby": "next-heading"},
                children=[
                    html.H2("Where to go next", id="next-heading"),
                    html.Ul(
                        [
                            html.Li(
                                [
                                    dcc.Link(label, href=urlstate.page_url(page, in_release)),
                                    f": {text}.",
                                ]
                            )
                            for page, text, label in NEXT
                        ]
                    ),
                ],
            ),
        ]
    )


def stat_tiles(view: urlstate.View) -> list:
    """Return the headline figures of a view as tiles."""
    ctx = charts.Context(release.current())
    return [
        html.Div(
            className="stat" + ("" if s.published else " is-hidden"),
            children=[
                html.P(s.label, className="stat-label"),
                html.P(s.value, className="stat-value num" if s.published else "stat-value"),
                html.P(s.detail, className="stat-detail") if s.detail else None,
            ],
        )
        for s in stats(ctx, view)
    ]


def register_callbacks(app: Dash) -> None:
    """Wire the page's callbacks."""
    common.register_url_sync(app, PAGE)
    for chart_id in (ids.HOME_FUNNEL, ids.HOME_TREND):
        common.register_chart(app, PAGE, chart_id)
    common.register_content(app, PAGE, Output(ids.HOME_STATS, "children"), stat_tiles)
