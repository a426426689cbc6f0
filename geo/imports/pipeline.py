"""One import, in process: a file's bytes checked, read by its format's reader, then validated."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo import datum
from geo.imports import readers, tables, validation
from geo.imports.layer import safe_name
from geo.imports.limits import MAX_BYTES, check_features, check_size
from geo.imports.result import ImportFailed, ImportResult
from geo.problems import Problem, ProblemLog

FORMATS = ("geojson", "gpkg", "kml", "csv", "xlsx")
EXTENSIONS = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".kml": "kml",
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
}
EXPECTED = {"geojson": "json", "gpkg": "sqlite", "kml": "xml", "csv": "text", "xlsx": "zip"}  # what sniff must see


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


def _format_of(name: str, data: bytes, crs: str, fmt: str | None) -> str:
    """The format to read ``data`` as (``fmt``, or the one its name's extension says), refused when the bytes
    are empty, too big or look like another format, or when ``crs`` is no datum we know."""
    if crs not in datum.DATUMS:
        raise ImportFailed("unknown_datum", crs=str(crs)[:40])
    if not data:
        raise ImportFailed("empty")
    check_size(len(data))
    fmt = fmt or EXTENSIONS.get(Path(name).suffix.lower())
    if fmt not in FORMATS:
        raise ImportFailed("unknown_type", ext=Path(name).suffix or name)
    looks = sniff(data)
    if looks != EXPECTED[fmt]:
        raise ImportFailed("not_type", fmt=fmt.upper(), looks=looks)
    return fmt


def read_file(
    name: str,
    data: bytes,
    crs: str = "wgs84",
    fmt: str | None = None,
    known: gpd.GeoDataFrame | None = None,
    boundary: shapely.Geometry | None = None,
    workdir: str | None = None,
    compact: bool = False,
) -> ImportResult:
    """Read and validate an uploaded file; raise ImportFailed when it cannot be read at all.

    ``name`` is made safe first (``safe_name``); ``crs`` is the datum the user states (wgs84, gcj02, bd09);
    ``known`` the curated venues (to notice datum offsets); ``boundary`` Beijing's outline (to flag points
    outside). Problems are counted and kept up to a bound (``geo.problems.ProblemLog``). ``compact``: a table's
    layer as ``tables.PointRows`` (a GeoDataFrame once unpickled; the worker sends it so).
    """
    name = safe_name(name)
    fmt = _format_of(name, data, crs, fmt)
    problems = ProblemLog()
    if fmt in ("csv", "xlsx"):  # a column at a time (geo.imports.tables)
        table, encoding = _read_table(data, fmt)
        read = len(table)
        layer = tables.table_rows if compact else tables.table_layer
        gdf = layer(table, crs, problems, known, boundary)
        del table
        return ImportResult(name, fmt, gdf, problems.listed(), encoding, read, problems.totals())
    rows, geoms, wheres, encoding = read_rows(data, fmt, problems, workdir)
    read = len(rows)
    if read == 0 and not problems:
        raise ImportFailed("no_rows")
    check_features(read)
    gdf = validation.validate(rows, geoms, wheres, crs, problems, known, boundary)
    return ImportResult(name, fmt, gdf, problems.listed(), encoding, read, problems.totals())


def read_rows(data: bytes, fmt: str, problems: ProblemLog, workdir: str | None) -> tuple[list[dict], list, list[str], str | None]:
    """The rows (properties), geometries and feature names of a GeoJSON, GeoPackage or KML."""
    if fmt == "geojson":
        rows, geoms = readers.read_geojson(data, problems)
        validation.notice_point_swaps(geoms, problems)
    else:
        rows, geoms = readers.read_with_gdal(data, fmt, problems, workdir)
    return rows, geoms, [f"feature {i}" for i in range(1, len(rows) + 1)], None


def _read_table(data: bytes, fmt: str) -> tuple[pd.DataFrame, str | None]:
    """A CSV (and its text encoding) or an XLSX, as a table of cells."""
    if fmt == "csv":
        table = readers.read_utf8_csv(data)  # most files: no str of the whole text
        if table is not None:
            return table, "utf-8-sig"  # what ``readers.decode`` names UTF-8
        text, encoding = readers.decode(data)
        return readers.read_csv(text), encoding
    return readers.read_xlsx(data), None


def read_path(path: Path) -> bytes:
    """The bytes of a regular file, checked before reading: no symlink to a device, no FIFO, not too big."""
    import stat

    st = path.stat()  # follows a symlink: what matters is what would be read
    if not stat.S_ISREG(st.st_mode):
        kind = (
            "fifo"
            if stat.S_ISFIFO(st.st_mode)
            else "device"
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "directory"
            if stat.S_ISDIR(st.st_mode)
            else "special"
        )
        raise ImportFailed("not_regular", kind=Problem(f"kind_{kind}"))
    check_size(st.st_size)
    with open(path, "rb") as fh:
        return fh.read(MAX_BYTES + 1)
