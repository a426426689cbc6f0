"""A story built in the app (ui/story_panel.py): three views added as chapters through the page's own view control,
reordered, a caption edited, one deleted and one shown on the map again; the story survives a language switch;
story.json downloads as ``story.dumps`` of the session's story and loads back, and a bad one says in Chinese which
chapter and field are wrong; an edit link saves the story in a SQLite workspace as a new version, a view link only
opens it; the panel's PPTX has a slide per chapter; the panel's present link shows the story in a new session.

Real things only: the page in Streamlit's AppTest, a workspace store on disk, the download's bytes as Streamlit's
media store serves them, the slides read back with python-pptx."""

from __future__ import annotations

import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from geo import i18n, workspace
from geo import story as stories
from geo.data import load_layers
from geo.mapspec import MapSpec
from geo.views import VIEWS
from tests.conftest import app_test

LAYERS = load_layers()
VIEW_ORDER = ("city", "core", "central-axis")


@pytest.fixture
def media(monkeypatch):
    """The media stores AppTest's runs serve downloads from (the last one holds the last run's files)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import app_test as app_test_module

    made = []

    class Kept(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Kept)
    return made


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_panel(query: dict | None = None, lang: str = "zh"):
    at = app_test({"lang": lang, "basemap": "offline", **(query or {})})
    at.session_state["story_open"] = True
    return ok(at.run())


def story_of(at) -> stories.Story:
    return at.session_state["bem"].story


def add_views(at, views=VIEW_ORDER):
    """Each view chosen in the sidebar's view control, then added as a chapter."""
    for view in views:
        at.selectbox(key="view").set_value(view).run()
        ok(at.button(key="story_add").click().run())
    return at


