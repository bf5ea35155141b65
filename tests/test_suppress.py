"""Suppression on adversarial tables: each attack works on primary-only suppression and fails after.

Every fixture is a case from docs/disclosure-control.md or the CalHHS DDG. For each, the test shows the
attack that succeeds when only the 1-10 cells are hidden (the LP audit fails, and where the
attack is plain subtraction, subtraction recovers the exact value), then that suppress()
protects it: the audit passes and no subtraction recovers a hidden cell.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from linked_tables import DISPOSITIONS, LEAVES, YEARS, line_table

from dashboard import domain
from dashboard.disclosure.audit import audit
from dashboard.disclosure.optimise import bound_rows, optimise, problem_of, suppress
from dashboard.disclosure.relations import (
    KEY,
    Relations,
    canonical_sort,
    derive_relations,
)


def counties_frame(groups: dict[str, tuple[str, str]]) -> pl.DataFrame:
    """Return a counties table: fips -> (region, peer group)."""
    return pl.DataFrame(
        {
            "county_fips": list(groups),
            "county_name": list(groups),
            "region_id": [g[0] for g in groups.values()],
            "region_name": [g[0] for g in groups.values()],
            "peer_group_id": [g[1] for g in groups.values()],
            "peer_group_name": [g[1] for g in groups.values()],
        }
    )


def funnel_universe(leaves: dict[tuple[str, str], tuple[int, ...] | None], counties):
    """Return funnel cells (counties, groups, state; years and window) from leaf counts.

    `leaves` maps (county, year) to (evaluated_out, substantiated, inconclusive, unfounded,
    not_yet_determined), or None when the county had not opted in that year.
    """
    rows = [
        {"county_fips": c, "period": y, **dict(zip(LEAVES, v or (None,) * 5, strict=True))}
        for (c, y), v in leaves.items()
    ]
    wide = pl.DataFrame(rows, schema_overrides=dict.fromkeys(LEAVES, pl.Int64))
    wide = wide.with_columns(screened_in=pl.sum_horizontal(DISPOSITIONS, ignore_nulls=False))
    wide = wide.with_columns(reports=pl.col("screened_in") + pl.col("evaluated_out"))
    long = wide.unpivot(index=["county_fips", "period"], variable_name="measure")
    return universe_from_county_cells(long, counties)


def universe_from_county_cells(long: pl.DataFrame, counties: pl.DataFrame) -> pl.DataFrame:
    """Add region, peer-group and state totals and the window to county-year cells."""
    total = pl.when(pl.col("value").is_not_null().any()).then(pl.col("value").sum())
    joined = long.join(counties, on="county_fips")
    frames = [
        long.select("measure", "period", "value", geo_level=pl.lit("county"), geo_id="county_fips")
    ]
    for level, column in (
        ("state", pl.lit(domain.STATE_FIPS)),
        ("region", "region_id"),
        ("peer_group", "peer_group_id"),
    ):
        key = column if isinstance(column, pl.Expr) else pl.col(column)
        grouped = joined.group_by("measure", "period", key.alias("geo_id")).agg(value=total)
        frames.append(grouped.with_columns(geo_level=pl.lit(level)))
    years = pl.concat(
        [f.select("measure", "geo_level", "geo_id", "period", "value") for f in frames]
    )
    window = years.group_by("measure", "geo_level", "geo_id").agg(value=total)
    cells = pl.concat(
        [years, window.with_columns(period=pl.lit(domain.WINDOW)).select(years.columns)]
    )
    return finish(cells)


def finish(cells: pl.DataFrame) -> pl.DataFrame:
    """Add breakdown 'total', status and the Int64 value."""
    return cells.with_columns(
        breakdown=pl.lit(domain.TOTAL_BREAKDOWN),
        category=pl.lit(domain.ALL_CATEGORY),
        value=pl.col("value").cast(pl.Int64),
        status=pl.when(pl.col("value").is_null())
        .then(pl.lit(domain.NOT_OPTED_IN))
        .otherwise(pl.lit("count")),
    ).select(*KEY, "value", "status")


def primary_only(cells: pl.DataFrame) -> pl.DataFrame:
    """Return the pattern that hides only the 1..10 counts (no complements)."""
    small = pl.col("value").is_between(domain.SMALL_MIN, domain.SMALL_MAX)
    status = (
        pl.when(pl.col("status") == domain.NOT_OPTED_IN)
        .then(pl.lit(domain.NOT_OPTED_IN))
        .when(small)
        .then(pl.lit(domain.SUPPRESSED))
        .otherwise(pl.lit(domain.PUBLISHED))
    )
    return cells.with_columns(status=status)


def recovered_by_subtraction(pattern: pl.DataFrame, relations: Relations) -> dict[int, float]:
    """Return hidden cells that one relation gives exactly (all its other cells known)."""
    index = relations.index_of(pattern)
    values = np.zeros(relations.n_cells)
    values[index] = pattern["value"].fill_null(0).to_numpy()
    hidden = np.zeros(relations.n_cells, dtype=bool)
    hidden[index] = (pattern["status"] == domain.SUPPRESSED).to_numpy()
    found: dict[int, float] = {}
    for relation in range(relations.n_relations):
        cells, coefs = relations.members(relation)
        unknown = cells[hidden[cells]]
        if len(unknown) == 1:
            cell = unknown[0]
            known = ~hidden[cells]
            own = coefs[cells == cell][0]
            found[int(cell)] = float(-(coefs[known] * values[cells[known]]).sum() / own)
    return found


def assert_protected(cells: pl.DataFrame, relations: Relations) -> pl.DataFrame:
    """Suppress, then check the audit passes and no hidden cell falls to subtraction."""
    out = suppress(cells, relations)
    report = audit(out, relations)
    assert report.passed, report.format()
    assert not recovered_by_subtraction(out, relations)
    published = out.filter(pl.col("status") == domain.PUBLISHED)["value"]
    assert not published.is_between(domain.SMALL_MIN, domain.SMALL_MAX).any()
    return out


def failing_checks(cells: pl.DataFrame, relations: Relations) -> set[str]:
    """Return the audit's failed checks for a pattern."""
    return {f["check"] for f in audit(cells, relations).failures}


