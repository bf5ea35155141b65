"""The page's first paint: the shell carries the requested page as static HTML.

Dash draws nothing until its scripts have run and its page router has answered, which on a
phone is seconds after the HTML arrives. So the shell also carries the same page as plain markup
(dashboard.components.static_html), shown until Dash's own page is in place: the headings,
summaries and tables are on screen as soon as the HTML and the style sheet are, and the page
reads in full in a browser without JavaScript. assets/style.css swaps the two in one frame
(nothing moves); the first paint's ids carry a prefix, so ids stay unique.
"""

from __future__ import annotations

import logging

import dash
from flask import request

from dashboard import ids, registry, urlstate
from dashboard.components import shell
from dashboard.components.static_html import to_html
from dashboard.dash_wire import ROUTER_OUTPUT

CLASS = "first-paint"
ID_PREFIX = "first-paint-"
log = logging.getLogger(__name__)


def page_layout(path: str, args) -> object | None:
    """Return the layout Dash's page router gives a path and query, or None for a path its
    templates do not fit (Dash's lenient match, or its 404 page, draws that one)."""
    found = urlstate.page_of_path(path.strip("/"))
    if found is None:
        return None
    page, path_values = found
    query = {k: v[0] if len(v) == 1 else v for k, v in args.lists()}
    layout = dash.page_registry[registry.BY_KEY[page].module_name]["layout"]
    return layout(**{**path_values, **query})


def markup(app: dash.Dash, path: str, args) -> str:
    """Return the first paint of a page: the app's shell around the page's layout."""
    try:
        layout = page_layout(path, args)
    except Exception:  # the page router answers the same request with Dash's error handling
        log.exception("no first paint for %s", path)
        return ""
    if layout is None:
        return ""
    hrefs = shell.followed_hrefs(args.get(urlstate.RELEASE, ""))
    overrides = {link_id: {"href": href} for link_id, href in hrefs.items()}
    overrides[ROUTER_OUTPUT] = {"children": layout}
    current = current_nav(path)
    if current:
        overrides[current]["aria-current"] = "page"
    return f'<div class="{CLASS}">{to_html(app.layout, ID_PREFIX, overrides)}</div>'


def current_nav(path: str) -> str | None:
    """Return the id of the navigation link of a path's page, the one assets/controls.js
    marks current in Dash's page (a page below another's path belongs to it)."""
    for page in registry.NAV:
        if path == page.root or (page.root != "/" and path.startswith(page.root + "/")):
            return ids.shell_link(f"nav-{page.key}")
    return None


def with_first_paint(app: dash.Dash, interpolate):
    """Return Dash's index interpolation with the requested page's first paint after the
    entry point."""

    def interpolate_index(**parts: str) -> str:
        if request:
            parts["app_entry"] += markup(app, request.path, request.args)
        return interpolate(**parts)

    return interpolate_index


def install(app: dash.Dash) -> None:
    """Give every page's shell its first paint."""
    app.interpolate_index = with_first_paint(app, app.interpolate_index)
