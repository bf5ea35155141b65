"""Benchmark the build: stage wall times at 1× and 100×, polars vs pandas aggregation, peak memory.

Run: .venv/bin/python bench/build.py [--scales 1 100] [--repeat 3] [--full-build]
Each scale runs in its own process so that its peak RSS is its own. Every timed step is called
once untimed first (imports, polars' thread pool, caches), then timed `--repeat` times: the
minimum and median are printed, with the load average before and after (the machine is shared).
The polars and pandas aggregations are timed in turn, round by round, so that a change of load
during the run weighs on both alike, in wall and in CPU seconds (the work, which depends less on
the other processes).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from dashboard import reference
from dashboard.build.aggregate import aggregate
from dashboard.build.pipeline import build
from dashboard.extract import schema, synth

AGE_BINS = [-1, 11, 13, 15, 17, 200]
AGE_LABELS = ["under_12", "12_13", "14_15", "16_17", "18_plus"]
CASE = {
    "open_case": "case_open",
    "prior_closed_case": "case_prior_closed",
    "case_opened_after": "case_opened_after",
    "no_case": "case_none",
}


def pandas_tally(frame: pd.DataFrame, date: str, age: str, codes: list[str]) -> pd.DataFrame:
    """Return record counts per county, SFY, codes and demographics, as aggregate.tally does."""
    start = frame[date].dt.year - (frame[date].dt.month < 7).astype("int32")
    keyed = pd.DataFrame(
        {
            "county_fips": frame["county_fips"],
            "sfy_start": start,
            **{c: frame[c] for c in codes},
            "age": frame[age],
            "sex": frame["sex"],
            "race_ethnicity": frame["race_ethnicity"],
        }
    )
    grouped = (
        keyed.groupby(list(keyed.columns), observed=True, dropna=False).size().reset_index(name="n")
    )
    grouped["period"] = (
        grouped["sfy_start"].astype(str)
        + "-"
        + ((grouped["sfy_start"] + 1) % 100).astype(str).str.zfill(2)
    )
    grouped["age_group"] = pd.cut(grouped["age"], AGE_BINS, labels=AGE_LABELS).astype(str)
    for column in ("county_fips", *codes, "sex", "race_ethnicity"):
        grouped[column] = grouped[column].astype("string")
    return grouped.drop(columns=["sfy_start", "age"])


def pandas_records(reports: pd.DataFrame, youth: pd.DataFrame) -> pd.DataFrame:
    """Return counts per (county, period, demographics, measure), as aggregate.py does in polars."""
    r = pandas_tally(reports, "received_date", "age_at_report", ["screening", "disposition"])
    y = pandas_tally(
        youth, "identified_date", "age", ["csec_status", "placement_context", "case_status"]
    )
    confirmed = y[y["csec_status"] == "confirmed"]
    parts = [
        r.assign(measure="reports"),
        r.assign(measure=r["screening"]),
        r[r["disposition"].notna()].assign(measure=r["disposition"]),
        y.assign(measure="youth"),
        y.assign(measure=y["csec_status"]),
        confirmed.assign(measure="confirmed_" + confirmed["placement_context"]),
        y.assign(measure=y["case_status"].map(CASE)),
    ]
    keep = ["county_fips", "period", "age_group", "sex", "race_ethnicity", "measure", "n"]
    return pd.concat([p[keep] for p in parts], ignore_index=True)


def pandas_aggregate(reports: pd.DataFrame, youth: pd.DataFrame, counties: pd.DataFrame) -> int:
    """Return the number of cells of the same aggregation written in pandas."""
    records = pandas_records(reports, youth).merge(counties, on="county_fips")
    frames = [records.groupby(["county_fips", "period", "measure"])["n"].sum()]
    frames += [
        records.groupby([col, "period", "measure"])["n"].sum()
        for col in ("region_id", "peer_group_id")
    ]
    frames.append(records.groupby(["period", "measure"])["n"].sum())
    for breakdown in ("age_group", "sex", "race_ethnicity"):
        frames.append(records.groupby(["measure", "period", breakdown])["n"].sum())
    windows = [f.groupby(level=[n for n in f.index.names if n != "period"]).sum() for f in frames]
    return sum(len(f) for f in frames + windows)


def timed(fn, *args, **kwargs):
    """Return (result, seconds) of one call."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def repeated(repeat: int, fn, *args, **kwargs) -> tuple[object, list[float]]:
    """Return the result of a warm-up call and the seconds of `repeat` timed calls after it."""
    result = fn(*args, **kwargs)
    return result, [timed(fn, *args, **kwargs)[1] for _ in range(repeat)]


