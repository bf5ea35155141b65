"""The site's own Dash components, each drawn by a script in assets/ (docs/browsers.md)."""

from __future__ import annotations

import json
from abc import abstractmethod
from typing import ClassVar

from dash.development.base_component import Component
from plotly.utils import PlotlyJSONEncoder

from dashboard.dash_wire import COMPONENTS


class SiteComponent(Component):
    """A component of the site's own: one Dash component where html components would be many."""

    _namespace = COMPONENTS
    _children_props: ClassVar[list[str]] = []
    _base_nodes: ClassVar[list[str]] = []
    _valid_wildcard_attributes: ClassVar[list[str]] = []
    available_wildcard_properties: ClassVar[list[str]] = []

    @abstractmethod
    def markup(self) -> Component:
        """Return what the script draws, as Dash's html components (first paint, tests)."""


def markup_json(node: dict) -> dict:
    """Return the layout JSON of a site component's markup, from the component's layout JSON."""
    from dashboard.components import controls, table  # noqa: F401 (they declare the kinds)

    kind = next(k for k in SiteComponent.__subclasses__() if k._type == node["type"])
    component = kind.__new__(kind)
    Component.__init__(component, **node["props"])  # the props as sent, not re-derived
    return json.loads(json.dumps(component.markup(), cls=PlotlyJSONEncoder))
