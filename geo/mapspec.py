"""One map spec: what the planner sees, drawn alike by the live map, every snapshot and every export.

A :class:`MapSpec` is built once per run (from the page state and the map's last bounds, or
from the command line) and is the only description of "what is shown" that the folium map,
the snapshot renderer, the standalone HTML and the data exports read. It is frozen and
hashable, so caches key on it. :func:`shown` applies it to the layers.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, fields, replace

import geopandas as gpd
import pandas as pd
import shapely

from geo import basemaps, filters, i18n, safe, style
from geo.data import Layers
from geo.errors import Catalogued
from geo.filters import FilterSpec  # noqa: F401 (part of the spec's vocabulary: mapspec.FilterSpec)
from geo.views import VIEWS

LABEL_LANGS = ("zh", "en", "both")
MAX_PIXELS = 60_000_000  # ~ A3 at 600 dpi; beyond that a render would exhaust memory
ALL_LAYERS: tuple[str, ...] = tuple(s.key for s in style.LAYERS)


class SpecError(Catalogued):
    """A map spec that cannot be drawn: unknown layer, filter value, reference, size... (geo/error_messages.py)"""


@dataclass(frozen=True)
class Furniture:
    """The cartographic furniture of a snapshot (the live map has its own controls)."""

    legend: bool = True
    scale_bar: bool = True
    north_arrow: bool = True
    attribution: bool = True
    date: bool = True
    source: bool = True
    labels: bool = True
    inset: bool = True  # city-wide maps: an enlarged inset of the core and the Central Axis
    locator: bool = True  # close-up maps: a small locator of the municipality with the frame marked
    review: str | None = None  # the published-map line (审图号, data date): None the deployment's (BEM_MAP_REVIEW), "" none


FURNITURE_ITEMS: tuple[str, ...] = tuple(f.name for f in fields(Furniture) if f.type == "bool")  # the switches


@dataclass(frozen=True)
class Page:
    """The output frame of a snapshot: pixels and dots per inch."""

    width_px: int = 1920
    height_px: int = 1080
    dpi: int = 150
    svg_text: bool = False  # SVG: keep text as text (needs the fonts where it is opened) instead of outlines


@dataclass(frozen=True)
class MapSpec:
    """Everything that decides what a map shows. ``bbox`` is WGS-84 (minlon, minlat, maxlon, maxlat)."""

    bbox: tuple[float, float, float, float] = VIEWS["city"].bbox
    view: str = ""  # the named view the extent came from ("" for the planner's own extent)
    lang: str = "zh"  # the language of the page and of the furniture
    label_lang: str = ""  # map labels: zh, en or both ("" follows ``lang``)
    basemap: str = "offline"
    layers: tuple[str, ...] = ALL_LAYERS  # visible layers: curated keys and imported layers' keys
    filters: FilterSpec = field(default_factory=FilterSpec)
    selection: str | None = None  # the selected venue's id
    imported: tuple = ()  # geo.imports.ImportedLayer, each with its style (hashable by content)
    title: str | None = None  # None: the app's title; "": none
    subtitle: str | None = None
    furniture: Furniture = field(default_factory=Furniture)
    page: Page = field(default_factory=Page)
    today: dt.date | None = None  # fixed in tests; None: today
    #: the key projects' change marks, (project id, kinds) (``geo.project_marks``; None: from the shipped register)
    marks: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    projects: str = ""  # the open workspace's register entries (JSON; "": none): the review report reads them
    token: str | None = field(default=None, compare=False, repr=False)  # the Tianditu key: never in a file

    @property
    def labels(self) -> str:
        """The language of map labels: zh, en or both."""
        return self.label_lang or self.lang

    @property
    def extra_styles(self) -> dict[str, style.LayerStyle]:
        """The imported layers' styles by key."""
        return {layer.key: layer.style for layer in self.imported}

    def key(self) -> str:
        """A stable text key of everything drawn (imported layers by content; the token only as present or not)."""
        import hashlib

        text = repr(self) + repr([(repr(layer.style), layer.digest) for layer in self.imported]) + str(bool(self.token))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def hidden(self) -> tuple[str, ...]:
        """Layers (curated and imported) that are switched off."""
        return tuple(k for k in (*ALL_LAYERS, *self.extra_styles) if k not in self.layers)

    def validated(self) -> MapSpec:
        """Raise SpecError for what cannot be drawn; return self."""
        if self.lang not in i18n.LANGS:
            raise SpecError("err_spec_lang", value=self.lang)
        if self.labels not in LABEL_LANGS:
            raise SpecError("err_spec_labels", value=self.labels)
        if self.basemap not in basemaps.BASEMAPS:
            raise SpecError("err_spec_basemap", value=self.basemap, known=", ".join(basemaps.BASEMAPS))
        unknown = [k for k in self.layers if k not in style.STYLES and k not in self.extra_styles]
        if unknown:
            raise SpecError("err_spec_layers", unknown=", ".join(unknown), known=", ".join(style.STYLES))
        minlon, minlat, maxlon, maxlat = self.bbox
        if not (minlon < maxlon and minlat < maxlat):
            raise SpecError("err_spec_bbox", bbox=",".join(f"{v:g}" for v in self.bbox))
        p = self.page
        if p.width_px < 200 or p.height_px < 200:
            raise SpecError("err_spec_small", width=p.width_px, height=p.height_px)
        if p.width_px * p.height_px > MAX_PIXELS:
            raise SpecError("err_spec_large", width=p.width_px, height=p.height_px, limit=f"{MAX_PIXELS:,}")
        if not 50 <= p.dpi <= 1200:
            raise SpecError("err_spec_dpi", dpi=p.dpi)
        more = {"categories": tuple(self.extra_styles)}
        if filters.problems(self.filters, more):
            joiner = {"zh": "；", "en": "; "}
            said = {lang: joiner[lang].join(filters.problems(self.filters, more, lang=lang, page=True)) for lang in i18n.LANGS}
            raise SpecError("err_spec_filters", problems=said)
        return self


