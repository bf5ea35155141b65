"""Accessible native controls: a labelled <select> and a button group.

Each control keeps its current value in its `data-value` prop; assets/controls.js sends a
change to Dash with `dash_clientside.set_props`, so callbacks take `Input(id, "data-value")`.
"""

from __future__ import annotations

from collections.abc import Sequence

from dash import html

from dashboard import ids

Option = tuple[str, str]  # (value, label)


def _options(options: Sequence[Option], value: str) -> list:
    """Return <option> elements, the current one selected."""
    return [
        html.Option(label, value=v, selected=True) if v == value else html.Option(label, value=v)
        for v, label in options
    ]


def select(
    control_id: str,
    label: str,
    options: Sequence[Option] | Sequence[tuple[str, Sequence[Option]]],
    value: str,
    hint: str = "",
) -> html.Div:
    """Return a labelled native <select>; options may be grouped as (group label, options)."""
    grouped = bool(options) and isinstance(options[0][1], list | tuple)
    children = (
        [html.Optgroup(_options(group, value), label=name) for name, group in options]
        if grouped
        else _options(options, value)
    )
    extra = {"aria-describedby": f"{control_id}-hint"} if hint else {}
    return html.Div(
        className="control",
        children=[
            html.Label(label, htmlFor=control_id),
            html.Select(
                id=control_id,
                children=children,
                disable_n_clicks=True,
                **{"data-control": "select", "data-value": value},
                **extra,
            ),
            html.P(hint, id=f"{control_id}-hint", className="control-hint") if hint else None,
        ],
    )


def button_group(control_id: str, label: str, options: Sequence[Option], value: str) -> html.Div:
    """Return a labelled group of toggle buttons (aria-pressed marks the current one)."""
    return html.Div(
        className="control",
        children=[
            html.Span(label, id=f"{control_id}-label", className="control-label"),
            html.Div(
                id=control_id,
                role="group",
                className="button-group",
                disable_n_clicks=True,
                **{
                    "aria-labelledby": f"{control_id}-label",
                    "data-control": "buttons",
                    "data-value": value,
                },
                children=[
                    html.Button(
                        text,
                        type="button",
                        disable_n_clicks=True,
                        **{"data-option": v, "aria-pressed": "true" if v == value else "false"},
                    )
                    for v, text in options
                ],
            ),
        ],
    )


def control_row(*controls: html.Div, label: str = "Choose what to show") -> html.Form:
    """Return controls side by side (stacked on a phone) in a labelled form that never submits."""
    return html.Form(
        className="controls",
        role="search",
        **{"aria-label": label, "data-no-submit": "true"},
        children=list(controls),
    )


def share_link() -> html.Div:
    """Return the "Copy link to this view" button: the URL always names the view on screen."""
    return html.Div(
        className="share",
        children=[
            html.Button(
                "Copy link to this view",
                id=ids.SHARE_BUTTON,
                type="button",
                className="button",
                disable_n_clicks=True,
                **{"data-copy-link": "true"},
            ),
            html.Textarea(
                id=ids.SHARE_URL,
                rows=1,
                readOnly=True,
                hidden=True,
                className="share-url",
                **{"aria-label": "Link to this view"},
            ),
            html.Span(id=ids.SHARE_STATUS, role="status", className="share-status"),
        ],
    )
