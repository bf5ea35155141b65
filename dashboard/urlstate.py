"""The whole view state in the URL: the one owner of pages, parameters, defaults and links.

A view is a page plus a dict of canonical parameter values (strings as they appear in the
URL). Links omit defaults; unknown parameters and bad values fall back to the defaults with
a notice that the page shows, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlencode

from flask import current_app, has_app_context

from dashboard import domain, registry
from dashboard.data.geographies import Geographies
from dashboard.data.queries import METRICS

WINDOW_VALUE = "all"
RELEASE = "release"  # the parameter pinning a view to a kept release ("" / absent: the current)
# Release value -> its fiscal years: "" is the current release; a pinned link names a kept id.
Releases = Mapping[str, tuple[str, ...]]
CURRENT_ONLY: Releases = {"": domain.SFYS}

# Page key -> entry path, from the page registry: the pages a bare path opens ("/county"
# opens the county page; the brief, under /county/<county>/brief, has no entry path).
PAGES: dict[str, str] = {p.key: p.root for p in registry.PAGES if p.entry}
# Routes of the site that are not pages (the app serves them; links are built below).
RELEASE_FILE = "/download/release/<name>"  # the current release's files (links of any age)
PINNED_FILE = "/download/<release_id>/<name>"  # a kept release's files, by id
CHART_CSV = "/download/chart/<chart_id>.csv"
BOUNDARIES = "/geo/ca_counties.geojson"  # map traces reference the county boundaries by URL
TOPOJSON = "/assets/topojson/"  # plotly's offline base map
SITEMAP = "/sitemap.xml"
PREVIEW_TABLES = (
    "cells",
    "rates",
    "funnel_wide",
    "youth_wide",
    "demographics",
    "peer_bands",
    "visibility",
    "counties",
    "opt_in_roster",
    "population",
    "changes",
    "data_dictionary",
)


@dataclass(frozen=True)
class Param:
    """One URL parameter: name, words for notices, default and fixed choices (None: geographic)."""

    name: str
    words: str
    default: str
    choices: tuple[str, ...] | None = None


PARAMS: dict[str, Param] = {
    p.name: p
    for p in (
        Param("sfy", "state fiscal year", domain.SFYS[-1], (*domain.SFYS, WINDOW_VALUE)),
        Param("geo", "geography", "state"),
        Param("show", "count or rate", "count", ("count", "rate")),
        Param("view", "map view", "measure", ("measure", "roster")),
        Param("measure", "measure", "reports_per_100k", METRICS),
        Param("group", "group of young people or reports", "youth", domain.BREAKDOWN_MEASURES),
        Param("breakdown", "breakdown", "race_ethnicity", tuple(domain.BREAKDOWNS)),
        Param("table", "table", "cells", PREVIEW_TABLES),
        Param("county", "county", "alameda"),
        Param(RELEASE, "release", "", ("",)),  # fixed choice: the current; kept ids: `releases`
    )
}
# Every page takes the release last: its controls carry it in a hidden holder (dashboard.ids).
PAGE_PARAMS: dict[str, tuple[str, ...]] = {p.key: (*p.params, RELEASE) for p in registry.PAGES}
# page -> parameter carried in the path, not the query
PATH_PARAMS: dict[str, str] = {p.key: p.path_param for p in registry.PAGES if p.path_param}


@dataclass(frozen=True)
class View:
    """A page's parsed state: canonical values for every parameter, and notices for the user."""

    page: str
    values: dict[str, str]
    notices: tuple[str, ...] = field(default=())

    def __getitem__(self, name: str) -> str:
        return self.values[name]

    def key(self) -> tuple[tuple[str, str], ...]:
        """Return a hashable, ordered form of the values (for cache keys)."""
        return tuple((name, self.values[name]) for name in PAGE_PARAMS[self.page])


def period(sfy_value: str, sfys: tuple[str, ...] = domain.SFYS) -> str:
    """Return the period id of an `sfy` value in a release of `sfys` ("all": its whole window)."""
    return domain.window_of(sfys) if sfy_value == WINDOW_VALUE else sfy_value


def _normalize_sfy(raw: str, sfys: tuple[str, ...]) -> str | None:
    """Return the canonical `sfy` value of lenient input ("2021", "2021-2022", "SFY 2021-22")."""
    text = raw.strip().lower().removeprefix("sfy").strip()
    if text in {WINDOW_VALUE, domain.window_of(sfys).lower()}:
        return WINDOW_VALUE
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}|\d{4}))?", text)
    if not match:
        return None
    start = int(match.group(1))
    end = match.group(2)
    if end is not None and int(end[-2:]) != (start + 1) % 100:
        return None
    candidate = domain.sfy_of_year_start(start)
    return candidate if candidate in sfys else None


