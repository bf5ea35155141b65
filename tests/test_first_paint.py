"""The page's first paint: each page's shell carries the page as static HTML, with unique ids,
for the view its address names."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from conftest import GEOJSON, UNBOUNDED
from dash import dcc, html

from dashboard import registry, urlstate
from dashboard.app import create_app
from dashboard.components.static_html import to_html
from dashboard.server.first_paint import CLASS, ID_PREFIX
from dashboard.settings import Settings

HEADINGS = {  # page -> words its heading shows at its default view (the fixture release)
    "home": "at a glance",
    "funnel": "Report funnel",
    "placement": "Young people identified",
    "map": "58 counties",
    "county": "County",
    "brief": "county brief",
    "downloads": "Downloads",
    "methodology": "Methodology",
    "changes": "What changed",
}


class Elements(HTMLParser):
    """Collect the ids and the headings' text of a piece of markup."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.h1: list[str] = []
        self.in_h1 = False

    def handle_starttag(self, tag, attrs):
        self.ids += [v for k, v in attrs if k == "id"]
        self.in_h1 = self.in_h1 or tag == "h1"

    def handle_endtag(self, tag):
        self.in_h1 = self.in_h1 and tag != "h1"

    def handle_data(self, data):
        if self.in_h1:
            self.h1.append(data)


def first_paint(page_html: str) -> str:
    """Return the first paint's markup of a shell (up to the scripts after it)."""
    start = page_html.index(f'<div class="{CLASS}">')
    return page_html[start : page_html.index("<script", start)]


@pytest.fixture(scope="module")
def client(fixture_release_dir):
    settings = Settings(release_dir=fixture_release_dir, geojson_path=GEOJSON, **UNBOUNDED)
    return create_app(settings).server.test_client()


def test_markup_of_html_components_escapes_text_and_prefixes_ids():
    layout = html.Div(
        [
            html.A("Skip", href="#main", className="skip"),
            html.Label("Area", htmlFor="geo"),
            html.Section(
                html.H2("<b>Not markup</b> & more", id="h"),
                id="main",
                tabIndex="-1",
                hidden=True,
                style={"minHeight": 40, "--figure-height": "650px", "lineHeight": 1.5},
                **{"aria-labelledby": "h other", "aria-hidden": False, "data-value": 'a"b'},
            ),
            html.Textarea(children="x < y", readOnly=True, disable_n_clicks=True),
            html.Option("One", value="1", selected=True),
        ]
    )
    markup = to_html(layout, "p-")
    assert '<a class="skip" href="#p-main">Skip</a>' in markup
    assert '<label for="p-geo">Area</label>' in markup
    assert "&lt;b&gt;Not markup&lt;/b&gt; &amp; more" in markup
    assert 'id="p-main"' in markup and 'tabindex="-1"' in markup and " hidden" in markup
    assert 'style="min-height: 40px; --figure-height: 650px; line-height: 1.5"' in markup
    assert 'aria-labelledby="p-h p-other"' in markup and 'aria-hidden="false"' in markup
    assert 'data-value="a&quot;b"' in markup
    assert "<textarea readonly>x &lt; y</textarea>" in markup
    assert '<option selected value="1">One</option>' in markup


def test_dash_core_components_are_drawn_as_dash_leaves_them_before_its_scripts_run():
    layout = html.Div(
        [
            dcc.Location(id="url"),
            dcc.Store(id="store", data={"secret": 1}),
            dcc.Link("Funnel", href="/funnel", id="l", refresh=True),
            dcc.Graph(id="g", className="graph", figure={"data": [{"y": [1, 2]}]}),
        ]
    )
    markup = to_html(layout, "p-", {"l": {"aria-current": "page"}})
    assert markup == (
        '<div><a href="/funnel" id="p-l" aria-current="page">Funnel</a>'
        '<div id="p-g" class="dash-graph graph"></div></div>'
    )
    with pytest.raises(TypeError, match="Dropdown"):
        to_html(dcc.Dropdown(id="d", options=["a"]), "p-")


@pytest.mark.parametrize("page", [p for p in registry.PAGES if p.key in HEADINGS])
def test_every_page_shell_carries_its_page_with_unique_ids(client, page):
    reply = client.get(urlstate.site_path(page.key))
    assert reply.status_code == 200
    body = reply.get_data(as_text=True)
    paint = Elements()
    paint.feed(first_paint(body))
    assert HEADINGS[page.key].lower() in " ".join(paint.h1).lower()
    assert paint.ids and all(i.startswith(ID_PREFIX) for i in paint.ids)
    everything = Elements()
    everything.feed(body)
    assert len(everything.ids) == len(set(everything.ids))
    nav = {"brief": "county", "changes": None}.get(page.key, page.key)  # a page below another's
    marked = re.findall(r'id="([^"]+)"[^>]* aria-current="page"', body)
    assert marked == ([f"{ID_PREFIX}shell-link-nav-{nav}"] if nav else [])


def test_the_first_paint_shows_the_view_the_address_names(client):
    window = urlstate.WINDOW_VALUE
    default = first_paint(client.get("/funnel").get_data(as_text=True))
    view = first_paint(client.get(f"/funnel?sfy={window}").get_data(as_text=True))
    chosen = re.compile(f'<option selected value="{window}">')
    assert not chosen.search(default) and chosen.search(view)


def test_a_path_no_page_fits_has_no_first_paint(client):
    reply = client.get("/no-such-page")
    assert reply.status_code == 404
    assert f'class="{CLASS}"' not in reply.get_data(as_text=True)


def link_tag(paint: str, link_id: str) -> str:
    """Return the opening tag of a shell link of a first paint."""
    return re.search(f'<a [^>]*id="{ID_PREFIX}shell-link-{link_id}"[^>]*>', paint)[0]


def test_the_shell_links_name_the_release_the_address_names(client):
    earlier = "0123456789ab"  # any 12-hex id (not kept: the page says so) is followed, as in Dash
    paint = first_paint(client.get(f"/funnel?release={earlier.upper()}").get_data(as_text=True))
    assert f'href="/methodology?release={earlier}"' in link_tag(paint, "footer-methodology")
    current = link_tag(paint, "nav-funnel")
    assert f'href="/funnel?release={earlier}"' in current and 'aria-current="page"' in current
    plain = first_paint(client.get("/funnel?release=nonsense").get_data(as_text=True))
    assert 'href="/methodology"' in link_tag(plain, "nav-methodology")
