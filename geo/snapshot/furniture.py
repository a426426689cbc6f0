"""The cartographic furniture of a snapshot, one function per element: title, subtitle, legend, north arrow,
scale bar, attribution, source line and date (the footer) with the published-map line, the notes and the key of numbered
labels."""

from __future__ import annotations

import datetime as dt
import html
import math
import os
import re
from typing import TYPE_CHECKING

import matplotlib
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, Rectangle

from geo import basemaps, i18n, safe, style
from geo.mapspec import MapSpec, legend_rows

from .ink import BACKGROUND, INK, Ink, text_of, ui_lang, wrap

if TYPE_CHECKING:
    from .layout import Layout

NOTE_RED = "#B00020"


def draw_all(fig: Figure, ax, layout: Layout, spec: MapSpec, bm: basemaps.Basemap, ink: Ink, notes: list[str]) -> list:
    """Draw the furniture ``spec`` asks for; return its artists (labels keep out of them)."""
    f, lang = spec.furniture, spec.labels
    out: list = []
    y = 1 - layout.pad
    if layout.band:
        out.append(band(fig, layout))
    if layout.title:
        t = title(fig, layout, ink)
        out.append(t)
        y = t.get_window_extent(fig.canvas.get_renderer()).y0 / fig.bbox.height - 0.006
    if layout.subtitle:
        out.append(subtitle(fig, layout, ink, y))
    if f.legend and (layout.legend_keys or layout.ring):
        out.append(legend(fig, layout, lang, spec.extra_styles, bm))
    if f.north_arrow:
        out.extend(north_arrow(fig, layout, lang, ink))
    if f.scale_bar:
        out.extend(scale_bar(fig, ax, layout, ink, lang))
    out.extend(footer(fig, layout, footer_lines(spec, bm)))
    if notes:
        out.append(note_box(fig, layout, notes))
    return out


def band(fig: Figure, layout: Layout):
    """The title band: the top of the page, paper over the map, ruled off at the map frame's top, so the
    title and the subtitle (a venue page's quote) never stand on the map."""
    top = layout.map_frame[3]
    rect = Rectangle((0, top), 1, 1 - top, transform=fig.transFigure, facecolor=BACKGROUND, edgecolor="none", zorder=40)
    rule = Line2D([0, 1], [top, top], transform=fig.transFigure, color="#999999", linewidth=0.8 * layout.css_px, zorder=41)
    fig.patches.append(rect)
    fig.lines.append(rule)
    return rect


def title(fig: Figure, layout: Layout, ink: Ink):
    """The title, top left, as the layout typeset it."""
    return ink.text(
        fig,
        layout.pad,
        1 - layout.pad,
        layout.title,
        layout.title_pt,
        weight="bold",
        va="top",
        ha="left",
        zorder=50,
        linespacing=1.15,
    )


def subtitle(fig: Figure, layout: Layout, ink: Ink, y: float):
    """The subtitle under the title (``y``: the title's foot)."""
    return ink.text(
        fig,
        layout.pad,
        y,
        layout.subtitle,
        layout.base_pt * 1.25,
        va="top",
        ha="left",
        color="#333333",
        zorder=50,
        linespacing=1.3,
    )


# --- legend ------------------------------------------------------------------------------------------------


def legend(fig: Figure, layout: Layout, lang: str, extra: dict, bm: basemaps.Basemap):
    """The legend of the layers drawn, bottom right on the footer."""
    leg = make_legend(fig, list(layout.legend_keys), lang, layout.base_pt, layout.css_px, extra, bm, layout.ring, layout.variants)
    leg.set_bbox_to_anchor((1 - layout.pad / 2, layout.footer_h + layout.pad / 2), transform=fig.transFigure)
    leg.set_zorder(60)
    return leg


def _dashes(st: style.Stroke, css_px: float):
    return (0, tuple(float(d) * css_px for d in st.dash.split())) if st.dash else "solid"


def _handle(row: style.LegendRow, extra: dict | None, css_px: float, row_pt: float):
    """The symbol of one legend row, scaled to fit its row; a layer of several geometry kinds (a mixed import)
    gets a tuple of symbols, one per kind in its style (``style.for_kind``), drawn side by side."""
    s = style.get_style(row.key, extra)
    kinds = s.all_kinds()
    if len(kinds) > 1:
        return tuple(_symbol(style.for_kind(s, kind), None, css_px, row_pt) for kind in kinds)
    return _symbol(s, row.variant, css_px, row_pt)


def _symbol(s: style.LayerStyle, variant: str | None, css_px: float, row_pt: float):
    """A legend symbol of style ``s`` (its own kind)."""
    st = style.stroke(s, variant)
    if s.kind == "point":
        size = min(s.size * css_px * (1.1 if s.marker == "star" else 0.8), row_pt)
        return Line2D(
            [],
            [],
            linestyle="none",
            marker=style.MPL_MARKERS[s.marker or "circle"],
            markersize=size,
            markerfacecolor=s.fill_color,
            markeredgecolor=s.color,
            markeredgewidth=s.weight * css_px,
        )
    if s.kind == "line":
        return Line2D([], [], color=st.color, linewidth=min(st.weight * css_px, row_pt * 0.45), linestyle=_dashes(st, css_px))
    patch = Patch(
        edgecolor=st.color, linewidth=min(st.weight, 3) * css_px, linestyle=_dashes(st, css_px), fill=bool(st.fill_color)
    )
    if st.fill_color:
        patch.set_facecolor(matplotlib.colors.to_rgba(st.fill_color, st.fill_opacity))
    return patch


