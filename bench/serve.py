"""Benchmark the app as deployed: gunicorn + wrk on loopback, and first-load bytes in Chromium.

Run: .venv/bin/python bench/serve.py [--duration 10] [--connections 32] [--soak] [--skip-browser]
Prints, each run bounded and with the load average (the machine is shared):
- cached targets: the page shell, each page's load (Dash's router callback, which carries the
  charts) and a control change (its first chart callback), a CSV download, and as the
  physical-limit baseline a static JSON file of the callback response's size;
- the uncached cost of each chart (in-process build of distinct views, each repeated: min,
  median, p95), of a whole chart callback in-process, and of an uncached callback over HTTP
  (one connection, never-seen views, rate limit off);
- a miss flood: 200 connections of never-seen views under the production limits, while cached
  views and /healthz are measured beside it; the share of 429/503 and any timeouts;
- cold start: launch to the first 200 on /, first start ever and with static files compressed
  at install (min and median);
- a Redis-killed run: the shared cache stopped mid-run under traffic; its 5xx count (target 0).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import shutil
import signal
import socket
import statistics
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
LOAD_PAGES = (
    "/",
    "/funnel",
    "/placement",
    "/map",
    "/county/alameda",
    "/downloads",
    "/methodology",
    "/changes",
)
FIRST_LOAD_MB = 0.6
UNLIMITED = "1000000/second"  # runs that measure cost or failure, not the rate limit


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


def load_average() -> str:
    """Return the 1, 5 and 15 minute load averages."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def launch(static_dir: Path, workers: int, **settings: str) -> tuple[subprocess.Popen, str]:
    """Start gunicorn (bench app, loopback, no control socket, plus settings); return the
    process and its base URL."""
    port = free_port()
    env = os.environ | {
        "CSEC_HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "CSEC_LOG_LEVEL": "WARNING",
        "BENCH_STATIC_DIR": str(static_dir),
        **settings,
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
    return subprocess.Popen(command, cwd=ROOT, env=env), f"http://127.0.0.1:{port}"


def wait_for(process: subprocess.Popen, url: str, limit: float = 90, step: float = 0.5) -> None:
    """Poll a URL until it answers 200; fail if the server exits or `limit` seconds pass."""
    deadline = time.monotonic() + limit
    while True:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        with contextlib.suppress(OSError):
            fetch(url)
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not answer {url} in {limit:.0f} s")
        time.sleep(step)


def stop(process: subprocess.Popen) -> None:
    """Stop a gunicorn master and its workers."""
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


@contextlib.contextmanager
def gunicorn(static_dir: Path, workers: int, **settings: str):
    """Run gunicorn until /healthz answers; yield (base URL, master pid)."""
    process, base = launch(static_dir, workers, **settings)
    try:
        wait_for(process, base + "/healthz")
        yield base, process.pid
    finally:
        stop(process)


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


def control_options(layout) -> dict[str, list[str]]:
    """Return control id -> every option value of a rendered page (a holder: its value)."""
    found = {}
    for node in walk(layout):
        props = node["props"]
        if "data-control" in props:
            found[props["id"]] = [
                n["props"].get("value", n["props"].get("data-option"))
                for n in walk(props.get("children"))
                if n["type"] in {"Option", "Button"}
            ]
        elif "data-holds" in props:  # a hidden holder (the page's release): its one value
            found[props["id"]] = [props["data-value"]]
    return found


def new_view_bodies(base: str, count: int, get=fetch) -> list[dict]:
    """Return `count` chart-callback bodies of distinct views across the pages (shuffled);
    `get(url, body)` answers a request (default: over HTTP)."""
    deps = json.loads(get(base + "/_dash-dependencies"))
    router = router_dep(deps)
    per_page = []
    for path in PAGES:
        reply = json.loads(get(base + "/_dash-update-component", callback_body(router, [path, ""])))
        options = control_options(reply["response"][ROUTER_OUTPUT]["children"])
        charts = [
            d
            for d in deps
            if ".figure" in d["output"] and all(i["id"] in options for i in d["inputs"])
        ]
        combos = list(itertools.product(*(options[i["id"]] for i in charts[0]["inputs"])))
        per_page.append([callback_body(d, list(c)) for d in charts for c in combos])
    rng = random.Random(11)
    for bodies in per_page:
        rng.shuffle(bodies)
    mixed = [b for group in itertools.zip_longest(*per_page) for b in group if b is not None]
    return mixed[:count]


def write_jsonl(path: Path, bodies: list[dict]) -> Path:
    """Write bodies one per line (for wrk_report.lua); return the path."""
    path.write_text("".join(json.dumps(b) + "\n" for b in bodies))
    return path


def wrk_command(
    url: str,
    bodies: list[Path],
    seconds: int,
    connections: int,
    encoding: str = "",
    threads: int = 2,
    client: str = "",
) -> list[str]:
    """Return the command of a bounded wrk run (`client`: the address a proxy would forward)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    if encoding:
        command += ["-H", f"Accept-Encoding: {encoding}"]
    if client:
        command += ["-H", f"X-Forwarded-For: {client}"]
    return [*command, "-s", str(LUA), url, "--", *map(str, bodies)]


def summary(out: str) -> dict:
    """Return req/s, latency percentiles (ms) and reply counts from wrk_report.lua's line."""
    result = json.loads(out.strip().splitlines()[-1])
    return result | {
        "req/s": result["requests"] / (result["duration_us"] / 1e6),
        "p50": result["p50"] / 1000,
        "p95": result["p95"] / 1000,
        "p99": result["p99"] / 1000,
        "errors": result["non2xx"] + result["socket_errors"],
    }


def wrk(url: str, bodies: list[Path], seconds: int, connections: int, encoding: str = "") -> dict:
    """Return wrk's summary (req/s, latency percentiles in ms, errors) of a bounded run."""
    command = wrk_command(url, bodies, seconds, connections, encoding)
    return summary(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def wrk_together(commands: dict[str, list[str]]) -> dict[str, dict]:
    """Run several wrk commands at once; return each one's summary by name."""
    running = {
        name: subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        for name, command in commands.items()
    }
    return {name: summary(process.communicate()[0]) for name, process in running.items()}


def percentile(values: list[float], share: float) -> float:
    """Return a percentile (nearest rank) of some values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def spread(values: list[float]) -> str:
    """Return min, median and p95 of some timings (ms) as one line."""
    return f"{min(values):>7.1f} {statistics.median(values):>7.1f} {percentile(values, 0.95):>7.1f}"


def uncached_app():
    """Return an app instance that caches nothing and limits nothing (every call computes)."""
    from dashboard.app import create_app
    from dashboard.settings import Settings

    return create_app(Settings(compress=False, cache_type="NullCache", rate_limit=UNLIMITED))


def chart_costs(views_per_chart: int, repeat: int) -> tuple[dict[str, list[float]], float]:
    """Return each chart's build times (ms) over distinct views, each built `repeat` times,
    uncached, in this process, and the share of build time spent in plotly's own code (a
    second, profiled pass)."""
    import cProfile
    import pstats

    from dashboard import charts, urlstate
    from dashboard.charts.common import Context
    from dashboard.data import release

    app = uncached_app()
    times: dict[str, list[float]] = {}
    with app.server.test_request_context("/"):
        rel = release.current()
        ctx = Context(rel, urlstate.url(urlstate.BOUNDARIES))
        geo_keys = [g.key for g in rel.geos.all]
        counties = [g.slug for g in rel.geos.all if g.level == "county"]
        rng = random.Random(5)
        views = []
        for chart_id, (page, _) in charts.CHARTS.items():
            names = urlstate.PAGE_PARAMS[page]
            choices = [
                geo_keys
                if n == "geo"
                else counties
                if n == "county"
                else list(urlstate.PARAMS[n].choices or ())
                for n in names
            ]
            combos = list(itertools.product(*choices))
            rng.shuffle(combos)
            views += [
                (chart_id, urlstate.parse(page, dict(zip(names, combo, strict=True)), rel.geos))
                for combo in combos[:views_per_chart]
            ]
        for chart_id in charts.CHARTS:  # once-per-process set-up (imports, panel layouts)
            charts.build(ctx, *next(v for v in views if v[0] == chart_id))
        for _ in range(repeat):
            for chart_id, view in views:
                started = time.perf_counter()
                charts.build(ctx, chart_id, view)
                times.setdefault(chart_id, []).append((time.perf_counter() - started) * 1000)
        profile = cProfile.Profile()
        profile.runcall(lambda: [charts.build(ctx, c, v) for c, v in views[::4]])
    stats = pstats.Stats(profile).stats
    total = sum(entry[2] for entry in stats.values())
    packages = {"plotly", "_plotly_utils"}
    plotly = sum(e[2] for (path, _, _), e in stats.items() if packages & set(Path(path).parts))
    return times, plotly / total


def callback_costs(count: int, repeat: int) -> list[float]:
    """Return the times (ms) of whole chart callbacks in this process (Dash's handling, the
    build, the card's table and summary, the JSON reply) over `count` distinct views, each sent
    `repeat` times to an app that caches nothing."""
    client = uncached_app().server.test_client()

    def get(url: str, body: dict | None = None) -> bytes:
        reply = client.get(url) if body is None else client.post(url, json=body)
        if reply.status_code != 200:
            raise SystemExit(f"{url} answered {reply.status_code}")
        return reply.data

    bodies = new_view_bodies("", count, get)
    for body in bodies[:20]:  # once-per-process set-up
        get("/_dash-update-component", body)
    times = []
    for _ in range(repeat):
        for body in bodies:
            started = time.perf_counter()
            get("/_dash-update-component", body)
            times.append((time.perf_counter() - started) * 1000)
    return times


def redis_server():
    """Run a throwaway redis-server on a free loopback port; yield (URL, process)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def first_load_bytes(url: str) -> tuple[int, list[tuple[int, str]], list[str]]:
    """Return bytes transferred by headless Chromium (empty cache) loading a page until its
    charts are drawn (scrolled into view), the biggest requests, and the console errors."""
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
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options)
    try:
        driver.get(url)
        WebDriverWait(driver, 30).until(  # plotly.js loads once a chart is on screen: scroll
            lambda d: d.execute_script(
                "const g = [...document.querySelectorAll('.dash-graph')];"
                "const undrawn = g.find(e => !e.querySelector('.main-svg'));"
                "if (undrawn) undrawn.scrollIntoView({block: 'center'});"
                "return document.querySelector('main h1') !== null && !undrawn;"
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
        errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    finally:
        driver.quit()
    biggest = sorted(((size, urls.get(rid, "?")) for rid, size in sizes.items()), reverse=True)
    return sum(sizes.values()), biggest, errors


def first_loads(args: argparse.Namespace, tmp: Path) -> None:
    """Print the bytes a first visit (empty browser cache) transfers on every page."""
    with gunicorn(tmp, args.workers) as (base, _):
        print(f"\nfirst load, headless Chromium, empty cache (target <= {FIRST_LOAD_MB} MB)")
        for page in LOAD_PAGES:
            total, requests, errors = first_load_bytes(base + page)
            verdict = "ok" if total / 1e6 <= FIRST_LOAD_MB else "OVER"
            print(
                f"  {page:<18} {total / 1e6:.3f} MB in {len(requests)} requests, "
                f"console errors {len(errors)}  {verdict}"
            )
            for size, url in requests[: args.biggest]:
                print(f"    {size / 1e3:>8.1f} KB  {url.removeprefix(base)}")
            for error in errors:
                print(f"    console: {error[:160]}")
    print(f"load average: {load_average()}")


def row(name: str, result: dict) -> str:
    """Return one printed table row."""
    return (
        f"{name:<34} {result['req/s']:>9.0f} {result['p50']:>8.1f} {result['p95']:>8.1f} "
        f"{result['p99']:>8.1f} {result['errors']:>7}"
    )


def status_row(name: str, result: dict) -> str:
    """Return one printed row of a run whose replies are counted by status."""
    total = max(result["requests"], 1)
    return (
        f"{name:<34} {result['req/s']:>9.0f} {result['p50']:>8.1f} {result['p95']:>8.1f} "
        f"{result['s2xx'] / total:>6.1%} {result['s429'] / total:>6.1%} "
        f"{result['s503'] / total:>6.1%} {result['s5xx'] - result['s503']:>5} "
        f"{result['timeouts']:>5}"
    )


STATUS_HEADER = (
    f"{'target':<34} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'2xx':>6} {'429':>6} "
    f"{'503':>6} {'o5xx':>5} {'tmo':>5}"
)


def cached_targets(args: argparse.Namespace, tmp: Path) -> None:
    """Measure the cached targets (and the soak): every body answered once before its run, and
    no rate limit (the CSV download computes, cached or not; the flood run measures limits)."""
    with gunicorn(tmp, args.workers, CSEC_RATE_LIMIT=UNLIMITED) as (base, pid):
        bodies = main_callbacks(base)
        files = {}
        for path, body in bodies.items():
            files[path] = tmp / f"body{len(files)}.json"
            files[path].write_text(json.dumps(body))
            fetch(base + "/_dash-update-component", body)  # cached from now on
        home_reply = fetch(base + "/_dash-update-component", bodies["control /"])
        (tmp / "static.json").write_bytes(b" " * len(home_reply))
        targets = [("page shell /", base + "/", [])]
        targets += [
            (name, base + "/_dash-update-component", [file]) for name, file in files.items()
        ]
        targets += [
            ("CSV download (home funnel)", base + "/download/chart/home-funnel.csv", []),
            (f"static JSON ({len(home_reply)} B)", base + STATIC_PREFIX + "/static.json", []),
        ]
        sent = f", Accept-Encoding: {args.encoding}" if args.encoding else ""
        print(
            f"\ncached: wrk -t2 -c{args.connections} -d{args.duration}s, {args.workers} workers{sent}"
        )
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
        print(f"page shell / static throughput: {results['page shell /']['req/s'] / static:.2f}")
        print(f"load average: {load_average()}")
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


def uncached_costs(args: argparse.Namespace, tmp: Path) -> None:
    """Measure each chart's build and a whole chart callback in-process (nothing cached), and an
    uncached callback over HTTP."""
    repeat = args.repeat
    print(f"\nload average before the in-process runs: {load_average()}")
    times, plotly_share = chart_costs(args.views_per_chart, repeat)
    print(
        f"uncached chart build, in-process, {args.views_per_chart} distinct views per chart, "
        f"each built {repeat} times (ms)"
    )
    print(f"{'chart':<28} {'min':>7} {'median':>7} {'p95':>7}")
    for chart_id, values in times.items():
        print(f"{chart_id:<28} {spread(values)}")
    every = [v for values in times.values() for v in values]
    print(f"{'all charts':<28} {spread(every)}")
    print(
        f"share of build time in plotly's own code (figure objects, validation): {plotly_share:.0%}"
        f"; load average {load_average()}"
    )
    count = len(times) * args.views_per_chart
    calls = callback_costs(count, repeat)
    print(
        f"uncached chart callback, in-process, {count} distinct views each sent {repeat} times "
        f"(ms): min/median/p95 {spread(calls)}; load average {load_average()}"
    )
    with gunicorn(tmp, args.workers, CSEC_RATE_LIMIT=UNLIMITED) as (base, _):
        views = write_jsonl(tmp / "uncached.jsonl", new_view_bodies(base, 5000))
        result = summary(
            subprocess.run(
                wrk_command(base + "/_dash-update-component", [views], args.duration, 1, threads=1),
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
    print(
        f"uncached chart callback over HTTP (1 connection, never-seen views, rate limit off): "
        f"p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, p99 {result['p99']:.1f} ms, "
        f"{result['requests']} requests, {result['errors']} errors; load average {load_average()}"
    )


def miss_flood(args: argparse.Namespace, tmp: Path) -> None:
    """Flood never-seen views at 200 connections from one client (production limits, behind a
    proxy that forwards client addresses); measure other clients' cached views and /healthz."""
    with gunicorn(tmp, args.workers, CSEC_TRUSTED_PROXIES="1") as (base, _):
        bodies = new_view_bodies(base, 40000)
        cached = tmp / "cached.json"
        cached.write_text(json.dumps(bodies[-1]))
        fetch(base + "/_dash-update-component", bodies[-1])  # now cached
        flood = write_jsonl(tmp / "flood.jsonl", bodies[:-1])
        url = base + "/_dash-update-component"
        seconds = args.duration
        results = wrk_together(
            {
                "flood: never-seen views": wrk_command(
                    url, [flood], seconds, 200, client="203.0.113.9"
                ),
                "beside it: a cached view": wrk_command(
                    url, [cached], seconds, 4, threads=1, client="198.51.100.7"
                ),
                "beside it: /healthz": wrk_command(base + "/healthz", [], seconds, 2, threads=1),
            }
        )
    print(f"\nmiss flood: 200 connections of never-seen views for {seconds} s, production limits")
    print(STATUS_HEADER)
    for name, result in results.items():
        print(status_row(name, result))
    print(f"load average: {load_average()}")


def redis_killed(args: argparse.Namespace, tmp: Path) -> None:
    """Serve with a shared Redis cache, stop Redis mid-run; count 5xx replies."""
    with (
        redis_server() as (redis_url, redis_process),
        gunicorn(tmp, args.workers, REDIS_URL=redis_url, CSEC_RATE_LIMIT=UNLIMITED) as (base, _),
    ):
        bodies = new_view_bodies(base, 400)
        for body in bodies[:200]:
            fetch(base + "/_dash-update-component", body)  # half of them cached in Redis
        mix = write_jsonl(tmp / "redis.jsonl", bodies)
        url = base + "/_dash-update-component"
        command = wrk_command(url, [mix], args.duration, 4)
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        time.sleep(args.duration / 3)
        redis_process.terminate()
        redis_process.wait(timeout=10)
        result = summary(process.communicate()[0])
        health = json.loads(fetch(base + "/healthz"))
    print(
        f"\nRedis stopped {args.duration / 3:.0f} s into a {args.duration} s run (4 connections, "
        f"cached and new views): {result['requests']} requests, 5xx {result['s5xx']}, "
        f"429 {result['s429']}, socket errors {result['socket_errors']}; p95 {result['p95']:.1f} ms; "
        f"/healthz after: {health['status']} (cache {health['cache']['state']})"
    )


def cold_start(args: argparse.Namespace, tmp: Path) -> None:
    """Time gunicorn's launch to the first 200 on / : with the shared static directory empty
    (the first start ever: one worker compresses, the other waits), and filled at install."""
    print(f"\ncold start: launch to the first 200 on /, {args.workers} workers")

    def timed_start(directory: Path) -> float:
        started = time.monotonic()
        process, base = launch(tmp, args.workers, CSEC_STATIC_CACHE_DIR=str(directory))
        try:
            wait_for(process, base + "/", step=0.05)
            return time.monotonic() - started
        finally:
            stop(process)

    empty = timed_start(tmp / "static-first")
    print(f"  static directory empty (first start ever): {empty:.2f} s; load {load_average()}")
    filled = tmp / "static-installed"
    env = os.environ | {"CSEC_STATIC_CACHE_DIR": str(filled), "CSEC_LOG_LEVEL": "WARNING"}
    started = time.monotonic()
    subprocess.run([str(BIN / "python"), "-m", "dashboard.server.precompress"], env=env, check=True)
    print(
        f"  install step (python -m dashboard.server.precompress): {time.monotonic() - started:.2f} s"
    )
    times = [timed_start(filled) for _ in range(args.repeat)]
    print(
        f"  static directory filled at install: min {min(times):.2f} s, median "
        f"{statistics.median(times):.2f} s of {len(times)}; load {load_average()}"
    )


def shell_throughput(args: argparse.Namespace, tmp: Path) -> None:
    """Measure the page shell / against a static file of its size, in turn, twice each."""
    with gunicorn(tmp, args.workers) as (base, _):
        headers = {"Accept-Encoding": args.encoding} if args.encoding else {}
        with urllib.request.urlopen(urllib.request.Request(base + "/", headers=headers)) as reply:
            size = len(reply.read())
        (tmp / "shell.html").write_bytes(b" " * size)
        targets = {
            "page shell /": base + "/",
            f"static file ({size} B)": base + STATIC_PREFIX + "/shell.html",
        }
        runs: dict[str, list[float]] = {name: [] for name in targets}
        for _ in range(2):
            for name, url in targets.items():
                runs[name].append(
                    wrk(url, [], args.duration, args.connections, args.encoding)["req/s"]
                )
    print(f"\npage shell against static, wrk -t2 -c{args.connections} -d{args.duration}s, in turn")
    for name, values in runs.items():
        print(f"  {name:<28} req/s {', '.join(f'{v:.0f}' for v in values)}")
    shell, static = (statistics.median(v) for v in runs.values())
    print(f"  page shell / static throughput: {shell / static:.2f}; load {load_average()}")


def run(args: argparse.Namespace) -> None:
    """Start gunicorn instances, measure every target, print the figures."""
    print(f"load average at start: {load_average()}")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for part in args.parts.split(","):
            PARTS[part](args, tmp)


PARTS = {
    "coldstart": cold_start,
    "shell": shell_throughput,
    "firstload": first_loads,
    "cached": cached_targets,
    "uncached": uncached_costs,
    "flood": miss_flood,
    "redis": redis_killed,
}


def main() -> None:
    """Parse the options and run the benchmark."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    options.add_argument("--connections", type=int, default=32)
    options.add_argument("--workers", type=int, default=2)
    options.add_argument("--soak", action="store_true", help="add a 60 s run at 200 connections")
    options.add_argument("--biggest", type=int, default=4, help="requests listed per page")
    options.add_argument("--views-per-chart", type=int, default=40)
    options.add_argument(
        "--repeat", type=int, default=3, help="cold starts to time; times each uncached view runs"
    )
    options.add_argument("--parts", default=",".join(PARTS), help="which runs, comma-separated")
    options.add_argument(
        "--encoding",
        default="",
        help='Accept-Encoding to send, as a browser does (e.g. "br, gzip"); default none',
    )
    run(options.parse_args())


if __name__ == "__main__":
    sys.exit(main())
