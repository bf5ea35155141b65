"""Map: which counties had opted in (illustrative roster), and any measure or rate by county."""

from __future__ import annotations

import dash
from dash import Dash, Input, Output, dcc, html

from dashboard import ids, urlstate
from dashboard.charts.common import source_line
from dashboard.components import controls, notices
from dashboard.data import release
from dashboard.pages import common

PAGE = "map"


def layout(**query) -> html.Div:
    """Return the map page for a URL query."""
    rel = release.current()
    view = common.parse(PAGE, query)
    return html.Div(
        [
            common.page_location(PAGE, view),
            dcc.Location(id=ids.MAP_NAV, refresh="callback-nav"),
            html.H1("California's 58 counties"),
            notices.link_notices(ids.notices(PAGE), view.notices),
            html.P(
                "Which counties had opted in to the program each year, and any measure or rate "
                "county by county. Select a county on the map, or its name in the table, to open "
                "its benchmark page.",
                className="lede",
            ),
            controls.control_row(
                controls.button_group(
                    ids.MAP_VIEW,
                    "Show",
                    [("measure", "A measure"), ("roster", "Who had opted in")],
                    view["view"],
                ),
                common.metric_select(ids.MAP_MEASURE, view["measure"]),
                common.sfy_select(ids.MAP_SFY, view["sfy"]),
            ),
            controls.share_link(),
            html.Div(
                className="key",
                children=[
                    html.H2("How to read the map", className="key-title"),
                    html.Ul(
                        [
                            html.Li(
                                "Colour: the published value (darker is lower, yellow is higher)."
                            ),
                            html.Li("Grey with ×: suppressed, hidden to protect privacy."),
                            html.Li("White with ○: the county had not opted in that year."),
                            html.Li(
                                "Who had opted in: colour and shape by first year in the program."
                            ),
                        ]
                    ),
                ],
            ),
            common.card(ids.MAP_MAP, "Map", source_line(rel, "cells", "rates"), view),
            notices.caveat(notices.IDENTIFICATION_NOT_PREVALENCE),
        ]
    )


def county_href(click: dict | None, release_value: str | None) -> str:
    """Return the county page of a clicked map location, in the map's release (no update if
    no county was clicked)."""
    points = (click or {}).get("points") or []
    location = points[0].get("location") if points else None
    geo = release.latest().geos.resolve_county(location) if location else None
    if geo is None:
        raise dash.exceptions.PreventUpdate
    view = common.parse("county", {"county": geo.slug, urlstate.RELEASE: release_value})
    return urlstate.href("county", view.values)


def register_callbacks(app: Dash) -> None:
    """Wire the page's callbacks."""
    common.register_url_sync(app, PAGE)
    common.register_chart(app, PAGE, ids.MAP_MAP)
    app.callback(
        Output(ids.MAP_NAV, "href"),
        Input(ids.graph(ids.MAP_MAP), "clickData"),
        Input(ids.release_holder(PAGE), "data-value"),
        prevent_initial_call=True,
    )(county_href)
