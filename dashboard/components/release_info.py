"""Which release a page shows: the notice on an earlier release's pages, and the release line
(id, release date, extract date) every page ends with."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.data.release import Release


def newer_notice(current_view: str, changes: str) -> html.Div:
    """Return the notice of a page showing an earlier release: links to the same view in the
    current release and to what changed (assets/controls.js keeps the first in step)."""
    return html.Div(
        id=ids.RELEASE_NOTICE,
        className="release-notice",
        role="note",
        children=[
            html.P(
                [
                    html.Strong("Newer figures are available"),
                    " — see what changed. This page shows an earlier release, as the link you "
                    "followed asked; the current release adds later years (published years "
                    "stay as they were).",
                ]
            ),
            html.P(
                [
                    html.A(
                        "See this view in the current release",
                        id=ids.CURRENT_VIEW,
                        href=current_view,
                        **{"data-current-view": "true"},
                    ),
                    " · ",
                    dcc.Link("What changed in the current release", href=changes),
                ]
            ),
        ],
    )


def refused_notice(release_id: str) -> html.Div:
    """Return the notice of a link to a kept release that cannot be shown (it failed the check
    every release must pass before it is served)."""
    return html.Div(
        id=ids.RELEASE_NOTICE,
        className="release-notice",
        role="note",
        children=html.P(
            f"Release {release_id} cannot be shown: its files did not pass the check every "
            "release must pass before it is served. Showing the current release instead."
        ),
    )


def release_line(rel: Release, latest: bool, changes: str) -> html.P:
    """Return the line naming the release a page shows, with its dates and its notes."""
    which = "the current release" if latest else "an earlier release"
    return html.P(
        id=ids.RELEASE_LINE,
        className="release-line",
        **{"data-release-id": rel.release_id},
        children=[
            "Figures from release ",
            html.Code(rel.release_id),
            f" ({which}), released {rel.release_date.isoformat()} from records extracted "
            f"{rel.extract_date.isoformat()}. ",
            dcc.Link("What changed in this release", href=changes),
        ],
    )
