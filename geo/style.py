"""One style definition per layer, read by both renderers (folium map and snapshot).

Palette: Okabe & Ito (2008), safe for the common colour-vision deficiencies.
Visual hierarchy, strongest first: core > axes > areas > venues > context, carried
by line weight, fill opacity and draw order (``z``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

# Okabe-Ito colour-blind-safe palette
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#7A7A7A"
DARK_GREY = "#3A3A3A"

GROUPS: tuple[str, ...] = ("core", "axes", "areas", "venues", "imports", "context")


@dataclass(frozen=True)
class Variant:
    """A per-feature variation of a layer's style (e.g. an axis extension)."""

    label_zh: str
    label_en: str
    dash: str | None = None
    weight: float | None = None


@dataclass(frozen=True)
class LayerStyle:
    """How one layer looks and how the legend explains it."""

    key: str
    group: str
    label_zh: str
    label_en: str
    kind: str  # "polygon" | "line" | "point"
    color: str
    weight: float = 1.0
    fill_color: str | None = None
    fill_opacity: float = 0.0
    dash: str | None = None  # SVG dash array, e.g. "6 4"
    marker: str | None = None  # point symbol: circle, square, diamond, triangle, star
    size: int = 12  # point symbol size in CSS pixels
    z: int = 0  # draw order: higher draws on top
    show: bool = True
    variants: dict[str, Variant] = field(default_factory=dict)
    label_min_zoom: int = 8  # map labels may appear from this web-map zoom on, where they fit (snapshots alike)
    kinds: tuple[str, ...] = ()  # the geometry kinds the layer holds (an imported one may mix); () is (kind,)

    def label(self, lang: str) -> str:
        """The layer's name in ``lang`` ("zh" or "en")."""
        return self.label_zh if lang == "zh" else self.label_en

    def all_kinds(self) -> tuple[str, ...]:
        """The geometry kinds drawn (KIND_ORDER): ``kinds``, or the layer's one ``kind``."""
        return self.kinds or (self.kind,)


LAYERS: tuple[LayerStyle, ...] = (
    LayerStyle("boundary", "context", "北京市界", "Beijing municipal boundary", "polygon", DARK_GREY, weight=2.5, z=1),
    LayerStyle("districts", "context", "区界", "District boundaries", "polygon", GREY, weight=1.0, dash="3 3", z=2),
    LayerStyle(
        "core",
        "core",
        "一核：首都功能核心区",
        "One Core: capital-function core",
        "polygon",
        VERMILLION,
        weight=3.5,
        fill_color=VERMILLION,
        fill_opacity=0.22,
        z=3,
    ),
    LayerStyle(
        "areas",
        "areas",
        "多板块：国际交往重点地区（示意范围）",
        "Multiple Areas: key areas (indicative extent)",
        "polygon",
        GREEN,
        weight=2.0,
        fill_color=GREEN,
        fill_opacity=0.14,
        dash="6 4",
        z=4,
        label_min_zoom=11,
    ),
    LayerStyle(
        "axes",
        "axes",
        "两轴：中轴线与长安街",
        "Two Axes: Central Axis and Chang'an Avenue",
        "line",
        BLUE,
        weight=6.0,
        z=5,
        variants={
            "main": Variant("两轴：中轴线、长安街", "Two Axes: Central Axis, Chang'an Avenue"),
            "extension": Variant("两轴延长线", "Two Axes: extensions", dash="10 7", weight=4.0),
        },
    ),
    LayerStyle(
        "heritage",
        "venues",
        "北京中轴线世界遗产构成要素",
        "Beijing Central Axis: World Heritage components",
        "point",
        PURPLE,
        weight=1.0,
        fill_color=PURPLE,
        fill_opacity=1.0,
        marker="circle",
        size=10,
        z=6,
        label_min_zoom=13,
    ),
    LayerStyle(
        "diplomacy",
        "venues",
        "外交与国际会议场所",
        "Diplomatic and conference venues",
        "point",
        DARK_GREY,
        weight=1.0,
        fill_color=ORANGE,
        fill_opacity=1.0,
        marker="star",
        size=20,
        z=9,
    ),
    LayerStyle(
        "exhibition",
        "venues",
        "会展与论坛场所（“四大平台”等）",
        "Exhibition and forum venues (“Four Platforms”…)",
        "point",
        DARK_GREY,
        weight=1.0,
        fill_color=SKY_BLUE,
        fill_opacity=1.0,
        marker="square",
        size=13,
        z=8,
    ),
    LayerStyle(
        "culture",
        "venues",
        "文化交往新平台",
        "New cultural platforms",
        "point",
        DARK_GREY,
        weight=1.0,
        fill_color=YELLOW,
        fill_opacity=1.0,
        marker="diamond",
        size=16,
        z=8,
    ),
    LayerStyle(
        "aviation",
        "venues",
        "航空枢纽",
        "Aviation hubs",
        "point",
        BLACK,
        weight=1.0,
        fill_color=BLACK,
        fill_opacity=1.0,
        marker="triangle",
        size=16,
        z=7,
    ),
)

