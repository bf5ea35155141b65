"""Benchmark disclosure control: the optimiser against the old heuristic, with loss figures.

Run: .venv/bin/python bench/suppress.py [--skip-demo | --demo-only] [--fast] [--releases-only]

With the universes, and alone with --releases-only: the joint suppression + audit time of 2, 4
and 8 successive releases (bench/releases.py).

Three cell universes (the table design of docs/disclosure-control.md applied to each):
- demo: the real build's cells (synthetic extract, seed 855), 7 SFYs + window;
- generated 7 / 14 years: a generator of its own (58 counties, 5 regions, 5 peer groups, 18
  measures, statewide demographics) with skewed county volumes; 14 years doubles the window.
For each: cells, primaries, complements, share of cells and of the county- and peer-group-level
count hidden, headline cells published per level, counties with >= 4 published years, the
targets of the "publish what is safe" issue with the hidden cells each small cell forces, the
optimiser's run (certificates, master status and seconds, lower bound and gap) and seconds,
next to the figures the greedy heuristic gave at commit d57080d (bench/results/, measured with
the earlier table design: placement and case categories by year at every level). For the demo,
also the committed release's figures (data/aggregates with the demo's true counts): it is built
over a kept base release whose fiscal years rule 9 freezes, so it can publish less than the
fresh universe.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import loss
import numpy as np
import polars as pl
import releases

from dashboard import domain, reference
from dashboard.build.aggregate import apply_table_design, geography_years, with_window
from dashboard.data.verify import read_manifest
from dashboard.disclosure.optimise import optimise
from dashboard.disclosure.relations import KEY, derive_relations

BASELINE = Path(__file__).parent / "results" / "heuristic-d57080d.json"
RELEASE_DIR = Path(__file__).parents[1] / "data" / "aggregates"
SEED = 2024
FUNNEL_SHARES = {"screened_in": 0.65}
DISPOSITION_SHARES = (0.24, 0.20, 0.53, 0.03)
CONFIRMED_SHARE = 0.24
PLACEMENT_SHARES = (0.115, 0.028, 0.040, 0.817)
CASE_SHARES = (0.142, 0.160, 0.195, 0.503)
CATEGORY_SHARES = {
    "age_group": (0.03, 0.12, 0.30, 0.45, 0.10),
    "sex": (0.85, 0.13, 0.02),
    "race_ethnicity": (0.30, 0.40, 0.17, 0.05, 0.02, 0.06),
}
REPORTS_PER_100K = 75.0  # mean annual reports per 100,000 residents: ~20% county cells 1-10


def sfys(n_years: int) -> list[str]:
    """Return `n_years` SFY ids ending with the domain's last SFY."""
    return [
        domain.sfy_of_year_start(y)
        for y in range(domain.LAST_SFY - n_years + 1, domain.LAST_SFY + 1)
    ]


def opted_in(n_years: int) -> pl.DataFrame:
    """Return county × SFY opt-in flags: the reference roster, its first SFY repeated earlier."""
    roster = reference.load_roster()
    first = roster.filter(pl.col("sfy") == domain.SFYS[0])
    frames = [roster] + [
        first.with_columns(sfy=pl.lit(year)) for year in sfys(n_years) if year not in domain.SFYS
    ]
    return pl.concat(frames).select("county_fips", pl.col("sfy").alias("period"), "opted_in")


def county_leaves(rng: np.random.Generator, n_years: int) -> pl.DataFrame:
    """Return county × SFY counts of every measure (null where not opted in)."""
    population = reference.load_population().filter(pl.col("sfy") == domain.SFYS[0])
    grid = opted_in(n_years).join(population.select("county_fips", "population"), on="county_fips")
    effect = dict(
        zip(population["county_fips"], rng.lognormal(0.0, 0.6, population.height), strict=True)
    )
    mean = grid["population"].to_numpy() / 1e5 * REPORTS_PER_100K
    mean *= np.array([effect[c] for c in grid["county_fips"]])
    reports = rng.poisson(mean)
    screened = rng.binomial(reports, FUNNEL_SHARES["screened_in"])
    dispositions = np.array([rng.multinomial(n, DISPOSITION_SHARES) for n in screened])
    youth = rng.poisson(mean * 0.54)
    confirmed = rng.binomial(youth, CONFIRMED_SHARE)
    placements = np.array([rng.multinomial(n, PLACEMENT_SHARES) for n in confirmed])
    cases = np.array([rng.multinomial(n, CASE_SHARES) for n in youth])
    columns = {
        "reports": reports,
        "screened_in": screened,
        "evaluated_out": reports - screened,
        **{m: dispositions[:, i] for i, m in enumerate(domain.MEASURE_HIERARCHY["screened_in"])},
        "youth": youth,
        "confirmed": confirmed,
        "at_risk": youth - confirmed,
        **{m: placements[:, i] for i, m in enumerate(domain.MEASURE_HIERARCHY["confirmed"])},
        **{m: cases[:, i] for i, m in enumerate(domain.MEASURE_HIERARCHY["youth_case"])},
    }
    opted = grid["opted_in"]
    return grid.select("county_fips", "period").with_columns(
        pl.when(opted).then(pl.Series(name, values, dtype=pl.Int64)).alias(name)
        for name, values in columns.items()
    )


