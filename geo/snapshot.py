"""The static renderer: print-grade PNG, SVG and PDF snapshots of a map view.

It reads the same style definitions (``geo.style``) as the interactive map, draws in
Web Mercator like the map, shifts overlays to GCJ-02 on Gaode basemaps like the map,
and adds cartographic furniture: title, legend of what is drawn, scale bar, north arrow,
attribution, date and source line, an inset of the core on city maps and a locator on
close-ups. The view fills the frame inside margins kept for the furniture; every venue
and Central Axis component drawn is labelled (beside its symbol, then with a leader line,
else by a number and a key: never dropped). PDF keeps selectable text; SVG is
self-contained (text as outlines unless ``Page.svg_text``).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import geopandas as gpd
import matplotlib
import numpy as np
import shapely

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrow, Patch, Rectangle  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from geo import basemaps, datum, i18n, safe, style, tiles  # noqa: E402
from geo.data import Layers  # noqa: E402
from geo.fonts import font_families  # noqa: E402
from geo.mapspec import MAX_PIXELS, Furniture, MapSpec, Page, SpecError, drawn_layers, shown  # noqa: E402,F401
from geo.presets import FORMATS, PAPER_MM, PRESETS, SnapshotError, paper_size  # noqa: E402,F401 (re-exported)
from geo.views import VIEWS  # noqa: E402

MERCATOR = "EPSG:3857"
BACKGROUND = "#f4f3ef"
INK = "#1f1f1f"
#: views narrower than this (degrees of longitude) are close-ups and get a locator; wider ones the core inset
CLOSE_UP_DEG = 0.6


@dataclass
class LabelReport:
    """What happened to each label: beside its symbol, on a leader line, or numbered in the key."""

    placed: list[str]
    leadered: list[str]
    numbered: list[tuple[int, str]]
    boxes: list[tuple[float, float, float, float]]  # every label box, pixels (x0, y0, x1, y1), y down
    furniture: list[tuple[float, float, float, float]]  # title, legend, key, scale bar, insets... same units


@dataclass
class Snapshot:
    """A rendered snapshot and what happened while rendering it."""

    data: bytes
    mime: str
    width_px: int
    height_px: int
    dpi: int
    basemap_ok: bool | None  # None: no basemap requested (offline)
    notes: list[str]
    transform: Callable[[float, float], tuple[float, float]]  # WGS-84 lon/lat -> pixel (x right, y down)
    labels: LabelReport | None = None


def latin(text: str) -> str:
    """English text drawn with a CJK font first: its curly quotes are full-width (“Beijing’ s”); use ASCII ones."""
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def label_of(row: dict, lang: str) -> str:
    """A feature's label, drawable: hidden characters (bidi overrides, U+FEFF...) removed (``safe.mpl``)."""
    return safe.mpl(style.label_text(str(row["name_zh"]), latin(str(row["name_en"])) if lang == "both"
                                     else str(row["name_en"]), lang))


def ui_lang(lang: str) -> str:
    """The language of the furniture text ("both" uses Chinese first, English after)."""
    return "en" if lang == "en" else "zh"


def text_of(key: str, lang: str) -> str:
    if lang == "both":
        return f"{i18n.t(key, 'zh')} / {latin(i18n.t(key, 'en'))}"
    return i18n.t(key, lang)


