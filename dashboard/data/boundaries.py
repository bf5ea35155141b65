"""County boundaries (GeoJSON) for the map, loaded and checked once per process."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from dashboard.data.release import ReleaseError


@functools.lru_cache(maxsize=2)
def load(path: Path, fips: tuple[str, ...]) -> dict:
    """Return the county GeoJSON; raise ReleaseError unless it has exactly the given counties."""
    try:
        geojson = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ReleaseError(f"cannot read county boundaries {path}: {error}") from error
    ids = [str(feature.get("id")) for feature in geojson.get("features", [])]
    if sorted(ids) != sorted(fips):
        raise ReleaseError(
            f"{path} must have one feature per county (feature id = 5-digit FIPS); "
            f"found {len(ids)} features, {len(set(ids) ^ set(fips))} ids differ"
        )
    return geojson
