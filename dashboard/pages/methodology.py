"""Methodology: source, definitions, counting rules, suppression and audit, notices, citation."""

from __future__ import annotations

import polars as pl
from dash import dcc, html

from dashboard import domain, ids, urlstate
from dashboard.components import notices
from dashboard.components.table import data_table
from dashboard.data import release
from dashboard.pages import common
from dashboard.pages.funnel import COUNTING_RULES

PAGE = "methodology"
DEFINITIONS = {
    "reports": "Reports to the child-abuse hotline with a concern of commercial sexual exploitation.",
    "screened_in": "Reports promoted to a referral and investigated.",
    "evaluated_out": "Reports not investigated (evaluated out at the hotline).",
    "substantiated": "Investigated reports where the allegation was found to be true.",
    "inconclusive": "Investigated reports where the evidence was not enough to decide.",
    "unfounded": "Investigated reports found to be false or not abuse.",
    "not_yet_determined": "Investigated reports with no finding when the data were extracted.",
    "youth": "Young people with a documented concern of exploitation (confirmed or at risk).",
    "confirmed": "Young people documented as having been sexually exploited.",
    "at_risk": "Young people documented as at heightened risk of exploitation.",
    "confirmed_in_placement": "Confirmed, and in a foster-care placement at identification.",
    "confirmed_absent_from_placement": "Confirmed while absent from their placement.",
    "confirmed_placement_history_not_in_care": "Confirmed, had been in care before, not in care then.",
    "confirmed_no_placement_history": "Confirmed, never in a foster-care placement.",
    "case_open": "Had an open child-welfare case when exploitation was identified.",
    "case_prior_closed": "Had a child-welfare case that had closed before identification.",
    "case_opened_after": "A child-welfare case was opened after identification.",
    "case_none": "No child-welfare case before or after identification.",
}
_REPORTS, _SCREENED, _EVALUATED = (
    domain.MEASURE_BY_ID[m].label for m in ("reports", "screened_in", "evaluated_out")
)
LARGE_COUNT_HIDDEN = (
    "A large count can be hidden for the sake of a small one. Every report is either "
    f"'{_SCREENED}' or '{_EVALUATED}', so '{_REPORTS}' minus '{_SCREENED}' gives "
    f"'{_EVALUATED}'. When only a few of a county's reports in a year were evaluated out, "
    "publishing both of the first two would give that small number away, so one of them is "
    "hidden, however large it is."
)
AUDIT_WORDS = {
    "passed": "Audit passed",
    "n_cells": "Cells audited (this release's, and earlier releases' cells it does not repeat)",
    "n_published": "Cells published",
    "n_suppressed": "Cells suppressed",
    "n_not_opted_in": "Cells of counties (or groups) not opted in",
    "share_cells_hidden": "Share of cells hidden",
    "weighted_loss": "Information lost (sum of the weights of the hidden cells)",
    "narrowest_p1_max": "Smallest upper bound an attacker can prove for a hidden small count",
    "narrowest_p3_width": "Narrowest range an attacker can prove (knowing which cells are small)",
    "narrowest_hidden_width": "Narrowest range an attacker can prove for any hidden count",
    "n_relations": "Additive relations checked",
    "n_lps": "Linear programs solved",
    "n_integer_programs": "Integer programs solved",
    "n_components": "Independent groups of hidden cells",
    "largest_component": "Hidden cells in the largest group",
    "mode": "Audit run during",
    "release_id": "Release",
    "releases_audited_together": "Releases audited together (this one and every earlier one)",
}


def _audit_value(key: str, value: object) -> str:
    """Return an audit value in words."""
    if key.startswith("share_") and isinstance(value, int | float):
        return f"{value:.1%}"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _audit_rows(audit: dict) -> list[tuple[str, str, str]]:
    """Return the audit summary as (item, value, meaning) rows, known items first."""
    notes = audit.get("notes", {}) if isinstance(audit.get("notes"), dict) else {}
    keys = [k for k in AUDIT_WORDS if k in audit]
    keys += [k for k, v in audit.items() if k not in AUDIT_WORDS and not isinstance(v, dict | list)]
    return [
        (AUDIT_WORDS.get(k, k.replace("_", " ")), _audit_value(k, audit[k]), str(notes.get(k, "")))
        for k in keys
    ]


