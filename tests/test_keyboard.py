"""The map page from the keyboard and for a screen reader, in headless Chromium on the real app.

Every thing the keyboard reaches in the map has a name in the page's language (Chromium's own accessibility
tree, as a screen reader reads it), the focus ring is plain to see, Tab leaves the map, and the main task
(search -> the place's card -> export a PNG) is done with the keyboard alone.
"""

from __future__ import annotations

import re

import pytest

from geo import i18n

pytestmark = pytest.mark.browser
MAP_IFRAME = 'iframe[src*="streamlit_folium"]'
CJK = re.compile(r"[\u3400-\u9fff]")
#: the longest run of Tab presses a step may take (the map's places and controls are about fifty stops)
MAX_TABS = 250

# the focused element, through same-origin frames: [frame depth, tag, accessible-ish name, text, class]
ACTIVE_JS = """() => { let d = document, el = d.activeElement, depth = 0;
  while (el && el.tagName === 'IFRAME' && el.contentDocument) { depth += 1; d = el.contentDocument; el = d.activeElement; }
  const box = el.getBoundingClientRect();
  return {depth, tag: el.tagName, label: el.getAttribute('aria-label') || '', text: (el.textContent || '').trim(),
    title: el.getAttribute('title') || '', seen: box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden',
    cls: String(el.className && el.className.baseVal !== undefined ? el.className.baseVal : el.className)}; }"""


def open_map(browser, url: str, lang: str):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{url}/?basemap=offline&lang={lang}")
    iframe = page.locator(MAP_IFRAME)
    iframe.wait_for(timeout=90_000)
    frame = iframe.element_handle().content_frame()
    frame.wait_for_function(
        "document.querySelectorAll('.leaflet-overlay-pane path').length > 20 && "
        "document.querySelectorAll('.leaflet-marker-icon.bem-icon').length > 20",
        timeout=90_000,
    )
    return page, frame


def _frame_id(tree: dict, needle: str) -> str | None:
    if needle in tree["frame"].get("url", ""):
        return tree["frame"]["id"]
    for child in tree.get("childFrames", []):
        found = _frame_id(child, needle)
        if found:
            return found
    return None


def focusable_names(page) -> list[tuple[str, str]]:
    """(role, accessible name) of every focusable node in the map's frame, from Chromium's accessibility tree."""
    cdp = page.context.new_cdp_session(page)
    try:
        frame_id = _frame_id(cdp.send("Page.getFrameTree")["frameTree"], "streamlit_folium")
        nodes = cdp.send("Accessibility.getFullAXTree", {"frameId": frame_id})["nodes"]
    finally:
        cdp.detach()
    out = []
    for node in nodes:
        props = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
        if props.get("focusable") and not node.get("ignored"):
            out.append((node["role"]["value"], (node.get("name") or {}).get("value", "").strip()))
    return out


def tab_until(page, wanted, limit: int = MAX_TABS, visited: list | None = None) -> dict:
    """Press Tab until the focused element satisfies ``wanted`` (a test of ACTIVE_JS's dict); return it.
    ``visited`` collects every element the focus passed on the way."""
    seen = [] if visited is None else visited
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE_JS)
        if wanted(active):
            return active
        seen.append(active)
    raise AssertionError(
        f"not reached in {limit} presses of Tab; last: {[(a['tag'], a['label'] or a['text'][:20]) for a in seen[-8:]]}"
    )


def unseen_or_unnamed(visited: list[dict]) -> list[tuple[str, str]]:
    """The map's tab stops among ``visited`` that a sighted keyboard user cannot see or a screen reader cannot name."""
    return [
        (a["cls"][:40], a["text"][:20])
        for a in visited
        if a["depth"] == 1 and not (a["seen"] and (a["label"] or a["title"] or a["text"]))
    ]


