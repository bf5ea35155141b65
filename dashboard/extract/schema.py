"""The record-level extract contract (tables `reports` and `youth`) and its validation.

An extract is a directory holding `reports.csv` or `reports.parquet` and `youth.csv` or
`youth.parquet`. `read_extract` reads and validates one; `validate` checks frames already in
memory. Both return typed frames (see `REPORTS_SCHEMA`, `YOUTH_SCHEMA`) or raise one
`ExtractError` listing every broken rule of the whole extract, each with the number of rows
that break it and examples naming the file, the row, the column and the offending value (at
most `MAX_MESSAGES` examples in all). Every check is a vectorised polars expression over the
whole column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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
MAX_MESSAGES = 50
EXPORT_HINT = "an export that lost its rows must not publish zeros"

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


@dataclass(frozen=True)
class Source:
    """Where a table came from, and how its rows are numbered for a person reading the file.

    CSV rows are file lines (header = line 1, first data row = line 2); Parquet and
    in-memory rows are data rows counted from 1.
    """

    file: str
    row_word: str
    first_row: int

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
class Example:
    """One offending row of a rule: its 0-based data-row index, raw value and message."""

    index: int | None
    value: str | None
    detail: str


@dataclass(frozen=True)
class Problem:
    """One broken rule in one column of one table: how many rows break it, and examples."""

    source: Source
    column: str | None
    rule: str
    rows_affected: int
    examples: tuple[Example, ...]

    def where(self, example: Example) -> str:
        """Return "<file> line <n>, column <c>" for an example (parts that apply)."""
        text = self.source.file
        if example.index is not None:
            text += f" {self.source.line_of(example.index)}"
        return text + (f", column {self.column}" if self.column is not None else "")

    def line(self, example: Example) -> str:
        """Return the message of one example."""
        return f"{self.where(example)}: {example.detail}"

    def heading(self) -> str:
        """Return the rule with its file, column and count of offending rows."""
        column = f", column {self.column}" if self.column is not None else ""
        plural = "row" if self.rows_affected == 1 else "rows"
        rows = f" [{self.rows_affected:,} {plural}]" if self.rows_affected else ""
        return f"{self.source.file}{column}: {self.rule}{rows}"


def shown_examples(problems: list[Problem], cap: int = MAX_MESSAGES) -> list[int]:
    """Return how many examples of each problem to show: every rule first, at most `cap` in all."""
    shown = [0] * len(problems)
    left = cap
    while left:
        progressed = False
        for i, problem in enumerate(problems):
            if left and shown[i] < len(problem.examples):
                shown[i] += 1
                left -= 1
                progressed = True
        if not progressed:
            break
    return shown


def report(problems: list[Problem]) -> str:
    """Return the message of a failed validation: one line, or every rule with its examples."""
    first = problems[0]
    if len(problems) == 1 and first.rows_affected <= 1:
        return first.line(first.examples[0])
    counts = shown_examples(problems)
    total = sum(p.rows_affected for p in problems)
    lines = [
        f"the extract breaks {len(problems)} rule(s) in {total:,} row(s); showing "
        f"{sum(counts)} message(s) (at most {MAX_MESSAGES}). Fix them all, then run again:"
    ]
    for number, (problem, count) in enumerate(zip(problems, counts, strict=True), start=1):
        lines.append(f"{number}. {problem.heading()}")
        lines += [f"   {problem.line(example)}" for example in problem.examples[:count]]
        if count < problem.rows_affected and problem.rows_affected > 1:
            lines.append(f"   ... and {problem.rows_affected - count:,} more row(s)")
    return "\n".join(lines)


class ExtractError(ValueError):
    """A bad extract: every broken rule (`problems`); `file`, `row`, `column`, `value`, `detail`
    and `rows_affected` locate the first one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        example = first.examples[0]
        self.file = first.source.file
        self.row = None if example.index is None else example.index + first.source.first_row
        self.column = first.column
        self.value = example.value
        self.detail = example.detail
        self.rows_affected = first.rows_affected
        super().__init__(report(problems))