def _normalize(param: Param, raw: str, geos: Geographies, sfys: tuple[str, ...]) -> str | None:
    """Return the canonical value of one raw parameter value, or None if it is not valid."""
    if param.name == "sfy":
        return _normalize_sfy(raw, sfys)
    if param.name == "geo":
        lowered = raw.strip().lower()
        if lowered in {"state", "ca", "california", domain.STATE_FIPS}:
            return "state"
        geo = geos.resolve(raw.strip()) or geos.resolve_county(raw)
        return geo.key if geo else None
    if param.name == "county":
        geo = geos.resolve_county(raw)
        return geo.slug if geo else None
    text = raw.strip()
    return text if param.choices and text in param.choices else None


def _shown(raw: str) -> str:
    """Return user input shortened and safe to repeat in a notice."""
    text = re.sub(r"\s+", " ", str(raw))
    return text if len(text) <= 40 else text[:37] + "..."


def _default(param: Param, sfys: tuple[str, ...]) -> str:
    """Return the default value of a parameter in a release of `sfys` (its latest year)."""
    return sfys[-1] if param.name == "sfy" else param.default


def _default_words(param: Param, sfys: tuple[str, ...], geos: Geographies) -> str:
    """Return the default of a parameter in words for a notice (a place by its name)."""
    if param.name == "sfy":
        return domain.sfy_label(sfys[-1])
    if param.name == RELEASE:
        return "the current release"
    if param.choices is None:
        return geos.resolve(
            param.default if param.name == "geo" else f"county:{param.default}"
        ).label
    return param.default.replace("_", " ")


def _raw(query: Mapping[str, object], name: str) -> str | None:
    """Return the raw value of a parameter (the last if repeated), None if absent or blank."""
    raw = query.get(name)
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else None
    return None if raw is None or str(raw).strip() == "" else str(raw)


def release_value(raw: str | None, releases: Releases) -> str | None:
    """Return the canonical release value of a link ("" if absent), None if no kept release."""
    if raw is None:
        return ""
    text = raw.strip().lower()
    return text if text and text in releases else None


def parse(
    page: str, query: Mapping[str, object], geos: Geographies, releases: Releases = CURRENT_ONLY
) -> View:
    """Return the view of a page from URL parameters, falling back to defaults with notices.

    `releases` maps each release a link may name to its fiscal years (the `sfy` choices).
    """
    names = PAGE_PARAMS.get(page, ())
    values: dict[str, str] = {}
    notices: list[str] = []
    for key in query:
        if key not in names:
            notices.append(
                f"The link setting '{_shown(key)}' is not used on this page; ignored it."
            )
    chosen = release_value(_raw(query, RELEASE), releases)
    sfys = releases.get(chosen or "", domain.SFYS)
    for name in names:
        param = PARAMS[name]
        raw = _raw(query, name)
        if raw is None:
            values[name] = _default(param, sfys)
            continue
        canonical = chosen if name == RELEASE else _normalize(param, raw, geos, sfys)
        if canonical is None:
            notices.append(
                f"'{_shown(raw)}' is not a {param.words} this dashboard knows; "
                f"showing {_default_words(param, sfys, geos)} instead."
            )
            canonical = _default(param, sfys)
        values[name] = canonical
    return View(page, values, tuple(notices))


def from_controls(
    page: str, control_values: list | tuple, geos: Geographies, releases: Releases = CURRENT_ONLY
) -> View:
    """Return the view of a page from its controls' values, in PAGE_PARAMS order."""
    names = PAGE_PARAMS[page]
    return parse(page, dict(zip(names, control_values, strict=True)), geos, releases)


def search(page: str, values: Mapping[str, str]) -> str:
    """Return the query string of a view ("?a=b", or "" when everything is default)."""
    pairs = [
        (name, values[name])
        for name in PAGE_PARAMS[page]
        if name != PATH_PARAMS.get(page)
        and values.get(name, PARAMS[name].default) != PARAMS[name].default
    ]
    return "?" + urlencode(pairs, safe=":") if pairs else ""


def base_path() -> str:
    """Return the path prefix the serving app is mounted under ("" at the site root)."""
    return current_app.config.get("CSEC_BASE_PATH", "") if has_app_context() else ""