def _roster_rows(rel: release.Release) -> list[tuple[str, str]]:
    """Return how many counties had opted in each SFY (illustrative roster)."""
    counts = rel.roster.group_by("sfy").agg(pl.col("opted_in").sum()).sort("sfy")
    return [
        (domain.sfy_label(s), f"{n} of {len(rel.geos.counties)}") for s, n in counts.iter_rows()
    ]


def _population_note(rel: release.Release) -> str:
    """Return the vintage of the population table in words."""
    years = sorted(set(rel.population["estimate_year"].to_list()))
    notes = sorted({n for n in rel.population["note"].to_list() if n})
    text = f"Estimates for {years[0]}-{years[-1]}." if years else ""
    return " ".join([text, *notes])


def successive_releases(view: urlstate.View) -> html.Section:
    """Return how releases follow each other: the rule, and where each one's changes are."""
    in_release = view[urlstate.RELEASE]
    return html.Section(
        className="card",
        **{"aria-labelledby": "m-releases"},
        children=[
            html.H2("Successive releases", id="m-releases"),
            html.P(domain.SUCCESSIVE_RELEASES_RULE),
            html.P(
                [
                    "Each release lists what changed since the one before (",
                    dcc.Link("What changed", href=urlstate.page_url("changes", in_release)),
                    "), and every kept release can be opened and downloaded from the ",
                    dcc.Link("downloads page", href=urlstate.page_url("downloads", in_release)),
                    ". A link that names a release keeps showing that release's figures.",
                ]
            ),
        ],
    )


