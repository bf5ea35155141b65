"""Protection certificates: for one primary, a set of cells whose hiding provably protects it.

A certificate is a balanced direction d (every relation keeps: M·d = 0) through the primary
such that truth + t·d stays within the attacker's bounds for every t in a range that takes the
primary up to 11 under model A (P1) and moves it by 2 under model B (P3). Once every cell of d
is hidden, those points are solutions the attacker cannot exclude, whatever else is hidden:
certificates of different primaries combine freely, which is what lets the optimiser choose
among them. Hypercubes (cubes.py) give integral certificates; where none exists, an LP finds
the cheapest direction (docs/disclosure-control.md, "Certificates").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from dashboard import domain
from dashboard.disclosure.attacker import MIN_WIDTH, SAFE_MAX, TOLERANCE
from dashboard.disclosure.cubes import AXES, Cube, Grid
from dashboard.disclosure.relations import Relations

CUBE_AXIS_ORDER = ("measure", "time", "breakdown", "geography")  # the partner is chosen last
BRANCHES = 3  # moves tried per axis, cheapest first
LEAVES = 27  # complete cubes looked at per primary
KEEP = 6  # cheapest cubes kept per primary as the optimiser's choices
HIDDEN_COST = 1e-3  # LP cost of moving a cell that is hidden anyway
LP_REWARD = 1e5  # LP value of one unit of protection: above any cost, so coverage comes first
MASS_SCALE = 30.0  # certificate price of a cell: its weight × (1 + count / MASS_SCALE)


@dataclass(frozen=True)
class Problem:
    """What the optimiser works on: true values, cells that count, cells hidden anyway, cells
    published already (an earlier release: they stay published), costs."""

    values: np.ndarray
    counted: np.ndarray
    primary: np.ndarray
    forced: np.ndarray
    fixed: np.ndarray
    weights: np.ndarray

    @property
    def movable(self) -> np.ndarray:
        """Return the cells a certificate may use: non-zero counts (zeros are published) that
        no earlier release published."""
        return self.counted & (self.values > 0) & ~self.fixed

    def cost(self, cells: np.ndarray) -> np.ndarray:
        """Return the cost of hiding cells: their weight, or nothing if hidden anyway."""
        return np.where(self.forced[cells], 0.0, self.weights[cells])

    def bounds_b(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Model B bounds: primaries [1, 10], every other hidden cell [11, inf)."""
        primary = self.primary[cells]
        low = np.where(primary, 1.0, float(SAFE_MAX))
        high = np.where(primary, float(domain.SMALL_MAX), np.inf)
        return low, high


@dataclass(frozen=True)
class Certificate:
    """Cells that, hidden together, protect `primary` (P1 and P3)."""

    primary: int
    cells: np.ndarray


def feasible_products(
    problem: Problem, cell: int, need: tuple[bool, bool], ids, cells, signs
) -> list[tuple[float, Cube]]:
    """Return the product cubes that can still protect `cell`, cheapest first.

    `need` says which of P1 and P3 the cube must prove on its own.
    """
    valid = cells >= 0
    safe = np.where(valid, cells, 0)
    values = problem.values[safe]
    falling, rising = signs < 0, signs > 0
    low_b, high_b = problem.bounds_b(safe)
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])

    def per_move(ufunc: np.ufunc, entries: np.ndarray) -> np.ndarray:
        return ufunc.reduceat(ufunc.reduce(entries, axis=1), starts)

    ok = per_move(np.minimum, (valid & problem.movable[safe]).astype(int)) == 1
    if need[0]:
        slack = np.where(falling, values - 1.0, np.inf)
        ok &= per_move(np.minimum, slack) >= SAFE_MAX - problem.values[cell] - TOLERANCE
    if need[1]:
        up = np.where(rising, high_b - values, np.where(falling, values - low_b, np.inf))
        down = np.where(rising, values - low_b, np.where(falling, high_b - values, np.inf))
        ok &= per_move(np.minimum, up) + per_move(np.minimum, down) >= MIN_WIDTH - TOLERANCE
    cost = per_move(np.add, problem.cost(safe))
    out = []
    for move in np.flatnonzero(ok):
        rows = slice(starts[move], starts[move + 1] if move + 1 < len(starts) else len(ids))
        out.append((float(cost[move]), Cube(cells[rows].ravel(), signs[rows].ravel())))
    return sorted(out, key=lambda item: item[0])


