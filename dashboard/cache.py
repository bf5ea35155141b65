"""The one flask-caching Cache of the app (its own module: pages and charts import it)."""

from __future__ import annotations

from flask import Flask
from flask_caching import Cache

from dashboard.settings import Settings

cache = Cache()


def init_cache(server: Flask, settings: Settings, release_id: str) -> None:
    """Attach the configured cache backend to a Flask server; keys carry release id and base path."""
    config = {
        "CACHE_TYPE": settings.cache_backend,
        "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout,
        "CACHE_THRESHOLD": 2000,
        "CACHE_KEY_PREFIX": f"csec:{release_id}:{settings.base_path}:",  # links carry the base
    }
    if settings.cache_backend == "FileSystemCache":
        config["CACHE_DIR"] = str(settings.cache_dir)
    if settings.cache_backend == "RedisCache":
        config["CACHE_REDIS_URL"] = settings.cache_redis_url
    cache.init_app(server, config=config)
