"""Reply-cache keys built from the view a callback request names, never from its bytes.

Two requests get one key only if they name the same page view (canonical parameter values) and
the same callback output, so junk keys, key order, whitespace or a lenient spelling of a value
("2021" for "2021-22") cannot make a new cache entry. A request whose reply depends on more than
its view (a link with unknown or invalid settings, whose page repeats them in a notice; a path
that is no page) gets no key: it is answered, and not cached. The view's release (current, or
a kept release by id) is one of its values, so each release's replies have their own keys.
"""

from __future__ import annotations

import hashlib
from functools import cache

import dash

from dashboard import ids, urlstate
from dashboard.dash_wire import ROUTER_OUTPUT
from dashboard.data import history, release
from dashboard.server.guard import CallbackRequest


@cache
def control_pages() -> dict[tuple[str, ...], str]:
    """Return page by the ids of its controls in URL parameter order (a control callback's inputs)."""
    return {
        tuple(ids.CONTROLS[page][name] for name in urlstate.PAGE_PARAMS[page]): page
        for page in ids.CONTROLS
    }


def router_view(app: dash.Dash, pathname: str, search: str) -> urlstate.View | None:
    """Return the view Dash's page router renders for a location, or None if not cacheable."""
    found = urlstate.page_of_path(app.strip_relative_path(pathname) or "")
    if found is None:
        return None
    page, path_values = found
    query = urlstate.query_of(search) if search.startswith("?") else {}
    if set(path_values) & set(query):
        return None  # the query overrides the path value, and the title follows the path
    view = urlstate.parse(page, path_values | query, release.latest().geos, kept_releases())
    return None if view.notices else view


def kept_releases() -> urlstate.Releases:
    """Return the releases a view may name (its release is part of the key)."""
    return history.current().sfys()


def control_view(inputs: list[dict], values: tuple) -> urlstate.View | None:
    """Return the view of a control callback's values (invalid values: the default view)."""
    page = control_pages().get(tuple(spec["id"] for spec in inputs))
    if page is None or any(spec["property"] != "data-value" for spec in inputs):
        return None
    return urlstate.from_controls(page, values, release.latest().geos, kept_releases())


def reply_key(app: dash.Dash, call: CallbackRequest) -> str | None:
    """Return the cache key of a validated callback request's reply, or None if not cacheable."""
    if call.state:
        return None
    if ROUTER_OUTPUT in call.output:
        pathname, search = call.inputs[:2]
        view = router_view(app, pathname, search)
    else:
        view = control_view(app.callback_map[call.output]["inputs"], call.inputs)
    if view is None:
        return None
    output = hashlib.sha256(call.output.encode()).hexdigest()[:16]
    values = "&".join(f"{name}={value}" for name, value in view.key())
    return f"reply:{view.page}:{output}:{values}"
