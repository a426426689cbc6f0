"""The story's basemap (geo/story_html.py, geo/static/story/story.js, ui/present.py).

Present mode in the app draws each chapter over its basemap: the deployment's tile file (BEM_BASEMAP_FILE, a
small MBTiles made here) from the app's own origin, a web basemap through the live map's tile watch (with no
internet: a note on the map, the vector layers still drawn), the credit of the basemap shown in the map's corner;
turning to a chapter of another basemap swaps the tiles. The standalone file keeps the boundary, says so, and
asks for nothing. Chromium runs with every request beyond 127.0.0.1 aborted and recorded."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PIL import Image

from geo import i18n, localtiles, story_html
from geo import story as stories
from geo.mapspec import MapSpec
from tests.test_intranet_basemap import colour_share, make_mbtiles
from tests.test_story_html import open_story, page_json, seen, wait_chapter

BASE = MapSpec(today=dt.date(2026, 12, 1))
CREDIT = "Test tiles © IT dept"  # the test file's attribution (make_mbtiles)


def told(lang: str = "zh") -> stories.Story:
    """Two chapters over the file's tiles, then one over Esri's light grey web tiles."""
    return stories.Story(
        "底图演示",
        (
            stories.Chapter(view="city", caption="第一章：全市", basemap="local"),
            stories.Chapter(view="core", caption="第二章：一核", basemap="local"),
            stories.Chapter(view="core", caption="第三章：网络底图", basemap="light"),
        ),
        lang=lang,
    )


@pytest.fixture(scope="module")
def tile_path(tmp_path_factory):
    return make_mbtiles(tmp_path_factory.mktemp("tiles") / "city.mbtiles")


@pytest.fixture
def with_file(tile_path, monkeypatch):
    monkeypatch.setenv(localtiles.FILE_ENV, str(tile_path))
    monkeypatch.delenv("BEM_TILE_MIRROR", raising=False)
    return tile_path


# --- the page's data ------------------------------------------------------------------------------------------


def test_present_mode_data_names_each_chapters_tiles_and_the_standalone_none(layers, with_file):
    served = story_html.Served(local_url="component/x.local_tiles/abc/{z}/{x}/{y}.png")
    data = story_html.page_data(layers, told(), BASE, "zh", served=served)
    assert [c["basemap"] for c in data["chapters"]] == ["local", "local", "light"]
    local, light = data["basemaps"]["local"], data["basemaps"]["light"]
    assert local["layers"][0]["url"] == served.local_url and local["layers"][0]["bounds"]
    assert local["credit"] == i18n.t("story_basemap", "zh").format(credit=CREDIT)
    assert "arcgisonline" in light["layers"][0]["url"] and "Esri" in light["credit"]
    page = story_html.render(data)
    assert "img-src data: 'self' https://server.arcgisonline.com;" in page  # the tiles' sources, and no others
    assert "BEM.tileWatch = function" in page  # the live map's tile watch travels with the page
    alone = page_json(story_html.write(layers, told(), BASE, "zh").decode("utf-8"))
    assert {c["basemap"] for c in alone["chapters"]} == {"offline"} and alone["basemaps"]["offline"]["layers"] == []
    assert alone["strings"]["story_basemap_boundary"] == i18n.t("story_basemap_boundary", "zh")


def test_a_gaode_chapter_is_shifted_onto_its_tiles(layers, with_file):
    gaode = stories.Story("GCJ", (stories.Chapter(view="core", basemap="gaode"), stories.Chapter(view="core")))
    data = story_html.page_data(layers, gaode, BASE, "en", served=story_html.Served())
    shifted, plain = data["chapters"]
    assert shifted["basemap"] == "gaode" and plain["basemap"] == "offline"
    (slat, slon), (plat, plon) = shifted["bounds"][0], plain["bounds"][0]
    assert 0.001 < slat - plat < 0.003 and 0.004 < slon - plon < 0.008  # GCJ-02 lies ~500 m east-north-east here
    assert set(data["boundary"]["data"]) == {"wgs84", "gcj02"}
    assert set(shifted["layers"]).isdisjoint(plain["layers"])  # the same layers, drawn in another datum


# --- in Chromium ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def file_app(artifacts, tmp_path_factory, tile_path):
    """The app with the tile file and a workspace keeping the story (made with the file configured here too)."""
    from geo import workspace
    from tests.conftest import serve_app

    folder = tmp_path_factory.mktemp("story-basemap")
    (folder / "ws").mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(localtiles.FILE_ENV, str(tile_path))
        store = workspace.Store(f"sqlite:///{folder / 'ws' / 'workspaces.gpkg'}")
        made = store.create("底图")
        workspace.put_story(store, made["id"], made["edit_token"], "底图演示", told())
    with serve_app(
        artifacts / "streamlit-story-basemap.log",
        BEM_BASEMAP_FILE=str(tile_path),
        BEM_CACHE_DIR=str(folder / "cache"),
        BEM_WORKSPACE_DIR=str(folder / "ws"),
    ) as url:
        yield f"{url}/?present=1&ws={made['id']}&wt={made['view_token']}&story=底图演示&lang=zh"


def firewalled(browser, url: str):
    """``url`` at 1280x720 with every request beyond 127.0.0.1 aborted; the log of what was asked."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    log = {"off": [], "tiles": []}

    def away(route):
        log["off"].append(route.request.url)
        route.abort()

    page.route(re.compile(r"^(https?|wss?)://(?!127\.0\.0\.1[:/])"), away)
    page.on("response", lambda r: "local_tiles" in r.url and log["tiles"].append((r.status, r.headers.get("content-type"))))
    page.goto(url)
    frame = page.wait_for_selector('iframe[data-testid="stIFrame"]', timeout=120000).content_frame()
    return page, frame, log


