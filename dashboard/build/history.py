"""Successive releases: the kept history, each release's confidential true counts, and the
frozen-period rule that makes a new release safe together with every earlier one.

Rule (docs/disclosure-control.md, "Successive releases"): a fiscal year, once published, is
republished unchanged (same true counts, same statuses); a new release adds fiscal years and
a longer whole window, and is suppressed and audited over the union of its cells and every
kept release's cells. Because shared cells are identical, the union is one consistent table
and the ordinary audit proves it.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dashboard import domain
from dashboard import release_format as fmt
from dashboard.build.aggregate import CELL_KEY, cell_universe
from dashboard.data.verify import ReleaseError, verify

YEARS_FILE = "years.parquet"
YEARS_SCHEMA = {**{k: pl.String() for k in CELL_KEY}, "value": pl.Int64()}


class HistoryError(RuntimeError):
    """The release history cannot be continued as asked; nothing was written."""


@dataclass(frozen=True)
class Places:
    """Where the history lives: the current release, the earlier ones, the confidential store."""

    release_dir: Path
    history_dir: Path
    confidential_dir: Path


@dataclass(frozen=True)
class Kept:
    """One kept release: its manifest, its published cells and its true counts by year."""

    manifest: dict
    cells: pl.DataFrame
    years: pl.DataFrame

    @property
    def release_id(self) -> str:
        """Return the release id."""
        return str(self.manifest["release_id"])

    @property
    def sfys(self) -> tuple[str, ...]:
        """Return the fiscal years the release covers."""
        return tuple(p for p in self.manifest["periods"] if not domain.is_window(p))

    def truth(self) -> pl.DataFrame:
        """Return the release's cell universe: true values with its published statuses."""
        statuses = self.cells.select(*CELL_KEY, "status")
        universe = cell_universe(self.years).drop("status")
        return universe.join(statuses, on=list(CELL_KEY), how="left", maintain_order="left")


def years_path(places: Places, release_id: str) -> Path:
    """Return where the true year cells of a release are kept (never published)."""
    return places.confidential_dir / release_id / YEARS_FILE


def load_kept(places: Places) -> list[Kept]:
    """Return every kept release, newest first, each verified and with its true counts."""
    history = read_index(places)
    kept = []
    for entry in history["releases"]:
        directory = fmt.release_directory(
            entry["release_id"], history, places.release_dir, places.history_dir
        )
        try:
            verified = verify(directory)
        except ReleaseError as error:
            message = f"kept release {entry['release_id']} fails verification: {error}"
            raise HistoryError(message) from error
        if verified.manifest["release_id"] != entry["release_id"]:
            raise HistoryError(f"{directory} does not hold release {entry['release_id']}")
        path = years_path(places, entry["release_id"])
        if not path.exists():
            raise HistoryError(
                f"the confidential record of release {entry['release_id']} ({path}) is missing: "
                "a new release must be audited with every earlier one, which needs their true "
                "counts. Restore it from the build machine's backup, or start a new history "
                "(csec build --new-history) if no earlier release was ever published."
            )
        item = Kept(verified.manifest, verified.tables["cells"], pl.read_parquet(path))
        check_truth(item)
        kept.append(item)
    return kept


def read_index(places: Places) -> dict:
    """Return the history index, or raise HistoryError if it is unreadable."""
    try:
        return fmt.read_history(places.history_dir)
    except (ValueError, OSError) as error:
        raise HistoryError(str(error)) from error


def check_truth(kept: Kept) -> None:
    """Raise unless the kept true counts give exactly the published values of the release."""
    truth = kept.truth()
    if truth["status"].null_count():
        raise HistoryError(f"the confidential record of {kept.release_id} has other cells")
    shown = truth.filter(pl.col("status") == domain.PUBLISHED)
    published = kept.cells.filter(pl.col("status") == domain.PUBLISHED).select(*CELL_KEY, "value")
    joined = shown.join(published, on=list(CELL_KEY), suffix="_published")
    if joined.height != published.height or (joined["value"] != joined["value_published"]).any():
        raise HistoryError(
            f"the confidential record of release {kept.release_id} does not match its "
            "published values"
        )


def successor_years(new_years: pl.DataFrame, kept: list[Kept]) -> pl.DataFrame:
    """Return the year cells of the next release: the kept years frozen, then new years only."""
    if not kept:
        return new_years
    old = kept[0].years
    old_sfys = kept[0].sfys
    new_sfys = sorted(set(new_years["period"].unique()) - set(old_sfys))
    if any(sfy < old_sfys[-1] for sfy in new_sfys) or not set(old_sfys) <= set(
        new_years["period"].unique()
    ):
        raise HistoryError(
            "a new release can only add fiscal years after the last one published "
            f"({old_sfys[-1]}); the extract covers {sorted(new_years['period'].unique())}"
        )
    added = new_years.filter(pl.col("period").is_in(new_sfys))
    return pl.concat([old, added]).select(*CELL_KEY, "value")


