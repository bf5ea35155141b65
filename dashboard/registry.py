"""The page registry: each page's route, title, nav label, order and URL parameters, once.

The navigation, the Dash page registration, the 404 suggestions, the sitemap and the test
page lists all derive from `PAGES`; a page's layout is the `layout` of its module in
`dashboard.pages`. Adding a page is its module plus one line here.
"""

from __future__ import annotations

from dataclasses import dataclass

SITE_NAME = "California CSEC Program dashboard"


@dataclass(frozen=True)
class Page:
    """One page: key, module, route template, titles, nav label (None: not in the nav)."""

    key: str
    template: str  # URL path; "<name>" marks a URL parameter carried in the path
    title: str  # browser title before " - <site name>" (a module may refine it by view)
    nav: str | None
    description: str
    params: tuple[str, ...] = ()  # URL parameters, in the order of the page's controls
    module: str = ""  # dashboard.pages.<module>; defaults to the key

    @property
    def module_name(self) -> str:
        """Return the dotted module name of the page."""
        return "dashboard.pages." + (self.module or self.key)

    @property
    def root(self) -> str:
        """Return the path before any path parameter ("/county" for "/county/<county>")."""
        return self.template.split("/<")[0] or "/"

    @property
    def path_param(self) -> str | None:
        """Return the URL parameter carried in the path, if any."""
        return self.template.split("<")[1].split(">")[0] if "<" in self.template else None

    @property
    def entry(self) -> bool:
        """Return whether the bare root path opens this page (a trailing path value is optional)."""
        name = self.path_param
        return self.key != "not_found" and self.template in {self.root, f"{self.root}/<{name}>"}

    @property
    def full_title(self) -> str:
        """Return the browser title."""
        return f"{self.title} - {SITE_NAME}"


# Order is nav order. Path templates are matched in this order: the brief before the county page.
PAGES: tuple[Page, ...] = (
    Page("home", "/", "Overview", "Overview", "Statewide figures of the Opt-In CSEC Program.",
         ("sfy",)),
    Page("funnel", "/funnel", "Report funnel", "Report funnel",
         "From reports to findings, for the state, a region, a peer group or a county.",
         ("geo", "sfy", "show")),
    Page("placement", "/placement", "Placement context", "Placement context",
         "Where young people were when exploitation was identified.",
         ("geo", "sfy", "group", "breakdown")),
    Page("map", "/map", "Map", "Map", "California counties: opt-in roster and any measure.",
         ("view", "measure", "sfy")),
    Page("brief", "/county/<county>/brief", "County brief", None,
         "A print-ready page for one county and period, for a board or council.",
         ("county", "sfy")),
    Page("county", "/county/<county>", "County benchmark", "County benchmark",
         "One county against its peer band, region and the state.",
         ("county", "measure", "sfy")),
    Page("downloads", "/downloads", "Downloads", "Downloads",
         "The full release: CSV, data dictionary, README, citation and checksums.", ("table",)),
    Page("methodology", "/methodology", "Methodology", "Methodology",
         "Source, definitions, counting rules, suppression and audit, citation."),
    Page("changes", "/changes", "What changed", None,
         "What changed since the previous release: figures, fiscal years, counties, methods."),
    Page("not_found", "/404", "Page not found", None, "There is no page at this address.",
         module="not_found_404"),
)  # fmt: skip
BY_KEY: dict[str, Page] = {p.key: p for p in PAGES}
NAV: tuple[Page, ...] = tuple(p for p in PAGES if p.nav)
