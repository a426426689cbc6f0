"""Intranet first: the map opened behind a firewall is never blank.

The deployment picks the default basemap (BEM_DEFAULT_BASEMAP); BEM_BASEMAP_FILE adds a basemap from a raster
MBTiles file, served by the app itself and read from the file by snapshots and standalone exports; where tiles
fail in the browser the map says so, credits nothing it does not show, and one click switches to what works.
The MBTiles here are made by the tests themselves (sqlite3 and Pillow, or GDAL's MBTiles driver)."""

from __future__ import annotations

import io
import math
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from geo import basemaps, i18n, localtiles
from tests.conftest import app_test, serve_app

BEIJING = (115.9, 39.6, 116.9, 40.4)  # west, south, east, north: the file's coverage
TILE_COLOUR = (214, 32, 170)  # a magenta no basemap draws
ZOOMS = range(7, 13)


def _tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    k = 2**z
    return int((lon + 180) / 360 * k), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * k)


def make_mbtiles(path: Path, colour=TILE_COLOUR, name="Beijing test tiles", attribution="Test tiles © IT dept") -> Path:
    """A raster MBTiles of solid ``colour`` tiles (with a darker frame) covering BEIJING at ZOOMS."""
    img = Image.new("RGB", (256, 256), colour)
    img.paste((90, 10, 70), (0, 0, 256, 6))  # a frame line, so the tiles are not one flat colour
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    png = buf.getvalue()
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
    )
    meta = {
        "name": name,
        "format": "png",
        "bounds": ",".join(map(str, BEIJING)),
        "minzoom": str(min(ZOOMS)),
        "maxzoom": str(max(ZOOMS)),
        "attribution": attribution,
    }
    db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    for z in ZOOMS:
        x0, y0 = _tile_xy(BEIJING[0], BEIJING[3], z)
        x1, y1 = _tile_xy(BEIJING[2], BEIJING[1], z)
        rows = [(z, x, 2**z - 1 - y, png) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)", rows)
    db.commit()
    db.close()
    return path


@pytest.fixture
def tile_file(tmp_path, monkeypatch) -> Path:
    path = make_mbtiles(tmp_path / "city.mbtiles")
    monkeypatch.setenv(localtiles.FILE_ENV, str(path))
    monkeypatch.delenv(basemaps.DEFAULT_ENV, raising=False)
    return path


def colour_share(image: Image.Image, colour=TILE_COLOUR, tolerance: int = 12) -> float:
    """The share of ``image``'s pixels within ``tolerance`` of ``colour``."""
    import numpy as np

    rgb = np.asarray(image.convert("RGB"), dtype=int)
    return float((np.abs(rgb - np.array(colour)) <= tolerance).all(axis=2).mean())


# --- the deployment's choice -------------------------------------------------------------------------------


def test_the_deployment_chooses_the_default_basemap(monkeypatch):
    from ui.pagestate import PageState

    monkeypatch.delenv(localtiles.FILE_ENV, raising=False)
    monkeypatch.setenv(basemaps.DEFAULT_ENV, "offline")
    assert PageState().basemap == "offline"
    assert PageState.from_query({}).basemap == "offline"
    assert PageState.from_query({"basemap": "osm"}).basemap == "osm"  # a link still says what it shows
    assert PageState.from_query({}, default_basemap="satellite").basemap == "satellite"  # Streamlit secrets first
    monkeypatch.setenv(basemaps.DEFAULT_ENV, "no-such-map")
    assert PageState.from_query({}).basemap == basemaps.DEFAULT_BASEMAP
    [problem] = basemaps.config_problems()
    assert "BEM_DEFAULT_BASEMAP" in problem.message("en") and "no-such-map" in problem.message("zh")


def test_a_tile_file_adds_the_local_basemap_named_and_credited_by_its_metadata(tile_file):
    assert basemaps.LOCAL in basemaps.BASEMAPS and list(basemaps.BASEMAPS)[-2:] == ["local", "offline"]
    bm = basemaps.get_basemap("local")
    assert bm.attribution == "Test tiles © IT dept" and bm.provider.name == "Beijing test tiles"
    assert basemaps.default_basemap() == "local"  # a file and no other choice: the file opens
    assert basemaps.config_problems() == []


