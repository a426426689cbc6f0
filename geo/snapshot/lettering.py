"""Labels drawn on a snapshot: the symbols and label sizes measured in pixels, placed by ``labels.place``
(pure), then drawn beside their symbols, on leader lines, or as numbers with a key."""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.figure import Figure

from . import labels
from .furniture import label_key
from .geometry import Box, as_box, flip
from .ink import Ink
from .layers import PointRow
from .layout import Layout


@dataclass
class LabelReport:
    """What happened to each label: beside its symbol, on a leader line, or numbered in the key."""

    placed: list[str]
    leadered: list[str]
    numbered: list[tuple[int, str]]
    boxes: list[tuple[float, float, float, float]]  # every label box, pixels (x0, y0, x1, y1), y down
    furniture: list[tuple[float, float, float, float]]  # title, legend, key, scale bar, insets... same units


def label_all(
    fig: Figure, ax, inset_ax, points: list[PointRow], furniture: list, layout: Layout, ink: Ink, lang: str, enabled: bool
) -> LabelReport:
    """Label every labelled point (``enabled``); on city maps what the inset enlarges is labelled there."""
    renderer = fig.canvas.get_renderer()
    avoid = _boxes(furniture, renderer)
    report = LabelReport([], [], [], [], [flip(b, layout.height_px) for b in avoid])
    if not enabled:
        return report
    rows = [r for r in points if r.label]
    inset_rows = _enlarged(inset_ax, rows)
    place_on(fig, ax, [r for r in rows if r not in inset_rows], points, layout.base_pt, ink, avoid, report)
    if inset_rows:  # the inset's labels keep out of the rest of the furniture, not of the inset itself
        frame = as_box(inset_ax.get_window_extent(renderer))
        place_on(fig, inset_ax, inset_rows, points, layout.base_pt * 0.85, ink, _outside(avoid, frame), report)
    if report.numbered:
        key = label_key(fig, layout, report.numbered, lang)
        report.furniture.append(flip(key.get_window_extent(renderer), layout.height_px))
    return report


def _boxes(furniture: list, renderer) -> list[Box]:
    """The display boxes of the furniture (artists, or boxes already)."""
    return [as_box(a if hasattr(a, "x0") else a.get_window_extent(renderer)) for a in furniture]


def _outside(boxes: list[Box], frame: Box) -> list[Box]:
    return [b for b in boxes if not labels.inside(b, frame)]


def _enlarged(inset_ax, rows: list[PointRow]) -> list[PointRow]:
    """The crowded venues inside the inset's limits (none without an inset)."""
    if inset_ax is None:
        return []
    x0, x1 = inset_ax.get_xlim()
    y0, y1 = inset_ax.get_ylim()
    return [r for r in rows if x0 <= r.x <= x1 and y0 <= r.y <= y1 and r.crowded]


def place_on(
    fig: Figure,
    ax,
    rows: list[PointRow],
    symbols: list[PointRow],
    font_pt: float,
    ink: Ink,
    obstacles: list[Box],
    report: LabelReport,
) -> None:
    """Label ``rows`` on ``ax``, clear of every symbol of ``symbols`` and of ``obstacles``; record in ``report``."""
    renderer = fig.canvas.get_renderer()
    px_per_pt = fig.dpi / 72
    sizes: dict[str, tuple[float, float]] = {}
    for row in rows:
        if row.label not in sizes:
            probe = ax.text(0, 0, row.label, fontsize=font_pt)
            bb = probe.get_window_extent(renderer)
            probe.remove()
            sizes[row.label] = (bb.width + 3 * px_per_pt, bb.height + 2 * px_per_pt)
    todo = {id(r) for r in rows}
    anchors = []
    for s in symbols:
        px, py = ax.transData.transform((s.x, s.y))
        anchors.append(
            labels.Anchor(px, py, s.radius_pt * px_per_pt, sizes[s.label] if id(s) in todo else None, s.priority, s.optional)
        )
    frame = as_box(ax.get_window_extent(renderer))
    for p in labels.place(
        anchors,
        frame,
        obstacles,
        gap=2.5 * px_per_pt,
        number_side=font_pt * 1.2 * px_per_pt,
        first_number=len(report.numbered) + 1,
    ):
        _draw(fig, ax, p, symbols[p.index].label, font_pt, ink, report)


def _draw(fig: Figure, ax, p: labels.Placement, text: str, font_pt: float, ink: Ink, report: LabelReport) -> None:
    """One placed label (or number), recorded in ``report``."""
    inv = ax.transData.inverted()
    box = p.box
    if p.how == labels.NUMBER:
        report.numbered.append((p.number, text))
        cx, cy = inv.transform(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2))
        ink.text(ax, cx, cy, str(p.number), font_pt * 0.85, ha="center", va="center", weight="bold", zorder=45)
        report.boxes.append(flip(box, fig.bbox.height))
        return
    px_per_pt = fig.dpi / 72
    (tx, ty), ha, va = _text_anchor(box, p.direction, px_per_pt)
    tx, ty = inv.transform((tx, ty))
    ink.text(ax, tx, ty, text, font_pt, ha=ha, va=va, multialignment="left", zorder=42)
    if p.leader:
        (x0, y0), (x1, y1) = inv.transform(p.leader[0]), inv.transform(p.leader[1])
        ax.plot([x0, x1], [y0, y1], color="#444444", linewidth=0.6 * px_per_pt * 72 / fig.dpi, zorder=41)
    (report.leadered if p.leader else report.placed).append(text)
    report.boxes.append(flip(box, fig.bbox.height))


def _text_anchor(box: Box, direction: tuple[int, int], px_per_pt: float) -> tuple[tuple[float, float], str, str]:
    """Where a label's text is anchored in its box, and its alignment: the side towards the symbol."""
    dx, dy = direction
    ha = "left" if dx > 0 else "right" if dx < 0 else "center"
    va = "bottom" if dy > 0 else "top" if dy < 0 else "center"
    x = box[0] + 1.5 * px_per_pt if dx > 0 else box[2] - 1.5 * px_per_pt if dx < 0 else (box[0] + box[2]) / 2
    y = box[1] + px_per_pt if dy > 0 else box[3] - px_per_pt if dy < 0 else (box[1] + box[3]) / 2
    return (x, y), ha, va