STYLES: dict[str, LayerStyle] = {s.key: s for s in LAYERS}
VENUE_CATEGORIES: tuple[str, ...] = tuple(s.key for s in LAYERS if s.group == "venues")


def get_style(key: str, extra: dict[str, LayerStyle] | None = None) -> LayerStyle:
    """Return the style of layer ``key`` (built-in, one of ``extra``: imported layers, or a change mark)."""
    if extra and key in extra:
        return extra[key]
    if key in MARK_STYLES:
        return MARK_STYLES[key]
    try:
        return STYLES[key]
    except KeyError:
        raise KeyError(f"no style for layer {key!r}; known: {', '.join(STYLES)}") from None


def ordered(keys: list[str] | tuple[str, ...], extra: dict[str, LayerStyle] | None = None) -> list[str]:
    """Sort layer keys by draw order, bottom first."""
    return sorted(keys, key=lambda k: get_style(k, extra).z)


LABEL_ZOOMS: tuple[int, ...] = tuple(sorted({s.label_min_zoom for s in LAYERS}))


def label_priority(s: LayerStyle) -> int:
    """Who keeps the better place when two labels collide, on the live map and in snapshots alike (higher
    wins): plan venues (by draw order), then Central Axis heritage components, then the One Core's name, then
    area names; an imported layer ranks by its draw order like a plan venue (its points draw on top)."""
    if s.key == "areas":
        return 1
    if s.key == "core":
        return 3
    if s.key == "heritage":
        return 5
    return 10 + s.z


def legend_order(keys: list[str] | tuple[str, ...], extra: dict[str, LayerStyle] | None = None) -> list[str]:
    """Sort layer keys as a reader meets them: core, axes, areas, venues, imports, context; strongest first."""
    return sorted(keys, key=lambda k: (_group_rank(get_style(k, extra).group), -get_style(k, extra).z))


def _group_rank(group: str) -> int:
    """A group's place in the legend; the change marks come after every layer."""
    return GROUPS.index(group) if group in GROUPS else len(GROUPS)


@dataclass(frozen=True)
class Stroke:
    """How a line or outline is drawn, in CSS pixels; both renderers read it."""

    color: str
    weight: float
    dash: str | None = None  # SVG dash array
    opacity: float = 0.95
    fill_color: str | None = None
    fill_opacity: float = 0.0


STATES = ("normal", "selected", "dimmed")


def stroke(s: LayerStyle, variant: str | None = None, state: str = "normal") -> Stroke:
    """The stroke of layer ``s`` for a feature of ``variant`` (e.g. an axis "extension") in ``state``."""
    v = s.variants.get(variant) if variant and s.variants else None
    dash = (v.dash if v else None) or s.dash
    weight = (v.weight if v and v.weight else None) or s.weight
    opacity, fill_opacity = 0.95, s.fill_opacity
    if state == "dimmed":
        opacity, fill_opacity = opacity * 0.35, fill_opacity * 0.35
    elif state == "selected":
        weight += 2
    return Stroke(s.color, weight, dash, opacity, s.fill_color or (s.color if s.kind == "polygon" else None), fill_opacity)


