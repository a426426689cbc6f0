"""Insets: on city maps an enlarged inset of the core and the Central Axis; on close-ups a locator map."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from geo import style
from geo.data import Layers
from geo.mapspec import Shown
from geo.views import VIEWS

from .geometry import Box, fit_aspect, mercator_box, to_mercator
from .ink import BACKGROUND
from .layers import draw_layers, draw_selection
from .layout import Layout


def core_in(content: Box, layers: Layers, display_datum: str) -> bool:
    """The core lies inside the view (a city-wide map)."""
    core = to_mercator(layers.core, display_datum).total_bounds
    return content[0] <= core[0] and content[2] >= core[2] and content[1] <= core[1] and content[3] >= core[3]


def _framed_axes(fig: Figure, rect: Box, facecolor: str, edgecolor: str, linewidth: float | None = None):
    """Axes for an inset: no ticks, framed, over the map."""
    iax = fig.add_axes(rect)
    iax.set_xticks([])
    iax.set_yticks([])
    iax.set_facecolor(facecolor)
    for spine in iax.spines.values():
        spine.set_edgecolor(edgecolor)
        if linewidth is not None:
            spine.set_linewidth(linewidth)
    iax.set_zorder(55)
    return iax


def _limits(iax, ext: Box) -> None:
    iax.set_xlim(ext[0], ext[2])
    iax.set_ylim(ext[1], ext[3])
    iax.set_xlabel("")
    iax.set_ylabel("")


def core_inset(fig: Figure, ax, layout: Layout, layers: Layers, result: Shown, extra: dict, frames: dict, display_datum: str):
    """City maps: an enlarged inset of the core and the Central Axis, framed, with its area marked on the map.
    Returns the inset's axes (the venues it enlarges are labelled there)."""
    page_w, page_h = fig.bbox.width, fig.bbox.height
    side = min(0.30 * page_w, 0.42 * page_h)
    w, h = side / page_w, side / page_h
    css_px = layout.css_px
    iax = _framed_axes(fig, (layout.pad, layout.bottom + layout.pad + 0.07, w, h), BACKGROUND, "#333333", 1.2 * css_px)
    ext = fit_aspect(mercator_box(VIEWS["core"].bbox, display_datum), 1.0)
    grow = (ext[2] - ext[0]) * 0.06  # room for the labels of venues on the core's edge (Diaoyutai)
    ext = (ext[0] - grow, ext[1] - grow, ext[2] + grow, ext[3] + grow)
    draw_layers(iax, layers, result, extra, frames, display_datum, css_px, "zh", scale=0.8)
    draw_selection(iax, result, display_datum, css_px)
    _limits(iax, ext)
    ax.add_patch(
        Rectangle(
            (ext[0], ext[1]), ext[2] - ext[0], ext[3] - ext[1], fill=False, edgecolor="#333333", linewidth=1.2 * css_px, zorder=50
        )
    )
    return iax


def locator(fig: Figure, layout: Layout, layers: Layers, display_datum: str):
    """Close-ups: a small map of the municipality with this map's frame marked. Returns its axes."""
    page_w, page_h = fig.bbox.width, fig.bbox.height
    side = min(0.16 * page_w, 0.24 * page_h)
    w, h = side / page_w, side / page_h
    lax = _framed_axes(fig, (layout.pad, layout.top - h - layout.pad, w, h), "white", "#666666")
    boundary = to_mercator(layers.boundary, display_datum)
    boundary.plot(ax=lax, color="#eeeeee", edgecolor="#3a3a3a", linewidth=0.6 * layout.css_px)
    to_mercator(layers.core, display_datum).plot(ax=lax, color=style.VERMILLION, alpha=0.5, linewidth=0)
    _limits(lax, fit_aspect(tuple(boundary.total_bounds), 1.0))
    x0, y0, x1, y1 = layout.extent
    lax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="#B00020", linewidth=1.4 * layout.css_px))
    return lax
