"""What a person sees: the real app in headless Chromium, on this machine with no internet."""

from __future__ import annotations

import json
import re
import struct
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from geo import style
from geo.mapspec import MapSpec

pytestmark = pytest.mark.browser
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
MAP_IFRAME = 'iframe[src*="streamlit_folium"]'


def map_frame(page, timeout: float = 60.0):
    """The streamlit-folium iframe, once Leaflet has drawn its vector layers."""
    iframe = page.locator(MAP_IFRAME)
    iframe.wait_for(timeout=timeout * 1000)
    frame = iframe.element_handle().content_frame()
    frame.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 20", timeout=timeout * 1000)
    return frame


def map_with_legend(page, text: str, timeout: float = 60.0):
    """The map once its legend names ``text``: after an import the map is drawn again in a new iframe, the old
    one staying a moment; wait until only the new one is left (the component's iframe is same-origin)."""
    page.wait_for_function(
        """([selector, text]) => { const frames = [...document.querySelectorAll(selector)];
        const legend = frames.length === 1 && frames[0].contentDocument &&
            frames[0].contentDocument.querySelector('.bem-panel');
        return !!legend && legend.textContent.includes(text); }""",
        arg=[MAP_IFRAME, text],
        timeout=timeout * 1000,
    )
    return map_frame(page, timeout)


def open_app(browser, url: str, sockets: list | None = None):
    """A new page on ``url`` and the list of every URL it requests; ``sockets`` collects its websockets."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    if sockets is not None:
        page.on("websocket", lambda ws: sockets.append(ws))
    page.goto(url)
    return page, requests


def wait_network_quiet(page, quiet_ms: int = 500, timeout_s: float = 30.0) -> None:
    """Until the page is network-idle and then starts no request for ``quiet_ms``: a late request (a tile, a
    font, an image some script asked for) has then shown up in the page's request list."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_load_state("networkidle", timeout=timeout_s * 1000)
    late: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            late.append(page.wait_for_event("request", timeout=quiet_ms).url)
        except PlaywrightTimeout:
            return
    raise AssertionError(f"the page kept requesting for {timeout_s:.0f} s ({len(late)} requests, last {late[-3:]})")


# The map has stopped: no zoom or pan under way, its view and its labels unchanged for ``quiet`` ms (the opening
# fit waits 30 ms, the labeller 60 ms after the last move), streamlit-folium has reported this view to Streamlit
# (250 ms after the move), and the labels are where the labeller puts them for this view (BEM.relabel run once
# more, its result compared, the labels put back as they were).
SETTLED_JS = """quiet => {
  const m = window.map_div, g = window.__GLOBAL_DATA__;
  if (!m || !window.BEM || m._animatingZoom || (m._panAnim && m._panAnim._inProgress)) return false;
  const reported = g && g.previous_data && g.previous_data.center;
  if (g && !(reported && reported.lat === m.getCenter().lat && reported.lng === m.getCenter().lng)) return false;
  const els = [...m.getContainer().querySelectorAll('.bem-label')];
  const placed = () => els.map(e => e.classList.contains('bem-off') ? '-' : '+' + e.dataset.at).join('|');
  const before = placed(), saved = els.map(e => [e.className, e.dataset.at]);
  BEM.relabel(m);
  const fixed = placed() === before;
  els.forEach((e, i) => { e.className = saved[i][0];
    if (saved[i][1] === undefined) { delete e.dataset.at; } else { e.dataset.at = saved[i][1]; } });
  const c = m.getCenter(), size = m.getSize();
  const sig = [m.getZoom(), c.lat, c.lng, size.x, size.y, before].join('#'), now = performance.now();
  const q = window.__bemQuiet;
  if (!fixed || !q || q.sig !== sig) { window.__bemQuiet = {sig: sig, since: now}; return false; }
  return now - q.since >= quiet;
}"""


