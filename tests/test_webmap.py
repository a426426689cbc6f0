"""The folium map: layers, legend, escaping, and no remote assets."""

from __future__ import annotations

import re

import folium
import numpy as np
import pytest

from geo import assets, basemaps, datum, style, templating, webcontent, webmap
from geo.errors import AssetError
from geo.mapspec import MapSpec


@pytest.fixture(scope="module")
def rendered(layers):
    out = {}
    for lang in ("zh", "en"):
        m = webmap.build_map(layers, MapSpec(lang=lang, basemap="offline"), asset_base="assets/leaflet")
        out[lang] = m.get_root().render()
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_layer_is_toggleable_and_in_the_legend(layers, lang):
    m = webmap.build_map(layers, MapSpec(lang=lang, basemap="offline"))
    labels = {s.label(lang) for s in style.LAYERS}
    groups = {c.layer_name for c in m._children.values() if isinstance(c, folium.FeatureGroup)}
    assert groups == labels
    assert any(isinstance(c, folium.LayerControl) for c in m._children.values())
    legend = next(c for c in m._children.values() if isinstance(c, webmap.LayerPanel))
    assert {row["layer"] for row in legend.spec["rows"]} == labels
    # two rows for the axes (axis, extension), one for every other layer
    assert len(legend.spec["rows"]) == len(labels) + 1
    # rows follow the hierarchy: core first, context last
    first, last = legend.spec["rows"][0]["layer"], legend.spec["rows"][-1]["layer"]
    assert first == style.get_style("core").label(lang) and last == style.get_style("boundary").label(lang)


def test_language_is_not_mixed(rendered):
    for s in style.LAYERS:
        assert s.label_en not in rendered["zh"]
        assert s.label_zh not in rendered["en"]


def test_only_local_assets(rendered):
    srcs = re.findall(r'<script[^>]+src="([^"]+)"', rendered["en"]) + re.findall(r'<link[^>]+href="([^"]+)"', rendered["en"])
    assert "assets/leaflet/leaflet.js" in srcs and "assets/leaflet/leaflet.css" in srcs
    assert {s.split("/")[0] for s in srcs} <= {"assets", "vendor"}
    for src in srcs:  # every file exists where the app serves it from
        if src.startswith("vendor/"):
            assert (assets.VENDOR_DIR / src.removeprefix("vendor/")).is_file(), src
    assert {
        "vendor/leaflet.fullscreen@3.0.0/Control.FullScreen.js",
        "vendor/leaflet-measure@2.1.7/leaflet-measure.js",
        "vendor/leaflet-minimap@3.6.1/Control.MiniMap.min.js",
    } <= set(srcs)
    assert "cdn" not in rendered["en"].lower()


def test_a_cdn_plugin_is_refused(layers):
    m = webmap.build_map(layers, MapSpec(lang="en", basemap="offline"))
    from folium.plugins import MarkerCluster

    MarkerCluster().add_to(m)  # not vendored: its CDN URLs must be refused
    with pytest.raises(AssetError, match="CDN"):
        assets.localize_assets(m, "assets/leaflet")


def tile_layers(m: folium.Map) -> list[folium.TileLayer]:
    return [c for c in m._children.values() if isinstance(c, folium.TileLayer)]


@pytest.mark.parametrize("key", [k for k in basemaps.BASEMAPS if k != "offline"])
def test_tile_basemaps_carry_attribution_and_labels(layers, key):
    bm = basemaps.BASEMAPS[key]
    m = webmap.build_map(layers, MapSpec(lang="en", basemap=key, token="KEY123"))
    tiles = tile_layers(m)
    assert [t.tiles for t in tiles] == [u for u in (bm.url("KEY123"), bm.labels_url("KEY123")) if u]
    assert all(t.options["attribution"] == bm.attribution and bm.attribution for t in tiles)
    assert all(t.tiles.startswith("https://") for t in tiles)


def test_tianditu_without_a_key_shows_no_broken_tiles(layers, monkeypatch):
    monkeypatch.delenv(basemaps.TIANDITU_ENV, raising=False)
    assert not tile_layers(webmap.build_map(layers, MapSpec(lang="en", basemap="tianditu")))
    with_key = tile_layers(webmap.build_map(layers, MapSpec(lang="en", basemap="tianditu", token="abc")))
    assert len(with_key) == 2 and all("tk=abc" in t.tiles for t in with_key)
    monkeypatch.setenv(basemaps.TIANDITU_ENV, "fromenv")
    assert basemaps.tianditu_key() == "fromenv" and basemaps.tianditu_key("secret") == "secret"