def cubes_for(grid: Grid, problem: Problem, cell: int, need: tuple[bool, bool]) -> list[Cube]:
    """Return up to KEEP of the cheapest complete cubes through `cell` found by a bounded search."""
    found: list[Cube] = []
    names = list(AXES)

    def search(cube: Cube, used: frozenset) -> None:
        axes, through = grid.violated_axes(cube)
        if not axes:
            found.append(cube)
            return
        if axes & used:
            return
        axis = min(axes, key=lambda a: CUBE_AXIS_ORDER.index(names[a]))
        ids, cells, signs = grid.products(cube, axis, through)
        if not ids.size:
            return
        for _, option in feasible_products(problem, cell, need, ids, cells, signs)[:BRANCHES]:
            if len(found) >= LEAVES:
                return
            search(option, used | {axis})

    search(Cube(np.array([cell]), np.array([1.0])), frozenset())
    unique = {tuple(np.unique(c.cells).tolist()): c for c in found}
    ranked = sorted(unique.items(), key=lambda kv: (problem.cost(np.array(kv[0])).sum(), kv[0]))
    return [cube for _, cube in ranked[:KEEP]]


def linked_to(relations: Relations, cell: int) -> np.ndarray:
    """Return, per cell, whether a chain of relations links it to `cell`."""
    labels = relations.cell_components
    return labels == labels[cell]


def same_period(relations: Relations, cell: int) -> np.ndarray:
    """Return, per cell, whether it is in `cell`'s period or a whole window (a small LP)."""
    periods = relations.periods
    return (periods == periods[cell]) | relations.in_window


def direction(
    relations: Relations, problem: Problem, cell: int, check: str, sign: float = 0.0, cap=None
) -> np.ndarray | None:
    """Return the cheapest direction proving `check` for `cell`: within its period and the
    window first (a much smaller LP), else over every linked cell; None if none can."""
    for scope in (same_period(relations, cell), None):
        found = scoped_direction(relations, problem, cell, check, sign, cap, scope)
        if found is not None:
            return found
    return None


def scoped_direction(
    relations: Relations,
    problem: Problem,
    cell: int,
    check: str,
    sign: float,
    cap: float | None,
    scope: np.ndarray | None,
) -> np.ndarray | None:
    """Return the cheapest direction within `scope` that alone proves `check`, or None.

    An LP over the non-zero counts linked to the cell (and in `scope`), d = p - n: the cell earns LP_REWARD per
    unit it moves (up to 11 under model A for P1; by `cap` (2) under model B for P3, in the
    direction `sign`, by default downwards only when it is near 10); moving a cell costs its
    weight. Relations keep and the model's bounds hold.
    """
    allowed = problem.movable & linked_to(relations, cell)
    movable = np.flatnonzero(allowed if scope is None else allowed & scope)
    columns = relations.matrix[:, movable].tocsr()
    rows = np.flatnonzero(np.diff(columns.indptr))
    equations = columns[rows]
    values = problem.values[movable]
    target = int(np.searchsorted(movable, cell))
    if check == "P1":
        low, high = 1.0 - values, np.full(len(values), np.inf)
        sign, cap = 1.0, SAFE_MAX - problem.values[cell]
    else:
        low_b, high_b = problem.bounds_b(movable)
        low, high = low_b - values, high_b - values
        up = problem.values[cell] <= domain.SMALL_MAX - MIN_WIDTH
        sign = sign or (1.0 if up else -1.0)
        cap = cap or float(MIN_WIDTH)
    k = len(values)
    weight = np.where(problem.forced[movable], HIDDEN_COST, problem.weights[movable])
    rise, fall = np.maximum(high, 0.0), np.maximum(-low, 0.0)
    pick = sparse.csr_array(
        ([-sign, sign, 1.0], ([0, 0, 0], [target, k + target, 2 * k])), shape=(1, 2 * k + 1)
    )
    result = linprog(
        np.concatenate([per_unit(weight, rise, cap), per_unit(weight, fall, cap), [-LP_REWARD]]),
        A_ub=pick,
        b_ub=np.zeros(1),
        A_eq=sparse.hstack([equations, -equations, sparse.csr_array((len(rows), 1))], format="csr"),
        b_eq=np.zeros(len(rows)),
        bounds=np.vstack(
            [
                np.column_stack([np.zeros(k), rise]),
                np.column_stack([np.zeros(k), fall]),
                [[-np.inf, cap]],
            ]
        ),
        method="highs",
    )
    if result.status != 0 or result.x[-1] < cap - TOLERANCE:
        return None
    step = result.x[:k] - result.x[k : 2 * k]
    out = np.zeros(relations.n_cells)
    out[movable] = np.where(np.abs(step) > TOLERANCE, step, 0.0)
    return out


