"""Seams in a real browser: what a planner changes stays changed when they change something else."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from geo import i18n, style

pytestmark = pytest.mark.browser


def map_frame(page, timeout_s: float = 60):
    """The (last) streamlit-folium frame once Leaflet has drawn the vector layers."""
    page.wait_for_function(
        "() => { const f = [...document.querySelectorAll('iframe[src*=\"streamlit_folium\"]')]"
        ".pop(); const d = f && f.contentDocument; return d && d.querySelectorAll("
        "'.leaflet-overlay-pane path').length > 20 && d.querySelector('.bem-panel'); }",
        timeout=timeout_s * 1000,
    )
    return page.locator('iframe[src*="streamlit_folium"]').last.element_handle().content_frame()


#: installed before a click on the map: notes whether the page's run it causes has started (the status widget)
WATCH_RUN = """() => { window.__bemRan = false; new MutationObserver(() => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) window.__bemRan = true;
}).observe(document.body, {childList: true, subtree: true}); }"""


def wait_reported_hidden(page, timeout_s: float = 30) -> None:
    """The app has heard the hidden layer (the map's report reran the page): the run started (when the page
    showed it: a quick run may end before the status widget is drawn) and the app is idle again."""
    try:
        page.wait_for_function("() => window.__bemRan === true", timeout=10000)
    except PlaywrightTimeout:
        pass
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_s * 1000)


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def wait_query(page, key: str, value: str, timeout_s: float = 30) -> None:
    page.wait_for_function(f"() => new URLSearchParams(location.search).get({key!r}) === {value!r}", timeout=timeout_s * 1000)


@pytest.mark.parametrize(("start", "other", "basemap"), [("zh", "en", "offline"), ("en", "zh", "gaode"), ("zh", "en", "osm")])
def test_switching_the_language_keeps_the_basemap(browser, app_url, start, other, basemap):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(f"{app_url}/?lang={start}&basemap={basemap}")
        frame = map_frame(page)
        hidden = style.get_style("districts")
        page.evaluate(WATCH_RUN)
        frame.locator(".bem-panel .row", has_text=hidden.label(start)).click()  # the planner hides a layer
        frame.wait_for_function("document.querySelectorAll('.bem-panel .row.off').length === 1")
        wait_reported_hidden(page)
        label = {"zh": "中文", "en": "English"}[other]
        page.locator('[data-testid="stSidebar"] label').filter(has_text=label).first.click()
        wait_query(page, "lang", other, timeout_s=60)  # a run in the new language builds its map first
        # the page settles: one map again (the old one goes when the run ends) and the app idle
        page.wait_for_function(
            "() => document.querySelectorAll('iframe[src*=\"streamlit_folium\"]').length === 1"
            " && !document.querySelector('[data-testid=\"stStatusWidget\"]')",
            timeout=60000,
        )
        assert query(page).get("basemap") == basemap, page.url
        page.screenshot(path=f"tests/artifacts/lang-switch-{basemap}-{other}.png")
        shown = page.get_by_test_id("stSelectbox").first.locator("input").input_value()
        assert shown == i18n.term("basemap", basemap, other), shown  # the label in the new language
        frame = map_frame(page)  # the hidden layer stays hidden in the new language's map
        frame.wait_for_function("document.querySelectorAll('.bem-panel .row.off').length === 1", timeout=30000)
        assert hidden.label(other) in frame.locator(".bem-panel .row.off").inner_text()
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_maps_own_controls_speak_the_pages_language_and_metric(browser, app_url, lang):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(f"{app_url}/?lang={lang}&basemap=offline")
        frame = map_frame(page)
        assert frame.locator(".leaflet-control-zoom-in").get_attribute("title") == i18n.t("zoom_in", lang)
        assert frame.locator(".leaflet-control-zoom-out").get_attribute("title") == i18n.t("zoom_out", lang)
        scale = frame.locator(".leaflet-control-scale").inner_text()
        assert ("km" in scale or " m" in scale) and "mi" not in scale and "ft" not in scale, scale
        assert frame.locator(".leaflet-control-scale").count() == 1
    finally:
        page.close()


def test_an_import_keeps_the_map_where_the_planner_was(browser, app_url):
    """Adding a layer builds a new base map: it opens at the view the planner had (One Core), not the city."""
    from geo.views import VIEWS

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(f"{app_url}/?lang=en&basemap=offline&view=core")
        frame = map_frame(page)
        frame.wait_for_function("() => map_div.getZoom() >= 11", timeout=30000)  # the named view was fitted
        page.wait_for_function("() => new URLSearchParams(location.search).get('z') !== null", timeout=30000)
        page.get_by_text("Import your own data").click()
        page.locator('section[data-testid="stFileUploaderDropzone"] input[type="file"]').set_input_files(
            {"name": "sites.csv", "mimeType": "text/csv", "buffer": b"name,lon,lat\nA,116.39,39.91\n"}
        )
        page.get_by_role("button", name="Add to the map").click(timeout=30000)
        page.wait_for_function(
            "() => { const f = [...document.querySelectorAll('iframe[src*=\"streamlit_folium\"]')]"
            ".pop(); const d = f && f.contentDocument;"
            " return d && d.querySelector('.bem-panel') && d.querySelector('.bem-panel')"
            ".textContent.indexOf('sites.csv') >= 0; }",
            timeout=60000,
        )
        frame = map_frame(page)
        zoom, lat, lon = frame.evaluate("() => [map_div.getZoom(), map_div.getCenter().lat, map_div.getCenter().lng]")
        minx, miny, maxx, maxy = VIEWS["core"].bbox
        assert zoom >= 11 and miny <= lat <= maxy and minx <= lon <= maxx, (zoom, lat, lon)
        assert query(page).get("view") == "core"
    finally:
        page.close()


def test_a_click_on_an_area_sets_the_point_a_distance_is_measured_from(browser, app_url, layers):
    """ "Within N km of the point clicked": a click that lands on the One Core polygon sets the point too."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(f"{app_url}/?lang=en&basemap=offline&view=core&km=2&of=point")
        frame = map_frame(page)
        frame.wait_for_function("() => map_div.getZoom() >= 11", timeout=30000)
        # a point inside the core polygon, on screen: the polygon's own centre
        import html

        core = html.escape(layers.core.iloc[0]["name_en"])
        xy = frame.evaluate(
            """(name) => { let c = null; map_div.eachLayer(l => {
            if (!c && l.feature && l.getBounds && l.feature.properties._tip === name) c = l.getBounds().getCenter(); });
            const p = map_div.latLngToContainerPoint(c); return [p.x, p.y]; }""",
            core,
        )
        box = page.locator('iframe[src*="streamlit_folium"]').last.bounding_box()
        page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
        page.wait_for_function("() => new URLSearchParams(location.search).get('pt') !== null", timeout=30000)
        lat, lon = (float(v) for v in query(page)["pt"].split(","))
        assert 39.85 < lat < 39.97 and 116.3 < lon < 116.46, (lat, lon)
    finally:
        page.close()


