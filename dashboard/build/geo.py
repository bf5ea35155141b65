"""Write data/geo/ca_counties.geojson: California's 58 counties, simplified as a coverage."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

from dashboard.domain import STATE_FIPS

SOURCE = (
    "U.S. Census Bureau, 2016 cartographic boundary file, 1:500,000 "
    "(cb_2016_us_county_500k, public domain), via PyPI plotly-geo 1.0.0"
)
TOLERANCE = 0.01  # degrees (about 1 km): coverage simplification tolerance
GRID = 1e-3  # degrees (about 110 m): coordinates are snapped to this grid (3 decimals)
OUT_PATH = Path(__file__).resolve().parents[2] / "data" / "geo" / "ca_counties.geojson"


def county_shapefile() -> Path:
    """Return the path of the Census county shapefile shipped inside the plotly-geo wheel."""
    return Path(str(resources.files("_plotly_geo") / "package_data" / "cb_2016_us_county_500k.shp"))


def california_counties(path: Path | None = None) -> gpd.GeoDataFrame:
    """Return California's counties (STATEFP, GEOID, NAME, geometry) sorted by FIPS."""
    frame = gpd.read_file(
        path or county_shapefile(),
        columns=["STATEFP", "GEOID", "NAME"],
        where=f"STATEFP = '{STATE_FIPS}'",
    )
    return frame.sort_values("GEOID", ignore_index=True)


def simplify(geometries: np.ndarray) -> np.ndarray:
    """Simplify a coverage keeping shared borders, snap to the grid, orient exteriors clockwise."""
    simplified = shapely.coverage_simplify(geometries, TOLERANCE)
    snapped = shapely.set_precision(simplified, GRID)
    return shapely.orient_polygons(snapped, exterior_cw=True)


def feature_collection(counties: gpd.GeoDataFrame) -> dict:
    """Return the GeoJSON FeatureCollection of the counties, keyed by 5-digit FIPS."""
    geometries = simplify(np.asarray(counties.geometry.values))
    features = [
        {
            "type": "Feature",
            "id": fips,
            "properties": {"fips": fips, "name": name},
            "geometry": mapping(geometry),
        }
        for fips, name, geometry in zip(
            counties["GEOID"], counties["NAME"], geometries, strict=True
        )
    ]
    return {"type": "FeatureCollection", "source": SOURCE, "features": features}


def build_geojson(out_path: Path = OUT_PATH) -> dict:
    """Write the county GeoJSON deterministically and return it."""
    collection = feature_collection(california_counties())
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    return collection


if __name__ == "__main__":
    build_geojson()
