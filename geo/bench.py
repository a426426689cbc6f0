"""Benchmarks: ``python -m geo.bench [--quick] [--json FILE]`` prints one table (median of runs).

Timings are measured here, never asserted in tests (a smoke run in the tests keeps this
script from rotting).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path


def median_time(fn: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def bench_snapshots(runs: int) -> list[dict]:
    from geo import snapshot
    from geo.data import load_layers

    layers = load_layers()
    cases = [
        ("snapshot 1920x1080 PNG (city, offline)", replace(snapshot.SnapshotSpec(), width_px=1920, height_px=1080,
                                                            dpi=150), "png", 2.0),
        ("snapshot A4 300 dpi PDF (central axis)", replace(snapshot.view_spec("central-axis"),
                                                           width_px=3508, height_px=2480, dpi=300), "pdf", 4.0),
        ("snapshot A4 300 dpi PNG (city)", replace(snapshot.SnapshotSpec(), width_px=3508, height_px=2480, dpi=300),
         "png", None),
    ]
    rows = []
    snapshot.render(layers, cases[0][1], "png")  # warm fonts and caches once
    for name, spec, fmt, target in cases:
        med, times = median_time(lambda spec=spec, fmt=fmt: snapshot.render(layers, spec, fmt), runs)
        rows.append({"figure": name, "median_s": med, "runs": times, "target_s": target, "baseline": None})
    return rows


def bench_map(runs: int) -> list[dict]:
    from geo import webmap
    from geo.data import load_layers

    rows = []
    med, times = median_time(load_layers, runs)
    rows.append({"figure": "load + validate layers (cold, per process)", "median_s": med, "runs": times,
                 "target_s": None, "baseline": None})
    layers = load_layers()
    med, times = median_time(lambda: webmap.build_map(layers, "zh", "offline").get_root().render(), runs)
    html = webmap.build_map(layers, "zh", "offline").get_root().render()
    rows.append({"figure": "build + render folium map (server, per rerun)", "median_s": med, "runs": times,
                 "target_s": None, "baseline": None, "bytes": len(html.encode())})
    return rows


def print_table(rows: list[dict]) -> None:
    print(f"{'figure':52s} {'median':>9s} {'target':>8s} {'verdict':>8s}")
    for r in rows:
        target = f"{r['target_s']:.1f} s" if r.get("target_s") else "-"
        verdict = "-" if not r.get("target_s") else ("ok" if r["median_s"] <= r["target_s"] else
                                                    f"+{r['median_s'] / r['target_s'] - 1:.0%}")
        extra = f"  ({r['bytes'] / 1024:.0f} KB)" if r.get("bytes") else ""
        print(f"{r['figure']:52s} {r['median_s']:8.3f}s {target:>8s} {verdict:>8s}{extra}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run each (smoke test)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs
    rows = bench_map(runs) + bench_snapshots(runs)
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "python": sys.version.split()[0], "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
