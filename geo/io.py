"""Export what is shown: a standalone interactive HTML map, and the data as GeoJSON, GeoPackage, KML or CSV."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geo import style, webmap
from geo.assets import inline_assets_html
from geo.data import CRS, Layers
from geo.errors import GeoError

DATA_FORMATS = {
    "geojson": ("application/geo+json", ".geojson"),
    "gpkg": ("application/geopackage+sqlite3", ".gpkg"),
    "kml": ("application/vnd.google-earth.kml+xml", ".kml"),
    "csv": ("text/csv", ".csv"),
}
EXPORT_COLUMNS = ["layer", "id", "name_zh", "name_en", "category", "role", "plan_action", "precision",
                  "district_zh", "district_en", "plan_sentence", "coord_source"]
_ASSET_BASE = "bem-leaflet"
_VENDOR_BASE = "bem-vendor"


class ExportError(GeoError):
    """An export that cannot be produced (unknown format, nothing to export...)."""


def shown_features(layers: Layers, keys: tuple[str, ...] | list[str],
                   bbox: tuple[float, float, float, float] | None = None, imported: tuple = ()) -> gpd.GeoDataFrame:
    """The features of the visible layers (curated and imported), those intersecting ``bbox``, in one frame."""
    parts = []
    for key in style.legend_order([k for k in keys if k in style.STYLES and k not in ("boundary", "districts")]):
        gdf = layers.get(key).copy()
        gdf["layer"] = key
        parts.append(gdf[[c for c in EXPORT_COLUMNS if c in gdf] + ["geometry"]])
    for layer in imported:
        if layer.key in keys:
            gdf = layer.gdf[["_name", "geometry"]].rename(columns={"_name": "name_zh"})
            parts.append(gdf.assign(layer=layer.key, name_en=gdf["name_zh"], role="imported"))
    if not parts:
        raise ExportError("no data layer is switched on: nothing to export")
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=CRS)
    if bbox is not None:
        out = out[out.intersects(shapely.box(*bbox))]
    return out.reset_index(drop=True)


def export_data(layers: Layers, keys, fmt: str, bbox=None, lang: str = "zh", imported: tuple = ()) -> bytes:
    """Bytes of the shown features in ``fmt`` (geojson, gpkg, kml, csv)."""
    if fmt not in DATA_FORMATS:
        raise ExportError(f"unknown data format {fmt!r}; use {', '.join(DATA_FORMATS)}")
    gdf = shown_features(layers, keys, bbox, imported)
    if fmt == "geojson":
        return gdf.to_json(ensure_ascii=False, drop_id=True).encode("utf-8")
    if fmt == "csv":
        table = pd.DataFrame(gdf.drop(columns="geometry"))
        points = gdf.geometry.representative_point()
        table.insert(3, "lon", points.x.round(6))
        table.insert(4, "lat", points.y.round(6))
        table["wkt"] = gdf.geometry.to_wkt(rounding_precision=6)
        table = table.map(neutralize_formula)
        buf = io.StringIO()
        table.to_csv(buf, index=False)
        return buf.getvalue().encode("utf-8-sig")  # BOM: Excel opens Chinese CSV correctly
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export{DATA_FORMATS[fmt][1]}"
        if fmt == "gpkg":
            for key, part in gdf.groupby("layer", sort=False):
                pyogrio.write_dataframe(part.reset_index(drop=True), path, layer=key, driver="GPKG")
        else:  # KML: Google Earth shows Name and Description
            kml = gdf.copy()
            kml.insert(0, "Name", kml[f"name_{lang}"])
            kml.insert(1, "Description", kml["plan_sentence"])
            pyogrio.write_dataframe(kml, path, driver="KML")
        return path.read_bytes()


def neutralize_formula(value):
    """A text cell starting with = + - @ would run as a formula in Excel: make it plain text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_html(layers: Layers, lang: str, basemap: str, hidden: tuple[str, ...] = (),
                bbox: tuple[float, float, float, float] | None = None, token: str | None = None,
                imported: tuple = ()) -> str:
    """A standalone interactive map: Leaflet and every asset inlined, so it opens from a file with no server.

    With the offline basemap it needs no network at all; tile basemaps fetch tiles when online.
    """
    m = webmap.build_map(layers, lang=lang, basemap=basemap, asset_base=_ASSET_BASE, hidden=hidden, token=token,
                         vendor_base=_VENDOR_BASE, imported=imported)
    if bbox is not None:
        m.fit_bounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]])
    page = m.get_root().render()
    page = inline_assets_html(page, _ASSET_BASE, _VENDOR_BASE)
    if "bem-leaflet/" in page or "bem-vendor/" in page:
        raise ExportError("an asset of the map could not be inlined")
    return page

