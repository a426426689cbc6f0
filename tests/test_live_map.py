"""The live map as a planner sees it, in headless Chromium at three window sizes and both languages:
map-first layout, controls out of the way, labels that never collide, views that fit, the wheel."""

from __future__ import annotations

import pytest

from geo.views import VIEWS
from tests.test_browser import app_idle, map_frame, settle

pytestmark = pytest.mark.browser
SIZES = [(1280, 720), (1400, 900), (1920, 1080)]
FAR_OUT = ("yanqi_lake_resort", "great_wall_museum", "capital_airport", "daxing_airport", "ciec_new_venue")

RECTS_JS = """sel => [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null &&
    getComputedStyle(e).visibility !== 'hidden').map(e => { const r = e.getBoundingClientRect();
    return {l: r.left, t: r.top, r: r.right, b: r.bottom, text: e.textContent}; })"""


def open_map(browser, app_url: str, size: tuple[int, int], query: str, labels: bool = True):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(f"{app_url}/?{query}")
    frame = map_frame(page)
    if labels:
        wait_for_a_label(page, frame)
    settle(frame)  # the opening fit done, the labels placed for it, the map's report of its view sent (after 250 ms)
    app_idle(page)  # the run that report asked for is over (it may draw the layers again) ...
    settle(frame)  # ... and the labels are placed for good
    return page, frame


LABEL_STATE_JS = """() => { const m = window.map_div, r = m.getContainer().getBoundingClientRect();
  return {map_size: [m.getSize().x, m.getSize().y], container: [r.width, r.height], zoom: m.getZoom(),
          labels: document.querySelectorAll('.bem-label').length, icons: document.querySelectorAll('.bem-icon').length,
          window: [innerWidth, innerHeight]}; }"""


