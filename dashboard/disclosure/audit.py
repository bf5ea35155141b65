"""The disclosure audit: proves a suppression pattern safe, trusting nothing the optimiser did.

For every hidden cell it bounds what an attacker holding every relation can work out
(attacker.py): each primary must reach 11 under model A (P1) and keep an interval 2 wide under
model B (P3); every hidden cell keeps an interval at least 1 wide (rule 8: nothing hidden is
computable). Integer solutions decide: a bound counts only when an integral point attains it.
Every solution found is kept as a witness for every cell it moves, so one "move as many cells
as possible" LP settles most cells at once; per-cell LPs, then per-cell integer programs, run
only for what is left. See docs/disclosure-control.md.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from scipy import sparse
from scipy.optimize import OptimizeResult

from dashboard import domain, reference
from dashboard.disclosure import attacker
from dashboard.disclosure.attacker import (
    CHECK_MODEL,
    CHECK_NEED,
    P1,
    P3,
    SAFE_MAX,
    TOLERANCE,
    UNPINNED,
    System,
)
from dashboard.disclosure.checks import (
    cell_arrays,
    cell_failure,
    rate_failures,
    relation_failures,
    status_failures,
)
from dashboard.disclosure.relations import KEY, Relations, derive_relations
from dashboard.disclosure.report import AuditReport, interval_json
from dashboard.disclosure.weights import WEIGHT, tier_names

SPREAD_MIN_SETTLED = 3  # a shared LP costs about as much as two or three per-cell LPs
SPREAD_MIN_SHARE = 0.05
INFEASIBLE = "infeasible"
FAILURE_LIMIT = 200  # a failed audit stops proving here: the verdict is known
DETAILED = 50  # failures given exact intervals (two LPs each)


@dataclass(frozen=True)
class Failure:
    """A cell the attacker pins down too tightly (`check`), with what the solvers found."""

    cell: int
    check: str
    integer: bool


class Witnesses:
    """The lowest and highest value of each cell over the feasible points found, per model.

    Keys "A", "B" hold every point (LP proofs); "A int", "B int" only integral points.
    """

    def __init__(self, n_cells: int) -> None:
        keys = ("A", "B", "A int", "B int")
        self.low = {k: np.full(n_cells, np.inf) for k in keys}
        self.high = {k: np.full(n_cells, -np.inf) for k in keys}

    def record(self, model: str, cells: np.ndarray, values: np.ndarray) -> None:
        """Record one feasible point of a model (restricted to `cells`)."""
        keys = [model, f"{model} int"] if attacker.integral(values) else [model]
        for key in keys:
            np.minimum.at(self.low[key], cells, values)
            np.maximum.at(self.high[key], cells, values)

    def settled(self, check: str, cells: np.ndarray, integer: bool = True) -> np.ndarray:
        """Return, per cell, whether the recorded points already prove `check`."""
        key = CHECK_MODEL[check] + (" int" if integer else "")
        if check == P1:
            return self.high[key][cells] >= SAFE_MAX - TOLERANCE
        width = self.high[key][cells] - self.low[key][cells]
        return width >= CHECK_NEED[check] - TOLERANCE

    def value(self, check: str, cells: np.ndarray) -> np.ndarray:
        """Return the proven (integer) maximum (P1) or interval width (P3, unpinned)."""
        key = CHECK_MODEL[check] + " int"
        if check == P1:
            return self.high[key][cells]
        return self.high[key][cells] - self.low[key][cells]


class Prover:
    """Runs the audit's LPs and integer programs over one attacker system."""

    def __init__(self, n_cells: int, primary: np.ndarray | None) -> None:
        self.witnesses = Witnesses(n_cells)
        self.primary = primary
        self.n_lps = 0
        self.n_integer_programs = 0

    def bounds(self, check: str, component: System) -> np.ndarray:
        """Return the bounds of the model a check is decided under."""
        if CHECK_MODEL[check] == "B":
            return attacker.model_b_bounds(self.primary[component.cells])
        return attacker.model_a_bounds(len(component.cells))

    def lp(self, *args: object, integer: bool = False) -> OptimizeResult:
        """Solve one LP (or, `integer`, one MILP) and count it."""
        if integer:
            self.n_integer_programs += 1
            return attacker.solve_integer(*args)
        self.n_lps += 1
        return attacker.solve_lp(*args)

    def record(self, check: str, component: System, result: OptimizeResult) -> None:
        """Record an optimal point as a witness of the check's model."""
        if result.status == 0 and result.x is not None:
            n = len(component.cells)
            self.witnesses.record(CHECK_MODEL[check], component.cells, result.x[:n])

    def spread(self, check: str, component: System, targets: np.ndarray, sign: float, anchor):
        """Move as many targets as far as the check needs in one LP: max Σ min(±(y − anchor), cap)."""
        n_vars, k = len(component.cells), len(targets)
        cap = CHECK_NEED[check]
        select = sparse.csr_array((np.full(k, -sign), (np.arange(k), targets)), shape=(k, n_vars))
        inequalities = sparse.hstack([select, sparse.eye_array(k)], format="csr")
        objective = np.concatenate([np.zeros(n_vars), -np.ones(k)])
        bounds = np.vstack(
            [self.bounds(check, component), np.column_stack([np.full(k, -np.inf), np.full(k, cap)])]
        )
        result = self.lp(objective, component, bounds, inequalities, -sign * anchor)
        self.record(check, component, result)
        return result

    def spreads(self, check: str, component: System, targets: np.ndarray, anchor) -> None:
        """Run shared LPs while they settle enough of the targets."""
        open_ = targets[~self.witnesses.settled(check, component.cells[targets], integer=False)]
        signs = (1.0,) if check == P1 else (1.0, -1.0)
        while open_.size:
            for sign in signs:
                base = np.zeros(open_.size) if check == P1 else anchor[open_]
                self.spread(check, component, open_, sign, base)
            still = open_[~self.witnesses.settled(check, component.cells[open_], integer=False)]
            progress, open_ = open_.size - still.size, still
            if progress < worth_another_spread(progress + still.size):
                break

    def extreme(self, check: str, component: System, target: int, sign: float, integer: bool):
        """Maximise (sign +1) or minimise (-1) one cell under the check's model."""
        objective = np.zeros(len(component.cells))
        objective[target] = -sign
        result = self.lp(objective, component, self.bounds(check, component), integer=integer)
        self.record(check, component, result)
        return result

    def settle(self, check: str, component: System, target: int) -> Failure | None:
        """Prove one cell by extreme LPs, then integer programs; return a failure if it fails."""
        cell = np.array([component.cells[target]])
        signs = (1.0,) if check == P1 else (1.0, -1.0)
        for integer in (False, True):
            for sign in signs:
                if self.witnesses.settled(check, cell, integer=integer)[0]:
                    break
                result = self.extreme(check, component, target, sign, integer)
                if result.status == 3:  # unbounded: arbitrarily large values exist
                    key = CHECK_MODEL[check] + (" int" if integer else "")
                    self.witnesses.high[key][cell] = np.inf
                    self.witnesses.high[CHECK_MODEL[check]][cell] = np.inf
            if not self.witnesses.settled(check, cell, integer=integer)[0]:
                return Failure(int(cell[0]), check, integer)
        return None

    def prove(self, system: System, wanted: dict[str, np.ndarray], anchor: np.ndarray):
        """Prove each check for its cells (global index arrays); return failures and components.

        `anchor` holds a feasible point per cell (the truth, or any solution) for the spreads.
        """
        blocks = attacker.components(system)
        failures: list[Failure] = []
        for component in blocks:
            local_anchor = anchor[component.cells]
            if np.isnan(local_anchor).any():  # no solution at all: published cells contradict
                failures.append(Failure(int(component.cells[0]), INFEASIBLE, False))
                continue
            for model in ("A", "B"):
                if model == "A" or self.primary is not None:
                    self.witnesses.record(model, component.cells, local_anchor)
            for check, cells in wanted.items():
                targets = np.flatnonzero(np.isin(component.cells, cells))
                if not targets.size:
                    continue
                self.spreads(check, component, targets, local_anchor)
                for target in targets:
                    if len(failures) >= FAILURE_LIMIT:
                        return failures, blocks
                    failure = self.settle(check, component, int(target))
                    if failure is not None:
                        failures.append(failure)
        return failures, blocks


