"""Releases over time on the web side: the current release by default, any kept release by id
(pinned links and downloads), the notice on an earlier release, the What changed page, and each
release's own fiscal years."""

from __future__ import annotations

import io
import json

import polars as pl
import pytest
from conftest import GEOJSON, UNBOUNDED, DashClient, controls, page_calls
from release_history import EARLIER_SFYS, METHOD_NOTE, build_history

from dashboard import domain, ids, urlstate
from dashboard.dash_wire import ROUTER_OUTPUT, TEXT_TABLE, callback_body, walk
from dashboard.data import changes as changes_data
from dashboard.server.guard import CallbackRequest
from dashboard.server.reply_keys import reply_key

PAGES = urlstate.example_paths()


@pytest.fixture(scope="module")
def kept(tmp_path_factory) -> dict:
    """Return the ids and directories of a history: an earlier release and the current one."""
    return build_history(tmp_path_factory.mktemp("history"))


@pytest.fixture(scope="module")
def app(kept):
    """Return the app on the history (the current release in its release directory)."""
    from dashboard.app import create_app
    from dashboard.settings import Settings

    return create_app(
        Settings(
            release_dir=kept["release_dir"],
            history_dir=kept["history_dir"],
            geojson_path=GEOJSON,
            compress=False,
            **UNBOUNDED,
        )
    )


@pytest.fixture(scope="module")
def client(app) -> DashClient:
    return DashClient(app)


def text_of(layout) -> str:
    """Return every string of a rendered layout, joined."""
    return " ".join(
        str(n["props"].get("children"))
        for n in walk(layout)
        if isinstance(n["props"].get("children"), str)
    )


def props_of(layout, component_id: str) -> dict:
    """Return the props of one component of a rendered layout."""
    return next(n["props"] for n in walk(layout) if n["props"].get("id") == component_id)


def hrefs(layout) -> list[str]:
    """Return every link target of a rendered layout."""
    return [n["props"]["href"] for n in walk(layout) if n["props"].get("href")]


def pinned(path: str, release_id: str) -> str:
    """Return a site path with the release parameter added."""
    return path + ("&" if "?" in path else "?") + f"release={release_id}"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_names_its_release_and_dates(client, kept, path):
    from dashboard.data.release import load

    for release_id, directory in (
        (kept["current"], kept["release_dir"]),
        (kept["earlier"], kept["history_dir"] / kept["earlier"]),
    ):
        rel = load(directory)
        search = "" if release_id == kept["current"] else f"?release={release_id}"
        layout = client.page(path, search)
        line = props_of(layout, ids.RELEASE_LINE)
        assert line["data-release-id"] == release_id
        words = text_of(line["children"]) + json.dumps(line["children"])
        assert release_id in words
        assert rel.release_date.isoformat() in words and rel.extract_date.isoformat() in words


@pytest.mark.parametrize("path", PAGES)
def test_an_earlier_release_shows_the_newer_figures_notice(client, kept, path):
    current = client.page(path)
    assert not [n for n in walk(current) if n["props"].get("id") == ids.RELEASE_NOTICE]
    earlier = client.page(path, f"?release={kept['earlier']}")
    notice = props_of(earlier, ids.RELEASE_NOTICE)
    assert "Newer figures are available" in json.dumps(notice["children"])
    assert "see what changed" in json.dumps(notice["children"])
    same_view = props_of(earlier, ids.CURRENT_VIEW)["href"]
    assert same_view.split("?")[0] == path.split("?")[0]
    assert "release=" not in same_view
    assert urlstate.page_url("changes") in hrefs(notice["children"])