def fit_aspect(bounds: tuple[float, float, float, float], aspect: float) -> tuple[float, float, float, float]:
    """Grow Mercator bounds so width/height equals ``aspect`` (never crop what was asked for)."""
    minx, miny, maxx, maxy = bounds
    w, h = maxx - minx, maxy - miny
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def frame_extent(content: tuple[float, float, float, float], page_px: tuple[int, int],
                 safe: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Map limits (Mercator) that put ``content`` as large as it fits inside ``safe`` (figure fractions
    left, bottom, right, top) of a page of ``page_px``; the map still covers the whole page."""
    minx, miny, maxx, maxy = content
    w_px, h_px = page_px
    left, bottom, right, top = safe
    units = max((maxx - minx) / ((right - left) * w_px), (maxy - miny) / ((top - bottom) * h_px))
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    x0 = cx - ((left + right) / 2) * w_px * units
    y0 = cy - ((bottom + top) / 2) * h_px * units
    return x0, y0, x0 + w_px * units, y0 + h_px * units


def to_mercator(gdf: gpd.GeoDataFrame, display_datum: str) -> gpd.GeoDataFrame:
    shifted = gdf.set_geometry(datum.transform_geometry(gdf.geometry.values, "wgs84", display_datum), crs=gdf.crs)
    return shifted.to_crs(MERCATOR)


def mercator_box(bbox: tuple[float, float, float, float], display_datum: str) -> tuple[float, float, float, float]:
    geom = gpd.GeoDataFrame(geometry=gpd.GeoSeries([shapely.box(*bbox)], crs="EPSG:4326"))
    return tuple(to_mercator(geom, display_datum).total_bounds)


def nice_length(max_m: float) -> float:
    """The largest 1/2/5 x 10^n metres not above ``max_m``."""
    exp = 10 ** math.floor(math.log10(max_m))
    return max(m * exp for m in (1, 2, 5) if m * exp <= max_m)


def write(layers: Layers, spec: MapSpec, fmt: str, progress=None) -> tuple[bytes, list[str]]:
    """PNG, SVG or PDF bytes of ``spec`` and the notes for the reader (a writer of geo.formats)."""
    snap = render(layers, spec, fmt, progress)
    return snap.data, snap.notes


def rc_for(fmt: str, lang: str, page: Page) -> dict:
    families = list(font_families())
    if lang == "en":  # Latin punctuation (’ “) from a Latin font, CJK glyphs still found by fallback
        families = ["DejaVu Sans", *[f for f in families if f != "DejaVu Sans"]]
    return {"font.family": families, "svg.fonttype": "none" if page.svg_text else "path", "pdf.fonttype": 42,
            "lines.scale_dashes": False, "axes.unicode_minus": False, "text.parse_math": False,
            "svg.hashsalt": "beijing-exchange-map"}


def render(layers: Layers, spec: MapSpec, fmt: str = "png",
           progress: Callable[[float, str], None] | None = None) -> Snapshot:
    """Render ``spec`` (filters, selection, ring, hidden and imported layers included) to PNG, SVG or PDF."""
    if fmt not in FORMATS:
        raise SnapshotError(f"unknown format {fmt!r}; use png, svg, pdf (or html through geo.io)")
    try:
        spec = spec.validated()
    except SpecError as exc:
        raise SnapshotError(str(exc)) from None
    report = progress or (lambda _f, _m: None)
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # the subset has no bold: fine
    with plt.rc_context(rc_for(fmt, spec.labels, spec.page)):
        drawn = draw(layers, spec, fmt, report)
        report(0.9, "encode")
        buf = io.BytesIO()
        title = safe.mpl(spec.title or i18n.t("app_title", ui_lang(spec.labels)))
        meta = {"Title": title} if fmt != "png" else {"Title": title, "Software": "Beijing Exchange Map"}
        drawn.fig.savefig(buf, format=fmt, dpi=spec.page.dpi, metadata=meta, facecolor=drawn.fig.get_facecolor())
    report(1.0, "done")
    page = spec.page
    return Snapshot(buf.getvalue(), FORMATS[fmt], page.width_px, page.height_px, page.dpi, drawn.basemap_ok,
                    drawn.notes, drawn.transform, drawn.labels)


@dataclass
class Drawn:
    fig: Figure
    basemap_ok: bool | None
    notes: list[str]
    transform: Callable[[float, float], tuple[float, float]]
    labels: LabelReport


class Ink:
    """Text with a halo in the right way for each format: a stroke (raster, SVG outlines); in PDF a white
    stroked copy under real text, so the text stays selectable; SVG text keeps a light box."""

    def __init__(self, fmt: str, page: Page):
        self.pdf = fmt == "pdf"
        self.svg_text = fmt == "svg" and page.svg_text

    def text(self, where, x, y, s: str, size: float, halo: bool = True, **kw):
        from matplotlib import patheffects

        s = safe.mpl(s)
        kw.setdefault("color", INK)
        kw.setdefault("zorder", 40)
        if not halo:
            return where.text(x, y, s, fontsize=size, **kw)
        stroke = [patheffects.withStroke(linewidth=max(1.6, size / 3.2), foreground="white")]
        if self.svg_text:
            box = {"boxstyle": "square,pad=0.08", "facecolor": "white", "edgecolor": "none", "alpha": 0.75}
            return where.text(x, y, s, fontsize=size, bbox=box, **kw)
        if self.pdf:
            under = {**kw, "color": "white", "zorder": kw["zorder"] - 0.5}
            where.text(x, y, s, fontsize=size, path_effects=[patheffects.Stroke(linewidth=max(1.6, size / 3.2),
                                                                                  foreground="white")], **under)
            return where.text(x, y, s, fontsize=size, **kw)
        return where.text(x, y, s, fontsize=size, path_effects=stroke, **kw)


def draw(layers: Layers, spec: MapSpec, fmt: str, report: Callable[[float, str], None]) -> Drawn:
    """Draw ``spec`` on a new figure (for savefig, or a page of an atlas)."""
    result = shown(layers, spec)
    extra = spec.extra_styles
    frames = {layer.key: layer.gdf for layer in result.imported}
    page = spec.page
    lang = spec.labels
    ink = Ink(fmt, page)
    bm = basemaps.get_basemap(spec.basemap)
    notes: list[str] = []
    if not bm.available(spec.token):
        notes.append(i18n.t("tianditu_needs_key", ui_lang(lang)))
        bm = basemaps.BASEMAPS["offline"]

    fig = Figure(figsize=(page.width_px / page.dpi, page.height_px / page.dpi), dpi=page.dpi)
    FigureCanvasAgg(fig)  # text extents for the layout and label placement
    fig.patch.set_facecolor(BACKGROUND)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_facecolor(BACKGROUND)
    # one CSS pixel of the web map, in points: paper keeps physical sizes, slides scale with width
    css_px = max(1.0, page.width_px / 1600) * 72 / page.dpi if page.dpi <= 160 else 72 / 96
    base_pt = 11 * css_px
    px_per_pt = page.dpi / 72

    # --- layout: title band on top, footer at the bottom, a legend column where there is room ---------
    content = mercator_box(spec.bbox, bm.datum)
    close_up = spec.bbox[2] - spec.bbox[0] < CLOSE_UP_DEG
    pad = 0.014
    title = safe.mpl(spec.title) if spec.title is not None else text_of("app_title", lang)
    title_pt, sub_pt = base_pt * 2.0, base_pt * 1.25
    top = 1 - pad
    spec = replace(spec, subtitle=safe.mpl(spec.subtitle) if spec.subtitle else spec.subtitle)  # measured as drawn
    if spec.subtitle:  # typeset to the page's width (about half an em per unit of _wrap's width)
        units = int(page.width_px * (1 - 2 * pad) / (sub_pt * px_per_pt * 0.52))
        spec = replace(spec, subtitle="\n".join(_wrap(line, units) for line in spec.subtitle.split("\n")))
    if title:  # the title fits beside the north arrow: a smaller size, then two lines
        title, title_pt = fit_title(fig, title, title_pt, page.width_px * (1 - 3 * pad) - base_pt * 4 * px_per_pt)
    if title or spec.subtitle:
        n_sub = spec.subtitle.count("\n") + 1 if spec.subtitle else 0
        n_title = title.count("\n") + 1 if title else 0
        top -= (title_pt * 1.3 * n_title + sub_pt * 1.45 * n_sub) * px_per_pt / page.height_px + pad
    f = spec.furniture
    footer_lines = int(f.attribution) + int(f.source or f.date)
    bottom = pad + (footer_lines * base_pt * 0.7 * 1.45 * px_per_pt / page.height_px if footer_lines else 0)
    drawn_keys = list(drawn_layers(layers, replace(spec, bbox=_wgs_box(content, bm.datum)), result))
    legend_w = 0.0
    if f.legend and drawn_keys:
        legend_w = _legend_width(fig, drawn_keys, lang, base_pt, css_px, extra) / page.width_px + pad
    safe_free = (pad, bottom + pad, 1 - pad, top)
    safe_legend = (pad, bottom + pad, 1 - pad - legend_w, top)
    extent = frame_extent(content, (page.width_px, page.height_px), safe_free)
    with_legend = frame_extent(content, (page.width_px, page.height_px), safe_legend)
    if legend_w and (with_legend[2] - with_legend[0]) <= (extent[2] - extent[0]) * 1.12:
        extent = with_legend  # the legend gets its own column at (almost) no cost to the map's scale
    minx, miny, maxx, maxy = extent
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    frame_wgs = _wgs_box(extent, bm.datum)
    drawn_keys = list(drawn_layers(layers, replace(spec, bbox=frame_wgs), result))
    css_width = page.width_px * 72 / page.dpi / css_px
    zoom = math.log2(2 * tiles.ORIGIN * css_width / (256 * (maxx - minx)))  # the web map's zoom at this scale

    basemap_ok = None
    if bm.provider is not None:
        report(0.1, "tiles")
        basemap_ok = True
        deadline = time.monotonic() + tiles.DEADLINE_S  # one deadline for the basemap and its label layer
        for url in (bm.url(spec.token), bm.labels_url(spec.token)):
            if url is None:
                continue
            mosaic = tiles.fetch_mosaic(url, (minx, miny, maxx, maxy), page.width_px, bm.subdomains, bm.max_zoom,
                                        deadline=deadline)
            if not mosaic.ok:
                basemap_ok = False
                notes.append(text_of("tiles_unreachable", lang))
                break
            ax.imshow(np.asarray(mosaic.image), extent=mosaic.extent, interpolation="lanczos", zorder=0)
            if mosaic.failed:
                notes.append(text_of("tiles_missing", lang).format(n=mosaic.failed))
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)

    report(0.4, "layers")
    points = draw_layers(ax, layers, result, extra, frames, bm.datum, css_px, lang)
    areas_style = style.STYLES["areas"]
    if "areas" in result.visible and zoom >= areas_style.label_min_zoom:  # area names where they fit, as on the map
        areas = to_mercator(layers.areas, bm.datum)
        for (_, row), pt in zip(areas.iterrows(), areas.geometry.representative_point()):
            points.append(PointRow(pt.x, pt.y, 0, label_of(row, lang), style.label_priority(areas_style), False,
                                    optional=True))
    _draw_selection(ax, result, bm.datum, css_px)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)

    report(0.6, "furniture")
    furniture: list = []
    _draw_furniture(fig, ax, spec, bm, drawn_keys, css_px, notes, basemap_ok, ink, extra, (title, title_pt), top,
                    furniture)
    inset_ax = None
    if f.inset and not close_up and _core_in(content, layers, bm.datum):
        inset_ax = _draw_inset(fig, ax, layers, result, extra, frames, bm.datum, css_px, bottom, pad, furniture)
    elif f.locator and close_up:
        _draw_locator(fig, layers, extent, bm.datum, css_px, bottom, pad, top, furniture)

    report(0.7, "labels")
    renderer = fig.canvas.get_renderer()
    avoid = [a if hasattr(a, "x0") else a.get_window_extent(renderer) for a in furniture]
    rows = [r for r in points if r.label]
    report_labels = LabelReport([], [], [], [], [_flip(b, page.height_px) for b in avoid])
    if f.labels:
        main_rows, inset_rows = rows, []
        if inset_ax is not None:  # what the inset enlarges is labelled there
            x0, x1 = inset_ax.get_xlim()
            y0, y1 = inset_ax.get_ylim()
            inside = [r for r in rows if x0 <= r.x <= x1 and y0 <= r.y <= y1 and r.crowded]
            main_rows = [r for r in rows if r not in inside]
            inset_rows = inside
        place_labels(fig, ax, main_rows, points, base_pt, ink, avoid, report_labels)
        if inset_rows:
            place_labels(fig, inset_ax, inset_rows, points, base_pt * 0.85, ink, avoid, report_labels,
                         keep_out=False)
        if report_labels.numbered:
            _draw_key(fig, report_labels.numbered, base_pt, ink, pad, top, lang, report_labels, page.height_px)

    def transform(lon: float, lat: float) -> tuple[float, float]:
        g = to_mercator(gpd.GeoDataFrame(geometry=gpd.points_from_xy([lon], [lat]), crs="EPSG:4326"), bm.datum)
        x, y = g.geometry.x.iloc[0], g.geometry.y.iloc[0]
        return (x - minx) / (maxx - minx) * page.width_px, (maxy - y) / (maxy - miny) * page.height_px

    return Drawn(fig, basemap_ok, notes, transform, report_labels)


def _flip(b, height: float) -> tuple[float, float, float, float]:
    """A display box (y up) as pixels with y down."""
    return (float(b.x0), float(height - b.y1), float(b.x1), float(height - b.y0))


def _wgs_box(extent, display_datum: str) -> tuple[float, float, float, float]:
    """Mercator limits back to a WGS-84 bbox."""
    box = gpd.GeoSeries([shapely.box(*extent)], crs=MERCATOR).to_crs("EPSG:4326").iloc[0]
    geom = datum.transform_geometry(box, display_datum, "wgs84") if display_datum != "wgs84" else box
    return tuple(float(v) for v in geom.bounds)


def _core_in(content, layers: Layers, display_datum: str) -> bool:
    """The core lies inside the view (a city-wide map)."""
    core = to_mercator(layers.core, display_datum).total_bounds
    return content[0] <= core[0] and content[2] >= core[2] and content[1] <= core[1] and content[3] >= core[3]


@dataclass(eq=False)
class PointRow:
    x: float  # Mercator
    y: float
    radius_pt: float  # the symbol's half size
    label: str
    priority: float
    crowded: bool  # a venue of the core/Central Axis area (labelled in the inset on city maps)
    optional: bool = False  # an area name: left out where it does not fit (a venue never is)


def draw_layers(ax, layers: Layers, result, extra: dict, frames: dict, display_datum: str, css_px: float,
                lang: str, scale: float = 1.0) -> list[PointRow]:
    """Draw every visible layer; return the point symbols (for labels and collision checks)."""
    points: list[PointRow] = []
    core = to_mercator(layers.core, display_datum).union_all()
    for key in result.visible:
        s = style.get_style(key, extra)
        if key in frames:
            source = frames[key]
        elif key in extra:  # an imported layer the filters emptied
            continue
        elif key in style.VENUE_CATEGORIES:
            source = result.venues[result.venues["category"] == key]
        else:
            source = layers.get(key)
        gdf = style.with_names(to_mercator(source, display_datum), key in extra)
        if gdf.empty:
            continue
        if s.kind == "point" or (key in extra and gdf.geom_type.isin(["Point", "MultiPoint"]).all()):
            gdf = gdf[gdf.geom_type == "Point"]
            size_pt = s.size * css_px * scale
            ax.scatter(gdf.geometry.x, gdf.geometry.y, marker=style.MPL_MARKERS[s.marker or "circle"],
                       s=(size_pt * (1.25 if s.marker == "star" else 0.9)) ** 2, c=s.fill_color or s.color,
                       edgecolors=s.color, linewidths=s.weight * css_px, zorder=10 + s.z, clip_on=True)
            curated = key not in extra
            near_core = core.buffer(2500)
            for (_, row), x, y in zip(gdf.iterrows(), gdf.geometry.x, gdf.geometry.y):
                points.append(PointRow(x, y, size_pt / 2, label_of(row, lang), _priority(s),
                                       curated and near_core.contains(shapely.Point(x, y))))
        else:
            for variant_key, part in _variants(gdf, s):
                st = style.stroke(s, variant_key)
                ls = (0, tuple(float(v) * css_px for v in st.dash.split())) if st.dash else "solid"
                lines = part[part.geom_type.isin(["LineString", "MultiLineString"])]
                polys = part[part.geom_type.isin(["Polygon", "MultiPolygon"])]
                pts = part[part.geom_type == "Point"]
                if len(lines):
                    lines.plot(ax=ax, color=st.color, linewidth=st.weight * css_px, linestyle=ls, zorder=s.z,
                               alpha=st.opacity)
                if len(polys):
                    if st.fill_color and st.fill_opacity:
                        polys.plot(ax=ax, color=st.fill_color, alpha=st.fill_opacity, linewidth=0, zorder=s.z)
                    polys.boundary.plot(ax=ax, color=st.color, linewidth=st.weight * css_px, linestyle=ls,
                                        zorder=s.z)
                if len(pts):
                    ax.scatter(pts.geometry.x, pts.geometry.y, s=(6 * css_px) ** 2, c=st.color, zorder=10 + s.z)
    return points


def _priority(s: style.LayerStyle) -> float:
    """The live map's order (``style.label_priority``): plan venues, then heritage components, then areas."""
    return style.label_priority(s)


def _variants(gdf: gpd.GeoDataFrame, s: style.LayerStyle):
    if not s.variants or "segment" not in gdf:
        yield None, gdf
        return
    for key in s.variants:
        part = gdf[gdf["segment"] == key]
        if not part.empty:
            yield key, part


def _draw_selection(ax, result, display_datum: str, css_px: float) -> None:
    """The "within N km" ring and the highlight of the selected venue, as on the live map."""
    if result.ring is not None:
        r = style.RING
        ring = to_mercator(gpd.GeoDataFrame(geometry=[result.ring], crs="EPSG:4326"), display_datum)
        ring.plot(ax=ax, color=r.fill_color, alpha=r.fill_opacity, linewidth=0, zorder=9)
        ring.boundary.plot(ax=ax, color=r.color, linewidth=r.weight * css_px,
                           linestyle=(0, tuple(float(v) * css_px for v in r.dash.split())), zorder=9)
    if result.selected is not None:
        sel = style.SELECTION
        pts = to_mercator(result.selected, display_datum)
        ax.scatter(pts.geometry.x, pts.geometry.y, s=(2 * style.SELECTION_RADIUS * css_px) ** 2, facecolors="none",
                   edgecolors=sel.color, linewidths=sel.weight * css_px, zorder=30)


# --- labels ------------------------------------------------------------------------------------------------

#: candidate directions around a symbol, in order of preference (right, left, above, below, diagonals)
DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))


