"""Shared fixtures of the web-app tests: a hand-built release in the published layout, the app,
and the dash_duo browser options (Debian chromium, no network)."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dashboard import domain, reference, release_format
from dashboard.build.derived import derived_tables
from dashboard.dash_wire import ROUTER_OUTPUT, callback_body, dep_outputs, walk

ROOT = Path(__file__).resolve().parent.parent
REAL_RELEASE = ROOT / "data" / "aggregates"
GEOJSON = ROOT / "data" / "geo" / "ca_counties.geojson"
GEO = ["geo_level", "geo_id", "geo_name", "period"]
FUNNEL = [m.id for m in domain.MEASURES if m.family == "funnel"]
YOUTH = [m.id for m in domain.MEASURES if m.family != "funnel"]
# In-process test apps: one test client asks for hundreds of new views a second (bench/serve.py
# measures the production limits).
UNBOUNDED = {"rate_limit": "100000/second", "compute_slots": 64, "threads": 65}
SHARES = {
    "age_group": (0.08, 0.17, 0.33, 0.35, 0.07),
    "sex": (0.78, 0.2, 0.02),
    "race_ethnicity": (0.26, 0.44, 0.18, 0.05, 0.02, 0.05),
}


def pytest_setup_options():
    """Return the selenium options of dash_duo: Debian chromium, headless, no background traffic."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    return options


def _split(total: int, shares: tuple[float, ...]) -> list[int]:
    """Return parts of a total by shares; the last part takes the rounding."""
    parts = [round(total * s) for s in shares[:-1]]
    parts.append(total - sum(parts))
    if parts[-1] < 0:
        parts[0] += parts[-1]
        parts[-1] = 0
    return parts


def county_year_counts(fips: str, population: int, rng: random.Random) -> dict[str, int]:
    """Return made-up but additive counts of every measure for one county and year."""
    reports = int(population / 100_000 * rng.uniform(2, 30))
    screened_in, evaluated_out = _split(reports, (0.65, 0.35))
    sub, inc, unf, nyd = _split(screened_in, (0.24, 0.2, 0.5, 0.06))
    youth = int(reports * rng.uniform(0.45, 0.6))
    confirmed, at_risk = _split(youth, (0.24, 0.76))
    placement = _split(confirmed, (0.12, 0.03, 0.04, 0.81))
    case = _split(youth, (0.14, 0.16, 0.2, 0.5))
    values = [reports, screened_in, evaluated_out, sub, inc, unf, nyd, youth, confirmed, at_risk]
    return dict(zip([m.id for m in domain.MEASURES], values + placement + case, strict=True))


def _status(value: int | None) -> str:
    """Return the public status of a true count (primary suppression only)."""
    if value is None:
        return domain.NOT_OPTED_IN
    return domain.SUPPRESSED if domain.SMALL_MIN <= value <= domain.SMALL_MAX else domain.PUBLISHED