def worth_another_spread(n_open: int) -> int:
    """Return how many cells a shared LP must settle for another one to beat per-cell LPs."""
    return max(SPREAD_MIN_SETTLED, math.ceil(SPREAD_MIN_SHARE * n_open))


def exact_interval(prover: Prover, check: str, component: System, target: int) -> list[float]:
    """Return [min, max] of one cell under the check's model (LP; inf unbounded, nan infeasible)."""
    interval = []
    for sign in (-1.0, 1.0):
        result = prover.extreme(check, component, target, sign, False)
        if result.status == 0:
            interval.append(float(result.x[target]))
        else:
            interval.append(math.inf * sign if result.status == 3 else math.nan)
    return interval


def failure_details(failures: list[Failure], relations: Relations, prover: Prover, blocks):
    """Return the failures as dicts, the first DETAILED with their exact intervals."""
    return [
        failure_detail(f, relations, prover, blocks, i < DETAILED) for i, f in enumerate(failures)
    ]


def failure_detail(
    failure: Failure, relations: Relations, prover: Prover, blocks, intervals: bool
) -> dict:
    """Return a failure with the cell's key and (`intervals`) its LP intervals under A (and B)."""
    if failure.check == INFEASIBLE or not intervals:
        return {
            "check": failure.check,
            "cell": relations.cell_key(failure.cell),
            "cell_index": failure.cell,
        }
    component = next(b for b in blocks if failure.cell in b.cells)
    target = int(np.flatnonzero(component.cells == failure.cell)[0])
    out = {
        "check": failure.check + (" (integer)" if failure.integer else ""),
        "cell": relations.cell_key(failure.cell),
        "cell_index": failure.cell,
        "interval_a": interval_json(exact_interval(prover, P1, component, target)),
    }
    if prover.primary is not None:
        out["interval_b"] = interval_json(exact_interval(prover, P3, component, target))
    return out


