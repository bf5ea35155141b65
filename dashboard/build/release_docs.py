"""Text documents of the release (README.md, CITATION.cff) and docs/release-schema.md.

Run `python -m dashboard.build.release_docs > docs/release-schema.md` after changing the
release format (a test keeps the two equal).
"""

from __future__ import annotations

from dashboard import domain
from dashboard import release_format as fmt

TITLE = "California Opt-In CSEC Program dashboard: county and statewide aggregates"
AUTHORS = "CSEC dashboard contributors"
NOT_PUBLISHED = "Not published at a public address: a demonstration release."
CALIBRATION = (
    "Hammond, I., Wiegmann, W., Magruder, J., et al. (2023). *Evaluation of California's "
    "Commercially Sexually Exploited Children Program.* Washington, DC: Urban Institute."
)

SYNTHETIC_INTRO = """> **{notice}.** Real county child-welfare records are confidential; none are public. These
> files were generated from a seeded synthetic extract (seed {seed}) calibrated to the statewide
> figures of the Urban Institute's 2023 evaluation. A real extract in the documented schema
> goes through exactly the same build.
"""
EXTRACT_INTRO = """These counts were aggregated from a confidential record-level extract of county
child-welfare records; only the suppressed aggregates below are public.
"""

README = """# {title}

{intro}
## What is here
Counts of commercial sexual exploitation (CSE) reports and of young people identified with a
documented CSE concern, in California counties that had opted in to the Opt-In CSEC Program
(Senate Bill 855, 2014), by county, region, peer group and the state, for state fiscal years
(SFY, 1 July - 30 June) {first} to {last} and the {years} years together.

| file | what |
|---|---|
{files}| `manifest.json` | release id, dates, licences, row counts and SHA-256 checksums of every file |

## Dates and licence
- {extract_line}: {extract_date}. Release built: {release_date}. Release {release_id}.
- {published}
- The data (every file here) are licensed under the {data_license}: {data_license_url}.
  Credit: "{authors}, {title}, release {release_id}".
- The code that builds and serves them is licensed under the MIT licence.

## Counting rules
- A report is counted in the county and SFY in which it was received. Screened in and
  evaluated out add up to all reports; substantiated, inconclusive, unfounded and not yet
  determined add up to screened-in reports.
- A young person is counted once, in the county and SFY in which the CSE concern was first
  documented: confirmed or at risk; for confirmed young people, placement context at
  identification; for everyone, child-welfare case status.
- Region, peer-group and state figures are totals over the counties opted in that SFY. The
  whole-window figures are totals over the SFYs.
- Identification is not prevalence: these counts reflect who came to the attention of the
  child-welfare system in participating counties, not how many young people experienced CSE.
- Rates per 100,000 are per residents of all ages (Census Vintage 2019 estimates; 2019 carried
  forward to later SFYs). Whole-window rates are average annual rates.
{roster_line}
## What changed
{changes}
## Suppression
Counts from 1 to 10 are suppressed, at every level, and so are further counts from which a
suppressed count could be worked out by adding or subtracting published figures
(complementary suppression). Which further counts are hidden is chosen by an optimiser that
hides the cheapest safe set, where hiding a count costs: {weights}. A hidden count that could
be worked out exactly is published instead. {table_design} A suppressed value is an empty cell with
status `suppressed`: never 0. A zero is a real zero. A rate is published only when its numerator and denominator
are. A linear-programming audit checks every suppressed value before the release is written:
{audit_line}

## Citation
{citation}
{calibration}"""

CITATION_CFF = """cff-version: 1.2.0
message: "If you use these data, please cite them as below.{message_note}"
title: "{title}"
type: dataset
version: "{release}"
date-released: "{release_date}"
{url}authors:
  - name: "{authors}"
license: {license}
notes: "{notes}"
"""


def changes_section(lineage: fmt.Lineage) -> str:
    """Return the README's account of what changed since the previous release."""
    if lineage.previous_release_id is None:
        return f"This is the first release. {domain.SUCCESSIVE_RELEASES_RULE}\n"
    lines = [
        f"This release follows release {lineage.previous_release_id}. `CHANGES.csv` lists "
        f"every cell that is new, removed or changed. {domain.SUCCESSIVE_RELEASES_RULE}\n"
    ]
    if lineage.method_changes:
        lines.append("\nChanges of method:\n")
        lines += [f"- {change}\n" for change in lineage.method_changes]
    return "".join(lines)


def release_title(release_id: str, edition: fmt.Edition) -> str:
    """Return the title of one release (says synthetic only for a synthetic one)."""
    kind = "synthetic demonstration release" if edition.synthetic else "release"
    return f"{TITLE} ({kind} {release_id})"


def citation_text(release_id: str, edition: fmt.Edition) -> str:
    """Return the plain-text citation of a release."""
    text = (
        f"{AUTHORS} ({edition.release_date.year}). {release_title(release_id, edition)}. "
        f"Released {edition.release_date}; records extracted {edition.extract_date}"
        + (f". {edition.url}" if edition.url else "")
    )
    return f"{text}. {domain.SYNTHETIC_NOTICE}." if edition.synthetic else f"{text}."


def audit_line(audit: dict) -> str:
    """Return one sentence summarising the audit result."""
    verdict = "passed" if audit.get("passed") else "FAILED"
    together = audit.get("releases_audited_together", 1)
    scope = f", this release and the {together - 1} before it together" if together > 1 else ""
    return (
        f"it {verdict} on {audit.get('n_cells', 0):,} cells{scope} "
        f"({audit.get('n_suppressed', 0):,} suppressed)."
    )


