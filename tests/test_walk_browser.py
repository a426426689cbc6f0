"""A shorter walk of a planner's actions in Chromium (the AppTest walk is tests/test_state_walk.py): the
seams only a real browser has, the map's own reports (a layer hidden in the legend, a pan) crossed with
language and basemap switches, in a random but fixed order.

After every step: the URL says the language and basemap the page shows; the legend's hidden layers are the
ones the planner hid; after a language or basemap switch the map stays where the planner had it."""

from __future__ import annotations

import random

import pytest

from geo import basemaps, datum, i18n, style
from tests.test_seams_browser import map_frame, query, wait_query

pytestmark = pytest.mark.browser

HIDEABLE = ("districts", "areas", "heritage")
ACTIONS = ("language", "basemap", "hide", "pan", "language", "basemap", "hide", "pan", "language")


def settle(page) -> None:
    """One map again and the app idle."""
    page.wait_for_function(
        "() => document.querySelectorAll('iframe[src*=\"streamlit_folium\"]').length === 1"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=60000,
    )


def wait_hidden_count(page, n: int, timeout_s: float = 30) -> None:
    """The map's legend shows ``n`` layers switched off, asked of whichever map frame is the page's last one
    (a rerun may replace the frame while we wait: a handle on the old one would wait for ever)."""
    page.wait_for_function(
        "n => { const f = [...document.querySelectorAll('iframe[src*=\"streamlit_folium\"]')].pop();"
        " const d = f && f.contentDocument; return !!d && !!d.querySelector('.bem-panel')"
        " && d.querySelectorAll('.bem-panel .row.off').length === n; }",
        arg=n,
        timeout=timeout_s * 1000,
    )


def centre(frame, basemap: str) -> tuple[float, float, float]:
    """The map's centre in WGS-84 (a GCJ-02 basemap shows GCJ-02 coordinates) and its zoom."""
    lat, lon, zoom = frame.evaluate("() => [map_div.getCenter().lat, map_div.getCenter().lng, map_div.getZoom()]")
    lon, lat = datum.to_wgs84(lon, lat, basemaps.BASEMAPS[basemap].datum)
    return float(lat), float(lon), zoom


class Walk:
    def __init__(self, page, seed: int) -> None:
        self.page, self.rng = page, random.Random(seed)
        self.lang, self.base, self.hidden = "zh", "offline", set()

    def frame(self):
        return map_frame(self.page)

    def language(self) -> None:
        before = centre(self.frame(), self.base)
        self.lang = "en" if self.lang == "zh" else "zh"
        label = {"zh": "中文", "en": "English"}[self.lang]
        self.page.locator('[data-testid="stSidebar"] label').filter(has_text=label).first.click()
        wait_query(self.page, "lang", self.lang)
        settle(self.page)
        self.same_place(before)

    def basemap(self) -> None:
        before = centre(self.frame(), self.base)
        self.base = self.rng.choice([b for b in ("offline", "gaode", "osm") if b != self.base])
        box = self.page.get_by_test_id("stSelectbox").first
        box.click()
        self.page.get_by_role("option", name=i18n.term("basemap", self.base, self.lang)).click()
        wait_query(self.page, "basemap", self.base)
        settle(self.page)
        self.same_place(before)

    def hide(self) -> None:
        key = self.rng.choice(HIDEABLE)
        self.frame().locator(".bem-panel .row", has_text=style.get_style(key).label(self.lang)).first.click()
        self.hidden ^= {key}
        wait_hidden_count(self.page, len(self.hidden))
        settle(self.page)

    def pan(self) -> None:
        dx, dy = self.rng.choice([(150, 0), (-150, 60), (0, -120)])
        self.frame().evaluate(f"() => map_div.panBy([{dx}, {dy}], {{animate: false}})")
        self.page.wait_for_function("() => new URLSearchParams(location.search).get('c') !== null", timeout=30000)
        settle(self.page)

    def same_place(self, before) -> None:
        lat, lon, zoom = centre(self.frame(), self.base)
        assert zoom == before[2], (before, (lat, lon, zoom))  # a fitted 12.5 too
        assert abs(lat - before[0]) < 0.002 and abs(lon - before[1]) < 0.002, (before, (lat, lon, zoom))

    def check(self) -> None:
        q = query(self.page)
        assert (q.get("lang"), q.get("basemap")) == (self.lang, self.base), self.page.url
        shown = self.page.get_by_test_id("stSelectbox").first.locator("input").input_value()
        assert shown.startswith(i18n.term("basemap", self.base, self.lang)), shown
        frame = self.frame()
        want = sorted(style.get_style(k).label(self.lang) for k in self.hidden)
        wait_hidden_count(self.page, len(want))
        frame = self.frame()
        off = sorted(frame.locator(".bem-panel .row.off").all_inner_texts())
        assert [o for o in off if not any(w in o for w in want)] == [] and len(off) == len(want), (off, want)


@pytest.mark.parametrize("seed", [20, 21])
def test_a_walk_of_map_reports_language_and_basemap_switches(browser, app_url, seed):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(f"{app_url}/?lang=zh&basemap=offline&view=core")
        walk = Walk(page, seed=seed)
        walk.frame()
        settle(page)
        steps = list(ACTIONS)
        walk.rng.shuffle(steps)
        for step in steps:
            getattr(walk, step)()
            walk.check()
        page.screenshot(path=f"tests/artifacts/walk-end-{seed}.png")
    finally:
        page.close()
