"""Figure builders and summaries on tiny hand-built frames: gaps stay gaps, notices are in."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io
import polars as pl
import pytest

from dashboard import domain
from dashboard.figures import bars, funnel, map, text, theme, trend

P, S, N = domain.PUBLISHED, domain.SUPPRESSED, domain.NOT_OPTED_IN
SOURCE = f"<b>{domain.SYNTHETIC_NOTICE}</b><br>Source: test release"


def _series(rows):
    return pl.DataFrame(
        rows,
        schema={
            "series": pl.String,
            "label": pl.String,
            "period": pl.String,
            "value": pl.Float64,
            "status": pl.String,
        },
        orient="row",
    )


def _plain(markup: str) -> str:
    return markup.replace("<br>", " ")


def _figure_text(fig: go.Figure) -> str:
    return _plain(json.dumps(fig.to_plotly_json(), default=str))


def _json(figure: dict) -> dict:
    return json.loads(plotly.io.to_json(figure, validate=False))


def _fig(figure: dict) -> go.Figure:
    """Return a built figure (a plain dict) as plotly objects, asserting plotly takes it as is:
    every property known and valid, nothing coerced into another value."""
    fig = go.Figure(figure)
    assert _json(fig.to_plotly_json()) == _json(figure)
    return fig


@pytest.fixture
def two_series():
    rows = []
    for i, sfy in enumerate(domain.SFYS):
        rows.append(("reports", "CSE reports", sfy, 100.0 + i, P))
        status = S if sfy == "2017-18" else (N if sfy == "2015-16" else P)
        rows.append(("youth", "Young people", sfy, 50.0 + i if status == P else None, status))
    return _series(rows)


def test_trend_leaves_gaps_and_never_connects_them(two_series):
    fig = _fig(trend.trend(two_series, "Title", "count", SOURCE))
    youth = next(t for t in fig.data if t.name == "Young people")
    assert youth.y[0] is None and youth.y[2] is None
    assert 0 not in youth.y
    assert youth.connectgaps is False
    assert list(youth.x) == list(domain.SFYS)
    assert youth.text[2] == "Suppressed" and youth.text[0] == "Not opted in"


def test_every_figure_carries_notice_source_and_note(two_series):
    fig = _fig(trend.trend(two_series, "Title", "count", SOURCE))
    notes = _plain(fig.layout.annotations[-1].text)
    assert domain.SYNTHETIC_NOTICE.split(":")[0] in notes
    assert "Source: test release" in notes
    assert "1 value suppressed to protect privacy" in notes
    assert "1 value not shown: not opted in" in notes


def _lines(fig: go.Figure) -> list:
    return [t for t in fig.data if t.mode == "lines+markers"]


def test_trend_styles_differ_by_more_than_colour(two_series):
    lines = _lines(_fig(trend.trend(two_series, "Title", "count", SOURCE)))
    dashes = {t.line.dash for t in lines}
    symbols = {t.marker.symbol for t in lines}
    assert len(dashes) == len(symbols) == len(lines) == 2


def test_hidden_years_are_marked_on_the_axis_by_reason(two_series):
    fig = _fig(trend.trend(two_series, "Title", "count", SOURCE))
    gaps = [t for t in fig.data if t.yaxis == "y2" and t.x != (None,)]
    by_reason = {t.legendgroup: list(t.x) for t in gaps}
    assert by_reason == {S: ["2017-18"], N: ["2015-16"]}
    assert all(min(t.y) > 0 for t in gaps)  # on their own 0-1 axis, never a value of zero
    assert fig.layout.yaxis2.overlaying == "y" and fig.layout.yaxis2.visible is False
    legend = [t.name for t in fig.data if t.showlegend is not False and t.yaxis == "y2"]
    assert legend == [trend.GAP_STYLE[S][1], trend.GAP_STYLE[N][1]]
    assert "Young people, SFY %{x}: Suppressed" in gaps[0].hovertemplate


def test_peer_band_is_drawn_behind_the_lines_with_gaps():
    periods = list(domain.SFYS)
    band = pl.DataFrame(
        {
            "period": periods,
            "p25": [10.0, None, *[10.0] * 5],
            "median": [12.0, None, *[12.0] * 5],
            "p75": [14.0, None, *[14.0] * 5],
            "peers": [4, 2, *[4] * 5],
            "status": [P, domain.NOT_APPLICABLE, *[P] * 5],
        }
    )
    own = _series([("county", "A County", p, 11.0, P) for p in periods])
    fig = _fig(trend.trend(own, "Title", "per_100k", SOURCE, band=band))
    upper, lower, median = fig.data[:3]
    assert lower.fill == "tonexty" and upper.y[1] is None and median.y[1] is None
    assert median.y[0] == 12.0 and "county itself left out" in median.name


def test_trend_empty_state_says_why():
    frame = _series([("reports", "CSE reports", s, None, N) for s in domain.SFYS])
    fig = _fig(
        trend.trend(frame, "Title", "count", SOURCE, "No reports: Alpine County had not opted in.")
    )
    assert not fig.data
    assert any("Alpine County had not opted in" in _plain(a.text) for a in fig.layout.annotations)


def test_not_opted_in_years_are_shaded():
    rows = [
        ("reports", "CSE reports", s, None if s == "2015-16" else 20.0, N if s == "2015-16" else P)
        for s in domain.SFYS
    ]
    fig = _fig(trend.trend(_series(rows), "Title", "count", SOURCE))
    assert len(fig.layout.shapes) == 1


def test_small_multiples_one_panel_per_series(two_series):
    fig = _fig(trend.small_multiples(two_series, "Title", "count", SOURCE, "Reports"))
    assert len(_lines(fig)) == 2
    assert {t.yaxis for t in _lines(fig)} == {"y", "y3"}  # y2, y4: the panels' gap axes


def _bars(statuses):
    values = [1200 if s == P else None for s in statuses]
    return pl.DataFrame(
        {"label": [f"Cat {i}" for i in range(len(statuses))], "value": values, "status": statuses},
        schema={"label": pl.String, "value": pl.Int64, "status": pl.String},
    )


def test_bars_hide_suppressed_values_with_a_reason():
    fig = _fig(bars.category_bars(_bars([P, S, P]), "Title", "count", SOURCE, "Reports"))
    (bar,) = fig.data
    assert list(bar.x) == [1200, None, 1200]
    texts = [a.text for a in fig.layout.annotations]
    assert any("Suppressed: hidden to protect privacy" in t for t in texts)
    assert len(fig.layout.shapes) == 1


def test_bars_all_not_opted_in_is_an_empty_state():
    fig = _fig(
        bars.category_bars(
            _bars([N, N]), "Title", "count", SOURCE, "Reports", "No reports: X had not opted in."
        )
    )
    assert not fig.data
    assert "X had not opted in" in _figure_text(fig)


def test_funnel_notes_only_published_rates():
    frame = pl.DataFrame(
        {
            "measure": ["reports", "screened_in"],
            "label": ["CSE reports", "Screened in"],
            "value": [1000, 650],
            "status": [P, P],
            "rate": [None, "screen_in_rate"],
            "rate_label": [None, "Screened in, % of reports"],
            "rate_value": [None, 65.0],
            "rate_status": [None, P],
        }
    )
    rows = funnel.with_notes(frame)
    assert rows["note"].to_list() == ["", "65.0% of reports"]
    hidden = frame.with_columns(
        rate_status=pl.Series([None, S]), rate_value=pl.Series([None, None], dtype=pl.Float64)
    )
    assert funnel.with_notes(hidden)["note"].to_list() == ["", ""]


@pytest.fixture
def map_frame(geojson):
    fips = [f["id"] for f in geojson["features"]][:5]
    return pl.DataFrame(
        {
            "fips": fips,
            "name": ["A", "B", "C", "D", "E"],
            "value": [12.5, 30.25, None, None, 18.0],
            "status": [P, P, S, N, P],
        }
    )


def test_choropleth_draws_each_status_as_its_own_trace(map_frame, geojson):
    fig = _fig(map.choropleth(map_frame, geojson, "Title", "per_100k", SOURCE, "Rate"))
    published = fig.data[0]
    assert list(published.locations) == [map_frame["fips"][i] for i in (0, 1, 4)]
    assert list(published.z) == [12.5, 30.25, 18.0]
    names = {t.name for t in fig.data if t.showlegend is not False}
    assert any("Suppressed" in n for n in names) and any("Not opted in" in n for n in names)
    flat = [t for t in fig.data if isinstance(t, go.Choropleth) and t.meta == {"kind": "key"}]
    assert {tuple(t.z) for t in flat} == {(map.KEY_Z,)}
    hover = " ".join(h for t in fig.data[1:] for h in t.text)
    assert domain.STATUS_REASONS[S] in hover and domain.STATUS_REASONS[N] in hover
    assert fig.layout.geo.fitbounds == "locations"
    assert all(t.featureidkey == "id" for t in fig.data)


def test_roster_map_marks_the_roster_illustrative(geojson):
    fips = [f["id"] for f in geojson["features"]][:3]
    frame = pl.DataFrame(
        {
            "fips": fips,
            "name": ["A", "B", "C"],
            "first_sfy": ["2015-16", "2018-19", None],
            "opted_in": [True, False, False],
        }
    )
    fig = _fig(map.roster(frame, geojson, "Title", SOURCE, "2016-17"))
    assert domain.ROSTER_NOTICE in _figure_text(fig)
    assert [t.name for t in fig.data if t.showlegend is not False][:1] == ["First year SFY 2015-16"]


def test_roster_map_gives_each_first_year_a_shape_besides_its_colour(geojson):
    fips = [f["id"] for f in geojson["features"]][: len(domain.SFYS)]
    frame = pl.DataFrame(
        {
            "fips": fips,
            "name": [f"County {i}" for i in range(len(fips))],
            "first_sfy": list(domain.SFYS),
            "opted_in": [True] * len(fips),
        }
    )
    fig = _fig(map.roster(frame, geojson, "Title", SOURCE, domain.SFYS[-1]))
    markers = [t for t in fig.data if t.type == "scattergeo"]
    assert [t.name for t in markers] == [f"First year {domain.sfy_label(s)}" for s in domain.SFYS]
    assert len({t.marker.symbol for t in markers}) == len(domain.SFYS)
    fills = {t.name: t.colorscale[0][1] for t in fig.data if t.type == "choropleth"}
    assert all(t.marker.color == fills[t.name] for t in markers)  # legend shows shape and colour
    assert not any(t.showlegend for t in fig.data if t.type == "choropleth")


def test_status_note_counts_and_reasons():
    note = text.status_note([P, S, S, N])
    assert "2 values of 4 are suppressed" in note
    assert domain.STATUS_REASONS[S] in note
    assert "never zero" in note
    assert text.status_note([P, P]) == "All 2 values are published."


def test_series_summary_reads_only_published_values(two_series):
    summary = text.series_summary(two_series, "count", "Where")
    assert summary.startswith("CSE reports: up 6% (from 100 in SFY 2015-16 to 106 in SFY 2021-22)")
    assert "Young people: up 10% (from 51 in SFY 2016-17 to 56 in SFY 2021-22)" in summary
    assert "published for 5 of 7 years" in summary
    assert "highest in SFY 2021-22 (56)" in summary
    assert "1 value of 14 is suppressed" in summary


def test_a_series_with_one_published_point_says_so():
    rows = [("r", "A", p, 40.0 if p == "2019-20" else None, P if p == "2019-20" else S)
            for p in domain.SFYS]  # fmt: skip
    summary = text.series_summary(_series(rows), "count", "Where")
    assert "A: published for one year only (SFY 2019-20: 40), so no trend can be drawn." in summary


@pytest.mark.parametrize(
    ("first", "last", "unit", "expected"),
    [
        (20.0, 26.2, "count", "up 31% (from 20 in SFY 2015-16 to 26 in SFY 2021-22)"),
        (40.0, 30.0, "per_100k", "down 25% (from 40.00 per 100,000 residents"),
        (60.0, 52.5, "percent", "down 7.5 percentage points (from 60.0%"),
        (0.0, 15.0, "count", "up by 15 (from 0"),
        (12.0, 12.0, "count", "unchanged (from 12"),
    ],
)
def test_change_from_first_to_last_published_year(first, last, unit, expected):
    rows = [("r", "A", p, first if i == 0 else last, P) for i, p in enumerate(domain.SFYS)]
    assert text.change(_series(rows), unit).startswith(expected)


def test_standing_against_the_peer_median_and_the_state():
    periods = list(domain.SFYS)
    own = _series([("county", "A", p, 10.0 + i, P) for i, p in enumerate(periods)])
    state = _series([("state", "CA", p, 12.0, P) for p in periods])
    band = pl.DataFrame(
        {"period": periods, "median": [11.0] * 7, "status": [P] * 6 + [domain.NOT_APPLICABLE]}
    )
    sentence = text.standing("A County", own, band, state, "per_100k")
    assert sentence == (
        "A County: up 60% since SFY 2015-16; above the peer median in 4 of 6 years; "
        "above California in 4 of 7 years."
    )


def test_map_summary_names_highest_and_lowest(map_frame):
    summary = text.map_summary(map_frame, "per_100k", "Rate")
    assert "published for 3 of 5 counties" in summary
    assert "highest B (30.25 per 100,000 residents)" in summary
    assert "lowest A (12.50 per 100,000 residents)" in summary
    assert "1 county of 5 is suppressed" in summary


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (12345, "count", "12,345"),
        (0, "count", "0"),
        (64.25, "percent", "64.2%"),
        (7.5, "per_100k", "7.50"),
        (None, "count", ""),
    ],
)
def test_fmt(value, unit, expected):
    assert text.fmt(value, unit) == expected


def test_wrap_keeps_existing_breaks():
    assert theme.wrap("a b<br>c", 3) == "a b<br>c"
    assert "<br>" in theme.wrap("word " * 30, 20)


def test_a_count_is_compared_with_nothing_and_a_county_never_in_the_program_says_so():
    periods = list(domain.SFYS)
    own = _series([("county", "A", p, 100.0 + i, P) for i, p in enumerate(periods)])
    assert (
        text.standing("A County", own, None, None, "count") == "A County: up 6% since SFY 2015-16."
    )
    never = _series([("county", "A", p, None, N) for p in periods])
    assert text.standing("A County", never, None, None, "count") == (
        "A County: not in the program in any of these years."
    )
