"""Primary and complementary cell suppression, closed by the LP audit (see disclosure.md).

1. Primary: every count from 1 to 10 is hidden, at every level. Zeros are published and never
   used as complements, so every hidden cell is known to be >= 1.
2. Hypercubes (smallest primaries first): a cube is a set of cells with signs, the product of
   one balanced move along each axis the cell's relations run along (measure, time,
   breakdown, geography), so that truth + t·signs keeps every relation. It is built axis by
   axis (the geographic partner last), each axis taking its cheapest move that still lets the
   primary reach 11 under model A and move by 2 under model B; then it is hidden. A cube is a
   proof, not a guess: its moved values are a feasible solution, kept as a witness
   (audit.Prover) for every cell it moves.
3. Line rules, to a fixpoint: in every relation read alone, a hidden cell is never alone, a
   primary can still reach 11 (model A) and keeps an interval 2 wide (model B). They
   generalise the DDG rules (two hidden cells; hidden sum >= 11; not all hidden <= 3); the
   complement is chosen by tier, then by the fixed cost order below.
4. The audit's shared LPs settle the primaries that the hidden cells already protect
   together; cubes found with backtracking, then LP directions (the cheapest movement of
   published cells, hidden cells moving for free), protect the rest.
5. The exhaustive audit; a cell that still fails gets one complement in its most binding
   relation (largest dual), and 3-5 run again.

Tiers of complements: county-level cells (and statewide breakdowns) first; then region and
peer-group cells, the benchmarks of the county pages; statewide totals, the headline
figures, last. Steps 2-4 run with county-level complements only, then again with region and
peer-group cells too for the primaries still unprotected; statewide totals become
complements only in the LPs of single cells and in step 5, when no lower tier protects the
cell. Within a tier, the cost order: values >= 13 first (a complement of 11 or 12 cannot
move down under model B, so a 1 beside it stays pinned), then the fewest new cells, then
the smallest values, then the canonical cell index. Everything is deterministic. A pattern
that already passes the line rules and the audit (but for cells no suppression can protect,
which the audit reports) is returned unchanged: suppress(suppress(x)) == suppress(x).
Timings and economy against a naive baseline: bench/suppress.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from itertools import product

import numpy as np
import polars as pl
from scipy import sparse
from scipy.optimize import linprog

from dashboard import domain
from dashboard.build.audit import (
    MIN_WIDTH,
    SAFE_MAX,
    TOLERANCE,
    Failure,
    Prover,
    attacker_system,
)
from dashboard.build.relations import AXES, Relations

PRIMARY = "primary"
COMPLEMENTARY = "complementary"
PREFERRED_COMPLEMENT = 13
COUNT = "count"
INPUT_STATUSES = (COUNT, domain.PUBLISHED, domain.SUPPRESSED, domain.NOT_OPTED_IN)
CUBE_AXIS_ORDER = ("measure", "time", "breakdown", "geography")  # the partner is chosen last
MAX_MOVE = 4  # cells in one balanced move along an axis
GREEDY = 1  # moves tried per axis on the first pass (backtracking there hides more cells)
BACKTRACKING = 4  # moves tried per axis for the primaries the first pass left unproven
LP_REWARD = 1e4  # LP value of one unit of protection: above any cost, so coverage comes first
HIDDEN_COST = 1e-4  # LP cost of moving an already hidden cell
COUNTY_TIER, GROUP_TIER, HEADLINE_TIER = 0, 1, 2  # complement tiers, most preferred first
TIERS = (COUNTY_TIER, GROUP_TIER, HEADLINE_TIER)
GROUP_LEVELS = ("region", "peer_group")  # benchmarks: complements only if no county cell works
HEADLINE_LEVEL = "state"  # statewide totals: complements only when nothing else protects
MAX_GRID = 20_000_000  # largest dense coordinate lookup (cells of the axes' product)
COST_PER_DECADE = 1.0  # a published cell ten times bigger costs one more cell


@dataclass
class Pattern:
    """The suppression state: true values by cell index and which cells are hidden."""

    values: np.ndarray
    counted: np.ndarray
    primary: np.ndarray
    hidden: np.ndarray
    tier: np.ndarray

    @classmethod
    def from_cells(cls, cells: pl.DataFrame, index: np.ndarray, tier: np.ndarray) -> Pattern:
        """Read values and statuses; cells already 'suppressed' start hidden.

        `tier` ranks cells as complements: a higher tier only when no lower one protects.
        """
        unknown = set(cells["status"].unique()) - set(INPUT_STATUSES)
        if unknown:
            raise ValueError(f"unexpected statuses: {sorted(unknown)}")
        n = len(index)
        status = np.empty(n, dtype=object)
        status[index] = cells["status"].to_numpy()
        raw = np.full(n, np.nan)
        raw[index] = cells["value"].cast(pl.Float64).fill_null(np.nan).to_numpy()
        counted = status != domain.NOT_OPTED_IN
        if np.isnan(raw[counted]).any():
            raise ValueError("every count needs its true value (null only when not opted in)")
        values = np.where(counted, raw, 0.0)
        if (values < 0).any():
            raise ValueError("counts cannot be negative")
        hidden = status == domain.SUPPRESSED
        if (hidden & (values == 0)).any():
            raise ValueError("a zero is published, never suppressed")
        primary = counted & (values >= domain.SMALL_MIN) & (values <= domain.SMALL_MAX)
        return cls(values, counted, primary, hidden | primary, tier)

    def may_move(self, max_tier: int) -> np.ndarray:
        """Return the cells a protection may move: hidden ones, and non-zero counts up to a tier."""
        return self.hidden | (self.counted & (self.values > 0) & (self.tier <= max_tier))

    def bounds_b(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Model B bounds: primaries [1, 10], every other hidden cell [11, inf)."""
        primary = self.primary[cells]
        low = np.where(primary, 1.0, float(SAFE_MAX))
        high = np.where(primary, float(domain.SMALL_MAX), np.inf)
        return low, high