def test_tile_mirror_replaces_every_tile_server(layers, monkeypatch):
    monkeypatch.setenv(basemaps.MIRROR_ENV, "http://127.0.0.1:9/tiles/")
    tiles = tile_layers(webmap.build_map(layers, MapSpec(lang="en", basemap="gaode_satellite")))
    assert [t.tiles for t in tiles] == [
        "http://127.0.0.1:9/tiles/gaode_satellite/{z}/{x}/{y}.png",
        "http://127.0.0.1:9/tiles/gaode_satellite-labels/{z}/{x}/{y}.png",
    ]


def overlay_coords(m: folium.Map, key: str, lang: str = "en") -> dict[str, list]:
    group = next(
        c for c in m._children.values() if isinstance(c, folium.FeatureGroup) and c.layer_name == style.get_style(key).label(lang)
    )
    geojson = next(c for c in group._children.values() if isinstance(c, templating.GeoLayer))
    return {f["properties"]["_tip"]: f["geometry"]["coordinates"] for f in geojson.data["features"]}


@pytest.mark.parametrize("key", ["heritage", "axes", "areas", "core"])
def test_overlays_shift_by_the_gcj_offset_on_gaode_only(layers, key):
    wgs = overlay_coords(webmap.build_map(layers, MapSpec(lang="en", basemap="osm")), key)
    gcj = overlay_coords(webmap.build_map(layers, MapSpec(lang="en", basemap="gaode")), key)
    for name, coords in wgs.items():
        a = np.array(list(_flatten(coords)))
        b = np.array(list(_flatten(gcj[name])))
        lon, lat = datum.from_wgs84(a[:, 0], a[:, 1], "gcj02")
        grid = webcontent.DISPLAY_GRID_DEFAULT + 1e-12  # both sides are rounded to the ~1 m display grid
        np.testing.assert_allclose(b[:, 0], lon, atol=grid, rtol=0)
        np.testing.assert_allclose(b[:, 1], lat, atol=grid, rtol=0)
        # the offset in Beijing is several hundred metres
        assert 0.004 < np.abs(b[:, 0] - a[:, 0]).min() < 0.008
    stored = layers.get(key)
    if key == "heritage":
        row = stored.set_index("name_en").loc["Forbidden City"].geometry
        assert list(wgs["Forbidden City"]) == [row.x, row.y]  # identical, not shifted


def _flatten(coords):
    if isinstance(coords[0], (int, float)):
        yield coords
    else:
        for c in coords:
            yield from _flatten(c)


def test_the_mouse_readout_is_wgs84_on_every_basemap(layers):
    for key, expect in (("gaode", True), ("osm", False)):
        m = webmap.build_map(layers, MapSpec(lang="en", basemap=key))
        mouse = next(c for c in m._children.values() if isinstance(c, webmap.MousePosition))
        assert mouse.gcj is expect


def test_offline_basemap_has_no_tiles(layers):
    m = webmap.build_map(layers, MapSpec(lang="en", basemap="offline"))
    assert not [c for c in m._children.values() if isinstance(c, folium.TileLayer)]