def test_ten_ten_ten_pass_p1_but_fail_p3_unless_complemented():
    """DDG: three hidden 10s in one line; model B pins each to 10."""
    cells, relations = line_table({"t": 30, "a": 10, "b": 10, "c": 10}, [("t", ["a", "b", "c"])])
    report = audit(primary_only(cells), relations)
    assert {f["check"] for f in report.failures} == {"P3"}
    assert all(f["interval_b"] == [10.0, 10.0] for f in report.failures)
    assert all(f["interval_a"][1] >= 11 for f in report.failures)
    assert_protected(cells, relations)


def test_ten_nine_fails_p3_unless_complemented():
    """DDG: "10 and 9" in one line: under model B each has one possible value less than 3."""
    cells, relations = line_table({"t": 19, "a": 10, "b": 9}, [("t", ["a", "b"])])
    report = audit(primary_only(cells), relations)
    assert {f["check"] for f in report.failures} == {"P3"}
    widths = [f["interval_b"][1] - f["interval_b"][0] for f in report.failures]
    assert max(widths) < 2
    assert_protected(cells, relations)


def test_hidden_one_beside_hidden_eleven_fails_p3_and_suppress_avoids_it():
    """DDG: a hidden 1 beside a hidden 11: knowing the 11 is a complement pins the 1."""
    values = {"t": 100, "one": 1, "eleven": 11, "big": 40, "bigger": 48}
    lines = [("t", ["one", "eleven", "big", "bigger"])]
    cells, relations = line_table(values, lines)
    pattern = primary_only(cells).with_columns(
        status=pl.when(pl.col("geo_id") == "eleven")
        .then(pl.lit(domain.SUPPRESSED))
        .otherwise(pl.col("status"))
    )
    report = audit(pattern, relations)
    assert [f["check"] for f in report.failures] == ["P3"]
    assert report.failures[0]["interval_b"] == [1.0, 1.0]
    out = assert_protected(cells, relations)
    hidden = set(out.filter(pl.col("status") == domain.SUPPRESSED)["geo_id"])
    assert "eleven" not in hidden  # the cost order prefers complements of 13 or more


