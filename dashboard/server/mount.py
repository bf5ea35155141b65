"""Serve the whole app under a base path (CSEC_BASE_PATH): the prefix moves into SCRIPT_NAME."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from werkzeug.exceptions import NotFound
from werkzeug.utils import redirect

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def mount(app: WSGIApp, base_path: str, headers: dict[str, str]) -> WSGIApp:
    """Return a WSGI app answering `app` under base_path ("/csec"); "/csec" redirects to "/csec/";
    its own replies (that redirect, a 404 elsewhere) carry `headers`."""

    def mounted(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(base_path + "/"):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + base_path
            environ["PATH_INFO"] = path[len(base_path) :]
            return app(environ, start_response)
        if path in {"", "/", base_path}:
            response = redirect(base_path + "/", code=308)
        else:
            response = NotFound().get_response(environ)
        response.headers.update(headers)
        return response(environ, start_response)

    return mounted
