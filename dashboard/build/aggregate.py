"""Aggregate a validated record-level extract into the cell universe of true counts (polars)."""

from __future__ import annotations

import polars as pl

from dashboard import domain

CELL_KEY = ("measure", "geo_level", "geo_id", "period", "breakdown", "category")
COUNT = "count"  # internal status of a real (not yet suppressed) count

CASE_STATUS_MEASURE = {
    "open_case": "case_open",
    "prior_closed_case": "case_prior_closed",
    "case_opened_after": "case_opened_after",
    "no_case": "case_none",
}
PLACEMENT_MEASURE = {
    "in_placement": "confirmed_in_placement",
    "absent_from_placement": "confirmed_absent_from_placement",
    "placement_history_not_in_care": "confirmed_placement_history_not_in_care",
    "no_placement_history": "confirmed_no_placement_history",
}
GROUP_LEVELS = {"region": "region_id", "peer_group": "peer_group_id"}


def sfy_start(date_column: str) -> pl.Expr:
    """Return the calendar year in which the SFY of a date column starts (SFYs start 1 July)."""
    date = pl.col(date_column)
    return date.dt.year() - (date.dt.month() < 7).cast(pl.Int32)


def sfy_label(start: pl.Expr) -> pl.Expr:
    """Return the SFY id ("2015-16") of a start-year expression."""
    return pl.format("{}-{}", start, ((start + 1) % 100).cast(pl.String).str.zfill(2))


def sfy_of(date_column: str) -> pl.Expr:
    """Return the SFY id ("2015-16") of a date column."""
    return sfy_label(sfy_start(date_column))


def age_group(age_column: str) -> pl.Expr:
    """Return the age-group category id of an age column."""
    age = pl.col(age_column)
    return (
        pl.when(age < 12)
        .then(pl.lit("under_12"))
        .when(age < 14)
        .then(pl.lit("12_13"))
        .when(age < 16)
        .then(pl.lit("14_15"))
        .when(age < 18)
        .then(pl.lit("16_17"))
        .otherwise(pl.lit("18_plus"))
    )


def tally(frame: pl.DataFrame, date: str, age: str, codes: list[str]) -> pl.DataFrame:
    """Return record counts `n` per county, SFY, code columns and demographics (small frame)."""
    keys = ["county_fips", "sfy_start", *codes, "age", "sex", "race_ethnicity"]
    grouped = (
        frame.lazy()
        .select(
            "county_fips",
            sfy_start(date).alias("sfy_start"),
            *codes,
            pl.col(age).alias("age"),
            "sex",
            "race_ethnicity",
        )
        .group_by(keys)
        .agg(n=pl.len())
        .collect()
    )
    return grouped.select(
        pl.col("county_fips").cast(pl.String),
        sfy_label(pl.col("sfy_start")).alias("period"),
        *(pl.col(c).cast(pl.String) for c in codes),
        age_group("age").alias("age_group"),
        pl.col("sex").cast(pl.String),
        pl.col("race_ethnicity").cast(pl.String),
        pl.col("n").cast(pl.Int64),
    )


def report_records(reports: pl.DataFrame) -> pl.DataFrame:
    """Return counts `n` per (county, SFY, demographics, measure) of the reports."""
    base = tally(reports, "received_date", "age_at_report", ["screening", "disposition"])
    return pl.concat(
        [
            base.with_columns(measure=pl.lit("reports")),
            base.with_columns(measure=pl.col("screening")),
            base.filter(pl.col("disposition").is_not_null()).with_columns(
                measure=pl.col("disposition")
            ),
        ]
    ).drop("screening", "disposition")


def youth_records(youth: pl.DataFrame) -> pl.DataFrame:
    """Return counts `n` per (county, SFY, demographics, measure) of the young people."""
    base = tally(
        youth, "identified_date", "age", ["csec_status", "placement_context", "case_status"]
    )
    confirmed = base.filter(pl.col("csec_status") == "confirmed")
    return pl.concat(
        [
            base.with_columns(measure=pl.lit("youth")),
            base.with_columns(measure=pl.col("csec_status")),
            confirmed.with_columns(
                measure=pl.col("placement_context").replace_strict(PLACEMENT_MEASURE)
            ),
            base.with_columns(measure=pl.col("case_status").replace_strict(CASE_STATUS_MEASURE)),
        ]
    ).drop("csec_status", "placement_context", "case_status")


