"""Look of every figure: colour-blind-safe palette, status styling, fonts, notes under the plot."""

from __future__ import annotations

import functools
import textwrap

import plotly.colors
import plotly.io as pio

from dashboard import domain

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
TEXT = "#1a1a1a"
MUTED = "#4d4d4d"
GRID = "#d9d9d9"
# Okabe-Ito hues (distinguishable with the common colour-vision deficiencies), with orange, sky
# blue and yellow darkened to 3:1 against white (WCAG 1.4.11); lines also differ by dash and symbol.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#B07800", "#000000", "#3B86B8", "#8F7F00")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "star", "x", "hexagon")
BAR = "#0072B2"
SUPPRESSED_FILL = "#b3b3b3"
NOT_OPTED_IN_FILL = "#f2f2f2"
BAND_FILL = "rgba(77, 77, 77, 0.16)"  # the peers' middle half, behind the lines
BORDER = "#666666"
# An axis of counts: thousands separated, and a range that reaches 5 at least, so plotly never
# ticks fractions of a child or a report (a chart of published zeros drew 0, 0.2, 0.4, ...).
COUNT_AXIS = {"tickformat": ",", "autorangeoptions": {"include": [0, 5]}}
SEQUENTIAL = plotly.colors.get_colorscale("Viridis")
STATUS_SHORT = {
    domain.SUPPRESSED: "Suppressed: hidden to protect privacy",
    domain.NOT_OPTED_IN: "Not opted in that year",
    domain.NOT_APPLICABLE: "Not defined: the denominator is zero",
}
NOTE_WIDTH = 50  # characters per line of the notes under a figure (fits a phone)
LINE_PX = 15


@functools.lru_cache(maxsize=4096)  # titles and notes recur across views
def wrap(text: str, width: int = NOTE_WIDTH) -> str:
    """Return text wrapped with <br> line breaks for a plotly annotation."""
    lines = []
    for part in text.split("<br>"):
        lines.extend(textwrap.wrap(part, width) or [""])
    return "<br>".join(lines) if text else ""


SHORT_ENTRY = 18  # legends whose entries are all this short get two columns, else one


def legend_columns(names: list[str]) -> int:
    """Return the legend's columns: fixed fractions of its width, the same on every screen."""
    return 2 if names and max(len(name) for name in names) <= SHORT_ENTRY else 1


def legend_rows(names: list[str]) -> int:
    """Return how many rows the legend takes."""
    return -(-len(names) // legend_columns(names)) if names else 0


def notes(source: str, status_note: str) -> list[str]:
    """Return the lines under a figure: what is hidden and why, then the source.

    The source carries the synthetic-data notice (first) when the release is synthetic.
    """
    return [line for line in (status_note, source) if line]


# What every figure carries, built once and shared by every figure (so never changed in place):
# the template (as go.Figure() would carry it) and the parts of the layout `apply` sets.
TEMPLATE = pio.templates[pio.templates.default].to_plotly_json()
TITLE = {
    "x": 0,
    "xanchor": "left",
    "xref": "container",
    "y": 1,
    "yref": "container",
    "yanchor": "top",
    "pad": {"t": 14, "l": 10},
    "font": {"size": 16},
}
LOOK = {
    "font": {"family": FONT, "color": TEXT, "size": 13},
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "hoverlabel": {"font": {"family": FONT}},
    "separators": ".,",
}
LEGEND = {
    "font": {"size": 11.5},
    "entrywidthmode": "fraction",
    "tracegroupgap": 0,  # rows keep the 22 px the top margin allows for each
    "orientation": "h",
    "x": 0,
    "y": 1.02,
    "yanchor": "bottom",
    "xanchor": "left",
}
NOTES = {
    "xref": "paper",
    "yref": "paper",
    "x": 0,
    "y": 0,
    "xanchor": "left",
    "yanchor": "bottom",
    "align": "left",
    "showarrow": False,
    "font": {"size": 10.5, "color": MUTED},
}
AXIS = {"gridcolor": GRID, "linecolor": BORDER, "fixedrange": True}


def figure(data: list[dict] | None = None, **layout: object) -> dict:
    """Return a figure as the plain dict a dcc.Graph takes, on plotly's default template.

    Figures are built as dicts, not plotly objects: validating objects cost most of a chart's
    build time. The tests have plotly validate built figures instead.
    """
    return {"data": data or [], "layout": {"template": TEMPLATE, **layout}}


def update_axes(fig: dict, prefix: str, **values: object) -> None:
    """Set values on every axis of the figure whose name starts with `prefix` ("xaxis", "yaxis")."""
    layout = fig["layout"]
    for name in {prefix, *(key for key in layout if key.startswith(prefix))}:
        layout.setdefault(name, {}).update(values)


def annotate(fig: dict, **annotation: object) -> None:
    """Add an annotation to the figure."""
    fig["layout"].setdefault("annotations", []).append(annotation)


def apply(
    fig: dict,
    title: str,
    source: str,
    status_note: str = "",
    height: int = 420,
    legend: bool = True,
    axis_px: int = 50,
    notes_shift: int = 0,
) -> dict:
    """Return the figure with title, fonts, margins and the notes an exported PNG must carry.

    `axis_px` is the room kept under the plot for tick labels and the x-axis title (x-axes do
    not auto-grow the margin, so the notes never collide with them); `notes_shift` moves the
    notes left past the y-axis labels.
    """
    text = "<br>".join(wrap(line) for line in notes(source, status_note))
    n_lines = text.count("<br>") + 1
    bottom = axis_px + 8 + n_lines * LINE_PX
    title_text = wrap(title, 38)
    names = [t.get("name") or "" for t in fig["data"] if t.get("showlegend") is not False]
    rows = legend_rows(names) if legend else 0
    top = 20 + 22 * (title_text.count("<br>") + 1) + 22 * rows
    fig["layout"].update(
        title={**TITLE, "text": title_text},
        height=height + bottom + top,
        margin={"l": 10, "r": 10, "t": top, "b": bottom, "pad": 4},
        showlegend=legend,
        legend={**LEGEND, "entrywidth": 1 / legend_columns(names) - 0.01},
        **LOOK,
    )
    annotate(fig, **NOTES, text=text, yshift=-bottom + 4, xshift=-notes_shift)
    update_axes(fig, "xaxis", **AXIS, automargin=False)
    update_axes(fig, "yaxis", **AXIS, automargin=True)
    return fig


# The axes of a figure with nothing to draw: drawn, with nothing on them. Not hidden: plotly.js
# (4.1.1) keeps a hidden axis's ticks without their labels, and redrawing the figure as a trend
# (tick labels inside the plot) then fails, and the graph draws no later figure.
BARE_AXIS = {"showgrid": False, "zeroline": False, "showline": False, "showticklabels": False}


def empty(message: str, title: str, source: str) -> dict:
    """Return a figure that says why there is nothing to draw (never a blank chart)."""
    fig = figure(xaxis={**BARE_AXIS}, yaxis={**BARE_AXIS})
    annotate(
        fig,
        text=wrap(message, 34),
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font={"size": 14, "color": TEXT},
    )
    return apply(fig, title, source, height=220, legend=False, axis_px=0)
