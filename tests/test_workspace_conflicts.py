"""A real conflict shows the editor both versions (issue 25): two editors change the same saved view, or one
restores an old version after another saved; the second sees, item by item, what the other saved beside what
they tried to save, and keeps theirs or applies their own. AppTest, two sessions, one real SQLite store."""

from __future__ import annotations

import pytest

from geo import i18n, workspace
from tests.conftest import PANELS, app_test

CORE = (116.3, 39.8, 116.5, 40.0)
WIDE = (116.0, 39.5, 116.8, 40.3)


def editor(created: dict, lang: str):
    """A browser session that opened the workspace's edit link."""
    query = {"lang": lang, "basemap": "offline", "ws": created["id"], "wt": created["view_token"], "et": created["edit_token"]}
    at = app_test(query, panels=PANELS)
    assert not at.exception and not at.error
    return at


def save_view(at, lang: str, name: str, bbox: tuple):
    """Name the map's current extent (``bbox``) and press the form's save button."""
    at.session_state["bem"].bbox = bbox
    at.sidebar.text_input(key="ws_view_name").input(name)
    next(b for b in at.sidebar.button if b.label == i18n.t("ws_view_save", lang)).click()
    return at.run()


def extent(bbox: tuple) -> str:
    return ", ".join(f"{v:.4f}" for v in bbox)


def conflict_table(at, lang: str):
    column = i18n.t("ws_conflict_theirs", lang)
    return next(d.value for d in at.sidebar.dataframe if column in d.value.columns)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_two_edits_of_one_view_show_both_and_the_second_can_apply_its_own(store, lang):
    created = store.create("sites")
    wid, token = created["id"], created["edit_token"]
    first, second = editor(created, lang), editor(created, lang)  # both read version 1
    first = save_view(first, lang, "core", CORE)
    assert not first.exception and store.load(wid, token).version == 2
    second = save_view(second, lang, "core", WIDE)  # the same view, changed from version 1
    assert not second.exception, [e.value for e in second.exception]
    assert store.load(wid, token).version == 2  # refused: nothing overwritten
    warnings = [w.value for w in second.sidebar.warning]
    assert i18n.t("ws_conflict_both", lang).format(version=2) in warnings
    table = conflict_table(second, lang)
    item = f"{i18n.t('ws_part_views', lang)}: core"
    assert table.to_dict("records") == [
        {
            i18n.t("ws_conflict_item", lang): item,
            i18n.t("ws_conflict_theirs", lang): extent(CORE),
            i18n.t("ws_conflict_mine", lang): extent(WIDE),
        }
    ]
    assert second.sidebar.button(key="ws_keep_theirs").label == i18n.t("ws_keep_theirs", lang)
    second.sidebar.button(key="ws_apply_mine").click()
    second = second.run()
    assert not second.exception and not second.error
    newest = store.load(wid, token)
    assert newest.version == 3 and newest.content["views"] == [{"name": "core", "bbox": list(WIDE)}]
    assert not [d for d in second.sidebar.dataframe if i18n.t("ws_conflict_theirs", lang) in d.value.columns]
    assert i18n.t("ws_conflict_both", lang).format(version=2) not in [w.value for w in second.sidebar.warning]


def test_keeping_theirs_changes_nothing_and_closes_the_choice(store):
    created = store.create("sites")
    wid, token = created["id"], created["edit_token"]
    first, second = editor(created, "en"), editor(created, "en")
    save_view(first, "en", "core", CORE)
    second = save_view(second, "en", "core", WIDE)
    second.sidebar.button(key="ws_keep_theirs").click()
    second = second.run()
    assert not second.exception
    newest = store.load(wid, token)
    assert newest.version == 2 and newest.content["views"] == [{"name": "core", "bbox": list(CORE)}]
    assert not [d for d in second.sidebar.dataframe if i18n.t("ws_conflict_theirs", "en") in d.value.columns]


