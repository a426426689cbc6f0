"""The import benchmark behind ``python -m geo.bench``: a generated CSV of points (Chinese headers, all inside the
core), imported by ``python -m geo validate`` and by a pandas + shapely script doing the same read, points and
boundary test (the floor), each a fresh process, alternated round by round; and the worker's memory against the
file's parsed size. The file is written to a temporary folder, never to ``data/``."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
TARGET_RATIO = 3.0  # issue 22: within 3x the floor
MEMORY_RATIO = 3.0  # the worker's memory for the file, at most 3x its parsed size

FLOOR = """
import sys
import pandas as pd
import pyogrio
import shapely
table = pd.read_csv(sys.argv[1])
x = pd.to_numeric(table["经度"], errors="coerce").to_numpy()
y = pd.to_numeric(table["纬度"], errors="coerce").to_numpy()
points = shapely.points(x, y)
boundary = shapely.union_all(pyogrio.read_dataframe(sys.argv[2]).geometry.values)
shapely.prepare(boundary)
print(len(points), int(shapely.contains_xy(boundary, x, y).sum()))
"""

MEMORY = """
import json, pickle, sys, tempfile
import pandas as pd
from geo.data import load_layers
from geo.imports.worker import _result_parts
def status(key):
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith(key + ":"))
layers = load_layers()
boundary = layers.boundary.union_all()
data = open(sys.argv[1], "rb").read()
work = tempfile.mkdtemp()
_result_parts("warm.csv", b"name,lon,lat\\na,116.4,39.9\\n", "wgs84", layers.venues, boundary, work)
open("/proc/self/clear_refs", "w").write("5")  # the peak (VmHWM) from now on
before = status("VmRSS")
parts = _result_parts("points.csv", data, "wgs84", layers.venues, boundary, work)
peak = status("VmHWM")
parsed = int(pd.read_csv(sys.argv[1]).memory_usage(deep=True).sum())
loaded = len(pickle.loads(parts[0], buffers=parts[1:])[1].gdf)
sent = sum(memoryview(p).nbytes for p in parts)
print(json.dumps({"before_kb": before, "peak_kb": peak, "parsed": parsed, "loaded": loaded, "blob": sent}))
"""


def write_points_csv(path: Path, n: int, seed: int = 22) -> None:
    """``n`` rows of 编号, 名称, 经度, 纬度, 类别, every point inside the core area (``data/core.geojson``)."""
    import pyogrio
    import shapely

    core = shapely.union_all(pyogrio.read_dataframe(ROOT / "data" / "core.geojson").geometry.values)
    shapely.prepare(core)
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = core.bounds
    x, y = np.empty(0), np.empty(0)
    while len(x) < n:
        cx, cy = rng.uniform(xmin, xmax, n), rng.uniform(ymin, ymax, n)
        inside = shapely.contains_xy(core, cx, cy)
        x, y = np.concatenate([x, cx[inside]]), np.concatenate([y, cy[inside]])
    with open(path, "w", encoding="utf-8") as out:
        out.write("编号,名称,经度,纬度,类别\n")
        out.writelines(f"{i + 1},地点{i + 1},{x[i]:.6f},{y[i]:.6f},文化\n" for i in range(n))


def _wall(cmd: list[str]) -> float:
    """Seconds from a process's start to its end (it must succeed: exit 0, or 1 for problems found)."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{cmd[1:3]} failed ({done.returncode}): {done.stderr[-300:]}")
    return took


def memory(path: Path) -> dict:
    """The importer's peak memory for ``path`` in a process of its own (what a worker does: the file read,
    validated and pickled for the server, ``worker._result_parts``; the peak is Linux's VmHWM, reset first) over the same process after a one-row import, and the file's size as
    pandas parses it."""
    done = subprocess.run([sys.executable, "-c", MEMORY, str(path)], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_import(runs: int, n: int = 200_000) -> list[dict]:
    """Ours (``python -m geo validate``) and the floor, alternated for ``max(3, runs)`` rounds."""
    ours, floor = [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "points.csv"
        write_points_csv(path, n)
        cmds = {
            "ours": [sys.executable, "-m", "geo", "validate", str(path)],
            "floor": [sys.executable, "-c", FLOOR, str(path), str(ROOT / "data" / "boundary.geojson")],
        }
        for i in range(max(3, runs)):
            for name in ("ours", "floor") if i % 2 == 0 else ("floor", "ours"):
                (ours if name == "ours" else floor).append(_wall(cmds[name]))
        mem = memory(path)
    ratios = [o / f for o, f in zip(ours, floor)]
    extra = (mem["peak_kb"] - mem["before_kb"]) * 1024 / 1e6
    parsed = mem["parsed"] / 1e6
    return [
        {
            "figure": f"import {n:,} points (python -m geo validate)",
            "median_s": statistics.median(ours),
            "runs": ours,
            "baseline": statistics.median(floor),
            "target_s": TARGET_RATIO * statistics.median(floor),
            "baseline_name": "pandas + shapely: read, points, boundary test",
        },
        {
            "figure": "import ratio (ours / pandas + shapely, median of rounds)",
            "median_s": statistics.median(ratios),
            "runs": ratios,
            "baseline": 1.0,
            "target_s": TARGET_RATIO,
            "unit": "x",
        },
        {
            "figure": "import memory over a one-row import (MB)",
            "median_s": extra,
            "runs": [extra],
            "baseline": parsed,
            "target_s": MEMORY_RATIO * parsed,
            "unit": "MB",
            "baseline_name": "the file as pandas parses it",
        },
    ]
