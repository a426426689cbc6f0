"""What the live map is sent besides its code: display GeoJSON with escaped tooltips and popup cards,
Leaflet styles, legend swatches and layer names (every value escaped text, never a visitor's markup); and
what it reports back (the layers switched on, the extent shown).

``geo.webmap`` puts these into its map elements; the browser code that reads them is bem-map.js.
"""

from __future__ import annotations

import html
from dataclasses import replace

import geopandas as gpd
import numpy as np
import shapely

from geo import datum, i18n, style

#: web display simplification (degrees, ~50 m); stored data stay as shipped
DISPLAY_SIMPLIFY = {"boundary": 0.001, "districts": 0.001, "core": 0.0002}
DISPLAY_GRID = {"boundary": 1e-4, "districts": 1e-4}  # ~10 m for the ~100 m context outlines

DISPLAY_GRID_DEFAULT = 1e-5  # degrees (~1 m): coordinates sent to the browser are rounded to it


def legend_symbol_svg(s: style.LayerStyle, variant: str | None = None) -> str:
    """A 28x16 SVG swatch for a legend row, drawn from the layer style; a layer of several geometry kinds gets
    one small symbol per kind side by side (``kinds_svg``)."""
    if len(s.all_kinds()) > 1:
        return kinds_svg(s)
    if s.kind == "point":
        return style.marker_svg(s)
    st = style.stroke(s, variant)
    dash_attr = f' stroke-dasharray="{st.dash}"' if st.dash else ""
    if s.kind == "line":
        return (
            f'<svg width="28" height="16"><line x1="1" y1="8" x2="27" y2="8" stroke="{st.color}" '
            f'stroke-width="{st.weight}"{dash_attr}/></svg>'
        )
    return (
        f'<svg width="28" height="16"><rect x="2" y="2" width="24" height="12" fill="{st.fill_color or "none"}" '
        f'fill-opacity="{st.fill_opacity}" stroke="{st.color}" stroke-width="{min(st.weight, 3)}"{dash_attr}/></svg>'
    )


def kinds_svg(s: style.LayerStyle) -> str:
    """One 14 px symbol per geometry kind of ``s`` (an area, a line, its point symbol), each as the map draws it."""
    parts, x = [], 1
    for kind in s.all_kinds():
        k = style.for_kind(s, kind)
        st = style.stroke(k)
        if kind == "point":
            size = min(k.size, 14)
            parts.append(style.marker_svg(replace(k, size=size)).replace("<svg ", f'<svg x="{x}" y="{(16 - size) / 2:g}" ', 1))
            x += size + 4
            continue
        if kind == "line":
            parts.append(
                f'<path d="M{x} 12 L{x + 6} 5 L{x + 14} 10" fill="none" stroke="{st.color}" stroke-width="{min(st.weight, 3)}"/>'
            )
        else:
            parts.append(
                f'<rect x="{x}" y="3" width="14" height="10" fill="{st.fill_color or "none"}" fill-opacity="{st.fill_opacity}" '
                f'stroke="{st.color}" stroke-width="{min(st.weight, 2)}"/>'
            )
        x += 18
    return f'<svg class="bem-kinds" xmlns="http://www.w3.org/2000/svg" width="{x}" height="16">{"".join(parts)}</svg>'


#: the layer that stands for a framework feature's role (the core, an axis, an area)
FRAMEWORK_LAYERS = {"core": "core", "axis": "axes", "area": "areas"}


def category_label(row: dict, lang: str) -> str:
    """A feature's category as a person reads it: its layer's name (a framework feature: the layer of its role)."""
    key = row["category"] if row["category"] in style.STYLES else FRAMEWORK_LAYERS.get(row.get("role", ""))
    return style.get_style(key).label(lang) if key in style.STYLES else str(row["category"])


def coord_source(row, lang: str) -> str:
    """Where a feature's coordinates come from, in ``lang``: the Chinese text (``coord_source_zh``) on a Chinese
    page; a feature that has none (the framework's, built by scripts) shows its English, marked as such."""
    zh = row.get("coord_source_zh") if lang == "zh" else None
    if isinstance(zh, str) and zh:
        return zh
    return i18n.t("coords_english_only", lang).format(text=row["coord_source"])


