"""The basemap's tiles on the web map: the tile layers, the tile watch (``BEM.tileWatch`` in bem-tiles.js) and the
local file's tiles, served by the app or carried inline by a standalone export.

Where the chosen tiles fail in the browser (the probe rule of ``geo.tiles``: most of the first tiles failed or did
not arrive in time), the map says so on itself in the snapshot's words, takes the failed layers' credit out of the
attribution, and offers one click to a basemap that works here (the local file's, else offline). In the app that
click goes to the page state (``ui.state.take_basemap_request``), so the URL says what the map shows.
"""

from __future__ import annotations

from folium.elements import JSCSSMixin

from geo import basemaps, i18n, localtiles, tiles
from geo import templating as tpl
from geo.assets import VENDOR_SCHEME

#: what the tile watch reports through streamlit-folium's ``selected_layers``: {name: basemap, url: REPORT + stamp}
REPORT = "bem-basemap:"
_JS = [("bem_tiles_js", f"{VENDOR_SCHEME}bem-map/bem-tiles.js")]


class TileWatch(JSCSSMixin, tpl.RenderOnce):
    """Watches the basemap's tile layers: a notice on the map with one button when they fail (``BEM.tileWatch``)."""

    default_js = _JS
    _template = tpl.template("""
        {% macro script(this, kwargs) %}
        BEM.tileWatch({{ this.parent_name }}, [{{ this.layers | join(", ") }}], {{ this.spec | tojson }});
        {% endmacro %}
    """)

    def __init__(self, layers: list[str], spec: dict):
        super().__init__()
        self._name = "TileWatch"
        self.layers, self.spec = layers, spec


class EmbeddedTiles(JSCSSMixin, tpl.RenderOnce):
    """The local file's tiles of a frame, inline as data URIs (a standalone page needs no server)."""

    default_js = _JS
    _template = tpl.template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = BEM.embeddedTiles({{ this.data | tojson }}).addTo({{ this.parent_name }});
        {% endmacro %}
    """)

    def __init__(self, data: dict):
        super().__init__()
        self._name = "EmbeddedTiles"
        self.data = data


def watch_spec(lang: str, switch_to: str, report: bool) -> dict:
    """What the tile watch needs: the probe rule's numbers, its words, and where its button goes."""
    return {
        "probeTiles": tiles.PROBE_TILES,
        "probeMs": int(tiles.PROBE_TIMEOUT_S * 1000),
        "text": i18n.t("tiles_unreachable", lang),  # the snapshot's words
        "action": i18n.t("tiles_use_local" if switch_to == basemaps.LOCAL else "tiles_use_offline", lang),
        "switchTo": switch_to,
        "report": REPORT if report else "",
    }


def _tile_layer(url: str, name: str, bm: basemaps.Basemap) -> tpl.TileLayer:
    extra = {}
    if bm.bounds is not None:  # a file's tiles: none asked for where it has none (a 404 is no failure to report)
        w, s, e, n = bm.bounds
        extra = {"bounds": [[s, w], [n, e]], "min_native_zoom": bm.min_zoom}
    return tpl.TileLayer(
        tiles=url,
        attr=bm.attribution,
        name=name,
        subdomains=bm.subdomains or "abc",
        max_zoom=18,
        max_native_zoom=bm.max_zoom,
        overlay=False,
        control=False,
        **extra,
    )


def add_basemap(
    m,
    bm: basemaps.Basemap,
    token: str | None = None,
    lang: str = "zh",
    local_url: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    live: bool = False,
) -> None:
    """The basemap's tile layer and its annotation layer (none for offline), watched for failing tiles.

    ``live``: the app's map (the watch's button switches the page state; otherwise it only switches the page).
    ``local_url``: where the app serves the local file's tiles; without it (a standalone export) the local
    file's tiles of ``bbox`` go inline."""
    if bm.key == basemaps.LOCAL and not live:
        _embed(m, bm, bbox)
        return
    names = []
    for url, name in ((bm.url(token), bm.key), (bm.labels_url(token), f"{bm.key}-labels")):
        if url is not None:
            layer = _tile_layer(local_url or url if bm.key == basemaps.LOCAL else url, name, bm)
            layer.add_to(m)
            names.append(layer.get_name())
    if names:
        TileWatch(names, watch_spec(lang, _switch_to(bm, live), report=live)).add_to(m)


def _embed(m, bm: basemaps.Basemap, bbox: tuple[float, float, float, float] | None) -> None:
    """The local file's tiles of ``bbox`` inline (a standalone page: no server to ask)."""
    mb = localtiles.from_template(bm.url() or "")
    if mb is not None and bbox is not None:
        EmbeddedTiles(localtiles.embedded(mb, bbox)).add_to(m)


def _switch_to(bm: basemaps.Basemap, live: bool) -> str:
    """Where the tile watch's button goes: the local file's tiles where the app serves them, else offline."""
    return basemaps.LOCAL if live and bm.key != basemaps.LOCAL and basemaps.LOCAL in basemaps.BASEMAPS else "offline"
