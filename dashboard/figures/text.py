"""Plain-language words generated from the same frames the figures draw: values, notes, summaries."""

from __future__ import annotations

from collections import Counter

import polars as pl

from dashboard import domain

DECIMALS = {"percent": 1, "per_100k": 2}


def fmt(value: float | int | None, unit: str) -> str:
    """Return a published value as text ("12,345", "64.3%", "123.45"); "" for null."""
    if value is None:
        return ""
    if unit == "count":
        return f"{int(value):,}"
    text = f"{float(value):,.{DECIMALS[unit]}f}"
    return f"{text}%" if unit == "percent" else text


def plain(value: float | int | None, unit: str) -> str | None:
    """Return a value as plain machine text for a CSV ("12345", "64.3"); None for null."""
    if value is None:
        return None
    return str(int(value)) if unit == "count" else f"{float(value):.{DECIMALS[unit]}f}"


def fmt_with_unit(value: float | int | None, unit: str) -> str:
    """Return a value with its unit in words ("123.45 per 100,000 residents")."""
    text = fmt(value, unit)
    return f"{text} per 100,000 residents" if unit == "per_100k" and text else text


def rate_phrase(value: float | None, rate_label: str, unit: str) -> str:
    """Return a published rate in words ("65.0% of reports", "10.28 per 100,000 residents")."""
    if unit == "per_100k":
        return fmt_with_unit(value, unit)
    of = rate_label.split(", ", 1)[-1].removeprefix("% ")
    return f"{fmt(value, unit)} {of}"


def status_word(status: str) -> str:
    """Return how a non-published status reads in a table cell."""
    return {
        domain.SUPPRESSED: "Suppressed",
        domain.NOT_OPTED_IN: "Not opted in",
        domain.NOT_APPLICABLE: "Not applicable",
    }.get(status, "")


def cell_text(value: float | int | None, status: str, unit: str) -> str:
    """Return a table cell: the value if published, else the status in words."""
    return fmt(value, unit) if status == domain.PUBLISHED else status_word(status)


IRREGULAR = {"county": "counties"}


def plural(n: int, one: str, many: str | None = None) -> str:
    """Return "1 value" / "3 values" / "2 counties"."""
    return f"{n:,} {one if n == 1 else (many or IRREGULAR.get(one, one + 's'))}"


def status_note(statuses: list[str] | pl.Series, noun: str = "value") -> str:
    """Return a sentence on how many values are not shown and why ("" if all are published)."""
    counts = Counter(list(statuses))
    total = sum(counts.values())
    parts = []
    if counts[domain.SUPPRESSED]:
        parts.append(
            f"{plural(counts[domain.SUPPRESSED], noun)} of {total:,} "
            f"{'is' if counts[domain.SUPPRESSED] == 1 else 'are'} suppressed: "
            f"{domain.STATUS_REASONS[domain.SUPPRESSED]}"
        )
    if counts[domain.NOT_OPTED_IN]:
        parts.append(
            f"{plural(counts[domain.NOT_OPTED_IN], noun)} not shown because the "
            f"{domain.STATUS_REASONS[domain.NOT_OPTED_IN]}"
        )
    if counts[domain.NOT_APPLICABLE]:
        parts.append(
            f"{plural(counts[domain.NOT_APPLICABLE], noun)} not defined (the denominator is zero)"
        )
    if not parts:
        return f"All {plural(total, noun)} are published."
    return "; ".join(parts) + ". Gaps are never zero and are never filled in."


def figure_note(statuses: list[str] | pl.Series, noun: str = "value") -> str:
    """Return the short note under a figure on what is not shown and why."""
    counts = Counter(list(statuses))
    parts = []
    if counts[domain.SUPPRESSED]:
        parts.append(f"{plural(counts[domain.SUPPRESSED], noun)} suppressed to protect privacy")
    if counts[domain.NOT_OPTED_IN]:
        parts.append(f"{plural(counts[domain.NOT_OPTED_IN], noun)} not shown: not opted in")
    if counts[domain.NOT_APPLICABLE]:
        parts.append(f"{plural(counts[domain.NOT_APPLICABLE], noun)} not defined")
    if not parts:
        return f"All {plural(len(list(statuses)), noun)} published."
    return "Gaps: " + "; ".join(parts) + ". A gap is never a zero."


