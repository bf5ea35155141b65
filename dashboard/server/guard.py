"""Check every callback request against its registered callback before Dash dispatches it.

A request is parsed once (bounded size and nesting), must carry exactly the keys Dash's renderer
sends, name a registered server callback with its own inputs, outputs and state, and every input
value must have the shape of its property. Anything else is a 400 that names the rule broken; the
parsed request is kept in `flask.g.callback` for the reply cache.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import dash
from dash.exceptions import DependencyException
from flask import abort, g, request
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from dashboard.dash_wire import output_ids

log = logging.getLogger("dashboard.requests")

MAX_DEPTH = 12  # the deepest valid payload (map clickData) nests 5 levels
BODY_KEYS = {"output", "outputs", "inputs", "state", "changedPropIds", "parsedChangedPropsIds"}
REQUIRED_KEYS = {"output", "outputs", "inputs"}
INPUT_KEYS = {"id", "property", "value"}
OUTPUT_KEYS = {"id", "property"}


def optional_text(limit: int) -> Callable[[object], bool]:
    """Return a rule: the value is null or a string of at most `limit` characters."""
    return lambda value: value is None or (isinstance(value, str) and len(value) <= limit)


def pathname(value: object) -> bool:
    """Return whether a value is a URL path as the browser's location gives it."""
    return isinstance(value, str) and value.startswith("/") and len(value) <= 2000


def search(value: object) -> bool:
    """Return whether a value is a query string ("" or "?...") as the location gives it."""
    return isinstance(value, str) and (value == "" or value.startswith("?")) and len(value) <= 4000


def click_data(value: object) -> bool:
    """Return whether a value is a graph's clickData: null or {"points": [point dicts]}."""
    if value is None:
        return True
    if not isinstance(value, dict):
        return False
    points = value.get("points")
    return points is None or (isinstance(points, list) and all(isinstance(p, dict) for p in points))


# Input property -> rule its value must meet. A property not listed here is refused (fail closed).
VALUE_RULES: dict[str, Callable[[object], bool]] = {
    "data-value": optional_text(200),
    "pathname": pathname,
    "search": search,
    "clickData": click_data,
}


@dataclass(frozen=True)
class CallbackRequest:
    """A validated callback request: the callback's output string, input and state values."""

    output: str
    inputs: tuple
    state: tuple


def callback_url(app: dash.Dash) -> str:
    """Return the URL path Dash's renderer posts callback requests to."""
    return app.config.routes_pathname_prefix + "_dash-update-component"


def is_callback_request(app: dash.Dash) -> bool:
    """Return whether the request being handled is a callback request of the app."""
    return request.method == "POST" and request.path == callback_url(app)