#: the highlight around a selected venue (a circle of SELECTION_RADIUS CSS px) and the "within N km" ring
SELECTION = Stroke(VERMILLION, 3.0, None, 1.0, None, 0.0)
SELECTION_RADIUS = 16
RING = Stroke(BLACK, 2.0, "4 4", 1.0, YELLOW, 0.12)

#: the key projects' changes (``geo.project_marks``), each an outline of its own shape and colour drawn around
#: the place's symbol (shape and colour both differ: readable without colour vision); legend keys ``mark_<kind>``
MARK_KINDS: tuple[str, ...] = ("new", "advanced", "delayed", "overdue")
_MARKS = (
    ("new", "新列入的重点项目", "New key project", BLUE, "circle", 26),
    ("advanced", "环节或状态推进", "Stage or status advanced", GREEN, "square", 24),
    ("delayed", "节点推迟", "Milestone delayed", ORANGE, "triangle", 36),
    ("overdue", "节点逾期未完成", "Milestone overdue", VERMILLION, "diamond", 32),
)
MARK_STYLES: dict[str, LayerStyle] = {
    f"mark_{kind}": LayerStyle(
        f"mark_{kind}", "marks", zh, en, "point", colour, weight=2.5, fill_color="none", marker=marker, size=size, z=40
    )
    for kind, zh, en, colour, marker, size in _MARKS
}


def mark_style(kind: str) -> LayerStyle:
    """The symbol of one kind of change."""
    return MARK_STYLES[f"mark_{kind}"]


def mark_rows(kinds: tuple[str, ...]) -> list[LegendRow]:
    """The legend's rows of the change marks drawn (``kinds``), in ``MARK_KINDS`` order."""
    return [legend_rows([f"mark_{k}"])[0] for k in MARK_KINDS if k in kinds]


@dataclass(frozen=True)
class LegendRow:
    """One row of a legend: a layer, or one variant of it (the axes' main line and extensions)."""

    key: str
    variant: str | None
    label_zh: str
    label_en: str
    kind: str

    def label(self, lang: str) -> str:
        """zh, en, or both ("中文 / English")."""
        if lang == "both":
            return f"{self.label_zh} / {self.label_en}"
        return self.label_zh if lang == "zh" else self.label_en


def legend_rows(keys: list[str] | tuple[str, ...], extra: dict[str, LayerStyle] | None = None) -> list[LegendRow]:
    """The legend of ``keys``, one row per symbol, in reading order (core first)."""
    rows: list[LegendRow] = []
    for key in legend_order(keys, extra):
        s = get_style(key, extra)
        if s.variants:
            rows.extend(LegendRow(key, vk, v.label_zh, v.label_en, s.kind) for vk, v in s.variants.items())
        else:
            rows.append(LegendRow(key, None, s.label_zh, s.label_en, s.kind))
    return rows


def with_names(gdf, imported: bool):
    """Imported features carry their name in ``_name``: give them name_zh/name_en like curated ones."""
    if imported and "_name" in gdf:
        return gdf.assign(name_zh=gdf["_name"].astype(str), name_en=gdf["_name"].astype(str))
    return gdf


def label_text(name_zh: str, name_en: str, lang: str) -> str:
    """A map label in zh, en or both (two lines)."""
    if lang == "both":
        return name_zh if name_zh == name_en else f"{name_zh}\n{name_en}"
    return name_en if lang == "en" else name_zh


IMPORT_COLOURS: tuple[str, ...] = (VERMILLION, BLUE, GREEN, PURPLE, ORANGE, SKY_BLUE, BLACK)
IMPORT_MARKERS: tuple[str, ...] = ("circle", "square", "diamond", "triangle", "star")
#: the colour of a workspace's sketches (and of the shapes the drawing tool draws)
SKETCH_COLOUR = "#7B3294"

#: geometry kinds, in the order a layer's legend symbols show them
KIND_ORDER: tuple[str, ...] = ("polygon", "line", "point")
_KIND_OF = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "LinearRing": "line",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
}


