"""A basemap from a file: raster MBTiles named by ``BEM_BASEMAP_FILE``, read here and nowhere else.

An IT department that cannot let the browser reach a tile server makes one file (``gdal_translate -of MBTILES``,
see README) and the app serves it. Snapshots, decks and the atlas read its tiles straight from the file
(``read_tile``); the live map gets them from the app's own server (``extract``: see ``ui/assets.serve_local_tiles``
for why the tiles are copied into a folder); a standalone HTML export carries the tiles of its frame inline
(``embedded``). A missing, unreadable or vector file is a :class:`LocalTilesError` with one message in each
language, never a crash: the other basemaps keep working.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import math
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import GeoError

FILE_ENV = "BEM_BASEMAP_FILE"
SCHEME = "mbtiles://"  # a tile template naming a local file's tiles: mbtiles://<fingerprint>/{z}/{x}/{y}.<ext>
FORMATS = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}
#: a standalone export embeds at most this many bytes of tiles (base64 adds a third)
EMBED_MAX_BYTES = 12 * 1024 * 1024
EMBED_WIDTH_PX = 1280  # the window an exported page is assumed to open in, to pick its zoom


class LocalTilesError(GeoError):
    """BEM_BASEMAP_FILE names no file, or one that is not a raster MBTiles with tiles.

    ``str()`` is one line in both languages (it is shown at start, before a language is chosen);
    ``message(lang)`` is one of them."""

    def __init__(self, key: str, **kw: str):
        self.key, self.kw = key, {"var": FILE_ENV, **kw}
        super().__init__(f"{self.message('en')} / {self.message('zh')}")

    def message(self, lang: str) -> str:
        from geo import i18n

        return i18n.t(self.key, lang).format(**self.kw)


@dataclass(frozen=True)
class MBTiles:
    """An opened, checked MBTiles file: what its metadata table says and where its tiles are."""

    path: Path
    fingerprint: str  # changes with the file (path, size, modification time)
    name: str
    attribution: str
    ext: str  # png, jpg or webp
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]  # west, south, east, north (WGS-84)
    count: int  # tiles in the file

    @property
    def template(self) -> str:
        return f"{SCHEME}{self.fingerprint}/{{z}}/{{x}}/{{y}}.{self.ext}"


def configured() -> Path | None:
    """The file ``BEM_BASEMAP_FILE`` names (None when it is not set)."""
    value = os.environ.get(FILE_ENV, "").strip()
    return Path(value).expanduser() if value else None


@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    """The file opened read-only (the app never writes it; a file on a read-only share opens too), then closed."""
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    try:
        yield db
    finally:
        db.close()


_lock = threading.Lock()
_opened: dict[tuple, MBTiles | LocalTilesError] = {}


def open_file(path: Path) -> MBTiles:
    """The checked MBTiles at ``path`` (cached while the file is unchanged), or LocalTilesError."""
    try:
        st = path.stat()
    except OSError:
        raise LocalTilesError("local_tiles_missing", path=str(path)) from None
    if not path.is_file():
        raise LocalTilesError("local_tiles_missing", path=str(path))
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    with _lock:
        got = _opened.get(key)
        if got is None:
            try:
                got = _read(path, key)
            except LocalTilesError as exc:
                got = exc
            _opened[key] = got
    if isinstance(got, LocalTilesError):
        raise got
    return got


def configured_file() -> MBTiles | None:
    """The configured file, checked (None when BEM_BASEMAP_FILE is not set; LocalTilesError when it is bad)."""
    path = configured()
    return open_file(path) if path else None


def _read(path: Path, key: tuple) -> MBTiles:
    try:
        with _connect(path) as db:
            meta = dict(db.execute("SELECT name, value FROM metadata").fetchall())
            row = db.execute("SELECT COUNT(*), MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
    except sqlite3.Error as exc:
        raise LocalTilesError("local_tiles_bad", path=str(path), why=str(exc)[:120]) from None
    ext = str(meta.get("format", "png")).lower()
    if ext not in FORMATS:
        raise LocalTilesError("local_tiles_bad", path=str(path), why=f"format {ext!r} (raster png, jpg or webp only)")
    count, lo, hi = row
    if not count:
        raise LocalTilesError("local_tiles_bad", path=str(path), why="no tiles")
    return MBTiles(
        path=path,
        fingerprint=hashlib.sha256(repr(key).encode()).hexdigest()[:16],
        name=str(meta.get("name") or path.stem),
        attribution=str(meta.get("attribution") or meta.get("name") or path.stem),
        ext="jpg" if ext == "jpeg" else ext,
        min_zoom=int(meta.get("minzoom", lo)),
        max_zoom=int(meta.get("maxzoom", hi)),
        bounds=_bounds(meta.get("bounds")),
        count=int(count),
    )


def _bounds(text) -> tuple[float, float, float, float]:
    try:
        w, s, e, n = (float(v) for v in str(text).split(","))
    except ValueError:
        return -180.0, -85.0511, 180.0, 85.0511
    return w, s, e, n


# --- tiles ------------------------------------------------------------------------------------------------


def read_tile(mb: MBTiles, z: int, x: int, y: int) -> bytes | None:
    """The tile z/x/y (XYZ numbering, as Leaflet's) from the file; None where the file has none."""
    try:
        with _connect(mb.path) as db:
            row = db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?", (z, x, 2**z - 1 - y)
            ).fetchone()
    except sqlite3.Error as exc:
        raise LocalTilesError("local_tiles_bad", path=str(mb.path), why=str(exc)[:120]) from None
    return bytes(row[0]) if row else None


