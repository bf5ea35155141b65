"""County maps: a choropleth of one metric, and the opt-in roster by first year in the program.

Counties without a published value are drawn in their own traces (grey and hatched by a
marker, or white), each with a legend entry and the reason in the tooltip. Such traces
colour every county the same: their `z` is a fixed colour key (KEY_Z), not a value.
On the roster map each first year has a colour and a marker shape, so colour is never the
only cue.
"""

from __future__ import annotations

import polars as pl

from dashboard import domain
from dashboard.figures import text, theme

KEY_Z = 0.5  # colour key of single-colour traces: not a value, never shown
STATUS_STYLE = {
    domain.SUPPRESSED: (
        theme.SUPPRESSED_FILL,
        "x-thin-open",
        "Suppressed (×): hidden to protect privacy",
    ),
    domain.NOT_OPTED_IN: (theme.NOT_OPTED_IN_FILL, "circle-open", "Not opted in (○) that year"),
    domain.NOT_APPLICABLE: (
        theme.NOT_OPTED_IN_FILL,
        "line-ew-open",
        "Not defined (–): denominator is zero",
    ),
}
COHORT_COLOURS = ("#440154", "#443983", "#31688e", "#21918c", "#35b779", "#90d743", "#fde725")
COHORT_SYMBOLS = ("square", "diamond", "triangle-up", "triangle-down", "star", "hexagon", "cross")
COHORT_OUTLINES = ("white",) * 4 + (theme.TEXT,) * 3  # light outlines on the dark fills
GEO = {
    "fitbounds": "locations",
    "visible": False,
    "projection": {"type": "mercator"},
    "bgcolor": "white",
}


def _flat(
    geojson: dict | str, fips: list[str], colour: str, name: str, hover: list[str], group: str
) -> dict:
    """Return a single-colour choropleth trace for a set of counties."""
    return {
        "type": "choropleth",
        "geojson": geojson,
        "featureidkey": "id",
        "locations": fips,
        "z": [KEY_Z] * len(fips),
        "zmin": 0,
        "zmax": 1,
        "colorscale": [[0, colour], [1, colour]],
        "showscale": False,
        "marker": {"line": {"color": theme.BORDER, "width": 0.6}},
        "name": name,
        "legendgroup": group,
        "showlegend": False,
        "text": hover,
        "hovertemplate": "%{text}<extra></extra>",
        "meta": {"kind": "key"},
    }


def _markers(
    geojson: dict | str,
    fips: list[str],
    symbol: str,
    name: str,
    hover: list[str],
    group: str,
    fill: str = theme.TEXT,
    outline: str = theme.TEXT,
) -> dict:
    """Return markers at county centres (a shape cue besides colour) carrying the legend entry."""
    return {
        "type": "scattergeo",
        "geojson": geojson,
        "featureidkey": "id",
        "locations": fips,
        "mode": "markers",
        "marker": {
            "symbol": symbol,
            "size": 8,
            "color": fill,
            "line": {"width": 1.5, "color": outline},
        },
        "name": name,
        "legendgroup": group,
        "text": hover,
        "hovertemplate": "%{text}<extra></extra>",
    }


def _status_traces(rows: dict[str, list], geojson: dict | str, label: str) -> list[dict]:
    """Return a fill trace and a marker trace for each non-published status present."""
    traces = []
    for status, (colour, symbol, name) in STATUS_STYLE.items():
        names = [n for n, s in zip(rows["name"], rows["status"], strict=True) if s == status]
        if not names:
            continue
        hover = [f"<b>{n}</b><br>{label}: {domain.STATUS_REASONS[status]}" for n in names]
        fips = [f for f, s in zip(rows["fips"], rows["status"], strict=True) if s == status]
        traces.append(_flat(geojson, fips, colour, name, hover, status))
        traces.append(_markers(geojson, fips, symbol, name, hover, status))
    return traces


def _map(traces: list[dict]) -> dict:
    """Return a county map figure of some traces (before its title and notes)."""
    return theme.figure(traces, geo=GEO)


