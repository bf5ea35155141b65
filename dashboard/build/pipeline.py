"""The build: generate or read → validate → aggregate → suppress → audit → publish → write."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dashboard import domain, reference
from dashboard.build.aggregate import aggregate
from dashboard.build.publish import public_tables
from dashboard.build.release import write_release
from dashboard.disclosure.optimise import optimise
from dashboard.disclosure.relations import derive_relations
from dashboard.extract import schema, synth
from dashboard.release_format import EXTRACT_TAG, Edition

REAL_EXTRACT_TAG = EXTRACT_TAG


AUDIT_HINT = (
    "\nThe failing cells are not listed: they are small counts of the confidential extract. "
    "To see them on a trusted machine, run again with --show-failing-cells (never paste its "
    "output into a public log)."
)


PUBLIC_FIGURES = ("certificate seconds", "master seconds", "master status", "audit rounds")


class BuildError(RuntimeError):
    """The build stopped; the previous release is untouched."""


@dataclass
class BuildReport:
    """Stage timings and headline figures of one build."""

    stages: dict[str, float] = field(default_factory=dict)
    figures: dict[str, object] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str, on_stage: Callable[[str], None] | None) -> Iterator[None]:
        """Time one stage and announce it."""
        if on_stage:
            on_stage(name)
        start = time.perf_counter()
        yield
        self.stages[name] = time.perf_counter() - start


def load_reference(directory: Path) -> dict[str, pl.DataFrame]:
    """Return the counties, opt-in roster and population tables."""
    return {
        "counties": reference.load_counties(directory),
        "opt_in_roster": reference.load_roster(directory),
        "population": reference.load_population(directory),
    }


def assert_no_small_published(tables: dict[str, pl.DataFrame]) -> None:
    """Raise if any published count in any table lies in 1..10 (last guard before writing)."""
    cells = tables["cells"]
    small = cells.filter(pl.col("value").is_between(domain.SMALL_MIN, domain.SMALL_MAX))
    if small.height:
        raise BuildError(f"{small.height} published counts lie in 1-10; nothing was written")


def build(
    out: Path,
    extract_dir: Path | None = None,
    seed: int = synth.DEFAULT_SEED,
    scale: float = 1.0,
    reference_dir: Path = reference.REFERENCE_DIR,
    on_stage: Callable[[str], None] | None = None,
    show_failing_cells: bool = False,
    edition: Edition | None = None,
    fast: bool = False,
) -> BuildReport:
    """Run the whole build and write the release to `out`; return timings and figures.

    A failed audit names no cell (which cells are small is what suppression hides; build logs
    may be seen more widely than the extract), unless `show_failing_cells` asks for them.
    `fast` runs the time-limited optimiser (tests, development); the audit decides either way.
    """
    report = BuildReport()
    ref = load_reference(reference_dir)
    counties, roster = ref["counties"], ref["opt_in_roster"]
    if extract_dir is None:
        with report.stage("generate", on_stage):
            extract = synth.generate(
                seed=seed,
                scale=scale,
                counties=counties,
                roster=roster,
                population=ref["population"],
            )
        with report.stage("validate", on_stage):
            schema.validate(extract, counties, roster)
    else:
        with report.stage("read + validate", on_stage):
            extract = schema.read_extract(extract_dir, counties, roster)
    with report.stage("aggregate", on_stage):
        cells = aggregate(extract.reports, extract.youth, counties, roster)
    with report.stage("suppress + audit", on_stage):
        relations = derive_relations(cells, counties)
        outcome = optimise(cells, relations, fast=fast)
    suppressed, result = outcome.cells, outcome.report
    if not result.passed:
        details = result.format(cells=True) if show_failing_cells else AUDIT_HINT
        raise BuildError(result.plain_failure() + "\n" + details)
    with report.stage("publish + write", on_stage):
        source = domain.SYNTHETIC_TAG if extract_dir is None else REAL_EXTRACT_TAG
        tables = public_tables(suppressed, counties, roster, ref["population"], source)
        assert_no_small_published(tables)
        write_release(
            out, tables, ref, result.to_dict(), seed if extract_dir is None else None, edition
        )
    report.figures = {
        "reports": extract.reports.height,
        "youth": extract.youth.height,
        **{k: v for k, v in result.to_dict().items() if not isinstance(v, list | dict)},
        **{f"optimiser: {k}": v for k, v in outcome.figures.items() if k in PUBLIC_FIGURES},
    }
    return report
