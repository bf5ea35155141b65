"""Command line: `csec build`, `csec releases`, `csec audit DIR`, `csec synth DIR`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "data" / "aggregates"

console = Console(stderr=True, highlight=False)


def parser() -> argparse.ArgumentParser:
    """Return the argument parser with its subcommands."""
    from dashboard.extract.synth import DEFAULT_SEED

    top = argparse.ArgumentParser(
        prog="csec",
        description="Build and audit the small-cell-suppressed release of the CSEC dashboard.",
    )
    commands = top.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build",
        help="generate (or read) an extract, aggregate, suppress, audit and write the release",
        description=(
            "Without --extract, generates the synthetic demonstration extract (seeded) and builds "
            "the demo release. With --extract DIR, validates and builds a real extract in the "
            "documented schema (docs/extract-schema.md). The release is swapped in only when "
            "every step, including the disclosure audit, succeeded."
        ),
    )
    build.add_argument(
        "--extract", type=Path, help="directory with reports.csv|parquet and youth.csv|parquet"
    )
    build.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="release directory (default: data/aggregates)"
    )
    build.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="seed of the synthetic extract"
    )
    build.add_argument(
        "--extract-date",
        type=date.fromisoformat,
        help="date the records were extracted, YYYY-MM-DD (required with --extract)",
    )
    build.add_argument(
        "--release-date",
        type=date.fromisoformat,
        help="release date, YYYY-MM-DD (default: SOURCE_DATE_EPOCH if set, else today in UTC)",
    )
    build.add_argument(
        "--url", help="public address of the release, for its citation (required with --extract)"
    )
    build.add_argument(
        "--fast",
        action="store_true",
        help="time-limited optimiser for development builds (more cells hidden; still audited)",
    )
    build.add_argument(
        "--through",
        help="last state fiscal year the release covers (default: the last one the program has)",
    )
    add_history_arguments(build)
    build.add_argument(
        "--new-history",
        action="store_true",
        help="start a new release history (forget the earlier releases and their records)",
    )
    build.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would change and the joint audit's verdict; write nothing",
    )
    build.add_argument(
        "--show-failing-cells",
        action="store_true",
        help="if the disclosure audit fails, list the failing cells and their intervals "
        "(confidential: they are small counts of the extract; keep out of public logs)",
    )
    demo = commands.add_parser(
        "demo",
        help="rebuild the demonstration release history from scratch (the synthetic extract "
        "published twice: through the last fiscal year but one, then through the last)",
    )
    demo.add_argument("--out", type=Path, default=DEFAULT_OUT, help="current release directory")
    demo.add_argument("--fast", action="store_true", help="time-limited optimiser")
    add_history_arguments(demo)
    releases = commands.add_parser("releases", help="list the kept releases, newest first")
    releases.add_argument("--out", type=Path, default=DEFAULT_OUT, help="current release directory")
    add_history_arguments(releases)
    audit = commands.add_parser(
        "audit",
        help="verify a published release directory (files, checksums, tables, CSV = Parquet, "
        "small counts, suppressed nulls, audit summary), then re-run the disclosure audit",
    )
    audit.add_argument("release", type=Path, nargs="?", default=DEFAULT_OUT)
    audit.add_argument(
        "--history",
        type=Path,
        help="also audit it together with every earlier release kept there (default: "
        "'releases' beside the release, when it has an index)",
    )
    synth = commands.add_parser(
        "synth", help="write the synthetic demonstration extract to a directory"
    )
    synth.add_argument("out", type=Path)
    synth.add_argument("--seed", type=int, default=DEFAULT_SEED)
    synth.add_argument("--scale", type=float, default=1.0)
    synth.add_argument("--format", choices=("parquet", "csv"), default="csv")
    return top


def add_history_arguments(command: argparse.ArgumentParser) -> None:
    """Add the options that say where the release history lives."""
    command.add_argument(
        "--history",
        type=Path,
        help="directory of the earlier releases and the history index "
        "(default: 'releases' beside --out)",
    )
    command.add_argument(
        "--confidential",
        type=Path,
        help="directory of each release's true counts, needed to audit the next release with "
        "it; never publish it (default: 'confidential' beside --out)",
    )


def places_of(args: argparse.Namespace):
    """Return where the history of the release in --out lives."""
    from dashboard.build.history import Places

    parent = args.out.parent
    return Places(
        args.out, args.history or parent / "releases", args.confidential or parent / "confidential"
    )


def run_build(args: argparse.Namespace) -> int:
    """Build the release with a progress display and a closing summary."""
    from dashboard.build.history import start_new
    from dashboard.build.pipeline import build
    from dashboard.build.release import edition_of

    seed = args.seed if args.extract is None else None
    edition = edition_of(seed, args.extract_date, args.release_date, args.url)
    places = places_of(args)
    if args.new_history and not args.dry_run:
        start_new(places)
    with console.status("starting") as status:
        report = build(
            args.out,
            extract_dir=args.extract,
            seed=args.seed,
            edition=edition,
            on_stage=lambda name: status.update(f"{name}..."),
            show_failing_cells=args.show_failing_cells,
            fast=args.fast,
            through=args.through,
            places=places,
            dry_run=args.dry_run,
        )
    table = Table(title="Build summary", show_header=True)
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    for name, seconds in report.stages.items():
        table.add_row(name, f"{seconds:.2f}")
    table.add_row("total", f"{sum(report.stages.values()):.2f}")
    console.print(table)
    for key, value in report.figures.items():
        shown = f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else value
        console.print(f"  {key}: {shown}")
    if report.changes is not None and report.changes.height:
        changes = Table(
            title="What will change (cells)" if args.dry_run else "What changed (cells)"
        )
        for column in ("change", "period", "level", "cells"):
            changes.add_column(column, justify="right" if column == "cells" else "left")
        for row in report.changes.iter_rows():
            changes.add_row(*(str(value) for value in row))
        console.print(changes)
    if args.dry_run:
        console.print("Dry run: nothing was written.")
    elif report.figures.get("unchanged"):
        console.print(
            f"Nothing changed since release {report.figures['unchanged']}; nothing written."
        )
    else:
        console.print(f"Release written to {args.out}")
    return 0


def run_demo(args: argparse.Namespace) -> int:
    """Rebuild the demo history, then list it."""
    from dashboard.build.demo import build_demo_history

    with console.status("starting") as status:
        reports = build_demo_history(
            places_of(args), args.fast, lambda name: status.update(f"{name}...")
        )
    for number, report in enumerate(reports, 1):
        seconds = sum(report.stages.values())
        console.print(f"release {number}: {seconds:.1f} s, changes {report.figures['changes']}")
    return run_releases(args)


def run_releases(args: argparse.Namespace) -> int:
    """List the kept releases, newest first."""
    from dashboard import release_format as fmt

    places = places_of(args)
    history = fmt.read_history(places.history_dir)
    if not history["releases"]:
        print(f"No release history in {places.history_dir}.")
        return 0
    for entry in history["releases"]:
        where = fmt.release_directory(
            entry["release_id"], history, places.release_dir, places.history_dir
        )
        mark = "current" if entry["release_id"] == history["current"] else ""
        periods = entry["periods"]
        print(
            f"{entry['release_id']}  released {entry['release_date']}  extracted "
            f"{entry['extract_date']}  {periods[0]} to {periods[-2]}  {where}  {mark}".rstrip()
        )
    return 0


def run_audit(args: argparse.Namespace) -> int:
    """Verify a published release and the earlier ones it follows, then audit their union's
    suppression; exit 1 if either fails."""
    from dashboard import release_format as fmt
    from dashboard.data.verify import ReleaseError, verify
    from dashboard.disclosure.audit import audit_release

    history_dir = args.history or args.release.parent / "releases"
    history = fmt.read_history(history_dir)
    earlier = tuple(
        fmt.release_directory(e["release_id"], history, args.release, history_dir)
        for e in history["releases"]
        if e["release_id"] != history["current"]
    )
    try:
        for directory in (args.release, *earlier):
            verify(directory)
    except ReleaseError as error:
        console.print(f"[bold red]release check failed:[/] {error}", soft_wrap=True)
        return 1
    print(f"Release check passed: {args.release} and {len(earlier)} earlier release(s)")
    result = audit_release(args.release, earlier)
    print(result.format())
    return 0 if result.passed else 1


def run_synth(args: argparse.Namespace) -> int:
    """Write the synthetic extract."""
    from dashboard.extract.synth import generate, write_extract

    write_extract(generate(seed=args.seed, scale=args.scale), args.out, fmt=args.format)
    console.print(f"Synthetic extract written to {args.out}")
    return 0


COMMANDS = {
    "build": run_build,
    "demo": run_demo,
    "releases": run_releases,
    "audit": run_audit,
    "synth": run_synth,
}


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; failures print a clear message and exit non-zero."""
    from dashboard.build.pipeline import BuildError
    from dashboard.data.verify import ReleaseError
    from dashboard.extract.schema import ExtractError

    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (ExtractError, BuildError, ReleaseError, FileNotFoundError, ValueError) as error:
        console.print(f"[bold red]error:[/] {error}")
        console.print("The previous release, if any, is unchanged.")
        return 2


if __name__ == "__main__":
    sys.exit(main())
