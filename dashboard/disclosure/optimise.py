"""Optimal complementary suppression: the cheapest set of certificates, then the audit's verdict.

1. Primary: every count from 1 to 10 is hidden; zeros are published and never hidden.
2. Certificates (certificates.py): for each primary, a few sets of cells each of which,
   hidden, provably protects it (P1 and P3) whatever else is hidden.
3. Master problem (HiGHS through scipy.optimize.milp): choose one certificate per primary so
   that the total information-loss weight (weights.py) of the union of hidden cells is least.
   It is solved to optimality unless a time limit stops it at the best pattern found.
4. Rule 8: the audit bounds every hidden cell; one that is computable exactly is published
   (the attacker knows it anyway), and the audit runs again; one an earlier release hid keeps
   its status, so the audit fails.
5. Publish-back (publish_back.py): hidden complements the union of certificates does not need
   are published again, dearest first; the audit proves the result or the pattern of step 4
   stands.
A valid lower bound on any protecting pattern's loss (line rows and single-relation capacity
cuts, LP relaxation) measures how far the pattern can be from the true optimum.
See docs/disclosure-control.md.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from dashboard import domain
from dashboard.disclosure.attacker import SAFE_MAX
from dashboard.disclosure.audit import UNPINNED, AuditReport, audit
from dashboard.disclosure.certificates import (
    Certificate,
    Problem,
    certificates_for,
    lp_certificates,
    priced,
)
from dashboard.disclosure.cubes import Grid
from dashboard.disclosure.publish_back import publish_back
from dashboard.disclosure.relations import Relations
from dashboard.disclosure.weights import cell_weights

COUNT = "count"
INPUT_STATUSES = (COUNT, domain.PUBLISHED, domain.SUPPRESSED, domain.NOT_OPTED_IN)
MIP_GAP = 1e-3
# Node limits make a run repeatable (HiGHS is deterministic for a given limit); the time limit
# per master problem keeps a large universe within its time budget: where it binds (the
# generated 14-year universe) the pattern depends on the machine's speed and load, not its
# safety. Full: the release build; fast: tests and development builds.
NODES = {False: 5_000, True: 200}
SECONDS = {False: 400.0, True: 60.0}
REROUTE_ROUNDS = {False: 1, True: 0}  # LP certificates again, routed through what was hidden
PUBLISH_BACK_TRIES = {False: 120, True: 0}  # complements tried with LPs (dearest first)

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What the optimiser did: the cells with statuses, the audit of them, and run figures."""

    cells: pl.DataFrame
    report: AuditReport
    figures: dict[str, object] = field(default_factory=dict)
    chosen: list[Certificate] = field(default_factory=list)


def problem_of(cells: pl.DataFrame, relations: Relations) -> tuple[Problem, np.ndarray, np.ndarray]:
    """Read true values and statuses into a Problem: cells already 'suppressed' stay hidden,
    cells already 'published' (an earlier release's) stay published. Also return the cell
    index of each row and which cells still need a status (input status 'count')."""
    unknown = set(cells["status"].unique()) - set(INPUT_STATUSES)
    if unknown:
        raise ValueError(f"unexpected statuses: {sorted(unknown)}")
    index = relations.index_of(cells)
    n = relations.n_cells
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
    fixed = status == domain.PUBLISHED
    if (fixed & primary).any():
        raise ValueError("a count from 1 to 10 cannot stay published")
    weights = cell_weights(relations.keys, values)
    problem = Problem(values, counted, primary, hidden | primary, fixed, weights)
    return problem, index, status == COUNT


