"""A story's words in the catalogue (``geo.i18n``): its errors, its default captions and the present mode.

Kept apart from geo/i18n.py only for size (like geo/panel_messages.py); ``i18n.t`` finds them as UI strings
and ``i18n.catalogue()`` lists them as ``ui.*``.
"""

from __future__ import annotations

#: UI strings: {key: {"zh": ..., "en": ...}}, with {placeholders}
STORY_MESSAGES: dict[str, dict[str, str]] = {
    "story_error_json": {
        "zh": "故事文件 {file} 不是有效的 JSON（第 {line} 行）：请用文本编辑器检查该行。",
        "en": "The story file {file} is not valid JSON (line {line}): check that line in a text editor.",
    },
    "story_error_read": {
        "zh": "无法读取故事文件 {file}：请检查文件是否存在、是否为 UTF-8 文本。",
        "en": "Cannot read the story file {file}: check that it exists and is UTF-8 text.",
    },
    "story_error_field": {
        "zh": "故事文件 {file}，第 {chapter} 章，字段“{field}”：{problem}",
        "en": "Story file {file}, chapter {chapter}, field “{field}”: {problem}",
    },
    "story_error_top": {
        "zh": "故事文件 {file}，字段“{field}”：{problem}",
        "en": "Story file {file}, field “{field}”: {problem}",
    },
    "story_problem_type": {"zh": "应为{kind}", "en": "must be {kind}"},
    "story_problem_long": {"zh": "超过 {limit} 个字符", "en": "is longer than {limit} characters"},
    "story_problem_view": {"zh": "未知视图“{value}”，可选：{known}", "en": "unknown view “{value}”; known: {known}"},
    "story_problem_layer": {"zh": "未知图层“{value}”，可选：{known}", "en": "unknown layer “{value}”; known: {known}"},
    "story_problem_basemap": {"zh": "未知底图“{value}”，可选：{known}", "en": "unknown basemap “{value}”; known: {known}"},
    "story_problem_lang": {"zh": "语言应为 zh、en 或留空", "en": "language must be zh, en or empty"},
    "story_problem_bbox": {
        "zh": "范围应为四个数：最小经度、最小纬度、最大经度、最大纬度（最小值小于最大值）",
        "en": "the extent must be four numbers minlon, minlat, maxlon, maxlat (each minimum below its maximum)",
    },
    "story_problem_filter": {"zh": "筛选条件“{value}”无效", "en": "the filter “{value}” is not valid"},
    "story_problem_unknown": {"zh": "未知字段，可用字段：{known}", "en": "unknown field; known fields: {known}"},
    "story_problem_where": {
        "zh": "每章需要一个视图（view）或一个范围（bbox）",
        "en": "each chapter needs a view or an extent (bbox)",
    },
    "story_error_empty": {
        "zh": "故事文件 {file} 没有章节：故事至少需要一章。",
        "en": "The story file {file} has no chapter: a story needs at least one chapter.",
    },
    "story_error_many": {
        "zh": "故事文件 {file} 的章节太多：故事最多 {limit} 章。",
        "en": "The story file {file} has too many chapters: a story has at most {limit} chapters.",
    },
    "story_kind_text": {"zh": "文字", "en": "text"},
    "story_kind_list": {"zh": "列表", "en": "a list"},
    "story_kind_object": {"zh": "对象（{{…}}）", "en": "an object ({{…}})"},
    "story_kind_chapters": {"zh": "章节列表", "en": "a list of chapters"},
    "story_caption_none": {
        "zh": "本章范围内没有会议点名的场所。",
        "en": "No place named by the meeting is in this chapter's view.",
    },
    "story_caption_quote": {"zh": "{names}：“{sentence}”（英文发布稿原文）", "en": "{names}: “{sentence}”"},
    "story_caption_more": {"zh": "{names}等 {total} 处", "en": "{names} and {n} more"},
    "story_chapter": {"zh": "第 {n} 章", "en": "Chapter {n}"},
    "story_error_name": {
        "zh": "工作区中没有名为“{name}”的故事；已有：{known}",
        "en": "The workspace has no story named “{name}”; it has: {known}",
    },
    "story_error_none": {"zh": "工作区中还没有故事。", "en": "The workspace has no story yet."},
    "story_error_which": {
        "zh": "工作区有多个故事，请用 --name 指定其一：{known}",
        "en": "The workspace has several stories: choose one with --name: {known}",
    },
    "story_alt": {"zh": "地图：{title}。图中场所：{places}", "en": "Map: {title}. Places shown: {places}"},
    "story_alt_none": {"zh": "地图：{title}。图中没有会议点名的场所。", "en": "Map: {title}. No named place is shown."},
    "story_notes_heading": {"zh": "讲稿", "en": "Speaker notes"},
    "story_page": {"zh": "第 {n} / {total} 页", "en": "Page {n} of {total}"},
    "ws_change_story": {"zh": "故事：{name}", "en": "story: {name}"},
    "ws_part_stories": {"zh": "故事（标题与章数）", "en": "Story (title, chapters)"},
    # the story page (geo/story_html.py, geo/static/story/story.js) and the app's present mode (ui/present.py)
    "story_next": {"zh": "下一章", "en": "Next chapter"},
    "story_prev": {"zh": "上一章", "en": "Previous chapter"},
    "story_progress": {"zh": "{n} / {total}", "en": "{n} / {total}"},
    "story_goto": {"zh": "第 {n} 章：{title}", "en": "Chapter {n}: {title}"},
    "story_legend": {"zh": "图例", "en": "Legend"},
    "story_map": {"zh": "本章地图", "en": "The chapter's map"},
    "story_nav": {"zh": "章节", "en": "Chapters"},
    "story_keys": {"zh": "← → 翻页 · F 全屏", "en": "← → turn the page · F full screen"},
    "story_exit": {"zh": "退出演示（Esc）", "en": "Leave present mode (Esc)"},
    "story_present": {"zh": "演示", "en": "Present"},
    "story_present_help": {
        "zh": "全屏演示这些视图组成的故事：← → 翻页，Esc 退出",
        "en": "Present a story of these views full screen: ← → turn the page, Esc leaves",
    },
    "story_present_ws": {
        "zh": "无法打开链接中的工作区：请检查工作区链接（ws= 与令牌）是否完整。",
        "en": "The link's workspace cannot be opened: check that the workspace link (ws= and its token) is complete.",
    },
    "story_present_none": {
        "zh": "没有可演示的故事：请在链接中给出 views=（例如 views=city,core,central-axis）。",
        "en": "No story to present: give views= in the link (for example views=city,core,central-axis).",
    },
}
