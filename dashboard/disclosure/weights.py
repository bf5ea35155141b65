"""The information-loss weights: what it costs to hide a cell (docs/disclosure-control.md, rule 7).

Declared once here; the optimiser minimises the total weight of the cells it hides, and the
audit prints this table into audit.json (and so onto the methodology page).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from dashboard import domain

HEADLINE_MEASURES = ("reports", "screened_in", "substantiated", "youth", "confirmed")
TIE_BREAK = 1e-4  # a distinct tiny extra per cell (canonical order) makes the optimum unique
SIZE_FACTOR = 0.1  # within a tier, a count ten times larger costs 10% more (less mass hidden)


@dataclass(frozen=True)
class Tier:
    """One row of the weight table: which cells, and what hiding one costs."""

    name: str
    cells: str
    weight: float


TIERS: tuple[Tier, ...] = (
    Tier("statewide", "statewide totals (every measure, every period)", 1000.0),
    Tier(
        "group_headline",
        "region and peer-group totals of the headline measures "
        f"({', '.join(domain.MEASURE_BY_ID[m].label for m in HEADLINE_MEASURES)})",
        100.0,
    ),
    Tier("county_headline", "county totals of the headline measures", 10.0),
    Tier(
        "sub_category",
        "sub-categories by fiscal year: other dispositions, evaluated out, at risk, placement "
        "and case categories, demographic categories; region and peer-group totals of these",
        3.0,
    ),
    Tier("window_sub_category", "whole-window cells of sub-categories", 1.0),
)
WEIGHT = {tier.name: tier.weight for tier in TIERS}


def tier_names(keys: pl.DataFrame) -> np.ndarray:
    """Return the tier name of each cell of a key frame (measure, geo_level, period, breakdown)."""
    total = pl.col("breakdown") == domain.TOTAL_BREAKDOWN
    headline = pl.col("measure").is_in(HEADLINE_MEASURES) & total
    level = pl.col("geo_level")
    tier = (
        pl.when((level == "state") & total)
        .then(pl.lit("statewide"))
        .when(headline & level.is_in(["region", "peer_group"]))
        .then(pl.lit("group_headline"))
        .when(headline)
        .then(pl.lit("county_headline"))
        .when(pl.col("period").str.contains(domain.WINDOW_JOIN, literal=True))
        .then(pl.lit("window_sub_category"))
        .otherwise(pl.lit("sub_category"))
    )
    return keys.select(tier.alias("tier"))["tier"].to_numpy()


def cell_weights(keys: pl.DataFrame, values: np.ndarray | None = None) -> np.ndarray:
    """Return each cell's hiding cost: its tier's weight, a little more for larger counts (when
    `values` are given), and a distinct tie-breaker. Tiers never overlap: a count would need
    more than 10^20 to cross into the next tier.
    """
    names = tier_names(keys)
    base = np.array([WEIGHT[name] for name in names], dtype=float)
    if values is not None:
        base *= 1.0 + SIZE_FACTOR * np.log10(1.0 + np.maximum(values, 0.0))
    return base + TIE_BREAK * (1.0 + np.arange(len(base)) / max(len(base), 1))


def weight_table() -> list[dict[str, object]]:
    """Return the weight table as JSON-ready rows (audit.json, methodology page)."""
    return [{"tier": t.name, "cells": t.cells, "weight": t.weight} for t in TIERS]
