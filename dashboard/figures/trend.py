"""Lines over the state fiscal years: gaps where a value is not published, never joined across."""

from __future__ import annotations

import functools
from collections.abc import Mapping

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
    "count": {**_INSIDE, **theme.COUNT_AXIS},
    "percent": {**_INSIDE, "ticksuffix": "%"},
    "per_100k": {**_INSIDE, "tickformat": ",.2~f"},
}


def _hover(values: list, statuses: list, unit: str) -> list[str]:
    """Return hover text per point: the value, or the status in words."""
    return [text.cell_text(v, s, unit) for v, s in zip(values, statuses, strict=True)]


def _groups(frame: pl.DataFrame) -> list[tuple[str, dict[str, list]]]:
    """Return (label, period/value/status lists) of each series of a frame, in order of first
    appearance."""
    groups: dict[str, dict[str, list]] = {}
    for label, period, value, status in frame.select("label", "period", "value", "status").rows():
        part = groups.setdefault(label, {"period": [], "value": [], "status": []})
        part["period"].append(period)
        part["value"].append(value)
        part["status"].append(status)
    return list(groups.items())


def series_trace(part: dict[str, list], label: str, index: int, unit: str) -> dict:
    """Return one series as a line with gaps (never zero) where a value is not published."""
    statuses, values = part["status"], part["value"]
    y = [v if s == domain.PUBLISHED else None for v, s in zip(values, statuses, strict=True)]
    colour = theme.PALETTE[index % 8]
    return {
        "type": "scatter",
        "x": part["period"],
        "y": y,
        "name": label,
        "mode": "lines+markers",
        "connectgaps": False,
        "line": {"color": colour, "dash": theme.DASHES[index % 8], "width": 2.5},
        "marker": {"symbol": theme.SYMBOLS[index % 8], "size": 8, "color": colour},
        "text": _hover(values, statuses, unit),
        "hovertemplate": "%{fullData.name}, SFY %{x}: %{text}<extra></extra>",
    }


GAP_Y = 0.035  # gap markers sit just above the x-axis, on a hidden 0-1 axis of their own
GAP_STYLE = {  # status -> marker symbol and legend entry of a hidden year
    domain.SUPPRESSED: ("x-thin-open", "Hidden to protect privacy (not a zero)"),
    domain.NOT_OPTED_IN: ("circle-open", "Not in the program that year"),
}


def gap_traces(
    part: dict[str, list], label: str, index: int, yaxis: str = "y2", lane: int | None = None
) -> list[dict]:
    """Return markers on the axis for a series' hidden years, one trace per reason.

    Each reason has one legend entry (grouped across series); hover gives series and reason.
    """
    traces = []
    for status, (symbol, words) in GAP_STYLE.items():
        periods = [p for p, s in zip(part["period"], part["status"], strict=True) if s == status]
        if not periods:
            continue
        traces.append(
            {
                "type": "scatter",
                "x": periods,
                "y": [GAP_Y + 0.05 * ((index if lane is None else lane) % 4)] * len(periods),
                "yaxis": yaxis,
                "mode": "markers",
                "name": words,
                "legendgroup": status,
                "showlegend": False,
                "marker": {
                    "symbol": symbol,
                    "size": 10,
                    "color": theme.PALETTE[index % 8],
                    "line": {"width": 2, "color": theme.PALETTE[index % 8]},
                },
                "hovertemplate": (
                    f"{label}, SFY %{{x}}: {theme.STATUS_SHORT[status]}<extra></extra>"
                ),
                "meta": {"kind": "gap"},  # a position on the axis, not a value
            }
        )
    return traces


def gap_legend(statuses: list[str], yaxis: str = "y2") -> list[dict]:
    """Return one grey legend entry per reason a year is hidden (no points of its own)."""
    return [
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "yaxis": yaxis,
            "mode": "markers",
            "name": words,
            "legendgroup": status,
            "marker": {"symbol": symbol, "size": 10, "color": theme.MUTED, "line": {"width": 2}},
            "hoverinfo": "skip",
            "meta": {"kind": "gap"},
        }
        for status, (symbol, words) in GAP_STYLE.items()
        if status in statuses
    ]


GAP_AXIS = {"range": [0, 1], "visible": False, "fixedrange": True}


