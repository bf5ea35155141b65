"""The disclosure audit: linear programs that try to pin down every hidden cell.

The attacker's system: every relation (relations.py), published cells as constants,
not-opted-in cells as 0, hidden cells as variables. For each primary cell (a true count 1..10)
the audit bounds it under two attacker models:

- A: every hidden cell is >= 1 (zeros are published);
- B: primaries lie in [1, 10] and complements are >= 11 (the classification has leaked).

P1: max_A >= 11 (arithmetic cannot prove the count is small); P3: max_B - min_B >= 2 (at least
three values stay possible even under B). Hidden cells are split into connected components,
and every LP solution is kept as a witness: a feasible solution where a cell is v proves its
max >= v, so one "move as many cells as possible" LP settles most cells at once and per-cell LPs
are solved only for what is left.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
from scipy import sparse
from scipy.optimize import OptimizeResult, linprog
from scipy.sparse.csgraph import connected_components

from dashboard import domain, reference
from dashboard.build.relations import Relations, derive_relations

SAFE_MAX = domain.SMALL_MAX + 1  # P1: a primary must be able to reach 11
MIN_WIDTH = 2  # P3: max_B - min_B >= 2
TOLERANCE = 1e-6
COUNT_STATUSES = ("count", domain.PUBLISHED)
SPREAD_MIN_SETTLED = 3  # a shared LP costs about as much as two or three per-cell LPs
SPREAD_MIN_SHARE = 0.05
RATE_SCALE = {"percent": 100.0, "per_100k": 100_000.0}
RATE_TOLERANCE = 0.05 + 1e-6  # half the last decimal of a percent (rounding), and float noise


@dataclass(frozen=True)
class AttackerSystem:
    """The attacker's equations: hidden cells as variables, the rest folded into constants."""

    matrix: sparse.csr_array
    rhs: np.ndarray
    cells: np.ndarray
    relations: np.ndarray


@dataclass(frozen=True)
class Component:
    """One connected block of the attacker's system (cells and relations as global indices)."""

    matrix: sparse.csr_array
    rhs: np.ndarray
    cells: np.ndarray
    relations: np.ndarray


@dataclass(frozen=True)
class Failure:
    """A primary (or, auditing a release, hidden) cell that the LPs pin down too tightly."""

    cell: int
    check: str
    low: float
    high: float
    binding: tuple[int, ...] = ()


def attacker_system(relations: Relations, values: np.ndarray, hidden: np.ndarray) -> AttackerSystem:
    """Return the relations touching a hidden cell, restricted to hidden cells, with constants."""
    matrix = relations.matrix
    known = np.where(hidden, 0.0, np.nan_to_num(values))
    rhs_all = -(matrix @ known)
    touched = np.flatnonzero(matrix @ hidden.astype(float) != 0)
    hidden_cells = np.flatnonzero(hidden)
    sub = matrix[touched][:, hidden_cells].tocsr()
    return AttackerSystem(sub, rhs_all[touched], hidden_cells, touched)