@pytest.mark.parametrize(
    ("total_level", "part_level"),
    [("peer_group", "county"), ("region", "county"), ("state", "county"), ("state", "region")],
)
def test_complements_come_from_the_lowest_geographic_tier(total_level: str, part_level: str):
    """County cells before region and peer-group cells, statewide totals last.

    The cost order alone would hide the total (17: complements of 13 or more first); the
    tiers hide the other part (12) instead, which protects the 5 just as well.
    """
    values = {"total": 17, "small": 5, "part": 12}
    levels = {"total": total_level, "small": part_level, "part": part_level}
    cells, relations = line_table(values, [("total", ["small", "part"])], levels)
    out = assert_protected(cells, relations)
    hidden = set(out.filter(pl.col("status") == domain.SUPPRESSED)["geo_id"])
    assert hidden == {"small", "part"}


def test_a_cycle_of_counties_is_preferred_to_peer_group_totals():
    """A small county count protected through four counties, not through its peer group.

    The cost order alone closes the hypercube through the peer-group totals (one county and
    two totals of 17 and 52), cheaper than the other three counties (40, 12, 12).
    """
    counties = counties_frame(
        {"06001": ("r1", "p1"), "06003": ("r1", "p2"), "06005": ("r2", "p2"), "06007": ("r2", "p1")}
    )
    reports = {"06001": (5, 40), "06003": (40, 40), "06005": (12, 12), "06007": (12, 12)}
    long = pl.DataFrame(
        [
            {"county_fips": county, "period": year, "measure": "reports", "value": value}
            for county, values in reports.items()
            for year, value in zip(YEARS, values, strict=True)
        ]
    )
    cells = universe_from_county_cells(long, counties)
    out = assert_protected(cells, derive_relations(cells, counties))
    hidden = out.filter(pl.col("status") == domain.SUPPRESSED)
    assert set(hidden["geo_level"]) == {"county"}


def test_single_small_cell_in_a_relation_is_recovered_by_subtraction():
    """A line whose only small cell is hidden gives it away: total minus the rest."""
    cells, relations = line_table({"t": 105, "a": 5, "b": 40, "c": 60}, [("t", ["a", "b", "c"])])
    attack = recovered_by_subtraction(primary_only(cells), relations)
    assert list(attack.values()) == [5.0]
    assert failing_checks(primary_only(cells), relations) == {"P1", "P3"}
    assert_protected(cells, relations)


def test_total_with_exactly_one_small_part():
    """A published total over parts of which one is small: the small part is total - others."""
    values = {"total": 70, "small": 3, "p1": 27, "p2": 40, "region": 90, "other": 20}
    lines = [("total", ["small", "p1", "p2"]), ("region", ["total", "other"])]
    cells, relations = line_table(values, lines)
    assert recovered_by_subtraction(primary_only(cells), relations) == {
        int(np.flatnonzero(relations.keys["geo_id"] == "small")[0]): 3.0
    }
    assert_protected(cells, relations)


def test_small_total_over_zero_parts_keeps_zeros_published():
    """A small total whose only non-zero part is the same small count: zeros stay published."""
    values = {"total": 4, "part": 4, "zero1": 0, "zero2": 0, "grand": 60, "sibling": 56}
    lines = [("total", ["part", "zero1", "zero2"]), ("grand", ["total", "sibling"])]
    cells, relations = line_table(values, lines)
    out = assert_protected(cells, relations)
    zeros = out.filter(pl.col("value") == 0)
    assert (zeros["status"] == domain.PUBLISHED).all()
    assert out.filter(pl.col("status") == domain.SUPPRESSED)["value"].min() > 0


