"""Fetch basemap tiles server-side (no browser CORS problem), cached on disk, never hanging.

When the tile server cannot be reached the caller gets ``TileResult.ok = False`` quickly
(one probe with a short timeout) and renders the vector layers alone.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import math
import os
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from geo.paths import write_atomically

TILE = 256
ORIGIN = 20037508.342789244  # half the Web-Mercator world width, metres
USER_AGENT = "BeijingExchangeMap/0.1 (snapshot renderer)"
PROBE_TIMEOUT_S = 3.0
TILE_TIMEOUT_S = 8.0
DEADLINE_S = 30.0  # all the tiles of one snapshot, the probe included
MAX_TILES = 400
MAX_TILE_BYTES = 4 * 1024 * 1024
#: what a failed tile raises: unreachable, refused, cut off mid-body (IncompleteRead), not an image, too slow
TILE_ERRORS = (OSError, urllib.error.URLError, ValueError, TimeoutError, http.client.HTTPException)


@dataclass
class TileResult:
    """A stitched mosaic in Web Mercator, or ok=False when the server was unreachable."""

    ok: bool
    image: Image.Image | None = None
    extent: tuple[float, float, float, float] | None = None  # left, right, bottom, top (EPSG:3857)
    zoom: int | None = None
    fetched: int = 0
    cached: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def cache_dir() -> Path:
    """Where tiles are cached (``BEM_TILE_CACHE`` or ~/.cache/beijing-exchange-map/tiles)."""
    return Path(os.environ.get("BEM_TILE_CACHE", Path.home() / ".cache" / "beijing-exchange-map" / "tiles"))


def zoom_for(width_m: float, width_px: float, max_zoom: int) -> int:
    """The tile zoom whose resolution best matches ``width_px`` pixels across ``width_m`` metres."""
    z = math.log2(2 * ORIGIN * width_px / (TILE * width_m))
    return max(0, min(max_zoom, round(z)))


def tile_index(x_m: float, y_m: float, z: int) -> tuple[int, int]:
    n = 2**z
    tx = int((x_m + ORIGIN) / (2 * ORIGIN) * n)
    ty = int((ORIGIN - y_m) / (2 * ORIGIN) * n)
    return max(0, min(n - 1, tx)), max(0, min(n - 1, ty))


def tile_url(template: str, z: int, x: int, y: int, subdomains: str) -> str:
    s = subdomains[(x + y) % len(subdomains)] if subdomains else ""
    return template.replace("{s}", s).replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))


def _cache_path(template: str, z: int, x: int, y: int) -> Path:
    key = hashlib.sha256(template.encode()).hexdigest()[:16]
    return cache_dir() / key / str(z) / str(x) / f"{y}.tile"


def fetch_tile(template: str, z: int, x: int, y: int, subdomains: str, timeout: float,
               deadline: float | None = None) -> tuple[bytes, bool]:
    """One tile's bytes, from the cache or the server; returns (bytes, came_from_cache).

    ``deadline`` (time.monotonic) bounds the whole download: a server that drips a byte at a time
    never outlasts it. A short or damaged body raises, and is never cached.
    """
    path = _cache_path(template, z, x, y)
    if path.exists():
        return path.read_bytes(), True
    deadline = deadline or time.monotonic() + timeout
    req = urllib.request.Request(tile_url(template, z, x, y, subdomains), headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(req, timeout=max(0.1, min(timeout, deadline - time.monotonic()))) as resp:
        chunks, size = [], 0
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError("tile download passed the snapshot's deadline")
            chunk = resp.read1(65536) if hasattr(resp, "read1") else resp.read(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_TILE_BYTES:
                raise ValueError("tile larger than 4 MB")
            chunks.append(chunk)
        data = b"".join(chunks)
    image = Image.open(io.BytesIO(data))
    image.verify()  # never cache an error page
    Image.open(io.BytesIO(data)).load()  # a truncated image fails here, not in the mosaic
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data, durable=False)
    return data, False


def fetch_mosaic(template: str, bounds: tuple[float, float, float, float], width_px: int, subdomains: str = "",
                 max_zoom: int = 18) -> TileResult:
    """Tiles covering ``bounds`` (minx, miny, maxx, maxy in EPSG:3857) stitched into one image."""
    minx, miny, maxx, maxy = bounds
    z = zoom_for(maxx - minx, width_px, max_zoom)
    while True:
        x0, y0 = tile_index(minx, maxy, z)
        x1, y1 = tile_index(maxx, miny, z)
        if (x1 - x0 + 1) * (y1 - y0 + 1) <= MAX_TILES or z == 0:
            break
        z -= 1
    coords = [(x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]
    result = TileResult(ok=True, zoom=z)
    mosaic = Image.new("RGBA", ((x1 - x0 + 1) * TILE, (y1 - y0 + 1) * TILE), (0, 0, 0, 0))

    def place(xy: tuple[int, int], data: bytes) -> None:
        tile = Image.open(io.BytesIO(data)).convert("RGBA")
        mosaic.paste(tile, ((xy[0] - x0) * TILE, (xy[1] - y0) * TILE))

    deadline = time.monotonic() + DEADLINE_S  # one total deadline for every tile of this snapshot
    # probe one tile first: an unreachable server costs one short timeout, not hundreds
    try:
        data, cached = fetch_tile(template, z, *coords[0], subdomains, PROBE_TIMEOUT_S,
                                  min(deadline, time.monotonic() + PROBE_TIMEOUT_S))
        place(coords[0], data)
    except TILE_ERRORS as exc:
        return TileResult(ok=False, zoom=z, errors=[f"{type(exc).__name__}: {exc}"])
    result.cached += cached
    result.fetched += not cached

    def get(xy):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("snapshot tile deadline reached")
        return xy, fetch_tile(template, z, *xy, subdomains, min(TILE_TIMEOUT_S, remaining), deadline)

    pool = ThreadPoolExecutor(max_workers=8)
    try:
        futures = [pool.submit(get, xy) for xy in coords[1:]]
        for fut in futures:
            try:
                xy, (data, cached) = fut.result(timeout=max(0.0, deadline - time.monotonic()) + 1.0)
                place(xy, data)
            except TILE_ERRORS as exc:  # concurrent.futures.TimeoutError is TimeoutError since 3.11
                result.failed += 1
                if len(result.errors) < 3:
                    result.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            result.cached += cached
            result.fetched += not cached
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a stuck download ends at its own deadline
    size = 2 * ORIGIN / 2**z
    result.image = mosaic
    result.extent = (-ORIGIN + x0 * size, -ORIGIN + (x1 + 1) * size, ORIGIN - (y1 + 1) * size, ORIGIN - y0 * size)
    result.ok = result.failed < len(coords)
    return result
