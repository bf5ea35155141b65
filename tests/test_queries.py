"""The data layer: release verification fails closed; queries return release values only."""

from __future__ import annotations

import io
import json
import shutil
import zipfile

import polars as pl
import pytest
from conftest import write_manifest

from dashboard import domain
from dashboard.data import bundle, queries, release
from dashboard.data.release import ReleaseError


@pytest.fixture
def copy(fixture_release_dir, tmp_path):
    """Return a fresh copy of the fixture release to tamper with."""
    target = tmp_path / "aggregates"
    shutil.copytree(fixture_release_dir, target)
    release.load.cache_clear()
    yield target
    release.load.cache_clear()


def _rewrite(directory, table, frame):
    """Rewrite a table (parquet and csv) and its manifest entry."""
    frame.write_parquet(directory / f"{table}.parquet")
    frame.write_csv(directory / f"{table}.csv")
    write_manifest(directory)


def test_fixture_release_loads(fixture_release):
    assert fixture_release.release_id
    assert len(fixture_release.geos.counties) == 58
    assert set(fixture_release.metrics) == set(queries.METRICS)


def test_missing_release_refuses(tmp_path):
    with pytest.raises(ReleaseError, match=r"manifest\.json is missing"):
        release.load(tmp_path)


def test_altered_file_refuses(copy):
    with (copy / "cells.csv").open("a") as handle:
        handle.write("tampered\n")
    with pytest.raises(ReleaseError, match="SHA-256"):
        release.load(copy)


def test_missing_required_file_refuses(copy):
    (copy / "audit.json").unlink()
    write_manifest(copy)
    with pytest.raises(ReleaseError, match=r"audit\.json"):
        release.load(copy)


def test_small_published_count_refuses(copy):
    cells = pl.read_parquet(copy / "cells.parquet")
    row = cells.with_row_index().filter(pl.col("status") == domain.PUBLISHED).row(0, named=True)
    cells = cells.with_columns(
        value=pl.when(pl.int_range(pl.len()) == row["index"]).then(3).otherwise(pl.col("value"))
    )
    _rewrite(copy, "cells", cells)
    with pytest.raises(ReleaseError, match=r"1\.\.10"):
        release.load(copy)


def test_value_behind_a_suppressed_status_refuses(copy):
    cells = pl.read_parquet(copy / "cells.parquet")
    cells = cells.with_columns(
        value=pl.when(pl.col("status") == domain.SUPPRESSED).then(0).otherwise(pl.col("value"))
    )
    _rewrite(copy, "cells", cells)
    with pytest.raises(ReleaseError, match="disagrees"):
        release.load(copy)


def test_wide_table_disagreeing_with_cells_refuses(copy):
    wide = pl.read_parquet(copy / "funnel_wide.parquet")
    wide = wide.with_columns(reports=pl.col("reports") + 1000)
    _rewrite(copy, "funnel_wide", wide)
    with pytest.raises(ReleaseError, match="funnel_wide disagrees"):
        release.load(copy)


def test_failed_audit_refuses(copy):
    audit = json.loads((copy / "audit.json").read_text())
    (copy / "audit.json").write_text(json.dumps({**audit, "passed": False}))
    write_manifest(copy)
    with pytest.raises(ReleaseError, match="audit"):
        release.load(copy)


def test_manifest_path_outside_release_refuses(copy):
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["files"].append({"path": "../secret.csv", "sha256": "0"})
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ReleaseError, match="outside"):
        release.load(copy)


def _published_counts(rel) -> set[int]:
    return set(rel.cells.filter(pl.col("status") == domain.PUBLISHED)["value"].to_list())


