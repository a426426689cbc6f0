"""The Chinese page speaks Chinese everywhere (issue 20, item 7): the sketch and measuring tools' words come from
the catalogue in the page's language; coordinate sources and the plan's English sentence are presented in
Chinese on every zh output (card, popup, deck notes, KML), the sentence introduced once as the English release."""

from __future__ import annotations

import html

import pytest

from geo import i18n, safe, templating, webmap
from geo import io as gio
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


# --- coordinate sources and the plan's sentence on every Chinese output ---------------------------------------

LABEL = i18n.t("field_sentence", "zh")  # 会议原文（英文发布稿）


def test_every_venue_has_a_chinese_coordinate_source(layers):
    zh = layers.venues["coord_source_zh"]
    assert zh.str.len().min() > 0
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in zh), "a coord_source_zh with no Chinese"


def test_the_zh_card_shows_the_chinese_source_and_names_the_place_before_the_sentence(layers):
    from tests.conftest import app_test

    at = app_test({"lang": "zh", "basemap": "offline", "venue": "forbidden_city"})
    row = layers.venues.set_index("id").loc["forbidden_city"]
    captions = [c.value for c in at.caption]  # markdown: the texts as geo.safe.md escapes them
    assert any(safe.md(row["coord_source_zh"]) in c for c in captions), captions
    assert not any(safe.md(row["coord_source"][:40]) in c for c in captions)
    quote = safe.md(f"{row['name_zh']}：“{row['plan_sentence']}”")
    assert quote in captions, captions
    assert any(m.value == f"**{LABEL}**" for m in at.markdown)
    en = app_test({"lang": "en", "basemap": "offline", "venue": "forbidden_city"})
    assert any(safe.md(row["coord_source"][:40]) in c.value for c in en.caption)  # the English page keeps the English


def test_zh_popups_give_the_chinese_source_and_name_before_the_sentence(layers):
    from geo import webcontent

    row = layers.venues.set_index("id").loc["tiananmen"].to_dict() | {"id": "tiananmen"}
    zh = webcontent.popup_html(row, "zh")
    assert html.escape(row["coord_source_zh"]) in zh and row["coord_source"][:30] not in zh
    assert f"<dt>{LABEL}</dt><blockquote>{row['name_zh']}：“" in zh
    en = webcontent.popup_html(row, "en")
    assert html.escape(row["coord_source"]) in en and row["name_zh"] + "：" not in en
    core = layers.core.iloc[0].to_dict()  # a framework feature has no Chinese source: its English says so
    assert "（仅有英文）" in webcontent.popup_html(core, "zh")


def test_zh_kml_descriptions_say_so_once_and_name_each_place(layers):
    import xml.etree.ElementTree as ET

    from geo.deck import view_spec

    ns = {"k": "http://www.opengis.net/kml/2.2"}
    names = dict(zip(layers.venues["name_zh"], layers.venues["plan_sentence"]))
    for lang in ("zh", "en"):
        root = ET.fromstring(gio.export_data(layers, view_spec(MapSpec(lang=lang), "central-axis"), "kml"))
        marks = root.findall(".//k:Placemark", ns)
        described = [(m.findtext("k:name", "", ns), m.findtext("k:description", "", ns)) for m in marks]
        venues = [(n, d) for n, d in described if n in names or n in set(layers.venues["name_en"])]
        assert venues
        for name, text in venues:
            if lang == "zh":
                assert text.count(LABEL) == 1 and text == f"{LABEL}\n{name}：“{names[name]}”", text
            else:
                assert LABEL not in text and "：“" not in text


def test_zh_speaker_notes_say_so_once_and_give_the_chinese_names(layers):
    from geo import deck

    notes = deck.plan_notes(layers, deck.view_spec(MapSpec(lang="zh"), "central-axis"), "zh")
    assert notes.count("英文发布稿") == 1
    bullets = [line for line in notes.splitlines() if line.startswith("• ")]
    assert bullets and all("; " not in b for b in bullets)  # Chinese names, listed the Chinese way
    assert "故宫" in "".join(bullets) and "Forbidden City" not in notes