def record_direction(prover: Prover, pattern: Pattern, cells: np.ndarray, step: np.ndarray):
    """Record the end points of truth ± t·step (as far as models A and B allow) as witnesses."""
    values = pattern.values[cells]
    low_b, high_b = pattern.bounds_b(cells)
    for direction in (step, -step):
        falling, rising = direction < -TOLERANCE, direction > TOLERANCE
        reach_a = ray_length(values[falling] - 1.0, -direction[falling])
        prover.record_a(cells[rising], values[rising] + reach_a * direction[rising])
        reach_b = min(
            ray_length(values[falling] - low_b[falling], -direction[falling]),
            ray_length(high_b[rising] - values[rising], direction[rising]),
        )
        moved = rising | falling
        prover.record_b(cells[moved], values[moved] + reach_b * direction[moved])


def ray_length(room: np.ndarray, speed: np.ndarray) -> float:
    """Return how far a ray can go when each bound has `room` left and is used at `speed`."""
    return float((room / speed).min()) if room.size else np.inf


class Lines:
    """The relations as flat (relation, cell, coefficient) entries, for the line rules."""

    def __init__(self, relations: Relations) -> None:
        matrix = relations.matrix
        self.relations = relations
        self.rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        self.cols = matrix.indices.astype(np.int64)
        self.coefs = matrix.data
        self.by_cell = sparse.csr_array(abs(matrix).T)

    def per_relation(self, weights: np.ndarray) -> np.ndarray:
        """Return the sum of per-entry weights in each relation."""
        return np.bincount(self.rows, weights, minlength=self.relations.n_relations)

    def relations_of(self, cell: int) -> np.ndarray:
        """Return the relations a cell belongs to."""
        return self.by_cell.indices[self.by_cell.indptr[cell] : self.by_cell.indptr[cell + 1]]

    def local_interval(
        self, pattern: Pattern, low: np.ndarray, high: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return, per entry, the interval of a hidden cell allowed by its relation read alone."""
        hidden = pattern.hidden[self.cols]
        coefs = self.coefs
        constant = -self.per_relation(np.where(hidden, 0.0, coefs * pattern.values[self.cols]))
        others_low = self.others(np.where(coefs > 0, low, -high), hidden, -np.inf)
        others_high = self.others(np.where(coefs > 0, high, -low), hidden, np.inf)
        term_low = constant[self.rows] - others_high
        term_high = constant[self.rows] - others_low
        y_low = np.where(coefs > 0, term_low, -term_high)
        y_high = np.where(coefs > 0, term_high, -term_low)
        return np.maximum(y_low, low), np.minimum(y_high, high)

    def others(self, terms: np.ndarray, hidden: np.ndarray, infinity: float) -> np.ndarray:
        """Return, per entry, the sum of the other hidden entries' terms of its relation."""
        finite = np.isfinite(terms) & hidden
        total = self.per_relation(np.where(finite, terms, 0.0))
        n_infinite = self.per_relation((hidden & ~finite).astype(float))
        rest_infinite = n_infinite[self.rows] - (hidden & ~finite) > 0
        rest = total[self.rows] - np.where(finite, terms, 0.0)
        return np.where(rest_infinite, infinity, rest)

    def failing(self, pattern: Pattern) -> np.ndarray:
        """Return, per relation, whether a line rule fails in it."""
        hidden = pattern.hidden[self.cols]
        primary = pattern.primary[self.cols]
        n_hidden = self.per_relation(hidden.astype(float))
        alone = hidden & (n_hidden[self.rows] == 1)
        n = len(self.cols)
        _, high_a = self.local_interval(pattern, np.ones(n), np.full(n, np.inf))
        low_b, high_b = self.local_interval(pattern, *pattern.bounds_b(self.cols))
        pinned_a = primary & (high_a < SAFE_MAX - TOLERANCE)
        pinned_b = primary & (high_b - low_b < MIN_WIDTH - TOLERANCE)
        bad = alone | ((pinned_a | pinned_b) & hidden)
        return self.per_relation(bad.astype(float)) > 0

    def costs(self, pattern: Pattern, failing: np.ndarray) -> np.ndarray:
        """Return, per cell, the relations it would open (none hidden) less failing ones closed."""
        n_hidden = self.per_relation(pattern.hidden[self.cols].astype(float))
        opened = self.by_cell @ (n_hidden == 0).astype(float)
        return opened - self.by_cell @ failing.astype(float)


def best_candidate(
    cells: np.ndarray, pattern: Pattern, costs: np.ndarray, max_tier: int
) -> int | None:
    """Return the complement of lowest tier, then least cost, among `cells` (None if none)."""
    candidates = cells[pattern.may_move(max_tier)[cells] & ~pattern.hidden[cells]]
    if not candidates.size:
        return None
    values = pattern.values[candidates]
    cost_order = (candidates, values, costs[candidates], values < PREFERRED_COMPLEMENT)
    order = np.lexsort((*cost_order, pattern.tier[candidates]))
    return int(candidates[order[0]])


def close_lines(lines: Lines, pattern: Pattern, max_tier: int = GROUP_TIER) -> int:
    """Apply the line rules to a fixpoint, complements up to `max_tier`; return how many."""
    added = 0
    while True:
        failing = lines.failing(pattern)
        costs = lines.costs(pattern, failing)
        touched = np.zeros(len(failing), dtype=bool)
        added_now = 0
        for relation in np.flatnonzero(failing):
            if touched[relation]:
                continue
            members = lines.relations.members(relation)[0]
            cell = best_candidate(members, pattern, costs, max_tier)
            if cell is None:
                continue
            pattern.hidden[cell] = True
            touched[lines.relations_of(cell)] = True
            added_now += 1
        if not added_now:
            return added
        added += added_now


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


@dataclass(frozen=True)
class Need:
    """What a primary still lacks (P1: reach 11 under A; P3: width 2 under B), up to which tier."""

    cell: int
    p1: bool
    p3: bool
    max_tier: int


def hiding_cost(values: np.ndarray) -> np.ndarray:
    """Cost of hiding published cells: one per cell, more for bigger values and for 11-12."""
    safe = np.maximum(values, 1.0)
    return 1.0 + COST_PER_DECADE * np.log10(safe) + (safe < PREFERRED_COMPLEMENT)


def feasible_products(
    grid: Grid, pattern: Pattern, need: Need, ids: np.ndarray, cells: np.ndarray, signs
) -> list[tuple[tuple, Cube]]:
    """Return the feasible cubes among the products, each with its cost, cheapest first."""
    valid = cells >= 0
    safe = np.where(valid, cells, 0)
    values = pattern.values[safe]
    movable = valid & pattern.may_move(need.max_tier)[safe]
    new = movable & ~pattern.hidden[safe]
    falling, rising = signs < 0, signs > 0
    low_b, high_b = pattern.bounds_b(safe)
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])

    def per_move(ufunc: np.ufunc, entries: np.ndarray) -> np.ndarray:
        return ufunc.reduceat(ufunc.reduce(entries, axis=1), starts)

    ok = per_move(np.minimum, movable.astype(int)) == 1
    if need.p1:
        slack = np.where(falling, values - 1.0, np.inf)
        ok &= per_move(np.minimum, slack) >= SAFE_MAX - pattern.values[need.cell] - TOLERANCE
    if need.p3:
        up = np.where(rising, high_b - values, np.where(falling, values - low_b, np.inf))
        down = np.where(rising, values - low_b, np.where(falling, high_b - values, np.inf))
        width = per_move(np.minimum, up) + per_move(np.minimum, down)
        ok &= width >= MIN_WIDTH - TOLERANCE
    cost = per_move(np.add, np.where(new, hiding_cost(values), 0.0))
    out = []
    for move in np.flatnonzero(ok):
        rows = slice(starts[move], starts[move + 1] if move + 1 < len(starts) else len(ids))
        cube = Cube(cells[rows].ravel(), signs[rows].ravel())
        out.append(((round(float(cost[move]), 9), int(move)), cube))
    return sorted(out, key=lambda item: item[0])


