"""Look of every figure: colour-blind-safe palette, status styling, fonts, notes under the plot."""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

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
SEQUENTIAL = "Viridis"
STATUS_SHORT = {
    domain.SUPPRESSED: "Suppressed: hidden to protect privacy",
    domain.NOT_OPTED_IN: "Not opted in that year",
    domain.NOT_APPLICABLE: "Not defined: the denominator is zero",
}
NOTE_WIDTH = 50  # characters per line of the notes under a figure (fits a phone)
LINE_PX = 15


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


def apply(
    fig: go.Figure,
    title: str,
    source: str,
    status_note: str = "",
    height: int = 420,
    legend: bool = True,
    axis_px: int = 50,
    notes_shift: int = 0,
) -> go.Figure:
    """Return the figure with title, fonts, margins and the notes an exported PNG must carry.

    `axis_px` is the room kept under the plot for tick labels and the x-axis title (x-axes do
    not auto-grow the margin, so the notes never collide with them); `notes_shift` moves the
    notes left past the y-axis labels.
    """
    text = "<br>".join(wrap(line) for line in notes(source, status_note))
    n_lines = text.count("<br>") + 1
    bottom = axis_px + 8 + n_lines * LINE_PX
    title_text = wrap(title, 38)
    names = [t.name or "" for t in fig.data if t.showlegend is not False]
    rows = legend_rows(names) if legend else 0
    top = 20 + 22 * (title_text.count("<br>") + 1) + 22 * rows
    fig.update_layout(
        title={
            "text": title_text,
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 14, "l": 10},
            "font": {"size": 16},
        },
        font={"family": FONT, "color": TEXT, "size": 13},
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=height + bottom + top,
        margin={"l": 10, "r": 10, "t": top, "b": bottom, "pad": 4},
        showlegend=legend,
        legend={
            "font": {"size": 11.5},
            "entrywidth": 1 / legend_columns(names) - 0.01,
            "entrywidthmode": "fraction",
            "tracegroupgap": 0,  # rows keep the 22 px the top margin allows for each
            "orientation": "h",
            "x": 0,
            "y": 1.02,
            "yanchor": "bottom",
            "xanchor": "left",
        },
        hoverlabel={"font": {"family": FONT}},
        separators=".,",
    )
    fig.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-bottom + 4,
        xshift=-notes_shift,
        xanchor="left",
        yanchor="bottom",
        align="left",
        showarrow=False,
        font={"size": 10.5, "color": MUTED},
    )
    fig.update_xaxes(gridcolor=GRID, linecolor=BORDER, automargin=False, fixedrange=True)
    fig.update_yaxes(gridcolor=GRID, linecolor=BORDER, automargin=True, fixedrange=True)
    return fig


def empty(message: str, title: str, source: str) -> go.Figure:
    """Return a figure that says why there is nothing to draw (never a blank chart)."""
    fig = go.Figure()
    fig.add_annotation(
        text=wrap(message, 34),
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font={"size": 14, "color": TEXT},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return apply(fig, title, source, height=220, legend=False, axis_px=0)
