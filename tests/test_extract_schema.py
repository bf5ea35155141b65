"""The extract contract: every kind of validation error is located by file, row, column, value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from dashboard.extract.schema import (
    REPORTS_SCHEMA,
    YOUTH_SCHEMA,
    Extract,
    ExtractError,
    read_extract,
    validate,
)

FIXTURE = Path(__file__).parent / "fixtures" / "extract_small"
TABLES = ("reports", "youth")

Tables = dict[str, pl.DataFrame]


def raw_fixture() -> Tables:
    """Return the fixture's tables with every column as text, as a CSV reader sees them."""
    return {t: pl.read_csv(FIXTURE / f"{t}.csv", infer_schema=False) for t in TABLES}


def write_csv(directory: Path, tables: Tables) -> Path:
    """Write tables as an extract of CSV files and return its directory."""
    for table, frame in tables.items():
        frame.write_csv(directory / f"{table}.csv")
    return directory


def set_cell(frame: pl.DataFrame, index: int, column: str, value: str | None) -> pl.DataFrame:
    """Return the frame with one cell (0-based data row `index`) replaced."""
    row = pl.int_range(pl.len()) == index
    return frame.with_columns(
        pl.when(row).then(pl.lit(value, dtype=pl.String)).otherwise(pl.col(column)).alias(column)
    )


def edit(table: str, index: int, column: str, value: str | None) -> Callable[[Tables], Tables]:
    """Return a mutation replacing one cell of one table."""
    return lambda tables: {**tables, table: set_cell(tables[table], index, column, value)}


def drop_table(table: str) -> Callable[[Tables], Tables]:
    """Return a mutation removing a whole table file."""
    return lambda tables: {t: f for t, f in tables.items() if t != table}


@dataclass(frozen=True)
class Case:
    """A bad extract and where its first error must be reported."""

    mutate: Callable[[Tables], Tables]
    file: str
    row: int | None
    column: str | None
    value: str | None
    detail: str


CASES = {
    "missing_table": Case(drop_table("youth"), "youth.csv", None, None, None, "not found in"),
    "missing_column": Case(
        lambda t: {**t, "reports": t["reports"].drop("sex")},
        "reports.csv",
        None,
        "sex",
        None,
        "missing required column(s): sex",
    ),
    "extra_column": Case(
        lambda t: {**t, "youth": t["youth"].with_columns(notes=pl.lit("x"))},
        "youth.csv",
        None,
        "notes",
        None,
        "unexpected column(s): notes",
    ),
    "unparseable_date": Case(
        edit("reports", 4, "received_date", "2015-13-01"),
        "reports.csv",
        6,
        "received_date",
        "2015-13-01",
        "'2015-13-01' is not a date in the form yyyy-mm-dd",
    ),
    "non_iso_date": Case(
        edit("youth", 3, "identified_date", "9/30/2016"),
        "youth.csv",
        5,
        "identified_date",
        "9/30/2016",
        "is not a date in the form yyyy-mm-dd",
    ),
    "unparseable_integer": Case(
        edit("youth", 2, "age", "fifteen"),
        "youth.csv",
        4,
        "age",
        "fifteen",
        "'fifteen' is not a whole number",
    ),
    "empty_required": Case(
        edit("reports", 7, "sex", None),
        "reports.csv",
        9,
        "sex",
        "",
        "empty; a value is required",
    ),
    "value_not_allowed": Case(
        edit("youth", 5, "race_ethnicity", "hispanic"),
        "youth.csv",
        7,
        "race_ethnicity",
        "hispanic",
        "'hispanic' is not an allowed value (allowed: black, latinx,",
    ),
    "unknown_county": Case(
        edit("reports", 10, "county_fips", "6001"),
        "reports.csv",
        12,
        "county_fips",
        "6001",
        "'6001' is not a California county code",
    ),
    "date_outside_window": Case(
        edit("youth", 0, "identified_date", "2015-06-30"),
        "youth.csv",
        2,
        "identified_date",
        "2015-06-30",
        "'2015-06-30' is outside the extract window 2015-07-01 to 2022-06-30",
    ),
    "disposition_on_evaluated_out": Case(
        edit("reports", 2, "disposition", "substantiated"),
        "reports.csv",
        4,
        "disposition",
        "substantiated",
        "'substantiated' given for an evaluated-out report (must be empty)",
    ),
    "missing_disposition": Case(
        edit("reports", 0, "disposition", None),
        "reports.csv",
        2,
        "disposition",
        "",
        "empty for a screened-in report (must be one of substantiated,",
    ),
    "duplicate_report_id": Case(
        edit("reports", 9, "report_id", "R003"),
        "reports.csv",
        11,
        "report_id",
        "R003",
        "'R003' duplicates line 4 (report_id must be unique)",
    ),
    "duplicate_youth_child_id": Case(
        edit("youth", 14, "child_id", "Y002"),
        "youth.csv",
        16,
        "child_id",
        "Y002",
        "'Y002' duplicates line 3 (child_id must be unique)",
    ),
    "age_too_high": Case(
        edit("reports", 12, "age_at_report", "21"),
        "reports.csv",
        14,
        "age_at_report",
        "21",
        "'21' is out of range (0 to 20)",
    ),
    "age_negative": Case(
        edit("youth", 8, "age", "-1"),
        "youth.csv",
        10,
        "age",
        "-1",
        "'-1' is out of range (0 to 20)",
    ),
    "county_never_opted_in": Case(
        edit("reports", 3, "county_fips", "06003"),
        "reports.csv",
        5,
        "county_fips",
        "06003",
        "county 06003 (Alpine) had not opted in in SFY 2015-16 (received_date 2015-09-09)",
    ),
    "county_not_yet_opted_in": Case(
        edit("youth", 12, "identified_date", "2016-05-01"),
        "youth.csv",
        14,
        "county_fips",
        "06057",
        "county 06057 (Nevada) had not opted in in SFY 2015-16 (identified_date 2016-05-01)",
    ),
}


