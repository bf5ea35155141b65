"""Information-loss figures of a suppressed cell universe (true values + statuses), for benches.

Pure polars: it needs only the key columns, `value` (true counts) and `status`, so the same
figures can be taken of any suppressor's output.
"""

from __future__ import annotations

import polars as pl

from dashboard import domain
from dashboard.disclosure.weights import HEADLINE_MEASURES

TARGET_MEASURES = ("reports", "screened_in", "youth")  # county × period, true >= 11: >= 90%
COUNTY_TARGET = (pl.col("geo_level") == "county") & pl.col("measure").is_in(TARGET_MEASURES)
GROUP_HEADLINE = pl.col("geo_level").is_in(["region", "peer_group"]) & pl.col("measure").is_in(
    HEADLINE_MEASURES
)
LEVELS = ("state", "region", "peer_group", "county")


def counted(cells: pl.DataFrame) -> pl.DataFrame:
    """Return the cells that hold a count (not-opted-in excluded), with a `shown` flag."""
    return cells.filter(pl.col("status") != domain.NOT_OPTED_IN).with_columns(
        shown=pl.col("status") == domain.PUBLISHED,
        large=pl.col("value") > domain.SMALL_MAX,
    )


def mass_hidden(cells: pl.DataFrame, level: str) -> float:
    """Return the share of the true count at one level (totals only) that is hidden."""
    rows = cells.filter(
        (pl.col("geo_level") == level) & (pl.col("breakdown") == domain.TOTAL_BREAKDOWN)
    )
    total = rows["value"].sum() or 0
    return float(rows.filter(~pl.col("shown"))["value"].sum() or 0) / total if total else 0.0


def figures(cells: pl.DataFrame, window: str = domain.WINDOW) -> dict[str, object]:
    """Return the bench's loss figures for one suppressed universe."""
    data = counted(cells.filter(pl.col("breakdown").is_not_null())).with_columns(
        window=pl.lit(window)
    )
    totals = data.filter(pl.col("breakdown") == domain.TOTAL_BREAKDOWN)
    out: dict[str, object] = {
        "cells": cells.height,
        "counted": data.height,
        "hidden": int((~data["shown"]).sum()),
        "primaries": int((~data["large"] & (data["value"] > 0)).sum()),
    }
    out["complements"] = out["hidden"] - out["primaries"]
    out["share cells hidden"] = out["hidden"] / max(out["counted"], 1)
    out["county count hidden"] = mass_hidden(data, "county")
    out["peer-group count hidden"] = mass_hidden(data, "peer_group")
    for level in LEVELS:
        rows = totals.filter(
            (pl.col("geo_level") == level) & pl.col("measure").is_in(HEADLINE_MEASURES)
        )
        out[f"headline {level} published"] = f"{int(rows['shown'].sum())}/{rows.height}"
    county = totals.filter(pl.col("geo_level") == "county")
    target = totals.filter(COUNTY_TARGET & pl.col("large"))
    out["county reports/screened_in/youth >= 11 published"] = (
        float(target["shown"].mean()) if target.height else 1.0
    )
    groups = totals.filter(GROUP_HEADLINE & pl.col("large"))
    out["group headline >= 11 hidden"] = int((~groups["shown"]).sum())
    state = totals.filter(pl.col("geo_level") == "state")
    out["statewide totals hidden"] = int((~state["shown"]).sum())
    wide = county.filter(pl.col("period") != window).pivot(
        on="measure", index=["geo_id", "period"], values="shown"
    )
    per_county = wide.group_by("geo_id").agg(
        reports=pl.col("reports").sum(),
        substantiation=(pl.col("substantiated") & pl.col("screened_in")).sum(),
    )
    out["counties >= 4 years of reports (and per 100k)"] = int((per_county["reports"] >= 4).sum())
    out["counties >= 4 years of substantiation rate"] = int(
        (per_county["substantiation"] >= 4).sum()
    )
    out["median county: published years of reports"] = float(per_county["reports"].median())
    return out


def hidden_large(cells: pl.DataFrame, window: str = domain.WINDOW) -> pl.DataFrame:
    """Return the county target cells (true >= 11) and group headline totals that are hidden."""
    data = counted(cells).filter(pl.col("breakdown") == domain.TOTAL_BREAKDOWN)
    wanted = (COUNTY_TARGET | GROUP_HEADLINE) & pl.col("large") & ~pl.col("shown")
    return data.filter(wanted).drop("shown", "large")
