"""The one verifier of a release directory: used by the app at start-up, `csec audit` and the build.

It checks, from the files alone and in this order: the manifest; that the directory holds
exactly the files of the format (`dashboard.release_format`), each with its checksum; every
table against its declared columns and types, every CSV against its Parquet twin; the roles of
the columns (statuses known, a value exactly when published, no published count in 1 to 10);
the tables against each other (wide views and demographics equal cells, rates rest on
published counts); the wording against the provenance; and that the audit summary passed.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from dashboard import domain
from dashboard import release_format as fmt

RATE_SCALE = {"percent": (100, 1), "per_100k": (100_000, 2)}
SYNTHETIC_WORD = "synthetic"
TEXT_FILES = ("README.md", "CITATION.cff", "audit.json", "data_dictionary.csv", fmt.MANIFEST)


class ReleaseError(RuntimeError):
    """The release is missing, altered or inconsistent: it must not be served or swapped in."""


@dataclass(frozen=True)
class Verified:
    """A verified release's contents: manifest, tables by name, audit summary and documents."""

    manifest: dict
    tables: dict[str, pl.DataFrame]
    audit: dict
    documents: dict[str, str]


def fail(message: str) -> ReleaseError:
    """Return the error for a release that must not be used."""
    return ReleaseError(message)


def read_manifest(directory: Path) -> dict:
    """Return the manifest, or raise if it is missing, truncated or lacks a key of the format."""
    path = directory / fmt.MANIFEST
    if not path.is_file():
        raise fail(f"no release at {directory}: manifest.json is missing (run the build)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise fail(f"manifest.json is truncated or not valid JSON: {error}") from error
    if not isinstance(manifest, dict):
        raise fail("manifest.json is invalid: not a JSON object")
    for key, (kind, _) in fmt.MANIFEST_KEYS.items():
        if not isinstance(manifest.get(key, ...), kind):
            raise fail(f"manifest.json is invalid: {key!r} is missing or of the wrong type")
    if manifest["provenance"] not in fmt.PROVENANCES:
        raise fail(f"manifest.json is invalid: unknown provenance {manifest['provenance']!r}")
    for key in ("extract_date", "release_date"):
        try:
            date.fromisoformat(manifest[key])
        except ValueError as error:
            raise fail(f"manifest.json is invalid: {key} is not a yyyy-mm-dd date") from error
    for entry in manifest["files"]:
        path = entry.get("path") if isinstance(entry, dict) else None
        if isinstance(path, str) and Path(path).name != path:
            raise fail(f"manifest.json lists a file outside the release: {path!r}")
        if not isinstance(entry, dict) or any(
            not isinstance(entry.get(k, ...), kind) for k, kind in fmt.FILE_KEYS.items()
        ):
            raise fail(f"manifest.json is invalid: a file entry lacks {', '.join(fmt.FILE_KEYS)}")
    return manifest


def check_files(directory: Path, manifest: dict) -> None:
    """Raise unless the manifest and the directory hold exactly the format's files, unaltered."""
    listed = [entry["path"] for entry in manifest["files"]]
    if len(set(listed)) != len(listed):
        raise fail("manifest.json lists a file twice")
    extra_listed = sorted(set(listed) - set(fmt.FILES))
    if extra_listed:
        raise fail(f"extra file: manifest.json lists {extra_listed[0]}, not a file of the format")
    unlisted = [name for name in fmt.FILES if name not in listed]
    if unlisted:
        raise fail(f"missing file: manifest.json does not list {', '.join(unlisted)}")
    present = {path.name for path in directory.iterdir()}
    absent = [name for name in fmt.FILES if name not in present]
    if absent:
        raise fail(f"missing file: {', '.join(absent)} (listed in manifest.json)")
    extra = sorted(present - set(fmt.FILES) - {fmt.MANIFEST})
    if extra:
        raise fail(f"extra file: {extra[0]} is in {directory} but not in manifest.json")
    checksums = {}
    for entry in manifest["files"]:
        path = directory / entry["path"]
        checksums[entry["path"]] = fmt.sha256(path)
        if checksums[entry["path"]] != entry["sha256"]:
            raise fail(f"checksum mismatch: {entry['path']} does not match its SHA-256 in manifest")
        if path.stat().st_size != entry["bytes"]:
            raise fail(f"checksum mismatch: {entry['path']} does not have the bytes listed")
    if fmt.release_id(checksums, fmt.Edition.of(manifest)) != manifest["release_id"]:
        raise fail("manifest.json is invalid: its release_id does not match its files and dates")


def read_csv(path: Path, table: fmt.Table) -> pl.DataFrame:
    """Return a CSV file parsed strictly as the table's declared columns and types."""
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle), [])
    if header != list(table.schema):
        raise fail(f"{path.name} does not have the declared columns of {table.name}")
    try:
        return pl.read_csv(path, schema=table.schema, raise_if_empty=False)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise fail(f"{path.name} cannot be parsed as the declared columns: {error}") from error


