"""Bring your own data, safely: read and validate a planner's file into a WGS-84 layer.

Reads GeoJSON, GeoPackage, KML, CSV and XLSX (points from lon/lat columns, Chinese or
English headers). Every problem names the row or feature and the field, in both
languages; valid rows still load when some rows are bad. Nothing here writes outside a
private temporary folder, so an import can never touch ``data/``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import pickle
import re
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import datum
from geo.data import CRS, METRIC_CRS
from geo.errors import GeoError
from geo.problems import Problem, ProblemLog, message

MAX_BYTES = 20 * 1024 * 1024  # stated in the UI
MAX_FEATURES = 200_000
MAX_JSON_DEPTH = 64
MAX_UNZIPPED = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_TEXT = 500  # characters kept of any name or description
MAX_NAME = 120  # characters kept of a file's name (its display and layer name)
MAX_COLUMNS = 200  # columns of a table, or fields of a layer
MAX_KEYS = 500  # distinct property keys across a GeoJSON's features
MAX_VERTICES = 20_000  # per geometry: beyond, validation and repair take seconds
MAX_TOTAL_VERTICES = 2_000_000
MAX_OFFSET_CHECKS = 500  # named points compared with the venues for a datum offset
IMPORT_TIMEOUT_S = 30.0  # wall clock of one import in its worker process
IMPORT_MEMORY_MB = 3072  # address space of that worker
MAX_RESULT_BYTES = 64 * 1024 * 1024  # what a worker sends back to the server (pickled): bounds the server's share
MAX_SESSION_LAYERS = 8  # imported layers one session may hold (ui/import_panel.py)
FORMATS = ("geojson", "gpkg", "kml", "csv", "xlsx")
EXTENSIONS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".kml": "kml", ".csv": "csv",
              ".txt": "csv", ".xlsx": "xlsx"}
LON_HEADERS = ("经度", "lon", "lng", "long", "longitude", "x", "东经", "经度(度)", "gcj_lng", "wgs_lng", "bd_lng")
LAT_HEADERS = ("纬度", "lat", "latitude", "y", "北纬", "纬度(度)", "gcj_lat", "wgs_lat", "bd_lat")
NAME_HEADERS = ("名称", "name", "名字", "标题", "title", "地名", "项目名称", "name_zh", "name_en", "站点名称")
ID_HEADERS = ("id", "编号", "序号", "代码", "code", "fid")
BEIJING_BOX = (115.3, 39.3, 117.6, 41.2)


class ImportFailed(GeoError):
    """The file cannot be read at all (exit code 2 of ``python -m geo validate``)."""

    def __init__(self, code: str, **kw):
        self.code, self.kw = code, kw
        super().__init__(message(code, "en", **kw))


@dataclass
class ImportResult:
    """The loaded layer and everything noticed on the way."""

    name: str
    format: str
    gdf: gpd.GeoDataFrame
    problems: list[Problem]  # bounded: the first of each kind, then a line counting the rest (geo.problems)
    encoding: str | None = None
    rows_read: int = 0
    counted: dict[str, int] = field(default_factory=dict)  # problems found per severity, every one counted

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def count(self, severity: str) -> int:
        """Every problem of ``severity`` found, listed or only counted."""
        if self.counted:
            return self.counted.get(severity, 0)
        return sum(1 for p in self.problems if p.severity == severity)

    def summary(self, lang: str) -> str:
        return message("summary", lang, name=self.name, loaded=f"{len(self.gdf):,}", read=f"{self.rows_read:,}",
                       errors=f"{self.count('error'):,}", warnings=f"{self.count('warning'):,}")


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def sniff(data: bytes) -> str:
    """What the bytes look like: zip, sqlite, xml, json, text or binary."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            data = data.decode("utf-16")[:512].encode("utf-8")
        except UnicodeDecodeError:
            return "text"  # a text file in a broken encoding: the decoder reports it
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data[:4] == b"PK\x03\x04":
        return "zip"
    if data[:16] == b"SQLite format 3\x00":
        return "sqlite"
    if head[:1] in (b"{", b"["):
        return "json"
    if head[:1] == b"<":
        return "xml"
    if b"\x00" in data[:4096]:
        return "binary"
    return "text"


