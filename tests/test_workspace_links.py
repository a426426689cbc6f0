"""Issue 25: the edit token never sits in the address bar, and the map never depends on the workspace store.

AppTest drives the page with a real store (an SQLite file, or a PostgreSQL this file starts and stops);
Chromium checks the browser's address and its history entries."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from geo import i18n, workspace
from tests.conftest import PANELS, _pg_bindir, app_test, free_port
from ui import cache

PAGE = "http://planning.example:8501/"  # the address the browser reports (st.context.url)
VENUE = "ciec_new_venue"


@pytest.fixture
def sqlite_store(tmp_path, monkeypatch):
    monkeypatch.delenv("BEM_DATABASE_URL", raising=False)
    monkeypatch.setenv("BEM_WORKSPACE_DIR", str(tmp_path / "ws"))
    cache.workspace_store.clear()
    yield workspace.Store()
    cache.workspace_store.clear()


def texts(at) -> str:
    """Every text the page shows (messages, markdown, captions, code, exceptions)."""
    kinds = (at.warning, at.error, at.info, at.success, at.markdown, at.caption, at.code, at.exception)
    return "\n".join(str(e.value) for kind in kinds for e in kind)


def links(at) -> dict[str, str]:
    """The links the workspace panel offers: {"view": url, "edit": url} (the edit link carries ``et``)."""
    out = {}
    for code in at.sidebar.code:
        if "ws=" in code.value:
            out["edit" if "et=" in code.value else "view"] = code.value
    return out


def note_button(at):
    """The venue card's "add a status note" button (in either language)."""
    labels = {i18n.t("ws_note_add", lang) for lang in i18n.LANGS}
    return next(b for b in at.sidebar.button if b.label in labels)


def add_note(at, text: str):
    """Type a status note on the venue card and press its save button (the form keeps the text until saved)."""
    at.sidebar.text_input(key=f"ws_note_{VENUE}_text").input(text)
    note_button(at).click()
    return at.run()


def notes(store, wid: str, token: str) -> list[str]:
    return [n["note"] for n in store.load(wid, token).content["notes"]]


# --- the edit token never sits in the URL -------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_creating_a_workspace_puts_only_the_view_link_in_the_url(sqlite_store, lang):
    at = app_test({"lang": lang, "basemap": "offline", "venue": VENUE}, panels=PANELS)
    at.context = {"url": PAGE}
    at.sidebar.text_input(key="ws_new_name").input("候选场地")
    at.sidebar.button(key="ws_create").click().run()
    assert not at.exception
    offered = links(at)
    edit = parse_qs(urlsplit(offered["edit"]).query)
    wid, edit_token, view_token = edit["ws"][0], edit["et"][0], edit["wt"][0]
    # both links are full addresses of the page; the edit link really edits, the view link only reads
    assert offered["edit"].startswith(PAGE + "?") and offered["view"] == f"{PAGE}?ws={wid}&wt={view_token}"
    sqlite_store.authorize(wid, edit_token, edit=True)
    with pytest.raises(workspace.Forbidden):
        sqlite_store.authorize(wid, view_token, edit=True)
    assert i18n.t("ws_edit_link_warning", lang) in [w.value for w in at.sidebar.warning]
    # the address: the workspace and its view token, never the edit token
    assert at.query_params["ws"] == wid and at.query_params["wt"] == view_token and "et" not in at.query_params
    assert edit_token not in str(dict(at.query_params))
    # and the session can still edit with the token it keeps
    at = add_note(at, "phase II started")
    assert not at.exception and notes(sqlite_store, wid, view_token) == ["phase II started"]
    assert at.sidebar.text_input(key=f"ws_note_{VENUE}_text").value == ""  # a save that worked empties the field
    assert edit_token not in str(dict(at.query_params))


