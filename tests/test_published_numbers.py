"""Every number the app sends is a published value of the release (or null): figures, tables,
headline figures and chart CSVs, for every page and every control value, on the real release."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import polars as pl
import pytest
from conftest import DashClient, page_calls, walk

from dashboard import domain
from dashboard.data import queries
from dashboard.figures.map import KEY_Z

PAGES = ["/", "/funnel", "/placement", "/map", "/county/alameda", "/county/alpine", "/downloads"]
DATA_KEYS = ("x", "y", "z", "values", "customdata", "lat", "lon")
NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?%?$")


def published_numbers(rel) -> set[float]:
    """Return every number the release publishes (counts, rates, their parts, populations),
    plus the roster's count of counties per period."""
    numbers = set(rel.cells.filter(pl.col("status") == domain.PUBLISHED)["value"].to_list())
    for column in ("value", "numerator", "denominator"):
        numbers |= set(rel.rates[column].drop_nulls().to_list())
    numbers |= set(rel.population["population"].to_list())
    numbers |= set(rel.population["estimate_year"].to_list())  # shown in the population preview
    numbers |= {queries.opted_in_count(rel, p) for p in domain.PERIODS}
    for column in ("p25", "median", "p75", "peers"):  # peer bands: from published rates only
        numbers |= set(rel.peer_bands[column].drop_nulls().to_list())
    for column in ("cells", "published", "share"):  # visibility: from the public statuses
        numbers |= set(rel.visibility[column].to_list())
    return {round(float(n), 2) for n in numbers}


def decode(array) -> list:
    """Return the items of a plotly data array (a list, or a base64 typed array)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(
            base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])
        ).tolist()
    return array if isinstance(array, list) else []


def figure_numbers(figure: dict) -> list[float]:
    """Return the numbers in a figure's data arrays (single-colour key traces checked apart)."""
    found = []
    for trace in figure.get("data", []):
        if (trace.get("meta") or {}).get("kind") == "gap":  # a marker's place on its 0-1 axis
            assert trace.get("yaxis", "").startswith("y") and trace.get("yaxis") != "y"
            assert all(0 < v < 1 for v in decode(trace["y"]) if v is not None)
            continue
        if (trace.get("meta") or {}).get("kind") == "key":
            assert set(decode(trace["z"])) == {KEY_Z}, "a key trace carries a value"
            assert not any(
                isinstance(v, int | float)
                for k in DATA_KEYS
                if k != "z"
                for v in decode(trace.get(k))
            )
            continue
        for key in DATA_KEYS:
            found += [
                v
                for v in decode(trace.get(key))
                if isinstance(v, int | float) and not isinstance(v, bool)
            ]
    return found


def cell_numbers(node) -> list[float]:
    """Return the numbers shown in table cells and headline figures marked `num`."""
    found = []
    for item in walk(node):
        props = item["props"]
        if "num" not in (props.get("className") or "").split():
            continue
        text = props.get("children")
        if isinstance(text, str) and NUMBER.match(text.strip()):
            found.append(float(text.strip().replace(",", "").rstrip("%")))
    return found


def csv_numbers(data: bytes) -> list[float]:
    """Return the numbers of a chart CSV's value columns."""
    frame = pl.read_csv(io.BytesIO(data), infer_schema=False)
    found = []
    for column in frame.columns:
        if column == "value" or column.endswith("_value"):
            found += [float(v) for v in frame[column].drop_nulls().to_list() if v != ""]
    return found


def release_value(rel, row: dict) -> tuple:
    """Return the release's (value, status) of the cell a chart CSV row names."""
    if row.get("category") not in (None, "", domain.ALL_CATEGORY):
        match = rel.cells.filter(
            (pl.col("measure") == row["measure"])
            & (pl.col("geo_level") == row["geo_level"])
            & (pl.col("geo_id") == row["geo_id"])
            & (pl.col("period") == row["period"])
            & (pl.col("category") == row["category"])
        ).row(0, named=True)
        return match["value"], match["status"]
    return queries.value(rel, row["measure"], row["geo_level"], row["geo_id"], row["period"])