def test_a_worker_process_never_runs_the_page(browser, tmp_path):
    """multiprocessing's forkserver re-runs its parent's main module in every worker, and under Streamlit that
    was app.py: each import ran the whole page a second time, in bare mode, writing about a thousand
    "missing ScriptRunContext" warnings to the server log. app.py is now a guarded call (ui/page.py)."""
    from tests.conftest import serve_app

    log = tmp_path / "streamlit.log"
    rows = "".join(f"点{i},{116.30 + i * 1e-4:.4f},39.90\n" for i in range(500))
    with serve_app(log, BEM_WORKSPACE_DIR=str(tmp_path)) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            page.goto(f"{url}/?lang=en&basemap=offline")
            map_frame(page)
            page.get_by_text("Import your own data").click()
            page.locator('section[data-testid="stFileUploaderDropzone"] input[type="file"]').set_input_files(
                {"name": "points.csv", "mimeType": "text/csv", "buffer": ("名称,经度,纬度\n" + rows).encode()}
            )
            page.get_by_role("button", name="Add to the map").click(timeout=60000)
            page.wait_for_function(
                "() => { const f = [...document.querySelectorAll('iframe[src*=\"streamlit_folium\"]')]"
                ".pop(); const d = f && f.contentDocument;"
                " return d && d.querySelector('.bem-panel') && d.querySelector('.bem-panel')"
                ".textContent.indexOf('points.csv') >= 0; }",
                timeout=60000,
            )
        finally:
            page.close()
    text = log.read_text("utf-8")
    for noise in ("ScriptRunContext", "No runtime found", "Session state does not function"):
        assert text.count(noise) == 0, (noise, text.count(noise))
