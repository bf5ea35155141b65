"""The published release's format, declared once: files, columns, types, roles and manifest.

The build's writer, the verifier (`dashboard.data.verify`), the web loader and the generated
`docs/release-schema.md` all read these declarations. Adding a table is one `Table` entry in
`TABLES`: the writer then requires it, the verifier checks it by its columns' roles, the loader
exposes it as an attribute of the release, and the data dictionary and the docs describe it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import polars as pl

from dashboard import domain, reference

Role = Literal["dimension", "count", "part", "derived", "status", "attribute"]
ROLES: dict[str, str] = {
    "dimension": "identifies the row",
    "count": "a published count: empty unless its status is published; never 1 to 10",
    "part": "a numerator or denominator: a published count (never 1 to 10), a population, or empty",
    "derived": "a value computed from published counts: empty unless its status is published",
    "status": "why a value is shown or empty: " + ", ".join(domain.STATUSES),
    "attribute": "a label, unit or reference value",
}
Kind = Literal["data", "reference", "dictionary"]
FORMATS: dict[Kind, tuple[str, ...]] = {
    "data": ("parquet", "csv"),
    "reference": ("csv",),
    "dictionary": ("csv",),
}
MANIFEST = "manifest.json"
EXTRACT_TAG = "record-level extract supplied to the build"
DATA_LICENSE = "CC-BY-4.0"
DATA_LICENSE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
DATA_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
CODE_LICENSE = "MIT"
PROVENANCES = ("synthetic", "extract")
SOURCE_TAGS = {"synthetic": domain.SYNTHETIC_TAG, "extract": EXTRACT_TAG}


@dataclass(frozen=True)
class Column:
    """One column of a table: name, type, role, description, (for values) its status column and
    (for statuses) whether a row may have none (no such cell in `cells`)."""

    name: str
    dtype: pl.DataType
    role: Role
    description: str
    status: str | None = None
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    """One published table: its name, kind (data, reference, dictionary), summary and columns."""

    name: str
    kind: Kind
    summary: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    notes: str = ""
    stem: str = ""

    @property
    def files(self) -> tuple[str, ...]:
        """Return the file names of this table (one per format; the stem defaults to the name)."""
        return tuple(f"{self.stem or self.name}.{fmt}" for fmt in FORMATS[self.kind])

    @property
    def schema(self) -> dict[str, pl.DataType]:
        """Return column name -> polars type, in file order."""
        return {c.name: c.dtype for c in self.columns}

    def column(self, name: str) -> Column:
        """Return one column by name."""
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class Document:
    """A file of the release that is not a table (README, citation, audit summary)."""

    name: str
    summary: str


def geo_columns() -> tuple[Column, ...]:
    """Return the four dimension columns every count and rate table starts with."""
    return (
        Column(
            "geo_level",
            pl.String(),
            "dimension",
            "Geography level: " + ", ".join(domain.GEO_LEVELS),
        ),
        Column(
            "geo_id",
            pl.String(),
            "dimension",
            f"Geography id: {domain.STATE_FIPS} (state), region or peer-group id, "
            "or 5-digit county FIPS",
        ),
        Column("geo_name", pl.String(), "attribute", "Geography display name"),
        Column(
            "period",
            pl.String(),
            "dimension",
            "State fiscal year (1 July - 30 June) such as 2015-16, or the whole window of the "
            f"release's fiscal years such as '{domain.WINDOW}' (manifest.json lists them)",
        ),
    )


STATUS = Column(
    "status",
    pl.String(),
    "status",
    "published; suppressed (hidden to protect privacy: a small number, or a number from which one "
    "could be worked out); not_opted_in (county, or every county of the group, not in the program "
    "that fiscal year); not_applicable (rates only: denominator is zero)",
)
DATA_SOURCE = Column(
    "data_source", pl.String(), "attribute", "Where the counts come from (the same in every row)"
)


def long_count_columns() -> tuple[Column, ...]:
    """Return the columns of a long table of counts (cells, demographics)."""
    return (
        Column(
            "measure",
            pl.String(),
            "dimension",
            "Count measured: " + ", ".join(m.id for m in domain.MEASURES),
        ),
        *geo_columns(),
        Column(
            "breakdown",
            pl.String(),
            "dimension",
            "total, or (statewide only) " + ", ".join(domain.BREAKDOWNS),
        ),
        Column(
            "category",
            pl.String(),
            "dimension",
            f"'{domain.ALL_CATEGORY}' for totals, else the category of the breakdown",
        ),
        Column(
            "value",
            pl.Int64(),
            "count",
            "The count; empty unless status is published. A published 0 is a real zero",
            status="status",
        ),
        STATUS,
        DATA_SOURCE,
    )


def wide_columns(family: tuple[str, ...]) -> tuple[Column, ...]:
    """Return the columns of a wide table: geography, then value and status per measure."""
    measures = [m for m in domain.MEASURES if m.family in family]
    per_measure = []
    for m in measures:
        per_measure += [
            Column(
                m.id,
                pl.Int64(),
                "count",
                f"{m.label} ({m.unit}); empty unless published",
                status=f"{m.id}_status",
            ),
            Column(
                f"{m.id}_status",
                pl.String(),
                "status",
                f"Status of {m.id}; empty (with {m.id}) where cells has no such figure",
                nullable=True,
            ),
        ]
    return (*geo_columns(), *per_measure, DATA_SOURCE)


RATE_COLUMNS: tuple[Column, ...] = (
    Column(
        "rate", pl.String(), "dimension", "Derived value: " + ", ".join(r.id for r in domain.RATES)
    ),
    *geo_columns(),
    Column("numerator_measure", pl.String(), "attribute", "Measure counted in the numerator"),
    Column("numerator", pl.Int64(), "part", "Numerator count (empty unless published)"),
    Column(
        "denominator_measure",
        pl.String(),
        "attribute",
        "Measure in the denominator, or 'population' (residents, all ages)",
    ),
    Column(
        "denominator",
        pl.Int64(),
        "part",
        "Denominator: a published count, or residents of the opted-in counties (window: summed "
        "over the opted-in fiscal years, so the rate is an average annual rate)",
    ),
    Column(
        "value",
        pl.Float64(),
        "derived",
        "Percent (0-100, 1 decimal) or rate per 100,000 residents (2 decimals); empty unless published",
        status="status",
    ),
    Column("unit", pl.String(), "attribute", "percent or per_100k"),
    STATUS,
    DATA_SOURCE,
)

REFERENCE_DESCRIPTIONS = {
    "counties": {
        "county_fips": "5-digit county FIPS code",
        "county_name": "County name",
        "region_id": "Region id (CWDA regions)",
        "region_name": "Region name",
        "peer_group_id": "Peer group id (population band, Census 2019)",
        "peer_group_name": "Peer group name",
    },
    "opt_in_roster": {
        "county_fips": "5-digit county FIPS code",
        "sfy": "State fiscal year",
        "opted_in": "true if the county was in the Opt-In CSEC Program that year",
        "basis": "confirmed (with its source) or illustrative",
    },
    "population": {
        "county_fips": "5-digit county FIPS code",
        "sfy": "State fiscal year",
        "population": "Residents, all ages, on 1 July of the fiscal year's first year (Census Vintage 2019)",
        "estimate_year": "Calendar year of the estimate used",
        "note": "Set when a later year carries the 2019 estimate forward",
    },
}
REFERENCE_SCHEMAS = {
    "counties": reference.COUNTIES_SCHEMA,
    "opt_in_roster": reference.ROSTER_SCHEMA,
    "population": reference.POPULATION_SCHEMA,
}
REFERENCE_KEYS = {
    "counties": ("county_fips",),
    "opt_in_roster": ("county_fips", "sfy"),
    "population": ("county_fips", "sfy"),
}
REFERENCE_SUMMARIES = {
    "counties": "the 58 counties with region and peer group",
    "opt_in_roster": "which counties were in the program each fiscal year (see `basis`)",
    "population": "residents by county and fiscal year (the rates' population denominators)",
}


def reference_table(name: str) -> Table:
    """Return the declaration of a reference table (a copy of data/reference/<name>.csv)."""
    return Table(
        name,
        "reference",
        REFERENCE_SUMMARIES[name],
        tuple(
            Column(column, dtype(), "attribute", REFERENCE_DESCRIPTIONS[name][column])
            for column, dtype in REFERENCE_SCHEMAS[name].items()
        ),
        REFERENCE_KEYS[name],
    )


CHANGE_KINDS: dict[str, str] = {
    "new": "a cell the previous release did not have (a new fiscal year or window)",
    "removed": "a cell of the previous release this one does not have",
    "value": "a published value changed",
    "status": "the status changed",
}
CELL_KEY = ("measure", "geo_level", "geo_id", "period", "breakdown", "category")
GEO_KEY = ("geo_level", "geo_id", "period")

TABLES: tuple[Table, ...] = (
    Table(
        "cells",
        "data",
        "every published count, long form (one row per measure, geography, period, breakdown, "
        "category): the cell universe",
        long_count_columns(),
        CELL_KEY,
        "Sorted by measure (domain order), geo_level (state, region, peer_group, county), geo_id, "
        "period, breakdown, category. Region, peer-group and state values are totals over the "
        "counties opted in that fiscal year, precomputed in the build: the app never adds cells "
        "up. Demographic breakdowns exist only for the state and the measures "
        + ", ".join(domain.BREAKDOWN_MEASURES)
        + ".",
    ),
    Table(
        "rates",
        "data",
        "screen-in and disposition rates, confirmed share and rates per 100,000 residents, each "
        "with its numerator and denominator",
        RATE_COLUMNS,
        ("rate", *GEO_KEY),
    ),
    Table(
        "funnel_wide",
        "data",
        "the report funnel, one row per geography and period (same values and statuses as cells)",
        wide_columns(("funnel",)),
        GEO_KEY,
    ),
    Table(
        "youth_wide",
        "data",
        "young people identified by CSEC status, placement context and case status, one row per "
        "geography and period (same values and statuses as cells)",
        wide_columns(("youth", "placement", "case")),
        GEO_KEY,
    ),
    Table(
        "demographics",
        "data",
        "statewide breakdowns by " + ", ".join(domain.BREAKDOWNS) + " with their totals (the "
        "matching rows of cells)",
        long_count_columns(),
        CELL_KEY,
    ),
    Table(
        "peer_bands",
        "data",
        "for each county, rate and period: the median and interquartile range of its peer "
        "counties' published rates (the county itself left out), computed from rates only",
        (
            Column("rate", pl.String(), "dimension", "Rate id (as in rates)"),
            Column("county_fips", pl.String(), "dimension", "The county the band is for"),
            Column("period", pl.String(), "dimension", "State fiscal year or the whole window"),
            Column("peer_group_id", pl.String(), "attribute", "The county's peer group"),
            Column(
                "peers",
                pl.Int64(),
                "attribute",
                "How many peer counties' rates are published (the band rests on them)",
            ),
            *(
                Column(
                    name,
                    pl.Float64(),
                    "derived",
                    f"{words} of the peers' published rates (linear interpolation); empty "
                    "unless published",
                    status="status",
                )
                for name, words in (
                    ("p25", "25th percentile"),
                    ("median", "Median"),
                    ("p75", "75th percentile"),
                )
            ),
            Column("unit", pl.String(), "attribute", "percent or per_100k"),
            Column(
                "status",
                pl.String(),
                "status",
                "published, or not_applicable: fewer than 3 peers' rates published",
            ),
            DATA_SOURCE,
        ),
        ("rate", "county_fips", "period"),
    ),
    Table(
        "visibility",
        "data",
        "for each county that was in the program: how many of its cells are published, by "
        "measure and over all measures ('all'), from the statuses in cells",
        (
            Column("county_fips", pl.String(), "dimension", "5-digit county FIPS code"),
            Column("measure", pl.String(), "dimension", "Measure id, or 'all' (every measure)"),
            Column(
                "cells",
                pl.Int64(),
                "attribute",
                "The county's cells of the measure while it was in the program",
            ),
            Column("published", pl.Int64(), "attribute", "How many of them are published"),
            Column("share", pl.Float64(), "attribute", "published / cells, percent (1 decimal)"),
            DATA_SOURCE,
        ),
        ("county_fips", "measure"),
    ),
    Table(
        "changes",
        "data",
        "what changed since the previous release: one row per cell that is new, removed, or "
        "whose value or status changed (empty in a first release)",
        (
            Column("measure", pl.String(), "dimension", "Measure id (as in cells)"),
            *geo_columns(),
            Column("breakdown", pl.String(), "dimension", "As in cells"),
            Column("category", pl.String(), "dimension", "As in cells"),
            Column("change", pl.String(), "attribute", "One of: " + ", ".join(CHANGE_KINDS)),
            Column(
                "previous_value",
                pl.Int64(),
                "count",
                "The value in the previous release; empty unless published there",
                status="previous_status",
            ),
            Column(
                "previous_status",
                pl.String(),
                "status",
                "Status in the previous release; empty for a new cell",
                nullable=True,
            ),
            Column(
                "value",
                pl.Int64(),
                "count",
                "The value in this release (as in cells); empty unless published",
                status="status",
            ),
            Column(
                "status",
                pl.String(),
                "status",
                "Status in this release; empty for a removed cell",
                nullable=True,
            ),
            DATA_SOURCE,
        ),
        CELL_KEY,
        "A previous release stays available under its id. A removed cell is one the previous "
        "release had and this one does not (a whole window replaced by a longer one).",
        stem="CHANGES",
    ),
    *(reference_table(name) for name in REFERENCE_SCHEMAS),
    Table(
        "data_dictionary",
        "dictionary",
        "every column of every table: type, role and description",
        (
            Column("table", pl.String(), "dimension", "Table name"),
            Column("column", pl.String(), "dimension", "Column name"),
            Column("type", pl.String(), "attribute", "Type (polars name)"),
            Column("role", pl.String(), "attribute", "Role: " + "; ".join(ROLES)),
            Column("description", pl.String(), "attribute", "What the column holds"),
        ),
        ("table", "column"),
    ),
)
TABLE_BY_NAME = {t.name: t for t in TABLES}
DOCUMENTS: tuple[Document, ...] = (
    Document("README.md", "what the release holds, counting rules, suppression, dates, licence"),
    Document("CITATION.cff", "how to cite the release (version, date released, URL, licence)"),
    Document("audit.json", "the disclosure-control audit of this release (passed must be true)"),
)
FILES: tuple[str, ...] = (*(f for t in TABLES for f in t.files), *(d.name for d in DOCUMENTS))
# The release id covers the tables' bytes and the release's dates (documents quote the id).
ID_FILES: tuple[str, ...] = tuple(f for t in TABLES if t.kind != "dictionary" for f in t.files)

# Manifest keys -> (type, what); `seed` and `notice` are null unless provenance is synthetic.
MANIFEST_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "release_id": (str, "12 hex digits from the tables' SHA-256 and the dates"),
    "provenance": (str, "`synthetic` (generated demonstration data) or `extract` (real records)"),
    "seed": ((int, type(None)), "seed of the synthetic extract, else null"),
    "notice": ((str, type(None)), "the synthetic-data notice, else null"),
    "extract_date": (str, "date the records were extracted (yyyy-mm-dd)"),
    "release_date": (str, "date the release was built (yyyy-mm-dd)"),
    "url": ((str, type(None)), "where the release is published; null for a demonstration release"),
    "data_license": (str, f"SPDX id of the data licence ({DATA_LICENSE})"),
    "code_license": (str, f"SPDX id of the licence of the code that built it ({CODE_LICENSE})"),
    "periods": (list, "period ids, in order: the fiscal years, then their whole window"),
    "previous_release_id": ((str, type(None)), "the release this one follows, else null"),
    "method_changes": (list, "maintainers' notes on changes of method since the previous release"),
    "files": (list, "one entry per file: path, rows, bytes, sha256"),
}
FILE_KEYS: dict[str, type | tuple[type, ...]] = {
    "path": str,
    "rows": (int, type(None)),
    "bytes": int,
    "sha256": str,
}


@dataclass(frozen=True)
class Edition:
    """What identifies one release besides its data: provenance, dates and where it is published."""

    provenance: str
    extract_date: date
    release_date: date
    url: str | None  # None: a synthetic demonstration release, published nowhere
    seed: int | None = None

    @property
    def synthetic(self) -> bool:
        """Return whether the release holds synthetic demonstration data."""
        return self.provenance == "synthetic"

    @classmethod
    def of(cls, manifest: dict) -> Edition:
        """Return the edition a manifest records."""
        return cls(
            manifest["provenance"],
            date.fromisoformat(manifest["extract_date"]),
            date.fromisoformat(manifest["release_date"]),
            manifest["url"],
            manifest["seed"],
        )

    def manifest_fields(self) -> dict:
        """Return the manifest keys this edition fills."""
        return {
            "provenance": self.provenance,
            "seed": self.seed if self.synthetic else None,
            "notice": domain.SYNTHETIC_NOTICE if self.synthetic else None,
            "extract_date": self.extract_date.isoformat(),
            "release_date": self.release_date.isoformat(),
            "url": self.url,
            "data_license": DATA_LICENSE,
            "code_license": CODE_LICENSE,
        }


@dataclass(frozen=True)
class Lineage:
    """Where a release stands in the history: the release it follows and what changed in method."""

    previous_release_id: str | None = None
    method_changes: tuple[str, ...] = ()

    def manifest_fields(self) -> dict:
        """Return the manifest keys the lineage fills."""
        return {
            "previous_release_id": self.previous_release_id,
            "method_changes": list(self.method_changes),
        }


# Release history: the current release lives in the release directory (data/aggregates); every
# earlier kept release in <history directory>/<release_id>/ (data/releases/), which also holds
# the index naming them all, newest first.
HISTORY_INDEX = "index.json"
HISTORY_ENTRY_KEYS: dict[str, type | tuple[type, ...]] = {
    "release_id": str,
    "release_date": str,
    "extract_date": str,
    "periods": list,
    "previous_release_id": (str, type(None)),
}


def history_entry(manifest: dict) -> dict:
    """Return a release's entry in the history index (from its manifest)."""
    return {key: manifest[key] for key in HISTORY_ENTRY_KEYS}


