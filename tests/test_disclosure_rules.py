"""The attacker model's rules that earlier audits missed: every relation, integers, rule 8."""

from __future__ import annotations

import numpy as np
import polars as pl
from linked_tables import line_table

from dashboard import domain
from dashboard.disclosure.attacker import integral
from dashboard.disclosure.audit import P1, P3, UNPINNED, Witnesses, audit
from dashboard.disclosure.optimise import suppress


def hide(cells: pl.DataFrame, names: set[str]) -> pl.DataFrame:
    """Return the cells with exactly `names` suppressed and the rest published."""
    hidden = pl.col("geo_id").is_in(sorted(names))
    status = pl.when(hidden).then(pl.lit(domain.SUPPRESSED)).otherwise(pl.lit(domain.PUBLISHED))
    return cells.with_columns(status=status)


def test_a_relation_whose_hidden_coefficients_cancel_still_binds():
    """t = p + q with t and p hidden (+1 - 1 = 0) still pins p once t is pinned elsewhere.

    s = t + u with s and u published pins t = 23, so p = t - q = 3: the small count is
    recoverable by two subtractions. An attacker system that drops the first relation (its
    hidden coefficients sum to zero) lets p range freely and passes it.
    """
    values = {"t": 23, "p": 3, "q": 20, "s": 53, "u": 30}
    cells, relations = line_table(values, [("t", ["p", "q"]), ("s", ["t", "u"])])
    report = audit(hide(cells, {"t", "p"}), relations)
    failed = {(f["cell"]["geo_id"], f["check"]) for f in report.failures}
    assert ("p", P1) in failed and ("p", P3) in failed
    assert ("t", UNPINNED) in failed
    assert any(f["interval_a"] == [3.0, 3.0] for f in report.failures if f["cell"]["geo_id"] == "p")


def test_a_hidden_cell_computable_by_subtraction_fails_the_audit():
    """Rule 8: a complement that one relation pins (c = s - d) is flagged, not kept hidden."""
    values = {"t": 53, "a": 3, "b": 20, "c": 30, "s": 45, "d": 15}
    cells, relations = line_table(values, [("t", ["a", "b", "c"]), ("s", ["c", "d"])])
    report = audit(hide(cells, {"a", "b", "c"}), relations)
    pinned = [f for f in report.failures if f["check"] == UNPINNED]
    assert [f["cell"]["geo_id"] for f in pinned] == ["c"]
    assert pinned[0]["interval_a"] == [30.0, 30.0]


def test_the_optimiser_publishes_nothing_small_and_hides_nothing_computable():
    """After suppression every hidden cell keeps an interval at least one wide."""
    values = {"t": 53, "a": 3, "b": 20, "c": 30, "s": 45, "d": 15}
    cells, relations = line_table(values, [("t", ["a", "b", "c"]), ("s", ["c", "d"])])
    out = suppress(cells, relations)
    report = audit(out, relations)
    assert report.passed, report.format()
    assert report.narrowest_hidden_width >= 1
    assert out.filter(pl.col("geo_id") == "a")["status"].item() == domain.SUPPRESSED


def test_only_integral_points_prove_the_integer_attacker_wrong():
    """A fractional LP point settles the LP bound but not the integer one."""
    witnesses = Witnesses(2)
    cells = np.array([0, 1])
    witnesses.record("A", cells, np.array([11.5, 3.0]))
    assert witnesses.settled(P1, np.array([0]), integer=False)[0]
    assert not witnesses.settled(P1, np.array([0]), integer=True)[0]
    witnesses.record("A", cells, np.array([11.0, 2.0]))
    assert witnesses.settled(P1, np.array([0]), integer=True)[0]
    assert not witnesses.settled(UNPINNED, np.array([1]), integer=True)[0]
    witnesses.record("A", cells, np.array([12.0, 3.0]))
    assert witnesses.settled(UNPINNED, np.array([1]), integer=True)[0]
    assert integral(np.array([1.0, 2.0 + 1e-9])) and not integral(np.array([0.5]))
