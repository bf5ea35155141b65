"""URL state: defaults omitted, round trips, lenient input, junk falls back with a notice."""

from __future__ import annotations

import pytest

from dashboard import domain, urlstate
from dashboard.data.geographies import Geographies
from dashboard.reference import load_counties


@pytest.fixture(scope="module")
def geos() -> Geographies:
    return Geographies(load_counties())


def test_defaults_make_an_empty_query(geos):
    for page in urlstate.PAGE_PARAMS:
        view = urlstate.parse(page, {}, geos)
        assert view.notices == ()
        assert urlstate.search(page, view.values) == ""


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("home", {"sfy": "2017-18"}),
        ("home", {"sfy": "all"}),
        ("funnel", {"geo": "county:alameda", "sfy": "2015-16", "show": "rate"}),
        ("funnel", {"geo": "region:bay_area"}),
        ("funnel", {"geo": "peer_group:rural", "sfy": "all"}),
        ("placement", {"geo": "county:san-luis-obispo", "group": "confirmed", "breakdown": "sex"}),
        ("map", {"view": "roster", "sfy": "2019-20"}),
        ("map", {"measure": "confirmed_share"}),
        ("county", {"county": "los-angeles", "measure": "reports", "sfy": "all"}),
        ("downloads", {"table": "rates"}),
    ],
)
def test_round_trip(page, query, geos):
    view = urlstate.parse(page, query, geos)
    assert view.notices == ()
    link = urlstate.href(page, view.values)
    path, _, search = link.partition("?")
    again_query = urlstate.query_of(search)
    if page in urlstate.PATH_PARAMS:
        again_query[urlstate.PATH_PARAMS[page]] = path.rsplit("/", 1)[-1]
    again = urlstate.parse(page, again_query, geos)
    assert again.values == view.values
    assert again.notices == ()


def test_defaults_are_omitted_and_order_is_stable(geos):
    values = urlstate.parse("funnel", {"show": "rate", "geo": "county:alpine"}, geos).values
    assert urlstate.search("funnel", values) == "?geo=county:alpine&show=rate"
    assert urlstate.href("county", {"county": "alpine"}) == "/county/alpine"
    assert urlstate.href("county", {"county": "alpine", "sfy": "all"}) == "/county/alpine?sfy=all"


@pytest.mark.parametrize(
    ("page", "query", "expected"),
    [
        ("home", {"sfy": "2021"}, {"sfy": "2021-22"}),
        ("home", {"sfy": "SFY 2016-2017"}, {"sfy": "2016-17"}),
        ("home", {"sfy": domain.WINDOW}, {"sfy": "all"}),
        ("funnel", {"geo": "06001"}, {"geo": "county:alameda"}),
        ("funnel", {"geo": "county:06003"}, {"geo": "county:alpine"}),
        ("funnel", {"geo": "San Luis Obispo"}, {"geo": "county:san-luis-obispo"}),
        ("funnel", {"geo": "California"}, {"geo": "state"}),
        ("county", {"county": "06037"}, {"county": "los-angeles"}),
        ("county", {"county": "LOS ANGELES"}, {"county": "los-angeles"}),
        ("home", {"sfy": ["2015-16", "2016-17"]}, {"sfy": "2016-17"}),
    ],
)
def test_lenient_input_is_canonicalised(page, query, expected, geos):
    view = urlstate.parse(page, query, geos)
    assert view.notices == ()
    for name, value in expected.items():
        assert view[name] == value


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("home", {"sfy": "2099-00"}),
        ("home", {"sfy": "2014-15"}),
        ("home", {"sfy": "2016-18"}),
        ("home", {"sfy": "<script>alert(1)</script>"}),
        ("funnel", {"geo": "county:atlantis"}),
        ("funnel", {"geo": "region:moon"}),
        ("funnel", {"show": "both"}),
        ("placement", {"breakdown": "income"}),
        ("placement", {"group": "screened_in"}),
        ("map", {"measure": "DROP TABLE"}),
        ("map", {"view": "satellite"}),
        ("county", {"county": "gotham"}),
        ("downloads", {"table": "../../etc/passwd"}),
    ],
)
def test_junk_falls_back_to_the_default_with_a_notice(page, query, geos):
    view = urlstate.parse(page, query, geos)
    (name,) = query
    assert view[name] == urlstate.PARAMS[name].default
    assert len(view.notices) == 1
    assert "showing" in view.notices[0]
    assert urlstate.search(page, view.values) == ""


