"""Fetch basemap tiles server-side (no browser CORS problem), cached on disk, never hanging.

When the tile server cannot be reached the caller gets ``TileResult.ok = False`` quickly
(one probe with a short timeout) and renders the vector layers alone.

Every download has one total deadline (connect, TLS, headers and body: each socket read gets only
the time that is left), follows redirects only within the tile's own origin, is capped at
``MAX_TILE_BYTES``, and its image is checked for size before a pixel is decoded. A tile that fails
any of this counts as missing; it is never cached, and a cached tile is checked the same way.
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import io
import math
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from geo import localtiles
from geo.paths import write_atomically

TILE = 256
ORIGIN = 20037508.342789244  # half the Web-Mercator world width, metres
USER_AGENT = "BeijingExchangeMap/0.1 (snapshot renderer)"
PROBE_TIMEOUT_S = 3.0
#: the probe rule snapshots and the live map share (``unreachable``; bem-tiles.js gets these numbers): of the
#: first tiles asked for (a snapshot asks for one, the live map's view for up to PROBE_TILES), most failed or had
#: not arrived PROBE_TIMEOUT_S after being asked for. Both then say so in the same words ("tiles_unreachable").
PROBE_TILES = 6
TILE_TIMEOUT_S = 8.0  # one tile, start to end
DEADLINE_S = 30.0  # all the tiles of one mosaic, the probe included
WAIT_MARGIN_S = 1.0  # past its deadline a mosaic waits this long at most, then returns
MAX_TILES = 400
MAX_TILE_BYTES = 4 * 1024 * 1024
MAX_TILE_PX = 1024  # per side: tiles are 256 or 512 px; anything larger is refused before decoding
MAX_REDIRECTS = 3
TILE_FORMATS = ("PNG", "JPEG", "WEBP")


class BadTile(ValueError):
    """A tile refused: not an image, too many pixels or bytes, or redirected to another origin."""


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


def unreachable(loaded: int, asked: int) -> bool:
    """The probe rule: the tile server counts as unreachable when most of the ``asked`` first tiles did not load."""
    return asked > 0 and (asked - loaded) * 2 > asked


# --- one download, bounded in time, origin and size ----------------------------------------------------


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("tile download passed its deadline")
    return left


def _connect(address, timeout, source_address=None, *, deadline: float) -> socket.socket:
    """socket.create_connection, each address given only the time left; the socket keeps what is left
    after connecting, so a TLS handshake (which Python bounds as a whole) ends by the deadline too."""
    host, port = address
    error: OSError = OSError(f"cannot connect to {host}")
    for family, kind, proto, _, addr in socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM):
        left = _remaining(deadline)
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(left)
            if source_address:
                sock.bind(source_address)
            sock.connect(addr)
            sock.settimeout(_remaining(deadline))
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error


class _DeadlineIO(io.RawIOBase):
    """A socket's reading end where every recv gets only the time left before ``deadline``: a server
    that sends its headers or body a byte at a time cannot outlast it (a plain socket timeout is per recv)."""

    def __init__(self, sock: socket.socket, deadline: float):
        super().__init__()
        self._sock, self._raw, self._deadline = sock, sock.makefile("rb", buffering=0), deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int | None:
        self._sock.settimeout(_remaining(self._deadline))
        try:
            return self._raw.readinto(buffer)
        except TimeoutError as exc:  # the socket's "timed out", which here means the deadline
            raise TimeoutError("tile download passed its deadline") from exc

    def close(self) -> None:
        self._raw.close()  # releases the socket file's reference, as http.client expects
        super().close()


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock, *args, deadline: float, **kwargs):
        super().__init__(sock, *args, **kwargs)
        self.fp.close()
        self.fp = io.BufferedReader(_DeadlineIO(sock, deadline))


class _DeadlineHTTP(http.client.HTTPConnection):
    def __init__(self, host, *, deadline: float, **kwargs):
        super().__init__(host, **kwargs)
        self.response_class = functools.partial(_DeadlineResponse, deadline=deadline)  # type: ignore[assignment]
        self._create_connection = functools.partial(_connect, deadline=deadline)


class _DeadlineHTTPS(_DeadlineHTTP, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: float):
        super().__init__()
        self.deadline = deadline

    def http_open(self, req):
        return self.do_open(functools.partial(_DeadlineHTTP, deadline=self.deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: float):
        super().__init__()
        self.deadline = deadline

    def https_open(self, req):
        return self.do_open(functools.partial(_DeadlineHTTPS, deadline=self.deadline), req)


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port (the scheme's default when none is written)."""
    parts = urllib.parse.urlsplit(url)
    return (
        parts.scheme.lower(),
        (parts.hostname or "").lower(),
        parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower()),
    )


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects within the tile's own scheme, host and port only, at most MAX_REDIRECTS of them."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        fp.close()  # the redirect's body is never read (urllib would read all of it)
        if origin(newurl) != origin(req.full_url):
            raise BadTile(f"redirect to another origin refused: {newurl[:100]}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(deadline: float) -> urllib.request.OpenerDirector:
    """http(s) only (no file:, ftp: or data: handler), the environment's proxy honoured."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        _HTTPHandler(deadline),
        _HTTPSHandler(deadline),
        urllib.request.HTTPDefaultErrorHandler(),
        _SameOriginRedirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def download(url: str, deadline: float) -> bytes:
    """A tile's bytes: ended by ``deadline`` (time.monotonic), at most MAX_TILE_BYTES with or without a
    Content-Length (a chunked body is counted as it arrives), redirected within its origin only."""
    if origin(url)[0] not in ("http", "https"):
        raise BadTile(f"only http(s) tiles are fetched, not {url[:40]!r}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with _opener(deadline).open(request, timeout=_remaining(deadline)) as resp:
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > MAX_TILE_BYTES:
            raise BadTile(f"tile of {int(declared):,} bytes refused (at most {MAX_TILE_BYTES:,})")
        chunks, size = [], 0
        while chunk := resp.read(65536):
            size += len(chunk)
            if size > MAX_TILE_BYTES:
                raise BadTile(f"tile larger than {MAX_TILE_BYTES:,} bytes refused")
            chunks.append(chunk)
    return b"".join(chunks)


# --- one tile: checked, cached ------------------------------------------------------------------------


def _formats() -> tuple[str, ...]:
    Image.init()
    return tuple(f for f in TILE_FORMATS if f in Image.OPEN)


def _open_checked(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data), formats=_formats())  # lazy: the header only, no pixel yet
    if max(image.size) > MAX_TILE_PX or min(image.size) < 1:
        raise BadTile(f"tile of {image.width}x{image.height} px refused (at most {MAX_TILE_PX} px a side)")
    return image


def decode_tile(data: bytes) -> Image.Image:
    """The tile as a TILE x TILE RGBA image, or BadTile: its pixel size is checked before anything is
    decoded, its checksums verified (never an error page), and a truncated image fails here."""
    try:
        _open_checked(data).verify()
        with _open_checked(data) as image:
            image.load()
            tile = image.convert("RGBA")
    except BadTile:
        raise
    except Exception as exc:  # Pillow's decoders raise many types (SyntaxError, struct.error, zlib.error,
        # DecompressionBombError...): every one means "not a usable tile", never a failed snapshot
        raise BadTile(f"not a usable tile image ({type(exc).__name__}: {exc})") from exc
    return tile if tile.size == (TILE, TILE) else tile.resize((TILE, TILE))


def _from_cache(path: Path) -> Image.Image | None:
    """The cached tile, checked as a downloaded one is; a bad cached file is removed (and fetched again)."""
    try:
        if path.stat().st_size <= MAX_TILE_BYTES:
            return decode_tile(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, BadTile):
        pass
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
    return None


def _to_cache(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data, durable=False)
    except OSError:
        pass  # a read-only or full cache costs a download next time, not this tile


def fetch_tile(
    template: str, z: int, x: int, y: int, subdomains: str, timeout: float, deadline: float | None = None
) -> tuple[Image.Image, bool]:
    """One tile, from the cache or the server; returns (image, came_from_cache).

    The download ends ``timeout`` seconds from now or at ``deadline`` (time.monotonic), whichever is
    first, however the server dribbles. A short, damaged or oversized tile raises and is never cached.
    """
    if template.startswith(localtiles.SCHEME):  # BEM_BASEMAP_FILE: read from the file, no cache
        return _local_tile(template, z, x, y), True
    path = _cache_path(template, z, x, y)
    tile = _from_cache(path)
    if tile is not None:
        return tile, True
    end = time.monotonic() + timeout
    data = download(tile_url(template, z, x, y, subdomains), min(deadline, end) if deadline else end)
    tile = decode_tile(data)
    _to_cache(path, data)
    return tile, False


def _local_tile(template: str, z: int, x: int, y: int) -> Image.Image:
    """A tile of the local file; where the file has none, a transparent one (the file is the whole basemap)."""
    mb = localtiles.from_template(template)
    if mb is None:
        raise BadTile("the local tile file changed or is gone since the map was made")
    try:
        data = localtiles.read_tile(mb, z, x, y)
    except localtiles.LocalTilesError as exc:
        raise BadTile(str(exc)) from None
    return decode_tile(data) if data is not None else Image.new("RGBA", (TILE, TILE), (0, 0, 0, 0))


# --- a mosaic --------------------------------------------------------------------------------------------


def _grid(bounds: tuple[float, float, float, float], width_px: int, max_zoom: int) -> tuple[int, int, int, int, int]:
    """The zoom and tile range (z, x0, y0, x1, y1) covering ``bounds`` with at most MAX_TILES tiles."""
    minx, miny, maxx, maxy = bounds
    z = zoom_for(maxx - minx, width_px, max_zoom)
    while True:
        x0, y0 = tile_index(minx, maxy, z)
        x1, y1 = tile_index(maxx, miny, z)
        if (x1 - x0 + 1) * (y1 - y0 + 1) <= MAX_TILES or z == 0:
            return z, x0, y0, x1, y1
        z -= 1


def _wait(future: Future, deadline: float):
    """A fetch's result, waited for until the deadline plus WAIT_MARGIN_S in all: past it, at once."""
    return future.result(timeout=max(0.0, deadline + WAIT_MARGIN_S - time.monotonic()))


def _tile_after(deadline: float, template: str, z: int, xy: tuple[int, int], subdomains: str):
    _remaining(deadline)  # a tile still queued at the deadline is not started
    return fetch_tile(template, z, *xy, subdomains, TILE_TIMEOUT_S, deadline)


def fetch_mosaic(
    template: str,
    bounds: tuple[float, float, float, float],
    width_px: int,
    subdomains: str = "",
    max_zoom: int = 18,
    deadline: float | None = None,
) -> TileResult:
    """Tiles covering ``bounds`` (minx, miny, maxx, maxy in EPSG:3857) stitched into one image.

    Returns by DEADLINE_S (or ``deadline``, time.monotonic, if sooner: several mosaics of one snapshot
    can share one) plus WAIT_MARGIN_S; tiles not in by then count as failed."""
    z, x0, y0, x1, y1 = _grid(bounds, width_px, max_zoom)
    coords = [(x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]
    deadline = min(deadline or math.inf, time.monotonic() + DEADLINE_S)
    result = TileResult(ok=True, zoom=z)
    mosaic = Image.new("RGBA", ((x1 - x0 + 1) * TILE, (y1 - y0 + 1) * TILE), (0, 0, 0, 0))

    def place(xy: tuple[int, int], got: tuple[Image.Image, bool]) -> None:
        mosaic.paste(got[0], ((xy[0] - x0) * TILE, (xy[1] - y0) * TILE))
        result.cached += got[1]
        result.fetched += not got[1]

    pool = ThreadPoolExecutor(max_workers=8)
    try:
        # probe one tile first (the probe rule, with one tile): an unreachable server costs one short timeout
        probe_end = min(deadline, time.monotonic() + PROBE_TIMEOUT_S)
        errors: list[str] = []
        try:
            place(
                coords[0],
                _wait(pool.submit(fetch_tile, template, z, *coords[0], subdomains, PROBE_TIMEOUT_S, probe_end), probe_end),
            )
        except TILE_ERRORS as exc:  # concurrent.futures.TimeoutError is TimeoutError since 3.11
            errors.append(f"{type(exc).__name__}: {exc}")
        if unreachable(loaded=1 - len(errors), asked=1):
            return TileResult(ok=False, zoom=z, errors=errors)
        futures = [(xy, pool.submit(_tile_after, deadline, template, z, xy, subdomains)) for xy in coords[1:]]
        for xy, fut in futures:
            try:
                place(xy, _wait(fut, deadline))
            except TILE_ERRORS as exc:
                result.failed += 1
                if len(result.errors) < 3:
                    result.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a download still running ends at its own deadline
    size = 2 * ORIGIN / 2**z
    result.image = mosaic
    result.extent = (-ORIGIN + x0 * size, -ORIGIN + (x1 + 1) * size, ORIGIN - (y1 + 1) * size, ORIGIN - y0 * size)
    result.ok = result.failed < len(coords)
    return result
