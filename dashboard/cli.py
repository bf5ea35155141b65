"""Command line: `csec build`, `csec audit DIR`, `csec synth DIR`."""

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
        "--show-failing-cells",
        action="store_true",
        help="if the disclosure audit fails, list the failing cells and their intervals "
        "(confidential: they are small counts of the extract; keep out of public logs)",
    )
    audit = commands.add_parser(
        "audit",
        help="verify a published release directory (files, checksums, tables, CSV = Parquet, "
        "small counts, suppressed nulls, audit summary), then re-run the disclosure audit",
    )
    audit.add_argument("release", type=Path, nargs="?", default=DEFAULT_OUT)
    synth = commands.add_parser(
        "synth", help="write the synthetic demonstration extract to a directory"
    )
    synth.add_argument("out", type=Path)
    synth.add_argument("--seed", type=int, default=DEFAULT_SEED)
    synth.add_argument("--scale", type=float, default=1.0)
    synth.add_argument("--format", choices=("parquet", "csv"), default="csv")
    return top


def run_build(args: argparse.Namespace) -> int:
    """Build the release with a progress display and a closing summary."""
    from dashboard.build.pipeline import build
    from dashboard.build.release import edition_of

    seed = args.seed if args.extract is None else None
    edition = edition_of(seed, args.extract_date, args.release_date, args.url)
    with console.status("starting") as status:
        report = build(
            args.out,
            extract_dir=args.extract,
            seed=args.seed,
            edition=edition,
            on_stage=lambda name: status.update(f"{name}..."),
            show_failing_cells=args.show_failing_cells,
            fast=args.fast,
        )
    table = Table(title="Build summary", show_header=True)
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    for name, seconds in report.stages.items():
        table.add_row(name, f"{seconds:.2f}")
    table.add_row("total", f"{sum(report.stages.values()):.2f}")
    console.print(table)
    for key, value in report.figures.items():
        console.print(f"  {key}: {value:,}" if isinstance(value, int) else f"  {key}: {value}")
    console.print(f"Release written to {args.out}")
    return 0


def run_audit(args: argparse.Namespace) -> int:
    """Verify a published release, then audit its suppression; exit 1 if either fails."""
    from dashboard.data.verify import ReleaseError, verify
    from dashboard.disclosure.audit import audit_release

    try:
        verify(args.release)
    except ReleaseError as error:
        console.print(f"[bold red]release check failed:[/] {error}", soft_wrap=True)
        return 1
    print(f"Release check passed: {args.release}")
    result = audit_release(args.release)
    print(result.format())
    return 0 if result.passed else 1


def run_synth(args: argparse.Namespace) -> int:
    """Write the synthetic extract."""
    from dashboard.extract.synth import generate, write_extract

    write_extract(generate(seed=args.seed, scale=args.scale), args.out, fmt=args.format)
    console.print(f"Synthetic extract written to {args.out}")
    return 0


COMMANDS = {"build": run_build, "audit": run_audit, "synth": run_synth}


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