def wait_for_a_label(page, frame, timeout: float = 30.0) -> None:
    """Until the map shows a label; if none comes, fail saying what the map looked like (seen rarely, on a
    heavily loaded machine, before and after the waits here were changed)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        frame.wait_for_function("document.querySelectorAll('.bem-label:not(.bem-off)').length > 0", timeout=timeout * 1000)
    except PlaywrightTimeout:
        from tests.conftest import ARTIFACTS

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "live-no-label.png"))
        raise AssertionError(
            f"no label shown after {timeout:.0f} s: {frame.evaluate(LABEL_STATE_JS)}, "
            f"page {page.url} (screenshot live-no-label.png)"
        ) from None


def rects(frame, selector: str) -> list[dict]:
    return frame.evaluate(RECTS_JS, selector)


def overlap(a: dict, b: dict) -> bool:
    return a["l"] < b["r"] - 0.5 and b["l"] < a["r"] - 0.5 and a["t"] < b["b"] - 0.5 and b["t"] < a["b"] - 0.5


def area(r: dict) -> float:
    return max(0.0, r["r"] - r["l"]) * max(0.0, r["b"] - r["t"])


def overlapping_labels(frame) -> list[tuple[str, str]]:
    labels = rects(frame, ".bem-label")
    return [(a["text"], b["text"]) for i, a in enumerate(labels) for b in labels[i + 1 :] if overlap(a, b)]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_map_first_layout_labels_and_controls(browser, app_url, artifacts, layers, size, lang):
    page, frame = open_map(browser, app_url, size, f"basemap=offline&lang={lang}")
    try:
        box = page.locator('iframe[src*="streamlit_folium"]').bounding_box()
        width, height = size
        assert box["y"] + box["height"] <= height, "the map's bottom edge is below the window"
        share = box["width"] * box["height"] / (width * height)
        assert share >= 0.60, f"the map is {share:.0%} of the window"
        controls = rects(frame, ".leaflet-control")
        covered = sum(area(c) for c in controls) / (box["width"] * box["height"])
        if size == (1400, 900):
            assert covered <= 0.10, f"controls cover {covered:.1%} of the map"
        # the opening city view names the far-out plan venues
        shown = {r["text"] for r in rects(frame, ".bem-label")}
        names = dict(zip(layers.venues["id"], layers.venues[f"name_{lang}"]))
        missing = [v for v in FAR_OUT if names[v] not in shown]
        assert missing == [], f"not labelled at the city view: {missing}"
        page.screenshot(path=str(artifacts / f"live-{lang}-{width}x{height}.png"))
        # no two label boxes overlap, at the opening zoom and two closer ones
        for step in range(3):
            if step:
                frame.evaluate("() => map_div.setZoom(map_div.getZoom() + 1, {animate: false})")
                settle(frame)
            assert overlapping_labels(frame) == [], f"overlapping labels at zoom step {step}"
            assert rects(frame, ".bem-label"), "no label at all"
    finally:
        page.close()


@pytest.mark.parametrize("view", [v for v in VIEWS if v != "city"])
def test_named_views_show_every_feature_clear_of_the_controls(browser, app_url, layers, view):
    import shapely

    page, frame = open_map(browser, app_url, (1400, 900), f"basemap=offline&lang=en&view={view}")
    try:  # (open_map has waited for the view's fit)
        box = frame.evaluate(
            "() => { const r = map_div.getContainer().getBoundingClientRect();"
            " return {l: r.left, t: r.top, r: r.right, b: r.bottom}; }"
        )
        controls = rects(frame, ".leaflet-control")
        inside = layers.venues[layers.venues.intersects(shapely.box(*VIEWS[view].bbox))]
        assert len(inside)
        for _, row in inside.iterrows():
            x, y = frame.evaluate(
                f"() => {{ const p = map_div.latLngToContainerPoint([{row.geometry.y}, {row.geometry.x}]); return [p.x, p.y]; }}"
            )
            x, y = x + box["l"], y + box["t"]
            assert box["l"] <= x <= box["r"] and box["t"] <= y <= box["b"], f"{row['id']} is off the map"
            point = {"l": x - 4, "r": x + 4, "t": y - 4, "b": y + 4}
            under = [c["text"][:30] for c in controls if overlap(c, point)]
            assert under == [], f"{row['id']} is under a control: {under}"
        # the export panel names the view the map shows (once the map has reported its extent)
        page.get_by_text("Export this view").first.click()
        page.get_by_text(f"extent: {VIEWS[view].name('en')}").first.wait_for(timeout=30_000)
    finally:
        page.close()


def test_the_wheel_scrolls_the_page_until_the_map_is_clicked(browser, app_url):
    page, frame = open_map(browser, app_url, (1400, 900), "basemap=offline&lang=en")
    try:
        box = page.locator('iframe[src*="streamlit_folium"]').bounding_box()
        scroller = (
            "() => { const m = document.querySelector('[data-testid=\"stMain\"]') || document.scrollingElement;"
            " return m.scrollTop; }"
        )
        zoom = frame.evaluate("() => map_div.getZoom()")
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, 400)
        page.wait_for_function(f"({scroller})() > 0", timeout=10_000)
        frame.locator(".bem-wheel-note.show").wait_for(timeout=10_000)
        assert frame.locator(".bem-wheel-note.show").count() == 1  # and says how to zoom (for 1.5 s)
        settle(frame)  # a zoom the wheel set off would have begun and ended by now
        assert frame.evaluate("() => map_div.getZoom()") == zoom, "the wheel zoomed the map"
        assert page.evaluate(scroller) > 0, "the page did not scroll"
        page.keyboard.down("Control")
        page.mouse.wheel(0, -200)
        page.keyboard.up("Control")
        frame.wait_for_function(f"() => map_div.getZoom() > {zoom}", timeout=10_000)
        assert frame.evaluate("() => map_div.getZoom()") > zoom, "Ctrl + wheel did not zoom"
    finally:
        page.close()


def test_a_filter_that_leaves_nothing_says_so_on_the_map(browser, app_url):
    page, frame = open_map(browser, app_url, (1400, 900), "basemap=offline&lang=en&cat=aviation&district=Dongcheng", labels=False)
    try:
        note = frame.locator(".bem-note")
        note.wait_for(timeout=30_000)
        assert "No venue matches" in note.inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.get_by_text("Export this view").count() >= 1  # the export panel is still there
    finally:
        page.close()


def test_the_readout_copies_and_says_copied(browser, app_url):
    page, frame = open_map(browser, app_url, (1400, 900), "basemap=offline&lang=zh")
    try:
        box = page.locator('iframe[src*="streamlit_folium"]').bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, button="right")
        readout = frame.locator(".bem-mouse")
        frame.wait_for_function("document.querySelector('.bem-mouse').classList.contains('copied')", timeout=5000)
        text = readout.inner_text()
        assert "已复制" in text
        lat, lon = (float(v) for v in text.split("已复制")[1].split(","))
        assert 39.4 < lat < 41.1 and 115.4 < lon < 117.6  # the point under the pointer: Beijing
    finally:
        page.close()


@pytest.mark.parametrize(("lang", "units"), [("zh", ("平方公里", "公顷")), ("en", ("km²", "ha"))])
def test_the_measuring_tool_loads_on_first_use_and_shows_units(browser, app_url, lang, units):
    page, frame = open_map(browser, app_url, (1400, 900), f"basemap=offline&lang={lang}")
    try:
        assert frame.evaluate("() => !(L.Control && L.Control.Measure)"), "leaflet-measure loaded before use"
        frame.locator(".bem-measure-button").click()
        frame.wait_for_function("() => !!(L.Control && L.Control.Measure)", timeout=15_000)
        # the first click loaded the tool and started a measurement: the planner clicks points straight away
        frame.wait_for_function(
            "() => document.querySelector('.leaflet-control-measure .js-measuringprompt') &&"
            " document.querySelector('.leaflet-control-measure .js-measuringprompt').offsetParent",
            timeout=15_000,
        )
        box = frame.locator("#map_div").bounding_box()
        for n, (dx, dy) in enumerate(((0.45, 0.45), (0.6, 0.45), (0.6, 0.6), (0.45, 0.6)), start=1):
            page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
            frame.wait_for_function(
                f"document.querySelectorAll('.layer-measurevertex').length === {n}", timeout=10_000
            )  # the point is taken before the next click
        frame.locator(".leaflet-control-measure").hover()
        frame.locator(".leaflet-control-measure .js-finish").first.click()
        text = frame.locator(".leaflet-popup-content").inner_text(timeout=10_000)
        assert all(u in text for u in units), text
    finally:
        page.close()


@pytest.mark.parametrize(("start", "then"), [((1400, 900), (1280, 720)), ((1280, 720), (1920, 1080))])
def test_a_resized_window_leaves_the_map_where_it_was(browser, app_url, start, then):
    """The overview map (leaflet-minimap) re-centres the main map on its own centre whenever it moves, its own
    resizes too; at the overview's zoom 6 that centre is ~2 km coarse, so a window resize (or a rebuilt map
    settling in its frame) moved the planner's map. Only a drag of the overview may move the main map."""
    page, frame = open_map(browser, app_url, start, "lang=zh&basemap=offline&c=39.87817,116.30823&z=12", labels=False)
    try:
        where = "() => [map_div.getCenter().lat, map_div.getCenter().lng, map_div.getZoom()]"
        before = frame.evaluate(where)
        page.set_viewport_size({"width": then[0], "height": then[1]})
        page.wait_for_timeout(800)  # the frame's resize, the maps' invalidateSize and any move after it
        after = frame.evaluate(where)
        # Leaflet keeps the centre across a resize to within a pixel (~30 m at zoom 12)
        assert after[2] == before[2] and abs(after[0] - before[0]) < 5e-4 and abs(after[1] - before[1]) < 5e-4, (before, after)
        # the overview still moves the map when the planner drags it
        frame.locator(".leaflet-control-minimap-toggle-display").click()
        frame.wait_for_function("document.querySelector('.leaflet-control-minimap').getBoundingClientRect().width > 100")
        box = frame.locator(".leaflet-control-minimap").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        for step in range(1, 6):
            page.mouse.move(x + 4 * step, y + 3 * step)
        page.mouse.up()
        frame.wait_for_function(f"Math.abs(map_div.getCenter().lng - {after[1]}) > 0.1", timeout=10000)
    finally:
        page.close()