def with_frozen_statuses(cells: pl.DataFrame, kept: list[Kept]) -> pl.DataFrame:
    """Return `cells` with every cell a kept release has taking that release's status, and a
    new whole window hidden wherever the window it replaces was hidden (else the difference
    of the two windows, the new years, would give the hidden one away)."""
    if not kept:
        return cells
    earlier = pl.concat([k.cells.select(*CELL_KEY, "status") for k in kept]).unique(
        subset=list(CELL_KEY), keep="first", maintain_order=True
    )
    window = domain.window_of(
        tuple(sorted(p for p in cells["period"].unique() if not domain.is_window(p)))
    )
    hidden_windows = (
        earlier.filter(
            pl.col("period").str.contains(domain.WINDOW_JOIN, literal=True)
            & (pl.col("status") == domain.SUPPRESSED)
        )
        .with_columns(period=pl.lit(window))
        .unique(subset=list(CELL_KEY))
    )
    earlier = pl.concat([earlier, hidden_windows]).unique(
        subset=list(CELL_KEY), keep="first", maintain_order=True
    )
    joined = cells.join(earlier, on=list(CELL_KEY), how="left", suffix="_kept")
    return joined.with_columns(pl.coalesce("status_kept", "status").alias("status")).drop(
        "status_kept"
    )


def union_universe(cells: pl.DataFrame, kept: list[Kept]) -> pl.DataFrame:
    """Return the cells of the new release plus every kept release's cells it does not have
    (earlier, shorter windows), with true values and statuses: what the attacker holds."""
    extra = [k.truth() for k in kept]
    union = pl.concat([cells, *extra]).unique(subset=list(CELL_KEY), keep="first")
    return union.sort(list(CELL_KEY))


def changes(new_cells: pl.DataFrame, previous: pl.DataFrame | None, source: str) -> pl.DataFrame:
    """Return the changes table: cells new, removed, or changed in value or status."""
    table = fmt.TABLE_BY_NAME["changes"]
    columns = [*CELL_KEY, "geo_name", "value", "status"]
    if previous is None:
        return pl.DataFrame(schema=table.schema)
    joined = new_cells.select(columns).join(
        previous.select(columns), on=list(CELL_KEY), how="full", coalesce=True, suffix="_previous"
    )
    change = (
        pl.when(pl.col("status_previous").is_null())
        .then(pl.lit("new"))
        .when(pl.col("status").is_null())
        .then(pl.lit("removed"))
        .when(pl.col("status") != pl.col("status_previous"))
        .then(pl.lit("status"))
        .when(pl.col("value").ne_missing(pl.col("value_previous")))
        .then(pl.lit("value"))
    )
    out = joined.with_columns(
        change=change,
        geo_name=pl.coalesce("geo_name", "geo_name_previous"),
        data_source=pl.lit(source),
    ).filter(pl.col("change").is_not_null())
    out = out.rename({"value_previous": "previous_value", "status_previous": "previous_status"})
    return out.select(table.schema.keys()).cast(table.schema).sort(list(CELL_KEY))


def method_changes(changelog: Path, after: str | None, until: str) -> tuple[str, ...]:
    """Return the maintainers' method notes dated after `after` and up to `until` (yyyy-mm-dd).

    The changelog has one `## yyyy-mm-dd` heading per change date and `- ` items under it
    (an item may go on over indented lines).
    """
    if after is None or not changelog.exists():
        return ()
    notes: list[str] = []
    dated, item = None, False
    for line in changelog.read_text(encoding="utf-8").splitlines():
        wanted = dated is not None and after < dated <= until
        if line.startswith("## "):
            dated, item = line[3:].strip(), False
        elif line.startswith("- ") and wanted:
            notes.append(line[2:].strip())
            item = True
        elif line.startswith("  ") and item and wanted:
            notes[-1] += " " + line.strip()
        else:
            item = False
    return tuple(notes)


def archive_current(places: Places, kept: list[Kept]) -> None:
    """Copy the current release into the history directory under its id (if not there yet)."""
    if not kept:
        return
    target = places.history_dir / kept[0].release_id
    if target.exists():
        return
    staging = places.history_dir / f".{kept[0].release_id}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(places.release_dir, staging)
    staging.rename(target)


def record(places: Places, manifest: dict, years: pl.DataFrame, kept: list[Kept]) -> None:
    """Keep the new release's true counts (confidential) and name it current in the index."""
    path = years_path(places, manifest["release_id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".tmp")
    years.select(*CELL_KEY, "value").cast(YEARS_SCHEMA).write_parquet(staging)
    staging.replace(path)
    entries = [fmt.history_entry(manifest), *(fmt.history_entry(k.manifest) for k in kept)]
    index = {"current": manifest["release_id"], "releases": entries}
    places.history_dir.mkdir(parents=True, exist_ok=True)
    staging = places.history_dir / f".{fmt.HISTORY_INDEX}.tmp"
    staging.write_text(json.dumps(index, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(staging, places.history_dir / fmt.HISTORY_INDEX)


def start_new(places: Places) -> None:
    """Forget the history: its index, its earlier releases and their confidential records."""
    (places.history_dir / fmt.HISTORY_INDEX).unlink(missing_ok=True)
    for child in places.history_dir.glob("*") if places.history_dir.exists() else ():
        if child.is_dir():
            shutil.rmtree(child)
    shutil.rmtree(places.confidential_dir, ignore_errors=True)