@dataclass
class Problems:
    """The broken rules found so far in one validation run."""

    found: list[Problem] = field(default_factory=list)

    def whole(self, source: Source, detail: str, column: str | None = None) -> None:
        """Record a problem of a whole file or column (no row to point at)."""
        self.found.append(Problem(source, column, detail, 0, (Example(None, None, detail),)))

    def rows(
        self,
        mask: pl.Series,
        source: Source,
        raw: pl.Series,
        rule: str,
        detail: Callable[[int, str], str] | None = None,
        column: str | None = None,
    ) -> None:
        """Record the rows where `mask` is true, quoting the raw value of the first few."""
        mask = mask.fill_null(False)
        count = int(mask.sum())
        if not count:
            return
        detail = detail or (lambda _, value: f"'{value}' {rule}")
        examples = tuple(
            Example(index, text_at(raw, index), detail(index, text_at(raw, index)))
            for index in mask.arg_true().head(MAX_MESSAGES).to_list()
        )
        self.found.append(Problem(source, column or raw.name, rule, count, examples))

    def raise_any(self) -> None:
        """Raise one ExtractError listing every problem found, if there is any."""
        if self.found:
            raise ExtractError(self.found)


@dataclass
class Extract:
    """A validated record-level extract: one frame per table."""

    reports: pl.DataFrame
    youth: pl.DataFrame


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


def text_at(series: pl.Series, index: int) -> str:
    """Return a cell as the text a person sees: empty string for a missing value."""
    value = series[index]
    return "" if value is None else str(value)


def is_empty(raw: pl.Series) -> pl.Series:
    """Return true where a cell is missing or blank."""
    if raw.dtype == pl.String:
        return raw.is_null() | raw.str.contains(BLANK)
    return raw.is_null()


def as_text(raw: pl.Series) -> pl.Series:
    """Return the column as strings (Parquet may carry other types)."""
    return raw if raw.dtype == pl.String else raw.cast(pl.String)


def keep(series: pl.Series, bad: pl.Series) -> pl.Series:
    """Return the series with the values of bad rows set to null (checked no further)."""
    return series.set(bad.fill_null(False), None) if bad.any() else series


def parse_date(raw: pl.Series, source: Source, problems: Problems) -> pl.Series:
    """Return a date column; bad dates (not ISO, outside the window) are recorded and nulled."""
    if raw.dtype == pl.Date:
        parsed = raw
    else:
        text = as_text(raw)
        parsed = text.str.to_date("%Y-%m-%d", strict=False)
        unparseable = ~is_empty(raw) & (parsed.is_null() | ~text.str.contains(ISO_DATE))
        problems.rows(unparseable, source, raw, "is not a date in the form yyyy-mm-dd")
        parsed = keep(parsed, unparseable)
    outside = (parsed < WINDOW_START) | (parsed > WINDOW_END)
    problems.rows(
        outside, source, raw, f"is outside the extract window {WINDOW_START} to {WINDOW_END}"
    )
    return keep(parsed, outside).alias(raw.name)


def parse_age(raw: pl.Series, source: Source, problems: Problems) -> pl.Series:
    """Return an Int16 age column; bad ages (not whole, out of range) are recorded and nulled."""
    if raw.dtype.is_integer():
        parsed = raw.cast(pl.Int64)
    else:
        text = as_text(raw)
        parsed = text.str.to_integer(strict=False)
        not_whole = ~is_empty(raw) & (parsed.is_null() | ~text.str.contains(WHOLE_NUMBER))
        problems.rows(not_whole, source, raw, "is not a whole number")
        parsed = keep(parsed, not_whole)
    out_of_range = (parsed < MIN_AGE) | (parsed > MAX_AGE)
    problems.rows(out_of_range, source, raw, f"is out of range ({MIN_AGE} to {MAX_AGE})")
    return keep(parsed, out_of_range).cast(pl.Int16).alias(raw.name)


def parse_code(raw: pl.Series, column: Column, source: Source, problems: Problems) -> pl.Series:
    """Return an Enum column; values outside the allowed set are recorded and nulled."""
    if raw.dtype == pl.Enum(column.allowed):
        return raw
    text = as_text(raw)
    text = pl.select(pl.when(~is_empty(text)).then(text)).to_series().alias(raw.name)
    allowed = ", ".join(column.allowed)
    bad = text.is_not_null() & ~text.is_in(column.allowed)
    problems.rows(bad, source, raw, f"is not an allowed value (allowed: {allowed})")
    return keep(text, bad).cast(pl.Enum(column.allowed))


