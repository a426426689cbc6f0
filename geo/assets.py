"""Browser assets the map needs, served by the app itself: never a CDN.

folium's defaults point at CDNs (jsDelivr, cdnjs, code.jquery.com), so on an
intranet the map never appears. The map here needs only Leaflet: points are inline
SVG ``DivIcon``s and the legend is our own HTML, so jQuery, Bootstrap and
Font Awesome are dropped. Leaflet comes from the XStatic-Leaflet package.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import folium
import xstatic.pkg.leaflet as xleaflet

from geo.errors import AssetError

LEAFLET_DIR = Path(xleaflet.BASE_DIR)
LEAFLET_VERSION = xleaflet.VERSION
LEAFLET_JS = "leaflet.js"
LEAFLET_CSS = "leaflet.css"


def localize_assets(m: folium.Map, base_url: str) -> folium.Map:
    """Point the map's JS/CSS at ``base_url`` (where LEAFLET_DIR is served) and drop the rest.

    Raises AssetError if any element of the map still wants a remote asset.
    """
    base = base_url.rstrip("/")
    m.default_js = [("leaflet", f"{base}/{LEAFLET_JS}")]
    m.default_css = [("leaflet_css", f"{base}/{LEAFLET_CSS}")]
    check_no_remote_assets(m)
    return m


def iter_asset_urls(element) -> list[str]:
    """Every JS/CSS URL an element tree asks the browser to load."""
    urls = [url for _, url in getattr(element, "default_js", []) + getattr(element, "default_css", [])]
    for child in getattr(element, "_children", {}).values():
        urls.extend(iter_asset_urls(child))
    return urls


def check_no_remote_assets(m: folium.Map) -> None:
    """Raise AssetError naming the first asset that would come from another host."""
    for url in iter_asset_urls(m):
        if url.startswith(("http://", "https://", "//")):
            raise AssetError(f"map asset {url} would be fetched from a CDN; serve it locally")


def inline_assets_html(html: str, base_url: str) -> str:
    """Replace the local Leaflet <script>/<link> tags of a rendered page by their contents.

    Used for the standalone HTML export, which must work from a file with no server.
    """
    base = base_url.rstrip("/")
    js = (LEAFLET_DIR / LEAFLET_JS).read_text(encoding="utf-8")
    css = re.sub(r"url\((images/[\w.-]+\.png)\)", _data_uri, (LEAFLET_DIR / LEAFLET_CSS).read_text(encoding="utf-8"))
    html = html.replace(f'<script src="{base}/{LEAFLET_JS}"></script>', f"<script>{js}</script>")
    return html.replace(f'<link rel="stylesheet" href="{base}/{LEAFLET_CSS}"/>', f"<style>{css}</style>")


def _data_uri(match: re.Match) -> str:
    data = base64.b64encode((LEAFLET_DIR / match.group(1)).read_bytes()).decode("ascii")
    return f"url(data:image/png;base64,{data})"