def test_county_with_a_single_small_cell_in_a_row():
    """A county whose only small count in the funnel row is one disposition."""
    counties = counties_frame(
        {"06001": ("r1", "p1"), "06003": ("r1", "p1"), "06005": ("r2", "p2"), "06007": ("r2", "p2")}
    )
    leaves = {(c, y): (40, 30, 20, 25, 15) for c in counties["county_fips"] for y in YEARS}
    leaves["06001", YEARS[0]] = (40, 30, 20, 25, 4)
    cells = funnel_universe(leaves, counties)
    relations = derive_relations(cells, counties)
    pattern = primary_only(cells)
    attack = recovered_by_subtraction(pattern, relations)
    assert set(attack.values()) == {4.0}
    assert failing_checks(pattern, relations) == {"P1", "P3"}
    assert_protected(cells, relations)


def test_small_cells_chained_across_years_and_funnel_stages():
    """Small counts in consecutive years and stages: the window and the funnel link them."""
    counties = counties_frame(
        {"06001": ("r1", "p1"), "06003": ("r1", "p1"), "06005": ("r2", "p2"), "06007": ("r2", "p2")}
    )
    leaves = {(c, y): (60, 30, 20, 25, 15) for c in counties["county_fips"] for y in YEARS}
    leaves["06001", YEARS[0]] = (3, 5, 0, 2, 1)
    leaves["06001", YEARS[1]] = (30, 8, 6, 20, 0)
    cells = funnel_universe(leaves, counties)
    relations = derive_relations(cells, counties)
    pattern = primary_only(cells)
    attack = recovered_by_subtraction(pattern, relations)
    truth = relations_values(cells, relations)
    assert attack and all(truth[cell] == value for cell, value in attack.items())
    assert "P1" in failing_checks(pattern, relations)
    assert_protected(cells, relations)


def relations_values(cells: pl.DataFrame, relations: Relations) -> np.ndarray:
    """Return true values by cell index (not opted in as 0)."""
    values = np.zeros(relations.n_cells)
    values[relations.index_of(cells)] = cells["value"].fill_null(0).to_numpy()
    return values


def test_county_alone_in_its_peer_group():
    """The peer-group total equals the county: hiding one without the other gives it away."""
    counties = counties_frame(
        {
            "06001": ("r1", "alone"),
            "06003": ("r1", "p1"),
            "06005": ("r2", "p1"),
            "06007": ("r2", "p1"),
        }
    )
    leaves = {(c, y): (40, 30, 20, 25, 15) for c in counties["county_fips"] for y in YEARS}
    leaves["06001", YEARS[0]] = (5, 2, 1, 1, 0)
    cells = funnel_universe(leaves, counties)
    relations = derive_relations(cells, counties)
    peer = cells.filter((pl.col("geo_id") == "alone") & (pl.col("period") == YEARS[0]))
    county = cells.filter((pl.col("geo_id") == "06001") & (pl.col("period") == YEARS[0]))
    assert peer.sort("measure")["value"].equals(county.sort("measure")["value"])
    pattern = primary_only(cells)
    assert recovered_by_subtraction(pattern, relations)
    assert failing_checks(pattern, relations) >= {"P1"}
    out = assert_protected(cells, relations)
    hidden = out.filter(pl.col("status") == domain.SUPPRESSED)
    assert set(hidden.filter(pl.col("geo_id") == "alone")["measure"]) >= set(
        hidden.filter(pl.col("geo_id") == "06001")["measure"]
    )


def test_small_statewide_demographic_category():
    """A small age group statewide: the total minus the other groups gives it."""
    counties = counties_frame({"06001": ("r1", "p1"), "06003": ("r1", "p1")})
    by_age = {"under_12": 4, "12_13": 30, "14_15": 45, "16_17": 60, "18_plus": 21}
    county_totals = {"06001": 70, "06003": 90}
    rows = [
        {"measure": "reports", "geo_level": "county", "geo_id": c, "period": YEARS[0], "value": v}
        for c, v in county_totals.items()
    ]
    for level, geo in (("state", domain.STATE_FIPS), ("region", "r1"), ("peer_group", "p1")):
        rows.append(
            {
                "measure": "reports",
                "geo_level": level,
                "geo_id": geo,
                "period": YEARS[0],
                "value": 160,
            }
        )
    totals = finish(pl.DataFrame(rows))
    ages = pl.DataFrame(
        {
            "measure": "reports",
            "geo_level": "state",
            "geo_id": domain.STATE_FIPS,
            "period": YEARS[0],
            "breakdown": "age_group",
            "category": list(by_age),
            "value": pl.Series(list(by_age.values()), dtype=pl.Int64),
            "status": "count",
        }
    )
    cells = pl.concat([totals, ages])
    relations = derive_relations(cells, counties)
    pattern = primary_only(cells)
    assert list(recovered_by_subtraction(pattern, relations).values()) == [4.0]
    out = assert_protected(cells, relations)
    state_totals = out.filter((pl.col("geo_level") == "state") & (pl.col("breakdown") == "total"))
    assert (state_totals["status"] == domain.PUBLISHED).all()


