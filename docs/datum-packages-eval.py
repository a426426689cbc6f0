"""Evaluate PyPI WGS-84 <-> GCJ-02 / BD-09 converters against our geo.datum.

Run:  cd /tmp/datum_eval && PYTHONPATH=/work/main ./venv/bin/python eval.py
(venv = python -m venv venv --system-site-packages, then
 pip install coordtransform eviltransform coord-convert cnmaps \
             prcoords geocoordinates-rs pybind11-coordtransform)

Writes results.json next to this file and prints a summary.
"""

from __future__ import annotations

import json
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np

import geo.datum as ours

# --------------------------------------------------------------------------
# adapters: every package is wrapped as fwd/inv(lon_array, lat_array) -> arrays
# "vector" adapters hand the whole array to the package; "scalar" ones loop in
# Python, which is what a caller of a scalar-only API has to write.
# --------------------------------------------------------------------------


def loop(fn):
    """Wrap a scalar fn(lon, lat) -> (lon, lat) as an array function."""

    def run(lon, lat):
        out = [fn(x, y) for x, y in zip(lon.tolist(), lat.tolist())]
        a = np.array(out, dtype=float).reshape(-1, 2)
        return a[:, 0], a[:, 1]

    return run


ADAPTERS: dict[str, dict] = {}

ADAPTERS["ours (geo.datum)"] = dict(
    kind="vector (numpy)",
    fwd=lambda lon, lat: ours.from_wgs84(lon, lat, "gcj02"),
    inv=lambda lon, lat: ours.to_wgs84(lon, lat, "gcj02"),
    fwd_bd=lambda lon, lat: ours.from_wgs84(lon, lat, "bd09"),
    inv_bd=lambda lon, lat: ours.to_wgs84(lon, lat, "bd09"),
    scalar_fwd=lambda lon, lat: ours.from_wgs84(lon, lat, "gcj02"),
)

import coordTransform as ct  # PyPI "coordtransform"


def _ct(fn):
    def run(lon, lat):
        a, b = fn(np.ascontiguousarray(lon), np.ascontiguousarray(lat))
        return np.asarray(a, float), np.asarray(b, float)

    return run


ADAPTERS["coordtransform 0.2.1"] = dict(
    kind=f"scalar (pure Py) + C batch for lists/arrays (C ext loaded: {ct.HAS_C_EXTENSION})",
    fwd=_ct(ct.wgs84_to_gcj02),
    inv=_ct(ct.gcj02_to_wgs84),
    fwd_bd=_ct(ct.wgs84_to_bd09),
    inv_bd=_ct(ct.bd09_to_wgs84),
    scalar_fwd=ct.wgs84_to_gcj02,
)

import eviltransform as et  # (lat, lng) argument order!

ADAPTERS["eviltransform 0.1.1 (gcj2wgs_exact)"] = dict(
    kind="scalar only, (lat, lng) order",
    fwd=loop(lambda x, y: et.wgs2gcj(y, x)[::-1]),
    inv=loop(lambda x, y: et.gcj2wgs_exact(y, x)[::-1]),
    fwd_bd=loop(lambda x, y: et.wgs2bd(y, x)[::-1]),
    inv_bd=loop(lambda x, y: et.bd2wgs(y, x)[::-1]),
    scalar_fwd=lambda x, y: et.wgs2gcj(y, x)[::-1],
)
ADAPTERS["eviltransform 0.1.1 (gcj2wgs, one-step)"] = dict(
    kind="scalar only, (lat, lng) order",
    fwd=ADAPTERS["eviltransform 0.1.1 (gcj2wgs_exact)"]["fwd"],
    inv=loop(lambda x, y: et.gcj2wgs(y, x)[::-1]),
    scalar_fwd=lambda x, y: et.wgs2gcj(y, x)[::-1],
)

from coord_convert import transform as cc

ADAPTERS["coord-convert 0.2.1"] = dict(
    kind="scalar only",
    fwd=loop(cc.wgs2gcj),
    inv=loop(cc.gcj2wgs),
    fwd_bd=loop(cc.wgs2bd),
    inv_bd=loop(cc.bd2wgs),
    scalar_fwd=cc.wgs2gcj,
)

