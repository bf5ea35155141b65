"""Every additive identity an attacker can use, derived from the structure of the cell universe.

A relation says total = Σ parts over cells of the release. Relations are generated from the
cells themselves (whichever geographies, periods, measures and breakdowns are present), so a
new table, breakdown or grouping brings its relations with it. They are held as one sparse
matrix over a stable cell index: row r has +1 on its total and -1 on each part, and
`matrix @ true_values == 0` (not-opted-in cells count as 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import polars as pl
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from dashboard import domain

KEY = ("measure", "geo_level", "geo_id", "period", "breakdown", "category")
COUNTY = "county"
DOMAIN_ORDER: dict[str, tuple[str, ...]] = {
    "measure": tuple(m.id for m in domain.MEASURES),
    "geo_level": domain.GEO_LEVELS,
    "period": domain.PERIODS,
    "breakdown": (domain.TOTAL_BREAKDOWN, *domain.BREAKDOWNS),
    "category": (domain.ALL_CATEGORY, *(c for cs in domain.BREAKDOWNS.values() for c in cs)),
}
GEO_GROUPS = {"region": "region_id", "peer_group": "peer_group_id"}
# Each relation runs along one axis: its cells differ only in that axis's key columns.
AXES: dict[str, tuple[str, ...]] = {
    "geography": ("geo_level", "geo_id"),
    "time": ("period",),
    "measure": ("measure",),
    "breakdown": ("breakdown", "category"),
}


@dataclass(frozen=True)
class Relations:
    """Additive identities over a cell universe: `matrix @ values == 0` for the true values.

    Cell i is row i of `keys` (canonical order); relation r is row r of `matrix` (+1 on its
    total, -1 on each part); `kinds[r]` names the structure that produced it.
    """

    keys: pl.DataFrame
    matrix: sparse.csr_array
    kinds: np.ndarray

    @property
    def n_cells(self) -> int:
        """Number of cells in the universe."""
        return self.keys.height

    @property
    def n_relations(self) -> int:
        """Number of relations."""
        return self.matrix.shape[0]

    @cached_property
    def axis_ids(self) -> np.ndarray:
        """Return, per relation, the index of its axis in AXES (-1 for hand-made kinds)."""
        names = list(AXES)
        prefixes = [kind.split(":")[0] for kind in self.kinds]
        return np.array([names.index(p) if p in AXES else -1 for p in prefixes], dtype=np.int64)

    @cached_property
    def cell_components(self) -> np.ndarray:
        """Return, per cell, a label shared by exactly the cells a chain of relations links."""
        link = abs(self.matrix)
        graph = sparse.block_array([[None, link], [link.T, None]], format="csr")
        _, labels = connected_components(graph, directed=False)
        return labels[self.n_relations :]

    @cached_property
    def periods(self) -> np.ndarray:
        """Return each cell's period as a numpy array (for fast masks)."""
        return self.keys["period"].to_numpy()

    @cached_property
    def in_window(self) -> np.ndarray:
        """Return, per cell, whether its period is a whole window (not one fiscal year)."""
        return np.array([domain.is_window(p) for p in self.periods], dtype=bool)

    def members(self, relation: int) -> tuple[np.ndarray, np.ndarray]:
        """Return the cell indices of one relation and their coefficients (+1 total, -1 parts)."""
        start, end = self.matrix.indptr[relation], self.matrix.indptr[relation + 1]
        return self.matrix.indices[start:end], self.matrix.data[start:end]

    def index_of(self, cells: pl.DataFrame) -> np.ndarray:
        """Return the cell index of each row of `cells`; raise unless it is this very universe."""
        if cells.height != self.n_cells:
            raise ValueError(f"{cells.height} cells given for a universe of {self.n_cells}")
        indexed = self.keys.with_row_index("cell")
        joined = cells.select(KEY).join(indexed, on=list(KEY), how="left", maintain_order="left")
        index = joined["cell"]
        if index.null_count() or index.n_unique() != self.n_cells:
            raise ValueError("cells do not match the universe the relations were derived from")
        return index.to_numpy().astype(np.int64)

    def cell_key(self, cell: int) -> dict[str, str]:
        """Return the key of one cell as a dict."""
        return self.keys.row(int(cell), named=True)


def canonical_sort(frame: pl.DataFrame) -> pl.DataFrame:
    """Return `frame` sorted by the cell key: domain order where known, then text."""
    order: list[pl.Expr] = []
    for name in KEY:
        known = DOMAIN_ORDER.get(name)
        if known is not None:
            rank = pl.col(name).replace_strict(
                known, range(len(known)), default=len(known), return_dtype=pl.Int32
            )
            order.append(rank)
        order.append(pl.col(name))
    return frame.sort(order)


def relations_from_members(
    keys: pl.DataFrame, rows: Iterable[tuple[int, Sequence[int], str]]
) -> Relations:
    """Return Relations over `keys` (already canonical) from (total, parts, kind) rows."""
    row_ids: list[int] = []
    columns: list[int] = []
    coefficients: list[float] = []
    kinds: list[str] = []
    for relation, (total, parts, kind) in enumerate(rows):
        row_ids.extend([relation] * (len(parts) + 1))
        columns.extend([total, *parts])
        coefficients.extend([1.0] + [-1.0] * len(parts))
        kinds.append(kind)
    shape = (len(kinds), keys.height)
    matrix = sparse.csr_array((coefficients, (row_ids, columns)), shape=shape)
    matrix.sort_indices()
    return Relations(keys=keys, matrix=matrix, kinds=np.array(kinds, dtype=object))