def read_parquet(path: Path, table: fmt.Table) -> pl.DataFrame:
    """Return a Parquet file after checking it has exactly the declared columns and types."""
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise fail(f"{path.name} cannot be read as Parquet: {error}") from error
    if frame.schema != pl.Schema(table.schema):
        raise fail(f"{path.name} does not have the declared columns and types of {table.name}")
    return frame


def first_difference(csv_frame: pl.DataFrame, parquet: pl.DataFrame) -> str:
    """Return where a CSV first differs from its Parquet twin (a line of the CSV file)."""
    if csv_frame.height != parquet.height:
        return f"{csv_frame.height} rows against {parquet.height}"
    same = pl.Series([a == b for a, b in zip(csv_frame.rows(), parquet.rows(), strict=True)])
    return f"first at line {int((~same).arg_max()) + 2}, {int((~same).sum())} rows in all"


def read_table(directory: Path, table: fmt.Table, rows: dict[str, int | None]) -> pl.DataFrame:
    """Return a table after checking each file's parse, row count and CSV = Parquet."""
    frames = {}
    for name in table.files:
        path = directory / name
        frames[name] = (
            read_parquet(path, table) if name.endswith(".parquet") else read_csv(path, table)
        )
        if rows[name] is not None and rows[name] != frames[name].height:
            raise fail(f"{name} has {frames[name].height} rows; manifest.json says {rows[name]}")
    first = frames[table.files[0]]
    for name in table.files[1:]:
        if not frames[name].equals(first):
            raise fail(
                f"{name} differs from {table.files[0]} (same rows, same values expected): "
                f"{first_difference(frames[name], first)}"
            )
    return first


def check_roles(frame: pl.DataFrame, table: fmt.Table) -> None:
    """Raise unless statuses are known, values appear exactly when published and none is small."""
    for column in (c for c in table.columns if c.role == "status"):
        known = pl.col(column.name).is_in(domain.STATUSES)
        unknown = frame.filter(~known.fill_null(column.nullable))
        if unknown.height:
            values = sorted(unknown[column.name].unique().cast(pl.String).fill_null("null"))
            raise fail(f"{table.name}.{column.name} has unknown statuses: {values}")
    for column in table.columns:
        name = f"{table.name}.{column.name}"
        if column.status is not None:
            published = (pl.col(column.status) == domain.PUBLISHED).fill_null(False)
            hidden = frame.filter(~published & pl.col(column.name).is_not_null())
            if hidden.height:
                raise fail(
                    f"value in a suppressed row: {hidden.height} rows of {name} have a value that "
                    f"disagrees with {column.status} (a value only where published)"
                )
            missing = frame.filter(published & pl.col(column.name).is_null())
            if missing.height:
                raise fail(f"{name}: {missing.height} published rows have no value")
        if column.role in ("count", "part"):
            small = frame.filter(pl.col(column.name).is_between(domain.SMALL_MIN, domain.SMALL_MAX))
            if small.height:
                raise fail(f"small count: {small.height} published counts in {name} lie in 1..10")
    if table.key and frame.select(table.key).is_duplicated().any():
        raise fail(f"{table.name} has more than one row for a key ({', '.join(table.key)})")