def test_links_inside_an_earlier_release_keep_naming_it(client, kept):
    earlier = kept["earlier"]
    layout = client.page("/", f"?release={earlier}")
    inner = [
        h
        for h in hrefs(layout)
        if h.startswith("/") and not h.startswith("/download") and "#" not in h
    ]
    pinned_links = [h for h in inner if f"release={earlier}" in h]
    # every link to a page keeps the release, but the notice's links to the current release
    same_view = props_of(layout, ids.CURRENT_VIEW)["href"]
    assert same_view == f"/?sfy={EARLIER_SFYS[-1]}"  # the view on screen, now current
    assert set(inner) - set(pinned_links) == {same_view, urlstate.page_url("changes")}
    assert len(pinned_links) >= 6
    current = client.page("/")
    page_links = [h for h in hrefs(current) if h.startswith("/") and "/download/" not in h]
    assert page_links and not [h for h in page_links if "release=" in h]
    downloads = [h for h in hrefs(current) if h.startswith("/download/")]
    assert downloads and all(kept["current"] in h for h in downloads)  # files are pinned


def test_a_pinned_link_to_the_current_release_keeps_its_id(client, kept):
    layout = client.page("/funnel", f"?release={kept['current']}")
    assert not [n for n in walk(layout) if n["props"].get("id") == ids.RELEASE_NOTICE]
    store = props_of(layout, ids.url("funnel"))["data"]
    assert store["search"] == f"?release={kept['current']}"


@pytest.mark.parametrize(
    "value", ["0123456789ab", "zzz", "../../etc", "63E9856237C6X", "x" * 300, "%00"]
)
def test_an_unknown_release_id_is_a_notice_and_the_current_figures(client, value):
    layout = client.page("/funnel", "?release=" + value)
    assert "is not a release this dashboard knows" in text_of(layout)
    assert not [n for n in walk(layout) if n["props"].get("id") == ids.RELEASE_NOTICE]
    assert props_of(layout, ids.url("funnel"))["data"]["search"] == ""


def test_an_id_is_read_in_any_case(client, kept):
    layout = client.page("/", f"?release={kept['earlier'].upper()}")
    assert props_of(layout, ids.RELEASE_LINE)["data-release-id"] == kept["earlier"]


def test_pinned_downloads_serve_each_release_and_old_links_the_current(client, kept):
    earlier_dir = kept["history_dir"] / kept["earlier"]
    for release_id, directory in (
        (kept["earlier"], earlier_dir),
        (kept["current"], kept["release_dir"]),
    ):
        for name in ("cells.csv", "CHANGES.csv", "manifest.json"):
            response = client.client.get(f"/download/{release_id}/{name}")
            assert response.status_code == 200, (release_id, name)
            assert response.data == (directory / name).read_bytes()
    old_form = client.client.get("/download/release/cells.csv")
    assert old_form.data == (kept["release_dir"] / "cells.csv").read_bytes()
    zip_name = f"csec-release-{kept['earlier']}.zip"
    assert client.client.get(f"/download/{kept['earlier']}/{zip_name}").status_code == 200
    sums = client.client.get(f"/download/{kept['earlier']}/SHA256SUMS").get_data(as_text=True)
    manifest = json.loads((earlier_dir / "manifest.json").read_text())
    assert manifest["files"][0]["sha256"] in sums


@pytest.mark.parametrize(
    "path",
    [
        "/download/0123456789ab/cells.csv",
        "/download/not-an-id/cells.csv",
        "/download/%2E%2E/cells.csv",
        "/download/{earlier}/..%2F..%2Fpyproject.toml",
        "/download/{earlier}/secret.txt",
        "/download/chart/funnel-stages.csv?release=0123456789ab",
    ],
)
def test_unknown_release_downloads_are_404(client, kept, path):
    response = client.client.get(path.format(earlier=kept["earlier"]))
    assert response.status_code == 404 or response.mimetype == "text/html"
    assert response.status_code < 500
    assert b"[build-system]" not in response.data


def test_downloads_page_lists_every_kept_release_with_pinned_links(client, kept):
    layout = client.page("/downloads")
    links = hrefs(layout)
    for release_id in (kept["current"], kept["earlier"]):
        assert f"/download/{release_id}/csec-release-{release_id}.zip" in links
        assert f"/?release={release_id}" in links
        assert f"/changes?release={release_id}" in links
    assert f"/download/{kept['current']}/cells.csv" in links
    text = text_of(layout)
    assert "2025-01-06" in text and "2025-01-05" in text  # the earlier release's dates
    earlier = client.page("/downloads", f"?release={kept['earlier']}")
    assert f"/download/{kept['earlier']}/cells.csv" in hrefs(earlier)