def test_suppress_is_deterministic_and_idempotent():
    """Same input, same pattern; suppressing the output again changes nothing."""
    counties = counties_frame(
        {"06001": ("r1", "p1"), "06003": ("r1", "p2"), "06005": ("r2", "p1"), "06007": ("r2", "p2")}
    )
    leaves = {
        ("06001", YEARS[0]): (3, 5, 0, 2, 1),
        ("06001", YEARS[1]): (12, 8, 6, 20, 0),
        ("06003", YEARS[0]): (40, 9, 14, 2, 0),
        ("06003", YEARS[1]): None,
        ("06005", YEARS[0]): (33, 21, 17, 26, 3),
        ("06005", YEARS[1]): (29, 1, 19, 22, 7),
        ("06007", YEARS[0]): (55, 31, 24, 40, 11),
        ("06007", YEARS[1]): (61, 35, 28, 44, 9),
    }
    cells = funnel_universe(leaves, counties)
    relations = derive_relations(cells, counties)
    first = suppress(cells, relations)
    assert first.equals(suppress(cells, relations))
    assert suppress(first, relations).equals(first)
    assert set(first.columns) == set(cells.columns)
    small = first.filter(pl.col("value").is_between(1, 10))
    assert set(small["status"]) == {domain.SUPPRESSED}
    assert set(first.filter(pl.col("value") == 0)["status"]) <= {
        domain.PUBLISHED,
        domain.NOT_OPTED_IN,
    }
    assert first["value"].equals(cells["value"])


def test_a_cell_an_earlier_release_hid_is_never_published_to_mend_rule_8():
    """A kept release hid `a`; the new cells pin it (t - b): the optimiser leaves it hidden and
    the audit fails (the build refuses) rather than publishing a frozen cell."""
    cells, relations = line_table({"t": 50, "a": 20, "b": 30}, [("t", ["a", "b"])])
    kept = {"t": domain.PUBLISHED, "a": domain.SUPPRESSED}
    cells = cells.with_columns(
        status=pl.col("geo_id").replace_strict(kept, default=pl.col("status"))
    )
    outcome = optimise(cells, relations)
    status = dict(outcome.cells.select("geo_id", "status").iter_rows())
    assert status == {"t": domain.PUBLISHED, "a": domain.SUPPRESSED, "b": domain.PUBLISHED}
    assert not outcome.report.passed
    assert {f["check"] for f in outcome.report.failures} == {"unpinned"}


