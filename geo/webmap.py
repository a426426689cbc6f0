"""Build the interactive folium map from the layers and the shared style spec: folium glue only.

The map's own elements are in ``geo.mapelements`` (each renders one line calling bem-map.js with its data as
JSON); what the map is sent (display GeoJSON, popups, styles, swatches) comes from ``geo.webcontent``.
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import numpy as np
import shapely
from folium.utilities import JsCode

from geo import basemaps, datum, i18n, project_marks, style, webtiles
from geo import templating as tpl
from geo.assets import check_no_remote_assets, localize_assets
from geo.data import Layers
from geo.mapelements import (  # noqa: F401 (CLUSTER_BELOW, LayerPanel and MousePosition: part of the map's API)
    CLUSTER_BELOW,
    Accessible,
    DrawLocal,
    FastPoints,
    FitView,
    HideLayers,
    LayerPanel,
    LazyMeasure,
    MapNote,
    MeasureLocale,
    MiniMap,
    MousePosition,
    RingLabel,
    _RemoveAfterAdd,
    mark_group,
    measure_strings,
)
from geo.mapspec import MapSpec, Shown, legend_rows, present_variants, ring_label, shown
from geo.webcontent import (
    label_anchors,
    layer_name,
    layer_styles,
    leaflet_style,
    legend_symbol_svg,
    point_icon,
    to_display_geojson,
)

BEIJING_CENTER = (40.05, 116.40)
BEIJING_ZOOM = 9


def add_tools(m: folium.Map, layers: Layers, lang: str, display_datum: str, lazy_base: str | None = None) -> None:
    """Fullscreen, a distance/area measuring tool and an overview minimap, all served locally.

    ``lazy_base``: where the app serves the vendored plugins; the measuring tool then loads on first
    use (a standalone export inlines it instead)."""
    tpl.Fullscreen(
        position="topleft",
        title=i18n.t("fullscreen", lang),
        title_cancel=i18n.t("fullscreen_exit", lang),
        force_separate_button=True,
    ).add_to(m)
    # leaflet-measure knows no km²: our own unit table, with short names in the page's language
    units = {
        "kilometers": {"factor": 0.001, "display": i18n.t("unit_km", lang), "decimals": 2},
        "meters": {"factor": 1, "display": i18n.t("unit_m", lang), "decimals": 0},
        "sqkilometers": {"factor": 1e-6, "display": i18n.t("unit_km2", lang), "decimals": 2},
        "hectares": {"factor": 1e-4, "display": i18n.t("unit_ha", lang), "decimals": 1},
    }
    options = {
        "position": "topleft",
        "primaryLengthUnit": "kilometers",
        "secondaryLengthUnit": "meters",
        "primaryAreaUnit": "sqkilometers",
        "secondaryAreaUnit": "hectares",
        "units": units,
        "localization": "cn" if lang == "zh" else "en",
        "strings": measure_strings(lang),  # the catalogue's words (BEM.localizeMeasure), not the plugin's
    }
    if lazy_base:
        LazyMeasure(lazy_base, options, i18n.t("measure", lang)).add_to(m)
    else:
        MeasureLocale().add_to(m)  # before the control: it reads options.strings
        tpl.MeasureControl(
            position="topleft",
            primary_length_unit="kilometers",
            secondary_length_unit="meters",
            primary_area_unit="sqkilometers",
            secondary_area_unit="hectares",
            units=units,
            localization="cn" if lang == "zh" else "en",
            strings=options["strings"],
        ).add_to(m)
    outline = []
    for geom, core in ((layers.boundary.union_all(), False), (layers.core.union_all(), True)):
        shifted = datum.transform_geometry(geom.simplify(0.01), "wgs84", display_datum)
        outline.append({"type": "Feature", "properties": {"core": core}, "geometry": shifted.__geo_interface__})
    MiniMap(
        {"type": "FeatureCollection", "features": outline},
        {"hideText": i18n.t("minimap_hide", lang), "showText": i18n.t("minimap_show", lang)},
    ).add_to(m)


#: the layer panel starts expanded only on windows at least this wide (CSS px)
PANEL_EXPANDED_FROM = 1400
PANEL_ICON = (
    '<svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="#333" stroke-width="1.4">'
    '<path d="M8 2 1.5 5.5 8 9l6.5-3.5z"/><path d="m1.5 8.5 6.5 3.5 6.5-3.5"/></svg>'
)


def legend_spec(
    keys: list[str],
    lang: str,
    basemap: basemaps.Basemap,
    hidden: list[str],
    extra: dict[str, style.LayerStyle] | None = None,
    variants: frozenset[tuple[str, str]] | None = None,
    marks: tuple[str, ...] = (),
) -> dict:
    """The legend's rows (``style.legend_rows``, one per symbol) for the given layers, top of the hierarchy first.

    ``layer`` is the name the layer control uses (escaped), ``label`` the text shown
    (set as text, never HTML). The key projects' change ``marks`` drawn follow (rows that switch nothing). On a
    GCJ-02 basemap a last row says the overlays are shifted.
    """
    rows = []
    for row in legend_rows(keys, extra, variants):  # a variant row only where one is drawn (``variants``)
        s = style.get_style(row.key, extra)
        rows.append(
            {
                "layer": layer_name(s, lang),
                "name": s.label(lang),
                "svg": legend_symbol_svg(s, row.variant),
                "label": row.label(lang),
            }
        )
    for row in style.mark_rows(marks):
        rows.append({"layer": "", "name": "", "svg": legend_symbol_svg(style.get_style(row.key)), "label": row.label(lang)})
    if basemap.datum == "gcj02":
        rows.append({"layer": "", "name": "", "svg": "", "label": i18n.t("gcj_note", lang)})
    attribution = [html.escape(i18n.t("attribution_data", lang))]
    names = {layer_name(style.get_style(k, extra), lang): k for k in keys}
    return {
        "title": i18n.t("layers_panel", lang),
        "rows": rows,
        "attribution": attribution,
        "hidden": hidden,
        "keys": names,
        "toggleHint": i18n.t("layers_panel_hint", lang),
        "rowHint": i18n.t("layer_row_hint", lang),
        "wheelHint": i18n.t("wheel_hint", lang),
        "expandFrom": PANEL_EXPANDED_FROM,
        "icon": PANEL_ICON,
        "zoomIn": i18n.t("zoom_in", lang),
        "zoomOut": i18n.t("zoom_out", lang),
        "defaultIcon": point_icon(SKETCH_STYLE),  # the drawing tool's markers (Leaflet's default icon, as SVG)
    }


#: how a sketch looks while it is drawn (then the workspace's sketch layer draws it alike)
SKETCH_STYLE = style.imported_style(0, "", "point", style.SKETCH_COLOUR, "diamond")
SKETCH_SHAPE = leaflet_style(style.stroke(style.for_kind(SKETCH_STYLE, "polygon")))


#: imported point layers larger than this are drawn on a canvas (FastPoints) instead of as DOM markers
FAST_POINTS_MIN = 500


def make_layer(
    gdf: gpd.GeoDataFrame,
    key: str,
    lang: str,
    show: bool = True,
    display_datum: str = "wgs84",
    s: style.LayerStyle | None = None,
    detail: bool = True,
) -> tpl.FeatureGroup:
    """One styled, toggleable layer (shifted to the basemap's datum) as a FeatureGroup.

    ``s`` is given for imported layers, whose style is the planner's, not the spec's.
    """
    imported = s is not None
    s = s or style.get_style(key)
    group = tpl.FeatureGroup(name=layer_name(s, lang), show=show, overlay=True)
    if imported and s.kind == "point" and len(gdf) > FAST_POINTS_MIN:
        FastPoints(gdf, s, display_datum).add_to(group)
        gdf = gdf[gdf.geom_type != "Point"]  # its lines and areas (and multi-points) as a GeoJSON layer
        if gdf.empty:
            return group
    data = to_display_geojson(
        gdf,
        key,
        lang,
        curated=key not in ("boundary", "districts"),
        display_datum=display_datum,
        imported=imported,
        detail=detail,
    )
    # every point an inline-SVG divIcon in the layer's colour and symbol (also a point of a line or area layer)
    icon = point_icon(s) if s.kind == "point" or "point" in style.kinds_of(gdf.geom_type) else None
    if data["features"]:
        tpl.GeoLayer(data, styles=layer_styles(s, data), icon=icon).add_to(group)
    if (s.kind == "point" or key in LABELLED_AREAS) and not imported:
        add_labels(group, gdf, lang, s, display_datum=display_datum)
    return group


def add_layer(m: folium.Map, layers: Layers, key: str, lang: str, show: bool, display_datum: str = "wgs84") -> None:
    """Add one layer of ``layers`` to the map."""
    make_layer(layers.get(key), key, lang, show, display_datum).add_to(m)


def imported_frames(result: Shown, spec: MapSpec) -> list[tuple]:
    """Each imported layer of ``spec`` with what it shows: a hidden or filtered-out one keeps its group, empty."""
    shown_imported = {layer.key: layer for layer in result.imported}
    return [
        (layer, shown_imported[layer.key].gdf if layer.key in shown_imported else layer.gdf.iloc[0:0]) for layer in spec.imported
    ]


def venue_groups(
    result: Shown, spec: MapSpec, fit: tuple[float, float, float, float] | None = None, note: str | None = None
) -> list[tpl.FeatureGroup]:
    """The venue layers and imported layers of ``spec`` (filtered) plus the selection, as dynamic feature groups.

    Sent apart from the static base map, so a filter change redraws them without reloading the map.
    A layer the planner switched off in the layer control stays off across reruns.
    """
    display = effective_basemap(spec.basemap, spec.token).datum
    lang = spec.lang
    hidden = spec.hidden()
    # the change marks first: the places' own symbols, added after them, stay on top (and clickable)
    groups = [mark_group(project_marks.points(result.layout, spec, result.venues, result.layout.areas), lang, display)]
    for key in style.VENUE_CATEGORIES:
        groups.append(make_layer(result.venues[result.venues["category"] == key], key, lang, True, display, detail=False))
    for layer, gdf in imported_frames(result, spec):
        groups.append(make_layer(gdf, layer.key, lang, True, display, s=layer.style))
    for group, key in zip(groups[1:], [*style.VENUE_CATEGORIES, *(layer.key for layer in spec.imported)]):
        if key in hidden:
            group.add_child(_RemoveAfterAdd())
    selection = selection_group(result.selected, result.ring, lang, display, ring_label(spec, lang))
    if fit is not None:  # a named view or a search hit: fit its bounds to the map's real size, once
        FitView(display_bounds(fit, display)).add_to(selection)
    if note:
        MapNote(note).add_to(selection)
    # the base map is cached with every layer on; the layers the planner hid are switched off from here, so a
    # new base map (another language, basemap or import) keeps them hidden
    dynamic = {*style.VENUE_CATEGORIES, *(layer.key for layer in spec.imported)}
    base_hidden = [style.get_style(k).label(lang) for k in hidden if k not in dynamic and k in style.STYLES]
    HideLayers(base_hidden).add_to(selection)  # none too: it tells the map's reports the groups have arrived
    groups.append(selection)
    for group in groups:
        tpl.check_render_once(group)
    return groups


def display_bounds(bbox: tuple[float, float, float, float], display_datum: str) -> list[list[float]]:
    """A WGS-84 bbox as Leaflet bounds in the basemap's datum."""
    geom = datum.transform_geometry(shapely.box(*bbox), "wgs84", display_datum)
    minx, miny, maxx, maxy = geom.bounds
    return [[miny, minx], [maxy, maxx]]


def selection_group(
    selected: gpd.GeoDataFrame | None, ring: shapely.Geometry | None, lang: str, display_datum: str, label: str = ""
) -> tpl.FeatureGroup:
    """A highlight ring around the selected venue and the "within N km" buffer, with its distance ``label``
    written on it (``mapspec.ring_label``)."""
    group = tpl.FeatureGroup(name=i18n.t("selection", lang), overlay=True, control=False)
    if ring is not None:
        shifted = datum.transform_geometry(ring, "wgs84", display_datum)
        r = style.RING
        tpl.GeoLayer(shifted.__geo_interface__, styles={"": leaflet_style(r)}, interactive=False).add_to(group)
        if label:
            RingLabel(shifted, label).add_to(group)
    if selected is not None and not selected.empty:
        points = datum.transform_geometry(selected.geometry.values, "wgs84", display_datum)
        sel = style.SELECTION
        for pt in points:
            tpl.CircleMarker(
                (pt.y, pt.x),
                radius=style.SELECTION_RADIUS,
                color=sel.color,
                weight=sel.weight,
                fill=False,
                interactive=False,
                class_name="bem-selected",
            ).add_to(group)
    return group


def layer_control(lang: str, imported: tuple = ()) -> tpl.LayerControl:
    """The layer control, listing layers in the legend's order (core first)."""
    extra = {layer.key: layer.style for layer in imported}
    keys = [s.key for s in style.LAYERS] + list(extra)
    order = [layer_name(style.get_style(k, extra), lang) for k in style.legend_order(keys, extra)]
    return tpl.LayerControl(
        collapsed=False, position="topright", sortLayers=True, sortFunction=JsCode(f"BEM.layerOrder({tpl.dumps(order)})")
    )


def effective_basemap(basemap: str, token: str | None) -> basemaps.Basemap:
    """The basemap drawn: one whose key is missing falls back to offline (no broken tiles)."""
    bm = basemaps.get_basemap(basemap)
    return bm if bm.available(token) else basemaps.BASEMAPS["offline"]


def label_priority(s: style.LayerStyle) -> int:
    """Who keeps its label when two collide: ``style.label_priority``, the snapshot's order too (one rule)."""
    return style.label_priority(s)


#: the area layers named on the live map: the One Core (by its layer's name: 一核) and each key area
LABELLED_AREAS = ("core", "areas")
#: the live map's zoom floor for labels where it differs from the snapshot's (``label_min_zoom``): placement
#: there leaves out what has no room, so the heritage components are named from the One Core view's zoom on
LIVE_LABEL_MIN_ZOOM = {"heritage": 12}


def add_labels(
    group: tpl.FeatureGroup, gdf: gpd.GeoDataFrame, lang: str, s: style.LayerStyle, display_datum: str = "wgs84"
) -> None:
    """Text labels in ``lang``; ``BEM.relabel`` places them (priority, four positions, no overlaps). An area's
    name has several candidate places inside it (``label_anchors``, one group): the first with room takes it."""
    offset = s.size / 2 + 3 if s.kind == "point" else 0
    pos = f' data-pos="c" data-layer="{s.key}"' if s.kind != "point" else ""
    min_zoom = LIVE_LABEL_MIN_ZOOM.get(s.key, s.label_min_zoom)
    names = [s.label(lang)] * len(gdf) if s.key == "core" else list(gdf[f"name_{lang}"])
    for i, (name, geom) in enumerate(zip(names, gdf.geometry.values)):
        anchors = label_anchors(geom) if s.kind != "point" else [geom]
        for rank, anchor in enumerate(datum.transform_geometry(np.array(anchors), "wgs84", display_datum)):
            group_attr = f' data-group="{s.key}-{i}" data-rank="{rank}"' if s.kind != "point" else ""
            _label_marker(group, anchor, name, f'data-p="{label_priority(s)}" data-minzoom="{min_zoom}"{group_attr}', offset, pos)


def _label_marker(group: tpl.FeatureGroup, pt, name: str, attrs: str, offset: float, pos: str) -> None:
    """One label element (hidden until ``BEM.relabel`` finds it room) on a marker at ``pt``."""
    tpl.Marker(
        location=(pt.y, pt.x),
        icon=tpl.DivIcon(
            html=f'<div class="bem-label bem-off" {attrs} style="--off:{offset:g}px"{pos}>{html.escape(name)}</div>',
            icon_size=(0, 0),
            icon_anchor=(0, 0),
            class_name="bem-label-icon",
        ),
        interactive=False,
        keyboard=False,  # a label is text beside a place, not a tab stop
    ).add_to(group)


def add_basemap(m: folium.Map, bm: basemaps.Basemap, token: str | None = None, **where) -> None:
    """Add the basemap's tile layer and its annotation layer (none for offline), watched for failing tiles:
    ``geo.webtiles.add_basemap`` (``where``: the language, the frame, whether the app serves the map)."""
    webtiles.add_basemap(m, bm, token, **where)


def build_base_map(
    layers: Layers,
    spec: MapSpec,
    asset_base: str = "leaflet",
    vendor_base: str = "vendor",
    view: tuple[float, float, float] | None = None,
    height: str = "100%",
    lazy_tools: bool = False,
    draw: bool = False,
    local_tiles: str | None = None,
    opening: tuple[float, float, float, float] | None = None,
) -> folium.Map:
    """The static part of the map of ``spec``: basemap, context, core, axes and areas, legend, readout, tools.

    ``view`` (lat, lon, zoom; WGS-84) opens the map there instead of fitting Beijing; ``opening`` (a WGS-84
    bbox) is fitted instead of Beijing, clear of the legend and again while the page settles (BEM.opening).

    It depends only on the spec's language, basemap, hidden layers and imported layers, so
    streamlit-folium keeps the same map (no reload) while the venue layers change.
    ``asset_base`` is the URL (relative to the page showing the map) where Leaflet is served.
    """
    lang = i18n.normalize_lang(spec.lang)
    hidden = spec.hidden()
    bm = effective_basemap(spec.basemap, spec.token)
    # quarter zoom steps: a view fits the map's real size instead of the nearest power of two
    # the scale bar is BEM.layerPanel's (metric only: Leaflet's default adds miles and feet)
    m = tpl.Map(
        location=BEIJING_CENTER,
        zoom_start=BEIJING_ZOOM,
        tiles=None,
        control_scale=False,
        prefer_canvas=False,
        height=height,
        min_zoom=7,
        max_zoom=18,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    # the app's map (lazy_tools: it serves the plugins) has a page state the tile watch's button switches;
    # ``local_tiles``: where it serves the local file's tiles (a standalone page carries them inline)
    add_basemap(m, bm, spec.token, lang=lang, local_url=local_tiles, bbox=spec.bbox, live=lazy_tools)
    keys = [s.key for s in style.LAYERS]
    for key in style.ordered([k for k in keys if k not in style.VENUE_CATEGORIES]):
        add_layer(m, layers, key, lang, show=key not in hidden, display_datum=bm.datum)
    extra = spec.extra_styles  # drawn as dynamic groups; here in the legend only
    hidden_labels = [layer_name(style.get_style(k, extra), lang) for k in hidden]
    variants = present_variants({k: layers.get(k) for k in keys if style.STYLES[k].variants})  # of the layout's year
    marks = project_marks.present(project_marks.points(layers, spec, layers.venues, layers.areas))
    panel = legend_spec(keys + list(extra), lang, bm, hidden_labels, extra, variants, marks)
    if view is None:
        panel["fit"] = display_bounds(opening, bm.datum) if opening else _bounds(layers.boundary, bm.datum)
    LayerPanel(panel).add_to(m)
    Accessible(lang).add_to(m)  # names in the page's language, no tab stop on labels, a visible focus ring
    MousePosition(bm.datum, lang).add_to(m)
    add_tools(m, layers, lang, bm.datum, vendor_base if lazy_tools else None)
    if draw:  # a workspace open for editing: sketch points, lines and areas (leaflet-draw, served locally)
        DrawLocal(lang).add_to(m)  # before the control: its toolbar reads L.drawLocal when made
        tpl.Draw(
            export=False,
            position="topleft",
            draw_options={
                "circle": False,
                "circlemarker": False,
                **{tool: {"shapeOptions": SKETCH_SHAPE} for tool in ("polygon", "rectangle")},
                "polyline": {"shapeOptions": {**SKETCH_SHAPE, "fill": False}},
            },
            edit_options={"edit": False, "remove": True},
        ).add_to(m)
    if view is not None:  # otherwise the panel fits the opening view (a folium fit too would be a second move)
        lon, lat = datum.from_wgs84(view[1], view[0], bm.datum)
        m.location, m.options["zoom"] = [lat, lon], float(view[2])  # a fitted 12.5 reopens at 12.5 (zoom_snap 0.25)
    tpl.check_render_once(m)
    return localize_assets(m, asset_base, vendor_base)


def build_map(
    layers: Layers, spec: MapSpec, asset_base: str = "leaflet", vendor_base: str = "vendor", height: str = "100%"
) -> folium.Map:
    """The whole interactive map of ``spec`` in one document (exports, tests): base map, venues, layer control.

    Venues and imported layers pass the spec's filters; the selection and the distance ring are drawn.
    """
    result = shown(layers, spec)
    # the core, axes, areas of its year; opened on the spec's view
    m = build_base_map(result.layout, spec, asset_base, vendor_base, height=height, opening=spec.bbox)
    display = effective_basemap(spec.basemap, spec.token).datum
    hidden = spec.hidden()
    lang = spec.lang
    marks = project_marks.points(result.layout, spec, result.venues, result.layout.areas)
    if marks:  # an export holds the marks' group only when it marks something (not a layer: no control, no row)
        mark_group(marks, lang, display).add_to(m)
    for key in style.VENUE_CATEGORIES:
        make_layer(result.venues[result.venues["category"] == key], key, lang, key not in hidden, display).add_to(m)
    for layer, gdf in imported_frames(result, spec):
        make_layer(gdf, layer.key, lang, layer.key not in hidden, display, s=layer.style).add_to(m)
    if result.selected is not None or result.ring is not None:
        selection_group(result.selected, result.ring, lang, display, ring_label(spec, lang)).add_to(m)
    layer_control(lang, spec.imported).add_to(m)
    tpl.check_render_once(m)
    check_no_remote_assets(m)
    return m


def _bounds(gdf: gpd.GeoDataFrame, display_datum: str = "wgs84") -> list[list[float]]:
    xmin, ymin, xmax, ymax = shapely.total_bounds(datum.transform_geometry(gdf.geometry.values, "wgs84", display_datum))
    return [[ymin, xmin], [ymax, xmax]]
