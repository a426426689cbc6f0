"""The standalone HTML story: one file that presents a story's chapters with no network at all.

Python only gathers the page's data (each chapter's words, extent, features, legend and labels; the boundary as
the offline basemap; the page's strings from the catalogue) and puts it into the page as JSON in a
``<script type="application/json">`` block; the browser code (geo/static/story/story.js and story.css) builds
the page from it with ``textContent`` only, so no chapter title or caption can become markup. Leaflet is
inlined from the copy the app serves and the Chinese font subset the page needs is embedded, as the standalone
map export does (geo.io.export_html). The app's present mode (ui/present.py) shows this same page.

Basemaps: the standalone file draws the boundary only (its credit line says so). In present mode the app passes
:class:`Served` (where it serves the local file's tiles, the Tianditu key): a chapter's basemap (its own, else
the page's) is then drawn under its layers as tiles, from the app itself (``local``) or the web or the
deployment's mirror, credited in the map's corner and watched by the live map's tile watch
(``BEM.tileWatch``, geo/static/vendor/bem-map/bem-tiles.js); a GCJ-02 basemap's chapter has its layers shifted.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely

from geo import assets, basemaps, datum, fonts, i18n, mapspec, safe, style, tiles, webcontent
from geo import story as stories
from geo.data import Layers
from geo.mapspec import MapSpec

STATIC_DIR = Path(__file__).resolve().parent / "static" / "story"
TILE_WATCH_JS = assets.VENDOR_DIR / "bem-map" / "bem-tiles.js"
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
    "story_basemap_boundary",
    "tiles_unreachable",
    "tiles_use_offline",
)
#: the page's strings for a story in both languages: "下一章 / Next chapter"
BOTH_SEP = " / "
POINT_KINDS = ("point",)


def page_lang(story: stories.Story, lang: str) -> str:
    """The language the page speaks: the story's, else the reader's (zh, en or both)."""
    chosen = story.lang or lang
    return chosen if chosen in (*i18n.LANGS, "both") else i18n.DEFAULT_LANG


def text(key: str, lang: str, **kw: str) -> str:
    """A catalogue string in ``lang`` (filled with ``kw``); in both languages for a story told in both."""
    langs = i18n.LANGS if lang == "both" else (lang,)
    return BOTH_SEP.join(dict.fromkeys(i18n.t(key, one).format(**kw) if kw else i18n.t(key, one) for one in langs))


# --- what a chapter shows ------------------------------------------------------------------------------------


def svg_uri(svg: str) -> str:
    """An SVG as a data URI (an <img> or a Leaflet icon reads it: no markup goes into the page's DOM)."""
    if "xmlns=" not in svg:
        svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return "data:image/svg+xml;charset=utf-8," + urllib.parse.quote(svg)


def _features(gdf: gpd.GeoDataFrame, key: str, labels: str, shown_in: str = "wgs84") -> dict:
    """The layer's display GeoJSON (simplified like the live map's, ~1 m grid) with each feature's name as text,
    in the datum of the basemap it is drawn over (``shown_in``)."""
    tolerance = webcontent.DISPLAY_SIMPLIFY.get(key)
    geoms = gdf.geometry.simplify(tolerance, preserve_topology=True).values if tolerance else gdf.geometry.values
    geoms = datum.transform_geometry(geoms, "wgs84", shown_in)
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

    def add(self, key: str, gdf: gpd.GeoDataFrame, labels: str, shown_in: str = "wgs84") -> str:
        ids = ",".join(map(str, gdf["id"])) if "id" in gdf else str(len(gdf))
        ref = hashlib.sha256(f"{key}|{labels}|{shown_in}|{ids}".encode()).hexdigest()[:12]
        if ref not in self.items:
            data = _features(gdf, key, labels, shown_in)
            self.items[ref] = {"layer": key, "data": data, **layer_look(key, data)}
        return ref


def legend(view: mapspec.InView, lang: str) -> list[dict]:
    """The chapter's compact legend: one row per symbol drawn in its frame (variants only where drawn)."""
    frames = {k: v for k, v in view.features.items() if k in style.STYLES}
    rows = mapspec.legend_rows(list(view.drawn), None, mapspec.present_variants(frames))
    return [
        {"svg": svg_uri(webcontent.legend_symbol_svg(style.get_style(r.key), r.variant)), "label": r.label(lang)} for r in rows
    ]


def labels(view: mapspec.InView, labels_lang: str, shown_in: str = "wgs84") -> list[dict]:
    """The chapter's labels: every point feature in its frame, by the live map's priority (highest first)."""
    out = []
    for key, gdf in view.features.items():
        s = style.get_style(key)
        if s.kind not in POINT_KINDS:
            continue
        points = datum.transform_geometry(gdf.geometry.representative_point().values, "wgs84", shown_in)
        for (_, row), pt in zip(gdf.iterrows(), points):
            out.append(
                {"text": _name(row, labels_lang, key), "lat": round(pt.y, 6), "lon": round(pt.x, 6), "p": style.label_priority(s)}
            )
    return sorted((lab for lab in out if lab["text"]), key=lambda lab: -lab["p"])


def bounds(bbox, shown_in: str = "wgs84") -> list[list[float]]:
    minlon, minlat, maxlon, maxlat = datum.transform_geometry(shapely.box(*bbox), "wgs84", shown_in).bounds
    return [[minlat, minlon], [maxlat, maxlon]]


def _layer_frame(layers: Layers, result: mapspec.Shown, key: str) -> gpd.GeoDataFrame | None:
    """What a chapter draws of layer ``key``, anywhere (the flight passes over its neighbours too)."""
    if key in style.VENUE_CATEGORIES:
        return result.venues[result.venues["category"] == key]
    return result.layout.get(key) if key not in mapspec.CONTEXT else layers.get(key)


def chapter_data(layers: Layers, shown: stories.Shown, store: Collections, lang: str, bm: dict) -> dict:
    """One chapter as the page reads it (``bm``: the basemap it is drawn over, from :func:`basemap_entry`)."""
    spec = shown.spec
    view = mapspec.in_view(layers, spec)
    result = view.result
    shown_in = bm["datum"]
    drawn = []
    for key in result.visible:
        if key == "boundary" or key not in style.STYLES:
            continue
        gdf = _layer_frame(layers, result, key)
        if gdf is not None and len(gdf):
            drawn.append(store.add(key, gdf, spec.labels, shown_in))
    selected = None
    if result.selected is not None and not result.selected.empty:
        pt = datum.transform_geometry(result.selected.geometry.iloc[0].representative_point(), "wgs84", shown_in)
        selected = [round(pt.y, 6), round(pt.x, 6)]
    return {
        "n": shown.n,
        "title": shown.title,
        "caption": shown.caption,
        "bounds": bounds(spec.bbox, shown_in),
        "layers": drawn,
        "legend": legend(view, spec.labels if lang == "both" else spec.lang),
        "labels": labels(view, spec.labels, shown_in),
        "selected": selected,
        "basemap": bm["key"],
    }


# --- the basemap under a chapter -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Served:
    """What the app serves a present-mode page: the local file's tiles' URL template (relative to the page), if
    any, and the Tianditu key. Without it (the standalone file) every chapter is drawn over the boundary only."""

    local_url: str | None = None
    token: str | None = None


def basemap_entry(key: str, served: Served | None, lang: str) -> dict:
    """The basemap ``key`` as the page draws it: its tile layers (none: the boundary alone), its credit and datum.
    A basemap this page cannot show (the standalone file, no key, the local file not served) is the boundary."""
    bm = basemaps.BASEMAPS.get(key) if served is not None and key in basemaps.BASEMAPS else None
    urls = _tile_urls(bm, served) if bm is not None and bm.available(served.token) else []
    if not urls:
        return {"key": "offline", "layers": [], "credit": "", "datum": "wgs84"}
    extra = {}
    if bm.bounds is not None:  # a file's tiles: none asked for where it has none
        w, s, e, n = bm.bounds
        extra = {"bounds": [[s, w], [n, e]], "minNativeZoom": bm.min_zoom}
    credit = text("story_basemap", lang, credit=safe.plain(bm.provider.attribution)) if bm.provider.attribution else ""
    layers = [
        {
            "url": url,
            "subdomains": bm.subdomains or "abc",
            "maxNativeZoom": bm.max_zoom,
            "credit": credit if i == 0 else "",
            **extra,
        }
        for i, url in enumerate(urls)
    ]
    return {"key": bm.key, "layers": layers, "credit": credit, "datum": bm.datum}


def _tile_urls(bm: basemaps.Basemap, served: Served) -> list[str]:
    if bm.key == basemaps.LOCAL:
        return [served.local_url] if served.local_url else []
    return [url for url in (bm.url(served.token), bm.labels_url(served.token)) if url]


def tile_sources(data: dict) -> list[str]:
    """The Content-Security-Policy sources of the page's tiles: the app's own origin for a relative URL, else the
    tile host (its ``{s}`` label as ``*``)."""
    out = []
    for entry in data.get("basemaps", {}).values():
        for layer in entry["layers"]:
            parts = urllib.parse.urlsplit(layer["url"])
            if not parts.netloc:
                out.append("'self'")
            else:
                host = ".".join("*" if "{" in label else label for label in parts.netloc.split("."))
                out.append(f"{parts.scheme}://{host}")
    return list(dict.fromkeys(out))


# --- the page -------------------------------------------------------------------------------------------------


def page_data(
    layers: Layers, story: stories.Story, base: MapSpec, lang: str, exits: list[str] | None = None, served: Served | None = None
) -> dict:
    """Everything the page shows, as JSON-ready data (``exits``: where Esc leaves to from each chapter, in the app;
    ``served``: what the app serves present mode, for the chapters' basemaps)."""
    lang = page_lang(story, lang)
    shown = stories.chapters(layers, story, base, lang)
    store = Collections()
    maps = {s.spec.basemap: basemap_entry(s.spec.basemap, served, lang) for s in shown}
    chapters = [chapter_data(layers, s, store, lang, maps[s.spec.basemap]) for s in shown]
    entries = {entry["key"]: entry for entry in maps.values()}
    boundary = {d: _features(layers.boundary, "boundary", "zh", d) for d in {e["datum"] for e in entries.values()} | {"wgs84"}}
    return {
        "lang": lang,
        "title": safe.plain(story.title) or text("app_title", lang),
        "review": safe.plain(story.review),
        "chapters": chapters,
        "collections": store.items,
        "boundary": {"data": boundary, "style": webcontent.leaflet_style(style.stroke(style.get_style("boundary")))},
        "basemaps": entries,
        "probe": {"tiles": tiles.PROBE_TILES, "ms": int(tiles.PROBE_TIMEOUT_S * 1000)},
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
    """The page around ``data``: Leaflet, story.css and story.js inlined, the CJK font subset it needs embedded;
    the tile watch too where a chapter draws tiles, whose sources alone the page may then fetch images from."""
    leaflet_css = assets._inline_css(assets.LEAFLET_DIR / assets.LEAFLET_CSS)
    css = (STATIC_DIR / "story.css").read_text("utf-8")
    js = (STATIC_DIR / "story.js").read_text("utf-8")
    leaflet_js = (assets.LEAFLET_DIR / assets.LEAFLET_JS).read_text("utf-8")
    sources = tile_sources(data)
    if sources:  # the live map's tile watch: a note on the map when the tiles fail
        leaflet_js += "\n" + TILE_WATCH_JS.read_text("utf-8")
    title = safe.html_text(data["title"])
    page = (
        f'<!DOCTYPE html>\n<html lang="{html_lang(data["lang"])}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
        f"style-src 'unsafe-inline'; img-src {' '.join(['data:', *sources])}; font-src data:\">\n"
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


def write(
    layers: Layers,
    story: stories.Story,
    base_spec: MapSpec,
    lang: str = "",
    exits: list[str] | None = None,
    served: Served | None = None,
) -> bytes:
    """The standalone HTML story of ``story`` (``base_spec``: page and furniture; ``lang``: zh, en or both);
    with ``served``, the app's present-mode page, its chapters over their basemaps' tiles."""
    return render(page_data(layers, story, base_spec, lang, exits, served)).encode("utf-8")
