"""The app through its HTTP interface: every page, every control value, downloads, 404, links."""

from __future__ import annotations

import io
import json
import re
import zipfile

import polars as pl
import pytest
from conftest import DashClient, controls, page_calls, walk

from dashboard import domain, ids, registry, urlstate

PAGES = urlstate.example_paths()


@pytest.fixture(scope="module")
def dash_client(fixture_app) -> DashClient:
    return DashClient(fixture_app)


def _text(node) -> str:
    return json.dumps(node)


def test_index_is_english_and_has_no_third_party_urls(dash_client):
    html = dash_client.index.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "https://" not in html.replace("http://localhost", "")
    assert "cdn" not in html.lower()
    assert "default-src 'self'" in dash_client.index.headers["Content-Security-Policy"]


def test_shell_has_skip_link_nav_and_synthetic_notice(dash_client):
    layout = dash_client.client.get("/_dash-layout").get_json()
    text = _text(layout)
    assert domain.SYNTHETIC_NOTICE in text
    assert '"href": "#main"' in text
    nav = [n for n in walk(layout) if n["props"].get("id") == ids.NAV]
    links = [n["props"] for n in walk(nav) if n["type"] == "Link"]
    assert [link["children"] for link in links] == [p.nav for p in registry.NAV]
    assert [link["href"] for link in links] == [urlstate.PAGES[p.key] for p in registry.NAV]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_a_heading(dash_client, path):
    layout = dash_client.page(path)
    assert [n for n in walk(layout) if n["type"] == "H1"]


def test_unknown_page_is_a_404_page_that_suggests_every_page(dash_client):
    layout = dash_client.page("/no-such-page")
    assert "Page not found" in _text(layout)
    main = [n["props"]["href"] for n in walk(layout) if n["type"] == "Link"]
    nav = [urlstate.PAGES[p.key] for p in registry.NAV]
    assert main == [*nav, urlstate.page_url("changes")]  # the pages, then the release's notes
    assert dash_client.client.get("/no-such-page").status_code == 404
    for path in [*PAGES, "/county", "/county/06003", "/county/fresno-county", "/funnel/"]:
        assert dash_client.client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    "path",
    [
        "/county/gotham",  # the page says so and shows a known county
        "/county/gotham/brief",
        "/county/alameda/trend",
        "/county/alameda/brief/x",
        "/county/..%2F..%2Fetc%2Fpasswd",
        "/funnel/x",
        "/404",
        "/_dash-update-component",  # GET: Dash answers any path with its page
        "/assets/",
    ],
)
def test_an_address_that_is_no_page_answers_404(dash_client, path):
    assert dash_client.client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("path", "search", "needle"),
    [
        ("/", "?sfy=1999-00", "is not a state fiscal year"),
        ("/funnel", "?geo=county:gotham", "is not a geography"),
        ("/county/gotham", "", "is not a county"),
        ("/map", "?measure=nonsense&zoom=9", "is not a measure"),
    ],
)
def test_bad_links_show_a_notice_not_an_error(dash_client, path, search, needle):
    layout = dash_client.page(path, search)
    notices = [n for n in walk(layout) if n["props"].get("role") == "status"]
    assert needle in _text(notices)


@pytest.mark.parametrize("path", ["/county/06003", "/county/Alpine", "/county/alpine"])
def test_county_page_accepts_name_or_fips(dash_client, path):
    layout = dash_client.page(path)
    assert controls(layout)[ids.COUNTY_COUNTY][0] == "alpine"


@pytest.mark.parametrize(
    "path", ["/", "/funnel", "/placement", "/map", "/county/alpine", "/downloads"]
)
def test_every_control_value_renders(dash_client, path):
    calls = 0
    for dep, values, response in page_calls(dash_client, path):
        calls += 1
        for output_id, prop in DashClient.outputs(dep):
            assert prop in response[output_id], (dep["output"], values)
    assert calls > 1


def prop_in(layout, component_id: str, prop: str):
    """Return a component's prop as a rendered layout holds it."""
    return next(n["props"].get(prop) for n in walk(layout) if n["props"].get("id") == component_id)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/funnel?geo=county:alpine&show=rate",
        "/placement?sfy=all",
        "/map?view=roster",
        "/county/fresno?sfy=all",
        "/downloads?table=rates",
    ],
)
def test_a_page_arrives_complete_as_its_callbacks_would_draw_it(dash_client, path):
    pathname, _, search = path.partition("?")
    layout = dash_client.page(pathname, "?" + search if search else "")
    deps = dash_client.page_deps(layout)
    assert deps
    for dep in deps:
        assert dep["prevent_initial_call"], dep["output"]  # no second round trip on page load
        reply = dash_client.call(
            dep, [prop_in(layout, i["id"], i["property"]) for i in dep["inputs"]]
        )
        for output_id, prop in DashClient.outputs(dep):
            assert prop_in(layout, output_id, prop) == reply[output_id][prop], (path, output_id)