def url(site_path: str) -> str:
    """Return the link of a path of the site ("/download/...") under the app's base path."""
    return base_path() + site_path


def page_url(page: str, release: str = "") -> str:
    """Return the entry link of a page (its path before any path parameter), in a kept release
    when given one."""
    return url(PAGES[page]) + (f"?{urlencode({RELEASE: release})}" if release else "")


def site_path(page: str, values: Mapping[str, str] | None = None) -> str:
    """Return the path of a view on the site (the path parameter filled in, default if absent)."""
    template = registry.BY_KEY[page].template
    name = PATH_PARAMS.get(page)
    if name:
        value = (values or {}).get(name, PARAMS[name].default)
        template = template.replace(f"<{name}>", quote(value, safe=""))
    return template


def pinned_site_path(page: str, values: Mapping[str, str], release_id: str) -> str:
    """Return the site path and query of a view pinned to a release (a permalink's tail)."""
    pinned = {**values, RELEASE: release_id}
    return site_path(page, pinned) + search(page, pinned)


def path(page: str, values: Mapping[str, str] | None = None) -> str:
    """Return the URL path of a view."""
    return url(site_path(page, values))


def page_of_path(path: str) -> tuple[str, dict[str, str]] | None:
    """Return the page whose route template a site path fills ("county/alameda", no slashes
    around), with the values of its path parameters; None if no template fits segment by segment
    (Dash's router is more lenient: such a path is answered 404, and not cached)."""
    segments = path.split("/") if path else []
    for page in registry.PAGES:
        template = [t for t in page.template.split("/") if t]
        if len(template) != len(segments):
            continue
        values = {t[1:-1]: s for t, s in zip(template, segments, strict=True) if t[0] == "<"}
        if all(t[0] == "<" or t == s for t, s in zip(template, segments, strict=True)):
            return page.key, values
    entry = [page for page, root in PAGES.items() if root.strip("/") == path]
    return (entry[0], {}) if entry else None  # "/county": the page at its default county


def dash_path(page: registry.Page) -> str:
    """Return the path Dash matches exactly: the entry path, else the default view's path."""
    return page.root if page.entry else site_path(page.key)


def in_release(values: Mapping[str, str]) -> dict[str, str]:
    """Return the release of a view's values, for links to other views (they keep it)."""
    return {RELEASE: values.get(RELEASE, "")}


def release_file(name: str, release_id: str = "") -> str:
    """Return the link of a file of a release (or its zip, or SHA256SUMS): pinned to the
    release by id, or (no id) of whichever release is current."""
    template = PINNED_FILE.replace("<release_id>", release_id) if release_id else RELEASE_FILE
    return url(template.replace("<name>", quote(name, safe="")))


def chart_csv(chart_id: str, page: str, values: Mapping[str, str]) -> str:
    """Return the link of the CSV of exactly what a chart shows."""
    return url(CHART_CSV.replace("<chart_id>", chart_id)) + full_query(page, values)


def sitemap_paths(geos: Geographies) -> list[str]:
    """Return the site paths a search engine may list: every page, every county and its brief."""
    counties = [
        site_path(page, {"county": slug})
        for slug in sorted(g.slug for g in geos.all if g.level == "county")
        for page in ("county", "brief")
    ]
    return list(dict.fromkeys([*example_paths(), *counties]))


def example_paths() -> list[str]:
    """Return one path per page at its default view (for the sitemap and the tests)."""
    return [site_path(p.key) for p in registry.PAGES if p.key != "not_found"]


def href(page: str, values: Mapping[str, str] | None = None, **changes: str) -> str:
    """Return the link (path and query) of a view, with some values changed."""
    merged = {name: PARAMS[name].default for name in PAGE_PARAMS[page]}
    merged |= dict(values or {})
    merged |= changes
    return path(page, merged) + search(page, merged)


def query_of(search_string: str) -> dict[str, str]:
    """Return the parameters of a query string ("?a=b&c=d")."""
    return dict(parse_qsl(search_string.lstrip("?"), keep_blank_values=True))


def full_query(page: str, values: Mapping[str, str]) -> str:
    """Return every non-default value as a query string, path parameters included."""
    pairs = [
        (name, values[name])
        for name in PAGE_PARAMS[page]
        if name == PATH_PARAMS.get(page) or values[name] != PARAMS[name].default
    ]
    return "?" + urlencode(pairs, safe=":") if pairs else ""