_t = time.perf_counter()
import cnmaps.geo as cg  # importing cnmaps.geo imports cnmaps (cartopy, fiona, ...)

CNMAPS_IMPORT_S = time.perf_counter() - _t

ADAPTERS["cnmaps 2.1.0 (cnmaps.geo)"] = dict(
    kind="scalar only (math.sqrt: arrays raise TypeError)",
    fwd=loop(cg.wgs84_to_gcj02),
    inv=loop(cg.gcj02_to_wgs84),
    fwd_bd=loop(cg.wgs84_to_bd09),
    inv_bd=loop(cg.bd09_to_wgs84),
    scalar_fwd=cg.wgs84_to_gcj02,
)

# ---- other options found on PyPI -------------------------------------------
import pybind11_coordtransform as pc


def _pc(fn):
    def run(lon, lat):
        out = fn(np.column_stack([lon, lat]))
        return out[:, 0].copy(), out[:, 1].copy()

    return run


ADAPTERS["pybind11-coordtransform 0.1.3"] = dict(
    kind="Nx2 numpy batch (C++) + scalar",
    fwd=_pc(pc.wgs84_to_gcj02_Nx2),
    inv=_pc(pc.gcj02_to_wgs84_Nx2),
    scalar_fwd=lambda x, y: tuple(pc.wgs84togcj02(x, y)),
)

import geocoordinates_ffi as gc  # PyPI "geocoordinates-rs"

ADAPTERS["geocoordinates-rs 0.14.2 (refined)"] = dict(
    kind="scalar only (UniFFI records)",
    fwd=loop(lambda x, y: (lambda g: (g.lon, g.lat))(gc.wgs84_to_gcj02(gc.Wgs84(lat=y, lon=x)))),
    inv=loop(lambda x, y: (lambda w: (w.lon, w.lat))(gc.gcj02_to_wgs84_refined(gc.Gcj02(lat=y, lon=x)))),
    fwd_bd=loop(lambda x, y: (lambda g: (g.lon, g.lat))(gc.wgs84_to_bd09(gc.Wgs84(lat=y, lon=x)))),
    inv_bd=loop(lambda x, y: (lambda w: (w.lon, w.lat))(gc.bd09_to_wgs84_refined(gc.Bd09(lat=y, lon=x)))),
    scalar_fwd=lambda x, y: (lambda g: (g.lon, g.lat))(gc.wgs84_to_gcj02(gc.Wgs84(lat=y, lon=x))),
)

import prcoords as pr  # Coords(lat, lon) order

warnings.filterwarnings("ignore", message="Non-Chinese coords")
ADAPTERS["prcoords 1.0.2 (gcj_wgs_bored)"] = dict(
    kind="scalar only, (lat, lon) namedtuples",
    fwd=loop(lambda x, y: pr.wgs_gcj((y, x))[::-1]),
    inv=loop(lambda x, y: pr.gcj_wgs_bored((y, x))[::-1]),
    fwd_bd=loop(lambda x, y: pr.wgs_bd((y, x))[::-1]),
    inv_bd=loop(lambda x, y: pr.bd_wgs_bored((y, x))[::-1]),
    scalar_fwd=lambda x, y: pr.wgs_gcj((y, x))[::-1],
)

# --------------------------------------------------------------------------
R = 6371008.8  # mean Earth radius, m


def metres(lon1, lat1, lon2, lat2):
    """Local-planar distance in metres (fine for sub-km offsets)."""
    lat_m = np.radians((np.asarray(lat1) + np.asarray(lat2)) / 2)
    dx = np.radians(np.asarray(lon2) - np.asarray(lon1)) * np.cos(lat_m) * R
    dy = np.radians(np.asarray(lat2) - np.asarray(lat1)) * R
    return np.hypot(dx, dy)


# Beijing grid, 0.01 degree step: 211 x 171 = 36,081 points
glon, glat = np.meshgrid(np.linspace(115.4, 117.5, 211), np.linspace(39.4, 41.1, 171))
GLON, GLAT = glon.ravel(), glat.ravel()
REF_GLON, REF_GLAT = ours.from_wgs84(GLON, GLAT, "gcj02")

