"""Issue 23 in the app: the "as of" and "since" dates are page settings (filters, URL, map spec), the map marks
the changed and overdue key projects (live map, its legend, snapshots), the progress panel counts and lists
them, an editor posts an update through the panel's form (a new workspace version), and the export panel
writes the same review as ``geo.project_report``.

Real things only: a workspace store on disk (SQLite), the page in Streamlit's AppTest, the XLSX read back
with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest

from geo import i18n, mapspec, project_marks, project_report, project_updates, style
from geo.data import load_layers
from geo.filters import FilterSpec
from tests.conftest import app_test, submit_button
from ui.pagestate import PageState

LAYERS = load_layers()
SRC = "Beijing Daily, 2025-09-02"


def post(store, created: dict, **update) -> None:
    project_updates.add_update(store, created["id"], created["edit_token"], LAYERS, update)


def reviewed(store) -> dict:
    """A workspace where the Great Wall museum opened on 2025-09-01 (status advanced) and the Fourth Embassy
    Area's plan was due on 2025-10-01 and is not approved (overdue from 2025-10-02 on)."""
    created = store.create("annual review")
    post(store, created, project="great_wall_museum", date="2025-09-01", status="in_service", source=SRC, by="Office")
    post(store, created, project="fourth_embassy_area", date="2025-06-15", milestones=("Plan approved=2025-10-01",), source=SRC)
    return created


def page(created: dict | None = None, lang: str = "en", tab: bool = False, panels: tuple[str, ...] = (), **query):
    q = {"lang": lang, "basemap": "offline", **query}
    if created:
        q.update(ws=created["id"], wt=created["view_token"])
    at = app_test(q, panels=panels)
    if tab:
        at.session_state["tab"] = i18n.t("proj_tab", lang)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def payload(at) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def live_marks(at) -> dict[str, set[str]]:
    """The change marks the live map's dynamic layers draw: project id -> kinds."""
    out: dict[str, set[str]] = {}
    for pid, kind in re.findall(r'"id":\s*"([a-z0-9_]+)",\s*"mark":\s*"([a-z]+)"', payload(at)["feature_group"]):
        out.setdefault(pid, set()).add(kind)
    return out


def param(at, key: str) -> str:
    """A URL parameter as the page wrote it (AppTest keeps a value or a list of them)."""
    value = at.query_params[key]
    return value[0] if isinstance(value, list) else value


