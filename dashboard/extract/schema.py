"""The record-level extract contract (tables `reports` and `youth`) and its validation.

An extract is a directory holding `reports.csv` or `reports.parquet` and `youth.csv` or
`youth.parquet`. `read_extract` reads and validates one; `validate` checks frames already in
memory. Both return typed frames (see `REPORTS_SCHEMA`, `YOUTH_SCHEMA`) or raise
`ExtractError` naming the file, the row, the column and the offending value of the first
problem found. Every check is a vectorised polars expression over the whole column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import polars as pl

from dashboard import domain
from dashboard.reference import load_counties, load_roster

SCREENINGS: tuple[str, ...] = ("screened_in", "evaluated_out")
DISPOSITIONS: tuple[str, ...] = ("substantiated", "inconclusive", "unfounded", "not_yet_determined")
CSEC_STATUSES: tuple[str, ...] = ("confirmed", "at_risk")
PLACEMENT_CONTEXTS: tuple[str, ...] = (
    "in_placement",
    "absent_from_placement",
    "placement_history_not_in_care",
    "no_placement_history",
)
CASE_STATUSES: tuple[str, ...] = ("open_case", "prior_closed_case", "case_opened_after", "no_case")
WINDOW_START = date(domain.FIRST_SFY, 7, 1)
WINDOW_END = date(domain.LAST_SFY + 1, 6, 30)
MIN_AGE = 0
MAX_AGE = 20
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
WHOLE_NUMBER = r"^-?\d+$"
BLANK = r"^\s*$"
FORMATS = ("csv", "parquet")

Kind = Literal["id", "county", "date", "age", "code"]


@dataclass(frozen=True)
class Column:
    """One column of the contract: its name, kind and (for codes) its allowed values."""

    name: str
    kind: Kind
    allowed: tuple[str, ...] = ()
    unique: bool = False


REPORT_COLUMNS: tuple[Column, ...] = (
    Column("report_id", "id", unique=True),
    Column("child_id", "id"),
    Column("county_fips", "county"),
    Column("received_date", "date"),
    Column("screening", "code", SCREENINGS),
    Column("disposition", "code", DISPOSITIONS),
    Column("age_at_report", "age"),
    Column("sex", "code", domain.SEXES),
    Column("race_ethnicity", "code", domain.RACE_ETHNICITIES),
)
YOUTH_COLUMNS: tuple[Column, ...] = (
    Column("child_id", "id", unique=True),
    Column("county_fips", "county"),
    Column("identified_date", "date"),
    Column("csec_status", "code", CSEC_STATUSES),
    Column("placement_context", "code", PLACEMENT_CONTEXTS),
    Column("case_status", "code", CASE_STATUSES),
    Column("age", "age"),
    Column("sex", "code", domain.SEXES),
    Column("race_ethnicity", "code", domain.RACE_ETHNICITIES),
)
TABLES: dict[str, tuple[Column, ...]] = {"reports": REPORT_COLUMNS, "youth": YOUTH_COLUMNS}
DATE_COLUMN = {"reports": "received_date", "youth": "identified_date"}
# The one column that may be empty, and only on evaluated-out reports.
CONDITIONAL_COLUMN = "disposition"


def dtype_of(column: Column) -> pl.DataType:
    """Return the polars dtype a validated column has."""
    if column.kind == "date":
        return pl.Date()
    if column.kind == "age":
        return pl.Int16()
    if column.kind == "code":
        return pl.Enum(column.allowed)
    return pl.String()


REPORTS_SCHEMA: dict[str, pl.DataType] = {c.name: dtype_of(c) for c in REPORT_COLUMNS}
YOUTH_SCHEMA: dict[str, pl.DataType] = {c.name: dtype_of(c) for c in YOUTH_COLUMNS}


class ExtractError(ValueError):
    """A problem in an extract, located by file, row (as a person counts it), column and value."""

    def __init__(
        self,
        file: str,
        detail: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        row_word: str = "line",
        rows_affected: int = 0,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        self.detail = detail
        self.rows_affected = rows_affected
        where = file if row is None else f"{file} {row_word} {row}"
        if column is not None:
            where += f", column {column}"
        more = f" [{rows_affected:,} rows have this problem]" if rows_affected > 1 else ""
        super().__init__(f"{where}: {detail}{more}")


@dataclass
class Extract:
    """A validated record-level extract: one frame per table."""

    reports: pl.DataFrame
    youth: pl.DataFrame


@dataclass(frozen=True)
class Source:
    """Where a table came from, and how its rows are numbered for a person reading the file.

    CSV rows are file lines (header = line 1, first data row = line 2); Parquet and
    in-memory rows are data rows counted from 1.
    """

    file: str
    row_word: str
    first_row: int

    def error(
        self,
        detail: str,
        *,
        index: int | None = None,
        column: str | None = None,
        value: str | None = None,
        rows_affected: int = 0,
    ) -> ExtractError:
        """Return the error for a problem at data-row `index` (0-based) of this table."""
        row = None if index is None else index + self.first_row
        return ExtractError(
            self.file,
            detail,
            row=row,
            column=column,
            value=value,
            row_word=self.row_word,
            rows_affected=rows_affected,
        )

    def line_of(self, index: int) -> str:
        """Return how a person names data-row `index` (0-based): "line 4" or "row 3"."""
        return f"{self.row_word} {index + self.first_row}"


def csv_source(table: str) -> Source:
    """Return the source of a table read from CSV (rows are file lines)."""
    return Source(f"{table}.csv", "line", 2)


def frame_source(file: str) -> Source:
    """Return the source of a table read from Parquet or memory (rows counted from 1)."""
    return Source(file, "row", 1)


@dataclass(frozen=True)
class Context:
    """Reference tables a validation needs: county codes and names, opted-in county-years."""

    county_names: dict[str, str]
    opted_in_keys: list[int]

    @classmethod
    def of(cls, counties: pl.DataFrame | None, roster: pl.DataFrame | None) -> Context:
        """Build the context from the counties and roster tables (reference files by default)."""
        counties = load_counties() if counties is None else counties
        roster = load_roster() if roster is None else roster
        opted = roster.filter(pl.col("opted_in")).select(
            county_year_key(pl.col("county_fips"), pl.col("sfy").str.slice(0, 4).cast(pl.Int32))
        )
        return cls(
            dict(zip(counties["county_fips"], counties["county_name"], strict=True)),
            opted.to_series().to_list(),
        )


def county_year_key(county_fips: pl.Expr, sfy_start: pl.Expr) -> pl.Expr:
    """Return an integer key for a county and the first calendar year of an SFY."""
    return county_fips.cast(pl.Int32) * 10_000 + sfy_start.cast(pl.Int32)


def sfy_start_year(dates: pl.Expr) -> pl.Expr:
    """Return the calendar year in which the SFY of each date begins (SFYs start 1 July)."""
    return dates.dt.year() - (dates.dt.month() < 7).cast(pl.Int32)


def first_index(mask: pl.Series) -> int | None:
    """Return the position of the first true value of a boolean series, or None."""
    mask = mask.fill_null(False)
    return int(mask.arg_max()) if mask.any() else None


def text_at(series: pl.Series, index: int) -> str:
    """Return a cell as the text a person sees: empty string for a missing value."""
    value = series[index]
    return "" if value is None else str(value)


def fail_where(
    mask: pl.Series,
    source: Source,
    raw: pl.Series,
    detail: Callable[[str], str],
) -> None:
    """Raise for the first row where `mask` is true, quoting that row's raw value."""
    index = first_index(mask)
    if index is None:
        return
    value = text_at(raw, index)
    raise source.error(
        detail(value),
        index=index,
        column=raw.name,
        value=value,
        rows_affected=int(mask.fill_null(False).sum()),
    )


