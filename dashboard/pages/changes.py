"""What changed (/changes): the release notes of the shown release, generated from its files.

From the release's `changes` table (figures new, removed, revised or now shown or hidden, by
measure, area level and period), its new fiscal years, the opt-in roster and population
against the previous release (when that release is kept), the maintainers' notes on method,
and the release and extract dates.
"""

from __future__ import annotations

import polars as pl
from dash import dcc, html

from dashboard import domain, ids, urlstate
from dashboard.components import notices
from dashboard.components.table import data_table
from dashboard.data import changes, history, queries, release
from dashboard.data.geographies import LEVEL_LABELS
from dashboard.figures.text import plural
from dashboard.pages import common

PAGE = "changes"
COUNT_COLUMNS = {  # a grouping column of the change counts: (heading, label of a value)
    "measure": ("Measure", queries.metric_label),
    "period": ("Period", domain.sfy_label),
    "geo_level": ("Area level", lambda level: LEVEL_LABELS.get(level, level)),
}
SHOWN_ROWS = 40  # roster and population differences listed; the rest are in the release files


def dates(rel: release.Release) -> html.P:
    """Return the release's id and dates, and the release it follows."""
    return html.P(
        [
            "Release ",
            html.Code(rel.release_id),
            f" was released on {rel.release_date.isoformat()} from records extracted on "
            f"{rel.extract_date.isoformat()}. It covers "
            f"{common.all_years(rel.sfys).removeprefix('All ')}.",
        ],
        className="lede",
    )


def summary(previous_id: str, counts: dict[str, int], new: tuple) -> html.Div:
    """Return the plain-language summary of what changed since the previous release."""
    parts = [
        f"{plural(counts['value'], 'published figure')} revised",
        f"{plural(counts['shown'], 'figure')} now published that were hidden before",
        f"{plural(counts['hidden'], 'figure')} now hidden to protect privacy",
        f"{plural(counts['new'], 'new figure')}",
    ]
    if counts["status"]:
        parts.append(f"{plural(counts['status'], 'figure')} with another change of status")
    if counts["removed"]:
        parts.append(f"{plural(counts['removed'], 'figure')} no longer in the release")
    years = (
        "New periods: " + ", ".join(domain.sfy_label(p) for p in new) + "."
        if new
        else "No new fiscal year."
    )
    return html.Div(
        className="changes-summary",
        children=[
            html.P(f"Since release {previous_id}:"),
            html.Ul([html.Li(part) for part in parts]),
            html.P(years),
            html.P(
                "A figure changes when records arrive late or are corrected, when a county joins "
                "the program, or when a number must be hidden (or may be shown) to protect the "
                "privacy of the young people counted. Hidden figures are never zero."
            ),
        ],
    )


def counts_table(table: pl.DataFrame, by: tuple[str, ...], caption: str) -> html.Div:
    """Return how many figures changed per group of `by` (a column per kind of change that
    occurs)."""
    counted = changes.counted(table, by)
    kinds = [k for k in changes.KINDS if counted[k].sum()]
    rows = [
        (*(COUNT_COLUMNS[c][1](r[c]) for c in by), *(f"{r[k]:,}" for k in kinds))
        for r in counted.iter_rows(named=True)
    ]
    return data_table(
        caption,
        (*((COUNT_COLUMNS[c][0], False) for c in by), *((changes.KINDS[k], True) for k in kinds)),
        rows,
    )


def counts_tables(table: pl.DataFrame) -> list:
    """Return how many figures changed by measure, and by period and area level."""
    if not table.height:
        return [html.P("No figure changed.")]
    caption = "Figures changed since the previous release, by "
    return [
        counts_table(table, ("measure",), caption + "measure"),
        counts_table(table, ("period", "geo_level"), caption + "period and area level"),
    ]


