"""Show the map through streamlit-folium's component, with the expensive strings cached.

``st_folium`` re-renders the whole folium map on every rerun (~0.3 s here: Jinja templates for
hundreds of elements). The base map only changes with the language, basemap, opening view or
imported layers, and the venue layers only with the filters, so their rendered strings are
cached and a pan/zoom/filter rerun just hands them to the same component. This mirrors
``streamlit_folium.st_folium`` (0.27) step by step; ``tests/test_browser.py`` checks the result
in a real browser, so a change in streamlit-folium's internals shows up as a failing test.
"""

from __future__ import annotations

import streamlit as st
import streamlit_folium as sf

from geo.assets import iter_asset_urls


@st.cache_resource(show_spinner=False, max_entries=32)
def base_payload(cache_key: str, _build) -> dict:
    """Render the base map once per ``cache_key``; ``_build()`` makes the folium.Map."""
    m = _build()
    m.get_root().render()
    m.render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    leaflet = sf._get_map_string(m)
    try:
        bounds = m.get_bounds()
    except AttributeError:
        bounds = [[None, None], [None, None]]
    urls = iter_asset_urls(m)
    css = [u for u in urls if u.endswith(".css")]
    js = [u for u in urls if not u.endswith(".css")]
    return {"m": m, "html": html, "header": header, "leaflet": leaflet, "bounds": bounds, "zoom": m.options.get("zoom"),
            "id": sf.get_full_id(m), "css": list(dict.fromkeys(css)), "js": list(dict.fromkeys(js))}


@st.cache_data(show_spinner=False, max_entries=64)
def groups_payload(cache_key: str, _build, _base: dict) -> tuple[str, str]:
    """The JS of the dynamic venue layers and of the layer control, once per ``cache_key``.

    ``_build()`` returns (feature groups, layer control); it runs only on a cache miss.
    """
    _groups, _control = _build()
    m = _base["m"]
    strings = "".join(sf._get_feature_group_string(g, map=m, idx=i) for i, g in enumerate(_groups))
    control = sf._get_layer_control_string(_control, m)
    for g in _groups:  # leave the cached base map as it was
        m._children.pop(g.get_name(), None)
    m._children.pop(_control.get_name(), None)
    return strings, control


def show_map(base: dict, groups: str, control: str, *, key: str, height: int, center=None, zoom=None,
             returned_objects: list[str]) -> dict:
    """The streamlit-folium component with pre-rendered strings (see the module docstring)."""
    bounds = base["bounds"]
    defaults = {
        "last_clicked": None, "last_object_clicked": None, "last_object_clicked_tooltip": None,
        "last_object_clicked_popup": None, "all_drawings": None, "last_active_drawing": None,
        "bounds": {"_southWest": {"lat": bounds[0][0], "lng": bounds[0][1]},
                   "_northEast": {"lat": bounds[1][0], "lng": bounds[1][1]}},
        "zoom": base["zoom"], "last_circle_radius": None, "last_circle_polygon": None, "selected_layers": None,
        "selected_tags": None, "last_geocoder_result": None, "center": None,
    }
    defaults = {k: v for k, v in defaults.items() if k in returned_objects}
    hash_key = sf.generate_js_hash(base["leaflet"], key, False)

    def on_change():
        st.session_state[key] = st.session_state.get(hash_key, {})

    return sf._component_func(
        script=base["leaflet"], header=base["header"], html=base["html"], id=base["id"], key=hash_key, height=height,
        width=None, returned_objects=returned_objects, default=defaults, zoom=zoom, center=center,
        feature_group=groups, return_on_hover=False, layer_control=control, pixelated=False,
        css_links=base["css"], js_links=base["js"], on_change=on_change, wrap_longitude=False,
    )