def band_traces(band: pl.DataFrame, unit: str) -> list[dict]:
    """Return the peer band (25th to 75th percentile, filled) and its median, gaps left open."""
    columns = band.to_dict(as_series=False)
    x = columns["period"]
    shown = [s == domain.PUBLISHED for s in columns["status"]]

    def values(column: str) -> list:
        return [v if ok else None for v, ok in zip(columns[column], shown, strict=True)]

    hover = [
        f"{text.fmt(m, unit)} (middle half {text.fmt(a, unit)} to {text.fmt(b, unit)}; "
        f"{n} peers published)"
        if ok
        else "no band: fewer than 3 peers published"
        for m, a, b, n, ok in zip(
            columns["median"], columns["p25"], columns["p75"], columns["peers"], shown, strict=True
        )
    ]
    return [
        {
            "type": "scatter", "x": x, "y": values("p75"), "mode": "lines", "line": {"width": 0},
            "connectgaps": False, "showlegend": False, "hoverinfo": "skip", "legendgroup": "band",
            "meta": {"kind": "band"},
        },
        {
            "type": "scatter", "x": x, "y": values("p25"), "mode": "lines", "line": {"width": 0},
            "fill": "tonexty", "fillcolor": theme.BAND_FILL, "connectgaps": False,
            "legendgroup": "band", "name": "Peers: middle half (25th-75th percentile)",
            "hoverinfo": "skip", "meta": {"kind": "band"},
        },
        {
            "type": "scatter", "x": x, "y": values("median"), "mode": "lines",
            "connectgaps": False, "legendgroup": "band",
            "name": "Peers: median (county itself left out)",
            "line": {"color": theme.MUTED, "dash": "dot", "width": 2},
            "text": hover, "hovertemplate": "Peer median, SFY %{x}: %{text}<extra></extra>",
            "meta": {"kind": "band"},
        },
    ]  # fmt: skip


def sfys_of(frame: pl.DataFrame) -> list[str]:
    """Return the fiscal years a series frame covers, in order (the axis of its release)."""
    return sorted({p for p in frame["period"].to_list() if not domain.is_window(p)})


def _not_opted_in(periods: list[str], statuses: list[str]) -> list[int]:
    """Return the positions on the SFY axis where every series is 'not opted in'."""
    by_period: dict[str, list[str]] = {}
    for period, status in zip(periods, statuses, strict=True):
        by_period.setdefault(period, []).append(status)
    sfys = sorted(p for p in by_period if not domain.is_window(p))
    return [i for i, p in enumerate(sfys) if all(s == domain.NOT_OPTED_IN for s in by_period[p])]


def _shade(position: int, xref: str = "x", yref: str = "y") -> dict:
    """Return the grey band behind one SFY of the axis."""
    return {
        "type": "rect",
        "xref": xref,
        "yref": f"{yref} domain",
        "x0": position - 0.5,
        "x1": position + 0.5,
        "y0": 0,
        "y1": 1,
        "fillcolor": theme.NOT_OPTED_IN_FILL,
        "line": {"width": 0},
        "layer": "below",
    }


def _shade_label(position: int) -> dict:
    """Return the 'not opted in' label at the top of a shaded SFY."""
    return {
        "text": "not opted in",
        "xref": "x",
        "yref": "y domain",
        "x": float(position),
        "y": 1,
        "xanchor": "center",
        "yanchor": "top",
        "showarrow": False,
        "font": {"size": 10, "color": theme.MUTED},
    }


def trend(
    frame: pl.DataFrame,
    title: str,
    unit: str,
    source: str,
    empty_message: str = "",
    band: pl.DataFrame | None = None,
) -> dict:
    """Return one line per series (series, label, period, value, status) over the SFYs.

    Hidden years are marked on the axis by reason; `band` (period, p25, median, p75, peers,
    status) draws a peer band behind the lines.
    """
    statuses = frame["status"].to_list()
    if not frame.height or all(s == domain.NOT_OPTED_IN for s in statuses):
        return theme.empty(empty_message or "Nothing to show for these choices.", title, source)
    data = []
    if band is not None and domain.PUBLISHED in band["status"].to_list():
        data.extend(band_traces(band, unit))
    for i, (label, part) in enumerate(_groups(frame)):
        data.append(series_trace(part, label, i, unit))
        data.extend(gap_traces(part, label, i))
    data.extend(gap_legend(statuses))
    shaded = _not_opted_in(frame["period"].to_list(), statuses)
    y_axis = {"rangemode": "tozero", **Y_AXIS[unit]}
    annotations = [_shade_label(i) for i in shaded]
    if domain.PUBLISHED not in statuses:
        # no scale when nothing is published: an axis would hint at the hidden sizes
        y_axis.update(showticklabels=False, showgrid=False)
        annotations.append(
            {
                "text": "No value published: " + text.figure_note(statuses).removeprefix("Gaps: "),
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "font": {"size": 13, "color": theme.MUTED},
            }
        )
    fig = theme.figure(
        data,
        xaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": sfys_of(frame),
            "title": {"text": X_TITLE},
        },
        yaxis=y_axis,
    )
    if shaded:
        fig["layout"]["shapes"] = [_shade(i) for i in shaded]
    if annotations:
        fig["layout"]["annotations"] = annotations
    theme.apply(
        fig,
        title,
        source,
        text.figure_note(statuses),
        axis_px=AXIS_PX,
    )
    fig["layout"]["margin"]["r"] = 28
    fig["layout"]["yaxis2"] = {**GAP_AXIS, "overlaying": "y"}
    return fig


