"""Text documents of the release: README.md and CITATION.cff."""

from __future__ import annotations

from dashboard import domain

TITLE = "California Opt-In CSEC Program dashboard: county and statewide aggregates"

README = """# {title}

> **{notice}.** Real county child-welfare records are confidential; none are public. These
> files were generated from a seeded synthetic extract (seed {seed}) calibrated to the statewide
> figures of the Urban Institute's 2023 evaluation. A real extract in the documented schema
> goes through exactly the same build.

## What is here
Counts of commercial sexual exploitation (CSE) reports and of young people identified with a
documented CSE concern, in California counties that had opted in to the Opt-In CSEC Program
(Senate Bill 855, 2014), by county, region, peer group and the state, for state fiscal years
(SFY, 1 July - 30 June) {first} to {last} and the seven years together.

| file | what |
|---|---|
| `cells.csv` / `.parquet` | every published count, long form (one row per measure, geography, period, breakdown, category) |
| `rates.csv` / `.parquet` | screen-in and disposition rates, confirmed share and rates per 100,000 residents, each with its numerator and denominator |
| `funnel_wide.csv` / `.parquet` | the report funnel, one row per geography and period |
| `youth_wide.csv` / `.parquet` | young people identified by CSEC status, placement context and case status, one row per geography and period |
| `demographics.csv` / `.parquet` | statewide breakdowns by age group, sex and race/ethnicity |
| `counties.csv`, `opt_in_roster.csv`, `population.csv` | reference tables (the roster is **illustrative**) |
| `data_dictionary.csv` | every column of every table |
| `audit.json` | the disclosure-control audit of this release |
| `manifest.json` | row counts and SHA-256 checksums of every file |

## Counting rules
- A report is counted in the county and SFY in which it was received. Screened in and
  evaluated out add up to all reports; substantiated, inconclusive, unfounded and not yet
  determined add up to screened-in reports.
- A young person is counted once, in the county and SFY in which the CSE concern was first
  documented: confirmed or at risk; for confirmed young people, placement context at
  identification; for everyone, child-welfare case status.
- Region, peer-group and state figures are totals over the counties opted in that SFY. The
  seven-year figures are totals over the SFYs.
- Identification is not prevalence: these counts reflect who came to the attention of the
  child-welfare system in participating counties, not how many young people experienced CSE.
- Rates per 100,000 are per residents of all ages (Census Vintage 2019 estimates; 2019 carried
  forward to SFY 2020-21 and 2021-22). Seven-year rates are average annual rates.
- {roster_notice}.

## Suppression
Counts from 1 to 10 are suppressed, at every level, and so are further counts from which a
suppressed count could be worked out by adding or subtracting published figures
(complementary suppression). Complements are county counts where they suffice, then region
and peer-group totals, and statewide totals only as a last resort, so a county's own figure
may be hidden where its peer group's is shown. A suppressed value is an empty cell with
status `suppressed`: never 0. A zero is a real zero. A rate is published only when its numerator and denominator
are. A linear-programming audit checks every suppressed value before the release is written:
{audit_line}

## Citation
{citation}

Source of the calibration figures: Hammond, I., Wiegmann, W., Magruder, J., et al. (2023).
*Evaluation of California's Commercially Sexually Exploited Children Program.* Washington, DC:
Urban Institute.
"""

CITATION_CFF = """cff-version: 1.2.0
message: "If you use these data, please cite them as below. They are SYNTHETIC demonstration data."
title: "{title} (synthetic demonstration release {release})"
type: dataset
version: "{release}"
authors:
  - name: "CSEC dashboard contributors"
license: MIT
notes: "{notice}"
"""


def citation_text(release_id: str) -> str:
    """Return the plain-text citation of a release."""
    return (
        f"CSEC dashboard contributors. {TITLE}. Synthetic demonstration release {release_id}. "
        f"{domain.SYNTHETIC_NOTICE}."
    )


def audit_line(audit: dict) -> str:
    """Return one sentence summarising the audit result."""
    verdict = "passed" if audit.get("passed") else "FAILED"
    return (
        f"it {verdict} on {audit.get('n_cells', 0):,} cells "
        f"({audit.get('n_primary', 0):,} primary and {audit.get('n_complementary', 0):,} "
        "complementary suppressions)."
    )


def readme(release_id: str, seed: int | None, audit: dict) -> str:
    """Return the release README."""
    return README.format(
        title=TITLE,
        notice=domain.SYNTHETIC_NOTICE,
        seed=seed if seed is not None else "none (real extract)",
        first=domain.SFYS[0],
        last=domain.SFYS[-1],
        roster_notice=domain.ROSTER_NOTICE,
        audit_line=audit_line(audit),
        citation=citation_text(release_id),
    )


def citation_cff(release_id: str) -> str:
    """Return the CITATION.cff of a release."""
    return CITATION_CFF.format(title=TITLE, release=release_id, notice=domain.SYNTHETIC_NOTICE)
