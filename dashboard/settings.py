"""Every setting of the web app in one declarative table, read from the environment."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE_TYPES = ("SimpleCache", "FileSystemCache", "RedisCache", "NullCache")


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


def _cache_type(raw: str) -> str:
    """Return a flask-caching backend name this app supports."""
    if raw not in CACHE_TYPES:
        raise ValueError(f"expected one of {', '.join(CACHE_TYPES)}")
    return raw


@dataclass(frozen=True)
class Setting:
    """One setting: attribute name, environment variable, default, parser and help."""

    name: str
    env: str
    default: str
    parse: Callable[[str], Any]
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "release_dir",
        "CSEC_RELEASE_DIR",
        "data/aggregates",
        _path,
        "Directory of the published release the app serves (manifest.json and its files).",
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
        "SimpleCache",
        _cache_type,
        "flask-caching backend for memoized figures and tables: " + ", ".join(CACHE_TYPES) + ".",
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
        "redis://localhost:6379/0",
        str,
        "Redis URL of the RedisCache backend.",
    ),
    Setting(
        "cache_timeout",
        "CSEC_CACHE_TIMEOUT",
        "86400",
        _seconds,
        "Seconds a memoized result is kept (keys carry the release id; 0 = no expiry).",
    ),
    Setting(
        "compress",
        "CSEC_COMPRESS",
        "true",
        _bool,
        "Compress responses (gzip/brotli) in the app; turn off behind a compressing proxy.",
    ),
    Setting(
        "debug",
        "CSEC_DEBUG",
        "false",
        _bool,
        "Dash dev tools and debug mode; never on for the public site.",
    ),
)


@dataclass(frozen=True)
class Settings:
    """The parsed settings of one app instance."""

    release_dir: Path = field(default_factory=lambda: _path("data/aggregates"))
    geojson_path: Path = field(default_factory=lambda: _path("data/geo/ca_counties.geojson"))
    cache_type: str = "SimpleCache"
    cache_dir: Path = field(default_factory=lambda: Path("/tmp/csec-dashboard-cache"))
    cache_redis_url: str = "redis://localhost:6379/0"
    cache_timeout: int = 86400
    compress: bool = True
    debug: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Return settings from environment variables, failing with a hint on a bad value."""
        environ = os.environ if environ is None else environ
        values = {}
        for setting in SETTINGS:
            raw = environ.get(setting.env, setting.default)
            try:
                values[setting.name] = setting.parse(raw)
            except ValueError as error:
                raise SettingsError(
                    f"{setting.env}={raw!r} is not valid: {error}. {setting.help}"
                ) from error
        return cls(**values)
