"""Named views (bounding boxes, WGS-84) shared by the app, snapshots and the command line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    key: str
    name_zh: str
    name_en: str
    bbox: tuple[float, float, float, float]  # minlon, minlat, maxlon, maxlat

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


VIEWS: dict[str, View] = {
    v.key: v
    for v in (
        View("city", "全市", "Whole city", (115.40, 39.42, 117.52, 41.07)),
        View("core", "一核（首都功能核心区）", "One Core", (116.31, 39.85, 116.46, 39.98)),
        View("central-axis", "中轴线", "Central Axis", (116.365, 39.862, 116.418, 39.950)),
        View("yanqi-lake", "雁栖湖", "Yanqi Lake", (116.62, 40.37, 116.73, 40.44)),
        View("airports", "两大机场", "The two airports", (116.25, 39.45, 116.75, 40.12)),
        View("east", "东部（CBD—使馆区—首都机场）", "The east (CBD, embassies, Capital airport)", (116.42, 39.88, 116.66, 40.10)),
    )
}


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """Parse ``minlon,minlat,maxlon,maxlat``; ValueError explains what is wrong."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise ValueError(f"bbox needs 4 numbers minlon,minlat,maxlon,maxlat; got {len(parts)}")
    try:
        minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"bbox values must be numbers: {text!r}") from None
    if not (-180 <= minlon < maxlon <= 180 and -85 <= minlat < maxlat <= 85):
        raise ValueError(f"bbox must be lon/lat degrees with min < max: {text!r}")
    return minlon, minlat, maxlon, maxlat
