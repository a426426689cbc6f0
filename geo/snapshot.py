"""The static renderer: print-grade PNG, SVG and PDF snapshots of a map view.

It reads the same style definitions (``geo.style``) as the interactive map, draws in
Web Mercator like the map, shifts overlays to GCJ-02 on Gaode basemaps like the map,
and adds cartographic furniture: title, legend of the visible layers, scale bar,
north arrow, attribution, date and source line. Text stays text in SVG and PDF.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import logging
import math
import re
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

from geo import basemaps, datum, i18n, style, tiles  # noqa: E402
from geo.data import Layers  # noqa: E402
from geo.fonts import font_families  # noqa: E402
from geo.mapspec import MAX_PIXELS, Furniture, MapSpec, Page, SpecError, drawn_layers, shown  # noqa: E402,F401
from geo.presets import FORMATS, PAPER_MM, PRESETS, SnapshotError, paper_size  # noqa: E402,F401 (re-exported)
from geo.views import VIEWS  # noqa: E402

MERCATOR = "EPSG:3857"


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


def label_of(row: dict, lang: str) -> str:
    return style.label_text(str(row["name_zh"]), str(row["name_en"]), lang)


def ui_lang(lang: str) -> str:
    """The language of the furniture text ("both" uses Chinese first, English after)."""
    return "en" if lang == "en" else "zh"


def text_of(key: str, lang: str) -> str:
    if lang == "both":
        return f"{i18n.t(key, 'zh')} / {i18n.t(key, 'en')}"
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


def to_mercator(gdf: gpd.GeoDataFrame, display_datum: str) -> gpd.GeoDataFrame:
    shifted = gdf.set_geometry(datum.transform_geometry(gdf.geometry.values, "wgs84", display_datum), crs=gdf.crs)
    return shifted.to_crs(MERCATOR)


def nice_length(max_m: float) -> float:
    """The largest 1/2/5 x 10^n metres not above ``max_m``."""
    exp = 10 ** math.floor(math.log10(max_m))
    return max(m * exp for m in (1, 2, 5) if m * exp <= max_m)


def write(layers: Layers, spec: MapSpec, fmt: str, progress=None) -> tuple[bytes, list[str]]:
    """PNG, SVG or PDF bytes of ``spec`` and the notes for the reader (a writer of geo.formats)."""
    snap = render(layers, spec, fmt, progress)
    return snap.data, snap.notes


def render(layers: Layers, spec: MapSpec, fmt: str = "png",
           progress: Callable[[float, str], None] | None = None) -> Snapshot:
    """Render ``spec`` (filters, selection, ring, hidden and imported layers included) to PNG, SVG or PDF."""
    if fmt not in FORMATS:
        raise SnapshotError(f"unknown format {fmt!r}; use png, svg, pdf (or html through geo.io)")
    try:
        spec = spec.validated()
    except SpecError as exc:
        raise SnapshotError(str(exc)) from None
    result = shown(layers, spec)
    extra = spec.extra_styles
    frames = {layer.key: layer.gdf for layer in result.imported}
    page = spec.page
    lang = spec.labels
    report = progress or (lambda _f, _m: None)
    halo = halo_for(fmt in ("svg", "pdf"))
    families = font_families()
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # the subset has no bold: fine
    bm = basemaps.get_basemap(spec.basemap)
    notes: list[str] = []
    lang_ui = ui_lang(lang)
    if not bm.available(spec.token):
        notes.append(i18n.t("tianditu_needs_key", lang_ui))
        bm = basemaps.BASEMAPS["offline"]

    if lang == "en":  # Latin punctuation (’ “) from a Latin font, CJK glyphs still found by fallback
        families = ("DejaVu Sans", *[f for f in families if f != "DejaVu Sans"])
    rc = {"font.family": list(families), "svg.fonttype": "none", "pdf.fonttype": 42, "lines.scale_dashes": False,
          "axes.unicode_minus": False, "text.parse_math": False}
    with plt.rc_context(rc):
        fig = Figure(figsize=(page.width_px / page.dpi, page.height_px / page.dpi), dpi=page.dpi)
        FigureCanvasAgg(fig)  # text extents for label placement
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        # one CSS pixel of the web map, in points: paper keeps physical sizes, slides scale with width
        css_px = max(1.0, page.width_px / 1600) * 72 / page.dpi if page.dpi <= 160 else 72 / 96
        bbox_geom = gpd.GeoSeries([shapely.box(*spec.bbox)], crs="EPSG:4326")
        view = to_mercator(gpd.GeoDataFrame(geometry=bbox_geom), bm.datum).total_bounds
        minx, miny, maxx, maxy = fit_aspect(tuple(view), page.width_px / page.height_px)
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        # the web-map zoom showing the same metres per CSS pixel: labels follow the map's rules
        css_width = page.width_px * 72 / page.dpi / css_px
        zoom = math.log2(2 * tiles.ORIGIN * css_width / (256 * (maxx - minx)))
        ax.set_facecolor("#f4f3ef")
        fig.patch.set_facecolor("#f4f3ef")

        basemap_ok = None
        if bm.provider is not None:
            report(0.1, "tiles")
            basemap_ok = True
            for url in (bm.url(spec.token), bm.labels_url(spec.token)):
                if url is None:
                    continue
                mosaic = tiles.fetch_mosaic(url, (minx, miny, maxx, maxy), page.width_px, bm.subdomains, bm.max_zoom)
                if not mosaic.ok:
                    basemap_ok = False
                    notes.append(text_of("tiles_unreachable", lang))
                    break
                ax.imshow(np.asarray(mosaic.image), extent=mosaic.extent, interpolation="lanczos", zorder=0)
                if mosaic.failed:
                    notes.append(f"{mosaic.failed} tiles missing")
            ax.set_xlim(minx, maxx)
            ax.set_ylim(miny, maxy)

        report(0.5, "layers")
        visible = list(result.visible)
        markers: list[tuple[float, float]] = []
        label_rows: list[tuple[float, float, str, float, int]] = []
        for key in visible:
            s = style.get_style(key, extra)
            if key in frames:
                source = frames[key]
            elif key in extra:  # an imported layer the filters emptied
                continue
            elif key in style.VENUE_CATEGORIES:
                source = result.venues[result.venues["category"] == key]
            else:
                source = layers.get(key)
            gdf = style.with_names(to_mercator(source, bm.datum), key in extra)
            if gdf.empty:
                continue
            if s.kind == "point" or (key in extra and gdf.geom_type.isin(["Point", "MultiPoint"]).all()):
                gdf = gdf[gdf.geom_type == "Point"]
                size_pt = s.size * css_px
                ax.scatter(gdf.geometry.x, gdf.geometry.y, marker=style.MPL_MARKERS[s.marker or "circle"],
                           s=(size_pt * (1.25 if s.marker == "star" else 0.9)) ** 2, c=s.fill_color or s.color,
                           edgecolors=s.color, linewidths=s.weight * css_px, zorder=10 + s.z)
                markers.extend(zip(gdf.geometry.x, gdf.geometry.y))
                if zoom >= s.label_min_zoom:
                    for (_, row), x, y in zip(gdf.iterrows(), gdf.geometry.x, gdf.geometry.y):
                        label_rows.append((x, y, label_of(row, lang), size_pt / 2, s.z))
            else:
                for variant_key, part in _variants(gdf, s):
                    st = style.stroke(s, variant_key)
                    ls = (0, tuple(float(v) * css_px for v in st.dash.split())) if st.dash else "solid"
                    lines = part[part.geom_type.isin(["LineString", "MultiLineString"])]
                    polys = part[part.geom_type.isin(["Polygon", "MultiPolygon"])]
                    points = part[part.geom_type == "Point"]
                    if len(lines):
                        lines.plot(ax=ax, color=st.color, linewidth=st.weight * css_px, linestyle=ls, zorder=s.z,
                                   alpha=st.opacity)
                    if len(polys):
                        if st.fill_color and st.fill_opacity:
                            polys.plot(ax=ax, color=st.fill_color, alpha=st.fill_opacity, linewidth=0, zorder=s.z)
                        polys.boundary.plot(ax=ax, color=st.color, linewidth=st.weight * css_px, linestyle=ls,
                                            zorder=s.z)
                    if len(points):
                        ax.scatter(points.geometry.x, points.geometry.y, s=(6 * css_px) ** 2, c=st.color, zorder=10 + s.z)
            if key == "areas" and spec.furniture.labels and zoom >= s.label_min_zoom:
                for (_, row), pt in zip(gdf.iterrows(), gdf.geometry.representative_point()):
                    label_rows.append((pt.x, pt.y, label_of(row, lang), 0, 3))
        _draw_selection(ax, result, bm.datum, css_px)
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)

        report(0.7, "labels")
        # furniture first, so labels can keep clear of the legend, title, notes and scale bar
        before = set(map(id, _furniture_artists(fig, ax)))
        _draw_furniture(fig, ax, spec, bm, list(drawn_layers(layers, spec, result)), css_px, notes, basemap_ok, halo,
                        extra)
        renderer = fig.canvas.get_renderer()
        furniture = [a.get_window_extent(renderer) for a in _furniture_artists(fig, ax) if id(a) not in before]
        if spec.furniture.labels:
            place_labels(fig, ax, label_rows, markers, 11 * css_px, halo, avoid=furniture)

        report(0.9, "encode")
        buf = io.BytesIO()
        meta = {"Title": spec.title or i18n.t("app_title", lang_ui)} if fmt != "png" else {
            "Title": spec.title or i18n.t("app_title", lang_ui), "Software": "Beijing Exchange Map"}
        fig.savefig(buf, format=fmt, dpi=page.dpi, metadata=meta, facecolor=fig.get_facecolor())
        width_m, height_m = maxx - minx, maxy - miny

    def transform(lon: float, lat: float) -> tuple[float, float]:
        g = to_mercator(gpd.GeoDataFrame(geometry=gpd.points_from_xy([lon], [lat]), crs="EPSG:4326"), bm.datum)
        x, y = g.geometry.x.iloc[0], g.geometry.y.iloc[0]
        return (x - minx) / width_m * page.width_px, (maxy - y) / height_m * page.height_px

    report(1.0, "done")
    return Snapshot(buf.getvalue(), FORMATS[fmt], page.width_px, page.height_px, page.dpi, basemap_ok, notes, transform)


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


def _variants(gdf: gpd.GeoDataFrame, s: style.LayerStyle):
    if not s.variants or "segment" not in gdf:
        yield None, gdf
        return
    for key in s.variants:
        part = gdf[gdf["segment"] == key]
        if not part.empty:
            yield key, part


def _furniture_artists(fig: Figure, ax) -> list:
    """Artists that can hide a label: figure texts and patches, axes texts and patches, the legend."""
    legend = ax.get_legend()
    return [*fig.texts, *fig.patches, *ax.texts, *ax.patches, *([legend] if legend else [])]


def place_labels(fig: Figure, ax, rows, markers, font_pt: float, halo: Callable[[float], dict],
                 avoid: list | None = None) -> None:
    """Place labels beside their symbol, trying four positions; skip a label that would collide.

    Greedy by priority (draw order), checked against placed labels and every symbol.
    """
    renderer = fig.canvas.get_renderer()
    taken = list(avoid or [])
    to_px = ax.transData.transform
    marker_px = [to_px((x, y)) for x, y in markers]
    r_marker = font_pt * fig.dpi / 72 * 0.5
    rows = sorted(rows, key=lambda r: -r[4])
    for x, y, text, offset_pt, _z in rows:
        off = (offset_pt + 2) * fig.dpi / 72
        placed = False
        for dx, dy, ha, va in ((off, 0, "left", "center"), (-off, 0, "right", "center"),
                               (0, off, "center", "bottom"), (0, -off, "center", "top")):
            px, py = to_px((x, y))
            tx, ty = ax.transData.inverted().transform((px + dx, py + dy))
            t = ax.text(tx, ty, text, fontsize=font_pt, ha=ha, va=va, zorder=40, color="#222222", **halo(font_pt))
            bb = t.get_window_extent(renderer).expanded(1.05, 1.1)
            inside = ax.bbox.contains(bb.x0, bb.y0) and ax.bbox.contains(bb.x1, bb.y1)
            hits_label = any(bb.overlaps(o) for o in taken)
            hits_marker = any(bb.x0 - r_marker < mx < bb.x1 + r_marker and bb.y0 - r_marker < my < bb.y1 + r_marker
                              for mx, my in marker_px if abs(mx - px) > 0.5 or abs(my - py) > 0.5)
            if inside and not hits_label and not hits_marker:
                taken.append(bb)
                placed = True
                break
            t.remove()
        if not placed:
            continue


def halo_for(vector: bool) -> Callable[[float], dict]:
    """Text keyword arguments giving text a white halo, like the web map's text-shadow.

    Raster: a stroke path effect. Vector (SVG/PDF): a path effect would turn the text into
    outlines, so a light white box keeps it text that can be selected and edited.
    """
    from matplotlib import patheffects

    def raster(font_pt: float) -> dict:
        return {"path_effects": [patheffects.withStroke(linewidth=max(1.5, font_pt / 4), foreground="white")]}

    def vector_box(font_pt: float) -> dict:
        return {"bbox": {"boxstyle": "square,pad=0.08", "facecolor": "white", "edgecolor": "none", "alpha": 0.7}}

    return vector_box if vector else raster


def _legend_handles(visible: list[str], lang: str, css_px: float, extra: dict | None = None):
    """matplotlib handles for ``style.legend_rows`` (the rows the live map's legend shows too)."""
    handles, labels = [], []
    for row in style.legend_rows(visible, extra):
        s = style.get_style(row.key, extra)
        st = style.stroke(s, row.variant)
        ls = (0, tuple(float(d) * css_px for d in st.dash.split())) if st.dash else "solid"
        if s.kind == "point":
            handles.append(Line2D([], [], linestyle="none", marker=style.MPL_MARKERS[s.marker or "circle"],
                                  markersize=s.size * css_px * (1.1 if s.marker == "star" else 0.8),
                                  markerfacecolor=s.fill_color, markeredgecolor=s.color,
                                  markeredgewidth=s.weight * css_px))
        elif s.kind == "line":
            handles.append(Line2D([], [], color=st.color, linewidth=st.weight * css_px, linestyle=ls))
        else:
            patch = Patch(edgecolor=st.color, linewidth=min(st.weight, 3) * css_px, linestyle=ls,
                          fill=bool(st.fill_color))
            if st.fill_color:
                patch.set_facecolor(matplotlib.colors.to_rgba(st.fill_color, st.fill_opacity))
            handles.append(patch)
        labels.append(row.label(lang))
    return handles, labels


def _draw_furniture(fig: Figure, ax, spec: MapSpec, bm: basemaps.Basemap, visible: list[str],
                    css_px: float, notes: list[str], basemap_ok: bool | None, halo: Callable[[float], dict],
                    extra: dict | None = None) -> None:
    lang = spec.labels
    base_pt = 11 * css_px
    pad = 0.012
    title = spec.title if spec.title is not None else text_of("app_title", lang)
    if title:
        t = fig.text(pad, 1 - pad, title, fontsize=base_pt * 2.0, weight="bold", va="top", ha="left", zorder=50,
                     **halo(base_pt * 2))
        if spec.subtitle:
            fig.canvas.draw_idle()
            y = t.get_window_extent(fig.canvas.get_renderer()).y0 / fig.bbox.height - 0.005
            fig.text(pad, y, spec.subtitle, fontsize=base_pt * 1.25, va="top", ha="left", color="#333333",
                     zorder=50, **halo(base_pt))
    if spec.furniture.legend and visible:
        handles, labels = _legend_handles(visible, lang, css_px, extra)
        if bm.datum == "gcj02":
            handles.append(Patch(visible=False))
            labels.append(text_of("gcj_note", lang))
        leg = ax.legend(handles, labels, loc="lower right", fontsize=base_pt * 0.85, title=text_of("legend", lang),
                        title_fontsize=base_pt, frameon=True, framealpha=0.93, borderpad=0.6,
                        bbox_to_anchor=(1 - pad / 2, 0.045))
        leg.set_zorder(60)
    if spec.furniture.north_arrow:
        _north_arrow(fig, base_pt, lang, halo)
    if spec.furniture.scale_bar:
        _scale_bar(fig, ax, base_pt, halo)
    credits, source = [], []
    if spec.furniture.attribution:
        if bm.attribution:
            credits.append(re.sub(r"<[^>]+>", "", html.unescape(bm.attribution)))
        credits.append(text_of("attribution_data", lang))
    if spec.furniture.source:
        source.append(text_of("source_line", lang))
    if spec.furniture.date:
        source.append((spec.today or dt.date.today()).isoformat())
    footer = "\n".join(" · ".join(part) for part in (credits, source) if part)
    if footer:
        fig.text(1 - pad / 2, 0.008, footer, fontsize=base_pt * 0.7, ha="right", va="bottom", wrap=True,
                 color="#333333", zorder=60, bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 2})
    if basemap_ok is False or notes:
        fig.text(0.5, 0.985 if not title else 0.90, "\n".join(dict.fromkeys(notes)), fontsize=base_pt, ha="center",
                 va="top", color="#B00020", zorder=70,
                 bbox={"facecolor": "white", "alpha": 0.9, "edgecolor": "#B00020", "pad": 4})


