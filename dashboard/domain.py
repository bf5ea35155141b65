"""Shared vocabulary of the product: fiscal years, measures, breakdowns, statuses.

Both sides import this module (it imports nothing of either), so the build and the web app
agree on every name that appears in the published release.
"""

from __future__ import annotations

from dataclasses import dataclass

# The fiscal years the program's records can fall in. A release covers the first k of them
# (every year closed by its extract date) and carries its own periods in its manifest.
FIRST_SFY = 2015
LAST_SFY = 2021
SFYS: tuple[str, ...] = tuple(f"{y}-{(y + 1) % 100:02d}" for y in range(FIRST_SFY, LAST_SFY + 1))
WINDOW_JOIN = " to "


def window_of(sfys: tuple[str, ...]) -> str:
    """Return the id of the whole window of `sfys` ("2015-16 to 2021-22")."""
    return f"{sfys[0]}{WINDOW_JOIN}{sfys[-1]}"


def periods_of(sfys: tuple[str, ...]) -> tuple[str, ...]:
    """Return a release's periods: its fiscal years, then their whole window."""
    return (*sfys, window_of(sfys))


def is_window(period: str) -> bool:
    """Return whether a period id is a whole window rather than one fiscal year."""
    return WINDOW_JOIN in period


WINDOW = window_of(SFYS)
PERIODS: tuple[str, ...] = periods_of(SFYS)

STATE_FIPS = "06"
STATE_NAME = "California"
GEO_LEVELS: tuple[str, ...] = ("state", "region", "peer_group", "county")

SYNTHETIC_NOTICE = (
    "SYNTHETIC DEMONSTRATION DATA: generated to resemble published statewide totals; "
    "not real counts of children or reports"
)
SYNTHETIC_TAG = "synthetic demo - not real CSEC data"
ROSTER_NOTICE = "Opt-in roster is illustrative: the real county roster by year is not public"

# Public status words (one word each; primary and complementary suppression share one).
PUBLISHED = "published"
SUPPRESSED = "suppressed"
NOT_OPTED_IN = "not_opted_in"
NOT_APPLICABLE = "not_applicable"
STATUSES: tuple[str, ...] = (PUBLISHED, SUPPRESSED, NOT_OPTED_IN, NOT_APPLICABLE)
STATUS_REASONS = {
    PUBLISHED: "published",
    SUPPRESSED: (
        "hidden to protect privacy: a small number, or a number from which one could be worked out"
    ),
    NOT_OPTED_IN: "county (or every county in the group) had not opted in that fiscal year",
    NOT_APPLICABLE: "not defined: the denominator is zero",
}

SMALL_MIN = 1
SMALL_MAX = 10


@dataclass(frozen=True)
class Measure:
    """One published count: its id, label, unit and parent in the measure hierarchy."""

    id: str
    label: str
    unit: str
    family: str


MEASURES: tuple[Measure, ...] = (
    Measure("reports", "CSE reports", "reports", "funnel"),
    Measure("screened_in", "Screened in", "reports", "funnel"),
    Measure("evaluated_out", "Evaluated out", "reports", "funnel"),
    Measure("substantiated", "Substantiated", "reports", "funnel"),
    Measure("inconclusive", "Inconclusive", "reports", "funnel"),
    Measure("unfounded", "Unfounded", "reports", "funnel"),
    Measure("not_yet_determined", "Not yet determined", "reports", "funnel"),
    Measure("youth", "Young people identified", "young people", "youth"),
    Measure("confirmed", "Confirmed CSE", "young people", "youth"),
    Measure("at_risk", "At risk of CSE", "young people", "youth"),
    Measure("confirmed_in_placement", "In placement", "young people", "placement"),
    Measure(
        "confirmed_absent_from_placement", "Absent from placement", "young people", "placement"
    ),
    Measure(
        "confirmed_placement_history_not_in_care",
        "Placement history, not in care",
        "young people",
        "placement",
    ),
    Measure("confirmed_no_placement_history", "No placement history", "young people", "placement"),
    Measure("case_open", "Open case", "young people", "case"),
    Measure("case_prior_closed", "Prior closed case", "young people", "case"),
    Measure("case_opened_after", "Case opened after identification", "young people", "case"),
    Measure("case_none", "No child-welfare case", "young people", "case"),
)
MEASURE_BY_ID = {m.id: m for m in MEASURES}