def per_unit(weight: np.ndarray, room: np.ndarray, need: float) -> np.ndarray:
    """Return the LP cost of moving a cell by one unit: hiding it costs its weight once, so a
    cell that can carry the whole move costs weight / need a unit, one with less room more
    (the fixed-charge relaxation; a route split over small cells costs what it hides)."""
    return weight / np.clip(room, TOLERANCE, need)


def priced(problem: Problem) -> Problem:
    """Return the problem with certificate prices: weights × (1 + count / MASS_SCALE), so the
    few certificates kept per primary run through small cells and hide less of the count."""
    scale = 1.0 + np.maximum(problem.values, 0.0) / MASS_SCALE
    return replace(problem, weights=problem.weights * scale)


def certificate(cell: int, cells: np.ndarray) -> Certificate:
    """Return a certificate over the given cells (always including the primary)."""
    support = np.union1d(cells.astype(np.int64), [cell])
    return Certificate(cell, support)


def routed(problem: Problem, cells: np.ndarray) -> Problem:
    """Return the problem with `cells` free to move (hidden anyway by the certificate)."""
    forced = problem.forced.copy()
    forced[cells] = True
    return replace(problem, forced=forced)


def p3_direction(relations: Relations, problem: Problem, cell: int) -> np.ndarray | None:
    """Return a direction moving the cell by 2 under model B: upwards when it is at most 8,
    else (or when no upward one exists) downwards when it is at least 3."""
    value = problem.values[cell]
    signs = (1.0, -1.0) if value <= domain.SMALL_MAX - MIN_WIDTH else (-1.0,)
    for sign in signs:
        if sign < 0 and value < domain.SMALL_MIN + MIN_WIDTH:
            continue
        found = direction(relations, problem, cell, "P3", sign)
        if found is not None:
            return found
    return None


def lp_certificates(
    relations: Relations, problem: Problem, cell: int, variants: bool
) -> list[Certificate]:
    """Return certificates from LP directions: a P3 direction, then P1 routed through it.

    P3 moves the cell by 2 one way, or (`variants`) also by 1 each way, which can be cheaper
    when a partner can move by only one.
    """
    options = [[p3_direction(relations, problem, cell)]]
    if variants:
        options.append([direction(relations, problem, cell, "P3", s, 1.0) for s in (1.0, -1.0)])
    out = []
    for moves in options:
        if any(m is None for m in moves):
            continue
        p3 = np.unique(np.concatenate([np.flatnonzero(m) for m in moves]))
        p1 = direction(relations, routed(problem, p3), cell, "P1")
        if p1 is not None:
            out.append(certificate(cell, np.union1d(p3, np.flatnonzero(p1))))
    return out


def certificates_for(
    relations: Relations, grid: Grid | None, problem: Problem, cell: int
) -> list[Certificate]:
    """Return the certificates the optimiser may choose from for one primary (none: hopeless).

    The cheapest cubes proving P1 and P3 at once, and LP-direction certificates (not a
    product of moves, so often much cheaper); more LP variants where there are no cubes.
    """
    cubes = cubes_for(grid, problem, cell, (True, True)) if grid is not None else []
    out = [certificate(cell, c.cells) for c in cubes]
    return out + lp_certificates(relations, problem, cell, variants=grid is None)
