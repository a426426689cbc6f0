"""Serve Leaflet from the installed XStatic package through Streamlit's component file server.

Streamlit serves a declared component's folder at ``/component/<name>/``; the map
lives in the streamlit-folium component's iframe at ``/component/streamlit_folium.st_folium/``,
so a sibling-relative URL works under any ``server.baseUrlPath``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import streamlit.components.v1 as components

from geo.assets import LEAFLET_DIR, LEAFLET_JS, VENDOR_DIR, write_bundle
from geo.data import cache_root


def serve_leaflet() -> str:
    """Register the Leaflet folder with the server; return its URL relative to the map iframe."""
    return f"../{components.declare_component('leaflet', path=str(LEAFLET_DIR)).name}"


def serve_vendor() -> str:
    """Register the vendored Leaflet plugins; return their URL relative to the map iframe."""
    return f"../{components.declare_component('vendor', path=str(VENDOR_DIR)).name}"


def bundle_dir() -> Path:
    return cache_root() / "assets"


def serve_bundles() -> str:
    """Register the folder of asset bundles; return its URL relative to the map iframe."""
    folder = bundle_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"../{components.declare_component('bundles', path=str(folder)).name}"


@lru_cache(maxsize=16)
def bundle_links(js: tuple[str, ...], css: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The map's script and style links with every served file after Leaflet joined into one bundle each.

    The map component loads its scripts one at a time: Leaflet, our map code and two plugins were four
    round trips before anything was drawn, now two; five style sheets and two icons become one request.
    Links this server does not serve are kept as they are. The bundle files are (re)written once per
    process, so a cached map payload never points at a missing file."""
    try:
        return _bundle(js, css)
    except OSError:  # a read-only cache folder: the files one by one still work, only slower
        return list(js), list(css)


def _bundle(js: tuple[str, ...], css: tuple[str, ...]) -> tuple[list[str], list[str]]:
    roots = {serve_leaflet(): LEAFLET_DIR, serve_vendor(): VENDOR_DIR}

    def local(url: str) -> Path | None:
        for prefix, root in roots.items():
            if url.startswith(prefix + "/"):
                path = (root / url.removeprefix(prefix + "/")).resolve()
                return path if path.is_file() and path.is_relative_to(root.resolve()) else None
        return None

    base = serve_bundles()
    first = [u for u in js if u.endswith("/" + LEAFLET_JS)][:1]  # Leaflet first: the plugins extend L
    rest = [u for u in js if u not in first]
    out_js, out_css = list(first), []
    files = [local(u) for u in rest]
    if rest and all(files):
        out_js.append(f"{base}/{write_bundle(files, '.js', bundle_dir())}")
    else:
        out_js += rest
    files = [local(u) for u in css]
    if css and all(files):
        out_css.append(f"{base}/{write_bundle(files, '.css', bundle_dir())}")
    else:
        out_css = list(css)
    return out_js, out_css


def map_frame(js: list[str], css: list[str]):
    """The map component with its page preloading ``js`` and ``css``; None: use streamlit-folium's own.

    streamlit-folium's page loads its script (225 KB) and only then, once Streamlit has sent the map, fetches the
    map's scripts one after another. This page is its copy (its script from the component's own folder) with
    ``<link rel="preload">`` for each of the map's scripts and styles ahead of it: the browser fetches them all
    at once, and the component, still given the same links, finds them loaded and runs them when it always did
    (running them earlier, as the page's own scripts, moved a view restored from a link by a few dozen pixels).
    One folder per set of links, named by its content's hash."""
    try:
        name, folder = _frame_page(tuple(js), tuple(css))
    except OSError:  # a read-only cache folder: streamlit-folium's page with the links still works, only slower
        return None
    return components.declare_component(name, path=str(folder))


@lru_cache(maxsize=16)
def _frame_page(js: tuple[str, ...], css: tuple[str, ...]) -> tuple[str, Path]:
    import hashlib
    import html

    import streamlit_folium as sf

    from geo.paths import write_atomically

    own = sf._component_func
    page = (Path(own.path) / "index.html").read_text(encoding="utf-8")
    tags = "".join(f'<link rel="preload" as="script" href="{html.escape(u)}"/>' for u in js)
    tags += "".join(f'<link rel="preload" as="style" href="{html.escape(u)}"/>' for u in css)
    page = page.replace('src="./static/', f'src="../{own.name}/static/').replace("<script defer", tags + "<script defer", 1)
    data = page.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()[:12]
    folder = cache_root() / "map-frame" / digest
    if not (folder / "index.html").is_file() or (folder / "index.html").read_bytes() != data:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / "index.html", data, durable=False)
    return f"streamlit_folium_frame_{digest}", folder


def local_tiles_root() -> Path:
    return cache_root() / "local-tiles"


def serve_local_tiles():
    """Where the app serves the local basemap's tiles (BEM_BASEMAP_FILE), relative to the map iframe, and how far
    copying them has got; (None, None) when no good file is configured.

    Streamlit 1.67 has no custom HTTP route. Its component file server (``declare_component(path=...)``) serves a
    folder as it is, with the right image types, path checks and under any ``server.baseUrlPath`` and proxy, with
    no setting to change (``server.enableStaticServing`` would need one, and a folder beside app.py). So the file's
    tiles are copied once per file version into the cache folder, by a background thread started on the first
    page that asks (never at import), lowest zoom first; the page shows the progress. A second server process
    finds the finished folder and copies nothing."""
    from geo import localtiles

    try:
        mb = localtiles.configured_file()
    except localtiles.LocalTilesError:
        return None, None
    if mb is None:
        return None, None
    root = local_tiles_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None, None
    job = localtiles.extract(mb, root)
    name = components.declare_component("local_tiles", path=str(root)).name
    return f"../{name}/{mb.fingerprint}/{{z}}/{{x}}/{{y}}.{mb.ext}", job