def test_funnel_returns_release_values_in_stage_order(fixture_release):
    frame = queries.funnel(fixture_release, "state", domain.STATE_FIPS, "2018-19")
    assert frame["measure"].to_list() == list(queries.FUNNEL_STAGES)
    cells = fixture_release.cells.filter(
        (pl.col("geo_level") == "state")
        & (pl.col("period") == "2018-19")
        & (pl.col("breakdown") == "total")
    )
    expected = dict(zip(cells["measure"], cells["value"], strict=True))
    for row in frame.iter_rows(named=True):
        assert row["value"] == expected[row["measure"]]
    assert frame.filter(pl.col("rate").is_not_null())["rate"].to_list() == list(
        queries.STAGE_RATE.values()
    )


def test_not_opted_in_county_is_null_with_status(fixture_release):
    alpine = fixture_release.geos.resolve_county("alpine")
    years = queries.opted_in_sfys(fixture_release, alpine.id)
    out = [s for s in domain.SFYS if s not in years]
    assert out, "the reference roster has Alpine out in some year"
    val, status = queries.value(fixture_release, "reports", "county", alpine.id, out[0])
    assert (val, status) == (None, domain.NOT_OPTED_IN)


def test_suppressed_values_stay_null(fixture_release):
    frame = queries.county_values(fixture_release, "reports", "2015-16")
    assert frame.height == 58
    hidden = frame.filter(pl.col("status") != domain.PUBLISHED)
    assert hidden.height and hidden["value"].null_count() == hidden.height


def test_series_covers_every_sfy_per_metric(fixture_release):
    frame = queries.series(fixture_release, ("reports", "youth"), "region", "bay_area")
    assert frame.height == 2 * len(domain.SFYS)
    assert frame.filter(pl.col("series") == "youth")["period"].to_list() == list(domain.SFYS)


def test_demographics_lists_every_category(fixture_release):
    frame = queries.demographics(fixture_release, "youth", "age_group", domain.WINDOW)
    assert frame["category"].to_list() == list(domain.AGE_GROUPS)
    assert frame["label"].to_list()[0] == "Under 12"


def test_roster_cohorts_and_counts(fixture_release):
    frame = queries.roster(fixture_release, "2015-16")
    assert frame.height == 58
    assert queries.opted_in_count(fixture_release, "2015-16") == 35
    assert queries.opted_in_count(fixture_release, "2021-22") == 47
    assert set(frame.filter(pl.col("opted_in"))["first_sfy"].to_list()) == {"2015-16"}


def test_ranks_only_rates_among_published_peers(fixture_release):
    rel = fixture_release
    ranked = 0
    for county in rel.geos.counties:
        assert queries.rank(rel, "reports", county.fips, "2019-20").position is None
        for period in ("2015-16", domain.WINDOW):
            rank = queries.rank(rel, "reports_per_100k", county.fips, period)
            peers = {c.fips for c in rel.geos.peers(county.fips)}
            frame = queries.county_values(rel, "reports_per_100k", period).filter(
                pl.col("fips").is_in(peers)
            )
            shown = frame.filter(pl.col("status") == domain.PUBLISHED)
            if rank.position is not None:
                ranked += 1
                own = shown.filter(pl.col("fips") == county.fips)["value"][0]
                assert rank.position == 1 + (shown["value"] > own).sum()
                assert rank.of == shown.height
                assert rank.text() == f"{rank.position} of {shown.height} published"
            else:
                assert rank.reason.startswith("not ranked")
    assert ranked


def test_peer_band_of_the_release_and_nearest_published_year(fixture_release):
    rel = fixture_release
    fresno = rel.geos.resolve_county("fresno")
    band = queries.peer_band(rel, "reports_per_100k", fresno.id)
    assert band["period"].to_list() == list(domain.SFYS)
    for row in band.iter_rows(named=True):
        assert (row["median"] is not None) == (row["status"] == domain.PUBLISHED)
        assert row["status"] != domain.PUBLISHED or row["peers"] >= 3
    for period in domain.SFYS:
        year = queries.nearest_year(rel, "reports", fresno.id, period)
        if year is not None:
            assert year != period
            assert queries.value(rel, "reports", "county", fresno.id, year)[1] == domain.PUBLISHED


