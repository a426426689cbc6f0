"""The map tools' words (``geo.i18n``): leaflet-draw's buttons and tooltips and leaflet-measure's panel, in Chinese
and English, sent to the browser as JSON (``geo.mapelements.ToolStrings``): the plugins' own English never shows.

Kept apart from geo/i18n.py only for size; ``i18n.catalogue()`` and its tests include them as ``tool.*``.
A ``draw.`` key is its path in leaflet-draw's ``L.drawLocal`` (1.0.4); a ``measure.`` key is leaflet-measure's
locale key (2.1.7). Values are text: the browser gets them escaped (leaflet-draw inserts them as HTML).
"""

from __future__ import annotations

#: the sketch tools (leaflet-draw: lines, areas, rectangles, points; removing): (Chinese, English)
DRAW_MESSAGES: dict[str, tuple[str, str]] = {
    "draw.toolbar.actions.title": ("取消绘制", "Cancel drawing"),
    "draw.toolbar.actions.text": ("取消", "Cancel"),
    "draw.toolbar.finish.title": ("完成绘制", "Finish drawing"),
    "draw.toolbar.finish.text": ("完成", "Finish"),
    "draw.toolbar.undo.title": ("删除最后一个点", "Delete the last point drawn"),
    "draw.toolbar.undo.text": ("删除最后一点", "Delete last point"),
    "draw.toolbar.buttons.polyline": ("画线", "Draw a line"),
    "draw.toolbar.buttons.polygon": ("画面（多边形）", "Draw an area (polygon)"),
    "draw.toolbar.buttons.rectangle": ("画矩形", "Draw a rectangle"),
    "draw.toolbar.buttons.marker": ("放置点", "Place a point"),
    "draw.handlers.marker.tooltip.start": ("在地图上单击放置点。", "Click the map to place the point."),
    "draw.handlers.polygon.tooltip.start": ("单击开始画面。", "Click to start drawing the area."),
    "draw.handlers.polygon.tooltip.cont": ("单击继续画面。", "Click to continue the area."),
    "draw.handlers.polygon.tooltip.end": ("单击第一个点闭合此面。", "Click the first point to close the area."),
    "draw.handlers.polyline.error": ("错误：边线不能相交！", "Error: the edges cannot cross!"),
    "draw.handlers.polyline.tooltip.start": ("单击开始画线。", "Click to start drawing the line."),
    "draw.handlers.polyline.tooltip.cont": ("单击继续画线。", "Click to continue the line."),
    "draw.handlers.polyline.tooltip.end": ("单击最后一个点结束画线。", "Click the last point to finish the line."),
    "draw.handlers.rectangle.tooltip.start": ("按住并拖动以画矩形。", "Click and drag to draw the rectangle."),
    "draw.handlers.simpleshape.tooltip.end": ("松开鼠标完成绘制。", "Release the mouse to finish."),
    "edit.toolbar.actions.save.title": ("保存修改", "Save changes"),
    "edit.toolbar.actions.save.text": ("保存", "Save"),
    "edit.toolbar.actions.cancel.title": ("取消编辑，放弃全部修改", "Cancel editing, discarding every change"),
    "edit.toolbar.actions.cancel.text": ("取消", "Cancel"),
    "edit.toolbar.actions.clearAll.title": ("清除全部草图", "Clear every sketch"),
    "edit.toolbar.actions.clearAll.text": ("全部清除", "Clear all"),
    "edit.toolbar.buttons.remove": ("删除草图", "Delete sketches"),
    "edit.toolbar.buttons.removeDisabled": ("没有可删除的草图", "No sketch to delete"),
    "edit.handlers.remove.tooltip.text": ("单击要删除的草图。", "Click a sketch to delete it."),
}

#: the measuring tool (leaflet-measure's locale keys): (Chinese, English)
MEASURE_MESSAGES: dict[str, tuple[str, str]] = {
    "measure": ("测量", "Measure"),
    "measureDistancesAndAreas": ("测量距离与面积", "Measure distances and areas"),
    "createNewMeasurement": ("开始新的测量", "Start a new measurement"),
    "startCreating": ("在地图上单击加点，开始测量", "Click points on the map to start measuring"),
    "finishMeasurement": ("完成测量", "Finish measurement"),
    "lastPoint": ("最后一点", "Last point"),
    "area": ("面积", "Area"),
    "perimeter": ("周长", "perimeter"),
    "pointLocation": ("点的位置", "Point location"),
    "areaMeasurement": ("面积测量", "Area measurement"),
    "linearMeasurement": ("距离测量", "Distance measurement"),
    "pathDistance": ("路径长度", "Path length"),
    "centerOnArea": ("以此面居中", "Centre on this area"),
    "centerOnLine": ("以此线居中", "Centre on this line"),
    "centerOnLocation": ("以此点居中", "Centre on this point"),
    "cancel": ("取消", "Cancel"),
    "delete": ("删除", "Delete"),
}


def draw_local(lang: str) -> dict:
    """leaflet-draw's ``L.drawLocal`` overrides in ``lang`` (nested as the plugin reads them)."""
    out: dict = {}
    for path, texts in DRAW_MESSAGES.items():
        *parents, leaf = path.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = texts[0] if lang == "zh" else texts[1]
    return out


def measure_locale(lang: str) -> dict[str, str]:
    """leaflet-measure's locale table in ``lang``; numbers keep ``.`` and ``,`` (as both languages write them)."""
    table = {key: (zh if lang == "zh" else en) for key, (zh, en) in MEASURE_MESSAGES.items()}
    return {**table, "decPoint": ".", "thousandsSep": ","}
