"""The pages of the dashboard, one module per URL; `register_all` wires them into an app.

What a page is (route, title, nav label, order) comes from `dashboard.registry`; its module
gives the `layout`, optionally a `title(**path_values)` and `register_callbacks(app)`. Every
layout is shown in the release its link names (`?release=<id>`; none: the current release),
between the notice of an earlier release and the line naming the release.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable

import dash
from dash import Dash, html

from dashboard import registry, urlstate
from dashboard.components import release_info, shell
from dashboard.data import release
from dashboard.pages import common


def in_release(page: str, layout: Callable[..., object]) -> Callable[..., html.Div]:
    """Return a page layout that shows the release its link names, framed by release notes."""

    @functools.wraps(layout)
    def framed(**query) -> html.Div:
        view = common.parse(page, query)
        rel = common.show(view)
        latest = rel.release_id == release.latest().release_id
        notice = None
        if view[urlstate.RELEASE] not in ("", rel.release_id):
            notice = release_info.refused_notice(view[urlstate.RELEASE])
        elif not latest:
            current = urlstate.href(page, view.values, release="")
            notice = release_info.newer_notice(current, urlstate.page_url("changes"))
        changes = urlstate.page_url("changes", view[urlstate.RELEASE])
        return html.Div(
            [
                notice,
                common.release_holder(page, view),
                layout(**query),
                release_info.release_line(rel, latest, changes),
            ]
        )

    return framed


def register_all(app: Dash) -> None:
    """Register every page of the registry, in its order, the page's callbacks and the shell's."""
    for order, page in enumerate(registry.PAGES):
        module = importlib.import_module(page.module_name)
        dash.register_page(
            page.module_name,
            path=urlstate.dash_path(page),
            path_template=page.template if page.path_param else None,
            name=page.nav or page.title,
            title=getattr(module, "title", page.full_title),
            description=page.description,
            layout=in_release(page.key, module.layout),
            order=order,
        )
        if hasattr(module, "register_callbacks"):
            module.register_callbacks(app)
    shell.register_callbacks(app)
