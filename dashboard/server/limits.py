"""Bounded work under a flood of never-seen views: a per-client rate and a cap on computations.

Only requests that compute count: callback requests the reply cache could not answer (it runs
first) and chart CSV downloads. A client over its rate gets 429. A worker runs `slots`
computations at once; a computing request waits up to WAIT_SECONDS for a slot, but at most
threads - 1 of them run or wait, so one thread always stays free for cached views and /healthz;
any more get 503 at once. Both with Retry-After. flask-limiter keeps the rates (moving window,
per worker process).
"""

from __future__ import annotations

import logging
import math
import threading
import time

import dash
from flask import Flask, Response, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from dashboard import urlstate
from dashboard.server.guard import is_callback_request

log = logging.getLogger("dashboard.requests")
BUSY_RETRY_AFTER = "1"
WAIT_SECONDS = 2.0
CHART_CSV_PREFIX = urlstate.CHART_CSV.split("<")[0]
REPORT_SECONDS = 60.0


class Shed:
    """Counts requests turned away, and logs how many at most once per interval."""

    def __init__(self) -> None:
        self.count = 0
        self.reported_at = 0.0
        self.lock = threading.Lock()

    def add(self, status: int) -> None:
        """Count one reply of a status (429 or 503); log the total once per interval."""
        now = time.monotonic()
        with self.lock:
            self.count += 1
            if now - self.reported_at < REPORT_SECONDS:
                return
            count, self.count, self.reported_at = self.count, 0, now
        log.warning(
            "turned away %d computing requests (last: %d) to keep the site up", count, status
        )


class Gate:
    """At most `slots` computations at once, and at most `admitted` running or waiting."""

    def __init__(self, slots: int, admitted: int) -> None:
        self.running = threading.BoundedSemaphore(slots)
        self.admitted = threading.BoundedSemaphore(max(admitted, slots))

    def enter(self) -> bool:
        """Return True once a slot is held; False at once if too many wait, or after the wait."""
        if not self.admitted.acquire(blocking=False):
            return False
        if self.running.acquire(timeout=WAIT_SECONDS):
            return True
        self.admitted.release()
        return False

    def leave(self) -> None:
        """Give the slot back."""
        self.running.release()
        self.admitted.release()


def computes(app: dash.Dash) -> bool:
    """Return whether the request being handled may compute (a callback or a chart CSV)."""
    return is_callback_request(app) or request.path.startswith(CHART_CSV_PREFIX)


def install(app: dash.Dash, rate: str, slots: int, threads: int) -> Limiter:
    """Limit computing requests to `rate` per client and `slots` at once per process (of
    `threads` request threads)."""
    server: Flask = app.server
    limiter = Limiter(
        get_remote_address,
        app=server,
        application_limits=[rate],  # one budget for every computing route
        application_limits_exempt_when=lambda: not computes(app),
        storage_uri="memory://",
        strategy="moving-window",
    )
    gate = Gate(slots, threads - 1)
    shed = Shed()

    @server.before_request
    def take_slot():
        if not computes(app):
            return None
        if not gate.enter():
            shed.add(503)
            return Response(
                "Busy: try again in a moment.\n",
                status=503,
                mimetype="text/plain",
                headers={"Retry-After": BUSY_RETRY_AFTER},
            )
        g.compute_slot = True
        return None

    @server.teardown_request
    def give_slot(_error: BaseException | None) -> None:
        if g.pop("compute_slot", False):
            gate.leave()

    @server.errorhandler(429)
    def too_many(_error):
        shed.add(429)
        breached = limiter.current_limit
        wait = max(1, math.ceil(breached.reset_at - time.time())) if breached else 1
        return Response(
            "Too many new views from this address: try again in a moment.\n",
            status=429,
            mimetype="text/plain",
            headers={"Retry-After": str(wait)},
        )

    return limiter