def partition(totals: pl.DataFrame, parts: pl.DataFrame, on: list[str], kind: str) -> pl.DataFrame:
    """Return (total, parts, kind) rows: each total with the parts sharing its `on` key.

    `totals` carries `expected`, the number of parts a complete relation has; a total with some
    but not all of its parts present means the universe is malformed, and raises.
    """
    grouped = parts.group_by(on).agg(parts=pl.col("cell").sort(), found=pl.len())
    joined = totals.join(grouped, on=on, how="inner")
    incomplete = joined.filter(pl.col("found") != pl.col("expected"))
    if incomplete.height:
        example = incomplete.row(0, named=True)
        raise ValueError(f"incomplete {kind} relation (parts found != expected): {example}")
    return joined.select(total="cell", parts="parts", kind=pl.lit(kind)).sort("total")


def geography_relations(indexed: pl.DataFrame, counties: pl.DataFrame) -> list[pl.DataFrame]:
    """State, each region and each peer group = Σ of its counties, for every other key."""
    other = ["measure", "period", "breakdown", "category"]
    groups = counties.select(geo_id="county_fips", state=pl.lit(domain.STATE_FIPS), **GEO_GROUPS)
    county_cells = indexed.filter(pl.col("geo_level") == COUNTY).join(
        groups, on="geo_id", how="left"
    )
    unknown = county_cells.filter(pl.col("state").is_null())
    if unknown.height:
        raise ValueError(f"county cells outside the counties table: {unknown.row(0, named=True)}")
    out = []
    for level in ("state", *GEO_GROUPS):
        sizes = groups.group_by(level).agg(expected=pl.len())
        totals = (
            indexed.filter(pl.col("geo_level") == level)
            .select(pl.col("geo_id").alias(level), *other, "cell")
            .join(sizes, on=level, how="left")
            .with_columns(pl.col("expected").fill_null(0))
        )
        parts = county_cells.select(level, *other, "cell")
        out.append(partition(totals, parts, [level, *other], f"geography:{level}"))
    return out


def time_relations(indexed: pl.DataFrame) -> list[pl.DataFrame]:
    """Each whole window = Σ of the fiscal years present within it, for every other key.

    A universe may hold several windows (the union of successive releases: a longer window
    replaces a shorter one); each sums the years from its first to its last.
    """
    other = ["measure", "geo_level", "geo_id", "breakdown", "category"]
    periods = sorted(indexed["period"].unique())
    years = [p for p in periods if not domain.is_window(p)]
    out = []
    for window in (p for p in periods if domain.is_window(p)):
        first, last = window.split(domain.WINDOW_JOIN)
        within = [y for y in years if first <= y <= last]
        totals = indexed.filter(pl.col("period") == window).with_columns(
            expected=pl.lit(len(within), dtype=pl.UInt32)
        )
        parts = indexed.filter(pl.col("period").is_in(within))
        out.append(partition(totals, parts, other, "time"))
    return out


def measure_relations(indexed: pl.DataFrame) -> list[pl.DataFrame]:
    """Each measure-hierarchy total = Σ its child measures, wherever those cells exist."""
    other = ["geo_level", "geo_id", "period", "breakdown", "category"]
    out = []
    for name, children in domain.MEASURE_HIERARCHY.items():
        totals = indexed.filter(pl.col("measure") == domain.HIERARCHY_TOTAL[name]).with_columns(
            expected=pl.lit(len(children), dtype=pl.UInt32)
        )
        parts = indexed.filter(pl.col("measure").is_in(children))
        out.append(partition(totals, parts, other, f"measure:{name}"))
    return out


def breakdown_relations(indexed: pl.DataFrame) -> list[pl.DataFrame]:
    """Each total cell = Σ the categories of every breakdown present for it."""
    other = ["measure", "geo_level", "geo_id", "period"]
    totals = indexed.filter(pl.col("breakdown") == domain.TOTAL_BREAKDOWN)
    breakdowns = indexed.filter(pl.col("breakdown") != domain.TOTAL_BREAKDOWN)
    out = []
    for breakdown in sorted(breakdowns["breakdown"].unique()):
        parts = breakdowns.filter(pl.col("breakdown") == breakdown)
        expected = pl.lit(parts["category"].n_unique(), dtype=pl.UInt32)
        out.append(
            partition(
                totals.with_columns(expected=expected), parts, other, f"breakdown:{breakdown}"
            )
        )
    return out


def derive_relations(cells: pl.DataFrame, counties: pl.DataFrame) -> Relations:
    """Return every additive identity among `cells` (geography, time, measures, breakdowns).

    `counties` maps county_fips to region_id and peer_group_id; a period that is a whole window
    (domain.is_window) is the sum of the fiscal years within it.
    """
    keys = canonical_sort(cells.select(KEY))
    if keys.n_unique() != keys.height:
        raise ValueError("the cell universe has duplicate keys")
    indexed = keys.with_row_index("cell")
    frames = [
        *geography_relations(indexed, counties),
        *time_relations(indexed),
        *measure_relations(indexed),
        *breakdown_relations(indexed),
    ]
    rows = pl.concat(frames).iter_rows()
    return relations_from_members(keys, rows)
