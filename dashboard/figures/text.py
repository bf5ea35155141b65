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


Rows = list[dict]  # a small frame's rows: summaries read them in plain Python


def _published(rows: Rows) -> Rows:
    """Return the published rows (each with value and status)."""
    return [r for r in rows if r["status"] == domain.PUBLISHED]


def _by_label(frame: pl.DataFrame) -> dict[str, Rows]:
    """Return a series frame's rows by label, in order of first appearance."""
    groups: dict[str, Rows] = {}
    for row in frame.to_dicts():
        groups.setdefault(row["label"], []).append(row)
    return groups


def change(part: pl.DataFrame | Rows, unit: str) -> str:
    """Return the change from the first to the last published year in words ("" if < 2 years).

    "up 31% (from 12.30 in SFY 2015-16 to 16.11 in SFY 2021-22)"; a percent change is left
    out when the first value is zero; a rate's change is also given in points.
    """
    shown = _published(part.to_dicts() if isinstance(part, pl.DataFrame) else part)
    if len(shown) < 2:
        return ""
    first, last = shown[0], shown[-1]
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


def series_sentence(label: str, part: pl.DataFrame | Rows, unit: str) -> str:
    """Return one series in a sentence: direction, years published, highest and lowest."""
    rows = part.to_dicts() if isinstance(part, pl.DataFrame) else part
    shown = _published(rows)
    if not shown:
        return f"{label}: no published values."
    if len(shown) == 1:
        only = shown[0]
        return (
            f"{label}: published for one year only ({domain.sfy_label(only['period'])}: "
            f"{fmt_with_unit(only['value'], unit)}), so no trend can be drawn."
        )
    high = max(shown, key=lambda r: r["value"])  # the first of equal values, in period order
    low = min(shown, key=lambda r: r["value"])
    return (
        f"{label}: {change(rows, unit)}; published for {len(shown)} of {len(rows)} years; "
        f"highest in {domain.sfy_label(high['period'])} ({fmt_with_unit(high['value'], unit)}), "
        f"lowest in {domain.sfy_label(low['period'])} ({fmt_with_unit(low['value'], unit)})."
    )


def series_summary(frame: pl.DataFrame, unit: str, where: str, lead: str = "") -> str:
    """Return a summary of one or more series over the SFYs (series, label, period, value, status).

    The first sentence is `lead` if given, else the direction of the first series.
    """
    sentences = [series_sentence(label, rows, unit) for label, rows in _by_label(frame).items()]
    first = lead or sentences[0]
    rest = sentences if lead else sentences[1:]
    return " ".join([first, f"{where}.", *rest, status_note(frame["status"].to_list())])


def years_against(own: Rows, other: Rows) -> tuple[int, int]:
    """Return (years own is above other, years both are published); rows: period, value, status."""
    theirs = {r["period"]: r["value"] for r in _published(other)}
    both = [(r["value"], theirs[r["period"]]) for r in _published(own) if r["period"] in theirs]
    return sum(a > b for a, b in both), len(both)


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
    rows = own.to_dicts()
    parts = []
    direction = change(rows, unit)
    shown = _published(rows)
    if direction:
        parts.append(direction.split(" (")[0] + f" since {domain.sfy_label(shown[0]['period'])}")
    elif len(shown) == 1:
        parts.append("published for one year only")
    elif all(r["status"] == domain.NOT_OPTED_IN for r in rows):
        return f"{county}: not in the program in any of these years."
    else:
        return f"{county}: no published values, so no comparison can be made."
    if band is not None:
        medians = band.select("period", value="median", status="status").to_dicts()
        above, n = years_against(rows, medians)
        if n:
            parts.append(f"above the peer median in {above} of {plural(n, 'year')}")
        else:
            parts.append("no year with both its value and a peer band published")
    above, n = years_against(rows, state.to_dicts()) if state is not None else (0, 0)
    if n:
        parts.append(f"above California in {above} of {plural(n, 'year')}")
    return f"{county}: " + "; ".join(parts) + "."


def bars_summary(frame: pl.DataFrame, unit: str, what: str) -> str:
    """Return a summary of categories (label, value, status), largest first."""
    shown = sorted(_published(frame.to_dicts()), key=lambda r: r["value"], reverse=True)
    if not shown:
        listed = "No category is published."
    else:
        listed = "; ".join(f"{r['label']}: {fmt_with_unit(r['value'], unit)}" for r in shown)
        listed = f"Published, largest first: {listed}."
    return f"{what}. {listed} {status_note(frame['status'].to_list())}"


def map_summary(frame: pl.DataFrame, unit: str, what: str) -> str:
    """Return a summary of a county map (name, value, status)."""
    statuses = frame["status"].to_list()
    shown = _published(frame.to_dicts())
    if not shown:
        return f"{what}: no county value is published. {status_note(statuses, 'county')}"
    high = min(shown, key=lambda r: (-r["value"], r["name"]))  # ties: first by name
    low = min(shown, key=lambda r: (r["value"], r["name"]))
    return (
        f"{what}: published for {len(shown)} of {frame.height} counties; highest "
        f"{high['name']} ({fmt_with_unit(high['value'], unit)}), lowest {low['name']} "
        f"({fmt_with_unit(low['value'], unit)}). {status_note(statuses, 'county')}"
    )


def roster_summary(frame: pl.DataFrame, period_label: str, last_label: str) -> str:
    """Return a summary of the opt-in roster (name, first_sfy, opted_in) of a release whose last
    fiscal year is `last_label`."""
    opted = sum(frame["opted_in"].to_list())
    firsts = Counter(frame["first_sfy"].to_list())
    never = firsts.pop(None, 0)
    cohort_text = "; ".join(
        f"{domain.sfy_label(s)}: {plural(n, 'county', 'counties')}"
        for s, n in sorted(firsts.items())
    )
    return (
        f"{opted} of {frame.height} counties had opted in, {period_label}. First year in the "
        f"program, {cohort_text}; not opted in by {last_label}: "
        f"{plural(never, 'county', 'counties')}. {domain.ROSTER_NOTICE}."
    )