def table_with(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_an_update_posted_in_the_panel_is_a_version_and_as_of_shows_the_old_and_the_new_status(store):
    lang = "en"
    created = store.create("annual review")
    query = {"lang": lang, "basemap": "offline", "ws": created["id"], "wt": created["view_token"], "et": created["edit_token"]}
    at = app_test(query, panels=("ws",))
    at.session_state["tab"] = i18n.t("proj_tab", lang)
    at.run()
    at.selectbox(key="proj_f_project").set_value("great_wall_museum")
    at.selectbox(key="proj_f_status").set_value("in_service")
    at.selectbox(key="proj_f_stage").set_value("evaluation")
    at.date_input(key="proj_f_date").set_value(dt.date(2025, 9, 1))
    at.text_input(key="proj_f_source").input(SRC)
    at.text_input(key="proj_f_by").input("Office of International Exchanges")
    submit_button(at, "proj_f_submit").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    saved = store.load(created["id"], created["edit_token"])
    assert saved.version == 2
    (update,) = saved.content["project_updates"]
    assert (update["project"], update["date"], update["status"], update["stage"]) == (
        "great_wall_museum",
        "2025-09-01",
        "in_service",
        "evaluation",
    )
    assert (update["source"], update["by"]) == (SRC, "Office of International Exchanges")
    assert i18n.t("proj_saved", lang).format(version=2) in [s.value for s in at.success]

    in_service, building = i18n.term("status", "in_service", lang), i18n.term("status", "under_construction", lang)
    counts = {}
    for day in ("2025-08-31", "2025-09-01"):
        view = page(created, lang, tab=True, asof=day)
        table = table_with(view, in_service)
        counts[day] = (int(table[in_service].sum()), int(table[building].sum()))
        assert i18n.t("proj_as_of", lang).format(asof=day) in [c.value for c in view.caption]
    (before_done, before_building), (after_done, after_building) = counts["2025-08-31"], counts["2025-09-01"]
    assert (after_done, after_building) == (before_done + 1, before_building - 1)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_since_marks_the_changed_projects_on_the_live_map_its_legend_and_the_snapshot(store, lang):
    created = reviewed(store)
    expected = {"great_wall_museum": {"advanced"}, "fourth_embassy_area": {"overdue"}}
    at = page(created, lang, tab=True, since="2025-06-01", asof="2025-12-01")
    assert live_marks(at) == expected
    base = payload(at)["script"]
    for kind in ("advanced", "overdue"):
        assert json.dumps(style.mark_style(kind).label(lang))[1:-1] in base or style.mark_style(kind).label(lang) in base
    for kind in ("new", "delayed"):  # the legend explains only the marks drawn
        label = style.mark_style(kind).label(lang)
        assert label not in base and json.dumps(label)[1:-1] not in base
    changes = table_with(at, i18n.t("proj_change", lang))
    assert len(changes) == 2
    # the map spec every output reads: the snapshot's marks (mapspec.in_view's frame) are the same
    content = store.load(created["id"], created["view_token"]).content
    spec = mapspec.MapSpec(lang=lang, filters=FilterSpec(asof="2025-12-01", since="2025-06-01"))
    spec = project_marks.with_register(LAYERS, spec, content)
    assert {pid: set(kinds) for pid, kinds in spec.marks} == expected
    in_frame = project_marks.in_view(LAYERS, spec, mapspec.in_view(LAYERS, spec))
    assert {m.id: set(m.kinds) for m in in_frame} == expected
    # before the update, nothing had changed yet
    assert live_marks(page(created, lang, since="2025-06-01", asof="2025-08-31")) == {}


def test_an_overdue_milestone_is_on_the_map_in_the_panel_and_in_the_review_from_the_export_panel(store):
    lang = "zh"
    created = reviewed(store)
    today = dt.date.today()
    at = page(created, lang, tab=True, panels=("export",))  # no "since": overdue is marked all the same
    assert live_marks(at) == {"fourth_embassy_area": {"overdue"}}
    assert style.mark_style("overdue").label(lang) in payload(at)["script"]
    late = table_with(at, i18n.t("proj_days_late", lang))
    assert late.to_dict("records") == [
        {
            i18n.t("proj_project", lang): mapspec.name_of(LAYERS, "fourth_embassy_area", lang),
            i18n.t("proj_milestone", lang): "Plan approved",
            i18n.t("proj_target", lang): "2025-10-01",
            i18n.t("proj_days_late", lang): (today - dt.date(2025, 10, 1)).days,
        }
    ]
    at.selectbox(key="exp_fmt").set_value("review-xlsx")
    submit_button(at).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    result = at.session_state["bem"].export_result
    assert result is not None and result.name.endswith("_review.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(result.data)).active
    cells = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    content = store.load(created["id"], created["view_token"]).content
    header, table = project_report.rows(LAYERS, content, today.isoformat(), None, lang)
    assert cells == [header, *table]
    overdue = {row[0]: row[header.index(i18n.cli("col_overdue", lang))] for row in table}
    assert overdue["fourth_embassy_area"] == i18n.cli("yes", lang) and overdue["great_wall_museum"] == i18n.cli("no", lang)


def test_as_of_and_since_round_trip_the_url_and_their_widgets():
    state = PageState.from_query({"asof": "2025-08-31", "since": "2025-06-01", "lang": "en"})
    assert (state.filters.asof, state.filters.since) == ("2025-08-31", "2025-06-01")
    assert PageState.from_query(state.to_query()).to_query() == state.to_query()
    assert {"asof": "2025-08-31", "since": "2025-06-01"}.items() <= state.to_query().items()
    assert PageState.from_query({"asof": "2025-02-30"}).filters.asof == ""  # no such day: today

    at = app_test({"lang": "zh", "basemap": "offline", "asof": "2025-08-31", "since": "2025-06-01"}, panels=("filters",))
    assert at.sidebar.date_input(key="asof").value == dt.date(2025, 8, 31)
    assert at.sidebar.date_input(key="since").value == dt.date(2025, 6, 1)
    assert at.sidebar.date_input(key="since").label == i18n.t("field_since", "zh")
    at.sidebar.date_input(key="since").set_value(dt.date(2025, 7, 1)).run()
    assert (param(at, "since"), param(at, "asof")) == ("2025-07-01", "2025-08-31")
    at.sidebar.date_input(key="since").set_value(None).run()
    assert "since" not in at.query_params and at.session_state["page"].filters.since == ""


def test_the_history_panel_says_what_changed_since_the_picked_version_in_both_languages(store):
    created = reviewed(store)  # version 1 empty, 2: the museum in service, 3: the embassy area's milestone
    for lang, status, museum in (("zh", "已投用", "中国长城博物馆"), ("en", "In service", "Great Wall Museum")):
        query = {
            "lang": lang,
            "basemap": "offline",
            "ws": created["id"],
            "wt": created["view_token"],
            "et": created["edit_token"],
        }
        at = app_test(query, panels=("ws",))
        labels = at.selectbox(key="ws_restore_pick")
        assert "status" not in " ".join(labels.options) and "in_service" not in " ".join(labels.options)  # words, not codes
        labels.set_value(1)
        at.run()
        said = " ".join(m.value for m in at.markdown)
        assert museum in said and status in said, said
        assert i18n.t("ws_diff_heading", lang).format(v1=1, v2=3) in " ".join(c.value for c in at.caption)