def reference_section(rel: release.Release, previous: release.Release | None) -> list:
    """Return the roster and population differences against the previous release."""
    if previous is None:
        return [
            html.P(
                "The previous release is not kept on this site, so its opt-in roster and "
                "population cannot be compared here; both are files of each release."
            )
        ]
    names = {c.fips: c.name for c in rel.geos.counties}
    out = []
    for title, table, words in (
        ("Opt-in roster", "opt_in_roster", roster_words),
        ("Population", "population", population_words),
    ):
        out += [html.H3(title), *new_year_lines(changes.new_years(rel, previous, table), table)]
        frame = changes.reference_diff(rel, previous, table)
        if not frame.height:
            out.append(html.P(f"No change to the {title.lower()} of the earlier years."))
            continue
        rows = [
            (names.get(r["county_fips"], r["county_fips"]), domain.sfy_label(r["sfy"]),
             words(r["before"]), words(r["now"]))
            for r in frame.head(SHOWN_ROWS).iter_rows(named=True)
        ]  # fmt: skip
        more = frame.height - len(rows)
        out.append(
            data_table(
                f"{title}: {plural(frame.height, 'row')} changed"
                + (f" (first {len(rows)} shown; all in the release files)" if more else ""),
                (("County", False), ("Fiscal year", False), ("Before", False), ("Now", False)),
                rows,
            )
        )
    return out


def new_year_lines(rows: pl.DataFrame, table: str) -> list[html.P]:
    """Return one line per new fiscal year of a reference table (counties opted in, or listed)."""
    lines = []
    for (sfy,), part in rows.sort("sfy").group_by("sfy", maintain_order=True):
        what = (
            f"{int(part['opted_in'].sum())} of {plural(part.height, 'county', 'counties')} opted in"
            if table == "opt_in_roster"
            else f"residents listed for {plural(part.height, 'county', 'counties')}"
        )
        lines.append(html.P(f"{domain.sfy_label(sfy)} is new: {what}."))
    return lines


def roster_words(value: bool | None) -> str:
    """Return a roster value in words."""
    return {True: "opted in", False: "not opted in", None: "not listed"}[value]


def population_words(value: int | None) -> str:
    """Return a population in words."""
    return "not listed" if value is None else f"{value:,}"


def method_section(rel: release.Release) -> html.Section:
    """Return the maintainers' notes on changes of method."""
    notes = rel.method_changes
    return html.Section(
        className="card",
        **{"aria-labelledby": "changes-method"},
        children=[
            html.H2("Changes of method", id="changes-method"),
            html.Ul([html.Li(note) for note in notes])
            if notes
            else html.P("No change of method since the previous release."),
        ],
    )


def layout(**query) -> html.Div:
    """Return the What changed page of the shown release."""
    rel = release.current()
    view = common.parse(PAGE, query)
    head = [
        html.H1("What changed in this release"),
        notices.link_notices(ids.notices(PAGE), view.notices),
        dates(rel),
    ]
    previous_id = rel.previous_release_id
    if previous_id is None:
        return html.Div(
            [
                *head,
                html.P(
                    "This is the first release: there is no earlier release to compare it "
                    "with. Later releases will list here every figure that changed.",
                    className="changes-summary",
                ),
                method_section(rel),
            ]
        )
    kept = history.current()
    previous = kept.previous(rel)
    entry = kept.by_id.get(previous_id)
    new = changes.new_periods(rel)
    table = rel.changes
    counts = changes.totals(table)
    follows = (
        dcc.Link(previous_id, href=urlstate.page_url("home", previous_id))
        if entry
        else html.Code(previous_id)
    )
    return html.Div(
        [
            *head,
            html.P(
                ["It follows release ", follows]
                + (
                    [f", released {entry.release_date.isoformat()}."]
                    if entry
                    else [" (no longer kept on this site)."]
                )
            ),
            summary(previous_id, counts, new),
            html.Section(
                className="card",
                **{"aria-labelledby": "changes-figures"},
                children=[
                    html.H2("Figures", id="changes-figures"),
                    html.P(
                        [
                            "Every figure that changed, with its value before and now, is in ",
                            html.A(
                                "CHANGES.csv",
                                href=urlstate.release_file("CHANGES.csv", rel.release_id),
                                download="CHANGES.csv",
                            ),
                            f" ({plural(table.height, 'row')}). A hidden figure has no value "
                            "there either.",
                        ]
                    ),
                    *counts_tables(table),
                ],
            ),
            html.Section(
                className="card",
                **{"aria-labelledby": "changes-reference"},
                children=[
                    html.H2("Counties and population", id="changes-reference"),
                    *reference_section(rel, previous),
                ],
            ),
            method_section(rel),
        ]
    )