def county_grid(counties: pl.DataFrame, roster: pl.DataFrame) -> pl.DataFrame:
    """Return every county × SFY × measure with the county's opt-in flag and groups."""
    measures = pl.DataFrame({"measure": [m.id for m in domain.MEASURES]})
    return (
        counties.select("county_fips", *GROUP_LEVELS.values())
        .join(
            roster.select("county_fips", pl.col("sfy").alias("period"), "opted_in"),
            on="county_fips",
        )
        .join(measures, how="cross")
    )


def county_year_cells(records: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
    """Return county × SFY totals for every measure; null value where the county had not opted in."""
    counts = records.group_by("county_fips", "period", "measure").agg(pl.col("n").sum())
    return grid.join(counts, on=["county_fips", "period", "measure"], how="left").with_columns(
        value=pl.when(pl.col("opted_in")).then(pl.col("n").fill_null(0).cast(pl.Int64))
    )


def roll_up(county_years: pl.DataFrame, level: str, id_column: str | None) -> pl.DataFrame:
    """Return totals over opted-in counties for one geography level, per SFY and measure."""
    key = pl.lit(domain.STATE_FIPS) if id_column is None else pl.col(id_column)
    return (
        county_years.with_columns(geo_id=key)
        .group_by("geo_id", "period", "measure")
        .agg(value=pl.col("value").sum(), any_opted_in=pl.col("opted_in").any())
        .with_columns(
            geo_level=pl.lit(level),
            value=pl.when(pl.col("any_opted_in")).then(pl.col("value")),
        )
        .drop("any_opted_in")
    )


def with_window(cells: pl.DataFrame, keys: list[str], window: str) -> pl.DataFrame:
    """Append the whole-window period (sum of the SFYs; null when never opted in)."""
    window_cells = (
        cells.group_by(keys)
        .agg(value=pl.col("value").sum(), any_value=pl.col("value").is_not_null().any())
        .with_columns(
            period=pl.lit(window),
            value=pl.when(pl.col("any_value")).then(pl.col("value")),
        )
        .drop("any_value")
    )
    return pl.concat([cells, window_cells.select(cells.columns)])


def geography_cells(
    records: pl.DataFrame, counties: pl.DataFrame, roster: pl.DataFrame
) -> pl.DataFrame:
    """Return total cells (breakdown 'total') by SFY for counties, groups and the state."""
    county_years = county_year_cells(records, county_grid(counties, roster))
    return geography_years(county_years).with_columns(
        breakdown=pl.lit(domain.TOTAL_BREAKDOWN), category=pl.lit(domain.ALL_CATEGORY)
    )


def geography_years(county_years: pl.DataFrame) -> pl.DataFrame:
    """Return per-SFY totals of every geography from county-year cells (county_fips, region_id,
    peer_group_id, period, measure, value, opted_in; value null where not opted in)."""
    levels = [
        county_years.select(
            pl.col("county_fips").alias("geo_id"),
            "period",
            "measure",
            "value",
            geo_level=pl.lit("county"),
        ),
        *(roll_up(county_years, level, column) for level, column in GROUP_LEVELS.items()),
        roll_up(county_years, "state", None),
    ]
    columns = ["measure", "geo_level", "geo_id", "period", "value"]
    return pl.concat([frame.select(columns) for frame in levels])


def demographic_cells(records: pl.DataFrame, sfys: tuple[str, ...]) -> pl.DataFrame:
    """Return statewide cells by SFY for each demographic breakdown of the breakdown measures."""
    wanted = records.filter(pl.col("measure").is_in(domain.BREAKDOWN_MEASURES))
    frames = []
    for breakdown, categories in domain.BREAKDOWNS.items():
        grid = (
            pl.DataFrame({"measure": list(domain.BREAKDOWN_MEASURES)})
            .join(pl.DataFrame({"period": list(sfys)}), how="cross")
            .join(pl.DataFrame({"category": list(categories)}), how="cross")
        )
        counts = wanted.group_by("measure", "period", pl.col(breakdown).alias("category")).agg(
            value=pl.col("n").sum()
        )
        frames.append(
            grid.join(counts, on=["measure", "period", "category"], how="left").with_columns(
                pl.col("value").fill_null(0), breakdown=pl.lit(breakdown)
            )
        )
    return pl.concat(frames).with_columns(
        geo_level=pl.lit("state"), geo_id=pl.lit(domain.STATE_FIPS)
    )


def sort_cells(cells: pl.DataFrame, sfys: tuple[str, ...]) -> pl.DataFrame:
    """Return cells in the canonical order (domain order of measures, levels, periods, categories)."""
    order = {
        "measure": [m.id for m in domain.MEASURES],
        "geo_level": list(domain.GEO_LEVELS),
        "period": list(domain.periods_of(sfys)),
        "breakdown": [domain.TOTAL_BREAKDOWN, *domain.BREAKDOWNS],
        "category": [domain.ALL_CATEGORY, *(c for cs in domain.BREAKDOWNS.values() for c in cs)],
    }
    ranks = [
        pl.col(name).replace_strict(values, list(range(len(values))))
        for name, values in order.items()
    ]
    return cells.sort([*ranks[:2], "geo_id", *ranks[2:]])


def apply_table_design(cells: pl.DataFrame) -> pl.DataFrame:
    """Drop the cells the table design does not publish (domain.TABLE_DESIGN_RULE)."""
    by_year = ~pl.col("period").str.contains(domain.WINDOW_JOIN, literal=True)
    by_year_below_state = (pl.col("geo_level") != "state") & by_year
    return cells.filter(
        ~(pl.col("measure").is_in(domain.WINDOW_ONLY_MEASURES) & by_year_below_state)
    )


def year_cells(
    reports: pl.DataFrame, youth: pl.DataFrame, counties: pl.DataFrame, roster: pl.DataFrame
) -> pl.DataFrame:
    """Return every cell by fiscal year (true counts; before the window and the table design).

    The fiscal years are the roster's (a release covers the years its roster lists); records
    of other years are left out.
    """
    sfys = release_sfys(roster)
    records = pl.concat([report_records(reports), youth_records(youth)])
    records = records.filter(pl.col("period").is_in(sfys))
    return pl.concat(
        [
            geography_cells(records, counties, roster).select(*CELL_KEY, "value"),
            demographic_cells(records, sfys).select(*CELL_KEY, "value"),
        ]
    )


def cell_universe(years: pl.DataFrame) -> pl.DataFrame:
    """Return the cell universe from year cells: the whole window added, the table design
    applied, status `count` (or not_opted_in), in canonical order."""
    sfys = tuple(sorted(years["period"].unique()))
    keys = [k for k in CELL_KEY if k != "period"]
    cells = with_window(years, keys, domain.window_of(sfys)).select(*CELL_KEY, "value")
    status = (
        pl.when(pl.col("value").is_null())
        .then(pl.lit(domain.NOT_OPTED_IN))
        .otherwise(pl.lit(COUNT))
    )
    return sort_cells(apply_table_design(cells).with_columns(status=status), sfys)


def aggregate(
    reports: pl.DataFrame, youth: pl.DataFrame, counties: pl.DataFrame, roster: pl.DataFrame
) -> pl.DataFrame:
    """Return the cell universe of true counts: key columns, value (Int64) and status."""
    return cell_universe(year_cells(reports, youth, counties, roster))


def release_sfys(roster: pl.DataFrame) -> tuple[str, ...]:
    """Return the fiscal years of a release: those its opt-in roster lists, in order."""
    return tuple(sorted(roster["sfy"].unique()))