def parse_county(raw: pl.Series, source: Source, context: Context, problems: Problems) -> pl.Series:
    """Return the county column; codes that are not one of the 58 counties are recorded and nulled."""
    text = as_text(raw)
    bad = ~is_empty(raw) & ~text.is_in(list(context.county_names))
    problems.rows(
        bad,
        source,
        raw,
        "is not a California county code (5-digit FIPS from counties.csv, e.g. 06001)",
    )
    return keep(text, bad).alias(raw.name)


def parse_column(
    raw: pl.Series, column: Column, source: Source, context: Context, problems: Problems
) -> pl.Series:
    """Return one column typed per the contract, recording every bad value."""
    if column.name != CONDITIONAL_COLUMN:
        problems.rows(
            is_empty(raw),
            source,
            raw,
            "empty; a value is required",
            lambda *_: "empty; a value is required",
        )
    if column.kind == "date":
        return parse_date(raw, source, problems)
    if column.kind == "age":
        return parse_age(raw, source, problems)
    if column.kind == "code":
        return parse_code(raw, column, source, problems)
    if column.kind == "county":
        return parse_county(raw, source, context, problems)
    return as_text(raw).alias(raw.name)


def check_columns(
    frame: pl.DataFrame, columns: tuple[Column, ...], source: Source, problems: Problems
) -> bool:
    """Record missing or unexpected columns; return whether the column set is the contract's."""
    expected = [c.name for c in columns]
    missing = [name for name in expected if name not in frame.columns]
    if missing:
        problems.whole(source, f"missing required column(s): {', '.join(missing)}", missing[0])
    extra = [name for name in frame.columns if name not in expected]
    if extra:
        problems.whole(
            source,
            f"unexpected column(s): {', '.join(extra)} (the contract has exactly: "
            f"{', '.join(expected)})",
            extra[0],
        )
    return not missing and not extra


def check_disposition(
    typed: pl.DataFrame, raw: pl.DataFrame, source: Source, problems: Problems
) -> None:
    """Record evaluated-out reports with a disposition and screened-in reports without one."""
    screening = typed["screening"]
    given = ~is_empty(raw["disposition"])
    problems.rows(
        (screening == "evaluated_out") & given,
        source,
        raw["disposition"],
        "given for an evaluated-out report (must be empty)",
    )
    rule = "empty for a screened-in report (must be one of " + ", ".join(DISPOSITIONS) + ")"
    problems.rows(
        (screening == "screened_in") & ~given,
        source,
        raw["disposition"],
        rule,
        lambda *_: rule,
    )


def check_unique(ids: pl.Series, source: Source, problems: Problems) -> None:
    """Record every repeat of an id, naming the row of its first occurrence."""
    if ids.n_unique() == ids.len():
        return
    problems.rows(
        ~ids.is_first_distinct() & ids.is_not_null(),
        source,
        ids,
        f"duplicates an earlier row ({ids.name} must be unique)",
        lambda _, value: (
            f"'{value}' duplicates {source.line_of(int((ids == value).arg_max()))} "
            f"({ids.name} must be unique)"
        ),
    )


def check_opted_in(
    typed: pl.DataFrame, date_column: str, source: Source, context: Context, problems: Problems
) -> None:
    """Record every row whose county had not opted in in the SFY of its date."""
    keys = typed.select(
        county_year_key(pl.col("county_fips"), sfy_start_year(pl.col(date_column)))
    ).to_series()
    counties, dates = typed["county_fips"], typed[date_column]

    def detail(index: int, county: str) -> str:
        when = dates[index]
        sfy = domain.sfy_label(domain.sfy_of_year_start(when.year - (when.month < 7)))
        return (
            f"county {county} ({context.county_names[county]}) had not opted in in {sfy} "
            f"({date_column} {when})"
        )

    problems.rows(
        ~keys.is_in(context.opted_in_keys),
        source,
        counties,
        "county had not opted in in the SFY of the record's date",
        detail,
    )


def validate_table(
    frame: pl.DataFrame, table: str, source: Source, context: Context, problems: Problems
) -> pl.DataFrame | None:
    """Return one table typed per the contract (None if its columns are wrong), recording problems."""
    columns = TABLES[table]
    if not check_columns(frame, columns, source, problems):
        return None
    if frame.height == 0:
        problems.whole(source, f"has no rows (only a header): {EXPORT_HINT}")
        return None
    typed = pl.DataFrame(
        [parse_column(frame[column.name], column, source, context, problems) for column in columns]
    )
    if table == "reports":
        check_disposition(typed, frame, source, problems)
    for column in columns:
        if column.unique:
            check_unique(typed[column.name], source, problems)
    check_opted_in(typed, DATE_COLUMN[table], source, context, problems)
    return typed


