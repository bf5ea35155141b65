"""Lighthouse (npm, desktop preset) on every page of the dashboard served by gunicorn.

Run: bash scripts/npm-deps.sh && .venv/bin/python bench/lighthouse.py [--json out.json]
Prints the four category scores and the total page weight of each page, then the audits that
cost points. Targets: accessibility 100, best practices 100, SEO >= 95, performance >= 90.
Uses Debian's /usr/bin/chromium (CHROME_PATH); downloads nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
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
)  # not the 404 page: Lighthouse refuses to audit a page that answers 404
CATEGORIES = (
    ("performance", "Perf", 90),
    ("accessibility", "A11y", 100),
    ("best-practices", "BP", 100),
    ("seo", "SEO", 95),
)


def free_port() -> int:
    """Return a free loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until the server answers /healthz (it compresses static files at start)."""
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
    """Serve the app with gunicorn on a loopback port; stop it afterwards."""
    command = [str(ROOT / ".venv/bin/gunicorn"), "dashboard.wsgi:server"]
    command += ["-b", f"127.0.0.1:{port}", "--no-control-socket"]
    server = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def lighthouse(url: str) -> dict:
    """Return Lighthouse's JSON report of one URL (desktop preset, Debian Chromium)."""
    command = [str(LIGHTHOUSE), url, "--preset=desktop", "--output=json", "--quiet"]
    command.append(f"--chrome-flags={CHROME_FLAGS}")
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def scores(report: dict) -> dict:
    """Return the category scores (0-100) and the total page weight in KB of a report."""
    row = {key: round(report["categories"][key]["score"] * 100) for key, *_ in CATEGORIES}
    row["kb"] = report["audits"]["total-byte-weight"]["numericValue"] / 1024
    return row


def lost_points(report: dict) -> list[str]:
    """Return the audits that cost points in a category under its target."""
    lost = []
    for key, _, target in CATEGORIES:
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
    """Return the scores as a Markdown table."""
    head = "| Page | " + " | ".join(label for _, label, _ in CATEGORIES) + " | Weight (KB) |"
    lines = [head, "|" + "---|" * (len(CATEGORIES) + 2)]
    for page, row in rows.items():
        cells = [str(row[key]) for key, *_ in CATEGORIES]
        lines.append(f"| {page} | " + " | ".join(cells) + f" | {row['kb']:,.0f} |")
    return "\n".join(lines)


def main() -> None:
    """Run Lighthouse on every page and print the table and the audits that cost points."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write every score to this file")
    args = parser.parse_args()
    if not LIGHTHOUSE.is_file():
        sys.exit(f"{LIGHTHOUSE} is missing: run `bash scripts/npm-deps.sh` first")
    rows, lost = {}, {}
    with gunicorn(free_port()) as url:
        for page in PAGES:
            report = lighthouse(url + page)
            rows[page], lost[page] = scores(report), lost_points(report)
            print(f"{page}: {rows[page]}", file=sys.stderr)
    print(table(rows))
    for page, audits in lost.items():
        for audit in audits:
            print(f"{page}  {audit}")
    if args.json:
        args.json.write_text(json.dumps({"scores": rows, "lost": lost}, indent=2))


if __name__ == "__main__":
    main()
