"""The command line's words in the catalogue (``geo.i18n``): its help, its errors and what it reports.

Kept apart from geo/i18n.py only for size (like geo/import_messages.py); ``i18n.catalogue()`` and its tests
include them as ``cli.*``; ``i18n.cli(key, lang, **fields)`` fills the ``{placeholders}``. The command line
speaks the language of its ``--lang`` (where a command has one), else of ``BEM_LANG``, else of the locale
(``LANG=zh_CN.UTF-8`` gives Chinese), else English (``geo.i18n.cli_lang``).
"""

from __future__ import annotations

#: (Chinese, English), with {placeholders}
CLI_MESSAGES: dict[str, tuple[str, str]] = {
    # --- help ---
    "description": ("北京国际交往中心功能建设地图命令行工具。", "Beijing Exchange Map on the command line."),
    "help": ("显示此帮助并退出", "show this help message and exit"),
    "usage": ("用法：", "usage: "),
    "options": ("选项", "options"),
    "positionals": ("位置参数", "positional arguments"),
    "snapshot": ("生成地图快照或导出数据", "render a map snapshot or export data"),
    "snapshot_desc": (
        "生成快照。格式由 --out 的扩展名决定：.png .svg .pdf（印刷级）、.html（独立交互地图）、"
        ".geojson .gpkg .kml .csv（所显示的数据）。",
        "Render a snapshot. The format comes from --out's extension: .png .svg .pdf (print-grade), .html "
        "(standalone interactive map), .geojson .gpkg .kml .csv (the shown data).",
    ),
    "out": ("输出文件；其扩展名决定格式", "output file; its extension picks the format"),
    "size": ("像素尺寸 宽x高，例如 1920x1080（默认）或 3840x2160", "pixel size WxH, e.g. 1920x1080 (default) or 3840x2160"),
    "paper": ("纸张尺寸；像素由 --dpi 推算", "paper size; pixels follow from --dpi"),
    "dpi": ("每英寸点数（默认 150；印刷用 300）", "dots per inch (default 150; 300 for print)"),
    "bbox": ("范围：最小经度,最小纬度,最大经度,最大纬度（WGS-84）", "minlon,minlat,maxlon,maxlat in WGS-84"),
    "view": ("命名视图（默认：city 全市）", "a named view (default: city)"),
    "layers": (
        "以逗号分隔的图层组（{groups}）或图层（{layers}）；默认：全部",
        "comma-separated groups ({groups}) or layers ({layers}); default: all",
    ),
    "basemap": (
        "底图瓦片在服务器端获取并缓存；“local”从 BEM_BASEMAP_FILE（MBTiles 文件）读取；“offline”只绘制矢量图层（默认）",
        "tiles fetched server-side and cached; 'local' reads them from BEM_BASEMAP_FILE (an MBTiles file); "
        "'offline' draws vector layers only (default)",
    ),
    "lang_labels": ("注记与文字的语言", "language of labels and text"),
    "title": ("标题（默认：地图名称；'' 表示不要标题）", "title (default: the map's name; '' for none)"),
    "subtitle": ("标题下的副标题", "subtitle under the title"),
    "hide": ("以逗号分隔、不绘制的图面要素：{items}", "comma-separated furniture to leave out: {items}"),
    "filters": (
        "筛选（与应用相同；每项可取以逗号分隔的多个值）",
        "filters (the same as the app's; each takes comma-separated values)",
    ),
    "select": ("突出显示此场所（并以它为 --within 的测量起点）", "highlight this venue (and measure --within from it)"),
    "deck": ("PowerPoint 演示文稿：每个视图一页，附演讲者备注", "a PowerPoint deck: one slide per view, with speaker notes"),
    "deck_desc": (
        "生成 .pptx 演示文稿：每个视图一页，含标题、地图（图例在图上）和演讲者备注（图上地点的规划原文）。",
        "Write a .pptx deck: for each view a slide with its title, the map (legend on the image) and speaker "
        "notes carrying the plan's sentences for the places on it.",
    ),
    "deck_out": ("要写入的 .pptx 文件", "the .pptx file to write"),
    "views": ("以逗号分隔的视图：{views}", "comma-separated views: {views}"),
    "atlas": ("多页 PDF 图集：每个命名视图或每个场所一页", "a multi-page PDF: one page per named view, or per venue"),
    "atlas_desc": (
        "生成 PDF 图集：每个命名视图一页（--per view），或每个场所一页并附其信息卡（--per venue）。文字可选中复制。",
        "Write a PDF atlas: one page per named view (--per view) or per venue with its card facts (--per venue). "
        "Text stays selectable.",
    ),
    "atlas_out": ("要写入的 .pdf 文件", "the .pdf file to write"),
    "per": ("每个视图一页（默认）或每个场所一页", "a page per view (default) or venue"),
    "lang_titles": ("标题与注记的语言", "language of titles and labels"),
    "aspect": ("页面比例（默认 16:9）", "page shape (default 16:9)"),
    "deck_basemap": ("底图（默认 offline 离线）", "basemap (default offline)"),
    "deck_title": ("演示文稿或图集的标题", "the deck's or atlas's title"),
    "workspace": ("共享工作区：创建、添加图层、查看、导出、恢复", "shared workspaces: create, add layers, show, export, restore"),
    "workspace_desc": (
        "工作区在服务器上保存图层和草图（SQLite 位于 BEM_WORKSPACE_DIR，或 PostgreSQL 位于 BEM_DATABASE_URL）。"
        "错误或只读的令牌会被拒绝（退出码 1），不做任何更改。",
        "Workspaces keep layers and sketches on the server (SQLite under BEM_WORKSPACE_DIR, or PostgreSQL at "
        "BEM_DATABASE_URL). A wrong or view-only token is refused with exit 1; nothing changes.",
    ),
    "ws_new": (
        "创建工作区；输出含 id、view_token、edit_token 的 JSON",
        "create a workspace; prints JSON with id, view_token, edit_token",
    ),
    "ws_name": ("工作区名称", "the workspace's name"),
    "ws_add": ("导入文件（与其他导入一样校验）作为新版本", "import a file (validated like any import) as a new version"),
    "ws_id": ("工作区编号", "the workspace's id"),
    "ws_file": ("要导入的文件", "the file to import"),
    "edit_token": ("编辑令牌", "the edit token"),
    "view_token": ("查看（或编辑）令牌", "the view (or edit) token"),
    "crs": ("文件所用的坐标系（默认 wgs84）", "the coordinate system the file is in (default wgs84)"),
    "ws_show": (
        "输出 JSON：图层（名称、要素数）与版本（从旧到新）",
        "print JSON: layers (name, feature count) and versions (oldest first)",
    ),
    "ws_export": ("导出图层与草图（.gpkg .geojson .kml .csv）", "write the layers and sketches (.gpkg .geojson .kml .csv)"),
    "ws_restore": ("将旧版本恢复为最新版本（历史完整保留）", "make an old version the newest again (history stays whole)"),
    "ws_version": ("要恢复的版本号", "the version to restore"),
    "check": ("校验随附数据并输出摘要", "validate the shipped data and print a summary"),
    "ids": ("同时列出所有要素编号（供 --of 与 --select 使用）", "also list every feature id (for --of and --select)"),
    "validate": (
        "导入前检查文件（退出码 0 无问题，1 有问题，2 无法读取）",
        "check a file before importing it (exit 0 clean, 1 problems, 2 unreadable)",
    ),
    "validate_desc": (
        "校验待导入的 GeoJSON、GeoPackage、KML、CSV 或 XLSX 文件。无问题退出码为 0，有问题为 1，无法读取为 2。",
        "Validate GeoJSON, GeoPackage, KML, CSV or XLSX for import. Exit 0 when clean, 1 when it has problems, "
        "2 when it cannot be read.",
    ),
    "validate_file": ("要检查的文件", "the file to check"),
    "lang_messages": ("消息的语言", "language of the messages"),
    # --- the filters' help (geo.filters.FILTERS) ---
    "f_categories": ("场所类别", "venue categories"),
    "f_districts": ("所在区（英文名），例如 Dongcheng,Chaoyang", "districts by English name, e.g. Dongcheng,Chaoyang"),
    "f_actions": ("规划举措", "plan actions"),
    "f_statuses": ("建设状态", "statuses"),
    "f_year": ("显示该年份已有（或已规划）的布局", "the layout as it stood (or is planned) in this year"),
    "f_within": ("只显示距 --of 直线 KM 公里以内的场所", "only venues within KM km (straight line) of --of"),
    "f_of": (
        "--within 的测量起点：场所、核心、轴线或区域的编号（见 `python -m geo check --ids`），或 point 配合 --point",
        "what --within measures from: a venue, core, axis or area id (see `python -m geo check --ids`), or 'point' with --point",
    ),
    "f_point": ("--of point 的测量起点：纬度,经度（WGS-84）", "LAT,LON (WGS-84) that --of point measures from"),
    # --- what it reports ---
    "error": ("错误：{message}", "error: {message}"),
    "note": ("提示：{message}", "note: {message}"),
    "internal": (
        "内部错误，命令未完成：请重试；再次出现时请把所用的命令交给系统维护人员",
        "internal error; the command did not finish: try again, and if it happens again give the command you ran to"
        " the maintainers",
    ),
    "file_message": ("{name}：{message}", "{name}: {message}"),
    "file_not_found": ("{path}：找不到这个文件，请检查路径", "{path}: there is no such file; check the path"),
    "file_no_permission": ("{path}：没有读取权限，请检查文件的权限", "{path}: permission denied; check the file's permissions"),
    "file_cannot_open": (
        "{path}：无法打开这个文件，请检查它是否存在且可读",
        "{path}: the file cannot be opened; check that it exists and is readable",
    ),
    "wrote": ("已写入 {path}（{kb} KB）", "wrote {path} ({kb} KB)"),
    "wrote_what": ("已写入 {path}（{kb} KB）：{what}", "wrote {path} ({kb} KB): {what}"),
    "progress": ("  {percent} {what}", "  {percent} {what}"),
    "count": ("{key} {n} 个要素", "{key} {n} features"),
    "mistakes": ("数据中有 {n} 处错误", "{n} mistake(s) in the data"),
    "data_ok": ("数据无误", "data OK"),
    "problem_error": ("错误：{text}", "error: {text}"),
    "problem_warning": ("提示：{text}", "warning: {text}"),
    "no_feature": ("{name}：未能读取任何要素（{summary}）", "{name}: no feature could be read ({summary})"),
    # --- bad arguments ---
    "size_format": ("尺寸应形如 1920x1080，而不是 {text!r}", "size must look like 1920x1080, not {text!r}"),
    "size_range": (
        "尺寸 {width}x{height} 超出范围：每边 200–16000 像素",
        "size {width}x{height} is out of range: each side 200-16000 px",
    ),
    "dpi_int": ("dpi 应为整数，而不是 {text!r}", "dpi must be a whole number, not {text!r}"),
    "dpi_range": (
        "dpi {dpi} 超出范围 50–1200（屏幕用 150，印刷用 300）",
        "dpi {dpi} is out of range 50-1200 (150 for screens, 300 for print)",
    ),
    "unknown_layer": (
        "未知图层 {item!r}；可用图层组 {groups} 或图层 {layers}",
        "unknown layer {item!r}; use groups {groups} or layers {layers}",
    ),
    "hide_unknown": ("--hide：未知项 {bad}；可用 {items}", "--hide: unknown item(s) {bad}; use {items}"),
    "select_unknown": ("--select：未知场所 {venue!r}；可用 {ids}", "--select: unknown venue {venue!r}; use one of {ids}"),
    "within_needs_of": (
        "--within 需要 --of ID（或 --select ID）作为测量起点",
        "--within needs --of ID (or --select ID) to measure from",
    ),
    "of_needs_within": ("--of 需要 --within KM", "--of needs --within KM"),
    "no_folder": ("文件夹 {folder} 不存在", "folder {folder} does not exist"),
    "out_suffix": ("--out 必须以 {suffix} 结尾，而不是 {name!r}", "--out must end in {suffix}, not {name!r}"),
    "views_unknown": ("--views：未知视图 {bad}；可用 {views}", "--views: unknown view(s) {bad}; use {views}"),
    "none": ("（无）", "(none)"),
    "flag_problem": ("{flag}：{problem}", "{flag}: {problem}"),
    "unknown_values": ("未知的 {name} 取值 {bad}；可用 {allowed}", "unknown {name} value(s) {bad}; use {allowed}"),
    "not_number": ("应为数字，而不是 {text!r}", "must be a number, not {text!r}"),
    "not_whole": ("应为整数，而不是 {text!r}", "must be a whole number, not {text!r}"),
    "out_of_range": ("{value} 超出范围 {lo}–{hi}", "{value} is out of range {lo}-{hi}"),
    "not_position": ("{text!r} 不是地球上的位置（纬度,经度）", "{text!r} is not a position on Earth (lat,lon)"),
    "unknown_id": (
        "--of：未知编号 {id!r}；请使用场所、核心、轴线或区域的编号（{ids}）",
        "--of: unknown id {id!r}; use a venue, core, axis or area id ({ids})",
    ),
    "point_needs": ("--of point 需要 --point 纬度,经度", "--of point needs --point LAT,LON"),
    # argparse's own errors, read back from its English (argparse has no Chinese of its own)
    "arg_required": ("缺少必需的参数：{args}", "the following arguments are required: {args}"),
    "arg_unrecognized": ("无法识别的参数：{args}", "unrecognized arguments: {args}"),
    "arg_choice": (
        "参数 {arg}：无效的选项 {value}（可选：{choices}）",
        "argument {arg}: invalid choice: {value} (choose from {choices})",
    ),
    "arg_expected": ("参数 {arg}：需要一个值", "argument {arg}: expected one argument"),
    "arg_not_with": ("参数 {arg}：不能与参数 {other} 同时使用", "argument {arg}: not allowed with argument {other}"),
    "arg_invalid": ("参数 {arg}：无效的 {kind} 值 {value}", "argument {arg}: invalid {kind} value: {value}"),
    "arg_other": ("参数 {arg}：{message}", "argument {arg}: {message}"),
    # --- key projects (geo/cli_projects.py, geo/projects.py) ---
    "projects": ("重点项目台账：列表、更新、报告", "the key projects' register: list, update, report"),
    "projects_desc": (
        "重点项目动态管理：每个规划地点的责任单位、环节、状态、节点与带来源的进展记录；更新保存为工作区的新版本。",
        "Dynamic management of the key projects: each plan place's responsible units, stage, status, milestones "
        "and dated history with its sources; updates are kept as new workspace versions.",
    ),
    "projects_list": ("以 JSON 列出某日的项目台账", "the register on a date, as JSON"),
    "projects_update": ("更新一个项目（工作区新版本）", "update one project (a new workspace version)"),
    "projects_add": ("在工作区新增一个重点项目", "add a new key project to a workspace"),
    "projects_report": ("年度评估报告：XLSX 或 PDF", "the review: XLSX or PDF"),
    "report_out": ("要写入的 .xlsx 或 .pdf 文件", "the .xlsx or .pdf file to write"),
    "report_lang": ("报告的语言（默认：命令行的语言）", "the report's language (default: the command line's)"),
    "as_of": ("截至日期 YYYY-MM-DD（默认：今天）", "as of this date, YYYY-MM-DD (default: today)"),
    "since": ("标出自该日期 YYYY-MM-DD 以来的变化", "mark the changes since this date, YYYY-MM-DD"),
    "project_id": ("项目编号（规划地点的编号）", "the project's id (the plan place's id)"),
    "status_arg": (
        "新状态：planned、under_construction、upgrading、in_service",
        "the new status: planned, under_construction, upgrading, in_service",
    ),
    "stage_arg": ("所处环节：planning、implementation、evaluation", "the stage: planning, implementation, evaluation"),
    "date_arg": ("更新生效的日期 YYYY-MM-DD", "the date the update stands from, YYYY-MM-DD"),
    "milestone_arg": ("节点 名称=目标日期[:实际日期]（可重复）", "a milestone NAME=YYYY-MM-DD[:ACTUAL] (repeatable)"),
    "note_arg": ("进展说明", "what happened"),
    "source_arg": ("来源：文件、会议或网址", "the source: a document, a meeting or a URL"),
    "by_arg": ("录入人", "who enters it"),
    "name_zh_arg": ("中文名称", "the name in Chinese"),
    "name_en_arg": ("英文名称", "the name in English"),
    "point_arg": ("位置 经度,纬度（WGS-84）", "the position LON,LAT (WGS-84)"),
    "ws_diff": ("两个版本之间的变化", "what changed between two versions"),
    "ws_version_from": ("较早的版本号", "the earlier version"),
    "ws_version_to": ("较晚的版本号", "the later version"),
    "project_bad_date": (
        "{text!r} 不是日期：请写作 YYYY-MM-DD，例如 2025-03-17",
        "{text!r} is not a date: write YYYY-MM-DD, e.g. 2025-03-17",
    ),
    "project_unknown": ("没有编号为 {project!r} 的重点项目", "there is no key project {project!r}"),
    "project_bad_term": ("{field} 不能取 {value!r}；可用 {values}", "{field} cannot be {value!r}; use {values}"),
    "project_empty_update": ("更新须含状态、环节、节点或说明", "an update needs a status, stage, milestone or note"),
    "project_bad_milestone": (
        "{text!r} 不是节点：请写作 名称=YYYY-MM-DD[:实际日期]",
        "{text!r} is not a milestone: write NAME=YYYY-MM-DD[:ACTUAL]",
    ),
    "project_bad_id": (
        "{project!r} 不能作编号：请用小写字母、数字和下划线，以字母开头",
        "{project!r} is not an id: use lower-case letters, digits and _, starting with a letter",
    ),
    "project_exists": ("编号 {project!r} 已被使用", "the id {project!r} is taken"),
    "project_needs_name": ("项目 {project!r} 需要中文或英文名称", "project {project!r} needs a name in Chinese or English"),
    "project_bad_point": ("{text!r} 不是 经度,纬度", "{text!r} is not LON,LAT"),
    "project_needs_token": ("--workspace 需要 --token", "--workspace needs --token"),
    "report_suffix": ("--out 必须以 .xlsx 或 .pdf 结尾，而不是 {name!r}", "--out must end in .xlsx or .pdf, not {name!r}"),
    "report_no_folder": ("文件夹 {folder} 不存在", "folder {folder} does not exist"),
    "report_title": ("重点项目台账（截至 {as_of}）", "Key projects as of {as_of}"),
    "unknown": ("未知", "unknown"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "not_reached": ("未完成", "not reached"),
    "milestone_dates": ("目标 {target}，实际 {actual}", "target {target}, actual {actual}"),
    "col_id": ("编号", "id"),
    "col_name": ("名称", "name"),
    "col_status": ("状态", "status"),
    "col_stage": ("环节", "stage"),
    "col_unit": ("责任单位", "responsible unit"),
    "col_last_date": ("最近更新", "last update"),
    "col_last_source": ("最近更新来源", "source of the last update"),
    "col_next": ("下一节点", "next milestone"),
    "col_overdue": ("逾期", "overdue"),
    "col_changes": ("变化", "changes"),
    "change_new": ("新增", "new"),
    "change_advanced": ("推进", "advanced"),
    "change_delayed": ("延期", "delayed"),
    "change_overdue": ("逾期", "overdue"),
    "diff_heading": ("工作区 {id}：第 {v1} 版 → 第 {v2} 版", "workspace {id}: version {v1} → version {v2}"),
    "diff_none": ("无变化", "no change"),
    "diff_project_added": ("新增项目：{project}", "project added: {project}"),
    "diff_project_removed": ("删除项目：{project}", "project removed: {project}"),
    "diff_project_moved": ("项目位置或名称更改：{project}", "project moved or renamed: {project}"),
    "diff_status": ("{project}：状态 {old} → {new}", "{project}: status {old} → {new}"),
    "diff_stage": ("{project}：环节 {old} → {new}", "{project}: stage {old} → {new}"),
    "diff_milestone_added": (
        "{project}：新增节点“{name}”，目标 {target}，实际 {actual}",
        "{project}: milestone “{name}” added, target {target}, actual {actual}",
    ),
    "diff_milestone_changed": ("{project}：节点“{name}”{old} → {new}", "{project}: milestone “{name}” {old} → {new}"),
    "diff_history": ("{project}：进展记录增加 {n} 条", "{project}: {n} history entry(ies) added"),
    "diff_added": ("新增{part}：{name}", "{part} added: {name}"),
    "diff_removed": ("删除{part}：{name}", "{part} removed: {name}"),
    "diff_changed": ("更改{part}：{name}", "{part} changed: {name}"),
    "part_layer": ("图层", "layer"),
    "part_sketch": ("草图", "sketch"),
    "part_view": ("视图", "view"),
    "part_note": ("状态记录", "status note"),
    "part_story": ("故事", "story"),
    # --- stories (geo/cli_story.py) ---
    "story": (
        "把故事（若干章地图）导出为幻灯片、讲义或独立网页",
        "make a story of map chapters into slides, a handout or a page",
    ),
    "story_desc": (
        "导出故事：.pptx 每章一页幻灯片（可编辑的标题与说明、带替代文字的地图、讲稿），.pdf 每章一页讲义，"
        ".html 可离线放映的独立网页。故事来自 story.json、工作区或命名视图。",
        "Make a story: .pptx gives a slide per chapter (editable title and caption, the map with alt text, speaker "
        "notes), .pdf a handout page per chapter, .html a standalone page that presents offline. The story comes "
        "from a story.json, a workspace or named views.",
    ),
    "story_out": ("输出文件：.pptx、.pdf 或 .html", "output file: .pptx, .pdf or .html"),
    "story_file": ("故事文件 story.json", "the story file, story.json"),
    "story_name": ("工作区中故事的名称", "the story's name in the workspace"),
    "story_lang": (
        "文字语言：zh、en 或 both（默认取故事的语言，否则 zh）",
        "language of the text: zh, en or both (default: the story's, else zh)",
    ),
    "review": (
        "审图号与数据日期一行（默认取故事或部署的 BEM_MAP_REVIEW；空字符串表示不加）",
        "the published-map line, map review number and data date (default: the story's or the deployment's "
        "BEM_MAP_REVIEW; an empty string for none)",
    ),
    "ws_add_story": ("把故事文件保存到工作区（新版本）", "keep a story file in the workspace (a new version)"),
    "story_forbidden": (
        "令牌无权访问工作区 {id}：请检查工作区编号与令牌",
        "the token does not open workspace {id}: check its id and token",
    ),
    "story_needs_token": ("--workspace 需要 --token", "--workspace needs --token"),
    "story_cannot_write": ("无法写入 {path}：{reason}", "cannot write {path}: {reason}"),
    "story_html_missing": (
        "此版本尚不能导出独立网页故事（.html）；请改用 .pptx 或 .pdf",
        "this version cannot make the standalone page (.html) yet; use .pptx or .pdf",
    ),
    "story_out_folder": ("--out {path} 是一个文件夹，请给出文件名", "--out {path} is a folder: give a file name"),
    "story_bad_name": (
        "故事名称不能为空，且不超过 {limit} 个字符",
        "a story's name must be non-empty and at most {limit} characters",
    ),
    "story_wrote": ("已写入 {path}（{n} 章，{kb} KB）", "wrote {path} ({n} chapter(s), {kb} KB)"),
}