def depth(value: object) -> int:
    """Return how deeply a JSON value nests lists and objects (a scalar is 0)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in children)
    return deepest


def spec_problem(name: str, specs: object, expected: list[tuple], keys: set[str]) -> str | None:
    """Return why a list of input/state/output specs does not match the callback, or None."""
    if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
        return f"{name} is not a list of objects"
    if any(set(s) - keys for s in specs):
        return f"{name} carry unknown keys"
    if [(s.get("id"), s.get("property")) for s in specs] != expected:
        return f"{name} do not match the callback"
    return None


def values_problem(name: str, specs: list[dict]) -> str | None:
    """Return why an input or state value has the wrong shape for its property, or None."""
    for spec in specs:
        rule = VALUE_RULES.get(spec["property"])
        if rule is None:
            return f"{name} property {spec['property']!r} takes no value from a request"
        if not rule(spec.get("value")):
            return f"{name} value of {spec['id']}.{spec['property']} has the wrong shape"
    return None


def changed_problem(body: dict, inputs: list[dict]) -> str | None:
    """Return why changedPropIds (and Dash's parsed copy) do not name the inputs, or None."""
    known = {f"{s['id']}.{s['property']}" for s in inputs}
    for key in ("changedPropIds", "parsedChangedPropsIds"):
        changed = body.get(key, [])
        if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
            return f"{key} is not a list of strings"
        if not set(changed) <= known:
            return f"{key} names a property that is not an input"
    return None


def callback_problem(body: object, callback_map: dict) -> str | None:
    """Return why a callback request body does not match a registered callback, or None."""
    if not isinstance(body, dict):
        return "body is not a JSON object"
    if set(body) - BODY_KEYS:
        return "body has unknown keys"
    if REQUIRED_KEYS - set(body):
        return "body lacks output, outputs or inputs"
    output = body["output"]
    if not isinstance(output, str) or output not in callback_map:
        return "unknown callback output"
    callback = callback_map[output]
    if callback.get("callback") is None:
        return "callback runs in the browser"
    outputs = body["outputs"] if isinstance(body["outputs"], list) else [body["outputs"]]
    problems = (
        spec_problem("inputs", body["inputs"], ids_of(callback["inputs"]), INPUT_KEYS),
        spec_problem("state", body.get("state", []), ids_of(callback["state"]), INPUT_KEYS),
        output_ids(output) and spec_problem("outputs", outputs, output_ids(output), OUTPUT_KEYS),
    )
    problem = next((p for p in problems if p), None)
    return (
        problem
        or values_problem("input", body["inputs"])
        or values_problem("state", body.get("state", []))
        or changed_problem(body, body["inputs"])
    )


def ids_of(specs: list[dict]) -> list[tuple[str, str]]:
    """Return the (id, property) pairs of a registered callback's inputs or state."""
    return [(s["id"], s["property"]) for s in specs]


def prefix_problem(app: dash.Dash, body: dict) -> str | None:
    """Return why a pathname input lies outside the app's base path, or None."""
    base = app.config.requests_pathname_prefix.rstrip("/")
    for spec in body["inputs"]:
        if spec["property"] == "pathname" and not spec.get("value", "").startswith(base):
            return "pathname is outside the app's base path"
    return None


def read_body() -> None:
    """Read the request body into Flask's cache, or abort with 400 if the transport is malformed
    (413 if it is too big, with or without a length)."""
    try:
        body = request.get_data(cache=True)
        limit = request.max_content_length
        if (
            request.content_length is None
            and len(body) == limit
            and request.environ["wsgi.input"].read(1)
        ):  # a chunked body is cut at the limit: anything after it is too much
            abort(413)
    except HTTPException:
        raise
    except Exception:  # the WSGI server's body reader: a bad chunk size, a body cut short
        abort(400, "body could not be read")


def parsed_body() -> object:
    """Return the request's JSON body (Flask keeps it for Dash), or abort with 400 (413 if big)."""
    read_body()
    try:
        body = request.get_json(force=True, silent=True)
    except RecursionError:
        body = None
    if body is None:
        abort(400, "body is not JSON")
    if depth(body) > MAX_DEPTH:
        abort(400, "body nests too deeply")
    return body


def install(app: dash.Dash) -> None:
    """Check callback requests before Dash dispatches them; unknown bundles are a plain 404."""
    server = app.server

    @server.before_request
    def check_callback():
        if not is_callback_request(app):
            return None
        body = parsed_body()
        problem = callback_problem(body, app.callback_map) or prefix_problem(app, body)
        if problem:
            abort(400, problem)
        g.callback = CallbackRequest(
            body["output"],
            tuple(spec.get("value") for spec in body["inputs"]),
            tuple(spec.get("value") for spec in body.get("state", [])),
        )
        return None

    @server.errorhandler(DependencyException)
    def unknown_bundle(_error: DependencyException):
        return NotFound()  # Dash raises this for a /_dash-component-suites/ path it lacks

    @server.errorhandler(HTTPException)
    def log_rejected(error: HTTPException):
        if isinstance(error, InternalServerError):
            return error
        log.info("%s %s -> %s %s", request.method, request.path, error.code, error.description)
        return error
