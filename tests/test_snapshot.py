"""Snapshot outputs checked as files: size, DPI, page size, text as text, glyphs, symbol positions, tiles."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from geo import fonts, snapshot, style, tiles, webmap
from geo.mapspec import MapSpec, Page
from geo.views import VIEWS
from tests.tileserver import tile_server

TODAY = dt.date(2026, 11, 27)


def spec(**kw) -> MapSpec:
    """A map spec; ``width_px``/``height_px``/``dpi`` set its page, ``lang`` its label language."""
    page = replace(Page(), **{k: kw.pop(k) for k in ("width_px", "height_px", "dpi") if k in kw})
    if "lang" in kw:
        kw["label_lang"] = kw.pop("lang")
    return replace(MapSpec(today=TODAY), page=page, **kw)


@pytest.fixture(autouse=True)
def private_tile_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BEM_TILE_CACHE", str(tmp_path / "tiles"))


@pytest.mark.parametrize(("w", "h", "dpi"), [(1920, 1080, 150), (800, 600, 300)])
def test_png_has_the_pixel_size_and_dpi(layers, w, h, dpi):
    snap = snapshot.render(layers, spec(width_px=w, height_px=h, dpi=dpi), "png")
    img = Image.open(io.BytesIO(snap.data))
    assert img.size == (w, h)
    assert img.info["dpi"] == pytest.approx((dpi, dpi), abs=0.05)  # PNG stores whole pixels per metre


def test_image_is_not_blank(layers):
    img = np.asarray(Image.open(io.BytesIO(snapshot.render(layers, spec(width_px=800, height_px=600), "png").data)))
    colours = {tuple(px) for px in img.reshape(-1, img.shape[-1])[::37]}
    assert len(colours) > 50


@pytest.mark.parametrize(
    ("paper", "points"), [("a4-landscape", (841.9, 595.3)), ("a4-portrait", (595.3, 841.9)), ("a3-landscape", (1190.6, 841.9))]
)
def test_pdf_page_size(layers, paper, points):
    w, h = snapshot.paper_size(paper, 300)
    data = snapshot.render(layers, spec(width_px=w, height_px=h, dpi=300, bbox=VIEWS["core"].bbox), "pdf").data
    box = [float(v) for v in re.search(rb"/MediaBox\s*\[\s*([\d.\s]+)\]", data).group(1).split()]
    assert box[2:] == pytest.approx(points, abs=1.0)


def test_pdf_and_svg_keep_text_as_text(layers):
    title = "北京国际交往 Snapshot 标题"
    s = spec(width_px=1200, height_px=800, title=title, lang="both", bbox=VIEWS["central-axis"].bbox)
    pdf = snapshot.render(layers, s, "pdf").data
    assert b"/Type0" in pdf and b"/FontFile" in pdf  # embedded, subsetted fonts: text, not outlines
    assert re.search(rb"/BaseFont\s*/\w+\+(NotoSansCJK|BEMSansSC)", pdf)
    svg = snapshot.render(layers, replace(s, page=replace(s.page, svg_text=True)), "svg").data.decode("utf-8")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert title in texts
    assert any("故宫" in t for t in texts) and any("Forbidden City" in t for t in texts)
    # by default an SVG is self-contained: text as outlines, no font needed where it is opened
    portable = snapshot.render(layers, s, "svg").data.decode("utf-8")
    assert "<text" not in portable and "font-family" not in portable


def test_chinese_glyphs_come_from_a_cjk_font():
    for char in "北京中轴线永定门":
        path = fonts.font_file_for(char)
        assert "CJK" in path.name or path.name == fonts.SHIPPED_FONT.name, path
    assert fonts.SHIPPED_FONT.exists()  # a fresh machine has at least the shipped subset


def test_the_shipped_font_covers_every_character_we_print():
    from matplotlib.ft2font import FT2Font

    charmap = FT2Font(str(fonts.SHIPPED_FONT)).get_charmap()
    import json

    from tests.conftest import ROOT

    text = "".join(
        json.dumps(json.loads(p.read_text(encoding="utf-8")), ensure_ascii=False) for p in (ROOT / "data").glob("*.geojson")
    )
    text += (ROOT / "data" / "venues.csv").read_text(encoding="utf-8-sig")  # the curated table
    missing = {c for c in text if "\u4e00" <= c <= "\u9fff" and ord(c) not in charmap}
    assert not missing


def venue_pixels(snap, layers, key):
    gdf = layers.get(key)
    return [snap.transform(x, y) for x, y in zip(gdf.geometry.x, gdf.geometry.y)]


@pytest.mark.parametrize("basemap", ["offline", "gaode"])
def test_venue_symbols_land_where_their_coordinates_project(layers, basemap, monkeypatch):
    """Draw only the aviation hubs (black triangles) and find them in the pixels."""
    monkeypatch.setenv("BEM_TILE_MIRROR", "http://127.0.0.1:9")  # unreachable: vector only
    s = spec(
        width_px=1000,
        height_px=800,
        layers=("aviation",),
        basemap=basemap,
        bbox=VIEWS["airports"].bbox,
        furniture=snapshot.Furniture(
            legend=False,
            scale_bar=False,
            north_arrow=False,
            attribution=False,
            date=False,
            source=False,
            labels=False,
            inset=False,
            locator=False,
        ),
        title="",
    )
    snap = snapshot.render(layers, s, "png")
    img = np.asarray(Image.open(io.BytesIO(snap.data)).convert("RGB")).astype(int)
    dark = img.sum(axis=2) < 60
    for px, py in venue_pixels(snap, layers, "aviation"):
        x, y = round(px), round(py)
        assert dark[y - 4 : y + 5, x - 4 : x + 5].mean() > 0.5, (basemap, px, py)
        assert not dark[y - 40 : y - 25, x - 40 : x - 25].any()  # and not everywhere


def test_gcj_basemap_shifts_the_symbols_by_the_datum_offset(layers, monkeypatch):
    monkeypatch.setenv("BEM_TILE_MIRROR", "http://127.0.0.1:9")
    s = spec(width_px=1000, height_px=800, bbox=VIEWS["core"].bbox)
    wgs = snapshot.render(layers, replace(s, basemap="offline"), "png")
    gcj = snapshot.render(layers, replace(s, basemap="gaode"), "png")
    # the view (WGS-84 bbox) is shifted with the overlays, so the symbols keep their pixels
    assert gcj.transform(116.3907, 39.9166) == pytest.approx(wgs.transform(116.3907, 39.9166), abs=1.0)


def test_tiles_from_a_local_server_are_drawn_and_cached(layers, monkeypatch):
    with tile_server((116.391083, 39.907333)) as (url, requests):
        monkeypatch.setenv("BEM_TILE_MIRROR", url)
        s = spec(
            width_px=800,
            height_px=600,
            basemap="osm",
            bbox=VIEWS["central-axis"].bbox,
            layers=(),
            furniture=snapshot.Furniture(
                legend=False,
                scale_bar=False,
                north_arrow=False,
                attribution=False,
                date=False,
                source=False,
                labels=False,
                inset=False,
                locator=False,
            ),
            title="",
        )
        first = snapshot.render(layers, s, "png")
        n = len(requests)
        second = snapshot.render(layers, s, "png")
    assert first.basemap_ok is True and not first.notes
    assert n > 4 and len(requests) == n  # the second render came from the cache
    img = np.asarray(Image.open(io.BytesIO(second.data)).convert("RGB")).astype(int)
    red = (img[:, :, 0] > 230) & (img[:, :, 1] < 40) & (img[:, :, 2] < 40)
    ys, xs = np.nonzero(red)
    px, py = second.transform(116.391083, 39.907333)
    assert abs(np.median(xs) - px) < 3 and abs(np.median(ys) - py) < 3  # the tile's cross is at Tiananmen


def test_unreachable_tile_server_degrades_quickly_and_says_so(layers, monkeypatch):
    monkeypatch.setenv("BEM_TILE_MIRROR", "http://127.0.0.1:9")  # nothing listens on port 9
    start = time.monotonic()
    snap = snapshot.render(layers, spec(width_px=800, height_px=600, basemap="osm"), "png")
    assert time.monotonic() - start < tiles.PROBE_TIMEOUT_S + 5
    assert snap.basemap_ok is False
    assert any("无法访问" in n for n in snap.notes)
    img = np.asarray(Image.open(io.BytesIO(snap.data)).convert("RGB")).astype(int)
    note_red = (abs(img[:, :, 0] - 0xB0) < 20) & (img[:, :, 1] < 40) & (img[:, :, 2] < 60)
    assert note_red.sum() > 100  # the note is on the image


def test_a_slow_tile_server_is_cut_off(layers, monkeypatch):
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)  # accepts connections, never answers
    monkeypatch.setenv("BEM_TILE_MIRROR", f"http://127.0.0.1:{server.getsockname()[1]}")
    try:
        start = time.monotonic()
        snap = snapshot.render(layers, spec(width_px=600, height_px=400, basemap="light"), "png")
        assert time.monotonic() - start < tiles.PROBE_TIMEOUT_S + 5
        assert snap.basemap_ok is False
    finally:
        server.close()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"width_px": 10}, "too small"),
        ({"width_px": 20000, "height_px": 20000}, "too large"),
        ({"dpi": 5}, "dpi"),
        ({"lang": "fr"}, "lang"),
        ({"layers": ("nope",)}, "unknown layer"),
        ({"basemap": "bing"}, "unknown basemap"),
        ({"bbox": (117, 40, 116, 39)}, "empty bbox"),
    ],
)
def test_impossible_requests_are_refused(layers, kwargs, message):
    with pytest.raises(snapshot.SnapshotError, match=message):
        snapshot.render(layers, spec(**kwargs), "png")


def test_legend_lists_only_visible_layers(layers):
    s = spec(width_px=1000, height_px=700, layers=("core", "aviation"), lang="en")
    svg = snapshot.render(layers, replace(s, page=replace(s.page, svg_text=True)), "svg").data.decode("utf-8")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert style.get_style("core").label_en in texts and style.get_style("aviation").label_en in texts
    assert style.get_style("heritage").label_en not in texts


def test_one_label_priority_for_the_live_map_and_the_snapshot():
    imported = style.imported_style(0, "sites", "point", "#123456", "circle")
    for s in (*style.LAYERS, imported):
        assert webmap.label_priority(s) == style.label_priority(s)
    p = {s.key: style.label_priority(s) for s in style.LAYERS}
    plan = [p[k] for k in ("diplomacy", "exhibition", "culture", "aviation")]
    assert min(plan) > p["heritage"] > p["areas"]  # plan venues > Central Axis components > areas


def test_snapshot_symbols_rank_their_labels_as_the_live_map_does(layers):
    """Who gets the better place in a snapshot is who keeps its label on the live map (an imported point too)."""
    from matplotlib.figure import Figure

    from geo import imports, mapspec

    data = (
        b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"site"},'
        b'"geometry":{"type":"Point","coordinates":[116.30,39.95]}}]}'
    )
    layer = imports.as_layer(
        imports.read_file("site.geojson", data, known=layers.venues, boundary=layers.boundary.union_all()), 0, "#7B00FF", "square"
    )
    s = MapSpec(layers=(*mapspec.ALL_LAYERS, layer.key), imported=(layer,), label_lang="zh")
    result = mapspec.shown(layers, s)
    ax = Figure().add_axes((0, 0, 1, 1))
    rows = snapshot.draw_layers(ax, layers, result, s.extra_styles, {x.key: x.gdf for x in result.imported}, "wgs84", 1.0, "zh")
    expected = {
        name: webmap.label_priority(style.get_style(cat))
        for name, cat in zip(layers.venues["name_zh"], layers.venues["category"])
    }
    assert {r.label: r.priority for r in rows} == {**expected, "site": webmap.label_priority(layer.style)}
