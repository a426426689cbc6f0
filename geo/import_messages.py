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
    "bad_json": (
        "JSON 格式错误（第 {line} 行第 {column} 列附近）：请用文本编辑器检查该处，常见原因是缺少或多余的逗号、括号",
        "invalid JSON near line {line}, column {column}: check it in a text editor (a missing or extra comma or bracket, often)",
    ),
    "number_too_long": (
        "第 {line} 行有一个 {digits} 位的数字，超过 {limit} 位的上限：请检查该处数据后重试",
        "line {line} holds a number of {digits} digits, more than the limit of {limit}: check the data there",
    ),
    "too_deep": ("JSON 嵌套过深（超过 {limit} 层）", "JSON nested too deeply (more than {limit} levels)"),
    "not_geojson": ("不是 GeoJSON（缺少 FeatureCollection/Feature）", "not GeoJSON (no FeatureCollection or Feature)"),
    "zip_bomb": (
        "压缩内容异常（解压后 {size}，压缩比 {ratio}），拒绝读取",
        "suspicious compressed content ({size} unpacked, ratio {ratio}); refused",
    ),
    "entities": ("XML 含有 DOCTYPE/实体声明，出于安全原因拒绝读取", "the XML declares a DOCTYPE or entities; refused for safety"),
    "unreadable": (
        "无法读取这个 {fmt} 文件：{why}；请用原来的软件重新导出或另存后重试",
        "this {fmt} file cannot be read: {why}; export or save it again from the program that made it",
    ),
    "why_damaged": ("文件已损坏或不完整", "it is damaged or incomplete"),
    "why_xml_line": ("第 {line} 行的 XML 有误或不完整", "its XML is broken or incomplete at line {line}"),
    "why_csv_line": (
        "第 {line} 行无法按 CSV 解析（空字符或过长的字段）",
        "line {line} is no CSV (a NUL character or a field too long)",
    ),
    "unexpected": (
        "读取时遇到意外问题，文件未导入：请确认它能在 GIS 软件或 Excel 中打开并另存后重试；仍不行时请把文件交给系统维护人员",
        "an unexpected problem stopped the reading and nothing was imported: check that the file opens in a GIS"
        " program or Excel, save it again and retry; if it still fails, give the file to the maintainers",
    ),
    "unknown_datum": (
        "不支持的坐标系“{crs}”：请选择 WGS-84、GCJ-02 或 BD-09",
        "unknown datum {crs!r}: choose WGS-84, GCJ-02 or BD-09",
    ),
    "kind_fifo": ("命名管道（FIFO）", "FIFO"),
    "kind_device": ("设备文件", "device"),
    "kind_directory": ("文件夹", "directory"),
    "kind_special": ("特殊文件", "special file"),
    "at_row": ("第 {n} 行", "row {n}"),
    "at_feature": ("第 {n} 个要素", "feature {n}"),
    "more_than": ("超过 {n}", "more than {n}"),
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
        "{where}的几何图形有 {count} 个顶点，上限为 {limit}；请先简化",
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
        "文件的坐标系（{crs}）无法转换为 WGS-84：请先在 GIS 软件中把它转为 WGS-84（EPSG:4326）",
        "the file's coordinate system ({crs}) cannot be converted to WGS-84: convert it to WGS-84 (EPSG:4326) in a"
        " GIS program first",
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
        "读取进程意外结束（退出码 {code}），文件未导入：请重试；再次出现时请把文件交给系统维护人员",
        "the reading process ended unexpectedly (exit code {code}) and nothing was imported: try again; if it happens"
        " again, give the file to the maintainers",
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
    "bad_geometry": (
        "几何无法解析（类型或坐标的写法不对）：请检查该要素的几何（geometry）",
        "the geometry cannot be read (its type or coordinates are malformed): check this feature's geometry",
    ),
    "bad_characters": (
        "文本中有无效字符（不成对的代理码位），已替换为替换符 U+FFFD",
        "the text holds invalid characters (unpaired surrogates), replaced by the replacement character U+FFFD",
    ),
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
