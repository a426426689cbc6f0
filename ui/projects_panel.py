"""The key projects' progress panel (a tab under the map): the register as of the page's "as of" date.

Per key area, how many projects stand at each stage and each status; the overdue milestones (project,
milestone, target date, days late); the changes since the page's "since" date (the map's marks: both read the
map spec's ``marks``, ``geo.project_marks``); with an open workspace, how many project updates it holds, and
for its editors a form that posts an update (``geo.project_updates.add_update``: a new workspace version).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from geo import explore, i18n, project_marks, projects, safe, schema
from geo.errors import GeoError
from geo.project_updates import add_update
from ui import cache

FORM = "proj_form"
NOTICE = "proj_form_notice"


def marked(layers, spec, ws):
    """``spec`` with the open workspace's register entries and the change marks they give (one set for the map,
    this panel, the snapshots and the review)."""
    return project_marks.with_register(layers, spec, ws.content if ws else None)


def projects_panel(layers, spec, ws, can_edit: bool, lang: str) -> None:
    """The panel of the register as of the spec's date, in ``lang``."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    day = project_marks.as_of(spec)
    content = project_marks.content_of(spec)
    found = projects.register(layers, content, day)
    st.caption(t("proj_as_of").format(asof=day))
    areas = area_of(layers, found, lang)
    for vocabulary, title in (("stage", "proj_by_stage"), ("status", "proj_by_status")):
        st.markdown(f"**{t(title)}**")
        wide = {t("proj_area"): st.column_config.TextColumn(width="large")}  # the areas' long names stay whole
        st.dataframe(count_table(found, areas, vocabulary, lang), hide_index=True, width="stretch", column_config=wide)
    overdue_list(found, day, lang)
    changes_list(found, spec, lang)
    if ws is not None:
        st.caption(t("proj_ws_updates").format(n=len(ws.content.get("project_updates", []))))
        if can_edit:
            update_form(layers, ws, found, lang)


def area_of(layers, found: list[dict], lang: str) -> dict[str, str]:
    """Each project's key area by name: a venue's (``explore.venue_areas``), an area's own, else the One Core
    for a venue inside it (the Central Axis's components), else "outside"."""
    names = dict(zip(layers.areas["id"], layers.areas[f"name_{lang}"]))
    member = dict(zip(explore.venue_areas(layers)["venue"], explore.venue_areas(layers)["area"]))
    core = layers.core.geometry.union_all()
    in_core = set(layers.venues.loc[layers.venues.geometry.within(core), "id"])
    core_name, outside = str(layers.core[f"name_{lang}"].iloc[0]), i18n.t("proj_no_area", lang)
    fallback = lambda pid: core_name if pid in in_core else outside  # noqa: E731
    return {p["id"]: names.get(p["id"]) or names.get(member.get(p["id"], ""), fallback(p["id"])) for p in found}


def count_table(found: list[dict], areas: dict[str, str], vocabulary: str, lang: str) -> pd.DataFrame:
    """Projects per key area (rows) and value of ``vocabulary`` (columns; unknown where no entry says), with totals."""
    values = [*schema.load_schema().vocabularies[vocabulary], None]
    label = lambda v: i18n.term(vocabulary, v, lang) if v else i18n.t("proj_unknown", lang)  # noqa: E731
    frame = pd.DataFrame({"area": [areas[p["id"]] for p in found], "value": [p[vocabulary] for p in found]})
    rows = []
    outside = i18n.t("proj_no_area", lang)
    for area, part in sorted(frame.groupby("area"), key=lambda kv: (kv[0] == outside, kv[0])):  # "outside" last
        counts = {label(v): int((part["value"].isna() if v is None else part["value"] == v).sum()) for v in values}
        rows.append({i18n.t("proj_area", lang): area, **counts, i18n.t("proj_total", lang): len(part)})
    return pd.DataFrame(rows)


def overdue_rows(found: list[dict], day: str, lang: str) -> list[dict]:
    """Every milestone overdue on ``day``: project, milestone, target date, days late (most late first)."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    late = [
        {
            t("proj_project"): p[f"name_{lang}"],
            t("proj_milestone"): m["name"],
            t("proj_target"): m["target"],
            t("proj_days_late"): (dt.date.fromisoformat(day) - dt.date.fromisoformat(m["target"])).days,
        }
        for p in found
        for m in p["milestones"]
        if m["overdue"]
    ]
    return sorted(late, key=lambda r: -r[t("proj_days_late")])


def overdue_list(found: list[dict], day: str, lang: str) -> None:
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    st.markdown(f"**{t('proj_overdue')}**")
    late = overdue_rows(found, day, lang)
    if late:
        st.dataframe(pd.DataFrame(late), hide_index=True, width="stretch")
    else:
        st.caption(t("proj_none_overdue"))


def changes_list(found: list[dict], spec, lang: str) -> None:
    """The changes since the spec's "since" date: the map's marks, named."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    since = spec.filters.since
    if not since:
        st.caption(t("proj_set_since"))
        return
    st.markdown(f"**{t('proj_changes').format(since=since)}**")
    names = {p["id"]: p[f"name_{lang}"] for p in found}
    marks = dict(spec.marks or ())
    words = lambda kinds: ("、" if lang == "zh" else ", ").join(style_label(k, lang) for k in kinds)  # noqa: E731
    rows = [{t("proj_project"): names.get(pid, pid), t("proj_change"): words(kinds)} for pid, kinds in marks.items()]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.caption(t("proj_no_changes"))


