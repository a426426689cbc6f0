"""Validate what a reader found: coordinates, swapped, projected or GCJ-02/BD-09 data, geometry repair.

Every problem goes to the import's ``geo.problems.ProblemLog`` with its row or feature and field; a row with
an error is dropped, one with a warning kept.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

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


def _coordinate(rec: dict, col, limit: float, where: str, problems: ProblemLog) -> float | None:
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


def points_from_table(table: pd.DataFrame, problems: ProblemLog) -> tuple[list[dict], list]:
    """Each row's other fields and its point (None when a coordinate is missing or wrong, its problem logged)."""
    columns = list(table.columns)
    lon_col, lat_col = find_column(columns, LON_HEADERS), find_column(columns, LAT_HEADERS)
    if lon_col is None or lat_col is None:
        raise ImportFailed("no_coord_columns", columns=", ".join(map(str, columns))[:200])
    rows, geoms = [], []
    for i, rec in enumerate(table.to_dict("records"), start=2):  # row 1 is the header
        where = f"row {i}"
        lon = _coordinate(rec, lon_col, 180, where, problems)
        lat = None if lon is None else _coordinate(rec, lat_col, 90, where, problems)  # one problem per row
        rows.append({str(k): v for k, v in rec.items() if k not in (lon_col, lat_col)})
        geoms.append(None if lat is None else shapely.Point(lon, lat))
    notice_swaps_and_metres(table, lon_col, lat_col, problems)
    return rows, geoms


def notice_swaps_and_metres(table: pd.DataFrame, lon_col, lat_col, problems: ProblemLog) -> None:
    """Latitude and longitude the other way round, or projected metres instead of degrees: say so."""
    lons = pd.to_numeric(table[lon_col], errors="coerce").dropna()
    lats = pd.to_numeric(table[lat_col], errors="coerce").dropna()
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


def clean_text(value, where: str, key: str, problems: ProblemLog):
    """A field's value fit to keep: None for a missing one, text cut to ``MAX_TEXT`` characters."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return None
    if not isinstance(value, str):
        value = str(value) if not isinstance(value, (int, float, bool)) else value
    if isinstance(value, str) and len(value) > MAX_TEXT:
        problems.append(Problem("truncated", where, key, "warning", {"limit": MAX_TEXT}))
        value = value[:MAX_TEXT]
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
    if crs != "wgs84":
        gdf = gdf.set_geometry(datum.transform_geometry(gdf.geometry.values, crs, "wgs84"), crs=CRS)
    gdf["_outside"] = False
    if boundary is not None:
        _mark_outside(gdf, boundary, problems)
    if known is not None and crs == "wgs84":
        notice_datum_offset(gdf, known, problems)
    return gdf


def _mark_outside(gdf: gpd.GeoDataFrame, boundary: shapely.Geometry, problems: ProblemLog) -> None:
    """Features more than 300 m outside Beijing: flagged in ``_outside`` and warned about."""
    city = gpd.GeoSeries([boundary], crs=CRS).to_crs(METRIC_CRS).iloc[0].buffer(300)
    outside = ~gdf.to_crs(METRIC_CRS).intersects(city)
    gdf["_outside"] = outside.values
    for where in gdf.loc[outside, "_where"]:
        problems.append(Problem("outside_beijing", where, "geometry", "warning"))


# --- datum offsets -----------------------------------------------------------------------------------------


def _offset_sample(gdf: gpd.GeoDataFrame, names: dict, target: str) -> tuple[int, list[float]]:
    """How many named points were compared with their venue (at most ``MAX_OFFSET_CHECKS``: a sample is
    enough), and the distance to the venue of each one that sits where ``target`` would put the venue."""
    from geo.explore import fold

    total, metres = 0, []
    for name, geom in zip(gdf["_name"], gdf.geometry):
        ref = names.get(fold(str(name)))
        if ref is None or geom.geom_type != "Point":
            continue
        if total >= MAX_OFFSET_CHECKS:
            break
        total += 1
        ex, ey = datum.from_wgs84(ref.x, ref.y, target)
        shifted = gpd.GeoSeries([shapely.Point(ex, ey), geom, ref], crs=CRS).to_crs(METRIC_CRS)
        if shifted.iloc[0].distance(shifted.iloc[1]) < OFFSET_MATCH_M:
            metres.append(shifted.iloc[2].distance(shifted.iloc[1]))
    return total, metres


def notice_datum_offset(gdf: gpd.GeoDataFrame, known: gpd.GeoDataFrame, problems: ProblemLog) -> None:
    """Points named like our venues but shifted as GCJ-02/BD-09 data would be: say so."""
    from geo.explore import fold

    names = {fold(n): g for col in ("name_zh", "name_en") for n, g in zip(known[col], known.geometry)}
    for target, code in (("gcj02", "looks_gcj02"), ("bd09", "looks_bd09")):
        total, metres = _offset_sample(gdf, names, target)
        if total and len(metres) >= max(1, total * 0.6):
            problems.append(Problem(code, severity="warning", kw={"metres": f"{np.median(metres):.0f}"}))
            return