def credit(frame) -> str:
    return frame.locator(".story-credit").text_content()


def tiles_loaded(frame, at_least: int) -> None:
    frame.wait_for_function(
        "n => document.querySelectorAll('img.leaflet-tile-loaded').length >= n", arg=at_least, timeout=30000
    )  # a function, not an expression: the page's Content-Security-Policy allows no eval


def drawn_shapes(frame) -> int:
    return frame.evaluate("document.querySelectorAll('.leaflet-overlay-pane path, .leaflet-marker-pane img').length")


@pytest.mark.browser
def test_present_mode_draws_the_file_tiles_from_the_app_itself(browser, file_app, artifacts):
    page, frame, log = firewalled(browser, file_app)
    try:
        wait_chapter(frame, 1)
        tiles_loaded(frame, 4)
        assert len(log["tiles"]) >= 4 and all(hit == (200, "image/png") for hit in log["tiles"]), log["tiles"][:3]
        sources = frame.eval_on_selector_all("img.leaflet-tile", "ts => ts.map(t => t.src)")
        assert sources and all(s.startswith("http://127.0.0.1") and "local_tiles" in s for s in sources)
        assert credit(frame) == i18n.t("story_basemap", "zh").format(credit=CREDIT)
        assert frame.locator(".bem-tile-note:visible").count() == 0
        page.keyboard.press("ArrowRight")
        wait_chapter(frame, 2)
        tiles_loaded(frame, 4)
        shot = artifacts / "story-present-file-zh-1280x720.png"
        page.screenshot(path=str(shot))
        assert colour_share(Image.open(shot)) > 0.1  # the file's magenta tiles fill the map's free part
        assert log["off"] == []  # not one request beyond the app
    finally:
        page.close()


@pytest.mark.browser
def test_a_web_basemap_without_internet_says_so_and_the_layers_still_draw(browser, file_app, artifacts):
    page, frame, log = firewalled(browser, f"{file_app}#2")
    try:
        wait_chapter(frame, 2)
        tiles_loaded(frame, 4)
        page.keyboard.press("ArrowRight")  # chapter 3: Esri's light grey tiles, which cannot come
        wait_chapter(frame, 3)
        note = frame.locator(".bem-tile-note")
        note.wait_for(state="visible", timeout=15000)
        assert i18n.t("tiles_unreachable", "zh") in note.text_content()
        assert any("arcgisonline" in url for url in log["off"])
        assert frame.locator("img.leaflet-tile[src*='local_tiles']").count() == 0  # the file's tiles swapped out
        assert drawn_shapes(frame) > 0 and seen(frame)["caption"] == "第三章：网络底图"
        assert credit(frame) == i18n.t("story_basemap_boundary", "zh")  # no credit for tiles not shown
        page.screenshot(path=str(artifacts / "story-present-tiles-failed-zh-1280x720.png"))
        before = len(log["off"])
        note.locator("button").click()  # "use the offline basemap": no more tiles asked for
        assert frame.locator(".bem-tile-note:visible").count() == 0
        page.keyboard.press("ArrowLeft")  # back to the file's tiles
        wait_chapter(frame, 2)
        tiles_loaded(frame, 4)
        assert credit(frame) == i18n.t("story_basemap", "zh").format(credit=CREDIT)
        page.keyboard.press("ArrowRight")  # the presenter gave the web tiles up: they are not asked for again
        wait_chapter(frame, 3)
        assert frame.locator("img.leaflet-tile").count() == 0 and len(log["off"]) == before
    finally:
        page.close()


@pytest.mark.browser
def test_the_standalone_story_keeps_the_boundary_says_so_and_asks_for_nothing(browser, layers, with_file, tmp_path):
    path = tmp_path / "story.html"
    path.write_bytes(story_html.write(layers, told("en"), BASE, "en"))
    page, blocked = open_story(browser, path)
    try:
        assert page.locator(".story-credit").text_content() == i18n.t("story_basemap_boundary", "en")
        page.keyboard.press("End")
        wait_chapter(page, 3)
        assert page.locator(".leaflet-tile").count() == 0 and page.locator(".leaflet-overlay-pane path").count() > 0
        assert blocked == []
    finally:
        page.close()