def share(part: float, whole: float) -> float:
    """Return part / whole, 0 when whole is 0."""
    return float(part / whole) if whole else 0.0


def narrowest(prover: Prover, check: str, cells: np.ndarray) -> float | None:
    """Return the smallest proven maximum (P1) or width of the cells (None if there are none)."""
    return float(prover.witnesses.value(check, cells).min()) if cells.size else None


def report(
    mode: str,
    relations: Relations,
    status: np.ndarray,
    prover: Prover,
    blocks: list[System],
    wanted: dict[str, np.ndarray],
    failures: list[dict],
    start: float,
) -> AuditReport:
    """Return the audit report of one run."""
    hidden = status == domain.SUPPRESSED
    counted = hidden | (status == domain.PUBLISHED)
    tiers = tier_names(relations.keys)
    names, counts = np.unique(tiers[hidden], return_counts=True)
    weights = np.array([WEIGHT[name] for name in tiers])
    empty = np.zeros(0, dtype=np.int64)
    return AuditReport(
        passed=not failures,
        mode=mode,
        n_cells=relations.n_cells,
        n_published=int((status == domain.PUBLISHED).sum()),
        n_suppressed=int(hidden.sum()),
        n_not_opted_in=int((status == domain.NOT_OPTED_IN).sum()),
        share_cells_hidden=share(hidden.sum(), counted.sum()),
        hidden_by_tier={str(n): int(c) for n, c in zip(names, counts, strict=True)},
        weighted_loss=float(weights[hidden].sum()),
        narrowest_p1_max=narrowest(prover, P1, wanted.get(P1, empty)),
        narrowest_p3_width=narrowest(prover, P3, wanted.get(P3, empty)),
        narrowest_hidden_width=narrowest(prover, UNPINNED, np.flatnonzero(hidden)),
        n_relations=relations.n_relations,
        n_components=len(blocks),
        largest_component=max((len(b.cells) for b in blocks), default=0),
        n_lps=prover.n_lps,
        n_integer_programs=prover.n_integer_programs,
        seconds=time.perf_counter() - start,
        failures=failures,
    )