def totals(cells: pl.DataFrame, measures: list[str]) -> pl.DataFrame:
    """Return the total-breakdown cells of some measures: geography, measure, value, status."""
    return cells.filter(
        (pl.col("breakdown") == domain.TOTAL_BREAKDOWN) & pl.col("measure").is_in(measures)
    ).select("geo_level", "geo_id", "geo_name", "period", "measure", "value", "status")


def check_wide(wide: pl.DataFrame, cells: pl.DataFrame, table: str) -> None:
    """Raise unless a wide table carries exactly the values and statuses of `cells`."""
    measures = [c for c in wide.columns if c in domain.MEASURE_BY_ID]
    geo = ["geo_level", "geo_id", "geo_name", "period"]
    values = wide.unpivot(index=geo, on=measures, variable_name="measure", value_name="value")
    statuses = wide.unpivot(
        index=geo,
        on=[f"{m}_status" for m in measures],
        variable_name="measure",
        value_name="status",
    ).with_columns(pl.col("measure").str.strip_suffix("_status"))
    long = (
        values.join(statuses, on=[*geo, "measure"])
        .filter(pl.col("status").is_not_null() | pl.col("value").is_not_null())
        .sort([*geo, "measure"])
    )
    expected = totals(cells, measures).sort([*geo, "measure"])
    if not long.select(expected.columns).equals(expected):
        raise fail(f"{table} disagrees with cells (same values and statuses expected)")


def check_demographics(demographics: pl.DataFrame, cells: pl.DataFrame) -> None:
    """Raise unless demographics are exactly the statewide breakdown rows of cells."""
    expected = cells.filter(
        (pl.col("geo_level") == "state") & pl.col("measure").is_in(domain.BREAKDOWN_MEASURES)
    )
    key = list(fmt.CELL_KEY)
    if not demographics.sort(key).equals(expected.sort(key)):
        raise fail("demographics disagrees with cells (the statewide breakdown rows expected)")


def check_rates(rates: pl.DataFrame, cells: pl.DataFrame) -> None:
    """Raise unless every rate's parts are the published cells and its value follows from them."""
    known = {r.id: r for r in domain.RATES}
    unknown = set(rates["rate"].unique()) - set(known)
    if unknown:
        raise fail(f"rates has unknown rates {sorted(unknown)}")
    published = totals(cells, [m.id for m in domain.MEASURES]).select(
        "geo_level", "geo_id", "period", "measure", cell="value"
    )
    for side in ("numerator", "denominator"):
        joined = rates.join(
            published,
            left_on=["geo_level", "geo_id", "period", f"{side}_measure"],
            right_on=["geo_level", "geo_id", "period", "measure"],
            how="left",
        ).filter(pl.col(f"{side}_measure") != "population")
        differs = joined.filter(pl.col(side).ne_missing(pl.col("cell")))
        if differs.height:
            raise fail(
                f"rates: {differs.height} {side}s are not the published count of their cell "
                "(derived values must come from published counts only)"
            )
    shown = rates.filter(pl.col("status") == domain.PUBLISHED)
    unsupported = shown.filter(
        pl.col("numerator").is_null()
        | pl.col("denominator").is_null()
        | (pl.col("denominator") <= 0)
    )
    if unsupported.height:
        raise fail(f"rates: {unsupported.height} published rates lack a published count")
    for unit, (scale, decimals) in RATE_SCALE.items():
        part = shown.filter(pl.col("unit") == unit)
        expected = (pl.col("numerator") / pl.col("denominator") * scale).round(decimals)
        off = part.filter((pl.col("value") - expected).abs() > 10**-decimals / 2 + 1e-9)
        if off.height:
            raise fail(
                f"rates: {off.height} published {unit} values do not follow from their parts"
            )


def check_periods(manifest: dict) -> tuple[str, ...]:
    """Return the release's periods, or raise unless they are fiscal years then their window."""
    periods = tuple(manifest["periods"])
    sfys = periods[:-1]
    if not sfys or sfys != domain.SFYS[: len(sfys)] or periods != domain.periods_of(sfys):
        raise fail(
            "manifest.json is invalid: periods must be consecutive fiscal years from "
            f"{domain.SFYS[0]}, then their whole window"
        )
    return periods


