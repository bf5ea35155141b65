"""The page shell: skip link, header with navigation, synthetic-data banner, main, footer."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids, registry, urlstate
from dashboard.components.notices import synthetic_banner
from dashboard.data import release
from dashboard.registry import SITE_NAME


def header() -> html.Header:
    """Return the header landmark: site name, navigation and the synthetic-data notice."""
    return html.Header(
        className="site-header",
        children=[
            html.Div(
                className="wrap",
                children=[
                    dcc.Link(SITE_NAME, href=urlstate.page_url("home"), className="brand"),
                    html.Nav(
                        id=ids.NAV,
                        **{"aria-label": "Main"},
                        children=html.Ul(
                            [
                                html.Li(dcc.Link(page.nav, href=urlstate.page_url(page.key)))
                                for page in registry.NAV
                            ]
                        ),
                    ),
                ],
            ),
            synthetic_banner(release.current().notice),
        ],
    )


def layout(release_id: str) -> html.Div:
    """Return the app layout around Dash's page container."""
    rel = release.current()
    return html.Div(
        className="site",
        children=[
            html.A("Skip to main content", href=f"#{ids.MAIN}", className="skip-link"),
            header(),
            html.Main(
                id=ids.MAIN,
                tabIndex="-1",
                className="wrap",
                children=dash.page_container,
            ),
            html.Footer(
                className="site-footer",
                children=html.Div(
                    className="wrap",
                    children=[
                        html.P(
                            [
                                "Open-source public dashboard of California's Opt-In Commercially "
                                "Sexually Exploited Children (CSEC) Program. Release ",
                                html.Code(release_id),
                                f", built {rel.release_date.isoformat()} from records extracted "
                                f"{rel.extract_date.isoformat()}; data under {rel.data_license}, "
                                f"code under {rel.code_license}. Counts from 1 to 10, and counts "
                                "from which one could be worked out, are suppressed. ",
                                dcc.Link("Methodology", href=urlstate.page_url("methodology")),
                                " · ",
                                dcc.Link(
                                    "Downloads and citation", href=urlstate.page_url("downloads")
                                ),
                            ]
                        ),
                    ],
                ),
            ),
        ],
    )
