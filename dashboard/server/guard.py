"""Reject malformed callback requests with a 4xx; log each rejected request once, no payload."""

from __future__ import annotations

import logging

import dash
from flask import abort, request
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("dashboard.requests")


def callback_url(app: dash.Dash) -> str:
    """Return the URL path Dash's renderer posts callback requests to."""
    return app.config.routes_pathname_prefix + "_dash-update-component"


def is_callback_request(app: dash.Dash) -> bool:
    """Return whether the request being handled is a callback request of the app."""
    return request.method == "POST" and request.path == callback_url(app)


def spec_ids(specs: object) -> list[tuple[object, object]] | None:
    """Return the (id, property) pairs of a list of callback specs, or None if malformed."""
    if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
        return None
    return [(s.get("id"), s.get("property")) for s in specs]


def output_ids(output: str) -> list[tuple[str, str]]:
    """Return the (id, property) pairs named by a callback's output string."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [tuple(p.rsplit(".", 1)) for p in parts if "." in p]


def callback_problem(body: object, callback_map: dict) -> str | None:
    """Return why a callback request body does not match a registered callback, or None."""
    if not isinstance(body, dict):
        return "body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "unknown callback output"
    callback = callback_map[output]
    for key in ("inputs", "state"):
        expected = [(s["id"], s["property"]) for s in callback.get(key, [])]
        if spec_ids(body.get(key, [])) != expected:
            return f"{key} do not match the callback"
    outputs = body.get("outputs")
    outputs = outputs if isinstance(outputs, list) else [outputs]
    if output_ids(output) and spec_ids(outputs) != output_ids(output):
        return "outputs do not match the callback"
    return None


def install(app: dash.Dash) -> None:
    """Check callback requests before Dash dispatches them, and log rejected requests."""
    server = app.server

    @server.before_request
    def check_callback():
        if not is_callback_request(app):
            return None
        body = request.get_json(silent=True)
        problem = "body is not JSON" if body is None else callback_problem(body, app.callback_map)
        if problem:
            abort(400, problem)
        return None

    @server.errorhandler(HTTPException)
    def log_rejected(error: HTTPException):
        if isinstance(error, InternalServerError):
            return error
        log.info("%s %s -> %s %s", request.method, request.path, error.code, error.description)
        return error
