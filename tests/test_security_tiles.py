"""A tile server is not trusted: it cannot hold a snapshot past its deadline by dribbling bytes, send the
fetcher to another origin, blow up memory with a tiny PNG of huge pixel size, or get anything bad into the
tile cache; and a tile mirror URL with a password in it is refused at start. Every server here is real and
listens on loopback."""

from __future__ import annotations

import http.server
import io
import os
import shutil
import ssl
import struct
import subprocess
import sys
import threading
import time
import zlib
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from geo import basemaps, tiles
from tests.conftest import ROOT, app_test

BOUNDS = (12_957_000.0, 4_852_000.0, 12_962_000.0, 4_857_000.0)  # 5 km across central Beijing, EPSG:3857
WIDTH_PX = 512  # zoom 14 here: a 3 x 3 block of tiles


def coords() -> list[tuple[int, int, int]]:
    minx, miny, maxx, maxy = BOUNDS
    z = tiles.zoom_for(maxx - minx, WIDTH_PX, 18)
    (x0, y0), (x1, y1) = tiles.tile_index(minx, maxy, z), tiles.tile_index(maxx, miny, z)
    return [(z, x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]


def png(width: int = 256, height: int = 256, colour=(90, 140, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buf, format="PNG")
    return buf.getvalue()


def huge_png(side: int) -> bytes:
    """A valid one-colour 1-bit PNG of side x side pixels, tens of KB on the wire, written row by row so the
    test never holds its pixels (Pillow would need side * side bytes to make it)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row, packer = b"\x00" * (1 + (side + 7) // 8), zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


GOOD = png()


class Handler(http.server.BaseHTTPRequestHandler):
    """Counts requests and open connections; ``answer`` (set per test) writes the response."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (http.server's name)
        server = self.server
        with server.lock:
            server.requests.append(self.path)
            n = len(server.requests)
            server.open += 1
        try:
            server.answer(self, n)
        except OSError:  # the client gave up: that is what these tests want to see
            pass
        finally:
            with server.lock:
                server.open -= 1

    def send_body(self, body: bytes, status: int = 200, **headers: str) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "image/png", "Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def serve(answer, tls: ssl.SSLContext | None = None):
    """A threaded HTTP server on loopback (HTTPS with ``tls``); ``answer(handler, n)`` answers the n-th request."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.lock, server.requests, server.open, server.answer = threading.Lock(), [], 0, answer
    if tls:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server, f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def dribble(handler, data: bytes, pause: float) -> None:
    for byte in data:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(pause)


def bounded(fn, limit_s: float):
    """fn() run in a thread: its result and how long it took, or a failure when it is still running after
    ``limit_s`` (the thread is left to finish on its own)."""
    out: dict = {}

    def run():
        out["result"] = fn()

    start = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit_s)
    assert not thread.is_alive(), f"still running after {limit_s} s"
    return out["result"], time.monotonic() - start


@pytest.fixture(autouse=True)
def tile_cache(tmp_path, monkeypatch):
    cache = tmp_path / "tiles"
    monkeypatch.setenv("BEM_TILE_CACHE", str(cache))
    return cache


def cached_files(cache: Path) -> list[Path]:
    return [p for p in cache.rglob("*") if p.is_file()]


# --- 1. one total deadline, however the server dribbles ------------------------------------------------

SLOW_HEADERS = (
    b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: %d\r\nX-Pad: " % len(GOOD) + b"p" * 200 + b"\r\n\r\n"
)


@pytest.mark.parametrize("where", ["headers", "body"])
@pytest.mark.parametrize("which", ["probe", "rest"])
def test_a_slowloris_tile_server_cannot_outlast_the_deadline(monkeypatch, tile_cache, where, which):
    monkeypatch.setattr(tiles, "DEADLINE_S", 2.0)
    monkeypatch.setattr(tiles, "PROBE_TIMEOUT_S", 1.0)

    def answer(handler, n):
        if which == "rest" and n == 1:  # a good probe, then every other tile dribbled
            return handler.send_body(GOOD)
        if where == "headers":  # a byte every 0.2 s: 270 bytes of headers take 54 s
            return dribble(handler, SLOW_HEADERS + GOOD, 0.2)
        handler.wfile.write(SLOW_HEADERS)
        handler.wfile.flush()
        return dribble(handler, GOOD, 0.2)

    limit = tiles.DEADLINE_S + 3.0  # the deadline, its 1 s margin and some slack
    with serve(answer) as (server, url):
        result, took = bounded(lambda: tiles.fetch_mosaic(f"{url}/osm/{{z}}/{{x}}/{{y}}.png", BOUNDS, WIDTH_PX), limit)
        print(f"{where}/{which}: mosaic returned in {took:.2f} s (deadline {tiles.DEADLINE_S} s)")
        for _ in range(40):  # the downloads themselves stopped too (no thread left reading): bounded poll
            if server.open == 0:
                break
            time.sleep(0.1)
        assert server.open == 0, f"{server.open} connections still being read"
    n = len(coords())
    if which == "probe":
        assert result.ok is False and "deadline" in result.errors[0], result.errors
    else:
        assert result.ok is True and result.fetched == 1 and result.failed == n - 1 > 0
    assert len(cached_files(tile_cache)) == (which == "rest")  # only the good probe tile was cached


@pytest.fixture
def tls(tmp_path, monkeypatch) -> ssl.SSLContext:
    """A server context with a fresh self-signed certificate for 127.0.0.1, which the client trusts."""
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # read by every default client context
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def test_https_tiles_are_fetched_and_bounded_the_same_way(monkeypatch, tile_cache, tls):
    monkeypatch.setattr(tiles, "DEADLINE_S", 2.0)
    monkeypatch.setattr(tiles, "PROBE_TIMEOUT_S", 1.0)

    def answer(handler, n):
        if n == 1:
            return handler.send_body(GOOD)
        return dribble(handler, SLOW_HEADERS + GOOD, 0.2)

    with serve(answer, tls) as (server, url):
        result, took = bounded(
            lambda: tiles.fetch_mosaic(f"{url}/osm/{{z}}/{{x}}/{{y}}.png", BOUNDS, WIDTH_PX), tiles.DEADLINE_S + 3.0
        )
    print(f"https: mosaic returned in {took:.2f} s (deadline {tiles.DEADLINE_S} s)")
    assert result.ok is True and result.fetched == 1 and result.failed == len(coords()) - 1 > 0


# --- 2. redirects stay within the tile's origin ---------------------------------------------------------


def test_redirects_stay_within_the_tiles_origin(tile_cache):
    def elsewhere(handler, n):
        handler.send_body(GOOD)

    with serve(elsewhere) as (other, other_url):
        port = other.server_address[1]

        def answer(handler, n):
            kind, rest = handler.path.strip("/").split("/", 1)
            targets = {
                "other-port": f"{other_url}/{rest}",
                "other-host": f"http://localhost:{port}/{rest}",
                "other-scheme": f"https://127.0.0.1:{handler.server.server_address[1]}/good/{rest}",
                "same": f"/good/{rest}",
                "loop": handler.path,
            }
            if kind == "good":
                return handler.send_body(GOOD)
            return handler.send_body(b"", 302, Location=targets[kind])

        with serve(answer) as (_, url):

            def mosaic(kind):
                return tiles.fetch_mosaic(f"{url}/{kind}/{{z}}/{{x}}/{{y}}.png", BOUNDS, WIDTH_PX)

            refused = {kind: mosaic(kind) for kind in ("other-port", "other-host", "other-scheme")}
            same, loop = mosaic("same"), mosaic("loop")
    for kind, result in refused.items():
        assert result.ok is False and "another origin" in result.errors[0], (kind, result.errors)
    assert other.requests == []  # the other server was never asked
    assert same.ok is True and same.failed == 0 and same.fetched == len(coords())
    assert loop.ok is False and "302" in loop.errors[0]
    assert len(cached_files(tile_cache)) == len(coords())  # the same-origin tiles only


# --- 3. pixel size checked before decoding; nothing bad cached, nothing cached trusted --------------------


@pytest.mark.parametrize("side", [20000, 9000, 2000])
def test_a_tile_with_a_huge_pixel_size_is_missing_and_never_cached(tile_cache, side):
    bomb = huge_png(side) if side > 2000 else png(side, side)
    assert PngImagePlugin.PngImageFile(io.BytesIO(bomb)).size == (side, side) and len(bomb) < 400_000  # a real PNG
    bombed: list[str] = []

    def answer(handler, n):
        if n == 2:  # one tile after the probe
            bombed.append(handler.path)
            return handler.send_body(bomb)
        return handler.send_body(GOOD)

    with serve(answer) as (_, url):
        template = f"{url}/osm/{{z}}/{{x}}/{{y}}.png"
        result = tiles.fetch_mosaic(template, BOUNDS, WIDTH_PX)
    assert result.ok is True and result.failed == 1 and result.fetched == len(coords()) - 1
    assert "px refused" in result.errors[0] or "DecompressionBomb" in result.errors[0]
    z, x, y = (int(v) for v in bombed[0].removesuffix(".png").split("/")[-3:])
    assert not tiles._cache_path(template, z, x, y).exists()
    assert len(cached_files(tile_cache)) == len(coords()) - 1


def test_a_bad_cached_tile_is_not_trusted_but_fetched_again(tile_cache):
    with serve(lambda handler, n: handler.send_body(GOOD)) as (server, url):
        template = f"{url}/osm/{{z}}/{{x}}/{{y}}.png"
        bad = [huge_png(20000), png(2000, 2000), b"<html>error</html>", GOOD[: len(GOOD) // 2]]
        for i, (z, x, y) in enumerate(coords()):
            path = tiles._cache_path(template, z, x, y)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(bad[i % len(bad)])
        result = tiles.fetch_mosaic(template, BOUNDS, WIDTH_PX)
    assert result.ok is True and result.failed == 0 and result.cached == 0
    assert result.fetched == len(coords()) == len(server.requests)
    assert all(p.read_bytes() == GOOD for p in cached_files(tile_cache))


def test_a_cli_snapshot_over_a_bomb_tile_server_falls_back_to_vectors(tmp_path, tile_cache, run_cli):
    bomb = huge_png(20000)
    with serve(lambda handler, n: handler.send_body(bomb)) as (_, url):
        # the command in this process (run_cli): the tiles' checks are tested, not the process start
        res = run_cli("snapshot", "--out", str(tmp_path / "m.png"), "--basemap", "osm", "--size", "800x600", BEM_TILE_MIRROR=url)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    assert "note:" in res.stderr and (tmp_path / "m.png").stat().st_size > 1000
    assert cached_files(tile_cache) == []


# --- the body and the scheme ------------------------------------------------------------------------------


def test_a_tile_body_is_capped_with_or_without_a_content_length(monkeypatch, tile_cache):
    monkeypatch.setattr(tiles, "MAX_TILE_BYTES", 256 * 1024)
    sent = {"chunked": 0}

    def answer(handler, n):
        if handler.path.startswith("/declared"):  # claims a gigabyte, then sends nothing
            handler.send_response(200)
            handler.send_header("Content-Length", str(10**9))
            handler.end_headers()
            handler.wfile.flush()
            return time.sleep(5)
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        block = b"\x00" * 16384
        for _ in range(64 * 1024):  # a gigabyte, if nobody stopped reading
            handler.wfile.write(b"4000\r\n" + block + b"\r\n")
            sent["chunked"] += len(block)

    with serve(answer) as (_, url):
        for kind in ("declared", "chunked"):
            with pytest.raises(ValueError, match="refused"):  # tiles.BadTile
                tiles.fetch_tile(f"{url}/{kind}/{{z}}/{{x}}/{{y}}.png", 14, 1, 2, "", 4.0)
    print(f"chunked body: the server got {sent['chunked'] / 1024:.0f} KB out before the fetcher hung up")
    assert sent["chunked"] < 64 * 1024 * 16384
    assert cached_files(tile_cache) == []


def test_only_http_tiles_are_fetched(tmp_path, tile_cache):
    local = tmp_path / "local" / "14" / "1"
    local.mkdir(parents=True)
    (local / "2.png").write_bytes(GOOD)
    for template in (
        f"file://{tmp_path}/local/{{z}}/{{x}}/{{y}}.png",
        "ftp://127.0.0.1:9/{z}/{x}/{y}.png",
        "data:image/png;base64,AAAA{z}{x}{y}",
    ):
        with pytest.raises(ValueError, match="only http"):  # tiles.BadTile
            tiles.fetch_tile(template, 14, 1, 2, "", 2.0)
    assert cached_files(tile_cache) == []


# --- 4. no user name or password in the mirror URL -------------------------------------------------------


@pytest.mark.parametrize(
    "mirror",
    ["http://user:s3cret-pw@127.0.0.1:9/tiles", "https://s3cret-pw@tiles.intranet", "http://:s3cret-pw@tiles.intranet/osm"],
)
def test_a_tile_mirror_with_a_password_is_refused_at_start(monkeypatch, mirror):
    said = {}
    for lang in ("en", "zh"):  # one line in the command line's language (geo/cli_messages.py)
        res = subprocess.run(
            [sys.executable, "-m", "geo", "check"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "BEM_TILE_MIRROR": mirror, "BEM_LANG": lang},
        )
        assert res.returncode == 2 and res.stderr.count("\n") == 1, res.stderr
        said[lang] = res.stderr
    assert "BEM_TILE_MIRROR" in said["en"] and "user name or password" in said["en"]
    assert "BEM_TILE_MIRROR" in said["zh"] and "不能包含" in said["zh"]
    assert "s3cret" not in said["en"] + said["zh"]  # the message never repeats the secret
    monkeypatch.setenv("BEM_TILE_MIRROR", mirror)
    with pytest.raises(basemaps.MirrorError) as err:
        basemaps.mirror_url()
    assert err.value.key == "mirror_userinfo" and "Remove them" in err.value.message("en")
    assert "删除" in err.value.message("zh")


def test_the_app_refuses_a_mirror_with_a_password_in_both_languages(monkeypatch):
    monkeypatch.setenv("BEM_TILE_MIRROR", "http://user:s3cret-pw@127.0.0.1:9/tiles")
    at = app_test({"basemap": "osm"}, timeout=60)
    assert not at.exception
    shown = " ".join(e.value for e in at.error).replace("\\", "")  # markdown escapes dropped
    assert "BEM_TILE_MIRROR" in shown and "user name or password" in shown and "不能包含" in shown
    assert "s3cret" not in shown


def test_a_basemap_and_its_label_layer_share_one_deadline(monkeypatch, layers):
    """A basemap with a label layer fetches two mosaics: both within one snapshot deadline (it was one each)."""
    from geo import snapshot
    from geo.mapspec import MapSpec, Page

    calls = []

    def spy(*args, deadline=None, **kwargs):
        calls.append(deadline)
        return tiles.TileResult(ok=False, errors=["test: no tiles"])

    monkeypatch.setattr(tiles, "fetch_mosaic", spy)
    snapshot.render(layers, MapSpec(basemap="gaode_satellite", page=Page(600, 400, 100)), "png")
    assert len(calls) == 1  # the first layer failing stops the second
    calls.clear()

    def ok(*args, deadline=None, **kwargs):
        calls.append(deadline)
        from PIL import Image

        return tiles.TileResult(ok=True, image=Image.new("RGB", (256, 256)), extent=(1.29e7, 1.3e7, 4.8e6, 4.9e6))

    monkeypatch.setattr(tiles, "fetch_mosaic", ok)
    start = time.monotonic()
    snapshot.render(layers, MapSpec(basemap="gaode_satellite", page=Page(600, 400, 100)), "png")
    assert len(calls) == 2 and calls[0] == calls[1] and start < calls[0] <= start + tiles.DEADLINE_S + 0.5