def components(system: AttackerSystem) -> list[Component]:
    """Split the system into connected components, ordered by their first cell."""
    n_rows = system.matrix.shape[0]
    link = abs(system.matrix)
    graph = sparse.block_array([[None, link], [link.T, None]], format="csr")
    _, labels = connected_components(graph, directed=False)
    row_groups = groups(labels[:n_rows])
    out = []
    for label, variables in sorted(groups(labels[n_rows:]).items(), key=lambda g: g[1][0]):
        rows = row_groups.get(label, np.zeros(0, dtype=np.int64))
        out.append(
            Component(
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


def solve(
    objective: np.ndarray,
    component: Component,
    bounds: np.ndarray,
    inequalities: sparse.csr_array | None = None,
    limits: np.ndarray | None = None,
) -> OptimizeResult:
    """Minimise `objective` over the component's equations (padded for any extra variables)."""
    extra = len(objective) - component.matrix.shape[1]
    equations = component.matrix
    if extra:
        padding = sparse.csr_array((equations.shape[0], extra))
        equations = sparse.hstack([equations, padding], format="csr")
    return linprog(
        objective,
        A_ub=inequalities,
        b_ub=limits,
        A_eq=equations,
        b_eq=component.rhs,
        bounds=bounds,
        method="highs",
    )


def binding_relations(component: Component, *results: OptimizeResult) -> tuple[int, ...]:
    """Return the component's relations with a non-zero dual, most binding first."""
    weight = np.zeros(len(component.relations))
    for result in results:
        if result.status == 0:
            weight += np.abs(result.eqlin.marginals)
    order = np.lexsort((component.relations, -weight))
    return tuple(int(component.relations[i]) for i in order if weight[i] > TOLERANCE)


class Prover:
    """Runs the audit's LPs and keeps every solution as a witness for every other cell."""

    def __init__(self, n_cells: int) -> None:
        self.best_max_a = np.full(n_cells, -np.inf)
        self.low_b = np.full(n_cells, np.inf)
        self.high_b = np.full(n_cells, -np.inf)
        self.n_lps = 0

    def p1_settled(self, cells: np.ndarray) -> np.ndarray:
        """Return, per cell, whether some model-A solution already reaches 11."""
        return self.best_max_a[cells] >= SAFE_MAX - TOLERANCE

    def p3_settled(self, cells: np.ndarray) -> np.ndarray:
        """Return, per cell, whether model-B solutions already span at least 2."""
        return self.high_b[cells] - self.low_b[cells] >= MIN_WIDTH - TOLERANCE

    def lp(self, *args: object, **kwargs: object) -> OptimizeResult:
        """Solve one LP and count it."""
        self.n_lps += 1
        return solve(*args, **kwargs)

    def record_a(self, cells: np.ndarray, values: np.ndarray) -> None:
        """Record the values of cells in a model-A solution."""
        np.maximum.at(self.best_max_a, cells, values)

    def record_b(self, cells: np.ndarray, values: np.ndarray) -> None:
        """Record the values of cells in a model-B solution (the truth is one)."""
        np.minimum.at(self.low_b, cells, values)
        np.maximum.at(self.high_b, cells, values)

    def witness_a(self, component: Component, result: OptimizeResult) -> None:
        """Record an optimal model-A LP solution."""
        if result.status == 0:
            self.record_a(component.cells, result.x[: len(component.cells)])

    def spread(
        self,
        component: Component,
        bounds: np.ndarray,
        targets: np.ndarray,
        sign: float,
        anchor: np.ndarray,
        cap: float,
    ) -> OptimizeResult:
        """Maximise Σ min(sign·(y_t − anchor_t), cap) over targets: one LP moves many cells."""
        n_vars, k = len(component.cells), len(targets)
        select = sparse.csr_array((np.full(k, -sign), (np.arange(k), targets)), shape=(k, n_vars))
        inequalities = sparse.hstack([select, sparse.eye_array(k)], format="csr")
        objective = np.concatenate([np.zeros(n_vars), -np.ones(k)])
        z_bounds = np.column_stack([np.full(k, -np.inf), np.full(k, cap)])
        return self.lp(
            objective, component, np.vstack([bounds, z_bounds]), inequalities, -sign * anchor
        )

    def extreme(self, component: Component, bounds: np.ndarray, target: int, sign: float):
        """Maximise (sign=+1) or minimise (sign=-1) one variable of the component."""
        objective = np.zeros(len(component.cells))
        objective[target] = -sign
        return self.lp(objective, component, bounds)

    def prove_p1(
        self, component: Component, targets: np.ndarray, exhaustive: bool = True
    ) -> list[Failure]:
        """Show max_A >= 11 for each target position, or return it as a failure."""
        bounds = model_a_bounds(len(component.cells))
        open_ = targets[~self.p1_settled(component.cells[targets])]
        while open_.size:
            result = self.spread(component, bounds, open_, 1.0, np.zeros(open_.size), SAFE_MAX)
            if result.status != 0:
                return [Failure(int(component.cells[open_[0]]), "infeasible", math.nan, math.nan)]
            self.witness_a(component, result)
            still = open_[~self.p1_settled(component.cells[open_])]
            progress, open_ = open_.size - still.size, still
            if progress < worth_another_spread(progress + still.size):
                break
        failures = []
        for target in open_ if exhaustive else ():
            cell = component.cells[target]
            if self.p1_settled(np.array([cell]))[0]:
                continue
            result = self.extreme(component, bounds, target, 1.0)
            if result.status == 3:
                self.best_max_a[cell] = np.inf
            elif result.status != 0:
                failures.append(Failure(int(cell), "infeasible", math.nan, math.nan))
            else:
                self.witness_a(component, result)
                if not self.p1_settled(np.array([cell]))[0]:
                    high = float(result.x[target])
                    binding = binding_relations(component, result)
                    failures.append(Failure(int(cell), "P1", math.nan, high, binding))
        return failures

    def prove_p3(
        self,
        component: Component,
        targets: np.ndarray,
        truth: np.ndarray,
        primary: np.ndarray,
        exhaustive: bool = True,
    ) -> list[Failure]:
        """Show max_B - min_B >= 2 for each target position, or return it as a failure."""
        bounds = model_b_bounds(primary[component.cells])
        self.record_b(component.cells, truth[component.cells])
        open_ = targets[~self.p3_settled(component.cells[targets])]
        while open_.size:
            anchor = truth[component.cells[open_]]
            for sign in (1.0, -1.0):
                result = self.spread(component, bounds, open_, sign, anchor, MIN_WIDTH)
                if result.status == 0:
                    self.record_b(component.cells, result.x[: len(component.cells)])
            still = open_[~self.p3_settled(component.cells[open_])]
            progress, open_ = open_.size - still.size, still
            if progress < worth_another_spread(progress + still.size):
                break
        failures = []
        for target in open_ if exhaustive else ():
            cell = component.cells[target]
            results = []
            for sign in (1.0, -1.0):
                if self.p3_settled(np.array([cell]))[0]:
                    break
                result = self.extreme(component, bounds, target, sign)
                results.append(result)
                if result.status == 3:
                    self.high_b[cell] = np.inf
                elif result.status == 0:
                    self.record_b(component.cells, result.x)
            if not self.p3_settled(np.array([cell]))[0]:
                binding = binding_relations(component, *results)
                failures.append(
                    Failure(int(cell), "P3", self.low_b[cell], self.high_b[cell], binding)
                )
        return failures

    def prove(
        self,
        system: AttackerSystem,
        p1_cells: np.ndarray,
        p3_cells: np.ndarray,
        truth: np.ndarray | None = None,
        primary: np.ndarray | None = None,
        exhaustive: bool = True,
    ) -> tuple[list[Failure], list[Component]]:
        """Check P1 for `p1_cells` and P3 for `p3_cells` (global indices); return failures.

        Not `exhaustive`: only the shared LPs run (no per-cell LP, so no failure is reported);
        they cheaply settle what they can.
        """
        blocks = components(system)
        wanted_p1 = np.zeros(len(self.best_max_a), dtype=bool)
        wanted_p1[p1_cells] = True
        wanted_p3 = np.zeros(len(self.best_max_a), dtype=bool)
        wanted_p3[p3_cells] = True
        failures: list[Failure] = []
        for component in blocks:
            p1_targets = np.flatnonzero(wanted_p1[component.cells])
            if p1_targets.size:
                failures += self.prove_p1(component, p1_targets, exhaustive)
            p3_targets = np.flatnonzero(wanted_p3[component.cells])
            if p3_targets.size and truth is not None and primary is not None:
                failures += self.prove_p3(component, p3_targets, truth, primary, exhaustive)
        return failures, blocks


def worth_another_spread(n_open: int) -> int:
    """Return how many cells a shared LP must settle for another one to beat per-cell LPs."""
    return max(SPREAD_MIN_SETTLED, math.ceil(SPREAD_MIN_SHARE * n_open))


def model_a_bounds(n: int) -> np.ndarray:
    """Model A: every hidden cell is at least 1."""
    return np.column_stack([np.ones(n), np.full(n, np.inf)])


def model_b_bounds(primary: np.ndarray) -> np.ndarray:
    """Model B: primaries in [1, 10], complements at least 11."""
    low = np.where(primary, 1.0, float(SAFE_MAX))
    high = np.where(primary, float(domain.SMALL_MAX), np.inf)
    return np.column_stack([low, high])


def exact_interval(
    prover: Prover, component: Component, target: int, bounds: np.ndarray
) -> list[float]:
    """Return [min, max] of one variable of the component (inf unbounded, nan infeasible)."""
    interval = []
    for sign in (-1.0, 1.0):
        result = prover.extreme(component, bounds, target, sign)
        if result.status == 0:
            interval.append(float(result.x[target]))
        else:
            interval.append(math.inf * sign if result.status == 3 else math.nan)
    return interval


@dataclass
class AuditReport:
    """Summary of one disclosure audit; `to_dict()` is the release's audit.json."""

    passed: bool
    mode: str
    n_cells: int
    n_published: int
    n_suppressed: int
    n_not_opted_in: int
    n_primary: int | None
    n_complementary: int | None
    share_cells_hidden: float
    share_total_count_hidden: float | None
    narrowest_p1_max: float | None
    narrowest_p3_width: float | None
    n_relations: int
    n_components: int
    largest_component: int
    n_lps: int
    seconds: float
    failures: list[dict] = field(default_factory=list)

    def to_dict(self, include_timing: bool = False) -> dict:
        """Return a JSON-ready dict; without timing it is the same on every run of one input."""
        out = {key: json_number(value) for key, value in asdict(self).items()}
        out["notes"] = REPORT_NOTES
        if not include_timing:
            del out["seconds"]
        return out

    def format(self, cells: bool = True) -> str:
        """Return a readable multi-line report; failing cells one by one, or (`cells=False`,
        for the log of a build on confidential data) only counted by check, measure and level.
        """
        verdict = "PASSED" if self.passed else f"FAILED ({len(self.failures)} problems)"
        lines = [
            f"Disclosure audit ({self.mode}): {verdict}",
            f"  cells {self.n_cells}: published {self.n_published}, suppressed "
            f"{self.n_suppressed}, not opted in {self.n_not_opted_in}",
        ]
        if self.n_primary is not None:
            lines.append(
                f"  suppressed = {self.n_primary} primary + {self.n_complementary} complementary"
            )
        lines.append(f"  share of counted cells hidden: {self.share_cells_hidden:.1%}")
        if self.share_total_count_hidden is not None:
            lines.append(
                f"  share of the county-level count hidden: {self.share_total_count_hidden:.2%}"
            )
        if self.narrowest_p1_max is not None:
            lines.append(
                f"  every primary/hidden cell can reach at least {self.narrowest_p1_max:g}"
            )
        if self.narrowest_p3_width is not None:
            lines.append(f"  narrowest model-B interval width found: {self.narrowest_p3_width:g}")
        lines.append(
            f"  {self.n_relations} relations, {self.n_components} components (largest "
            f"{self.largest_component} cells), {self.n_lps} LPs, {self.seconds:.2f} s"
        )
        if not cells:
            return "\n".join(lines + [f"  - {line}" for line in failure_counts(self.failures)])
        lines += [f"  - {failure_text(f)}" for f in self.failures[:50]]
        if len(self.failures) > 50:
            lines.append(f"  ... and {len(self.failures) - 50} more")
        return "\n".join(lines)


REPORT_NOTES = {
    "share_cells_hidden": "suppressed cells over cells holding a count (not-opted-in excluded)",
    "share_total_count_hidden": "sum of suppressed true values over the sum of all values, "
    "county-level cells (every period)",
    "narrowest_p1_max": "smallest maximum proven (by LP witnesses) for a primary cell under "
    "model A; every primary can be at least this large",
    "narrowest_p3_width": "smallest model-B interval width proven for a primary cell",
}


def json_number(value: object) -> object:
    """Return floats rounded, with infinities as None (JSON has no infinity)."""
    if isinstance(value, float):
        return None if math.isinf(value) or math.isnan(value) else round(value, 6)
    return value


def failure_counts(failures: list[dict]) -> list[str]:
    """Return failures counted by check, measure and geographic level, naming no cell."""
    counts: dict[tuple[str, str, str], int] = {}
    for failure in failures:
        cell = failure.get("cell") or {}
        key = (failure["check"], cell.get("measure", "-"), cell.get("geo_level", "-"))
        counts[key] = counts.get(key, 0) + 1
    return [
        f"{check}: {n} cell(s) of {measure} at {level} level"
        for (check, measure, level), n in sorted(counts.items())
    ]


def failure_text(failure: dict) -> str:
    """Return one failure as a line of text."""
    details = ", ".join(f"{k}={v}" for k, v in failure.items() if k != "check")
    return f"{failure['check']}: {details}"


def interval_json(interval: list[float]) -> list[float | None]:
    """Return an interval with infinities as None."""
    return [json_number(float(x)) for x in interval]


def cell_arrays(cells: pl.DataFrame, relations: Relations) -> tuple[np.ndarray, np.ndarray]:
    """Return values (null as NaN) and statuses, indexed by cell."""
    index = relations.index_of(cells)
    values = np.full(relations.n_cells, np.nan)
    values[index] = cells["value"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    status = np.empty(relations.n_cells, dtype=object)
    status[index] = cells["status"].to_numpy()
    return values, status


def cell_failure(check: str, relations: Relations, cells: np.ndarray) -> list[dict]:
    """Return one failure dict per cell."""
    return [{"check": check, "cell": relations.cell_key(c)} for c in cells]


def relation_failures(relations: Relations, values: np.ndarray, hidden: np.ndarray) -> list[dict]:
    """Return relations without hidden cells that do not add up."""
    matrix = relations.matrix
    complete = abs(matrix) @ hidden.astype(float) == 0
    residual = matrix @ np.where(hidden, 0.0, np.nan_to_num(values))
    bad = np.flatnonzero(complete & (np.abs(residual) > 0.5))
    return [
        {
            "check": "relation_does_not_hold",
            "kind": str(relations.kinds[r]),
            "total": relations.cell_key(total_of(relations, r)),
            "residual": float(residual[r]),
        }
        for r in bad
    ]


def total_of(relations: Relations, relation: int) -> int:
    """Return the total cell of a relation."""
    cells, coefs = relations.members(relation)
    return int(cells[coefs > 0][0])


def lp_failure(
    failure: Failure,
    relations: Relations,
    prover: Prover,
    blocks: list[Component],
    primary: np.ndarray | None,
) -> dict:
    """Return an LP failure with its exact intervals under model A (and B if primaries known)."""
    out: dict = {"check": failure.check, "cell": relations.cell_key(failure.cell)}
    if failure.check == "infeasible":
        return out
    component = next(b for b in blocks if failure.cell in b.cells)
    target = int(np.flatnonzero(component.cells == failure.cell)[0])
    bounds_a = model_a_bounds(len(component.cells))
    out["interval_a"] = interval_json(exact_interval(prover, component, target, bounds_a))
    if primary is not None:
        bounds_b = model_b_bounds(primary[component.cells])
        out["interval_b"] = interval_json(exact_interval(prover, component, target, bounds_b))
    return out


def share(part: float, whole: float) -> float:
    """Return part / whole, 0 when whole is 0."""
    return float(part / whole) if whole else 0.0


def component_sizes(blocks: list[Component]) -> tuple[int, int]:
    """Return the number of components and the size of the largest."""
    return len(blocks), max((len(b.cells) for b in blocks), default=0)


def audit(cells: pl.DataFrame, relations: Relations) -> AuditReport:
    """Audit a suppressed cell frame holding TRUE values (suppress() output) against P1 and P3.

    Needs the key columns, `value` (true counts, null where not opted in) and `status`
    ('published' / 'suppressed' / 'not_opted_in'). Primaries are recomputed from the values.
    """
    start = time.perf_counter()
    values, status = cell_arrays(cells, relations)
    truth = np.nan_to_num(values)
    hidden = status == domain.SUPPRESSED
    counted = hidden | np.isin(status, COUNT_STATUSES)
    small = counted & (truth >= domain.SMALL_MIN) & (truth <= domain.SMALL_MAX)
    primary = small & hidden
    failures = relation_failures(relations, truth, np.zeros_like(hidden))
    failures += cell_failure("published_small", relations, np.flatnonzero(small & ~hidden))
    failures += cell_failure("hidden_zero", relations, np.flatnonzero(hidden & (truth <= 0)))
    prover = Prover(relations.n_cells)
    system = attacker_system(relations, truth, hidden)
    targets = np.flatnonzero(primary)
    lp_failures, blocks = prover.prove(system, targets, targets, truth, small)
    failures += [lp_failure(f, relations, prover, blocks, small) for f in lp_failures]
    county = (relations.keys["geo_level"] == "county").to_numpy() & counted
    widths = prover.high_b[targets] - prover.low_b[targets]
    n_components, largest = component_sizes(blocks)
    return AuditReport(
        passed=not failures,
        mode="build",
        n_cells=relations.n_cells,
        n_published=int((counted & ~hidden).sum()),
        n_suppressed=int(hidden.sum()),
        n_not_opted_in=int((status == domain.NOT_OPTED_IN).sum()),
        n_primary=int(primary.sum()),
        n_complementary=int((hidden & ~small).sum()),
        share_cells_hidden=share(hidden.sum(), counted.sum()),
        share_total_count_hidden=share(truth[county & hidden].sum(), truth[county].sum()),
        narrowest_p1_max=float(prover.best_max_a[targets].min()) if targets.size else None,
        narrowest_p3_width=float(widths.min()) if targets.size else None,
        n_relations=relations.n_relations,
        n_components=n_components,
        largest_component=largest,
        n_lps=prover.n_lps,
        seconds=time.perf_counter() - start,
        failures=failures,
    )


def status_failures(relations: Relations, values: np.ndarray, status: np.ndarray) -> list[dict]:
    """Return published cells that are null or small, and hidden cells that carry a value."""
    published = status == domain.PUBLISHED
    known = ~np.isnan(values)
    unknown_status = ~np.isin(status, [domain.PUBLISHED, domain.SUPPRESSED, domain.NOT_OPTED_IN])
    small = published & known & (values >= domain.SMALL_MIN) & (values <= domain.SMALL_MAX)
    return [
        *cell_failure("unknown_status", relations, np.flatnonzero(unknown_status)),
        *cell_failure("published_without_value", relations, np.flatnonzero(published & ~known)),
        *cell_failure("unpublished_with_value", relations, np.flatnonzero(~published & known)),
        *cell_failure("published_small", relations, np.flatnonzero(small)),
        *cell_failure("published_negative", relations, np.flatnonzero(published & (values < 0))),
    ]


def rate_failures(rates: pl.DataFrame, cells: pl.DataFrame) -> list[dict]:
    """Return rates that rest on a hidden count or disagree with the published cells."""
    geo = ["geo_level", "geo_id", "period"]
    totals = cells.filter(pl.col("breakdown") == domain.TOTAL_BREAKDOWN)

    def side(name: str) -> pl.DataFrame:
        return totals.select(
            *geo,
            pl.col("measure").alias(f"{name}_measure"),
            pl.col("value").alias(f"{name}_cell"),
            pl.col("status").alias(f"{name}_cell_status"),
        )

    joined = rates.join(side("numerator"), on=[*geo, "numerator_measure"], how="left").join(
        side("denominator"), on=[*geo, "denominator_measure"], how="left"
    )
    published = pl.col("status") == domain.PUBLISHED
    by_measure = pl.col("denominator_measure") != "population"
    scale = pl.col("unit").replace_strict(RATE_SCALE, return_dtype=pl.Float64)
    computed = pl.col("numerator") / pl.col("denominator") * scale
    checks = {
        "rate_on_hidden_count": published
        & (
            (pl.col("numerator_cell_status") != domain.PUBLISHED)
            | (by_measure & (pl.col("denominator_cell_status") != domain.PUBLISHED))
        ),
        "rate_numerator_differs": pl.col("numerator").is_not_null()
        & (
            (pl.col("numerator_cell_status") != domain.PUBLISHED)
            | (pl.col("numerator") != pl.col("numerator_cell"))
        ),
        "rate_denominator_differs": by_measure
        & pl.col("denominator").is_not_null()
        & (
            (pl.col("denominator_cell_status") != domain.PUBLISHED)
            | (pl.col("denominator") != pl.col("denominator_cell"))
        ),
        "rate_value_without_status": pl.col("value").is_not_null() & ~published,
        "rate_published_incomplete": published
        & pl.any_horizontal(pl.col(c).is_null() for c in ("numerator", "denominator", "value")),
        "rate_value_wrong": published & ((pl.col("value") - computed).abs() > RATE_TOLERANCE),
    }
    failures = []
    for check, condition in checks.items():
        bad = joined.filter(condition.fill_null(True))
        failures += [
            {"check": check, "rate": row["rate"], **{g: row[g] for g in geo}}
            for row in bad.iter_rows(named=True)
        ]
    return failures


def audit_release(release_dir: Path | str) -> AuditReport:
    """Audit a published release directory from its files alone (no true values needed).

    Checks: statuses and nulls; no published count in 1..10; every relation without a hidden
    cell adds up; every hidden cell can reach 11 under model A (P1; complements are >= 11 in
    truth, so this is P1 for the primaries without knowing which they are); every rate rests on
    published counts equal to the published cells.
    """
    start = time.perf_counter()
    directory = Path(release_dir)
    cells = pl.read_parquet(directory / "cells.parquet")
    has_counties = (directory / "counties.csv").exists()
    counties = reference.load_counties(directory if has_counties else reference.REFERENCE_DIR)
    relations = derive_relations(cells, counties)
    values, status = cell_arrays(cells, relations)
    hidden = status == domain.SUPPRESSED
    failures = status_failures(relations, values, status)
    failures += relation_failures(relations, values, hidden)
    known = np.where(hidden, np.nan, np.nan_to_num(values))
    prover = Prover(relations.n_cells)
    targets = np.flatnonzero(hidden)
    lp_failures, blocks = prover.prove(
        attacker_system(relations, known, hidden), targets, targets[:0]
    )
    failures += [lp_failure(f, relations, prover, blocks, None) for f in lp_failures]
    if (directory / "rates.parquet").exists():
        failures += rate_failures(pl.read_parquet(directory / "rates.parquet"), cells)
    else:
        failures.append({"check": "rates_missing", "path": str(directory / "rates.parquet")})
    counted = hidden | (status == domain.PUBLISHED)
    n_components, largest = component_sizes(blocks)
    return AuditReport(
        passed=not failures,
        mode="release",
        n_cells=relations.n_cells,
        n_published=int((status == domain.PUBLISHED).sum()),
        n_suppressed=int(hidden.sum()),
        n_not_opted_in=int((status == domain.NOT_OPTED_IN).sum()),
        n_primary=None,
        n_complementary=None,
        share_cells_hidden=share(hidden.sum(), counted.sum()),
        share_total_count_hidden=None,
        narrowest_p1_max=float(prover.best_max_a[targets].min()) if targets.size else None,
        narrowest_p3_width=None,
        n_relations=relations.n_relations,
        n_components=n_components,
        largest_component=largest,
        n_lps=prover.n_lps,
        seconds=time.perf_counter() - start,
        failures=failures,
    )
