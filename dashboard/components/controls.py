"""Accessible native controls: a labelled <select> and a button group.

Each control keeps its current value in its `data-value` prop; assets/controls.js sends a
change to Dash with `dash_clientside.set_props`, so callbacks take `Input(id, "data-value")`.
A select is one Dash component (Select, drawn by assets/select.js), its options data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from dash import html

from dashboard import ids
from dashboard.components.site_component import SiteComponent
from dashboard.dash_wire import SELECT

Option = tuple[str, str]  # (value, label)


class Select(SiteComponent):
    """A native <select> whose options are data, drawn by assets/select.js (docs/browsers.md)."""

    _type = SELECT
    _prop_names: ClassVar[list[str]] = ["id", "options"]
    _valid_wildcard_attributes: ClassVar[list[str]] = ["data-", "aria-"]
    available_properties: ClassVar[list[str]] = _prop_names
    available_wildcard_properties: ClassVar[list[str]] = _valid_wildcard_attributes

    def __init__(self, id: str, options: list[dict], **attributes: str) -> None:
        super().__init__(id=id, options=options, **attributes)

    def markup(self) -> html.Select:
        """Return the select as Dash's html components: the markup assets/select.js draws."""
        value = getattr(self, "data-value")
        children = [
            html.Optgroup(_options(o["options"], value), label=o["label"])
            if "options" in o
            else _options([o], value)[0]
            for o in self.options
        ]
        attributes = {k: v for k, v in self.to_plotly_json()["props"].items() if k != "options"}
        return html.Select(children=children, **attributes)


def _options(options: list[dict], value: str) -> list:
    """Return <option> elements, the current one selected."""
    return [
        html.Option(o["label"], value=o["value"], selected=True)
        if o["value"] == value
        else html.Option(o["label"], value=o["value"])
        for o in options
    ]


def _option_data(options: Sequence[Option]) -> list[dict]:
    """Return (value, label) pairs as the select's option data."""
    return [{"value": v, "label": label} for v, label in options]


def select(
    control_id: str,
    label: str,
    options: Sequence[Option] | Sequence[tuple[str, Sequence[Option]]],
    value: str,
    hint: str = "",
) -> html.Div:
    """Return a labelled native <select>; options may be grouped as (group label, options)."""
    grouped = bool(options) and isinstance(options[0][1], list | tuple)
    data = (
        [{"label": name, "options": _option_data(group)} for name, group in options]
        if grouped
        else _option_data(options)
    )
    extra = {"aria-describedby": f"{control_id}-hint"} if hint else {}
    return html.Div(
        className="control",
        children=[
            html.Label(label, htmlFor=control_id),
            Select(control_id, data, **{"data-control": "select", "data-value": value}, **extra),
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
