"""Horizontal bars of categories (funnel stages, placement context, case status, demographics).

Each category's name sits above its bar (not beside it), so bars get the full width of a phone.
"""

from __future__ import annotations

import polars as pl

from dashboard import domain
from dashboard.figures import text, theme

ROW_PX = 56
BAR_WIDTH = 0.42  # share of a row the bar fills
HEADING = {  # a category's name (and note) above its bar
    "xref": "x domain",
    "yref": "y",
    "x": 0,
    "yshift": ROW_PX * BAR_WIDTH / 2 + 1,
    "xanchor": "left",
    "yanchor": "bottom",
    "showarrow": False,
    "font": {"size": 12.5, "color": theme.TEXT},
}
GAP_BAND = {  # a grey band across the row of a value not shown
    "type": "line",
    "xref": "x domain",
    "yref": "y",
    "x0": 0,
    "x1": 1,
    "line": {"width": ROW_PX * BAR_WIDTH, "color": theme.NOT_OPTED_IN_FILL},
    "layer": "below",
}
GAP_LABEL = {  # the reason on that band
    "xref": "x domain",
    "yref": "y",
    "x": 0,
    "xshift": 4,
    "xanchor": "left",
    "showarrow": False,
    "font": {"color": theme.MUTED, "size": 12},
}


def category_bars(
    frame: pl.DataFrame,
    title: str,
    unit: str,
    source: str,
    axis_title: str,
    empty_message: str = "",
) -> dict:
    """Return bars of label/value/status rows (optional `note` column); gaps carry their reason."""
    statuses = frame["status"].to_list()
    if not frame.height or all(s == domain.NOT_OPTED_IN for s in statuses):
        return theme.empty(empty_message or "Nothing to show for these choices.", title, source)
    labels = frame["label"].to_list()
    values = frame["value"].to_list()
    notes = frame["note"].to_list() if "note" in frame.columns else [""] * frame.height
    published = [s == domain.PUBLISHED for s in statuses]
    bar = {
        "type": "bar",
        "x": [v if p else None for v, p in zip(values, published, strict=True)],
        "y": labels,
        "orientation": "h",
        "width": BAR_WIDTH,
        "marker": {"color": theme.BAR},
        "text": [text.fmt(v, unit) if p else "" for v, p in zip(values, published, strict=True)],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertext": [
            f"{lab}: {text.cell_text(v, s, unit)}"
            for lab, v, s in zip(labels, values, statuses, strict=True)
        ],
        "hovertemplate": "%{hovertext}<extra></extra>",
        "name": "Published value",
        "showlegend": False,
    }
    annotations, shapes = [], []
    for label, status, note in zip(labels, statuses, notes, strict=True):
        heading = f"<b>{label}</b>" + (f" · {note}" if note and status == domain.PUBLISHED else "")
        annotations.append({**HEADING, "y": label, "text": heading})
        if status == domain.PUBLISHED:
            continue
        shapes.append({**GAP_BAND, "y0": label, "y1": label})
        annotations.append(
            {**GAP_LABEL, "y": label, "text": f"<i>{theme.STATUS_SHORT[status]}</i>"}
        )
    x_axis = {
        "title": {"text": axis_title},
        "rangemode": "tozero",
        "ticksuffix": "%" if unit == "percent" else "",
        # no scale at all when nothing is published: an axis would hint at the hidden sizes
        "visible": any(published),
    }
    if unit == "count":
        x_axis.update(theme.COUNT_AXIS)
    fig = theme.figure(
        [bar],
        annotations=annotations,
        xaxis=x_axis,
        yaxis={
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": labels,
            "showticklabels": False,
            "showgrid": False,
        },
    )
    if shapes:
        fig["layout"]["shapes"] = shapes
    theme.apply(
        fig,
        title,
        source,
        text.figure_note(statuses),
        height=ROW_PX * frame.height + 10,
        legend=False,
        axis_px=48,
    )
    fig["layout"]["margin"]["r"] = 56
    fig["layout"]["bargap"] = 0
    return fig