def interleaved(repeat: int, steps: dict[str, functools.partial]) -> dict[str, list[float]]:
    """Call each step once untimed, then time the steps in turn, `repeat` rounds.

    Each step gets wall seconds (`<name>_s`) and CPU seconds of all the process's threads
    (`<name>_cpu_s`: the work done, which depends less on what else the machine runs).
    """
    for step in steps.values():
        step()
    seconds: dict[str, list[float]] = {}
    for _ in range(repeat):
        for name, step in steps.items():
            cpu = time.process_time()
            seconds.setdefault(f"{name}_s", []).append(timed(step)[1])
            seconds.setdefault(f"{name}_cpu_s", []).append(time.process_time() - cpu)
    return seconds


def load_average() -> str:
    """Return the 1, 5 and 15 minute load averages."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_scale(scale: float, repeat: int, full_build: bool) -> dict:
    """Measure one scale in this process and return its figures (lists of seconds per step)."""
    counties, roster, population = (
        reference.load_counties(),
        reference.load_roster(),
        reference.load_population(),
    )
    figures: dict = {"scale": scale, "load_before": load_average()}
    extract, figures["generate_s"] = repeated(
        repeat, synth.generate, scale=scale, counties=counties, roster=roster, population=population
    )
    figures["reports"] = extract.reports.height
    _, figures["validate_s"] = repeated(repeat, schema.validate, extract, counties, roster)
    reports_pd, youth_pd = extract.reports.to_pandas(), extract.youth.to_pandas()
    figures |= interleaved(
        repeat,
        {
            "aggregate_polars": functools.partial(
                aggregate, extract.reports, extract.youth, counties, roster
            ),
            "aggregate_pandas": functools.partial(
                pandas_aggregate, reports_pd, youth_pd, counties.to_pandas()
            ),
        },
    )
    if full_build and scale == 1:
        stages: dict[str, list[float]] = {}
        figures["full_build_s"] = []
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as tmp:
                report, seconds = timed(build, Path(tmp) / "aggregates")
            figures["full_build_s"].append(seconds)
            for stage, value in report.stages.items():
                stages.setdefault(f"build_{stage}_s", []).append(value)
        figures |= stages
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["load_after"] = load_average()
    return figures


def print_scale(figures: dict) -> None:
    """Print one scale's figures: min and median of each timed step, and the aggregation ratios."""
    print(f"\n== scale {figures['scale']:g}x ({figures['reports']:,} reports) ==")
    print(f"  load average before: {figures['load_before']}")
    print(f"  {'step':28s} {'min s':>10} {'median s':>10} {'runs':>5}")
    for key, value in figures.items():
        if isinstance(value, list):
            print(
                f"  {key:28s} {min(value):10.3f} {statistics.median(value):10.3f} {len(value):5d}"
            )
    for kind, infix in (("wall", ""), ("CPU", "cpu_")):
        pandas, polars = (
            figures[f"aggregate_pandas_{infix}s"],
            figures[f"aggregate_polars_{infix}s"],
        )
        print(
            f"  pandas / polars aggregation ({kind} time): "
            f"median {statistics.median(pandas) / statistics.median(polars):.2f}x, "
            f"min {min(pandas) / min(polars):.2f}x"
        )
    print(
        f"  peak RSS {figures['peak_rss_mb']:.0f} MB; load average after: {figures['load_after']}"
    )


def main() -> None:
    """Run each scale in a child process and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 100])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per step (>= 3)")
    parser.add_argument(
        "--full-build",
        action="store_true",
        help="also time the whole build at 1x, stage by stage (minutes per run: the suppression "
        "solves its MILP; bench/suppress.py times it alone)",
    )
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.repeat < 3:
        parser.error("--repeat must be at least 3 (min and median of repeated runs)")
    if args.child is not None:
        print(json.dumps(run_scale(args.child, args.repeat, args.full_build)))
        return
    for scale in args.scales:
        command = [sys.executable, __file__, "--child", str(scale), "--repeat", str(args.repeat)]
        command += ["--full-build"] if args.full_build else []
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        print_scale(json.loads(out.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
