"""Downloads: the full release as files and one zip, a preview, and code to read it."""

from __future__ import annotations

import polars as pl
from dash import Dash, Output, dcc, html

from dashboard import ids, urlstate
from dashboard.components import controls, notices
from dashboard.components.table import data_table
from dashboard.data import bundle, history, release
from dashboard.pages import common

PAGE = "downloads"
PREVIEW_ROWS = 15
DESCRIPTIONS = {
    "cells": "every published count, long form (one row per measure, area, year, breakdown)",
    "rates": "rates and shares with their numerator and denominator",
    "funnel_wide": "the report funnel, one row per area and year",
    "youth_wide": "young people identified, one row per area and year",
    "demographics": "statewide breakdowns by age group, sex, race and ethnicity",
    "peer_bands": "each county's peer band: median and middle half of its peers' published rates",
    "visibility": "how many of each county's figures are published, by measure",
    "counties": "the 58 counties with region and peer group",
    "opt_in_roster": "which counties had opted in, by year (illustrative)",
    "population": "residents per county and year (rate denominators)",
    "changes": "what changed since the previous release, figure by figure",
    "CHANGES": "what changed since the previous release, figure by figure",
    "data_dictionary": "every column of every table",
    "README": "what the release is, its source, counting rules, suppression and citation",
    "CITATION": "how to cite this release",
    "audit": "the disclosure audit of this release (see Methodology)",
}
PANDAS = """import pandas as pd

# Suppressed values are empty cells: read them as missing, never as 0.
cells = pd.read_csv("cells.csv", dtype={"geo_id": str}, keep_default_na=False,
                    na_values=[""])
cells["value"] = cells["value"].astype("Int64")
state = cells.query("geo_level == 'state' and breakdown == 'total'")
print(state.pivot(index="period", columns="measure", values="value"))"""
R_CODE = """library(readr)

# Suppressed values are empty cells: readr reads them as NA, never 0.
cells <- read_csv("cells.csv", col_types = cols(geo_id = col_character(),
                                                 value = col_integer()))
subset(cells, geo_level == "state" & breakdown == "total")"""
SPREADSHEET = (
    "Open cells.csv (or funnel_wide.csv for one row per area and year) in a spreadsheet. "
    "Import geo_id as text so the leading zero of county FIPS codes stays. An empty value "
    "with status 'suppressed' is hidden to protect privacy: do not treat it as zero, and do "
    "not add or subtract published values to fill it in."
)


def _size(n_bytes: int) -> str:
    """Return a file size in words."""
    return f"{n_bytes / 1024:,.0f} KB" if n_bytes >= 1024 else f"{n_bytes} bytes"


def files_table(rel: release.Release) -> html.Div:
    """Return the table of release files with links, rows, size and checksum."""
    rows = []
    for entry in rel.files:
        name = entry["path"]
        stem = name.rsplit(".", 1)[0]
        rows.append(
            (
                html.A(name, href=urlstate.release_file(name, rel.release_id), download=name),
                DESCRIPTIONS.get(stem, ""),
                "" if entry.get("rows") is None else f"{entry['rows']:,}",
                _size(int(entry.get("bytes", 0))),
                html.Code(entry["sha256"][:16] + "…", title=entry["sha256"]),
            )
        )
    return data_table(
        "Files of this release",
        (("File", False), ("What", False), ("Rows", False), ("Size", False), ("SHA-256", False)),
        rows,
    )


def releases_table(rel: release.Release) -> html.Div:
    """Return every kept release, newest first: dates, fiscal years and pinned links."""
    rows = []
    for entry in history.current().entries:
        name = bundle.zip_name_of(entry.release_id)
        rows.append(
            (
                entry.release_id + (" (current)" if entry.current else ""),
                entry.release_date.isoformat(),
                entry.extract_date.isoformat(),
                f"{entry.sfys[0]} to {entry.sfys[-1]}",
                html.Span(
                    [
                        html.A("zip", href=urlstate.release_file(name, entry.release_id)),
                        " · ",
                        dcc.Link("figures", href=urlstate.page_url("home", entry.release_id)),
                        " · ",
                        dcc.Link(
                            "what changed", href=urlstate.page_url("changes", entry.release_id)
                        ),
                        " (shown here)" if entry.release_id == rel.release_id else "",
                    ]
                ),
            )
        )
    return data_table(
        "Kept releases, newest first",
        (
            ("Release", False),
            ("Released", False),
            ("Records extracted", False),
            ("Fiscal years", False),
            ("Links (pinned to the release)", False),
        ),
        rows,
    )


