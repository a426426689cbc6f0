"""Where things are on a snapshot: Web Mercator (in the basemap's datum), page fractions and pixels."""

from __future__ import annotations

import geopandas as gpd
import shapely

from geo import datum

MERCATOR = "EPSG:3857"
Box = tuple[float, float, float, float]


def to_mercator(gdf: gpd.GeoDataFrame, display_datum: str) -> gpd.GeoDataFrame:
    """``gdf`` (WGS-84) shifted to the basemap's datum and projected to Web Mercator."""
    shifted = gdf.set_geometry(datum.transform_geometry(gdf.geometry.values, "wgs84", display_datum), crs=gdf.crs)
    return shifted.to_crs(MERCATOR)


def mercator_box(bbox: Box, display_datum: str) -> Box:
    """A WGS-84 bbox as Mercator bounds in the basemap's datum."""
    geom = gpd.GeoDataFrame(geometry=gpd.GeoSeries([shapely.box(*bbox)], crs="EPSG:4326"))
    return tuple(to_mercator(geom, display_datum).total_bounds)


def wgs_box(extent: Box, display_datum: str) -> Box:
    """Mercator limits back to a WGS-84 bbox."""
    box = gpd.GeoSeries([shapely.box(*extent)], crs=MERCATOR).to_crs("EPSG:4326").iloc[0]
    geom = datum.transform_geometry(box, display_datum, "wgs84") if display_datum != "wgs84" else box
    return tuple(float(v) for v in geom.bounds)


def fit_aspect(bounds: Box, aspect: float) -> Box:
    """Grow Mercator bounds so width/height equals ``aspect`` (never crop what was asked for)."""
    minx, miny, maxx, maxy = bounds
    w, h = maxx - minx, maxy - miny
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def frame_extent(content: Box, page_px: tuple[int, int], safe: Box) -> Box:
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


def flip(b, height: float) -> Box:
    """A display box (matplotlib ``Bbox`` or tuple, y up) as pixels with y down."""
    x0, y0, x1, y1 = as_box(b)
    return (float(x0), float(height - y1), float(x1), float(height - y0))


def as_box(b) -> Box:
    """A matplotlib ``Bbox`` or a tuple as (x0, y0, x1, y1)."""
    return (b.x0, b.y0, b.x1, b.y1) if hasattr(b, "x0") else tuple(b)