def kind_of(geom_type: str) -> str:
    """point, line or polygon for a GeoJSON/shapely geometry type (a collection draws as an area)."""
    return _KIND_OF.get(geom_type, "polygon")


def kinds_of(geom_types: Iterable[str]) -> tuple[str, ...]:
    """The geometry kinds among ``geom_types`` (e.g. ``gdf.geom_type``), in KIND_ORDER."""
    present = {kind_of(t) for t in geom_types if t}
    return tuple(k for k in KIND_ORDER if k in present)


def layer_colour(s: LayerStyle) -> str:
    """A layer's own colour: the fill of its point symbols, the stroke of its lines and areas."""
    return (s.fill_color or s.color) if s.kind == "point" else s.color


def for_kind(s: LayerStyle, kind: str) -> LayerStyle:
    """How layer ``s`` draws its features of geometry ``kind``: ``s`` for its own kind; for another (an imported
    layer mixing points, lines and areas) the imported style of that kind, in the layer's colour and symbol."""
    if kind == s.kind:
        return s
    shaped = imported_style(0, "", kind, layer_colour(s), s.marker or "circle")
    return replace(
        s,
        kind=kind,
        color=shaped.color,
        weight=shaped.weight,
        fill_color=shaped.fill_color,
        fill_opacity=shaped.fill_opacity,
        dash=None,
        marker=shaped.marker,
        size=shaped.size,
        variants={},
    )


def imported_style(index: int, name: str, kind: str, colour: str, marker: str, kinds: tuple[str, ...] = ()) -> LayerStyle:
    """The style of an imported layer: the planner picks the colour and symbol.

    Points sit above the venues (outlined symbols); lines and areas draw in the colour. ``kind`` is the layer's
    most common geometry, ``kinds`` every kind it holds (each drawn in the colour: ``for_kind``).
    """
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
        raise ValueError(f"colour must look like #RRGGBB, not {colour!r}")
    if marker not in IMPORT_MARKERS:
        raise ValueError(f"symbol must be one of {', '.join(IMPORT_MARKERS)}")
    common: dict = {
        "key": f"import-{index}",
        "group": "imports",
        "label_zh": f"导入：{name}",
        "label_en": f"Imported: {name}",
        "kind": kind,
        "label_min_zoom": 12,
        "marker": marker,  # also the symbol of the points a line or area layer holds
        "kinds": kinds if len(kinds) > 1 else (),
    }
    if kind == "point":
        return LayerStyle(**common, color=DARK_GREY, weight=1.0, fill_color=colour, fill_opacity=1.0, size=12, z=11)
    return LayerStyle(**common, color=colour, weight=2.5, fill_color=colour if kind == "polygon" else None, fill_opacity=0.2, z=6)


def marker_svg(style: LayerStyle) -> str:
    """An inline SVG of a point layer's symbol (used by the map and the legend)."""
    s = style.size
    h = s / 2
    fill, stroke, w = style.fill_color or style.color, style.color, style.weight
    shape = {
        "circle": f'<circle cx="{h}" cy="{h}" r="{h - w}"/>',
        "square": f'<rect x="{w}" y="{w}" width="{s - 2 * w}" height="{s - 2 * w}"/>',
        "diamond": f'<polygon points="{h},{w} {s - w},{h} {h},{s - w} {w},{h}"/>',
        "triangle": f'<polygon points="{h},{w} {s - w},{s - w} {w},{s - w}"/>',
        "star": f'<polygon points="{_star_points(h, h - w)}"/>',
    }[style.marker or "circle"]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{s}" height="{s}" viewBox="0 0 {s} {s}" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{w}">{shape}</svg>'
    )


def _star_points(centre: float, radius: float) -> str:
    import math

    pts = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.45
        a = -math.pi / 2 + i * math.pi / 5
        pts.append(f"{centre + r * math.cos(a):.2f},{centre + r * math.sin(a):.2f}")
    return " ".join(pts)


#: matplotlib marker codes for the same symbols, used by the snapshot renderer
MPL_MARKERS = {"circle": "o", "square": "s", "diamond": "D", "triangle": "^", "star": "*"}
