"""A local tile server for tests: no tile server on the internet is reachable here.

Every tile is a light grid; a red cross marks ``MARK`` (lon, lat) *as the tile source's
datum draws it*: a GCJ-02 server (Gaode) draws it at the GCJ-02 position, as real
Gaode tiles draw every street. Requests are counted so tests can see what was fetched.
"""

from __future__ import annotations

import io
import math
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image, ImageDraw

from geo import datum

TILE = 256
ARM = 24  # half-length of the red cross, px


def lonlat_to_pixel(lon: float, lat: float, z: int) -> tuple[float, float]:
    """Global Web-Mercator pixel of a lon/lat at zoom z."""
    scale = TILE * 2**z
    x = (lon + 180.0) / 360.0 * scale
    s = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale
    return x, y


def render_tile(z: int, x: int, y: int, marks: list[tuple[float, float]], transparent: bool = False) -> bytes:
    """A PNG tile: a grid cell labelled z/x/y (transparent for annotation layers) with red crosses."""
    img = Image.new("RGBA", (TILE, TILE), (0, 0, 0, 0) if transparent else (236, 240, 232, 255))
    draw = ImageDraw.Draw(img)
    if not transparent:
        draw.rectangle([0, 0, TILE - 1, TILE - 1], outline=(200, 205, 195))
        draw.text((6, 6), f"{z}/{x}/{y}", fill=(150, 150, 150))
    for lon, lat in marks:
        px, py = lonlat_to_pixel(lon, lat, z)
        cx, cy = px - x * TILE, py - y * TILE
        if -30 < cx < TILE + 30 and -30 < cy < TILE + 30:
            draw.line([cx - ARM, cy, cx + ARM, cy], fill=(255, 0, 0), width=3)
            draw.line([cx, cy - ARM, cx, cy + ARM], fill=(255, 0, 0), width=3)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


@contextmanager
def tile_server(mark_wgs84: tuple[float, float]):
    """Serve ``/{basemap}/{z}/{x}/{y}.png``; GCJ-02 basemaps draw the mark shifted."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            requests.append(self.path)
            try:
                basemap, z, x, y = self.path.strip("/").removesuffix(".png").split("/")
                lon, lat = mark_wgs84
                if basemap.startswith("gaode"):
                    lon, lat = datum.from_wgs84(lon, lat, "gcj02")
                labels = basemap.endswith("-labels")
                body = render_tile(int(z), int(x), int(y), [] if labels else [(lon, lat)], transparent=labels)
            except ValueError:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the browser moved on
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
