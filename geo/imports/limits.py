"""What one import may cost, and the checks the readers make while reading (each before the expensive work)."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import shapely

from geo.imports.result import ImportFailed
from geo.problems import Problem

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
MAX_LAYERS_READ = 20  # layers read of a GeoPackage or KML
IMPORT_TIMEOUT_S = 30.0  # wall clock of one import in its worker process
IMPORT_MEMORY_MB = 3072  # address space of that worker
MAX_RESULT_BYTES = 64 * 1024 * 1024  # what a worker sends back to the server (pickled): bounds the server's share
MAX_SESSION_LAYERS = 8  # imported layers one session may hold (ui/import_panel.py)


def size_text(n: int) -> str:
    """A size as a person reads it: 1.5 MB, 12 KB."""
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def check_size(n: int) -> None:
    if n > MAX_BYTES:
        raise ImportFailed("too_big", size=size_text(n), limit=size_text(MAX_BYTES))


def check_features(n: int) -> None:
    if n > MAX_FEATURES:
        raise ImportFailed("too_many", count=n, limit=MAX_FEATURES)


def too_many_rows(count) -> ImportFailed:
    """A table with more than ``MAX_FEATURES`` rows (``count`` as the reader could tell it)."""
    return ImportFailed("too_many", count=count, limit=f"{MAX_FEATURES:,}")


def check_columns(n: int) -> None:
    if n > MAX_COLUMNS:
        raise ImportFailed("too_many_columns", count=n, limit=MAX_COLUMNS)


def check_keys(keys: set) -> None:
    """Each feature with keys of its own would make a table of millions of cells."""
    if len(keys) > MAX_KEYS:
        raise ImportFailed("too_many_keys", count=len(keys), limit=MAX_KEYS)


def _json_depth_ok(text: str) -> bool:
    """Check nesting depth without recursion."""
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


def check_json_depth(text: str) -> None:
    """Python's json parser recurses: a deep enough document crashes it."""
    if not _json_depth_ok(text):
        raise ImportFailed("too_deep", limit=MAX_JSON_DEPTH)


def check_zip(data: bytes) -> zipfile.ZipFile:
    """A zip (an XLSX) whose unpacked size and packing ratio are within bounds."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFailed("unreadable", fmt="XLSX", why=Problem("why_damaged")) from None
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNZIPPED or total / packed > MAX_ZIP_RATIO:
        raise ImportFailed("zip_bomb", size=size_text(total), ratio=f"{total / packed:.0f}:1")
    return zf


def check_vertices(geoms: list, wheres: list[str]) -> None:
    """Refuse geometries too big to validate and repair quickly (counted before any GEOS work)."""
    counts = shapely.get_num_coordinates(np.array([g for g in geoms if g is not None], dtype=object))
    if len(counts) and counts.max() > MAX_VERTICES:
        kind, _, num = [w for g, w in zip(geoms, wheres) if g is not None][int(counts.argmax())].partition(" ")
        where = Problem(f"at_{kind}", kw={"n": num})
        raise ImportFailed("too_many_vertices", where=where, count=int(counts.max()), limit=MAX_VERTICES)
    if counts.sum() > MAX_TOTAL_VERTICES:
        raise ImportFailed("too_many_total_vertices", count=int(counts.sum()), limit=MAX_TOTAL_VERTICES)
