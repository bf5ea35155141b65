"""Log set-up of the app and gunicorn: one line per record, control characters escaped.

A request path or header can carry a newline or a terminal escape; written as is, it would
forge a log line. Every message is escaped before it is written (tracebacks keep their lines).
"""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s [%(process)d] %(levelname)s %(name)s %(message)s"
CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, 0x85)} | {
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def escape(text: str) -> str:
    """Return text with every control character written as an escape ("\\n", "\\x1b")."""
    return text.translate(CONTROL)


class EscapingFormatter(logging.Formatter):
    """A formatter whose message part never holds a control character."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        """Return the formatted message line with control characters escaped."""
        return escape(super().formatMessage(record))


SOCKET_ERROR = "Socket error processing request."  # gunicorn gthread's message for it


class StalledClients(logging.Filter):
    """Turn gunicorn's traceback for a client read or write that timed out (CSEC_CLIENT_TIMEOUT:
    the client stalled) into one warning line: the client's fault, not the server's."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite a timed-out socket error in place; let every record through."""
        error = record.exc_info[1] if record.exc_info else None
        if record.msg == SOCKET_ERROR and isinstance(error, (BlockingIOError, TimeoutError)):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg, record.args = (
                "a client stalled (sending a request or reading a reply): connection closed",
                (),
            )
            record.exc_info = record.exc_text = None
        return True


def configure(level: str) -> None:
    """Log the app at a level to stderr (unless gunicorn set up the root logger), escaped."""
    logging.basicConfig(level=level, format=FORMAT)
    logging.getLogger("dashboard").setLevel(level)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(EscapingFormatter(FORMAT))


def gunicorn_config(level: str) -> dict:
    """Return gunicorn's logconfig_dict: app and server to stderr, escaped; no access log."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {
                "level": level,
                "handlers": [],
                "propagate": True,
                "filters": ["stalled_clients"],
            },
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "escaped",
                "stream": "ext://sys.stderr",
            }
        },
        "formatters": {"escaped": {"()": EscapingFormatter, "format": FORMAT}},
        "filters": {"stalled_clients": {"()": StalledClients}},
    }