def test_fixture_is_valid():
    """The hand-written fixture passes validation and has the contract's dtypes."""
    extract = read_extract(FIXTURE)
    assert extract.reports.schema == pl.Schema(REPORTS_SCHEMA)
    assert extract.youth.schema == pl.Schema(YOUTH_SCHEMA)
    assert (extract.reports.height, extract.youth.height) == (30, 15)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_error_is_located(tmp_path: Path, case: Case):
    """Each kind of bad extract raises at the right file, line, column and value."""
    write_csv(tmp_path, case.mutate(raw_fixture()))
    with pytest.raises(ExtractError) as caught:
        read_extract(tmp_path)
    error = caught.value
    assert (error.file, error.row, error.column, error.value) == (
        case.file,
        case.row,
        case.column,
        case.value,
    )
    assert case.detail in str(error)


def test_message_reads_as_documented(tmp_path: Path):
    """The message names file, line (header = line 1), column and the problem."""
    write_csv(tmp_path, CASES["disposition_on_evaluated_out"].mutate(raw_fixture()))
    with pytest.raises(ExtractError) as caught:
        read_extract(tmp_path)
    assert str(caught.value) == (
        "reports.csv line 4, column disposition: "
        "'substantiated' given for an evaluated-out report (must be empty)"
    )


def test_message_counts_every_offending_row(tmp_path: Path):
    """When several rows share a problem, the first is located, all are counted and listed."""
    tables = raw_fixture()
    tables["youth"] = tables["youth"].with_columns(sex=pl.lit("F"))
    write_csv(tmp_path, tables)
    with pytest.raises(ExtractError) as caught:
        read_extract(tmp_path)
    assert (caught.value.row, caught.value.rows_affected) == (2, 15)
    message = str(caught.value)
    assert "youth.csv, column sex: is not an allowed value" in message and "[15 rows]" in message
    for line in range(2, 17):
        assert f"youth.csv line {line}, column sex: 'F' is not an allowed value" in message


def test_every_broken_rule_is_reported_in_one_run(tmp_path: Path):
    """Problems in both tables and several columns come back together, grouped by rule."""
    tables = raw_fixture()
    for case in ("unparseable_date", "age_too_high", "duplicate_report_id", "value_not_allowed"):
        tables = CASES[case].mutate(tables)
    tables["youth"] = tables["youth"].drop("sex")
    write_csv(tmp_path, tables)
    with pytest.raises(ExtractError) as caught:
        read_extract(tmp_path)
    message = str(caught.value)
    assert len(caught.value.problems) == 4  # youth stops at its columns: sex is missing
    for expected in (
        "reports.csv line 6, column received_date: '2015-13-01' is not a date",
        "reports.csv line 14, column age_at_report: '21' is out of range (0 to 20)",
        "reports.csv line 11, column report_id: 'R003' duplicates line 4",
        "youth.csv, column sex: missing required column(s): sex",
    ):
        assert expected in message
    assert message.startswith("the extract breaks 4 rule(s)")


