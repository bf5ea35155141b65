"""Publish-back: a hidden complement the pattern does not need is published; one it needs is not.

Each verdict is checked against the audit, which decides independently.
"""

from __future__ import annotations

import logging

import numpy as np
import polars as pl
from linked_tables import YEARS, line_table
from test_suppress import counties_frame, funnel_universe

from dashboard.disclosure import optimise
from dashboard.disclosure.audit import audit
from dashboard.disclosure.optimise import problem_of, statuses
from dashboard.disclosure.publish_back import publish_back
from dashboard.disclosure.relations import derive_relations

EVERY_CANDIDATE = 10_000


def pattern(cells: pl.DataFrame, relations, names: set[str]) -> np.ndarray:
    """Return the hidden mask of the cells whose geo_id is in `names`."""
    hidden = np.zeros(relations.n_cells, dtype=bool)
    hidden[relations.index_of(cells)] = cells["geo_id"].is_in(sorted(names)).to_numpy()
    return hidden


def names_of(cells: pl.DataFrame, relations, mask: np.ndarray) -> set[str]:
    """Return the geo_ids of the cells in a mask."""
    return set(cells.filter(pl.Series(mask[relations.index_of(cells)]))["geo_id"])


def passes(cells: pl.DataFrame, relations, hidden: np.ndarray) -> bool:
    """Return whether the audit passes a hidden mask."""
    problem, index, _ = problem_of(cells, relations)
    return audit(statuses(cells, index, problem, hidden), relations).passed


def test_a_redundant_complement_is_published_back():
    """t = a + b + c + d with a = 5: hiding b alone beside a protects it, so c is published."""
    # the dearer complement (30) goes first; b (20) is then needed (a would be t minus the rest)
    values = {"t": 95, "a": 5, "b": 20, "c": 30, "d": 40}
    cells, relations = line_table(values, [("t", ["a", "b", "c", "d"])])
    problem, _, _ = problem_of(cells, relations)
    hidden = pattern(cells, relations, {"a", "b", "c"})
    assert passes(cells, relations, hidden)
    back, figures = publish_back(relations, problem, hidden, [], EVERY_CANDIDATE)
    assert names_of(cells, relations, back) == {"c"}
    assert figures["published back"] == 1
    assert passes(cells, relations, hidden & ~back)
    assert not passes(cells, relations, pattern(cells, relations, {"a"}))


def test_a_needed_complement_stays_hidden():
    """t = 10 + 10 + 20: with the 20 published, model B pins both 10s (P3), so it stays."""
    cells, relations = line_table({"t": 40, "a": 10, "b": 10, "c": 20}, [("t", ["a", "b", "c"])])
    problem, index, _ = problem_of(cells, relations)
    hidden = pattern(cells, relations, {"a", "b", "c"})
    assert passes(cells, relations, hidden)
    back, figures = publish_back(relations, problem, hidden, [], EVERY_CANDIDATE)
    assert not back.any()
    assert figures["publish-back tried"] == 1
    trial = statuses(cells, index, problem, pattern(cells, relations, {"a", "b"}))
    assert {f["check"] for f in audit(trial, relations).failures} == {"P3"}


def test_publish_back_leaves_nothing_redundant_and_the_audit_passes():
    """From every count of a funnel table hidden: the result passes, and sampled complements are needed."""
    # publishing a complement still hidden (every eighth, for time) fails the audit
    counties = counties_frame({"06001": ("r1", "p1"), "06003": ("r1", "p1"), "06005": ("r1", "p1")})
    leaves = {
        ("06001", YEARS[0]): (3, 5, 0, 2, 1),
        ("06001", YEARS[1]): (12, 8, 6, 20, 0),
        ("06003", YEARS[0]): (40, 9, 14, 2, 0),
        ("06003", YEARS[1]): (35, 12, 13, 30, 4),
        ("06005", YEARS[0]): (33, 21, 17, 26, 3),
        ("06005", YEARS[1]): (29, 1, 19, 22, 7),
    }
    cells = funnel_universe(leaves, counties)
    relations = derive_relations(cells, counties)
    problem, _, _ = problem_of(cells, relations)
    hidden = problem.counted & (problem.values > 0)
    assert passes(cells, relations, hidden)
    back, _ = publish_back(relations, problem, hidden, [], EVERY_CANDIDATE)
    kept = hidden & ~back
    assert back.sum() >= 10
    assert passes(cells, relations, kept)
    complements = np.flatnonzero(kept & ~problem.primary)
    assert complements.size
    for cell in complements[::8]:
        alone = kept.copy()
        alone[cell] = False
        assert not passes(cells, relations, alone), relations.cell_key(int(cell))
    assert kept[problem.primary].all()


def test_a_pattern_the_audit_fails_is_not_published_back(monkeypatch, caplog):
    """If the audit fails the published-back pattern, the earlier pattern, its audit and 0 stand."""
    values = {"t": 95, "a": 5, "b": 20, "c": 30, "d": 40}
    cells, relations = line_table(values, [("t", ["a", "b", "c", "d"])])

    def nothing(relations, problem, hidden, chosen, tries):
        return np.zeros_like(hidden), {}

    def every_complement(relations, problem, hidden, chosen, tries):
        back = hidden & ~problem.primary  # leaves a alone in its line: computable
        weight = float(np.floor(problem.weights[back]).sum())
        return back, {"published back": int(back.sum()), "publish-back weight": weight}

    monkeypatch.setattr(optimise, "publish_back", nothing)
    earlier = optimise.optimise(cells, relations)
    assert earlier.report.passed
    assert (earlier.cells["status"] == "suppressed").sum() >= 2
    monkeypatch.setattr(optimise, "publish_back", every_complement)
    with caplog.at_level(logging.WARNING, logger=optimise.__name__):
        outcome = optimise.optimise(cells, relations)
    assert outcome.report.passed
    assert outcome.cells["status"].to_list() == earlier.cells["status"].to_list()
    assert outcome.figures["published back"] == 0
    assert outcome.figures["publish-back weight"] == 0.0
    assert outcome.figures["publish-back audit passed"] is False
    assert "earlier one stands" in caplog.text
