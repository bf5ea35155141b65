"""Load a published release once per process, verify it, and fail closed if anything is off."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dashboard import domain, reference
from dashboard.data.geographies import Geographies

TABLES = ("cells", "rates", "funnel_wide", "youth_wide", "demographics")
REFERENCE = ("counties.csv", "opt_in_roster.csv", "population.csv")
DOCUMENTS = ("data_dictionary.csv", "README.md", "CITATION.cff", "audit.json")
REQUIRED_FILES = (
    *(f"{t}.{ext}" for t in TABLES for ext in ("parquet", "csv")),
    *REFERENCE,
    *DOCUMENTS,
)
GEO_COLUMNS = ("geo_level", "geo_id", "geo_name", "period")
FUNNEL = tuple(m.id for m in domain.MEASURES if m.family == "funnel")
YOUTH = tuple(m.id for m in domain.MEASURES if m.family != "funnel")


class ReleaseError(RuntimeError):
    """The release is missing, altered or inconsistent: the app must not serve it."""


@dataclass(frozen=True, eq=False)
class Release:
    """A verified release: its tables, documents and per-metric frames."""

    directory: Path
    manifest: dict
    cells: pl.DataFrame
    rates: pl.DataFrame
    funnel_wide: pl.DataFrame
    youth_wide: pl.DataFrame
    demographics: pl.DataFrame
    counties: pl.DataFrame
    roster: pl.DataFrame
    population: pl.DataFrame
    data_dictionary: pl.DataFrame
    audit: dict
    readme: str
    citation: str
    geos: Geographies = field(repr=False)
    metrics: dict[str, pl.DataFrame] = field(repr=False)
    index: dict[tuple[str, str, str, str], tuple] = field(repr=False)

    @property
    def release_id(self) -> str:
        """Return the release id (derived from file checksums by the build)."""
        return str(self.manifest["release_id"])

    @property
    def files(self) -> tuple[dict, ...]:
        """Return the manifest's file entries (path, rows, bytes, sha256)."""
        return tuple(self.manifest["files"])

    def __repr__(self) -> str:
        return f"Release({self.release_id})"


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(directory: Path) -> dict:
    """Return the manifest after checking every listed file exists with its checksum."""
    path = directory / "manifest.json"
    if not path.is_file():
        raise ReleaseError(f"no release at {directory}: manifest.json is missing (run the build)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ReleaseError(f"{path} is not valid JSON: {error}") from error
    for key in ("release_id", "files"):
        if key not in manifest:
            raise ReleaseError(f"{path} has no {key!r}")
    listed = {}
    for entry in manifest["files"]:
        name = entry.get("path", "")
        target = (directory / name).resolve()
        if Path(name).is_absolute() or directory.resolve() not in target.parents:
            raise ReleaseError(f"manifest lists a file outside the release: {name!r}")
        if not target.is_file():
            raise ReleaseError(f"manifest lists {name} but it is missing from {directory}")
        if sha256(target) != entry.get("sha256"):
            raise ReleaseError(f"{name} does not match its SHA-256 in manifest.json: altered?")
        listed[name] = entry
    missing = [name for name in REQUIRED_FILES if name not in listed]
    if missing:
        raise ReleaseError(f"release lacks required files: {', '.join(missing)}")
    return manifest


def check_values(frame: pl.DataFrame, value: str, status: str, table: str) -> None:
    """Raise unless statuses are known and values are null exactly when not published."""
    bad_status = frame.filter(~pl.col(status).is_in(domain.STATUSES))
    if bad_status.height:
        raise ReleaseError(f"{table}.{status} has unknown statuses: {bad_status[status].unique()}")
    published = pl.col(status) == domain.PUBLISHED
    mismatch = frame.filter(published != pl.col(value).is_not_null())
    if mismatch.height:
        raise ReleaseError(
            f"{table}.{value}: {mismatch.height} rows have a value that disagrees with {status} "
            "(a value must be present exactly when published)"
        )


def check_counts(frame: pl.DataFrame, value: str, status: str, table: str) -> None:
    """Raise unless values agree with statuses and no published count lies in 1..10."""
    check_values(frame, value, status, table)
    small = frame.filter(pl.col(value).is_between(domain.SMALL_MIN, domain.SMALL_MAX))
    if small.height:
        raise ReleaseError(f"{table}.{value}: {small.height} published counts lie in 1..10")


def check_rates(rates: pl.DataFrame) -> None:
    """Raise unless every rate rests on published, non-small counts."""
    check_values(rates, "value", "status", "rates")
    small = rates.filter(
        pl.col("numerator").is_between(domain.SMALL_MIN, domain.SMALL_MAX)
        | (
            (pl.col("denominator_measure") != "population")
            & pl.col("denominator").is_between(domain.SMALL_MIN, domain.SMALL_MAX)
        )
    )
    if small.height:
        raise ReleaseError(f"rates: {small.height} numerators or denominators lie in 1..10")
    unsupported = rates.filter(
        (pl.col("status") == domain.PUBLISHED)
        & (pl.col("numerator").is_null() | pl.col("denominator").is_null())
    )
    if unsupported.height:
        raise ReleaseError(f"rates: {unsupported.height} published rates lack a published count")


def check_wide(
    wide: pl.DataFrame, cells: pl.DataFrame, measures: tuple[str, ...], table: str
) -> None:
    """Raise unless a wide table carries exactly the values and statuses of `cells`."""
    for measure in measures:
        check_counts(wide, measure, f"{measure}_status", table)
    long = wide.unpivot(
        index=list(GEO_COLUMNS), on=list(measures), variable_name="measure", value_name="value"
    )
    statuses = wide.unpivot(
        index=list(GEO_COLUMNS),
        on=[f"{m}_status" for m in measures],
        variable_name="measure",
        value_name="status",
    ).with_columns(pl.col("measure").str.strip_suffix("_status"))
    wide_long = long.join(statuses, on=[*GEO_COLUMNS, "measure"])
    totals = cells.filter(
        (pl.col("breakdown") == domain.TOTAL_BREAKDOWN) & pl.col("measure").is_in(measures)
    ).select(*GEO_COLUMNS, "measure", "value", "status")
    joined = wide_long.join(totals, on=[*GEO_COLUMNS, "measure"], how="full", suffix="_cells")
    differs = joined.filter(
        pl.col("status").is_null()
        | pl.col("status_cells").is_null()
        | (pl.col("status") != pl.col("status_cells"))
        | (pl.col("value").is_null() != pl.col("value_cells").is_null())
        | (pl.col("value") != pl.col("value_cells")).fill_null(False)
    )
    if differs.height:
        raise ReleaseError(f"{table} disagrees with cells in {differs.height} values")


def validate(tables: dict[str, pl.DataFrame], audit: dict) -> None:
    """Raise ReleaseError unless the tables are consistent and the audit passed."""
    cells = tables["cells"]
    missing = {"measure", *GEO_COLUMNS, "breakdown", "category", "value", "status"} - set(
        cells.columns
    )
    if missing:
        raise ReleaseError(f"cells lacks columns {sorted(missing)}")
    unknown = set(cells["measure"].unique()) - set(domain.MEASURE_BY_ID)
    if unknown:
        raise ReleaseError(f"cells has unknown measures {sorted(unknown)}")
    periods = set(cells["period"].unique()) - set(domain.PERIODS)
    if periods:
        raise ReleaseError(f"cells has unknown periods {sorted(periods)}")
    check_counts(cells, "value", "status", "cells")
    keys = ["measure", "geo_level", "geo_id", "period", "breakdown", "category"]
    if cells.select(keys).is_duplicated().any():
        raise ReleaseError("cells has more than one row for a cell")
    check_rates(tables["rates"])
    check_wide(tables["funnel_wide"], cells, FUNNEL, "funnel_wide")
    check_wide(tables["youth_wide"], cells, YOUTH, "youth_wide")
    check_counts(tables["demographics"], "value", "status", "demographics")
    if audit.get("passed") is not True:
        raise ReleaseError("audit.json does not record a passed disclosure audit")


def metric_frames(cells: pl.DataFrame, rates: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Return one frame per measure and rate: geo_level, geo_id, geo_name, period, value, status."""
    columns = [*GEO_COLUMNS, "value", "status"]
    totals = cells.filter(pl.col("breakdown") == domain.TOTAL_BREAKDOWN)
    frames = {
        str(key[0]): part.select(columns)
        for key, part in totals.partition_by("measure", as_dict=True).items()
    }
    frames |= {
        str(key[0]): part.select(columns)
        for key, part in rates.partition_by("rate", as_dict=True).items()
    }
    return frames


def metric_index(metrics: dict[str, pl.DataFrame]) -> dict[tuple[str, str, str, str], tuple]:
    """Return (metric, geo_level, geo_id, period) -> (value, status) for fast lookups."""
    index = {}
    for metric, frame in metrics.items():
        for level, geo_id, period, val, status in frame.select(
            "geo_level", "geo_id", "period", "value", "status"
        ).iter_rows():
            index[(metric, level, geo_id, period)] = (val, status)
    return index


def read_tables(directory: Path) -> dict[str, pl.DataFrame]:
    """Return the release's data tables (parquet) and reference copies (csv)."""
    tables = {name: pl.read_parquet(directory / f"{name}.parquet") for name in TABLES}
    tables["counties"] = reference.load_counties(directory)
    tables["roster"] = reference.load_roster(directory)
    tables["population"] = reference.load_population(directory)
    tables["data_dictionary"] = pl.read_csv(directory / "data_dictionary.csv")
    return tables


@functools.lru_cache(maxsize=4)
def load(directory: Path) -> Release:
    """Return the verified release in `directory`; raise ReleaseError if it must not be served."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    try:
        tables = read_tables(directory)
        audit = json.loads((directory / "audit.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, pl.exceptions.PolarsError) as error:
        raise ReleaseError(f"cannot read the release in {directory}: {error}") from error
    validate(tables, audit)
    metrics = metric_frames(tables["cells"], tables["rates"])
    return Release(
        directory=directory,
        manifest=manifest,
        audit=audit,
        readme=(directory / "README.md").read_text(encoding="utf-8"),
        citation=(directory / "CITATION.cff").read_text(encoding="utf-8"),
        geos=Geographies(tables["counties"]),
        metrics=metrics,
        index=metric_index(metrics),
        **tables,
    )


def current() -> Release:
    """Return the release of the Flask app handling this request."""
    from flask import current_app

    return load(Path(current_app.config["CSEC_RELEASE_DIR"]))
