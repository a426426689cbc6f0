"""Browser assets the map needs, served by the app itself: never a CDN.

folium's defaults point at CDNs (jsDelivr, cdnjs, code.jquery.com), so on an intranet
the map never appears. The map needs Leaflet (from the XStatic-Leaflet package) and three
plugins vendored by ``scripts/vendor_assets.py`` into ``geo/static/vendor`` (fullscreen,
minimap, measure). Point symbols are inline SVG and the legend is our own HTML, so
jQuery, Bootstrap and Font Awesome are dropped.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path

import folium
import xstatic.pkg.leaflet as xleaflet

from geo.errors import AssetError
from geo.paths import PACKAGE_DIR

LEAFLET_DIR = Path(xleaflet.BASE_DIR)
LEAFLET_VERSION = xleaflet.VERSION
VENDOR_DIR = PACKAGE_DIR / "static" / "vendor"
LEAFLET_JS = "leaflet.js"
LEAFLET_CSS = "leaflet.css"
VENDOR_SCHEME = "vendor://"  # our own elements name vendored files like this; localize_assets resolves it

#: folium plugins' CDN URLs -> the vendored copy (same version)
PLUGIN_FILES: dict[str, str] = {
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": "leaflet.fullscreen@3.0.0/Control.FullScreen.js",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": "leaflet.fullscreen@3.0.0/Control.FullScreen.css",
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js": "leaflet-measure@2.1.7/leaflet-measure.js",
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css": "leaflet-measure@2.1.7/leaflet-measure.css",
    # folium's Draw asks for 1.0.2; 1.0.4 is the same API with fixes (vendored from npm)
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.js": "leaflet-draw@1.0.4/leaflet.draw.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.draw/1.0.2/leaflet.draw.css": "leaflet-draw@1.0.4/leaflet.draw.css",
}


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def localize_assets(m: folium.Map, base_url: str, vendor_url: str = "vendor") -> folium.Map:
    """Point every JS/CSS of the map at the app's own server and drop what the map does not need.

    ``base_url`` is where LEAFLET_DIR is served, ``vendor_url`` where VENDOR_DIR is served.
    Raises AssetError if any element still wants a remote asset.
    """
    base, vendor = base_url.rstrip("/"), vendor_url.rstrip("/")
    m.default_js = [("leaflet", f"{base}/{LEAFLET_JS}")]
    m.default_css = [("leaflet_css", f"{base}/{LEAFLET_CSS}")]

    def local(url: str) -> str:
        if url.startswith(VENDOR_SCHEME):
            return f"{vendor}/{url.removeprefix(VENDOR_SCHEME)}"
        return f"{vendor}/{PLUGIN_FILES[url]}" if url in PLUGIN_FILES else url

    for element in _walk(m):
        if element is m:
            continue
        for attr in ("default_js", "default_css"):
            entries = getattr(element, attr, None)
            if entries:
                setattr(element, attr, [(name, local(url)) for name, url in entries])
    check_no_remote_assets(m)
    return m


def iter_asset_urls(element) -> list[str]:
    """Every JS/CSS URL an element tree asks the browser to load."""
    return [url for e in _walk(element) for _, url in getattr(e, "default_js", []) + getattr(e, "default_css", [])]


def check_no_remote_assets(m: folium.Map) -> None:
    """Raise AssetError naming the first asset that would come from another host."""
    for url in iter_asset_urls(m):
        if url.startswith(("http://", "https://", "//", VENDOR_SCHEME)):
            raise AssetError(f"map asset {url} would be fetched from a CDN; serve it locally")


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(path: Path) -> str:
    def repl(match: re.Match) -> str:
        ref = match.group(1).strip("'\"")
        target = (path.parent / ref).resolve()
        return f"url({_data_uri(target)})" if target.is_file() else match.group(0)

    return re.sub(r"url\(([^)#]+)\)", repl, path.read_text(encoding="utf-8"))


def write_bundle(files: list[Path], suffix: str, out_dir: Path) -> str:
    """Concatenate JS (``suffix`` ".js") or CSS (".css", images inlined as data URIs) files into one file in
    ``out_dir`` named by its content's hash; return the file name. Idempotent.

    Why our own: the map component loads its scripts one after another, each a round trip, and two dozen
    lines do not justify a JS build tool in a Python app. The bundle only joins the vendored files as they are.
    """
    import hashlib

    from geo.paths import write_atomically

    parts = [(_inline_css(f) if suffix == ".css" else f.read_text(encoding="utf-8")) for f in files]
    text = "\n".join(f"/* {f.parent.name}/{f.name} */\n{part}{';' if suffix == '.js' else ''}" for f, part in zip(files, parts))
    data = text.encode("utf-8")
    name = f"bundle-{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    target = out_dir / name
    if not target.exists():
        out_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(target, data, durable=False)
    return name


def inline_assets_html(html: str, base_url: str, vendor_url: str = "vendor") -> str:
    """Replace the local <script>/<link> tags of a rendered page by their contents (images as data URIs).

    Used for the standalone HTML export, which must work from a file with no server.
    """
    roots = {base_url.rstrip("/"): LEAFLET_DIR, vendor_url.rstrip("/"): VENDOR_DIR}
    for prefix, root in roots.items():

        def script(match: re.Match, root=root) -> str:
            return "<script>" + (root / match.group(1)).read_text(encoding="utf-8") + "</script>"

        def style(match: re.Match, root=root) -> str:
            return "<style>" + _inline_css(root / match.group(1)) + "</style>"

        html = re.sub(rf'<script src="{re.escape(prefix)}/([^"]+)"></script>', script, html)
        html = re.sub(rf'<link rel="stylesheet" href="{re.escape(prefix)}/([^"]+)"/>', style, html)
    return html