def is_empty(raw: pl.Series) -> pl.Series:
    """Return true where a cell is missing or blank."""
    if raw.dtype == pl.String:
        return raw.is_null() | raw.str.contains(BLANK)
    return raw.is_null()


def as_text(raw: pl.Series) -> pl.Series:
    """Return the column as strings (Parquet may carry other types)."""
    return raw if raw.dtype == pl.String else raw.cast(pl.String)


def parse_date(raw: pl.Series, source: Source) -> pl.Series:
    """Return a date column, failing on text that is not an ISO date or lies outside the window."""
    if raw.dtype == pl.Date:
        parsed = raw
    else:
        text = as_text(raw)
        parsed = text.str.to_date("%Y-%m-%d", strict=False)
        unparseable = parsed.is_null() | ~text.str.contains(ISO_DATE)
        fail_where(
            unparseable, source, raw, lambda v: f"'{v}' is not a date in the form yyyy-mm-dd"
        )
    outside = (parsed < WINDOW_START) | (parsed > WINDOW_END)
    fail_where(
        outside,
        source,
        raw,
        lambda v: f"'{v}' is outside the extract window {WINDOW_START} to {WINDOW_END}",
    )
    return parsed.alias(raw.name)


def parse_age(raw: pl.Series, source: Source) -> pl.Series:
    """Return an Int16 age column, failing on text that is not a whole number or out of range."""
    if raw.dtype.is_integer():
        parsed = raw.cast(pl.Int64)
    else:
        text = as_text(raw)
        parsed = text.str.to_integer(strict=False)
        not_whole = parsed.is_null() | ~text.str.contains(WHOLE_NUMBER)
        fail_where(not_whole, source, raw, lambda v: f"'{v}' is not a whole number")
    out_of_range = (parsed < MIN_AGE) | (parsed > MAX_AGE)
    fail_where(
        out_of_range, source, raw, lambda v: f"'{v}' is out of range ({MIN_AGE} to {MAX_AGE})"
    )
    return parsed.cast(pl.Int16).alias(raw.name)


