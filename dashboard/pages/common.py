"""Shared page parts: option lists for the controls and the thin callbacks every page wires."""

from __future__ import annotations

import dash
from dash import Dash, Input, Output, State, dcc, html

from dashboard import charts, domain, ids, registry, urlstate
from dashboard.components import controls
from dashboard.components.chart_card import CardContent, chart_card, graph_style, summary_children
from dashboard.components.table import data_table
from dashboard.data import history, release
from dashboard.data.geographies import LEVEL_LABELS, Geographies

SFY_HINT = "State fiscal years run 1 July to 30 June."


def releases() -> urlstate.Releases:
    """Return the releases a link may name, with their fiscal years (for urlstate.parse)."""
    return history.current().sfys()


def parse(page: str, query: dict) -> urlstate.View:
    """Return the view of a page's URL query, its release among the kept ones."""
    return urlstate.parse(page, query, release.latest().geos, releases())


def show(view: urlstate.View) -> release.Release:
    """Make the view's release the one this request shows, and return it (an unknown or
    refused id was already turned into the current release by urlstate, or is refused here)."""
    chosen = view[urlstate.RELEASE]
    try:
        rel = history.current().load(chosen) if chosen else release.latest()
    except release.ReleaseError:
        rel = release.latest()
    release.select(rel)
    return rel


def release_holder(page: str, view: urlstate.View) -> html.Div | None:
    """Return the hidden holder of a page's release (its controls' callbacks read it)."""
    if urlstate.RELEASE not in ids.CONTROLS.get(page, {}):
        return None
    return html.Div(
        id=ids.release_holder(page),
        hidden=True,
        **{"data-value": view[urlstate.RELEASE], "data-holds": urlstate.RELEASE},
    )


def all_years(sfys: tuple[str, ...]) -> str:
    """Return the whole window of some fiscal years in words ("All seven years (SFY ...)")."""
    n = len(sfys)
    return f"All {domain.NUMBER_WORDS.get(n, n)} years (SFY {domain.window_of(sfys)})"


def sfy_options() -> list[tuple[str, str]]:
    """Return (value, label) of every fiscal year of the shown release, its window last."""
    sfys = release.current().sfys
    return [(s, domain.sfy_label(s)) for s in sfys[::-1]] + [
        (urlstate.WINDOW_VALUE, all_years(sfys))
    ]


def sfy_select(control_id: str, value: str) -> object:
    """Return the fiscal-year control."""
    return controls.select(control_id, "State fiscal year", sfy_options(), value)


def geo_select(control_id: str, geos: Geographies, value: str) -> object:
    """Return the geography control: the state, regions, peer groups and counties, grouped."""
    groups = []
    for level in ("state", "region", "peer_group", "county"):
        options = [
            (g.key, g.name if level != "state" else g.label) for g in geos.all if g.level == level
        ]
        groups.append((LEVEL_LABELS[level], options))
    return controls.select(control_id, "Area", groups, value)


def county_options(geos: Geographies) -> list[tuple[str, str]]:
    """Return (slug, name) of every county."""
    return [(g.slug, g.name) for g in geos.all if g.level == "county"]


def metric_select(control_id: str, value: str, label: str = "Measure") -> object:
    """Return the measure control: rates first, then counts, grouped."""
    rates = [(r.id, r.label) for r in domain.RATES]
    counts = [(m.id, m.label) for m in domain.MEASURES]
    return controls.select(control_id, label, [("Rates", rates), ("Counts", counts)], value)


def url_data(page: str, view: urlstate.View) -> dict[str, str]:
    """Return the canonical path and query of a view, for the address bar, and its title."""
    return {
        "path": urlstate.path(page, view.values),
        "search": urlstate.search(page, view.values),
        "title": page_title(page, view),
    }


def page_title(page: str, view: urlstate.View) -> str:
    """Return the browser title of a view (a page may word it by its path value: the county)."""
    title = dash.page_registry[registry.BY_KEY[page].module_name]["title"]
    name = registry.BY_KEY[page].path_param
    return title(**{name: view[name]}) if callable(title) else title