def master(
    problem: Problem, choices: list[Certificate], fast: bool
) -> tuple[np.ndarray, dict, list[Certificate]]:
    """Return the cheapest hidden set that contains one certificate of every primary.

    Variables: x_c (cell c hidden) for every cell some certificate needs and z_k (certificate
    k chosen). Σ_k z_k >= 1 per primary; z_k <= x_c for each cell of k; minimise Σ w_c x_c.
    """
    hidden = problem.forced.copy()
    generated = len(choices)
    choices = undominated(problem, choices)
    free = np.unique(np.concatenate([c.cells for c in choices] or [np.zeros(0, int)]))
    free = free[~problem.forced[free]]
    if not free.size:
        return hidden, {"master": "nothing to choose"}, []
    position = {int(c): i for i, c in enumerate(free)}
    n_x, n_z = free.size, len(choices)
    primaries = sorted({c.primary for c in choices})
    cover_row = {p: i for i, p in enumerate(primaries)}
    link_rows, link_cols, link_data = [], [], []
    row = 0
    for k, choice in enumerate(choices):
        for cell in choice.cells:
            if int(cell) in position:
                link_rows += [row, row]
                link_cols += [n_x + k, position[int(cell)]]
                link_data += [1.0, -1.0]
                row += 1
    links = sparse.csr_array((link_data, (link_rows, link_cols)), shape=(row, n_x + n_z))
    cover = sparse.csr_array(
        (
            np.ones(n_z),
            ([cover_row[c.primary] for c in choices], n_x + np.arange(n_z)),
        ),
        shape=(len(primaries), n_x + n_z),
    )
    objective = np.concatenate([problem.weights[free], np.zeros(n_z)])
    start = time.perf_counter()
    result = milp(
        objective,
        integrality=np.ones(n_x + n_z),
        bounds=Bounds(0, 1),
        constraints=[
            LinearConstraint(links, -np.inf, 0.0),
            LinearConstraint(cover, 1.0, np.inf),
        ],
        options={
            "node_limit": NODES[fast],
            "time_limit": SECONDS[fast],
            "mip_rel_gap": MIP_GAP,
            "presolve": True,
        },
    )
    if result.x is None:
        raise RuntimeError(f"the suppression master problem found no pattern: {result.message}")
    hidden[free[result.x[:n_x] > 0.5]] = True
    figures = {
        "master seconds": round(time.perf_counter() - start, 2),
        "master status": result.message,
        "master gap": float(getattr(result, "mip_gap", 0.0) or 0.0),
        "certificates": generated,
        "undominated certificates": n_z,
        "candidate cells": n_x,
    }
    chosen = [choices[k] for k in np.flatnonzero(result.x[n_x:] > 0.5)]
    return hidden, figures, chosen


def undominated(problem: Problem, choices: list[Certificate]) -> list[Certificate]:
    """Return the certificates no other certificate of the same primary beats: one whose cells
    not hidden anyway include all of another's costs at least as much, whatever the pattern."""
    kept: dict[int, list[frozenset]] = {}
    out = []
    ranked = [
        (frozenset(c.cells[~problem.forced[c.cells]].tolist()), i) for i, c in enumerate(choices)
    ]
    for cells, i in sorted(ranked, key=lambda item: (len(item[0]), sorted(item[0]), item[1])):
        primary = choices[i].primary
        if any(other <= cells for other in kept.get(primary, [])):
            continue
        kept.setdefault(primary, []).append(cells)
        out.append(choices[i])
    return sorted(out, key=lambda c: (c.primary, c.cells.size, c.cells.tolist()))


def bound_rows(relations: Relations, problem: Problem) -> tuple[sparse.csr_array, np.ndarray]:
    """Return rows `A @ x >= rhs` that every protecting pattern x (1 = hidden) satisfies.

    In every relation a hidden non-zero cell is never the only one (rule 8); and, for a primary
    p in a relation, the other hidden cells can absorb its rise to 11 (a capacity cut: a cell on
    the same side can fall at most to 1, one on the other side can rise freely).
    """
    movable = problem.movable
    rows, cols, data, rhs = [], [], [], []
    for r in range(relations.n_relations):
        cells, coefs = relations.members(r)
        keep = movable[cells]
        cells, coefs = cells[keep], coefs[keep]
        if not cells.size:
            continue
        for i, cell in enumerate(cells):
            others = np.delete(cells, i)
            rows += [len(rhs)] * (len(others) + 1)
            cols += [*others.tolist(), int(cell)]
            data += [1.0] * len(others) + [-1.0]
            rhs.append(0.0)
            if problem.primary[cell]:
                need = SAFE_MAX - problem.values[cell]
                same = np.delete(coefs, i) == coefs[i]
                room = np.where(same, problem.values[others] - 1.0, need)
                rows += [len(rhs)] * len(others)
                cols += others.tolist()
                data += np.minimum(room, need).tolist()
                rhs.append(need)
    matrix = sparse.csr_array((data, (rows, cols)), shape=(len(rhs), relations.n_cells))
    return matrix, np.array(rhs)