def extend_cube(
    grid: Grid, pattern: Pattern, need: Need, cube: Cube, used: frozenset, branches: int
) -> Cube | None:
    """Complete `cube` with one balanced move per unbalanced axis, cheapest first, backtracking."""
    axes, through = grid.violated_axes(cube)
    if not axes:
        return cube
    if axes & used:
        return None
    names = list(AXES)
    axis = min(axes, key=lambda a: CUBE_AXIS_ORDER.index(names[a]))
    ids, cells, signs = grid.products(cube, axis, through)
    if not ids.size:
        return None
    for _, option in feasible_products(grid, pattern, need, ids, cells, signs)[:branches]:
        found = extend_cube(grid, pattern, need, option, used | {axis}, branches)
        if found is not None:
            return found
    return None


def cube_phase(
    grid: Grid, pattern: Pattern, prover: Prover, cells: np.ndarray, branches: int, max_tier: int
) -> None:
    """Give each cell not yet proven safe, in order, the cheapest hypercube up to `max_tier`."""
    for cell in cells:
        need = Need(
            int(cell),
            not prover.p1_settled(np.array([cell]))[0],
            not prover.p3_settled(np.array([cell]))[0],
            max_tier,
        )
        if not (need.p1 or need.p3):
            continue
        start = Cube(np.array([cell]), np.array([1.0]))
        cube = extend_cube(grid, pattern, need, start, frozenset(), branches)
        if cube is not None:
            pattern.hidden[cube.cells] = True
            record_direction(prover, pattern, cube.cells, cube.signs)


