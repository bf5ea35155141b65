"""Chart views by id: build one from the release and a view state, memoized per release."""

from __future__ import annotations

from collections.abc import Callable

from dashboard import ids, urlstate
from dashboard.cache import cache
from dashboard.charts import brief, county, funnel, maps, overview, placement
from dashboard.charts.common import ChartView, Context

Builder = Callable[[Context, urlstate.View], ChartView]

# Chart id -> (page, builder)
CHARTS: dict[str, tuple[str, Builder]] = {
    ids.HOME_FUNNEL: ("home", overview.funnel),
    ids.HOME_TREND: ("home", overview.trend),
    ids.FUNNEL_STAGES: ("funnel", funnel.stages),
    ids.FUNNEL_TREND: ("funnel", funnel.stage_trend),
    ids.PLACEMENT_STATUS: ("placement", placement.status),
    ids.PLACEMENT_CONTEXT: ("placement", placement.context),
    ids.PLACEMENT_CASE: ("placement", placement.case),
    ids.PLACEMENT_DEMOGRAPHICS: ("placement", placement.demographics),
    ids.MAP_MAP: ("map", maps.county_map),
    ids.COUNTY_TREND: ("county", county.benchmark_trend),
    ids.COUNTY_TABLE: ("county", county.benchmark_table),
    ids.BRIEF_TREND: ("brief", brief.trend),
    ids.BRIEF_FUNNEL: ("brief", brief.stages),
    ids.BRIEF_CONTEXT: ("brief", brief.context),
}


def build(ctx: Context, chart_id: str, view: urlstate.View) -> ChartView:
    """Return a chart view (not memoized)."""
    return CHARTS[chart_id][1](ctx, view)


@cache.memoize()
def _render(release_id: str, chart_id: str, key: tuple[tuple[str, str], ...]) -> ChartView:
    """Return a chart view of the current app's release; memoized on release id, chart, state."""
    from dashboard.data import release

    ctx = Context(release.current(), urlstate.url(urlstate.BOUNDARIES))
    if ctx.release.release_id != release_id:
        raise RuntimeError("release changed under a running app")
    return build(ctx, chart_id, urlstate.View(CHARTS[chart_id][0], dict(key)))


def render(chart_id: str, view: urlstate.View) -> ChartView:
    """Return a chart view for the app handling this request (memoized)."""
    from dashboard.data import release

    return _render(release.current().release_id, chart_id, view.key())


def warm_defaults() -> int:
    """Render every chart at its page's default view into the cache; return how many."""
    from dashboard.data import release

    geos = release.current().geos
    for chart_id, (page, _) in CHARTS.items():
        render(chart_id, urlstate.parse(page, {}, geos))
    return len(CHARTS)


__all__ = ["CHARTS", "ChartView", "Context", "build", "render", "warm_defaults"]