def place_labels(fig: Figure, ax, rows: list[PointRow], symbols: list[PointRow], font_pt: float, ink: Ink,
                 avoid: list, report: LabelReport, keep_out: bool = True) -> None:
    """Label every row: beside its symbol (8 positions), else on a leader line further out, else with a
    number and a line in the key. Greedy by priority; no label box overlaps another, a symbol or the furniture.
    ``keep_out``: the map's own labels also keep out of the inset and locator (in ``avoid``)."""
    renderer = fig.canvas.get_renderer()
    to_px = ax.transData.transform
    frame = ax.get_window_extent(renderer)
    px_per_pt = fig.dpi / 72
    taken = [_box(b) for b in avoid] if keep_out else []
    if not keep_out:  # the inset's labels keep out of the rest of the furniture, not of the inset itself
        taken = [_box(b) for b in avoid if not _inside(_box(b), _box(frame))]
    sym_boxes = []
    for s in symbols:
        px, py = to_px((s.x, s.y))
        if frame.x0 <= px <= frame.x1 and frame.y0 <= py <= frame.y1:
            r = s.radius_pt * px_per_pt
            sym_boxes.append((px - r, py - r, px + r, py + r, s))
    sizes: dict[str, tuple[float, float]] = {}
    for row in sorted(rows, key=lambda r: -r.priority):
        text = row.label
        px, py = to_px((row.x, row.y))
        if not (frame.x0 <= px <= frame.x1 and frame.y0 <= py <= frame.y1):
            continue
        if text not in sizes:
            probe = ax.text(0, 0, text, fontsize=font_pt)
            bb = probe.get_window_extent(renderer)
            probe.remove()
            sizes[text] = (bb.width + 3 * px_per_pt, bb.height + 2 * px_per_pt)
        w, h = sizes[text]
        r = row.radius_pt * px_per_pt
        gap = 2.5 * px_per_pt
        placed = None
        rings = ((0.0, False),) if row.optional else ((0.0, False), (1.6, True), (3.2, True), (5.0, True))
        for ring, leader in rings:
            dist = r + gap + ring * h
            for dx, dy in (((0, 0),) if row.optional else DIRECTIONS):
                box = _candidate(px, py, dx, dy, dist, w, h)
                if not _inside(box, _box(frame)):
                    continue
                if any(_overlap(box, t) for t in taken):
                    continue
                if any(_overlap(box, sb[:4]) for sb in sym_boxes if sb[4] is not row):
                    continue
                placed = (box, dx, dy, leader)
                break
            if placed:
                break
        if placed is None and row.optional:
            continue
        if placed is None:
            n = len(report.numbered) + 1
            report.numbered.append((n, text))
            side = font_pt * 1.2 * px_per_pt
            nb = next((box for dist in (r + 1, r + side, r + 2 * side) for dx, dy in DIRECTIONS
                       for box in [_candidate(px, py, dx, dy, dist, side, side)]
                       if _inside(box, _box(frame)) and not any(_overlap(box, t) for t in taken)),
                      (px - side / 2, py - side / 2, px + side / 2, py + side / 2))  # else on its own symbol
            inv = ax.transData.inverted()
            cx, cy = inv.transform(((nb[0] + nb[2]) / 2, (nb[1] + nb[3]) / 2))
            ink.text(ax, cx, cy, str(n), font_pt * 0.85, ha="center", va="center", weight="bold", zorder=45)
            taken.append(nb)
            report.boxes.append(_flip(Bbox.from_extents(*nb), fig.bbox.height))
            continue
        box, dx, dy, leader = placed
        taken.append(box)
        inv = ax.transData.inverted()
        ha = "left" if dx > 0 else "right" if dx < 0 else "center"
        va = "bottom" if dy > 0 else "top" if dy < 0 else "center"
        ax_x = box[0] + 1.5 * px_per_pt if dx > 0 else box[2] - 1.5 * px_per_pt if dx < 0 else (box[0] + box[2]) / 2
        ax_y = box[1] + px_per_pt if dy > 0 else box[3] - px_per_pt if dy < 0 else (box[1] + box[3]) / 2
        tx, ty = inv.transform((ax_x, ax_y))
        ink.text(ax, tx, ty, text, font_pt, ha=ha, va=va, multialignment="left", zorder=42)
        if leader:
            ex = min(max(px, box[0]), box[2])
            ey = min(max(py, box[1]), box[3])
            (x0, y0), (x1, y1) = inv.transform((px + dx * r, py + dy * r)), inv.transform((ex, ey))
            ax.plot([x0, x1], [y0, y1], color="#444444", linewidth=0.6 * px_per_pt * 72 / fig.dpi, zorder=41)
            report.leadered.append(text)
        else:
            report.placed.append(text)
        report.boxes.append(_flip(Bbox.from_extents(*box), fig.bbox.height))


