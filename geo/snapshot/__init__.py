"""The static renderer: print-grade PNG, SVG and PDF snapshots of a map view.

It reads the same style definitions (``geo.style``) as the interactive map, draws in
Web Mercator like the map, shifts overlays to GCJ-02 on Gaode basemaps like the map,
and adds cartographic furniture: title, legend of what is drawn, scale bar, north arrow,
attribution, date and source line, an inset of the core on city maps and a locator on
close-ups. The view fills the frame inside margins kept for the furniture; every venue
and Central Axis component drawn is labelled (beside its symbol, then with a leader line,
else by a number and a key: never dropped). PDF keeps selectable text; SVG is
self-contained (text as outlines unless ``Page.svg_text``).

The parts, one job each: ``layout`` (the page, computed once), ``layers`` (tiles and map layers),
``labels`` (pure label placement) and ``lettering`` (drawing them), ``furniture``, ``insets``, and
``compose`` (one page, in order).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from geo import i18n, safe  # noqa: E402
from geo.a11y_messages import describe  # noqa: E402
from geo.data import Layers  # noqa: E402
from geo.fonts import font_families  # noqa: E402
from geo.mapspec import MAX_PIXELS, Furniture, MapSpec, Page, SpecError, drawn_layers, extent_name, shown  # noqa: E402,F401
from geo.presets import FORMATS, PAPER_MM, PRESETS, SnapshotError, paper_size  # noqa: E402,F401 (re-exported)
from geo.views import VIEWS  # noqa: E402

from .compose import Drawn, draw  # noqa: E402,F401
from .furniture import make_legend as _make_legend  # noqa: E402,F401 (tests build a legend alone)
from .furniture import nice_length  # noqa: E402,F401
from .geometry import MERCATOR, fit_aspect, frame_extent, mercator_box, to_mercator  # noqa: E402,F401
from .ink import BACKGROUND, INK, Ink, label_of, latin, text_of, ui_lang  # noqa: E402,F401
from .labels import DIRECTIONS  # noqa: E402,F401
from .layers import PointRow, draw_layers  # noqa: E402,F401
from .layout import CLOSE_UP_DEG, Layout, fit_title  # noqa: E402,F401
from .lettering import LabelReport  # noqa: E402,F401


@dataclass
class Snapshot:
    """A rendered snapshot and what happened while rendering it."""

    data: bytes
    mime: str
    width_px: int
    height_px: int
    dpi: int
    basemap_ok: bool | None  # None: no basemap requested (offline)
    notes: list[str]
    transform: Callable[[float, float], tuple[float, float]]  # WGS-84 lon/lat -> pixel (x right, y down)
    labels: LabelReport | None = None


def write(layers: Layers, spec: MapSpec, fmt: str, progress=None) -> tuple[bytes, list[str]]:
    """PNG, SVG or PDF bytes of ``spec`` and the notes for the reader (a writer of geo.formats)."""
    snap = render(layers, spec, fmt, progress)
    return snap.data, snap.notes


def rc_for(fmt: str, lang: str, page: Page) -> dict:
    """matplotlib settings for a snapshot: the fonts, text kept as text in PDF (and SVG if asked)."""
    families = list(font_families())
    if lang == "en":  # Latin punctuation (’ “) from a Latin font, CJK glyphs still found by fallback
        families = ["DejaVu Sans", *[f for f in families if f != "DejaVu Sans"]]
    return {
        "font.family": families,
        "svg.fonttype": "none" if page.svg_text else "path",
        "pdf.fonttype": 42,
        "lines.scale_dashes": False,
        "axes.unicode_minus": False,
        "text.parse_math": False,
        "svg.hashsalt": "beijing-exchange-map",
    }


def render(layers: Layers, spec: MapSpec, fmt: str = "png", progress: Callable[[float, str], None] | None = None) -> Snapshot:
    """Render ``spec`` (filters, selection, ring, hidden and imported layers included) to PNG, SVG or PDF."""
    if fmt not in FORMATS:
        raise SnapshotError("err_format_unknown", fmt=fmt, formats="png, svg, pdf")
    try:
        spec = spec.validated()
    except SpecError as exc:
        raise SnapshotError(exc.key, **exc.fields) from None  # the spec's own catalogued words
    report = progress or (lambda _f, _m: None)
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # the subset has no bold: fine
    with plt.rc_context(rc_for(fmt, spec.labels, spec.page)):
        drawn = draw(layers, spec, fmt, report)
        report(0.9, "encode")
        buf = io.BytesIO()
        title = safe.mpl(spec.title or i18n.t("app_title", ui_lang(spec.labels)))
        alt = describe(layers, spec, f"{title} · {extent_name(spec, ui_lang(spec.labels))}")
        meta = {"Title": title, ALT_KEY[fmt]: alt, **({"Software": "Beijing Exchange Map"} if fmt == "png" else {})}
        drawn.fig.savefig(buf, format=fmt, dpi=spec.page.dpi, metadata=meta, facecolor=drawn.fig.get_facecolor())
    report(1.0, "done")
    page = spec.page
    return Snapshot(
        svg_titled(buf.getvalue(), title, alt) if fmt == "svg" else buf.getvalue(),
        FORMATS[fmt],
        page.width_px,
        page.height_px,
        page.dpi,
        drawn.basemap_ok,
        drawn.notes,
        drawn.transform,
        drawn.labels,
    )


#: where a picture's alt text goes: PNG's "Description" text chunk, PDF's Subject, SVG's Dublin Core description
ALT_KEY = {"png": "Description", "pdf": "Subject", "svg": "Description"}


def svg_titled(data: bytes, title: str, alt: str) -> bytes:
    """An SVG with its ``title`` and ``alt`` text as the root's <title> (matplotlib writes one from the
    metadata) and <desc>: what a screen reader (and a browser's tooltip) reads for the picture."""
    from html import escape

    head = data.index(b">", data.index(b"<svg")) + 1
    titled = data.find(b"</title>", head)
    if titled != -1 and not data[head : data.find(b"<title>", head)].strip():  # matplotlib's <title>, first
        head = titled + len(b"</title>")
        return data[:head] + f"\n <desc>{escape(alt)}</desc>".encode() + data[head:]
    return data[:head] + f"\n <title>{escape(title)}</title>\n <desc>{escape(alt)}</desc>".encode() + data[head:]


def view_spec(view: str, **kwargs) -> MapSpec:
    """A spec for a named view (``city``, ``core``, ``central-axis``...)."""
    if view not in VIEWS:
        raise SnapshotError("err_deck_view", view=view, views=", ".join(VIEWS))
    return replace(MapSpec(bbox=VIEWS[view].bbox, view=view), **kwargs)
