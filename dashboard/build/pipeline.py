"""The build: generate or read → validate → aggregate → suppress → audit → publish → write."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from dashboard import domain, reference
from dashboard import release_format as fmt
from dashboard.build import history
from dashboard.build.aggregate import CELL_KEY, cell_universe, year_cells
from dashboard.build.publish import public_tables
from dashboard.build.release import edition_of, write_release
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


CHANGELOG = Path("docs/method-changes.md")
PUBLIC_FIGURES = (
    "certificate seconds",
    "master seconds",
    "master status",
    "audit rounds",
    "publish-back audit passed",
)


class BuildError(RuntimeError):
    """The build stopped; the previous release is untouched."""


@dataclass
class BuildReport:
    """Stage timings and headline figures of one build."""

    stages: dict[str, float] = field(default_factory=dict)
    figures: dict[str, object] = field(default_factory=dict)
    changes: pl.DataFrame | None = None

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


def through_year(ref: dict[str, pl.DataFrame], through: str | None) -> dict[str, pl.DataFrame]:
    """Return the reference tables cut to the fiscal years up to `through` (default: all)."""
    through = through or domain.SFYS[-1]
    if through not in domain.SFYS:
        raise BuildError(
            f"--through must be a fiscal year from {domain.SFYS[0]} to {domain.SFYS[-1]}"
        )
    in_release = pl.col("sfy") <= through
    return {
        "counties": ref["counties"],
        "opt_in_roster": ref["opt_in_roster"].filter(in_release),
        "population": ref["population"].filter(in_release),
    }


def assert_no_small_published(tables: dict[str, pl.DataFrame]) -> None:
    """Raise if any published count in any table lies in 1..10 (last guard before writing)."""
    cells = tables["cells"]
    small = cells.filter(pl.col("value").is_between(domain.SMALL_MIN, domain.SMALL_MAX))
    if small.height:
        raise BuildError(f"{small.height} published counts lie in 1-10; nothing was written")


def load_history(places: history.Places | None) -> list[history.Kept]:
    """Return the kept releases the new one follows (none without a history)."""
    if places is None:
        return []
    try:
        return history.load_kept(places)
    except history.HistoryError as error:
        raise BuildError(str(error)) from error


def same_dates(manifest: dict, edition: Edition) -> bool:
    """Return whether a kept release has the edition's extract and release dates."""
    return (manifest["extract_date"], manifest["release_date"]) == (
        edition.extract_date.isoformat(),
        edition.release_date.isoformat(),
    )


def lineage_of(kept: list[history.Kept], edition: Edition, changelog: Path | None) -> fmt.Lineage:
    """Return the new release's place in the history and the method notes since the last one."""
    if not kept:
        return fmt.Lineage()
    previous = kept[0].manifest
    notes = history.method_changes(
        changelog or CHANGELOG, previous["release_date"], edition.release_date.isoformat()
    )
    return fmt.Lineage(previous["release_id"], notes)


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
    through: str | None = None,
    places: history.Places | None = None,
    dry_run: bool = False,
    changelog: Path | None = None,
) -> BuildReport:
    """Run the whole build and write the release to `out`; return timings and figures.

    A failed audit names no cell (which cells are small is what suppression hides; build logs
    may be seen more widely than the extract), unless `show_failing_cells` asks for them.
    `fast` runs the time-limited optimiser (tests, development); the audit decides either way.
    `through` is the last fiscal year the release covers. With `places`, the release continues
    the kept history there (frozen earlier years, joint audit, archive, index); `dry_run`
    reports what would change and the joint audit's verdict, and writes nothing.
    """
    report = BuildReport()
    full = load_reference(reference_dir)
    ref = through_year(full, through)
    counties, roster = ref["counties"], ref["opt_in_roster"]
    if extract_dir is None:
        with report.stage("generate", on_stage):
            extract = synth.generate(
                seed=seed,
                scale=scale,
                counties=counties,
                roster=full["opt_in_roster"],
                population=full["population"],
            )
        with report.stage("validate", on_stage):
            schema.validate(extract, counties, full["opt_in_roster"])
    else:
        with report.stage("read + validate", on_stage):
            extract = schema.read_extract(extract_dir, counties, full["opt_in_roster"])
    kept = load_history(places)
    with report.stage("aggregate", on_stage):
        years = year_cells(extract.reports, extract.youth, counties, roster)
        try:
            years = history.successor_years(years, kept)
        except history.HistoryError as error:
            raise BuildError(str(error)) from error
        cells = history.with_frozen_statuses(cell_universe(years), kept)
    with report.stage("suppress + audit", on_stage):
        union = history.union_universe(cells, kept)
        outcome = optimise(union, derive_relations(union, counties), fast=fast)
    suppressed = cells.select(CELL_KEY).join(
        outcome.cells, on=list(CELL_KEY), how="left", maintain_order="left"
    )
    result = outcome.report
    if not result.passed:
        details = result.format(cells=True) if show_failing_cells else AUDIT_HINT
        raise BuildError(result.plain_failure() + "\n" + details)
    with report.stage("publish + write", on_stage):
        source = domain.SYNTHETIC_TAG if extract_dir is None else REAL_EXTRACT_TAG
        tables = public_tables(suppressed, counties, roster, ref["population"], source)
        previous = kept[0].cells if kept else None
        tables["changes"] = history.changes(tables["cells"], previous, source)
        assert_no_small_published(tables)
        edition = edition or edition_of(seed if extract_dir is None else None)
        lineage = lineage_of(kept, edition, changelog)
        report.figures["changes"] = dict(tables["changes"]["change"].value_counts().rows())
        report.changes = (
            tables["changes"].group_by("change", "period", "geo_level").len().sort(pl.all())
        )
        if kept and not tables["changes"].height and same_dates(kept[0].manifest, edition):
            report.figures["unchanged"] = kept[0].release_id
        elif not dry_run:
            if places is not None:
                history.archive_current(places, kept)
            audit = {**result.to_dict(), "releases_audited_together": len(kept) + 1}
            manifest = write_release(out, tables, ref, audit, edition, lineage)
            if places is not None:
                history.record(places, manifest, years, kept)
    report.figures |= {
        "reports": extract.reports.height,
        "youth": extract.youth.height,
        **{k: v for k, v in result.to_dict().items() if not isinstance(v, list | dict)},
        **{f"optimiser: {k}": v for k, v in outcome.figures.items() if k in PUBLIC_FIGURES},
    }
    return report