#: the legend's symbol of the "within N km" ring: an area in the ring's stroke and fill
RING_STYLE = style.LayerStyle(
    "ring",
    "selection",
    "",
    "",
    "polygon",
    style.RING.color,
    weight=style.RING.weight,
    fill_color=style.RING.fill_color,
    fill_opacity=style.RING.fill_opacity,
    dash=style.RING.dash,
)


def legend_handles(
    visible: list[str], lang: str, css_px: float, base_pt: float, extra: dict | None = None, variants: frozenset | None = None
):
    """matplotlib handles for ``style.legend_rows`` (the rows the live map's panel shows too), a variant row
    only where ``variants`` holds it (``mapspec.legend_rows``)."""
    rows = legend_rows(visible, extra, variants)
    row_pt = base_pt * 0.85 * 1.15
    return [_handle(row, extra, css_px, row_pt) for row in rows], [row.label(lang) for row in rows]


def make_legend(
    fig: Figure,
    visible: list[str],
    lang: str,
    base_pt: float,
    css_px: float,
    extra: dict | None,
    bm: basemaps.Basemap | None = None,
    ring: str | None = None,
    variants: frozenset | None = None,
):
    """A figure legend of ``visible`` (its variant rows: ``variants``), then the "within N km" ring's row
    (``ring``: its text) and the GCJ-02 note on a Gaode basemap."""
    handles, labels = legend_handles(visible, lang, css_px, base_pt, extra, variants)
    if ring:
        handles.append(_symbol(RING_STYLE, None, css_px, base_pt))
        labels.append(ring)
    if bm is not None and bm.datum == "gcj02":
        handles.append(Patch(visible=False))
        labels.append(text_of("gcj_note", lang))
    labels = [wrap(safe.mpl(label), 34 if lang != "en" else 46) for label in labels]
    several = any(isinstance(h, tuple) for h in handles)  # a layer of several kinds: its symbols side by side
    return fig.legend(
        handles,
        labels,
        handler_map={tuple: HandlerTuple(ndivide=None, pad=0.8)},
        loc="lower right",
        fontsize=base_pt * 0.85,
        title=text_of("legend", lang),
        title_fontsize=base_pt,
        frameon=True,
        framealpha=0.95,
        borderpad=0.6,
        labelspacing=0.45,
        handlelength=4.6 if several else 2.2,
        edgecolor="#999999",
    )


def legend_width(
    fig: Figure,
    visible: list[str],
    lang: str,
    base_pt: float,
    css_px: float,
    extra: dict,
    ring: str | None = None,
    variants: frozenset | None = None,
) -> float:
    """The legend's width in pixels (drawn, measured, removed)."""
    leg = make_legend(fig, visible, lang, base_pt, css_px, extra, ring=ring, variants=variants)
    width = leg.get_window_extent(fig.canvas.get_renderer()).width
    leg.remove()
    return width


# --- north arrow and scale bar -------------------------------------------------------------------------------


def north_arrow(fig: Figure, layout: Layout, lang: str, ink: Ink) -> list:
    """A north arrow, top right."""
    h = layout.base_pt * 3.2 / 72 * fig.dpi / fig.bbox.height
    w = h * fig.bbox.height / fig.bbox.width
    x, y = 1 - 0.03 - w / 2, 0.975 - h
    arrow = FancyArrow(
        x,
        y,
        0,
        h * 0.75,
        width=w * 0.18,
        head_width=w * 0.7,
        head_length=h * 0.45,
        length_includes_head=True,
        transform=fig.transFigure,
        color="#222222",
        zorder=60,
    )
    fig.patches.append(arrow)
    t = ink.text(
        fig,
        x,
        y - 0.004,
        i18n.t("snapshot_north", ui_lang(lang)),
        layout.base_pt,
        ha="center",
        va="top",
        weight="bold",
        zorder=60,
    )
    return [arrow, t]


def nice_length(max_m: float) -> float:
    """The largest 1/2/5 x 10^n metres not above ``max_m``."""
    exp = 10 ** math.floor(math.log10(max_m))
    return max(m * exp for m in (1, 2, 5) if m * exp <= max_m)