def parse_code(raw: pl.Series, column: Column, source: Source) -> pl.Series:
    """Return an Enum column, failing on a value outside the allowed set (empty stays null)."""
    if raw.dtype == pl.Enum(column.allowed):
        return raw
    text = as_text(raw)
    text = pl.select(pl.when(~is_empty(text)).then(text)).to_series().alias(raw.name)
    allowed = ", ".join(column.allowed)
    fail_where(
        ~text.is_in(column.allowed),
        source,
        raw,
        lambda v: f"'{v}' is not an allowed value (allowed: {allowed})",
    )
    return text.cast(pl.Enum(column.allowed))


def parse_county(raw: pl.Series, source: Source, context: Context) -> pl.Series:
    """Return the county column, failing on a code that is not one of the 58 counties."""
    text = as_text(raw)
    fail_where(
        ~text.is_in(list(context.county_names)),
        source,
        raw,
        lambda v: (
            f"'{v}' is not a California county code (5-digit FIPS from counties.csv, e.g. 06001)"
        ),
    )
    return text.alias(raw.name)


def parse_column(raw: pl.Series, column: Column, source: Source, context: Context) -> pl.Series:
    """Return one column typed per the contract, raising on its first bad value."""
    if column.name != CONDITIONAL_COLUMN:
        fail_where(is_empty(raw), source, raw, lambda _: "empty; a value is required")
    if column.kind == "date":
        return parse_date(raw, source)
    if column.kind == "age":
        return parse_age(raw, source)
    if column.kind == "code":
        return parse_code(raw, column, source)
    if column.kind == "county":
        return parse_county(raw, source, context)
    return as_text(raw).alias(raw.name)


def check_columns(frame: pl.DataFrame, columns: tuple[Column, ...], source: Source) -> None:
    """Raise if required columns are missing or columns outside the contract are present."""
    expected = [c.name for c in columns]
    missing = [name for name in expected if name not in frame.columns]
    if missing:
        names = ", ".join(missing)
        raise source.error(f"missing required column(s): {names}", column=missing[0])
    extra = [name for name in frame.columns if name not in expected]
    if extra:
        names = ", ".join(extra)
        raise source.error(
            f"unexpected column(s): {names} (the contract has exactly: {', '.join(expected)})",
            column=extra[0],
        )


def check_disposition(typed: pl.DataFrame, raw: pl.DataFrame, source: Source) -> None:
    """Raise if an evaluated-out report has a disposition or a screened-in report lacks one."""
    screening = typed["screening"]
    disposition = typed["disposition"]
    fail_where(
        (screening == "evaluated_out") & disposition.is_not_null(),
        source,
        raw["disposition"],
        lambda v: f"'{v}' given for an evaluated-out report (must be empty)",
    )
    fail_where(
        (screening == "screened_in") & disposition.is_null(),
        source,
        raw["disposition"],
        lambda _: "empty for a screened-in report (must be one of " + ", ".join(DISPOSITIONS) + ")",
    )


