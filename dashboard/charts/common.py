"""What every chart view is made of, and the helpers the chart builders share."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from dashboard import domain, urlstate
from dashboard.data.geographies import Geo
from dashboard.data.release import Release
from dashboard.figures import text

Cell = str | dict


@dataclass(frozen=True)
class Context:
    """What a chart builder reads: the release, and the county boundaries (or their URL)."""

    release: Release
    geojson: dict | str | None = None


@dataclass(frozen=True)
class ChartView:
    """One chart as shown: title, figure JSON, summary, table alternative and its data (the CSV
    is written only when it is downloaded)."""

    title: str
    figure: dict | None
    summary: str
    columns: tuple[tuple[str, bool], ...]
    rows: tuple[tuple[Cell, ...], ...]
    export: pl.DataFrame = field(compare=False, repr=False)

    @property
    def csv(self) -> str:
        """Return the CSV of the chart's data."""
        return self.export.write_csv()


def source_line(release: Release, *tables: str) -> str:
    """Return the source line of a chart (release id, tables, synthetic tag)."""
    files = ", ".join(f"{t}.csv" for t in tables)
    return f"Source: California CSEC Program dashboard, release {release.release_id[:12]}: {files}."


CAVEAT = "Identification is not prevalence: who came to the attention of child welfare."


def permalink(release: Release, view: urlstate.View) -> str | None:
    """Return the public address of a view, pinned to its release (the release's URL, then the
    view's path and query); None for a release published nowhere."""
    if release.url is None:
        return None
    return release.url.rstrip("/") + urlstate.pinned_site_path(
        view.page, view.values, release.release_id
    )


def figure_source(
    release: Release, *tables: str, view: urlstate.View | None = None, lines: tuple = ()
) -> str:
    """Return the notes a figure (and its PNG) carries: notice, caveat, extra lines, source,
    dates, licence and, given a view, its permalink."""
    notice = f"<b>{release.notice}</b><br>" if release.notice else ""
    address = permalink(release, view) if view else None
    link = f"<br>Link: {address}" if address else ""
    return (
        f"{notice}{CAVEAT}<br>{''.join(f'{line}<br>' for line in lines)}"
        f"{source_line(release, *tables)} Released {release.release_date.isoformat()}; "
        f"data extracted {release.extract_date.isoformat()}. Data licence "
        f"{release.data_license}.{link}"
    )


def tagged(frame: pl.DataFrame, release: Release) -> pl.DataFrame:
    """Return a chart's data as its CSV has it: each row carries the source tag, dates and licence.

    A synthetic release's rows also carry its notice.
    """
    extra = {
        "data_source": pl.lit(release.data_source),
        "release_id": pl.lit(release.release_id),
        "release_date": pl.lit(release.release_date.isoformat()),
        "extract_date": pl.lit(release.extract_date.isoformat()),
        "data_license": pl.lit(release.data_license),
    }
    if release.notice:
        extra["notice"] = pl.lit(release.notice)
    return frame.with_columns(**extra)


def geo_of(release: Release, view: urlstate.View) -> Geo:
    """Return the geography of a view's `geo` value."""
    return release.geos.resolve(view["geo"]) or release.geos.by_key["state"]


def period_of(release: Release, view: urlstate.View) -> str:
    """Return the release period of a view's `sfy` value ("all": the release's whole window)."""
    return urlstate.period(view["sfy"], release.sfys)


def when(period: str) -> str:
    """Return a period in words ("SFY 2021-22", "SFY 2015-16 to 2021-22 (all seven years)")."""
    return domain.sfy_label(period)


def empty_message(noun: str, geo: Geo, period: str) -> str:
    """Return the empty state of a geography that had not opted in."""
    during = "at any time in" if domain.is_window(period) else "in"
    if geo.level == "region":
        subject = f"no county in the {geo.name} region was"
    elif geo.level == "peer_group":
        subject = f"no county in the peer group {geo.name} was"
    else:
        subject = f"{geo.label} was not"
    return f"No {noun}: {subject} in the program {during} {when(period)}."


def status_reason(status: str) -> str:
    """Return the public reason of a status ("" when published)."""
    return "" if status == domain.PUBLISHED else domain.STATUS_REASONS.get(status, status)


def reason_column() -> pl.Expr:
    """Return the `status_reason` of each row's status as a column expression."""
    reasons = {**domain.STATUS_REASONS, domain.PUBLISHED: ""}
    return pl.col("status").replace_strict(
        reasons, default=pl.col("status"), return_dtype=pl.String
    )


def export_frame(frame: pl.DataFrame, geo: Geo, unit: str, metric_column: str) -> pl.DataFrame:
    """Return a long frame of a chart's values with geography, metric, unit, status and reason."""
    return frame.select(
        geo_level=pl.lit(geo.level),
        geo_id=pl.lit(geo.id),
        geo_name=pl.lit(geo.name),
        period=pl.col("period"),
        measure=pl.col(metric_column),
        measure_label=pl.col("label"),
        value=pl.col("value").cast(pl.Int64) if unit == "count" else pl.col("value"),
        unit=pl.lit(unit),
        status=pl.col("status"),
        status_reason=reason_column(),
    )


def series_table(frame: pl.DataFrame, unit: str, sfys: tuple[str, ...]) -> tuple[tuple, tuple]:
    """Return columns and rows of a series frame: one row per SFY, one column per series."""
    labels = list(dict.fromkeys(frame["label"].to_list()))
    columns = (("State fiscal year", False), *((label, True) for label in labels))
    cells: dict[str, dict[str, str]] = {}
    for label, period, value, status in frame.select("label", "period", "value", "status").rows():
        cells.setdefault(period, {})[label] = text.cell_text(value, status, unit)
    rows = [
        (domain.sfy_label(period), *(cells.get(period, {}).get(label, "") for label in labels))
        for period in sfys
    ]
    return columns, tuple(rows)
