"""The page layout of a snapshot, computed once: sizes, the title band, the footer, the legend's column and
the map's extent. Every other part reads the frozen :class:`Layout`; nothing recomputes it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.figure import Figure

from geo import basemaps, project_marks, safe, tiles
from geo.data import Layers
from geo.mapspec import MapSpec, Page, Shown, drawn_layers, in_view, page_frame, present_variants, ring_legend

from .furniture import legend_width, review_line
from .geometry import Box, frame_extent, mercator_box
from .ink import text_of, wrap

#: the page's margin, a fraction of its width (sides) or height (top, bottom)
PAD = 0.014
#: views narrower than this (degrees of longitude) are close-ups and get a locator; wider ones the core inset
CLOSE_UP_DEG = 0.6


@dataclass(frozen=True)
class Layout:
    """Where everything goes on one page. Fractions are of the figure (0 bottom/left, 1 top/right)."""

    width_px: int
    height_px: int
    css_px: float  # one CSS pixel of the web map, in points: paper keeps physical sizes, slides scale with width
    base_pt: float  # the body text size
    px_per_pt: float
    title: str  # as typeset: maybe shrunk, maybe two lines ("" for none)
    title_pt: float
    subtitle: str | None  # wrapped to the page's width
    top: float  # the map's safe area ends under the title band
    bottom: float  # ... and starts over the footer
    footer_h: float  # the footer's height (the legend and the scale bar stand on it)
    content: Box  # what was asked for, Mercator in the basemap's datum
    extent: Box  # the map's limits: the whole page
    close_up: bool  # a close-up (locator) rather than a city map (core inset)
    zoom: float  # the web map's zoom at this scale (label thresholds)
    legend_keys: tuple[str, ...]  # the layers the legend lists (drawn inside the extent)
    ring: str | None = None  # the legend's row of the "within N km" ring (None: no ring)
    variants: frozenset | None = None  # the variant rows the legend lists (``mapspec.present_variants``)
    marks: tuple = ()  # the key projects' change marks in the view (``geo.project_marks.in_view``)

    @property
    def pad(self) -> float:
        return PAD

    @property
    def band(self) -> bool:
        """The page has a title band of its own (a title or a subtitle): the map stands under it."""
        return bool(self.title or self.subtitle)

    @property
    def map_frame(self) -> Box:
        """The map's frame, figure fractions (x0, y0, x1, y1): the page under the title band, if any."""
        return (0.0, 0.0, 1.0, self.top if self.band else 1.0)


def page_scale(page: Page) -> tuple[float, float, float]:
    """(css_px, base_pt, px_per_pt) of ``page``."""
    css_px = max(1.0, page.width_px / 1600) * 72 / page.dpi if page.dpi <= 160 else 72 / 96
    return css_px, 11 * css_px, page.dpi / 72


def compute(fig: Figure, layers: Layers, spec: MapSpec, result: Shown, bm: basemaps.Basemap) -> Layout:
    """The layout of ``spec`` on ``fig`` (text is measured on its canvas)."""
    page = spec.page
    css_px, base_pt, px_per_pt = page_scale(page)
    title, title_pt, subtitle, top = _title_band(fig, spec, page, base_pt, px_per_pt)
    lines = footer_lines(spec)
    bottom = PAD + (lines * base_pt * 0.7 * 1.45 * px_per_pt / page.height_px if lines else 0)
    footer_h = lines * base_pt * 0.7 * 1.45 / 72 * fig.dpi / fig.bbox.height + (0.006 if lines else 0)
    content = mercator_box(spec.bbox, bm.datum)
    ring = ring_legend(layers, spec, spec.labels) if result.ring is not None else None
    view = in_view(layers, spec, result)  # what the view holds (its frame is the page's: mapspec.in_view)
    variants = present_variants(view.features)  # the legend's variant rows: no extensions row where none is drawn
    marks = tuple(project_marks.in_view(layers, spec, view))
    mark_keys = tuple(f"mark_{k}" for k in project_marks.present(list(marks)))  # rows after the layers'
    legend_w = _legend_column(fig, layers, spec, result, bm, content, base_pt, css_px, ring, variants, mark_keys)
    extent = _extent(content, page, (PAD, bottom + PAD, 1 - PAD, top), legend_w)
    extent = cover(extent, mercator_box(page_frame(spec), bm.datum))
    legend_keys = (*view.drawn, *mark_keys)  # the view's layers: what is drawn (mapspec.in_view); its marks
    css_width = page.width_px * 72 / page.dpi / css_px
    zoom = math.log2(2 * tiles.ORIGIN * css_width / (256 * (extent[2] - extent[0])))
    return Layout(
        page.width_px,
        page.height_px,
        css_px,
        base_pt,
        px_per_pt,
        title,
        title_pt,
        subtitle,
        top,
        bottom,
        footer_h,
        content,
        extent,
        spec.bbox[2] - spec.bbox[0] < CLOSE_UP_DEG,
        zoom,
        tuple(legend_keys),
        ring,
        variants,
        marks,
    )


