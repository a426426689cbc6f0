"""Export what is shown: a standalone interactive HTML map, and the data as GeoJSON, GeoPackage, KML or CSV."""

from __future__ import annotations

import html
import re
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geo import fonts, safe, sheets, style, templating, webmap
from geo.a11y_messages import describe
from geo.assets import inline_assets_html
from geo.data import CRS, Layers
from geo.errors import Catalogued
from geo.kml import kml_bytes
from geo.mapspec import CONTEXT, MapSpec, Shown, in_view

EXPORT_COLUMNS = [
    "layer",
    "id",
    "name_zh",
    "name_en",
    "category",
    "role",
    "plan_action",
    "status",
    "year_open",
    "year_target",
    "precision",
    "district_zh",
    "district_en",
    "plan_sentence",
    "coord_source",
    "dates_source",
    "border_note",
]
_IMPORT_EXTENSIONS = (".geojson", ".json", ".gpkg", ".kml", ".csv", ".txt", ".xlsx")
_ASSET_BASE = "bem-leaflet"
_VENDOR_BASE = "bem-vendor"


class ExportError(Catalogued):
    """An export that cannot be produced (nothing to export...): a key of geo/error_messages.py and its fields."""


def imported_layer_names(imported: tuple) -> dict[str, str]:
    """Each imported layer's name in exports: its file name without the extension, unique."""
    names: dict[str, str] = {}
    for layer in imported:
        base = Path(layer.source).stem or "imported"
        name, n = base, 2
        while name in names.values():
            name, n = f"{base}-{n}", n + 1
        names[layer.key] = name
    return names


def shown_features(layers: Layers, spec: MapSpec, result: Shown | None = None) -> gpd.GeoDataFrame:
    """What the spec's view holds (``mapspec.in_view``: the features in its frame, as its picture draws
    them), every layer in one frame with every field, in legend order.

    Venues pass the spec's filters; imported layers are named by their file; the district
    and boundary outlines (context) are left out.
    """
    view = in_view(layers, spec, result)
    names = imported_layer_names(view.result.imported)
    sources = {layer.key: layer.source for layer in view.result.imported}
    parts = []
    for key in style.legend_order(list(view.features), spec.extra_styles):
        gdf = view.features[key]
        part = _imported_part(gdf, names[key], sources[key]) if key in names else gdf.assign(layer=key)
        parts.append(part[[c for c in EXPORT_COLUMNS if c in part] + ["geometry"]])
    if not parts:
        return _nothing_in_view(view.result.visible)
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=CRS)
    for col in ("year_open", "year_target"):
        if col in out:
            out[col] = out[col].astype("Int64")
    return out.reset_index(drop=True)


def _nothing_in_view(visible: tuple[str, ...]) -> gpd.GeoDataFrame:
    """The export of a view holding no feature: empty, or an error when no data layer is even switched on."""
    if all(key in CONTEXT for key in visible):
        raise ExportError("err_export_no_layer")
    return gpd.GeoDataFrame({c: [] for c in ("layer", "id", "name_zh", "name_en")}, geometry=[], crs=CRS)


def _imported_part(gdf: gpd.GeoDataFrame, name: str, source: str) -> gpd.GeoDataFrame:
    """An imported layer's features with the export's fields."""
    part = gpd.GeoDataFrame(
        {
            "layer": name,
            "name_zh": gdf["_name"].astype(str),
            "name_en": gdf["_name"].astype(str),
            "role": "imported",
            "coord_source": f"imported: {source}",
        },
        geometry=gdf.geometry.values,
        crs=CRS,
        index=gdf.index,
    )
    for col in ("district_zh", "district_en"):
        if col in gdf:
            part[col] = gdf[col].values
    return part


def write_data(layers: Layers, spec: MapSpec, fmt: str, progress=None) -> tuple[bytes, list[str]]:
    """The shown features as GeoJSON, GeoPackage, KML or CSV (a writer of geo.formats)."""
    return export_data(layers, spec, fmt), []


def export_data(layers: Layers, spec: MapSpec, fmt: str) -> bytes:
    """Bytes of the view's features in ``fmt`` (geojson, gpkg, kml, csv)."""
    if fmt not in ("geojson", "gpkg", "kml", "csv"):
        raise ExportError("err_export_data_format", fmt=fmt)
    gdf = shown_features(layers, spec)
    if fmt == "kml":  # Google Earth shows each placemark's name: in the map's label language
        gdf = gdf.assign(_kml_name=[_label(zh, en, spec.labels) for zh, en in zip(gdf["name_zh"], gdf["name_en"])])
        return kml_bytes(gdf, "_kml_name", "plan_sentence", kml_folders(spec, gdf))
    lang = "en" if spec.labels == "en" else "zh"
    return frame_bytes(gdf, fmt, f"name_{lang}", "plan_sentence", lonlat_at=4)


def _label(zh, en, lang: str) -> str:
    return style.label_text(str(zh), str(en), lang).replace("\n", " / ")


def kml_folders(spec: MapSpec, gdf: gpd.GeoDataFrame) -> dict[str, tuple[str, style.LayerStyle]]:
    """Each exported layer's KML folder: its name in the map's label language and its style."""
    extra = spec.extra_styles
    by_name = {name: key for key, name in imported_layer_names(spec.imported).items()}
    out = {}
    for value in dict.fromkeys(gdf["layer"]):
        s = style.get_style(by_name.get(value, value), extra)
        out[value] = (_label(s.label_zh, s.label_en, spec.labels), s)
    return out