def _published(frame: pl.DataFrame) -> pl.DataFrame:
    """Return the published rows of a frame with value and status columns."""
    return frame.filter(pl.col("status") == domain.PUBLISHED)


def series_summary(frame: pl.DataFrame, unit: str, where: str) -> str:
    """Return a summary of one or more series over the SFYs (series, label, period, value, status)."""
    sentences = []
    for (label,), part in frame.group_by("label", maintain_order=True):
        shown = _published(part)
        if shown.height == 0:
            sentences.append(f"{label}: no published values.")
            continue
        high = shown.sort("value", descending=True).row(0, named=True)
        low = shown.sort("value").row(0, named=True)
        last = part.row(-1, named=True)
        latest = (
            f"{domain.sfy_label(last['period'])}: {fmt_with_unit(last['value'], unit)}"
            if last["status"] == domain.PUBLISHED
            else f"{domain.sfy_label(last['period'])}: not shown ({status_word(last['status']).lower()})"
        )
        if shown.height == 1:
            sentences.append(f"{label}: published for one year only; {latest}.")
            continue
        sentences.append(
            f"{label}: published for {shown.height} of {part.height} years; highest in "
            f"{domain.sfy_label(high['period'])} ({fmt_with_unit(high['value'], unit)}), lowest in "
            f"{domain.sfy_label(low['period'])} ({fmt_with_unit(low['value'], unit)}); {latest}."
        )
    return f"{where}. " + " ".join(sentences) + " " + status_note(frame["status"])


def bars_summary(frame: pl.DataFrame, unit: str, what: str) -> str:
    """Return a summary of categories (label, value, status), largest first."""
    shown = _published(frame).sort("value", descending=True)
    if shown.height == 0:
        listed = "No category is published."
    else:
        listed = "; ".join(
            f"{r['label']}: {fmt_with_unit(r['value'], unit)}" for r in shown.iter_rows(named=True)
        )
        listed = f"Published, largest first: {listed}."
    return f"{what}. {listed} {status_note(frame['status'])}"


def map_summary(frame: pl.DataFrame, unit: str, what: str) -> str:
    """Return a summary of a county map (name, value, status)."""
    shown = _published(frame)
    if shown.height == 0:
        return f"{what}: no county value is published. {status_note(frame['status'], 'county')}"
    high = shown.sort(["value", "name"], descending=[True, False]).row(0, named=True)
    low = shown.sort(["value", "name"]).row(0, named=True)
    return (
        f"{what}: published for {shown.height} of {frame.height} counties; highest "
        f"{high['name']} ({fmt_with_unit(high['value'], unit)}), lowest {low['name']} "
        f"({fmt_with_unit(low['value'], unit)}). {status_note(frame['status'], 'county')}"
    )


def roster_summary(frame: pl.DataFrame, period_label: str) -> str:
    """Return a summary of the opt-in roster (name, first_sfy, opted_in)."""
    opted = int(frame["opted_in"].sum())
    never = frame.filter(pl.col("first_sfy").is_null()).height
    cohorts = (
        frame.filter(pl.col("first_sfy").is_not_null())
        .group_by("first_sfy")
        .len()
        .sort("first_sfy")
        .iter_rows()
    )
    cohort_text = "; ".join(
        f"{domain.sfy_label(s)}: {plural(n, 'county', 'counties')}" for s, n in cohorts
    )
    return (
        f"{opted} of {frame.height} counties had opted in, {period_label}. First year in the "
        f"program, {cohort_text}; not opted in by {domain.sfy_label(domain.SFYS[-1])}: "
        f"{plural(never, 'county', 'counties')}. {domain.ROSTER_NOTICE}."
    )
