"""Issue 25 (1): opening an edit link leaves the edit token in no entry of the tab's history.

Streamlit writes the address with ``history.pushState``: had the page let it, the entry the link opened would
keep ``et=TOKEN`` one Back away. A real ``streamlit run`` server and Chromium: the tab's every entry is read
(``history.back()`` until the first one, its address read as it becomes current), and the page still edits."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import serve_app

pytestmark = pytest.mark.browser

BACK = """() => new Promise(resolve => {
    window.addEventListener('popstate', () => resolve(window.location.href), {once: true});
    window.history.back();
})"""


@pytest.fixture
def served(tmp_path, monkeypatch):
    """An app server on a workspace folder of this test, and the store it uses (the same SQLite file)."""
    from geo import workspace

    folder = tmp_path / "ws"
    monkeypatch.delenv("BEM_DATABASE_URL", raising=False)
    monkeypatch.setenv("BEM_WORKSPACE_DIR", str(folder))
    store = workspace.Store()
    with serve_app(tmp_path / "streamlit.log", BEM_WORKSPACE_DIR=str(folder)) as url:
        yield url, store


def entries(page) -> list[str]:
    """The address of each of the app's entries in the tab's history, the current one first, each read as Back
    makes it current (before the page can react to it). The tab's first entry is about:blank, where Playwright
    opened it: Back to it leaves the app's document, which ends the walk."""
    urls = [page.evaluate("window.location.href")]
    for _ in range(page.evaluate("window.history.length") - 1):
        try:
            urls.append(page.evaluate(BACK))
        except PlaywrightError:  # Back left the document ("execution context was destroyed")
            page.wait_for_url("about:blank", timeout=30_000)
            return urls
    raise AssertionError(f"no entry before the app's: {urls}")


def test_no_entry_of_the_tabs_history_holds_the_edit_token(browser, served):
    from tests.test_browser import map_frame

    url, store = served
    created = store.create("Candidate sites")
    wid, edit_token, view_token = created["id"], created["edit_token"], created["view_token"]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{url}/?ws={wid}&wt={view_token}&et={edit_token}&basemap=offline&lang=en")
        frame = map_frame(page)
        page.get_by_role("button", name="Save the sketch").wait_for(timeout=60_000)  # the session may edit
        page.wait_for_function("!window.location.search.includes('et=')", timeout=60_000)
        # the page settled: the run the map's first report causes has drawn the venue table and written the address
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
        page.wait_for_function(f"window.location.search.includes('wt={view_token}')", timeout=60_000)
        assert frame.locator(".leaflet-draw").count() == 1  # still an editor: the drawing tools are there
        assert page.get_by_role("button", name="Save the sketch").count() == 1
        length = page.evaluate("window.history.length")
        urls = entries(page)  # the app's entries: all but about:blank
        assert len(urls) == length - 1 >= 1, urls
        assert all(edit_token not in u and "et=" not in u for u in urls), urls
        assert all(f"ws={wid}" in u for u in urls), urls  # every entry is the workspace's view link
    finally:
        page.close()


def test_present_mode_from_an_edit_link_leaves_the_token_in_no_entry(browser, served):
    from geo import story, workspace

    url, store = served
    made = store.create("简报")
    workspace.put_story(store, made["id"], made["edit_token"], "周五简报", story.from_views(["city", "core"]))
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(f"{url}/?present=1&ws={made['id']}&et={made['edit_token']}&story=周五简报&lang=zh#2")
        page.wait_for_selector('iframe[data-testid="stIFrame"]', timeout=120_000)
        page.wait_for_function("!window.location.search.includes('et=')", timeout=60_000)
        assert page.evaluate("window.location.hash") == "#2"  # the chapter stays in the address
        urls = entries(page)
        assert urls and all(made["edit_token"] not in u and "et=" not in u for u in urls), urls
    finally:
        page.close()