def demographic_cells(rng: np.random.Generator, state: pl.DataFrame) -> pl.DataFrame:
    """Split statewide SFY totals over every breakdown (youth = confirmed + at risk in each)."""
    totals = {(r["measure"], r["period"]): r["value"] or 0 for r in state.iter_rows(named=True)}
    periods = sorted({period for _, period in totals})
    rows = []
    for period in periods:
        for breakdown, categories in domain.BREAKDOWNS.items():
            split = {
                m: rng.multinomial(totals[m, period], CATEGORY_SHARES[breakdown])
                for m in ("reports", "confirmed", "at_risk")
            }
            split["youth"] = split["confirmed"] + split["at_risk"]
            for measure, values in split.items():
                for category, value in zip(categories, values, strict=True):
                    rows.append(
                        {
                            "measure": measure,
                            "geo_level": "state",
                            "geo_id": domain.STATE_FIPS,
                            "period": period,
                            "breakdown": breakdown,
                            "category": category,
                            "value": int(value),
                        }
                    )
    return pl.DataFrame(rows, schema_overrides={"value": pl.Int64})


def generated_cells(n_years: int, seed: int = SEED) -> tuple[pl.DataFrame, str]:
    """Return a realistic cell universe of true counts and its window period id."""
    rng = np.random.default_rng(seed)
    counties = reference.load_counties()
    leaves = county_leaves(rng, n_years)
    long = leaves.unpivot(index=["county_fips", "period"], variable_name="measure").join(
        counties, on="county_fips"
    )
    years = (
        geography_years(long.with_columns(opted_in=pl.col("value").is_not_null()))
        .with_columns(breakdown=pl.lit("total"), category=pl.lit("all"))
        .select(*KEY, "value")
    )
    state = years.filter(pl.col("geo_level") == "state")
    years = pl.concat([years, demographic_cells(rng, state).select(*KEY, "value")])
    periods = sfys(n_years)
    window = f"{periods[0]} to {periods[-1]}"
    cells = with_window(years, ["measure", "geo_level", "geo_id", "breakdown", "category"], window)
    status = (
        pl.when(pl.col("value").is_null())
        .then(pl.lit(domain.NOT_OPTED_IN))
        .otherwise(pl.lit("count"))
    )
    return cells.with_columns(status=status), window


def demo_cells() -> pl.DataFrame:
    """Return the real build's cell universe (synthetic extract, default seed)."""
    from dashboard.build.aggregate import aggregate
    from dashboard.extract import synth

    counties, roster = reference.load_counties(), reference.load_roster()
    extract = synth.generate(
        seed=synth.DEFAULT_SEED,
        scale=1.0,
        counties=counties,
        roster=roster,
        population=reference.load_population(),
    )
    return aggregate(extract.reports, extract.youth, counties, roster)


def hidden_by_forcing(outcome, relations, window: str) -> list[str]:
    """Return, for each hidden large headline cell, the small cells whose certificate needs it."""
    keys = outcome.cells
    hidden = loss.hidden_large(keys, window)
    if not hidden.height:
        return []
    index = {tuple(row[k] for k in KEY): i for i, row in enumerate(keys.iter_rows(named=True))}
    forced_by: dict[int, set[int]] = {}
    for certificate in outcome.chosen:
        for cell in certificate.cells:
            forced_by.setdefault(int(cell), set()).add(certificate.primary)
    order = relations.index_of(keys)
    position = {int(cell): i for i, cell in enumerate(order)}
    lines = []
    for row in hidden.iter_rows(named=True):
        cell = int(order[index[tuple(row[k] for k in KEY)]])
        causes = sorted(forced_by.get(cell, ()))
        names = [describe(keys.row(position[c], named=True)) for c in causes[:3]]
        more = f" (+{len(causes) - 3})" if len(causes) > 3 else ""
        lines.append(f"{describe(row)} = {row['value']}: forced by {', '.join(names)}{more}")
    return lines


def describe(row: dict) -> str:
    """Return a short name of a cell."""
    return f"{row['measure']} {row['geo_level']} {row['geo_id']} {row['period']}"


