"""Property tests: random small linked tables always come out protected, and stay as they are.

Random funnels (2-4 counties in 2 regions and 2 peer groups, 2 fiscal years and the window,
reports = screened in + evaluated out, screened in = 4 dispositions; many zeros and small
counts; some county-years not opted in), and random two-way tables with margins (hand-made
relations, which exercise the path without hypercubes).
"""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from linked_tables import LEAVES, YEARS, funnel_cells, line_table

from dashboard import domain
from dashboard.disclosure.audit import audit
from dashboard.disclosure.optimise import suppress
from dashboard.disclosure.relations import derive_relations

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
    return line_table(named, lines)


def check_protected(cells: pl.DataFrame, relations, fast: bool) -> None:
    """Assert the suppression properties on one table (fast path or full optimiser)."""
    out = suppress(cells, relations, fast)
    report = audit(out, relations)
    assert report.passed, report.format()
    published = out.filter(pl.col("status") == domain.PUBLISHED)
    assert not published["value"].is_between(domain.SMALL_MIN, domain.SMALL_MAX).any()
    hidden = out.filter(pl.col("status") == domain.SUPPRESSED)
    assert (hidden["value"] > 0).all()
    assert (out["status"] == domain.NOT_OPTED_IN).equals(cells["status"] == domain.NOT_OPTED_IN)
    assert suppress(out, relations, fast).equals(out)


@SETTINGS
@given(funnels())
def test_random_funnels_are_protected_and_stable(table):
    """Random linked funnels: audit passes, idempotent, nothing small published, no hidden 0."""
    counties, cells = table
    check_protected(cells, derive_relations(cells, counties), fast=True)


@SETTINGS
@given(two_way_tables())
def test_random_two_way_tables_are_protected_and_stable(table):
    """Random two-way tables with margins, through the hand-made-relations path."""
    check_protected(*table, fast=False)


@SETTINGS
@given(funnels(), st.lists(st.floats(0.5, 2000.0), min_size=6, max_size=6))
def test_a_weight_change_moves_complements_but_never_exposes_a_primary(table, tier_weights):
    """Any weights: every primary stays hidden and the audit still passes."""
    counties, cells = table
    relations = derive_relations(cells, counties)
    chosen = np.array(tier_weights)

    def shuffled(keys, window, values=None):
        return chosen[np.arange(keys.height) % len(chosen)] + 1e-6 * np.arange(keys.height)

    with patch("dashboard.disclosure.optimise.cell_weights", shuffled):
        out = suppress(cells, relations, fast=True)
    assert audit(out, relations).passed
    small = out.filter(pl.col("value").is_between(domain.SMALL_MIN, domain.SMALL_MAX))
    assert set(small["status"]) <= {domain.SUPPRESSED}
