"""The report funnel: reports, screening, dispositions, with stage-to-stage rates where published."""

from __future__ import annotations

import polars as pl

from dashboard import domain
from dashboard.figures import bars, text


def rate_note(rate_value: float | None, rate_status: str | None, rate_label: str | None) -> str:
    """Return the stage rate as a bar note ("64.3% of reports"), or "" if not published."""
    if rate_status != domain.PUBLISHED or rate_label is None:
        return ""
    return text.rate_phrase(rate_value, rate_label, "percent")


def with_notes(frame: pl.DataFrame) -> pl.DataFrame:
    """Return funnel rows as bar rows: label, value, status and the rate note."""
    notes = [
        rate_note(v, s, lab)
        for v, s, lab in zip(
            frame["rate_value"], frame["rate_status"], frame["rate_label"], strict=True
        )
    ]
    return frame.select("label", "value", "status").with_columns(
        note=pl.Series(notes, dtype=pl.String)
    )


def funnel(frame: pl.DataFrame, title: str, source: str, empty_message: str = "") -> dict:
    """Return the funnel as horizontal bars, top stage first."""
    return bars.category_bars(
        with_notes(frame), title, "count", source, "Reports", empty_message=empty_message
    )