def check_unique(ids: pl.Series, source: Source) -> None:
    """Raise at the second occurrence of a repeated id, naming the row of the first."""
    if ids.n_unique() == ids.len():
        return
    index = first_index(~ids.is_first_distinct())
    if index is None:
        return
    value = ids[index]
    first = first_index(ids == value)
    raise source.error(
        f"'{value}' duplicates {source.line_of(first)} ({ids.name} must be unique)",
        index=index,
        column=ids.name,
        value=value,
        rows_affected=int((~ids.is_first_distinct()).sum()),
    )


def check_opted_in(typed: pl.DataFrame, date_column: str, source: Source, context: Context) -> None:
    """Raise at the first row whose county had not opted in in the SFY of its date."""
    keys = typed.select(
        county_year_key(pl.col("county_fips"), sfy_start_year(pl.col(date_column)))
    ).to_series()
    mask = ~keys.is_in(context.opted_in_keys)
    index = first_index(mask)
    if index is None:
        return
    county = typed["county_fips"][index]
    when = typed[date_column][index]
    sfy = domain.sfy_label(domain.sfy_of_year_start(when.year - (when.month < 7)))
    raise source.error(
        f"county {county} ({context.county_names[county]}) had not opted in in {sfy} "
        f"({date_column} {when})",
        index=index,
        column="county_fips",
        value=county,
        rows_affected=int(mask.sum()),
    )


def validate_table(
    frame: pl.DataFrame, table: str, source: Source, context: Context
) -> pl.DataFrame:
    """Return one table typed per the contract, or raise at its first problem."""
    columns = TABLES[table]
    check_columns(frame, columns, source)
    typed = pl.DataFrame(
        [parse_column(frame[column.name], column, source, context) for column in columns]
    )
    if table == "reports":
        check_disposition(typed, frame, source)
    for column in columns:
        if column.unique:
            check_unique(typed[column.name], source)
    check_opted_in(typed, DATE_COLUMN[table], source, context)
    return typed


def validate(
    extract: Extract,
    counties: pl.DataFrame | None = None,
    roster: pl.DataFrame | None = None,
) -> Extract:
    """Return the extract with typed columns, or raise ExtractError at its first problem."""
    context = Context.of(counties, roster)
    return Extract(
        reports=validate_table(extract.reports, "reports", frame_source("reports"), context),
        youth=validate_table(extract.youth, "youth", frame_source("youth"), context),
    )


def table_path(directory: Path, table: str) -> Path:
    """Return the one file holding a table (CSV or Parquet), or raise if none or both exist."""
    present = [
        directory / f"{table}.{fmt}" for fmt in FORMATS if (directory / f"{table}.{fmt}").is_file()
    ]
    if not present:
        raise ExtractError(
            f"{table}.csv",
            f"not found in {directory} (the extract needs {table}.csv or {table}.parquet)",
        )
    if len(present) > 1:
        raise ExtractError(
            present[0].name,
            f"both {table}.csv and {table}.parquet are in {directory}; keep only one",
        )
    return present[0]


def read_table(path: Path, table: str) -> tuple[pl.DataFrame, Source]:
    """Return a table file's raw frame (CSV: every column as text) and how to name its rows."""
    if path.suffix == ".csv":
        source = csv_source(table)
        try:
            return pl.read_csv(path, infer_schema=False), source
        except pl.exceptions.PolarsError as exc:
            raise source.error(f"could not be read as CSV: {exc}") from exc
    source = frame_source(path.name)
    try:
        return pl.read_parquet(path), source
    except pl.exceptions.PolarsError as exc:
        raise source.error(f"could not be read as Parquet: {exc}") from exc


def read_extract(
    directory: Path | str,
    counties: pl.DataFrame | None = None,
    roster: pl.DataFrame | None = None,
) -> Extract:
    """Read an extract directory (CSV or Parquet tables) and return it validated and typed."""
    directory = Path(directory)
    paths = {table: table_path(directory, table) for table in TABLES}
    context = Context.of(counties, roster)
    typed = {}
    for table, path in paths.items():
        frame, source = read_table(path, table)
        typed[table] = validate_table(frame, table, source, context)
    return Extract(**typed)
