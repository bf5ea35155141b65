"""Lower bounds by the capacity-cut loop: how much any protecting pattern of the demo must hide.

Run: .venv/bin/python bench/bound.py [--objective loss|target|mass] [--rounds N] [--seconds S]

The master problem (HiGHS MILP) chooses hidden cells x (1 = hidden) to minimise the objective
subject to rows every protecting pattern satisfies (`optimise.bound_rows`) and the cuts found so
far. The attacker's LPs on the master's pattern (model A for P1, model B for P3, as in
`attacker.py`) give, from their duals, a capacity cut for every primary the pattern leaves
unprotected (Fischetti and Salazar): Σ_j κ_j·x_j >= need, where κ_j is how far hiding cell j
could widen that primary's interval, capped at need. A cut holds for every pattern that
protects the primary against the LP attacker, so each round's MILP dual bound is a lower bound
on the objective of any protecting pattern (the integer attacker and rule 8 only ask more).
Objectives: `loss` (the rule-7 weights), `target` (county reports / screened_in / youth cells
with true value >= 11 hidden: the issue's >= 90% target), `mass` (county-level count hidden).
The loop stops after --rounds, or when the master's pattern protects every primary (then its
value is the optimum against the LP attacker).
"""

from __future__ import annotations

import argparse
import os
import time

import loss
import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, linprog, milp
from suppress import demo_cells

from dashboard import domain, reference
from dashboard.build.aggregate import apply_table_design
from dashboard.disclosure.attacker import (
    MIN_WIDTH,
    SAFE_MAX,
    TOLERANCE,
    System,
    attacker_system,
    components,
)
from dashboard.disclosure.certificates import Problem
from dashboard.disclosure.optimise import bound_rows, problem_of
from dashboard.disclosure.relations import Relations, derive_relations

TIE_BREAK = 1e-7  # a trace of the rule-7 weights makes the master's pattern unique


def objective(name: str, relations: Relations, problem: Problem) -> tuple[np.ndarray, dict]:
    """Return the master's costs for one objective, and the masks the report counts."""
    keys, values = relations.keys, problem.values
    total = (keys["breakdown"] == domain.TOTAL_BREAKDOWN).to_numpy()
    county = problem.counted & total & (keys["geo_level"] == "county").to_numpy()
    target = county & keys["measure"].is_in(loss.TARGET_MEASURES).to_numpy() & (values > 10)
    group = (
        problem.counted
        & total
        & keys["geo_level"].is_in(["region", "peer_group"]).to_numpy()
        & keys["measure"].is_in(loss.HEADLINE).to_numpy()
        & (values > 10)
    )
    mass = np.where(county, values, 0.0)
    costs = {"loss": problem.weights, "target": target * 1.0, "mass": mass}[name]
    return costs + TIE_BREAK * problem.weights, {"target": target, "group": group, "mass": mass}


def unit(component: System, position: int, sense: float) -> np.ndarray:
    """Return the LP cost that moves one hidden cell (sense -1: up, +1: down)."""
    cost = np.zeros(component.cells.size)
    cost[position] = sense
    return cost


def attack(component: System, cost: np.ndarray, down: np.ndarray, up: np.ndarray):
    """Return the LP minimising `cost` in deviations from the truth: relations keep (M·d = 0)
    and each hidden cell stays in [-down, up]."""
    cells = component.cells
    return linprog(
        cost,
        A_eq=component.matrix,
        b_eq=np.zeros(component.matrix.shape[0]),
        bounds=np.column_stack([-down[cells], up[cells]]),
        method="highs",
    )


def coefficients(
    relations: Relations,
    problem: Problem,
    component: System,
    result: OptimizeResult,
    down: np.ndarray,
    up: np.ndarray,
    need: float,
    cost: np.ndarray,
) -> np.ndarray:
    """Return κ: per cell, how far hiding it could widen the primary's interval (LP duality:
    the bound's marginals on hidden cells, the reduced costs of published ones), capped at need."""
    reduced = -(relations.matrix[component.relations].T @ result.eqlin.marginals)
    hidden = component.cells
    # stationarity: a hidden cell's reduced cost is its bounds' marginals (scipy's convention)
    marginals = result.lower.marginals + result.upper.marginals
    gap = np.abs(cost + reduced[hidden] - marginals).max()
    if gap > 1e-5:
        raise RuntimeError(f"LP duals do not match the expected convention (gap {gap})")
    reduced[hidden] = marginals
    rises, falls = reduced < -TOLERANCE, reduced > TOLERANCE
    with np.errstate(invalid="ignore"):
        kappa = np.where(rises, np.where(np.isinf(up), need, -reduced * up), 0.0)
    kappa = kappa + np.where(falls, reduced * down, 0.0)
    kappa[~problem.movable] = 0.0
    return np.minimum(kappa, need)


