"""The pages of the dashboard, one module per URL; `register_all` wires them into an app."""

from __future__ import annotations

from dash import Dash

from dashboard.pages import (
    county,
    downloads,
    funnel,
    home,
    map,
    methodology,
    not_found_404,
    placement,
)

PAGE_MODULES = (home, funnel, placement, map, county, downloads, methodology, not_found_404)


def register_all(app: Dash) -> None:
    """Register every page and its callbacks with the app."""
    for module in PAGE_MODULES:
        module.register(app)
