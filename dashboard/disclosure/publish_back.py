"""Publish-back: hidden complements the pattern does not need are published again.

The master hides the union of one certificate per primary; together they can protect more
than each does alone, so a complement may be redundant: published, every primary still passes
P1 and P3 and no hidden cell becomes computable (rule 8), integer points deciding. Greedily,
dearest first, each hidden complement is tried and stays published if protection still holds.

Each check is proven by integral attacker points (witnesses) kept whole. A point with the
candidate at its true value is still a point once the candidate is published, so only the
checks no such point proves are solved again: first shared LPs that move every open cell at
once (as the audit does), then, per check, the nearest point that proves it (least total move
from the truth, an LP; an integer program if that point is fractional), looked for near the
cell first. Such a point moves few cells, so it stays a witness for most later candidates.
Every point found is kept. The first points come from the chosen certificates, solved over
their own cells. A candidate that would leave a relation with one hidden cell is refused
without an LP. The audit then proves the result as it proves any pattern
(docs/disclosure-control.md, "Publish-back").
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from dashboard.disclosure import attacker
from dashboard.disclosure.attacker import (
    CHECK_MODEL,
    CHECK_NEED,
    MILP_SECONDS,
    P1,
    P3,
    SAFE_MAX,
    UNPINNED,
    System,
)
from dashboard.disclosure.certificates import Certificate, Problem
from dashboard.disclosure.relations import Relations

MILP_NODES = 1_000  # per integer witness (repeatable); none found keeps the candidate hidden
SPREAD_MIN = 6  # open checks from which shared LPs are tried first
HOPS = (2, 4)  # a witness is looked for near its cell first (most move a small cycle)


@dataclass
class Part:
    """One connected component of the attacker's system, with the points proven so far."""

    system: System
    truth: np.ndarray
    primary: np.ndarray
    published: np.ndarray
    points: dict[str, np.ndarray] = field(default_factory=dict)  # model -> points × cells
    adjacency: sparse.csr_array | None = None  # cells sharing a relation

    def around(self, target: int) -> list[np.ndarray]:
        """Return the scopes a witness of `target` is looked for in (see HOPS), then every cell."""
        # cells within 2, then 4 relations of the target, then every cell
        if self.adjacency is None:
            links = abs(self.system.matrix)
            self.adjacency = ((links.T @ links) > 0).astype(float).tocsr()
        reach = np.zeros(self.truth.size)
        reach[target] = 1.0
        scopes = []
        for hops in range(1, max(HOPS) + 1):
            reach = np.minimum(reach + self.adjacency @ reach, 1.0)
            if hops in HOPS and reach.sum() < reach.size:
                scopes.append(reach > 0)
        return [*scopes, np.ones(self.truth.size, dtype=bool)]

    def add(self, model: str, point: np.ndarray) -> None:
        """Keep an integral point of a model (B points are A points too)."""
        self.points[model] = np.vstack([self.points[model], point])

    def keep_only(self, cell: int) -> None:
        """Drop the points that move `cell` (it is published at its true value)."""
        for model, rows in self.points.items():
            self.points[model] = rows[rows[:, cell] == self.truth[cell]]

    def leaves_one_alone(self, candidate: int) -> bool:
        """Return whether publishing `candidate` leaves a relation with one hidden cell (rule 8)."""
        # that cell would be computable: a rejection needing no LP
        rows = self.system.matrix[:, [candidate]].tocoo().row
        still = (~self.published).astype(float)
        still[candidate] = 0.0
        left = (self.system.matrix[rows] != 0).astype(float) @ still
        return bool((left == 1).any())

    def valid(self, model: str, candidate: int | None) -> np.ndarray:
        """Return the points of a model that stay points with `candidate` (if any) published."""
        rows = self.points[model]
        return rows if candidate is None else rows[rows[:, candidate] == self.truth[candidate]]

    def open_checks(self, candidate: int | None) -> list[tuple[str, int]]:
        """Return the checks the points do not prove, with `candidate` (if any) published."""
        rows = {m: self.valid(m, candidate) for m in self.points}
        a = np.vstack([rows["A"], rows["B"]])
        high_a, width_a = a.max(axis=0), np.ptp(a, axis=0)
        width_b = np.ptp(rows["B"], axis=0)
        hidden = ~self.published
        if candidate is not None:
            hidden[candidate] = False
        out = [(P1, int(i)) for i in np.flatnonzero(self.primary & (high_a < SAFE_MAX))]
        out += [(P3, int(i)) for i in np.flatnonzero(self.primary & (width_b < CHECK_NEED[P3]))]
        pinned = hidden & ~self.primary & (width_a < CHECK_NEED[UNPINNED])
        return out + [(UNPINNED, int(i)) for i in np.flatnonzero(pinned)]

    def prove(
        self, check: str, target: int, free: np.ndarray, candidate: int | None, near: bool = True
    ) -> bool:
        """Find points moving only `free` cells until `check` holds for `target`, or fail."""
        # only the points that stay points with `candidate` (if any) published count
        model = CHECK_MODEL[check]
        while True:
            rows = [self.valid("B", candidate), self.valid(model, candidate)]
            values = np.concatenate(rows)[:, target]
            if check == P1:
                if values.max() >= SAFE_MAX:
                    return True
                wanted = [(float(SAFE_MAX), np.inf)]
            else:
                low, high = values.min(), values.max()
                if high - low >= CHECK_NEED[check]:
                    return True
                wanted = list(
                    dict.fromkeys(
                        [
                            (low + CHECK_NEED[check], np.inf),
                            (-np.inf, high - CHECK_NEED[check]),
                            (high + 1.0, np.inf),  # one step each way also makes a width of 2
                            (-np.inf, low - 1.0),
                        ]
                    )
                )
            point = next(
                (
                    p
                    for scope in (self.around(target) if near else [free])
                    for low_t, high_t in wanted
                    if (p := self.nearest(model, free & scope, target, low_t, high_t)) is not None
                ),
                None,
            )
            if point is None:
                return False
            self.add(model, point)

    def spread(self, opened: list[tuple[str, int]], free: np.ndarray) -> None:
        """Look for shared points first, as the audit does (kept if integral)."""
        # one LP per check and direction moves every open target as far as its check needs
        cols = np.flatnonzero(free)
        position = np.full(self.truth.size, -1)
        position[cols] = np.arange(cols.size)
        for check in (P1, P3, UNPINNED):
            targets = position[[t for c, t in opened if c == check]]
            targets = targets[targets >= 0]
            if not targets.size:
                continue
            _, rows, matrix, truth, bounds = self.restricted(free, CHECK_MODEL[check])
            m, k = cols.size, targets.size
            cap = CHECK_NEED[check]
            for sign in (1.0,) if check == P1 else (1.0, -1.0):
                base = np.zeros(k) if check == P1 else truth[targets]
                select = sparse.csr_array(
                    (np.full(k, -sign), (np.arange(k), targets)), shape=(k, m)
                )
                result = linprog(
                    np.concatenate([np.zeros(m), -np.ones(k)]),
                    A_ub=sparse.hstack([select, sparse.eye_array(k)], format="csr"),
                    b_ub=-sign * base,
                    A_eq=sparse.hstack([matrix, sparse.csr_array((rows.size, k))], format="csr"),
                    b_eq=matrix @ truth,
                    bounds=np.vstack(
                        [bounds, np.column_stack([np.full(k, -np.inf), np.full(k, cap)])]
                    ),
                    method="highs",
                )
                if result.status == 0 and attacker.integral(result.x[:m]):
                    point = self.truth.copy()
                    point[cols] = np.round(result.x[:m])
                    self.add(CHECK_MODEL[check], point)

    def restricted(self, free: np.ndarray, model: str):
        """Return the `free` cells, the rows touching them, those rows over them, truth, bounds."""
        cols = np.flatnonzero(free)
        matrix = self.system.matrix[:, cols]
        rows = np.flatnonzero(abs(matrix) @ np.ones(cols.size) > 0)
        if model == "B":
            bounds = attacker.model_b_bounds(self.primary[cols])
        else:
            bounds = attacker.model_a_bounds(cols.size)
        return cols, rows, matrix[rows].tocsr(), self.truth[cols], bounds

    def nearest(self, model: str, free: np.ndarray, target: int, low: float, high: float):
        """Return the integral point of `model` nearest the truth with the target in range, or None."""
        # nearest in L1, moving only `free` cells, the target in [low, high]
        if not free[target]:
            return None
        cols, rows, matrix, truth, bounds = self.restricted(free, model)
        where = np.flatnonzero(cols == target)
        bounds[where[0]] = [max(bounds[where[0], 0], low), min(bounds[where[0], 1], high)]
        if bounds[where[0], 0] > bounds[where[0], 1]:
            return None
        # y = truth + up - down, up and down >= 0: boxes only, no rows for the L1 objective
        up = np.column_stack(
            [np.maximum(bounds[:, 0] - truth, 0), np.maximum(bounds[:, 1] - truth, 0)]
        )
        down = np.column_stack(
            [np.maximum(truth - bounds[:, 1], 0), np.maximum(truth - bounds[:, 0], 0)]
        )
        all_bounds = np.vstack([up, down])
        equations = sparse.hstack([matrix, -matrix], format="csr")
        zero = np.zeros(rows.size)
        objective = np.ones(2 * cols.size)
        result = linprog(objective, A_eq=equations, b_eq=zero, bounds=all_bounds, method="highs")
        if result.status != 0:
            return None
        if not attacker.integral(result.x):
            result = milp(
                objective,
                integrality=np.ones(2 * cols.size),
                bounds=Bounds(all_bounds[:, 0], all_bounds[:, 1]),
                constraints=[LinearConstraint(equations, zero, zero)],
                options={"node_limit": MILP_NODES, "time_limit": MILP_SECONDS, "presolve": True},
            )
            if result.x is None:
                return None
        y = truth + result.x[: cols.size] - result.x[cols.size :]
        point = self.truth.copy()
        point[cols] = np.round(y)
        return point


