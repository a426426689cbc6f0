"""One reader per format: GeoJSON, GeoPackage and KML (through GDAL), CSV in its encodings, XLSX.

A reader turns bytes into rows (properties) and geometries, or a table for the coordinate columns
(``geo.imports.tables``), checking the limits (``geo.imports.limits``) as it goes. Nothing
here writes outside a private temporary folder.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import tempfile
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.data import CRS
from geo.imports import tables
from geo.imports.limits import (
    MAX_COLUMNS,
    MAX_FEATURES,
    MAX_LAYERS_READ,
    check_columns,
    check_features,
    check_json_depth,
    check_keys,
    check_zip,
    too_many_rows,
)
from geo.imports.result import ImportFailed
from geo.problems import Problem, ProblemLog


def _failed(fmt: str, exc: Exception) -> Exception:
    """A library's exception about a damaged ``fmt`` file, as the import's failure in the catalogue's words (the
    line GDAL or the XML parser names, never its text, type or the scratch copy's path). A MemoryError stays
    itself: the worker reports the memory limit."""
    if isinstance(exc, MemoryError):
        return exc
    line = re.search(r"\bline (\d+)", str(exc))
    why = Problem("why_xml_line", kw={"line": int(line.group(1))}) if line and fmt == "KML" else Problem("why_damaged")
    return ImportFailed("unreadable", fmt=fmt, why=why)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    """``text`` with unpaired surrogates (JSON's ``"\\ud800"``, which no encoder writes) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


# --- text ---------------------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file and its encoding: UTF-16 with a BOM, UTF-8 (with or without a BOM) or GB18030."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" is UTF-16 with a BOM
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ImportFailed("encoding") from None
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        if any(b > 0x7F for b in before):  # UTF-8 text up to here: one row in another encoding (GBK, say)
            raise ImportFailed("mixed_encoding", row=before.count(b"\n") + 1) from None
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ImportFailed("encoding") from None


# --- GeoJSON ------------------------------------------------------------------------------------------------


def _features(data: bytes) -> list:
    """The features of a FeatureCollection (or of one Feature), parsed within the depth and count limits."""
    text, _ = decode(data)
    check_json_depth(text)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed("bad_json", line=exc.lineno, column=exc.colno) from None
    except ValueError:  # an integer past Python's digit limit (sys.get_int_max_str_digits)
        raise _too_long_number(text) from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise ImportFailed("not_geojson")
    check_features(len(doc["features"]))
    return doc["features"]


def _too_long_number(text: str) -> ImportFailed:
    """The first integer with more digits than Python converts, named by its line."""
    import sys

    limit = sys.get_int_max_str_digits()
    found = re.search(rf"\d{{{limit + 1},}}", text)
    line, digits = (text.count("\n", 0, found.start()) + 1, len(found.group())) if found else (1, limit + 1)
    return ImportFailed("number_too_long", line=line, digits=f"{digits:,}", limit=f"{limit:,}")


def _properties(props, where: str, problems: ProblemLog) -> dict:
    """A feature's properties, their names and text with unpaired surrogates replaced (a warning for each)."""
    out = {}
    for key, value in (props if isinstance(props, dict) else {}).items():
        name, text = _clean(key), _clean(value) if isinstance(value, str) else value
        if name != key or text != value:
            problems.append(Problem("bad_characters", where, name, "warning"))
        out[name] = text
    return out


def _geometry(raw, where: str, problems: ProblemLog):
    """A feature's geometry, or None with its problem logged."""
    if not isinstance(raw, dict):
        problems.append(Problem("no_geometry", where, "geometry"))
        return None
    try:
        return shapely.from_geojson(json.dumps(raw))
    except (shapely.errors.GEOSException, ValueError, TypeError):
        problems.append(Problem("bad_geometry", where, "geometry"))
        return None


def read_geojson(data: bytes, problems: ProblemLog) -> tuple[list[dict], list]:
    rows, geoms = [], []
    keys: set = set()
    for i, feature in enumerate(_features(data), start=1):
        feature = feature if isinstance(feature, dict) else {}
        rows.append(_properties(feature.get("properties"), f"feature {i}", problems))
        keys.update(rows[-1])
        check_keys(keys)
        geoms.append(_geometry(feature.get("geometry"), f"feature {i}", problems))
    return rows, geoms


# --- tables: CSV and XLSX -----------------------------------------------------------------------------------


def _unique(header: list[str]) -> list[str]:
    """Make repeated column names unique (名称, 名称_2, ...): a spreadsheet may repeat a header."""
    seen: dict[str, int] = {}
    out = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def _delimiter(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    """The rows of a CSV, refused past ``MAX_FEATURES`` before any row is turned into a point."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = list(row for _, row in zip(range(MAX_FEATURES + 2), reader))
    except csv.Error:
        raise ImportFailed("unreadable", fmt="CSV", why=Problem("why_csv_line", kw={"line": reader.line_num})) from None
    if len(rows) > MAX_FEATURES + 1:
        more = sum(1 for _ in reader)
        raise too_many_rows(f"{len(rows) - 1 + more:,}")
    return rows


def _header(cells) -> list[str]:
    """A table's column names: its first row's cells stripped, ``column3`` for an empty one, repeats numbered."""
    return _unique([h.strip() or f"column{i + 1}" for i, h in enumerate(cells)])


def read_utf8_csv(data: bytes) -> pd.DataFrame | None:
    """``read_csv`` of a plain UTF-8 file straight from its bytes (``tables.csv_rows_utf8``), or None: the caller
    decodes the file and reads the text. Only the head is decoded, for the delimiter and the header's width."""
    try:  # the first 16 KiB, a character cut at the end left out (strict: a bad byte here is the text path's)
        head = codecs.getincrementaldecoder("utf-8")().decode(data[: 1 << 14], final=len(data) <= 1 << 14)
    except UnicodeDecodeError:
        return None
    if "\n" not in head and len(data) > 1 << 14:
        return None  # a first line this long: the text path reads it
    delimiter, width = _layout(head)
    parsed = tables.csv_rows_utf8(data, delimiter, width)
    return None if parsed is None else _headed(parsed)


def _layout(text: str) -> tuple[str, int]:
    """A CSV's delimiter and its first line's cells, refused past the column limit before any row is built."""
    delimiter = _delimiter(text)
    first = text[: text.find("\n")] if "\n" in text else text
    width = first.count(delimiter) + 1
    check_columns(width)
    return delimiter, width


def _headed(parsed: pd.DataFrame) -> pd.DataFrame:
    """The rows below the header, named by it."""
    return parsed.iloc[1:].set_axis(_header(parsed.iloc[0]), axis=1).reset_index(drop=True)


def read_csv(text: str) -> pd.DataFrame:
    delimiter, _ = _layout(text)
    parsed = tables.csv_rows(text, delimiter)  # Arrow's or pandas' parser; None: the csv module reads it, below
    if parsed is not None:
        return _headed(parsed)
    rows = [r for r in _csv_rows(text, delimiter) if any(c.strip() for c in r)]
    if not rows:
        raise ImportFailed("no_rows")
    header = _header(rows[0])
    body = [r + [""] * (len(header) - len(r)) for r in rows[1:]]
    return pd.DataFrame([r[: len(header)] for r in body], columns=header, dtype=object)


def _sheet_values(data: bytes) -> list[tuple]:
    """The cells of a workbook's first sheet, row by row (at most ``MAX_COLUMNS`` and ``MAX_FEATURES`` + 2)."""
    check_zip(data)
    try:
        import openpyxl  # uses defusedxml when installed (a dependency): no XML entity attacks

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        check_columns(ws.max_column or 0)  # the sheet's own claim, read before any cell
        values = list(ws.iter_rows(values_only=True, max_row=MAX_FEATURES + 2, max_col=MAX_COLUMNS))
        wb.close()
    except ImportFailed:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise _failed("XLSX", exc) from None
    return values


def read_xlsx(data: bytes) -> pd.DataFrame:
    values = _sheet_values(data)
    if not values:
        raise ImportFailed("no_rows")
    if len(values) > MAX_FEATURES + 1:
        raise too_many_rows(Problem("more_than", kw={"n": f"{MAX_FEATURES:,}"}))
    # every row comes padded to MAX_COLUMNS (a streamed sheet states no size): keep the columns that hold a value
    columns = [(i, c) for i, c in enumerate(zip(*values)) if c.count(None) < len(c)]
    if not columns:
        raise ImportFailed("no_rows")
    header = _unique([str(c[0]).strip() if c[0] is not None else f"column{i + 1}" for i, c in columns])
    return pd.DataFrame({h: c[1:] for h, (_, c) in zip(header, columns)}, columns=header, dtype=object)


# --- GeoPackage and KML, through GDAL -------------------------------------------------------------------------


def gpkg_tables_only(path: Path) -> None:
    """A GeoPackage's layers must be plain tables: a view runs SQL from the file (it can recurse forever)."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            db.execute("PRAGMA trusted_schema = OFF")
            kinds = dict(db.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')"))
            names = [r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")]
    except sqlite3.DatabaseError:
        raise ImportFailed("unreadable", fmt="GeoPackage", why=Problem("why_damaged")) from None
    views = [n for n in names if kinds.get(n) != "table"]
    if views:
        raise ImportFailed("gpkg_view", name=views[0][:60])


def _gdal_frames(path: Path, fmt: str) -> list[gpd.GeoDataFrame]:
    """The first ``MAX_LAYERS_READ`` layers of a file, each field count checked before any feature is read."""
    import pyogrio

    warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes on odd files; errors still raise
    try:
        names = [str(name) for name, _ in pyogrio.list_layers(path)[:MAX_LAYERS_READ]]
        for name in names:
            check_columns(len(pyogrio.read_info(path, layer=name)["fields"]))
        return [pyogrio.read_dataframe(path, layer=name, max_features=MAX_FEATURES + 1) for name in names]
    except ImportFailed:
        raise
    except Exception as exc:  # GDAL raises DataSourceError and friends
        raise _failed({"gpkg": "GeoPackage"}.get(fmt, fmt.upper()), exc) from None


def _to_wgs84(frames: list[gpd.GeoDataFrame]) -> pd.DataFrame:
    """The layers as one frame in WGS-84 (the first layer's CRS stands for all)."""
    gdf = pd.concat(frames, ignore_index=True)
    crs = frames[0].crs
    if crs is not None and not crs.equals("EPSG:4326"):
        try:
            gdf = gpd.GeoDataFrame(gdf, geometry="geometry", crs=crs).to_crs(CRS)
        except MemoryError:
            raise
        except Exception:  # a CRS PROJ cannot turn into WGS-84 (another planet's, say)
            raise ImportFailed("bad_crs", crs=_clean(str(crs.name))[:80]) from None
    return gdf


def read_with_gdal(data: bytes, fmt: str, problems: ProblemLog, workdir: str | None = None) -> tuple[list[dict], list]:
    """A GeoPackage or KML, written to a private temporary folder (under ``workdir``) for GDAL to read."""
    if fmt == "kml" and re.search(rb"<!(DOCTYPE|ENTITY)", data[:65536], re.IGNORECASE):
        raise ImportFailed("entities")
    with tempfile.TemporaryDirectory(dir=workdir) as tmp, warnings.catch_warnings():
        path = Path(tmp) / f"upload.{fmt}"
        path.write_bytes(data)
        if fmt == "gpkg":
            gpkg_tables_only(path)
        frames = _gdal_frames(path, fmt)
    if not frames:
        raise ImportFailed("no_rows")
    gdf = _to_wgs84(frames)
    rows, geoms = [], []
    for i, (rec, geom) in enumerate(zip(gdf.drop(columns="geometry").to_dict("records"), gdf.geometry), start=1):
        rows.append(rec)
        if geom is None:
            problems.append(Problem("no_geometry", f"feature {i}", "geometry"))
        geoms.append(geom)
    return rows, geoms