def settle(frame, quiet_ms: int = 300, timeout: float = 30.0) -> None:
    """Wait until the map has stopped and its labels are placed (``SETTLED_JS``)."""
    frame.evaluate("() => { window.__bemQuiet = null; }")
    frame.wait_for_function(SETTLED_JS, arg=quiet_ms, polling=50, timeout=timeout * 1000)


def app_idle(page, timeout: float = 60.0) -> None:
    """Wait until Streamlit runs no script (its app root's ``data-test-script-state``)."""
    page.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
        " return !!app && app.dataset.testScriptState === 'notRunning'; }",
        timeout=timeout * 1000,
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_offline_map_draws_every_layer_with_zero_external_requests(browser, app_url, artifacts, layers, lang):
    page, requests = open_app(browser, f"{app_url}/?basemap=offline&lang={lang}")
    try:
        frame = map_frame(page)
        control = frame.locator(".leaflet-control-layers-overlays").text_content()
        for s in style.LAYERS:
            assert s.label(lang) in control
        assert frame.locator(".leaflet-marker-icon.bem-icon").count() == len(layers.venues)
        assert frame.locator(".leaflet-tile").count() == 0
        legend = frame.locator(".bem-panel").text_content()
        assert style.get_style("core").label(lang) in legend
        # the tools load from the app too: minimap (vector, offline), measuring, fullscreen
        assert frame.locator(".leaflet-control-minimap path").count() >= 2
        assert frame.locator(".leaflet-control-measure").count() == 1
        assert frame.locator(".leaflet-control-zoom-fullscreen").count() == 1
        wait_network_quiet(page)  # any late request has shown up
        page.screenshot(path=str(artifacts / f"map-offline-{lang}.png"))
    finally:
        page.close()
    external = sorted(
        {
            urlparse(u).hostname
            for u in requests
            if urlparse(u).hostname not in LOCAL_HOSTS and urlparse(u).scheme in ("http", "https", "ws", "wss")
        }
    )
    assert external == [], f"requests left the machine: {external}"
    assert any("/leaflet.js" in u for u in requests)


def test_tile_basemap_still_draws_the_vector_map_without_internet(browser, app_url, artifacts):
    """No internet here: the OSM tiles are asked for and fail; the vector map is drawn all the same, the map
    says the tiles are unreachable and credits no tiles it does not show (tests/test_intranet_basemap.py)."""
    page, requests = open_app(browser, f"{app_url}/?basemap=osm&lang=en")
    try:
        frame = map_frame(page)
        assert frame.locator(".leaflet-tile-pane img").count() > 0
        frame.locator(".bem-tile-note").wait_for(state="visible", timeout=30_000)
        assert "OpenStreetMap" not in frame.locator(".leaflet-control-attribution").inner_text()
        page.screenshot(path=str(artifacts / "map-osm-en.png"))
    finally:
        page.close()
    assert any("tile.openstreetmap.org" in u for u in requests)


def test_hiding_a_layer_dims_its_legend_row(browser, app_url):
    page, _ = open_app(browser, f"{app_url}/?basemap=offline&lang=en")
    try:
        frame = map_frame(page)
        before = frame.locator(".leaflet-overlay-pane path").count()
        label = style.get_style("districts").label("en")
        frame.locator(".bem-panel .row", has_text=label).click()  # a legend row is its layer's switch
        frame.wait_for_function(f"document.querySelectorAll('.leaflet-overlay-pane path').length < {before}")
        row = frame.locator(".bem-panel .row.off")
        assert row.count() == 1 and label in row.inner_text()
    finally:
        page.close()


# --- Chinese basemaps: overlays on the right street -----------------------------------------------------

TIANANMEN = (116.391083, 39.907333)  # WGS-84, the stored coordinate of the heritage component