# Table design, fixed before any data is seen (docs/disclosure-control.md, rule 6).
WINDOW_ONLY_FAMILIES: tuple[str, ...] = ("placement", "case")
WINDOW_ONLY_MEASURES: tuple[str, ...] = tuple(
    m.id for m in MEASURES if m.family in WINDOW_ONLY_FAMILIES
)
TABLE_DESIGN_RULE = (
    "Placement-context and case-status categories are published for counties, regions and "
    "peer groups over the whole window only, and by fiscal year only statewide. "
    "Split by year, almost every county figure of these categories is a small number, and "
    "hiding them would force many more figures to be hidden. The evaluation reports these "
    "breakdowns pooled over the seven years too. The rule was fixed before any data were seen, "
    "so it reveals nothing about them."
)
# Successive releases (docs/disclosure-control.md, rule 9).
SUCCESSIVE_RELEASES_RULE = (
    "Earlier releases stay available under their release id. A fiscal year, once published, is "
    "published again exactly as before in every later release, with the same numbers hidden; a "
    "new release adds fiscal years and a longer whole window. Each new release is checked for "
    "disclosure together with every earlier one, because someone holding several releases "
    "could otherwise work out a hidden number from what changed between them. Records that "
    "arrive late for a year already published are therefore not added to it."
)

# Additive identities among measures: parent = sum(children), in every geography and period.
MEASURE_HIERARCHY: dict[str, tuple[str, ...]] = {
    "reports": ("screened_in", "evaluated_out"),
    "screened_in": ("substantiated", "inconclusive", "unfounded", "not_yet_determined"),
    "youth_status": ("confirmed", "at_risk"),
    "confirmed": (
        "confirmed_in_placement",
        "confirmed_absent_from_placement",
        "confirmed_placement_history_not_in_care",
        "confirmed_no_placement_history",
    ),
    "youth_case": ("case_open", "case_prior_closed", "case_opened_after", "case_none"),
}
# Relation name -> measure id of its total ("youth" has two partitions).
HIERARCHY_TOTAL = {
    "reports": "reports",
    "screened_in": "screened_in",
    "youth_status": "youth",
    "confirmed": "confirmed",
    "youth_case": "youth",
}

TOTAL_BREAKDOWN = "total"
ALL_CATEGORY = "all"
AGE_GROUPS = ("under_12", "12_13", "14_15", "16_17", "18_plus")
SEXES = ("female", "male", "other_unknown")
RACE_ETHNICITIES = (
    "black",
    "latinx",
    "white",
    "asian_pacific_islander",
    "native_american",
    "missing",
)
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "age_group": AGE_GROUPS,
    "sex": SEXES,
    "race_ethnicity": RACE_ETHNICITIES,
}
# Measures published statewide by demographic breakdown (never by county: see docs/disclosure-control.md, rule 6).
BREAKDOWN_MEASURES: tuple[str, ...] = ("reports", "youth", "confirmed", "at_risk")
CATEGORY_LABELS = {
    "all": "All",
    "under_12": "Under 12",
    "12_13": "12-13",
    "14_15": "14-15",
    "16_17": "16-17",
    "18_plus": "18 and older",
    "female": "Female",
    "male": "Male",
    "other_unknown": "Another gender or unknown",
    "black": "Black",
    "latinx": "Latinx",
    "white": "White",
    "asian_pacific_islander": "Asian or Pacific Islander",
    "native_american": "Native American",
    "missing": "Not recorded",
}


@dataclass(frozen=True)
class Rate:
    """A derived value: numerator measure over a denominator measure or population."""

    id: str
    label: str
    numerator: str
    denominator: str  # a measure id, or "population"
    unit: str  # "percent" or "per_100k"


RATES: tuple[Rate, ...] = (
    Rate("screen_in_rate", "Screened in, % of reports", "screened_in", "reports", "percent"),
    Rate(
        "substantiation_rate",
        "Substantiated, % of screened in",
        "substantiated",
        "screened_in",
        "percent",
    ),
    Rate(
        "inconclusive_rate",
        "Inconclusive, % of screened in",
        "inconclusive",
        "screened_in",
        "percent",
    ),
    Rate("unfounded_rate", "Unfounded, % of screened in", "unfounded", "screened_in", "percent"),
    Rate(
        "confirmed_share",
        "Confirmed, % of young people identified",
        "confirmed",
        "youth",
        "percent",
    ),
    Rate(
        "reports_per_100k", "CSE reports per 100,000 residents", "reports", "population", "per_100k"
    ),
    Rate(
        "youth_per_100k",
        "Young people identified per 100,000 residents",
        "youth",
        "population",
        "per_100k",
    ),
    Rate(
        "confirmed_per_100k",
        "Young people with confirmed CSE per 100,000 residents",
        "confirmed",
        "population",
        "per_100k",
    ),
)
RATE_BY_ID = {r.id: r for r in RATES}


NUMBER_WORDS = {
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
}


def sfy_label(period: str) -> str:
    """Return the display label of a period id ("SFY 2015-16", or the whole window)."""
    if not is_window(period):
        return f"SFY {period}"
    first, last = (int(p[:4]) for p in period.split(WINDOW_JOIN))
    return f"SFY {period} (all {NUMBER_WORDS.get(last - first + 1, last - first + 1)} years)"


def sfy_of_year_start(year: int) -> str:
    """Return the SFY id that starts on 1 July of `year`."""
    return f"{year}-{(year + 1) % 100:02d}"
