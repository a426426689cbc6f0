"""Validate what a reader found: coordinates, swapped, projected or GCJ-02/BD-09 data, geometry repair.

Every problem goes to the import's ``geo.problems.ProblemLog`` with its row or feature and field; a row with
an error is dropped, one with a warning kept.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from pyproj import Transformer

from geo import datum
from geo.data import CRS, METRIC_CRS
from geo.imports.limits import MAX_OFFSET_CHECKS, MAX_TEXT, check_vertices
from geo.imports.result import ImportFailed
from geo.problems import Problem, ProblemLog

LON_HEADERS = ("经度", "lon", "lng", "long", "longitude", "x", "东经", "经度(度)", "gcj_lng", "wgs_lng", "bd_lng")
LAT_HEADERS = ("纬度", "lat", "latitude", "y", "北纬", "纬度(度)", "gcj_lat", "wgs_lat", "bd_lat")
NAME_HEADERS = ("名称", "name", "名字", "标题", "title", "地名", "项目名称", "name_zh", "name_en", "站点名称")
ID_HEADERS = ("id", "编号", "序号", "代码", "code", "fid")
BEIJING_BOX = (115.3, 39.3, 117.6, 41.2)
OFFSET_MATCH_M = 120  # a point this close to where a datum would put a venue of its name matches that datum


def find_column(columns: list[str], names: tuple[str, ...]) -> str | None:
    """The first of ``names`` among ``columns``, ignoring case, spaces, underscores and brackets."""
    folded = {re.sub(r"[\s_（）()]", "", str(c)).lower(): c for c in columns}
    for name in names:
        key = re.sub(r"[\s_（）()]", "", name).lower()
        if key in folded:
            return folded[key]
    return None


# --- coordinates of a table --------------------------------------------------------------------------------


def coordinate(rec: dict, col, limit: float, where: str, problems: ProblemLog) -> float | None:
    """The number in ``rec[col]`` within ±``limit``, or None with its problem logged."""
    raw = rec.get(col)
    text = "" if raw is None else str(raw).strip()
    if text == "" or text.lower() == "nan":
        problems.append(Problem("missing_value", where, str(col)))
        return None
    try:
        value = float(text.replace("°", ""))
    except ValueError:
        problems.append(Problem("not_number", where, str(col), kw={"value": text[:40]}))
        return None
    if not np.isfinite(value) or abs(value) > limit:
        problems.append(Problem("out_of_range", where, str(col), kw={"value": text[:40]}))
        return None
    return value


def coordinate_columns(table: pd.DataFrame) -> tuple:
    """A table's longitude and latitude columns (``LON_HEADERS``, ``LAT_HEADERS``), refused when one is missing.
    The points are made in ``geo.imports.tables``."""
    columns = list(table.columns)
    lon_col, lat_col = find_column(columns, LON_HEADERS), find_column(columns, LAT_HEADERS)
    if lon_col is None or lat_col is None:
        raise ImportFailed("no_coord_columns", columns=", ".join(map(str, columns))[:200])
    return lon_col, lat_col


def notice_swaps_and_metres(table: pd.DataFrame, lon_col, lat_col, problems: ProblemLog, numbers=None) -> None:
    """Latitude and longitude the other way round, or projected metres instead of degrees: say so (``numbers``:
    the two columns' ``pd.to_numeric``, when known already)."""
    if numbers is None:
        numbers = (pd.to_numeric(table[lon_col], errors="coerce"), pd.to_numeric(table[lat_col], errors="coerce"))
    lons, lats = numbers[0].dropna(), numbers[1].dropna()
    if lons.empty or lats.empty:
        return
    if lats.between(73, 136).mean() > 0.8 and lons.between(17, 54).mean() > 0.8:
        problems.append(Problem("looks_swapped", severity="warning"))
    if (lons.abs() > 1000).mean() > 0.8 or (lats.abs() > 1000).mean() > 0.8:
        problems.append(Problem("looks_projected", severity="warning"))


def notice_point_swaps(geoms: list, problems: ProblemLog) -> None:
    """GeoJSON is lon, lat: lat, lon written the other way round lands in the Indian Ocean."""
    points = [g for g in geoms if g is not None and g.geom_type == "Point"]
    if points:
        xy = pd.DataFrame({"x": [g.x for g in points], "y": [g.y for g in points]})
        notice_swaps_and_metres(xy, "x", "y", problems)


# --- rows and geometries -----------------------------------------------------------------------------------


def clean_value(value) -> tuple[object, bool]:
    """A field's value fit to keep (None for a missing one, text cut to ``MAX_TEXT`` characters), and whether
    it was cut."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return None, False
    if not isinstance(value, str):
        value = str(value) if not isinstance(value, (int, float, bool)) else value
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT], True
    return value, False


def clean_text(value, where: str, key: str, problems: ProblemLog):
    """``clean_value``, a cut text warned about."""
    value, cut = clean_value(value)
    if cut:
        problems.append(Problem("truncated", where, key, "warning", {"limit": MAX_TEXT}))
    return value


def checked_geometry(geom, where: str, problems: ProblemLog):
    """``geom`` repaired if invalid, or None when it cannot be kept (its problem logged)."""
    if geom is None:  # its problem is already reported
        return None
    if geom.is_empty:
        problems.append(Problem("empty_geometry", where, "geometry"))
        return None
    xmin, ymin, xmax, ymax = geom.bounds
    if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
        problems.append(Problem("out_of_range", where, "geometry", kw={"value": f"{xmin:.0f}, {ymin:.0f}"}))
        return None
    if not geom.is_valid:
        problems.append(Problem("repaired", where, "geometry", "warning", {"reason": shapely.is_valid_reason(geom)[:80]}))
        geom = shapely.make_valid(geom)
    return geom


class _Rows:
    """The rows kept so far: fields cleaned, named (its name column or ``#n``), duplicate IDs noticed."""

    def __init__(self, rows: list[dict], problems: ProblemLog):
        columns = list(dict.fromkeys(k for r in rows for k in r))
        self.name_key, self.id_key = find_column(columns, NAME_HEADERS), find_column(columns, ID_HEADERS)
        self.problems, self.seen_ids = problems, set()
        self.rows: list[dict] = []
        self.geoms: list = []

    def add(self, index: int, row: dict, geom, where: str) -> None:
        clean = {str(k)[:60]: clean_text(v, where, str(k), self.problems) for k, v in row.items()}
        fid = clean.get(self.id_key) if self.id_key else None
        if fid is not None:
            if fid in self.seen_ids:
                self.problems.append(Problem("duplicate_id", where, self.id_key, "warning", {"value": str(fid)[:40]}))
            self.seen_ids.add(fid)
        name = clean.get(self.name_key) if self.name_key else None
        clean["_name"] = str(name) if name not in (None, "") else f"#{index}"
        clean["_where"] = where
        self.rows.append(clean)
        self.geoms.append(geom)

    def frame(self) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(pd.DataFrame(self.rows), geometry=list(self.geoms), crs=CRS)


def validate(
    rows: list[dict], geoms: list, wheres: list[str], crs: str, problems: ProblemLog, known, boundary
) -> gpd.GeoDataFrame:
    """The rows that can be kept, as a WGS-84 layer with ``_name``, ``_where`` and ``_outside`` columns.

    ``crs`` is the datum the planner states; ``known`` the curated venues (to notice a datum offset);
    ``boundary`` Beijing's outline (to flag features outside).
    """
    check_vertices(geoms, wheres)
    kept = _Rows(rows, problems)
    for i, (row, geom, where) in enumerate(zip(rows, geoms, wheres), start=1):
        geom = checked_geometry(geom, where, problems)
        if geom is not None:
            kept.add(i, row, geom, where)
    gdf = kept.frame()
    if gdf.empty:
        return gdf
    return finish(gdf, crs, problems, known, boundary)


def finish(gdf: gpd.GeoDataFrame, crs: str, problems: ProblemLog, known, boundary) -> gpd.GeoDataFrame:
    """A layer of kept rows (not empty) turned to WGS-84 from ``crs``, with ``_outside``, its points outside
    Beijing and a datum offset warned about."""
    if crs != "wgs84":
        gdf = gdf.set_geometry(datum.transform_geometry(gdf.geometry.values, crs, "wgs84"), crs=CRS)
    gdf["_outside"] = False
    if boundary is not None:
        _mark_outside(gdf, boundary, problems)
    if known is not None and crs == "wgs84":
        notice_datum_offset(gdf, known, problems)
    return gdf


def _metric(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 coordinates in ``METRIC_CRS``, by the transformation ``GeoSeries.to_crs`` uses."""
    return Transformer.from_crs(CRS, METRIC_CRS, always_xy=True).transform(x, y)


def _city(boundary: shapely.Geometry) -> shapely.Geometry:
    """Beijing and 300 m around it, in ``METRIC_CRS``, prepared."""
    city = gpd.GeoSeries([boundary], crs=CRS).to_crs(METRIC_CRS).iloc[0].buffer(300)
    shapely.prepare(city)
    return city


def outside_points(x: np.ndarray, y: np.ndarray, boundary: shapely.Geometry) -> np.ndarray:
    """Where a WGS-84 point is more than 300 m outside Beijing (its coordinates only, no geometry made)."""
    mx, my = _metric(x, y)
    return ~shapely.intersects_xy(_city(boundary), mx, my)


def warn_outside(wheres: pd.Series, outside: np.ndarray, problems: ProblemLog) -> None:
    # the rows outside picked first: every row's text made a Python object would be the import's peak of memory
    for where in wheres[np.asarray(outside, dtype=bool)].tolist():
        problems.append(Problem("outside_beijing", where, "geometry", "warning"))


def _mark_outside(gdf: gpd.GeoDataFrame, boundary: shapely.Geometry, problems: ProblemLog) -> None:
    """Features more than 300 m outside Beijing: flagged in ``_outside`` and warned about (one prepared
    boundary tested against every feature at once)."""
    geoms = np.asarray(gdf.geometry.values)
    if shapely.get_type_id(geoms).max(initial=0) == 0:  # points only: their coordinates, not new geometries
        outside = outside_points(shapely.get_x(geoms), shapely.get_y(geoms), boundary)
    else:
        outside = ~shapely.intersects(_city(boundary), np.asarray(gdf.geometry.to_crs(METRIC_CRS).values))
    gdf["_outside"] = outside
    warn_outside(gdf["_where"], outside, problems)


# --- datum offsets -----------------------------------------------------------------------------------------


#: names ``geo.explore.fold`` leaves as they are, but for ASCII capitals and the characters it drops (a full-width
#: bracket decomposes to an ASCII one, dropped too): folded at once (tests/test_imports_fast.py checks every one)
_PLAIN_NAME = r"[\x20-\x7e\u4e00-\u9fff’·（）“”]*"
_FOLDED_OUT = r"[\s'’\-·（）()“”\"]+"  # what fold removes
_PLAIN_NAME_RE2 = r"[\x20-\x7e\x{4e00}-\x{9fff}’·（）“”]*"  # the same in Arrow's RE2 (in a plain name, the
_FOLDED_OUT_RE2 = r"[ '’\-·（）()“”\"]+"  # only white space is the ASCII space)
NAME_CHUNK = 20_000  # names folded at once


def _texts(names: pd.Series):
    """A column's values as ``str`` makes them, in an Arrow array (no copy when they are texts already)."""
    if isinstance(names.dtype, pd.StringDtype) and not names.isna().any():
        return pa.array(names.array)
    return pa.array(names.map(str).to_numpy(dtype=object), type=pa.large_string())


def _venue_rows(text: pa.Array, names: dict) -> dict[int, object]:
    """The rows of ``text`` (names) named like a venue, each with the venue: ``fold`` of a name is its key, made
    for plain names (``_PLAIN_NAME``) by two Arrow string kernels at once, by ``fold`` itself for the others."""
    from geo.explore import fold

    plain = np.asarray(pc.match_substring_regex(text, f"^{_PLAIN_NAME_RE2}$"), dtype=bool)
    folded = pc.replace_substring_regex(pc.utf8_lower(text), _FOLDED_OUT_RE2, "")
    keys = list(names)
    found = np.asarray(pc.fill_null(pc.index_in(folded, value_set=pa.array(keys, type=folded.type)), -1))
    refs = {int(i): names[keys[found[i]]] for i in np.flatnonzero((found >= 0) & plain)}
    for i in np.flatnonzero(~plain):
        ref = names.get(fold(text[i].as_py()))
        if ref is not None:
            refs[int(i)] = ref
    return refs


def _named_points(gdf: pd.DataFrame, names: dict, geoms=None) -> list[tuple]:
    """The first ``MAX_OFFSET_CHECKS`` points named like a venue (a sample is enough), each with the venue; the
    names are folded ``NAME_CHUNK`` at a time (a file of long names needs no copy of them all). ``geoms``: each
    row's geometry by index (``gdf.geometry`` unless given)."""
    text, out = _texts(gdf["_name"]), []
    geoms = gdf.geometry.to_numpy() if geoms is None else geoms
    for start in range(0, len(text), NAME_CHUNK):
        refs = _venue_rows(text.slice(start, NAME_CHUNK), names)
        out += [(refs[i], geoms[start + i]) for i in sorted(refs) if geoms[start + i].geom_type == "Point"]
        if len(out) >= MAX_OFFSET_CHECKS:
            break
    return out[:MAX_OFFSET_CHECKS]


def _offset_sample(named: list[tuple], target: str) -> tuple[int, list[float]]:
    """How many named points were compared with their venue, and the distance to the venue of each one that
    sits where ``target`` would put the venue."""
    metres = []
    for ref, geom in named:
        ex, ey = datum.from_wgs84(ref.x, ref.y, target)
        shifted = gpd.GeoSeries([shapely.Point(ex, ey), geom, ref], crs=CRS).to_crs(METRIC_CRS)
        if shifted.iloc[0].distance(shifted.iloc[1]) < OFFSET_MATCH_M:
            metres.append(shifted.iloc[2].distance(shifted.iloc[1]))
    return len(named), metres


def notice_datum_offset(gdf: pd.DataFrame, known: gpd.GeoDataFrame, problems: ProblemLog, geoms=None) -> None:
    """Points named like our venues but shifted as GCJ-02/BD-09 data would be: say so (``geoms``: as
    ``_named_points``)."""
    from geo.explore import fold

    names = {fold(n): g for col in ("name_zh", "name_en") for n, g in zip(known[col], known.geometry)}
    named = _named_points(gdf, names, geoms)
    for target, code in (("gcj02", "looks_gcj02"), ("bd09", "looks_bd09")):
        total, metres = _offset_sample(named, target)
        if total and len(metres) >= max(1, total * 0.6):
            problems.append(Problem(code, severity="warning", kw={"metres": f"{np.median(metres):.0f}"}))
            return