def test_a_restore_chosen_from_an_older_version_shows_what_it_would_undo(store):
    created = store.create("sites")
    wid, token = created["id"], created["edit_token"]
    first = save_view(editor(created, "zh"), "zh", "core", CORE)  # version 2
    second = editor(created, "zh")  # reads version 2
    sketch = {"title": "新场地", "note": "二期", "geometry": {"type": "Point", "coordinates": [116.39, 39.91]}}
    assert store.append(wid, token, {"sketches": [sketch]}, "sketch: 新场地") == 3  # another editor, meanwhile
    second.sidebar.selectbox(key="ws_restore_pick").set_value(1)
    second.sidebar.button(key="ws_restore").click()
    second = second.run()
    assert not second.exception, [e.value for e in second.exception]
    assert store.load(wid, token).version == 3  # the restore was made from version 2: refused
    assert i18n.t("ws_conflict_both", "zh").format(version=3) in [w.value for w in second.sidebar.warning]
    rows = conflict_table(second, "zh").to_dict("records")
    theirs, mine = i18n.t("ws_conflict_theirs", "zh"), i18n.t("ws_conflict_mine", "zh")
    assert rows == [
        {i18n.t("ws_conflict_item", "zh"): f"{i18n.t('ws_part_sketches', 'zh')}: 新场地", theirs: "二期", mine: "—"},
        {i18n.t("ws_conflict_item", "zh"): f"{i18n.t('ws_part_views', 'zh')}: core", theirs: extent(CORE), mine: "—"},
    ]
    second.sidebar.button(key="ws_apply_mine").click()
    second = second.run()
    newest = store.load(wid, token)
    assert newest.version == 4 and newest.content["views"] == [] and newest.content["sketches"] == []
    assert [h["change"] for h in store.history(wid, token)][-1] == "restored version 1"
    assert not first.exception


# --- two real app servers on one PostgreSQL -----------------------------------------------------------------
@pytest.mark.browser
def test_a_sketch_saved_on_one_server_appears_on_another(browser, postgres_url, artifacts, tmp_path):
    """Two `streamlit run` servers (two processes) share one PostgreSQL: a sketch drawn and saved in Chromium
    on the first is in the store and on the second server's page, opened with the view link."""
    from tests.conftest import serve_app
    from tests.test_browser import draw_and_save_sketch, map_frame, open_app

    env = {"BEM_DATABASE_URL": postgres_url, "BEM_WORKSPACE_DIR": str(tmp_path / "unused")}
    with serve_app(artifacts / "streamlit-pg-a.log", **env) as a, serve_app(artifacts / "streamlit-pg-b.log", **env) as b:
        page, _ = open_app(browser, f"{a}/?basemap=offline&lang=en")
        try:
            map_frame(page)
            page.get_by_text("Workspace (save and share)").click()
            page.get_by_role("textbox", name="Name").fill("Two servers")
            page.get_by_role("button", name="Create a workspace").click()
            page.wait_for_url("**ws=**", timeout=60_000)
            codes = page.locator('[data-testid="stSidebar"] code')
            codes.first.wait_for(timeout=60_000)
            view_link = codes.nth(0).inner_text()
            draw_and_save_sketch(page, "Hall drawn on server A", timeout_ms=60_000)
        finally:
            page.close()
        query = view_link.split("?", 1)[1]
        wid, token = (dict(p.split("=", 1) for p in query.split("&"))[k] for k in ("ws", "wt"))
        saved = workspace.Store(postgres_url).load(wid, token)
        assert [s["title"] for s in saved.content["sketches"]] == ["Hall drawn on server A"]
        assert b != a
        page, _ = open_app(browser, f"{b}/?{query}&basemap=offline&lang=en")  # the second server, the view link
        try:
            frame = map_frame(page)
            frame.wait_for_function("document.querySelector('.bem-panel').textContent.indexOf('Sketches') >= 0", timeout=60_000)
            page.get_by_text("version 2").first.wait_for(timeout=60_000)
            assert frame.locator(".leaflet-draw").count() == 0  # the view link reads, on this server too
            page.screenshot(path=str(artifacts / "workspace-second-server-en.png"))
        finally:
            page.close()
