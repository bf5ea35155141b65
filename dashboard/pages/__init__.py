"""The pages of the dashboard, one module per URL; `register_all` wires them into an app.

What a page is (route, title, nav label, order) comes from `dashboard.registry`; its module
gives the `layout`, optionally a `title(**path_values)` and `register_callbacks(app)`.
"""

from __future__ import annotations

import importlib

import dash
from dash import Dash

from dashboard import registry, urlstate


def register_all(app: Dash) -> None:
    """Register every page of the registry, in its order, and the page's callbacks."""
    for order, page in enumerate(registry.PAGES):
        module = importlib.import_module(page.module_name)
        dash.register_page(
            page.module_name,
            path=urlstate.dash_path(page),
            path_template=page.template if page.path_param else None,
            name=page.nav or page.title,
            title=getattr(module, "title", page.full_title),
            description=page.description,
            layout=module.layout,
            order=order,
        )
        if hasattr(module, "register_callbacks"):
            module.register_callbacks(app)