EXPECTED = {"geojson": "json", "gpkg": "sqlite", "kml": "xml", "csv": "text", "xlsx": "zip"}


def safe_name(name: object) -> str:
    """A file name fit to show and to name a layer: its last path part (``/`` and ``\\`` both separate) without
    NUL, control or format characters (bidi overrides U+202A-U+202E and U+2066-U+2069, zero-width ones), other
    separators and spacing made one space, no dots or spaces at either end, at most ``MAX_NAME`` characters with
    its extension kept; ``upload`` when nothing is left."""
    import unicodedata

    text = str(name or "")
    text = text[:1000] + text[-20:] if len(text) > 1020 else text  # the end keeps the extension
    text = re.split(r"[/\\]", unicodedata.normalize("NFC", text))[-1]
    kept = []
    for ch in text:
        kind = unicodedata.category(ch)
        if kind[0] == "Z" or ch in "\t\n\r\v\f\x1c\x1d\x1e\x1f\x85":
            kept.append(" ")
        elif kind not in ("Cc", "Cf", "Cs"):
            kept.append(ch)
    text = re.sub(r" +", " ", "".join(kept)).strip(" ")
    ext = re.search(r"\.[^.\s]{1,15}$", text)
    suffix = ext.group(0) if ext else ""
    stem = text[:len(text) - len(suffix)][:MAX_NAME - len(suffix)].strip(" .")
    return (stem or "upload") + suffix


def read_file(name: str, data: bytes, crs: str = "wgs84", fmt: str | None = None,
              known: gpd.GeoDataFrame | None = None, boundary: shapely.Geometry | None = None,
              workdir: str | None = None) -> ImportResult:
    """Read and validate an uploaded file; raise ImportFailed when it cannot be read at all.

    ``name`` is made safe first (``safe_name``); ``crs`` is the datum the user states (wgs84, gcj02, bd09);
    ``known`` the curated venues (to notice datum offsets); ``boundary`` Beijing's outline (to flag points
    outside). Problems are counted and kept up to a bound (``geo.problems.ProblemLog``).
    """
    name = safe_name(name)
    if crs not in datum.DATUMS:
        raise ImportFailed("unreadable", detail=f"unknown coordinate system {crs!r}")
    if not data:
        raise ImportFailed("empty")
    if len(data) > MAX_BYTES:
        raise ImportFailed("too_big", size=_size(len(data)), limit=_size(MAX_BYTES))
    fmt = fmt or EXTENSIONS.get(Path(name).suffix.lower())
    if fmt not in FORMATS:
        raise ImportFailed("unknown_type", ext=Path(name).suffix or name)
    looks = sniff(data)
    if looks != EXPECTED[fmt] and not (fmt == "csv" and looks == "text"):
        raise ImportFailed("not_type", fmt=fmt.upper(), looks=looks)
    problems = ProblemLog()
    rows, geoms, wheres, encoding = _read_rows(data, fmt, problems, workdir)
    read = len(rows)
    if read == 0 and not problems:
        raise ImportFailed("no_rows")
    if read > MAX_FEATURES:
        raise ImportFailed("too_many", count=read, limit=MAX_FEATURES)
    gdf = _finish(rows, geoms, wheres, crs, problems, known, boundary)
    return ImportResult(name, fmt, gdf, problems.listed(), encoding, read, problems.totals())