def reference_ids(layers: Layers) -> tuple[str, ...]:
    """What "within N km of" can name: the core, each axis and area, every venue (the app's picker order)."""
    return (*layers.core["id"], *layers.axes["id"], *layers.areas["id"], *layers.venues["id"])


def reference_geometry(layers: Layers, spec: MapSpec) -> shapely.Geometry | None:
    """The WGS-84 geometry "within N km" is measured from, or None (nothing selected, no point)."""
    f = spec.filters
    if f.of == "point":
        return shapely.Point(f.point) if f.point else None
    ref = spec.selection if f.of == "venue" else f.of
    if not ref:
        return None
    row = find_feature(layers, ref)
    if row is None:
        raise SpecError("err_spec_reference", ref=ref)
    return row.geometry


def find_feature(layers: Layers, feature_id: str | None):
    """The row of a venue, the core, an axis or an area by id (None when unknown)."""
    for gdf in (layers.venues, layers.core, layers.axes, layers.areas):
        hit = gdf[gdf["id"] == feature_id]
        if len(hit):
            return hit.iloc[0]
    return None


@dataclass(frozen=True, eq=False)
class Shown:
    """The spec applied to the layers: exactly what every renderer draws."""

    venues: gpd.GeoDataFrame  # passing every filter, in a visible category
    imported: tuple  # imported layers, filtered, visible ones only
    ring: shapely.Geometry | None  # the "within N km" buffer, WGS-84
    selected: gpd.GeoDataFrame | None  # the selected venue (drawn highlighted), if shown
    visible: tuple[str, ...]  # visible layer keys, draw order
    reference: shapely.Geometry | None
    layout: Layers  # ``layers`` with the core, axes and areas on the layout in the filters' year (venues unfiltered)


def shown(layers: Layers, spec: MapSpec) -> Shown:
    """Apply ``spec``'s filters, selection and visible layers to ``layers``."""
    from geo import explore, project_marks

    f = spec.filters
    ref = reference_geometry(layers, spec) if f.within_km else None
    venues = explore.filter_venues(project_marks.with_statuses(layers, spec, layers.venues), f, centre=ref)
    venues = venues[venues["category"].isin([k for k in style.VENUE_CATEGORIES if k in spec.layers])]
    imported = tuple(layer for layer in explore.filter_imported(spec.imported, f, centre=ref) if layer.key in spec.layers)
    ring = explore.buffer_polygon(ref, f.within_km) if ref is not None and f.within_km else None
    selected = venues[venues["id"] == spec.selection] if spec.selection else None
    if selected is not None and selected.empty:
        selected = None
    visible = tuple(style.ordered([k for k in spec.layers], spec.extra_styles))
    return Shown(venues, imported, ring, selected, visible, ref, layout_in_year(layers, f))


