"""Liveness (/healthz) and readiness (/readyz) for a load balancer.

/healthz answers 200 while the process serves, and says in its body what is degraded (the shared
cache unreachable). /readyz answers 503 while this process has no verified release loaded, or the
release directory no longer holds the release it serves (swapped or removed: restart to load it).
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask, Response, current_app

from dashboard import cache
from dashboard.data import release

RETRY_AFTER = "5"


def loaded() -> release.Release | None:
    """Return the verified release this process serves, or None if it has none."""
    return current_app.extensions.get("csec_release")


def on_disk_id(directory: Path) -> str | None:
    """Return the release id named by the manifest in a release directory, or None if unreadable."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest.get("release_id") if isinstance(manifest, dict) else None


def not_ready_reason() -> str | None:
    """Return why this process should get no traffic, or None if it is ready."""
    rel = loaded()
    if rel is None:
        return "no verified release is loaded"
    if on_disk_id(rel.directory) != rel.release_id:
        return "the release directory no longer holds the release this process serves"
    return None


def install(server: Flask, rel: release.Release) -> None:
    """Keep the verified release on the server and add /healthz and /readyz."""
    server.extensions["csec_release"] = rel

    @server.route("/healthz")
    def healthz():
        rel = loaded()
        backend = cache.status()
        degraded = rel is None or backend["state"] != "ok"
        return {
            "status": "degraded" if degraded else "ok",
            "release_id": rel.release_id if rel else None,
            "cache": backend,
        }

    @server.route("/readyz")
    def readyz():
        reason = not_ready_reason()
        if reason is None:
            return {"status": "ready", "release_id": loaded().release_id}
        body = json.dumps({"status": "not ready", "reason": reason})
        return Response(
            body, status=503, mimetype="application/json", headers={"Retry-After": RETRY_AFTER}
        )