def _read_rows(data: bytes, fmt: str, problems: ProblemLog, workdir: str | None
               ) -> tuple[list[dict], list, list[str], str | None]:
    """The rows (properties), geometries and row names of a file, and the text encoding of a CSV."""
    if fmt == "geojson":
        rows, geoms = _read_geojson(data, problems)
        return rows, geoms, [f"feature {i}" for i in range(1, len(rows) + 1)], None
    if fmt in ("csv", "xlsx"):
        text, encoding = _decode(data) if fmt == "csv" else (None, None)
        rows, geoms = _points_from_table(_read_csv(text) if fmt == "csv" else _read_xlsx(data), problems)
        return rows, geoms, [f"row {i}" for i in range(2, len(rows) + 2)], encoding
    rows, geoms = _read_with_gdal(data, fmt, problems, workdir)
    return rows, geoms, [f"feature {i}" for i in range(1, len(rows) + 1)], None


# --- readers ---------------------------------------------------------------------------------------------

def _decode(data: bytes) -> tuple[str, str]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" is UTF-16 with a BOM
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ImportFailed("encoding") from None
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        if any(b > 0x7F for b in before):  # UTF-8 text up to here: one row in another encoding (GBK, say)
            raise ImportFailed("mixed_encoding", row=before.count(b"\n") + 1) from None
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ImportFailed("encoding") from None


