"""Benchmark disclosure control: suppress + audit wall time, pattern figures, naive baseline.

Run: .venv/bin/python bench/suppress.py [--skip-demo]

Three cell universes:
- demo: the real build's cells (synthetic extract, seed 855, aggregate.py), 7 SFYs + window;
- generated 7 / 14 years: a generator of its own (58 counties, 5 regions, 5 peer groups, 18
  measures, statewide demographics) with skewed county volumes, about 20% of county cells 1..10;
  14 years doubles the window.
For each: cells, primaries, complements, share of cells and of the county-level count hidden,
cells published / primary / complementary at each geographic level, narrowest intervals,
seconds of suppress and of audit, and the naive baseline (hide every non-zero cell of every
relation that contains a primary).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import numpy as np
import polars as pl

from dashboard import domain, reference
from dashboard.build.aggregate import geography_years, with_window
from dashboard.build.audit import audit
from dashboard.build.relations import KEY, Relations, derive_relations
from dashboard.build.suppress import suppress

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


def naive_hidden(cells: pl.DataFrame, relations: Relations) -> np.ndarray:
    """Baseline: hide every non-zero count of every relation that contains a primary."""
    values = np.zeros(relations.n_cells)
    index = relations.index_of(cells)
    values[index] = cells["value"].fill_null(0).to_numpy()
    counted = np.zeros(relations.n_cells, dtype=bool)
    counted[index] = (cells["status"] != domain.NOT_OPTED_IN).to_numpy()
    primary = counted & (values >= domain.SMALL_MIN) & (values <= domain.SMALL_MAX)
    touched = abs(relations.matrix) @ primary.astype(float) > 0
    in_touched = abs(relations.matrix).T @ touched.astype(float) > 0
    return primary | (in_touched & counted & (values > 0))


class Clock:
    """Wall and CPU seconds since the last lap (CPU time is fair on a shared machine)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> str:
        """Return 'wall / cpu' seconds since the previous lap and start a new one."""
        wall, cpu = time.perf_counter(), time.process_time()
        text = f"{wall - self.wall:.2f} / {cpu - self.cpu:.2f}"
        self.wall, self.cpu = wall, cpu
        return text


def by_level(suppressed: pl.DataFrame) -> list[str]:
    """Return one line per geographic level: cells published, primary and complementary."""
    counted = suppressed.filter(pl.col("status") != domain.NOT_OPTED_IN)
    outcome = pl.col("suppression").fill_null(domain.PUBLISHED)
    rows = []
    for level in domain.GEO_LEVELS:
        counts = Counter(counted.filter(pl.col("geo_level") == level).select(outcome).to_series())
        total = sum(counts.values())
        hidden = total - counts[domain.PUBLISHED]
        rows.append(
            f"{level}: {counts[domain.PUBLISHED]} published, {counts['primary']} primary, "
            f"{counts['complementary']} complementary ({hidden / max(total, 1):.1%} hidden)"
        )
    return rows


def measure(label: str, cells: pl.DataFrame, window: str = domain.WINDOW) -> None:
    """Run suppress + audit on one universe and print its figures."""
    counties = reference.load_counties()
    clock = Clock()
    relations = derive_relations(cells, counties, window=window)
    derived = clock.lap()
    suppressed = suppress(cells, relations)
    suppressed_at = clock.lap()
    report = audit(suppressed, relations)
    audited = clock.lap()
    counted = cells.filter(pl.col("status") != domain.NOT_OPTED_IN)
    county_counts = counted.filter(pl.col("geo_level") == "county")["value"]
    county = (relations.keys["geo_level"] == "county").to_numpy()
    values = np.zeros(relations.n_cells)
    values[relations.index_of(cells)] = cells["value"].fill_null(0).to_numpy()
    naive = naive_hidden(cells, relations)
    checks = Counter(f["check"] for f in report.failures)
    per_primary = report.n_complementary / max(report.n_primary, 1)
    lines = [
        f"== {label}: {cells.height} cells, {relations.n_relations} relations ==",
        f"county cells 1..10: {county_counts.is_between(1, 10).mean():.1%}",
        f"primary: {report.n_primary}",
        f"complementary: {report.n_complementary} ({per_primary:.2f} per primary)",
        f"cells hidden: {report.n_suppressed} = {report.share_cells_hidden:.1%} of counted cells",
        *by_level(suppressed),
        f"county-level count hidden: {report.share_total_count_hidden:.1%}",
        f"narrowest proven P1 max: {report.narrowest_p1_max:g}; P3 width: "
        f"{report.narrowest_p3_width:g}",
        f"audit: {'PASSED' if report.passed else f'FAILED {dict(checks)}'}; {report.n_lps} LPs; "
        f"{report.n_components} components (largest {report.largest_component} cells)",
        f"seconds (wall / cpu): derive {derived}, suppress {suppressed_at}, audit {audited}",
        f"naive baseline: {int(naive.sum())} cells hidden = {naive.sum() / counted.height:.1%} "
        f"of counted cells; county-level count hidden "
        f"{values[naive & county].sum() / values[county].sum():.1%}",
    ]
    print("\n" + "\n  ".join(lines))


def main() -> None:
    """Print the figures for the demo build and the generated 7- and 14-year universes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-demo", action="store_true", help="only the generated universes")
    args = parser.parse_args()
    if not args.skip_demo:
        measure("demo build (synthetic extract, 7 SFYs)", demo_cells())
    for years in (7, 14):
        cells, window = generated_cells(years)
        measure(f"generated, {years} SFYs + window", cells, window)


if __name__ == "__main__":
    main()
