"""The 404 page: what went wrong and where to go."""

from __future__ import annotations

import dash
from dash import Dash, dcc, html

from dashboard import urlstate

PAGE = "not_found"


def layout(**_query) -> html.Div:
    """Return the page-not-found page."""
    return html.Div(
        [
            html.H1("Page not found"),
            html.P(
                "There is no page at this address. It may have moved, or the link may be mistyped."
            ),
            html.Ul(
                [
                    html.Li(dcc.Link("Overview", href=urlstate.page_url("home"))),
                    html.Li(dcc.Link("Map of the counties", href=urlstate.page_url("map"))),
                    html.Li(dcc.Link("County benchmark", href=urlstate.page_url("county"))),
                    html.Li(dcc.Link("Downloads", href=urlstate.page_url("downloads"))),
                ]
            ),
        ]
    )


def register(app: Dash) -> None:
    """Register the 404 page (Dash pages finds it by its module name)."""
    dash.register_page(
        __name__, path="/404", name="Page not found", title="Page not found", layout=layout
    )