def scale_bar(fig: Figure, ax, layout: Layout, ink: Ink, lang: str) -> list:
    """A four-part scale bar bottom left, over the footer, true at the map's middle latitude."""
    minx, maxx = ax.get_xlim()
    miny, maxy = ax.get_ylim()
    lat = math.degrees(math.atan(math.sinh(((miny + maxy) / 2) / 6378137.0)))
    metres_per_unit = math.cos(math.radians(lat))  # Web Mercator stretches by 1/cos(lat)
    length_m = nice_length((maxx - minx) * metres_per_unit * 0.15)
    length_units = length_m / metres_per_unit
    x0 = minx + (maxx - minx) * 0.02
    y0 = miny + (maxy - miny) * max(0.03, layout.footer_h + layout.pad)
    bar_h = (maxy - miny) * 0.008
    out = []
    for i in range(4):
        patch = Rectangle(
            (x0 + i * length_units / 4, y0),
            length_units / 4,
            bar_h,
            facecolor="#222222" if i % 2 == 0 else "white",
            edgecolor="#222222",
            linewidth=0.6,
            zorder=60,
        )
        ax.add_patch(patch)
        out.append(patch)
    unit, n = ("snapshot_scale_km", length_m / 1000) if length_m >= 1000 else ("snapshot_scale_m", length_m)
    label = i18n.t(unit, ui_lang(lang)).format(n=f"{n:g}")
    for xx, txt in ((x0, "0"), (x0 + length_units, label)):
        out.append(ink.text(ax, xx, y0 + bar_h * 1.6, txt, layout.base_pt * 0.8, ha="center", va="bottom", zorder=60))
    return out


# --- footer: attribution, source line, date ---------------------------------------------------------------------


def attribution(bm: basemaps.Basemap, lang: str) -> list[str]:
    """The credits: the basemap's (as plain text), then the data's."""
    credits = [re.sub(r"<[^>]+>", "", html.unescape(bm.attribution))] if bm.attribution else []
    return [*credits, text_of("attribution_data", lang)]


def source_line(lang: str) -> str:
    """Where the plan's data come from."""
    return text_of("source_line", lang)


def date(today: dt.date | None) -> str:
    """The day the map shows (``today``, else the real one), ISO 8601."""
    return (today or dt.date.today()).isoformat()


REVIEW_ENV = "BEM_MAP_REVIEW"  # the deployment's published-map line (a root-level Streamlit secret becomes it too)
MAX_REVIEW = 200


def review_line(configured: str | None = None) -> str:
    """The published-map line (审图号 and data date): ``configured`` (a story's or an export's) when not None,
    else the deployment's ``BEM_MAP_REVIEW``; "" for none. One line of plain text, at most ``MAX_REVIEW`` long."""
    value = os.environ.get(REVIEW_ENV, "") if configured is None else configured
    return " ".join(safe.plain(value).split())[:MAX_REVIEW]


def footer_lines(spec: MapSpec, bm: basemaps.Basemap) -> list[str]:
    """The footer's lines, top first: the credits; the published-map line, the source line and the date (the
    published-map line leads the last line there is: the layout counts the lines)."""
    f, lang = spec.furniture, spec.labels
    credits = attribution(bm, lang) if f.attribution else []
    source = ([source_line(lang)] if f.source else []) + ([date(spec.today)] if f.date else [])
    review = review_line(f.review)
    if review:
        (source if source or not credits else credits).insert(0, safe.mpl(review))
    return [" · ".join(part) for part in (credits, source) if part]


def footer(fig: Figure, layout: Layout, lines: list[str]) -> list:
    """The footer, bottom right: one artist per line, no automatic wrapping (it breaks spacing)."""
    out, y = [], 0.006
    for line in reversed(lines):
        t = fig.text(
            1 - layout.pad / 2,
            y,
            line,
            fontsize=layout.base_pt * 0.7,
            ha="right",
            va="bottom",
            color="#333333",
            zorder=60,
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1.5},
        )
        out.append(t)
        y = t.get_window_extent(fig.canvas.get_renderer()).y1 / fig.bbox.height + 0.002
    return out


# --- notes and the key of numbered labels ------------------------------------------------------------------------


def note_box(fig: Figure, layout: Layout, notes: list[str]):
    """What the reader must know about this render (no tiles, no key...), in red under the title."""
    return fig.text(
        0.5,
        layout.top - 0.01,
        "\n".join(dict.fromkeys(notes)),
        fontsize=layout.base_pt,
        ha="center",
        va="top",
        color=NOTE_RED,
        zorder=70,
        bbox={"facecolor": "white", "alpha": 0.9, "edgecolor": NOTE_RED, "pad": 4},
    )


def label_key(fig: Figure, layout: Layout, numbered: list[tuple[int, str]], lang: str):
    """The numbered key for labels that could not sit on the map: top right, under the north arrow."""
    lines = [text_of("label_key", lang)] + [f"{n}  {safe.mpl(text).replace(chr(10), ' / ')}" for n, text in numbered]
    return fig.text(
        1 - layout.pad,
        layout.top - 0.07,
        "\n".join(lines),
        fontsize=layout.base_pt * 0.8,
        ha="right",
        va="top",
        multialignment="left",
        zorder=65,
        color=INK,
        linespacing=1.35,
        bbox={"facecolor": "white", "alpha": 0.95, "edgecolor": "#999999", "boxstyle": "round,pad=0.4"},
    )
