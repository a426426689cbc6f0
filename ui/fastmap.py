"""Show the map through streamlit-folium's component, with the expensive strings cached.

``st_folium`` re-renders the whole folium map on every rerun (~0.3 s here: Jinja templates for
hundreds of elements). The base map only changes with the language, basemap, opening view or
imported layers, and the venue layers only with the filters, so their rendered strings are
cached and a pan/zoom/filter rerun just hands them to the same component. This mirrors
``streamlit_folium.st_folium`` (0.27) step by step; ``tests/test_browser.py`` checks the result
in a real browser, so a change in streamlit-folium's internals shows up as a failing test.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import folium
import streamlit as st
import streamlit_folium as sf

from geo.assets import iter_asset_urls
from geo.data import cache_root, data_fingerprint, read_pickle, write_pickle
from ui.assets import bundle_links, map_frame


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """What the rendered strings depend on besides their key: the data, our map code, folium's version and
    the settings read from the environment (the tile mirror replaces every tile URL)."""
    from geo import basemaps

    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(
        f"{data_fingerprint()}|{folium.__version__}|{sf.__version__ if hasattr(sf, '__version__') else ''}"
        f"|{basemaps.mirror_url()}".encode()
    )
    code = [
        root / rel
        for rel in (
            "geo/webmap.py",
            "geo/mapelements.py",
            "geo/webcontent.py",
            "geo/templating.py",
            "geo/style.py",
            "geo/i18n.py",
            "geo/assets.py",
            "geo/project_marks.py",
            "ui/fastmap.py",
        )
    ]
    # every catalogue module and every script or style sheet the map inlines or loads: a change to any one of
    # them alone is a new map (a hand-kept list of files missed the map's keyboard and screen-reader script)
    code += sorted((root / "geo").glob("*_messages.py"))
    for folder in ("geo/static/page", "geo/static/vendor/bem-map"):
        code += sorted(p for p in (root / folder).rglob("*") if p.is_file())
    for path in code:
        h.update(path.read_bytes())
    return h.hexdigest()[:20]


def _disk(kind: str, key: str) -> Path:
    digest = hashlib.sha256(f"{code_fingerprint()}|{kind}|{key}".encode()).hexdigest()[:32]
    return cache_root() / "payload" / f"{kind}-{digest}.pickle"


def _stand_in_map(base: dict):
    """A folium.Map with the cached base map's id (the feature-group strings only refer to it by name) and a
    stand-in for each of its layers the layer control lists: folium's LayerControl finds its base layers and
    overlays among the map's children, so a base map read from disk (no folium objects) would otherwise give a
    control of the venue groups alone."""
    m = folium.Map(tiles=None)
    m._id = base["map_id"]
    for js_name, name, overlay, show in base.get("control_layers", ()):
        _ListedLayer(js_name, name, overlay, show).add_to(m)
    return m


class _ListedLayer(folium.map.Layer):
    """A base map's layer as its layer control sees it: the JS variable, name, overlay or not and shown or not."""

    def __init__(self, js_name: str, name: str, overlay: bool, show: bool):
        super().__init__(name=name, overlay=overlay, control=True, show=show)
        self._js_name = js_name

    def get_name(self) -> str:
        return self._js_name


def _control_layers(m) -> list[tuple[str, str, bool, bool]]:
    """What the layer control reads of the map's layers (folium's LayerControl.render), picklable."""
    return [
        (item.get_name(), item.layer_name, bool(item.overlay), bool(item.show))
        for item in m._children.values()
        if isinstance(item, folium.map.Layer) and item.control
    ]


@st.cache_resource(show_spinner=False, max_entries=32)
def base_payload(cache_key: str, _build, persist: bool = False) -> dict:
    """Render the base map once per ``cache_key``; ``_build()`` makes the folium.Map.

    ``persist``: also keep the rendered strings on disk (keyed by the data's and the code's hash), so a new
    server process opens the default views without rendering the map again (the cold open)."""
    path = _disk("base", cache_key) if persist else None
    cached = read_pickle(path) if path else None
    if cached is not None:
        return cached
    payload = _render_base(_build())
    if path:
        write_pickle(path, {k: v for k, v in payload.items() if k != "m"})
    return payload


def base_map(cache_key: str, build, persist: bool = False, private: bool = False) -> dict:
    """``base_payload``, or with ``private`` (the map holds a planner's own layers) the session's own copy:
    nothing an upload produces goes into a cache the whole server shares."""
    if private:
        from ui.session import session

        return session().remember("base", cache_key, lambda: _render_base(build()))
    return base_payload(cache_key, build, persist)


