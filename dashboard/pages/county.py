"""County benchmark (/county/<name or fips>): one county against its peers, region and state."""

from __future__ import annotations

import polars as pl
from dash import Dash, Output, dcc, html

from dashboard import domain, ids, registry, urlstate
from dashboard.charts.common import source_line
from dashboard.components import controls, notices
from dashboard.data import queries, release
from dashboard.figures import text
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
    view = common.parse(PAGE, query)
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
            html.Div(
                className="page-actions",
                children=[
                    controls.share_link(),
                    html.A(
                        "Board brief (print-ready)",
                        id=ids.COUNTY_BRIEF,
                        href=brief_href(view),
                        className="button",
                    ),
                ],
            ),
            html.Div(profile(view), id=ids.COUNTY_PROFILE, className="profile"),
            html.Div(nearest(view), id=ids.COUNTY_NEAREST, **{"aria-live": "polite"}),
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


def profile(view: urlstate.View) -> list:
    """Return the county's region, peer group with the rule, peers and years in the program."""
    rel = release.current()
    geo = rel.geos.resolve_county(view["county"])
    info = rel.geos.county(geo.id)
    peers = [c for c in rel.geos.peers(geo.id) if c.fips != geo.id]
    years = queries.opted_in_sfys(rel, geo.id)
    in_program = (
        f"In the program (illustrative roster) in {len(years)} of {len(rel.sfys)} years"
        + (f", first in {domain.sfy_label(years[0])}." if years else ".")
    )
    peer_links = [
        dcc.Link(
            c.name,
            href=urlstate.href(
                "county",
                {
                    "county": rel.geos.find("county", c.fips).slug,
                    **urlstate.in_release(view.values),
                },
            ),
        )
        for c in peers
    ]
    joined: list = []
    for i, link in enumerate(peer_links):
        joined += [", "] if i else []
        joined.append(link)
    return [
        visibility_line(geo),
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
        html.P(
            [
                html.Strong("Peer counties: "),
                *(joined or ["none"]),
                f". The peer band leaves {geo.name} out; the peer group total includes it.",
            ]
        ),
        html.P(in_program),
    ]


def visibility_line(geo) -> html.Details | html.P:
    """Return the share of the county's figures that are published, with the share by measure."""
    shares = queries.visibility(release.current(), geo.id)
    overall = shares.filter(pl.col("measure") == "all")
    if not overall.height:
        return html.P(f"{geo.label} was not in the program, so it has no figures of its own.")
    row = overall.row(0, named=True)
    lines = [
        html.Li(
            f"{queries.metric_label(r['measure'])}: {r['share']:.0f}% ({r['published']} of {r['cells']})"
        )
        for r in shares.filter(pl.col("measure") != "all").iter_rows(named=True)
    ]
    return html.Details(
        className="visibility",
        children=[
            html.Summary(
                f"{row['share']:.0f}% of {geo.name}'s figures are published "
                f"({row['published']} of {row['cells']} while it was in the program)."
            ),
            html.P("By measure (the rest are hidden to protect privacy):"),
            html.Ul(lines, className="columns"),
        ],
    )


def brief_href(view: urlstate.View) -> str:
    """Return the link of the county brief for the county and year on screen."""
    keep = ("county", "sfy", urlstate.RELEASE)
    return urlstate.href("brief", {name: view[name] for name in keep})


def nearest(view: urlstate.View) -> list:
    """Return the closest published figures when the chosen one is hidden (else nothing)."""
    rel = release.current()
    geo = rel.geos.resolve_county(view["county"])
    metric, period = view["measure"], urlstate.period(view["sfy"], rel.sfys)
    unit = queries.metric_unit(metric)
    _, status = queries.value(rel, metric, "county", geo.id, period)
    if status != domain.SUPPRESSED:
        return []
    values = dict(view.values)
    offers = []

    def offer(words: str, href: str) -> None:
        offers.append(html.Li(dcc.Link(words, href=href)))

    window, window_status = queries.value(rel, metric, "county", geo.id, rel.window)
    if period != rel.window and window_status == domain.PUBLISHED:
        offer(
            f"{geo.label}, {common.all_years(rel.sfys).split(' (')[0].lower()} together: "
            f"{text.fmt_with_unit(window, unit)}",
            urlstate.href("county", values, sfy=urlstate.WINDOW_VALUE),
        )
    year = queries.nearest_year(rel, metric, geo.id, period)
    if year:
        val, _ = queries.value(rel, metric, "county", geo.id, year)
        offer(
            f"{geo.label}, nearest published year ({domain.sfy_label(year)}): "
            f"{text.fmt_with_unit(val, unit)}",
            urlstate.href("county", values, sfy=year),
        )
    rate = metric if queries.is_rate(metric) else queries.rate_of(metric)
    band = queries.band_at(rel, rate, geo.id, period) if rate else None
    if band:
        offer(
            f"Its peers' median, {queries.metric_label(rate)}: "
            f"{text.fmt_with_unit(band['median'], queries.metric_unit(rate))}",
            urlstate.href("county", values, measure=rate),
        )
    info = rel.geos.county(geo.id)
    val, region_status = queries.value(rel, metric, "region", info.region_id, period)
    if region_status == domain.PUBLISHED:
        offer(
            f"{info.region_name} region, {domain.sfy_label(period)}: {text.fmt_with_unit(val, unit)}",
            urlstate.href(
                "funnel",
                {
                    "geo": f"region:{info.region_id}",
                    "sfy": view["sfy"],
                    **urlstate.in_release(view.values),
                },
            ),
        )
    heading = (
        f"{geo.label}, {queries.metric_label(metric)}, {domain.sfy_label(period)}: hidden to "
        "protect privacy. The closest published figures:"
    )
    return (
        [html.Section(className="nearest", children=[html.P(heading), html.Ul(offers)])]
        if offers
        else []
    )


def header_parts(view: urlstate.View) -> tuple:
    """Return the heading, profile, nearest published figures and brief link of a view."""
    return heading(view["county"]), profile(view), nearest(view), brief_href(view)


def register_callbacks(app: Dash) -> None:
    """Wire the page's callbacks."""
    common.register_url_sync(app, PAGE)
    common.register_chart(app, PAGE, ids.COUNTY_TREND)
    common.register_chart(app, PAGE, ids.COUNTY_TABLE, graph=False)
    common.register_content(
        app,
        PAGE,
        [
            Output(ids.COUNTY_HEADING, "children"),
            Output(ids.COUNTY_PROFILE, "children"),
            Output(ids.COUNTY_NEAREST, "children"),
            Output(ids.COUNTY_BRIEF, "href"),
        ],
        header_parts,
    )