def test_an_earlier_release_has_its_own_fiscal_years(client, kept):
    layout = client.page("/", f"?release={kept['earlier']}")
    value, options = controls(layout)[ids.HOME_SFY]
    assert value == EARLIER_SFYS[-1]
    assert options == [*EARLIER_SFYS[::-1], urlstate.WINDOW_VALUE]
    labels = [n["props"]["children"] for n in walk(layout) if n["type"] == "Option"]
    assert labels[-1] == f"All six years (SFY {domain.window_of(EARLIER_SFYS)})"
    current = controls(client.page("/"))[ids.HOME_SFY]
    assert current[1] == [*domain.SFYS[::-1], urlstate.WINDOW_VALUE]
    later = client.page("/", f"?release={kept['earlier']}&sfy={domain.SFYS[-1]}")
    assert "is not a state fiscal year this dashboard knows" in text_of(later)


def test_an_earlier_release_draws_its_own_years(client, kept):
    layout = client.page("/county/fresno", f"?release={kept['earlier']}&sfy=all")
    figure = props_of(layout, ids.graph(ids.COUNTY_TREND))["figure"]
    assert figure["layout"]["xaxis"]["categoryarray"] == list(EARLIER_SFYS)
    assert f"of {len(EARLIER_SFYS)} years" in text_of(layout)
    home = client.page("/", f"?release={kept['earlier']}")
    trend = props_of(home, ids.graph(ids.HOME_TREND))["figure"]
    ticks = [a for k, a in trend["layout"].items() if k.startswith("xaxis") and a.get("tickvals")]
    assert ticks and ticks[0]["tickvals"] == list(EARLIER_SFYS)
    assert domain.SFYS[-1] not in json.dumps(trend["data"])


def test_control_callbacks_answer_in_the_release_of_the_page(client, kept):
    earlier = kept["earlier"]
    calls = 0
    for dep, values, _ in page_calls(client, "/funnel"):
        if values[-1] != "":
            continue
        calls += 1
        pinned_values = [*values[:-1], earlier]
        if values[1] == domain.SFYS[-1]:
            pinned_values[1] = EARLIER_SFYS[-1]
        reply = client.call(dep, pinned_values)
        for output_id, prop in DashClient.outputs(dep):
            if prop == "href":
                assert f"release={earlier}" in reply[output_id][prop]
            if output_id == ids.url("funnel"):
                assert f"release={earlier}" in reply[output_id][prop]["search"]
    assert calls > 1


def test_chart_csv_follows_the_release_of_the_page(client, kept):
    earlier = kept["earlier"]
    url = f"/download/chart/funnel-trend.csv?release={earlier}"
    frame = pl.read_csv(io.BytesIO(client.client.get(url).data), infer_schema_length=0)
    assert set(frame["release_id"]) == {earlier}
    assert set(frame["period"]) == set(EARLIER_SFYS)
    current = pl.read_csv(
        io.BytesIO(client.client.get("/download/chart/funnel-trend.csv").data),
        infer_schema_length=0,
    )
    assert set(current["release_id"]) == {kept["current"]}


def test_map_click_keeps_the_release(client, kept):
    dep = client.dep_for(ids.MAP_NAV)
    reply = client.call(dep, [{"points": [{"location": "06019"}]}, kept["earlier"]])
    assert reply[ids.MAP_NAV]["href"] == pinned(
        f"/county/fresno?sfy={EARLIER_SFYS[-1]}", kept["earlier"]
    )
    assert client.call(dep, [{"points": [{"location": "06019"}]}, ""])[ids.MAP_NAV]["href"] == (
        "/county/fresno"
    )


def test_reply_cache_keys_carry_the_release(client, app, kept):
    router = client.dep_for(ROUTER_OUTPUT)
    keys = set()
    for search in ("", f"?release={kept['earlier']}", f"?release={kept['current']}"):
        body = callback_body(router, ["/funnel", search])
        call = CallbackRequest(body["output"], ("/funnel", search), ())
        with app.server.test_request_context():
            keys.add(reply_key(app, call))
    assert None not in keys and len(keys) == 3
    assert any(f"release={kept['earlier']}" in k for k in keys)