@pytest.mark.parametrize("form", ["edit link", "old edit link (wt=EDIT)"])
def test_opening_an_edit_link_moves_the_token_into_the_session(sqlite_store, form):
    created = sqlite_store.create("sites")
    wid, edit_token, view_token = created["id"], created["edit_token"], created["view_token"]
    tokens = {"wt": view_token, "et": edit_token} if form == "edit link" else {"wt": edit_token}
    at = app_test({"lang": "en", "basemap": "offline", "venue": VENUE, "ws": wid, **tokens}, panels=PANELS)
    assert not at.exception and not at.error
    assert "et" not in at.query_params and edit_token not in str(dict(at.query_params))
    assert at.query_params["ws"] == wid
    if form == "edit link":  # the view link stays in the address (it is the one to share)
        assert at.query_params["wt"] == view_token
    else:  # an old edit link carries no view token: the address keeps none, the panel says where it was
        assert "wt" not in at.query_params
        assert i18n.t("ws_no_view_link", "en") in [c.value for c in at.sidebar.caption]
    assert at.session_state["bem"].edit_tokens == {wid: edit_token}
    at = add_note(at, "opened by the edit link")
    assert notes(sqlite_store, wid, view_token) == ["opened by the edit link"]
    assert "et" not in at.query_params and edit_token not in str(dict(at.query_params))


# --- the map never depends on the store ---------------------------------------------------------------------
def assert_the_map_works(at, lang: str) -> None:
    """The map, the table, search and the export panel are there, and nothing went wrong."""
    assert not at.exception and not at.error, texts(at)
    assert len(at.get("component_instance")) == 1  # the map
    assert len(at.dataframe[0].value) > 10  # the venue table
    assert at.get("download_button")  # the export panel
    at.sidebar.text_input(key="q").input("gugong").run()
    assert at.sidebar.button(key="hit_forbidden_city") is not None
    assert not at.exception and not at.error


def assert_store_down_told(at, lang: str, host: str, port: int | None) -> None:
    shown = texts(at)
    assert i18n.t("ws_store_down", lang) in [w.value for w in at.sidebar.warning]
    assert host not in shown and "OperationalError" not in shown and i18n.t("unexpected_error", lang) not in shown
    if port is not None:
        assert f":{port}" not in shown and f"port {port}" not in shown


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_unopenable_sqlite_store_leaves_the_map_and_keeps_the_typed_name(tmp_path, monkeypatch, lang):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be")
    monkeypatch.delenv("BEM_DATABASE_URL", raising=False)
    monkeypatch.setenv("BEM_WORKSPACE_DIR", str(blocker / "ws"))
    cache.workspace_store.clear()
    try:
        at = app_test({"lang": lang, "basemap": "offline"}, panels=PANELS)
        assert_store_down_told(at, lang, str(tmp_path), None)  # the open panel says so at once
        assert_the_map_works(at, lang)
        at.sidebar.text_input(key="ws_new_name").input("候选场地")
        at.sidebar.button(key="ws_create").click().run()
        assert_store_down_told(at, lang, str(tmp_path), None)
        assert at.sidebar.text_input(key="ws_new_name").value == "候选场地" and "ws" not in at.query_params
        assert_the_map_works(at, lang)
        blocker.unlink()  # the store comes back: pressing create again works, with the name typed before
        at.sidebar.button(key="ws_create").click().run()
        assert not at.exception and not at.error
        wid = at.query_params["ws"]
        assert workspace.Store().load(wid, at.query_params["wt"]).name == "候选场地"
    finally:
        cache.workspace_store.clear()


