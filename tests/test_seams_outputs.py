"""Outputs as their readers expect them: RFC 7946 GeoJSON, a titled standalone page."""

from __future__ import annotations

import json
import re

import shapely

from geo import io as gio
from geo.mapspec import MapSpec
from geo.views import VIEWS


def rings(geometry: dict):
    kind, coords = geometry["type"], geometry["coordinates"]
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    for polygon in polygons:
        yield True, polygon[0]
        for hole in polygon[1:]:
            yield False, hole


def test_geojson_exports_follow_rfc_7946(layers):
    doc = json.loads(gio.export_data(layers, MapSpec(bbox=VIEWS["city"].bbox, lang="en"), "geojson"))
    checked = 0
    for feature in doc["features"]:
        for outer, ring in rings(feature["geometry"]):
            ccw = shapely.LinearRing(ring).is_ccw
            assert ccw == outer, (feature["properties"].get("id"), "outer rings counter-clockwise, holes clockwise")
            checked += 1
    assert checked >= 5
    values = [
        v for f in doc["features"] for v in shapely.get_coordinates(shapely.from_geojson(json.dumps(f["geometry"]))).ravel()
    ]
    longest = max(len(repr(float(v)).split(".")[1]) for v in values)
    assert longest <= 7, f"coordinates carry {longest} decimals; 7 is 1 cm"


def test_the_standalone_page_has_an_escaped_title(layers):
    spec = MapSpec(bbox=VIEWS["core"].bbox, view="core", lang="zh", title="</title><script>alert(1)</script>规划")
    page = gio.export_html(layers, spec)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;规划" in title and VIEWS["core"].name("zh") in title
    assert "<script>alert(1)" not in page


def test_popups_name_a_framework_features_layer_not_its_raw_category(layers):
    import html

    from geo import i18n, style, webcontent

    for lang in ("zh", "en"):
        for gdf, key in ((layers.core, "core"), (layers.axes, "axes"), (layers.areas, "areas")):
            card = webcontent.popup_html(gdf.iloc[0].to_dict(), lang)
            label = html.escape(style.get_style(key).label(lang))
            assert f"<dt>{i18n.t('field_category', lang)}</dt><dd>{label}</dd>" in card
            assert "<dd>framework</dd>" not in card


def test_the_venue_table_shows_a_dash_for_a_venue_not_yet_open(layers):
    from geo import i18n
    from ui import state

    for lang in ("zh", "en"):
        table = state.venue_table(layers.venues, lang)
        years = list(table[i18n.t("field_year", lang)])
        assert "—" in years and "None" not in years and "nan" not in years and "<NA>" not in years
        assert all(y == "—" or (y.isdigit() and len(y) == 4) for y in years)


def test_a_workspaces_history_reads_in_the_pages_language():
    from geo import workspace

    names = {"forbidden_city": "故宫"}
    assert workspace.describe_change("restored version 4", "zh") == "恢复为第 4 版"
    assert workspace.describe_change("added 1 imported layer(s)", "zh") == "添加 1 个导入图层"
    assert workspace.describe_change("status note: forbidden_city", "zh", names) == "状态记录：故宫"
    assert workspace.describe_change("sketch: 新馆", "en") == "sketch: 新馆"
    assert workspace.describe_change("something else", "zh") == "something else"
    for _pattern, key in workspace.CHANGES:  # every stored form has its words in both languages
        from geo import i18n

        assert i18n.t(key, "zh") and i18n.t(key, "en")
