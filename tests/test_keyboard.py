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
#: names every map has: the popup's close button, the map region with its keys, Leaflet's zoom button
EXPECTED_NAMES = (("button", "a11y_close_popup"), ("region", "a11y_map"), ("button", "zoom_in"))

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


def in_other_language(names: list[tuple[str, str]], lang: str) -> list[tuple[str, str]]:
    """The names not in ``lang``: on the zh page a name with no Chinese, on the en page one with Chinese."""
    return [(role, name) for role, name in names if bool(CJK.search(name)) != (lang == "zh")]


def on_page(tag: str = "", label: str = "", text: str = "", depth: int = 0):
    """A test for tab_until: the focused element is in the page (``depth`` 0) or the map's frame (1), with this
    tag, an aria-label starting with ``label``, and ``text`` in its text (each when given)."""

    def wanted(active: dict) -> bool:
        return (
            active["depth"] == depth
            and (not tag or active["tag"] == tag)
            and active["label"].startswith(label)
            and text in active["text"]
        )

    return wanted


def names_with_a_popup_and_the_measuring_tool(browser, app_url, lang: str) -> list[tuple[str, str]]:
    """The map's focusable names once a place's popup is open and the measuring tool loaded (by keyboard)."""
    page, frame = open_map(browser, app_url, lang)
    try:
        open_popup_and_measure(frame)
        frame.wait_for_function(
            "(w) => document.querySelector('.leaflet-popup-close-button').getAttribute('aria-label') === w",
            arg=i18n.t("a11y_close_popup", lang),
            timeout=10_000,
        )
        return focusable_names(page)
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_focusable_map_element_is_named_in_the_page_language(browser, app_url, lang):
    names = names_with_a_popup_and_the_measuring_tool(browser, app_url, lang)
    problems = naming_problems(names, lang)
    assert not any(problems.values()), problems


def naming_problems(names: list[tuple[str, str]], lang: str) -> dict[str, list | set]:
    """What is wrong with the map's focusable (role, name) pairs on the ``lang`` page, by kind (all empty: fine)."""
    yanqi = "雁栖湖" if lang == "zh" else "Yanqi Lake"  # a place's symbol is named by the place
    return {
        # the map, the places and controls, the Leaflet link
        "roles missing": {"region", "button", "link"} - {role for role, _ in names},
        "unnamed": [role for role, name in names if not name],
        f"not in {lang}": in_other_language(names, lang),
        "names missing": [key for role, key in EXPECTED_NAMES if (role, i18n.t(key, lang)) not in names],
        "no Yanqi Lake": [] if any(yanqi in name for role, name in names if role == "button") else [yanqi],
    }


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
        left = tab_until(page, on_page())
        assert left["tag"] != "BODY", left  # out of the map, onto the page's next control
    finally:
        page.close()


def search_by_keyboard(page, lang: str) -> None:
    """From the page's top: Tab to the search box, type 雁栖湖, Enter; the card's heading names the place."""
    page.evaluate("document.activeElement && document.activeElement.blur()")  # from the page's top
    tab_until(page, on_page(label=i18n.t("search", lang)), limit=30)
    page.keyboard.type("雁栖湖")
    page.keyboard.press("Enter")
    heading = page.locator('[data-testid="stSidebar"] h4', has_text="雁栖湖")
    heading.wait_for(timeout=60_000)
    assert "雁栖湖国际会都" in heading.inner_text()


def export_png_by_keyboard(page, lang: str) -> bytes:
    """Tab on through the map to the export panel, open it, choose PNG, render, download: the file's bytes."""
    visited: list[dict] = []
    tab_until(page, on_page(tag="SUMMARY", text=i18n.t("export_title", lang)), visited=visited)
    assert sum(a["depth"] == 1 for a in visited) > 20  # the way passed through the map, its places and controls
    assert not unseen_or_unnamed(visited), unseen_or_unnamed(visited)[:10]
    page.keyboard.press("Enter")
    fmt = i18n.t("export_format", lang)
    page.get_by_label(fmt).wait_for(timeout=60_000)
    tab_until(page, on_page(label=fmt), limit=20)
    page.keyboard.type("PNG")
    page.keyboard.press("Enter")
    tab_until(page, on_page(tag="BUTTON", text=i18n.t("export_render", lang)), limit=40)
    page.keyboard.press("Enter")
    page.locator('[data-testid="stDownloadButton"] button', has_text=".png").wait_for(timeout=180_000)  # a render
    tab_until(page, on_page(text=".png"), limit=40)
    with page.expect_download(timeout=60_000) as info:
        page.keyboard.press("Enter")
    with open(info.value.path(), "rb") as f:
        return f.read()


def test_search_card_and_png_export_by_keyboard_alone(browser, app_url):
    """Tab from the top into the search box, type 雁栖湖 and Enter: Yanqi Lake's card; Tab on to the export
    panel, open it, choose PNG, render and download the picture, every step a key press."""
    page, _ = open_map(browser, app_url, "zh")
    try:
        search_by_keyboard(page, "zh")
        data = export_png_by_keyboard(page, "zh")
    finally:
        page.close()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
