"""The opening view is fitted again while the page settles (BEM.opening), but never over a move it did not make:
a script's setView (a search's fly-to, present mode, a test) stops the refitting as a planner's drag does."""

from __future__ import annotations

import pytest

from geo import io as gio
from geo import mapspec

from .test_ring_and_years import THE_MAP

pytestmark = pytest.mark.browser

VIEW = f"""async () => {{
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const m = {THE_MAP}; const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }}"""


def test_a_scripted_move_is_not_undone_when_the_window_resizes(browser, layers, tmp_path):
    path = tmp_path / "map.html"
    path.write_text(gio.export_html(layers, mapspec.MapSpec(lang="zh", bbox=(116.33, 39.88, 116.46, 39.96))), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    try:
        page.goto(path.as_uri())
        page.wait_for_function(f"() => {{ const m = {THE_MAP}; return !!m && !!m._bemFitted; }}")
        opened = page.evaluate(VIEW)
        # the export opens on its own view, not on the whole city (the opening refit used to fit Beijing again)
        seen = page.evaluate(
            f"() => {{ const b = {THE_MAP}.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }}"
        )
        assert seen[0] <= 116.33 and seen[1] <= 39.88 and seen[2] >= 116.46 and seen[3] >= 39.96, seen
        assert opened[2] >= 11, opened  # the city's view is zoom 9 here
        page.evaluate(f"() => {THE_MAP}.setView([40.0, 116.2], 15, {{animate: false}})")
        page.set_viewport_size({"width": 1000, "height": 700})  # the frame changes size: the refit's trigger
        page.wait_for_function(f"() => {THE_MAP}.getSize().x === 1000 || {THE_MAP}.getSize().x < 1200")
        after = page.evaluate(VIEW)
        # the resize keeps the zoom and the place in view (Leaflet keeps the top left corner, not the centre)
        assert after[2] == 15 and abs(after[0] - 40.0) < 0.01 and abs(after[1] - 116.2) < 0.01, (opened, after)
        # and the refitting itself still works before any move: a fresh page follows its frame's size
        page.reload()
        page.wait_for_function(f"() => {{ const m = {THE_MAP}; return !!m && !!m._bemFitted; }}")
        first = page.evaluate(VIEW)
        page.set_viewport_size({"width": 600, "height": 500})
        page.wait_for_function(f"() => {THE_MAP}.getZoom() !== {first[2]}", timeout=10000)
    finally:
        page.close()