LAYOUT_LAYERS = ("core", "axes", "areas")


def layout_in_year(layers: Layers, f: FilterSpec) -> Layers:
    """``layers`` with the core, axes and areas the filters' year has (``explore.year_mask``, the venues' rule):
    the same object when the year drops none, else one kept per set of dropped features (``Layers.memo``), so
    a map built from it stays the same while the year changes nothing on it."""
    from geo import explore

    kept = {key: explore.filter_layout(getattr(layers, key), f) for key in LAYOUT_LAYERS}
    dropped = dropped_ids(layers, kept)
    if not dropped:
        return layers
    memo = layers.memo.setdefault("layout_in_year", {})
    if dropped not in memo:
        memo[dropped] = replace(layers, **kept)
    return memo[dropped]


def dropped_ids(layers: Layers, kept: dict[str, gpd.GeoDataFrame] | Layers) -> tuple[str, ...]:
    """The ids of the core, axes and areas of ``layers`` missing from ``kept`` (layers or frames by key)."""
    out: list[str] = []
    for key in LAYOUT_LAYERS:
        frame = kept[key] if isinstance(kept, dict) else getattr(kept, key)
        out += [i for i in getattr(layers, key)["id"] if i not in set(frame["id"])]
    return tuple(out)


def in_extent(gdf: gpd.GeoDataFrame, bbox) -> gpd.GeoDataFrame:
    """The features of ``gdf`` that touch the extent."""
    return gdf[gdf.intersects(shapely.box(*bbox))] if len(gdf) else gdf


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _latitude(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def frame(bbox, aspect: float) -> tuple[float, float, float, float]:
    """``bbox`` (WGS-84) grown about its centre, in Web Mercator as every map draws, to ``aspect`` (width /
    height): the part of the world a page of that shape shows of the view. Never cropped."""
    minlon, minlat, maxlon, maxlat = bbox
    x0, x1 = math.radians(minlon), math.radians(maxlon)
    y0, y1 = _mercator_y(minlat), _mercator_y(maxlat)
    w, h = x1 - x0, y1 - y0
    w, h = max(w, h * aspect), max(h, w / aspect)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (
        math.degrees(cx - w / 2),
        max(-85.0, _latitude(cy - h / 2)),
        math.degrees(cx + w / 2),
        min(85.0, _latitude(cy + h / 2)),
    )


def page_frame(spec: MapSpec) -> tuple[float, float, float, float]:
    """The frame of ``spec``: its extent at the shape of its page (a 16:9 slide shows more of a tall view)."""
    return frame(spec.bbox, spec.page.width_px / spec.page.height_px)


CONTEXT: tuple[str, ...] = tuple(s.key for s in style.LAYERS if s.group == "context")


@dataclass(frozen=True, eq=False)
class InView:
    """What one view holds, decided once for every output: the picture draws, lists and labels exactly these
    features; the data exports write them, the deck's notes and the export panel name and count them."""

    frame: tuple[float, float, float, float]  # WGS-84: the spec's extent at its page's shape
    features: dict[str, gpd.GeoDataFrame]  # data layers (not context) with a feature touching the frame, draw order
    context: tuple[str, ...]  # the context layers (boundary, districts) drawn in the frame
    result: Shown

    @property
    def venues(self) -> gpd.GeoDataFrame:
        """The curated venues in the frame (every visible category), in draw order."""
        parts = [gdf for key, gdf in self.features.items() if key in style.VENUE_CATEGORIES]
        return gpd.GeoDataFrame(pd.concat(parts), crs=self.result.venues.crs) if parts else self.result.venues.iloc[:0]

    @property
    def drawn(self) -> tuple[str, ...]:
        """Every layer drawn in the frame (context included), draw order: what a legend lists."""
        return tuple(k for k in self.result.visible if k in self.features or k in self.context)


def in_view(layers: Layers, spec: MapSpec, result: Shown | None = None, aspect: float | None = None) -> InView:
    """THE features of ``spec``'s view: each visible layer's shown features touching the view's frame at
    ``aspect`` (default: the spec's page). Every output reads this, so none draws or writes another set."""
    result = result or shown(layers, spec)
    box = frame(spec.bbox, aspect) if aspect else page_frame(spec)
    imported = {layer.key: layer.gdf for layer in result.imported}
    features: dict[str, gpd.GeoDataFrame] = {}
    context = []
    for key in result.visible:
        if key in CONTEXT:
            if _context_in_extent(layers, key, box):
                context.append(key)
            continue
        gdf = _shown_layer(layers, result, imported, key)
        if gdf is not None and len(gdf := in_extent(gdf, box)):
            features[key] = gdf
    return InView(box, features, tuple(context), result)


def _shown_layer(layers: Layers, result: Shown, imported: dict, key: str) -> gpd.GeoDataFrame | None:
    """Layer ``key``'s shown features, anywhere (None: an imported layer the filters emptied)."""
    if key in imported:
        return imported[key]
    if key in style.VENUE_CATEGORIES:
        return result.venues[result.venues["category"] == key]
    return result.layout.get(key) if key in style.STYLES else None


def present_variants(frames: dict[str, gpd.GeoDataFrame]) -> frozenset[tuple[str, str]]:
    """(layer, variant) of every feature of a layer styled by variant (the axes' main lines and extensions,
    its ``segment``) in ``frames``: a legend lists only these variant rows (none for extensions not yet laid out)."""
    return frozenset(
        (key, str(seg))
        for key, gdf in frames.items()
        if key in style.STYLES and style.STYLES[key].variants and "segment" in gdf
        for seg in gdf["segment"].dropna().unique()
    )


def legend_rows(keys, extra: dict | None = None, variants: frozenset[tuple[str, str]] | None = None) -> list[style.LegendRow]:
    """``style.legend_rows`` of ``keys``, a variant row only where ``variants`` holds it (None: every row)."""
    rows = style.legend_rows(keys, extra)
    return [r for r in rows if variants is None or r.variant is None or (r.key, r.variant) in variants]


def view_frames(layers: Layers, view: InView) -> dict[str, gpd.GeoDataFrame]:
    """What a map of ``view`` draws, for every visible layer: its features in the frame (none for a layer with
    nothing there), the context outlines it reaches whole."""
    drawn = {**view.features, **{key: layers.get(key) for key in view.context}}
    return {key: drawn.get(key, _NOTHING) for key in view.result.visible}


_NOTHING = gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")


def drawn_layers(layers: Layers, spec: MapSpec, result: Shown | None = None) -> tuple[str, ...]:
    """Visible layers with at least one feature in the view's frame: what a legend should list."""
    return in_view(layers, spec, result).drawn


def similar_extent(extent, view, covered: float = 0.85, larger: float = 8.0) -> bool:
    """True when a map's ``extent`` still shows the named ``view``: it holds most of the view and is not
    many times larger (a fitted view gets margins for the controls and the window's aspect)."""
    be, bv = shapely.box(*extent), shapely.box(*view)
    return bool(bv.area) and be.intersection(bv).area / bv.area >= covered and be.area <= larger * bv.area


def _context_in_extent(layers: Layers, key: str, bbox: tuple) -> bool:
    """A curated layer (not a venue category) has something drawn in ``bbox`` (outlines: their line).
    Remembered with the layers themselves (``Layers.memo``), per layer and extent, at most 2048 extents."""
    memo = layers.memo.setdefault("context_in_extent", {})
    if (key, bbox) in memo:
        return memo[key, bbox]
    if len(memo) > 2048:
        memo.clear()
    gdf = layers.get(key)
    st = style.STYLES[key]
    if st.kind == "polygon" and not st.fill_opacity:  # an outline: drawn only where its line is
        gdf = gdf.set_geometry(gdf.boundary)
    memo[key, bbox] = bool(len(in_extent(gdf, bbox)))
    return memo[key, bbox]


def extent_name(spec: MapSpec, lang: str) -> str:
    """The view's name, or "current map extent"."""
    if spec.view in VIEWS:
        return VIEWS[spec.view].name(lang)
    return i18n.t("extent_current", lang)


def filter_phrases(layers: Layers, spec: MapSpec, lang: str) -> list[str]:
    """Each active filter as "field = value, value", in ``lang``."""
    f = spec.filters
    extra = spec.extra_styles
    districts = dict(zip(layers.districts["name_en"], layers.districts[f"name_{lang}"]))
    parts = []
    for key, values, name in (
        ("field_category", f.categories, lambda v: style.get_style(v, extra).label(lang)),
        ("field_district", f.districts, lambda v: districts.get(v, v)),
        ("field_action", f.actions, lambda v: i18n.term("plan_action", v, lang)),
        ("field_status", f.statuses, lambda v: i18n.term("status", v, lang)),
    ):
        if values:
            parts.append(f"{i18n.t(key, lang)} = {', '.join(str(name(v)) for v in values)}")
    if f.year is not None and f.year != (spec.today or dt.date.today()).year:
        parts.append(f"{i18n.t('field_year', lang)} = {f.year}")
    for key, day in (("field_asof", f.asof), ("field_since", f.since)):
        if day:
            parts.append(f"{i18n.t(key, lang)} = {day}")
    if f.within_km:
        parts.append(i18n.t("within_phrase", lang).format(km=f"{f.within_km:g}", of=reference_name(layers, spec, lang)))
    return parts


def name_of(layers: Layers, feature_id: str | None, lang: str) -> str | None:
    """The name of a venue, the core, an axis or an area by id (None when unknown)."""
    row = find_feature(layers, feature_id)
    return None if row is None else str(row[f"name_{lang}"])


def reference_name(layers: Layers, spec: MapSpec, lang: str) -> str:
    """What "within N km" is measured from, named in ``lang``."""
    f = spec.filters
    if f.of == "point":
        return i18n.t("of_point", lang)
    return name_of(layers, spec.selection if f.of == "venue" else f.of, lang) or i18n.t("of_venue", lang)


def _in_label_lang(text, lang: str) -> str:
    """``text(lang)`` in a label language: zh, en, or both ("中文 / English")."""
    return f"{text('zh')} / {text('en')}" if lang == "both" else text(lang)


def ring_label(spec: MapSpec, lang: str) -> str:
    """The distance written on the "within N km" ring: "3 公里" / "3 km" (``lang``: zh, en or both)."""
    km = f"{spec.filters.within_km or 0:g}"
    return _in_label_lang(lambda code: i18n.t("ring_km", code).format(km=km), lang)


def ring_legend(layers: Layers, spec: MapSpec, lang: str) -> str:
    """The legend's row of the ring: "距 故宫 3 公里范围" / "Within 3 km of Forbidden City"."""
    km = f"{spec.filters.within_km or 0:g}"
    return _in_label_lang(lambda code: i18n.t("ring_legend", code).format(km=km, of=reference_name(layers, spec, code)), lang)


def describe(layers: Layers, spec: MapSpec, lang: str, result: Shown | None = None) -> str:
    """What a file of this spec holds, e.g. "3 venues · 4 layers · filter: category = … · extent: One Core"."""
    view = in_view(layers, spec, result)
    parts = [
        i18n.t("describe_venues", lang).format(n=len(view.venues)),
        i18n.t("describe_layers", lang).format(n=len(view.features)),
    ]
    phrases = filter_phrases(layers, spec, lang)
    if phrases:
        parts.append(f"{i18n.t('describe_filter', lang)}{'; '.join(phrases)}")
    if spec.selection:
        parts.append(f"{i18n.t('describe_selection', lang)}{name_of(layers, spec.selection, lang)}")
    parts.append(f"{i18n.t('describe_extent', lang)}{extent_name(spec, lang)}")
    return " · ".join(parts)


def file_name(spec: MapSpec, extension: str) -> str:
    """``beijing-exchange-map_core_zh_filtered_2026-11-29.png``: view, language, filters, date. Only ASCII
    letters, digits, ``-``, ``_`` and one ``.`` (``safe.file_part``): no path, bidi or control character."""
    view = spec.view if spec.view in VIEWS else "current-view"
    parts = ["beijing-exchange-map", view, spec.labels]
    if spec.filters.active(spec.today):
        parts.append("filtered")
    parts.append((spec.today or dt.date.today()).isoformat())
    return "_".join(safe.file_part(p) for p in parts) + "." + safe.file_part(extension).lower()
