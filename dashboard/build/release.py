"""Write the release directory atomically: data files, documents, audit summary, manifest."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import polars as pl

from dashboard import domain
from dashboard.build.dictionary import data_dictionary
from dashboard.build.release_docs import citation_cff, readme

DATA_TABLES = ("cells", "rates", "funnel_wide", "youth_wide", "demographics")
REFERENCE_TABLES = ("counties", "opt_in_roster", "population")


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_table(
    frame: pl.DataFrame, directory: Path, name: str, parquet: bool
) -> list[tuple[str, int]]:
    """Write one table as CSV (and Parquet); return (file name, rows) pairs."""
    frame.write_csv(directory / f"{name}.csv")
    written = [(f"{name}.csv", frame.height)]
    if parquet:
        frame.write_parquet(directory / f"{name}.parquet", compression="zstd", statistics=False)
        written.append((f"{name}.parquet", frame.height))
    return written


def release_id_of(directory: Path, files: list[tuple[str, int]]) -> str:
    """Return a short content id derived from the data files' checksums."""
    digest = hashlib.sha256("".join(sha256(directory / name) for name, _ in files).encode())
    return digest.hexdigest()[:12]


def write_json(path: Path, payload: dict) -> None:
    """Write JSON with sorted keys and a trailing newline (stable bytes)."""
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_contents(
    directory: Path,
    tables: dict[str, pl.DataFrame],
    reference: dict[str, pl.DataFrame],
    audit: dict,
    seed: int | None,
) -> None:
    """Write every file of the release into an empty directory."""
    files: list[tuple[str, int]] = []
    for name in DATA_TABLES:
        files += write_table(tables[name], directory, name, parquet=True)
    for name in REFERENCE_TABLES:
        files += write_table(reference[name], directory, name, parquet=False)
    release_id = release_id_of(directory, files)
    dictionary = data_dictionary({**{n: tables[n] for n in DATA_TABLES}, **reference})
    files += write_table(dictionary, directory, "data_dictionary", parquet=False)
    documents = {
        "README.md": readme(release_id, seed, audit),
        "CITATION.cff": citation_cff(release_id),
    }
    for name, text in documents.items():
        (directory / name).write_text(text, encoding="utf-8")
        files.append((name, text.count("\n")))
    write_json(directory / "audit.json", {"release_id": release_id, **audit})
    files.append(("audit.json", 0))
    write_json(
        directory / "manifest.json",
        {
            "release_id": release_id,
            "synthetic": seed is not None,
            "seed": seed,
            "notice": domain.SYNTHETIC_NOTICE if seed is not None else "",
            "periods": list(domain.PERIODS),
            "files": [
                {
                    "path": name,
                    "rows": rows,
                    "bytes": (directory / name).stat().st_size,
                    "sha256": sha256(directory / name),
                }
                for name, rows in sorted(files)
            ],
        },
    )


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
    seed: int | None,
) -> Path:
    """Write the release to a staging directory, then swap it in; the old release survives failures."""
    recover(target)
    temporary, backup = staging_paths(target)
    temporary.mkdir(parents=True)
    try:
        write_contents(temporary, tables, reference, audit, seed)
        os.sync()
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    if target.exists():
        target.rename(backup)
    temporary.rename(target)
    shutil.rmtree(backup, ignore_errors=True)
    return target
