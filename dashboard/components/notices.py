"""Notices: the synthetic-data banner and messages about link settings that were not used."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html


def synthetic_banner(notice: str | None) -> html.Div | None:
    """Return the synthetic-data notice shown on every page (None for a real release)."""
    if not notice:
        return None
    return html.Div(className="synthetic-banner", role="note", children=synthetic_text(notice))


def synthetic_text(notice: str) -> list:
    """Return the synthetic-data notice as inline content."""
    return [html.Strong("Demonstration only. "), notice, "."]


def link_notices(notice_id: str, messages: Sequence[str]) -> html.Div:
    """Return the notices about a page's URL settings (empty when the link was fine)."""
    return html.Div(
        id=notice_id,
        className="notices" if messages else "notices is-empty",
        role="status",
        children=[html.P(message) for message in messages],
    )


def caveat(children) -> html.Aside:
    """Return a highlighted caveat box (e.g. identification is not prevalence)."""
    return html.Aside(className="caveat", children=children)


IDENTIFICATION_NOT_PREVALENCE = (
    "Identification is not prevalence: these counts show who came to the attention of child "
    "welfare in counties that had opted in, not how many young people experienced exploitation. "
    "A higher rate can mean a county looks harder, not that more young people are harmed."
)
