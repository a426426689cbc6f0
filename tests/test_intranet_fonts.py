"""Chinese on a client with no CJK font, and every geometry kind of a layer in its colour.

The app serves its own CJK font (``static/``, built by scripts/build_font.py from the shipped subset): the
Streamlit page names it in ``[[theme.fontFaces]]``, the map's frame in bem-map-head.css, a standalone export
embeds a subset. The browser tests run Chromium on a fontconfig that knows one Latin font (DejaVu Sans) and
with every request beyond 127.0.0.1 refused, so a Chinese word shows only if the app's font reaches it.

A layer mixing areas, lines and points (an import, a sketch) draws each kind in the layer's colour on the live
map, in snapshots and in both legends; no Leaflet image marker is ever asked for.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tomllib
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PIL import Image

from geo import fonts, i18n, imports, snapshot, style, views, webcontent
from geo.browser import launch
from geo.imports.layer import ImportedLayer
from geo.mapspec import MapSpec, Page
from tests.conftest import ROOT

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
FAMILY = "BEM Sans SC"  # geo.fonts.SHIPPED_FAMILY
WEB_FONT_NAME = "BEMSansSC-Regular.woff"  # geo.WEB_FONT_NAME
MAP_FONT_URL = f"../../app/static/{WEB_FONT_NAME}"  # geo.MAP_FONT_URL: the map frame's URL of it
WEB_FONT = ROOT / "static" / WEB_FONT_NAME
COLOUR = "#D55E00"  # the import panel's first colour (style.IMPORT_COLOURS[0])


# --- the font's coverage (fontTools) -------------------------------------------------------------------------


def cmap_of(path: Path) -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(str(path)).getBestCmap())


def our_text() -> str:
    """Every string the app shows from its own sources: the catalogue (i18n, terms, import messages), the layer
    and view names, the data's properties (data/*.geojson) and the curated table (data/venues.csv)."""
    from geo import import_messages

    text = [json.dumps(i18n._STRINGS, ensure_ascii=False), json.dumps(i18n._TERMS, ensure_ascii=False)]
    text.append(json.dumps(getattr(import_messages, "MESSAGES", {}), ensure_ascii=False))
    text.append((ROOT / "geo" / "import_messages.py").read_text(encoding="utf-8"))
    text += [s.label_zh for s in style.LAYERS] + [v.name_zh for v in views.VIEWS.values()]
    for path in sorted((ROOT / "data").glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            text.extend(str(v) for v in feature["properties"].values())
    text.append((ROOT / "data" / "venues.csv").read_text(encoding="utf-8-sig"))
    return "".join(text)


def test_the_served_font_has_every_character_of_the_catalogue_and_the_data():
    pytest.importorskip("fontTools")
    chars = {c for c in our_text() if not c.isspace() and c.isprintable()}
    assert any("\u4e00" <= c <= "\u9fff" for c in chars)  # the text read is the Chinese one
    for path in (fonts.SHIPPED_FONT, WEB_FONT):
        cmap = cmap_of(path)
        missing = sorted(c for c in chars if ord(c) not in cmap)
        assert missing == [], f"{path.name} lacks {''.join(missing)!r}: rebuild it with scripts/build_font.py"
    assert cmap_of(WEB_FONT) == cmap_of(fonts.SHIPPED_FONT)  # the WOFF is the shipped font, compressed
    assert WEB_FONT.stat().st_size < 3_000_000  # WOFF: the browser downloads 2.4 MB, not the 4.2 MB TrueType


def test_the_page_and_the_map_name_the_served_font():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableStaticServing"] is True
    faces = {face["family"]: face["url"] for face in config["theme"]["fontFaces"]}
    assert faces[FAMILY] == f"app/static/{WEB_FONT_NAME}" and WEB_FONT.is_file()
    assert FAMILY in config["theme"]["font"]
    head = (ROOT / "geo" / "static" / "vendor" / "bem-map" / "bem-map-head.css").read_text(encoding="utf-8")
    assert f'url("{MAP_FONT_URL}")' in head and f'"{FAMILY}"' in head


def test_the_standalone_export_embeds_the_font_it_needs(layers):
    from geo import io as gio

    page = gio.export_html(layers, MapSpec())
    assert MAP_FONT_URL not in page  # nothing to fetch from a server the file does not have
    start = page.index("data:font/woff;base64,") + len("data:font/woff;base64,")
    import base64

    from fontTools.ttLib import TTFont

    data = base64.b64decode(page[start : page.index('"', start)])
    assert len(data) < 600_000  # a subset: the characters of this page, not the whole font
    cmap = set(TTFont(io.BytesIO(data)).getBestCmap())
    hanzi = {c for c in fonts.page_chars(page) if "\u4e00" <= c <= "\u9fff"}
    assert len(hanzi) > 200 and {c for c in hanzi if ord(c) not in cmap} <= {
        c for c in hanzi if ord(c) not in cmap_of(fonts.SHIPPED_FONT)
    }


# --- a layer of several geometry kinds: styles, legends, snapshot ------------------------------------------


def mixed_gdf(points: int = 2) -> gpd.GeoDataFrame:
    """An area, a line and ``points`` points near Tiananmen (with 2 points the most common kind is point)."""
    geoms = [
        shapely.box(116.36, 39.90, 116.38, 39.915),
        shapely.LineString([(116.36, 39.935), (116.40, 39.935)]),
        *[shapely.Point(116.41, 39.925 - 0.01 * i) for i in range(points)],
    ]
    names = ["area", "route", *[f"spot{i}" for i in range(points)]]
    return gpd.GeoDataFrame({"name": names}, geometry=geoms, crs="EPSG:4326")


def mixed_layer(colour: str = COLOUR) -> ImportedLayer:
    """``mixed_gdf`` imported as a planner's file is: read, then made a layer in ``colour``."""
    result = imports.read_file("mixed.geojson", mixed_gdf().to_json().encode("utf-8"))
    return imports.as_layer(result, 0, colour, "square", "name")


def test_each_kind_of_a_mixed_layer_has_its_style_in_the_layer_colour():
    s = mixed_layer().style
    assert s.kind == "point" and s.all_kinds() == ("polygon", "line", "point")
    assert style.layer_colour(style.for_kind(s, "point")) == COLOUR
    assert style.for_kind(s, "line").color == COLOUR and style.for_kind(s, "polygon").fill_color == COLOUR
    svg = webcontent.legend_symbol_svg(s)
    assert svg.count("<svg") == 2 and "<rect" in svg and "<path" in svg  # an area, a line, the point symbol
    assert svg.count(COLOUR) >= 3


def magenta_runs(img: np.ndarray) -> int:
    """How many separate runs of columns hold the layer's colour (#FF00FF)."""
    mask = (img[:, :, 0] > 200) & (img[:, :, 1] < 80) & (img[:, :, 2] > 200)
    cols = mask.any(axis=0)
    return int(np.sum(cols[1:] & ~cols[:-1]) + cols[0])


def test_a_snapshot_draws_each_kind_in_the_layer_colour_and_the_legend_has_a_symbol_each(layers, artifacts):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    layer = mixed_layer("#FF00FF")
    spec = replace(
        MapSpec(),
        imported=(layer,),
        layers=(layer.key,),
        bbox=(116.34, 39.89, 116.43, 39.945),
        page=replace(Page(), width_px=900, height_px=700),
    )
    snap = snapshot.render(layers, spec, "png")
    (artifacts / "snapshot-mixed-kinds.png").write_bytes(snap.data)
    img = np.asarray(Image.open(io.BytesIO(snap.data)).convert("RGB")).astype(int)

    def colour_near(lon: float, lat: float, r: int = 3) -> bool:
        x, y = (round(v) for v in snap.transform(lon, lat))
        patch = img[y - r : y + r + 1, x - r : x + r + 1]
        return bool(((patch[:, :, 0] > 200) & (patch[:, :, 1] < 80) & (patch[:, :, 2] > 200)).any())

    assert colour_near(116.36, 39.9075)  # the area's outline (its west edge)
    inside = img[tuple(reversed([round(v) for v in snap.transform(116.37, 39.9075)]))]
    assert inside[0] > inside[1] + 40 and inside[2] > inside[1] + 40  # its fill: the colour, light
    assert colour_near(116.38, 39.935)  # the line
    assert colour_near(116.41, 39.925) and colour_near(116.41, 39.915)  # the point symbols (filled with it)
    # the legend alone: one row, three symbols in the colour side by side
    fig = Figure(figsize=(3, 1), dpi=150)
    FigureCanvasAgg(fig)
    snapshot._make_legend(fig, [layer.key], "en", 10, 150 / 96, spec.extra_styles)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    (artifacts / "snapshot-mixed-legend.png").write_bytes(buf.getvalue())
    assert magenta_runs(np.asarray(Image.open(buf).convert("RGB")).astype(int)) == 3


# --- the browser: a profile with no CJK font ---------------------------------------------------------------

LATIN_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture(scope="module")
def latin_browser(playwright_session, tmp_path_factory):
    """Chromium whose fontconfig knows DejaVu Sans only (no CJK font at all)."""
    if not LATIN_FONT.exists():
        pytest.fail(f"{LATIN_FONT} is missing: scripts/test.sh installs Debian's fonts-dejavu-core")
    root = tmp_path_factory.mktemp("latin-fonts")
    (root / "fonts").mkdir()
    shutil.copy(LATIN_FONT, root / "fonts" / LATIN_FONT.name)
    conf = root / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{root / 'fonts'}</dir><cachedir>{root / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    b = launch(playwright_session, env={**os.environ, "FONTCONFIG_FILE": str(conf)})
    yield b
    b.close()


class Visit:
    """A page of ``latin_browser`` with every request beyond loopback refused and every response recorded."""

    def __init__(self, browser, size=(1280, 720)):
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        self.refused: list[str] = []
        self.responses: list[tuple[int, str]] = []
        self.context.route(lambda url: self._remote(url), lambda route: route.abort())
        self.page = self.context.new_page()
        self.page.on("response", lambda r: self.responses.append((r.status, r.url)))

    def _remote(self, url: str) -> bool:
        parts = urlparse(url)
        remote = parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS
        if remote:
            self.refused.append(url)
        return remote

    def failed(self) -> list[tuple[int, str]]:
        return [(status, url) for status, url in self.responses if status >= 400]

    def close(self):
        self.context.close()


# Chinese drawn in ``font`` on a canvas, glyph by glyph: two different characters drawn as boxes (the font has no
# glyph) give the same pixels; real glyphs differ from each other and from that box
GLYPHS_JS = """([font, chars]) => chars.map(ch => {
  const c = document.createElement('canvas'); c.width = 48; c.height = 48;
  const g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, 48, 48);
  g.fillStyle = '#000'; g.font = '32px ' + font; g.textBaseline = 'middle'; g.fillText(ch, 4, 24);
  return c.toDataURL(); })"""

FONT_LOADED_JS = """family => document.fonts.ready.then(() => document.fonts.load('16px "' + family + '"', '北京'))
  .then(() => ({check: document.fonts.check('16px "' + family + '"', '北京'),
    loaded: [...document.fonts].filter(f => f.family.replace(/"/g, '') === family && f.status === 'loaded').length}))"""


def assert_chinese_is_drawn(where, font: str) -> None:
    """In ``where`` (page or frame), the served font is loaded and ``font`` draws Chinese, not boxes."""
    state = where.evaluate(FONT_LOADED_JS, FAMILY)
    assert state["check"] and state["loaded"] >= 1, state
    bei, jing = where.evaluate(GLYPHS_JS, [font, ["北", "京"]])
    box_bei, box_jing = where.evaluate(GLYPHS_JS, ['"DejaVu Sans"', ["北", "京"]])
    assert box_bei == box_jing  # the profile really has no CJK font: without ours both are the same box
    assert bei != jing and bei != box_bei, f"{font} draws Chinese as boxes"


@pytest.mark.browser
def test_chinese_shows_in_the_page_and_the_map_with_no_cjk_font(latin_browser, app_url, artifacts):
    from tests.test_browser import map_frame, wait_network_quiet

    visit = Visit(latin_browser)
    page = visit.page
    try:
        page.goto(f"{app_url}/?basemap=offline&lang=zh")
        frame = map_frame(page)
        page.locator('[data-testid="stSidebar"] p').first.wait_for()
        sidebar_font = page.evaluate(
            'getComputedStyle(document.querySelector(\'[data-testid="stSidebar"] p, [data-testid="stSidebar"] label\')).fontFamily'
        )
        assert FAMILY in sidebar_font
        assert_chinese_is_drawn(page, sidebar_font)
        panel_font = frame.evaluate("getComputedStyle(document.querySelector('.bem-panel-title')).fontFamily")
        assert FAMILY in panel_font
        assert_chinese_is_drawn(frame, panel_font)
        wait_network_quiet(page)
        page.screenshot(path=str(artifacts / "fonts-no-cjk-zh-1280.png"))
    finally:
        visit.close()
    assert visit.refused == [] and visit.failed() == []
    assert any(url.endswith(f"/app/static/{WEB_FONT_NAME}") for status, url in visit.responses if status < 400)


@pytest.mark.browser
def test_the_standalone_export_shows_chinese_with_no_cjk_font_and_no_network(latin_browser, layers, tmp_path):
    from geo import io as gio

    path = tmp_path / "map.html"
    path.write_text(gio.export_html(layers, MapSpec()), encoding="utf-8")
    visit = Visit(latin_browser)
    try:
        visit.page.goto(path.as_uri())
        visit.page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 20")
        font = visit.page.evaluate("getComputedStyle(document.querySelector('.bem-panel-title')).fontFamily")
        assert_chinese_is_drawn(visit.page, font)
    finally:
        visit.close()
    assert [u for _, u in visit.responses if not u.startswith(("file:", "data:"))] == []


def write_mixed_geojson(path: Path) -> Path:
    path.write_text(mixed_gdf().to_json(), encoding="utf-8")
    return path


# every imported feature drawn: its geometry type and the style Leaflet drew it with
DRAWN_JS = """names => { const out = [];
  map_div.eachLayer(l => { const p = l.feature && l.feature.properties;
    if (!p || names.indexOf(p._tip) < 0) return;
    const icon = l.options.icon;
    out.push({name: p._tip, type: l.feature.geometry.type, color: l.options.color || null,
      fillColor: l.options.fillColor || null, fill: l.options.fill === undefined ? null : l.options.fill,
      icon: icon ? (icon.options.html || '') : null, defaultIcon: !!icon && icon instanceof L.Icon.Default}); });
  return out; }"""


@pytest.mark.browser
def test_a_mixed_import_draws_every_kind_in_its_colour_with_no_failed_request(latin_browser, app_url, artifacts, tmp_path):
    from tests.test_browser import map_frame, map_with_legend, wait_network_quiet

    upload = write_mixed_geojson(tmp_path / "mixed.geojson")
    visit = Visit(latin_browser, size=(1400, 1000))
    page = visit.page
    try:
        page.goto(f"{app_url}/?basemap=offline&lang=en&c=39.915,116.39&z=13")
        map_frame(page)
        page.get_by_text("Import your own data").click()
        page.locator('section[data-testid="stFileUploaderDropzone"] input[type="file"]').set_input_files(str(upload))
        page.get_by_text("4 read, 4 loaded").wait_for(timeout=30000)
        page.get_by_role("button", name="Add to the map").click()
        frame = map_with_legend(page, "Imported: mixed.geojson")
        names = ["area", "route", "spot0", "spot1"]
        frame.wait_for_function(f"({DRAWN_JS})({json.dumps(names)}).length === 4", timeout=30000)
        drawn = {d["name"]: d for d in frame.evaluate(DRAWN_JS, names)}
        area, route = drawn["area"], drawn["route"]
        assert (area["type"], area["color"], area["fillColor"]) == ("Polygon", COLOUR, COLOUR)
        assert (route["type"], route["color"]) == ("LineString", COLOUR)
        for spot in ("spot0", "spot1"):
            assert drawn[spot]["icon"] and f'fill="{COLOUR}"' in drawn[spot]["icon"] and not drawn[spot]["defaultIcon"]
        row = frame.locator(".bem-panel .row", has_text="Imported: mixed.geojson")
        assert row.locator("svg.bem-kinds > svg, svg.bem-kinds > rect, svg.bem-kinds > path").count() == 3
        # Leaflet's default marker (the drawing tool's) is an inline SVG too: no marker-icon.png asked for
        tag = frame.evaluate("() => { const m = L.marker(map_div.getCenter()).addTo(map_div); return m._icon.tagName; }")
        assert tag == "DIV"
        wait_network_quiet(page)
        page.screenshot(path=str(artifacts / "import-mixed-kinds-en.png"))
    finally:
        visit.close()
    assert visit.failed() == [] and visit.refused == []
    assert not [u for _, u in visit.responses if "marker-icon" in u or "marker-shadow" in u]
