"""Exported pictures carry alt text naming the view and the places it shows, in the labels' language: a PNG's
"Description" text, an SVG's <title> and <desc>, a PDF's Subject, each slide picture's descr in the named-views
deck, and the standalone HTML map's container (a named region). Read back with real readers: Pillow, an XML
parser, poppler's pdfinfo, python-pptx."""

from __future__ import annotations

import io
import re
import subprocess
import xml.etree.ElementTree as ET
from html import unescape

import pytest

from geo import deck, snapshot
from geo import io as geo_io
from geo.mapspec import MapSpec
from geo.views import VIEWS

SVG = "{http://www.w3.org/2000/svg}"
#: a place the One Core view shows, by language (a Central Axis component in the core)
FORBIDDEN_CITY = {"zh": "故宫", "en": "Forbidden City"}
CORE = {"zh": "一核", "en": "One Core"}


def core_spec(lang: str, **kw) -> MapSpec:
    return snapshot.view_spec("core", lang=lang, basemap="offline", **kw)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_png_says_what_it_shows_in_its_description(layers, lang):
    from PIL import Image

    data = snapshot.render(layers, core_spec(lang), "png").data
    text = Image.open(io.BytesIO(data)).text
    alt = text["Description"]
    assert FORBIDDEN_CITY[lang] in alt and CORE[lang] in alt, alt
    assert alt.startswith("地图：" if lang == "zh" else "Map: "), alt
    assert text["Title"] in alt


def test_svg_has_a_title_and_a_desc_first(layers):
    data = snapshot.render(layers, core_spec("en", title="Briefing"), "svg").data
    root = ET.fromstring(data)
    first = [child.tag for child in root][:2]
    assert first == [f"{SVG}title", f"{SVG}desc"], first
    assert root.find(f"{SVG}title").text == "Briefing"
    desc = root.find(f"{SVG}desc").text
    assert desc.startswith("Map: Briefing · One Core. Places shown: ") and "Forbidden City" in desc, desc


def test_pdf_subject_names_the_places(layers):
    data = snapshot.render(layers, core_spec("zh"), "pdf").data
    info = subprocess.run(["pdfinfo", "-enc", "UTF-8", "-"], input=data, capture_output=True, check=True).stdout.decode()
    subject = re.search(r"^Subject:\s*(.+)$", info, flags=re.M)
    assert subject and "故宫" in subject.group(1) and "一核" in subject.group(1), info


def test_a_view_without_places_says_so(layers):
    from PIL import Image

    east = (117.30, 40.55, 117.45, 40.65)  # a corner of Pinggu: no named place
    spec = MapSpec(lang="en", basemap="offline", bbox=east)
    alt = Image.open(io.BytesIO(snapshot.render(layers, spec, "png").data)).text["Description"]
    assert alt.endswith("No named place is shown."), alt


def test_every_deck_picture_has_alt_text_naming_its_slides_places(layers):
    from pptx import Presentation

    base = MapSpec(lang="zh", basemap="offline")
    prs = Presentation(io.BytesIO(deck.build_deck(layers, base, ("core", "yanqi-lake"))))
    descrs = []
    for slide in prs.slides:
        pictures = [shape for shape in slide.shapes if shape.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        assert len(pictures) == 1
        descrs.append(pictures[0]._element.nvPicPr.cNvPr.get("descr"))
    assert descrs[0].startswith(f"地图：{VIEWS['core'].name('zh')}") and "故宫" in descrs[0], descrs[0]
    assert "雁栖湖" in descrs[1] and "故宫" not in descrs[1], descrs[1]


def test_standalone_html_map_is_a_region_named_by_its_view_and_places(layers):
    spec = MapSpec(lang="en", basemap="offline", bbox=VIEWS["core"].bbox, view="core")
    page = geo_io.export_html(layers, spec)
    tag = re.search(r'<div class="folium-map"[^>]*>', page).group(0)
    assert 'role="region"' in tag
    label = unescape(re.search(r'aria-label="([^"]*)"', tag).group(1))
    assert label.startswith("Interactive map: ") and "One Core" in label and "Forbidden City" in label, label
