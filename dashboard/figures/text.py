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


def change(part: pl.DataFrame, unit: str) -> str:
    """Return the change from the first to the last published year in words ("" if < 2 years).

    "up 31% (from 12.30 in SFY 2015-16 to 16.11 in SFY 2021-22)"; a percent change is left
    out when the first value is zero; a rate's change is also given in points.
    """
    shown = _published(part)
    if shown.height < 2:
        return ""
    first, last = shown.row(0, named=True), shown.row(-1, named=True)
    a, b = first["value"], last["value"]
    span = (
        f"from {fmt_with_unit(a, unit)} in {domain.sfy_label(first['period'])} to "
        f"{fmt_with_unit(b, unit)} in {domain.sfy_label(last['period'])}"
    )
    if b == a:
        return f"unchanged ({span})"
    word = "up" if b > a else "down"
    diff = abs(b - a)
    amount = f"{diff * 100 / a:.0f}%" if a else f"by {fmt(diff, unit)}"
    if unit == "percent":
        amount = f"{diff:.1f} percentage points"
    return f"{word} {amount} ({span})"


def series_sentence(label: str, part: pl.DataFrame, unit: str) -> str:
    """Return one series in a sentence: direction, years published, highest and lowest."""
    shown = _published(part)
    if shown.height == 0:
        return f"{label}: no published values."
    if shown.height == 1:
        only = shown.row(0, named=True)
        return (
            f"{label}: published for one year only ({domain.sfy_label(only['period'])}: "
            f"{fmt_with_unit(only['value'], unit)}), so no trend can be drawn."
        )
    high = shown.sort("value", descending=True).row(0, named=True)
    low = shown.sort("value").row(0, named=True)
    return (
        f"{label}: {change(part, unit)}; published for {shown.height} of {part.height} years; "
        f"highest in {domain.sfy_label(high['period'])} ({fmt_with_unit(high['value'], unit)}), "
        f"lowest in {domain.sfy_label(low['period'])} ({fmt_with_unit(low['value'], unit)})."
    )


def series_summary(frame: pl.DataFrame, unit: str, where: str, lead: str = "") -> str:
    """Return a summary of one or more series over the SFYs (series, label, period, value, status).

    The first sentence is `lead` if given, else the direction of the first series.
    """
    sentences = [
        series_sentence(label, part, unit)
        for (label,), part in frame.group_by("label", maintain_order=True)
    ]
    first = lead or sentences[0]
    rest = sentences if lead else sentences[1:]
    return " ".join([first, f"{where}.", *rest, status_note(frame["status"])])


def years_against(own: pl.DataFrame, other: pl.DataFrame) -> tuple[int, int]:
    """Return (years own is above other, years both are published); frames: period, value, status."""
    both = own.select("period", "value", "status").join(
        other.select("period", "value", "status"), on="period", suffix="_o"
    )
    both = both.filter(
        (pl.col("status") == domain.PUBLISHED) & (pl.col("status_o") == domain.PUBLISHED)
    )
    return int((both["value"] > both["value_o"]).sum()), both.height


def standing(
    county: str,
    own: pl.DataFrame,
    band: pl.DataFrame | None,
    state: pl.DataFrame | None,
    unit: str,
) -> str:
    """Return the county's direction and where it stands against its peers and the state.

    Counts compare with nothing (a county's count against the state's only says its size).
    """
    parts = []
    direction = change(own, unit)
    shown = _published(own).height
    if direction:
        parts.append(
            direction.split(" (")[0] + f" since {domain.sfy_label(_published(own)['period'][0])}"
        )
    elif shown == 1:
        parts.append("published for one year only")
    elif (own["status"] == domain.NOT_OPTED_IN).all():
        return f"{county}: not in the program in any of these years."
    else:
        return f"{county}: no published values, so no comparison can be made."
    if band is not None:
        medians = band.select("period", value="median", status="status")
        above, n = years_against(own, medians)
        if n:
            parts.append(f"above the peer median in {above} of {plural(n, 'year')}")
        else:
            parts.append("no year with both its value and a peer band published")
    above, n = years_against(own, state) if state is not None else (0, 0)
    if n:
        parts.append(f"above California in {above} of {plural(n, 'year')}")
    return f"{county}: " + "; ".join(parts) + "."


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


def roster_summary(frame: pl.DataFrame, period_label: str, last_label: str) -> str:
    """Return a summary of the opt-in roster (name, first_sfy, opted_in) of a release whose last
    fiscal year is `last_label`."""
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
        f"program, {cohort_text}; not opted in by {last_label}: "
        f"{plural(never, 'county', 'counties')}. {domain.ROSTER_NOTICE}."
    )
