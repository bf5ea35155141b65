"""The one flask-caching Cache of the app (its own module: pages and charts import it).

A shared Redis cache is optional for the site to work: while Redis is unreachable (at start-up or
later) every call falls back to a small in-process cache, one warning is logged per interval, and
Redis is tried again every few seconds, so callbacks keep answering from computation.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask import Flask
from flask_caching import Cache
from flask_caching.backends.base import BaseCache
from flask_caching.backends.rediscache import RedisCache
from flask_caching.backends.simplecache import SimpleCache

from dashboard.settings import Settings

cache = Cache()
log = logging.getLogger("dashboard.cache")
LOCAL_ENTRIES = 500  # in-process entries kept while Redis is away
REDIS_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5, "retry_on_timeout": False}


class FailSoftRedisCache(BaseCache):
    """Redis first; while Redis fails, an in-process cache, retried every `retry_seconds`."""

    retry_seconds = 2.0
    warn_seconds = 60.0

    def __init__(self, remote: BaseCache, local: BaseCache) -> None:
        super().__init__(default_timeout=local.default_timeout)
        self.remote, self.local = remote, local
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.warned_at = 0.0
        self.lock = threading.Lock()

    @classmethod
    def factory(cls, app: Flask, config: dict, args: list, kwargs: dict) -> FailSoftRedisCache:
        """Return the cache of a flask-caching config (the RedisCache settings)."""
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        config["CACHE_OPTIONS"] = REDIS_OPTIONS | {"retry": Retry(NoBackoff(), 0)}
        remote = RedisCache.factory(app, config, list(args), dict(kwargs))
        timeout = config["CACHE_DEFAULT_TIMEOUT"]
        return cls(remote, SimpleCache(threshold=LOCAL_ENTRIES, default_timeout=timeout))

    def status(self) -> dict[str, Any]:
        """Return the backend's state for /healthz: reachable, or down since how many seconds."""
        if self.down_since is None:
            return {"backend": "redis", "state": "ok"}
        return {
            "backend": "redis",
            "state": "unreachable",
            "seconds": round(time.monotonic() - self.down_since),
        }

    def failed(self, error: Exception) -> None:
        """Note a failed Redis call: retry later, warn once per interval."""
        now = time.monotonic()
        with self.lock:
            self.retry_at = now + self.retry_seconds
            if self.down_since is None:
                self.down_since = now
            if now - self.warned_at < self.warn_seconds:
                return
            self.warned_at = now
        log.warning(
            "Redis cache unreachable (%s: %s); answering from computation and an in-process "
            "cache, retrying every %.0f s",
            type(error).__name__,
            error,
            self.retry_seconds,
        )

    def recovered(self) -> None:
        """Note a Redis call that worked after an outage."""
        with self.lock:
            since, self.down_since, self.warned_at = self.down_since, None, 0.0
        if since is not None:
            log.warning("Redis cache reachable again after %.0f s", time.monotonic() - since)

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Return a cache method's result from Redis, or from the local cache while it fails."""
        from redis.exceptions import RedisError

        if self.down_since is not None and time.monotonic() < self.retry_at:
            return getattr(self.local, name)(*args, **kwargs)
        try:
            result = getattr(self.remote, name)(*args, **kwargs)
        except RedisError as error:
            self.failed(error)
            return getattr(self.local, name)(*args, **kwargs)
        if self.down_since is not None:
            self.recovered()
        return result

    def get(self, key: str) -> Any:
        """Return a cached value, or None."""
        return self.call("get", key)

    def get_many(self, *keys: str) -> list[Any]:
        """Return cached values of several keys (None where missing)."""
        return self.call("get_many", *keys)

    def get_dict(self, *keys: str) -> dict[str, Any]:
        """Return cached values by key."""
        return self.call("get_dict", *keys)

    def has(self, key: str) -> bool:
        """Return whether a key is cached."""
        return self.call("has", key)

    def set(self, key: str, value: Any, timeout: int | None = None) -> bool:
        """Cache a value; return whether it was stored."""
        return self.call("set", key, value, timeout)

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        """Cache a value unless the key exists; return whether it was stored."""
        return self.call("add", key, value, timeout)

    def set_many(self, mapping: dict[str, Any], timeout: int | None = None) -> list[Any]:
        """Cache several values; return the keys stored."""
        return self.call("set_many", mapping, timeout)

    def delete(self, key: str) -> bool:
        """Remove a key; return whether it existed."""
        return self.call("delete", key)

    def delete_many(self, *keys: str) -> list[Any]:
        """Remove keys; return those removed."""
        return self.call("delete_many", *keys)

    def clear(self) -> bool:
        """Remove every key; return whether it worked."""
        return self.call("clear")

    def inc(self, key: str, delta: int = 1) -> int | None:
        """Increment a counter; return its new value."""
        return self.call("inc", key, delta)

    def dec(self, key: str, delta: int = 1) -> int | None:
        """Decrement a counter; return its new value."""
        return self.call("dec", key, delta)


def status() -> dict[str, Any]:
    """Return the state of the current app's cache backend (for /healthz)."""
    backend = cache.cache
    if isinstance(backend, FailSoftRedisCache):
        return backend.status()
    return {"backend": type(backend).__name__, "state": "ok"}


def init_cache(server: Flask, settings: Settings, release_id: str) -> None:
    """Attach the configured cache backend to a Flask server; keys carry release id and base path."""
    config = {
        "CACHE_TYPE": settings.cache_backend,
        "CACHE_DEFAULT_TIMEOUT": settings.cache_timeout,  # every key gets a TTL
        "CACHE_THRESHOLD": 2000,
        "CACHE_KEY_PREFIX": f"csec:{release_id}:{settings.base_path}:",  # links carry the base
    }
    if settings.cache_backend == "FileSystemCache":
        config["CACHE_DIR"] = str(settings.cache_dir)
    if settings.cache_backend == "RedisCache":
        config["CACHE_TYPE"] = f"{__name__}.FailSoftRedisCache"
        config["CACHE_REDIS_URL"] = settings.cache_redis_url
    cache.init_app(server, config=config)
