"""The core's error messages in the catalogue (``geo.i18n``): why an export, a deck, a snapshot or a map spec
cannot be made, and what to do, in Chinese and English (``geo.errors.Catalogued`` renders them).

Kept apart from geo/i18n.py only for size (like geo/panel_messages.py); ``i18n.t`` finds them as UI strings.
The English texts are also the errors' ``str()`` (logs, tests).
"""

from __future__ import annotations

#: UI strings: {key: {"zh": ..., "en": ...}}, with {placeholders}
ERROR_MESSAGES: dict[str, dict[str, str]] = {
    "err_generic": {
        "zh": "请检查所选的设置后重试；再次出现时请告诉系统维护人员。",
        "en": "check the settings chosen and try again; if it happens again, tell the maintainers.",
    },
    # geo.workspace.WorkspaceError, as the workspace panel tells it (the store's own words go to the server log)
    "ws_save_refused": {
        "zh": "工作区拒绝了这次保存：保存后将超出上限（最多 {layers} 个图层、{sketches} 个草图，总大小 {mb} MB），"
        "或含有无效的几何图形。请删去或简化部分图层、草图后再保存；您输入的内容仍保留在表单中。",
        "en": "The workspace refused this save: it would exceed a limit (at most {layers} layers, {sketches} sketches,"
        " {mb} MB in all) or holds an invalid geometry. Remove or simplify some layers or sketches and save again;"
        " what you typed is still in the form.",
    },
    # geo.io.ExportError
    "err_export_no_layer": {
        "zh": "没有打开任何数据图层，无可导出：请在“图层”中至少打开一个图层后重试。",
        "en": "no data layer is switched on: nothing to export. Switch on at least one layer under Layers.",
    },
    "err_export_data_format": {
        "zh": "未知的数据格式“{fmt}”：请选择 GeoJSON、GeoPackage、KML 或 CSV。",
        "en": "unknown data format {fmt!r}: choose GeoJSON, GeoPackage, KML or CSV.",
    },
    "err_export_gpkg_empty": {
        "zh": "当前视图中没有要素，而 GeoPackage 至少需要一个图层：请移动或缩小地图、放宽筛选条件，或改用 GeoJSON、CSV。",
        "en": "the view holds no feature, and a GeoPackage needs at least one layer: pan or zoom out, loosen the"
        " filters, or choose GeoJSON or CSV.",
    },
    "err_export_asset": {
        "zh": "地图所需的资源文件未能嵌入导出的网页（安装不完整）：请告诉系统维护人员。",
        "en": "a file the map needs could not be built into the exported page (the installation is incomplete): tell"
        " the maintainers.",
    },
    # geo.deck.DeckError
    "err_deck_view": {
        "zh": "未知的视图“{view}”：可选 {views}。",
        "en": "unknown view {view!r}: use one of {views}.",
    },
    "err_deck_aspect": {
        "zh": "幻灯片比例须为 {aspects} 之一，而不是“{aspect}”。",
        "en": "the aspect must be one of {aspects}, not {aspect!r}.",
    },
    "err_deck_no_views": {
        "zh": "演示文稿至少需要一个视图：请在“幻灯片包含的视图”中至少选择一个。",
        "en": "choose at least one view for the deck.",
    },
    "err_deck_per": {
        "zh": "图集的 --per 须为 view（每个视图一页）或 venue（每个场所一页），而不是“{per}”。",
        "en": "--per must be view (a page per view) or venue (a page per venue), not {per!r}.",
    },
    # geo.presets.SnapshotError
    "err_snapshot": {
        "zh": "快照无法生成：请检查格式、尺寸和视图后重试。",
        "en": "the snapshot cannot be made: check its format, size and view, then try again.",
    },
    "err_paper": {
        "zh": "未知的纸张“{paper}”：可选 a4-landscape、a4-portrait、a3-landscape、a3-portrait。",
        "en": "unknown paper {paper!r}: use a4-landscape, a4-portrait, a3-landscape or a3-portrait.",
    },
    # geo.formats.FormatError
    "err_format_name": {
        "zh": "无法从文件名“{name}”判断格式：请使用以下扩展名之一：{extensions}。",
        "en": "cannot tell the format from {name!r}: end the file name with one of {extensions}.",
    },
    "err_format_unknown": {
        "zh": "未知的格式“{fmt}”：可选 {formats}。",
        "en": "unknown format {fmt!r}: use one of {formats}.",
    },
    # geo.mapspec.SpecError
    "err_spec_lang": {
        "zh": "页面语言须为 zh 或 en，而不是“{value}”。",
        "en": "the language must be zh or en, not {value!r}.",
    },
    "err_spec_labels": {
        "zh": "标注语言须为 zh、en 或 both，而不是“{value}”。",
        "en": "the label language must be zh, en or both, not {value!r}.",
    },
    "err_spec_basemap": {
        "zh": "未知的底图“{value}”：可选 {known}。",
        "en": "unknown basemap {value!r}: use one of {known}.",
    },
    "err_spec_layers": {
        "zh": "未知的图层 {unknown}：可选 {known}。",
        "en": "unknown layer(s) {unknown}: use {known}.",
    },
    "err_spec_bbox": {
        "zh": "范围 {bbox} 为空：每个最小值（西、南）都须小于对应的最大值（东、北）。",
        "en": "empty bbox {bbox}: each minimum (west, south) must be below its maximum (east, north).",
    },
    "err_spec_small": {
        "zh": "尺寸 {width}×{height} 像素过小：宽和高都至少 200 像素，请加大后重试。",
        "en": "the size {width}x{height} px is too small: make both at least 200 px.",
    },
    "err_spec_large": {
        "zh": "尺寸 {width}×{height} 像素过大：最多 {limit} 像素，请减小尺寸或 DPI 后重试。",
        "en": "the size {width}x{height} px is too large: at most {limit} pixels; choose a smaller size or dpi.",
    },
    "err_spec_dpi": {
        "zh": "DPI {dpi} 超出范围：请选择 50 到 1200 之间的值。",
        "en": "the dpi {dpi} is out of range: choose one from 50 to 1200.",
    },
    "filter_unknown_values": {"zh": "未知的取值 {bad}；可选：{allowed}", "en": "unknown value(s) {bad}; use {allowed}"},
    "filter_point_needs": {
        "zh": "“距离”以地图上的点为准：请先在地图上点选一个点，或改为以场所或板块为准。",
        "en": "the distance is measured from a point on the map: click a point on the map first, or measure from a"
        " venue or an area.",
    },
    "err_spec_filters": {
        "zh": "筛选条件有误：{problems}",
        "en": "the filters cannot be applied: {problems}",
    },
    "err_spec_reference": {
        "zh": "“距离范围”所依据的“{ref}”不存在：请选择一个场所、核心区、轴线或板块。",
        "en": "unknown reference {ref!r} for 'within': choose a venue, the core, an axis or an area.",
    },
    # geo.workspace.WorkspaceError and its kinds (Forbidden, Conflict), geo.errors.StoreUnavailable
    "err_ws_url": {
        "zh": "BEM_DATABASE_URL 应以 postgresql://（或文件形式的 sqlite:///）开头：请改正该设置后重启。",
        "en": "BEM_DATABASE_URL must start with postgresql:// (or sqlite:/// for a file)",
    },
    "err_ws_name": {"zh": "工作区需要一个名称：请填写名称后再创建。", "en": "a workspace needs a name"},
    "err_ws_forbidden": {
        "zh": "没有与该编号和令牌相符的工作区：请检查链接是否完整（复制时可能被截断）。",
        "en": "no workspace with that id and token",
    },
    "err_ws_view_token": {
        "zh": "这是只读（查看）令牌：修改工作区需要编辑令牌，请向创建者索取编辑链接。",
        "en": "this is a view token: editing needs the workspace's edit token",
    },
    "err_ws_no_version": {
        "zh": "工作区 {wid} 没有第 {version} 版：请用“历史”查看已有的版本号。",
        "en": "workspace {wid} has no version {version}",
    },
    "err_ws_conflict_version": {
        "zh": "第 {expected} 版之后已有人保存了第 {head} 版：请重新载入后再应用您的修改（未覆盖任何内容）。",
        "en": "version {head} was saved after version {expected}: reload and apply the change again (nothing was overwritten)",
    },
    "err_ws_conflict": {
        "zh": "有人先保存了：请重新载入后再应用您的修改（未覆盖任何内容）。",
        "en": "another save came first: reload and apply the change again",
    },
    "err_ws_conflict_part": {
        "zh": "较新的版本也修改了{part}：请重新载入后再应用您的修改（未覆盖任何内容）。",
        "en": "the {part} were changed in a newer version too: reload and apply the change again (nothing was overwritten)",
    },
    "err_ws_part_layers": {"zh": "图层", "en": "layers"},
    "err_ws_part_sketches": {"zh": "草图", "en": "sketches"},
    "err_ws_part_views": {"zh": "视图", "en": "views"},
    "err_ws_part_notes": {"zh": "状态备注", "en": "status notes"},
    "err_ws_part_project_updates": {"zh": "项目进展", "en": "project updates"},
    "err_ws_part_projects": {"zh": "新增重点项目", "en": "new key projects"},
    "err_ws_part_stories": {"zh": "故事", "en": "stories"},
    "err_ws_append_parts": {
        "zh": "只能追加图层、草图、状态备注、项目进展、新增项目和故事，不能追加：{parts}",
        "en": "only layers, sketches and notes can be appended, not {parts}",
    },
    "err_ws_too_big": {
        "zh": "保存后工作区将超过 {mb} MB：请删去或简化部分图层后再保存。",
        "en": "the workspace would exceed {mb} MB",
    },
    "err_ws_parts": {
        "zh": "工作区只能包含图层、草图、视图、状态备注、重点项目和故事。",
        "en": "a workspace holds layers, sketches, views, notes, key projects and stories only",
    },
    "err_ws_lists": {"zh": "图层和草图都应是列表。", "en": "layers and sketches must be lists"},
    "err_ws_layers": {
        "zh": "一个工作区最多 {n} 个图层：请先删去不用的图层。",
        "en": "at most {n} layers in a workspace",
    },
    "err_ws_sketches": {
        "zh": "一个工作区最多 {n} 个草图：请先删去不用的草图。",
        "en": "at most {n} sketches in a workspace",
    },
    "err_ws_vertices": {"zh": "无法保存：{detail}", "en": "{detail}"},
    "err_ws_entries": {"zh": "“{part}”应是记录的列表。", "en": "{part} must be a list of entries"},
    "err_ws_stories": {
        "zh": "故事应是列表，最多 {n} 个。",
        "en": "stories must be a list of at most {n} entries",
    },
    "err_ws_story_name": {
        "zh": "第 {i} 个故事需要一个不超过 {n} 个字符的名称。",
        "en": "story {i} needs a name of at most {n} characters",
    },
    "err_ws_layer": {
        "zh": "第 {i} 个图层需要名称和 GeoJSON 要素集合（FeatureCollection）。",
        "en": "layer {i} needs a name and a GeoJSON FeatureCollection",
    },
    "err_ws_layer_features": {
        "zh": "第 {i} 个图层的要素超过 {n} 个：请拆分或精简后再保存。",
        "en": "layer {i} has more than {n} features",
    },
    "err_ws_sketch": {
        "zh": "第 {k} 个草图需要几何图形、标题，说明不能过长。",
        "en": "sketch {k} needs a geometry, a title and a note of sensible length",
    },
    "err_ws_geometry": {"zh": "{where}：不是 GeoJSON 几何图形。", "en": "{where}: not a GeoJSON geometry"},
    "err_ws_range": {
        "zh": "{where}：坐标超出范围（应为 WGS-84 经纬度）。",
        "en": "{where}: coordinates out of range (WGS-84 lon/lat expected)",
    },
    "err_ws_nothing_to_export": {
        "zh": "该工作区还没有图层或草图，无可导出：请先保存图层或草图。",
        "en": "the workspace has no layer or sketch to export yet",
    },
    "err_ws_export_format": {
        "zh": "未知的格式“{fmt}”：请使用 .gpkg、.geojson、.kml 或 .csv。",
        "en": "unknown format {fmt!r}; use .gpkg, .geojson, .kml or .csv",
    },
    "err_store_unavailable": {
        "zh": "暂时无法连接工作区存储：请稍后再试（地图、搜索和导出不受影响）。",
        "en": "the workspace store cannot be reached; try again later",
    },
}
