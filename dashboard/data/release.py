"""Load a published release once per process, verified, and fail closed if anything is off."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from dashboard import domain
from dashboard import release_format as fmt
from dashboard.data.geographies import Geographies
from dashboard.data.verify import ReleaseError, verify

__all__ = ["Release", "ReleaseError", "current", "latest", "load", "select"]
GEO_COLUMNS = ("geo_level", "geo_id", "geo_name", "period")
CHOSEN = "csec_release"  # flask.g attribute: the release a request shows


@dataclass(frozen=True, eq=False)
class Release:
    """A verified release: every table of the format (as attributes), documents and lookups."""

    directory: Path
    manifest: dict
    tables: dict[str, pl.DataFrame] = field(repr=False)
    audit: dict
    readme: str
    citation: str
    geos: Geographies = field(repr=False)
    metrics: dict[str, pl.DataFrame] = field(repr=False)
    index: dict[tuple[str, str, str, str], tuple] = field(repr=False)

    def __getattr__(self, name: str) -> pl.DataFrame:
        """Return a table of the format by name (`release.cells`, `release.rates`, ...)."""
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def roster(self) -> pl.DataFrame:
        """Return the opt-in roster table."""
        return self.tables["opt_in_roster"]

    @property
    def release_id(self) -> str:
        """Return the release id (derived from the tables' checksums and the dates)."""
        return str(self.manifest["release_id"])

    @property
    def files(self) -> tuple[dict, ...]:
        """Return the manifest's file entries (path, rows, bytes, sha256)."""
        return tuple(self.manifest["files"])

    @property
    def synthetic(self) -> bool:
        """Return whether the release holds synthetic demonstration data (show the notice)."""
        return self.manifest["provenance"] == "synthetic"

    @property
    def notice(self) -> str | None:
        """Return the synthetic-data notice to show with every figure, or None for real data."""
        return domain.SYNTHETIC_NOTICE if self.synthetic else None

    @property
    def data_source(self) -> str:
        """Return the data_source tag of this release's rows (for chart CSVs built from them)."""
        return fmt.SOURCE_TAGS[self.manifest["provenance"]]

    @property
    def extract_date(self) -> date:
        """Return the date the records were extracted."""
        return date.fromisoformat(self.manifest["extract_date"])

    @property
    def release_date(self) -> date:
        """Return the date the release was built."""
        return date.fromisoformat(self.manifest["release_date"])

    @property
    def periods(self) -> tuple[str, ...]:
        """Return the release's own periods: its fiscal years, then their whole window."""
        return tuple(self.manifest["periods"])

    @property
    def sfys(self) -> tuple[str, ...]:
        """Return the release's fiscal years, in order (an earlier release may have fewer)."""
        return tuple(p for p in self.periods if not domain.is_window(p))

    @property
    def window(self) -> str:
        """Return the id of the release's whole window ("2015-16 to 2021-22")."""
        return domain.window_of(self.sfys)

    @property
    def previous_release_id(self) -> str | None:
        """Return the id of the release this one follows, or None for a first release."""
        return self.manifest.get("previous_release_id")

    @property
    def method_changes(self) -> tuple[str, ...]:
        """Return the maintainers' notes on changes of method since the previous release."""
        return tuple(self.manifest.get("method_changes") or ())

    @property
    def url(self) -> str | None:
        """Return where the release is published (as its citation gives it); None if nowhere."""
        return self.manifest["url"]

    @property
    def data_license(self) -> str:
        """Return the SPDX id of the data licence."""
        return str(self.manifest["data_license"])

    @property
    def code_license(self) -> str:
        """Return the SPDX id of the licence of the code that built the release."""
        return str(self.manifest["code_license"])

    def __repr__(self) -> str:
        return f"Release({self.release_id})"


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


@functools.lru_cache(maxsize=4)
def load(directory: Path) -> Release:
    """Return the verified release in `directory`; raise ReleaseError if it must not be served."""
    directory = Path(directory)
    verified = verify(directory)
    tables = verified.tables
    metrics = metric_frames(tables["cells"], tables["rates"])
    return Release(
        directory=directory,
        manifest=verified.manifest,
        tables=tables,
        audit=verified.audit,
        readme=verified.documents["README.md"],
        citation=verified.documents["CITATION.cff"],
        geos=Geographies(tables["counties"]),
        metrics=metrics,
        index=metric_index(metrics),
    )


def latest() -> Release:
    """Return the current (newest) release of the Flask app handling this request."""
    from flask import current_app

    return load(Path(current_app.config["CSEC_RELEASE_DIR"]))


def current() -> Release:
    """Return the release this request shows: the kept release a link chose, else the latest."""
    from flask import g, has_app_context

    chosen = g.get(CHOSEN) if has_app_context() else None
    return chosen if chosen is not None else latest()


def select(rel: Release) -> None:
    """Make `rel` the release this request shows (set where a view's release is parsed)."""
    from flask import g

    setattr(g, CHOSEN, rel)
