"""Ways to tamper with a release, each with the message the verifier must give (shared by the
start-up, `csec audit` and build tests). Most fix up manifest.json afterwards, as the outside
probe did, so that only the tampering itself is wrong."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
from conftest import write_manifest

from dashboard import domain


def empty(release: Path) -> None:
    """Remove the whole release."""
    shutil.rmtree(release)
    release.mkdir()


def altered_file(release: Path) -> None:
    """Change a published file after the manifest was written."""
    with (release / "cells.csv").open("a") as handle:
        handle.write("\n")


def unlisted_table(release: Path) -> None:
    """Drop a table file, with a manifest that agrees (so only the absence is wrong)."""
    (release / "rates.parquet").unlink()
    write_manifest(release)


def listed_but_absent(release: Path) -> None:
    """Delete a file the manifest still lists."""
    (release / "youth_wide.csv").unlink()


def stray_file(release: Path) -> None:
    """Add a file the manifest does not list."""
    (release / "notes.txt").write_text("hello\n")


def extra_listed_file(release: Path) -> None:
    """Add a file with a small count and list it in the manifest."""
    (release / "extra.csv").write_text("geo_id,value\n06001,5\n")
    write_manifest(release)


def truncated_manifest(release: Path) -> None:
    """Cut the manifest in half."""
    path = release / "manifest.json"
    text = path.read_text()
    path.write_text(text[: len(text) // 2])


def manifest_without_key(release: Path) -> None:
    """Drop the files list from the manifest."""
    path = release / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["files"]
    path.write_text(json.dumps(manifest))


def deep_manifest(release: Path) -> None:
    """Replace the manifest by JSON nested deeper than a parser's recursion limit."""
    (release / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)


def directory_for_a_file(release: Path) -> None:
    """Put a directory where a listed file should be."""
    (release / "youth_wide.csv").unlink()
    (release / "youth_wide.csv").mkdir()


def forged_release_id(release: Path) -> None:
    """Give the manifest a release id that does not follow from its files."""
    path = release / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "release_id": "0" * 12}))


def with_value(frame: pl.DataFrame, column: str, where: pl.Expr, value: float) -> pl.DataFrame:
    """Return the frame with `column` set to `value` in the first row where `where` holds."""
    first = frame.with_row_index().filter(where)["index"][0]
    hit = pl.int_range(pl.len()) == first
    return frame.with_columns(
        pl.when(hit).then(value).otherwise(pl.col(column)).cast(frame.schema[column]).alias(column)
    )


def csv_only(table: str, column: str, value: int) -> Callable[[Path], None]:
    """Return a tampering that puts `value` in a published row of one CSV only."""

    def tamper(release: Path) -> None:
        frame = pl.read_parquet(release / f"{table}.parquet")
        status = "status" if column == "value" else f"{column}_status"
        frame = with_value(frame, column, pl.col(status) == domain.PUBLISHED, value)
        frame.write_csv(release / f"{table}.csv")
        write_manifest(release)

    return tamper


def both_formats(table: str, column: str, status: str, value: float) -> Callable[[Path], None]:
    """Return a tampering that puts `value` in a row with `status`, in Parquet and CSV alike."""

    def tamper(release: Path) -> None:
        frame = pl.read_parquet(release / f"{table}.parquet")
        status_column = "status" if column in ("value", "numerator") else f"{column}_status"
        frame = with_value(frame, column, pl.col(status_column) == status, value)
        frame.write_parquet(release / f"{table}.parquet")
        frame.write_csv(release / f"{table}.csv")
        write_manifest(release)

    return tamper


def status_emptied(column: str) -> Callable[[Path], None]:
    """Return a tampering that empties a wide table's status (and value) in its first row."""

    def tamper(release: Path) -> None:
        frame = pl.read_parquet(release / "youth_wide.parquet")
        first = pl.int_range(pl.len()) == 0
        frame = frame.with_columns(
            pl.when(first).then(None).otherwise(pl.col(c)).alias(c)
            for c in (f"{column}_status", column)
        )
        frame.write_parquet(release / "youth_wide.parquet")
        frame.write_csv(release / "youth_wide.csv")
        write_manifest(release)

    return tamper


def audit_failed(release: Path) -> None:
    """Record a failed disclosure audit."""
    path = release / "audit.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "passed": False}))
    write_manifest(release)


PUBLISHED, SUPPRESSED = domain.PUBLISHED, domain.SUPPRESSED
CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "release missing": (empty, r"manifest\.json is missing"),
    "checksum mismatch": (altered_file, r"checksum mismatch: cells\.csv"),
    "missing file (unlisted)": (unlisted_table, r"missing file: .*rates\.parquet"),
    "missing file (listed)": (listed_but_absent, r"missing file: youth_wide\.csv"),
    "extra file (on disk)": (stray_file, r"extra file: notes\.txt"),
    "extra file (listed)": (extra_listed_file, r"extra file: manifest\.json lists extra\.csv"),
    "truncated manifest": (truncated_manifest, r"manifest\.json is truncated"),
    "invalid manifest": (manifest_without_key, r"manifest\.json is invalid: 'files'"),
    "manifest nested too deep": (deep_manifest, r"manifest\.json is truncated or not valid JSON"),
    "directory for a file": (directory_for_a_file, r"cannot read the release .*youth_wide\.csv"),
    "forged release id": (forged_release_id, r"release_id does not match"),
    "cells.csv differs": (csv_only("cells", "value", 5), r"cells\.csv differs from cells\.parquet"),
    "funnel_wide.csv differs": (
        csv_only("funnel_wide", "reports", 5),
        r"funnel_wide\.csv differs from funnel_wide\.parquet",
    ),
    "small count in cells": (
        both_formats("cells", "value", PUBLISHED, 5),
        r"small count: .* cells\.value",
    ),
    "small count in funnel_wide": (
        both_formats("funnel_wide", "screened_in", PUBLISHED, 3),
        r"small count: .* funnel_wide\.screened_in",
    ),
    "small count in youth_wide": (
        both_formats("youth_wide", "confirmed", PUBLISHED, 10),
        r"small count: .* youth_wide\.confirmed",
    ),
    "small count in demographics": (
        both_formats("demographics", "value", PUBLISHED, 1),
        r"small count: .* demographics\.value",
    ),
    "small count in rates": (
        both_formats("rates", "numerator", PUBLISHED, 7),
        r"small count: .* rates\.numerator",
    ),
    "value in a suppressed cell": (
        both_formats("cells", "value", SUPPRESSED, 7),
        r"value in a suppressed row: .* cells\.value",
    ),
    "zero in a suppressed wide row": (
        both_formats("youth_wide", "at_risk", SUPPRESSED, 0),
        r"value in a suppressed row: .* youth_wide\.at_risk",
    ),
    "rate in a suppressed row": (
        both_formats("rates", "value", SUPPRESSED, 12.5),
        r"value in a suppressed row: .* rates\.value",
    ),
    "rate from an unpublished count": (
        both_formats("rates", "numerator", SUPPRESSED, 40),
        r"rates: .* numerators are not the published count",
    ),
    "wide row without its cell's status": (
        status_emptied("youth"),
        r"youth_wide disagrees with cells",
    ),
    "audit passed=false": (audit_failed, r"passed is not true"),
}


def tampered_copy(source: Path, target: Path, case: str) -> tuple[Path, str]:
    """Copy a release to `target`, apply one tampering and return it with its message."""
    tamper, message = CASES[case]
    shutil.copytree(source, target)
    tamper(target)
    return target, message
