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
    "story_basemap": {"zh": "底图：{credit}", "en": "Basemap: {credit}"},
    "story_basemap_boundary": {
        "zh": "底图：北京市界（离线矢量，无瓦片）",
        "en": "Basemap: Beijing boundary (offline vector, no tiles)",
    },
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
    # the app's story panel (ui/story_panel.py)
    "sp_title": {"zh": "故事与演示", "en": "Story and present"},
    "sp_hint": {
        "zh": "把地图上的视图逐章加入故事，再演示，或导出为幻灯片、讲义和离线网页。",
        "en": "Add the map's views to a story one chapter at a time, then present it or export slides, a handout or an offline page.",
    },
    "sp_add": {"zh": "把当前视图加为一章", "en": "Add this view as a chapter"},
    "sp_added": {"zh": "已加为第 {n} 章。", "en": "Added as chapter {n}."},
    "sp_full": {"zh": "故事最多 {limit} 章：请先删除一章。", "en": "A story has at most {limit} chapters: delete one first."},
    "sp_empty": {
        "zh": "还没有章节：在地图上调好视图，再点“把当前视图加为一章”。",
        "en": "No chapter yet: set up a view on the map, then press “Add this view as a chapter”.",
    },
    "sp_story_title": {"zh": "故事标题", "en": "Story title"},
    "sp_review": {
        "zh": "审图号与数据日期（每页一行，可留空）",
        "en": "Map review number and data date (a line on every page; may be empty)",
    },
    "sp_pick": {"zh": "编辑哪一章", "en": "Chapter to edit"},
    "sp_field_title": {"zh": "本章标题（留空：默认）", "en": "Chapter title (empty: the default)"},
    "sp_field_caption": {"zh": "说明文字（留空：默认的规划原文）", "en": "Caption (empty: the default, the plan's words)"},
    "sp_field_notes": {"zh": "讲稿（留空：默认）", "en": "Speaker notes (empty: the default)"},
    "sp_up": {"zh": "↑ 上移", "en": "↑ Move up"},
    "sp_down": {"zh": "↓ 下移", "en": "↓ Move down"},
    "sp_goto": {"zh": "在地图上显示本章", "en": "Show it on the map"},
    "sp_delete": {"zh": "删除本章", "en": "Delete this chapter"},
    "sp_download": {"zh": "下载 story.json", "en": "Download story.json"},
    "sp_upload": {"zh": "载入 story.json（替换当前故事）", "en": "Load a story.json (replaces this story)"},
    "sp_loaded": {"zh": "已载入 {file}：{n} 章", "en": "Loaded {file}: {n} chapters"},
    "sp_file_big": {
        "zh": "故事文件 {file} 太大（超过 {mb} MB）：故事文件只含文字。",
        "en": "The story file {file} is too big (over {mb} MB): a story file holds text only.",
    },
    "sp_ws_heading": {"zh": "工作区中的故事", "en": "Stories in the workspace"},
    "sp_ws_pick": {"zh": "工作区故事", "en": "Workspace story"},
    "sp_ws_open": {"zh": "打开此故事（替换当前故事）", "en": "Open this story (replaces this story)"},
    "sp_ws_opened": {"zh": "已打开工作区故事“{name}”：{n} 章", "en": "Opened the workspace's story “{name}”: {n} chapters"},
    "sp_ws_name": {"zh": "保存为（故事名称）", "en": "Save as (the story's name)"},
    "sp_ws_save": {"zh": "保存到工作区（新版本）", "en": "Save to the workspace (a new version)"},
    "sp_ws_saved": {
        "zh": "已保存故事“{name}”：工作区第 {version} 版",
        "en": "Saved the story “{name}”: workspace version {version}",
    },
    "sp_ws_need_name": {"zh": "请先填写故事名称。", "en": "Give the story a name first."},
    "sp_ws_read_only": {
        "zh": "此链接只能查看：保存故事需要工作区的编辑链接。",
        "en": "This link can only view: saving a story needs the workspace's edit link.",
    },
    "sp_ws_refused": {
        "zh": "工作区未能保存此故事（工作区已满或故事过大）：请删去一些内容后重试。",
        "en": "The workspace did not keep this story (it is full or the story is too big): remove something and try again.",
    },
    "sp_export_heading": {"zh": "导出故事", "en": "Export the story"},
    "sp_export_format": {"zh": "文件格式", "en": "File format"},
    "sp_fmt_pptx": {"zh": "PowerPoint 幻灯片（每章一页）", "en": "PowerPoint slides (a slide per chapter)"},
    "sp_fmt_pdf": {"zh": "PDF 讲义（每章一页）", "en": "PDF handout (a page per chapter)"},
    "sp_fmt_html": {"zh": "离线网页（单个 HTML 文件）", "en": "Offline page (one HTML file)"},
    "sp_export_lang": {"zh": "文字语言", "en": "Language of the words"},
    "sp_aspect": {"zh": "幻灯片比例", "en": "Slide shape"},
    "sp_export_make": {"zh": "制作文件", "en": "Make the file"},
    "sp_download_file": {"zh": "下载 {name}（{kb} KB）", "en": "Download {name} ({kb} KB)"},
    "sp_rendering": {"zh": "正在制作故事文件……", "en": "Making the story's file…"},
    "sp_present": {"zh": "演示此故事（新标签页）", "en": "Present this story (new tab)"},
    "sp_present_help": {
        "zh": "在新标签页全屏演示：← → 翻页，F 全屏，Esc 回到地图",
        "en": "Present full screen in a new tab: ← → turn the page, F full screen, Esc back to the map",
    },
    "story_present_gone": {
        "zh": "此演示链接已失效：请回到地图页的“故事与演示”面板，再点“演示此故事”。",
        "en": "This present link has expired: press “Present this story” again in the map page's “Story and present” panel.",
    },
}
