"""Bounded work under a flood of never-seen views: a per-client budget and a cap on computations.

Only requests that compute spend the budget: callback requests the reply cache could not answer
and chart CSV downloads. A client that has spent its budget is refused (429) at the door, before
Flask even builds its request, so a flood costs one lookup a request. A worker runs `slots`
computations at once; a computing request waits up to WAIT_SECONDS for a slot, but at most
threads - 1 of them run or wait, so one thread always stays free for cached views and /healthz;
any more get 503 at once. Both with Retry-After.

The budget is kept by `limits` (the rate-limit engine of flask-limiter; a moving window per
worker process), used directly because it must be checked before the request check and spent
only after the reply cache missed, which flask-limiter's single hook cannot do.
"""

from __future__ import annotations

import logging
import math
import threading
import time

import dash
from flask import Flask, Response, g, request
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from dashboard import urlstate
from dashboard.server.guard import is_callback_request

log = logging.getLogger("dashboard.requests")
BUSY_RETRY_AFTER = "1"
WAIT_SECONDS = 2.0
REPORT_SECONDS = 60.0
CHART_CSV_PREFIX = urlstate.CHART_CSV.split("<")[0]


class Budget:
    """Computing requests each client address may make (a rate such as "10/second;300/minute")."""

    def __init__(self, rate: str) -> None:
        self.items = parse_many(rate)
        self.window = MovingWindowRateLimiter(MemoryStorage())
        # one thread at a time: the memory storage restarts its expiry timer without a lock, so
        # two threads at once can start the same timer twice (a RuntimeError, so a 500)
        self.lock = threading.RLock()

    def wait(self, client: str) -> int:
        """Return the seconds until a client may compute again (0: it may now)."""
        with self.lock:
            waits = [
                self.window.get_window_stats(item, client).reset_time - time.time()
                for item in self.items
                if not self.window.test(item, client)
            ]
        return max(1, math.ceil(max(waits))) if waits else 0

    def spend(self, client: str) -> int:
        """Spend one computing request of a client; return 0, or the seconds to wait if spent."""
        with self.lock:
            if all(self.window.hit(item, client) for item in self.items):
                return 0
            return self.wait(client) or 1


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


def computes(app: dash.Dash) -> bool:
    """Return whether the request being handled may compute (a callback or a chart CSV)."""
    return is_callback_request(app) or request.path.startswith(CHART_CSV_PREFIX)


def refusal(status: int, message: str, retry_after: int | str) -> Response:
    """Return a plain 429/503 reply with Retry-After."""
    return Response(
        message, status=status, mimetype="text/plain", headers={"Retry-After": str(retry_after)}
    )


def too_many(wait: int) -> Response:
    """Return the 429 of a client that spent its budget."""
    return refusal(429, "Too many new views from this address: try again in a moment.\n", wait)


def refuse_spent_clients(app: dash.Dash, budget: Budget, shed: Shed, headers: dict) -> None:
    """Wrap the app's WSGI callable: a computing request of a client that has spent its budget
    gets 429 (with `headers`) before Flask even builds a request, so a flood costs a lookup."""
    inner = app.server.wsgi_app
    callback = app.config.routes_pathname_prefix + "_dash-update-component"

    def refuse_spent(environ: dict, start_response):
        path = environ.get("PATH_INFO", "")
        computing = path.startswith(CHART_CSV_PREFIX) or (
            path == callback and environ.get("REQUEST_METHOD") == "POST"
        )
        wait = budget.wait(environ.get("REMOTE_ADDR") or "") if computing else 0
        if not wait:
            return inner(environ, start_response)
        shed.add(429)
        response = too_many(wait)
        response.headers.update(headers)
        return response(environ, start_response)

    app.server.wsgi_app = refuse_spent


def install(app: dash.Dash, budget: Budget, shed: Shed, slots: int, threads: int) -> None:
    """Spend the budget on computing requests and hold them to `slots` at once per process (of
    `threads` request threads); install after the reply cache."""
    server: Flask = app.server
    gate = Gate(slots, threads - 1)

    @server.before_request
    def take_slot():
        if not computes(app):
            return None
        wait = budget.spend(request.remote_addr or "")
        if wait:
            shed.add(429)
            return too_many(wait)
        if not gate.enter():
            shed.add(503)
            return refusal(503, "Busy: try again in a moment.\n", BUSY_RETRY_AFTER)
        g.compute_slot = True
        return None

    @server.teardown_request
    def give_slot(_error: BaseException | None) -> None:
        if g.pop("compute_slot", False):
            gate.leave()