def load_average() -> str:
    """Return the 1-minute load average (the machine is shared)."""
    return f"{os.getloadavg()[0]:.2f}"


def measure(label: str, cells: pl.DataFrame, window: str, fast: bool) -> dict:
    """Run the optimiser (with its audit) on one universe (table design applied); print and
    return its figures."""
    counties = reference.load_counties()
    start, load = time.perf_counter(), load_average()
    relations = derive_relations(cells, counties)
    outcome = optimise(cells, relations, fast=fast, bound=True)
    seconds = time.perf_counter() - start
    figures = loss.figures(outcome.cells, window)
    run = outcome.figures
    extra, bound = run["loss"] - run["loss of primaries alone"], run["lower bound"]
    figures |= {
        "audit passed": outcome.report.passed,
        "seconds": round(seconds, 1),
        "load average at start": load,
    }
    print(f"\n== {label}: {cells.height} cells, {relations.n_relations} relations ==")
    print(f"  optimiser: {json.dumps(run, default=str)}")
    print(
        f"  weighted loss {run['loss']:,.0f} (primaries alone {run['loss of primaries alone']:,.0f}); "
        f"lower bound {bound:,.0f}; gap to the bound "
        f"{(run['loss'] - bound) / max(run['loss'], 1):.1%} of the loss, "
        f"{(run['loss'] - bound) / max(extra, 1):.1%} of the extra loss"
    )
    print(f"  audit: {outcome.report.format(cells=False).splitlines()[-1].strip()}")
    return figures | {"forcing": hidden_by_forcing(outcome, relations, window)}


def committed_figures(cells: pl.DataFrame) -> tuple[str, dict] | None:
    """Return the committed release's label and loss figures (its statuses, the demo's true
    counts, table design applied), or None when it is not a release of the demo's universe."""
    manifest = read_manifest(RELEASE_DIR)
    statuses = pl.read_parquet(RELEASE_DIR / "cells.parquet").select(*KEY, "status")
    universe = cells.drop("status")
    joined = universe.join(statuses, on=KEY, how="inner")
    if joined.height != universe.height or joined.height != statuses.height:
        return None
    built_over = manifest.get("previous_release_id") or "no earlier release"
    return f"release {manifest['release_id']} (over {built_over})", loss.figures(joined)


def side_by_side(
    name: str, figures: dict, baseline: dict, committed: tuple[str, dict] | None = None
) -> None:
    """Print the figures next to the heuristic's (and the committed release's, if given)."""
    if committed:
        print(f"  committed: {committed[0]}; rule 9 froze the earlier release's fiscal years")
    extra = f" {'committed':>12}" if committed else ""
    print(f"  {'figure':<52} {'heuristic d57080d':>18} {'optimiser':>12}{extra}")
    for key, value in figures.items():
        if key == "forcing":
            continue
        extra = f" {fmt(committed[1].get(key, '-')):>12}" if committed else ""
        print(f"  {key:<52} {fmt(baseline.get(key, '-')):>18} {fmt(value):>12}{extra}")
    target = figures["county reports/screened_in/youth >= 11 published"]
    print(f"  gap to 100% of the county target cells: {1 - target:.1%}")
    for line in figures["forcing"]:
        print(f"    hidden: {line}")


def fmt(value: object) -> str:
    """Return a figure as text (shares as percentages)."""
    if isinstance(value, float) and value < 1.0 and value != 0.0:
        return f"{value:.1%}"
    return str(value)


def main() -> None:
    """Print the figures for the demo build and the generated 7- and 14-year universes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--skip-demo", action="store_true", help="only the generated universes")
    which.add_argument(
        "--demo-only", action="store_true", help="only the demo universe (no generated ones)"
    )
    parser.add_argument("--fast", action="store_true", help="the optimiser's fast path")
    parser.add_argument(
        "--releases-only", action="store_true", help="only the successive-releases figures"
    )
    args = parser.parse_args()
    if args.releases_only:
        releases.run(fast=args.fast)
        return
    baseline = json.loads(BASELINE.read_text())
    universes = [] if args.skip_demo else [("demo", demo_cells(), domain.WINDOW)]
    if not args.demo_only:
        universes += [(f"generated {y}", *generated_cells(y)) for y in (7, 14)]
    for name, cells, window in universes:
        cells = apply_table_design(cells)
        figures = measure(name, cells, window, args.fast)
        committed = committed_figures(cells) if name == "demo" else None
        side_by_side(name, figures, baseline.get(name, {}), committed)
    if not args.demo_only:
        releases.run(fast=args.fast)


if __name__ == "__main__":
    main()
