"""The attacker model (docs/disclosure-control.md): what an attacker knows and can solve.

The attacker's system holds every relation with at least one hidden cell (even one whose
hidden coefficients cancel, such as a hidden total with exactly one hidden part): published
cells are constants, not-opted-in cells 0, hidden cells variables. Two models bound the hidden
cells: A, every hidden cell is >= 1 (zeros are published); B, primaries lie in [1, 10] and
other hidden cells are >= 11 (the classification has leaked). P1: a primary's maximum under A
is >= 11. P3: its interval under B is >= 2 wide. Both must hold for integer solutions too.
Both the optimiser and the audit import this module; neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, linprog, milp
from scipy.sparse.csgraph import connected_components

from dashboard import domain
from dashboard.disclosure.relations import Relations

SAFE_MAX = domain.SMALL_MAX + 1  # P1: a primary must be able to reach 11
MIN_WIDTH = 2  # P3: max_B - min_B >= 2
TOLERANCE = 1e-6
MILP_SECONDS = 30.0  # one integer attacker problem; a timeout counts as not proven
P1, P3, UNPINNED = "P1", "P3", "unpinned"  # the checks: P1, P3, rule 8 (nothing computable)
CHECK_MODEL = {P1: "A", P3: "B", UNPINNED: "A"}
CHECK_NEED = {P1: float(SAFE_MAX), P3: float(MIN_WIDTH), UNPINNED: 1.0}


@dataclass(frozen=True)
class System:
    """Equations over hidden cells: `matrix @ y == rhs`, `cells` global, `relations` global."""

    matrix: sparse.csr_array
    rhs: np.ndarray
    cells: np.ndarray
    relations: np.ndarray


def attacker_system(relations: Relations, values: np.ndarray, hidden: np.ndarray) -> System:
    """Return every relation touching a hidden cell, over hidden cells, published cells folded in."""
    matrix = relations.matrix
    known = np.where(hidden, 0.0, np.nan_to_num(values))
    rhs_all = -(matrix @ known)
    touched = np.flatnonzero(abs(matrix) @ hidden.astype(float) > 0)
    hidden_cells = np.flatnonzero(hidden)
    sub = matrix[touched][:, hidden_cells].tocsr()
    return System(sub, rhs_all[touched], hidden_cells, touched)


def components(system: System) -> list[System]:
    """Split a system into its connected components, ordered by their first cell."""
    n_rows = system.matrix.shape[0]
    link = abs(system.matrix)
    graph = sparse.block_array([[None, link], [link.T, None]], format="csr")
    _, labels = connected_components(graph, directed=False)
    row_groups = groups(labels[:n_rows])
    out = []
    for label, variables in sorted(groups(labels[n_rows:]).items(), key=lambda g: g[1][0]):
        rows = row_groups.get(label, np.zeros(0, dtype=np.int64))
        out.append(
            System(
                system.matrix[rows][:, variables].tocsr(),
                system.rhs[rows],
                system.cells[variables],
                system.relations[rows],
            )
        )
    return out


def groups(labels: np.ndarray) -> dict[int, np.ndarray]:
    """Return the positions of each label, in increasing order."""
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    return {int(labels[g[0]]): g for g in np.split(order, cuts) if g.size}


def model_a_bounds(n: int) -> np.ndarray:
    """Model A: every hidden cell is at least 1."""
    return np.column_stack([np.ones(n), np.full(n, np.inf)])


def model_b_bounds(primary: np.ndarray) -> np.ndarray:
    """Model B: primaries in [1, 10], every other hidden cell at least 11."""
    low = np.where(primary, 1.0, float(SAFE_MAX))
    high = np.where(primary, float(domain.SMALL_MAX), np.inf)
    return np.column_stack([low, high])


def padded(component: System, n_vars: int) -> sparse.csr_array:
    """Return the component's equations with zero columns for any extra variables."""
    extra = n_vars - component.matrix.shape[1]
    if not extra:
        return component.matrix
    padding = sparse.csr_array((component.matrix.shape[0], extra))
    return sparse.hstack([component.matrix, padding], format="csr")


def solve_lp(
    objective: np.ndarray,
    component: System,
    bounds: np.ndarray,
    inequalities: sparse.csr_array | None = None,
    limits: np.ndarray | None = None,
) -> OptimizeResult:
    """Minimise `objective` over the component's equations (LP)."""
    return linprog(
        objective,
        A_ub=inequalities,
        b_ub=limits,
        A_eq=padded(component, len(objective)),
        b_eq=component.rhs,
        bounds=bounds,
        method="highs",
    )


def solve_integer(objective: np.ndarray, component: System, bounds: np.ndarray) -> OptimizeResult:
    """Minimise `objective` over integer solutions of the component's equations (MILP)."""
    n = len(objective)
    constraints = [LinearConstraint(padded(component, n), component.rhs, component.rhs)]
    return milp(
        objective,
        integrality=np.ones(n),
        bounds=Bounds(bounds[:, 0], bounds[:, 1]),
        constraints=constraints,
        options={"time_limit": MILP_SECONDS, "presolve": True},
    )


def integral(x: np.ndarray) -> bool:
    """Return whether a solution vector is integral (an integer attacker's point)."""
    return bool(np.all(np.abs(x - np.round(x)) <= TOLERANCE))