# 1,000,000 random points in the same box for timing
rng = np.random.default_rng(42)
N = 1_000_000
TLON = rng.uniform(115.4, 117.5, N)
TLAT = rng.uniform(39.4, 41.1, N)

PLACES = {
    "Hong Kong": (114.17, 22.30),
    "Macau": (113.54, 22.19),
    "Taipei": (121.56, 25.03),
    "Seoul": (126.98, 37.57),
    "Shenzhen": (114.06, 22.54),
}
KNOWN_IN = (116.404, 39.915)
KNOWN_OUT = (116.41024449916938, 39.91640428150164)


def timed(fn, *args, repeat=1):
    best = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - t)
    return best, out


def evaluate(name, a):
    r: dict = {"kind": a["kind"]}
    vec = a["kind"].startswith("vector") or "batch" in a["kind"]
    rep = 3 if vec else 1

    # 5. known answer (scalar call, as a user would make it)
    lo, la = a["scalar_fwd"](*KNOWN_IN)
    r["known_answer"] = [float(lo), float(la)]
    r["known_dlon"] = float(lo) - KNOWN_OUT[0]
    r["known_dlat"] = float(la) - KNOWN_OUT[1]
    r["known_ok_1e-9"] = abs(r["known_dlon"]) <= 1e-9 and abs(r["known_dlat"]) <= 1e-9

    # forward agreement with ours over the grid
    flon, flat = a["fwd"](GLON, GLAT)
    r["fwd_vs_ours_max_m"] = float(metres(flon, flat, REF_GLON, REF_GLAT).max())

    # 3. round trip WGS -> GCJ -> WGS with the package's own functions
    blon, blat = a["inv"](flon, flat)
    err = metres(GLON, GLAT, blon, blat)
    r["roundtrip_max_m"] = float(err.max())
    r["roundtrip_mean_m"] = float(err.mean())

    if "fwd_bd" in a:
        blon2, blat2 = a["inv_bd"](*a["fwd_bd"](GLON, GLAT))
        r["bd_roundtrip_max_m"] = float(metres(GLON, GLAT, blon2, blat2).max())

    # 4. outside-China handling: forward shift at each place, one point per call
    r["shift_m"] = {}
    for place, (x, y) in PLACES.items():
        lo, la = a["scalar_fwd"](x, y)
        r["shift_m"][place] = float(metres(x, y, float(lo), float(la)))
    # mixed batch (array APIs only): Tokyo after / before Beijing
    if vec:
        lo, la = a["fwd"](np.array([116.404, 139.69]), np.array([39.915, 35.69]))
        r["batch_tokyo_after_beijing_shift_m"] = float(metres(139.69, 35.69, lo[1], la[1]))
        lo, la = a["fwd"](np.array([139.69, 116.404]), np.array([35.69, 39.915]))
        r["batch_beijing_after_tokyo_shift_m"] = float(metres(116.404, 39.915, lo[1], la[1]))

    # 2. speed, 1,000,000 points, each direction
    r["fwd_1M_s"], (flon, flat) = timed(a["fwd"], TLON, TLAT, repeat=rep)
    r["inv_1M_s"], _ = timed(a["inv"], flon, flat, repeat=rep)
    r["timing_runs"] = f"best of {rep}"
    return r


def main(names=None):
    results = {"cnmaps_import_s": CNMAPS_IMPORT_S, "grid_points": int(GLON.size), "packages": {}}
    # how much of ours is the mainland polygon test (shapely.contains_xy)?
    results["ours_in_mainland_1M_s"], _ = timed(ours.in_mainland, TLON, TLAT, repeat=3)
    print(f"ours in_mainland on 1M points: {results['ours_in_mainland_1M_s']:.3f} s", flush=True)
    for name, a in ADAPTERS.items():
        if names and not any(n in name for n in names):
            continue
        print(f"--- {name}", flush=True)
        r = evaluate(name, a)
        results["packages"][name] = r
        print(json.dumps(r, indent=1), flush=True)
    out = Path(__file__).with_name("results.json")
    out.write_text(json.dumps(results, indent=1))
    print(f"cnmaps import: {CNMAPS_IMPORT_S:.2f} s; wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:] or None)
