"""Lighthouse (npm) on every page of the dashboard served by gunicorn, desktop and mobile.

Run: make bench-lighthouse, or bash scripts/npm-deps.sh && .venv/bin/python bench/lighthouse.py
[--runs 3] [--modes desktop mobile] [--pages / /map] [--json out.json]
Every page (and the home page and What changed of the earliest other kept release) is audited
`--runs` times per mode (desktop preset; mobile = Lighthouse's default emulation and
throttling); the median of each score and metric (weight: bytes transferred) is printed, with
the load average before and after each mode (the machine is shared), then the audits that cost
points in the median run. Targets: performance >= 90 desktop, >= 70 mobile; accessibility 100, best
practices 100, SEO >= 95. Uses Debian's /usr/bin/chromium (CHROME_PATH); downloads nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic "
    "--no-first-run --disable-background-networking --disable-component-update --disable-sync"
)
PAGES = (
    "/",
    "/funnel",
    "/placement",
    "/map",
    "/county/alameda",
    "/downloads",
    "/methodology",
    "/changes",
)  # not the 404 page: Lighthouse refuses to audit a page that answers 404
RELEASES_INDEX = ROOT / "data" / "releases" / "index.json"
EARLIER_PAGES = (
    "/",
    "/changes",
)  # also audited in the earliest kept release other than the current
PERFORMANCE_TARGET = {"desktop": 90, "mobile": 70}
MODE_FLAGS = {"desktop": ["--preset=desktop"], "mobile": []}  # mobile: Lighthouse's default
METRICS = (
    ("first-contentful-paint", "FCP s", 1000),
    ("largest-contentful-paint", "LCP s", 1000),
    ("total-blocking-time", "TBT ms", 1),
    ("cumulative-layout-shift", "CLS", 1),
)
CATEGORIES = (
    ("performance", "Perf", 90),
    ("accessibility", "A11y", 100),
    ("best-practices", "BP", 100),
    ("seo", "SEO", 95),
)


def pages() -> list[str]:
    """Return the pages to audit: every page, and some in the earliest other kept release."""
    index = json.loads(RELEASES_INDEX.read_text()) if RELEASES_INDEX.is_file() else {}
    others = [
        r["release_id"] for r in index.get("releases", ()) if r["release_id"] != index["current"]
    ]
    earlier = [f"{page}?release={others[-1]}" for page in EARLIER_PAGES] if others else []
    return [*PAGES, *earlier]


def free_port() -> int:
    """Return a free loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_average() -> str:
    """Return the 1, 5 and 15 minute load averages."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until the server answers /healthz."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer within {timeout:.0f} s")


@contextmanager
def gunicorn(port: int):
    """Serve the app as deployed (gunicorn settings of the app) on a loopback port; stop it after."""
    command = [str(ROOT / ".venv/bin/gunicorn"), "-c", "python:dashboard.server.gunicorn_conf"]
    command += ["dashboard.wsgi:server", "--no-control-socket"]
    env = os.environ | {"CSEC_HOST": "127.0.0.1", "PORT": str(port), "CSEC_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def lighthouse(url: str, mode: str, attempts: int = 3) -> dict:
    """Return Lighthouse's JSON report of one URL in a mode (desktop or mobile, Debian Chromium);
    a run that Lighthouse reports as failed (a trace it could not record) or whose report is cut
    short is run again."""
    command = [str(LIGHTHOUSE), url, *MODE_FLAGS[mode], "--output=json", "--quiet"]
    command.append(f"--chrome-flags={CHROME_FLAGS}")
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    for attempt in range(attempts):
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        try:
            report = json.loads(done.stdout)
        except json.JSONDecodeError:  # no report, or a cut one
            report = {}
        if done.returncode == 0 and report.get("categories", {}).get("performance", {}).get(
            "score"
        ):
            return report
        error = report.get("runtimeError", {}).get("code") or done.stderr.strip()[-200:]
        print(f"{mode} {url}: run {attempt + 1} failed ({error}), again", file=sys.stderr)
    raise SystemExit(f"Lighthouse failed {attempts} times on {url} ({mode})")


def scores(report: dict) -> dict:
    """Return the category scores (0-100), the metrics and the page weight in KB of a report."""
    row = {key: round(report["categories"][key]["score"] * 100) for key, *_ in CATEGORIES}
    for key, _, unit in METRICS:
        row[key] = report["audits"][key]["numericValue"] / unit
    row["kb"] = report["audits"]["total-byte-weight"]["numericValue"] / 1024
    return row


def median_row(rows: list[dict]) -> dict:
    """Return the median of each score and metric over runs."""
    return {key: statistics.median(row[key] for row in rows) for key in rows[0]}


def lost_points(report: dict, mode: str) -> list[str]:
    """Return the audits that cost points in a category under its target."""
    lost = []
    for key, _, target in CATEGORIES:
        target = PERFORMANCE_TARGET[mode] if key == "performance" else target
        category = report["categories"][key]
        if category["score"] * 100 >= target:
            continue
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                value = audit.get("displayValue", "")
                lost.append(f"{key}: {audit['id']} ({audit['score']:.2f}) {value}".rstrip())
    return lost


def table(rows: dict[str, dict]) -> str:
    """Return the median scores and metrics as a Markdown table."""
    labels = [label for _, label, _ in CATEGORIES] + [label for _, label, _ in METRICS]
    lines = [
        "| Page | " + " | ".join(labels) + " | Weight (KB) |",
        "|" + "---|" * (len(labels) + 2),
    ]
    for page, row in rows.items():
        cells = [f"{row[key]:g}" for key, *_ in CATEGORIES]
        cells += [f"{row[key]:.3g}" for key, *_ in METRICS]
        lines.append(f"| {page} | " + " | ".join(cells) + f" | {row['kb']:,.0f} |")
    return "\n".join(lines)


def audit_mode(url: str, mode: str, runs: int, paths: list[str]) -> tuple[dict, dict]:
    """Audit every page `runs` times in a mode; return the median rows and the lost points of
    each page's median-performance run."""
    rows, lost = {}, {}
    for page in paths:
        reports = [lighthouse(url + page, mode) for _ in range(runs)]
        each = [scores(report) for report in reports]
        rows[page] = median_row(each)
        middle = sorted(range(runs), key=lambda i: each[i]["performance"])[runs // 2]
        lost[page] = lost_points(reports[middle], mode)
        print(f"{mode} {page}: performance {[row['performance'] for row in each]}", file=sys.stderr)
    return rows, lost


def main() -> None:
    """Run Lighthouse on every page, per mode, and print the median table and lost points."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="audits per page and mode")
    parser.add_argument("--modes", nargs="+", choices=MODE_FLAGS, default=list(MODE_FLAGS))
    parser.add_argument("--pages", nargs="+", help="audit only these pages (default: every page)")
    parser.add_argument("--json", type=Path, help="also write every median score to this file")
    args = parser.parse_args()
    if not LIGHTHOUSE.is_file():
        sys.exit(f"{LIGHTHOUSE} is missing: run `bash scripts/npm-deps.sh` first")
    results = {}
    with gunicorn(free_port()) as url:
        for mode in args.modes:
            before = load_average()
            rows, lost = audit_mode(url, mode, args.runs, args.pages or pages())
            results[mode] = {"scores": rows, "lost": lost}
            target = PERFORMANCE_TARGET[mode]
            print(f"\n{mode}: median of {args.runs} runs per page (performance target {target})")
            print(f"load average before: {before}; after: {load_average()}")
            print(table(rows))
            for page, audits in lost.items():
                for audit in audits:
                    print(f"{page}  {audit}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
