"""Benchmark the app as deployed: gunicorn + wrk on loopback, and first-load bytes in Chromium.

Run: .venv/bin/python bench/serve.py [--duration 10] [--connections 32] [--soak]
Targets: the page shell, each page's load (Dash's router callback, which now carries the charts)
and a control change (its first chart callback), bodies from /_dash-dependencies and the page's
own control values; a CSV download; and as the physical-limit baseline a static
JSON file of the callback response's size served by the same gunicorn. Every wrk run is bounded.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from dashboard.dash_wire import ROUTER_OUTPUT, callback_body, router_dep, walk

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LUA = ROOT / "bench" / "wrk_report.lua"
STATIC_PREFIX = "/bench-static"
PAGES = ("/", "/funnel", "/placement", "/map", "/county")


def baseline_app():
    """Return the dashboard's WSGI app plus the baseline static directory (gunicorn factory)."""
    from werkzeug.middleware.shared_data import SharedDataMiddleware

    from dashboard.wsgi import server

    return SharedDataMiddleware(server, {STATIC_PREFIX: os.environ["BENCH_STATIC_DIR"]})


def free_port() -> int:
    """Return a free loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, body: dict | None = None) -> bytes:
    """Return the body of a GET (or a JSON POST) on loopback."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if body is not None else {}
    with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=30) as reply:
        return reply.read()