def decision_bounds(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Return each cell's bounds as a hiding decision: 1 if hidden anyway, 0 if it cannot be."""
    low = np.where(problem.forced, 1.0, 0.0)
    return low, np.maximum(np.where(problem.movable, 1.0, 0.0), low)


def loss_weights(problem: Problem) -> np.ndarray:
    """Return the weights the reported loss sums (whole numbers: tiers, size and tie-break cut)."""
    return np.floor(problem.weights)


def lower_bound(relations: Relations, problem: Problem) -> float:
    """Return a lower bound on the loss of any protecting pattern (LP over `bound_rows`)."""
    matrix, rhs = bound_rows(relations, problem)
    result = linprog(
        loss_weights(problem),
        A_ub=-matrix,
        b_ub=-rhs,
        bounds=np.column_stack(decision_bounds(problem)),
        method="highs",
    )
    return float(result.fun) if result.status == 0 else float("nan")


def optimise(
    cells: pl.DataFrame, relations: Relations, fast: bool = False, bound: bool = False
) -> Outcome:
    """Return the cheapest protecting pattern found, audited, with rule 8 applied.

    `fast` (tests, development builds): a smaller search and no rerouting round; the audit
    decides all the same. `bound` also computes the lower bound (bench).
    """
    clock = time.perf_counter()
    problem, index, fresh = problem_of(cells, relations)
    outcome = solve(cells, relations, problem, index, problem.primary & fresh, fast)
    if not outcome.report.passed and (problem.primary & ~fresh).any():
        # Cells an earlier run already settled (a kept release's) lost their protection to the
        # new relations: protect every primary afresh.
        outcome = solve(cells, relations, problem, index, problem.primary, fast)
    if bound:
        outcome.figures["lower bound"] = lower_bound(relations, problem)
    outcome.figures["seconds"] = round(time.perf_counter() - clock, 2)
    return outcome


def solve(
    cells: pl.DataFrame,
    relations: Relations,
    problem: Problem,
    index: np.ndarray,
    targets: np.ndarray,
    fast: bool,
) -> Outcome:
    """Return the cheapest pattern that protects the `targets` primaries, audited (rule 8)."""
    clock = time.perf_counter()
    grid = Grid(relations)
    grid = grid if grid.usable else None
    choices: list[Certificate] = []
    hopeless = 0
    prices = priced(problem)
    for cell in np.flatnonzero(targets):
        found = certificates_for(relations, grid, prices, int(cell))
        hopeless += not found
        choices += found
    figures: dict[str, object] = {
        "primaries": int(problem.primary.sum()),
        "primaries given certificates": int(targets.sum()),
        "without certificate": hopeless,
        "certificate seconds": round(time.perf_counter() - clock, 2),
    }
    hidden, master_figures, chosen = master(problem, choices, fast)
    for _ in range(REROUTE_ROUNDS[fast]):
        rerouted = replace(prices, forced=hidden)
        choices += [
            c
            for cell in np.flatnonzero(targets)
            for c in lp_certificates(relations, rerouted, int(cell), variants=False)
        ]
        hidden, master_figures, chosen = master(problem, choices, fast)
    figures.update(master_figures)
    rounds = 0
    while True:
        rounds += 1
        suppressed = statuses(cells, index, problem, hidden)
        report = audit(suppressed, relations)
        pinned = [f for f in report.failures if f["check"].startswith(UNPINNED)]
        # a pinned cell an earlier release hid keeps its status: the audit fails, the build refuses
        settled = any(problem.forced[f["cell_index"]] for f in pinned)
        if not pinned or settled or len(pinned) < len(report.failures):
            break
        for failure in pinned:
            hidden[failure["cell_index"]] = False
    if report.passed and PUBLISH_BACK_TRIES[fast]:
        back, back_figures = publish_back(
            relations, problem, hidden, chosen, PUBLISH_BACK_TRIES[fast]
        )
        figures.update(back_figures)
        if back.any():
            trial = statuses(cells, index, problem, hidden & ~back)
            trial_report = audit(trial, relations)
            figures["publish-back audit passed"] = trial_report.passed
            if trial_report.passed:
                hidden, suppressed, report = hidden & ~back, trial, trial_report
            else:
                figures.update({"published back": 0, "publish-back weight": 0.0})
                log.warning(
                    "publish-back: the new pattern failed the audit; the earlier one stands"
                )
    weights = loss_weights(problem)
    figures.update(
        {
            "audit rounds": rounds,
            "loss": float(weights[hidden].sum()),
            "loss of primaries alone": float(weights[problem.forced].sum()),
        }
    )
    return Outcome(suppressed, report, figures, chosen)


def statuses(
    cells: pl.DataFrame, index: np.ndarray, problem: Problem, hidden: np.ndarray
) -> pl.DataFrame:
    """Return `cells` with status published / suppressed / not_opted_in from a hidden mask."""
    status = np.where(hidden, domain.SUPPRESSED, domain.PUBLISHED)
    status = np.where(problem.counted, status, domain.NOT_OPTED_IN)
    return cells.with_columns(status=pl.Series(status[index], dtype=pl.String))


def suppress(cells: pl.DataFrame, relations: Relations, fast: bool = False) -> pl.DataFrame:
    """Return `cells` with statuses published / suppressed / not_opted_in (optimised, audited).

    `cells`: the key columns, `value` (Int64 true counts, null only where not opted in) and
    `status` ('count', or a previous output's statuses; 'suppressed' cells stay hidden).
    `value` stays the true value; the release writer nulls hidden values.
    """
    return optimise(cells, relations, fast).cells
