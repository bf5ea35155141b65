"""Lower bounds by the capacity-cut loop: how much any protecting pattern of the demo must hide.

Run: .venv/bin/python bench/bound.py [--objective loss|target|group|mass] [--rounds N] [--seconds S]
                                     [--max-groups K]

The master problem (HiGHS MILP) chooses hidden cells x (1 = hidden) to minimise the objective
subject to rows every protecting pattern satisfies (`optimise.bound_rows`) and the cuts found so
far. The attacker's LPs on the master's pattern (model A for P1, model B for P3, as in
`attacker.py`) give, from their duals, a capacity cut for every primary the pattern leaves
unprotected (Fischetti and Salazar): Σ_j κ_j·x_j >= need, where κ_j is how far hiding cell j
could widen that primary's interval, capped at need. A cut holds for every pattern that
protects the primary against the LP attacker, so each round's MILP dual bound is a lower bound
on the objective of any protecting pattern (the integer attacker and rule 8 only ask more).
Objectives: `loss` (the rule-7 weights), `target` (county reports / screened_in / youth cells
with true value >= 11 hidden; the target is >= 90% published, `loss.TARGET_MEASURES`), `group`
(region and peer-group headline totals with true value >= 11 hidden; the target is none),
`mass` (county-level count hidden). With --max-groups K the master may hide at most K of those
group totals, so the bound holds for every protecting pattern that hides at most K of them, and
an infeasible master proves that none does: how the county target and the group totals trade
against each other.
The loop stops after --rounds, or when the master's pattern protects every primary (then its
value is the optimum against the LP attacker).
"""

from __future__ import annotations

import argparse
import os
import time

import loss
import numpy as np
import polars as pl
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp
from suppress import demo_cells

from dashboard import domain, reference
from dashboard.build.aggregate import apply_table_design
from dashboard.disclosure.attacker import (
    CHECK_NEED,
    P1,
    P3,
    TOLERANCE,
    System,
    attacker_system,
    components,
    model_a_bounds,
    model_b_bounds,
    solve_lp,
)
from dashboard.disclosure.certificates import Problem
from dashboard.disclosure.optimise import (
    bound_rows,
    decision_bounds,
    loss_weights,
    problem_of,
)
from dashboard.disclosure.relations import Relations, derive_relations

TIE_BREAK = 1e-7  # a trace of the rule-7 weights makes the master's pattern unique
DUAL_ZERO = 1e-9  # a reduced cost smaller than this is numerical noise
UNBOUNDED = 3  # scipy linprog status: the cell can move without limit (protected)
INFEASIBLE = 2  # scipy milp status: no pattern satisfies the rows


def objective(name: str, relations: Relations, problem: Problem) -> tuple[np.ndarray, dict]:
    """Return the master's costs for one objective, and the masks the report counts."""
    values = problem.values
    large = problem.counted & (values > domain.SMALL_MAX)
    keys = relations.keys.with_columns(total=pl.col("breakdown") == domain.TOTAL_BREAKDOWN)
    target = large & keys.select(loss.COUNTY_TARGET & pl.col("total")).to_series().to_numpy()
    group = large & keys.select(loss.GROUP_HEADLINE & pl.col("total")).to_series().to_numpy()
    county = (
        problem.counted
        & keys.select((pl.col("geo_level") == "county") & pl.col("total")).to_series().to_numpy()
    )
    mass = np.where(county, values, 0.0)
    costs = {
        "loss": loss_weights(problem),
        "target": target * 1.0,
        "group": group * 1.0,
        "mass": mass,
    }[name]
    return costs + TIE_BREAK * problem.weights, {"target": target, "group": group, "mass": mass}


def unit(component: System, position: int, sense: float) -> np.ndarray:
    """Return the LP objective that moves one hidden cell (sense -1: up, +1: down)."""
    cost = np.zeros(component.cells.size)
    cost[position] = sense
    return cost


def coefficients(
    relations: Relations,
    problem: Problem,
    component: System,
    result: OptimizeResult,
    room: tuple[np.ndarray, np.ndarray],
    need: float,
    cost: np.ndarray,
) -> np.ndarray:
    """Return κ per cell from the LP's duals: hidden cells' bound marginals, others' reduced costs."""
    down, up = room
    reduced = -(relations.matrix[component.relations].T @ result.eqlin.marginals)
    hidden = component.cells
    # stationarity: a hidden cell's reduced cost is its bounds' marginals (scipy's convention)
    marginals = result.lower.marginals + result.upper.marginals
    gap = np.abs(cost + reduced[hidden] - marginals).max()
    if gap > 1e-5:
        raise RuntimeError(f"LP duals do not match the expected convention (gap {gap})")
    reduced[hidden] = marginals
    # a cell free to rise without limit could carry the whole need: any rising dual counts
    with np.errstate(invalid="ignore"):
        rise = np.where(reduced < -DUAL_ZERO, np.where(np.isinf(up), need, -reduced * up), 0.0)
    kappa = rise + np.where(reduced > DUAL_ZERO, reduced * down, 0.0)
    kappa[~problem.movable] = 0.0
    return kappa


