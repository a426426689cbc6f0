"""Basemaps: tile sources (xyzservices), Chinese basemaps with their datum, and "offline".

Gaode/AMap tiles are drawn in GCJ-02, so overlays must be shifted onto them (see
``geo.datum``); Tianditu uses CGCS2000, which equals WGS-84 to within centimetres at
map scales, so it needs no shift but needs a key. An intranet tile mirror can stand in
for every tile server: set ``BEM_TILE_MIRROR=http://host/path`` and tiles are fetched
from ``{mirror}/{basemap}/{z}/{x}/{y}.png`` (annotation layers from ``{basemap}-labels``).

Behind a firewall the deployment picks what opens: ``BEM_DEFAULT_BASEMAP`` (``offline``, ``local``...), and
``BEM_BASEMAP_FILE=/path/city.mbtiles`` adds the ``local`` basemap, tiles from that file served by the app
itself (``geo.localtiles``); with a file and no other choice, ``local`` is the default.
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import xyzservices.providers as xyz
from xyzservices import TileProvider

DEFAULT_BASEMAP = "light"  # the built-in default; a deployment sets its own (default_basemap)
DEFAULT_ENV = "BEM_DEFAULT_BASEMAP"
LOCAL = "local"
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
    bounds: tuple[float, float, float, float] | None = None  # west, south, east, north: where tiles exist (a file's)
    min_zoom: int = 0

    def _url(self, provider: TileProvider | None, suffix: str, token: str | None) -> str | None:
        if provider is None:
            return None
        if self.key == LOCAL:  # a file's tiles: never through the mirror
            return provider.url
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
        if self.key == LOCAL:
            return ""
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


_FIXED: dict[str, Basemap] = {
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


def local_basemap() -> Basemap | None:
    """The ``local`` basemap of BEM_BASEMAP_FILE (None when none is set or the file is bad: ``config_problems``
    says why). Its name and attribution are the file's metadata."""
    from geo import localtiles

    try:
        mb = localtiles.configured_file()
    except localtiles.LocalTilesError:
        return None
    if mb is None:
        return None
    provider = TileProvider(
        name=mb.name,
        url=mb.template,
        attribution=mb.attribution,
        html_attribution=html.escape(mb.attribution),  # the file's text, never markup on the map
        max_zoom=mb.max_zoom,
    )
    return Basemap(LOCAL, provider, bounds=mb.bounds, min_zoom=mb.min_zoom)


class _Basemaps(Mapping[str, Basemap]):
    """Every basemap by key: the fixed ones, with ``local`` (before offline) while a good file is configured."""

    def _all(self) -> dict[str, Basemap]:
        local = local_basemap()
        if local is None:
            return _FIXED
        out = {k: v for k, v in _FIXED.items() if k != "offline"}
        return {**out, LOCAL: local, "offline": _FIXED["offline"]}

    def __getitem__(self, key: str) -> Basemap:
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __contains__(self, key: object) -> bool:
        return key in _FIXED or (key == LOCAL and local_basemap() is not None)


BASEMAPS: Mapping[str, Basemap] = _Basemaps()
#: every key a command line accepts (``local`` even without a file: it then says what is wrong)
ALL_KEYS: tuple[str, ...] = (*(k for k in _FIXED if k != "offline"), LOCAL, "offline")


class SettingError(ValueError):
    """A basemap setting of the deployment is wrong (BEM_DEFAULT_BASEMAP names no basemap): one line in both
    languages, ``message(lang)`` one of them."""

    def __init__(self, key: str, **kw: str):
        self.key, self.kw = key, kw
        super().__init__(f"{self.message('en')} / {self.message('zh')}")

    def message(self, lang: str) -> str:
        from geo import i18n

        return i18n.t(self.key, lang).format(**self.kw)


def default_basemap(configured: str | None = None) -> str:
    """The basemap a page opens with: ``configured`` (e.g. from Streamlit secrets), else BEM_DEFAULT_BASEMAP, else
    ``local`` when a good BEM_BASEMAP_FILE is set, else DEFAULT_BASEMAP. A choice that names no usable basemap
    is passed over (``config_problems`` reports it)."""
    for value in (configured, os.environ.get(DEFAULT_ENV)):
        value = (value or "").strip()
        if value in BASEMAPS:
            return value
    return LOCAL if LOCAL in BASEMAPS else DEFAULT_BASEMAP


def config_problems(configured: str | None = None) -> list[SettingError | Exception]:
    """What is wrong with the deployment's basemap settings (each with ``message(lang)``); logged once each."""
    from geo import localtiles

    problems: list[SettingError | Exception] = []
    try:
        localtiles.configured_file()
    except localtiles.LocalTilesError as exc:
        problems.append(exc)
    for value in (configured, os.environ.get(DEFAULT_ENV)):
        value = (value or "").strip()
        if value and value not in BASEMAPS:
            problems.append(
                SettingError("default_basemap_bad", var=DEFAULT_ENV, value=repr(value[:40]), known=", ".join(BASEMAPS))
            )
    for problem in problems:
        if str(problem) not in _logged:
            _logged.add(str(problem))
            logging.getLogger("beijing_exchange_map").warning("basemap setting: %s", problem)
    return problems


_logged: set[str] = set()


def normalize_basemap(value: str | None, default: str | None = None) -> str:
    """A known basemap key for a query value; unknown values fall back to the default (``default_basemap``)."""
    for candidate in (value, default):
        if candidate is not None and candidate in BASEMAPS:
            return candidate
    return default_basemap()


def get_basemap(key: str) -> Basemap:
    """The basemap ``key`` (falls back to the default for unknown keys)."""
    return BASEMAPS[normalize_basemap(key)]


def tianditu_key(secret: str | None = None) -> str | None:
    """The Tianditu key: an explicit value (e.g. from Streamlit secrets) or the environment."""
    return (secret or os.environ.get(TIANDITU_ENV) or "").strip() or None