def test_what_changed_counts_the_changes_table(client, kept):
    from dashboard.data.release import load

    rel = load(kept["release_dir"])
    table = pl.read_csv(kept["release_dir"] / "CHANGES.csv", infer_schema_length=0)
    assert table.height == rel.changes.height > 0
    layout = client.page("/changes")
    text = text_of(layout)
    revised = table.filter(pl.col("change") == "value").height
    new = table.filter(pl.col("change") == "new").height
    removed = table.filter(pl.col("change") == "removed").height
    assert f"{revised:,} published figures revised" in text
    assert f"{new:,} new figures" in text
    assert f"{removed:,} figures no longer in the release" in text
    assert "New periods: SFY 2021-22" in text
    assert METHOD_NOTE in text
    assert f"/download/{kept['current']}/CHANGES.csv" in hrefs(layout)
    assert f"/?release={kept['earlier']}" in hrefs(layout)  # the release it follows, pinned
    by_measure = changes_data.counted(rel.changes, ("measure",))
    assert int(by_measure["all"].sum()) == table.height
    tables = [n for n in walk(layout) if n["type"] == TEXT_TABLE]
    captions = [text_of(t) for t in tables]
    assert any("by period and area level" in c for c in captions)
    for row in by_measure.iter_rows(named=True):  # one row per measure, counts by kind
        assert str(row["value"]) in text


def test_what_changed_lists_roster_and_population_changes(client, kept):
    text = text_of(client.page("/changes"))
    assert "Opt-in roster: 1 row changed" in text  # an earlier year's row (release_history)
    assert "Population: 1 row changed" in text
    roster = pl.read_csv(kept["release_dir"] / "opt_in_roster.csv", infer_schema_length=0)
    new = roster.filter(pl.col("sfy") == domain.SFYS[-1])
    opted = new.filter(pl.col("opted_in") == "true").height
    assert f"SFY {domain.SFYS[-1]} is new: {opted} of {new.height} counties opted in." in text
    assert f"SFY {domain.SFYS[-1]} is new: residents listed for {new.height} counties." in text


def test_the_first_release_says_so(client, kept):
    text = text_of(client.page("/changes", f"?release={kept['earlier']}"))
    assert "This is the first release" in text
    assert "No change of method" in text


def test_without_a_history_index_only_the_current_release_exists(fixture_like_app, kept):
    client = DashClient(fixture_like_app)
    layout = client.page("/downloads")
    assert f"/?release={kept['current']}" in hrefs(layout)
    assert f"/?release={kept['earlier']}" not in hrefs(layout)
    response = client.client.get(f"/download/{kept['earlier']}/cells.csv")
    assert response.status_code == 404


@pytest.fixture(scope="module")
def fixture_like_app(kept, tmp_path_factory):
    """Return the app on the current release alone (a history directory with no index)."""
    from dashboard.app import create_app
    from dashboard.settings import Settings

    return create_app(
        Settings(
            release_dir=kept["release_dir"],
            history_dir=tmp_path_factory.mktemp("no-history"),
            geojson_path=GEOJSON,
            compress=False,
            **UNBOUNDED,
        )
    )


def test_a_kept_release_that_fails_the_verifier_is_never_served(kept, tmp_path):
    import shutil

    from dashboard.app import create_app
    from dashboard.settings import Settings

    history_dir = tmp_path / "releases"
    shutil.copytree(kept["history_dir"], history_dir)
    broken = history_dir / kept["earlier"] / "cells.csv"
    broken.write_text(broken.read_text().replace(",published,", ",published ,", 1))
    app = create_app(
        Settings(
            release_dir=kept["release_dir"],
            history_dir=history_dir,
            geojson_path=GEOJSON,
            compress=False,
            **UNBOUNDED,
        )
    )
    client = DashClient(app)
    assert client.client.get(f"/download/{kept['earlier']}/cells.csv").status_code == 404
    layout = client.page("/", f"?release={kept['earlier']}")
    assert props_of(layout, ids.RELEASE_LINE)["data-release-id"] == kept["current"]
    notice = json.dumps(props_of(layout, ids.RELEASE_NOTICE)["children"])
    assert f"Release {kept['earlier']} cannot be shown" in notice