def test_names_are_text_not_markup(layers):
    evil = layers.venues.copy()
    evil.loc[evil.index[0], "name_en"] = "<img src=x onerror=alert(1)>"
    evil.loc[evil.index[0], "plan_sentence"] = "</script><script>alert(2)</script>"
    doc = webcontent.to_display_geojson(evil, "diplomacy", "en", curated=True)
    props = doc["features"][0]["properties"]
    assert props["_tip"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert "<img" not in props["_popup"] and "<script>" not in props["_popup"]
    assert "&lt;/script&gt;&lt;script&gt;alert(2)" in props["_popup"]


def test_popup_card_carries_the_plan_sentence_and_district(layers):
    row = layers.venues.set_index("id").loc["forbidden_city"].to_dict()
    row["id"] = "forbidden_city"
    card = webcontent.popup_html(row, "en")
    assert "Dongcheng" in card and "UNESCO" in card and "Forbidden City" in card and "故宫" in card


def test_point_symbols_follow_the_style(layers):
    m = webmap.build_map(layers, MapSpec(lang="en", basemap="offline"))
    groups = {c.layer_name: c for c in m._children.values() if isinstance(c, folium.FeatureGroup)}
    for s in style.LAYERS:
        geojson = next(c for c in groups[s.label("en")]._children.values() if isinstance(c, templating.GeoLayer))
        if s.kind == "point":
            assert geojson.options["icon"]["html"] == style.marker_svg(s)
            assert len(geojson.data["features"]) == len(layers.get(s.key))
        else:
            assert geojson.options["styles"][""]["color"] == s.color


def test_the_asset_bundle_joins_the_served_files_in_order(tmp_path):
    """The live map loads Leaflet, then one script bundle and one style bundle (no icon requests)."""
    js = [assets.VENDOR_DIR / "leaflet.fullscreen@3.0.0" / "Control.FullScreen.js", assets.VENDOR_DIR / "bem-map" / "bem-map.js"]
    name = assets.write_bundle(js, ".js", tmp_path)
    text = (tmp_path / name).read_text(encoding="utf-8")
    first, second = (p.read_text(encoding="utf-8") for p in js)
    assert text.index(first[:200]) < text.index(second[:200])  # in the order given
    assert assets.write_bundle(js, ".js", tmp_path) == name  # named by content: the same files, the same name
    css = [
        assets.VENDOR_DIR / "leaflet.fullscreen@3.0.0" / "Control.FullScreen.css",
        assets.VENDOR_DIR / "leaflet-minimap@3.6.1" / "Control.MiniMap.min.css",
    ]
    style_text = (tmp_path / assets.write_bundle(css, ".css", tmp_path)).read_text(encoding="utf-8")
    assert "data:image/svg+xml;base64," in style_text
    assert not re.search(r"url\((?!data:)[^)]*\.(svg|png)", style_text)  # no relative image left to fetch


def test_an_unwritable_cache_folder_falls_back_to_single_files(monkeypatch, tmp_path):
    """With nowhere to write the bundle, the map still gets every script and style, one by one."""
    from ui import assets as ui_assets

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setattr(ui_assets, "bundle_dir", lambda: blocked / "assets")
    ui_assets.bundle_links.cache_clear()
    js = ("../leaflet/leaflet.js", "../vendor/bem-map/bem-map.js")
    css = ("../leaflet/leaflet.css", "../vendor/bem-map/bem-map.css")
    try:
        assert ui_assets.bundle_links(js, css) == (list(js), list(css))
    finally:
        ui_assets.bundle_links.cache_clear()


#: a JSON string literal, as ``| tojson`` writes it (data, not code)
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def webmap_scripts(m) -> list[tuple[str, str]]:
    """(class name, rendered script with JSON strings blanked) of every element of ours (geo.mapelements) on ``m``."""
    from geo import mapelements

    templating.render_page(m)
    scripts = m.get_root().script._children
    return [
        (type(e).__name__, JSON_STRING.sub('""', scripts[e.get_name()].render()).strip())
        for e in assets._walk(m)
        if type(e).__module__ == mapelements.__name__
    ]


def test_our_elements_are_glue_calling_bem_map_js(layers):
    """geo.webmap keeps only folium glue: each of its elements renders one statement calling bem-map.js
    (``BEM.*``) with JSON data, and the layer control sorts with ``BEM.layerOrder``; the code is in the file."""
    from geo.mapspec import ALL_LAYERS, shown

    hidden = style.VENUE_CATEGORIES[0]
    spec = MapSpec(lang="en", basemap="gaode", layers=tuple(k for k in ALL_LAYERS if k != hidden))
    m = webmap.build_base_map(layers, spec, lazy_tools=True)
    for group in webmap.venue_groups(shown(layers, spec), spec, fit=(116.3, 39.8, 116.5, 40.0), note="nothing"):
        group.add_to(m)
    control = webmap.layer_control(spec.lang).add_to(m)
    found = webmap_scripts(m)
    a11y_js = JSON_STRING.sub('""', (assets.PACKAGE_DIR / "static" / "page" / "map-a11y.js").read_text("utf-8")).strip()
    for name, code in found:
        if name == "Accessible":  # the map-a11y.js file inlined (the app serves no folder of it), then one call
            assert code.startswith(a11y_js), code[:300]
            code = code.removeprefix(a11y_js).strip()
        call = re.fullmatch(r"(?:\w+\.addLayer\(new )?BEM\.\w+\((.*)\);", code, flags=re.S)
        assert call and not re.search(r"\bfunction\b|=>|\bvar\b|;", call.group(1)), (name, code[:300])
    assert {"LayerPanel", "MousePosition", "MiniMap", "LazyMeasure", "FitView", "MapNote", "_RemoveAfterAdd"} <= {
        name for name, _ in found
    }
    assert re.fullmatch(r"BEM\.layerOrder\(\[.*\]\)", str(control.options["sortFunction"]), flags=re.S)
    bem_map = (assets.VENDOR_DIR / "bem-map" / "bem-map.js").read_text(encoding="utf-8")
    for name in ("layerPanel", "readout", "miniMap", "lazyMeasure", "removeSoon", "layerOrder", "FitView", "Note"):
        assert f"BEM.{name} = " in bem_map, name