def page_location(page: str, view: urlstate.View) -> dcc.Store:
    """Return the store of the page's canonical URL (the address bar follows it)."""
    return dcc.Store(id=ids.url(page), data=url_data(page, view))


def control_inputs(page: str) -> list[Input]:
    """Return the inputs of a page's controls, in URL parameter order."""
    return [Input(ids.CONTROLS[page][name], "data-value") for name in urlstate.PAGE_PARAMS[page]]


def view_of(page: str, values: tuple) -> urlstate.View:
    """Return the (re-validated) view of a page from its controls' values; its release becomes
    the one this request shows."""
    view = urlstate.from_controls(page, values, release.latest().geos, releases())
    show(view)
    return view


def csv_href(chart_id: str, view: urlstate.View) -> str:
    """Return the link of the CSV of exactly what a chart shows, pinned to the shown release."""
    pinned = {**view.values, urlstate.RELEASE: release.current().release_id}
    return urlstate.chart_csv(chart_id, view.page, pinned)


# The address and the browser title follow the view. On page load the canonical link replaces
# the one typed (a name becomes a slug, defaults drop out); a control change pushes a history
# entry, so Back undoes it (assets/controls.js re-renders the page of the restored URL). The link
# also lands on the page's notice region (data-url): a callback needs an output to run on load.
SYNC_URL = """
function (url, shown) {
    if (!url) {
        return window.dash_clientside.no_update;
    }
    var target = url.path + url.search;
    if (target !== window.location.pathname + window.location.search) {
        if (shown) {
            window.history.pushState({csecView: true}, "", target);
        } else {
            window.history.replaceState(window.history.state, "", target + window.location.hash);
        }
    }
    if (url.title) {
        document.title = url.title;
    }
    window.dispatchEvent(new Event("csec-url"));
    return target;
}
"""


def register_url_sync(app: Dash, page: str) -> None:
    """Wire the page's controls to its address bar (canonical, defaults omitted)."""
    register_content(app, page, Output(ids.url(page), "data"), lambda view: url_data(page, view))
    register_url_write(app, page)


def register_url_write(app: Dash, page: str) -> None:
    """Wire the page's canonical URL store to the address bar (replace on load, push on change)."""
    app.clientside_callback(
        SYNC_URL,
        Output(ids.notices(page), "data-url"),
        Input(ids.url(page), "data"),
        State(ids.notices(page), "data-url"),
    )


def card_content(chart_id: str, view: urlstate.View, graph: bool = True) -> CardContent:
    """Return what a chart card shows for a view (the chart is memoized)."""
    chart = charts.render(chart_id, view)
    return CardContent(
        chart.summary,
        data_table(chart.title, chart.columns, chart.rows),
        csv_href(chart_id, view),
        chart.figure if graph else None,
    )


def card(
    chart_id: str, title: str, source: str, view: urlstate.View, graph: bool = True, **options
) -> object:
    """Return a chart card already showing a view: the page arrives complete, in one request."""
    return chart_card(chart_id, title, source, card_content(chart_id, view, graph), **options)


def register_content(app: Dash, page: str, outputs: list[Output] | Output, render) -> None:
    """Wire a page's controls to a part of it: render(view) runs when a control changes.

    Not on page load: the page layout already holds the content of the view in its URL.
    """
    app.callback(outputs, control_inputs(page), prevent_initial_call=True)(
        lambda *values: render(view_of(page, values))
    )


def register_chart(app: Dash, page: str, chart_id: str, graph: bool = True) -> None:
    """Wire a chart card: controls -> view -> memoized chart -> figure, summary, table, CSV link."""
    outputs = [
        Output(ids.summary(chart_id), "children"),
        Output(ids.table(chart_id), "children"),
        Output(ids.csv(chart_id), "href"),
    ]
    if graph:
        outputs[:0] = [Output(ids.graph(chart_id), "figure"), Output(ids.graph(chart_id), "style")]

    def update(view: urlstate.View) -> list:
        content = card_content(chart_id, view, graph)
        parts = [summary_children(content.summary), content.table, content.csv_href]
        return [content.figure, graph_style(content.figure), *parts] if graph else parts

    register_content(app, page, outputs, update)
