"""The map's layers on a snapshot: the basemap's tiles, every visible layer in the shared style, the
"within N km" ring and the selection. Point symbols come back as :class:`PointRow` for the labels."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from geo import basemaps, style, tiles
from geo.data import Layers
from geo.mapspec import MapSpec, Shown, ring_label

from .geometry import to_mercator
from .ink import label_of, text_of
from .layout import Layout


@dataclass(eq=False)
class PointRow:
    """A point symbol drawn (and what its label needs)."""

    x: float  # Mercator
    y: float
    radius_pt: float  # the symbol's half size
    label: str
    priority: float
    crowded: bool  # a venue of the core/Central Axis area (labelled in the inset on city maps)
    optional: bool = False  # an area name: left out where it does not fit (a venue never is)


def draw_basemap(ax, bm: basemaps.Basemap, spec: MapSpec, layout: Layout, notes: list[str]) -> bool:
    """The basemap's tiles (and its label layer) under the map; False (and a note) when unreachable."""
    minx, miny, maxx, maxy = layout.extent
    deadline = time.monotonic() + tiles.DEADLINE_S  # one deadline for the basemap and its label layer
    for url in (bm.url(spec.token), bm.labels_url(spec.token)):
        if url is None:
            continue
        mosaic = tiles.fetch_mosaic(url, (minx, miny, maxx, maxy), layout.width_px, bm.subdomains, bm.max_zoom, deadline=deadline)
        if not mosaic.ok:
            notes.append(text_of("tiles_unreachable", spec.labels))
            return False
        ax.imshow(np.asarray(mosaic.image), extent=mosaic.extent, interpolation="lanczos", zorder=0)
        if mosaic.failed:
            notes.append(text_of("tiles_missing", spec.labels).format(n=mosaic.failed))
    return True


def _source(key: str, layers: Layers, result: Shown, extra: dict, frames: dict) -> gpd.GeoDataFrame | None:
    """The features of layer ``key`` to draw: ``frames[key]`` (a snapshot passes every layer's features in its
    view: ``mapspec.view_frames``); a layer missing from ``frames`` is drawn whole (None: an imported layer the
    filters emptied)."""
    if key in frames:
        return frames[key]
    if key in extra:
        return None
    if key in style.VENUE_CATEGORIES:
        return result.venues[result.venues["category"] == key]
    return result.layout.get(key)  # the core, axes and areas of the filters' year


def draw_layers(
    ax, layers: Layers, result: Shown, extra: dict, frames: dict, display_datum: str, css_px: float, lang: str, scale: float = 1.0
) -> list[PointRow]:
    """Draw every visible layer (its features in ``frames``: ``mapspec.view_frames``); return the point symbols
    (for labels and collision checks)."""
    points: list[PointRow] = []
    core = to_mercator(layers.core, display_datum).union_all()
    for key in result.visible:
        s = style.get_style(key, extra)
        source = _source(key, layers, result, extra, frames)
        if source is None:
            continue
        gdf = style.with_names(to_mercator(source, display_datum), key in extra)
        if gdf.empty:
            continue
        points.extend(_draw_kinds(ax, gdf, s, css_px, scale, lang, core if key not in extra else None))
    return points


def _draw_kinds(
    ax, gdf: gpd.GeoDataFrame, s: style.LayerStyle, css_px: float, scale: float, lang: str, core: shapely.Geometry | None
) -> list[PointRow]:
    """A layer's areas, lines and point symbols, each kind in its style (``style.for_kind``: an imported layer
    mixing them draws every kind in its colour, as the live map does); returns the point symbols."""
    kinds = gdf.geom_type.map(style.kind_of)
    for kind in ("polygon", "line"):
        if (kinds == kind).any():
            _draw_shapes(ax, gdf[kinds == kind], style.for_kind(s, kind), css_px)
    pts = gdf[kinds == "point"]
    if pts.empty:
        return []
    return _draw_points(ax, pts.explode(index_parts=False), style.for_kind(s, "point"), css_px, scale, lang, core)


def _draw_points(
    ax, gdf: gpd.GeoDataFrame, s: style.LayerStyle, css_px: float, scale: float, lang: str, core: shapely.Geometry | None
) -> list[PointRow]:
    """A point layer's symbols; ``core``: for a curated layer, which venues crowd the core (None: imported)."""
    gdf = gdf[gdf.geom_type == "Point"]
    size_pt = s.size * css_px * scale
    ax.scatter(
        gdf.geometry.x,
        gdf.geometry.y,
        marker=style.MPL_MARKERS[s.marker or "circle"],
        s=(size_pt * (1.25 if s.marker == "star" else 0.9)) ** 2,
        c=s.fill_color or s.color,
        edgecolors=s.color,
        linewidths=s.weight * css_px,
        zorder=10 + s.z,
        clip_on=True,
    )
    near_core = core.buffer(2500) if core is not None else None
    return [
        PointRow(
            x,
            y,
            size_pt / 2,
            label_of(row, lang),
            style.label_priority(s),
            near_core is not None and near_core.contains(shapely.Point(x, y)),
        )
        for (_, row), x, y in zip(gdf.iterrows(), gdf.geometry.x, gdf.geometry.y)
    ]


def _dashes(st: style.Stroke, css_px: float):
    return (0, tuple(float(v) * css_px for v in st.dash.split())) if st.dash else "solid"


