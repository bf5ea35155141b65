"""Benchmark the build: stage wall times at 1× and 100×, polars vs pandas aggregation, peak memory.

Run: .venv/bin/python bench/build.py [--scales 1 100]
Each scale runs in its own process so that its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
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


def run_scale(scale: float) -> dict:
    """Measure one scale in this process and return its figures."""
    counties, roster, population = (
        reference.load_counties(),
        reference.load_roster(),
        reference.load_population(),
    )
    figures: dict[str, float] = {"scale": scale}
    extract, figures["generate_s"] = timed(
        synth.generate, scale=scale, counties=counties, roster=roster, population=population
    )
    figures["reports"] = extract.reports.height
    _, figures["validate_s"] = timed(schema.validate, extract, counties, roster)
    _, figures["aggregate_polars_s"] = timed(
        aggregate, extract.reports, extract.youth, counties, roster
    )
    reports_pd, youth_pd = extract.reports.to_pandas(), extract.youth.to_pandas()
    _, figures["aggregate_pandas_s"] = timed(
        pandas_aggregate, reports_pd, youth_pd, counties.to_pandas()
    )
    figures["pandas_over_polars"] = figures["aggregate_pandas_s"] / figures["aggregate_polars_s"]
    if scale == 1:
        with tempfile.TemporaryDirectory() as tmp:
            report, figures["full_build_s"] = timed(build, Path(tmp) / "aggregates")
        figures |= {f"build_{k}_s": v for k, v in report.stages.items()}
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def main() -> None:
    """Run each scale in a child process and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 100])
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(run_scale(args.child)))
        return
    for scale in args.scales:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(scale)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"\n== scale {scale:g}x ({figures['reports']:,} reports) ==")
        for key, value in figures.items():
            print(
                f"  {key:28s} {value:12.3f}"
                if isinstance(value, float)
                else f"  {key:28s} {value:>12,}"
            )


if __name__ == "__main__":
    main()