def check_csv_against_release(rel, data: bytes) -> pl.DataFrame:
    """Assert every row of a chart CSV has the release's value and status; return the frame."""
    frame = pl.read_csv(io.BytesIO(data), infer_schema=False)
    if {"measure", "geo_level", "geo_id", "period", "value", "status"} <= set(frame.columns):
        for row in frame.iter_rows(named=True):
            value, status = release_value(rel, row)
            assert row["status"] == status, row
            if status == domain.PUBLISHED:
                assert round(float(row["value"]), 2) == round(float(value), 2), row
            else:
                assert row["value"] in (None, ""), row
    return frame


def check_figure_against_csv(figure: dict, frame: pl.DataFrame) -> None:
    """Assert a figure draws exactly the CSV's published values, and gaps for the rest."""
    if "value" not in frame.columns or "status" not in frame.columns or not figure.get("data"):
        return
    drawn, gaps, is_map = [], 0, False
    for trace in figure["data"]:
        kind = (trace.get("meta") or {}).get("kind")
        is_map |= trace["type"] == "choropleth"  # a map's hidden counties are keys, not gaps
        if kind in ("key", "gap", "band") or trace["type"] == "scattergeo":
            continue  # legend keys, hidden-year markers, the peer band (checked as numbers)
        key = {"bar": "x", "scatter": "y", "choropleth": "z"}[trace["type"]]
        items = decode(trace[key])
        drawn += [round(float(v), 2) for v in items if v is not None]
        gaps += sum(v is None for v in items)
    published = frame.filter(pl.col("status") == domain.PUBLISHED)["value"].to_list()
    assert sorted(drawn) == sorted(round(float(v), 2) for v in published)
    if not is_map:
        assert gaps == frame.height - len(published)


@pytest.fixture(scope="module")
def checked(real_app):
    """Return the published numbers, a DashClient and the release (the real one)."""
    from dashboard.data import release

    with real_app.server.app_context():
        rel = release.current()
        return published_numbers(rel), DashClient(real_app), rel


@pytest.mark.parametrize("path", PAGES)
def test_every_number_sent_is_published(checked, path):
    allowed, client, rel = checked
    seen_csv = set()
    numbers = 0
    for dep, values, response in page_calls(client, path):
        for output_id, props in response.items():
            for prop, value in props.items():
                found = figure_numbers(value) if prop == "figure" else cell_numbers(value)
                bad = [n for n in found if round(n, 2) not in allowed]
                assert not bad, (dep["output"], values, output_id, bad[:5])
                numbers += len(found)
                if (
                    prop == "href"
                    and value.startswith("/download/chart/")
                    and value not in seen_csv
                ):
                    seen_csv.add(value)
                    csv = client.client.get(value)
                    assert csv.status_code == 200
                    assert domain.SYNTHETIC_NOTICE in csv.get_data(as_text=True)
                    bad = [n for n in csv_numbers(csv.data) if round(n, 2) not in allowed]
                    assert not bad, (value, bad[:5])
                    frame = check_csv_against_release(rel, csv.data)
                    figures = [p["figure"] for p in response.values() if "figure" in p]
                    if figures:
                        check_figure_against_csv(figures[0], frame)
    assert numbers > 0 or path == "/downloads"


def test_suppressed_counties_are_not_in_the_value_trace(checked, real_app):
    from dashboard.data import release

    _, client, _ = checked
    dep = client.dep_for("map-map-graph")
    figure = client.call(dep, ["measure", "reports", "2015-16", ""])["map-map-graph"]["figure"]
    value_traces = [
        t
        for t in figure["data"]
        if t["type"] == "choropleth" and (t.get("meta") or {}).get("kind") != "key"
    ]
    drawn = {loc for t in value_traces for loc in t["locations"]}
    with real_app.server.app_context():
        frame = queries.county_values(release.current(), "reports", "2015-16")
    published = set(frame.filter(pl.col("status") == domain.PUBLISHED)["fips"].to_list())
    assert frame.filter(pl.col("status") == domain.SUPPRESSED).height, (
        "2015-16 has suppressed counties"
    )
    assert drawn == published