def _json_depth_ok(text: str) -> bool:
    """Check nesting depth without recursion (Python's json parser recurses and can crash)."""
    depth, in_str, esc = 0, False, False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def _read_geojson(data: bytes, problems: ProblemLog) -> tuple[list[dict], list]:
    text, _ = _decode(data)
    if not _json_depth_ok(text):
        raise ImportFailed("too_deep", limit=MAX_JSON_DEPTH)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed("bad_json", detail=f"{exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise ImportFailed("not_geojson")
    if len(doc["features"]) > MAX_FEATURES:
        raise ImportFailed("too_many", count=len(doc["features"]), limit=MAX_FEATURES)
    rows, geoms = [], []
    keys: set = set()
    for i, feature in enumerate(doc["features"], start=1):
        where = f"feature {i}"
        props = feature.get("properties") if isinstance(feature, dict) else None
        rows.append(dict(props) if isinstance(props, dict) else {})
        keys.update(rows[-1])
        if len(keys) > MAX_KEYS:  # each feature with keys of its own would make a table of millions of cells
            raise ImportFailed("too_many_keys", count=len(keys), limit=MAX_KEYS)
        raw = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(raw, dict):
            problems.append(Problem("no_geometry", where, "geometry"))
            geoms.append(None)
            continue
        try:
            geoms.append(shapely.from_geojson(json.dumps(raw)))
        except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
            problems.append(Problem("bad_geometry", where, "geometry", kw={"detail": str(exc)[:120]}))
            geoms.append(None)
    points = [g for g in geoms if g is not None and g.geom_type == "Point"]
    if points:  # GeoJSON is lon, lat: lat, lon written the other way round lands in the Indian Ocean
        xy = pd.DataFrame({"x": [g.x for g in points], "y": [g.y for g in points]})
        _notice_swaps_and_metres(xy, "x", "y", problems)
    return rows, geoms


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportFailed("unreadable", detail=str(exc)[:120]) from None
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNZIPPED or total / packed > MAX_ZIP_RATIO:
        raise ImportFailed("zip_bomb", size=_size(total), ratio=f"{total / packed:.0f}:1")
    return zf


def _read_xlsx(data: bytes) -> pd.DataFrame:
    _check_zip(data)
    try:
        import openpyxl  # uses defusedxml when installed (a dependency): no XML entity attacks

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        if (ws.max_column or 0) > MAX_COLUMNS:  # the sheet's own claim, read before any cell
            raise ImportFailed("too_many_columns", count=ws.max_column, limit=MAX_COLUMNS)
        values = list(ws.iter_rows(values_only=True, max_row=MAX_FEATURES + 2, max_col=MAX_COLUMNS))
        wb.close()
    except ImportFailed:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise ImportFailed("unreadable", detail=f"{type(exc).__name__}: {str(exc)[:100]}") from None
    if not values:
        raise ImportFailed("no_rows")
    if len(values) > MAX_FEATURES + 1:
        raise ImportFailed("too_many", count=f"more than {MAX_FEATURES:,}", limit=f"{MAX_FEATURES:,}")
    # every row comes padded to MAX_COLUMNS (a streamed sheet states no size): keep the columns that hold a value
    columns = [(i, c) for i, c in enumerate(zip(*values)) if c.count(None) < len(c)]
    if not columns:
        raise ImportFailed("no_rows")
    header = _unique([str(c[0]).strip() if c[0] is not None else f"column{i + 1}" for i, c in columns])
    return pd.DataFrame({h: c[1:] for h, (_, c) in zip(header, columns)}, columns=header, dtype=object)


def _read_csv(text: str) -> pd.DataFrame:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    first = text[:text.find("\n")] if "\n" in text else text
    if first.count(delimiter) + 1 > MAX_COLUMNS:  # before building any row
        raise ImportFailed("too_many_columns", count=first.count(delimiter) + 1, limit=MAX_COLUMNS)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = list(row for _, row in zip(range(MAX_FEATURES + 2), reader))
    except csv.Error as exc:
        raise ImportFailed("unreadable", detail=str(exc)[:120]) from None
    if len(rows) > MAX_FEATURES + 1:  # refused before any row is turned into a point
        more = sum(1 for _ in reader)
        raise ImportFailed("too_many", count=f"{len(rows) - 1 + more:,}", limit=f"{MAX_FEATURES:,}")
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise ImportFailed("no_rows")
    header = _unique([h.strip() or f"column{i + 1}" for i, h in enumerate(rows[0])])
    body = [r + [""] * (len(header) - len(r)) for r in rows[1:]]
    return pd.DataFrame([r[: len(header)] for r in body], columns=header, dtype=object)


def _unique(header: list[str]) -> list[str]:
    """Make repeated column names unique (名称, 名称_2, ...): a spreadsheet may repeat a header."""
    seen: dict[str, int] = {}
    out = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def _find_column(columns: list[str], names: tuple[str, ...]) -> str | None:
    folded = {re.sub(r"[\s_（）()]", "", str(c)).lower(): c for c in columns}
    for name in names:
        key = re.sub(r"[\s_（）()]", "", name).lower()
        if key in folded:
            return folded[key]
    return None


def _points_from_table(table: pd.DataFrame, problems: ProblemLog) -> tuple[list[dict], list]:
    columns = list(table.columns)
    lon_col, lat_col = _find_column(columns, LON_HEADERS), _find_column(columns, LAT_HEADERS)
    if lon_col is None or lat_col is None:
        raise ImportFailed("no_coord_columns", columns=", ".join(map(str, columns))[:200])
    rows, geoms = [], []
    for i, rec in enumerate(table.to_dict("records"), start=2):  # row 1 is the header
        where = f"row {i}"
        values = {}
        for col in (lon_col, lat_col):
            raw = rec.get(col)
            text = "" if raw is None else str(raw).strip()
            if text == "" or text.lower() == "nan":
                problems.append(Problem("missing_value", where, str(col)))
                break
            try:
                value = float(text.replace("°", ""))
            except ValueError:
                problems.append(Problem("not_number", where, str(col), kw={"value": text[:40]}))
                break
            limit = 180 if col == lon_col else 90
            if not np.isfinite(value) or abs(value) > limit:
                problems.append(Problem("out_of_range", where, str(col), kw={"value": text[:40]}))
                break
            values[col] = value
        rows.append({str(k): v for k, v in rec.items() if k not in (lon_col, lat_col)})
        geoms.append(shapely.Point(values[lon_col], values[lat_col]) if len(values) == 2 else None)
    _notice_swaps_and_metres(table, lon_col, lat_col, problems)
    return rows, geoms


def _notice_swaps_and_metres(table: pd.DataFrame, lon_col, lat_col, problems: ProblemLog) -> None:
    lons = pd.to_numeric(table[lon_col], errors="coerce").dropna()
    lats = pd.to_numeric(table[lat_col], errors="coerce").dropna()
    if lons.empty or lats.empty:
        return
    if lats.between(73, 136).mean() > 0.8 and lons.between(17, 54).mean() > 0.8:
        problems.append(Problem("looks_swapped", severity="warning"))
    if (lons.abs() > 1000).mean() > 0.8 or (lats.abs() > 1000).mean() > 0.8:
        problems.append(Problem("looks_projected", severity="warning"))


def gpkg_tables_only(path: Path) -> None:
    """A GeoPackage's layers must be plain tables: a view runs SQL from the file (it can recurse forever)."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            db.execute("PRAGMA trusted_schema = OFF")
            kinds = dict(db.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')"))
            names = [r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")]
    except sqlite3.DatabaseError as exc:
        raise ImportFailed("unreadable", detail=f"GeoPackage: {str(exc)[:100]}") from None
    views = [n for n in names if kinds.get(n) != "table"]
    if views:
        raise ImportFailed("gpkg_view", name=views[0][:60])


def _read_with_gdal(data: bytes, fmt: str, problems: ProblemLog, workdir: str | None = None
                    ) -> tuple[list[dict], list]:
    import pyogrio

    if fmt == "kml" and re.search(rb"<!(DOCTYPE|ENTITY)", data[:65536], re.IGNORECASE):
        raise ImportFailed("entities")
    with tempfile.TemporaryDirectory(dir=workdir) as tmp, warnings.catch_warnings():
        path = Path(tmp) / f"upload.{fmt}"
        path.write_bytes(data)
        if fmt == "gpkg":
            gpkg_tables_only(path)
        try:
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes on odd files; errors still raise
            layers = pyogrio.list_layers(path)
            for name, _ in layers[:20]:
                fields = pyogrio.read_info(path, layer=str(name))["fields"]
                if len(fields) > MAX_COLUMNS:
                    raise ImportFailed("too_many_columns", count=len(fields), limit=MAX_COLUMNS)
            frames = [pyogrio.read_dataframe(path, layer=str(name), max_features=MAX_FEATURES + 1)
                      for name, _ in layers[:20]]
        except ImportFailed:
            raise
        except Exception as exc:  # GDAL raises DataSourceError and friends
            raise ImportFailed("unreadable", detail=f"{type(exc).__name__}: {str(exc)[:100]}") from None
    if not frames:
        raise ImportFailed("no_rows")
    gdf = pd.concat(frames, ignore_index=True)
    crs = frames[0].crs
    if crs is not None and not crs.equals("EPSG:4326"):
        try:
            gdf = gpd.GeoDataFrame(gdf, geometry="geometry", crs=crs).to_crs(CRS)
        except Exception as exc:  # a CRS PROJ cannot turn into WGS-84 (another planet's, say)
            raise ImportFailed("bad_crs", detail=f"{type(exc).__name__}: {str(exc)[:100]}") from None
    rows, geoms = [], []
    for i, (rec, geom) in enumerate(zip(gdf.drop(columns="geometry").to_dict("records"), gdf.geometry), start=1):
        rows.append(rec)
        if geom is None:
            problems.append(Problem("no_geometry", f"feature {i}", "geometry"))
        geoms.append(geom)
    return rows, geoms


# --- common checks ---------------------------------------------------------------------------------------

def _clean_text(value, where: str, key: str, problems: ProblemLog):
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return None
    if not isinstance(value, str):
        value = str(value) if not isinstance(value, (int, float, bool)) else value
    if isinstance(value, str) and len(value) > MAX_TEXT:
        problems.append(Problem("truncated", where, key, "warning", {"limit": MAX_TEXT}))
        value = value[:MAX_TEXT]
    return value


def check_vertices(geoms: list, wheres: list[str]) -> None:
    """Refuse geometries too big to validate and repair quickly (counted before any GEOS work)."""
    counts = shapely.get_num_coordinates(np.array([g for g in geoms if g is not None], dtype=object))
    if len(counts) and counts.max() > MAX_VERTICES:
        where = [w for g, w in zip(geoms, wheres) if g is not None][int(counts.argmax())]
        raise ImportFailed("too_many_vertices", where=where, count=int(counts.max()), limit=MAX_VERTICES)
    if counts.sum() > MAX_TOTAL_VERTICES:
        raise ImportFailed("too_many_total_vertices", count=int(counts.sum()), limit=MAX_TOTAL_VERTICES)


def _finish(rows: list[dict], geoms: list, wheres: list[str], crs: str, problems: ProblemLog, known,
            boundary) -> gpd.GeoDataFrame:
    check_vertices(geoms, wheres)
    keep_rows, keep_geoms = [], []
    name_key = id_key = None
    if rows:
        columns = list(dict.fromkeys(k for r in rows for k in r))
        name_key = _find_column(columns, NAME_HEADERS)
        id_key = _find_column(columns, ID_HEADERS)
    seen_ids: set = set()
    for i, (row, geom, where) in enumerate(zip(rows, geoms, wheres), start=1):
        if geom is None:  # its problem is already reported
            continue
        if geom.is_empty:
            problems.append(Problem("empty_geometry", where, "geometry"))
            continue
        xmin, ymin, xmax, ymax = geom.bounds
        if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
            problems.append(Problem("out_of_range", where, "geometry", kw={"value": f"{xmin:.0f}, {ymin:.0f}"}))
            continue
        if not geom.is_valid:
            problems.append(Problem("repaired", where, "geometry", "warning",
                                    {"reason": shapely.is_valid_reason(geom)[:80]}))
            geom = shapely.make_valid(geom)
        clean = {str(k)[:60]: _clean_text(v, where, str(k), problems) for k, v in row.items()}
        fid = clean.get(id_key) if id_key else None
        if fid is not None:
            if fid in seen_ids:
                problems.append(Problem("duplicate_id", where, id_key, "warning", {"value": str(fid)[:40]}))
            seen_ids.add(fid)
        name = clean.get(name_key) if name_key else None
        clean["_name"] = str(name) if name not in (None, "") else f"#{i}"
        clean["_where"] = where
        keep_rows.append(clean)
        keep_geoms.append(geom)
    gdf = gpd.GeoDataFrame(pd.DataFrame(keep_rows), geometry=list(keep_geoms), crs=CRS)
    if gdf.empty:
        return gdf
    if crs != "wgs84":
        gdf = gdf.set_geometry(datum.transform_geometry(gdf.geometry.values, crs, "wgs84"), crs=CRS)
    gdf["_outside"] = False
    if boundary is not None:
        city = gpd.GeoSeries([boundary], crs=CRS).to_crs(METRIC_CRS).iloc[0].buffer(300)
        outside = ~gdf.to_crs(METRIC_CRS).intersects(city)
        gdf["_outside"] = outside.values
        for where in gdf.loc[outside, "_where"]:
            problems.append(Problem("outside_beijing", where, "geometry", "warning"))
    if known is not None and crs == "wgs84":
        _notice_datum_offset(gdf, known, problems)
    return gdf


def _notice_datum_offset(gdf: gpd.GeoDataFrame, known: gpd.GeoDataFrame, problems: ProblemLog) -> None:
    """Points named like our venues but shifted as GCJ-02/BD-09 data would be: say so."""
    from geo.explore import fold

    names = {fold(n): g for col in ("name_zh", "name_en") for n, g in zip(known[col], known.geometry)}
    for target, code in (("gcj02", "looks_gcj02"), ("bd09", "looks_bd09")):
        matches = 0
        total = 0
        metres = []
        for name, geom in zip(gdf["_name"], gdf.geometry):
            ref = names.get(fold(str(name)))
            if ref is None or geom.geom_type != "Point":
                continue
            if total >= MAX_OFFSET_CHECKS:  # a sample is enough to tell a datum offset
                break
            total += 1
            ex, ey = datum.from_wgs84(ref.x, ref.y, target)
            shifted = gpd.GeoSeries([shapely.Point(ex, ey), geom, ref], crs=CRS).to_crs(METRIC_CRS)
            if shifted.iloc[0].distance(shifted.iloc[1]) < 120:
                matches += 1
                metres.append(shifted.iloc[2].distance(shifted.iloc[1]))
        if total and matches >= max(1, total * 0.6):
            problems.append(Problem(code, severity="warning", kw={"metres": f"{np.median(metres):.0f}"}))
            return


@dataclass(frozen=True, eq=False)
class ImportedLayer:
    """An imported file ready to draw: its features (WGS-84) and the planner's style.

    Equal and hashable by content (style, file name, a digest of the features), so a map
    spec holding imported layers can key a cache.
    """

    style: object  # geo.style.LayerStyle
    gdf: gpd.GeoDataFrame
    source: str  # the file name

    @property
    def key(self) -> str:
        return self.style.key

    @property
    def digest(self) -> str:
        cached = self.__dict__.get("_digest")
        if cached is None:
            h = hashlib.sha256()
            h.update(b"".join(shapely.to_wkb(self.gdf.geometry.values, output_dimension=2)))
            h.update(pd.util.hash_pandas_object(self.gdf.drop(columns="geometry").astype(str), index=True).values.tobytes())
            cached = h.hexdigest()
            object.__setattr__(self, "_digest", cached)
        return cached

    def __repr__(self) -> str:
        return f"ImportedLayer({self.key!r}, {self.source!r}, {len(self.gdf)} features, {self.digest[:16]})"

    def __hash__(self) -> int:
        return hash((repr(self.style), self.source, self.digest))  # LayerStyle holds a dict: hash its repr

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ImportedLayer) and (repr(self.style), self.source, self.digest) == (
            repr(other.style), other.source, other.digest)


def geometry_kind(gdf: gpd.GeoDataFrame) -> str:
    """point, line or polygon: the most common geometry of a layer."""
    kinds = gdf.geometry.geom_type.str.replace("Multi", "").map({"Point": "point", "LineString": "line",
                                                                  "Polygon": "polygon"}).fillna("polygon")
    return kinds.mode().iloc[0] if len(kinds) else "point"


def as_layer(result: ImportResult, index: int, colour: str, marker: str, label_field: str | None = None,
             districts: gpd.GeoDataFrame | None = None) -> ImportedLayer:
    """Turn an import into a drawable layer; ``label_field`` picks the column shown as its name.

    With ``districts`` each feature gets its district (spatial join), so the district filter
    applies to imported layers like to any other.
    """
    from geo import style

    gdf = result.gdf.copy()
    if label_field and label_field in gdf:
        gdf["_name"] = gdf[label_field].map(lambda v: "" if v is None else str(v)[:MAX_TEXT])
    if districts is not None and len(gdf):
        points = gpd.GeoDataFrame(geometry=gdf.geometry.representative_point(), crs=CRS)
        joined = gpd.sjoin(points, districts[["name_en", "name_zh", "geometry"]], how="left", predicate="within")
        joined = joined[~joined.index.duplicated()]
        gdf["district_en"] = joined["name_en"].fillna("").values
        gdf["district_zh"] = joined["name_zh"].fillna("").values
    return ImportedLayer(style.imported_style(index, result.name, geometry_kind(gdf), colour, marker), gdf, result.name)


# --- bounded reading: a worker process with a deadline and a memory limit ---------------------------------

def _worker(conn, name: str, data: bytes, crs: str, known, boundary, workdir: str, memory_mb: int) -> None:
    """Runs in a child process: read the file under an address-space limit, send back the result."""
    import resource

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        result = read_file(name, data, crs=crs, known=known, boundary=boundary, workdir=workdir)
        blob = pickle.dumps(("ok", result), protocol=pickle.HIGHEST_PROTOCOL)
        if len(blob) > MAX_RESULT_BYTES:  # what the server would hold: refused here, in the bounded process
            raise ImportFailed("result_too_big", size=_size(len(blob)), limit=_size(MAX_RESULT_BYTES))
        conn.send_bytes(blob)
    except ImportFailed as exc:
        conn.send_bytes(pickle.dumps(("failed", exc.code, exc.kw)))
    except MemoryError:
        conn.send_bytes(pickle.dumps(("failed", "memory", {"limit": _size(limit)})))
    except Exception as exc:  # anything else is this file's problem, reported as unreadable
        conn.send_bytes(pickle.dumps(("failed", "unreadable", {"detail": f"{type(exc).__name__}: {str(exc)[:100]}"})))
    finally:
        conn.close()


def _context():
    """Worker processes fork from a small server that has already imported the readers (fast starts)."""
    import multiprocessing as mp

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["geo.imports", "pyogrio", "openpyxl"])
    return ctx


def read_bounded(name: str, data: bytes, crs: str = "wgs84", known: gpd.GeoDataFrame | None = None,
                 boundary: shapely.Geometry | None = None, timeout_s: float | None = None,
                 memory_mb: int = IMPORT_MEMORY_MB) -> ImportResult:
    """``read_file`` in a worker process, killed past ``timeout_s`` (``IMPORT_TIMEOUT_S``) or ``memory_mb``: one
    upload can neither stall nor starve the server. What it sends back is at most ``MAX_RESULT_BYTES`` (pickled),
    its problems bounded (``geo.problems``). Its scratch folder is removed whatever happens."""
    import shutil

    timeout_s = IMPORT_TIMEOUT_S if timeout_s is None else timeout_s
    name = safe_name(name)
    if not data:
        raise ImportFailed("empty")
    if len(data) > MAX_BYTES:  # before any work
        raise ImportFailed("too_big", size=_size(len(data)), limit=_size(MAX_BYTES))
    ctx = _context()
    workdir = tempfile.mkdtemp(prefix="bem-import-")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_worker, args=(child, name, data, crs, known, boundary, workdir, memory_mb), daemon=True)
    try:
        proc.start()
        child.close()
        if not parent.poll(timeout_s):
            raise ImportFailed("timeout", seconds=f"{timeout_s:g}")
        try:
            message = pickle.loads(parent.recv_bytes(MAX_RESULT_BYTES + 65536))
        except (EOFError, OSError):
            proc.join(5)
            code = proc.exitcode
            if code is not None and code < 0 and -code in (9, 6):  # killed by the kernel or aborted: out of memory
                raise ImportFailed("memory", limit=_size(memory_mb * 1024 * 1024)) from None
            raise ImportFailed("worker_died", detail=f"exit code {code}") from None
        if message[0] == "ok":
            return message[1]
        raise ImportFailed(message[1], **message[2])
    finally:
        if proc.is_alive():
            proc.kill()
        if proc.pid is not None:  # started (start itself can fail)
            proc.join(5)
        parent.close()
        shutil.rmtree(workdir, ignore_errors=True)


def clean_stale_workdirs(max_age_s: float = 3600) -> int:
    """Remove scratch folders left by a server killed mid-import (run at start); returns how many."""
    import shutil
    import time

    removed = 0
    for path in Path(tempfile.gettempdir()).glob("bem-import-*"):
        try:
            if time.time() - path.stat().st_mtime > max_age_s:
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


def read_path(path: Path) -> bytes:
    """The bytes of a regular file, checked before reading: no symlink to a device, no FIFO, not too big."""
    import stat

    st = path.stat()  # follows a symlink: what matters is what would be read
    if not stat.S_ISREG(st.st_mode):
        kind = "FIFO" if stat.S_ISFIFO(st.st_mode) else "device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(
            st.st_mode) else "directory" if stat.S_ISDIR(st.st_mode) else "special file"
        raise ImportFailed("not_regular", kind=kind)
    if st.st_size > MAX_BYTES:
        raise ImportFailed("too_big", size=_size(st.st_size), limit=_size(MAX_BYTES))
    with open(path, "rb") as fh:
        return fh.read(MAX_BYTES + 1)