def _draw_shapes(ax, gdf: gpd.GeoDataFrame, s: style.LayerStyle, css_px: float) -> None:
    """A layer's lines or areas, one stroke per variant."""
    for variant_key, part in _variants(gdf, s):
        st = style.stroke(s, variant_key)
        ls = _dashes(st, css_px)
        lines = part[part.geom_type.isin(["LineString", "MultiLineString"])]
        polys = part[part.geom_type.isin(["Polygon", "MultiPolygon"])]
        if len(lines):
            lines.plot(ax=ax, color=st.color, linewidth=st.weight * css_px, linestyle=ls, zorder=s.z, alpha=st.opacity)
        if len(polys):
            if st.fill_color and st.fill_opacity:
                polys.plot(ax=ax, color=st.fill_color, alpha=st.fill_opacity, linewidth=0, zorder=s.z)
            polys.boundary.plot(ax=ax, color=st.color, linewidth=st.weight * css_px, linestyle=ls, zorder=s.z)


def _variants(gdf: gpd.GeoDataFrame, s: style.LayerStyle) -> Iterator[tuple[str | None, gpd.GeoDataFrame]]:
    if not s.variants or "segment" not in gdf:
        yield None, gdf
        return
    for key in s.variants:
        part = gdf[gdf["segment"] == key]
        if not part.empty:
            yield key, part


def area_rows(frames: dict, display_datum: str, lang: str, zoom: float) -> list[PointRow]:
    """The view's area names (``frames``) where the map's zoom shows them (as on the live map): optional labels
    on no symbol."""
    areas_style = style.STYLES["areas"]
    if "areas" not in frames or frames["areas"].empty or zoom < areas_style.label_min_zoom:
        return []
    areas = to_mercator(frames["areas"], display_datum)
    return [
        PointRow(pt.x, pt.y, 0, label_of(row, lang), style.label_priority(areas_style), False, optional=True)
        for (_, row), pt in zip(areas.iterrows(), areas.geometry.representative_point())
    ]


#: the ring's distance is placed before every other label: it says what the map is filtered to
RING_LABEL_PRIORITY = 100
#: ... on the ring inside this share of the map's width and height from its edges
RING_LABEL_INSET = 0.08


def ring_rows(result: Shown, spec: MapSpec, extent: tuple[float, float, float, float], display_datum: str) -> list[PointRow]:
    """The distance on the "within N km" ring ("3 公里", as on the live map): at the ring's highest point well
    inside the map's ``extent`` (Mercator); none when the ring does not cross the map (the legend names it)."""
    if result.ring is None:
        return []
    ring = to_mercator(gpd.GeoDataFrame(geometry=[result.ring], crs="EPSG:4326"), display_datum).boundary.iloc[0]
    minx, miny, maxx, maxy = extent
    dx, dy = (maxx - minx) * RING_LABEL_INSET, (maxy - miny) * RING_LABEL_INSET
    on_map = ring.intersection(shapely.box(minx + dx, miny + dy, maxx - dx, maxy - dy))
    if on_map.is_empty:
        return []
    xy = shapely.get_coordinates(on_map)
    x, y = xy[xy[:, 1].argmax()]
    return [PointRow(float(x), float(y), 0.0, ring_label(spec, spec.labels), RING_LABEL_PRIORITY, False)]


def draw_marks(ax, marks: tuple, display_datum: str, css_px: float) -> None:
    """The key projects' change marks (``Layout.marks``): one outline per kind around each marked place, in the
    live map's shapes, colours and sizes (``style.MARK_STYLES``)."""
    from geo import project_marks

    for kind in project_marks.KINDS:
        hit = [m for m in marks if kind in m.kinds]
        if not hit:
            continue
        s = style.mark_style(kind)
        pts = to_mercator(gpd.GeoDataFrame(geometry=[shapely.Point(m.lon, m.lat) for m in hit], crs="EPSG:4326"), display_datum)
        ax.scatter(
            pts.geometry.x,
            pts.geometry.y,
            marker=style.MPL_MARKERS[s.marker or "circle"],
            s=(s.size * css_px * 0.9) ** 2,
            facecolors="none",
            edgecolors=s.color,
            linewidths=s.weight * css_px,
            zorder=10 + s.z,
            clip_on=True,
        )


def draw_selection(ax, result: Shown, display_datum: str, css_px: float) -> None:
    """The "within N km" ring and the highlight of the selected venue, as on the live map."""
    if result.ring is not None:
        r = style.RING
        ring = to_mercator(gpd.GeoDataFrame(geometry=[result.ring], crs="EPSG:4326"), display_datum)
        ring.plot(ax=ax, color=r.fill_color, alpha=r.fill_opacity, linewidth=0, zorder=9)
        ring.boundary.plot(ax=ax, color=r.color, linewidth=r.weight * css_px, linestyle=_dashes(r, css_px), zorder=9)
    if result.selected is not None:
        sel = style.SELECTION
        pts = to_mercator(result.selected, display_datum)
        ax.scatter(
            pts.geometry.x,
            pts.geometry.y,
            s=(2 * style.SELECTION_RADIUS * css_px) ** 2,
            facecolors="none",
            edgecolors=sel.color,
            linewidths=sel.weight * css_px,
            zorder=30,
        )