@pytest.fixture(scope="module")
def mirrored_app(artifacts):
    """The app with every tile server replaced by a local one (as an intranet mirror would)."""
    from tests.conftest import serve_app
    from tests.tileserver import tile_server

    with tile_server(TIANANMEN) as (tiles_url, tile_requests):
        with serve_app(artifacts / "streamlit-mirror.log", BEM_TILE_MIRROR=tiles_url) as url:
            yield url, tile_requests


TILES_SHOWN_JS = """([lat, lon]) => {
  const m = map_div, pane = m.getPane('tilePane'), c = m.getCenter();
  const tiles = [...pane.querySelectorAll('img.leaflet-tile')];
  const levels = [...pane.querySelectorAll('.leaflet-layer')].map(layer =>
    [...layer.querySelectorAll('.leaflet-tile-container')].filter(level => level.children.length).length);
  return !m._animatingZoom && m.getZoom() === 16 && Math.abs(c.lat - lat) < 1e-6 && Math.abs(c.lng - lon) < 1e-6 &&
    tiles.length > 4 && levels.every(n => n <= 1) &&
    tiles.every(t => t.complete && getComputedStyle(t).opacity === '1');
}"""


def red_centroid(png: bytes) -> tuple[float, float]:
    import io

    import numpy as np
    from PIL import Image

    from tests.tileserver import ARM

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    red = (img[:, :, 0] > 230) & (img[:, :, 1] < 40) & (img[:, :, 2] < 40)
    ys, xs = np.nonzero(red)
    assert len(xs) > 30, "the tile's red cross is not visible"
    # the axis line covers the vertical arm and the label the right arm: the horizontal
    # arm's row gives y, its left end (ARM px from the centre) gives x
    return float(xs.min() + ARM), float(np.median(ys))


@pytest.mark.parametrize("basemap", ["gaode", "light"])
def test_overlay_lands_on_the_tile_position(browser, mirrored_app, artifacts, basemap):
    """Tiananmen's symbol sits on the cross the tiles draw for it, on GCJ-02 and WGS-84 tiles alike."""
    from geo import datum

    url, tile_requests = mirrored_app
    page, requests = open_app(browser, f"{url}/?basemap={basemap}&lang=zh")
    try:
        frame = map_frame(page)
        view = datum.from_wgs84(*TIANANMEN, "gcj02") if basemap == "gaode" else TIANANMEN
        for attempt in range(3):  # the page may still be settling its opening view: aim again if it moved
            frame.evaluate(f"map_div.setView([{view[1]}, {view[0]}], 16, {{animate: false}})")
            try:
                frame.wait_for_function(
                    "map_div.getZoom() === 16 && Array.from(document.querySelectorAll("
                    "'.leaflet-tile')).every(t => t.complete) && document.querySelectorAll("
                    "'.leaflet-tile-loaded').length > 4",
                    timeout=20_000,
                )
                break
            except Exception:
                if attempt == 2:
                    raise
        # every tile faded in, the previous zoom's tiles gone, the view where it was aimed
        frame.wait_for_function(TILES_SHOWN_JS, arg=[view[1], view[0]], timeout=20_000)
        iframe_box = page.locator('iframe[src*="streamlit_folium"]').bounding_box()  # page coordinates
        rect = "e => { const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }"
        markers = frame.locator(".leaflet-marker-icon.bem-icon").evaluate_all(f"els => els.map({rect})")
        box = frame.locator("#map_div").evaluate(
            "e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }"
        )  # frame coordinates
        shot = page.screenshot(
            path=str(artifacts / f"central-axis-{basemap}.png"),
            clip={"x": iframe_box["x"] + box[0], "y": iframe_box["y"] + box[1], "width": box[2], "height": box[3]},
        )
        cx, cy = red_centroid(shot)
        cx, cy = cx + box[0], cy + box[1]  # frame coordinates
        dist = min(((mx - cx) ** 2 + (my - cy) ** 2) ** 0.5 for mx, my in markers)
        assert dist < 4, f"Tiananmen is drawn {dist:.1f} px away from its street"
        # the mouse readout gives WGS-84 whatever the basemap
        page.mouse.move(iframe_box["x"] + cx, iframe_box["y"] + cy)
        readout = frame.locator(".bem-mouse").inner_text()
        lat, lon = (float(v) for v in readout.replace("WGS-84", "").split(","))
        assert abs(lat - TIANANMEN[1]) < 5e-5 and abs(lon - TIANANMEN[0]) < 5e-5, readout
    finally:
        page.close()
    assert any(f"/{basemap}/16/" in r for r in tile_requests)
    assert not [u for u in requests if urlparse(u).hostname not in LOCAL_HOSTS and urlparse(u).scheme in ("http", "https")]


