"""Property tests: random small linked tables always come out protected, and stay as they are.

Random funnels (2-4 counties in 2 regions and 2 peer groups, 2 fiscal years and the window,
reports = screened in + evaluated out, screened in = 4 dispositions; many zeros and small
counts; some county-years not opted in), and random two-way tables with margins (hand-made
relations, which exercise the path without hypercubes).
"""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import domain
from dashboard.build.audit import audit
from dashboard.build.relations import KEY, derive_relations, relations_from_members
from dashboard.build.suppress import suppress

YEARS = domain.SFYS[:2]
DISPOSITIONS = ("substantiated", "inconclusive", "unfounded", "not_yet_determined")
LEAVES = ("evaluated_out", *DISPOSITIONS)
COUNT = st.one_of(st.just(0), st.integers(1, 10), st.integers(1, 4), st.integers(11, 60))
SETTINGS = settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def funnels(draw) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Draw a counties table and the funnel cells of its counties, groups and state."""
    n = draw(st.integers(2, 4))
    fips = [f"06{2 * i + 1:03d}" for i in range(n)]
    regions = [f"r{i % 2}" for i in range(n)]
    peers = draw(st.lists(st.sampled_from(["p0", "p1"]), min_size=n, max_size=n))
    counties = pl.DataFrame({"county_fips": fips, "region_id": regions, "peer_group_id": peers})
    rows = []
    for county in fips:
        for year in YEARS:
            opted = draw(st.integers(0, 9)) > 0
            leaves = [draw(COUNT) if opted else None for _ in LEAVES]
            rows.append(
                {"county_fips": county, "period": year, **dict(zip(LEAVES, leaves, strict=True))}
            )
    return counties, funnel_cells(
        pl.DataFrame(rows, schema_overrides=dict.fromkeys(LEAVES, pl.Int64)), counties
    )


def funnel_cells(wide: pl.DataFrame, counties: pl.DataFrame) -> pl.DataFrame:
    """Return the cell universe (true counts) of county-year leaf counts."""
    wide = wide.with_columns(screened_in=pl.sum_horizontal(DISPOSITIONS, ignore_nulls=False))
    wide = wide.with_columns(reports=pl.col("screened_in") + pl.col("evaluated_out"))
    long = wide.unpivot(index=["county_fips", "period"], variable_name="measure").join(
        counties, on="county_fips"
    )
    total = pl.when(pl.col("value").is_not_null().any()).then(pl.col("value").sum())
    levels = {"county": pl.col("county_fips"), "state": pl.lit(domain.STATE_FIPS)}
    levels |= {"region": pl.col("region_id"), "peer_group": pl.col("peer_group_id")}
    years = pl.concat(
        long.group_by("measure", "period", key.alias("geo_id"))
        .agg(value=total)
        .with_columns(geo_level=pl.lit(level))
        .select("measure", "geo_level", "geo_id", "period", "value")
        for level, key in levels.items()
    )
    window = years.group_by("measure", "geo_level", "geo_id").agg(value=total)
    cells = pl.concat(
        [years, window.with_columns(period=pl.lit(domain.WINDOW)).select(years.columns)]
    )
    return with_status(cells)


def with_status(cells: pl.DataFrame) -> pl.DataFrame:
    """Add breakdown 'total', status 'count' (or not_opted_in where null) and Int64 values."""
    not_opted = pl.col("value").is_null()
    return cells.with_columns(
        breakdown=pl.lit(domain.TOTAL_BREAKDOWN),
        category=pl.lit(domain.ALL_CATEGORY),
        value=pl.col("value").cast(pl.Int64),
        status=pl.when(not_opted).then(pl.lit(domain.NOT_OPTED_IN)).otherwise(pl.lit("count")),
    ).select(*KEY, "value", "status")


@st.composite
def two_way_tables(draw):
    """Draw an r x c table of counts with row, column and grand totals as hand-made relations."""
    n_rows, n_cols = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    body = np.array([[draw(COUNT) for _ in range(n_cols)] for _ in range(n_rows)])
    named = {f"c{i}{j}": int(body[i, j]) for i in range(n_rows) for j in range(n_cols)}
    named |= {f"r{i}": int(body[i].sum()) for i in range(n_rows)}
    named |= {f"k{j}": int(body[:, j].sum()) for j in range(n_cols)}
    named["total"] = int(body.sum())
    lines = [(f"r{i}", [f"c{i}{j}" for j in range(n_cols)]) for i in range(n_rows)]
    lines += [(f"k{j}", [f"c{i}{j}" for i in range(n_rows)]) for j in range(n_cols)]
    lines += [
        ("total", [f"r{i}" for i in range(n_rows)]),
        ("total", [f"k{j}" for j in range(n_cols)]),
    ]
    names = sorted(named)
    keys = pl.DataFrame(
        {
            "measure": "reports",
            "geo_level": "county",
            "geo_id": names,
            "period": YEARS[0],
            "breakdown": domain.TOTAL_BREAKDOWN,
            "category": domain.ALL_CATEGORY,
        }
    )
    position = {name: i for i, name in enumerate(names)}
    relations = relations_from_members(
        keys, [(position[t], [position[p] for p in ps], "custom") for t, ps in lines]
    )
    cells = keys.with_columns(
        value=pl.Series([named[n] for n in names], dtype=pl.Int64), status=pl.lit("count")
    )
    return cells, relations


def check_protected(cells: pl.DataFrame, relations) -> None:
    """Assert the suppression properties on one table."""
    out = suppress(cells, relations)
    report = audit(out, relations)
    assert report.passed, report.format()
    published = out.filter(pl.col("status") == domain.PUBLISHED)
    assert not published["value"].is_between(domain.SMALL_MIN, domain.SMALL_MAX).any()
    hidden = out.filter(pl.col("status") == domain.SUPPRESSED)
    assert (hidden["value"] > 0).all()
    assert (out["status"] == domain.NOT_OPTED_IN).equals(cells["status"] == domain.NOT_OPTED_IN)
    assert suppress(out, relations).equals(out)


@SETTINGS
@given(funnels())
def test_random_funnels_are_protected_and_stable(table):
    """Random linked funnels: audit passes, idempotent, nothing small published, no hidden 0."""
    counties, cells = table
    check_protected(cells, derive_relations(cells, counties))


@SETTINGS
@given(two_way_tables())
def test_random_two_way_tables_are_protected_and_stable(table):
    """Random two-way tables with margins, through the hand-made-relations path."""
    check_protected(*table)
