"""gunicorn settings from the app's settings table (PORT, WEB_CONCURRENCY, ... see docs/settings.md).

Also: no `Server` banner, and gunicorn's own error replies (a malformed request line, headers
too large) carry the app's security headers and a plain message.
"""

import socket
import struct

import gunicorn.http.wsgi
import gunicorn.util

from dashboard.server import headers, logs
from dashboard.settings import Settings

_settings = Settings.from_env()
_send_headers = gunicorn.http.wsgi.Response.default_headers


def _default_headers(response) -> list[str]:
    """Return gunicorn's status line and default headers without the Server banner."""
    return [h for h in _send_headers(response) if not h.startswith("Server:")]


def _write_error(sock, status_int: int, reason: str, _mesg: str) -> None:
    """Write gunicorn's error reply: a plain reason, the security headers, no request echo."""
    body = f"{reason}\n".encode("latin-1")
    extra = "".join(
        f"{k}: {v}\r\n" for k, v in headers.error_headers(_settings.hsts_seconds).items()
    )
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
    )
    gunicorn.util.write_nonblock(sock, head.encode("latin-1") + body)


def when_ready(server) -> None:
    """Bound each read and write on a client connection: the kernel times it out (the TCP
    listening sockets' SO_RCVTIMEO and SO_SNDTIMEO, which accepted connections inherit on Linux;
    a UNIX socket's do not), so a stalled client frees its thread instead of holding it for good."""
    interval = struct.pack("ll", _settings.client_timeout, 0)
    for listener in server.LISTENERS:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, interval)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, interval)


gunicorn.http.wsgi.Response.default_headers = _default_headers
gunicorn.util.write_error = _write_error

bind = f"{_settings.host}:{_settings.port}"
workers = _settings.workers
worker_class = "gthread"  # keep-alive and a bounded thread pool, even with one thread
threads = _settings.threads
timeout = _settings.timeout
loglevel = _settings.log_level.lower()
logconfig_dict = logs.gunicorn_config(_settings.log_level)
preload_app = False  # polars thread pools do not survive fork: each worker loads the release
control_socket_disable = True  # gunicorn 27's control socket in $HOME clashes between instances