def protecting_direction(
    relations: Relations,
    pattern: Pattern,
    targets: np.ndarray,
    check: str,
    signs: np.ndarray,
    scope: np.ndarray | None,
    max_tier: int,
) -> np.ndarray:
    """Return one movement of cells that moves the targets as far as it can towards protection.

    An LP over every non-zero count, d = p - n. Each target earns LP_REWARD per unit it moves
    in its direction (`signs`), up to 11 under model A (P1) or by 2 under model B (P3); moving
    a published cell costs its hiding cost a unit, a hidden one almost nothing. Relations
    keep and the model's bounds hold, so truth + d is a witness once its cells are hidden.
    Only cells linked to the targets, in `scope` if given, and up to `max_tier` move.
    """
    allowed = pattern.may_move(max_tier) & linked_to(relations, targets)
    movable = np.flatnonzero(allowed if scope is None else allowed & scope)
    columns = relations.matrix[:, movable].tocsr()
    rows = np.flatnonzero(np.diff(columns.indptr))
    equations = columns[rows]
    values = pattern.values[movable]
    position = np.searchsorted(movable, targets)
    if check == "P1":
        low, high = 1.0 - values, np.full(len(values), np.inf)
        cap = SAFE_MAX - values[position]
    else:
        low_b, high_b = pattern.bounds_b(movable)
        low, high = low_b - values, high_b - values
        cap = np.full(len(targets), float(MIN_WIDTH))
    k, n = len(values), len(targets)
    weight = np.where(pattern.hidden[movable], HIDDEN_COST, hiding_cost(values))
    pick = sparse.csr_array((-signs, (np.arange(n), position)), shape=(n, k))
    result = linprog(
        np.concatenate([weight, weight, np.full(n, -LP_REWARD)]),
        A_ub=sparse.hstack([pick, -pick, sparse.eye_array(n)], format="csr"),
        b_ub=np.zeros(n),
        A_eq=sparse.hstack([equations, -equations, sparse.csr_array((len(rows), n))], format="csr"),
        b_eq=np.zeros(len(rows)),
        bounds=np.vstack(
            [
                np.column_stack([np.zeros(k), np.maximum(high, 0.0)]),
                np.column_stack([np.zeros(k), np.maximum(-low, 0.0)]),
                np.column_stack([np.full(n, -np.inf), cap]),
            ]
        ),
        method="highs",
    )
    direction = np.zeros(relations.n_cells)
    if result.status == 0:
        step = result.x[:k] - result.x[k : 2 * k]
        direction[movable] = np.where(np.abs(step) > TOLERANCE, step, 0.0)
    return direction


