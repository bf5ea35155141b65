"""Write the release directory atomically: tables, documents, audit summary, manifest.

Every file is the one `dashboard.release_format` declares; the staged release must pass the
verifier (`dashboard.data.verify`) before it replaces the last good one.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from dashboard import domain
from dashboard import release_format as fmt
from dashboard.build.release_docs import citation_cff, readme
from dashboard.data.verify import verify


def today() -> date:
    """Return the build date: SOURCE_DATE_EPOCH if set (reproducible builds), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.date()


def edition_of(
    seed: int | None,
    extract_date: date | None = None,
    release_date: date | None = None,
    url: str | None = None,
) -> fmt.Edition:
    """Return the edition of a build; a real extract must name its extract date and URL."""
    release_date = release_date or today()
    if seed is not None:
        return fmt.Edition("synthetic", extract_date or release_date, release_date, url, seed)
    if extract_date is None or url is None:
        raise ValueError(
            "a release from a real extract needs its extract date and public URL "
            "(csec build --extract DIR --extract-date YYYY-MM-DD --url URL)"
        )
    return fmt.Edition("extract", extract_date, release_date, url)


def write_table(frame: pl.DataFrame, directory: Path, table: fmt.Table) -> None:
    """Write one table in each of its formats, after checking its declared columns and types."""
    if frame.schema != pl.Schema(table.schema):
        raise ValueError(
            f"{table.name} does not match its declaration in release_format: "
            f"{dict(frame.schema)} != {table.schema}"
        )
    for name in table.files:
        if name.endswith(".parquet"):
            frame.write_parquet(directory / name, compression="zstd", statistics=False)
        else:
            frame.write_csv(directory / name)


def write_json(path: Path, payload: dict) -> None:
    """Write JSON with sorted keys and a trailing newline (stable bytes)."""
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_contents(
    directory: Path,
    tables: dict[str, pl.DataFrame],
    audit: dict,
    edition: fmt.Edition,
    lineage: fmt.Lineage,
) -> dict:
    """Write every file of the release into an empty directory; return its manifest."""
    frames = {**tables, "data_dictionary": fmt.dictionary()}
    for table in fmt.TABLES:
        write_table(frames[table.name], directory, table)
    release_id = fmt.release_id(
        {name: fmt.sha256(directory / name) for name in fmt.ID_FILES}, edition
    )
    illustrative = (tables["opt_in_roster"]["basis"] == "illustrative").any()
    sfys = tuple(sorted(tables["opt_in_roster"]["sfy"].unique()))
    (directory / "README.md").write_text(
        readme(release_id, edition, audit, illustrative, sfys, lineage), encoding="utf-8"
    )
    (directory / "CITATION.cff").write_text(citation_cff(release_id, edition), encoding="utf-8")
    write_json(directory / "audit.json", {**audit, "release_id": release_id})
    rows = {name: frames[t.name].height for t in fmt.TABLES for name in t.files}
    files = [
        {
            "path": name,
            "rows": rows.get(name),
            "bytes": (directory / name).stat().st_size,
            "sha256": fmt.sha256(directory / name),
        }
        for name in fmt.FILES
    ]
    manifest = {
        "release_id": release_id,
        **edition.manifest_fields(),
        **lineage.manifest_fields(),
        "periods": list(domain.periods_of(sfys)),
        "files": files,
    }
    write_json(directory / fmt.MANIFEST, manifest)
    return manifest


def staging_paths(target: Path) -> tuple[Path, Path]:
    """Return the temporary and backup directories next to the release directory."""
    return target.with_name(f".{target.name}.tmp"), target.with_name(f".{target.name}.previous")


def recover(target: Path) -> None:
    """Restore the previous release if an earlier build stopped between the two renames."""
    temporary, backup = staging_paths(target)
    if backup.exists() and not target.exists():
        backup.rename(target)
    shutil.rmtree(temporary, ignore_errors=True)
    shutil.rmtree(backup, ignore_errors=True)


def write_release(
    target: Path,
    tables: dict[str, pl.DataFrame],
    reference: dict[str, pl.DataFrame],
    audit: dict,
    edition: fmt.Edition,
    lineage: fmt.Lineage | None = None,
) -> dict:
    """Write and verify the release in a staging directory, then swap it in; return its manifest.

    The last good release stays in place on any failure, including a failed verification.
    """
    recover(target)
    temporary, backup = staging_paths(target)
    temporary.mkdir(parents=True)
    try:
        manifest = write_contents(
            temporary, {**tables, **reference}, audit, edition, lineage or fmt.Lineage()
        )
        os.sync()
        verify(temporary)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    if target.exists():
        target.rename(backup)
    temporary.rename(target)
    shutil.rmtree(backup, ignore_errors=True)
    return manifest