def test_every_bound_row_holds_for_an_audited_pattern():
    """The lower bound's rows are valid: a pattern the audit passes satisfies each of them."""
    counties = counties_frame(
        {"06001": ("r1", "p1"), "06003": ("r1", "p2"), "06005": ("r2", "p1"), "06007": ("r2", "p2")}
    )
    leaves = {(c, y): (45, 22, 13, 30, 9) for c in counties["county_fips"] for y in YEARS}
    leaves["06001", YEARS[0]] = (3, 5, 0, 2, 1)
    leaves["06005", YEARS[1]] = (29, 1, 19, 22, 7)
    cells = funnel_universe(leaves, counties)
    relations = derive_relations(cells, counties)
    pattern = assert_protected(cells, relations)
    problem, index, _ = problem_of(cells, relations)
    hidden = np.zeros(relations.n_cells)
    hidden[index] = (pattern["status"] == domain.SUPPRESSED).to_numpy()
    matrix, rhs = bound_rows(relations, problem)
    capacity = rhs > 0  # the capacity cuts (the other rows: no hidden cell alone in a relation)
    assert capacity.any()
    assert (matrix @ hidden >= rhs - 1e-9).all()
    primaries_alone = np.where(problem.primary, 1.0, 0.0)
    assert not (matrix @ primaries_alone >= rhs - 1e-9)[capacity].all()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "bogus"}, "unexpected statuses"),
        ({"value": None}, "true value"),
        ({"value": 0, "status": domain.SUPPRESSED}, "zero"),
    ],
)
def test_suppress_rejects_malformed_input(change: dict, message: str):
    """Unknown statuses, counts without a value and suppressed zeros are refused."""
    cells, relations = line_table({"t": 30, "a": 12, "b": 18}, [("t", ["a", "b"])])
    first = pl.col("geo_id") == "a"
    broken = cells.with_columns(
        **{k: pl.when(first).then(pl.lit(v)).otherwise(pl.col(k)) for k, v in change.items()}
    )
    with pytest.raises(ValueError, match=message):
        suppress(broken, relations)


def test_unprotectable_cells_are_reported_not_looped_over():
    """Ten 1s under a total of 10: under model B each 1 is pinned, whatever else is hidden.

    Suppression cannot fix this (zeros aside, everything is already hidden); suppress stops,
    the audit reports P3 for every cell, and suppressing again changes nothing.
    """
    parts = {f"c{i}": 1 for i in range(10)}
    cells, relations = line_table({"t": 10, **parts}, [("t", list(parts))])
    out = suppress(cells, relations)
    assert (out["status"] == domain.SUPPRESSED).all()
    report = audit(out, relations)
    assert {f["check"] for f in report.failures} == {"P3"}
    assert all(f["interval_b"] == [1.0, 1.0] for f in report.failures if f["cell"]["geo_id"] != "t")
    assert suppress(out, relations).equals(out)


def test_relations_come_from_structure_and_hold_for_the_truth():
    """Every structure yields its relations; a new breakdown brings its own automatically."""
    counties = counties_frame(
        {"06001": ("r1", "p1"), "06003": ("r1", "p2"), "06005": ("r2", "p1"), "06007": ("r2", "p2")}
    )
    leaves = {(c, y): (40, 30, 20, 25, 15) for c in counties["county_fips"] for y in YEARS}
    leaves["06007", YEARS[1]] = None
    cells = funnel_universe(leaves, counties)
    relations = derive_relations(cells, counties)
    kinds = {kind: int((relations.kinds == kind).sum()) for kind in set(relations.kinds)}
    per_slice = 7 * 3  # measures × periods
    assert kinds["geography:state"] == per_slice
    assert kinds["geography:region"] == kinds["geography:peer_group"] == 2 * per_slice
    assert kinds["time"] == 7 * 9  # measures × geographies
    assert kinds["measure:reports"] == kinds["measure:screened_in"] == 9 * 3
    assert not (relations.matrix @ relations_values(cells, relations)).any()
    assert relations.keys.equals(canonical_sort(cells.select(KEY).reverse()))
    assert relations.keys["measure"].unique(maintain_order=True).to_list()[:2] == [
        "reports",
        "screened_in",
    ]
    state = (pl.col("geo_level") == "state") & (pl.col("measure") == "reports")
    by_sex = cells.filter(state).with_columns(breakdown=pl.lit("sex"), category=pl.lit("female"))
    wider = pl.concat([cells, by_sex])
    assert int((derive_relations(wider, counties).kinds == "breakdown:sex").sum()) == 3


def test_incomplete_relations_are_refused():
    """A total with only some of its parts present means a malformed universe."""
    counties = counties_frame({"06001": ("r1", "p1"), "06003": ("r1", "p1")})
    leaves = {(c, y): (40, 30, 20, 25, 15) for c in counties["county_fips"] for y in YEARS}
    cells = funnel_universe(leaves, counties).filter(
        ~((pl.col("geo_id") == "06003") & (pl.col("measure") == "reports"))
    )
    with pytest.raises(ValueError, match="incomplete"):
        derive_relations(cells, counties)
