"""Peer bands and visibility: computed from published values and statuses only."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard import domain
from dashboard.build import derived

P, S, N = domain.PUBLISHED, domain.SUPPRESSED, domain.NOT_OPTED_IN
COUNTIES = pl.DataFrame(
    {
        "county_fips": ["06001", "06002", "06003", "06004", "06005", "06006"],
        "peer_group_id": ["g", "g", "g", "g", "g", "lone"],
    }
)


def rates(values: dict[str, tuple[float | None, str]]) -> pl.DataFrame:
    """Return a rates frame of one rate and period for some counties."""
    return pl.DataFrame(
        {
            "rate": ["r"] * len(values),
            "geo_level": ["county"] * len(values),
            "geo_id": list(values),
            "period": ["2019-20"] * len(values),
            "value": [v for v, _ in values.values()],
            "unit": ["per_100k"] * len(values),
            "status": [s for _, s in values.values()],
        }
    )


def band(frame: pl.DataFrame, fips: str) -> dict:
    return (
        derived.peer_bands(frame, COUNTIES).filter(pl.col("county_fips") == fips).row(0, named=True)
    )


def test_band_leaves_the_county_out_and_uses_only_published_peers():
    frame = rates(
        {
            "06001": (100.0, P),
            "06002": (10.0, P),
            "06003": (20.0, P),
            "06004": (30.0, P),
            "06005": (None, S),
            "06006": (5.0, P),
        }
    )
    row = band(frame, "06001")
    assert row["peers"] == 3
    assert (row["p25"], row["median"], row["p75"]) == (15.0, 20.0, 25.0)
    assert row["status"] == P
    assert band(frame, "06002")["median"] == pytest.approx(30.0)  # peers 20, 30, 100


def test_no_band_from_fewer_than_three_published_peers():
    frame = rates({"06001": (1.0, P), "06002": (2.0, P), "06003": (3.0, P), "06004": (None, S)})
    row = band(frame, "06004")
    assert row["peers"] == 3 and row["status"] == P
    row = band(frame, "06001")  # peers: 2.0, 3.0 published, 06004 suppressed
    assert row["peers"] == 2
    assert row["status"] == domain.NOT_APPLICABLE
    assert row["median"] is None and row["p25"] is None
    assert band(frame, "06006")["peers"] == 0  # a county alone in its group still has a row


def test_visibility_counts_published_cells_while_in_the_program():
    cells = pl.DataFrame(
        {
            "measure": ["reports"] * 4 + ["youth"] * 4,
            "geo_level": ["county"] * 8,
            "geo_id": ["06001"] * 8,
            "period": ["a", "b", "c", "d"] * 2,
            "status": [P, P, S, N, P, S, S, N],
        }
    )
    out = {r["measure"]: r for r in derived.visibility(cells).iter_rows(named=True)}
    assert (out["reports"]["cells"], out["reports"]["published"]) == (3, 2)
    assert out["reports"]["share"] == pytest.approx(66.7)
    assert (out["youth"]["published"], out["all"]["cells"], out["all"]["published"]) == (1, 6, 3)
    assert list(out) == ["reports", "youth", "all"]
