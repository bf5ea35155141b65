"""A chart card: heading, summary, figure, table alternative, source line and downloads."""

from __future__ import annotations

import re
from typing import NamedTuple

from dash import dcc, html

from dashboard import ids, urlstate


class CardContent(NamedTuple):
    """What a chart card shows for one view: summary, table, CSV link and figure (if drawn)."""

    summary: str
    table: object
    csv_href: str
    figure: dict | None = None


FIRST_SENTENCE = re.compile(r"(?<=[.])\s+(?=[A-Z])")


def summary_children(summary: str) -> list:
    """Return a summary as its first sentence, a "More" button and the rest (collapsed).

    The rest stays in the page; assets/controls.js shows it when the button is pressed.
    """
    parts = FIRST_SENTENCE.split(summary, maxsplit=1)
    if len(parts) == 1:
        return [summary]
    first, rest = parts
    return [
        first,
        " ",
        html.Button(
            [html.Span("More", className="if-collapsed"), html.Span("Less", className="if-open")],
            type="button",
            className="summary-more",
            disable_n_clicks=True,
            **{"aria-expanded": "false", "data-more": "true"},
        ),
        html.Span(" " + rest, className="summary-rest"),
    ]


def figure_height(figure: dict) -> str:
    """Return the height a figure asks for, in CSS pixels."""
    return f"{int(figure['layout'].get('height', 450))}px"


def graph_style(figure: dict) -> dict:
    """Return the style that gives a responsive graph the height its figure asks for."""
    return {"height": figure_height(figure)}


def graph_config(chart_id: str) -> dict:
    """Return the plotly config: offline map base, PNG export, no zoom tools."""
    return {
        "topojsonURL": urlstate.url(urlstate.TOPOJSON),
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


def graph_frame(chart_id: str, figure: dict) -> html.Div:
    """Return the graph as one image: named by its card heading, described by its summary.

    The frame holds the figure's height (--figure-height) for the graph until plotly.js has
    drawn it (the graph's own style then applies): no layout shift when the chart arrives."""
    return html.Div(
        role="img",
        className="graph-frame",
        style={"--figure-height": figure_height(figure)},
        **{"aria-labelledby": ids.heading(chart_id), "aria-describedby": ids.summary(chart_id)},
        children=dcc.Graph(
            id=ids.graph(chart_id),
            config=graph_config(chart_id),
            className="graph",
            responsive=True,
            style=graph_style(figure),
            figure=figure,
        ),
    )


def chart_card(
    chart_id: str,
    title: str,
    source: str,
    content: CardContent,
    intro: str = "",
    controls: object = None,
) -> html.Section:
    """Return a chart card showing a view; a page callback updates it when a control changes."""
    graph = content.figure is not None
    return html.Section(
        className="card chart-card",
        **{"aria-labelledby": ids.heading(chart_id)},
        children=[
            html.H2(title, id=ids.heading(chart_id)),
            html.P(intro, className="intro") if intro else None,
            controls,
            html.P(
                summary_children(content.summary),
                id=ids.summary(chart_id),
                className="summary is-collapsed",
                **{"aria-live": "polite"},
            ),
            graph_frame(chart_id, content.figure) if graph else None,
            html.Details(
                className="table-alt",
                open=not graph,
                children=[
                    html.Summary("The numbers as a table" if graph else "Table"),
                    html.Div(content.table, id=ids.table(chart_id)),
                ],
            ),
            html.P(source, className="source"),
            html.Div(
                className="downloads",
                children=[
                    html.A(
                        "Download CSV of this view",
                        id=ids.csv(chart_id),
                        href=content.csv_href,
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