PANEL_SPACING = 0.09


@functools.lru_cache(maxsize=8)
def _panels(rows: int) -> dict:
    """Return the layout of `rows` stacked panels, each with a hidden axis for its gap markers:
    axes and panel title positions, as plotly's make_subplots lays them out (once per count)."""
    layout = make_subplots(
        rows=rows,
        cols=1,
        shared_xaxes=True,
        subplot_titles=["-"] * rows,
        vertical_spacing=PANEL_SPACING,
        specs=[[{"secondary_y": True}]] * rows,
    ).to_plotly_json()["layout"]
    del layout["template"]
    return layout


def _axis_ids(row: int) -> tuple[str, str, str]:
    """Return the x axis, value axis and gap axis of panel `row` (from 1) as traces name them."""
    n = "" if row == 1 else str(row)
    return f"x{n}", f"y{'' if row == 1 else 2 * row - 1}", f"y{2 * row}"


def _layout_name(axis_id: str) -> str:
    """Return the layout key of an axis id ("y3" -> "yaxis3")."""
    return f"{axis_id[0]}axis{axis_id[1:]}"


def small_multiples(
    frame: pl.DataFrame,
    title: str,
    unit: str | Mapping[str, str],
    source: str,
    axis_title: str,
    counties: Mapping[str, int] | None = None,
) -> dict:
    """Return one panel per series with its own scale (counts of very different sizes).

    `unit` may differ by series label; `counties` (SFY -> counties in the program) is written
    under each year on the axis.
    """
    statuses = frame["status"].to_list()
    groups = _groups(frame)
    skeleton = _panels(len(groups))
    layout = {key: dict(axis) for key, axis in skeleton.items() if "axis" in key}
    sfys = sfys_of(frame)
    data, shapes = [], []
    for i, (label, part) in enumerate(groups):
        x_id, y_id, gap_id = _axis_ids(i + 1)
        panel_unit = unit if isinstance(unit, str) else unit[label]
        data.append(
            {**series_trace(part, label, i, panel_unit), "showlegend": False, "xaxis": x_id,
             "yaxis": y_id}
        )  # fmt: skip
        data.extend(
            {**gap, "xaxis": x_id} for gap in gap_traces(part, label, i, yaxis=gap_id, lane=0)
        )
        shapes.extend(_shade(p, x_id, y_id) for p in _not_opted_in(part["period"], part["status"]))
        layout[_layout_name(y_id)].update(rangemode="tozero", nticks=4, **Y_AXIS[panel_unit])
        layout[_layout_name(gap_id)].update(GAP_AXIS)
    data.extend({**entry, "xaxis": "x"} for entry in gap_legend(statuses))
    for key in layout:
        if key.startswith("xaxis"):
            layout[key].update(type="category", categoryorder="array", categoryarray=sfys)
    last = layout[_layout_name(_axis_ids(len(groups))[0])]
    last["title"] = {"text": X_TITLE}
    if counties:
        last.update(tickvals=sfys, ticktext=[f"{p}<br>{counties[p]} counties" for p in sfys])
    layout["annotations"] = [
        {**place, "text": label, "x": 0, "xanchor": "left", "font": {**place["font"], "size": 13}}
        for place, (label, _) in zip(skeleton["annotations"], groups, strict=True)
    ]
    if shapes:
        layout["shapes"] = shapes
    fig = theme.figure(data, **layout)
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
