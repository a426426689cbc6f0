"""The Streamlit script under AppTest: both languages, every basemap, URL state, clear errors."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo import basemaps, i18n, paths
from tests.conftest import PANELS, ROOT, app_test
from ui import cache

APP = str(ROOT / "app.py")


def page_title(at: AppTest) -> str:
    """The title in the compact header (an st.html block)."""
    import re

    bodies = [e.proto.body for e in at.get("html")]
    found = [m.group(1) for b in bodies for m in [re.search(r"<h1>(.*?)</h1>", b)] if m]
    return found[0] if found else ""


def run_app(**query) -> AppTest:
    """The settled page with every lazy panel open (the tests below drive their widgets)."""
    return app_test(query, panels=PANELS, timeout=60)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_app_runs_in_each_language(lang):
    at = run_app(lang=lang)
    assert not at.exception
    assert not at.error
    assert page_title(at) == i18n.t("app_title", lang)
    assert at.sidebar.radio(key="lang").value == lang
    table = at.dataframe[0].value
    assert list(table.columns)[0] == i18n.t("field_name", lang)
    assert len(table) == 27
    other = "en" if lang == "zh" else "zh"
    assert i18n.t("app_title", other) not in [m.value for m in at.markdown]


@pytest.mark.parametrize("basemap", list(basemaps.BASEMAPS))
def test_app_runs_with_each_basemap(basemap):
    at = run_app(basemap=basemap, lang="en")
    assert not at.exception
    assert at.sidebar.selectbox(key="basemap").value == basemap


def test_widgets_write_the_url():
    at = run_app()
    assert at.query_params["lang"] == "zh"
    at.sidebar.radio(key="lang").set_value("en").run()
    at.sidebar.selectbox(key="basemap").set_value("offline").run()
    assert at.query_params["lang"] == "en" and at.query_params["basemap"] == "offline"
    assert page_title(at) == i18n.t("app_title", "en")
    assert any(i18n.t("offline_hint", "en") in m.value for m in at.sidebar.info)


def test_unknown_query_values_fall_back():
    at = run_app(lang="fr", basemap="nonsense")
    assert not at.exception
    assert at.sidebar.radio(key="lang").value == "zh"
    assert at.sidebar.selectbox(key="basemap").value == basemaps.DEFAULT_BASEMAP


def test_broken_data_shows_a_message_not_a_traceback(tmp_path, monkeypatch):
    (tmp_path / "venues.csv").write_bytes("id,name_zh\nx,名".encode("gb18030"))  # not UTF-8
    for name in ("boundary", "districts", "core", "axes", "areas"):
        (tmp_path / f"{name}.geojson").write_bytes((paths.DATA_DIR / f"{name}.geojson").read_bytes())
    monkeypatch.setattr(paths, "DATA_DIR", tmp_path)
    cache.get_layers.clear()
    try:
        at = run_app(lang="en")
    finally:
        cache.get_layers.clear()
    assert not at.exception
    message = at.error[0].value.replace("\\", "")  # the error is shown as text: markdown characters escaped
    assert "venues.csv" in message and "not UTF-8" in message
    assert i18n.t("data_error_next", "en") in message


# --- exploring: every control, both languages ---------------------------------------------------------


def table_names(at: AppTest, lang: str) -> list[str]:
    return list(at.dataframe[0].value[i18n.t("field_name", lang)])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_search_opens_the_card_and_writes_the_url(lang):
    at = run_app(lang=lang, basemap="offline")
    at.sidebar.text_input(key="q").input("gugong").run()
    at.sidebar.button(key="hit_forbidden_city").click().run()
    assert not at.exception
    name = "故宫" if lang == "zh" else "Forbidden City"
    assert f"#### {name}" in [m.value for m in at.markdown]
    assert at.query_params["venue"] == "forbidden_city" and at.query_params["q"] == "gugong"
    card = " ".join(m.value for m in at.markdown)
    assert ("东城区" if lang == "zh" else "Dongcheng") in card
    assert i18n.t("to_pkx", lang) in card
    clear = next(b for b in at.button if b.label == i18n.t("clear_selection", lang))
    clear.click().run()
    assert "venue" not in at.query_params


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_filters_drive_the_table_and_the_url(lang):
    at = run_app(lang=lang, basemap="offline")
    assert len(at.dataframe[0].value) == 27
    at.sidebar.multiselect(key="cat").set_value(["aviation"]).run()
    assert len(at.dataframe[0].value) == 2 and at.query_params["cat"] == "aviation"
    at.sidebar.multiselect(key="cat").set_value([]).run()
    at.sidebar.multiselect(key="district").set_value(["Xicheng"]).run()
    assert len(at.dataframe[0].value) == 5
    at.sidebar.multiselect(key="district").set_value([]).run()
    at.sidebar.multiselect(key="action").set_value(["create"]).run()
    assert len(at.dataframe[0].value) == 1
    at.sidebar.multiselect(key="action").set_value([]).run()
    at.sidebar.multiselect(key="status").set_value(["planned"]).run()
    assert len(at.dataframe[0].value) == 1 and at.query_params["status"] == "planned"
    at.sidebar.multiselect(key="status").set_value([]).run()
    at.sidebar.slider(key="year").set_value(2010).run()
    names = table_names(at, lang)
    assert ("北京大兴国际机场" if lang == "zh" else "Beijing Daxing International Airport") not in names
    assert at.query_params["year"] == "2010"
    assert not at.exception and not at.error


def test_within_km_of_the_selected_venue():
    at = run_app(lang="en", basemap="offline", venue="forbidden_city")
    at.sidebar.number_input(key="km").set_value(1.5).run()  # Tian'anmen is 1.03 km south of the palace
    names = table_names(at, "en")
    assert "Tian'anmen" in names and "Beijing Capital International Airport" not in names
    assert len(names) < 15 and at.query_params["km"] == "1.5"


def test_a_shared_url_restores_the_state():
    at = run_app(
        lang="en", basemap="gaode", cat="heritage,aviation", year="2015", venue="jingshan", view="core", c="39.92,116.39", z="14"
    )
    assert not at.exception
    assert at.sidebar.selectbox(key="basemap").value == "gaode"
    assert at.sidebar.multiselect(key="cat").value == ["heritage", "aviation"]
    assert at.sidebar.slider(key="year").value == 2015
    assert at.sidebar.selectbox(key="view").value == "core"
    assert "#### Jingshan" in [m.value for m in at.markdown]
    assert at.query_params["c"] == "39.92000,116.39000" and at.query_params["z"] == "14"


def test_named_views_and_stats_render():
    at = run_app(lang="zh", basemap="offline")
    for view in ("core", "central-axis", "yanqi-lake", "airports", "east", "city"):
        at.sidebar.selectbox(key="view").set_value(view).run()
        assert not at.exception and at.query_params["view"] == view
    assert len(at.tabs) >= 2 and at.tabs[1].label == i18n.t("stats", "zh")


def test_the_first_paint_builds_the_map_and_leaves_closed_panels_empty():
    """A session's first run: the map, the sidebar's always-visible widgets and closed panels with nothing in
    them; the table comes with the next run (in a browser, the one the map's first report causes)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["basemap"] = "offline"
    at.run()
    assert not at.exception and not at.error
    assert len(at.get("component_instance")) == 1  # the map
    assert sorted(e.label for e in at.expander) == sorted(
        i18n.t(k, "zh") for k in ("filters", "import_title", "ws_title", "sp_title", "export_title")
    )
    assert not at.multiselect and not at.get("file_uploader") and not at.get("form")  # closed: nothing built
    assert not at.dataframe and i18n.t("table_loading", "zh") in [c.value for c in at.caption]
    at.run()
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 27  # the table, not the statistics (lazy tab)
    at.session_state["filters_open"] = True
    at.run()
    assert [m.key for m in at.multiselect] == ["cat", "district", "action", "status"]


def test_filters_set_in_a_closed_panel_keep_acting_and_reappear():
    """A URL with filters opens their panel; closed, the filters still act; reopened, the widgets show them."""
    at = app_test({"basemap": "offline", "lang": "en", "cat": "aviation"})
    assert len(at.dataframe[0].value) == 2 and at.sidebar.multiselect(key="cat").value == ["aviation"]
    at.sidebar.multiselect(key="cat").set_value(["heritage"]).run()
    at.session_state["filters_open"] = False
    at.run()
    assert not at.multiselect and len(at.dataframe[0].value) == 15 and at.query_params["cat"] == "heritage"
    at.session_state["filters_open"] = True
    at.run()
    assert at.sidebar.multiselect(key="cat").value == ["heritage"]


def test_bad_url_values_are_ignored():
    at = run_app(lang="en", cat="zoo,heritage", year="abc", km="-5", c="nonsense", z="99", venue="<script>")
    assert not at.exception and not at.error
    assert at.sidebar.multiselect(key="cat").value == ["heritage"]


def test_within_km_of_an_axis_and_of_a_clicked_point():
    at = run_app(lang="en", basemap="offline")
    at.sidebar.number_input(key="km").set_value(0.5).run()
    at.sidebar.selectbox(key="of").set_value("central_axis").run()
    names = table_names(at, "en")
    assert "Forbidden City" in names and "Temple of Heaven" not in names  # the temple lies 1 km east of the axis
    assert at.query_params["of"] == "central_axis"
    at = run_app(lang="en", basemap="offline", km="5", of="point", pt="40.40,116.67")
    assert table_names(at, "en") == ["Beijing Yanqi Lake International Conference Resort (International Convention Center)"]


def test_workspace_status_notes_show_on_the_venue_card(tmp_path, monkeypatch):
    from geo import workspace

    monkeypatch.setenv("BEM_WORKSPACE_DIR", str(tmp_path))
    cache.workspace_store.clear()
    store = workspace.Store()
    created = store.create("notes")
    content = store.load(created["id"], created["edit_token"]).content
    content["notes"].append(
        {
            "venue": "ciec_new_venue",
            "status": "under_construction",
            "date": "2026-05-01",
            "source": "Shunyi district notice",
            "note": "phase II started",
        }
    )
    store.save(created["id"], created["edit_token"], content, 1, "note")
    try:
        at = run_app(lang="en", basemap="offline", venue="ciec_new_venue", ws=created["id"], wt=created["view_token"])
        assert not at.exception and not at.error
        text = " ".join(m.value for m in at.sidebar.markdown).replace("\\", "")
        assert "phase II started" in text and "2026-05-01" in text
        assert not [d for d in at.dataframe if "2026-05-01" in d.value.to_string()]  # the statistics tab is lazy
        at.session_state["tab"] = i18n.t("stats", "en")
        at.run()
        timeline = [d.value for d in at.dataframe if "2026-05-01" in d.value.to_string()]
        assert timeline and "Shunyi district notice" in timeline[0].to_string()
        assert "Add a status note" not in [b.label for b in at.sidebar.button]  # a view token cannot add one
        editor = run_app(lang="en", basemap="offline", venue="ciec_new_venue", ws=created["id"], wt=created["edit_token"])
        assert "Add a status note" in [b.label for b in editor.sidebar.button]
    finally:
        cache.workspace_store.clear()