def test_visibility_agrees_with_the_cells(fixture_release):
    rel = fixture_release
    fresno = rel.geos.resolve_county("fresno")
    shares = queries.visibility(rel, fresno.id)
    cells = rel.cells.filter(
        (pl.col("geo_id") == fresno.id) & (pl.col("status") != domain.NOT_OPTED_IN)
    )
    overall = shares.filter(pl.col("measure") == "all").row(0, named=True)
    assert overall["cells"] == cells.height
    assert overall["published"] == (cells["status"] == domain.PUBLISHED).sum()


def test_benchmark_table_has_every_metric(fixture_release):
    county = fixture_release.geos.resolve_county("fresno")
    frame = queries.benchmark_table(fixture_release, county.id, "2019-20")
    assert frame["metric"].to_list() == list(queries.METRICS)
    row = frame.filter(pl.col("metric") == "reports").row(0, named=True)
    assert (
        row["county_value"]
        == queries.value(fixture_release, "reports", "county", county.id, "2019-20")[0]
    )


def test_release_zip_holds_every_manifest_file(fixture_release):
    data = bundle.release_zip(fixture_release)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert set(names) == {f["path"] for f in fixture_release.files} | {
        "manifest.json",
        "SHA256SUMS",
    }
    assert bundle.release_zip(fixture_release) == data
    assert bundle.sha256sums(fixture_release).count("\n") == len(fixture_release.files)


def test_statewide_breakdowns_are_the_release_rows(fixture_release):
    rel = fixture_release
    state = rel.demographics.filter(
        (pl.col("geo_level") == "state") & pl.col("breakdown").is_in(list(domain.BREAKDOWNS))
    )
    assert state.height
    for (measure, breakdown, period), part in state.partition_by(
        ["measure", "breakdown", "period"], as_dict=True
    ).items():
        frame = queries.demographics(rel, measure, breakdown, period)
        assert frame["category"].to_list() == list(domain.BREAKDOWNS[breakdown])
        expected = {r["category"]: (r["value"], r["status"]) for r in part.iter_rows(named=True)}
        for row in frame.iter_rows(named=True):
            assert (row["value"], row["status"]) == expected.get(
                row["category"], (None, queries.MISSING)
            )


def test_peer_bands_are_the_release_rows(fixture_release):
    rel = fixture_release
    columns = ("p25", "median", "p75", "peers", "status")
    for (rate, fips), part in rel.peer_bands.partition_by(
        ["rate", "county_fips"], as_dict=True
    ).items():
        rows = {r["period"]: r for r in part.iter_rows(named=True)}
        band = queries.peer_band(rel, rate, fips)
        assert band["period"].to_list() == list(rel.sfys)
        for got in band.iter_rows(named=True):
            want = rows.get(got["period"])
            if want is None:
                assert got["status"] == queries.MISSING and got["median"] is None
                continue
            assert {c: got[c] for c in columns} == {c: want[c] for c in columns}
            at = queries.band_at(rel, rate, fips, got["period"])
            assert (at is not None) == (want["status"] == domain.PUBLISHED)
            assert at is None or at["median"] == want["median"]


def test_roster_of_every_period_is_the_release_roster(fixture_release):
    rel = fixture_release
    opted = rel.roster.filter(pl.col("opted_in") & pl.col("sfy").is_in(rel.sfys))
    first = dict(opted.group_by("county_fips").agg(pl.col("sfy").min()).iter_rows())
    for period in rel.periods:
        frame = queries.roster(rel, period)
        during = opted if domain.is_window(period) else opted.filter(pl.col("sfy") == period)
        assert frame["fips"].to_list() == [c.fips for c in rel.geos.counties]
        assert frame["first_sfy"].to_list() == [first.get(f) for f in frame["fips"]]
        assert frame["opted_in"].to_list() == [
            f in set(during["county_fips"]) for f in frame["fips"]
        ]
        assert queries.opted_in_count(rel, period) == frame["opted_in"].sum()