def _north_arrow(fig: Figure, base_pt: float, lang: str, halo: Callable[[float], dict]) -> None:
    h = base_pt * 3.2 / 72 * fig.dpi / fig.bbox.height
    w = h * fig.bbox.height / fig.bbox.width
    x, y = 1 - 0.03 - w / 2, 0.975 - h
    fig.patches.append(FancyArrow(x, y, 0, h * 0.75, width=w * 0.18, head_width=w * 0.7, head_length=h * 0.45,
                                  length_includes_head=True, transform=fig.transFigure, color="#222222", zorder=60))
    fig.text(x, y - 0.004, "N" if lang == "en" else "北 N", fontsize=base_pt, ha="center", va="top", weight="bold",
             zorder=60, **halo(base_pt))


def _scale_bar(fig: Figure, ax, base_pt: float, halo: Callable[[float], dict]) -> None:
    minx, maxx = ax.get_xlim()
    miny, maxy = ax.get_ylim()
    lat = math.degrees(math.atan(math.sinh(((miny + maxy) / 2) / 6378137.0)))
    metres_per_unit = math.cos(math.radians(lat))  # Web Mercator stretches by 1/cos(lat)
    length_m = nice_length((maxx - minx) * metres_per_unit * 0.2)
    length_units = length_m / metres_per_unit
    x0 = minx + (maxx - minx) * 0.02
    y0 = miny + (maxy - miny) * 0.05
    bar_h = (maxy - miny) * 0.008
    for i in range(4):
        ax.add_patch(Rectangle((x0 + i * length_units / 4, y0), length_units / 4, bar_h,
                               facecolor="#222222" if i % 2 == 0 else "white", edgecolor="#222222",
                               linewidth=0.6, zorder=60))
    label = f"{length_m / 1000:g} km" if length_m >= 1000 else f"{length_m:g} m"
    for xx, txt in ((x0, "0"), (x0 + length_units, label)):
        ax.text(xx, y0 + bar_h * 1.6, txt, fontsize=base_pt * 0.8, ha="center", va="bottom", zorder=60,
                **halo(base_pt))


def view_spec(view: str, **kwargs) -> MapSpec:
    """A spec for a named view (``city``, ``core``, ``central-axis``...)."""
    if view not in VIEWS:
        raise SnapshotError(f"unknown view {view!r}; known: {', '.join(VIEWS)}")
    return replace(MapSpec(bbox=VIEWS[view].bbox, view=view), **kwargs)