def layout(**query) -> html.Div:
    """Return the downloads page for a URL query."""
    rel = release.current()
    view = common.parse(PAGE, query)
    zip_name = bundle.zip_name(rel)
    options = [(t, f"{t} - {DESCRIPTIONS[t]}") for t in urlstate.PREVIEW_TABLES]
    return html.Div(
        [
            common.page_location(PAGE, view),
            html.H1("Downloads"),
            notices.link_notices(ids.notices(PAGE), view.notices),
            html.P(
                [
                    "Every number on this site comes from these files. Release ",
                    html.Code(rel.release_id),
                    f", built {rel.release_date.isoformat()} from records extracted "
                    f"{rel.extract_date.isoformat()}. Data under {rel.data_license}; code "
                    f"under {rel.code_license}. ",
                    html.Strong(rel.notice + ".") if rel.notice else None,
                ],
                className="lede",
            ),
            html.Section(
                className="card",
                **{"aria-labelledby": "dl-all"},
                children=[
                    html.H2("The whole release", id="dl-all"),
                    html.P(
                        [
                            html.A(
                                f"Download everything as one zip ({zip_name})",
                                href=urlstate.release_file(zip_name, rel.release_id),
                                download=zip_name,
                                className="button",
                            ),
                            " ",
                            html.A(
                                "SHA256SUMS",
                                href=urlstate.release_file("SHA256SUMS", rel.release_id),
                                download="SHA256SUMS",
                            ),
                            " (check with ",
                            html.Code("sha256sum -c SHA256SUMS"),
                            ").",
                        ]
                    ),
                    files_table(rel),
                    html.P(
                        "Every chart on the other pages also offers a CSV of exactly what it "
                        "shows and a PNG image that carries its title, source and suppression note."
                    ),
                    html.P(
                        [
                            "These links name the release, so they keep giving the same files "
                            "after a newer release is published; ",
                            html.Code(urlstate.release_file("cells.csv")),
                            " always gives the current release's file.",
                        ]
                    ),
                ],
            ),
            html.Section(
                className="card",
                **{"aria-labelledby": "dl-releases"},
                children=[
                    html.H2("Every release", id="dl-releases"),
                    html.P(
                        "Earlier releases stay available under their id, so a citation or a "
                        "shared link keeps showing the figures it quoted."
                    ),
                    releases_table(rel),
                ],
            ),
            html.Section(
                className="card",
                **{"aria-labelledby": "dl-preview"},
                children=[
                    html.H2("Preview a table", id="dl-preview"),
                    controls.control_row(
                        controls.select(ids.DOWNLOADS_TABLE, "Table", options, view["table"])
                    ),
                    html.Div(preview(view), id=ids.DOWNLOADS_PREVIEW),
                ],
            ),
            html.Section(
                className="card",
                **{"aria-labelledby": "dl-code"},
                children=[
                    html.H2("Read it", id="dl-code"),
                    html.H3("Python (pandas)"),
                    html.Pre(html.Code(PANDAS), tabIndex="0"),
                    html.H3("R (readr)"),
                    html.Pre(html.Code(R_CODE), tabIndex="0"),
                    html.H3("Spreadsheet"),
                    html.P(SPREADSHEET),
                ],
            ),
            html.Section(
                className="card",
                **{"aria-labelledby": "dl-cite"},
                children=[
                    html.H2("Cite it", id="dl-cite"),
                    html.Pre(html.Code(rel.citation), tabIndex="0"),
                ],
            ),
        ]
    )


def preview_frame(rel: release.Release, table: str) -> pl.DataFrame:
    """Return the first rows of a release table."""
    return rel.tables[table].head(PREVIEW_ROWS)


def preview(view: urlstate.View) -> html.Div:
    """Return the preview table of the chosen release table."""
    frame = preview_frame(release.current(), view["table"])
    numeric = {c for c, t in frame.schema.items() if t.is_numeric()}
    rows = [tuple("" if v is None else str(v) for v in row) for row in frame.iter_rows()]
    return data_table(
        f"First {frame.height} rows of {view['table']}.csv (empty = null)",
        tuple((c, c in numeric) for c in frame.columns),
        rows,
    )


def register_callbacks(app: Dash) -> None:
    """Wire the page's callbacks."""
    common.register_url_sync(app, PAGE)
    common.register_content(app, PAGE, Output(ids.DOWNLOADS_PREVIEW, "children"), preview)
