"""The Chinese page speaks Chinese everywhere (issue 20, item 7): the sketch and measuring tools' words come from
the catalogue in the page's language; coordinate sources and the plan's English sentence are presented in
Chinese on every zh output (card, popup, deck notes, KML), the sentence introduced once as the English release."""

from __future__ import annotations

import pytest

from geo import io as gio
from geo import templating, webmap
from geo.mapspec import MapSpec
from geo.tool_messages import DRAW_MESSAGES, MEASURE_MESSAGES
from tests.test_live_map import open_map

#: leaflet-draw's and leaflet-measure's own English, which a Chinese page must never show
PLUGIN_ENGLISH = ("Draw a polygon", "Draw a marker", "Delete layers", "Click to start drawing shape", "Cancel", "Finish")


def tool_page(layers, lang: str, path) -> None:
    """A standalone page of the map with the sketch tools and the (inline) measuring tool."""
    m = webmap.build_base_map(layers, MapSpec(lang=lang), asset_base=gio._ASSET_BASE, vendor_base=gio._VENDOR_BASE, draw=True)
    page = gio.inline_assets_html(templating.render_page(m), gio._ASSET_BASE, gio._VENDOR_BASE)
    path.write_text(page, encoding="utf-8")


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sketch_and_measure_tools_speak_the_page_language(browser, layers, tmp_path, lang):
    pick = 0 if lang == "zh" else 1
    path = tmp_path / "tools.html"
    tool_page(layers, lang, path)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(path.as_uri())
        page.wait_for_selector(".leaflet-draw-draw-polygon")
        titles = page.evaluate("() => [...document.querySelectorAll('.leaflet-draw a')].map(a => a.title)")
        assert DRAW_MESSAGES["draw.toolbar.buttons.polygon"][pick] in titles, titles
        assert DRAW_MESSAGES["edit.toolbar.buttons.removeDisabled"][pick] in titles, titles
        page.locator(".leaflet-draw-draw-polygon").click()
        box = page.locator(".folium-map").bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
        tip = page.locator(".leaflet-draw-tooltip").inner_text()
        assert tip == DRAW_MESSAGES["draw.handlers.polygon.tooltip.start"][pick]
        actions = page.locator(".leaflet-draw-actions").first.inner_text()
        assert DRAW_MESSAGES["draw.toolbar.actions.text"][pick] in actions
        if lang == "zh":
            text = page.locator(".leaflet-draw").inner_text() + tip + " ".join(titles)
            assert [w for w in PLUGIN_ENGLISH if w in text] == []
        measure = page.locator(".leaflet-control-measure").inner_html()  # the inline (export) measuring tool
        assert MEASURE_MESSAGES["measureDistancesAndAreas"][pick] in measure
        assert MEASURE_MESSAGES["startCreating"][pick] in measure
    finally:
        page.close()


@pytest.mark.browser
def test_the_app_measuring_tool_uses_the_catalogue(browser, app_url):
    page, frame = open_map(browser, app_url, (1400, 900), "basemap=offline&lang=zh")
    try:
        frame.locator(".bem-measure-button").click()
        prompt = frame.locator(".leaflet-control-measure .js-starthelp")
        prompt.wait_for(timeout=15_000)
        assert prompt.inner_text() == MEASURE_MESSAGES["startCreating"][0]
        assert frame.locator(".leaflet-control-measure .js-cancel").inner_text() == MEASURE_MESSAGES["cancel"][0]
    finally:
        page.close()