def file_rows() -> str:
    """Return the README's table of files, one row per table and document of the format."""
    rows = []
    for table in fmt.TABLES:
        names = " / ".join(f"`{name}`" for name in table.files)
        rows.append(f"| {names} | {table.summary} |\n")
    rows += [f"| `{doc.name}` | {doc.summary} |\n" for doc in fmt.DOCUMENTS]
    return "".join(rows)


def readme(
    release_id: str,
    edition: fmt.Edition,
    audit: dict,
    roster_illustrative: bool,
    sfys: tuple[str, ...],
    lineage: fmt.Lineage,
) -> str:
    """Return the release README."""
    intro = (
        SYNTHETIC_INTRO.format(notice=domain.SYNTHETIC_NOTICE, seed=edition.seed)
        if edition.synthetic
        else EXTRACT_INTRO
    )
    return README.format(
        title=TITLE,
        intro=intro,
        first=sfys[0],
        last=sfys[-1],
        years=domain.NUMBER_WORDS.get(len(sfys), len(sfys)),
        changes=changes_section(lineage),
        files=file_rows(),
        extract_line="Synthetic extract generated" if edition.synthetic else "Records extracted",
        extract_date=edition.extract_date,
        release_date=edition.release_date,
        release_id=release_id,
        published=f"Published at {edition.url}." if edition.url else NOT_PUBLISHED,
        data_license=fmt.DATA_LICENSE_NAME,
        data_license_url=fmt.DATA_LICENSE_URL,
        authors=AUTHORS,
        roster_line=f"- {domain.ROSTER_NOTICE}.\n" if roster_illustrative else "",
        audit_line=audit_line(audit),
        weights="; ".join(f"{row['cells']}, {row['weight']:g}" for row in audit.get("weights", [])),
        table_design=domain.TABLE_DESIGN_RULE,
        citation=citation_text(release_id, edition),
        calibration=f"\nSource of the calibration figures: {CALIBRATION}\n"
        if edition.synthetic
        else "",
    )


def citation_cff(release_id: str, edition: fmt.Edition) -> str:
    """Return the CITATION.cff of a release (data licence; the code's licence in the notes)."""
    licences = (
        f"Data licensed {fmt.DATA_LICENSE_NAME}; the code that built them is licensed "
        f"{fmt.CODE_LICENSE}. Records extracted {edition.extract_date}."
    )
    return CITATION_CFF.format(
        message_note=" They are SYNTHETIC demonstration data." if edition.synthetic else "",
        title=release_title(release_id, edition),
        release=release_id,
        release_date=edition.release_date,
        url=f'url: "{edition.url}"\n' if edition.url else "",
        authors=AUTHORS,
        license=fmt.DATA_LICENSE,
        notes=f"{domain.SYNTHETIC_NOTICE}. {licences}" if edition.synthetic else licences,
    )


SCHEMA_INTRO = """# The published release (`data/aggregates/`)

Generated from `dashboard/release_format.py` by
`python -m dashboard.build.release_docs > docs/release-schema.md`; do not edit by hand.

The only thing the web app reads. The directory holds exactly the files below and
`manifest.json`, which lists each with its SHA-256. Vocabulary (measure ids, categories,
periods, statuses) is defined once in `dashboard/domain.py`. One verifier
(`dashboard/data/verify.py`) checks a release before the build swaps it in, when the app starts
and in `csec audit`: exactly these files, every checksum, every table against the columns and
types below, every CSV equal to its Parquet twin, the roles of the columns (a value only where
its status is published, no published count from 1 to 10), the wide tables and rates against
`cells`, wording that says synthetic exactly when the release is, and a passed audit.
"""


def schema_markdown() -> str:
    """Return docs/release-schema.md: files, columns, types, roles and manifest keys."""
    lines = [SCHEMA_INTRO, "## Column roles", "| role | meaning |", "|---|---|"]
    lines += [f"| `{role}` | {meaning} |" for role, meaning in fmt.ROLES.items()]
    lines += ["", "## Files", "| file | what |", "|---|---|"]
    lines += [row.rstrip("\n") for row in file_rows().splitlines()]
    lines.append("| `manifest.json` | the manifest (keys below) |")
    for table in fmt.TABLES:
        formats = " + ".join(fmt.FORMATS[table.kind])
        lines += ["", f"## `{table.name}` ({formats}, {table.kind})", f"{table.summary}."]
        if table.key:
            lines.append(f"One row per {', '.join(f'`{k}`' for k in table.key)}.")
        if table.notes:
            lines.append(table.notes)
        lines += ["", "| column | type | role | description |", "|---|---|---|---|"]
        for column in table.columns:
            role = column.role + (f" (status: `{column.status}`)" if column.status else "")
            lines.append(f"| `{column.name}` | {column.dtype} | {role} | {column.description} |")
    lines += ["", "## `manifest.json`", "| key | type | what |", "|---|---|---|"]
    for key, (kind, what) in fmt.MANIFEST_KEYS.items():
        kinds = kind if isinstance(kind, tuple) else (kind,)
        names = " or ".join("null" if k is type(None) else k.__name__ for k in kinds)
        lines.append(f"| `{key}` | {names} | {what} |")
    lines += [
        "",
        "Each entry of `files`: " + ", ".join(f"`{k}`" for k in fmt.FILE_KEYS) + ".",
        f"The data are licensed {fmt.DATA_LICENSE_NAME}; the code is licensed {fmt.CODE_LICENSE}.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(schema_markdown(), end="")