def from_template(template: str) -> MBTiles | None:
    """The configured file a ``mbtiles://`` template names (None if the file changed or is gone since)."""
    try:
        mb = configured_file()
    except LocalTilesError:
        return None
    return mb if mb is not None and template.startswith(f"{SCHEME}{mb.fingerprint}/") else None


def _tile_range(mb: MBTiles, z: int, bbox: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    """x0, y0, x1, y1 (XYZ) of the tiles at zoom z covering ``bbox`` (WGS-84) within the file's bounds."""
    w, s, e, n = max(bbox[0], mb.bounds[0]), max(bbox[1], mb.bounds[1]), min(bbox[2], mb.bounds[2]), min(bbox[3], mb.bounds[3])

    def index(lon: float, lat: float) -> tuple[int, int]:
        k = 2**z
        lat = max(-85.0511, min(85.0511, lat))
        x = int((lon + 180) / 360 * k)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * k)
        return max(0, min(k - 1, x)), max(0, min(k - 1, y))

    x0, y0 = index(w, n)
    x1, y1 = index(e, s)
    return x0, y0, x1, y1


def _zoom_order(mb: MBTiles, bbox: tuple[float, float, float, float]) -> list[int]:
    """The zooms to embed, best first: the one an export window of EMBED_WIDTH_PX shows, then one closer, one farther."""
    width = max(1e-6, bbox[2] - bbox[0])
    z = round(math.log2(EMBED_WIDTH_PX * 360 / (256 * width)))
    z = max(mb.min_zoom, min(mb.max_zoom, z))
    return [k for k in (z, z + 1, z - 1) if mb.min_zoom <= k <= mb.max_zoom]


def embedded(mb: MBTiles, bbox: tuple[float, float, float, float]) -> dict:
    """The tiles of ``bbox`` as data URIs for a standalone page (``BEM.embeddedTiles`` in bem-tiles.js).

    The export's own zoom first, then the next closer and farther ones while the whole stays under
    EMBED_MAX_BYTES; Leaflet scales the nearest embedded zoom beyond them."""
    out: dict[str, str] = {}
    size, zooms = 0, []
    mime = FORMATS[mb.ext]
    with _connect(mb.path) as db:
        for z in _zoom_order(mb, bbox):
            x0, y0, x1, y1 = _tile_range(mb, z, bbox)
            rows = db.execute(
                "SELECT tile_column, tile_row, tile_data FROM tiles WHERE zoom_level=? AND tile_column BETWEEN ? AND ? "
                "AND tile_row BETWEEN ? AND ?",
                (z, x0, x1, 2**z - 1 - y1, 2**z - 1 - y0),
            ).fetchall()
            level = sum(len(r[2]) for r in rows)
            if zooms and size + level > EMBED_MAX_BYTES:
                continue
            size += level
            zooms.append(z)
            for x, tms_y, data in rows:
                out[f"{z}/{x}/{2**z - 1 - tms_y}"] = f"data:{mime};base64,{base64.b64encode(bytes(data)).decode()}"
    w, s, e, n = mb.bounds
    bounds = [[max(s, bbox[1]), max(w, bbox[0])], [min(n, bbox[3]), min(e, bbox[2])]]
    return {"tiles": out, "minZoom": min(zooms), "maxZoom": max(zooms), "bounds": bounds, "attribution": mb.attribution}


# --- extraction into a folder the app serves ---------------------------------------------------------------


@dataclass
class Extraction:
    """Copying a file's tiles into ``folder`` (in a background thread): how far it got, or what stopped it."""

    folder: Path
    total: int
    done: int = 0
    error: str | None = None
    finished: threading.Event = field(default_factory=threading.Event)


_extractions: dict[str, Extraction] = {}
MARKER = ".complete"


def extract(mb: MBTiles, root: Path) -> Extraction:
    """Start (once per file version and process) copying ``mb``'s tiles to ``root/<fingerprint>/z/x/y.ext``,
    lowest zoom first so the city view is there within moments; a folder finished before is used as it is."""
    folder = root / mb.fingerprint
    with _lock:
        job = _extractions.get(mb.fingerprint)
        if job is not None:
            return job
        job = _extractions[mb.fingerprint] = Extraction(folder, mb.count)
    if (folder / MARKER).exists():
        job.done = mb.count
        job.finished.set()
        return job
    threading.Thread(target=_copy, args=(mb, job), name=f"bem-local-tiles-{mb.fingerprint}", daemon=True).start()
    return job


def _copy(mb: MBTiles, job: Extraction) -> None:
    try:
        with _connect(mb.path) as db:
            rows = db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles ORDER BY zoom_level")
            for z, x, tms_y, data in rows:
                path = job.folder / str(z) / str(x) / f"{2**z - 1 - tms_y}.{mb.ext}"
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".part")
                tmp.write_bytes(bytes(data))
                tmp.replace(path)  # a tile is never served half written
                job.done += 1
        (job.folder / MARKER).write_text(str(job.done))
    except (OSError, sqlite3.Error) as exc:  # a full or read-only cache: the map's tile notice says so
        job.error = f"{type(exc).__name__}: {exc}"[:200]
        logging.getLogger("beijing_exchange_map").warning("copying the local tiles of %s stopped: %s", mb.path, job.error)
    finally:
        job.finished.set()
