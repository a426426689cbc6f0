"""Build the interactive folium map from the layers and the shared style spec."""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import shapely
from folium.elements import JSCSSMixin
from folium.utilities import JsCode

from geo import basemaps, datum, i18n, style
from geo import templating as tpl
from geo.assets import VENDOR_SCHEME, check_no_remote_assets, localize_assets
from geo.data import Layers
from geo.mapspec import MapSpec, Shown, shown

BEIJING_CENTER = (40.05, 116.40)
BEIJING_ZOOM = 9
#: web display simplification (degrees, ~50 m); stored data stay as shipped
DISPLAY_SIMPLIFY = {"boundary": 0.001, "districts": 0.001, "core": 0.0002}
DISPLAY_GRID = {"boundary": 1e-4, "districts": 1e-4}  # ~10 m for the ~100 m context outlines

DISPLAY_GRID_DEFAULT = 1e-5  # degrees (~1 m): coordinates sent to the browser are rounded to it

_CSS = """
<style>
.leaflet-container { background: #f4f3ef; font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; }
.bem-popup blockquote { margin: 4px 0; padding-left: 8px; border-left: 3px solid #999; font-style: italic; }
.bem-popup dt { font-weight: 600; } .bem-popup dd { margin: 0 0 4px; }
.bem-icon { background: none; border: none; }
.bem-icon svg { display: block; }  /* inline SVG would sit on the text baseline, off its anchor */
.leaflet-control-attribution { font-size: 10px; }
#map_div, .folium-map { height: 100vh !important; }  /* the map fills its frame; the page sizes the frame */
</style>
"""