def plan_quote(row, lang: str) -> str:
    """The plan's sentence for a place (the shipped source is the English release): on a Chinese page preceded by
    the place's Chinese name, the label ``field_sentence`` saying once that the words are the English release."""
    return i18n.t("sentence_of", lang).format(name=row["name_zh"], sentence=row["plan_sentence"])


def popup_html(row: dict, lang: str, detail: bool = True) -> str:
    """The popup card of a curated feature; every value is escaped text.

    ``detail=False`` (venues in the app, whose card beside the map has the rest) keeps the
    popup to names, category, action and district, which cuts the page's weight.
    """
    e = html.escape
    name, other = (row["name_zh"], row["name_en"]) if lang == "zh" else (row["name_en"], row["name_zh"])
    fields = [
        ("field_category", category_label(row, lang)),
        ("field_role", i18n.term("role", row["role"], lang)),
        ("field_action", i18n.term("plan_action", row["plan_action"], lang)),
        ("field_district", row.get(f"district_{lang}", "")),
        ("field_precision", i18n.term("precision", row["precision"], lang)),
        ("field_coords", coord_source(row, lang)),
    ]
    if not detail:
        fields = [fields[0], fields[2], fields[3]]
    note = row.get(f"note_{lang}") if detail else None
    parts = [f"<b>{e(name)}</b><br><span>{e(other)}</span>"]
    if isinstance(note, str) and note:
        parts.append(f"<p>{e(note)}</p>")
    parts.append("<dl>" + "".join(f"<dt>{e(i18n.t(k, lang))}</dt><dd>{e(str(v))}</dd>" for k, v in fields) + "</dl>")
    if detail:
        parts.append(f"<dt>{e(i18n.t('field_sentence', lang))}</dt><blockquote>{e(plan_quote(row, lang))}</blockquote>")
    return "".join(parts)


def imported_popup_html(row: dict) -> str:
    """The popup of an imported feature: its fields as escaped text (never markup)."""
    e = html.escape
    items = [
        (k, v)
        for k, v in row.items()
        if not str(k).startswith("_") and k != "geometry" and v is not None and v != "" and not (isinstance(v, float) and v != v)
    ]  # v != v: NaN
    body = "".join(f"<dt>{e(str(k))}</dt><dd>{e(str(v))}</dd>" for k, v in items[:15])
    return f"<b>{e(str(row.get('_name', '')))}</b><dl>{body}</dl>"


def to_display_geojson(
    gdf: gpd.GeoDataFrame,
    key: str,
    lang: str,
    curated: bool,
    display_datum: str = "wgs84",
    imported: bool = False,
    detail: bool = True,
) -> dict:
    """GeoJSON for the browser: display geometry plus escaped ``_tip`` / ``_popup`` only.

    ``display_datum`` is the basemap's datum: on a GCJ-02 basemap every vertex is shifted
    so the overlay lands on the right street. The stored data stay WGS-84.
    """
    tolerance = DISPLAY_SIMPLIFY.get(key)
    geoms = gdf.geometry.simplify(tolerance, preserve_topology=True) if tolerance else gdf.geometry
    geoms = datum.transform_geometry(geoms.values, "wgs84", display_datum)
    # ~1 m is finer than any screen shows; halves the bytes sent to the browser
    geoms = shapely.set_precision(geoms, DISPLAY_GRID.get(key, DISPLAY_GRID_DEFAULT), mode="pointwise")
    features = []
    for (_, row), geom in zip(gdf.iterrows(), geoms):
        if imported:
            features.append(
                {
                    "type": "Feature",
                    "geometry": geom.__geo_interface__,
                    "properties": {"_tip": html.escape(str(row["_name"])), "_popup": imported_popup_html(row.to_dict())},
                }
            )
            continue
        props = {"_tip": html.escape(row[f"name_{lang}"])}
        if curated:
            props["_popup"] = popup_html(row.to_dict(), lang, detail)
        if key == "axes":
            props["segment"] = row["segment"]
        features.append({"type": "Feature", "properties": props, "geometry": geom.__geo_interface__})
    return {"type": "FeatureCollection", "features": features}


#: an area's name may go at up to this many places inside it (the first with room on screen takes it)
LABEL_ANCHORS = 9


