"""The standalone HTML story (geo/story_html.py, geo/static/story/) and the app's present mode (ui/present.py).

The page opened from a file in Chromium with every request beyond the file blocked and counted: the keys a
clicker sends move between chapters (the caption and the map's centre change), the hash opens a chapter, a
caption's markup shows as text and runs nothing. Present mode in the app does the same from the keyboard at
1280x720 and 1920x1080, and Esc leaves to the map page showing the chapter's view. Screenshots of both sizes
in both languages go to tests/artifacts/ (story-*.png)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from geo import assets, i18n, story_html
from geo import story as stories
from geo.mapspec import MapSpec

BASE = MapSpec(today=dt.date(2026, 12, 1))
XSS = '<img src=x onerror="window.__ran = 1"></script><script>window.__ran = 2</script>'
SIZES = ((1280, 720), (1920, 1080))


def three(caption2: str = "第二章：一核的文字") -> stories.Story:
    return stories.Story(
        "年度汇报 · Briefing",
        (
            stories.Chapter(view="city", caption="第一章：全市"),
            stories.Chapter(view="core", title="一核 <b>bold</b>", caption=caption2),
            stories.Chapter(view="yanqi-lake", caption="第三章：雁栖湖"),
        ),
    )


def page_json(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="bem-story-data">(.*?)</script>', page, re.S)
    assert block, "the page's data block"
    return json.loads(block.group(1))


def test_the_page_carries_each_chapter_as_data_and_nothing_remote(layers):
    page = story_html.write(layers, three(), BASE, "en").decode("utf-8")
    data = page_json(page)
    assert [c["caption"] for c in data["chapters"]] == ["第一章：全市", "第二章：一核的文字", "第三章：雁栖湖"]
    assert data["chapters"][1]["title"] == "一核 <b>bold</b>"  # user text stays text; the page sets it as textContent
    assert data["strings"]["story_next"] == i18n.t("story_next", "en")
    assert all(data["collections"][ref]["data"]["features"] for c in data["chapters"] for ref in c["layers"])
    assert data["chapters"][2]["legend"] and data["chapters"][1]["labels"]
    ours = page.replace((assets.LEAFLET_DIR / assets.LEAFLET_JS).read_text("utf-8"), "")  # its attribution's link
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//|@import""", ours)
    assert "content=\"default-src 'none';" in page  # and the page may not fetch anything (Content-Security-Policy)
    assert 'url("data:font/woff;base64,' in page  # the Chinese font subset travels with the file
    assert '<html lang="en">' in page


def test_a_caption_cannot_close_the_data_block(layers):
    page = story_html.write(layers, three(XSS), BASE, "zh").decode("utf-8")
    assert "<img" not in page.split('id="bem-story-data">', 1)[1].split("</script>", 1)[0]
    assert page.count("</script>") == 3  # the data block, Leaflet and story.js: the caption closed nothing
    assert page_json(page)["chapters"][1]["caption"] == XSS
    assert '<html lang="zh-CN">' in page


def test_a_story_in_both_languages_says_everything_twice(layers):
    data = page_json(story_html.write(layers, three(), BASE, "both").decode("utf-8"))
    assert data["strings"]["story_next"] == f"{i18n.t('story_next', 'zh')} / {i18n.t('story_next', 'en')}"
    assert " / " in data["chapters"][0]["legend"][0]["label"]


# --- in Chromium ----------------------------------------------------------------------------------------------


