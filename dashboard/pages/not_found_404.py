"""The 404 page: what went wrong and where to go (every page of the navigation)."""

from __future__ import annotations

from dash import dcc, html

from dashboard import registry, urlstate


def layout(**_query) -> html.Div:
    """Return the page-not-found page."""
    return html.Div(
        [
            html.H1("Page not found"),
            html.P(
                "There is no page at this address. It may have moved, or the link may be mistyped."
            ),
            html.P("The pages of this dashboard:"),
            html.Ul(
                [
                    html.Li(
                        [
                            dcc.Link(page.nav, href=urlstate.page_url(page.key)),
                            f": {page.description}",
                        ]
                    )
                    for page in registry.NAV
                ]
            ),
        ]
    )