def label_anchors(geom: shapely.Geometry, n: int = LABEL_ANCHORS) -> list[shapely.Point]:
    """Candidate places for an area's name, best first: its representative point, then points of a grid inside
    it, nearest that point first (an area crossed by other labels, the One Core by the Central Axis's, still
    finds room for its name off the crowded middle)."""
    first = geom.representative_point()
    minx, miny, maxx, maxy = geom.bounds
    xs, ys = np.meshgrid(np.linspace(minx, maxx, 7)[1:-1], np.linspace(miny, maxy, 7)[1:-1])
    grid = shapely.points(xs.ravel(), ys.ravel())
    inside = sorted(grid[shapely.contains(geom, grid)], key=lambda p: p.distance(first))
    return [first, *inside][:n]


def leaflet_style(st: style.Stroke) -> dict:
    return {
        "color": st.color,
        "weight": st.weight,
        "fillColor": st.fill_color or st.color,
        "fillOpacity": st.fill_opacity,
        "dashArray": st.dash,
        "opacity": st.opacity,
    }


def layer_styles(s: style.LayerStyle, data: dict) -> dict[str, dict]:
    """The layer's Leaflet styles keyed by segment ("" for features without one) and, for the features of
    another geometry kind than the layer's (a mixed import), by ``kind:<kind>``, as BEM.geoLayer reads them."""
    segments = {f["properties"].get("segment") for f in data["features"]} - {None}
    out = {"": leaflet_style(style.stroke(s, None))}
    out.update({str(seg): leaflet_style(style.stroke(s, seg)) for seg in segments})
    out.update({f"kind:{kind}": st for kind, st in kind_styles(s, data).items()})  # after a segment's, before ""
    return out


def kind_styles(s: style.LayerStyle, data: dict) -> dict[str, dict]:
    """The Leaflet styles of the layer's features of another geometry kind than its own, by kind ("line",
    "polygon", "point": a point's circle marker where the layer has no icon), each in the layer's colour."""
    kinds = style.kinds_of(f["geometry"]["type"] for f in data["features"] if f.get("geometry"))
    out = {}
    for kind in kinds:
        if kind != s.kind:
            out[kind] = leaflet_style(style.stroke(style.for_kind(s, kind)))
    return out


def point_icon(s: style.LayerStyle) -> dict:
    """The divIcon (inline SVG, no image) of a layer's point symbol, as BEM.geoLayer reads it."""
    p = style.for_kind(s, "point")
    half = p.size / 2
    return {"html": style.marker_svg(p), "iconSize": [p.size, p.size], "iconAnchor": [half, half], "className": "bem-icon"}


def layer_name(s: style.LayerStyle, lang: str) -> str:
    """The layer's name as Leaflet's layer control shows it (it inserts names as HTML: escape <, >, &)."""
    return html.escape(s.label(lang), quote=False)


# --- what the browser reports back ---------------------------------------------------------------------


#: the entry a map's reports carry in ``selected_layers`` until its venue groups have said which of its layers
#: are off (bem-map.js, BEM.layerPanel): such a report does not yet say what the planner sees
OPENING = "_opening"


def layers_settled(selected: list | None) -> bool:
    """Whether a map's ``selected_layers`` report says which layers are on (see ``OPENING``)."""
    return not any(isinstance(item, dict) and item.get("name") == OPENING for item in selected or ())


def visible_layers(selected: list | None, extra_keys: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The layer keys switched on in the browser, from streamlit-folium's ``selected_layers``.

    None (nothing reported yet) means every layer.
    """
    every = tuple(s.key for s in style.LAYERS) + tuple(extra_keys)
    if not selected:
        return every
    keys = {item.get("name") for item in selected if isinstance(item, dict) and item.get("url") == "bem"}
    return tuple(k for k in every if k in keys)


def bounds_bbox(bounds: dict | None, drawn_in: str) -> tuple[float, float, float, float] | None:
    """The WGS-84 bbox of the browser's view (streamlit-folium ``bounds``, in the datum ``drawn_in``, the
    datum of the basemap it was drawn on); None for no usable extent."""
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]
        lons, lats = [float(sw["lng"]), float(ne["lng"])], [float(sw["lat"]), float(ne["lat"])]
    except (TypeError, KeyError, ValueError):
        return None
    if not (lons[0] < lons[1] and lats[0] < lats[1]):
        return None
    lon, lat = datum.to_wgs84(lons, lats, drawn_in)
    return float(lon[0]), float(lat[0]), float(lon[1]), float(lat[1])
