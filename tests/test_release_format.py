"""The release format is declared once: its docs are generated from it and every file follows it."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from dashboard import release_format as fmt
from dashboard.build.release_docs import file_rows, schema_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs" / "release-schema.md"


def test_docs_are_generated_from_the_format():
    assert DOCS.read_text() == schema_markdown(), (
        "run: python -m dashboard.build.release_docs > docs/release-schema.md"
    )


def test_every_table_and_column_is_documented():
    docs = DOCS.read_text()
    for table in fmt.TABLES:
        assert f"## `{table.name}` (" in docs
        for column in table.columns:
            assert f"| `{column.name}` | {column.dtype} | {column.role}" in docs


def test_file_names_are_unique_and_the_manifest_is_not_listed():
    assert len(set(fmt.FILES)) == len(fmt.FILES)
    assert fmt.MANIFEST not in fmt.FILES
    assert set(fmt.ID_FILES) < set(fmt.FILES)


def test_value_columns_name_a_status_column_of_their_table():
    for table in fmt.TABLES:
        names = {c.name: c for c in table.columns}
        for column in table.columns:
            if column.role in ("count", "derived") and column.status is not None:
                assert names[column.status].role == "status", (table.name, column.name)
            assert set(table.key) <= set(names), table.name


def test_dictionary_describes_every_declared_column():
    dictionary = fmt.dictionary()
    expected = [(t.name, c.name) for t in fmt.TABLES for c in t.columns]
    assert list(zip(dictionary["table"], dictionary["column"], strict=True)) == expected
    assert dictionary["description"].str.len_chars().min() > 5
    assert dictionary.schema == pl.Schema(fmt.TABLE_BY_NAME["data_dictionary"].schema)


def test_readme_lists_every_file_of_the_format():
    rows = file_rows()
    for name in fmt.FILES:
        assert f"`{name}`" in rows