class LayerPanel(JSCSSMixin, tpl.RenderOnce):
    """One panel for the legend and the layer switches (a row toggles its layer), plus label placement and
    the wheel behaviour; the JS lives in ``geo/static/vendor/bem-map/bem-map.js``."""

    default_js = [("bem_map_js", f"{VENDOR_SCHEME}bem-map/bem-map.js")]
    default_css = [("bem_map_css", f"{VENDOR_SCHEME}bem-map/bem-map.css")]
    _template = tpl.template(
        """
        {% macro header(this, kwargs) %}""" + _CSS + """{% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this.parent_name }};
            var spec = {{ this.spec | tojson }};
            BEM.panel(map, spec);
            // report the visible layers back to the app (streamlit-folium's "selected_layers")
            function report(name, on) {
                var g = window.__GLOBAL_DATA__, key = spec.keys[name];
                if (!g || !g.selected_layers || !key) return;
                if (on) { g.selected_layers["bem:" + key] = {name: key, url: "bem"}; }
                else { delete g.selected_layers["bem:" + key]; }
            }
            Object.keys(spec.keys).forEach(function(name) { report(name, spec.hidden.indexOf(name) < 0); });
            // only the planner's clicks count: streamlit-folium swapping the dynamic venue layers
            // also fires overlayadd/overlayremove through the layer control
            var userToggle = false;
            map.getContainer().addEventListener("click", function(e) {
                if (e.target && e.target.classList && e.target.classList.contains("leaflet-control-layers-selector")) {
                    userToggle = true;
                    setTimeout(function() { userToggle = false; }, 0);
                }
            }, true);
            map.on("overlayadd", function(e) { if (userToggle) { BEM.mark(map, e.name, true); report(e.name, true); } });
            map.on("overlayremove", function(e) { if (userToggle) { BEM.mark(map, e.name, false); report(e.name, false); } });
            spec.attribution.forEach(function(a) { map.attributionControl.addAttribution(a); });
            spec.hidden.forEach(function(name) { BEM.mark(map, name, false); });
            if (spec.fit) { BEM.fit(map, spec.fit); }  // the opening view, clear of the panel
            BEM.labels(map);
            BEM.wheel(map, spec.wheelHint);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, spec: dict):
        super().__init__()
        self._name = "LayerPanel"
        self.spec = spec


class MousePosition(tpl.RenderOnce):
    """A WGS-84 readout of the mouse position, whatever the basemap's datum; click copies it.

    On a GCJ-02 basemap the map's coordinates are GCJ-02, so they are inverted here with
    the same formula and iteration as ``geo.datum`` (ported to JS; the mainland test is a
    coarse one: rectangle minus Hong Kong, Macau and Taiwan, enough for a readout).
    """

    _template = tpl.template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this.parent_name }};
            var gcj = {{ this.gcj | tojson }};
            var A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI;
            function outside(lon, lat) {
                if (lon < 73.4 || lon > 135.1 || lat < 18.1 || lat > 53.6) return true;
                if (lon > 113.83 && lon < 114.45 && lat > 22.13 && lat < 22.51) return true;  // Hong Kong
                if (lon > 113.52 && lon < 113.61 && lat > 22.10 && lat < 22.22) return true;  // Macau
                if (lon > 119.3 && lon < 122.3 && lat > 21.8 && lat < 25.4) return true;    // Taiwan
                return false;
            }
            function delta(lon, lat) {
                var x = lon - 105.0, y = lat - 35.0, sx = Math.sqrt(Math.abs(x));
                var dLat = -100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*sx
                    + (20*Math.sin(6*x*PI) + 20*Math.sin(2*x*PI)) * 2/3
                    + (20*Math.sin(y*PI) + 40*Math.sin(y/3*PI)) * 2/3
                    + (160*Math.sin(y/12*PI) + 320*Math.sin(y*PI/30)) * 2/3;
                var dLon = 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*sx
                    + (20*Math.sin(6*x*PI) + 20*Math.sin(2*x*PI)) * 2/3
                    + (20*Math.sin(x*PI) + 40*Math.sin(x/3*PI)) * 2/3
                    + (150*Math.sin(x/12*PI) + 300*Math.sin(x/30*PI)) * 2/3;
                var rad = lat / 180 * PI, magic = 1 - EE * Math.sin(rad) * Math.sin(rad), sm = Math.sqrt(magic);
                return [dLon * 180 / (A / sm * Math.cos(rad) * PI), dLat * 180 / ((A * (1 - EE)) / (magic * sm) * PI)];
            }
            function toWgs(lon, lat) {
                if (!gcj || outside(lon, lat)) return [lon, lat];
                var x = lon, y = lat;
                for (var i = 0; i < 30; i++) {
                    var d = delta(x, y), ex = x + d[0] - lon, ey = y + d[1] - lat;
                    x -= ex; y -= ey;
                    if (Math.abs(ex) < 1e-9 && Math.abs(ey) < 1e-9) break;
                }
                return [x, y];
            }
            var ctl = L.control({position: "bottomleft"});
            var strings = {{ this.strings | tojson }};
            function copy(value) {
                var div = ctl.getContainer();
                BEM.copy(value).then(function() {
                    div.classList.add("copied");
                    div.textContent = strings.copied + "  " + value;
                    setTimeout(function() { div.classList.remove("copied"); show(value); }, 1500);
                });
            }
            function show(value) { ctl.getContainer().textContent = "WGS-84  " + value; }
            ctl.onAdd = function() {
                var div = L.DomUtil.create("div", "bem-mouse");
                div.title = strings.hint;
                div.textContent = "WGS-84";
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.on(div, "click", function() { if (div.dataset.value) { copy(div.dataset.value); } });
                return div;
            };
            ctl.addTo(map);
            function value(latlng) {
                var w = toWgs(latlng.lng, latlng.lat);
                return w[1].toFixed(6) + ", " + w[0].toFixed(6);
            }
            map.on("mousemove", function(e) {
                var div = ctl.getContainer();
                // over the readout itself the value stays: it is the point the planner pointed at
                if (div.contains(e.originalEvent.target) || div.classList.contains("copied")) return;
                div.dataset.value = value(e.latlng);
                show(div.dataset.value);
            });
            map.on("contextmenu", function(e) {  // right-click copies the point under the pointer
                ctl.getContainer().dataset.value = value(e.latlng);
                copy(value(e.latlng));
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, display_datum: str, lang: str):
        super().__init__()
        self._name = "MousePosition"
        self.gcj = display_datum == "gcj02"
        self.strings = {"hint": i18n.t("mouse_hint", lang), "copied": i18n.t("copied", lang)}


class MiniMap(JSCSSMixin, tpl.RenderOnce):
    """An overview map drawn from Beijing's outline and the core (vector: it works offline)."""

    default_js = [("minimap_js", f"{VENDOR_SCHEME}leaflet-minimap@3.6.1/Control.MiniMap.min.js")]
    default_css = [("minimap_css", f"{VENDOR_SCHEME}leaflet-minimap@3.6.1/Control.MiniMap.min.css")]
    _template = tpl.template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var layer = L.geoJSON({{ this.data | tojson }}, {interactive: false, style: function(f) {
                return f.properties.core ? {color: "#D55E00", weight: 1, fillColor: "#D55E00", fillOpacity: 0.5}
                                         : {color: "#3A3A3A", weight: 1, fillColor: "#ffffff", fillOpacity: 0.8};
            }});
            new L.Control.MiniMap(layer, {position: "bottomleft", toggleDisplay: true, width: 140, height: 140,
                zoomLevelFixed: 6, minimized: true,
                aimingRectOptions: {color: "#D55E00", weight: 1.5, fillOpacity: 0.04, interactive: false},
                strings: {{ this.strings | tojson }}}).addTo({{ this.parent_name }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, data: dict, strings: dict):
        super().__init__()
        self._name = "MiniMap"
        self.data = data
        self.strings = strings


class LazyMeasure(tpl.RenderOnce):
    """The measuring tool's button; leaflet-measure (237 KB) loads on the first click (BEM.lazyMeasure)."""

    _template = tpl.template("""
        {% macro script(this, kwargs) %}
        BEM.lazyMeasure({{ this.parent_name }}, {{ this.js | tojson }}, {{ this.css | tojson }},
            {{ this.options | tojson }}, {{ this.title | tojson }});
        {% endmacro %}
    """)

    def __init__(self, vendor_base: str, options: dict, title: str):
        super().__init__()
        self._name = "LazyMeasure"
        base = f"{vendor_base.rstrip('/')}/leaflet-measure@2.1.7"
        self.js, self.css = f"{base}/leaflet-measure.js", f"{base}/leaflet-measure.css"
        self.options, self.title = options, title


def add_tools(m: folium.Map, layers: Layers, lang: str, display_datum: str, lazy_base: str | None = None) -> None:
    """Fullscreen, a distance/area measuring tool and an overview minimap, all served locally.

    ``lazy_base``: where the app serves the vendored plugins; the measuring tool then loads on first
    use (a standalone export inlines it instead)."""
    tpl.Fullscreen(position="topleft", title=i18n.t("fullscreen", lang), title_cancel=i18n.t("fullscreen_exit", lang),
               force_separate_button=True).add_to(m)
    # leaflet-measure knows no km²: our own unit table, with short names in the page's language
    units = {"kilometers": {"factor": 0.001, "display": i18n.t("unit_km", lang), "decimals": 2},
             "meters": {"factor": 1, "display": i18n.t("unit_m", lang), "decimals": 0},
             "sqkilometers": {"factor": 1e-6, "display": i18n.t("unit_km2", lang), "decimals": 2},
             "hectares": {"factor": 1e-4, "display": i18n.t("unit_ha", lang), "decimals": 1}}
    options = {"position": "topleft", "primaryLengthUnit": "kilometers", "secondaryLengthUnit": "meters",
               "primaryAreaUnit": "sqkilometers", "secondaryAreaUnit": "hectares", "units": units,
               "localization": "cn" if lang == "zh" else "en"}
    if lazy_base:
        LazyMeasure(lazy_base, options, i18n.t("measure", lang)).add_to(m)
    else:
        tpl.MeasureControl(position="topleft", primary_length_unit="kilometers", secondary_length_unit="meters",
                       primary_area_unit="sqkilometers", secondary_area_unit="hectares", units=units,
                       localization="cn" if lang == "zh" else "en").add_to(m)
    outline = []
    for geom, core in ((layers.boundary.union_all(), False), (layers.core.union_all(), True)):
        shifted = datum.transform_geometry(geom.simplify(0.01), "wgs84", display_datum)
        outline.append({"type": "Feature", "properties": {"core": core}, "geometry": shifted.__geo_interface__})
    MiniMap({"type": "FeatureCollection", "features": outline},
            {"hideText": i18n.t("minimap_hide", lang), "showText": i18n.t("minimap_show", lang)}).add_to(m)


def legend_symbol_svg(s: style.LayerStyle, variant: str | None = None) -> str:
    """A 28x16 SVG swatch for a legend row, drawn from the layer style."""
    if s.kind == "point":
        return style.marker_svg(s)
    st = style.stroke(s, variant)
    dash_attr = f' stroke-dasharray="{st.dash}"' if st.dash else ""
    if s.kind == "line":
        return (f'<svg width="28" height="16"><line x1="1" y1="8" x2="27" y2="8" stroke="{st.color}" '
                f'stroke-width="{st.weight}"{dash_attr}/></svg>')
    return (f'<svg width="28" height="16"><rect x="2" y="2" width="24" height="12" fill="{st.fill_color or "none"}" '
            f'fill-opacity="{st.fill_opacity}" stroke="{st.color}" stroke-width="{min(st.weight, 3)}"{dash_attr}/></svg>')


#: the layer panel starts expanded only on windows at least this wide (CSS px)
PANEL_EXPANDED_FROM = 1400
PANEL_ICON = ('<svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="#333" stroke-width="1.4">'
              '<path d="M8 2 1.5 5.5 8 9l6.5-3.5z"/><path d="m1.5 8.5 6.5 3.5 6.5-3.5"/></svg>')


def legend_spec(keys: list[str], lang: str, basemap: basemaps.Basemap, hidden: list[str],
                extra: dict[str, style.LayerStyle] | None = None) -> dict:
    """The legend's rows (``style.legend_rows``, one per symbol) for the given layers, top of the hierarchy first.

    ``layer`` is the name the layer control uses (escaped), ``label`` the text shown
    (set as text, never HTML). On a GCJ-02 basemap a last row says the overlays are shifted.
    """
    rows = []
    for row in style.legend_rows(keys, extra):
        s = style.get_style(row.key, extra)
        rows.append({"layer": layer_name(s, lang), "name": s.label(lang), "svg": legend_symbol_svg(s, row.variant),
                     "label": row.label(lang)})
    if basemap.datum == "gcj02":
        rows.append({"layer": "", "name": "", "svg": "", "label": i18n.t("gcj_note", lang)})
    attribution = [html.escape(i18n.t("attribution_data", lang))]
    names = {layer_name(style.get_style(k, extra), lang): k for k in keys}
    return {"title": i18n.t("layers_panel", lang), "rows": rows, "attribution": attribution, "hidden": hidden,
            "keys": names, "toggleHint": i18n.t("layers_panel_hint", lang), "rowHint": i18n.t("layer_row_hint", lang),
            "wheelHint": i18n.t("wheel_hint", lang), "expandFrom": PANEL_EXPANDED_FROM, "icon": PANEL_ICON}


def popup_html(row: dict, lang: str, detail: bool = True) -> str:
    """The popup card of a curated feature; every value is escaped text.

    ``detail=False`` (venues in the app, whose card beside the map has the rest) keeps the
    popup to names, category, action and district, which cuts the page's weight.
    """
    e = html.escape
    name, other = (row["name_zh"], row["name_en"]) if lang == "zh" else (row["name_en"], row["name_zh"])
    fields = [
        ("field_category", style.get_style(row["category"]).label(lang) if row["category"] in style.STYLES
         else row["category"]),
        ("field_role", i18n.term("role", row["role"], lang)),
        ("field_action", i18n.term("plan_action", row["plan_action"], lang)),
        ("field_district", row.get(f"district_{lang}", "")),
        ("field_precision", i18n.term("precision", row["precision"], lang)),
        ("field_coords", row["coord_source"]),
    ]
    if not detail:
        fields = [fields[0], fields[2], fields[3]]
    note = row.get(f"note_{lang}") if detail else None
    parts = [f"<b>{e(name)}</b><br><span>{e(other)}</span>"]
    if isinstance(note, str) and note:
        parts.append(f"<p>{e(note)}</p>")
    parts.append("<dl>" + "".join(f"<dt>{e(i18n.t(k, lang))}</dt><dd>{e(str(v))}</dd>" for k, v in fields) + "</dl>")
    if detail:
        parts.append(f"<dt>{e(i18n.t('field_sentence', lang))}</dt><blockquote>{e(row['plan_sentence'])}</blockquote>")
    return "".join(parts)


def imported_popup_html(row: dict) -> str:
    """The popup of an imported feature: its fields as escaped text (never markup)."""
    e = html.escape
    items = [(k, v) for k, v in row.items()
             if not str(k).startswith("_") and k != "geometry" and v is not None and v != "" and not
             (isinstance(v, float) and v != v)]  # v != v: NaN
    body = "".join(f"<dt>{e(str(k))}</dt><dd>{e(str(v))}</dd>" for k, v in items[:15])
    return f"<b>{e(str(row.get('_name', '')))}</b><dl>{body}</dl>"


def to_display_geojson(gdf: gpd.GeoDataFrame, key: str, lang: str, curated: bool, display_datum: str = "wgs84",
                       imported: bool = False, detail: bool = True) -> dict:
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
            features.append({"type": "Feature", "geometry": geom.__geo_interface__, "properties": {
                "_tip": html.escape(str(row["_name"])), "_popup": imported_popup_html(row.to_dict())}})
            continue
        props = {"_tip": html.escape(row[f"name_{lang}"])}
        if curated:
            props["_popup"] = popup_html(row.to_dict(), lang, detail)
        if key == "axes":
            props["segment"] = row["segment"]
        features.append({"type": "Feature", "properties": props, "geometry": geom.__geo_interface__})
    return {"type": "FeatureCollection", "features": features}


def _leaflet_style(st: style.Stroke) -> dict:
    return {"color": st.color, "weight": st.weight, "fillColor": st.fill_color or st.color,
            "fillOpacity": st.fill_opacity, "dashArray": st.dash, "opacity": st.opacity}


def _styles(s: style.LayerStyle, data: dict) -> dict[str, dict]:
    """The layer's Leaflet styles keyed by segment ("" for features without one), as BEM.geoLayer reads them."""
    segments = {f["properties"].get("segment") for f in data["features"]} - {None}
    out = {"": _leaflet_style(style.stroke(s, None))}
    out.update({str(seg): _leaflet_style(style.stroke(s, seg)) for seg in segments})
    return out


def layer_name(s: style.LayerStyle, lang: str) -> str:
    """The layer's name as Leaflet's layer control shows it (it inserts names as HTML: escape <, >, &)."""
    return html.escape(s.label(lang), quote=False)


class FastPoints(tpl.RenderOnce):
    """Many points (an imported list of thousands) on one canvas (``BEM.PointCloud`` in bem-map.js).

    One DOM element per point stalls a browser at a few thousand. Below zoom CLUSTER_BELOW the points
    are aggregated into a screen grid of counts; from it on, the points in view are drawn. Names arrive
    pre-escaped and show in a popup on click; coordinates go as a flat [lat, lon, ...] array.
    """

    _template = tpl.template(
        """
        {% macro script(this, kwargs) %}
        {{ this.parent_name }}.addLayer(new BEM.PointCloud({{ this.flat | tojson }}, {{ this.names | tojson }},
            {{ this.style | tojson }}));
        {% endmacro %}
        """
    )

    def __init__(self, gdf: gpd.GeoDataFrame, s: style.LayerStyle, display_datum: str):
        super().__init__()
        self._name = "FastPoints"
        points = gdf[gdf.geom_type == "Point"]
        geoms = datum.transform_geometry(points.geometry.values, "wgs84", display_datum)
        xy = shapely.get_coordinates(geoms)
        self.flat = [round(float(v), 5) for pair in xy[:, ::-1] for v in pair]
        self.names = [html.escape(str(n)) for n in points["_name"]]
        self.style = {"radius": max(3, s.size // 3), "color": s.color, "weight": 0.6, "fill": s.fill_color or s.color,
                      "clusterBelow": CLUSTER_BELOW, "cell": 44}


#: below this zoom a large imported point layer is drawn as a grid of counts
CLUSTER_BELOW = 13


#: imported point layers larger than this are drawn on a canvas (FastPoints) instead of as DOM markers
FAST_POINTS_MIN = 500


def make_layer(gdf: gpd.GeoDataFrame, key: str, lang: str, show: bool = True, display_datum: str = "wgs84",
               s: style.LayerStyle | None = None, detail: bool = True) -> tpl.FeatureGroup:
    """One styled, toggleable layer (shifted to the basemap's datum) as a FeatureGroup.

    ``s`` is given for imported layers, whose style is the planner's, not the spec's.
    """
    imported = s is not None
    s = s or style.get_style(key)
    group = tpl.FeatureGroup(name=layer_name(s, lang), show=show, overlay=True)
    if imported and s.kind == "point" and len(gdf) > FAST_POINTS_MIN:
        FastPoints(gdf, s, display_datum).add_to(group)
        return group
    data = to_display_geojson(gdf, key, lang, curated=key not in ("boundary", "districts"), display_datum=display_datum,
                              imported=imported, detail=detail)
    icon = None
    if s.kind == "point":
        half = s.size / 2
        icon = {"html": style.marker_svg(s), "iconSize": [s.size, s.size], "iconAnchor": [half, half],
                "className": "bem-icon"}
    if data["features"]:
        tpl.GeoLayer(data, styles=_styles(s, data), icon=icon).add_to(group)
    if (s.kind == "point" or key == "areas") and not imported:
        add_labels(group, gdf, lang, s, display_datum=display_datum)
    return group


def add_layer(m: folium.Map, layers: Layers, key: str, lang: str, show: bool, display_datum: str = "wgs84") -> None:
    """Add one layer of ``layers`` to the map."""
    make_layer(layers.get(key), key, lang, show, display_datum).add_to(m)


def venue_groups(result: Shown, spec: MapSpec, fit: tuple[float, float, float, float] | None = None,
                 note: str | None = None) -> list[tpl.FeatureGroup]:
    """The venue layers and imported layers of ``spec`` (filtered) plus the selection, as dynamic feature groups.

    Sent apart from the static base map, so a filter change redraws them without reloading the map.
    A layer the planner switched off in the layer control stays off across reruns.
    """
    display = effective_basemap(spec.basemap, spec.token).datum
    lang = spec.lang
    hidden = spec.hidden()
    groups = []
    for key in style.VENUE_CATEGORIES:
        groups.append(make_layer(result.venues[result.venues["category"] == key], key, lang, True, display,
                                 detail=False))
    shown_imported = {layer.key: layer for layer in result.imported}
    for layer in spec.imported:  # a hidden or filtered-out imported layer keeps its group (empty) in the control
        gdf = shown_imported[layer.key].gdf if layer.key in shown_imported else layer.gdf.iloc[0:0]
        groups.append(make_layer(gdf, layer.key, lang, True, display, s=layer.style))
    for group, key in zip(groups, [*style.VENUE_CATEGORIES, *(layer.key for layer in spec.imported)]):
        if key in hidden:
            group.add_child(_RemoveAfterAdd())
    selection = selection_group(result.selected, result.ring, lang, display)
    if fit is not None:  # a named view or a search hit: fit its bounds to the map's real size, once
        FitView(display_bounds(fit, display)).add_to(selection)
    if note:
        MapNote(note).add_to(selection)
    groups.append(selection)
    for group in groups:
        tpl.check_render_once(group)
    return groups


class FitView(tpl.RenderOnce):
    """Fit the map to ``bounds`` (display datum, [[s, w], [n, e]]) once, clear of the controls (BEM.fit)."""

    _template = tpl.template("""
        {% macro script(this, kwargs) %}
        {{ this.parent_name }}.addLayer(new BEM.FitView({{ this.bounds | tojson }}, {{ this.max_zoom }}));
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]], max_zoom: int = 16):
        super().__init__()
        self._name = "FitView"
        self.bounds, self.max_zoom = bounds, max_zoom


class MapNote(tpl.RenderOnce):
    """A message in the middle of the map (text, never markup), gone when its group is replaced."""

    _template = tpl.template("""
        {% macro script(this, kwargs) %}
        {{ this.parent_name }}.addLayer(new BEM.Note({{ this.text | tojson }}));
        {% endmacro %}
    """)

    def __init__(self, text: str):
        super().__init__()
        self._name = "MapNote"
        self.text = text


def display_bounds(bbox: tuple[float, float, float, float], display_datum: str) -> list[list[float]]:
    """A WGS-84 bbox as Leaflet bounds in the basemap's datum."""
    geom = datum.transform_geometry(shapely.box(*bbox), "wgs84", display_datum)
    minx, miny, maxx, maxy = geom.bounds
    return [[miny, minx], [maxy, maxx]]


class _RemoveAfterAdd(tpl.RenderOnce):
    """Takes a dynamic group off the map right after streamlit-folium adds it (the user hid it)."""

    _template = tpl.template("""
        {% macro script(this, kwargs) %}
        setTimeout(function() { {{ this.parent_name }}.remove(); }, 0);
        {% endmacro %}
    """)


def selection_group(selected: gpd.GeoDataFrame | None, ring: shapely.Geometry | None, lang: str,
                    display_datum: str) -> tpl.FeatureGroup:
    """A highlight ring around the selected venue and the "within N km" buffer."""
    group = tpl.FeatureGroup(name=i18n.t("selection", lang), overlay=True, control=False)
    if ring is not None:
        shifted = datum.transform_geometry(ring, "wgs84", display_datum)
        r = style.RING
        tpl.GeoLayer(shifted.__geo_interface__, styles={"": _leaflet_style(r)}, interactive=False).add_to(group)
    if selected is not None and not selected.empty:
        points = datum.transform_geometry(selected.geometry.values, "wgs84", display_datum)
        sel = style.SELECTION
        for pt in points:
            tpl.CircleMarker((pt.y, pt.x), radius=style.SELECTION_RADIUS, color=sel.color, weight=sel.weight,
                                fill=False, interactive=False, class_name="bem-selected").add_to(group)
    return group


def layer_control(lang: str, imported: tuple = ()) -> tpl.LayerControl:
    """The layer control, listing layers in the legend's order (core first)."""
    extra = {layer.key: layer.style for layer in imported}
    keys = [s.key for s in style.LAYERS] + list(extra)
    order = [layer_name(style.get_style(k, extra), lang) for k in style.legend_order(keys, extra)]
    return tpl.LayerControl(collapsed=False, position="topright", sortLayers=True, sortFunction=JsCode(
        f"function(a, b, nameA, nameB) {{ var o = {tpl.dumps(order)};"
        " return o.indexOf(nameA) - o.indexOf(nameB); }"))


def effective_basemap(basemap: str, token: str | None) -> basemaps.Basemap:
    """The basemap drawn: one whose key is missing falls back to offline (no broken tiles)."""
    bm = basemaps.get_basemap(basemap)
    return bm if bm.available(token) else basemaps.BASEMAPS["offline"]


def label_priority(s: style.LayerStyle) -> int:
    """Who keeps its label when two collide: plan venues first, then heritage components, then areas."""
    if s.key == "areas":
        return 1
    return 10 + s.z if s.key != "heritage" else 5


def add_labels(group: tpl.FeatureGroup, gdf: gpd.GeoDataFrame, lang: str, s: style.LayerStyle,
               display_datum: str = "wgs84") -> None:
    """Text labels in ``lang``; ``BEM.relabel`` places them (priority, four positions, no overlaps)."""
    points = datum.transform_geometry(gdf.geometry.representative_point().values, "wgs84", display_datum)
    offset = s.size / 2 + 3 if s.kind == "point" else 0
    pos = ' data-pos="c"' if s.kind != "point" else ""
    for name, pt in zip(gdf[f"name_{lang}"], points):
        tpl.Marker(
            location=(pt.y, pt.x),
            icon=tpl.DivIcon(html=f'<div class="bem-label bem-off" data-p="{label_priority(s)}" '
                                     f'data-minzoom="{s.label_min_zoom}" style="--off:{offset:g}px"{pos}>'
                                     f'{html.escape(name)}</div>',
                                icon_size=(0, 0), icon_anchor=(0, 0), class_name="bem-label-icon"),
            interactive=False,
        ).add_to(group)


def add_basemap(m: folium.Map, bm: basemaps.Basemap, token: str | None = None) -> None:
    """Add the basemap's tile layer and its annotation layer (none for offline)."""
    for url, name in ((bm.url(token), bm.key), (bm.labels_url(token), f"{bm.key}-labels")):
        if url is None:
            continue
        tpl.TileLayer(tiles=url, attr=bm.attribution, name=name, subdomains=bm.subdomains,
                         max_zoom=18, max_native_zoom=bm.max_zoom, overlay=False, control=False).add_to(m)


def build_base_map(layers: Layers, spec: MapSpec, asset_base: str = "leaflet", vendor_base: str = "vendor",
                   view: tuple[float, float, int] | None = None, height: str = "100%",
                   lazy_tools: bool = False, draw: bool = False) -> folium.Map:
    """The static part of the map of ``spec``: basemap, context, core, axes and areas, legend, readout, tools.

    ``view`` (lat, lon, zoom; WGS-84) opens the map there instead of fitting Beijing.

    It depends only on the spec's language, basemap, hidden layers and imported layers, so
    streamlit-folium keeps the same map (no reload) while the venue layers change.
    ``asset_base`` is the URL (relative to the page showing the map) where Leaflet is served.
    """
    lang = i18n.normalize_lang(spec.lang)
    hidden = spec.hidden()
    bm = effective_basemap(spec.basemap, spec.token)
    # quarter zoom steps: a view fits the map's real size instead of the nearest power of two
    m = tpl.Map(location=BEIJING_CENTER, zoom_start=BEIJING_ZOOM, tiles=None, control_scale=True,
                   prefer_canvas=False, height=height, min_zoom=7, max_zoom=18, zoom_snap=0.25, zoom_delta=0.5)
    add_basemap(m, bm, spec.token)
    keys = [s.key for s in style.LAYERS]
    for key in style.ordered([k for k in keys if k not in style.VENUE_CATEGORIES]):
        add_layer(m, layers, key, lang, show=key not in hidden, display_datum=bm.datum)
    extra = spec.extra_styles  # drawn as dynamic groups; here in the legend only
    hidden_labels = [layer_name(style.get_style(k, extra), lang) for k in hidden]
    panel = legend_spec(keys + list(extra), lang, bm, hidden_labels, extra)
    if view is None:
        panel["fit"] = _bounds(layers.boundary, bm.datum)
    LayerPanel(panel).add_to(m)
    MousePosition(bm.datum, lang).add_to(m)
    add_tools(m, layers, lang, bm.datum, vendor_base if lazy_tools else None)
    if draw:  # a workspace open for editing: sketch points, lines and areas (leaflet-draw, served locally)
        tpl.Draw(export=False, position="topleft", draw_options={"circle": False, "circlemarker": False},
             edit_options={"edit": False, "remove": True}).add_to(m)
    if view is None:
        tpl.FitBounds(_bounds(layers.boundary, bm.datum)).add_to(m)
    else:
        lon, lat = datum.from_wgs84(view[1], view[0], bm.datum)
        m.location, m.options["zoom"] = [lat, lon], int(view[2])
    tpl.check_render_once(m)
    return localize_assets(m, asset_base, vendor_base)


def build_map(layers: Layers, spec: MapSpec, asset_base: str = "leaflet", vendor_base: str = "vendor",
              height: str = "100%") -> folium.Map:
    """The whole interactive map of ``spec`` in one document (exports, tests): base map, venues, layer control.

    Venues and imported layers pass the spec's filters; the selection and the distance ring are drawn.
    """
    m = build_base_map(layers, spec, asset_base, vendor_base, height=height)
    display = effective_basemap(spec.basemap, spec.token).datum
    result = shown(layers, spec)
    hidden = spec.hidden()
    lang = spec.lang
    for key in style.VENUE_CATEGORIES:
        make_layer(result.venues[result.venues["category"] == key], key, lang, key not in hidden, display).add_to(m)
    by_key = {layer.key: layer for layer in result.imported}
    for layer in spec.imported:
        gdf = by_key[layer.key].gdf if layer.key in by_key else layer.gdf.iloc[0:0]
        make_layer(gdf, layer.key, lang, layer.key not in hidden, display, s=layer.style).add_to(m)
    if result.selected is not None or result.ring is not None:
        selection_group(result.selected, result.ring, lang, display).add_to(m)
    layer_control(lang, spec.imported).add_to(m)
    tpl.check_render_once(m)
    check_no_remote_assets(m)
    return m


def _bounds(gdf: gpd.GeoDataFrame, display_datum: str = "wgs84") -> list[list[float]]:
    xmin, ymin, xmax, ymax = shapely.total_bounds(datum.transform_geometry(gdf.geometry.values, "wgs84", display_datum))
    return [[ymin, xmin], [ymax, xmax]]



def visible_layers(selected: list | None, extra_keys: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The layer keys switched on in the browser, from streamlit-folium's ``selected_layers``.

    None (nothing reported yet) means every layer.
    """
    every = tuple(s.key for s in style.LAYERS) + tuple(extra_keys)
    if not selected:
        return every
    keys = {item.get("name") for item in selected if isinstance(item, dict) and item.get("url") == "bem"}
    return tuple(k for k in every if k in keys)


def view_bbox(bounds: dict | None, basemap: str) -> tuple[float, float, float, float] | None:
    """The WGS-84 bbox of the browser's view (streamlit-folium ``bounds``, in the basemap's datum)."""
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]
        lons, lats = [float(sw["lng"]), float(ne["lng"])], [float(sw["lat"]), float(ne["lat"])]
    except (TypeError, KeyError, ValueError):
        return None
    if not (lons[0] < lons[1] and lats[0] < lats[1]):
        return None
    lon, lat = datum.to_wgs84(lons, lats, basemaps.get_basemap(basemap).datum)
    return float(lon[0]), float(lat[0]), float(lon[1]), float(lat[1])
