"""The demonstration release history: the synthetic extract published twice, a year apart in
coverage, so the site shows a current release and a kept earlier one (pinned links, notes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dashboard import domain
from dashboard import release_format as fmt
from dashboard.build import history
from dashboard.build.pipeline import BuildReport, build
from dashboard.extract.synth import DEFAULT_SEED


@dataclass(frozen=True)
class DemoRelease:
    """One release of the demo history: the last fiscal year it covers and its dates."""

    through: str
    extract_date: date
    release_date: date

    def edition(self) -> fmt.Edition:
        """Return the edition of this demo release."""
        return fmt.Edition("synthetic", self.extract_date, self.release_date, None, DEFAULT_SEED)


DEMO_HISTORY: tuple[DemoRelease, ...] = (
    DemoRelease(domain.SFYS[-2], date(2026, 6, 1), date(2026, 6, 15)),
    DemoRelease(domain.SFYS[-1], date(2026, 11, 29), date(2026, 11, 29)),
)


def build_demo_history(
    places: history.Places,
    fast: bool = False,
    on_stage: Callable[[str], None] | None = None,
) -> list[BuildReport]:
    """Rebuild the whole demo history from scratch in `places`; return each build's report."""
    history.start_new(places)
    return [
        build(
            places.release_dir,
            edition=step.edition(),
            through=step.through,
            places=places,
            fast=fast,
            on_stage=on_stage,
        )
        for step in DEMO_HISTORY
    ]


def demo_places(root: Path) -> history.Places:
    """Return the places of a demo history under `root` (as in the repository's data/)."""
    return history.Places(root / "aggregates", root / "releases", root / "confidential")