def _clickable(fig: dict) -> dict:
    """Return the map with clicks on a county reported, and no dragging."""
    fig["layout"].update(clickmode="event", dragmode=False)
    return fig


def choropleth(
    frame: pl.DataFrame, geojson: dict | str, title: str, unit: str, source: str, label: str
) -> dict:
    """Return a county choropleth of one metric (fips, name, value, status)."""
    rows = frame.to_dict(as_series=False)
    shown = [s == domain.PUBLISHED for s in rows["status"]]
    traces = []
    if any(shown):
        names = [n for n, ok in zip(rows["name"], shown, strict=True) if ok]
        values = [v for v, ok in zip(rows["value"], shown, strict=True) if ok]
        traces.append(
            {
                "type": "choropleth",
                "geojson": geojson,
                "featureidkey": "id",
                "locations": [f for f, ok in zip(rows["fips"], shown, strict=True) if ok],
                "z": values,
                "colorscale": theme.SEQUENTIAL,
                # grey outlines: light fills (yellow) stay visible against the white background
                "marker": {"line": {"color": theme.BORDER, "width": 0.6}},
                "colorbar": {
                    "title": {"text": _unit_words(unit), "side": "top"},
                    "orientation": "h",
                    "x": 0,
                    "xanchor": "left",
                    "y": 0,
                    "yanchor": "top",
                    "ypad": 4,
                    "thickness": 12,
                    "len": 0.9,
                    "ticksuffix": "%" if unit == "percent" else "",
                },
                "name": label,
                "showlegend": False,
                "text": [
                    f"<b>{n}</b><br>{label}: {text.fmt_with_unit(v, unit)}"
                    for n, v in zip(names, values, strict=True)
                ],
                "hovertemplate": "%{text}<extra></extra>",
            }
        )
    traces.extend(_status_traces(rows, geojson, label))
    fig = theme.apply(
        _map(traces),
        title,
        source,
        text.figure_note(rows["status"], "county"),
        height=480,
        axis_px=70,
    )
    return _clickable(fig)


def _unit_words(unit: str) -> str:
    """Return a colour-bar title for a unit."""
    return {"count": "count", "percent": "percent", "per_100k": "per 100,000"}[unit]


def roster(frame: pl.DataFrame, geojson: dict | str, title: str, source: str, period: str) -> dict:
    """Return the opt-in roster map: counties opted in during `period`, coloured by first SFY."""
    rows = list(frame.select("fips", "name", "first_sfy", "opted_in").iter_rows())
    traces = []
    for i, sfy in enumerate(domain.SFYS):
        part = [(f, n) for f, n, first, opted in rows if opted and first == sfy]
        if not part:
            continue
        name = f"First year {domain.sfy_label(sfy)}"
        hover = [f"<b>{n}</b><br>In the program since {domain.sfy_label(sfy)}" for _, n in part]
        fips = [f for f, _ in part]
        traces.append(_flat(geojson, fips, COHORT_COLOURS[i], name, hover, sfy))
        traces.append(
            _markers(
                geojson,
                fips,
                COHORT_SYMBOLS[i],
                name,
                hover,
                sfy,
                fill=COHORT_COLOURS[i],
                outline=COHORT_OUTLINES[i],
            )
        )
    out = [(f, n, first) for f, n, first, opted in rows if not opted]
    if out:
        hover = [
            f"<b>{n}</b><br>Not opted in, {domain.sfy_label(period)}"
            + (f"; first year {domain.sfy_label(first)}" if first else "")
            for _, n, first in out
        ]
        fips = [f for f, _, _ in out]
        colour, symbol, name = STATUS_STYLE[domain.NOT_OPTED_IN]
        traces.append(_flat(geojson, fips, colour, name, hover, "out"))
        traces.append(_markers(geojson, fips, symbol, name, hover, "out"))
    fig = theme.apply(
        _map(traces), title, source, domain.ROSTER_NOTICE + ".", height=480, axis_px=0
    )
    return _clickable(fig)
