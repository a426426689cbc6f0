"""Serve Leaflet from the installed XStatic package through Streamlit's component file server.

Streamlit serves a declared component's folder at ``/component/<name>/``; the map
lives in the streamlit-folium component's iframe at ``/component/streamlit_folium.st_folium/``,
so a sibling-relative URL works under any ``server.baseUrlPath``.
"""

from __future__ import annotations

import streamlit.components.v1 as components

from geo.assets import LEAFLET_DIR, VENDOR_DIR


def serve_leaflet() -> str:
    """Register the Leaflet folder with the server; return its URL relative to the map iframe."""
    return f"../{components.declare_component('leaflet', path=str(LEAFLET_DIR)).name}"


def serve_vendor() -> str:
    """Register the vendored Leaflet plugins; return their URL relative to the map iframe."""
    return f"../{components.declare_component('vendor', path=str(VENDOR_DIR)).name}"