@pytest.mark.parametrize("kind", ["missing", "corrupt", "vector"])
def test_a_bad_tile_file_is_a_clear_message_in_both_languages_never_a_crash(tmp_path, monkeypatch, run_cli, kind):
    path = tmp_path / "city.mbtiles"
    if kind == "corrupt":
        path.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    elif kind == "vector":
        make_mbtiles(path)
        with sqlite3.connect(path) as db:
            db.execute("UPDATE metadata SET value='pbf' WHERE name='format'")
    monkeypatch.setenv(localtiles.FILE_ENV, str(path))
    assert "local" not in basemaps.BASEMAPS and basemaps.default_basemap() == basemaps.DEFAULT_BASEMAP
    [problem] = basemaps.config_problems()
    assert str(path) in problem.message("en") and str(path) in problem.message("zh")
    assert "BEM_BASEMAP_FILE" in problem.message("zh")
    res = run_cli("snapshot", "--basemap", "local", "--size", "640x480", "--out", str(tmp_path / "x.png"))
    assert res.returncode == 2 and "BEM_BASEMAP_FILE" in res.stderr and "Traceback" not in res.stderr
    assert i18n.t(problem.key, "zh").split("{")[0] in res.stderr  # both languages, on one line


def test_the_page_says_what_is_wrong_with_the_tile_file_and_still_draws_the_map(tmp_path, monkeypatch):
    path = tmp_path / "city.mbtiles"
    path.write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv(localtiles.FILE_ENV, str(path))
    at = app_test({"lang": "en", "basemap": "local"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "BEM_BASEMAP_FILE" in warnings and str(path) in warnings
    assert at.sidebar.selectbox(key="basemap").value == basemaps.DEFAULT_BASEMAP  # the other basemaps work
    assert len(at.get("component_instance")) == 1  # the map, on the default basemap


# --- snapshots and standalone pages read the file -------------------------------------------------------------


def test_a_png_snapshot_carries_the_file_tiles(tile_file, tmp_path, run_cli, tile_cache_dir):
    out = tmp_path / "local.png"
    res = run_cli("snapshot", "--basemap", "local", "--size", "960x540", "--view", "city", "--lang", "en", "--out", str(out))
    assert res.returncode == 0, res.stderr
    share = colour_share(Image.open(out))
    print(f"share of the file's tile colour in the snapshot: {share:.2f}")
    assert share > 0.2
    assert not any(tile_cache_dir.rglob("*.tile"))  # read from the file, nothing downloaded or cached


def test_a_standalone_html_export_embeds_the_frame_tiles_and_credits_the_file(tile_file, tmp_path, run_cli):
    out = tmp_path / "local.html"
    res = run_cli("snapshot", "--basemap", "local", "--bbox", "116.2,39.8,116.6,40.05", "--lang", "en", "--out", str(out))
    assert res.returncode == 0, res.stderr
    page = out.read_text("utf-8")
    assert "BEM.embeddedTiles" in page and page.count("data:image/png;base64,") > 4
    assert "mbtiles://" not in page and "Test tiles © IT dept" in page
    print(f"standalone page with embedded tiles: {len(page) / 1e6:.2f} MB")


@pytest.fixture
def tile_cache_dir(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "tile-cache"
    monkeypatch.setenv("BEM_TILE_CACHE", str(path))
    return path


def test_gdal_made_mbtiles_are_read_too(tmp_path, monkeypatch):
    """The README's recipe: gdal_translate -of MBTILES (Debian's gdal-bin), then read as the app reads it."""
    if not shutil.which("gdal_translate"):
        pytest.skip("needs gdal-bin")
    tif = tmp_path / "city.tif"
    Image.new("RGB", (512, 512), TILE_COLOUR).save(tif)
    ref = tmp_path / "ref.tif"
    subprocess.run(
        ["gdal_translate", "-a_srs", "EPSG:4326", "-a_ullr", "116.2", "40.1", "116.6", "39.8", str(tif), str(ref)],
        check=True,
        capture_output=True,
    )
    mbt = tmp_path / "city.mbtiles"
    subprocess.run(["gdal_translate", "-of", "MBTILES", str(ref), str(mbt)], check=True, capture_output=True)
    monkeypatch.setenv(localtiles.FILE_ENV, str(mbt))
    mb = localtiles.configured_file()
    assert mb is not None and mb.ext == "png" and mb.count > 0
    z = mb.max_zoom
    x, y = _tile_xy(116.4, 39.95, z)
    tile = Image.open(io.BytesIO(localtiles.read_tile(mb, z, x, y))).convert("RGB")
    assert colour_share(tile) > 0.5


# --- the live map, in Chromium with nothing beyond 127.0.0.1 ----------------------------------------------------


def blocked_page(browser, url: str):
    """A page where every request beyond 127.0.0.1 fails (as behind a firewall); returns it and its log."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    log = {"failed": [], "local_images": []}
    page.route(re.compile(r"^(https?|wss?)://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    page.on("requestfailed", lambda r: log["failed"].append(r.url))

    def seen(resp):
        if resp.url.startswith("http://127.0.0.1") and resp.headers.get("content-type", "").startswith("image/"):
            log["local_images"].append((resp.url, resp.status, resp.headers["content-type"]))

    page.on("response", seen)
    page.goto(url)
    return page, log


@pytest.mark.browser
def test_failing_default_tiles_say_so_on_the_map_and_one_click_goes_offline(browser, app_url):
    from tests.test_browser import app_idle, map_frame

    page, log = blocked_page(browser, f"{app_url}/")  # the built-in default: Esri light grey
    try:
        frame = map_frame(page)
        note = frame.locator(".bem-tile-note")
        note.wait_for(state="visible", timeout=10_000)  # most of the first tiles failed: within 10 s
        page.wait_for_url(re.compile(r"lang=(zh|en)"))
        lang = re.search(r"lang=(zh|en)", page.url).group(1)  # the browser's locale chose it
        assert i18n.t("tiles_unreachable", lang) in note.text_content()  # the snapshot's words, the page's language
        assert i18n.t("tiles_use_offline", lang) == frame.locator(".bem-tile-switch").text_content()
        attribution = frame.locator(".leaflet-control-attribution").text_content()
        assert "Esri" not in attribution, attribution  # no credit for tiles not shown
        assert any("arcgisonline" in u or "esri" in u.lower() for u in log["failed"])
        app_idle(page)
        before = len(log["failed"])
        frame.locator(".bem-tile-switch").click()
        page.wait_for_url(re.compile(r"basemap=offline"), timeout=30_000)
        app_idle(page)
        frame = map_frame(page)
        frame.wait_for_function("document.querySelectorAll('.leaflet-tile').length === 0", timeout=30_000)
        page.get_by_text(i18n.t("offline_hint", lang)).wait_for(timeout=10_000)  # the sidebar says offline too
        assert log["failed"][before:] == []  # nothing failed after the click
        assert "Esri" not in frame.locator(".leaflet-control-attribution").text_content()
        assert frame.locator(".bem-tile-note:visible").count() == 0
    finally:
        page.close()


@pytest.fixture(scope="module")
def intranet_app(artifacts, tmp_path_factory):
    """The app as an intranet runs it: a tile file, and offline as the default."""
    folder = tmp_path_factory.mktemp("intranet")
    path = make_mbtiles(folder / "city.mbtiles")
    with serve_app(
        artifacts / "streamlit-intranet.log",
        BEM_BASEMAP_FILE=str(path),
        BEM_DEFAULT_BASEMAP="offline",
        BEM_CACHE_DIR=str(folder / "cache"),
        BEM_WORKSPACE_DIR=str(folder / "ws"),
    ) as url:
        yield url


@pytest.mark.browser
def test_the_deployments_default_opens_offline(browser, intranet_app):
    from tests.test_browser import app_idle, map_frame

    page, log = blocked_page(browser, f"{intranet_app}/")
    try:
        frame = map_frame(page)
        app_idle(page)
        assert "basemap=offline" in page.url
        assert frame.locator(".leaflet-tile").count() == 0 and log["failed"] == []
    finally:
        page.close()


@pytest.mark.browser
def test_the_local_basemap_comes_from_the_app(browser, intranet_app, tmp_path):
    from tests.test_browser import app_idle, map_frame

    page, log = blocked_page(browser, f"{intranet_app}/?basemap=local&lang=en")
    try:
        frame = map_frame(page)
        frame.wait_for_function(
            "document.querySelectorAll('.leaflet-tile-loaded').length >= 4", timeout=30_000
        )  # the first tiles may wait for the copy to start
        app_idle(page)
        tiles = [hit for hit in log["local_images"] if "local_tiles" in hit[0]]
        assert tiles and all(status == 200 and kind == "image/png" for _, status, kind in tiles), tiles[:3]
        assert log["failed"] == []
        assert "Test tiles © IT dept" in frame.locator(".leaflet-control-attribution").text_content()
        assert frame.locator(".bem-tile-note:visible").count() == 0
        shot = tmp_path / "live.png"
        page.locator('iframe[src*="streamlit_folium"]').screenshot(path=str(shot))
        assert colour_share(Image.open(shot)) > 0.1
    finally:
        page.close()