@pytest.mark.parametrize(
    ("page", "query", "shown"),
    [
        ("county", {"county": "gotham"}, "showing Alameda County instead."),
        ("funnel", {"geo": "county:gotham"}, "showing California instead."),
        ("funnel", {"show": "both"}, "showing count instead."),
    ],
)
def test_a_notice_names_the_place_shown_instead_by_its_name(page, query, shown, geos):
    (notice,) = urlstate.parse(page, query, geos).notices
    assert notice.endswith(shown)


def test_unknown_parameters_are_ignored_with_a_notice(geos):
    view = urlstate.parse("home", {"utm_source": "x", "sfy": "2018-19"}, geos)
    assert view["sfy"] == "2018-19"
    assert view.notices and "utm_source" in view.notices[0]
    assert urlstate.search("home", view.values) == "?sfy=2018-19"


def test_long_junk_is_shortened_in_the_notice(geos):
    view = urlstate.parse("home", {"sfy": "x" * 500}, geos)
    assert len(view.notices[0]) < 200


def test_from_controls_revalidates_browser_values(geos):
    view = urlstate.from_controls("map", ("roster", "nonsense", "2016-17", ""), geos)
    assert view.values == {
        "view": "roster",
        "measure": "reports_per_100k",
        "sfy": "2016-17",
        "release": "",
    }
    assert view.notices


def test_full_query_keeps_path_parameters(geos):
    values = urlstate.parse("county", {"county": "alpine"}, geos).values
    assert urlstate.full_query("county", values) == "?county=alpine"
    assert urlstate.search("county", values) == ""


def test_period_maps_all_to_the_window():
    assert urlstate.period("all") == domain.WINDOW
    assert urlstate.period("2015-16") == "2015-16"


EARLIER = "0123456789ab"
KEPT = {"": domain.SFYS, EARLIER: domain.SFYS[:-1]}


def test_a_kept_release_is_pinned_and_current_is_the_default(geos):
    assert urlstate.parse("home", {}, geos, KEPT)["release"] == ""
    view = urlstate.parse("funnel", {"release": EARLIER.upper(), "show": "rate"}, geos, KEPT)
    assert view.notices == ()
    assert view["release"] == EARLIER
    assert urlstate.href("funnel", view.values) == (
        f"/funnel?sfy={domain.SFYS[-2]}&show=rate&release={EARLIER}"
    )
    assert urlstate.href("funnel", view.values, release="").endswith("show=rate")


@pytest.mark.parametrize("raw", ["abcdefabcdef", "../x", "0123456789ab0", " ", "<b>"])
def test_an_unknown_release_is_the_current_one_with_a_notice(raw, geos):
    view = urlstate.parse("home", {"release": raw}, geos, KEPT)
    assert view["release"] == ""
    assert len(view.notices) == (0 if raw.strip() == "" else 1)
    assert urlstate.search("home", view.values) == ""


def test_the_years_of_a_view_are_those_of_its_release(geos):
    earlier = urlstate.parse("home", {"release": EARLIER}, geos, KEPT)
    assert earlier["sfy"] == domain.SFYS[-2]  # the latest year of that release
    later_year = urlstate.parse("home", {"release": EARLIER, "sfy": domain.SFYS[-1]}, geos, KEPT)
    assert later_year["sfy"] == domain.SFYS[-2] and later_year.notices
    window = domain.window_of(domain.SFYS[:-1])
    assert urlstate.parse("home", {"release": EARLIER, "sfy": window}, geos, KEPT)["sfy"] == "all"
    assert urlstate.period("all", domain.SFYS[:-1]) == window
    assert urlstate.parse("home", {"sfy": domain.SFYS[-1]}, geos, KEPT).notices == ()


def test_release_files_are_pinned_by_id_or_current():
    assert urlstate.release_file("cells.csv") == "/download/release/cells.csv"
    assert urlstate.release_file("cells.csv", EARLIER) == f"/download/{EARLIER}/cells.csv"
    assert urlstate.release_file("a b.csv", EARLIER) == f"/download/{EARLIER}/a%20b.csv"
