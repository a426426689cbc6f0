"""The words a screen reader says on the map and in exported pictures (geo/i18n.py merges them), and the
alternative text of an exported map: its title and the places it shows (:func:`describe`).

The map's controls that Leaflet and its plugins name in English ("Close popup", the Leaflet link's title,
the layer control's "Layers") get these names from ``geo.mapelements.Accessible`` (geo/static/page/map-a11y.js).
The same alt text goes into a PNG's "Description", an SVG's <desc>, a PDF's Subject, a slide picture's descr
and the standalone HTML map's label.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.data import Layers
    from geo.mapspec import MapSpec

A11Y_MESSAGES: dict[str, dict[str, str]] = {
    "a11y_keys": {
        "zh": "方向键平移，加号、减号缩放，Tab 键依次经过场所和地图控件。",
        "en": "Arrow keys pan, plus and minus zoom, Tab moves through the places and the map's controls.",
    },
    "a11y_map": {
        "zh": "交互地图：方向键平移，加号、减号缩放，Tab 键依次经过场所和地图控件",
        "en": "Interactive map: arrow keys pan, plus and minus zoom, Tab moves through the places and the map's controls",
    },
    "a11y_frame": {"zh": "交互地图", "en": "Interactive map"},
    "a11y_close_popup": {"zh": "关闭弹窗", "en": "Close the pop-up"},
    "a11y_minimap": {"zh": "鹰眼图（北京全市概览）", "en": "Overview map of Beijing"},
    "a11y_leaflet": {"zh": "Leaflet（交互地图程序库）", "en": "Leaflet (interactive map library)"},
    "a11y_place": {"zh": "地图上的场所", "en": "A place on the map"},
    "a11y_web_map": {"zh": "交互地图：{title}。图中场所：{places}", "en": "Interactive map: {title}. Places shown: {places}"},
    "a11y_web_map_none": {
        "zh": "交互地图：{title}。图中没有会议点名的场所。",
        "en": "Interactive map: {title}. No named place is shown.",
    },
}


def place_names(layers: Layers, spec: MapSpec, labels: str) -> list[str]:
    """The names (in ``labels``: zh, en or both) of the places ``spec``'s view shows, as every output draws them
    (``mapspec.in_view``)."""
    from geo import mapspec, style

    venues = mapspec.in_view(layers, spec).venues
    return [style.label_text(zh, en, labels).replace("\n", " / ") for zh, en in zip(venues["name_zh"], venues["name_en"])]


def describe(layers: Layers, spec: MapSpec, title: str, web: bool = False) -> str:
    """The alt text of ``spec``'s map titled ``title``: "Map: <title>. Places shown: <names>" in the language of
    its labels (``web``: the interactive map's words, in the page's language)."""
    from geo import i18n, safe

    labels = spec.lang if web else spec.labels
    lang = i18n.normalize_lang(labels)
    names = place_names(layers, spec, labels)
    key = "a11y_web_map" if web else "story_alt"
    if not names:
        return safe.plain(i18n.t(f"{key}_none", lang).format(title=title))
    sep = "、" if lang == "zh" else ", "
    return safe.plain(i18n.t(key, lang).format(title=title, places=sep.join(names)))
