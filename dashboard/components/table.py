"""Table alternatives of charts: real <table> markup with headers, reachable by screen readers.

A table of text and links is one Dash component (TextTable, drawn by assets/text_table.js),
not a Dash component per cell: Dash wraps and re-checks every component it renders, and tables
of Dash cells cost most of a page's start-up. A table with other components in its cells (a
download link, a checksum in code type) is built from Dash's html components, as is a
TextTable's markup for the page's first paint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from dash import dcc, html
from dash.development.base_component import Component

from dashboard.components.site_component import SiteComponent
from dashboard.dash_wire import TEXT_TABLE

Cell = str | dict | Component  # text, {"text": ..., "href": ...} (a link in the site), markup
Columns = Sequence[tuple[str, bool]]  # (label, numeric)


class TextTable(SiteComponent):
    """A table whose cells are text or links in the site, drawn by assets/text_table.js."""

    _type = TEXT_TABLE
    _prop_names: ClassVar[list[str]] = ["caption", "columns", "rows"]
    available_properties: ClassVar[list[str]] = _prop_names

    def __init__(self, caption: str, columns: Columns, rows: Sequence[Sequence[str | dict]]):
        for cell in (c for row in rows for c in row if isinstance(c, dict)):
            if not cell["href"].startswith("/") or cell["href"].startswith("//"):
                raise ValueError(f"table {caption!r}: {cell['href']!r} is not a link in the site")
        super().__init__(
            caption=caption,
            columns=[{"label": label, "numeric": numeric} for label, numeric in columns],
            rows=[list(row) for row in rows],
        )

    def markup(self) -> html.Div:
        """Return the table as Dash's html components: the markup assets/text_table.js draws."""
        columns = [(c["label"], c["numeric"]) for c in self.columns]
        return table_markup(self.caption, columns, self.rows)


def _content(cell: Cell):
    """Return the content of a cell (text, an internal link, or markup)."""
    if isinstance(cell, dict):
        return dcc.Link(cell["text"], href=cell["href"])
    return cell


def table_markup(caption: str, columns: Columns, rows: Sequence[Sequence[Cell]]) -> html.Div:
    """Return a scrollable table as html components; the first column heads each row."""
    head = html.Thead(
        html.Tr(
            [
                html.Th(label, scope="col", className="num" if num else None)
                for label, num in columns
            ]
        )
    )
    body = []
    for row in rows:
        cells = []
        for i, (cell, (_, numeric)) in enumerate(zip(row, columns, strict=True)):
            if i == 0:
                cells.append(html.Th(_content(cell), scope="row"))
            else:
                cells.append(html.Td(_content(cell), className="num" if numeric else None))
        body.append(html.Tr(cells))
    return html.Div(
        className="table-scroll",
        tabIndex="0",
        role="region",
        **{"aria-label": caption},
        children=html.Table(
            className="data-table", children=[html.Caption(caption), head, html.Tbody(body)]
        ),
    )


def data_table(
    caption: str, columns: Columns, rows: Sequence[Sequence[Cell]]
) -> TextTable | html.Div:
    """Return a scrollable table; the first column heads each row; numeric columns align right."""
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(
                f"table {caption!r}: a row of {len(row)} cells, {len(columns)} columns"
            )
    if all(isinstance(cell, str | dict) for row in rows for cell in row):
        return TextTable(caption, columns, rows)
    return table_markup(caption, columns, rows)