def open_popup_and_measure(frame) -> None:
    """A place's popup open (Enter on its symbol) and the measuring tool loaded (Enter on its button)."""
    frame.focus(".leaflet-marker-icon.bem-icon.leaflet-interactive")
    frame.page.keyboard.press("Enter")
    frame.wait_for_selector(".leaflet-popup-close-button", timeout=20_000)
    frame.focus(".bem-measure-button")
    frame.page.keyboard.press("Enter")
    frame.wait_for_selector(".leaflet-control-measure-toggle", state="attached", timeout=20_000)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_focusable_map_element_is_named_in_the_page_language(browser, app_url, lang):
    page, frame = open_map(browser, app_url, lang)
    try:
        open_popup_and_measure(frame)
        frame.wait_for_function(
            "(w) => document.querySelector('.leaflet-popup-close-button').getAttribute('aria-label') === w",
            arg=i18n.t("a11y_close_popup", lang),
            timeout=10_000,
        )
        names = focusable_names(page)
    finally:
        page.close()
    roles = {role for role, _ in names}
    assert {"region", "button", "link"} <= roles, roles  # the map, the places and controls, the Leaflet link
    unnamed = [role for role, name in names if not name]
    assert not unnamed, f"focusable without a name: {unnamed}"
    if lang == "zh":
        wrong = [(role, name) for role, name in names if not CJK.search(name)]
    else:
        wrong = [(role, name) for role, name in names if CJK.search(name)]
    assert not wrong, f"named in the other language on the {lang} page: {wrong}"
    assert ("button", i18n.t("a11y_close_popup", lang)) in names
    assert ("region", i18n.t("a11y_map", lang)) in names
    assert ("button", i18n.t("zoom_in", lang)) in names
    # a place's symbol is named by the place: Yanqi Lake's venue among the buttons
    yanqi = "雁栖湖" if lang == "zh" else "Yanqi Lake"
    assert any(role == "button" and yanqi in name for role, name in names)


def test_focus_is_visible_and_tab_leaves_the_map(browser, app_url):
    """Tab into the map: the container, a place and a control each show a 3 px ring; Tab then leaves the map
    (no trap) to the page's table below it."""
    page, frame = open_map(browser, app_url, "zh")
    try:
        rings = []
        for target in ("leaflet-container", "bem-icon", "leaflet-control-zoom-in"):
            tab_until(page, lambda a, target=target: a["depth"] == 1 and target in a["cls"])
            rings.append(
                frame.evaluate(
                    """() => { const s = getComputedStyle(document.activeElement);
                    return [s.outlineStyle, parseFloat(s.outlineWidth), document.activeElement.matches(':focus-visible')]; }"""
                )
            )
        for style, width, visible in rings:
            assert visible and style == "solid" and width >= 3, rings
        left = tab_until(page, lambda a: a["depth"] == 0)
        assert left["tag"] != "BODY", left  # out of the map, onto the page's next control
    finally:
        page.close()


def test_search_card_and_png_export_by_keyboard_alone(browser, app_url):
    """Tab from the top into the search box, type 雁栖湖 and Enter: Yanqi Lake's card; Tab on to the export
    panel, open it, choose PNG, render and download the picture, every step a key press."""
    lang = "zh"
    page, _ = open_map(browser, app_url, lang)
    try:
        page.evaluate("document.activeElement && document.activeElement.blur()")  # from the page's top
        search = i18n.t("search", lang)
        tab_until(page, lambda a: a["depth"] == 0 and a["label"] == search, limit=30)
        page.keyboard.type("雁栖湖")
        page.keyboard.press("Enter")
        heading = page.locator('[data-testid="stSidebar"] h4', has_text="雁栖湖")
        heading.wait_for(timeout=60_000)
        assert "雁栖湖国际会都" in heading.inner_text()
        title = i18n.t("export_title", lang)
        visited: list[dict] = []
        tab_until(page, lambda a: a["depth"] == 0 and a["tag"] == "SUMMARY" and title in a["text"], visited=visited)
        assert sum(a["depth"] == 1 for a in visited) > 20  # the way passed through the map, its places and controls
        assert not unseen_or_unnamed(visited), unseen_or_unnamed(visited)[:10]
        page.keyboard.press("Enter")
        fmt = i18n.t("export_format", lang)
        page.get_by_label(fmt).wait_for(timeout=60_000)
        tab_until(page, lambda a: a["depth"] == 0 and a["label"].startswith(fmt), limit=20)
        page.keyboard.type("PNG")
        page.keyboard.press("Enter")
        render = i18n.t("export_render", lang)
        tab_until(page, lambda a: a["depth"] == 0 and a["tag"] == "BUTTON" and a["text"] == render, limit=40)
        page.keyboard.press("Enter")
        download = page.locator('[data-testid="stDownloadButton"] button', has_text=".png")
        download.wait_for(timeout=180_000)
        tab_until(page, lambda a: a["depth"] == 0 and ".png" in a["text"], limit=40)
        with page.expect_download(timeout=60_000) as info:
            page.keyboard.press("Enter")
        data = open(info.value.path(), "rb").read()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    finally:
        page.close()