def build_fixture_release(out: Path, seed: int = 7) -> Path:
    """Write a complete release (published layout, manifest with checksums) to `out`."""
    rng = random.Random(seed)
    counties = reference.load_counties()
    roster = reference.load_roster()
    population = reference.load_population()
    opted = {
        (r["county_fips"], r["sfy"])
        for r in roster.filter(pl.col("opted_in")).iter_rows(named=True)
    }
    pop = {(r["county_fips"], r["sfy"]): r["population"] for r in population.iter_rows(named=True)}
    info = {r["county_fips"]: r for r in counties.iter_rows(named=True)}
    groups = {
        "state": {domain.STATE_FIPS: (domain.STATE_NAME, list(info))},
        "region": {},
        "peer_group": {},
    }
    for fips, r in info.items():
        groups["region"].setdefault(r["region_id"], (r["region_name"], []))[1].append(fips)
        groups["peer_group"].setdefault(r["peer_group_id"], (r["peer_group_name"], []))[1].append(
            fips
        )
    true: dict[tuple[str, str], dict[str, int] | None] = {}
    for fips in info:
        for sfy in domain.SFYS:
            true[(fips, sfy)] = (
                county_year_counts(fips, pop[(fips, sfy)], rng) if (fips, sfy) in opted else None
            )
    rows = []
    denominators = {}

    def add(level: str, geo_id: str, name: str, members: list[str]) -> None:
        window: dict[str, int] | None = None
        window_pop = 0
        for sfy in domain.SFYS:
            parts = [true[(f, sfy)] for f in members if true[(f, sfy)] is not None]
            year = {m.id: sum(p[m.id] for p in parts) for m in domain.MEASURES} if parts else None
            year_pop = sum(pop[(f, sfy)] for f in members if true[(f, sfy)] is not None)
            denominators[(level, geo_id, sfy)] = year_pop if parts else None
            if year is not None:
                window = {k: (window or {}).get(k, 0) + v for k, v in year.items()}
                window_pop += year_pop
            for m in domain.MEASURES:
                rows.append((m.id, level, geo_id, name, sfy, None if year is None else year[m.id]))
        denominators[(level, geo_id, domain.WINDOW)] = window_pop or None
        for m in domain.MEASURES:
            rows.append(
                (m.id, level, geo_id, name, domain.WINDOW, None if window is None else window[m.id])
            )

    add("state", domain.STATE_FIPS, domain.STATE_NAME, list(info))
    for level in ("region", "peer_group"):
        for geo_id, (name, members) in sorted(groups[level].items()):
            add(level, geo_id, name, members)
    for fips, r in sorted(info.items()):
        add("county", fips, r["county_name"], [fips])

    totals = pl.DataFrame(
        rows,
        schema={
            "measure": pl.String,
            "geo_level": pl.String,
            "geo_id": pl.String,
            "geo_name": pl.String,
            "period": pl.String,
            "true": pl.Int64,
        },
        orient="row",
    ).with_columns(breakdown=pl.lit("total"), category=pl.lit("all"))
    demo_rows = []
    for r in totals.filter(
        (pl.col("geo_level") == "state") & pl.col("measure").is_in(domain.BREAKDOWN_MEASURES)
    ).iter_rows(named=True):
        for breakdown, categories in domain.BREAKDOWNS.items():
            parts = _split(r["true"], SHARES[breakdown])
            for category, part in zip(categories, parts, strict=True):
                demo_rows.append({**r, "breakdown": breakdown, "category": category, "true": part})
    every = pl.concat([totals, pl.DataFrame(demo_rows, schema=totals.schema)])
    statuses = [_status(v) for v in every["true"]]
    cells = (
        every.with_columns(status=pl.Series(statuses))
        .with_columns(
            value=pl.when(pl.col("status") == domain.PUBLISHED).then(pl.col("true")),
            data_source=pl.lit(domain.SYNTHETIC_TAG),
        )
        .select("measure", *GEO, "breakdown", "category", "value", "status", "data_source")
    )

    rate_rows = []
    lookup = {
        (r["measure"], r["geo_level"], r["geo_id"], r["period"]): r
        for r in cells.filter(pl.col("breakdown") == "total").iter_rows(named=True)
    }
    for rate in domain.RATES:
        for (measure, level, geo_id, period), num in lookup.items():
            if measure != rate.numerator:
                continue
            if rate.denominator == "population":
                den_value = denominators[(level, geo_id, period)]
                den_status = domain.PUBLISHED if den_value is not None else domain.NOT_OPTED_IN
                scale, decimals = 100_000, 2
            else:
                den = lookup[(rate.denominator, level, geo_id, period)]
                den_value, den_status = den["value"], den["status"]
                scale, decimals = 100, 1
            sides = (num["status"], den_status)
            if domain.NOT_OPTED_IN in sides:
                status = domain.NOT_OPTED_IN
            elif domain.SUPPRESSED in sides:
                status = domain.SUPPRESSED
            elif den_value == 0:
                status = domain.NOT_APPLICABLE
            else:
                status = domain.PUBLISHED
            rate_rows.append(
                {
                    "rate": rate.id,
                    "geo_level": level,
                    "geo_id": geo_id,
                    "geo_name": num["geo_name"],
                    "period": period,
                    "numerator_measure": rate.numerator,
                    "numerator": num["value"],
                    "denominator_measure": rate.denominator,
                    "denominator": den_value if den_status == domain.PUBLISHED else None,
                    "value": round(num["value"] / den_value * scale, decimals)
                    if status == domain.PUBLISHED
                    else None,
                    "unit": rate.unit,
                    "status": status,
                    "data_source": domain.SYNTHETIC_TAG,
                }
            )
    rates = pl.DataFrame(
        rate_rows,
        schema={
            "rate": pl.String,
            "geo_level": pl.String,
            "geo_id": pl.String,
            "geo_name": pl.String,
            "period": pl.String,
            "numerator_measure": pl.String,
            "numerator": pl.Int64,
            "denominator_measure": pl.String,
            "denominator": pl.Int64,
            "value": pl.Float64,
            "unit": pl.String,
            "status": pl.String,
            "data_source": pl.String,
        },
    )

    def wide(measures: list[str]) -> pl.DataFrame:
        base = cells.filter(pl.col("breakdown") == "total").select(GEO).unique(maintain_order=True)
        for m in measures:
            part = cells.filter((pl.col("breakdown") == "total") & (pl.col("measure") == m)).select(
                *GEO, pl.col("value").alias(m), pl.col("status").alias(f"{m}_status")
            )
            base = base.join(part, on=GEO, how="left", maintain_order="left")
        return base.with_columns(data_source=pl.lit(domain.SYNTHETIC_TAG))

    tables = {
        "cells": cells,
        "rates": rates,
        "funnel_wide": wide(FUNNEL),
        "youth_wide": wide(YOUTH),
        "demographics": cells.filter(
            (pl.col("geo_level") == "state") & pl.col("measure").is_in(domain.BREAKDOWN_MEASURES)
        ),
        **derived_tables(cells, rates, counties, domain.SYNTHETIC_TAG),
        "changes": pl.DataFrame(schema=release_format.TABLE_BY_NAME["changes"].schema),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        parquet, csv = release_format.TABLE_BY_NAME[name].files
        frame.write_parquet(out / parquet)
        frame.write_csv(out / csv)
    for name in ("counties.csv", "opt_in_roster.csv", "population.csv"):
        shutil.copy(reference.REFERENCE_DIR / name, out / name)
    release_format.dictionary().write_csv(out / "data_dictionary.csv")
    (out / "README.md").write_text(f"# Fixture release\n\n{domain.SYNTHETIC_NOTICE}\n")
    (out / "CITATION.cff").write_text(
        f'cff-version: 1.2.0\ntitle: "fixture"\nnotes: "{domain.SYNTHETIC_NOTICE}"\n'
    )
    n_primary = sum(s == domain.SUPPRESSED for s in statuses)
    audit = {"passed": True, "n_cells": len(statuses), "n_primary": n_primary, "n_complementary": 0}
    (out / "audit.json").write_text(json.dumps(audit, indent=2))
    write_manifest(out)
    return out


FIXTURE_EDITION = release_format.Edition(
    "synthetic", date(2026, 1, 5), date(2026, 1, 6), "https://example.gov/csec/", 7
)


def write_manifest(out: Path, edition: release_format.Edition = FIXTURE_EDITION) -> None:
    """Write manifest.json for the files present, and stamp its release id into audit.json
    (as the build does, or as someone fixing up an altered release would)."""
    names = sorted(p.name for p in out.iterdir() if p.name != release_format.MANIFEST)
    checksums = {
        name: release_format.sha256(out / name) for name in release_format.ID_FILES if name in names
    }
    release_id = release_format.release_id(
        {name: checksums.get(name, "") for name in release_format.ID_FILES}, edition
    )
    audit_path = out / "audit.json"
    if audit_path.is_file():
        audit = json.loads(audit_path.read_text())
        audit_path.write_text(json.dumps({**audit, "release_id": release_id}, indent=2))
    files = []
    for name in names:
        data = (out / name).read_bytes()
        files.append(
            {
                "path": name,
                "rows": data.count(b"\n") - 1 if name.endswith(".csv") else None,
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    manifest = {
        "release_id": release_id,
        **edition.manifest_fields(),
        **release_format.Lineage().manifest_fields(),
        "periods": list(domain.PERIODS),
        "files": files,
    }
    (out / release_format.MANIFEST).write_text(json.dumps(manifest, indent=2))


@pytest.fixture(scope="session")
def fixture_release_dir(tmp_path_factory) -> Path:
    """Return the directory of a hand-built release (made once per test session)."""
    return build_fixture_release(tmp_path_factory.mktemp("release") / "aggregates")


@pytest.fixture(scope="session")
def fixture_release(fixture_release_dir):
    """Return the loaded, verified fixture release."""
    from dashboard.data import release

    return release.load(fixture_release_dir)


@pytest.fixture(scope="session")
def geojson() -> dict:
    """Return the county GeoJSON of the repository."""
    return json.loads(GEOJSON.read_text())


@pytest.fixture(scope="module")
def real_app():
    """Return the app on the committed release (built once per test module)."""
    from dashboard.app import create_app
    from dashboard.settings import Settings

    assert (REAL_RELEASE / "manifest.json").is_file(), (
        "no release in data/aggregates: run the build"
    )
    return create_app(
        Settings(release_dir=REAL_RELEASE, geojson_path=GEOJSON, compress=False, **UNBOUNDED)
    )


class DashClient:
    """Calls a Dash app's callbacks through the Flask test client, as the browser would."""

    def __init__(self, app, base: str = "") -> None:
        self.client = app.server.test_client()
        self.base = base  # the app's CSEC_BASE_PATH
        self.index = self.client.get(base + "/")  # first request: Dash sets up its callbacks
        self.deps = self.client.get(base + "/_dash-dependencies").get_json()

    outputs = staticmethod(dep_outputs)

    def call(self, dep: dict, values: list) -> dict:
        """Return the JSON response of one callback for input values (in input order)."""
        response = self.client.post(
            self.base + "/_dash-update-component", json=callback_body(dep, values)
        )
        if response.status_code == 204:
            return {}
        assert response.status_code == 200, (dep["output"], values, response.data[:500])
        return response.get_json()["response"]

    def dep_for(self, output_id: str) -> dict:
        """Return the dependency whose outputs include a component id."""
        for dep in self.deps:
            if any(i == output_id for i, _ in self.outputs(dep)):
                return dep
        raise KeyError(output_id)

    def page(self, pathname: str, search: str = ""):
        """Return the page layout Dash's router renders for a URL."""
        response = self.call(self.dep_for(ROUTER_OUTPUT), [pathname, search])
        return response[ROUTER_OUTPUT]["children"]

    def page_deps(self, layout) -> list[dict]:
        """Return the callbacks whose inputs are all controls of a rendered page."""
        present = {node["props"].get("id") for node in walk(layout)}
        return [
            dep
            for dep in self.deps
            if all(i["id"] in present for i in dep["inputs"])
            and not dep["output"].startswith("_pages")
            and not dep.get("clientside_function")
            and dep["inputs"][0]["property"] == "data-value"
        ]


def controls(layout) -> dict[str, tuple[str, list[str]]]:
    """Return control id -> (current value, every option value) of a rendered page."""
    found = {}
    for node in walk(layout):
        props = node["props"]
        if "data-control" not in props and "data-holds" not in props:  # a control, or a holder
            continue
        options = [
            n["props"].get("value", n["props"].get("data-option"))
            for n in walk(node)
            if n["type"] in {"Option", "Button"}
        ]
        found[props["id"]] = (props["data-value"], options)
    return found


def control_values(layout, dep: dict) -> list:
    """Return a callback's input values as the page sets them."""
    found = controls(layout)
    return [found[i["id"]][0] for i in dep["inputs"]]


@pytest.fixture(scope="module")
def fixture_app(fixture_release_dir):
    """Return the app on the hand-built release (built once per test module)."""
    from dashboard.app import create_app
    from dashboard.settings import Settings

    return create_app(
        Settings(release_dir=fixture_release_dir, geojson_path=GEOJSON, compress=False, **UNBOUNDED)
    )


@pytest.fixture(scope="module")
def compressing_client(fixture_release_dir):
    """Return a test client of the fixture-release app with compression on, as in production."""
    from dashboard.app import create_app
    from dashboard.settings import Settings

    app = create_app(Settings(release_dir=fixture_release_dir, geojson_path=GEOJSON, **UNBOUNDED))
    client = app.server.test_client()
    client.get("/")
    return client


def decoded(response) -> bytes:
    """Return a response body decoded from its Content-Encoding."""
    import gzip

    import brotli

    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.data)
    return gzip.decompress(response.data) if encoding == "gzip" else response.data


def page_calls(dash_client: DashClient, path: str):
    """Yield (dep, values, response) for each page callback at the page's values, then with
    each control set to each of its options in turn (one at a time)."""
    layout = dash_client.page(path)
    found = controls(layout)
    for dep in dash_client.page_deps(layout):
        base = control_values(layout, dep)
        yield dep, base, dash_client.call(dep, base)
        for i, spec in enumerate(dep["inputs"]):
            for option in found[spec["id"]][1]:
                if option == base[i]:
                    continue
                values = [*base[:i], option, *base[i + 1 :]]
                yield dep, values, dash_client.call(dep, values)


def free_port() -> int:
    """Return a free local TCP port (parallel test workers must not share Dash's default)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


GUNICORN = [
    str(ROOT / ".venv" / "bin" / "gunicorn"),
    "-c",
    "python:dashboard.server.gunicorn_conf",
    "--no-control-socket",
    "dashboard.wsgi:server",
]


def gunicorn_env(port: int, **settings: str) -> dict[str, str]:
    """Return the environment of a one-worker gunicorn on a loopback port, plus settings."""
    import os

    base = {"CSEC_HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1"}
    return os.environ | base | settings


def wait_until(ready, process, seconds: float = 90) -> None:
    """Wait until `ready()` succeeds, failing if the process exits or time runs out."""
    import contextlib
    import time

    deadline = time.monotonic() + seconds
    while True:
        assert process.poll() is None, f"process exited with {process.returncode}"
        with contextlib.suppress(Exception):
            ready()
            return
        assert time.monotonic() < deadline, "process did not become ready"
        time.sleep(0.3)


# The heading of Dash's page (the page's first paint, shown until then, has prefixed ids).
PAGE_HEADING = f"#{ROUTER_OUTPUT} h1"


def wait_for_charts(dash_duo, timeout: float = 30) -> None:
    """Wait until every chart summary is filled and plotly.js has drawn every graph (a graph is
    drawn once it is near the screen: the first undrawn graph is scrolled into view)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(dash_duo.driver, timeout).until(
        lambda d: d.execute_script(
            "const s = [...document.querySelectorAll('p.summary')];"
            "const g = [...document.querySelectorAll('.dash-graph')];"
            "const undrawn = g.find(e => !e.querySelector('.main-svg'));"
            "if (undrawn) undrawn.scrollIntoView({block: 'center'});"
            "return s.every(p => p.textContent.trim().length > 0) && !undrawn"
            " && !document.querySelector('[data-dash-is-loading]');"
        )
    )


def wait_for_map(dash_duo, timeout: float = 20) -> None:
    """Wait for the map's 58 counties (plotly draws the choropleth once it has fetched the county
    boundaries, after the graph's frame is drawn)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(dash_duo.driver, timeout).until(
        lambda d: d.execute_script(
            "return document.querySelectorAll('path.choroplethlocation').length >= 58;"
        )
    )


def page_state(dash_duo) -> dict:
    """Return what identifies a view in the browser: URL, title, control values, summaries."""
    return dash_duo.driver.execute_script(
        "return {path: location.pathname, search: location.search, title: document.title,"
        " controls: Object.fromEntries([...document.querySelectorAll('[data-control]')].map("
        "   e => [e.id, e.tagName === 'SELECT' ? e.value :"
        "     e.querySelector('[aria-pressed=true]').dataset.option])),"
        " summaries: [...document.querySelectorAll('p.summary')].map(p => p.textContent)};"
    )