def audit(cells: pl.DataFrame, relations: Relations) -> AuditReport:
    """Audit a suppressed cell frame holding TRUE values (the optimiser's output).

    Needs the key columns, `value` (true counts, null where not opted in) and `status`
    ('published' / 'suppressed' / 'not_opted_in'). Primaries are recomputed from the values.
    """
    start = time.perf_counter()
    values, status = cell_arrays(cells, relations)
    truth = np.nan_to_num(values)
    hidden = status == domain.SUPPRESSED
    counted = hidden | (status == domain.PUBLISHED)
    small = counted & (truth >= domain.SMALL_MIN) & (truth <= domain.SMALL_MAX)
    failures = relation_failures(relations, truth, np.zeros_like(hidden))
    failures += cell_failure("published_small", relations, np.flatnonzero(small & ~hidden))
    failures += cell_failure("hidden_zero", relations, np.flatnonzero(hidden & (truth <= 0)))
    primaries = np.flatnonzero(small & hidden)
    wanted = {P1: primaries, P3: primaries, UNPINNED: np.flatnonzero(hidden & ~small)}
    prover = Prover(relations.n_cells, small)
    system = attacker.attacker_system(relations, truth, hidden)
    lp_failures, blocks = prover.prove(system, wanted, truth)
    failures += failure_details(lp_failures, relations, prover, blocks)
    return report("build", relations, status, prover, blocks, wanted, failures, start)


def published_union(directories: list[Path]) -> tuple[pl.DataFrame, list[dict]]:
    """Return the union of several releases' cells (what someone holding all of them has),
    and a failure for every cell that two of them show differently (frozen years may not)."""
    frames = [pl.read_parquet(d / "cells.parquet") for d in directories]
    union = pl.concat(frames).unique(subset=list(KEY), keep="first", maintain_order=True)
    failures = []
    for directory, frame in zip(directories[1:], frames[1:], strict=True):
        joined = frames[0].join(frame, on=list(KEY), suffix="_earlier")
        differs = joined.filter(
            (pl.col("status") != pl.col("status_earlier"))
            | pl.col("value").ne_missing(pl.col("value_earlier"))
        )
        failures += [
            {"check": "changed_between_releases", "release": directory.name, "cell": row}
            for row in differs.select(KEY).head(DETAILED).iter_rows(named=True)
        ]
    return union, failures


def audit_release(release_dir: Path | str, earlier: tuple[Path, ...] = ()) -> AuditReport:
    """Audit a published release directory from its files alone (no true values needed),
    together with the `earlier` releases it follows (the union of all their cells).

    Checks: statuses and nulls; no published count in 1..10; every relation without a hidden
    cell adds up; every hidden cell can reach 11 under model A (P1 for the primaries without
    knowing which they are: complements are >= 11 in truth) and is not computable exactly;
    every rate rests on published counts equal to the published cells; a cell two releases
    share is shown alike in both.
    """
    start = time.perf_counter()
    directory = Path(release_dir)
    cells, union_failures = published_union([directory, *map(Path, earlier)])
    has_counties = (directory / "counties.csv").exists()
    counties = reference.load_counties(directory if has_counties else reference.REFERENCE_DIR)
    relations = derive_relations(cells, counties)
    values, status = cell_arrays(cells, relations)
    hidden = status == domain.SUPPRESSED
    failures = union_failures + status_failures(relations, values, status)
    failures += relation_failures(relations, values, hidden)
    known = np.where(hidden, np.nan, np.nan_to_num(values))
    targets = np.flatnonzero(hidden)
    wanted = {P1: targets, UNPINNED: targets}
    prover = Prover(relations.n_cells, None)
    system = attacker.attacker_system(relations, known, hidden)
    anchor = feasible_point(prover, system, relations.n_cells)
    lp_failures, blocks = prover.prove(system, wanted, anchor)
    failures += failure_details(lp_failures, relations, prover, blocks)
    if (directory / "rates.parquet").exists():
        own = pl.read_parquet(directory / "cells.parquet")
        failures += rate_failures(pl.read_parquet(directory / "rates.parquet"), own)
    else:
        failures.append({"check": "rates_missing", "path": str(directory / "rates.parquet")})
    return report("release", relations, status, prover, blocks, wanted, failures, start)


def feasible_point(prover: Prover, system: System, n_cells: int) -> np.ndarray:
    """Return an integral model-A point of the hidden cells (NaN where none was found)."""
    point = np.full(n_cells, np.nan)
    for component in attacker.components(system):
        objective = np.ones(len(component.cells))
        bounds = attacker.model_a_bounds(len(component.cells))
        result = prover.lp(objective, component, bounds)
        if result.status == 0 and not attacker.integral(result.x):
            result = prover.lp(objective, component, bounds, integer=True)
        if result.status == 0:
            point[component.cells] = np.round(result.x)
    return point
