"""The audit's arithmetic checks: statuses, small published counts, relations, derived rates."""

from __future__ import annotations

import numpy as np
import polars as pl

from dashboard import domain
from dashboard.disclosure.relations import Relations

RATE_SCALE = {"percent": 100.0, "per_100k": 100_000.0}
RATE_TOLERANCE = 0.05 + 1e-6  # half the last decimal of a percent (rounding), and float noise


def cell_arrays(cells: pl.DataFrame, relations: Relations) -> tuple[np.ndarray, np.ndarray]:
    """Return values (null as NaN) and statuses, indexed by cell."""
    index = relations.index_of(cells)
    values = np.full(relations.n_cells, np.nan)
    values[index] = cells["value"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    status = np.empty(relations.n_cells, dtype=object)
    status[index] = cells["status"].to_numpy()
    return values, status


def cell_failure(check: str, relations: Relations, cells: np.ndarray) -> list[dict]:
    """Return one failure dict per cell."""
    return [{"check": check, "cell": relations.cell_key(c)} for c in cells]


def relation_failures(relations: Relations, values: np.ndarray, hidden: np.ndarray) -> list[dict]:
    """Return relations without hidden cells that do not add up."""
    matrix = relations.matrix
    complete = abs(matrix) @ hidden.astype(float) == 0
    residual = matrix @ np.where(hidden, 0.0, np.nan_to_num(values))
    bad = np.flatnonzero(complete & (np.abs(residual) > 0.5))
    return [
        {
            "check": "relation_does_not_hold",
            "kind": str(relations.kinds[r]),
            "total": relations.cell_key(total_of(relations, r)),
            "residual": float(residual[r]),
        }
        for r in bad
    ]


def total_of(relations: Relations, relation: int) -> int:
    """Return the total cell of a relation."""
    cells, coefs = relations.members(relation)
    return int(cells[coefs > 0][0])


def status_failures(relations: Relations, values: np.ndarray, status: np.ndarray) -> list[dict]:
    """Return published cells that are null or small, and hidden cells that carry a value."""
    published = status == domain.PUBLISHED
    known = ~np.isnan(values)
    unknown_status = ~np.isin(status, [domain.PUBLISHED, domain.SUPPRESSED, domain.NOT_OPTED_IN])
    small = published & known & (values >= domain.SMALL_MIN) & (values <= domain.SMALL_MAX)
    return [
        *cell_failure("unknown_status", relations, np.flatnonzero(unknown_status)),
        *cell_failure("published_without_value", relations, np.flatnonzero(published & ~known)),
        *cell_failure("unpublished_with_value", relations, np.flatnonzero(~published & known)),
        *cell_failure("published_small", relations, np.flatnonzero(small)),
        *cell_failure("published_negative", relations, np.flatnonzero(published & (values < 0))),
    ]


def rate_failures(rates: pl.DataFrame, cells: pl.DataFrame) -> list[dict]:
    """Return rates that rest on a hidden count or disagree with the published cells."""
    geo = ["geo_level", "geo_id", "period"]
    totals = cells.filter(pl.col("breakdown") == domain.TOTAL_BREAKDOWN)

    def side(name: str) -> pl.DataFrame:
        return totals.select(
            *geo,
            pl.col("measure").alias(f"{name}_measure"),
            pl.col("value").alias(f"{name}_cell"),
            pl.col("status").alias(f"{name}_cell_status"),
        )

    joined = rates.join(side("numerator"), on=[*geo, "numerator_measure"], how="left").join(
        side("denominator"), on=[*geo, "denominator_measure"], how="left"
    )
    published = pl.col("status") == domain.PUBLISHED
    by_measure = pl.col("denominator_measure") != "population"
    scale = pl.col("unit").replace_strict(RATE_SCALE, return_dtype=pl.Float64)
    computed = pl.col("numerator") / pl.col("denominator") * scale
    checks = {
        "rate_on_hidden_count": published
        & (
            (pl.col("numerator_cell_status") != domain.PUBLISHED)
            | (by_measure & (pl.col("denominator_cell_status") != domain.PUBLISHED))
        ),
        "rate_numerator_differs": pl.col("numerator").is_not_null()
        & (
            (pl.col("numerator_cell_status") != domain.PUBLISHED)
            | (pl.col("numerator") != pl.col("numerator_cell"))
        ),
        "rate_denominator_differs": by_measure
        & pl.col("denominator").is_not_null()
        & (
            (pl.col("denominator_cell_status") != domain.PUBLISHED)
            | (pl.col("denominator") != pl.col("denominator_cell"))
        ),
        "rate_value_without_status": pl.col("value").is_not_null() & ~published,
        "rate_published_incomplete": published
        & pl.any_horizontal(pl.col(c).is_null() for c in ("numerator", "denominator", "value")),
        "rate_value_wrong": published & ((pl.col("value") - computed).abs() > RATE_TOLERANCE),
    }
    failures = []
    for check, condition in checks.items():
        bad = joined.filter(condition.fill_null(True))
        failures += [
            {"check": check, "rate": row["rate"], **{g: row[g] for g in geo}}
            for row in bad.iter_rows(named=True)
        ]
    return failures
