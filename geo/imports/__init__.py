"""Bring your own data, safely: read and validate a planner's file into a WGS-84 layer.

Reads GeoJSON, GeoPackage, KML, CSV and XLSX (points from lon/lat columns, Chinese or
English headers). Every problem names the row or feature and the field, in both
languages; valid rows still load when some rows are bad. Nothing here writes outside a
private temporary folder, so an import can never touch ``data/``.

The package, one job per module:

- ``result``: ``ImportResult`` and ``ImportFailed``;
- ``limits``: what one import may cost (size, features, columns, keys, vertices, zip ratio, JSON depth), checked
  while reading;
- ``readers``: one reader per format;
- ``tables``: a CSV or XLSX parsed (Arrow's or pandas' parser, the csv module for odd files) and validated a column
  at a time, only the rows with a problem through the per-row code;
- ``validation``: coordinates, swapped/projected/GCJ-02/BD-09 data, geometry repair (problems go to
  ``geo.problems``);
- ``pipeline``: ``read_file``, one import in process (checks, reader, validation);
- ``worker``: ``read_bounded``, ``read_file`` in a bounded worker process (deadline, memory, scratch folder,
  result size);
- ``layer``: ``ImportedLayer``, ``as_layer``, ``geometry_kind``, ``safe_name``;
- ``speed``: the import benchmark of ``python -m geo.bench`` (a generated file, ours against pandas + shapely).

Everything used elsewhere is importable from ``geo.imports`` itself. ``IMPORT_TIMEOUT_S`` is read from here when
``read_bounded`` runs, so setting ``geo.imports.IMPORT_TIMEOUT_S`` changes its default deadline.
"""

from __future__ import annotations

from geo.imports.layer import ImportedLayer, as_layer, geometry_kind, safe_name
from geo.imports.limits import (
    IMPORT_MEMORY_MB,
    IMPORT_TIMEOUT_S,
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_FEATURES,
    MAX_JSON_DEPTH,
    MAX_KEYS,
    MAX_LAYERS_READ,
    MAX_NAME,
    MAX_OFFSET_CHECKS,
    MAX_RESULT_BYTES,
    MAX_SESSION_LAYERS,
    MAX_TEXT,
    MAX_TOTAL_VERTICES,
    MAX_UNZIPPED,
    MAX_VERTICES,
    MAX_ZIP_RATIO,
    check_vertices,
)
from geo.imports.pipeline import EXPECTED, EXTENSIONS, FORMATS, read_file, read_path, sniff
from geo.imports.readers import gpkg_tables_only
from geo.imports.result import ImportFailed, ImportResult, without_paths
from geo.imports.validation import BEIJING_BOX, ID_HEADERS, LAT_HEADERS, LON_HEADERS, NAME_HEADERS
from geo.imports.worker import clean_stale_workdirs, read_bounded
from geo.problems import Problem, ProblemLog, message

__all__ = [
    "BEIJING_BOX",
    "EXPECTED",
    "EXTENSIONS",
    "FORMATS",
    "ID_HEADERS",
    "IMPORT_MEMORY_MB",
    "IMPORT_TIMEOUT_S",
    "LAT_HEADERS",
    "LON_HEADERS",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_FEATURES",
    "MAX_JSON_DEPTH",
    "MAX_KEYS",
    "MAX_LAYERS_READ",
    "MAX_NAME",
    "MAX_OFFSET_CHECKS",
    "MAX_RESULT_BYTES",
    "MAX_SESSION_LAYERS",
    "MAX_TEXT",
    "MAX_TOTAL_VERTICES",
    "MAX_UNZIPPED",
    "MAX_VERTICES",
    "MAX_ZIP_RATIO",
    "NAME_HEADERS",
    "ImportFailed",
    "ImportResult",
    "ImportedLayer",
    "Problem",
    "ProblemLog",
    "as_layer",
    "check_vertices",
    "clean_stale_workdirs",
    "geometry_kind",
    "gpkg_tables_only",
    "message",
    "read_bounded",
    "read_file",
    "read_path",
    "safe_name",
    "sniff",
    "without_paths",
]