def footer_lines(spec: MapSpec) -> int:
    """Lines under the map: the attribution, then the source line and date (the published-map line, when set,
    leads the last of them: a line of its own only when all three are off; ``furniture.footer_lines``)."""
    f = spec.furniture
    return int(f.attribution) + int(bool(f.source or f.date or (not f.attribution and review_line(f.review))))


def _title_band(fig: Figure, spec: MapSpec, page: Page, base_pt: float, px_per_pt: float) -> tuple[str, float, str | None, float]:
    """(title, its size, subtitle, top of the map's safe area): the title fits beside the north arrow."""
    title = safe.mpl(spec.title) if spec.title is not None else text_of("app_title", spec.labels)
    title_pt, sub_pt = base_pt * 2.0, base_pt * 1.25
    top = 1 - PAD
    subtitle = safe.mpl(spec.subtitle) if spec.subtitle else spec.subtitle  # measured as drawn
    if subtitle:  # typeset to the page's width (about half an em per unit of wrap's width)
        units = int(page.width_px * (1 - 2 * PAD) / (sub_pt * px_per_pt * 0.52))
        subtitle = "\n".join(wrap(line, units) for line in subtitle.split("\n"))
    if title:  # a smaller size, then two lines
        title, title_pt = fit_title(fig, title, title_pt, page.width_px * (1 - 3 * PAD) - base_pt * 4 * px_per_pt)
    if title or subtitle:
        n_sub = subtitle.count("\n") + 1 if subtitle else 0
        n_title = title.count("\n") + 1 if title else 0
        top -= (title_pt * 1.3 * n_title + sub_pt * 1.45 * n_sub) * px_per_pt / page.height_px + PAD
    return title, title_pt, subtitle, top


def _legend_column(
    fig: Figure,
    layers: Layers,
    spec: MapSpec,
    result: Shown,
    bm: basemaps.Basemap,
    content: Box,
    base_pt: float,
    css_px: float,
    ring: str | None = None,
    variants: frozenset | None = None,
    mark_keys: tuple[str, ...] = (),
) -> float:
    """The width (page fraction) the legend would take as a column on the right, 0 for no legend."""
    if not spec.furniture.legend:
        return 0.0
    keys = [*drawn_layers(layers, spec, result), *mark_keys]
    if not keys and not ring:
        return 0.0
    width = legend_width(fig, keys, spec.labels, base_pt, css_px, spec.extra_styles, ring, variants)
    return width / spec.page.width_px + PAD


def _extent(content: Box, page: Page, free: Box, legend_w: float) -> Box:
    """The map's limits: ``content`` as large as it fits in ``free``; the legend gets its own column where
    that costs (almost) nothing in scale."""
    size = (page.width_px, page.height_px)
    extent = frame_extent(content, size, free)
    if not legend_w:
        return extent
    with_legend = frame_extent(content, size, (free[0], free[1], free[2] - legend_w, free[3]))
    return with_legend if (with_legend[2] - with_legend[0]) <= (extent[2] - extent[0]) * 1.12 else extent


def cover(extent: Box, frame: Box) -> Box:
    """``extent`` moved (never scaled) the least that puts all of ``frame`` on the page: the frame is the view at
    the page's shape (``mapspec.page_frame``), whose features the picture draws and every export writes, so none
    of them may fall off the page (the title band or a legend column pushed the view aside). The page is never
    smaller than the frame: it holds the view in a part of itself and has the frame's shape."""
    shift = []
    for lo, hi in ((0, 2), (1, 3)):
        if frame[lo] < extent[lo]:
            shift.append(frame[lo] - extent[lo])
        elif frame[hi] > extent[hi]:
            shift.append(frame[hi] - extent[hi])
        else:
            shift.append(0.0)
    dx, dy = shift
    return extent[0] + dx, extent[1] + dy, extent[2] + dx, extent[3] + dy


def fit_title(fig: Figure, title: str, size: float, max_px: float) -> tuple[str, float]:
    """Shrink the title to fit ``max_px`` (down to 70 %), then break it in two (at " / " or the middle)."""
    renderer = fig.canvas.get_renderer()

    def width(text: str, pt: float) -> float:
        probe = fig.text(0, 0, text, fontsize=pt, weight="bold")
        w = probe.get_window_extent(renderer).width
        probe.remove()
        return w

    full = width(title, size)
    if full <= max_px:
        return title, size
    if full * 0.7 <= max_px:
        return title, size * max_px / full
    two = _two_lines(title)
    longest = max(width(line, size) for line in two.split("\n"))
    return two, size * min(1.0, max_px / longest)


def _two_lines(title: str) -> str:
    """The title broken in two: after " / ", else between the middle words, else in the middle."""
    if " / " in title:
        head, tail = title.split(" / ", 1)
        return f"{head} /\n{tail}"
    words = title.split(" ")
    half = len(words) // 2 if len(words) > 1 else None
    if half:
        return " ".join(words[:half]) + "\n" + " ".join(words[half:])
    return title[: len(title) // 2] + "\n" + title[len(title) // 2 :]
