"""Every setting of the web app in one declarative table, read from the environment."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE_TYPES = ("auto", "SimpleCache", "FileSystemCache", "RedisCache", "NullCache")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
BASE_PATH_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")


class SettingsError(ValueError):
    """A setting has a value the app cannot start with."""


def _path(raw: str) -> Path:
    """Return a path, relative paths taken from the project root."""
    path = Path(raw)
    return path if path.is_absolute() else ROOT / path


def _bool(raw: str) -> bool:
    """Return a boolean from 1/0, true/false, yes/no, on/off."""
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected one of 1/0, true/false, yes/no, on/off")


def _seconds(raw: str) -> int:
    """Return a non-negative whole number of seconds."""
    value = int(raw)
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


def _positive(raw: str) -> int:
    """Return a whole number of 1 or more."""
    value = int(raw)
    if value < 1:
        raise ValueError("must be 1 or more")
    return value


def _port(raw: str) -> int:
    """Return a TCP port number."""
    value = int(raw)
    if not 1 <= value <= 65535:
        raise ValueError("must be a TCP port, 1 to 65535")
    return value


def _rate(raw: str) -> str:
    """Return a rate in the `limits` notation ("10/second;300/minute")."""
    from limits import parse_many

    parse_many(raw)  # raises ValueError with what is wrong
    return raw


def _cache_type(raw: str) -> str:
    """Return a flask-caching backend name this app supports."""
    if raw not in CACHE_TYPES:
        raise ValueError(f"expected one of {', '.join(CACHE_TYPES)}")
    return raw


def _redis_url(raw: str) -> str:
    """Return a Redis URL, or '' for none."""
    if raw and not raw.startswith(REDIS_SCHEMES):
        raise ValueError(f"expected a URL starting with {', '.join(REDIS_SCHEMES)}")
    return raw


def _base_path(raw: str) -> str:
    """Return a URL path prefix as "/a/b" ("" for the site root)."""
    if not raw.startswith("/"):
        raise ValueError('must start with "/" (for example /csec)')
    segments = [s for s in raw.split("/") if s]
    for segment in segments:
        if not BASE_PATH_SEGMENT.fullmatch(segment) or set(segment) == {"."}:
            raise ValueError(f"{segment!r} is not a plain path segment (letters, digits, . _ ~ -)")
    return "".join("/" + s for s in segments)


def _log_level(raw: str) -> str:
    """Return a logging level name."""
    level = raw.strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}")
    return level


@dataclass(frozen=True)
class Setting:
    """One setting: attribute, environment variable (then aliases), default, parser and help."""

    name: str
    env: str
    default: str
    parse: Callable[[str], Any]
    help: str
    aliases: tuple[str, ...] = ()

    def raw(self, environ: Mapping[str, str]) -> str:
        """Return the raw value: the variable, else its first alias set, else the default."""
        for env in (self.env, *self.aliases):
            if env in environ:
                return environ[env]
        return self.default


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "release_dir",
        "CSEC_RELEASE_DIR",
        "data/aggregates",
        _path,
        "Directory of the published release the app serves (manifest.json and its files).",
    ),
    Setting(
        "history_dir",
        "CSEC_HISTORY_DIR",
        "data/releases",
        _path,
        "Directory of the earlier kept releases (one directory per release id) and their index "
        "(index.json); without an index the app serves the current release only.",
    ),
    Setting(
        "geojson_path",
        "CSEC_GEOJSON",
        "data/geo/ca_counties.geojson",
        _path,
        "California county boundaries (GeoJSON, feature id = 5-digit FIPS, clockwise rings).",
    ),
    Setting(
        "cache_type",
        "CSEC_CACHE_TYPE",
        "auto",
        _cache_type,
        "flask-caching backend for memoized charts and callback replies: "
        + ", ".join(CACHE_TYPES)
        + "; "
        "auto = RedisCache when a Redis URL is set, else SimpleCache (one per process).",
    ),
    Setting(
        "cache_dir",
        "CSEC_CACHE_DIR",
        "/tmp/csec-dashboard-cache",
        _path,
        "Directory of the FileSystemCache backend.",
    ),
    Setting(
        "cache_redis_url",
        "CSEC_CACHE_REDIS_URL",
        "",
        _redis_url,
        "Redis URL of the shared RedisCache (all instances behind a load balancer share it).",
        aliases=("CACHE_REDIS_URL", "REDIS_URL"),
    ),
    Setting(
        "cache_timeout",
        "CSEC_CACHE_TIMEOUT",
        "86400",
        _positive,
        "Seconds a cached chart or reply is kept: every key gets this TTL (keys also carry the "
        "release id, so a new release never reads an old entry).",
    ),
    Setting(
        "compress",
        "CSEC_COMPRESS",
        "true",
        _bool,
        "Compress replies (gzip/brotli; big static files once, see CSEC_STATIC_CACHE_DIR); "
        "turn off behind a compressing proxy.",
    ),
    Setting(
        "static_cache_dir",
        "CSEC_STATIC_CACHE_DIR",
        ".cache/static",
        _path,
        "Directory of the compressed static files, shared by every worker and kept across "
        "restarts (named by content hash, so a new version never reads an old file). "
        "scripts/install.sh fills it (`python -m dashboard.server.precompress`); a file missing "
        "there is compressed by the first worker that needs it while the others wait.",
    ),
    Setting(
        "max_request_bytes",
        "CSEC_MAX_REQUEST_BYTES",
        "65536",
        _positive,
        "Largest request body accepted (callback payloads); larger ones get 413.",
    ),
    Setting(
        "rate_limit",
        "CSEC_RATE_LIMIT",
        "30/second;600/minute",
        _rate,
        "Computing requests (callbacks not answered from the cache, chart CSVs) one client "
        "address may make, per worker process (`limits` notation, as in flask-limiter); a "
        "client over it gets 429 with Retry-After for everything that computes. Cached views "
        "are not counted.",
    ),
    Setting(
        "compute_slots",
        "CSEC_COMPUTE_SLOTS",
        "1",
        _positive,
        "Computing requests one worker process runs at once; others wait up to 2 s for a "
        "slot (at most CSEC_THREADS - 1 of them), any more get 503 with Retry-After.",
    ),
    Setting(
        "trusted_proxies",
        "CSEC_TRUSTED_PROXIES",
        "0",
        _seconds,
        "Proxies in front of the app that append to X-Forwarded-For (and set "
        "X-Forwarded-Proto); the rate limit counts the client address they report. 0: the "
        "address of the connection.",
    ),
    Setting(
        "hsts_seconds",
        "CSEC_HSTS_SECONDS",
        "0",
        _seconds,
        "max-age of a Strict-Transport-Security header on every reply; 0 sends none. Set it "
        "only when the site is served over HTTPS only.",
    ),
    Setting(
        "base_path",
        "CSEC_BASE_PATH",
        "/",
        _base_path,
        "URL path the dashboard is served under (for example /csec when a proxy forwards "
        "https://example.gov/csec/ to it); every page, asset, download and /healthz moves "
        "under it.",
    ),
    Setting(
        "log_level",
        "CSEC_LOG_LEVEL",
        "INFO",
        _log_level,
        "Log level of the app and gunicorn: " + ", ".join(LOG_LEVELS) + ".",
    ),
    Setting(
        "debug",
        "CSEC_DEBUG",
        "false",
        _bool,
        "Dash dev tools for local development; gunicorn (dashboard.wsgi) refuses to start with it.",
    ),
    Setting(
        "host",
        "CSEC_HOST",
        "0.0.0.0",
        str,
        "Interface gunicorn binds to (scripts/run.sh uses 127.0.0.1).",
    ),
    Setting("port", "CSEC_PORT", "8050", _port, "TCP port gunicorn listens on.", aliases=("PORT",)),
    Setting(
        "workers",
        "CSEC_WORKERS",
        "2",
        _positive,
        "gunicorn worker processes (about one per core).",
        aliases=("WEB_CONCURRENCY",),
    ),
    Setting(
        "threads",
        "CSEC_THREADS",
        "8",
        _positive,
        "Threads per gunicorn (gthread) worker. Only CSEC_COMPUTE_SLOTS of them compute "
        "(replies are CPU-bound and share the GIL); up to threads - 1 computing requests run "
        "or wait, which holds a page's burst of callbacks (a browser opens at most 6 "
        "connections), and one thread always serves cached views and /healthz.",
    ),
    Setting(
        "timeout",
        "CSEC_TIMEOUT",
        "30",
        _positive,
        "Seconds before gunicorn restarts a silent worker.",
    ),
    Setting(
        "client_timeout",
        "CSEC_CLIENT_TIMEOUT",
        "10",
        _positive,
        "Seconds a client may stall while it sends a request or reads a reply (each read or "
        "write on its connection); then the connection is closed and its thread freed. It "
        "bounds a stalled client, not many slow ones at once: in front of the app on the "
        "internet, use a proxy that buffers whole requests (README, Deploying).",
    ),
)


@dataclass(frozen=True)
class Settings:
    """The parsed settings of one app instance."""

    release_dir: Path = field(default_factory=lambda: _path("data/aggregates"))
    history_dir: Path = field(default_factory=lambda: _path("data/releases"))
    geojson_path: Path = field(default_factory=lambda: _path("data/geo/ca_counties.geojson"))
    cache_type: str = "auto"
    cache_dir: Path = field(default_factory=lambda: Path("/tmp/csec-dashboard-cache"))
    cache_redis_url: str = ""
    cache_timeout: int = 86400
    compress: bool = True
    static_cache_dir: Path = field(default_factory=lambda: _path(".cache/static"))
    max_request_bytes: int = 65536
    rate_limit: str = "30/second;600/minute"
    compute_slots: int = 1
    trusted_proxies: int = 0
    hsts_seconds: int = 0
    base_path: str = ""
    log_level: str = "INFO"
    debug: bool = False
    host: str = "0.0.0.0"
    port: int = 8050
    workers: int = 2
    threads: int = 8
    timeout: int = 30
    client_timeout: int = 10

    @property
    def cache_backend(self) -> str:
        """Return the flask-caching backend: `cache_type`, with auto resolved."""
        if self.cache_type != "auto":
            return self.cache_type
        return "RedisCache" if self.cache_redis_url else "SimpleCache"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Return settings from environment variables, failing with a hint on a bad value."""
        environ = os.environ if environ is None else environ
        values = {}
        for setting in SETTINGS:
            raw = setting.raw(environ)
            try:
                values[setting.name] = setting.parse(raw)
            except ValueError as error:
                raise SettingsError(
                    f"{setting.env}={raw!r} is not valid: {error}. {setting.help}"
                ) from error
        settings = cls(**values)
        if settings.cache_backend == "RedisCache" and not settings.cache_redis_url:
            raise SettingsError("CSEC_CACHE_TYPE=RedisCache needs REDIS_URL (or CACHE_REDIS_URL).")
        return settings


def markdown() -> str:
    """Return the settings table as Markdown (docs/settings.md)."""
    lines = [
        "# Settings",
        "",
        "Every setting is an environment variable, read and validated once at start-up: a bad",
        "value stops the app with a hint. gunicorn takes its own settings from the same table",
        "(`gunicorn -c python:dashboard.server.gunicorn_conf dashboard.wsgi:server`).",
        "Generated by `python -m dashboard.settings > docs/settings.md`.",
        "",
        "| variable | also read from | default | what |",
        "|---|---|---|---|",
    ]
    for s in SETTINGS:
        aliases = ", ".join(f"`{a}`" for a in s.aliases)
        default = f"`{s.default}`" if s.default else "(none)"
        lines.append(f"| `{s.env}` | {aliases} | {default} | {s.help} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