def parts_of(relations: Relations, problem: Problem, hidden: np.ndarray) -> list[Part]:
    """Return the attacker's components of a pattern, each holding the truth as its first point."""
    system = attacker.attacker_system(relations, problem.values, hidden)
    parts = []
    for component in attacker.components(system):
        truth = problem.values[component.cells]
        part = Part(
            component,
            truth,
            problem.primary[component.cells],
            np.zeros(component.cells.size, dtype=bool),
        )
        part.points = {"A": truth[None, :], "B": truth[None, :]}
        parts.append(part)
    return parts


def publish_back(
    relations: Relations,
    problem: Problem,
    hidden: np.ndarray,
    chosen: list[Certificate],
    tries: int,
) -> tuple[np.ndarray, dict[str, object]]:
    """Return the hidden complements that can be published (dearest first) and run figures."""
    # `hidden` must already pass the audit; at most `tries` candidates are tried with LPs (a
    # count, not a clock, so a run is repeatable)
    clock = time.perf_counter()
    parts = parts_of(relations, problem, hidden)
    where = {}
    for k, part in enumerate(parts):
        for local, cell in enumerate(part.system.cells):
            where[int(cell)] = (k, local)
    for certificate in chosen:
        cells = [where[int(c)] for c in certificate.cells if int(c) in where]
        if int(certificate.primary) not in where:
            continue
        k, target = where[int(certificate.primary)]
        free = np.zeros(parts[k].system.cells.size, dtype=bool)
        free[[local for j, local in cells if j == k] + [target]] = True
        for check in (P1, P3):
            parts[k].prove(check, target, free, None, near=False)
    usable = []
    for part in parts:
        everything = np.ones(part.system.cells.size, dtype=bool)
        usable.append(all(part.prove(c, t, everything, None) for c, t in part.open_checks(None)))
    seeded = time.perf_counter()
    candidates = np.flatnonzero(hidden & ~problem.primary & ~problem.forced)
    candidates = candidates[np.argsort(-problem.weights[candidates], kind="stable")]
    published = np.zeros_like(hidden)
    tried = 0
    for cell in candidates:
        if tried >= tries:
            break
        k, local = where[int(cell)]
        part = parts[k]
        if not usable[k] or part.leaves_one_alone(local):
            continue
        tried += 1
        free = ~part.published
        free[local] = False
        opened = part.open_checks(local)
        if len(opened) >= SPREAD_MIN:
            part.spread(opened, free)
            opened = part.open_checks(local)
        if all(part.prove(c, t, free, local) for c, t in opened):
            part.published[local] = True
            part.keep_only(local)
            published[cell] = True
    figures = {
        "publish-back candidates": int(candidates.size),
        "publish-back tried": tried,
        "published back": int(published.sum()),
        "publish-back weight": float(np.floor(problem.weights[published]).sum()),
        "publish-back seconds": round(time.perf_counter() - clock, 2),
        "publish-back seed seconds": round(seeded - clock, 2),
    }
    return published, figures