def same_periods(relations: Relations, cells: np.ndarray) -> np.ndarray:
    """Return, per cell, whether its period is one of `cells`' periods or a whole window."""
    periods = relations.keys["period"]
    wanted = set(periods.gather(cells).to_list()) | window_periods(relations)
    return periods.is_in(sorted(wanted)).to_numpy()


def window_periods(relations: Relations) -> set[str]:
    """Return the periods that are sums of other periods (the totals of the time relations)."""
    matrix = relations.matrix
    time = relations.axis_ids == list(AXES).index("time")
    in_time = np.repeat(time, np.diff(matrix.indptr))
    totals = matrix.indices[in_time & (matrix.data > 0)]
    return set(relations.keys["period"].gather(totals).to_list())


def linked_to(relations: Relations, cells: np.ndarray) -> np.ndarray:
    """Return, per cell, whether a chain of relations links it to one of `cells`."""
    labels = relations.cell_components
    return np.isin(labels, labels[cells])


def apply_direction(prover: Prover, pattern: Pattern, direction: np.ndarray) -> None:
    """Hide the cells a direction moves and record it as a witness."""
    moved = np.flatnonzero(direction)
    pattern.hidden[moved] = True
    record_direction(prover, pattern, moved, direction[moved])


def settled(prover: Prover, cell: int, check: str) -> bool:
    """Return whether the prover's witnesses already show `cell` passes `check`."""
    proof = prover.p1_settled if check == "P1" else prover.p3_settled
    return bool(proof(np.array([cell]))[0])


def protection_for(
    relations: Relations, pattern: Pattern, cell: int, check: str
) -> list[np.ndarray] | None:
    """Return LP directions that protect `cell` on their own, or None if no suppression can.

    Tier by tier, tried within the cell's own period and the window first, then over every
    period. In the last LPs every non-zero count may move, so None means no suppression can
    protect the cell (it happens under model B when small counts sit at their minimum of 1
    below a small total).
    """
    one = np.array([cell])
    scopes = (same_periods(relations, one), None)
    for max_tier, scope in product(TIERS, scopes):
        scratch = new_prover(pattern)
        directions = []
        for sign in (1.0, -1.0) if check == "P3" else (1.0,):
            direction = protecting_direction(
                relations, pattern, one, check, np.array([sign]), scope, max_tier
            )
            moved = np.flatnonzero(direction)
            record_direction(scratch, pattern, moved, direction[moved])
            directions.append(direction)
            if settled(scratch, cell, check):
                return directions
    return None