def test_standalone_html_export_works_from_a_file_with_no_network(browser, layers, tmp_path, artifacts):
    from geo import io as gio

    path = tmp_path / "map.html"
    path.write_text(gio.export_html(layers, MapSpec()), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 20")
        assert page.locator(".leaflet-marker-icon.bem-icon").count() == len(layers.venues)
        assert "一核" in page.locator(".bem-panel").text_content()
        page.screenshot(path=str(artifacts / "export-standalone.png"))
    finally:
        page.close()
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []


# --- exploring in the browser ---------------------------------------------------------------------------


def map_view(frame) -> tuple[float, float, int]:
    c = frame.evaluate("[map_div.getCenter().lat, map_div.getCenter().lng, map_div.getZoom()]")
    return c[0], c[1], c[2]


def test_a_url_restores_the_view(browser, app_url):
    page, _ = open_app(browser, f"{app_url}/?basemap=offline&lang=en&c=39.9166,116.3907&z=15&cat=heritage")
    try:
        frame = map_frame(page)
        lat, lon, zoom = map_view(frame)
        assert zoom == 15 and abs(lat - 39.9166) < 1e-3 and abs(lon - 116.3907) < 1e-3
        assert frame.locator(".leaflet-marker-icon.bem-icon").count() == 15  # only the heritage filter's venues
    finally:
        page.close()


def test_search_zooms_to_the_place_and_opens_its_card(browser, app_url, artifacts):
    page, _ = open_app(browser, f"{app_url}/?basemap=offline&lang=zh")
    try:
        frame = map_frame(page)
        box = page.get_by_role("textbox", name="搜索场所、轴线、地区")
        box.fill("yqh")  # pinyin initials of the short name 雁栖湖
        box.press("Enter")  # Enter goes straight to the best hit and opens its card
        page.get_by_role("heading", name="北京雁栖湖国际会都（雁栖湖国际会议中心）").wait_for(timeout=30000)
        frame.wait_for_function("map_div.getZoom() === 15", timeout=30000)
        lat, lon, _ = map_view(frame)
        assert abs(lat - 40.4075) < 2e-3 and abs(lon - 116.671) < 2e-3
        page.wait_for_url("**venue=yanqi_lake_resort**", timeout=30000)
        page.screenshot(path=str(artifacts / "search-card-zh.png"))
    finally:
        page.close()


def test_clicking_a_venue_shows_its_card(browser, app_url):
    page, _ = open_app(browser, f"{app_url}/?basemap=offline&lang=en&cat=culture")
    try:
        frame = map_frame(page)
        frame.locator(".leaflet-marker-icon.bem-icon").first.click()
        page.get_by_role("heading", name="Great Wall Museum of China (Badaling)").wait_for(timeout=30000)
        page.wait_for_url("**venue=great_wall_museum**", timeout=30000)
    finally:
        page.close()


def test_an_export_survives_panning_while_it_renders(browser, app_url, artifacts):
    """A pan asks Streamlit for a rerun, which stops the running script: the render must go on regardless
    (it runs in the export worker, the next run waits on) and its download must appear."""
    from playwright.sync_api import expect

    sockets: list = []
    page, _ = open_app(browser, f"{app_url}/?basemap=offline&lang=en", sockets)
    try:
        map_frame(page)
        page.wait_for_url(re.compile(r"[?&]c="), timeout=30_000)  # the run after the map's first bounds is done
        page.get_by_text("Export this view").first.click()
        page.get_by_role("combobox", name="Size").click()
        # Clicked, not typed + Enter: under load Enter could land before the list filtered and keep the default
        # (CI once saved the 1920x1080 default); the form then submits only what the select shows.
        option = page.get_by_role("option", name="A3 landscape")
        option.wait_for(timeout=10_000)
        # force: a rerun under way re-renders the open list, which Playwright then never finds "stable" (a
        # fresh-clone run timed out so); the Size box holding the option, checked next, is what counts
        option.click(force=True, timeout=10_000)
        expect(page.get_by_role("combobox", name="Size")).to_have_value("A3 landscape", timeout=10_000)
        page.get_by_text("300", exact=True).click()
        page.get_by_role("button", name="Render").click()
        page.get_by_text("Rendering…").wait_for(timeout=30_000)
        button = page.get_by_role("button", name=re.compile(r"⬇ .*\.png"))

        def not_yet_rendered():
            assert button.count() == 0, "the render finished before the pan: the test proves nothing"

        pan_asking_a_rerun(page, sockets, then=not_yet_rendered)  # the new bounds: a rerun mid-render
        for _ in range(2):  # and more while the next runs wait, each pan's rerun asked for before the next pan
            pan_asking_a_rerun(page, sockets)
        button.wait_for(timeout=120_000)
        with page.expect_download() as download:
            button.click()
        data = Path(download.value.path()).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == (4961, 3508)  # A3 landscape at 300 dpi, as submitted
        page.screenshot(path=str(artifacts / "export-after-pans.png"))
    finally:
        page.close()


def pan_asking_a_rerun(page, sockets: list, then=lambda: None, attempts: int = 3, timeout: float = 15.0) -> None:
    """Pan the map 60 px (then call ``then``) and wait until the page has sent Streamlit, over its websocket,
    the rerun request carrying the map's new centre. A rerun may replace the map's iframe (the old one lingers
    a moment, and a pan there asks for nothing): the pan goes to the one map left, and is tried again if no
    request follows."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(attempts):
        page.wait_for_function("s => document.querySelectorAll(s).length === 1", arg=MAP_IFRAME, timeout=60_000)
        frame = map_frame(page)
        stream = next(ws for ws in reversed(sockets) if "_stcore/stream" in ws.url and not ws.is_closed())
        centre: list[str] = []

        def carries_centre(payload, centre=centre) -> bool:
            data = payload if isinstance(payload, bytes) else payload.encode()
            return bool(centre) and f'"lng":{centre[0]}'.encode() in data

        try:
            with stream.expect_event("framesent", predicate=carries_centre, timeout=timeout * 1000):
                centre.append(
                    frame.evaluate("() => { map_div.panBy([60, 0], {animate: false}); return String(map_div.getCenter().lng); }")
                )
                then()
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"{attempts} pans of the map sent Streamlit no new centre: no rerun was asked for")


# --- importing: hostile names stay text ------------------------------------------------------------------


def test_upload_with_script_like_names_shows_them_as_text(browser, app_url, artifacts):
    from tests.conftest import ROOT

    xss = "<img src=x onerror=alert(1)>"
    dialogs: list[str] = []
    page, requests = open_app(browser, f"{app_url}/?basemap=offline&lang=en&c=39.915,116.395&z=14")
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        frame = map_frame(page)
        page.get_by_text("Import your own data").click()
        page.locator('section[data-testid="stFileUploaderDropzone"] input[type="file"]').set_input_files(
            str(ROOT / "tests" / "corpus" / "files" / "script-names.geojson")
        )
        page.get_by_text("2 read, 2 loaded").wait_for(timeout=30000)
        page.get_by_role("button", name="Add to the map").click()
        frame = map_with_legend(page, "Imported: script-names.geojson")  # the base map reloads with the new layer
        control = frame.locator(".leaflet-control-layers-overlays").text_content()
        assert "Imported: script-names.geojson" in control
        # open every imported feature's tooltip and popup, as a planner hovering and clicking would
        js_find = "l => l.feature && l.feature.properties._popup && l.feature.properties._popup.indexOf('onerror') >= 0"
        frame.wait_for_function(
            f"(() => {{ let n = 0; map_div.eachLayer(l => {{ if (({js_find})(l)) n++; }}); return n > 0; }})()", timeout=30000
        )
        shown = frame.evaluate(f"""() => {{ const out = [];
            map_div.eachLayer(l => {{ if (({js_find})(l)) {{ l.openTooltip(); l.openPopup();
                out.push(l.getTooltip().getElement().innerText);
                out.push(document.querySelector('.leaflet-popup-content').innerText); }} }});
            return out; }}""")
        assert any(xss in text for text in shown), shown
        assert frame.locator("img[src='x']").count() == 0 and page.locator("img[src='x']").count() == 0
        wait_network_quiet(page)  # a script let in would have fetched its image or opened its dialog by now
        page.screenshot(path=str(artifacts / "import-xss-en.png"))
    finally:
        page.close()
    assert dialogs == []
    assert not [u for u in requests if urlparse(u).hostname not in LOCAL_HOSTS and urlparse(u).scheme in ("http", "https")]


# --- one map spec: the live map draws exactly the spec's venues ---------------------------------------------


@pytest.mark.parametrize("case", ["category", "status", "year", "within"])
def test_live_map_draws_the_specs_venues(browser, app_url, layers, case):
    """The venues drawn in Chromium (their labels and symbols) are the MapSpec's, for each kind of filter."""
    from geo import mapspec
    from tests.test_mapspec import CASES, city_spec

    filters, _args, query = CASES[case]
    expected = set(mapspec.shown(layers, city_spec(filters)).venues["id"])
    url = f"{app_url}/?basemap=offline&lang=en&" + "&".join(f"{k}={v}" for k, v in query.items())
    page, _ = open_app(browser, url)
    try:
        frame = map_frame(page)
        frame.wait_for_function(
            f"document.querySelectorAll('.leaflet-marker-icon.bem-icon').length === {len(expected)}", timeout=30_000
        )
        labels = set(frame.locator(".bem-label").all_inner_texts()) | set(
            frame.locator(".bem-label").evaluate_all("els => els.map(e => e.textContent)")
        )
    finally:
        page.close()
    names = dict(zip(layers.venues["name_en"], layers.venues["id"]))
    drawn = {names[t] for t in labels if t in names}
    assert drawn == expected


def test_markup_in_imported_names_stays_text_in_the_sidebar(browser, app_url, artifacts):
    """Markdown image syntax in an imported name, found through search, must not make the browser fetch."""
    from tests.conftest import ROOT

    page, requests = open_app(browser, f"{app_url}/?basemap=offline&lang=en")
    try:
        map_frame(page)
        page.get_by_text("Import your own data").click()
        page.locator('section[data-testid="stFileUploaderDropzone"] input[type="file"]').set_input_files(
            str(ROOT / "tests" / "corpus" / "files" / "markup-names.geojson")
        )
        page.get_by_text("3 read, 3 loaded").wait_for(timeout=30000)
        page.get_by_role("button", name="Add to the map").click()
        map_with_legend(page, "Imported: markup-names.geojson")  # the layer is in the session: search finds it
        box = page.get_by_role("textbox", name="Search places, axes, areas")
        box.fill("beacon")
        box.press("Tab")
        hit = page.locator('[data-testid="stSidebar"] button', has_text="beacon")
        hit.first.wait_for(timeout=30000)
        # shown literally (safe.md puts a word joiner after "http:" so no reader turns the address into a link)
        assert "![beacon](http://192.0.2.7/beacon.png)" in hit.first.inner_text().replace("\u2060", "")
        box.fill("bold")
        box.press("Tab")
        page.locator('[data-testid="stSidebar"] button', has_text="**bold**").first.wait_for(timeout=30000)
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.locator("img").count() == 0 and sidebar.locator("strong").count() == 0
        page.screenshot(path=str(artifacts / "import-markup-en.png"))
    finally:
        page.close()
    assert not [u for u in requests if "192.0.2.7" in u]


# --- workspaces: draw, save, reload; the view link is read-only --------------------------------------------


def draw_and_save_sketch(page, title: str, timeout_ms: int = 30_000) -> None:
    """Draw a point sketch in the middle of the map and save it under ``title`` (the page can edit): version 2."""
    frame = map_frame(page)
    frame.locator(".leaflet-draw-draw-marker").click()
    box = frame.locator("#map_div").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.45)
    page.get_by_text("A sketch is drawn").wait_for(timeout=timeout_ms)
    page.get_by_role("textbox", name="Sketch title").fill(title)
    page.get_by_role("button", name="Save the sketch").click()
    page.get_by_text("version 2").wait_for(timeout=timeout_ms)


