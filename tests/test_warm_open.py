"""Issue 22, the warm open (a second visitor's map): the two mechanisms ``python -m geo.bench --warm-only`` measures.

- A session's first run sends the map before the sidebar's widgets (ui/page.py): the browser fetches the map
  component's script and builds its frame before it renders the widgets.
- The map's frame is streamlit-folium's page with Leaflet, our bundle and the styles preloaded ahead of the
  component's script (ui/assets.py ``map_frame``): fetched at once instead of one after another once the
  component has started; the component still runs them when it always did.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit_folium as sf

from geo import i18n

LINKS = (("../ui.assets.leaflet/leaflet.js", "../ui.assets.bundles/bundle-0123.js"), ("../ui.assets.bundles/bundle-4567.css",))


@pytest.fixture
def frame_page(tmp_path, monkeypatch):
    from ui import assets

    monkeypatch.setenv("BEM_CACHE_DIR", str(tmp_path))
    assets._frame_page.cache_clear()
    yield assets._frame_page
    assets._frame_page.cache_clear()


def test_the_frame_page_preloads_the_maps_scripts_ahead_of_the_components(frame_page, tmp_path):
    name, folder = frame_page(*LINKS)
    page = (folder / "index.html").read_text(encoding="utf-8")
    head = page[: page.index("</head>")]
    main = re.search(r'<script defer="defer" src="\.\./streamlit_folium\.st_folium/(static/js/main\.[0-9a-f]+\.js)"', head)
    assert main, "the component's own script, from streamlit-folium's folder"
    assert (Path(sf._component_func.path) / main.group(1)).is_file()
    leaflet = head.index('<link rel="preload" as="script" href="../ui.assets.leaflet/leaflet.js"/>')
    bundle = head.index('<link rel="preload" as="script" href="../ui.assets.bundles/bundle-0123.js"/>')
    style = head.index('<link rel="preload" as="style" href="../ui.assets.bundles/bundle-4567.css"/>')
    assert max(leaflet, bundle, style) < main.start()  # asked for before the component's script
    assert "<script" not in head[: main.start()]  # nothing runs before it: the component runs them as before
    assert 'id="map_div"' in page  # the rest of streamlit-folium's page as it ships
    assert "streamlit_folium" in name and folder.is_relative_to(tmp_path)  # the iframe's name still says what it is
    assert frame_page(*LINKS) == (name, folder)  # one folder per set of links
    assert frame_page(LINKS[0][:1], LINKS[1])[1] != folder


def test_the_frame_page_is_rewritten_when_the_cache_lost_it(frame_page):
    name, folder = frame_page(*LINKS)
    (folder / "index.html").unlink()
    frame_page.cache_clear()  # a new server process over the same cache folder
    assert frame_page(*LINKS) == (name, folder) and (folder / "index.html").is_file()


@pytest.mark.browser
def test_a_new_visitor_gets_the_map_first_and_its_frame_preloads_its_scripts(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    outside: list[str] = []
    context.route(
        re.compile(r"^(https?|wss?)://(?!127\.0\.0\.1[:/])"), lambda route: (outside.append(route.request.url), route.abort())
    )
    stream: list[bytes] = []
    try:
        page = context.new_page()
        page.on(
            "websocket", lambda ws: ws.on("framereceived", lambda p: stream.append(p if isinstance(p, bytes) else p.encode()))
        )
        page.goto(app_url + "/?basemap=offline")
        iframe = page.locator('iframe[src*="streamlit_folium"]')
        iframe.wait_for(timeout=120_000)
        frame = iframe.element_handle().content_frame()
        frame.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length >= 20", timeout=120_000)
        sent = b"".join(stream)
        widget = i18n.t("language", "zh").encode()  # the sidebar's first widget, the language switch
        assert 0 <= sent.find(b"streamlit_folium") < sent.find(widget), "the map is the first thing the first run sends"
        preloads = frame.evaluate("() => [...document.querySelectorAll('link[rel=preload]')].map(l => l.href)")
        assert any(u.endswith("/leaflet.js") for u in preloads) and any("/bundle-" in u for u in preloads), preloads
        got = frame.evaluate("() => performance.getEntriesByType('resource').map(e => [e.name, e.initiatorType])")
        leaflet = [kind for url, kind in got if url.endswith("/leaflet.js")]
        # fetched by the preload, never by the component's script tag, which found it loaded (the component rewrites
        # the frame's head, so the preload may be asked again: of the browser's memory)
        assert leaflet and set(leaflet) == {"link"}, got
        assert frame.evaluate("() => typeof BEM.layerPanel + typeof L.Control.FullScreen") == "functionfunction"  # the bundle
        assert not outside
    finally:
        context.close()


@pytest.mark.browser
def test_the_benchs_page_clock_reads_the_paint_in_the_maps_frame_and_in_a_plain_page(browser, app_url, tmp_path):
    """``python -m geo.bench --warm-only`` reads the page's own clock (geo/static/bench/paint-clock.js): in the app
    the map's paths are painted in streamlit-folium's frame, in the static export in the page itself; both before
    the automation saw them, and neither at navigation start."""
    from geo.bench_warm import _export, open_once

    ours = open_once(browser, app_url + "/?basemap=offline", True, 20)
    assert 0.2 < ours.painted_s <= ours.took, ours
    _export(tmp_path)  # the bench's own static page: the default view's standalone HTML export
    static = open_once(browser, (tmp_path / "map.html").as_uri(), False, 20)
    assert 0.0 < static.painted_s <= static.took, static


def test_the_server_does_not_collect_the_whole_heap_after_every_run(monkeypatch):
    """Streamlit's default ``gc.collect(2)`` after each run holds the GIL ~0.1 s per run with this app's heap: no
    message sent, no file served meanwhile, for every session. `streamlit run` from the project folder reads it off
    (.streamlit/config.toml), as Streamlit itself parses that file."""
    from streamlit import config

    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)
    try:
        config.get_config_options(force_reparse=True)
        assert config.get_option("runner.postScriptGC") is False
        assert config.get_where_defined("runner.postScriptGC") == str(ROOT / ".streamlit" / "config.toml")
    finally:
        monkeypatch.undo()
        config.get_config_options(force_reparse=True)
