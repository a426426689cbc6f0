"""Basemaps: tile sources (xyzservices), Chinese basemaps with their datum, and "offline".

Gaode/AMap tiles are drawn in GCJ-02, so overlays must be shifted onto them (see
``geo.datum``); Tianditu uses CGCS2000, which equals WGS-84 to within centimetres at
map scales, so it needs no shift but needs a key. An intranet tile mirror can stand in
for every tile server: set ``BEM_TILE_MIRROR=http://host/path`` and tiles are fetched
from ``{mirror}/{basemap}/{z}/{x}/{y}.png`` (annotation layers from ``{basemap}-labels``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import xyzservices.providers as xyz
from xyzservices import TileProvider

DEFAULT_BASEMAP = "light"
TIANDITU_ENV = "TIANDITU_KEY"
MIRROR_ENV = "BEM_TILE_MIRROR"
TIANDITU_SIGNUP = "https://console.tianditu.gov.cn/"

_GAODE_ATTR = "© 高德地图 AutoNavi (GCJ-02)"
_TIANDITU_ATTR = "© 天地图 Tianditu, 国家地理信息公共服务平台"


class MirrorError(ValueError):
    """BEM_TILE_MIRROR is not an http(s) URL with a host, or carries a user name or password.

    ``str()`` is one line in both languages (it is shown at start, before a language is chosen);
    ``message(lang)`` is one of them."""

    def __init__(self, key: str, **kw: str):
        self.key, self.kw = key, {"var": MIRROR_ENV, **kw}
        super().__init__(f"{self.message('en')} / {self.message('zh')}")

    def message(self, lang: str) -> str:
        from geo import i18n

        return i18n.t(self.key, lang).format(**self.kw)


def mirror_url() -> str | None:
    """The intranet tile mirror (``BEM_TILE_MIRROR``), checked: only http(s) with a host and a valid port,
    nothing that could make the server read local paths (``file://``) or carry markup into a page, and no
    user name or password (the URL goes to every browser; the message never repeats them)."""
    import re
    from urllib.parse import urlparse

    value = os.environ.get(MIRROR_ENV, "").strip()
    if not value:
        return None
    parts = urlparse(value)
    if "@" in parts.netloc:  # user:password@host
        raise MirrorError("mirror_userinfo")
    try:
        bad = parts.scheme not in ("http", "https") or not parts.hostname or parts.port == 0
    except ValueError:  # a port that is not a number from 1 to 65535
        bad = True
    if bad or re.search(r"[\s<>\"'`{}|\\^]", value):
        raise MirrorError("mirror_bad", value=repr(value[:80]) if "@" not in value else "'…@…'")
    return value


def _gaode(name: str, style: int, host: str) -> TileProvider:
    # xyzservices ships Gaode over http; the same servers answer over https.
    return TileProvider(
        name=name,
        url=f"https://{host}0{{s}}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style={style}&x={{x}}&y={{y}}&z={{z}}",
        subdomains="1234",
        attribution=_GAODE_ATTR,
        html_attribution=_GAODE_ATTR,
        max_zoom=18,
    )


def _tianditu(layer: str) -> TileProvider:
    return TileProvider(
        name=f"Tianditu.{layer}",
        url=f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
        "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={tk}",
        subdomains="01234567",
        attribution=_TIANDITU_ATTR,
        html_attribution=_TIANDITU_ATTR,
        max_zoom=18,
    )


@dataclass(frozen=True)
class Basemap:
    """A selectable basemap. ``provider`` is None for the offline (vector-only) map."""

    key: str
    provider: TileProvider | None
    datum: str = "wgs84"  # the datum the tiles are drawn in: overlays are shifted to it
    labels: TileProvider | None = None  # an annotation layer drawn over the tiles
    needs_key: bool = False  # True for Tianditu

    def _url(self, provider: TileProvider | None, suffix: str, token: str | None) -> str | None:
        if provider is None:
            return None
        mirror = mirror_url()
        if mirror:
            return f"{mirror.rstrip('/')}/{self.key}{suffix}/{{z}}/{{x}}/{{y}}.png"
        if self.needs_key:
            return provider.build_url(fill_subdomain=False, tk=token or "")
        return provider.build_url(fill_subdomain=False)

    def url(self, token: str | None = None) -> str | None:
        """The tile URL template ({s} kept for subdomains)."""
        return self._url(self.provider, "", token)

    def labels_url(self, token: str | None = None) -> str | None:
        return self._url(self.labels, "-labels", token)

    @property
    def subdomains(self) -> str:
        return self.provider.get("subdomains", "abc") if self.provider and not mirror_url() else "abc"

    @property
    def attribution(self) -> str:
        return self.provider.html_attribution if self.provider else ""

    @property
    def max_zoom(self) -> int:
        return int(self.provider.get("max_zoom", 19)) if self.provider else 19

    def available(self, token: str | None) -> bool:
        """False when the basemap needs a key that is not configured (and no mirror stands in)."""
        return not self.needs_key or bool(token) or bool(mirror_url())


BASEMAPS: dict[str, Basemap] = {
    "light": Basemap("light", xyz.Esri.WorldGrayCanvas),
    "osm": Basemap("osm", xyz.OpenStreetMap.Mapnik),
    "satellite": Basemap("satellite", xyz.Esri.WorldImagery),
    "gaode": Basemap("gaode", _gaode("Gaode.Normal", 8, "webrd"), datum="gcj02"),
    "gaode_satellite": Basemap(
        "gaode_satellite", _gaode("Gaode.Satellite", 6, "webst"), datum="gcj02", labels=_gaode("Gaode.Labels", 8, "webst")
    ),
    "tianditu": Basemap("tianditu", _tianditu("vec"), labels=_tianditu("cva"), needs_key=True),
    "tianditu_satellite": Basemap("tianditu_satellite", _tianditu("img"), labels=_tianditu("cia"), needs_key=True),
    "offline": Basemap("offline", None),
}


def normalize_basemap(value: str | None) -> str:
    """A known basemap key for a query value; unknown values fall back to the default."""
    return value if value in BASEMAPS else DEFAULT_BASEMAP


def get_basemap(key: str) -> Basemap:
    """The basemap ``key`` (falls back to the default for unknown keys)."""
    return BASEMAPS[normalize_basemap(key)]


def tianditu_key(secret: str | None = None) -> str | None:
    """The Tianditu key: an explicit value (e.g. from Streamlit secrets) or the environment."""
    return (secret or os.environ.get(TIANDITU_ENV) or "").strip() or None