def clean_layer_name(name: object, taken: set[str] | tuple = ()) -> str:
    """A layer's name in a GeoPackage: its clean name, without a file extension (``sites_wgs84.csv`` is
    ``sites_wgs84``), hidden characters and quotes; unique among ``taken``."""
    text = safe.plain(name).strip()
    stem, dot, ext = text.rpartition(".")
    if dot and stem and ("." + ext.lower()) in (*_IMPORT_EXTENSIONS, ".kmz", ".zip", ".shp"):
        text = stem
    text = re.sub(r"[\x00-\x1f\"'`]+", "", text).strip(" .")[:60] or "layer"
    if text.lower().startswith(("gpkg_", "rtree_", "sqlite_")):  # names reserved by GeoPackage and SQLite
        text = "layer_" + text
    base, n = text, 2
    while text.lower() in {t.lower() for t in taken}:
        text, n = f"{base}-{n}", n + 1
    return text


def frame_bytes(
    gdf: gpd.GeoDataFrame, fmt: str, kml_name: str, kml_description: str | None = None, lonlat_at: int | None = None
) -> bytes:
    """A frame with a ``layer`` column as GeoJSON, CSV (formula cells neutralised, ``wkt``; ``lonlat_at``:
    where lon/lat columns go), GeoPackage (a table per layer, by its clean name, GeoPackage 1.2) or KML (a folder
    per layer, ``kml_name`` as each placemark's name). Used by the map exports and the workspace exports alike."""
    if fmt == "geojson":  # RFC 7946: counter-clockwise outer rings, no false precision (7 decimals: ~1 cm)
        out = gdf.set_geometry(rfc7946(gdf.geometry.values))
        return out.to_json(ensure_ascii=False, drop_id=True).encode("utf-8")
    if fmt == "csv":
        table = pd.DataFrame(gdf.drop(columns="geometry"))
        if lonlat_at is not None:
            points = gdf.geometry.representative_point()
            table.insert(lonlat_at, "lon", points.x.round(6))
            table.insert(lonlat_at + 1, "lat", points.y.round(6))
        table["wkt"] = gdf.geometry.to_wkt(rounding_precision=6)
        return sheets.csv_bytes(table)  # every cell and column name neutralised (geo.sheets says why)
    if fmt == "kml":
        return kml_bytes(gdf, kml_name, kml_description)
    return gpkg_bytes(gdf)


def gpkg_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    """A GeoPackage 1.2 (what most GIS tools read; GDAL would write 1.4) with a table per layer."""
    if gdf.empty:
        raise ExportError("err_export_gpkg_empty")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.gpkg"
        taken: set[str] = set()
        for key, part in gdf.groupby("layer", sort=False):
            name = clean_layer_name(key, taken)
            taken.add(name)
            part = part.assign(layer=name).reset_index(drop=True)
            options = {} if path.exists() else {"dataset_options": {"VERSION": "1.2"}}  # a dataset option: once
            pyogrio.write_dataframe(part, path, layer=name, driver="GPKG", **options)
        return path.read_bytes()


def rfc7946(geoms):
    """Geometries as RFC 7946 asks: outer rings counter-clockwise, holes clockwise; coordinates rounded to 7
    decimals (np.round gives the shortest decimal, so 116.3971234 prints as such, not 116.39712340000001)."""
    import numpy as np

    oriented = shapely.orient_polygons(geoms, exterior_cw=False)
    return shapely.transform(oriented, lambda xy: np.round(xy, 7))


def neutralize_formula(value):
    """``value`` safe for a spreadsheet cell: :func:`geo.sheets.neutralize` (the one rule every sheet sink uses)."""
    return sheets.neutralize(value)


def write_html(layers: Layers, spec: MapSpec, fmt: str = "html", progress=None) -> tuple[bytes, list[str]]:
    """The standalone interactive map (a writer of geo.formats); says so when the key kept Tianditu out."""
    from geo import i18n

    keyed = webmap.effective_basemap(spec.basemap, spec.token).needs_key
    notes = [i18n.t("html_no_key", spec.lang)] if keyed and spec.token else []
    return export_html(layers, spec).encode("utf-8"), notes


def title_of(spec: MapSpec) -> str:
    """The page title of an exported map: the spec's title (or the app's), with the view's name."""
    from geo import i18n, mapspec, safe

    title = spec.title or i18n.t("app_title", spec.lang)
    return safe.plain(f"{title} · {mapspec.extent_name(spec, spec.lang)}")


def labelled_map(page: str, map_id: str, label: str) -> str:
    """The page with its map's container a region named ``label`` (the view and the places it shows), for a
    screen reader before any script runs; the map's script adds how the keyboard moves it (map-a11y.js)."""
    tag = f'<div class="folium-map" id="{map_id}" '
    if page.count(tag) != 1:
        raise ExportError("err_export_asset")
    return page.replace(tag, f'{tag}role="region" aria-label="{html.escape(label)}" ', 1)


def export_html(layers: Layers, spec: MapSpec) -> str:
    """A standalone interactive map of ``spec``: Leaflet and every asset inlined, so it opens from a file.

    With the offline basemap it needs no network at all; tile basemaps fetch tiles when online.
    The Tianditu key is never written into the file: a Tianditu map falls back to offline.
    """
    from dataclasses import replace

    if webmap.effective_basemap(spec.basemap, spec.token).needs_key:  # the key stays on the server
        spec = replace(spec, token=None, basemap="offline")
    m = webmap.build_map(layers, spec, asset_base=_ASSET_BASE, vendor_base=_VENDOR_BASE)
    m.get_root().title = html.escape(title_of(spec))  # branca writes the title as is: escaped here, once
    page = labelled_map(templating.render_page(m), m.get_name(), describe(layers, spec, title_of(spec), web=True))
    page = fonts.embed_web_font(inline_assets_html(page, _ASSET_BASE, _VENDOR_BASE))  # Chinese with no CJK font
    if "bem-leaflet/" in page or "bem-vendor/" in page:
        raise ExportError("err_export_asset")
    return page