def read_history(history_dir: Path) -> dict:
    """Return the history index ({"current": id, "releases": [entries]}); empty if none."""
    path = Path(history_dir) / HISTORY_INDEX
    if not path.exists():
        return {"current": None, "releases": []}
    index = json.loads(path.read_text(encoding="utf-8"))
    entries = index.get("releases") if isinstance(index, dict) else None
    if not isinstance(entries, list) or not all(
        isinstance(e, dict)
        and all(isinstance(e.get(k, ...), t) for k, t in HISTORY_ENTRY_KEYS.items())
        for e in entries
    ):
        raise ValueError(f"{path} is not a valid release history index")
    return index


def release_directory(release_id: str, history: dict, release_dir: Path, history_dir: Path) -> Path:
    """Return where a kept release lives: the release directory if current, else by id."""
    if release_id == history.get("current"):
        return Path(release_dir)
    return Path(history_dir) / release_id


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release_id(checksums: dict[str, str], edition: Edition) -> str:
    """Return the release id: 12 hex digits over the tables' checksums and the edition's dates."""
    text = "".join(checksums[name] for name in ID_FILES)
    text += f"{edition.provenance}{edition.extract_date}{edition.release_date}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def dictionary() -> pl.DataFrame:
    """Return the data dictionary: table, column, type, role, description of every table."""
    rows = [
        (t.name, c.name, str(c.dtype), c.role, c.description) for t in TABLES for c in t.columns
    ]
    return pl.DataFrame(rows, schema=TABLE_BY_NAME["data_dictionary"].schema, orient="row")