def test_messages_are_capped_and_every_rule_keeps_an_example(tmp_path: Path):
    """A thousand bad rows give at most 50 example lines, each rule with its count."""
    reports = pl.concat([raw_fixture()["reports"]] * 40).with_columns(
        report_id=pl.format("R{}", pl.int_range(pl.len())),
        age_at_report=pl.lit("old"),
        sex=pl.lit("x"),
    )
    tables = {**raw_fixture(), "reports": reports}
    tables["youth"] = set_cell(tables["youth"], 0, "age", "99")
    write_csv(tmp_path, tables)
    with pytest.raises(ExtractError) as caught:
        read_extract(tmp_path)
    message = str(caught.value)
    examples = [
        line for line in message.splitlines() if line.startswith("   ") and "..." not in line
    ]
    assert len(examples) == 50
    assert "reports.csv, column age_at_report: is not a whole number [1,200 rows]" in message
    assert "reports.csv, column sex: is not an allowed value" in message
    assert "youth.csv line 2, column age: '99' is out of range" in message
    assert "... and 1,175 more row(s)" in message


def test_non_utf8_byte_names_its_line_and_offset(tmp_path: Path):
    """A Latin-1 byte in a CSV is located by line and byte offset, not a decoder trace."""
    write_csv(tmp_path, raw_fixture())
    path = tmp_path / "reports.csv"
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b",", b"\xe9,", 1)
    path.write_bytes(b"\n".join(lines))
    offset = len(b"\n".join(lines[:4])) + 1 + lines[4].index(b"\xe9")
    with pytest.raises(ExtractError) as caught:
        read_extract(tmp_path)
    assert (caught.value.file, caught.value.row) == ("reports.csv", 5)
    message = str(caught.value)
    assert message.startswith("reports.csv line 5: byte 0xe9 at byte")
    assert f"(byte offset {offset} of the file) is not UTF-8" in message


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_empty_table_is_refused(tmp_path: Path, fmt: str):
    """A table with a header and no rows (an export that lost its rows) is refused."""
    tables = raw_fixture()
    tables["reports"] = tables["reports"].clear()
    for table, frame in tables.items():
        getattr(frame, f"write_{fmt}")(tmp_path / f"{table}.{fmt}")
    with pytest.raises(ExtractError, match="has no rows") as caught:
        read_extract(tmp_path)
    assert caught.value.file == f"reports.{fmt}"
    assert "must not publish zeros" in str(caught.value)


def test_empty_county_year_universe_is_refused():
    """A roster with no county in the program leaves nothing to count: refused."""
    from dashboard.reference import load_roster

    roster = load_roster().with_columns(opted_in=pl.lit(False))
    with pytest.raises(ExtractError, match="county-year universe is empty"):
        read_extract(FIXTURE, roster=roster)


def test_both_formats_of_one_table_is_an_error(tmp_path: Path):
    """A table given as both CSV and Parquet is ambiguous."""
    tables = raw_fixture()
    write_csv(tmp_path, tables)
    tables["youth"].write_parquet(tmp_path / "youth.parquet")
    with pytest.raises(ExtractError, match="keep only one"):
        read_extract(tmp_path)


def test_csv_and_parquet_validate_to_equal_frames(tmp_path: Path):
    """The same data as CSV, text Parquet or typed Parquet validates to identical frames."""
    from_csv = read_extract(FIXTURE)
    for name, tables in {
        "text": raw_fixture(),
        "typed": {"reports": from_csv.reports, "youth": from_csv.youth},
    }.items():
        directory = tmp_path / name
        directory.mkdir()
        for table, frame in tables.items():
            frame.write_parquet(directory / f"{table}.parquet")
        from_parquet = read_extract(directory)
        assert from_parquet.reports.equals(from_csv.reports)
        assert from_parquet.youth.equals(from_csv.youth)


def test_parquet_rows_are_counted_from_one(tmp_path: Path):
    """Parquet has no header line: the message says "row" and counts data rows from 1."""
    tables = CASES["disposition_on_evaluated_out"].mutate(raw_fixture())
    for table, frame in tables.items():
        frame.write_parquet(tmp_path / f"{table}.parquet")
    with pytest.raises(ExtractError) as caught:
        read_extract(tmp_path)
    assert (caught.value.file, caught.value.row) == ("reports.parquet", 3)
    assert str(caught.value).startswith("reports.parquet row 3, column disposition:")


def test_validate_in_memory_frames():
    """validate() types in-memory frames and locates errors by table name and row."""
    tables = raw_fixture()
    typed = validate(Extract(**tables))
    assert typed.reports.equals(read_extract(FIXTURE).reports)
    bad = Extract(**edit("youth", 2, "age", "99")(tables))
    with pytest.raises(ExtractError) as caught:
        validate(bad)
    assert (caught.value.file, caught.value.row, caught.value.column) == ("youth", 3, "age")
