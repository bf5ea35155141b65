"""A chart card: heading, summary, figure, table alternative, source line and downloads."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids, urlstate

TOPOJSON_PATH = "/assets/topojson/"
# Empty until the callback answers. (An invisible-axes placeholder makes plotly.js throw on
# the first update to inside tick labels, so keep the layout empty.)
PLACEHOLDER = {"data": [], "layout": {}}


def graph_style(figure: dict) -> dict:
    """Return the style that gives a responsive graph the height its figure asks for."""
    return {"height": f"{int(figure['layout'].get('height', 450))}px"}


def graph_config(chart_id: str) -> dict:
    """Return the plotly config: offline map base, PNG export, no zoom tools."""
    return {
        "topojsonURL": urlstate.url(TOPOJSON_PATH),
        "displaylogo": False,
        "displayModeBar": False,
        "scrollZoom": False,
        "doubleClick": False,
        "modeBarButtonsToRemove": [
            "zoom2d",
            "pan2d",
            "select2d",
            "lasso2d",
            "zoomIn2d",
            "zoomOut2d",
            "autoScale2d",
            "resetScale2d",
            "zoomInGeo",
            "zoomOutGeo",
            "resetGeo",
            "hoverClosestGeo",
            "hoverClosestCartesian",
            "hoverCompareCartesian",
            "toggleSpikelines",
        ],
        "toImageButtonOptions": {"format": "png", "filename": chart_id, "scale": 2},
    }


def graph_frame(chart_id: str) -> html.Div:
    """Return the graph as one image: named by its card heading, described by its summary."""
    return html.Div(
        role="img",
        className="graph-frame",
        **{"aria-labelledby": ids.heading(chart_id), "aria-describedby": ids.summary(chart_id)},
        children=dcc.Graph(
            id=ids.graph(chart_id),
            config=graph_config(chart_id),
            className="graph",
            responsive=True,
            style={"height": "360px"},
            figure=PLACEHOLDER,
        ),
    )


def chart_card(
    chart_id: str,
    title: str,
    source: str,
    intro: str = "",
    graph: bool = True,
    controls: object = None,
) -> html.Section:
    """Return the static frame of a chart; a page callback fills figure, summary, table and link."""
    return html.Section(
        className="card chart-card",
        **{"aria-labelledby": ids.heading(chart_id)},
        children=[
            html.H2(title, id=ids.heading(chart_id)),
            html.P(intro, className="intro") if intro else None,
            controls,
            html.P(id=ids.summary(chart_id), className="summary", **{"aria-live": "polite"}),
            graph_frame(chart_id) if graph else None,
            html.Details(
                className="table-alt",
                open=not graph,
                children=[
                    html.Summary("The numbers as a table" if graph else "Table"),
                    html.Div(id=ids.table(chart_id)),
                ],
            ),
            html.P(source, className="source"),
            html.Div(
                className="downloads",
                children=[
                    html.A(
                        "Download CSV of this view",
                        id=ids.csv(chart_id),
                        href="#",
                        download=f"{chart_id}.csv",
                        className="button",
                    ),
                    html.Button(
                        "Download PNG image",
                        id=ids.png(chart_id),
                        type="button",
                        className="button",
                        disable_n_clicks=True,
                        **{"data-png-for": ids.graph(chart_id), "data-filename": chart_id},
                    )
                    if graph
                    else None,
                ],
            ),
        ],
    )