def lp_repair(
    relations: Relations, pattern: Pattern, prover: Prover, cells: np.ndarray, max_tier: int
) -> set[int]:
    """Protect unproven primaries by LP directions; return those no suppression can protect.

    Per model: LPs for all the cells of one period together (moving only that period and the
    window, and cells up to `max_tier`), while they settle some. Then, in the group round
    only, one cell at a time for what is left, tier by tier (in the county round most of
    those LPs would only show that county cells cannot do it, and take most of the time).
    """
    hopeless: set[int] = set()
    for check in ("P1", "P3"):
        targets = np.array([c for c in cells if not settled(prover, c, check)], dtype=int)
        if not targets.size:
            continue
        periods = relations.keys["period"].to_numpy()
        for period in dict.fromkeys(periods[targets]):
            group = targets[periods[targets] == period]
            repair_together(relations, pattern, prover, group, check, max_tier)
        if max_tier < GROUP_TIER:
            continue
        for cell in targets:
            if settled(prover, cell, check):
                continue
            directions = protection_for(relations, pattern, int(cell), check)
            if directions is None:
                hopeless.add(int(cell))
            for direction in directions or ():
                apply_direction(prover, pattern, direction)
    return hopeless


def repair_together(
    relations: Relations,
    pattern: Pattern,
    prover: Prover,
    cells: np.ndarray,
    check: str,
    max_tier: int,
) -> None:
    """Apply shared LP directions (moving cells up to `max_tier`) while they settle some cells."""
    group = np.array([c for c in cells if not settled(prover, c, check)], dtype=int)
    while group.size:
        upwards = pattern.values[group] <= domain.SMALL_MAX - MIN_WIDTH
        signs = np.where(upwards | (check == "P1"), 1.0, -1.0)
        scope = same_periods(relations, group)
        direction = protecting_direction(relations, pattern, group, check, signs, scope, max_tier)
        apply_direction(prover, pattern, direction)
        still = np.array([c for c in group if not settled(prover, c, check)], dtype=int)
        if still.size == group.size:
            return
        group = still


def complement_for(failure: Failure, lines: Lines, pattern: Pattern) -> int | None:
    """Return one complement for a failing cell: of the lowest tier, in its most binding relation."""
    own = lines.relations_of(failure.cell)
    binding = list(failure.binding)
    ordered = [r for r in binding if r in own]
    ordered += [r for r in binding if r not in own]
    ordered += [int(r) for r in own if r not in binding]
    costs = lines.costs(pattern, np.zeros(lines.relations.n_relations, dtype=bool))
    for max_tier, relation in product(TIERS, ordered):
        members = lines.relations.members(relation)[0]
        cell = best_candidate(members, pattern, costs, max_tier)
        if cell is not None:
            return cell
    return None


def prove(
    relations: Relations,
    pattern: Pattern,
    prover: Prover,
    exhaustive: bool = True,
    skip: frozenset[int] = frozenset(),
) -> list[Failure]:
    """Run the LP audit on the primaries not yet proven safe (shared LPs only if not exhaustive)."""
    targets = np.array([c for c in np.flatnonzero(pattern.primary) if c not in skip], dtype=int)
    system = attacker_system(relations, pattern.values, pattern.hidden)
    failures, _ = prover.prove(
        system, targets, targets, pattern.values, pattern.primary, exhaustive
    )
    return failures


def new_prover(pattern: Pattern) -> Prover:
    """Return a prover that already knows the truth is a model-B solution."""
    prover = Prover(len(pattern.values))
    everything = np.arange(len(pattern.values))
    prover.record_b(everything, pattern.values)
    return prover


def unproven(pattern: Pattern, prover: Prover, skip: frozenset[int] = frozenset()) -> np.ndarray:
    """Return the primaries no witness proves safe yet (P1 or P3), smallest values first."""
    primaries = np.flatnonzero(pattern.primary)
    open_ = ~(prover.p1_settled(primaries) & prover.p3_settled(primaries))
    cells = np.array([c for c in primaries[open_] if c not in skip], dtype=int)
    return cells[np.argsort(pattern.values[cells], kind="stable")]