def _candidate(px, py, dx, dy, dist, w, h) -> tuple[float, float, float, float]:
    """The box (display px, y up) of a label ``w`` x ``h`` in direction (dx, dy) at ``dist`` from (px, py)."""
    d = dist / (math.sqrt(2) if dx and dy else 1)
    cx = px + dx * d + (w / 2 if dx > 0 else -w / 2 if dx < 0 else 0)
    cy = py + dy * d + (h / 2 if dy > 0 else -h / 2 if dy < 0 else 0)
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _box(b) -> tuple[float, float, float, float]:
    return (b.x0, b.y0, b.x1, b.y1) if hasattr(b, "x0") else tuple(b)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a, frame) -> bool:
    return a[0] >= frame[0] and a[1] >= frame[1] and a[2] <= frame[2] and a[3] <= frame[3]


# --- furniture ------------------------------------------------------------------------------------------

def _legend_handles(visible: list[str], lang: str, css_px: float, base_pt: float, extra: dict | None = None):
    """matplotlib handles for ``style.legend_rows`` (the rows the live map's panel shows too); symbols are
    scaled to fit their row."""
    handles, labels = [], []
    row_pt = base_pt * 0.85 * 1.15
    for row in style.legend_rows(visible, extra):
        s = style.get_style(row.key, extra)
        st = style.stroke(s, row.variant)
        ls = (0, tuple(float(d) * css_px for d in st.dash.split())) if st.dash else "solid"
        if s.kind == "point":
            size = min(s.size * css_px * (1.1 if s.marker == "star" else 0.8), row_pt)
            handles.append(Line2D([], [], linestyle="none", marker=style.MPL_MARKERS[s.marker or "circle"],
                                  markersize=size, markerfacecolor=s.fill_color, markeredgecolor=s.color,
                                  markeredgewidth=s.weight * css_px))
        elif s.kind == "line":
            handles.append(Line2D([], [], color=st.color, linewidth=min(st.weight * css_px, row_pt * 0.45),
                                  linestyle=ls))
        else:
            patch = Patch(edgecolor=st.color, linewidth=min(st.weight, 3) * css_px, linestyle=ls,
                          fill=bool(st.fill_color))
            if st.fill_color:
                patch.set_facecolor(matplotlib.colors.to_rgba(st.fill_color, st.fill_opacity))
            handles.append(patch)
        labels.append(row.label(lang))
    return handles, labels