def check_universe(context: Context, problems: Problems) -> None:
    """Record an opt-in roster with no county-year in the program (nothing could be counted)."""
    if not context.opted_in_keys:
        problems.whole(
            frame_source("opt_in_roster.csv"),
            f"no county is opted in in any SFY: the county-year universe is empty ({EXPORT_HINT})",
        )


def validate(
    extract: Extract,
    counties: pl.DataFrame | None = None,
    roster: pl.DataFrame | None = None,
) -> Extract:
    """Return the extract with typed columns, or raise ExtractError listing every problem."""
    context = Context.of(counties, roster)
    problems = Problems()
    check_universe(context, problems)
    typed = {
        table: validate_table(
            getattr(extract, table), table, frame_source(table), context, problems
        )
        for table in TABLES
    }
    problems.raise_any()
    return Extract(**typed)


def table_path(directory: Path, table: str, problems: Problems) -> Path | None:
    """Return the one file holding a table (CSV or Parquet); record a problem if none or both."""
    present = [
        directory / f"{table}.{fmt}" for fmt in FORMATS if (directory / f"{table}.{fmt}").is_file()
    ]
    if not present:
        problems.whole(
            csv_source(table),
            f"not found in {directory} (the extract needs {table}.csv or {table}.parquet)",
        )
        return None
    if len(present) > 1:
        problems.whole(
            csv_source(table),
            f"both {table}.csv and {table}.parquet are in {directory}; keep only one",
        )
        return None
    return present[0]


def first_non_utf8(path: Path) -> tuple[int, int, int, bytes]:
    """Return (line, byte offset in the line, byte offset in the file, byte) of the first
    byte that is not UTF-8, or raise ValueError if the file is valid UTF-8."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        start = error.start
        line_start = data.rfind(b"\n", 0, start) + 1
        return data.count(b"\n", 0, start) + 1, start - line_start, start, data[start : start + 1]
    raise ValueError(f"{path} is valid UTF-8")


def read_csv(path: Path, table: str, problems: Problems) -> tuple[pl.DataFrame | None, Source]:
    """Return a CSV table with every column as text (None if unreadable, with the problem)."""
    source = csv_source(table)
    try:
        return pl.read_csv(path, infer_schema=False), source
    except pl.exceptions.PolarsError as exc:
        if "utf-8" not in str(exc).lower():
            problems.whole(source, f"could not be read as CSV: {exc}")
            return None, source
    line, in_line, offset, byte = first_non_utf8(path)
    problems.found.append(
        Problem(
            source,
            None,
            "is not UTF-8 text (save it as UTF-8)",
            1,
            (
                Example(
                    line - source.first_row,
                    byte.hex(),
                    f"byte 0x{byte.hex()} at byte {in_line} of the line (byte offset {offset} "
                    "of the file) is not UTF-8; save the file as UTF-8",
                ),
            ),
        )
    )
    return None, source


def read_table(path: Path, table: str, problems: Problems) -> tuple[pl.DataFrame | None, Source]:
    """Return a table file's raw frame (CSV: every column as text) and how to name its rows."""
    if path.suffix == ".csv":
        return read_csv(path, table, problems)
    source = frame_source(path.name)
    try:
        return pl.read_parquet(path), source
    except pl.exceptions.PolarsError as exc:
        problems.whole(source, f"could not be read as Parquet: {exc}")
        return None, source


def read_extract(
    directory: Path | str,
    counties: pl.DataFrame | None = None,
    roster: pl.DataFrame | None = None,
) -> Extract:
    """Read an extract directory (CSV or Parquet tables) and return it validated and typed."""
    directory = Path(directory)
    context = Context.of(counties, roster)
    problems = Problems()
    check_universe(context, problems)
    typed = {}
    for table in TABLES:
        path = table_path(directory, table, problems)
        frame, source = read_table(path, table, problems) if path else (None, None)
        if frame is not None:
            typed[table] = validate_table(frame, table, source, context, problems)
    problems.raise_any()
    return Extract(**typed)
