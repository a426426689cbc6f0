"""Label placement, a pure function: no matplotlib, pixels in, positions out (unit-tested alone).

Each labelled anchor gets, in order of priority (higher first, ties in input order): a place beside its
symbol (eight directions), else one further out on a leader line (three rings), else a number beside it
and a line in the key. At most ``MAX_LEADERS`` labels get a leader line (the higher priority first): past
that (a crowded core at a small scale) a label that finds no place beside its symbol is numbered and
listed in the key, which reads where a tangle of lines would not. No label box overlaps another label, a symbol or an obstacle (the furniture);
nothing is dropped but an optional label (an area name) where it does not fit. Coordinates are pixels
with y up (matplotlib's display coordinates), boxes (x0, y0, x1, y1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Box = tuple[float, float, float, float]
Point = tuple[float, float]

#: candidate directions around a symbol, in order of preference (right, left, above, below, diagonals)
DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))
#: rings tried beside a symbol: (distance beyond the gap in label heights, drawn with a leader line)
RINGS = ((0.0, False), (1.6, True), (3.2, True), (5.0, True))
BESIDE, LEADER, NUMBER = "beside", "leader", "number"
#: the most leader lines one placement draws; past that, labels that need one are numbered in the key
MAX_LEADERS = 6


@dataclass(frozen=True)
class Anchor:
    """A symbol on the map, maybe with a label to place."""

    x: float
    y: float
    radius: float = 0.0  # half the symbol's size: labels keep clear of it (a bare point: 0)
    size: tuple[float, float] | None = None  # the label's box (width, height); None: a symbol to avoid only
    priority: int = 0
    optional: bool = False  # may be left out where it does not fit, and is centred on its point


@dataclass(frozen=True)
class Placement:
    """Where one anchor's label goes."""

    index: int  # the anchor's index
    how: str  # BESIDE, LEADER or NUMBER
    box: Box
    direction: tuple[int, int]  # (dx, dy) from the symbol; (0, 0) centred
    number: int | None = None  # NUMBER: its number in the key
    leader: tuple[Point, Point] | None = None  # LEADER: from the symbol's edge to the label's box


def overlap(a: Box, b: Box) -> bool:
    """The two boxes share some area (touching is not overlapping)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(a: Box, frame: Box) -> bool:
    return a[0] >= frame[0] and a[1] >= frame[1] and a[2] <= frame[2] and a[3] <= frame[3]


def candidate(px: float, py: float, dx: int, dy: int, dist: float, w: float, h: float) -> Box:
    """The box of a label ``w`` x ``h`` in direction (dx, dy) at ``dist`` from (px, py)."""
    d = dist / (math.sqrt(2) if dx and dy else 1)
    cx = px + dx * d + (w / 2 if dx > 0 else -w / 2 if dx < 0 else 0)
    cy = py + dy * d + (h / 2 if dy > 0 else -h / 2 if dy < 0 else 0)
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _in_frame(a: Anchor, frame: Box) -> bool:
    return frame[0] <= a.x <= frame[2] and frame[1] <= a.y <= frame[3]


class _Board:
    """What is taken so far: obstacles, placed labels and numbers; and the symbols inside the frame."""

    def __init__(self, anchors: Sequence[Anchor], frame: Box, obstacles: Sequence[Box]):
        self.frame = frame
        self.taken = list(obstacles)
        self.symbols = [
            (i, (a.x - a.radius, a.y - a.radius, a.x + a.radius, a.y + a.radius))
            for i, a in enumerate(anchors)
            if _in_frame(a, frame)
        ]

    def free(self, box: Box, own: int | None = None) -> bool:
        """``box`` lies in the frame, clear of what is taken and of every symbol but ``own``."""
        return (
            inside(box, self.frame)
            and not any(overlap(box, t) for t in self.taken)
            and not any(overlap(box, s) for i, s in self.symbols if i != own)
        )


def _beside(i: int, a: Anchor, board: _Board, gap: float, leaders: bool = True) -> Placement | None:
    """The first free place around the symbol, nearest ring first (the nearest needs no leader; no leader
    at all unless ``leaders``)."""
    w, h = a.size
    for ring, leader in RINGS if leaders and not a.optional else RINGS[:1]:
        dist = a.radius + gap + ring * h
        for dx, dy in ((0, 0),) if a.optional else DIRECTIONS:
            box = candidate(a.x, a.y, dx, dy, dist, w, h)
            if board.free(box, own=i):
                line = _leader(a, box, dx, dy) if leader else None
                return Placement(i, LEADER if leader else BESIDE, box, (dx, dy), leader=line)
    return None


def _leader(a: Anchor, box: Box, dx: int, dy: int) -> tuple[Point, Point]:
    """From the symbol's edge towards the label, to the nearest point of its box."""
    ex = min(max(a.x, box[0]), box[2])
    ey = min(max(a.y, box[1]), box[3])
    return (a.x + dx * a.radius, a.y + dy * a.radius), (ex, ey)


def _numbered(i: int, a: Anchor, board: _Board, side: float, number: int) -> Placement:
    """A number ``side`` square beside the symbol, clear of what is taken (symbols may be under it); else on
    its own symbol."""
    r = a.radius
    for dist in (r + 1, r + side, r + 2 * side):
        for dx, dy in DIRECTIONS:
            box = candidate(a.x, a.y, dx, dy, dist, side, side)
            if inside(box, board.frame) and not any(overlap(box, t) for t in board.taken):
                return Placement(i, NUMBER, box, (dx, dy), number=number)
    return Placement(i, NUMBER, (a.x - side / 2, a.y - side / 2, a.x + side / 2, a.y + side / 2), (0, 0), number=number)


def place(
    anchors: Sequence[Anchor],
    frame: Box,
    obstacles: Sequence[Box] = (),
    gap: float = 0.0,
    number_side: float = 12.0,
    first_number: int = 1,
    max_leaders: int = MAX_LEADERS,
) -> list[Placement]:
    """Place the label of every anchor with a ``size`` whose point lies in ``frame``.

    ``obstacles``: boxes no label may overlap (the furniture); ``gap``: between a symbol and its label;
    ``number_side``: the size of a number's square, numbered from ``first_number``; ``max_leaders``: the
    most leader lines drawn (then a label with no place beside its symbol is numbered). Returns the
    placements in the order they were decided (priority order), the way they should be drawn. An optional
    anchor that does not fit, and anchors outside the frame, get none.
    """
    board = _Board(anchors, frame, obstacles)
    labelled = [i for i, a in enumerate(anchors) if a.size is not None]
    out: list[Placement] = []
    number, leaders = first_number, max_leaders
    for i in sorted(labelled, key=lambda k: -anchors[k].priority):
        a = anchors[i]
        if not _in_frame(a, frame):
            continue
        placed = _beside(i, a, board, gap, leaders > 0)
        if placed is None and a.optional:
            continue
        if placed is None:
            placed = _numbered(i, a, board, number_side, number)
            number += 1
        leaders -= placed.how == LEADER
        board.taken.append(placed.box)
        out.append(placed)
    return out
