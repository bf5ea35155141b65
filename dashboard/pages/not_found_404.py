"""The 404 page: what went wrong and where to go (every page of the navigation)."""

from __future__ import annotations

from dash import dcc, html

from dashboard import registry, urlstate
from dashboard.pages import common


def layout(**query) -> html.Div:
    """Return the page-not-found page (its links keep the release the address names)."""
    view = common.parse("not_found", {urlstate.RELEASE: query.get(urlstate.RELEASE)})
    in_release = view[urlstate.RELEASE]
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
                            dcc.Link(page.nav, href=urlstate.page_url(page.key, in_release)),
                            f": {page.description}",
                        ]
                    )
                    for page in registry.NAV
                ]
            ),
        ]
    )
