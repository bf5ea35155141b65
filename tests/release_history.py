"""A kept release history for the web tests: an earlier release of six fiscal years and the
current one of seven that follows it, built from the hand-made fixture release (conftest) and
checked by the one verifier."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dashboard import domain
from dashboard import release_format as fmt
from dashboard.build import history
from dashboard.data.verify import verify

EARLIER_SFYS = domain.SFYS[:-1]
METHOD_NOTE = "Rates per 100,000 now use the Census Vintage 2019 estimates for every year."


@contextlib.contextmanager
def with_years(sfys: tuple[str, ...]) -> Iterator[None]:
    """Let the program's fiscal years be `sfys` for a while (the fixture builder follows
    domain.SFYS and domain.WINDOW)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(domain, "SFYS", sfys)
        patch.setattr(domain, "WINDOW", domain.window_of(sfys))
        patch.setattr(domain, "PERIODS", domain.periods_of(sfys))
        yield


def finish(
    out: Path,
    edition: fmt.Edition,
    sfys: tuple[str, ...],
    previous: Path | None,
    method_changes: tuple[str, ...] = (),
) -> dict:
    """Write CHANGES and the manifest (periods, lineage) of a built fixture release; return it."""
    from conftest import write_manifest

    cells = pl.read_parquet(out / "cells.parquet")
    before = pl.read_parquet(previous / "cells.parquet") if previous else None
    table = history.changes(cells, before, cells["data_source"][0])
    table.write_parquet(out / "CHANGES.parquet")
    table.write_csv(out / "CHANGES.csv")
    write_manifest(out, edition)
    manifest = json.loads((out / fmt.MANIFEST).read_text())
    previous_id = (
        json.loads((previous / fmt.MANIFEST).read_text())["release_id"] if previous else None
    )
    manifest |= {
        "periods": list(domain.periods_of(sfys)),
        **fmt.Lineage(previous_id, method_changes).manifest_fields(),
    }
    (out / fmt.MANIFEST).write_text(json.dumps(manifest, indent=2))
    verify(out)
    return manifest


def edit_reference(out: Path) -> None:
    """Change the opt-in roster and the population of a release a little (one row each)."""
    roster = pl.read_csv(out / "opt_in_roster.csv", schema_overrides={"county_fips": pl.String})
    first = roster.row(0, named=True)
    roster.with_columns(
        opted_in=pl.when(
            (pl.col("county_fips") == first["county_fips"]) & (pl.col("sfy") == first["sfy"])
        )
        .then(~pl.col("opted_in"))
        .otherwise(pl.col("opted_in"))
    ).write_csv(out / "opt_in_roster.csv")
    population = pl.read_csv(out / "population.csv", schema_overrides={"county_fips": pl.String})
    population.with_columns(
        population=pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.col("population") + 1000)
        .otherwise(pl.col("population"))
    ).write_csv(out / "population.csv")


def build_history(root: Path) -> dict[str, str | Path]:
    """Write an earlier release (six years) to root/releases/<id>, the current one (seven years,
    following it) to root/aggregates and the index; return the ids and directories."""
    from conftest import FIXTURE_EDITION, build_fixture_release

    history_dir = root / "releases"
    staging = root / "earlier"
    with with_years(EARLIER_SFYS):
        build_fixture_release(staging, seed=7)
    for name in ("opt_in_roster.csv", "population.csv"):  # its reference rows: its own years
        rows = pl.read_csv(staging / name, infer_schema_length=0)
        rows.filter(pl.col("sfy").is_in(EARLIER_SFYS)).write_csv(staging / name)
    earlier_edition = replace(
        FIXTURE_EDITION, extract_date=date(2025, 1, 5), release_date=date(2025, 1, 6)
    )
    earlier = finish(staging, earlier_edition, EARLIER_SFYS, None)
    earlier_dir = history_dir / earlier["release_id"]
    history_dir.mkdir(parents=True)
    staging.rename(earlier_dir)
    current_dir = root / "aggregates"
    build_fixture_release(current_dir)
    edit_reference(current_dir)
    current = finish(current_dir, FIXTURE_EDITION, domain.SFYS, earlier_dir, (METHOD_NOTE,))
    index = {
        "current": current["release_id"],
        "releases": [fmt.history_entry(current), fmt.history_entry(earlier)],
    }
    (history_dir / fmt.HISTORY_INDEX).write_text(json.dumps(index, indent=2))
    return {
        "current": current["release_id"],
        "earlier": earlier["release_id"],
        "release_dir": current_dir,
        "history_dir": history_dir,
    }
