"""County benchmark (/county/<name or fips>): one county against its peers, region and state."""

from __future__ import annotations

from dash import Dash, Output, dcc, html

from dashboard import domain, ids, registry, urlstate
from dashboard.charts.common import source_line
from dashboard.components import controls, notices
from dashboard.data import queries, release
from dashboard.pages import common

PAGE = "county"
PEER_RULE = (
    "Peer groups put together counties of a similar size, by residents (Census 2019 estimate): "
    "very large (1,000,000 or more), large (500,000 to 999,999), medium (200,000 to 499,999), "
    "small (50,000 to 199,999) and rural (under 50,000)."
)


def title(county: str | None = None) -> str:
    """Return the browser title of a county page."""
    geo = release.current().geos.resolve_county(county or urlstate.PARAMS["county"].default)
    name = geo.label if geo else "County"
    return f"{name} benchmark - {registry.SITE_NAME}"


def layout(county: str | None = None, **query) -> html.Div:
    """Return the county page for a path county and URL query."""
    rel = release.current()
    if county is not None:
        query = {**query, "county": county}
    view = urlstate.parse(PAGE, query, rel.geos)
    return html.Div(
        [
            common.page_location(PAGE, view),
            html.H1(id=ids.COUNTY_HEADING, children=heading(view["county"])),
            notices.link_notices(ids.notices(PAGE), view.notices),
            controls.control_row(
                controls.select(
                    ids.COUNTY_COUNTY, "County", common.county_options(rel.geos), view["county"]
                ),
                common.metric_select(ids.COUNTY_MEASURE, view["measure"], "Measure for the chart"),
                common.sfy_select(ids.COUNTY_SFY, view["sfy"]),
            ),
            controls.share_link(),
            html.Div(profile(view["county"]), id=ids.COUNTY_PROFILE, className="profile"),
            common.card(ids.COUNTY_TREND, "Over time", source_line(rel, "cells", "rates"), view),
            common.card(
                ids.COUNTY_TABLE,
                "Every measure, one year",
                source_line(rel, "cells", "rates"),
                view,
                graph=False,
            ),
            notices.caveat(notices.IDENTIFICATION_NOT_PREVALENCE),
        ]
    )


def heading(county_slug: str) -> str:
    """Return the page heading for a county."""
    geo = release.current().geos.resolve_county(county_slug)
    return f"{geo.label}: benchmark" if geo else "County benchmark"


def profile(county_slug: str) -> list:
    """Return the county's region, peer group with the rule, peers and years in the program."""
    rel = release.current()
    geo = rel.geos.resolve_county(county_slug)
    info = rel.geos.county(geo.id)
    peers = [c for c in rel.geos.peers(geo.id) if c.fips != geo.id]
    years = queries.opted_in_sfys(rel, geo.id)
    in_program = (
        f"In the program (illustrative roster) in {len(years)} of {len(domain.SFYS)} years"
        + (f", first in {domain.sfy_label(years[0])}." if years else ".")
    )
    peer_links = [
        dcc.Link(
            c.name, href=urlstate.href("county", {"county": rel.geos.find("county", c.fips).slug})
        )
        for c in peers
    ]
    joined: list = []
    for i, link in enumerate(peer_links):
        joined += [", "] if i else []
        joined.append(link)
    return [
        html.P(
            [
                html.Strong("Region: "),
                info.region_name,
                ". ",
                html.Strong("Peer group: "),
                info.peer_group_name,
                ".",
            ]
        ),
        html.P([html.Strong("Peer rule: "), PEER_RULE]),
        html.P([html.Strong("Peer counties: "), *(joined or ["none"]), "."]),
        html.P(in_program),
    ]


def header_parts(view: urlstate.View) -> tuple:
    """Return the heading and profile for the chosen county."""
    return heading(view["county"]), profile(view["county"])


def register_callbacks(app: Dash) -> None:
    """Wire the page's callbacks."""
    common.register_url_sync(app, PAGE)
    common.register_chart(app, PAGE, ids.COUNTY_TREND)
    common.register_chart(app, PAGE, ids.COUNTY_TABLE, graph=False)
    common.register_content(
        app,
        PAGE,
        [Output(ids.COUNTY_HEADING, "children"), Output(ids.COUNTY_PROFILE, "children")],
        header_parts,
    )