def check_changes(changes: pl.DataFrame, cells: pl.DataFrame) -> None:
    """Raise unless every change row that is not a removal shows the cell as cells does."""
    key = list(fmt.CELL_KEY)
    kinds = set(changes["change"].unique()) - set(fmt.CHANGE_KINDS)
    if kinds:
        raise fail(f"changes has unknown change kinds {sorted(kinds)}")
    current = changes.filter(pl.col("change") != "removed")
    joined = current.join(cells.select(*key, "value", "status"), on=key, how="left", suffix="_c")
    differs = joined.filter(
        pl.col("status_c").is_null()
        | (pl.col("status") != pl.col("status_c"))
        | pl.col("value").ne_missing(pl.col("value_c"))
    )
    if differs.height:
        raise fail(f"changes: {differs.height} rows do not show the cell as cells does")
    removed = changes.filter(pl.col("change") == "removed")
    if removed["status"].null_count() != removed.height:
        raise fail("changes: a removed cell has a status in this release")


def check_tables(tables: dict[str, pl.DataFrame], manifest: dict) -> None:
    """Raise unless every table obeys its roles and the tables agree with each other."""
    for table in fmt.TABLES:
        check_roles(tables[table.name], table)
    cells = tables["cells"]
    periods = check_periods(manifest)
    for column, allowed in (("measure", domain.MEASURE_BY_ID), ("period", periods)):
        unknown = set(cells[column].unique()) - set(allowed)
        if unknown:
            raise fail(f"cells has unknown {column}s {sorted(unknown)}")
    check_changes(tables["changes"], cells)
    check_wide(tables["funnel_wide"], cells, "funnel_wide")
    check_wide(tables["youth_wide"], cells, "youth_wide")
    check_demographics(tables["demographics"], cells)
    check_rates(tables["rates"], cells)
    if not tables["data_dictionary"].equals(fmt.dictionary()):
        raise fail("data_dictionary.csv does not describe the release format")


def check_wording(directory: Path, manifest: dict, tables: dict[str, pl.DataFrame]) -> None:
    """Raise unless the files say synthetic exactly when the release is synthetic."""
    provenance = manifest["provenance"]
    tag = fmt.SOURCE_TAGS[provenance]
    for table in fmt.TABLES:
        frame = tables[table.name]
        if "data_source" in frame.columns and set(frame["data_source"].unique()) - {tag}:
            raise fail(f"{table.name}.data_source must be {tag!r} in a {provenance} release")
    texts = {name: (directory / name).read_text(encoding="utf-8") for name in TEXT_FILES}
    if provenance == "synthetic":
        for name in ("README.md", "CITATION.cff"):
            if domain.SYNTHETIC_NOTICE not in texts[name]:
                raise fail(f"{name} of a synthetic release lacks the synthetic-data notice")
    else:
        for name, text in texts.items():
            if SYNTHETIC_WORD in text.lower():
                raise fail(f"{name} of a release from a real extract says {SYNTHETIC_WORD!r}")


def read_audit(directory: Path, manifest: dict) -> dict:
    """Return the audit summary, or raise unless it is valid JSON that records a pass."""
    try:
        audit = json.loads((directory / "audit.json").read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise fail(f"audit.json is not valid JSON: {error}") from error
    if not isinstance(audit, dict) or audit.get("passed") is not True:
        raise fail("audit.json does not record a passed disclosure audit (passed is not true)")
    if audit.get("release_id") != manifest["release_id"]:
        raise fail("audit.json belongs to another release (its release_id differs)")
    return audit


def verify(directory: Path | str) -> Verified:
    """Return the verified contents of a release directory; raise ReleaseError if any check fails."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    rows = {entry["path"]: entry["rows"] for entry in manifest["files"]}
    try:
        check_files(directory, manifest)
        tables = {t.name: read_table(directory, t, rows) for t in fmt.TABLES}
        check_tables(tables, manifest)
        check_wording(directory, manifest, tables)
        audit = read_audit(directory, manifest)
        documents = {
            d.name: (directory / d.name).read_text(encoding="utf-8") for d in fmt.DOCUMENTS
        }
    except (UnicodeDecodeError, OSError) as error:
        raise fail(f"cannot read the release in {directory}: {error}") from error
    return Verified(manifest, tables, audit, documents)