def is_complete(relations: Relations, lines: Lines, pattern: Pattern) -> bool:
    """Return whether the line rules add nothing and every cell the audit fails is unprotectable."""
    if close_lines(lines, replace(pattern, hidden=pattern.hidden.copy())):
        return False
    failures = prove(relations, pattern, new_prover(pattern))
    return all(protection_for(relations, pattern, f.cell, f.check) is None for f in failures)


def protect(relations: Relations, pattern: Pattern) -> None:
    """Add complements until the line rules and the LP audit pass (or nothing more helps).

    Two rounds: complements of county level only, then region and peer-group cells too (the
    statewide totals only in the LPs of single cells, last). Last, the exhaustive audit, and
    one complement in the most binding relation of any cell that still fails. Cells that no
    suppression can protect are left to the audit to report.
    """
    lines = Lines(relations)
    if is_complete(relations, lines, pattern):
        return
    prover = new_prover(pattern)
    grid = Grid(relations)
    protect_round(relations, lines, grid, pattern, prover, COUNTY_TIER)
    hopeless = protect_round(relations, lines, grid, pattern, prover, GROUP_TIER)
    close_lines(lines, pattern)
    while failures := prove(relations, pattern, prover, skip=hopeless):
        complements = {complement_for(f, lines, pattern) for f in failures} - {None}
        if not complements:
            return
        pattern.hidden[list(complements)] = True
        close_lines(lines, pattern)


def protect_round(
    relations: Relations, lines: Lines, grid: Grid, pattern: Pattern, prover: Prover, max_tier: int
) -> frozenset[int]:
    """Protect the primaries with complements up to `max_tier`; return any none can protect.

    Cheap steps first: greedy hypercubes for every primary; the line rules; the audit's
    shared LPs, which settle whatever the hidden cells already protect; hypercubes found with
    backtracking for what is left; LP directions, and the line rules again, while they add
    cells.
    """
    if grid.usable:
        cube_phase(grid, pattern, prover, unproven(pattern, prover), GREEDY, max_tier)
    close_lines(lines, pattern, max_tier)
    prove(relations, pattern, prover, exhaustive=False)
    if grid.usable:
        cube_phase(grid, pattern, prover, unproven(pattern, prover), BACKTRACKING, max_tier)
    hopeless: frozenset[int] = frozenset()
    while (cells := unproven(pattern, prover, hopeless)).size:
        before = int(pattern.hidden.sum())
        hopeless |= lp_repair(relations, pattern, prover, cells, max_tier)
        if int(pattern.hidden.sum()) == before:
            break
        close_lines(lines, pattern, max_tier)
        prove(relations, pattern, prover, exhaustive=False, skip=hopeless)
    return hopeless


def complement_tiers(relations: Relations) -> np.ndarray:
    """Return each cell's tier: statewide totals last, region and peer-group cells before them."""
    keys = relations.keys
    state = (keys["geo_level"] == HEADLINE_LEVEL) & (keys["breakdown"] == domain.TOTAL_BREAKDOWN)
    group = keys["geo_level"].is_in(GROUP_LEVELS)
    tier = np.full(relations.n_cells, COUNTY_TIER, dtype=np.int8)
    tier[group.to_numpy()] = GROUP_TIER
    tier[state.to_numpy()] = HEADLINE_TIER
    return tier


def suppress(cells: pl.DataFrame, relations: Relations) -> pl.DataFrame:
    """Return `cells` with status published/suppressed/not_opted_in and private `suppression`.

    `cells`: the key columns, `value` (Int64 true counts, null only where not opted in) and
    `status` ('count', or a previous output's statuses). `value` stays the true value; the
    release writer nulls hidden values and drops `suppression` (primary/complementary/null).
    """
    index = relations.index_of(cells)
    pattern = Pattern.from_cells(cells, index, complement_tiers(relations))
    protect(relations, pattern)
    status = np.where(pattern.hidden, domain.SUPPRESSED, domain.PUBLISHED)
    status = np.where(pattern.counted, status, domain.NOT_OPTED_IN)
    reason = np.where(pattern.primary, PRIMARY, COMPLEMENTARY)
    reason = np.where(pattern.hidden, reason, None)
    return cells.with_columns(
        status=pl.Series(status[index], dtype=pl.String),
        suppression=pl.Series(reason[index].tolist(), dtype=pl.String),
    )