def layout(**query) -> html.Div:
    """Return the methodology page."""
    rel = release.current()
    view = common.parse(PAGE, query)
    measures = [(m.label, DEFINITIONS.get(m.id, ""), m.unit) for m in domain.MEASURES]
    rates = [
        (r.label, f"{r.numerator} / {r.denominator}", r.unit.replace("_", " "))
        for r in domain.RATES
    ]
    audit = rel.audit
    return html.Div(
        [
            html.H1("Methodology"),
            notices.link_notices(ids.notices(PAGE), view.notices),
            html.Section(
                className="card",
                **{"aria-labelledby": "m-source"},
                children=[
                    html.H2("Source", id="m-source"),
                    html.P(html.Strong(domain.SYNTHETIC_NOTICE + ".")),
                    html.P(
                        "Real county child-welfare records are confidential and none are public. This "
                        "demonstration release was generated from a seeded synthetic extract calibrated "
                        "to the statewide figures of the Urban Institute's 2023 evaluation of "
                        "California's CSEC Program (for example, about 70,000 reports and 38,000 young "
                        "people over seven fiscal years). A real extract in the same schema goes through "
                        "exactly the same build, suppression and audit."
                    ),
                    html.P(
                        "The program: Senate Bill 855 (2014) created the Opt-In CSEC Program (Welfare "
                        "and Institutions Code section 16524.6 and following). Counties opt in year by "
                        "year and build an interagency response."
                    ),
                ],
            ),
            html.Section(
                className="card",
                **{"aria-labelledby": "m-defs"},
                children=[
                    html.H2("Definitions", id="m-defs"),
                    data_table(
                        "Counts",
                        (("Measure", False), ("Definition", False), ("Counts", False)),
                        measures,
                    ),
                    data_table(
                        "Rates and shares",
                        (("Rate", False), ("Numerator / denominator", False), ("Unit", False)),
                        rates,
                    ),
                    html.P(
                        "Rates per 100,000 are per residents of all ages of the counties that had "
                        "opted in; the rate over all the years of a release is an average annual rate "
                        "(person-years)."
                    ),
                ],
            ),
            html.Section(
                className="card",
                **{"aria-labelledby": "m-rules"},
                children=[
                    html.H2("Counting rules", id="m-rules"),
                    html.Ul([html.Li(rule) for rule in COUNTING_RULES]),
                    html.Ul(
                        [
                            html.Li(
                                "A young person is counted once, in the county and fiscal year in "
                                "which the concern was first documented."
                            ),
                            html.Li(notices.IDENTIFICATION_NOT_PREVALENCE),
                        ]
                    ),
                ],
            ),
            html.Section(
                className="card",
                **{"aria-labelledby": "m-suppression"},
                children=[
                    html.H2("Suppression and the audit of this release", id="m-suppression"),
                    html.P(
                        "Counts from 1 to 10 are hidden at every level, totals included (zeros are "
                        "shown: a zero is a real zero). Further counts are hidden when a hidden count "
                        "could otherwise be worked out by adding or subtracting published numbers "
                        "(complementary suppression). Both kinds read 'suppressed' with one reason: "
                        f"{domain.STATUS_REASONS[domain.SUPPRESSED]}. A rate is published only when "
                        "every count it rests on is published. This site never adds up or subtracts "
                        "published numbers: every total comes from the release."
                    ),
                    html.P(LARGE_COUNT_HIDDEN),
                    html.P(domain.TABLE_DESIGN_RULE),
                    html.P(
                        "Which further counts are hidden is chosen by an optimiser: it hides the "
                        "set of counts that protects every small count at the least cost, where "
                        "hiding a count costs the weight of its kind below (what readers come "
                        "for costs most to hide). Within a kind, a larger count costs a little "
                        "more. A hidden count that could be worked out exactly is shown instead."
                    ),
                    data_table(
                        "Cost of hiding a count (information-loss weights)",
                        (("Kind of count", False), ("Weight", True)),
                        [
                            (str(row["cells"]).capitalize(), f"{row['weight']:,.0f}")
                            for row in audit.get("weights", [])
                        ],
                    ),
                    html.P(
                        "Before a release is written, an audit checks that no hidden count can be "
                        "narrowed to a small number, or worked out exactly, from everything "
                        "published, even by someone who solves integer programs."
                    ),
                    data_table(
                        "Audit result (audit.json)",
                        (("Item", False), ("Value", False), ("Meaning", False)),
                        _audit_rows(audit),
                    ),
                ],
            ),
            successive_releases(view),
            html.Section(
                className="card",
                **{"aria-labelledby": "m-roster"},
                children=[
                    html.H2("The opt-in roster is illustrative", id="m-roster"),
                    html.P(domain.ROSTER_NOTICE + "."),
                    html.P(
                        "The counts per year match those the California Department of Social "
                        "Services published (35 counties in SFY 2015-16, 47 by SFY 2021-22); El "
                        "Dorado, Monterey, San Benito and Santa Cruz are confirmed from county board "
                        "records. Replace opt_in_roster.csv with the real roster to rebuild."
                    ),
                    data_table(
                        "Counties opted in, by year",
                        (("Year", False), ("Counties", False)),
                        _roster_rows(rel),
                    ),
                ],
            ),
            html.Section(
                className="card",
                **{"aria-labelledby": "m-pop"},
                children=[
                    html.H2("Population denominators", id="m-pop"),
                    html.P(
                        "Residents of all ages per county on 1 July of each fiscal year's first year: "
                        "U.S. Census Bureau, Vintage 2019 county population estimates. "
                        + _population_note(rel)
                        + " No child population is invented from a guessed share; an official "
                        "child-population file (California Department of Finance) can replace it."
                    ),
                ],
            ),
            html.Section(
                className="card",
                **{"aria-labelledby": "m-peers"},
                children=[
                    html.H2("Peer bands, ranks and visibility", id="m-peers"),
                    html.P(
                        "A county's peers are the other counties of its peer group (by residents). "
                        "Its peer band is the median and middle half (25th to 75th percentile, "
                        "linear interpolation) of its peers' published rates, the county itself "
                        "left out, and is shown only where at least 3 peers' rates are published "
                        "(release table peer_bands). Ranks are given on rates only, among the "
                        "county and its peers with a published value: a rank of counts only ranks "
                        "county size. The peer-group total includes the county. A county's "
                        "visibility is the share of its cells published while it was in the "
                        "program (release table visibility). All three are computed in the build "
                        "from published values and statuses only."
                    ),
                ],
            ),
            html.Section(
                className="card",
                **{"aria-labelledby": "m-cite"},
                children=[
                    html.H2("Citation", id="m-cite"),
                    html.Pre(html.Code(rel.citation), tabIndex="0"),
                    html.P(
                        "Calibration source: Hammond, I., Wiegmann, W., Magruder, J., et al. (2023). "
                        "Evaluation of California's Commercially Sexually Exploited Children Program. "
                        "Washington, DC: Urban Institute."
                    ),
                ],
            ),
        ]
    )
