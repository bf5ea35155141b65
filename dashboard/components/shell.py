"""The page shell: skip link, header with navigation, synthetic-data banner, main, footer."""

from __future__ import annotations

import json
import re

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
                    dcc.Link(
                        SITE_NAME, id=ids.BRAND, href=urlstate.page_url("home"), className="brand"
                    ),
                    html.Nav(
                        id=ids.NAV,
                        **{"aria-label": "Main"},
                        children=html.Ul(
                            [html.Li(shell_link(page.key, "nav")) for page in registry.NAV]
                        ),
                    ),
                ],
            ),
            synthetic_banner(release.current().notice),
        ],
    )


FOOTER_PAGES = ("changes", "methodology", "downloads")
# The shell is the same for every release; a link that names an earlier release keeps naming
# it as the reader moves between pages (the navigation and footer links follow the address).
RELEASE_ID = "[0-9a-fA-F]{12}"
FOLLOW_RELEASE = """
function (search) {
    var found = /[?&]release=(%s)(?:&|$)/.exec(search || "");
    var suffix = found ? "?release=" + found[1].toLowerCase() : "";
    return %s.map(function (href) { return href + suffix; });
}
"""


def shell_link(page: str, place: str, text: str | None = None) -> dcc.Link:
    """Return a shell link to a page in a place ("nav", "footer"); its href follows the release
    of the address."""
    entry = registry.BY_KEY[page]
    return dcc.Link(
        text or entry.nav or entry.title,
        id=ids.shell_link(f"{place}-{page}"),
        href=urlstate.page_url(page),
    )


def shell_links() -> tuple[tuple[str, str], ...]:
    """Return (component id, page) of every shell link: brand, navigation, footer."""
    return (
        (ids.BRAND, "home"),
        *((ids.shell_link(f"nav-{p.key}"), p.key) for p in registry.NAV),
        *((ids.shell_link(f"footer-{p}"), p) for p in FOOTER_PAGES),
    )


def followed_hrefs(release_id: str) -> dict[str, str]:
    """Return the shell links' hrefs as the address naming a release (any string) makes them."""
    suffix = f"?release={release_id.lower()}" if re.fullmatch(RELEASE_ID, release_id) else ""
    return {link_id: urlstate.page_url(page) + suffix for link_id, page in shell_links()}


def register_callbacks(app: dash.Dash) -> None:
    """Make the shell's links carry the release of the address (in the browser, no request)."""
    links = shell_links()
    app.clientside_callback(
        FOLLOW_RELEASE % (RELEASE_ID, json.dumps([urlstate.page_url(page) for _, page in links])),
        [dash.Output(link_id, "href") for link_id, _ in links],
        dash.Input(ids.PAGES_LOCATION, "search"),
    )


def layout() -> html.Div:
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
                                "Sexually Exploited Children (CSEC) Program. Every page names the "
                                "release its figures come from, with its release and extract "
                                f"dates. Data under {rel.data_license}, code under "
                                f"{rel.code_license}. Counts from 1 to 10, and counts from which "
                                "one could be worked out, are suppressed. ",
                                shell_link("changes", "footer", "What changed"),
                                " · ",
                                shell_link("methodology", "footer", "Methodology"),
                                " · ",
                                shell_link("downloads", "footer", "Downloads and citation"),
                            ]
                        ),
                    ],
                ),
            ),
        ],
    )
