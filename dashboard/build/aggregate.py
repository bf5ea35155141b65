"""Aggregate a validated record-level extract into the cell universe of true counts (polars)."""

from __future__ import annotations

from dataclasses import dataclass

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
REPORT_CODES = ("screening", "disposition")
YOUTH_CODES = ("csec_status", "placement_context", "case_status")
DAYS_1_JULY_TO_1_JANUARY = 184  # July to December: the same in every year


def sfy_start(date_column: str) -> pl.Expr:
    """Return the calendar year in which the SFY of a date column starts (SFYs start 1 July)."""
    days = pl.col(date_column).cast(pl.Int32)  # since 1970-01-01: cheaper than a Duration
    next_january = (days + DAYS_1_JULY_TO_1_JANUARY).cast(pl.Date)
    return next_january.dt.year() - 1


def sfy_label(start: pl.Expr) -> pl.Expr:
    """Return the SFY id ("2015-16") of a start-year expression."""
    return pl.format("{}-{}", start, ((start + 1) % 100).cast(pl.String).str.zfill(2))


def sfy_of(date_column: str) -> pl.Expr:
    """Return the SFY id ("2015-16") of a date column."""
    return sfy_label(sfy_start(date_column))


def age_group_index(age_column: str) -> pl.Expr:
    """Return the index in domain.AGE_GROUPS of the age group of an age column."""
    two_year_groups_from_12 = (pl.col(age_column) - 10) // 2  # 12-13 -> 1, ..., 18-19 -> 4
    return two_year_groups_from_12.clip(0, len(domain.AGE_GROUPS) - 1)


def tally(frame: pl.DataFrame, date: str, age: str, codes: tuple[str, ...]) -> pl.LazyFrame:
    """Return record counts `n` per county, SFY, code columns and demographics (lazy).

    The groups have cheap keys, labelled only once summed further (`labelled`): the SFY's start
    year as `period` and the age group's index as `age_group`.
    """
    return (
        frame.lazy()
        .group_by(
            "county_fips",
            sfy_start(date).alias("period"),
            *codes,
            age_group_index(age).alias("age_group"),
            "sex",
            "race_ethnicity",
        )
        .agg(n=pl.len().cast(pl.Int64))
    )


def labelled(groups: pl.DataFrame) -> pl.DataFrame:
    """Return tally groups with their labels: SFY ids, age-group ids, strings for codes."""
    ages = list(range(len(domain.AGE_GROUPS)))
    labels = {
        "period": sfy_label(pl.col("period")),
        "age_group": pl.col("age_group").replace_strict(ages, domain.AGE_GROUPS),
    }
    return groups.with_columns(
        labels.get(name, pl.col(name).cast(pl.String)).alias(name)
        for name in groups.columns
        if name != "n"
    )


def report_records(reports: pl.DataFrame) -> pl.DataFrame:
    """Return the counts `n` of a reports tally once per measure they count towards."""
    return pl.concat(
        [
            reports.with_columns(measure=pl.lit("reports")),
            reports.with_columns(measure=pl.col("screening")),
            reports.filter(pl.col("disposition").is_not_null()).with_columns(
                measure=pl.col("disposition")
            ),
        ]
    ).drop(REPORT_CODES)


def youth_records(youth: pl.DataFrame) -> pl.DataFrame:
    """Return the counts `n` of a youth tally once per measure they count towards."""
    confirmed = youth.filter(pl.col("csec_status") == "confirmed")
    return pl.concat(
        [
            youth.with_columns(measure=pl.lit("youth")),
            youth.with_columns(measure=pl.col("csec_status")),
            confirmed.with_columns(
                measure=pl.col("placement_context").replace_strict(PLACEMENT_MEASURE)
            ),
            youth.with_columns(measure=pl.col("case_status").replace_strict(CASE_STATUS_MEASURE)),
        ]
    ).drop(YOUTH_CODES)


@dataclass(frozen=True)
class Tallies:
    """Record counts of an extract's reports and young people (`tally`, collected)."""

    reports: pl.DataFrame
    youth: pl.DataFrame

    @classmethod
    def of(cls, reports: pl.DataFrame, youth: pl.DataFrame) -> Tallies:
        """Return the tallies of an extract (one pass over each table, both run together)."""
        return cls(
            *pl.collect_all(
                [
                    tally(reports, "received_date", "age_at_report", REPORT_CODES),
                    tally(youth, "identified_date", "age", YOUTH_CODES),
                ]
            )
        )

    def records(self, keys: list[str]) -> pl.DataFrame:
        """Return counts `n` per `keys` and measure (summed over every other column)."""
        n = pl.col("n").sum()
        reports = labelled(self.reports.group_by(*keys, *REPORT_CODES).agg(n))
        youth = labelled(self.youth.group_by(*keys, *YOUTH_CODES).agg(n))
        return pl.concat([report_records(reports), youth_records(youth)])


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


def geography_cells(tallies: Tallies, counties: pl.DataFrame, roster: pl.DataFrame) -> pl.DataFrame:
    """Return total cells (breakdown 'total') by SFY for counties, groups and the state."""
    records = tallies.records(["county_fips", "period"])
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


def demographic_cells(tallies: Tallies, sfys: tuple[str, ...]) -> pl.DataFrame:
    """Return statewide cells by SFY for each demographic breakdown of the breakdown measures."""
    frames = []
    for breakdown, categories in domain.BREAKDOWNS.items():
        records = tallies.records(["period", breakdown])
        wanted = records.filter(pl.col("measure").is_in(domain.BREAKDOWN_MEASURES))
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
    of other years are left out (the cell grids hold only those years).
    """
    sfys = release_sfys(roster)
    tallies = Tallies.of(reports, youth)
    return pl.concat(
        [
            geography_cells(tallies, counties, roster).select(*CELL_KEY, "value"),
            demographic_cells(tallies, sfys).select(*CELL_KEY, "value"),
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
