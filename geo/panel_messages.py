"""Two panels' words in the catalogue (``geo.i18n``): what the workspace panel says when a save is refused
because another editor saved first (and the parts of a workspace as its table names them), and why an export's
process gave no file.

Kept apart from geo/i18n.py only for size (like geo/import_messages.py); ``i18n.t`` finds them as UI strings
and ``i18n.catalogue()`` lists them as ``ui.*``.
"""

from __future__ import annotations

#: UI strings: {key: {"zh": ..., "en": ...}}, with {placeholders}
PANEL_MESSAGES: dict[str, dict[str, str]] = {
    "ws_conflict_both": {
        "zh": "有人先保存了版本 {version}，与您的修改冲突。下表左列是对方保存的内容，右列是您要保存的内容：请选择保留对方的，或应用您的。",
        "en": "Someone saved version {version} first, and it conflicts with your change. The table shows what they saved"
        " beside what you tried to save: keep theirs, or apply yours.",
    },
    "ws_conflict_item": {"zh": "项目", "en": "Item"},
    "ws_conflict_theirs": {"zh": "对方保存的", "en": "Theirs (saved)"},
    "ws_conflict_mine": {"zh": "您要保存的", "en": "Mine (not saved)"},
    "ws_keep_theirs": {"zh": "保留对方的", "en": "Keep theirs"},
    "ws_apply_mine": {"zh": "应用我的", "en": "Apply mine"},
    "ws_part_layers": {"zh": "图层（要素数）", "en": "Layer (features)"},
    "ws_part_sketches": {"zh": "草图（备注）", "en": "Sketch (note)"},
    "ws_part_views": {"zh": "视图（范围）", "en": "View (extent)"},
    "ws_part_notes": {"zh": "状态备注", "en": "Status note"},
    "ws_part_project_updates": {"zh": "项目进展", "en": "Project update"},
    "ws_part_projects": {"zh": "新增重点项目", "en": "New key project"},
    "export_worker_died": {
        "zh": "导出进程意外停止（可能是内存不足），文件未生成：请换用较小的尺寸或较少的图层后重试。",
        "en": "The export's process stopped unexpectedly (out of memory, perhaps) and no file was made: try a smaller"
        " size or fewer layers.",
    },
    "export_unexpected": {
        "zh": "导出时遇到意外问题，文件未生成：请重试；再次出现时请告诉系统维护人员。",
        "en": "An unexpected problem stopped the export and no file was made: try again, and if it happens again tell"
        " the maintainers.",
    },
}
