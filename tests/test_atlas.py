"""The atlas (geo.deck.build_atlas): a venue page's title and quote stand in their own band, never on the map;
a crowded spot gets a numbered key instead of a tangle of leader lines (geo.snapshot.labels.MAX_LEADERS)."""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import replace

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from geo import deck, snapshot
from geo.mapspec import MapSpec, Page, in_view
from geo.snapshot.ink import BACKGROUND
from geo.snapshot.labels import LEADER, MAX_LEADERS, NUMBER, Anchor, place

PAGE = Page(round(deck.ASPECTS["16:9"][0] * 150), round(deck.ASPECTS["16:9"][1] * 150), 150)  # the atlas's page


def boxed_in(x: float, y: float, priority: int) -> tuple[Anchor, tuple[float, float, float, float]]:
    """A symbol whose first ring of places is covered by furniture: its label needs a leader line."""
    return Anchor(x, y, 4, (40, 10), priority=priority), (x - 60, y - 25, x + 60, y + 25)


def test_past_the_cap_a_label_that_needs_a_leader_line_is_numbered_instead():
    scene = [boxed_in(150 + 250 * (i % 4), 150 + 250 * (i // 4), priority=i) for i in range(10)]
    anchors, obstacles = [a for a, _ in scene], [o for _, o in scene]
    out = place(anchors, (0, 0, 1100, 800), obstacles, gap=2, number_side=14)
    leaders = [p for p in out if p.how == LEADER]
    numbers = [p for p in out if p.how == NUMBER]
    assert len(leaders) == MAX_LEADERS and len(numbers) == 10 - MAX_LEADERS
    assert sorted(p.index for p in leaders) == list(range(10 - MAX_LEADERS, 10))  # the higher priority keep theirs
    assert [p.number for p in numbers] == list(range(1, 10 - MAX_LEADERS + 1))
    few = place(anchors[:MAX_LEADERS], (0, 0, 1100, 800), obstacles[:MAX_LEADERS], gap=2, number_side=14)
    assert [p.how for p in few] == [LEADER] * MAX_LEADERS  # under the cap nothing changes


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 400), st.floats(0, 300), st.floats(20, 120), st.floats(6, 20)), min_size=1, max_size=30))
def test_no_placement_draws_more_leader_lines_than_the_cap(points):
    anchors = [Anchor(x, y, 3, (w, h), priority=i % 3) for i, (x, y, w, h) in enumerate(points)]
    for cap in (0, 2):
        out = place(anchors, (0, 0, 400, 300), gap=2, number_side=12, max_leaders=cap)
        assert sum(p.how == LEADER for p in out) <= cap
        assert sorted(p.index for p in out) == list(range(len(anchors)))  # every label still placed, once


# --- the rendered pages ----------------------------------------------------------------------------------


def draw_page(layers, spec: MapSpec):
    with plt.rc_context(snapshot.rc_for("pdf", spec.labels, PAGE)):
        return snapshot.draw(layers, replace(spec, page=PAGE).validated(), "png", lambda _f, _m: None)


def pixels(fig) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", facecolor=fig.get_facecolor())
    return np.asarray(Image.open(buf).convert("RGB")).astype(int)


def venue_page(layers, venue: str, lang: str) -> MapSpec:
    pages = deck.atlas_pages(layers, MapSpec(lang=lang), "venue")
    return next(p for p in pages if p.selection == venue)


@pytest.mark.parametrize(
    ("venue", "lang"), [("capital_airport", "zh"), ("capital_airport", "en"), ("diaoyutai_state_guesthouse", "zh")]
)
def test_a_venue_pages_title_and_quote_stand_in_their_own_band(layers, venue, lang, artifacts):
    drawn = draw_page(layers, venue_page(layers, venue, lang))
    fig = drawn.fig
    img = pixels(fig)
    Image.fromarray(img.astype(np.uint8)).save(artifacts / f"atlas-venue-{venue}-{lang}.png")
    h, w = img.shape[:2]
    renderer = fig.canvas.get_renderer()
    texts = [t.get_window_extent(renderer) for t in fig.texts if t.get_text().strip()]
    heading = [b for b in texts if b.y1 > h * 0.75]  # the title, the subtitle with the quote, the north arrow's N
    foot = min(b.y0 for b in heading)  # the lowest line of the band, pixels from the bottom
    assert len(heading) >= 2
    band = np.zeros((h, w), bool)
    band[: int(h - foot) - 2] = True  # the rows down to the band's last line of text (image rows run downward)
    for art in [*fig.texts, *fig.patches]:  # the furniture in the band (its halo, a bold
        # title's last letter past its measured box) is allowed there
        b = art.get_window_extent(renderer)
        if b.width < w * 0.9:
            grow = 20 + 0.03 * b.width  # drawn a little wider than measured
            band[max(0, int(h - b.y1) - 8) : int(h - b.y0) + 8, max(0, int(b.x0 - grow)) : int(b.x1 + grow)] = False
    paper = np.array([int(BACKGROUND[i : i + 2], 16) for i in (1, 3, 5)])
    off = np.abs(img - paper).max(axis=2) > 24
    assert not (off & band).any(), f"the map shows through the title band at {np.argwhere(off & band)[:5].tolist()}"


def pdf_pages_text(data: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return [re.sub(r"\s+", "", page) for page in out.stdout.decode("utf-8").split("\f")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_airports_page_numbers_its_crowded_core_in_a_key(layers, lang, artifacts):
    base = MapSpec(lang=lang)
    specs = deck.atlas_pages(layers, base, "view")
    airports = next(s for s in specs if s.view == "airports")
    drawn = draw_page(layers, airports)
    Image.fromarray(pixels(drawn.fig).astype(np.uint8)).save(artifacts / f"atlas-airports-{lang}.png")
    report = drawn.labels
    assert len(report.leadered) <= MAX_LEADERS, report.leadered
    assert report.numbered, "the crowded core at this scale should need a numbered key"
    venues = in_view(layers, replace(airports, page=PAGE)).venues
    col = "name_en" if lang == "en" else "name_zh"
    on_map = {*report.placed, *report.leadered}
    keyed = [text for _, text in report.numbered]
    unlabelled = [n for n in venues[col] if not any(n in t for t in on_map)]
    assert unlabelled and all(any(n in t for t in keyed) for n in unlabelled), (unlabelled, keyed)
    assert [n for n, _ in report.numbered] == list(range(1, len(report.numbered) + 1))
    page = pdf_pages_text(deck.build_atlas(layers, base, "view"))[[s.view for s in specs].index("airports")]
    for n, text in report.numbered:  # the key is real text in the PDF: "1 故宫", ...
        assert str(n) + re.sub(r"\s+", "", text) in page, (n, text)