def separate(
    relations: Relations, problem: Problem, hidden: np.ndarray, witnesses: dict
) -> tuple[list[np.ndarray], list[float], int]:
    """Return a cut for every primary the pattern leaves unprotected (LP attacker), and the
    number of LPs solved; a primary whose last proof moved only hidden cells needs no LP."""
    values = problem.values
    down_a, up_a = np.maximum(values - 1.0, 0.0), np.full(values.size, np.inf)
    down_b = np.where(problem.primary, values - 1.0, np.maximum(values - SAFE_MAX, 0.0))
    up_b = np.where(problem.primary, domain.SMALL_MAX - values, np.inf)
    cuts, needs, lps = [], [], 0
    for component in components(attacker_system(relations, values, hidden)):
        for position in np.flatnonzero(problem.primary[component.cells]):
            primary = int(component.cells[position])
            for check in ("P1", "P3"):
                proof = witnesses.get((primary, check))
                if proof is not None and hidden[proof].all():
                    continue
                if check == "P1":
                    need, bounds, senses = SAFE_MAX - values[primary], (down_a, up_a), (-1.0,)
                else:
                    need, bounds, senses = float(MIN_WIDTH), (down_b, up_b), (-1.0, 1.0)
                costs = [unit(component, position, sense) for sense in senses]
                results = [attack(component, cost, *bounds) for cost in costs]
                lps += len(results)
                if any(r.status == 3 for r in results):  # unbounded: protected
                    continue
                reach = sum(-r.fun for r in results)
                if reach >= need - TOLERANCE:
                    moved = np.any([np.abs(r.x) > TOLERANCE for r in results], axis=0)
                    witnesses[(primary, check)] = component.cells[moved]
                    continue
                kappa = sum(
                    coefficients(relations, problem, component, r, *bounds, need, cost)
                    for r, cost in zip(results, costs, strict=True)
                )
                cuts.append(np.minimum(kappa, need))
                needs.append(need)
    return cuts, needs, lps


def main() -> None:
    """Run the cut loop on the demo universe and print each round's bound."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objective", choices=("loss", "target", "mass"), default="target")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=240.0, help="master time limit")
    args = parser.parse_args()
    cells = apply_table_design(demo_cells())
    relations = derive_relations(cells, reference.load_counties())
    problem, _, _ = problem_of(cells, relations)
    costs, masks = objective(args.objective, relations, problem)
    base, base_rhs = bound_rows(relations, problem)
    low = np.where(problem.forced, 1.0, 0.0)
    high = np.maximum(np.where(problem.movable, 1.0, 0.0), low)
    cuts: list[np.ndarray] = []
    needs: list[float] = []
    witnesses: dict = {}
    start = time.perf_counter()
    target, mass = masks["target"], masks["mass"]
    print(
        f"demo: {relations.n_cells} cells, {int(problem.primary.sum())} primaries, "
        f"{int(target.sum())} county target cells; objective {args.objective}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    for round_ in range(args.rounds):
        rows = sparse.vstack([base, *([sparse.csr_array(np.array(cuts))] if cuts else [])])
        clock = time.perf_counter()
        result = milp(
            costs,
            constraints=LinearConstraint(rows.tocsr(), np.r_[base_rhs, needs], np.inf),
            integrality=np.ones(costs.size),
            bounds=Bounds(low, high),
            options={"time_limit": args.seconds, "mip_rel_gap": 1e-4},
        )
        hidden = result.x.round() > 0.5
        print(
            f"round {round_}: lower bound {result.mip_dual_bound:,.2f} "
            f"(master {time.perf_counter() - clock:.1f} s, {len(cuts)} cuts); its pattern hides "
            f"{int((hidden & target).sum())} target cells "
            f"({(hidden & target).sum() / target.sum():.1%}), "
            f"{int((hidden & masks['group']).sum())} group headline totals >= 11, "
            f"{(hidden * mass).sum() / mass.sum():.2%} of the county count",
            flush=True,
        )
        clock = time.perf_counter()
        new, new_needs, lps = separate(relations, problem, hidden, witnesses)
        cuts += new
        needs += new_needs
        print(
            f"  {lps} attacker LPs, {len(new)} new cuts, {time.perf_counter() - clock:.1f} s; "
            f"{time.perf_counter() - start:.0f} s in all; load average {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        if not new:
            print("  the master's pattern protects every primary: its value is the optimum")
            break


if __name__ == "__main__":
    main()
