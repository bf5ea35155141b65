"""The base of the site's own Dash components, each drawn by a script in assets/ (docs/browsers.md)."""

from __future__ import annotations

from typing import ClassVar

from dash.development.base_component import Component

from dashboard.dash_wire import COMPONENTS


class SiteComponent(Component):
    """A component of the site's own: one Dash component where html components would be many."""

    _namespace = COMPONENTS
    _children_props: ClassVar[list[str]] = []
    _base_nodes: ClassVar[list[str]] = []
    _valid_wildcard_attributes: ClassVar[list[str]] = []
    available_wildcard_properties: ClassVar[list[str]] = []

    def markup(self) -> Component:
        """Return what the script draws, as Dash's html components (first paint, tests)."""
        raise NotImplementedError
