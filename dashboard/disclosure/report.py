"""The audit's report: audit.json (no split of hidden cells into primary and complementary)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from dashboard import domain
from dashboard.disclosure.weights import weight_table

LEVEL_WORDS = {
    "state": "statewide",
    "region": "region",
    "peer_group": "peer-group",
    "county": "county",
}
FAMILY_WORDS = {
    "funnel": "report funnel",
    "youth": "young people identified",
    "placement": "placement context",
    "case": "case status",
}

REPORT_NOTES = {
    "share_cells_hidden": "suppressed cells over cells holding a count (not-opted-in excluded)",
    "hidden_by_tier": "suppressed cells by information-loss tier (see weights)",
    "weighted_loss": "sum of the weights of the suppressed cells",
    "narrowest_p1_max": "smallest maximum proven (by integer witnesses) for a cell that must "
    "be able to reach 11; every such cell can be at least this large",
    "narrowest_p3_width": "smallest model-B interval width proven for a small hidden cell",
    "narrowest_hidden_width": "smallest interval width proven for a hidden cell (at least 1: "
    "no hidden cell can be computed exactly)",
    "weights": "information-loss weights: the optimiser hides the cheapest safe set of cells",
}


@dataclass
class AuditReport:
    """Summary of one disclosure audit; `to_dict()` is the release's audit.json."""

    passed: bool
    mode: str
    n_cells: int
    n_published: int
    n_suppressed: int
    n_not_opted_in: int
    share_cells_hidden: float
    hidden_by_tier: dict[str, int]
    weighted_loss: float
    narrowest_p1_max: float | None
    narrowest_p3_width: float | None
    narrowest_hidden_width: float | None
    n_relations: int
    n_components: int
    largest_component: int
    n_lps: int
    n_integer_programs: int
    seconds: float
    failures: list[dict] = field(default_factory=list)

    def to_dict(self, include_timing: bool = False) -> dict:
        """Return a JSON-ready dict; without timing it is the same on every run of one input."""
        out = {key: json_number(value) for key, value in asdict(self).items()}
        out["weights"] = weight_table()
        out["notes"] = REPORT_NOTES
        if not include_timing:
            del out["seconds"]
        return out

    def plain_failure(self) -> str:
        """Return, in plain words and naming no cell, why the release cannot be published."""
        places = sorted(
            {
                f"{FAMILY_WORDS[domain.MEASURE_BY_ID[c['measure']].family]} table, "
                f"{domain.MEASURE_BY_ID[c['measure']].label.lower()}, "
                f"{LEVEL_WORDS.get(c['geo_level'], c['geo_level'])} level"
                for f in self.failures
                if (c := f.get("cell")) and c.get("measure") in domain.MEASURE_BY_ID
            }
        )
        return "\n".join(
            [
                "This extract cannot be published safely, so nothing was written; the last "
                "good release is unchanged.",
                f"{len(self.failures)} check(s) failed: a small number could still be worked "
                "out from the figures that would be published" + (", in:" if places else "."),
                *(f"  - {place}" for place in places),
                "What you can do: check that the extract is complete (an export that lost "
                "records often leaves a county-year with very few), then build again; if it "
                "still fails, ask a maintainer to review the table design "
                "(docs/disclosure-control.md).",
            ]
        )

    def format(self, cells: bool = True) -> str:
        """Return a readable multi-line report; failing cells one by one, or (`cells=False`,
        for the log of a build on confidential data) only counted by check, measure and level.
        """
        verdict = "PASSED" if self.passed else f"FAILED ({len(self.failures)} problems)"
        lines = [
            f"Disclosure audit ({self.mode}): {verdict}",
            f"  cells {self.n_cells}: published {self.n_published}, suppressed "
            f"{self.n_suppressed}, not opted in {self.n_not_opted_in}",
            f"  share of counted cells hidden: {self.share_cells_hidden:.1%}; weighted loss "
            f"{self.weighted_loss:,.0f}",
        ]
        for label, value in (
            ("every cell that must reach 11 can reach at least", self.narrowest_p1_max),
            ("narrowest model-B interval width", self.narrowest_p3_width),
            ("narrowest interval width of a hidden cell", self.narrowest_hidden_width),
        ):
            if value is not None:
                lines.append(f"  {label}: {value:g}")
        lines.append(
            f"  {self.n_relations} relations, {self.n_components} components (largest "
            f"{self.largest_component} cells), {self.n_lps} LPs, {self.n_integer_programs} "
            f"integer programs, {self.seconds:.2f} s"
        )
        if not cells:
            return "\n".join(lines + [f"  - {line}" for line in failure_counts(self.failures)])
        lines += [f"  - {failure_text(f)}" for f in self.failures[:50]]
        if len(self.failures) > 50:
            lines.append(f"  ... and {len(self.failures) - 50} more")
        return "\n".join(lines)


def json_number(value: object) -> object:
    """Return floats rounded, with infinities as None (JSON has no infinity)."""
    if isinstance(value, float):
        return None if math.isinf(value) or math.isnan(value) else round(value, 6)
    return value


def failure_counts(failures: list[dict]) -> list[str]:
    """Return failures counted by check, measure and geographic level, naming no cell."""
    counts: dict[tuple[str, str, str], int] = {}
    for failure in failures:
        cell = failure.get("cell") or {}
        key = (failure["check"], cell.get("measure", "-"), cell.get("geo_level", "-"))
        counts[key] = counts.get(key, 0) + 1
    return [
        f"{check}: {n} cell(s) of {measure} at {level} level"
        for (check, measure, level), n in sorted(counts.items())
    ]


def failure_text(failure: dict) -> str:
    """Return one failure as a line of text."""
    details = ", ".join(f"{k}={v}" for k, v in failure.items() if k != "check")
    return f"{failure['check']}: {details}"


def interval_json(interval: list[float]) -> list[float | None]:
    """Return an interval with infinities as None."""
    return [json_number(float(x)) for x in interval]