def test_a_sketch_survives_a_reload_and_the_view_link_is_read_only(browser, app_url, artifacts):
    page, _ = open_app(browser, f"{app_url}/?basemap=offline&lang=en")
    try:
        map_frame(page)
        page.get_by_text("Workspace (save and share)").click()
        page.get_by_role("textbox", name="Name").fill("Candidate sites")
        page.get_by_role("button", name="Create a workspace").click()
        page.wait_for_url("**ws=**", timeout=30_000)
        codes = page.locator('[data-testid="stSidebar"] code')
        codes.first.wait_for(timeout=30_000)
        view_link, edit_link = codes.nth(0).inner_text(), codes.nth(1).inner_text()
        draw_and_save_sketch(page, "New exhibition hall")
        url = page.url
    finally:
        page.close()
    edit_token = edit_link.split("et=")[1].split("&")[0]
    assert "wt=" in url and view_link.split("wt=")[1] in url and edit_token not in url  # the address: the view link
    page, _ = open_app(browser, url)  # the same address again: the sketch is still there, to read
    try:
        frame = map_frame(page)
        frame.wait_for_function("document.querySelector('.bem-panel').textContent.indexOf('Sketches') >= 0", timeout=30_000)
        assert frame.locator(".leaflet-draw").count() == 0
    finally:
        page.close()
    page, _ = open_app(browser, f"{edit_link}&basemap=offline&lang=en")  # the edit link: the sketch, and editing
    try:
        frame = map_frame(page)
        frame.wait_for_function("document.querySelector('.bem-panel').textContent.indexOf('Sketches') >= 0", timeout=30_000)
        assert frame.locator(".leaflet-draw").count() == 1
    finally:
        page.close()
    context = browser.new_context(viewport={"width": 1400, "height": 900})  # a colleague with the view link
    page = context.new_page()
    try:
        page.goto(f"{view_link}&basemap=offline&lang=en")  # a full address
        frame = map_frame(page)
        frame.wait_for_function("document.querySelector('.bem-panel').textContent.indexOf('Sketches') >= 0", timeout=30_000)
        assert frame.locator(".leaflet-draw").count() == 0  # no drawing tool
        page.get_by_text("view only").first.wait_for(timeout=30_000)
        assert page.get_by_role("button", name="Save the sketch").count() == 0
        page.screenshot(path=str(artifacts / "workspace-view-link-en.png"))
    finally:
        context.close()


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the import workers), in MB."""
    from pathlib import Path

    total = 0.0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if status.parent.name == str(pid) or fields.get("PPid", "").strip() == str(pid):
            total += int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
    return total


@pytest.mark.parametrize("name", ["recursive-view.gpkg", "wide-sheet.xlsx", "a-key-per-feature.geojson"])
def test_a_hostile_upload_hurts_nobody_else(browser, app_url, name):
    """After a hostile upload the uploader sees one message, another session's map loads, and the server's
    memory stays below 1.5 GB (bound measured here: a fresh server uses about 0.35 GB)."""
    from tests.conftest import ROOT, SERVER_PIDS

    pid = SERVER_PIDS[app_url]
    page, _ = open_app(browser, f"{app_url}/?basemap=offline&lang=en")
    try:
        map_frame(page)
        page.get_by_text("Import your own data").click()
        page.locator('section[data-testid="stFileUploaderDropzone"] input[type="file"]').set_input_files(
            str(ROOT / "tests" / "corpus" / "files" / name)
        )
        page.locator('[data-testid="stSidebar"] [data-testid="stAlertContentError"]').wait_for(timeout=60_000)
        other, _ = open_app(browser, f"{app_url}/?basemap=offline&lang=zh")
        try:
            map_frame(other, timeout=60)  # another planner's map still loads
        finally:
            other.close()
    finally:
        page.close()
    assert _rss_mb(pid) < 1500


def test_template_payloads_uploaded_stay_text_in_the_browser(browser, app_url, artifacts):
    """A file named with a Jinja payload, its features named with the rest: the legend, the layer control,
    tooltips and popups show them literally, and the file-creating one creates nothing on the server."""
    from tests.conftest import ROOT
    from tests.corpus.make_corpus import TEMPLATE_MARK, TEMPLATE_PAYLOADS

    file_name = f"{TEMPLATE_PAYLOADS[-1]}.geojson"
    data = (ROOT / "tests" / "corpus" / "files" / "template-payloads.geojson").read_bytes()
    page, requests = open_app(browser, f"{app_url}/?basemap=offline&lang=en&c=39.92,116.39&z=14")
    try:
        map_frame(page)
        page.get_by_text("Import your own data").click()
        page.locator('section[data-testid="stFileUploaderDropzone"] input[type="file"]').set_input_files(
            {"name": file_name, "mimeType": "application/geo+json", "buffer": data}
        )
        # the file read before the click, as the other upload tests wait: a click on the button of a run the
        # upload's own rerun is replacing can be lost (a fresh-clone run waited 60 s for a layer never added)
        count = len(json.loads(data)["features"])
        page.get_by_text(f"{count} read, {count} loaded").wait_for(timeout=30000)
        page.get_by_role("button", name="Add to the map").click(timeout=30000)
        label = f"Imported: {file_name}"
        frame = map_with_legend(page, label)  # the base map reloads with the new layer
        assert label in frame.locator(".bem-panel").text_content()
        assert label in frame.locator(".leaflet-control-layers-overlays").text_content()
        js_find = "l => l.feature && l.feature.properties._tip && l.feature.properties._popup"
        # the venue and imported layers arrive as dynamic groups after the base map: wait for every payload
        frame.wait_for_function(
            f"""() => {{ let n = 0; map_div.eachLayer(l => {{
            if (({js_find})(l) && l.feature.properties._popup.indexOf('{{') >= 0) n++; }});
            return n >= {len(TEMPLATE_PAYLOADS)}; }}""",
            timeout=30000,
        )
        shown = frame.evaluate(f"""() => {{ const out = [];
            map_div.eachLayer(l => {{ if (({js_find})(l) && l.feature.properties._popup.indexOf('{{') >= 0) {{
                l.openTooltip(); out.push(l.getTooltip().getElement().innerText); }} }});
            return out; }}""")
        for payload in TEMPLATE_PAYLOADS:
            assert payload in shown, (payload, shown)
        assert page.get_by_text("Something went wrong").count() == 0
        page.screenshot(path=str(artifacts / "import-template-payloads-en.png"))
    finally:
        page.close()
    assert not (ROOT / TEMPLATE_MARK).exists(), "a template payload ran on the server"