def _make_legend(fig, visible, lang, base_pt, css_px, extra, bm=None):
    handles, labels = _legend_handles(visible, lang, css_px, base_pt, extra)
    if bm is not None and bm.datum == "gcj02":
        handles.append(Patch(visible=False))
        labels.append(text_of("gcj_note", lang))
    labels = [_wrap(safe.mpl(label), 34 if lang != "en" else 46) for label in labels]
    return fig.legend(handles, labels, loc="lower right", fontsize=base_pt * 0.85, title=text_of("legend", lang),
                      title_fontsize=base_pt, frameon=True, framealpha=0.95, borderpad=0.6, labelspacing=0.45,
                      handlelength=2.2, edgecolor="#999999")


def _wrap(text: str, width: int) -> str:
    """Wrap a legend label at spaces (English) or between characters (Chinese), by display width."""
    out, line, used = [], "", 0
    for word in re.findall(r"\S+\s*|\s+", text) if " " in text else list(text):
        cost = sum(2 if ord(c) > 0x2E80 else 1 for c in word)
        if used + cost > width and line:
            out.append(line.rstrip())
            line, used = "", 0
        line += word
        used += cost
    out.append(line.rstrip())
    if len(out) > 1 and sum(2 if ord(c) > 0x2E80 else 1 for c in out[-1]) <= 4:  # no orphaned bracket
        out[-2:] = [out[-2] + out[-1]]
    return "\n".join(out)


