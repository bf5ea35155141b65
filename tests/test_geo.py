"""Checks on the committed county GeoJSON (data/geo/ca_counties.geojson)."""

from __future__ import annotations

import json
from itertools import combinations

import pytest
import shapely
from shapely.geometry import shape

from dashboard.build.geo import GRID, OUT_PATH, build_geojson, california_counties
from dashboard.reference import load_counties

MAX_BYTES = 250_000
CA_BOX = (-124.5, 32.5, -114.1, 42.1)  # lon/lat box around California
AREA_EPS = 1e-8  # square degrees (about 0.1 ha)


@pytest.fixture(scope="module")
def collection() -> dict:
    """Return the committed GeoJSON."""
    return json.loads(OUT_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def geometries(collection: dict) -> list:
    """Return the shapely geometries of the features, in file order."""
    return [shape(feature["geometry"]) for feature in collection["features"]]


def polygons(geometry) -> list:
    """Return the polygons of a Polygon or MultiPolygon."""
    return list(getattr(geometry, "geoms", [geometry]))


def test_ids_are_the_reference_fips(collection: dict) -> None:
    """Features are the 58 counties of counties.csv, sorted and keyed by FIPS, with their names."""
    counties = load_counties()
    features = collection["features"]
    assert len(features) == 58
    assert [f["id"] for f in features] == counties["county_fips"].to_list()
    assert [f["properties"]["fips"] for f in features] == counties["county_fips"].to_list()
    assert [f["properties"]["name"] for f in features] == counties["county_name"].to_list()


def test_source_is_credited(collection: dict) -> None:
    """The file names its public-domain source."""
    assert collection["source"].startswith("U.S. Census Bureau, 2016 cartographic boundary file")


def test_geometries_valid(geometries: list) -> None:
    """Every geometry is a valid, non-empty (multi)polygon."""
    assert all(g.geom_type in ("Polygon", "MultiPolygon") for g in geometries)
    assert shapely.is_valid(geometries).all()
    assert not shapely.is_empty(geometries).any()


def test_rings_oriented_for_d3(geometries: list) -> None:
    """Exterior rings are clockwise and interior rings counter-clockwise."""
    for polygon in (p for g in geometries for p in polygons(g)):
        assert not shapely.is_ccw(polygon.exterior)
        assert all(shapely.is_ccw(ring) for ring in polygon.interiors)


def test_file_size() -> None:
    """The file stays small enough to ship to every visitor."""
    assert OUT_PATH.stat().st_size <= MAX_BYTES


def test_no_overlaps(geometries: list) -> None:
    """Counties overlap nowhere: union area equals the sum of areas."""
    union = shapely.union_all(geometries)
    assert sum(g.area for g in geometries) == pytest.approx(union.area, abs=AREA_EPS)


def test_neighbours_share_borders(geometries: list) -> None:
    """Neighbouring counties meet along shared borders with zero-area intersections."""
    pairs = [
        (i, j)
        for i, j in combinations(range(len(geometries)), 2)
        if geometries[i].intersects(geometries[j])
    ]
    assert {i for pair in pairs for i in pair} == set(range(len(geometries)))
    assert all(geometries[i].intersection(geometries[j]).area < AREA_EPS for i, j in pairs)


def test_no_gaps(geometries: list) -> None:
    """The counties tile the state: a valid coverage whose union has no holes."""
    assert shapely.coverage_is_valid(geometries)
    union = shapely.union_all(geometries)
    assert all(len(p.interiors) == 0 for p in polygons(union))


def test_borders_stay_shared(geometries: list) -> None:
    """Counties bordering in the Census file still share a border of similar length (within one
    grid step; the river channels of the Contra Costa–San Joaquin border lose a third)."""
    original = list(california_counties().geometry.values)
    for i, j in combinations(range(len(original)), 2):
        border = original[i].intersection(original[j]).length
        if border > 0:
            kept = geometries[i].intersection(geometries[j]).length
            assert 0.6 * border - GRID < kept < 1.05 * border + GRID


def test_bounds_inside_california(geometries: list) -> None:
    """All coordinates fall inside California's bounding box."""
    west, south, east, north = shapely.total_bounds(geometries)
    assert west >= CA_BOX[0] and south >= CA_BOX[1]
    assert east <= CA_BOX[2] and north <= CA_BOX[3]


def test_rebuild_is_byte_identical(tmp_path) -> None:
    """Rebuilding from the shapefile reproduces the committed file byte for byte."""
    out = tmp_path / "ca_counties.geojson"
    result = build_geojson(out)
    assert out.read_bytes() == OUT_PATH.read_bytes()
    assert len(result["features"]) == 58
