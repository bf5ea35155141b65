"""Component ids of the web app: every id is defined here and only here."""

from __future__ import annotations

# Shell
MAIN = "main"
NAV = "site-nav"
BRAND = "site-brand"
RELEASE_NOTICE = "release-notice"  # "Newer figures are available" on an earlier release's pages
RELEASE_LINE = "release-line"  # the shown release's id and dates, on every page
CURRENT_VIEW = "current-view"  # the link to the same view in the current release
PAGES_LOCATION = "_pages_location"  # Dash pages' own dcc.Location

# Controls (each carries its current value in its `data-value` prop)
HOME_SFY = "home-sfy"
FUNNEL_GEO = "funnel-geo"
FUNNEL_SFY = "funnel-sfy"
FUNNEL_SHOW = "funnel-show"
PLACEMENT_GEO = "placement-geo"
PLACEMENT_SFY = "placement-sfy"
PLACEMENT_GROUP = "placement-group"
PLACEMENT_BREAKDOWN = "placement-breakdown"
MAP_VIEW = "map-view"
MAP_MEASURE = "map-measure"
MAP_SFY = "map-sfy"
COUNTY_COUNTY = "county-county"
COUNTY_MEASURE = "county-measure"
COUNTY_SFY = "county-sfy"
DOWNLOADS_TABLE = "downloads-table"

# Other page parts
SHARE_BUTTON = "share-button"  # copy the link of the view on screen (assets/controls.js)
SHARE_URL = "share-url"  # the link, shown selected where the clipboard is not available
SHARE_STATUS = "share-status"
HOME_STATS = "home-stats"
MAP_NAV = "map-nav"
COUNTY_HEADING = "county-heading"
COUNTY_PROFILE = "county-profile"
COUNTY_BRIEF = "county-brief"  # the "Board brief" link
COUNTY_NEAREST = "county-nearest"  # the closest published figures when the chosen one is hidden
DOWNLOADS_PREVIEW = "downloads-preview"

# Charts: one id each; the parts of a chart card derive from it.
HOME_FUNNEL = "home-funnel"
HOME_TREND = "home-trend"
FUNNEL_STAGES = "funnel-stages"
FUNNEL_TREND = "funnel-trend"
PLACEMENT_STATUS = "placement-status"
PLACEMENT_CONTEXT = "placement-context"
PLACEMENT_CASE = "placement-case"
PLACEMENT_DEMOGRAPHICS = "placement-demographics"
MAP_MAP = "map-map"
COUNTY_TREND = "county-trend"
COUNTY_TABLE = "county-table"
BRIEF_TREND = "brief-trend"
BRIEF_FUNNEL = "brief-funnel"
BRIEF_CONTEXT = "brief-context"


def url(page: str) -> str:
    """Return the id of a page's own dcc.Location (keeps the address bar in step)."""
    return f"{page}-url"


def notices(page: str) -> str:
    """Return the id of a page's notice area (bad URL parameters, empty states)."""
    return f"{page}-notices"


def graph(chart: str) -> str:
    """Return the dcc.Graph id of a chart."""
    return f"{chart}-graph"


def summary(chart: str) -> str:
    """Return the id of a chart's plain-language summary."""
    return f"{chart}-summary"


def table(chart: str) -> str:
    """Return the id of a chart's table alternative."""
    return f"{chart}-table"


def csv(chart: str) -> str:
    """Return the id of a chart's CSV download link."""
    return f"{chart}-csv"


def png(chart: str) -> str:
    """Return the id of a chart's PNG download button."""
    return f"{chart}-png"


def heading(chart: str) -> str:
    """Return the id of a chart card's heading."""
    return f"{chart}-heading"


def shell_link(page: str) -> str:
    """Return the id of a shell link to a page (navigation and footer; they follow the release)."""
    return f"shell-link-{page}"


def release_holder(page: str) -> str:
    """Return the id of the hidden element carrying a page's release (its controls' last input)."""
    return f"{page}-release"


# Page -> URL parameter -> control id (the order of parameters is urlstate.PAGE_PARAMS). The
# release is the last input of every page with controls: a hidden holder, not a control.
_CONTROLS: dict[str, dict[str, str]] = {
    "home": {"sfy": HOME_SFY},
    "funnel": {"geo": FUNNEL_GEO, "sfy": FUNNEL_SFY, "show": FUNNEL_SHOW},
    "placement": {
        "geo": PLACEMENT_GEO,
        "sfy": PLACEMENT_SFY,
        "group": PLACEMENT_GROUP,
        "breakdown": PLACEMENT_BREAKDOWN,
    },
    "map": {"view": MAP_VIEW, "measure": MAP_MEASURE, "sfy": MAP_SFY},
    "county": {"county": COUNTY_COUNTY, "measure": COUNTY_MEASURE, "sfy": COUNTY_SFY},
    "downloads": {"table": DOWNLOADS_TABLE},
}
CONTROLS: dict[str, dict[str, str]] = {
    page: {**controls, "release": release_holder(page)} for page, controls in _CONTROLS.items()
}
