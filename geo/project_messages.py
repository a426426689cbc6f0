"""The key projects' words in the app (``geo.i18n``): the "as of" and "since" filters and the progress panel
(``ui/projects_panel.py``) with its update form.

Kept apart from geo/i18n.py only for size (like geo/panel_messages.py); ``i18n.t`` finds them as UI strings
and ``i18n.catalogue()`` lists them as ``ui.*``. The change marks' own names are the legend's, in
``geo.style.MARK_STYLES``.
"""

from __future__ import annotations

#: UI strings: {key: {"zh": ..., "en": ...}}, with {placeholders}
PROJECT_MESSAGES: dict[str, dict[str, str]] = {
    "field_asof": {"zh": "项目台账截至日期", "en": "Key projects as of"},
    "asof_help": {
        "zh": "地图、进展面板和评估报告显示该日的项目台账；留空为今天。",
        "en": "The map, the progress panel and the review show the register as it stood on this day; empty: today.",
    },
    "field_since": {"zh": "标出此日以来的变化", "en": "Mark changes since"},
    "since_help": {
        "zh": "地图标出此日以来新列入、推进、推迟和逾期的项目；留空只标逾期。",
        "en": "The map marks the projects new, advanced, delayed or overdue since this day; empty: only the overdue.",
    },
    "proj_tab": {"zh": "重点项目进展", "en": "Key projects"},
    "proj_as_of": {"zh": "项目台账截至 {asof}", "en": "The register as of {asof}"},
    "proj_by_stage": {"zh": "各重点板块的项目数（按环节）", "en": "Projects per key area, by stage"},
    "proj_by_status": {"zh": "各重点板块的项目数（按状态）", "en": "Projects per key area, by status"},
    "proj_area": {"zh": "重点板块", "en": "Key area"},
    "proj_no_area": {"zh": "不在重点板块内", "en": "Outside the key areas"},
    "proj_total": {"zh": "合计", "en": "Total"},
    "proj_unknown": {"zh": "未知", "en": "Unknown"},
    "proj_overdue": {"zh": "逾期节点", "en": "Overdue milestones"},
    "proj_none_overdue": {"zh": "截至该日没有逾期的节点。", "en": "No milestone is overdue on this day."},
    "proj_project": {"zh": "项目", "en": "Project"},
    "proj_milestone": {"zh": "节点", "en": "Milestone"},
    "proj_target": {"zh": "目标日期", "en": "Target date"},
    "proj_days_late": {"zh": "逾期天数", "en": "Days late"},
    "proj_changes": {"zh": "自 {since} 以来的变化", "en": "Changes since {since}"},
    "proj_no_changes": {"zh": "此后没有变化。", "en": "Nothing changed since then."},
    "proj_set_since": {
        "zh": "在“筛选”中设定“标出此日以来的变化”，即可在此列出并在地图上标出变化。",
        "en": "Set “Mark changes since” in the filters to list the changes here and mark them on the map.",
    },
    "proj_change": {"zh": "变化", "en": "Change"},
    "proj_ws_updates": {"zh": "本工作区的项目进展记录：{n} 条", "en": "Project updates in this workspace: {n}"},
    "proj_form": {"zh": "填报项目进展（保存为工作区新版本）", "en": "Post a project update (a new workspace version)"},
    "ws_diff_heading": {"zh": "第 {v1} 版到第 {v2} 版的变化：", "en": "What changed from version {v1} to version {v2}:"},
    "proj_f_stage": {"zh": "所处环节", "en": "Stage"},
    "proj_f_keep": {"zh": "（不变）", "en": "(unchanged)"},
    "proj_f_date": {"zh": "进展日期", "en": "Date of the update"},
    "proj_f_ms_name": {"zh": "节点名称（可不填）", "en": "Milestone name (optional)"},
    "proj_f_ms_target": {"zh": "节点目标日期", "en": "Milestone target date"},
    "proj_f_ms_actual": {"zh": "节点实际完成日期（未完成不填）", "en": "Milestone reached on (empty: not yet)"},
    "proj_f_note": {"zh": "进展说明", "en": "What happened"},
    "proj_f_source": {"zh": "来源（文件、会议或网址）", "en": "Source (a document, a meeting, a URL)"},
    "proj_f_by": {"zh": "填报人", "en": "Entered by"},
    "proj_f_submit": {"zh": "保存进展", "en": "Save the update"},
    "proj_ms_needs_target": {"zh": "节点需要目标日期。", "en": "A milestone needs its target date."},
    "proj_saved": {"zh": "已保存为版本 {version}。", "en": "Saved as version {version}."},
}
