"""Basemaps: tile sources from xyzservices, plus "offline" (no tiles at all)."""

from __future__ import annotations

from dataclasses import dataclass

import xyzservices.providers as xyz

DEFAULT_BASEMAP = "light"


@dataclass(frozen=True)
class Basemap:
    """A selectable basemap. ``provider`` is None for the offline (vector-only) map."""

    key: str
    provider: object | None  # xyzservices.TileProvider
    datum: str = "wgs84"  # datum the tiles are drawn in

    @property
    def url(self) -> str | None:
        return self.provider.build_url() if self.provider else None

    @property
    def attribution(self) -> str:
        return self.provider.html_attribution if self.provider else ""

    @property
    def max_zoom(self) -> int:
        return int(self.provider.get("max_zoom", 19)) if self.provider else 19


BASEMAPS: dict[str, Basemap] = {
    "light": Basemap("light", xyz.Esri.WorldGrayCanvas),
    "osm": Basemap("osm", xyz.OpenStreetMap.Mapnik),
    "satellite": Basemap("satellite", xyz.Esri.WorldImagery),
    "offline": Basemap("offline", None),
}


def normalize_basemap(value: str | None) -> str:
    """A known basemap key for a query value; unknown values fall back to the default."""
    return value if value in BASEMAPS else DEFAULT_BASEMAP


def get_basemap(key: str) -> Basemap:
    """The basemap ``key`` (falls back to the default for unknown keys)."""
    return BASEMAPS[normalize_basemap(key)]
