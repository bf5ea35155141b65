"""The geographies of a release (state, regions, peer groups, counties) and their URL keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_plus

import polars as pl

from dashboard import domain

LEVEL_LABELS = {
    "state": "State",
    "region": "Regions",
    "peer_group": "Peer groups (by population)",
    "county": "Counties",
}


def slug(name: str) -> str:
    """Return the URL slug of a display name ("San Luis Obispo" -> "san-luis-obispo")."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass(frozen=True)
class Geo:
    """One geography: its URL key, release level and id, and display names."""

    key: str
    level: str
    id: str
    name: str
    label: str

    @property
    def slug(self) -> str:
        """Return the URL slug of the geography's name."""
        return slug(self.name)


@dataclass(frozen=True)
class CountyInfo:
    """A county with its region and peer group."""

    fips: str
    name: str
    region_id: str
    region_name: str
    peer_group_id: str
    peer_group_name: str


class Geographies:
    """All geographies of a release, looked up by URL key, FIPS or county name."""

    def __init__(self, counties: pl.DataFrame) -> None:
        self.counties: tuple[CountyInfo, ...] = tuple(
            CountyInfo(
                r["county_fips"],
                r["county_name"],
                r["region_id"],
                r["region_name"],
                r["peer_group_id"],
                r["peer_group_name"],
            )
            for r in counties.sort("county_name").iter_rows(named=True)
        )
        geos = [Geo("state", "state", domain.STATE_FIPS, domain.STATE_NAME, domain.STATE_NAME)]
        regions = sorted({(c.region_id, c.region_name) for c in self.counties}, key=lambda x: x[1])
        geos += [Geo(f"region:{i}", "region", i, n, f"{n} region") for i, n in regions]
        peers = {(c.peer_group_id, c.peer_group_name) for c in self.counties}
        order = {"very_large": 0, "large": 1, "medium": 2, "small": 3, "rural": 4}
        for i, n in sorted(peers, key=lambda x: (order.get(x[0], 9), x[1])):
            geos.append(Geo(f"peer_group:{i}", "peer_group", i, n, f"Peer group: {n}"))
        geos += [
            Geo(f"county:{slug(c.name)}", "county", c.fips, c.name, f"{c.name} County")
            for c in self.counties
        ]
        self.all: tuple[Geo, ...] = tuple(geos)
        self.by_key = {g.key: g for g in geos}
        self._by_level_id = {(g.level, g.id): g for g in geos}
        self._county = {c.fips: c for c in self.counties}

    def find(self, level: str, geo_id: str) -> Geo:
        """Return the geography of a release level and id."""
        return self._by_level_id[(level, geo_id)]

    def county(self, fips: str) -> CountyInfo:
        """Return the county of a FIPS code."""
        return self._county[fips]

    def resolve_county(self, text: str) -> Geo | None:
        """Return the county named by a slug, a FIPS code or a name, or None.

        Forgiving: any case, spaces or %-escapes, and a trailing "County" ("fresno-county").
        """
        wanted = slug(unquote_plus(str(text))).removesuffix("-county")
        for c in self.counties:
            if wanted in {slug(c.name), c.fips, c.fips[2:]}:
                return self.find("county", c.fips)
        return None

    def resolve(self, key: str) -> Geo | None:
        """Return the geography of a URL key ("state", "region:bay_area", "county:alameda")."""
        if key in self.by_key:
            return self.by_key[key]
        level, _, rest = str(key).partition(":")
        if level == "county":
            return self.resolve_county(rest)
        return None

    def peers(self, fips: str) -> tuple[CountyInfo, ...]:
        """Return the counties in the same peer group as a county (itself included)."""
        group = self.county(fips).peer_group_id
        return tuple(c for c in self.counties if c.peer_group_id == group)
