"""Lines over the state fiscal years: gaps where a value is not published, never joined across."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from dashboard import domain
from dashboard.figures import text, theme

X_TITLE = "State fiscal year (1 July - 30 June)"
LINE_PX = 18
AXIS_PX = 90  # room under the plot for (possibly slanted) year labels and the axis title
# Tick labels inside the plot, above their grid line: the plot (and the notes) use the full width.
_INSIDE = {"ticklabelposition": "inside top", "ticklabelstandoff": 2}
Y_AXIS = {
    "count": {**_INSIDE, "tickformat": ","},
    "percent": {**_INSIDE, "ticksuffix": "%"},
    "per_100k": {**_INSIDE, "tickformat": ",.2~f"},
}


def _hover(values: list, statuses: list, unit: str) -> list[str]:
    """Return hover text per point: the value, or the status in words."""
    return [text.cell_text(v, s, unit) for v, s in zip(values, statuses, strict=True)]


def series_trace(part: pl.DataFrame, label: str, index: int, unit: str) -> go.Scatter:
    """Return one series as a line with gaps (never zero) where a value is not published."""
    statuses = part["status"].to_list()
    y = [v if s == domain.PUBLISHED else None for v, s in zip(part["value"], statuses, strict=True)]
    colour = theme.PALETTE[index % 8]
    return go.Scatter(
        x=part["period"].to_list(),
        y=y,
        name=label,
        mode="lines+markers",
        connectgaps=False,
        line={"color": colour, "dash": theme.DASHES[index % 8], "width": 2.5},
        marker={"symbol": theme.SYMBOLS[index % 8], "size": 8, "color": colour},
        text=_hover(part["value"].to_list(), statuses, unit),
        hovertemplate="%{fullData.name}, SFY %{x}: %{text}<extra></extra>",
    )


GAP_Y = 0.035  # gap markers sit just above the x-axis, on a hidden 0-1 axis of their own
GAP_STYLE = {  # status -> marker symbol and legend entry of a hidden year
    domain.SUPPRESSED: ("x-thin-open", "Hidden to protect privacy (not a zero)"),
    domain.NOT_OPTED_IN: ("circle-open", "Not in the program that year"),
}


def gap_traces(
    part: pl.DataFrame, label: str, index: int, yaxis: str | None = "y2", lane: int | None = None
) -> list[go.Scatter]:
    """Return markers on the axis for a series' hidden years, one trace per reason.

    Each reason has one legend entry (grouped across series); hover gives series and reason.
    """
    traces = []
    for status, (symbol, words) in GAP_STYLE.items():
        periods = part.filter(pl.col("status") == status)["period"].to_list()
        if not periods:
            continue
        traces.append(
            go.Scatter(
                x=periods,
                y=[GAP_Y + 0.05 * ((index if lane is None else lane) % 4)] * len(periods),
                yaxis=yaxis,
                mode="markers",
                name=words,
                legendgroup=status,
                showlegend=False,
                marker={
                    "symbol": symbol,
                    "size": 10,
                    "color": theme.PALETTE[index % 8],
                    "line": {"width": 2, "color": theme.PALETTE[index % 8]},
                },
                hovertemplate=f"{label}, SFY %{{x}}: {theme.STATUS_SHORT[status]}<extra></extra>",
                meta={"kind": "gap"},  # a position on the axis, not a value
            )
        )
    return traces


def gap_legend(statuses: list[str], yaxis: str = "y2") -> list[go.Scatter]:
    """Return one grey legend entry per reason a year is hidden (no points of its own)."""
    return [
        go.Scatter(
            x=[None],
            y=[None],
            yaxis=yaxis,
            mode="markers",
            name=words,
            legendgroup=status,
            marker={"symbol": symbol, "size": 10, "color": theme.MUTED, "line": {"width": 2}},
            hoverinfo="skip",
            meta={"kind": "gap"},
        )
        for status, (symbol, words) in GAP_STYLE.items()
        if status in statuses
    ]


GAP_AXIS = {"range": [0, 1], "visible": False, "fixedrange": True}


def band_traces(band: pl.DataFrame, unit: str) -> list[go.Scatter]:
    """Return the peer band (25th to 75th percentile, filled) and its median, gaps left open."""
    x = band["period"].to_list()
    shown = [s == domain.PUBLISHED for s in band["status"]]

    def values(column: str) -> list:
        return [v if ok else None for v, ok in zip(band[column], shown, strict=True)]

    hover = [
        f"{text.fmt(m, unit)} (middle half {text.fmt(a, unit)} to {text.fmt(b, unit)}; "
        f"{n} peers published)"
        if ok
        else "no band: fewer than 3 peers published"
        for m, a, b, n, ok in zip(
            band["median"], band["p25"], band["p75"], band["peers"], shown, strict=True
        )
    ]
    return [
        go.Scatter(
            x=x, y=values("p75"), mode="lines", line={"width": 0}, connectgaps=False,
            showlegend=False, hoverinfo="skip", legendgroup="band", meta={"kind": "band"},
        ),
        go.Scatter(
            x=x, y=values("p25"), mode="lines", line={"width": 0}, fill="tonexty",
            fillcolor=theme.BAND_FILL, connectgaps=False, legendgroup="band",
            name="Peers: middle half (25th-75th percentile)", hoverinfo="skip",
            meta={"kind": "band"},
        ),
        go.Scatter(
            x=x, y=values("median"), mode="lines", connectgaps=False, legendgroup="band",
            name="Peers: median (county itself left out)",
            line={"color": theme.MUTED, "dash": "dot", "width": 2},
            text=hover, hovertemplate="Peer median, SFY %{x}: %{text}<extra></extra>",
            meta={"kind": "band"},
        ),
    ]  # fmt: skip


def sfys_of(frame: pl.DataFrame) -> list[str]:
    """Return the fiscal years a series frame covers, in order (the axis of its release)."""
    return sorted({p for p in frame["period"].to_list() if not domain.is_window(p)})


def _not_opted_in_bands(fig: go.Figure, frame: pl.DataFrame, row: int | None = None) -> None:
    """Shade the SFYs in which every series is 'not opted in', with a label."""
    periods = sfys_of(frame)
    for i, period in enumerate(periods):
        statuses = frame.filter(pl.col("period") == period)["status"].to_list()
        if statuses and all(s == domain.NOT_OPTED_IN for s in statuses):
            kwargs = {"row": row, "col": 1} if row else {}
            fig.add_vrect(
                x0=i - 0.5,
                x1=i + 0.5,
                fillcolor=theme.NOT_OPTED_IN_FILL,
                line_width=0,
                layer="below",
                annotation_text="not opted in" if not row else "",
                annotation_position="top",
                annotation_font={"size": 10, "color": theme.MUTED},
                **kwargs,
            )


def trend(
    frame: pl.DataFrame,
    title: str,
    unit: str,
    source: str,
    empty_message: str = "",
    band: pl.DataFrame | None = None,
) -> go.Figure:
    """Return one line per series (series, label, period, value, status) over the SFYs.

    Hidden years are marked on the axis by reason; `band` (period, p25, median, p75, peers,
    status) draws a peer band behind the lines.
    """
    statuses = frame["status"].to_list()
    if not frame.height or all(s == domain.NOT_OPTED_IN for s in statuses):
        return theme.empty(empty_message or "Nothing to show for these choices.", title, source)
    fig = go.Figure()
    if band is not None and domain.PUBLISHED in band["status"].to_list():
        fig.add_traces(band_traces(band, unit))
    for i, ((label,), part) in enumerate(frame.group_by("label", maintain_order=True)):
        fig.add_trace(series_trace(part, label, i, unit))
        fig.add_traces(gap_traces(part, label, i))
    fig.add_traces(gap_legend(statuses))
    _not_opted_in_bands(fig, frame)
    fig.update_xaxes(
        type="category", categoryorder="array", categoryarray=sfys_of(frame), title=X_TITLE
    )
    fig.layout.yaxis.update(title=None, rangemode="tozero", **Y_AXIS[unit])
    if domain.PUBLISHED not in statuses:
        # no scale when nothing is published: an axis would hint at the hidden sizes
        fig.layout.yaxis.update(showticklabels=False, showgrid=False)
        fig.add_annotation(
            text="No value published: " + text.figure_note(statuses).removeprefix("Gaps: "),
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            showarrow=False,
            font={"size": 13, "color": theme.MUTED},
        )
    theme.apply(
        fig,
        title,
        source,
        text.figure_note(statuses),
        axis_px=AXIS_PX,
    )
    fig.update_layout(margin={"r": 28}, yaxis2={**GAP_AXIS, "overlaying": "y"})
    return fig


def small_multiples(
    frame: pl.DataFrame,
    title: str,
    unit: str | Mapping[str, str],
    source: str,
    axis_title: str,
    counties: Mapping[str, int] | None = None,
) -> go.Figure:
    """Return one panel per series with its own scale (counts of very different sizes).

    `unit` may differ by series label; `counties` (SFY -> counties in the program) is written
    under each year on the axis.
    """
    statuses = frame["status"].to_list()
    groups = list(frame.group_by("label", maintain_order=True))
    fig = make_subplots(
        rows=len(groups),
        cols=1,
        shared_xaxes=True,
        subplot_titles=[label for (label,), _ in groups],
        vertical_spacing=0.09,
        specs=[[{"secondary_y": True}]] * len(groups),
    )
    for i, ((label,), part) in enumerate(groups):
        panel_unit = unit if isinstance(unit, str) else unit[label]
        fig.add_trace(
            series_trace(part, label, i, panel_unit).update(showlegend=False),
            row=i + 1,
            col=1,
        )
        for gap in gap_traces(part, label, i, yaxis=None, lane=0):
            fig.add_trace(gap, row=i + 1, col=1, secondary_y=True)
        _not_opted_in_bands(fig, part, row=i + 1)
        fig.update_yaxes(
            rangemode="tozero", row=i + 1, col=1, nticks=4, secondary_y=False, **Y_AXIS[panel_unit]
        )
        fig.update_yaxes(GAP_AXIS, row=i + 1, col=1, secondary_y=True)
    for entry in gap_legend(statuses, yaxis=None):
        fig.add_trace(entry, row=1, col=1, secondary_y=True)
    sfys = sfys_of(frame)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=sfys)
    fig.update_xaxes(title=X_TITLE, row=len(groups), col=1)
    if counties:
        fig.update_xaxes(
            tickvals=sfys,
            ticktext=[f"{p}<br>{counties[p]} counties" for p in sfys],
            row=len(groups),
            col=1,
        )
    fig.update_annotations(font={"size": 13}, xanchor="left", x=0)
    theme.apply(
        fig,
        title + f"<br><sup>{axis_title}; each panel has its own scale</sup>",
        source,
        text.figure_note(statuses),
        height=150 * len(groups),
        legend=any(s in GAP_STYLE for s in statuses),
        axis_px=AXIS_PX + (LINE_PX if counties else 0),  # room for the counties line
    )
    return fig
