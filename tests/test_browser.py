"""What a person sees: the real app in headless Chromium, on this machine with no internet."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest

from geo import style

pytestmark = pytest.mark.browser
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def map_frame(page, timeout: float = 60.0):
    """The streamlit-folium iframe, once Leaflet has drawn its vector layers."""
    iframe = page.locator('iframe[src*="streamlit_folium"]')
    iframe.wait_for(timeout=timeout * 1000)
    frame = iframe.element_handle().content_frame()
    frame.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 20",
                            timeout=timeout * 1000)
    return frame


def open_app(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    return page, requests


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_offline_map_draws_every_layer_with_zero_external_requests(browser, app_url, artifacts, layers, lang):
    page, requests = open_app(browser, f"{app_url}/?basemap=offline&lang={lang}")
    try:
        frame = map_frame(page)
        control = frame.locator(".leaflet-control-layers-overlays").inner_text()
        for s in style.LAYERS:
            assert s.label(lang) in control
        assert frame.locator(".leaflet-marker-icon.bem-icon").count() == len(layers.venues)
        assert frame.locator(".leaflet-tile").count() == 0
        legend = frame.locator(".bem-legend").inner_text()
        assert style.get_style("core").label(lang) in legend
        time.sleep(1.0)  # let any late request show up
        page.screenshot(path=str(artifacts / f"map-offline-{lang}.png"))
    finally:
        page.close()
    external = sorted({urlparse(u).hostname for u in requests if urlparse(u).hostname not in LOCAL_HOSTS
                       and urlparse(u).scheme in ("http", "https", "ws", "wss")})
    assert external == [], f"requests left the machine: {external}"
    assert any("/leaflet.js" in u for u in requests)


def test_tile_basemap_still_draws_the_vector_map_without_internet(browser, app_url, artifacts):
    page, requests = open_app(browser, f"{app_url}/?basemap=osm&lang=en")
    try:
        frame = map_frame(page)
        assert frame.locator(".leaflet-tile-pane img").count() > 0
        assert frame.locator(".leaflet-control-attribution").inner_text().count("OpenStreetMap") >= 1
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
        frame.locator(".leaflet-control-layers-overlays label", has_text=label).locator("input").click()
        frame.wait_for_function(f"document.querySelectorAll('.leaflet-overlay-pane path').length < {before}")
        row = frame.locator(".bem-legend .row.off")
        assert row.count() == 1 and label in row.inner_text()
    finally:
        page.close()
