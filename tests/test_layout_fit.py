"""The page at the planner's window sizes, in Chromium: the opening view and every named view keep their bounds
clear of the legend panel as it is drawn (BEM.opening / BEM.fit), and the header is one line (page.css)."""

from __future__ import annotations

import pytest

from geo import i18n
from geo.views import VIEWS

from .test_seams_browser import map_frame

pytestmark = pytest.mark.browser

SIZES = [(1280, 720), (1400, 900), (1920, 1080)]

# the fitted bounds on screen (container pixels) and the panel's rectangle, from the page's own Leaflet map
SCREEN = """async (b) => {
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));  // a fit's frame drawn
  const m = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])
    .find(v => v && v.latLngToContainerPoint);
  const c = m.getContainer().getBoundingClientRect();
  const r = document.querySelector('.bem-panel').getBoundingClientRect();
  const sw = m.latLngToContainerPoint([b[1], b[0]]), ne = m.latLngToContainerPoint([b[3], b[2]]);
  return {box: [sw.x, ne.y, ne.x, sw.y], panel: [r.left - c.left, r.top - c.top, r.right - c.left, r.bottom - c.top],
          size: [c.width, c.height]};
}"""


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def settled_map(page):
    """The map once the page is idle (the frame has its height, the panel its fonts)."""
    frame = map_frame(page)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60000)
    frame.wait_for_function("() => document.fonts.status === 'loaded'", timeout=30000)
    return frame


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_view_opens_clear_of_the_legend_and_the_header_is_one_line(
    browser, app_url, layers, artifacts, width, height, lang
):
    city = tuple(float(v) for v in layers.boundary.total_bounds)
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        for view in (None, *VIEWS):
            page.goto(f"{app_url}/?lang={lang}&basemap=offline" + (f"&view={view}" if view else ""))
            frame = settled_map(page)
            bounds = city if view is None else VIEWS[view].bbox
            got = frame.evaluate(SCREEN, list(bounds))
            name = f"fit-{width}x{height}-{lang}-{view or 'landing'}"
            if view in (None, "city"):
                page.screenshot(path=str(artifacts / f"{name}.png"))
            assert not overlap(got["box"], got["panel"]), f"{name}: {got}"
        head = page.locator(".bem-head")
        title, caption = head.locator("h1").bounding_box(), head.locator("span").bounding_box()
        assert head.bounding_box()["height"] <= title["height"] + 1, (width, lang, head.bounding_box(), title)
        assert caption["y"] < title["y"] + title["height"] and caption["x"] > title["x"] + title["width"]  # one line
        full = i18n.t("app_caption", lang)
        assert head.locator("span").get_attribute("title") == full  # the whole caption on hover
        assert head.locator("span").text_content() == full  # and for screen readers
    finally:
        page.close()