def test_a_malformed_history_index_stops_start_up(kept, tmp_path):
    from dashboard.app import create_app
    from dashboard.settings import Settings

    (tmp_path / "index.json").write_text('{"releases": [{"release_id": 1}]}')
    with pytest.raises(ValueError, match="not a valid release history index"):
        create_app(
            Settings(
                release_dir=kept["release_dir"],
                history_dir=tmp_path,
                geojson_path=GEOJSON,
                compress=False,
            )
        )


def test_methodology_explains_successive_releases(client, kept):
    layout = client.page("/methodology", f"?release={kept['earlier']}")
    assert "Successive releases" in text_of(layout)
    assert domain.SUCCESSIVE_RELEASES_RULE in text_of(layout)
    assert f"/changes?release={kept['earlier']}" in hrefs(layout)
    assert f"/downloads?release={kept['earlier']}" in hrefs(layout)


def test_each_release_has_its_own_cached_replies(client, kept):
    from dashboard.server.replies import HIT_HEADER

    router = client.dep_for(ROUTER_OUTPUT)
    replies = {}
    for search in ("?sfy=2016-17", f"?sfy=2016-17&release={kept['earlier']}"):
        body = callback_body(router, ["/placement", search])
        first = client.client.post("/_dash-update-component", json=body)
        again = client.client.post("/_dash-update-component", json=body)
        assert again.headers[HIT_HEADER] == "hit" and again.data == first.data
        replies[search] = first.data
    assert len(set(replies.values())) == 2  # same view, other release: other figures


def test_what_changed_when_the_previous_release_is_no_longer_kept(kept, tmp_path):
    from dashboard.app import create_app
    from dashboard.settings import Settings

    index = json.loads((kept["history_dir"] / "index.json").read_text())
    index["releases"] = index["releases"][:1]  # the earlier release was pruned
    (tmp_path / "index.json").write_text(json.dumps(index))
    app = create_app(
        Settings(
            release_dir=kept["release_dir"],
            history_dir=tmp_path,
            geojson_path=GEOJSON,
            compress=False,
            **UNBOUNDED,
        )
    )
    layout = DashClient(app).page("/changes")
    text = json.dumps(layout)
    assert f"Since release {kept['earlier']}:" in text
    assert " (no longer kept on this site)." in text
    assert "The previous release is not kept on this site" in text
    assert f"/?release={kept['earlier']}" not in hrefs(layout)
    window = domain.window_of(domain.SFYS)
    new = f"New periods: SFY {domain.SFYS[-1]}, SFY {window} (all seven years)."
    assert new in text  # from the changes table: every cell of those periods is new


@pytest.mark.parametrize("path", [*PAGES, "/county/fresno", "/map?view=roster"])
def test_every_link_to_a_page_keeps_an_earlier_release(client, kept, path):
    earlier = kept["earlier"]
    layout = client.page(path.split("?")[0], "?" + pinned(path, earlier).split("?")[1])
    same_view = props_of(layout, ids.CURRENT_VIEW)["href"]
    links = [
        h
        for h in hrefs(layout)
        if h.startswith("/") and "/download/" not in h and h not in (same_view, "/changes")
    ]
    assert links
    # each names the earlier release (or, on the downloads page, the release it lists)
    assert [h for h in links if "release=" not in h] == []
    assert any(f"release={earlier}" in h for h in links)


def test_county_callbacks_keep_the_release_in_their_links(client, kept):
    dep = client.dep_for(ids.COUNTY_PROFILE)
    reply = client.call(dep, ["fresno", "reports_per_100k", EARLIER_SFYS[-1], kept["earlier"]])
    links = hrefs(reply[ids.COUNTY_PROFILE]["children"])
    assert links and all(f"release={kept['earlier']}" in h for h in links)
    assert f"release={kept['earlier']}" in reply[ids.COUNTY_BRIEF]["href"]
