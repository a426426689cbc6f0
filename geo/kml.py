"""KML as Google Earth reads it: a folder per layer, a style per layer (the layer's own colours from
``geo.style``: line colour and width, polygon fill with its alpha, the point icon's colour), each placemark
named in the map's label language with its fields as ExtendedData."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import geopandas as gpd
import shapely

from geo import i18n, style

NS = "http://www.opengis.net/kml/2.2"
#: characters XML 1.0 cannot hold: dropped from every text (an imported name may carry them)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def kml_colour(hex_rgb: str | None, alpha: float) -> str:
    """``#RRGGBB`` and an opacity as KML's ``aabbggrr``."""
    rgb = (hex_rgb or style.DARK_GREY).lstrip("#")
    return f"{round(max(0.0, min(1.0, alpha)) * 255):02x}{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}".lower()


def _text(value: object) -> str:
    return _NOT_XML.sub("", str(value))


def _sub(parent: ET.Element, tag: str, text: object | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = _text(text)
    return el


def style_element(style_id: str, s: style.LayerStyle) -> ET.Element:
    """A layer's ``<Style>``: icon colour and size for points, line colour and width, polygon fill and alpha."""
    el = ET.Element("Style", id=style_id)
    icon = _sub(el, "IconStyle")
    _sub(icon, "color", kml_colour(s.fill_color or s.color, 1.0))
    _sub(icon, "scale", f"{s.size / 16:.2f}")
    line = _sub(el, "LineStyle")
    _sub(line, "color", kml_colour(s.color, 0.95))
    _sub(line, "width", f"{s.weight:g}")
    poly = _sub(el, "PolyStyle")
    _sub(poly, "color", kml_colour(s.fill_color or s.color, s.fill_opacity))
    _sub(poly, "fill", "1" if s.fill_opacity else "0")
    _sub(poly, "outline", "1")
    return el


def _coords(seq) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y, *_ in seq)


def _num(v: float) -> str:
    return repr(round(float(v), 7)) if math.isfinite(v) else "0"


def geometry_element(geom: shapely.Geometry) -> ET.Element:
    """A shapely geometry as a KML geometry (multi-part ones as ``MultiGeometry``)."""
    kind = geom.geom_type
    if kind == "Point":
        el = ET.Element("Point")
        _sub(el, "coordinates", _coords(geom.coords))
    elif kind == "LineString":
        el = ET.Element("LineString")
        _sub(el, "tessellate", "1")
        _sub(el, "coordinates", _coords(geom.coords))
    elif kind == "Polygon":
        el = ET.Element("Polygon")
        outer = _sub(_sub(el, "outerBoundaryIs"), "LinearRing")
        _sub(outer, "coordinates", _coords(geom.exterior.coords))
        for ring in geom.interiors:
            _sub(_sub(_sub(el, "innerBoundaryIs"), "LinearRing"), "coordinates", _coords(ring.coords))
    else:  # Multi* and collections
        el = ET.Element("MultiGeometry")
        el.extend(geometry_element(part) for part in geom.geoms if not part.is_empty)
    return el


def placemark(row, name_col: str, description_col: str | None, style_id: str | None) -> ET.Element:
    """One feature as a placemark: name, description, the layer's style, its fields, its geometry."""
    el = ET.Element("Placemark")
    _sub(el, "name", row[name_col])
    if description_col and description_col in row and _present(row[description_col]):
        _sub(el, "description", description(row, name_col, description_col))
    if style_id:
        _sub(el, "styleUrl", f"#{style_id}")
    data = _sub(el, "ExtendedData")
    for key, value in row.items():
        if key != "geometry" and not str(key).startswith("_") and _present(value):
            _sub(ET.SubElement(data, "Data", name=_text(key)), "value", value)
    el.append(geometry_element(row["geometry"]))
    return el


def description(row, name_col: str, description_col: str) -> str:
    """A placemark's description. The plan's sentence of a placemark named in Chinese (labels zh or both) is said
    once to be the English release and preceded by the place's Chinese name, as on the Chinese page."""
    text = row[description_col]
    if description_col != "plan_sentence" or not _named_in_chinese(row, name_col):
        return text
    quote = i18n.t("sentence_of", "zh").format(name=row["name_zh"], sentence=text)
    return f"{i18n.t('field_sentence', 'zh')}\n{quote}"


def _named_in_chinese(row, name_col: str) -> bool:
    zh, en = str(row.get("name_zh", "")), str(row.get("name_en", ""))
    return bool(zh) and zh != en and str(row[name_col]).startswith(zh)


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and str(value) not in ("", "<NA>")


def kml_bytes(
    gdf: gpd.GeoDataFrame,
    name_col: str,
    description_col: str | None = None,
    folders: dict[str, tuple[str, style.LayerStyle | None]] | None = None,
) -> bytes:
    """``gdf`` (WGS-84, a ``layer`` column) as KML: a ``<Folder>`` per layer, named by ``folders`` (else by the
    layer's value) with a ``<Style>`` from the layer's style where given."""
    folders = folders or {}
    root = ET.Element("kml", xmlns=NS)
    doc = _sub(root, "Document")
    layer_values = list(dict.fromkeys(gdf["layer"])) if "layer" in gdf else []
    ids = {}
    for i, value in enumerate(layer_values):
        _, s = folders.get(value, (value, None))
        if s is not None:
            ids[value] = f"layer-{i + 1}"
            doc.append(style_element(ids[value], s))
    for value in layer_values:
        folder = _sub(doc, "Folder")
        _sub(folder, "name", folders.get(value, (value, None))[0])
        for _, row in gdf[gdf["layer"] == value].iterrows():
            if row.geometry is not None and not row.geometry.is_empty:
                folder.append(placemark(row, name_col, description_col, ids.get(value)))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
