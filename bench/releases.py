"""Joint suppression + audit of successive releases: 2, 4 and 8 releases of the demo extract.

The base release covers 2015-16 to 2020-21. Each later release comes from the extract with a
small perturbation of a closed year (one at-risk young person dropped in a different small
county-year, or one late report added); the last of each history also appends 2021-22. Every
successor is suppressed and audited jointly with all the releases before it (the frozen-year
rule, docs/disclosure-control.md). Prints, per history length, the joint suppression + audit
seconds of the successors (min and median over the repeats) and the load average.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from dashboard import domain
from dashboard import release_format as fmt
from dashboard.build import history
from dashboard.build.pipeline import build, load_reference
from dashboard.extract import synth
from dashboard.reference import REFERENCE_DIR

STAGE = "suppress + audit"
BASE_DATE = date(2026, 1, 5)


def edition(step: int) -> fmt.Edition:
    """Return the edition of the step-th release of a history (a week apart)."""
    day = BASE_DATE + timedelta(weeks=step)
    return fmt.Edition("extract", day, day, "https://data.example.gov/csec/")


def demo_extract(directory: Path) -> Path:
    """Write the demo extract as an extract directory."""
    ref = load_reference(REFERENCE_DIR)
    extract = synth.generate(
        counties=ref["counties"], roster=ref["opt_in_roster"], population=ref["population"]
    )
    return synth.write_extract(extract, directory)


def perturbed(source: Path, target: Path, step: int) -> Path:
    """Return a copy of the extract with one closed-year change (which one depends on step)."""
    shutil.copytree(source, target)
    youth = pl.read_parquet(target / "youth.parquet")
    reports = pl.read_parquet(target / "reports.parquet")
    if step % 2:
        at_risk = youth.with_row_index("row").filter(pl.col("csec_status") == "at_risk")
        dropped = at_risk["row"][(step * 7919) % at_risk.height]
        youth = youth.with_row_index("row").filter(pl.col("row") != dropped).drop("row")
    else:
        late = reports.slice(step * 101, 1)
        late = late.with_columns(report_id=pl.col("report_id").cast(pl.String) + f"-late{step}")
        reports = pl.concat([reports, late.cast(reports.schema)])
    youth.write_parquet(target / "youth.parquet")
    reports.write_parquet(target / "reports.parquet")
    return target


def places(root: Path) -> history.Places:
    """Return the history places under one directory."""
    return history.Places(root / "aggregates", root / "releases", root / "confidential")


def base_history(extract: Path, root: Path, fast: bool) -> tuple[Path, float]:
    """Build the one-release base history; return its directory and suppression seconds."""
    where = places(root)
    report = build(
        where.release_dir,
        extract_dir=extract,
        edition=edition(0),
        fast=fast,
        through=domain.SFYS[-2],
        places=where,
    )
    return root, report.stages[STAGE]


def successors(base: Path, extract: Path, work: Path, n_releases: int, fast: bool) -> float:
    """Build releases 2..n on a copy of the base history; return their joint seconds."""
    root = work / f"history-{n_releases}"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(base, root)
    where = places(root)
    seconds = 0.0
    for step in range(1, n_releases):
        last = step == n_releases - 1
        source = perturbed(extract, work / f"extract-{n_releases}-{step}", step)
        report = build(
            where.release_dir,
            extract_dir=source,
            edition=edition(step),
            fast=fast,
            through=domain.SFYS[-1] if last else domain.SFYS[-2],
            places=where,
        )
        shutil.rmtree(source)
        if not report.figures["passed"]:
            raise RuntimeError(f"release {step + 1} of {n_releases} failed its joint audit")
        seconds += report.stages[STAGE]
    kept = fmt.read_history(where.history_dir)["releases"]
    if len(kept) != n_releases:
        raise RuntimeError(f"expected {n_releases} kept releases, found {len(kept)}")
    return seconds


def run(lengths: tuple[int, ...] = (2, 4, 8), repeats: int = 3, fast: bool = False) -> None:
    """Print the joint suppression + audit time of each history length."""
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        extract = demo_extract(work / "extract")
        base, base_seconds = base_history(extract, work / "base", fast)
        mode = "fast" if fast else "full"
        print(f"\nSuccessive releases ({mode} optimiser; load {os.getloadavg()[0]:.2f})")
        print(f"  base release (2015-16 to 2020-21, audited alone): {base_seconds:.1f} s")
        print("  releases | joint suppression + audit of releases 2..n: min  median | load")
        for n_releases in lengths:
            times = [successors(base, extract, work, n_releases, fast) for _ in range(repeats)]
            print(
                f"  {n_releases:8d} | {min(times):39.1f} s {statistics.median(times):6.1f} s"
                f" | {os.getloadavg()[0]:.2f}"
            )
