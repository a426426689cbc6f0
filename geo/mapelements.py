"""The live map's own elements: each renders one line calling bem-map.js (``BEM.*``) with its data as JSON.

``geo.webmap`` assembles maps from them and from folium's elements (through ``geo.templating``, so nothing
renders twice); the browser code they call is geo/static/vendor/bem-map/bem-map.js.
"""

from __future__ import annotations

import html

import geopandas as gpd
import shapely
from folium.elements import JSCSSMixin

from geo import datum, i18n, style, tool_messages
from geo import templating as tpl
from geo.assets import VENDOR_DIR, VENDOR_SCHEME
from geo.paths import PACKAGE_DIR

#: below this zoom a large imported point layer is drawn as a grid of counts
CLUSTER_BELOW = 13


#: the map page's first styles, inlined in its <head> (they must precede the bundled style sheets)
_CSS = f"<style>\n{(VENDOR_DIR / 'bem-map' / 'bem-map-head.css').read_text('utf-8')}</style>\n"


class LayerPanel(JSCSSMixin, tpl.RenderOnce):
    """One panel for the legend and the layer switches (a row toggles its layer), plus label placement and
    the wheel behaviour: ``BEM.layerPanel`` in ``geo/static/vendor/bem-map/bem-map.js``."""

    default_js = [("bem_map_js", f"{VENDOR_SCHEME}bem-map/bem-map.js")]
    default_css = [("bem_map_css", f"{VENDOR_SCHEME}bem-map/bem-map.css")]
    _template = tpl.template(
        """
        {% macro header(this, kwargs) %}"""
        + _CSS
        + """{% endmacro %}
        {% macro script(this, kwargs) %}
        BEM.layerPanel({{ this.parent_name }}, {{ this.spec | tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, spec: dict):
        super().__init__()
        self._name = "LayerPanel"
        self.spec = spec


#: the map's keyboard and screen-reader layer (our own files, inlined: the map's frame is served from elsewhere)
_PAGE_DIR = PACKAGE_DIR / "static" / "page"
_A11Y_CSS = (_PAGE_DIR / "map-a11y.css").read_text("utf-8")
_A11Y_JS = (_PAGE_DIR / "map-a11y.js").read_text("utf-8")


class Accessible(tpl.RenderOnce):
    """Names in ``lang`` for everything the keyboard reaches in the map, no tab stop on labels, areas and lines,
    and a visible focus ring (``BEM.a11y`` in geo/static/page/map-a11y.js, its style in map-a11y.css)."""

    _template = tpl.template(
        "{% macro header(this, kwargs) %}<style>\n"
        + _A11Y_CSS
        + "</style>\n{% endmacro %}\n{% macro script(this, kwargs) %}\n"
        + _A11Y_JS
        + "\nBEM.a11y({{ this.parent_name }}, {{ this.words | tojson }});\n{% endmacro %}\n"
    )

    def __init__(self, lang: str):
        super().__init__()
        self._name = "Accessible"
        keys = {"map": "a11y_map", "closePopup": "a11y_close_popup", "minimap": "a11y_minimap", "leaflet": "a11y_leaflet"}
        self.words = {
            name: i18n.t(key, lang)
            for name, key in {
                **keys,
                "place": "a11y_place",
                "frame": "a11y_frame",
                "keys": "a11y_keys",
                "layers": "layers",
            }.items()
        }


class MousePosition(tpl.RenderOnce):
    """A WGS-84 readout of the mouse position, whatever the basemap's datum; click copies it (``BEM.readout``).

    On a GCJ-02 basemap the map's coordinates are GCJ-02: the browser inverts them with ``BEM.datum``, the
    formula and iteration of ``geo.datum`` (tests/test_browser_datum.py holds both to the same vectors).
    """

    _template = tpl.template("""
        {% macro script(this, kwargs) %}
        BEM.readout({{ this.parent_name }}, {gcj: {{ this.gcj | tojson }}, strings: {{ this.strings | tojson }}});
        {% endmacro %}
    """)

    def __init__(self, display_datum: str, lang: str):
        super().__init__()
        self._name = "MousePosition"
        self.gcj = display_datum == "gcj02"
        self.strings = {"hint": i18n.t("mouse_hint", lang), "copied": i18n.t("copied", lang)}


class MiniMap(JSCSSMixin, tpl.RenderOnce):
    """An overview map drawn from Beijing's outline and the core (vector: it works offline)."""

    default_js = [("minimap_js", f"{VENDOR_SCHEME}leaflet-minimap@3.6.1/Control.MiniMap.min.js")]
    default_css = [("minimap_css", f"{VENDOR_SCHEME}leaflet-minimap@3.6.1/Control.MiniMap.min.css")]
    _template = tpl.template("""
        {% macro script(this, kwargs) %}
        BEM.miniMap({{ this.parent_name }}, {{ this.data | tojson }}, {{ this.strings | tojson }});
        {% endmacro %}
    """)

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


class DrawLocal(tpl.RenderOnce):
    """leaflet-draw's buttons and tooltips in ``lang`` (``BEM.drawLocal``): added before the draw control."""

    _template = tpl.template("""
        {% macro script(this, kwargs) %}
        BEM.drawLocal({{ this.strings | tojson }});
        {% endmacro %}
    """)

    def __init__(self, lang: str):
        super().__init__()
        self._name = "DrawLocal"
        self.strings = _escaped(tool_messages.draw_local(lang))  # leaflet-draw inserts its tooltips as HTML


class MeasureLocale(tpl.RenderOnce):
    """Lets a measuring control made after it read its words from ``options.strings`` (``BEM.localizeMeasure``)."""

    _template = tpl.template("""
        {% macro script(this, kwargs) %}
        BEM.localizeMeasure();
        {% endmacro %}
    """)


def measure_strings(lang: str) -> dict[str, str]:
    """leaflet-measure's words in ``lang``, escaped (its templates insert them as HTML)."""
    return _escaped(tool_messages.measure_locale(lang))


def _escaped(tree: dict) -> dict:
    return {k: _escaped(v) if isinstance(v, dict) else html.escape(v, quote=False) for k, v in tree.items()}


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
        self.style = {
            "radius": max(3, s.size // 3),
            "color": s.color,
            "weight": 0.6,
            "fill": s.fill_color or s.color,
            "clusterBelow": CLUSTER_BELOW,
            "cell": 44,
        }


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


class RingLabel(tpl.RenderOnce):
    """The distance of the "within N km" ring ("3 公里" / "3 km") written on the ring where it is on screen: at
    its highest point in view, moved on every pan and zoom, none when the ring is off screen (``BEM.RingLabel``).
    ``ring``: the ring's polygon in the basemap's datum."""

    _template = tpl.template("""
        {% macro script(this, kwargs) %}
        {{ this.parent_name }}.addLayer(new BEM.RingLabel({{ this.outline | tojson }}, {{ this.text | tojson }}));
        {% endmacro %}
    """)

    def __init__(self, ring: shapely.Geometry, text: str):
        super().__init__()
        self._name = "RingLabel"
        xy = shapely.get_coordinates(shapely.get_exterior_ring(shapely.get_parts(ring)))
        self.outline = [[round(float(lat), 5), round(float(lon), 5)] for lon, lat in xy]  # Leaflet: lat, lon
        self.text = text


class HideLayers(tpl.RenderOnce):
    """Switch off the base map's layers named ``names`` (the layer control's names) once the map is built."""

    _template = tpl.template("""
        {% macro script(this, kwargs) %}
        BEM.hideLayers({{ this.parent_name }}, {{ this.names | tojson }});
        {% endmacro %}
    """)

    def __init__(self, names: list[str]):
        super().__init__()
        self._name = "HideLayers"
        self.names = names


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


class _RemoveAfterAdd(tpl.RenderOnce):
    """Takes a dynamic group off the map right after streamlit-folium adds it (the user hid it)."""

    _template = tpl.template("""
        {% macro script(this, kwargs) %}
        BEM.removeSoon({{ this.parent_name }});
        {% endmacro %}
    """)


def mark_group(marks: list, lang: str, display_datum: str) -> tpl.FeatureGroup:
    """The key projects' change marks (``geo.project_marks.points``): around each marked place one outline per
    kind of change (``style.MARK_STYLES``: its own shape and colour), its tooltip naming the place and the change."""
    from geo import project_marks

    group = tpl.FeatureGroup(name=i18n.t("proj_tab", lang), overlay=True, control=False)
    for kind in project_marks.KINDS:
        hit = [m for m in marks if kind in m.kinds]
        if not hit:
            continue
        features = []
        for m in hit:
            lon, lat = datum.from_wgs84(m.lon, m.lat, display_datum)
            tip = html.escape(project_marks.tip(m, lang))
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                    "properties": {"id": m.id, "mark": kind, "_tip": tip},
                }
            )
        s = style.mark_style(kind)
        half = s.size / 2
        icon = {"html": style.marker_svg(s), "iconSize": [s.size, s.size], "iconAnchor": [half, half], "className": "bem-mark"}
        tpl.GeoLayer({"type": "FeatureCollection", "features": features}, icon=icon).add_to(group)
    return group