def style_label(kind: str, lang: str) -> str:
    from geo import style

    return style.mark_style(kind).label(lang)


# --- an editor's update -------------------------------------------------------------------------------------


def update_form(layers, ws, found: list[dict], lang: str) -> None:
    """Post a project update (status, stage, date, milestone, note, source, by) as a new workspace version."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    keep = lambda vocabulary: lambda v: i18n.term(vocabulary, v, lang) if v else t("proj_f_keep")  # noqa: E731
    vocab = schema.load_schema().vocabularies
    names = {p["id"]: p[f"name_{lang}"] for p in found}
    with st.expander(t("proj_form"), expanded=False):
        notice = st.session_state.pop(NOTICE, None)
        if notice:
            (st.success if notice[0] == "ok" else st.error)(notice[1])
        with st.form(FORM, clear_on_submit=False):
            st.selectbox(t("proj_project"), list(names), format_func=names.get, key="proj_f_project")
            c1, c2, c3 = st.columns(3)
            c1.selectbox(t("field_status"), ["", *vocab["status"]], format_func=keep("status"), key="proj_f_status")
            c2.selectbox(t("proj_f_stage"), ["", *vocab["stage"]], format_func=keep("stage"), key="proj_f_stage")
            c3.date_input(t("proj_f_date"), format="YYYY-MM-DD", key="proj_f_date")
            m1, m2, m3 = st.columns(3)
            m1.text_input(t("proj_f_ms_name"), max_chars=120, key="proj_f_ms_name")
            m2.date_input(t("proj_f_ms_target"), value=None, format="YYYY-MM-DD", key="proj_f_ms_target")
            m3.date_input(t("proj_f_ms_actual"), value=None, format="YYYY-MM-DD", key="proj_f_ms_actual")
            st.text_area(t("proj_f_note"), max_chars=projects.MAX_TEXT, key="proj_f_note")
            s1, s2 = st.columns(2)
            s1.text_input(t("proj_f_source"), max_chars=projects.MAX_TEXT, key="proj_f_source")
            s2.text_input(t("proj_f_by"), max_chars=120, key="proj_f_by")
            st.form_submit_button(t("proj_f_submit"), on_click=post_update, args=(layers, ws, lang))


def update_args(ss) -> dict:
    """The form's fields as ``add_update``'s arguments (a milestone as NAME=TARGET[:ACTUAL])."""
    text = {k: ss.get(f"proj_f_{k}") or "" for k in ("project", "status", "stage", "note", "source", "by", "ms_name")}
    name = text.pop("ms_name").strip()
    actual = _day(ss, "proj_f_ms_actual")
    milestone = f"{name}={_day(ss, 'proj_f_ms_target')}" + (f":{actual}" if actual else "")
    return {
        **text,
        "date": _day(ss, "proj_f_date") or dt.date.today().isoformat(),
        "status": text["status"] or None,
        "stage": text["stage"] or None,
        "milestones": (milestone,) if name else (),
    }


def _day(ss, key: str) -> str:
    value = ss.get(key)
    return value.isoformat() if isinstance(value, dt.date) else ""


def post_update(layers, ws, lang: str) -> None:
    """The form's submit: the update checked and appended (a new version), or why not, in ``lang``."""
    from ui.workspace_panel import edit_token

    ss = st.session_state
    if (ss.get("proj_f_ms_name") or "").strip() and not isinstance(ss.get("proj_f_ms_target"), dt.date):
        ss[NOTICE] = ("error", i18n.t("proj_ms_needs_target", lang))
        return
    try:
        version, _ = add_update(cache.workspace_store(), ws.id, edit_token(ws.id) or "", layers, update_args(ss))
    except projects.ProjectError as exc:
        ss[NOTICE] = ("error", safe.md(exc.text(lang)))
    except GeoError as exc:
        message = getattr(exc, "message", None)
        ss[NOTICE] = ("error", safe.md(message(lang) if callable(message) else exc))
    else:
        ss[NOTICE] = ("ok", i18n.t("proj_saved", lang).format(version=version))
        for key in ("proj_f_ms_name", "proj_f_note"):
            ss[key] = ""