def texts(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_three_views_become_chapters_that_are_reordered_edited_deleted_and_shown_again():
    lang = "zh"
    at = add_views(open_panel(lang=lang))
    assert [c.view for c in story_of(at).chapters] == list(VIEW_ORDER)
    assert [c.bbox for c in story_of(at).chapters] == [None, None, None]  # each at its named view's extent
    listed = texts(at)
    assert all(f"{n}. {VIEWS[v].name(lang)}" in listed for n, v in enumerate(VIEW_ORDER, 1)), listed
    # the editor opens on the chapter just added; its fields are empty and show the defaults as placeholders
    base = MapSpec(lang=lang)
    axis = stories.chapter_spec(base, stories.Chapter(view="central-axis"), lang)
    assert at.text_area(key="story_ch_caption").placeholder == stories.default_caption(LAYERS, axis)
    assert at.text_input(key="story_ch_title").placeholder == VIEWS["central-axis"].name(lang)
    ok(at.button(key="story_up").click().run())  # the central axis before the core
    assert [c.view for c in story_of(at).chapters] == ["city", "central-axis", "core"]
    at.selectbox(key="story_pick").set_value(2).run()
    ok(at.text_area(key="story_ch_caption").input("东二环以东的使馆与国际组织。").run())
    assert story_of(at).chapters[2].caption == "东二环以东的使馆与国际组织。"
    at.selectbox(key="story_pick").set_value(0).run()
    ok(at.button(key="story_delete").click().run())
    assert [c.view for c in story_of(at).chapters] == ["central-axis", "core"]
    assert at.text_area(key="story_ch_caption").value == ""  # the editor is on the central axis, its default caption
    ok(at.button(key="story_go").click().run())  # the page goes to the chapter's view
    assert at.session_state["page"].view == "central-axis" and at.selectbox(key="view").value == "central-axis"


def test_the_story_survives_a_language_switch():
    at = add_views(open_panel(lang="zh"), ("core", "central-axis"))
    at.selectbox(key="story_pick").set_value(0).run()
    ok(at.text_input(key="story_ch_title").input("一核").run())
    before = story_of(at)
    ok(at.radio(key="lang").set_value("en").run())
    assert story_of(at) == before and len(before.chapters) == 2
    at.session_state["story_open"] = True  # a panel's label is part of its identity: a new language closes it
    ok(at.run())
    assert story_of(at) == before
    listed = texts(at)  # the panel in English: the own title as typed, the default one in English
    assert "1. 一核" in listed and f"2. {VIEWS['central-axis'].name('en')}" in listed, listed
    assert at.button(key="story_add").label == i18n.t("sp_add", "en")


def test_story_json_downloads_as_the_sessions_story_and_loads_back(media):
    at = add_views(open_panel())
    at.text_input(key="story_title").input("外事简报").run()
    story = story_of(at)
    button = at.download_button(key="story_download")
    data = media[-1].get_file(button.proto.url.rsplit("/", 1)[-1]).content
    assert data.decode("utf-8") == stories.dumps(story) and story.title == "外事简报"
    fresh = open_panel()  # another session loads the file
    ok(fresh.file_uploader(key="story_file").set_value(("story.json", data, "application/json")).run())
    assert story_of(fresh) == story
    assert [c.view for c in story_of(fresh).chapters] == list(VIEW_ORDER)


def test_a_bad_story_json_says_in_chinese_which_chapter_and_field():
    bad = json.dumps({"chapters": [{"view": "core"}, {"view": "city", "bbox": [116.3, 39.9]}]}).encode()
    at = open_panel(lang="zh")
    ok(at.file_uploader(key="story_file").set_value(("briefing.json", bad, "application/json")).run())
    with pytest.raises(stories.StoryError) as caught:
        stories.loads(bad.decode(), "briefing.json")
    expected = caught.value.message("zh")
    assert "第 2 章" in expected and "“bbox”" in expected and "briefing.json" in expected
    shown = [e.value for e in at.error]
    assert len(shown) == 1 and all(part in shown[0] for part in ("briefing", "第 2 章", "bbox", "范围应为四个数")), shown
    assert story_of(at) is None  # nothing was loaded


def test_an_edit_link_saves_the_story_as_a_new_version_and_a_view_link_only_opens_it(store):
    created = store.create("briefing room")
    link = {"ws": created["id"], "wt": created["view_token"]}
    at = add_views(open_panel({**link, "et": created["edit_token"]}), ("core", "central-axis"))
    head = store.load(created["id"], created["view_token"]).version
    at.text_input(key="story_ws_name").input("周一简报").run()
    ok(at.button(key="story_ws_save").click().run())
    saved = store.load(created["id"], created["view_token"])
    assert saved.version == head + 1
    assert store.history(created["id"], created["view_token"])[-1]["change"] == "story: 周一简报"
    assert workspace.get_story(saved.content, "周一简报") == story_of(at)
    assert any("周一简报" in s.value for s in at.success)

    viewer = open_panel(link)  # a view link: the workspace's stories open, nothing saves
    assert not [b for b in viewer.button if b.key == "story_ws_save"]
    assert i18n.t("sp_ws_read_only", "zh") in [c.value for c in viewer.caption]
    ok(viewer.button(key="story_ws_open").click().run())
    assert story_of(viewer) == story_of(at)
    assert store.load(created["id"], created["view_token"]).version == head + 1


def test_the_panels_pptx_has_a_slide_per_chapter():
    from pptx import Presentation

    at = add_views(open_panel(lang="zh"))
    at.selectbox(key="story_fmt").set_value("pptx").run()
    ok(at.button(key="story_make").click().run(timeout=600))  # the run waits for the render
    fmt, data = at.session_state["bem"].story_out
    deck = Presentation(io.BytesIO(data))
    assert fmt == "pptx" and len(deck.slides) == len(VIEW_ORDER)
    for slide, view in zip(deck.slides, VIEW_ORDER):
        shape_text = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert VIEWS[view].name("zh") in shape_text
        assert sum(1 for s in slide.shapes if s.shape_type == 13) == 1  # one picture: the chapter's map
    assert at.download_button(key="story_export_download").label.startswith(
        i18n.t("sp_download_file", "zh").split("{")[0] + "story.pptx"
    )


def test_the_present_link_shows_the_sessions_story_in_a_new_session():
    at = add_views(open_panel(lang="zh"), ("core", "central-axis"))
    at.selectbox(key="story_pick").set_value(1).run()
    ok(at.text_input(key="story_ch_title").input("中轴线申遗").run())
    (button,) = [b for b in at.get("link_button")]
    query = {k: v[0] for k, v in parse_qs(urlsplit(button.proto.url).query).items()}
    assert query["present"] == "1" and query["story"].startswith("session-")
    shown = app_test(query)  # a new tab: another session, the same server
    ok(shown)
    (frame,) = shown.get("iframe")
    page = frame.proto.srcdoc
    assert "中轴线申遗" in page and VIEWS["core"].name("zh") in page
    gone = app_test({**query, "story": "session-" + "x" * 24})
    assert i18n.t("story_present_gone", "zh") in [e.value for e in gone.error]