def room_of(values: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return how far each cell can fall and rise within a model's bounds (never negative)."""
    return np.maximum(values - bounds[:, 0], 0.0), np.maximum(bounds[:, 1] - values, 0.0)


def separate(
    relations: Relations, problem: Problem, hidden: np.ndarray, witnesses: dict
) -> tuple[sparse.csr_array, list[float], int]:
    """Return a cut for each primary the pattern leaves open (LP attacker), and the LPs solved."""
    values = problem.values
    model = {P1: model_a_bounds(values.size), P3: model_b_bounds(problem.primary)}
    rooms = {check: room_of(values, bounds) for check, bounds in model.items()}
    cuts, needs, lps = [], [], 0
    for component in components(attacker_system(relations, values, hidden)):
        for position in np.flatnonzero(problem.primary[component.cells]):
            primary = int(component.cells[position])
            for check in (P1, P3):
                proof = witnesses.get((primary, check))
                if proof is not None and hidden[proof].all():
                    continue  # its last proof moved only cells that are still hidden
                senses = (-1.0,) if check == P1 else (-1.0, 1.0)
                # how far the cell must move: to 11 (P1) or across 2 (P3)
                need = CHECK_NEED[check] - (values[primary] if check == P1 else 0.0)
                bounds = model[check]
                costs = [unit(component, position, sense) for sense in senses]
                results = [solve_lp(cost, component, bounds[component.cells]) for cost in costs]
                lps += len(results)
                if any(r.status == UNBOUNDED for r in results):
                    continue
                reached = sum(-r.fun for r in results)  # P1: the maximum; P3: max - min
                if reached >= CHECK_NEED[check] - TOLERANCE:
                    truth = values[component.cells]
                    moved = np.any([np.abs(r.x - truth) > TOLERANCE for r in results], axis=0)
                    witnesses[(primary, check)] = component.cells[moved]
                    continue
                kappa = sum(
                    coefficients(relations, problem, component, r, rooms[check], need, cost)
                    for r, cost in zip(results, costs, strict=True)
                )
                cuts.append(sparse.csr_array(np.minimum(kappa, need)[None, :]))
                needs.append(need)
    empty = sparse.csr_array((0, relations.n_cells))
    return sparse.vstack([empty, *cuts], format="csr"), needs, lps


def main() -> None:
    """Run the cut loop on the demo universe and print each round's bound."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--objective", choices=("loss", "target", "group", "mass"), default="target"
    )
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=240.0, help="master time limit")
    parser.add_argument(
        "--max-groups", type=int, metavar="K", help="hide at most K group headline totals >= 11"
    )
    args = parser.parse_args()
    if args.max_groups is not None and args.max_groups < 0:
        parser.error("--max-groups must be 0 or more")
    cells = apply_table_design(demo_cells())
    relations = derive_relations(cells, reference.load_counties())
    problem, _, _ = problem_of(cells, relations)
    costs, masks = objective(args.objective, relations, problem)
    base, base_rhs = bound_rows(relations, problem)
    low, high = decision_bounds(problem)
    rows, needs = base, list(base_rhs)
    witnesses: dict = {}
    start = time.perf_counter()
    target, mass = masks["target"], masks["mass"]
    limits = []
    if args.max_groups is not None:
        limits.append(LinearConstraint(masks["group"][None, :] * 1.0, 0, args.max_groups))
    cap_note = "" if args.max_groups is None else f"at most {args.max_groups} group totals hidden; "
    print(
        f"demo: {relations.n_cells} cells, {int(problem.primary.sum())} primaries, "
        f"{int(target.sum())} county target cells; objective {args.objective}; {cap_note}"
        f"load average {os.getloadavg()[0]:.2f}"
    )
    for round_ in range(args.rounds):
        clock = time.perf_counter()
        result = milp(
            costs,
            constraints=[LinearConstraint(rows, np.array(needs), np.inf), *limits],
            integrality=np.ones(costs.size),
            bounds=Bounds(low, high),
            options={"time_limit": args.seconds, "mip_rel_gap": 1e-4},
        )
        if result.status == INFEASIBLE:
            raise SystemExit(
                f"round {round_}: no pattern protecting against the LP attacker hides at most "
                f"{args.max_groups} group totals >= 11 (the master is infeasible)"
            )
        if result.x is None:
            raise SystemExit(f"round {round_}: the master found no pattern: {result.message}")
        hidden = result.x.round() > 0.5
        print(
            f"round {round_}: lower bound {result.mip_dual_bound:,.2f} "
            f"(master {time.perf_counter() - clock:.1f} s, {rows.shape[0] - base.shape[0]} cuts); "
            f"its pattern hides "
            f"{int((hidden & target).sum())} target cells "
            f"({(hidden & target).sum() / target.sum():.1%}), "
            f"{int((hidden & masks['group']).sum())} group headline totals >= 11, "
            f"{(hidden * mass).sum() / mass.sum():.2%} of the county count",
            flush=True,
        )
        clock = time.perf_counter()
        new, new_needs, lps = separate(relations, problem, hidden, witnesses)
        rows = sparse.vstack([rows, new], format="csr")
        needs += new_needs
        print(
            f"  {lps} attacker LPs, {new.shape[0]} new cuts, {time.perf_counter() - clock:.1f} s; "
            f"{time.perf_counter() - start:.0f} s in all; load average {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        if not new_needs:
            optimal = result.status == 0
            print(
                "  the master's pattern protects every primary (LP attacker)"
                + (": its value is the optimum" if optimal else "; the master stopped early")
            )
            break


if __name__ == "__main__":
    main()
