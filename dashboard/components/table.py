"""Table alternatives of charts: real <table> markup with headers, reachable by screen readers."""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html

Cell = str | dict  # text, or {"text": ..., "href": ...} for a link


def _cell(cell: Cell):
    """Return the content of a cell (text or an internal link)."""
    if isinstance(cell, dict):
        return dcc.Link(cell["text"], href=cell["href"])
    return cell


def data_table(
    caption: str, columns: Sequence[tuple[str, bool]], rows: Sequence[Sequence[Cell]]
) -> html.Div:
    """Return a scrollable table; the first column heads each row; numeric columns align right."""
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
                cells.append(html.Th(_cell(cell), scope="row"))
            else:
                cells.append(html.Td(_cell(cell), className="num" if numeric else None))
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