def open_story(browser, path, size=(1280, 720), hash_: str = ""):
    """The story file in a new page; every request other than the file itself is blocked and recorded."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    url = path.as_uri()
    blocked: list[str] = []

    def route(r):
        if r.request.url.split("#")[0] == url:
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url + hash_)
    wait_chapter(page, 1 if not hash_ else int(hash_[1:]))
    return page, blocked


def wait_chapter(target, n: int) -> None:
    """The page shows chapter ``n`` and its map has arrived there (after the flight)."""
    target.wait_for_function(
        "n => { const r = document.getElementById('bem-story'); return r && r.dataset.settled === String(n); }",
        arg=n,
        timeout=30000,
    )


def seen(target) -> dict:
    return target.evaluate(
        "() => { const c = BEMStory.map.getCenter(); return {n: BEMStory.current() + 1,"
        " caption: document.querySelector('.story-caption').textContent,"
        " title: document.querySelector('.story-title').textContent,"
        " progress: document.querySelector('.story-progress').textContent, lat: c.lat, lon: c.lng}; }"
    )


@pytest.fixture(scope="module")
def story_file(layers, tmp_path_factory):
    path = tmp_path_factory.mktemp("story") / "story.html"
    path.write_bytes(story_html.write(layers, three(), BASE, "zh"))
    return path


@pytest.mark.browser
def test_the_keys_a_clicker_sends_move_between_chapters_with_no_request(browser, story_file):
    page, blocked = open_story(browser, story_file)
    first = seen(page)
    assert (first["n"], first["caption"], first["progress"]) == (1, "第一章：全市", "1 / 3")
    page.keyboard.press("ArrowRight")
    wait_chapter(page, 2)
    second = seen(page)
    assert (second["caption"], second["title"], second["progress"]) == ("第二章：一核的文字", "一核 <b>bold</b>", "2 / 3")
    assert (round(second["lat"], 3), round(second["lon"], 3)) != (round(first["lat"], 3), round(first["lon"], 3))
    assert page.evaluate("location.hash") == "#2"
    page.keyboard.press("ArrowLeft")
    wait_chapter(page, 1)
    assert seen(page)["caption"] == "第一章：全市"
    for key, n in (("End", 3), ("Home", 1), ("PageDown", 2), ("PageUp", 1), ("Space", 2)):
        page.keyboard.press(key)
        wait_chapter(page, n)
        assert seen(page)["n"] == n, key
    assert blocked == []
    page.close()


@pytest.mark.browser
def test_the_hash_opens_its_chapter_and_the_buttons_have_names(browser, story_file):
    page, blocked = open_story(browser, story_file, hash_="#3")
    assert seen(page)["caption"] == "第三章：雁栖湖"
    names = page.eval_on_selector_all("button", "bs => bs.map(b => b.getAttribute('aria-label'))")
    assert i18n.t("story_next", "zh") in names and i18n.t("story_prev", "zh") in names
    assert i18n.t("story_goto", "zh").format(n=2, title="一核 <b>bold</b>") in names
    page.get_by_role("button", name=i18n.t("story_prev", "zh")).click()
    wait_chapter(page, 2)
    assert blocked == []
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_reduced_motion_skips_the_flight(browser, story_file, motion):
    """With ``prefers-reduced-motion`` the map is at the next chapter the moment the key is handled (no flight)."""
    page = browser.new_page(viewport={"width": 1280, "height": 720}, reduced_motion=motion)
    page.goto(story_file.as_uri())
    wait_chapter(page, 1)
    arrived = page.evaluate("() => { BEMStory.go(1); return document.getElementById('bem-story').dataset.settled; }")
    assert arrived == ("2" if motion == "reduce" else "")
    wait_chapter(page, 2)
    page.close()


@pytest.mark.browser
def test_a_caption_with_markup_shows_as_text_and_runs_nothing(browser, layers, tmp_path):
    path = tmp_path / "story.html"
    path.write_bytes(story_html.write(layers, three(XSS), BASE, "en"))
    page, blocked = open_story(browser, path, hash_="#2")
    assert seen(page)["caption"] == XSS
    assert page.evaluate("window.__ran") is None
    assert page.locator(".story-panel img[src='x']").count() == 0
    assert blocked == []  # the <img src=x> was never made, so never fetched
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_screenshots_of_the_story_page(browser, layers, tmp_path, artifacts, lang):
    """For a person to look at (tests/artifacts/story-<lang>-<w>x<h>.png): caption readable, Chinese as
    glyphs, legend and labels clear of the panel; here: the panel is whole on screen and beside the places."""
    path = tmp_path / "story.html"
    path.write_bytes(story_html.write(layers, stories.from_views(["city", "core", "central-axis"]), BASE, lang))
    for w, h in SIZES:
        page, blocked = open_story(browser, path, (w, h), "#2")
        box = page.locator(".story-panel").bounding_box()
        assert box["x"] + box["width"] <= w + 1 and box["y"] + box["height"] <= h + 1 and box["x"] > w / 2
        nav = page.locator(".story-nav").bounding_box()
        assert nav["y"] + nav["height"] <= h
        caption_px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.story-caption')).fontSize)")
        assert caption_px >= 18
        page.screenshot(path=str(artifacts / f"story-{lang}-{w}x{h}.png"))
        assert blocked == []
        page.close()


# --- present mode in the app -----------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_present_mode_turns_the_pages_from_the_keyboard_and_esc_leaves(browser, app_url, artifacts, size):
    w, h = size
    page = browser.new_page(viewport={"width": w, "height": h})
    page.goto(f"{app_url}/?present=1&views=city,core,central-axis&lang=en")
    frame_el = page.wait_for_selector('iframe[data-testid="stIFrame"]', timeout=120000)
    frame = frame_el.content_frame()
    wait_chapter(frame, 1)
    frame.wait_for_function("() => document.activeElement && document.activeElement.id === 'bem-story'", timeout=30000)
    box = frame_el.bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, w, h)  # the story fills the window
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    first = seen(frame)
    page.keyboard.press("ArrowRight")  # no click first: the keys work from the start
    wait_chapter(frame, 2)
    second = seen(frame)
    assert second["title"] == "One Core" and second["caption"] != first["caption"]
    assert (round(second["lat"], 3), round(second["lon"], 3)) != (round(first["lat"], 3), round(first["lon"], 3))
    assert page.evaluate("location.hash") == "#2"
    page.screenshot(path=str(artifacts / f"story-present-en-{w}x{h}.png"))
    page.keyboard.press("End")
    wait_chapter(frame, 3)
    page.keyboard.press("ArrowLeft")
    wait_chapter(frame, 2)
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"view=core"), timeout=60000)
    assert "present=" not in page.url
    page.wait_for_selector('iframe[src*="streamlit_folium"]', timeout=120000)  # the map page again
    page.close()


@pytest.mark.browser
def test_the_present_button_opens_present_mode_in_chinese(browser, app_url, artifacts):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{app_url}/?lang=zh&view=core")
    page.get_by_role("link", name=i18n.t("story_present", "zh")).click()
    frame = page.wait_for_selector('iframe[data-testid="stIFrame"]', timeout=120000).content_frame()
    wait_chapter(frame, 2)  # the page's own view (the One Core) is the second of the named views
    assert seen(frame)["title"] == "一核（首都功能核心区）"
    page.keyboard.press("PageDown")
    wait_chapter(frame, 3)
    page.screenshot(path=str(artifacts / "story-present-zh-1280x720.png"))
    page.close()


@pytest.mark.browser
def test_present_mode_shows_a_story_kept_in_a_workspace(browser, artifacts, tmp_path):
    from geo import workspace
    from tests.conftest import serve_app

    folder = tmp_path / "ws"
    folder.mkdir()
    store = workspace.Store(f"sqlite:///{folder / 'workspaces.gpkg'}")
    made = store.create("简报")
    workspace.put_story(store, made["id"], made["edit_token"], "周五简报", three())
    with serve_app(artifacts / "streamlit-story.log", BEM_WORKSPACE_DIR=str(folder)) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(f"{url}/?present=1&ws={made['id']}&wt={made['view_token']}&story=周五简报&lang=zh#2")
        frame = page.wait_for_selector('iframe[data-testid="stIFrame"]', timeout=120000).content_frame()
        wait_chapter(frame, 2)  # the address's hash opens its chapter
        assert seen(frame)["caption"] == "第二章：一核的文字"
        page.keyboard.press("ArrowRight")
        wait_chapter(frame, 3)
        assert seen(frame)["caption"] == "第三章：雁栖湖"
        page.keyboard.press("Escape")
        page.wait_for_url(re.compile(r"view=yanqi-lake"), timeout=60000)
        assert f"ws={made['id']}" in page.url and "present=" not in page.url  # back on the map, the workspace open
        page.close()