class Postgres:
    """A PostgreSQL of this test file's own, so it can be stopped and started again."""

    def __init__(self):
        self.bindir = _pg_bindir()
        if self.bindir is None:
            pytest.fail("PostgreSQL is not installed: scripts/test.sh installs the Debian packages postgresql and postgis")
        self.root = Path(tempfile.mkdtemp(prefix="bem-pg-links-"))
        self.data, self.sock = self.root / "data", self.root / "sock"
        self.sock.mkdir()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sock, "postgres")
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        init = [
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--no-locale",
        ]
        subprocess.run([*self.as_user, *init], check=True, capture_output=True)

    def ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1"
        cmd = [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60", "-o", options]
        subprocess.run([*self.as_user, *cmd, *args], check=True, capture_output=True)

    def start(self) -> None:
        self.ctl("start")

    def stop(self) -> None:
        self.ctl("-m", "fast", "stop")


@pytest.fixture
def postgres(monkeypatch):
    pg = Postgres()
    pg.start()
    monkeypatch.setenv("BEM_DATABASE_URL", pg.url)
    cache.workspace_store.clear()
    try:
        yield pg
    finally:
        cache.workspace_store.clear()
        subprocess.run(
            [*pg.as_user, str(pg.bindir / "pg_ctl"), "-D", str(pg.data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(pg.root, ignore_errors=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_stopped_postgresql_leaves_the_map_and_a_save_works_once_it_is_back(postgres, lang):
    store = workspace.Store(postgres.url)
    created = store.create("sites")
    wid, edit_token, view_token = created["id"], created["edit_token"], created["view_token"]
    postgres.stop()
    # a new visitor while the store is down: the map, search, filters and exports, and the panel's message
    at = app_test({"lang": lang, "basemap": "offline"}, panels=PANELS)
    assert_store_down_told(at, lang, "127.0.0.1", postgres.port)
    assert_the_map_works(at, lang)
    # an editor opening the edit link while the store is down: the token is kept (in the session, not the URL)
    at = app_test(
        {"lang": lang, "basemap": "offline", "venue": VENUE, "ws": wid, "wt": view_token, "et": edit_token}, panels=PANELS
    )
    assert_store_down_told(at, lang, "127.0.0.1", postgres.port)
    assert edit_token not in str(dict(at.query_params)) and "et" not in at.query_params
    postgres.start()  # back: the link's tokens are sorted on the next action
    at.run()
    assert not at.exception and at.query_params["wt"] == view_token
    assert at.session_state["bem"].edit_tokens == {wid: edit_token}
    postgres.stop()  # down while the editor types a status note: the save waits, the text stays in the field
    at = add_note(at, "phase II started")
    assert not at.exception and not at.error and len(at.get("component_instance")) == 1
    assert_store_down_told(at, lang, "127.0.0.1", postgres.port)
    assert at.sidebar.text_input(key=f"ws_note_{VENUE}_text").value == "phase II started"
    postgres.start()  # back: pressing save again is all it takes
    note_button(at).click()
    at.run()
    assert not at.exception and not at.error
    assert notes(store, wid, view_token) == ["phase II started"]
    assert at.sidebar.text_input(key=f"ws_note_{VENUE}_text").value == ""


# --- in the browser: the address and the history entries ----------------------------------------------------
def history_urls(page) -> list[str]:
    """The address of every entry back from the current one (Back until the tab's first page)."""
    urls = [page.evaluate("window.location.href")]
    while page.evaluate("window.history.length") > 1 and not urls[-1].startswith("about:"):
        if page.go_back(wait_until="commit") is None and page.url == urls[-1]:
            break
        urls.append(page.evaluate("window.location.href"))
    return urls


@pytest.mark.browser
def test_in_the_browser_no_address_or_history_entry_holds_the_edit_token(browser, app_url):
    from tests.test_browser import draw_and_save_sketch, map_frame

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{app_url}/?basemap=offline&lang=en")
        map_frame(page)
        page.get_by_text("Workspace (save and share)").click()
        page.get_by_role("textbox", name="Name").fill("Candidate sites")
        page.get_by_role("button", name="Create a workspace").click()
        page.wait_for_url("**ws=**", timeout=30_000)
        edit_code = page.locator('[data-testid="stSidebar"] code', has_text="et=")
        edit_code.wait_for(timeout=30_000)
        edit_link = edit_code.inner_text().strip()
        edit_token = parse_qs(urlsplit(edit_link).query)["et"][0]
        assert edit_link.startswith(app_url + "/?")  # a full address, the page's own
        assert edit_token not in page.url and all(edit_token not in u for u in history_urls(page))
    finally:
        page.close()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # someone opens the edit link
    try:
        page.goto(f"{edit_link}&basemap=offline&lang=en")
        map_frame(page)
        page.get_by_role("button", name="Save the sketch").wait_for(timeout=30_000)  # the session may edit
        page.wait_for_function("!window.location.search.includes('et=')", timeout=30_000)
        assert edit_token not in page.evaluate("window.location.href") and "wt=" in page.url
        frame = map_frame(page)  # it can still edit: a sketch is saved with the token the session keeps
        assert frame.locator(".leaflet-draw").count() == 1
        draw_and_save_sketch(page, "New exhibition hall")
        # Back to the entry the edit link opened: Streamlit pushes its address update (history.pushState, unless
        # the run came from Back/Forward), so that entry still held the link; on this visit it is replaced
        page.go_back(wait_until="commit")
        page.wait_for_function("!window.location.search.includes('et=')", timeout=30_000)
        assert edit_token not in page.evaluate("window.location.href")
    finally:
        page.close()