def test_url_sync_writes_canonical_query(dash_client):
    dep = dash_client.dep_for(ids.url("funnel"))
    response = dash_client.call(dep, ["county:alpine", "2021-22", "rate", ""])
    assert response[ids.url("funnel")]["data"] == {
        "path": "/funnel",
        "search": "?geo=county:alpine&show=rate",
        "title": "Report funnel - California CSEC Program dashboard",
    }
    dep = dash_client.dep_for(ids.url("county"))
    response = dash_client.call(dep, ["fresno", "reports_per_100k", "all", ""])
    assert response[ids.url("county")]["data"] == {
        "path": "/county/fresno",
        "search": "?sfy=all",
        "title": "Fresno County benchmark - California CSEC Program dashboard",
    }


def test_junk_control_values_fall_back_to_defaults(dash_client):
    dep = dash_client.dep_for(ids.graph(ids.MAP_MAP))
    response = dash_client.call(dep, ["<img>", None, "9999", None])
    assert "CSE reports per 100,000 residents" in _text(response[ids.summary(ids.MAP_MAP)])


def test_map_click_opens_the_county_page(dash_client):
    dep = dash_client.dep_for(ids.MAP_NAV)
    response = dash_client.call(dep, [{"points": [{"location": "06019"}]}, ""])
    assert response[ids.MAP_NAV]["href"] == "/county/fresno"
    assert dash_client.call(dep, [{"points": [{}]}, ""]) == {}


def test_chart_csv_is_what_the_chart_shows(dash_client, fixture_release):
    dep = dash_client.dep_for(ids.graph(ids.FUNNEL_STAGES))
    response = dash_client.call(dep, ["county:fresno", "2019-20", "count", ""])
    href = response[ids.csv(ids.FUNNEL_STAGES)]["href"]
    pinned = f"&release={fixture_release.release_id}"  # the link names the release it shows
    assert href == "/download/chart/funnel-stages.csv?geo=county:fresno&sfy=2019-20" + pinned
    csv = dash_client.client.get(href)
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    frame = pl.read_csv(io.BytesIO(csv.data), schema_overrides={"geo_id": pl.String})
    assert frame["measure"].to_list()[0] == "reports"
    assert set(frame["geo_id"]) == {"06019"} and set(frame["period"]) == {"2019-20"}
    assert set(frame["notice"]) == {domain.SYNTHETIC_NOTICE}
    bars = response[ids.graph(ids.FUNNEL_STAGES)]["figure"]["data"][0]["x"]
    assert frame["value"].to_list() == list(bars)


@pytest.mark.parametrize(
    "chart_id", ["home-funnel", "funnel-trend", "placement-demographics", "map-map", "county-table"]
)
def test_every_chart_csv_carries_the_notice(dash_client, chart_id):
    csv = dash_client.client.get(f"/download/chart/{chart_id}.csv")
    assert csv.status_code == 200
    assert domain.SYNTHETIC_NOTICE in csv.get_data(as_text=True)


def test_unknown_chart_csv_is_404(dash_client):
    assert dash_client.client.get("/download/chart/nope.csv").status_code == 404


def test_release_files_zip_and_checksums(dash_client, fixture_release):
    for entry in fixture_release.files:
        response = dash_client.client.get(f"/download/release/{entry['path']}")
        assert response.status_code == 200 and len(response.data) == entry["bytes"]
    zip_name = f"csec-release-{fixture_release.release_id[:12]}.zip"
    archive = zipfile.ZipFile(
        io.BytesIO(dash_client.client.get(f"/download/release/{zip_name}").data)
    )
    assert "manifest.json" in archive.namelist()
    response = dash_client.client.get("/download/release/SHA256SUMS")
    assert fixture_release.files[0]["sha256"] in response.get_data(as_text=True)
    # saved under its own name (a text/plain download becomes SHA256SUMS.txt in browsers)
    assert response.headers["Content-Disposition"] == "attachment; filename=SHA256SUMS"
    assert response.mimetype == "application/octet-stream"


@pytest.mark.parametrize("name", ["..%2F..%2Fpyproject.toml", "secret.txt", "%2E%2E", "cells"])
def test_release_route_serves_only_manifest_files(dash_client, name):
    response = dash_client.client.get(f"/download/release/{name}")
    # a 404, or Dash's own page for an unknown path: never a file from outside the manifest
    assert response.status_code == 404 or response.mimetype == "text/html"
    assert b"[build-system]" not in response.data


def test_every_page_link_in_nav_resolves(dash_client):
    for page in registry.NAV:
        layout = dash_client.page(urlstate.PAGES[page.key])
        assert "Page not found" not in _text(layout), page


