"""The site's own components (a text table, a select): one Dash component each, read as markup."""

from __future__ import annotations

import pytest
from dash import html

from dashboard.components.controls import Select, select
from dashboard.components.static_html import to_html
from dashboard.components.table import TextTable, data_table
from dashboard.dash_wire import walk

COLUMNS = (("County", False), ("Reports", True))
ROWS = [({"text": "Alameda", "href": "/county/alameda"}, "287"), ("Butte", "Suppressed")]


def test_a_table_of_text_and_links_is_one_component():
    table = data_table("Reports by county", COLUMNS, ROWS)
    assert isinstance(table, TextTable)
    assert table.to_plotly_json()["props"]["rows"][1] == ["Butte", "Suppressed"]


def test_a_table_with_markup_in_a_cell_is_built_from_html_components():
    table = data_table("Files", COLUMNS, [("a.csv", html.Code("1f2e…"))])
    assert not isinstance(table, TextTable)
    assert "<code>1f2e…</code>" in to_html(table, "p-")


def test_a_link_out_of_the_site_is_refused():
    for href in ("javascript:alert(1)", "//example.org/", "https://example.org/"):
        with pytest.raises(ValueError, match="is not a link in the site"):
            data_table("Reports by county", COLUMNS, [({"text": "Alameda", "href": href}, "287")])


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="a row of 1 cells, 2 columns"):
        data_table("Reports by county", COLUMNS, [("Alameda",)])


def test_the_static_markup_is_the_table_the_script_draws():
    markup = to_html(data_table("Reports by county", COLUMNS, ROWS), "p-")
    assert markup.startswith('<div class="table-scroll" role="region" tabindex="0"')
    assert "<caption>Reports by county</caption>" in markup
    assert '<th class="num" scope="col">Reports</th>' in markup
    assert '<th scope="row"><a href="/county/alameda">Alameda</a></th>' in markup
    assert '<td class="num">Suppressed</td>' in markup


def test_the_layout_json_yields_the_tables_text_and_links():
    layout = html.Div(data_table("Reports by county", COLUMNS, ROWS)).to_plotly_json()
    nodes = list(walk(_json(layout)))
    texts = [
        n["props"].get("children") for n in nodes if isinstance(n["props"].get("children"), str)
    ]
    assert {"Reports by county", "County", "Reports", "Butte", "Suppressed"} <= set(texts)
    assert [n["props"]["href"] for n in nodes if n["type"] == "Link"] == ["/county/alameda"]
    numeric = [n["props"]["children"] for n in nodes if n["props"].get("className") == "num"]
    assert numeric == ["Reports", "287", "Suppressed"]  # the cells as marked up, classes and all


def _json(node):
    """Return a layout as the plain JSON a client receives."""
    import json

    from plotly.utils import PlotlyJSONEncoder

    return json.loads(json.dumps(node, cls=PlotlyJSONEncoder))


OPTIONS = [
    ("Rates", [("rate", "Per 100,000")]),
    ("Counts", [("reports", "Reports"), ("youth", "Youth")]),
]


def test_a_select_is_one_component_with_its_options_as_data():
    control = select("m", "Measure", OPTIONS, "reports", hint="Choose one")
    chosen = [c for c in control.children if isinstance(c, Select)]
    assert len(chosen) == 1 and chosen[0].options[1]["options"][1] == {
        "value": "youth",
        "label": "Youth",
    }


def test_the_select_markup_marks_the_current_option():
    markup = to_html(select("m", "Measure", OPTIONS, "reports", hint="Choose one"), "p-")
    assert '<optgroup label="Counts">' in markup
    assert '<option selected value="reports">Reports</option>' in markup
    assert '<option value="youth">Youth</option>' in markup
    assert 'id="p-m"' in markup and 'aria-describedby="p-m-hint"' in markup
    assert 'data-control="select"' in markup and 'data-value="reports"' in markup


def test_the_layout_json_yields_the_selects_options():
    layout = _json(select("m", "Measure", OPTIONS, "youth").to_plotly_json())
    options = [n["props"] for n in walk(layout) if n["type"] == "Option"]
    assert [o["value"] for o in options] == ["rate", "reports", "youth"]
    assert [n["props"]["label"] for n in walk(layout) if n["type"] == "Optgroup"] == [
        "Rates",
        "Counts",
    ]
