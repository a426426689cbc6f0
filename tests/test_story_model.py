"""The story model (geo/story.py): chapters as map specs, their default words, and story.json's mistakes."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace

import pytest

from geo import data, filters, plan, story
from geo.mapspec import MapSpec
from geo.views import VIEWS

BASE = MapSpec(today=dt.date(2026, 12, 1))


@pytest.fixture(scope="module")
def layers():
    return data.load_layers()


def test_a_story_of_views_round_trips_through_its_file():
    s = story.from_views(["city", "core", "central-axis"], title="年度汇报")
    again = story.loads(story.dumps(s))
    assert again == s
    assert [c.view for c in again.chapters] == ["city", "core", "central-axis"]
    assert json.loads(story.dumps(s))["title"] == "年度汇报"


def test_a_chapter_made_from_a_view_shows_that_view_again():
    spec = replace(
        BASE,
        bbox=(116.40, 39.90, 116.45, 39.95),
        view="",
        layers=BASE.layers[:3],
        filters=replace(filters.defaults(), statuses=("in_service",), within_km=5.0, of="core"),
        selection="yanqi_lake_resort",
        basemap="offline",
    )
    chapter = story.chapter_of(spec, title="东部")
    again = story.chapter_spec(BASE, story.loads(story.dumps(story.Story(chapters=(chapter,)))).chapters[0])
    assert again.bbox == spec.bbox
    assert again.layers == spec.layers
    assert again.filters == spec.filters
    assert again.selection == spec.selection
    assert again.lang == BASE.lang  # a chapter follows the reader's language unless pinned


def test_the_default_caption_quotes_the_plan_and_names_the_places_in_the_readers_language(layers):
    s = story.from_views(["yanqi-lake"])
    zh, en = (story.chapters(layers, s, BASE, lang)[0] for lang in ("zh", "en"))
    resort = plan.normalize_space(plan.sentence("upgrade the Beijing Yanqi Lake International Conference Resort"))
    assert "\xa0" not in zh.caption + en.caption  # plain spaces: a caption wraps between any two words
    assert resort in zh.caption and resort in en.caption
    assert "雁栖湖" in zh.caption and "英文发布稿" in zh.caption
    assert "Yanqi Lake" in en.caption and "雁栖湖" not in en.caption
    assert zh.title == VIEWS["yanqi-lake"].name("zh") and en.title == VIEWS["yanqi-lake"].name("en")
    assert "upgrade the Beijing Yanqi Lake" in plan.normalize_space(zh.notes)  # the deck's notes: the plan's words


def test_a_long_list_of_places_is_cut_to_a_count(layers):
    shown = story.chapters(layers, story.from_views(["central-axis"]), BASE, "zh")[0]
    assert len(shown.place_names) > story.CAPTION_NAMES
    first = shown.caption.splitlines()[0]
    assert re.search(r"等 \d+ 处：", first) and len(shown.caption.splitlines()) == story.CAPTION_SENTENCES
    assert shown.place_names[-1] not in first  # the last of many names is counted, not listed


def test_both_languages_label_in_both_on_a_chinese_page(layers):
    shown = story.chapters(layers, story.from_views(["yanqi-lake"]), BASE, "both")[0]
    assert shown.spec.lang == "zh" and shown.spec.labels == "both"
    assert "雁栖湖" in shown.caption and "Yanqi Lake" in shown.caption


def test_own_words_win_and_are_plain_text(layers):
    chapter = story.Chapter(title="<b>标题</b>", caption="自己的说明", notes="讲稿", view="core")
    shown = story.chapters(layers, story.Story(chapters=(chapter,)), BASE, "zh")[0]
    assert (shown.caption, shown.notes) == ("自己的说明", "讲稿")
    assert "标题" in shown.title


@pytest.mark.parametrize(
    "text, zh, en",
    [
        ('{"chapters": [{"view": "city"}, {"view": "nowhere"}]}', "第 2 章，字段“view”", "chapter 2, field “view”"),
        ('{"chapters": [{"bbox": [116.5, 39.9, 116.4, 40.0]}]}', "字段“bbox”", "field “bbox”"),
        ('{"chapters": [{"view": "city", "layers": ["nope"]}]}', "未知图层“nope”", "unknown layer “nope”"),
        ('{"chapters": [{"view": "city", "filters": {"year": "soon"}}]}', "year=soon", "year=soon"),
        ('{"chapters": [{"view": "city", "zoom": 3}]}', "字段“zoom”", "field “zoom”"),
        ('{"chapters": [{"view": "city", "title": 5}]}', "应为文字", "must be text"),
        ('{"chapters": []}', "至少需要一章", "at least one chapter"),
        ('{"chapters": [{"view": "city"}],\n "title": }', "第 2 行", "line 2"),
        ("[1, 2]", "字段“chapters”", "field “chapters”"),
    ],
)
def test_a_bad_story_file_names_the_file_chapter_and_field_in_both_languages(text, zh, en):
    with pytest.raises(story.StoryError) as caught:
        story.loads(text, "talk.json")
    assert zh in caught.value.message("zh") and "talk.json" in caught.value.message("zh")
    assert en in caught.value.message("en") and "talk.json" in str(caught.value)


def test_an_unreadable_story_file_is_named(tmp_path):
    path = tmp_path / "story.json"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(story.StoryError, match="story.json"):
        story.load(path)
    with pytest.raises(story.StoryError, match="missing.json"):
        story.load(tmp_path / "missing.json")


def test_too_many_chapters_are_refused():
    text = json.dumps({"chapters": [{"view": "city"}] * (story.MAX_CHAPTERS + 1)})
    with pytest.raises(story.StoryError) as caught:
        story.loads(text)
    assert str(story.MAX_CHAPTERS) in caught.value.message("zh")


def test_a_review_line_alone_under_the_map_gets_its_own_footer_line():
    from geo.mapspec import Furniture
    from geo.snapshot import layout

    off = Furniture(attribution=False, source=False, date=False, review="")
    assert layout.footer_lines(replace(BASE, furniture=off)) == 0
    assert layout.footer_lines(replace(BASE, furniture=replace(off, review="审图号：GS(2026)0424号"))) == 1
    assert (
        layout.footer_lines(replace(BASE, furniture=replace(off, attribution=True, review="审图号"))) == 1
    )  # it leads that line


def test_workspace_diff_names_a_story_added_and_changed(layers):
    from geo import project_report

    one = {"stories": [{"name": "周五简报", "story": story.from_views(["city"]).to_dict()}]}
    two = {"stories": [*one["stories"], {"name": "周五简报", "story": story.from_views(["city", "core"]).to_dict()}]}
    assert ("diff_added", {"part": "stories", "name": "周五简报"}) in project_report.diff(layers, {}, one)
    assert ("diff_changed", {"part": "stories", "name": "周五简报"}) in project_report.diff(layers, one, two)


def test_each_view_quotes_the_sentence_it_is_about(layers):
    shown = {
        s.chapter.view: s.caption for s in story.chapters(layers, story.from_views(["city", "core", "airports"]), BASE, "en")
    }
    assert shown["city"] != shown["core"]  # a presenter's first two chapters do not say the same thing
    assert "Central Axis" in shown["core"]
    assert "Capital International Airport" in shown["airports"] and "Daxing" in shown["airports"]