@contextlib.contextmanager
def gunicorn(static_dir: Path, workers: int):
    """Run gunicorn (bench app, loopback, no control socket); yield (base URL, master pid)."""
    port = free_port()
    env = os.environ | {
        "CSEC_HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "CSEC_LOG_LEVEL": "WARNING",
        "BENCH_STATIC_DIR": str(static_dir),
    }
    command = [
        str(BIN / "gunicorn"),
        "-c",
        "python:dashboard.server.gunicorn_conf",
        "--pythonpath",
        str(ROOT / "bench"),
        "--no-control-socket",
        "serve:baseline_app()",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {process.returncode}")
            with contextlib.suppress(OSError):
                fetch(base + "/healthz")
                break
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer /healthz in 90 s")
            time.sleep(0.5)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def worker_rss_mb(master: int) -> list[float]:
    """Return the resident memory (MB) of each gunicorn worker of a master process."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def main_callbacks(base: str) -> dict[str, dict]:
    """Return target name -> callback body: per page, its load (Dash's page router: the whole
    page with its charts) and a control change (its first chart, at the page's values)."""
    deps = json.loads(fetch(base + "/_dash-dependencies"))
    router = router_dep(deps)
    bodies = {}
    for path in PAGES:
        bodies[f"page load {path}"] = callback_body(router, [path, ""])
        reply = json.loads(fetch(base + "/_dash-update-component", bodies[f"page load {path}"]))
        layout = reply["response"][ROUTER_OUTPUT]["children"]
        values = {
            n["props"]["id"]: n["props"]["data-value"]
            for n in walk(layout)
            if "data-value" in n["props"]
        }
        dep = next(
            d
            for d in deps
            if ".figure" in d["output"] and all(i["id"] in values for i in d["inputs"])
        )
        bodies[f"control {path}"] = callback_body(dep, [values[i["id"]] for i in dep["inputs"]])
    return bodies


def wrk(url: str, bodies: list[Path], seconds: int, connections: int, encoding: str = "") -> dict:
    """Return wrk's summary (req/s, latency percentiles in ms, errors) of a bounded run."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    if encoding:
        command += ["-H", f"Accept-Encoding: {encoding}"]
    command += ["-s", str(LUA), url, "--", *map(str, bodies)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return {
        "req/s": result["requests"] / (result["duration_us"] / 1e6),
        "p50": result["p50"] / 1000,
        "p95": result["p95"] / 1000,
        "p99": result["p99"] / 1000,
        "errors": result["non2xx"] + result["socket_errors"],
    }


def first_load_bytes(url: str) -> tuple[int, list[tuple[int, str]]]:
    """Return bytes transferred by headless Chromium loading a page, and the biggest requests."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.support.ui import WebDriverWait

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options)
    try:
        driver.get(url)
        WebDriverWait(driver, 30).until(
            lambda d: d.execute_script(
                "const g = [...document.querySelectorAll('.dash-graph')];"
                "return g.length > 0 && g.every(e => e.querySelector('.main-svg'));"
            )
        )
        time.sleep(2)
        urls, sizes = {}, {}
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message["method"] == "Network.responseReceived":
                urls[params["requestId"]] = params["response"]["url"]
            elif message["method"] == "Network.loadingFinished":
                sizes[params["requestId"]] = int(params["encodedDataLength"])
    finally:
        driver.quit()
    biggest = sorted(((size, urls.get(rid, "?")) for rid, size in sizes.items()), reverse=True)
    return sum(sizes.values()), biggest[:6]


def row(name: str, result: dict) -> str:
    """Return one printed table row."""
    return (
        f"{name:<34} {result['req/s']:>9.0f} {result['p50']:>8.1f} {result['p95']:>8.1f} "
        f"{result['p99']:>8.1f} {result['errors']:>7}"
    )


def run(args: argparse.Namespace) -> None:
    """Start gunicorn, measure every target, print the figures."""
    with tempfile.TemporaryDirectory() as tmp, gunicorn(Path(tmp), args.workers) as (base, pid):
        total, biggest = first_load_bytes(base + "/")
        print(f"first page load (headless Chromium, /): {total / 1e6:.3f} MB transferred")
        for size, url in biggest:
            print(f"  {size / 1e3:>8.1f} KB  {url.removeprefix(base)}")
        bodies = main_callbacks(base)
        files = {}
        for path, body in bodies.items():
            files[path] = Path(tmp) / f"body{len(files)}.json"
            files[path].write_text(json.dumps(body))
        home_reply = fetch(base + "/_dash-update-component", bodies["control /"])
        (Path(tmp) / "static.json").write_bytes(b" " * len(home_reply))
        targets = [("page shell /", base + "/", [])]
        targets += [
            (name, base + "/_dash-update-component", [file]) for name, file in files.items()
        ]
        targets += [
            ("CSV download (home funnel)", base + "/download/chart/home-funnel.csv", []),
            (f"static JSON ({len(home_reply)} B)", base + STATIC_PREFIX + "/static.json", []),
        ]
        sent = f", Accept-Encoding: {args.encoding}" if args.encoding else ""
        print(f"\nwrk -t2 -c{args.connections} -d{args.duration}s, {args.workers} workers{sent}")
        print(
            f"{'target':<34} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"
        )
        results = {}
        for name, url, body in targets:
            results[name] = wrk(url, body, args.duration, args.connections, args.encoding)
            print(row(name, results[name]))
        static = results[targets[-1][0]]["req/s"]
        home = results["control /"]["req/s"]
        print(f"callback / static throughput: {home / static:.2f} (home callback)")
        if args.soak:
            before = worker_rss_mb(pid)
            soak = wrk(
                base + "/_dash-update-component", list(files.values()), 60, 200, args.encoding
            )
            after = worker_rss_mb(pid)
            print(f"\nsoak 60 s, 200 connections, all page callbacks in turn: {row('', soak)}")
            print(
                f"worker RSS MB before {[round(m) for m in before]} after {[round(m) for m in after]}"
            )


def main() -> None:
    """Parse the options and run the benchmark."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    options.add_argument("--connections", type=int, default=32)
    options.add_argument("--workers", type=int, default=2)
    options.add_argument("--soak", action="store_true", help="add a 60 s run at 200 connections")
    options.add_argument(
        "--encoding",
        default="",
        help='Accept-Encoding to send, as a browser does (e.g. "br, gzip"); default none',
    )
    run(options.parse_args())


if __name__ == "__main__":
    sys.exit(main())
