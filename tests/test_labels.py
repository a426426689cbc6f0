"""Label placement as a pure function (geo/snapshot/labels.py): pixels in, positions out, no figure.

Every label in the frame is placed (beside, on a leader line, or numbered), none overlaps another label, a
symbol or the furniture, and the higher priority gets the better place."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.snapshot import labels
from geo.snapshot.labels import BESIDE, LEADER, NUMBER, Anchor, overlap, place

FRAME = (0.0, 0.0, 400.0, 300.0)


def symbol_box(a: Anchor) -> tuple[float, float, float, float]:
    return (a.x - a.radius, a.y - a.radius, a.x + a.radius, a.y + a.radius)


@st.composite
def scenes(draw):
    """A crowded map: up to 25 anchors (some unlabelled symbols, some optional area names), a few obstacles."""
    n = draw(st.integers(1, 25))
    anchors = []
    for _ in range(n):
        x = draw(st.floats(-20, 420, allow_nan=False))
        y = draw(st.floats(-20, 320, allow_nan=False))
        labelled = draw(st.booleans()) or not anchors
        size = (draw(st.floats(5, 160)), draw(st.floats(5, 40))) if labelled else None
        anchors.append(
            Anchor(
                x, y, draw(st.floats(0, 8)), size, draw(st.integers(0, 30)), optional=labelled and draw(st.integers(0, 4)) == 0
            )
        )
    obstacles = [
        (x, y, x + w, y + h)
        for x, y, w, h in draw(
            st.lists(st.tuples(st.floats(0, 380), st.floats(0, 280), st.floats(10, 120), st.floats(10, 80)), max_size=3)
        )
    ]
    return anchors, obstacles


@settings(max_examples=300, deadline=None)
@given(scenes())
def test_no_label_overlaps_a_label_a_symbol_or_the_furniture(scene):
    anchors, obstacles = scene
    out = place(anchors, FRAME, obstacles, gap=3, number_side=14)
    written = [p for p in out if p.how in (BESIDE, LEADER)]
    for i, p in enumerate(written):
        assert labels.inside(p.box, FRAME)
        assert p.box[2] - p.box[0] == pytest.approx(anchors[p.index].size[0])
        for q in written[i + 1 :]:
            assert not overlap(p.box, q.box), (p, q)
        for o in obstacles:
            assert not overlap(p.box, o), (p, o)
        for j, a in enumerate(anchors):
            if j != p.index and labels.inside((a.x, a.y, a.x, a.y), FRAME):
                assert not overlap(p.box, symbol_box(a)), (p, a)
    # a number keeps clear of the labels, the furniture and the other numbers placed beside their symbols; the
    # last resort, a number on its own symbol (no room anywhere), is exempt both ways: it marks its symbol even
    # when an earlier number already sits there (hypothesis found 25 symbols stacked on one corner)
    beside = [q for q in out if not (q.how == NUMBER and q.direction == (0, 0))]
    for p in out:
        if p.how == NUMBER and p.direction != (0, 0):
            assert labels.inside(p.box, FRAME)
            assert not any(overlap(p.box, o) for o in obstacles)
            assert not any(overlap(p.box, q.box) for q in beside if q is not p)


@settings(max_examples=300, deadline=None)
@given(scenes())
def test_every_label_in_the_frame_is_placed_once_and_only_area_names_may_be_left_out(scene):
    anchors, obstacles = scene
    out = place(anchors, FRAME, obstacles, gap=3, number_side=14, first_number=4)
    placed = [p.index for p in out]
    assert len(placed) == len(set(placed))
    for i, a in enumerate(anchors):
        in_frame = labels.inside((a.x, a.y, a.x, a.y), FRAME)
        if a.size is None or not in_frame:
            assert i not in placed
        elif not a.optional:
            assert i in placed, f"label {i} was dropped"
    numbers = [p.number for p in out if p.how == NUMBER]
    assert numbers == list(range(4, 4 + len(numbers)))  # counted on from first_number, in placing order
    assert all(anchors[p.index].optional is False for p in out if p.how == NUMBER)  # an area name is never numbered
    priorities = [anchors[p.index].priority for p in out]
    assert priorities == sorted(priorities, reverse=True)  # decided (and drawn) in priority order


def test_the_higher_priority_gets_the_preferred_place_whatever_the_input_order():
    """Two labels for one spot: the preferred place (right of the symbol) goes to the higher priority."""
    a = Anchor(200, 150, 4, (60, 12), priority=5)
    b = Anchor(200, 150, 4, (60, 12), priority=19)
    for anchors, high in (([a, b], 1), ([b, a], 0)):
        out = {p.index: p for p in place(anchors, FRAME, gap=2)}
        assert out[high].direction == (1, 0) and out[high].how == BESIDE
        assert out[1 - high].direction == (-1, 0) and out[1 - high].how == BESIDE


def test_a_blocked_neighbourhood_sends_the_label_out_on_a_leader_line():
    a = Anchor(200, 150, 4, (40, 10), priority=1)
    near = (200 - 60, 150 - 25, 200 + 60, 150 + 25)  # furniture over every first-ring place
    (p,) = place([a], FRAME, [near], gap=2)
    assert p.how == LEADER and not overlap(p.box, near)
    (x0, y0), (x1, y1) = p.leader
    assert (x0, y0) == (a.x + p.direction[0] * a.radius, a.y + p.direction[1] * a.radius)  # from the symbol's edge
    assert p.box[0] <= x1 <= p.box[2] and p.box[1] <= y1 <= p.box[3]  # to the label's box
    assert x1 in (p.box[0], p.box[2]) or y1 in (p.box[1], p.box[3])


def test_a_label_that_fits_nowhere_gets_a_number_for_the_key():
    wide = Anchor(100, 100, 3, (1000, 12), priority=10)  # wider than the frame
    also = Anchor(300, 100, 3, (1000, 12), priority=20)
    out = place([wide, also], FRAME, gap=2, number_side=14, first_number=1)
    assert [(p.index, p.how, p.number) for p in out] == [(1, NUMBER, 1), (0, NUMBER, 2)]
    for p in out:
        assert labels.inside(p.box, FRAME) and p.box[2] - p.box[0] == pytest.approx(14)
        a = [wide, also][p.index]
        assert not overlap(p.box, symbol_box(a)) or p.direction == (0, 0)


def test_a_number_with_no_room_at_all_sits_on_its_own_symbol():
    a = Anchor(5, 5, 2, (50, 10))
    (p,) = place([a], (0, 0, 10, 10), gap=1, number_side=8)
    assert p.how == NUMBER and p.direction == (0, 0)
    assert p.box == (1.0, 1.0, 9.0, 9.0)


def test_an_area_name_that_does_not_fit_is_left_out_not_numbered():
    area = Anchor(200, 150, 0, (80, 12), priority=1, optional=True)
    venue = Anchor(205, 150, 6, (30, 10), priority=19)  # its symbol sits where the centred name would go
    out = place([area, venue], FRAME, gap=2)
    assert [p.index for p in out] == [1]
    alone = place([area], FRAME, gap=2)
    assert alone[0].how == BESIDE and alone[0].direction == (0, 0)  # centred on its point where it fits


def test_anchors_outside_the_frame_and_symbols_without_labels_get_no_label_but_are_avoided():
    outside = Anchor(-50, 100, 3, (30, 10), priority=30)
    symbol = Anchor(230, 150, 20)  # an unlabelled symbol right of the labelled one
    a = Anchor(200, 150, 4, (40, 10), priority=1)
    out = place([outside, symbol, a], FRAME, gap=2)
    assert [p.index for p in out] == [2]
    assert out[0].direction != (1, 0) and not overlap(out[0].box, symbol_box(symbol))
