"""One page composed: the layout first, then the basemap and the layers, the furniture, the insets and the
labels, in that order (each reads the layout; labels keep out of what was drawn before them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geo import basemaps
from geo.data import Layers
from geo.mapspec import MapSpec, in_view, shown, view_frames

from . import furniture as furn
from . import insets
from . import layout as page_layout
from .geometry import to_mercator
from .ink import BACKGROUND, Ink, text_of, ui_lang
from .layers import area_rows, draw_basemap, draw_layers, draw_marks, draw_selection, ring_rows
from .lettering import LabelReport, label_all

Report = Callable[[float, str], None]


@dataclass
class Drawn:
    """A composed page, before it is written."""

    fig: Figure
    basemap_ok: bool | None
    notes: list[str]
    transform: Callable[[float, float], tuple[float, float]]
    labels: LabelReport


def _basemap(spec: MapSpec, notes: list[str]) -> basemaps.Basemap:
    """The basemap drawn: one whose key is missing falls back to offline, with a note."""
    bm = basemaps.get_basemap(spec.basemap)
    if bm.available(spec.token):
        return bm
    notes.append(text_of("tianditu_needs_key", ui_lang(spec.labels)))
    return basemaps.BASEMAPS["offline"]


def _figure(spec: MapSpec):
    page = spec.page
    fig = Figure(figsize=(page.width_px / page.dpi, page.height_px / page.dpi), dpi=page.dpi)
    FigureCanvasAgg(fig)  # text extents for the layout and label placement
    fig.patch.set_facecolor(BACKGROUND)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_facecolor(BACKGROUND)
    return fig, ax


def _limits(ax, extent) -> None:
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])


def draw(layers: Layers, spec: MapSpec, fmt: str, report: Report) -> Drawn:
    """Draw ``spec`` on a new figure (for savefig, or a page of an atlas)."""
    result = shown(layers, spec)
    extra = spec.extra_styles
    frames = view_frames(layers, in_view(layers, spec, result))  # what the view holds, as every output has it
    ink = Ink(fmt, spec.page)
    notes: list[str] = []
    bm = _basemap(spec, notes)
    fig, ax = _figure(spec)
    lay = page_layout.compute(fig, layers, spec, result, bm)
    _limits(ax, lay.extent)
    basemap_ok = None
    if bm.provider is not None:
        report(0.1, "tiles")
        basemap_ok = draw_basemap(ax, bm, spec, lay, notes)
        _limits(ax, lay.extent)
    report(0.4, "layers")
    points = draw_layers(ax, layers, result, extra, frames, bm.datum, lay.css_px, spec.labels)
    points += area_rows(frames, bm.datum, spec.labels, lay.zoom)
    points += ring_rows(result, spec, lay.extent, bm.datum)
    draw_marks(ax, lay.marks, bm.datum, lay.css_px)
    draw_selection(ax, result, bm.datum, lay.css_px)
    _limits(ax, lay.extent)
    report(0.6, "furniture")
    drawn = furn.draw_all(fig, ax, lay, spec, bm, ink, notes)
    inset_ax = _insets(fig, ax, lay, layers, spec, result, frames, bm, drawn)
    report(0.7, "labels")
    labelled = label_all(fig, ax, inset_ax, points, drawn, lay, ink, spec.labels, spec.furniture.labels)
    return Drawn(fig, basemap_ok, notes, _transform(lay, bm.datum), labelled)


def _insets(
    fig: Figure,
    ax,
    lay: page_layout.Layout,
    layers: Layers,
    spec: MapSpec,
    result,
    frames: dict,
    bm: basemaps.Basemap,
    drawn: list,
):
    """The core inset (city maps) or the locator (close-ups); its window joins ``drawn``. Returns the inset's
    axes when its venues are labelled there, else None."""
    f = spec.furniture
    renderer = fig.canvas.get_renderer()
    if f.inset and not lay.close_up and insets.core_in(lay.content, layers, bm.datum):
        iax = insets.core_inset(fig, ax, lay, layers, result, spec.extra_styles, frames, bm.datum)
        drawn.append(iax.get_window_extent(renderer))
        return iax
    if f.locator and lay.close_up:
        drawn.append(insets.locator(fig, lay, layers, bm.datum).get_window_extent(renderer))
    return None


def _transform(lay: page_layout.Layout, display_datum: str) -> Callable[[float, float], tuple[float, float]]:
    """WGS-84 lon/lat -> pixel (x right, y down) on the page."""
    minx, miny, maxx, maxy = lay.extent

    def transform(lon: float, lat: float) -> tuple[float, float]:
        g = to_mercator(gpd.GeoDataFrame(geometry=gpd.points_from_xy([lon], [lat]), crs="EPSG:4326"), display_datum)
        x, y = g.geometry.x.iloc[0], g.geometry.y.iloc[0]
        return (x - minx) / (maxx - minx) * lay.width_px, (maxy - y) / (maxy - miny) * lay.height_px

    return transform
