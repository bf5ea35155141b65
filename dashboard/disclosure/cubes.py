"""The cell universe as a grid of axes, and balanced moves along them (hypercubes).

Cells are points of the product of the axes (measure, time, breakdown, geography); every
relation is a line along one axis. A balanced move along an axis is a signed set of at most
MAX_MOVE coordinates that keeps every line through it adding up; a cube is the product of one
balanced move per axis its cells' relations run along, so truth + t·signs keeps every relation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import sparse

from dashboard.disclosure.attacker import TOLERANCE
from dashboard.disclosure.relations import AXES, Relations

MAX_MOVE = 4  # coordinates in one balanced move along an axis
MAX_GRID = 20_000_000  # largest dense coordinate lookup (cells of the axes' product)


def balanced_moves(lines: tuple, start: int, size: int = MAX_MOVE) -> list[tuple]:
    """Return every signed set of at most `size` coordinates, +1 on `start`, balancing all lines.

    `lines` are ((coordinate, coefficient), ...) along one axis; a set is balanced when, in
    every line, the coefficients times the signs of its coordinates sum to zero.
    """
    members = [dict(line) for line in lines]
    lines_of: dict[int, list[int]] = defaultdict(list)
    for number, line in enumerate(members):
        for coordinate in line:
            lines_of[coordinate].append(number)
    found: set[tuple] = set()

    def grow(move: dict[int, int]) -> None:
        violation: dict[int, int] = defaultdict(int)
        for coordinate, sign in move.items():
            for number in lines_of[coordinate]:
                violation[number] += members[number][coordinate] * sign
        violated = {n: v for n, v in violation.items() if v}
        if not violated:
            found.add(tuple(sorted(move.items())))
            return
        room = size - len(move)
        if room <= 0 or max(abs(v) for v in violated.values()) > room:
            return
        line = min(violated, key=lambda n: (len(members[n]), n))
        direction = -1 if violated[line] > 0 else 1
        for coordinate in sorted(members[line]):
            if coordinate not in move:
                grow({**move, coordinate: direction * members[line][coordinate]})

    grow({start: 1})
    return sorted(found, key=lambda move: (len(move), move))


@dataclass(frozen=True)
class Cube:
    """Cells and signs: true values + t·signs keep every relation."""

    cells: np.ndarray
    signs: np.ndarray


class Grid:
    """Cells as points of the product of the axes; each relation is a line along one axis."""

    def __init__(self, relations: Relations) -> None:
        self.relations = relations
        self.columns = relations.matrix.tocsc()
        self.by_cell = sparse.csr_array(abs(relations.matrix).T)
        self.axis_of = relations.axis_ids
        keys = relations.keys
        self.coords = np.column_stack([axis_codes(keys, list(c)) for c in AXES.values()])
        shape = tuple(int(s) for s in self.coords.max(axis=0) + 1)
        self.usable = (
            relations.n_cells > 0
            and int(np.prod(shape)) <= MAX_GRID
            and bool((self.axis_of >= 0).all())
            and self.aligned()
        )
        self.lookup = np.full(shape if self.usable else (1,) * len(AXES), -1)
        if self.usable:
            self.lookup[tuple(self.coords.T)] = np.arange(relations.n_cells)
        self.slice_lines: dict[tuple, tuple] = {}
        self.moves: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def aligned(self) -> bool:
        """Return whether every relation's cells differ only along its own axis."""
        matrix = self.relations.matrix
        if not matrix.nnz:
            return True
        starts = matrix.indptr[:-1]
        coords = self.coords[matrix.indices]
        for axis in range(len(AXES)):
            low = np.minimum.reduceat(coords[:, axis], starts)
            high = np.maximum.reduceat(coords[:, axis], starts)
            if ((low != high) & (self.axis_of != axis)).any():
                return False
        return True

    def lines(self, axis: int, cell: int) -> tuple:
        """Return the lines along `axis` through the slice of `cell`, in axis coordinates."""
        key = (axis, *np.delete(self.coords[cell], axis).tolist())
        if key not in self.slice_lines:
            index = [int(c) for c in self.coords[cell]]
            index[axis] = slice(None)
            cells = self.lookup[tuple(index)]
            cells = cells[cells >= 0]
            relations = np.unique(self.by_cell[cells].indices)
            lines = []
            for relation in relations[self.axis_of[relations] == axis]:
                members, coefs = self.relations.members(relation)
                line = zip(
                    self.coords[members, axis].tolist(), coefs.astype(int).tolist(), strict=True
                )
                lines.append(tuple(sorted(line)))
            self.slice_lines[key] = tuple(sorted(lines))
        return self.slice_lines[key]

    def axis_moves(self, axis: int, cell: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the balanced moves from `cell` along `axis`, flat: (move id, coordinate, sign)."""
        lines = self.lines(axis, cell)
        key = (lines, int(self.coords[cell, axis]))
        if key not in self.moves:
            moves = balanced_moves(lines, key[1])
            ids = [i for i, move in enumerate(moves) for _ in move]
            entries = [entry for move in moves for entry in move]
            coordinates = np.array([c for c, _ in entries], dtype=np.int64)
            signs = np.array([s for _, s in entries], dtype=float)
            self.moves[key] = (np.array(ids, dtype=np.int64), coordinates, signs)
        return self.moves[key]

    def violated_axes(self, cube: Cube) -> tuple[set[int], int]:
        """Return the axes of the relations the cube unbalances, and one cell on such a line."""
        owner, relation, coefs = column_entries(self.columns, cube.cells)
        touched, position = np.unique(relation, return_inverse=True)
        residual = np.bincount(position, coefs * cube.signs[owner], minlength=touched.size)
        violated = touched[np.abs(residual) > TOLERANCE]
        if not violated.size:
            return set(), -1
        on_line = cube.cells[owner[relation == violated[0]]].min()
        return set(self.axis_of[violated].tolist()), int(on_line)

    def products(self, cube: Cube, axis: int, through: int) -> tuple[np.ndarray, ...]:
        """Return every cube × balanced move along `axis`: move ids, corner cells, signs."""
        ids, coordinates, signs = self.axis_moves(axis, through)
        corners = np.repeat(self.coords[cube.cells][None], len(ids), axis=0)
        corners[:, :, axis] = coordinates[:, None]
        cells = self.lookup[tuple(corners[..., a] for a in range(len(AXES)))]
        return ids, cells, signs[:, None] * cube.signs[None, :]


def column_entries(
    columns: sparse.csc_array, cells: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return every stored entry of the `cells` columns: position in `cells`, row, value."""
    starts = columns.indptr[cells]
    counts = columns.indptr[cells + 1] - starts
    offsets = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    return np.repeat(np.arange(len(cells)), counts), columns.indices[offsets], columns.data[offsets]


def axis_codes(keys: pl.DataFrame, columns: list[str]) -> np.ndarray:
    """Return a dense integer code per cell for the values of `columns`."""
    joined = keys.select(pl.concat_str(columns, separator="\x1f").alias("coordinate"))
    return (joined["coordinate"].rank("dense") - 1).to_numpy().astype(np.int64)
