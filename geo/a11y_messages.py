"""The words a screen reader says on the map and in exported pictures (geo/i18n.py merges them).

The map's controls that Leaflet and its plugins name in English ("Close popup", the Leaflet link's title,
the layer control's "Layers") get these names from ``geo.mapelements.Accessible`` (geo/static/page/map-a11y.js).
"""

from __future__ import annotations

A11Y_MESSAGES: dict[str, dict[str, str]] = {
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