def groups(cache_key: str, build, base: dict, persist: bool = False, private: bool = False) -> tuple[str, str]:
    """``groups_payload``, or with ``private`` the session's own copy (see ``base_map``)."""
    if private:
        from ui.session import session

        return session().remember("groups", f"{base['id']}|{cache_key}", lambda: _render_groups(build, base))
    return groups_payload(cache_key, build, base, persist)


def _render_base(m) -> dict:
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
    return {
        "m": m,
        "html": html,
        "header": header,
        "leaflet": leaflet,
        "bounds": bounds,
        "zoom": m.options.get("zoom"),
        "id": sf.get_full_id(m),
        "map_id": m._id,
        "control_layers": _control_layers(m),
        "css": list(dict.fromkeys(css)),
        "js": list(dict.fromkeys(js)),
    }


@st.cache_data(show_spinner=False, max_entries=64)
def groups_payload(cache_key: str, _build, _base: dict, persist: bool = False) -> tuple[str, str]:
    """The JS of the dynamic venue layers and of the layer control, once per ``cache_key``.

    ``_build()`` returns (feature groups, layer control); it runs only on a cache miss. ``persist`` keeps
    the strings on disk too (see ``base_payload``).
    """
    path = _disk("groups", f"{_base['id']}|{cache_key}") if persist else None
    cached = read_pickle(path) if path else None
    if cached is not None:
        return cached
    strings, control = _render_groups(_build, _base)
    if path:
        write_pickle(path, (strings, control))
    return strings, control


def _render_groups(build, base: dict) -> tuple[str, str]:
    groups_, control_ = build()
    m = base.get("m") or _stand_in_map(base)
    strings = "".join(sf._get_feature_group_string(g, map=m, idx=i) for i, g in enumerate(groups_))
    control = sf._get_layer_control_string(control_, m)
    for g in groups_:  # leave the cached base map as it was
        m._children.pop(g.get_name(), None)
    m._children.pop(control_.get_name(), None)
    return strings, control


#: the key under which ``show_map``'s report (``st.session_state[key]``) names the datum its map was drawn in
REPORT_DATUM = "_datum"


def show_map(
    base: dict,
    groups: str,
    control: str,
    *,
    key: str,
    height: int,
    center=None,
    zoom=None,
    returned_objects: list[str],
    datum: str = "wgs84",
) -> dict:
    """The streamlit-folium component with pre-rendered strings (see the module docstring).

    Each report of the map also lands in ``st.session_state[key]``, with the ``datum`` its coordinates are in:
    a rebuilt map is a new component whose value starts empty, and the old map's last report (a pan, a layer
    switched off, a drawing), sent just before or after the switch that rebuilt it, is still the latest word
    on where the planner is."""
    bounds = base["bounds"]
    defaults = {
        "last_clicked": None,
        "last_object_clicked": None,
        "last_object_clicked_tooltip": None,
        "last_object_clicked_popup": None,
        "all_drawings": None,
        "last_active_drawing": None,
        "bounds": {
            "_southWest": {"lat": bounds[0][0], "lng": bounds[0][1]},
            "_northEast": {"lat": bounds[1][0], "lng": bounds[1][1]},
        },
        "zoom": base["zoom"],
        "last_circle_radius": None,
        "last_circle_polygon": None,
        "selected_layers": None,
        "selected_tags": None,
        "last_geocoder_result": None,
        "center": None,
    }
    defaults = {k: v for k, v in defaults.items() if k in returned_objects}
    hash_key = sf.generate_js_hash(base["leaflet"], key, False)
    js_links, css_links = bundle_links(tuple(base["js"]), tuple(base["css"]))
    component = map_frame(js_links, css_links)  # its page preloads the links, alongside the component's script

    def on_change():  # Streamlit keeps this run's callback with this component: the datum is its map's
        st.session_state[key] = {**(st.session_state.get(hash_key) or {}), REPORT_DATUM: datum}

    return (component or sf._component_func)(
        script=base["leaflet"],
        header=base["header"],
        html=base["html"],
        id=base["id"],
        key=hash_key,
        height=height,
        width=None,
        returned_objects=returned_objects,
        default=defaults,
        zoom=zoom,
        center=center,
        feature_group=groups,
        return_on_hover=False,
        layer_control=control,
        pixelated=False,
        css_links=css_links,
        js_links=js_links,
        on_change=on_change,
        wrap_longitude=False,
    )