@pytest.mark.parametrize(
    "typed",
    ["San Luis Obispo", "San%20Luis%20Obispo", "san-luis-obispo", "SAN-LUIS-OBISPO",
     "san-luis-obispo-county", "San+Luis+Obispo+County", "06079", "079"],
)  # fmt: skip
def test_county_urls_forgive_names_and_write_the_slug(dash_client, typed):
    layout = dash_client.page(f"/county/{typed}")
    text = _text(layout)
    assert "San Luis Obispo County: benchmark" in text, typed
    assert "is not a county" not in text
    (store,) = [n for n in walk(layout) if n["props"].get("id") == ids.url("county")]
    assert store["props"]["data"]["path"] == "/county/san-luis-obispo"


def test_healthz_names_the_release(dash_client, fixture_release):
    assert dash_client.client.get("/healthz").get_json()["release_id"] == fixture_release.release_id


def test_warming_renders_every_default_view_once(fixture_app, monkeypatch):
    from dashboard import charts

    built = []
    original = charts.build
    monkeypatch.setattr(charts, "build", lambda *a: built.append(a[1]) or original(*a))
    with fixture_app.server.app_context():
        charts.cache.clear()
        assert charts.warm_defaults() == len(charts.CHARTS)
        assert sorted(built) == sorted(charts.CHARTS)
        charts.warm_defaults()  # now every default view comes from the cache
    assert len(built) == len(charts.CHARTS)
    page = DashClient(fixture_app).page("/placement")
    assert page and len(built) == len(charts.CHARTS)  # the page load rendered nothing anew


def test_sitemap_lists_every_page_county_and_brief(dash_client, fixture_release):
    response = dash_client.client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    locs = re.findall(r"<loc>http://localhost(/[^<]*)</loc>", response.get_data(as_text=True))
    assert set(urlstate.example_paths()) <= set(locs)
    counties = [g.slug for g in fixture_release.geos.all if g.level == "county"]
    assert {f"/county/{c}" for c in counties} | {f"/county/{c}/brief" for c in counties} <= set(
        locs
    )
    assert len(locs) == len(set(locs))


def test_county_chart_png_notes_are_board_ready(fixture_release):
    from dashboard import charts
    from dashboard.charts.common import CAVEAT, Context

    view = urlstate.parse("county", {"county": "fresno", "sfy": "2019-20"}, fixture_release.geos)
    chart = charts.build(Context(fixture_release), ids.COUNTY_TREND, view)
    notes = " ".join(a["text"] for a in chart.figure["layout"]["annotations"]).replace("<br>", " ")
    for part in (
        domain.SYNTHETIC_NOTICE.split(":")[0],
        CAVEAT.split(":")[0],
        "Kern",  # a peer of Fresno, listed
        f"Released {fixture_release.release_date.isoformat()}",
        f"data extracted {fixture_release.extract_date.isoformat()}",
        "Link: " + fixture_release.url.rstrip("/"),
    ):
        assert part in notes, part
    assert "/county/fresno?sfy=2019-20" in notes.replace(" ", "")


FIGURE_VIEWS = [  # every figure builder: bars, lines, small multiples, both maps, empty states
    *((chart_id, {}) for chart_id in (ids.HOME_FUNNEL, ids.HOME_TREND, ids.FUNNEL_STAGES)),
    (ids.FUNNEL_TREND, {"show": "rate", "geo": "county:fresno"}),
    (ids.PLACEMENT_DEMOGRAPHICS, {"breakdown": "race_ethnicity"}),
    (ids.COUNTY_TREND, {"county": "fresno", "measure": "reports"}),
    (ids.COUNTY_TREND, {"county": "fresno", "measure": "reports_per_100k"}),
    (ids.MAP_MAP, {"measure": "screen_in_rate"}),
    (ids.MAP_MAP, {"view": "roster", "sfy": "2016-17"}),
    *((chart_id, {"county": "alpine"}) for chart_id in (ids.BRIEF_FUNNEL, ids.BRIEF_CONTEXT)),
]


@pytest.mark.parametrize(("chart_id", "values"), FIGURE_VIEWS)
def test_figures_are_what_plotly_itself_would_send(fixture_app, fixture_release, chart_id, values):
    """Figures are built as plain dicts: plotly validates each one and changes nothing in it."""
    import plotly.graph_objects as go
    import plotly.io

    from dashboard import charts
    from dashboard.charts.common import Context

    page = charts.CHARTS[chart_id][0]
    with fixture_app.server.test_request_context("/"):
        view = urlstate.parse(page, values, fixture_release.geos)
        figure = charts.build(Context(fixture_release, "/geo.json"), chart_id, view).figure
    validated = go.Figure(figure).to_plotly_json()  # raises on any unknown or invalid property
    assert json.loads(plotly.io.to_json(validated, validate=False)) == json.loads(
        plotly.io.to_json(figure, validate=False)
    )
