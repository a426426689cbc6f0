"""The standalone HTML story: one file that presents a story's chapters with no network at all.

Python only gathers the page's data (each chapter's words, extent, features, legend and labels; the boundary as
the offline basemap; the page's strings from the catalogue) and puts it into the page as JSON in a
``<script type="application/json">`` block; the browser code (geo/static/story/story.js and story.css) builds
the page from it with ``textContent`` only, so no chapter title or caption can become markup. Leaflet is
inlined from the copy the app serves and the Chinese font subset the page needs is embedded, as the standalone
map export does (geo.io.export_html). The app's present mode (ui/present.py) shows this same page.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from pathlib import Path

import geopandas as gpd
import shapely

from geo import assets, fonts, i18n, mapspec, safe, style, webcontent
from geo import story as stories
from geo.data import Layers
from geo.mapspec import MapSpec

STATIC_DIR = Path(__file__).resolve().parent / "static" / "story"
PAGE_STRINGS = (
    "story_next",
    "story_prev",
    "story_progress",
    "story_goto",
    "story_legend",
    "story_map",
    "story_nav",
    "story_keys",
    "story_exit",
    "zoom_in",
    "zoom_out",
)
#: the page's strings for a story in both languages: "下一章 / Next chapter"
BOTH_SEP = " / "
POINT_KINDS = ("point",)


def page_lang(story: stories.Story, lang: str) -> str:
    """The language the page speaks: the story's, else the reader's (zh, en or both)."""
    chosen = story.lang or lang
    return chosen if chosen in (*i18n.LANGS, "both") else i18n.DEFAULT_LANG


def text(key: str, lang: str) -> str:
    """A catalogue string in ``lang``; in both languages for a story told in both."""
    if lang == "both":
        return BOTH_SEP.join(dict.fromkeys(i18n.t(key, one) for one in i18n.LANGS))
    return i18n.t(key, lang)


# --- what a chapter shows ------------------------------------------------------------------------------------


def svg_uri(svg: str) -> str:
    """An SVG as a data URI (an <img> or a Leaflet icon reads it: no markup goes into the page's DOM)."""
    if "xmlns=" not in svg:
        svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return "data:image/svg+xml;charset=utf-8," + urllib.parse.quote(svg)


def _features(gdf: gpd.GeoDataFrame, key: str, labels: str) -> dict:
    """The layer's display GeoJSON (simplified like the live map's, ~1 m grid) with each feature's name as text."""
    tolerance = webcontent.DISPLAY_SIMPLIFY.get(key)
    geoms = gdf.geometry.simplify(tolerance, preserve_topology=True).values if tolerance else gdf.geometry.values
    geoms = shapely.set_precision(geoms, webcontent.DISPLAY_GRID.get(key, webcontent.DISPLAY_GRID_DEFAULT), mode="pointwise")
    features = []
    for (_, row), geom in zip(gdf.iterrows(), geoms):
        props = {"name": _name(row, labels, key)}
        if key == "axes" and row.get("segment") is not None:
            props["segment"] = str(row["segment"])
        features.append({"type": "Feature", "properties": props, "geometry": geom.__geo_interface__})
    return {"type": "FeatureCollection", "features": features}


def _name(row, labels: str, key: str) -> str:
    if "name_zh" not in row or "name_en" not in row:
        return ""
    return style.label_text(str(row["name_zh"]), str(row["name_en"]), labels).replace("\n", " / ")


def layer_look(key: str, data: dict) -> dict:
    """How a layer is drawn: the live map's Leaflet styles (by segment and kind) and its point symbol."""
    s = style.get_style(key)
    look = {"styles": webcontent.layer_styles(s, data), "z": s.z, "p": style.label_priority(s)}
    if s.kind in POINT_KINDS or "point" in style.kinds_of(f["geometry"]["type"] for f in data["features"]):
        icon = webcontent.point_icon(s)
        look["icon"] = {"url": svg_uri(icon["html"]), "size": icon["iconSize"], "anchor": icon["iconAnchor"]}
    return look


class Collections:
    """Every distinct set of features the chapters draw, stored once (three chapters of the same layer share it)."""

    def __init__(self) -> None:
        self.items: dict[str, dict] = {}

    def add(self, key: str, gdf: gpd.GeoDataFrame, labels: str) -> str:
        ids = ",".join(map(str, gdf["id"])) if "id" in gdf else str(len(gdf))
        ref = hashlib.sha256(f"{key}|{labels}|{ids}".encode()).hexdigest()[:12]
        if ref not in self.items:
            data = _features(gdf, key, labels)
            self.items[ref] = {"layer": key, "data": data, **layer_look(key, data)}
        return ref


def legend(view: mapspec.InView, lang: str) -> list[dict]:
    """The chapter's compact legend: one row per symbol drawn in its frame (variants only where drawn)."""
    frames = {k: v for k, v in view.features.items() if k in style.STYLES}
    rows = mapspec.legend_rows(list(view.drawn), None, mapspec.present_variants(frames))
    return [
        {"svg": svg_uri(webcontent.legend_symbol_svg(style.get_style(r.key), r.variant)), "label": r.label(lang)} for r in rows
    ]


def labels(view: mapspec.InView, labels_lang: str) -> list[dict]:
    """The chapter's labels: every point feature in its frame, by the live map's priority (highest first)."""
    out = []
    for key, gdf in view.features.items():
        s = style.get_style(key)
        if s.kind not in POINT_KINDS:
            continue
        for (_, row), pt in zip(gdf.iterrows(), gdf.geometry.representative_point()):
            out.append(
                {"text": _name(row, labels_lang, key), "lat": round(pt.y, 6), "lon": round(pt.x, 6), "p": style.label_priority(s)}
            )
    return sorted((lab for lab in out if lab["text"]), key=lambda lab: -lab["p"])


def bounds(bbox) -> list[list[float]]:
    minlon, minlat, maxlon, maxlat = bbox
    return [[minlat, minlon], [maxlat, maxlon]]


def _layer_frame(layers: Layers, result: mapspec.Shown, key: str) -> gpd.GeoDataFrame | None:
    """What a chapter draws of layer ``key``, anywhere (the flight passes over its neighbours too)."""
    if key in style.VENUE_CATEGORIES:
        return result.venues[result.venues["category"] == key]
    return result.layout.get(key) if key not in mapspec.CONTEXT else layers.get(key)


def chapter_data(layers: Layers, shown: stories.Shown, store: Collections, lang: str) -> dict:
    """One chapter as the page reads it."""
    spec = shown.spec
    view = mapspec.in_view(layers, spec)
    result = view.result
    drawn = []
    for key in result.visible:
        if key == "boundary" or key not in style.STYLES:
            continue
        gdf = _layer_frame(layers, result, key)
        if gdf is not None and len(gdf):
            drawn.append(store.add(key, gdf, spec.labels))
    selected = None
    if result.selected is not None and not result.selected.empty:
        pt = result.selected.geometry.iloc[0].representative_point()
        selected = [round(pt.y, 6), round(pt.x, 6)]
    return {
        "n": shown.n,
        "title": shown.title,
        "caption": shown.caption,
        "bounds": bounds(spec.bbox),
        "layers": drawn,
        "legend": legend(view, spec.labels if lang == "both" else spec.lang),
        "labels": labels(view, spec.labels),
        "selected": selected,
    }


# --- the page -------------------------------------------------------------------------------------------------


def page_data(layers: Layers, story: stories.Story, base: MapSpec, lang: str, exits: list[str] | None = None) -> dict:
    """Everything the page shows, as JSON-ready data (``exits``: where Esc leaves to from each chapter, in the app)."""
    lang = page_lang(story, lang)
    shown = stories.chapters(layers, story, base, lang)
    store = Collections()
    chapters = [chapter_data(layers, s, store, lang) for s in shown]
    boundary = _features(layers.boundary, "boundary", "zh")
    return {
        "lang": lang,
        "title": safe.plain(story.title) or text("app_title", lang),
        "review": safe.plain(story.review),
        "chapters": chapters,
        "collections": store.items,
        "boundary": {"data": boundary, "style": webcontent.leaflet_style(style.stroke(style.get_style("boundary")))},
        "selection": {"color": style.SELECTION.color, "weight": style.SELECTION.weight, "radius": style.SELECTION_RADIUS},
        "strings": {key: text(key, lang) for key in PAGE_STRINGS},
        "exits": exits or [],
    }


def script_json(data: object) -> str:
    """JSON for a ``<script type="application/json">`` block: every ``<``, ``>`` and ``&`` escaped, so no
    visitor's text can close the block (``</script>``) or open a comment."""
    out = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        out = out.replace(char, escaped)
    return out


def _inline(code: str) -> str:
    """Code for an inline <script>/<style>: a ``</`` inside it would end the element."""
    return code.replace("</script", "<\\/script").replace("</style", "<\\/style")


def html_lang(lang: str) -> str:
    return "en" if lang == "en" else "zh-CN"


def render(data: dict) -> str:
    """The page around ``data``: Leaflet, story.css and story.js inlined, the CJK font subset it needs embedded."""
    leaflet_css = assets._inline_css(assets.LEAFLET_DIR / assets.LEAFLET_CSS)
    css = (STATIC_DIR / "story.css").read_text("utf-8")
    js = (STATIC_DIR / "story.js").read_text("utf-8")
    leaflet_js = (assets.LEAFLET_DIR / assets.LEAFLET_JS).read_text("utf-8")
    title = safe.html_text(data["title"])
    page = (
        f'<!DOCTYPE html>\n<html lang="{html_lang(data["lang"])}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:\">\n"
        f"<title>{title}</title>\n<style>{_inline(leaflet_css)}</style>\n<style>{_inline(css)}</style>\n</head>\n"
        f'<body>\n<script type="application/json" id="bem-story-data">{script_json(data)}</script>\n'
        f"<script>{_inline(leaflet_js)}</script>\n<script>{_inline(js)}</script>\n</body>\n</html>\n"
    )
    return embed_font(page, data)


def embed_font(page: str, data: dict) -> str:
    """The page with its @font-face pointing at a data URI of the shipped font cut to the characters it shows."""
    words = json.dumps(data, ensure_ascii=False)
    target = f'url("{fonts.MAP_FONT_URL}")'
    if target not in page:
        return page
    subset = fonts.web_subset(fonts.page_chars(words))
    import base64

    return page.replace(target, f'url("data:font/woff;base64,{base64.b64encode(subset).decode("ascii")}")')


def write(layers: Layers, story: stories.Story, base_spec: MapSpec, lang: str = "", exits: list[str] | None = None) -> bytes:
    """The standalone HTML story of ``story`` (``base_spec``: page and furniture; ``lang``: zh, en or both)."""
    return render(page_data(layers, story, base_spec, lang, exits)).encode("utf-8")
