"""The import messages of the catalogue (``geo.i18n``): what an import says of a file, in Chinese and English.

Kept apart from geo/i18n.py only for size; ``i18n.catalogue()`` and its tests include them as ``import.*``.
``{name}``-style fields are filled by ``geo.problems.message``.
"""

from __future__ import annotations

#: messages of the importer (geo.imports): (Chinese, English), with {placeholders}
IMPORT_MESSAGES: dict[str, tuple[str, str]] = {
    "empty": ("文件是空的", "the file is empty"),
    "too_big": ("文件过大（{size}），上限为 {limit}", "the file is too large ({size}); the limit is {limit}"),
    "unknown_type": (
        "无法识别文件类型“{ext}”，支持 GeoJSON、GeoPackage、KML、CSV、XLSX",
        "unknown file type {ext!r}; use GeoJSON, GeoPackage, KML, CSV or XLSX",
    ),
    "not_type": ("文件内容不是 {fmt}（看起来是 {looks}）", "the content is not {fmt} (it looks like {looks})"),
    "encoding": ("无法识别文本编码（已尝试 UTF-8、GB18030）", "unreadable text encoding (tried UTF-8 and GB18030)"),
    "mixed_encoding": (
        "文件是 UTF-8 编码，但第 {row} 行不是（可能是 GBK）：请把该行另存为 UTF-8 后重试",
        "the file is UTF-8 but line {row} is not (GBK, perhaps): save that line as UTF-8 and try again",
    ),
    "bad_json": ("JSON 格式错误：{detail}", "invalid JSON: {detail}"),
    "too_deep": ("JSON 嵌套过深（超过 {limit} 层）", "JSON nested too deeply (more than {limit} levels)"),
    "not_geojson": ("不是 GeoJSON（缺少 FeatureCollection/Feature）", "not GeoJSON (no FeatureCollection or Feature)"),
    "zip_bomb": (
        "压缩内容异常（解压后 {size}，压缩比 {ratio}），拒绝读取",
        "suspicious compressed content ({size} unpacked, ratio {ratio}); refused",
    ),
    "entities": ("XML 含有 DOCTYPE/实体声明，出于安全原因拒绝读取", "the XML declares a DOCTYPE or entities; refused for safety"),
    "unreadable": ("无法读取：{detail}", "cannot be read: {detail}"),
    "no_rows": ("没有数据行", "there are no data rows"),
    "too_many": ("要素过多（{count}），上限为 {limit}", "too many features ({count}); the limit is {limit}"),
    "too_many_columns": (
        "列（字段）过多（{count}），上限为 {limit}；请删去不需要的列后重试",
        "too many columns ({count}); the limit is {limit}: remove the columns you do not need",
    ),
    "too_many_keys": (
        "属性名过多（至少 {count} 个不同的属性名），上限为 {limit}",
        "too many different property names (at least {count}); the limit is {limit}",
    ),
    "too_many_vertices": (
        "{where} 的几何图形有 {count} 个顶点，上限为 {limit}；请先简化",
        "the geometry of {where} has {count} vertices; the limit is {limit}: simplify it first",
    ),
    "too_many_total_vertices": (
        "顶点总数过多（{count}），上限为 {limit}；请先简化",
        "too many vertices in all ({count}); the limit is {limit}: simplify the data first",
    ),
    "gpkg_view": (
        "GeoPackage 图层“{name}”是视图（会执行文件中的 SQL），只能导入普通表",
        "GeoPackage layer {name!r} is a view (it runs SQL from the file); only plain tables are imported",
    ),
    "bad_crs": (
        "无法把文件的坐标系转换为 WGS-84：{detail}",
        "the file's coordinate system cannot be converted to WGS-84: {detail}",
    ),
    "timeout": (
        "读取超过 {seconds} 秒仍未完成，已停止；文件可能过于复杂或有意构造",
        "reading took longer than {seconds} s and was stopped; the file may be too complex or crafted",
    ),
    "memory": (
        "读取需要超过 {limit} 的内存，已停止；请拆分或精简文件",
        "reading needed more than {limit} of memory and was stopped: split or trim the file",
    ),
    "worker_died": (
        "读取进程意外结束（{detail}），文件未导入",
        "the reading process ended unexpectedly ({detail}); nothing was imported",
    ),
    "not_regular": ("不是普通文件（{kind}），不予读取", "not a regular file ({kind}); it is not read"),
    "no_coord_columns": (
        "找不到经纬度列（可用列名：经度/纬度、lng/lat、lon/lat、x/y）；现有列：{columns}",
        "no longitude/latitude columns (use 经度/纬度, lng/lat, lon/lat or x/y); columns found: {columns}",
    ),
    "missing_value": ("缺少数值", "the value is missing"),
    "not_number": ("“{value}”不是数字", "{value!r} is not a number"),
    "out_of_range": (
        "{value} 超出范围（经度 -180~180，纬度 -90~90）",
        "{value} is out of range (longitude -180..180, latitude -90..90)",
    ),
    "no_geometry": ("缺少几何", "has no geometry"),
    "empty_geometry": ("几何为空", "the geometry is empty"),
    "bad_geometry": ("几何无法解析：{detail}", "unreadable geometry: {detail}"),
    "repaired": ("几何无效（{reason}），已自动修复", "invalid geometry ({reason}) was repaired"),
    "outside_beijing": ("位于北京市域之外（已保留并标记）", "lies outside Beijing (kept, flagged)"),
    "duplicate_id": ("编号“{value}”重复（已保留）", "duplicate id {value!r} (kept)"),
    "truncated": ("文本过长，已截断为 {limit} 个字符", "text too long, cut to {limit} characters"),
    "looks_swapped": (
        "坐标看起来经纬度颠倒了（纬度列中是约 116 的数值）",
        "the coordinates look swapped (the latitude column holds values near 116)",
    ),
    "looks_projected": ("坐标看起来是投影坐标（米），而不是经纬度", "the coordinates look projected (metres), not degrees"),
    "looks_gcj02": (
        "与已知场所相比，点位整体偏移约 {metres} 米，像是 GCJ-02（高德）坐标；请选择 GCJ-02 重新导入",
        "compared with known venues the points are offset by about {metres} m, as GCJ-02 (Gaode) data are;"
        " import again with GCJ-02",
    ),
    "looks_bd09": (
        "与已知场所相比，点位整体偏移约 {metres} 米，像是 BD-09（百度）坐标；请选择 BD-09 重新导入",
        "compared with known venues the points are offset by about {metres} m, as BD-09 (Baidu) data are;"
        " import again with BD-09",
    ),
    "summary": (
        "{name}：读取 {read} 条，载入 {loaded} 条；{errors} 个错误，{warnings} 个提示",
        "{name}: {read} read, {loaded} loaded; {errors} errors, {warnings} warnings",
    ),
    "more": ("……另有 {count} 个同类问题（未逐条列出）", "and {count} more problems of this kind"),
    "more_like": (
        "另有 {count} 个此类问题（未逐条列出），例如：{example}",
        "{count} more problems like this one (not listed): {example}",
    ),
    "result_too_big": (
        "读取结果过大（{size}），上限为 {limit}；请删去不需要的列或拆分文件",
        "the data read are too large ({size}); the limit is {limit}: remove columns you do not need or split the file",
    ),
}