def _legend_width(fig, visible, lang, base_pt, css_px, extra) -> float:
    """The legend's width in pixels (drawn, measured, removed)."""
    leg = _make_legend(fig, visible, lang, base_pt, css_px, extra)
    width = leg.get_window_extent(fig.canvas.get_renderer()).width
    leg.remove()
    return width


def fit_title(fig: Figure, title: str, size: float, max_px: float) -> tuple[str, float]:
    """Shrink the title to fit ``max_px`` (down to 70 %), then break it in two (at " / " or the middle)."""
    renderer = fig.canvas.get_renderer()

    def width(text: str, pt: float) -> float:
        probe = fig.text(0, 0, text, fontsize=pt, weight="bold")
        w = probe.get_window_extent(renderer).width
        probe.remove()
        return w

    full = width(title, size)
    if full <= max_px:
        return title, size
    if full * 0.7 <= max_px:
        return title, size * max_px / full
    if " / " in title:
        head, tail = title.split(" / ", 1)
        two = f"{head} /\n{tail}"
    else:
        words = title.split(" ")
        half = len(words) // 2 if len(words) > 1 else None
        two = " ".join(words[:half]) + "\n" + " ".join(words[half:]) if half else title[:len(title) // 2] + "\n" + \
            title[len(title) // 2:]
    longest = max(width(line, size) for line in two.split("\n"))
    return two, size * min(1.0, max_px / longest)


def _draw_furniture(fig: Figure, ax, spec: MapSpec, bm: basemaps.Basemap, visible: list[str], css_px: float,
                    notes: list[str], basemap_ok: bool | None, ink: Ink, extra: dict, title_fit: tuple[str, float],
                    top: float, furniture: list) -> None:
    title, title_pt = title_fit
    lang = spec.labels
    base_pt = 11 * css_px
    pad = 0.014
    f = spec.furniture
    renderer = fig.canvas.get_renderer()
    y = 1 - pad
    if title:
        t = ink.text(fig, pad, y, title, title_pt, weight="bold", va="top", ha="left", zorder=50, linespacing=1.15)
        furniture.append(t)
        y = t.get_window_extent(renderer).y0 / fig.bbox.height - 0.006
    if spec.subtitle:
        furniture.append(ink.text(fig, pad, y, spec.subtitle, base_pt * 1.25, va="top", ha="left", color="#333333",
                                  zorder=50, linespacing=1.3))
    if f.legend and visible:
        leg = _make_legend(fig, visible, lang, base_pt, css_px, extra, bm)
        footer_h = _footer_height(spec, base_pt, fig)
        leg.set_bbox_to_anchor((1 - pad / 2, footer_h + pad / 2), transform=fig.transFigure)
        leg.set_zorder(60)
        furniture.append(leg)
    if f.north_arrow:
        furniture.extend(_north_arrow(fig, base_pt, lang, ink))
    if f.scale_bar:
        furniture.extend(_scale_bar(fig, ax, base_pt, ink, _footer_height(spec, base_pt, fig) + pad))
    credits, source = [], []
    if f.attribution:
        if bm.attribution:
            credits.append(re.sub(r"<[^>]+>", "", html.unescape(bm.attribution)))
        credits.append(text_of("attribution_data", lang))
    if f.source:
        source.append(text_of("source_line", lang))
    if f.date:
        source.append((spec.today or dt.date.today()).isoformat())
    lines = [" · ".join(part) for part in (credits, source) if part]
    if lines:  # typeset: one artist per line, no automatic wrapping (it breaks spacing)
        y = 0.006
        for line in reversed(lines):
            t = fig.text(1 - pad / 2, y, line, fontsize=base_pt * 0.7, ha="right", va="bottom", color="#333333",
                         zorder=60, bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1.5})
            furniture.append(t)
            y = t.get_window_extent(renderer).y1 / fig.bbox.height + 0.002
    if basemap_ok is False or notes:
        furniture.append(fig.text(0.5, top - 0.01, "\n".join(dict.fromkeys(notes)), fontsize=base_pt, ha="center",
                                  va="top", color="#B00020", zorder=70,
                                  bbox={"facecolor": "white", "alpha": 0.9, "edgecolor": "#B00020", "pad": 4}))


def _footer_height(spec: MapSpec, base_pt: float, fig: Figure) -> float:
    f = spec.furniture
    lines = int(f.attribution) + int(f.source or f.date)
    return lines * base_pt * 0.7 * 1.45 / 72 * fig.dpi / fig.bbox.height + (0.006 if lines else 0)


def _north_arrow(fig: Figure, base_pt: float, lang: str, ink: Ink) -> list:
    h = base_pt * 3.2 / 72 * fig.dpi / fig.bbox.height
    w = h * fig.bbox.height / fig.bbox.width
    x, y = 1 - 0.03 - w / 2, 0.975 - h
    arrow = FancyArrow(x, y, 0, h * 0.75, width=w * 0.18, head_width=w * 0.7, head_length=h * 0.45,
                       length_includes_head=True, transform=fig.transFigure, color="#222222", zorder=60)
    fig.patches.append(arrow)
    t = ink.text(fig, x, y - 0.004, "N" if lang == "en" else "北 N", base_pt, ha="center", va="top", weight="bold",
                 zorder=60)
    return [arrow, t]


def _scale_bar(fig: Figure, ax, base_pt: float, ink: Ink, bottom: float) -> list:
    minx, maxx = ax.get_xlim()
    miny, maxy = ax.get_ylim()
    lat = math.degrees(math.atan(math.sinh(((miny + maxy) / 2) / 6378137.0)))
    metres_per_unit = math.cos(math.radians(lat))  # Web Mercator stretches by 1/cos(lat)
    length_m = nice_length((maxx - minx) * metres_per_unit * 0.15)
    length_units = length_m / metres_per_unit
    x0 = minx + (maxx - minx) * 0.02
    y0 = miny + (maxy - miny) * max(0.03, bottom)
    bar_h = (maxy - miny) * 0.008
    out = []
    for i in range(4):
        patch = Rectangle((x0 + i * length_units / 4, y0), length_units / 4, bar_h,
                          facecolor="#222222" if i % 2 == 0 else "white", edgecolor="#222222", linewidth=0.6, zorder=60)
        ax.add_patch(patch)
        out.append(patch)
    label = f"{length_m / 1000:g} km" if length_m >= 1000 else f"{length_m:g} m"
    for xx, txt in ((x0, "0"), (x0 + length_units, label)):
        out.append(ink.text(ax, xx, y0 + bar_h * 1.6, txt, base_pt * 0.8, ha="center", va="bottom", zorder=60))
    return out


def _draw_inset(fig: Figure, ax, layers: Layers, result, extra, frames, display_datum, css_px, bottom, pad,
                furniture) -> object:
    """City maps: an enlarged inset of the core and the Central Axis, framed, with its area marked on the map."""
    page_w, page_h = fig.bbox.width, fig.bbox.height
    side = min(0.30 * page_w, 0.42 * page_h)
    w, h = side / page_w, side / page_h
    y0 = bottom + pad + 0.07
    iax = fig.add_axes((pad, y0, w, h))
    iax.set_xticks([])
    iax.set_yticks([])
    iax.set_facecolor(BACKGROUND)
    for spine in iax.spines.values():
        spine.set_edgecolor("#333333")
        spine.set_linewidth(1.2 * css_px)
    iax.set_zorder(55)
    core = mercator_box(VIEWS["core"].bbox, display_datum)
    ext = fit_aspect(core, 1.0)
    grow = (ext[2] - ext[0]) * 0.06  # room for the labels of venues on the core's edge (Diaoyutai)
    ext = (ext[0] - grow, ext[1] - grow, ext[2] + grow, ext[3] + grow)
    draw_layers(iax, layers, result, extra, frames, display_datum, css_px, "zh", scale=0.8)
    _draw_selection(iax, result, display_datum, css_px)
    iax.set_xlim(ext[0], ext[2])
    iax.set_ylim(ext[1], ext[3])
    iax.set_xlabel("")
    iax.set_ylabel("")
    ax.add_patch(Rectangle((ext[0], ext[1]), ext[2] - ext[0], ext[3] - ext[1], fill=False, edgecolor="#333333",
                           linewidth=1.2 * css_px, zorder=50))
    furniture.append(iax.get_window_extent(fig.canvas.get_renderer()))
    return iax


def _draw_locator(fig: Figure, layers: Layers, extent, display_datum, css_px, bottom, pad, top, furniture) -> None:
    """Close-ups: a small map of the municipality with this map's frame marked."""
    page_w, page_h = fig.bbox.width, fig.bbox.height
    side = min(0.16 * page_w, 0.24 * page_h)
    w, h = side / page_w, side / page_h
    lax = fig.add_axes((pad, top - h - pad, w, h))
    lax.set_xticks([])
    lax.set_yticks([])
    lax.set_facecolor("white")
    lax.set_zorder(55)
    for spine in lax.spines.values():
        spine.set_edgecolor("#666666")
    boundary = to_mercator(layers.boundary, display_datum)
    boundary.plot(ax=lax, color="#eeeeee", edgecolor="#3a3a3a", linewidth=0.6 * css_px)
    to_mercator(layers.core, display_datum).plot(ax=lax, color=style.VERMILLION, alpha=0.5, linewidth=0)
    b = fit_aspect(tuple(boundary.total_bounds), 1.0)
    lax.set_xlim(b[0], b[2])
    lax.set_ylim(b[1], b[3])
    lax.set_xlabel("")
    lax.set_ylabel("")
    x0, y0, x1, y1 = extent
    lax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="#B00020", linewidth=1.4 * css_px))
    furniture.append(lax.get_window_extent(fig.canvas.get_renderer()))


def _draw_key(fig: Figure, numbered: list[tuple[int, str]], base_pt: float, ink: Ink, pad: float, top: float,
              lang: str, report: LabelReport, height: float) -> None:
    """The numbered key for labels that could not sit on the map: top right, under the north arrow."""
    lines = [text_of("label_key", lang)] + [f"{n}  {safe.mpl(text).replace(chr(10), ' / ')}" for n, text in numbered]
    t = fig.text(1 - pad, top - 0.07, "\n".join(lines), fontsize=base_pt * 0.8, ha="right", va="top", zorder=65,
                 color=INK, linespacing=1.35,
                 bbox={"facecolor": "white", "alpha": 0.95, "edgecolor": "#999999", "boxstyle": "round,pad=0.4"})
    report.furniture.append(_flip(t.get_window_extent(fig.canvas.get_renderer()), height))


def view_spec(view: str, **kwargs) -> MapSpec:
    """A spec for a named view (``city``, ``core``, ``central-axis``...)."""
    if view not in VIEWS:
        raise SnapshotError(f"unknown view {view!r}; known: {', '.join(VIEWS)}")
    return replace(MapSpec(bbox=VIEWS[view].bbox, view=view), **kwargs)
