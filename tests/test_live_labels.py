"""Issue 20, item 11. The live map's labels where there is room: at the One Core view the Central Axis heritage
components and 一核 itself are named, at the East view the CBD area; the "no venues" note never covers a popup
(Chromium). A saved import is listed once in the legend; a status note starts at the venue's status (AppTest)."""

from __future__ import annotations

import json
import re

import pytest

from geo import i18n
from tests.conftest import PANELS, app_test, submit_button
from tests.test_live_map import open_map
from ui.session import SESSION_KEY

CSV_IMPORT = "名称,经度,纬度\n甲站,116.39,39.91\n乙站,116.45,39.93\n".encode()
VENUE = "ciec_new_venue"  # its status in data/venues.csv: upgrading


@pytest.fixture
def sqlite_store(tmp_path, monkeypatch):
    from ui import cache

    monkeypatch.delenv("BEM_DATABASE_URL", raising=False)
    monkeypatch.setenv("BEM_WORKSPACE_DIR", str(tmp_path / "ws"))
    cache.workspace_store.clear()
    yield
    cache.workspace_store.clear()


def legend_rows(at) -> list[str]:
    """The labels of the live map's legend rows (the LayerPanel spec the page sends)."""
    (component,) = at.get("component_instance")
    script = json.loads(component.proto.json_args)["script"]
    spec = re.search(r"BEM\.layerPanel\([a-z_0-9]+, (\{.*?\})\);\n", script).group(1)
    return [row["label"] for row in json.loads(spec)["rows"]]


def workspace_with_an_import(lang: str):
    at = app_test({"lang": lang, "basemap": "offline", "venue": VENUE}, panels=PANELS)
    at.sidebar.text_input(key="ws_new_name").input("Sites")
    at.sidebar.button(key="ws_create").click().run()
    at.file_uploader(key="upload").set_value(("stations.csv", CSV_IMPORT, "text/csv")).run()
    submit_button(at, "import_add").click().run()
    assert not at.exception
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_saved_import_is_listed_once_in_the_legend(sqlite_store, lang):
    at = workspace_with_an_import(lang)
    assert len([r for r in legend_rows(at) if "stations" in r]) == 1
    at.button(key="ws_save_imports").click().run()
    assert not at.exception
    rows = [r for r in legend_rows(at) if "stations" in r]
    assert len(rows) == 1, rows  # the workspace's layer now; the session's copy is gone
    assert at.session_state[SESSION_KEY].imports == ()
    at.run()
    assert len([r for r in legend_rows(at) if "stations" in r]) == 1


def test_a_status_note_starts_at_the_venues_status(sqlite_store, layers):
    at = workspace_with_an_import("en")
    status = at.sidebar.selectbox(key=f"ws_note_{VENUE}_status")
    assert status.value == layers.venues.set_index("id").loc[VENUE, "status"] == "upgrading"
    # a note saying otherwise: the next note starts from it (the venue's status is now the note's)
    status.set_value("in_service")
    at.sidebar.text_input(key=f"ws_note_{VENUE}_text").input("opened")
    labels = {i18n.t("ws_note_add", lang) for lang in i18n.LANGS}
    next(b for b in at.sidebar.button if b.label in labels).click()
    at.run()
    assert not at.exception
    fresh = app_test({"lang": "en", "basemap": "offline", "venue": VENUE, **ws_query(at)}, panels=PANELS)
    fresh.session_state[SESSION_KEY].edit_tokens = dict(at.session_state[SESSION_KEY].edit_tokens)
    fresh.run()
    assert fresh.sidebar.selectbox(key=f"ws_note_{VENUE}_status").value == "in_service"


def ws_query(at) -> dict[str, str]:
    return {k: at.query_params[k][0] if isinstance(at.query_params[k], list) else at.query_params[k] for k in ("ws", "wt")}


# --- Chromium -------------------------------------------------------------------------------------------------

PLACED_JS = """() => [...document.querySelectorAll('.bem-label:not(.bem-off)')].filter(e => e.offsetParent !== null)
  .map(e => e.textContent)"""


def placed(frame) -> list[str]:
    return frame.evaluate(PLACED_JS)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_core_view_names_heritage_components_and_the_one_core(browser, app_url, layers, lang):
    from geo import style
    from tests.test_live_map import overlapping_labels

    page, frame = open_map(browser, app_url, (1400, 900), f"basemap=offline&lang={lang}&view=core")
    try:
        shown = placed(frame)
        heritage = set(layers.venues.loc[layers.venues["category"] == "heritage", f"name_{lang}"])
        assert len(heritage & set(shown)) >= 3, shown  # where there is room along the axis
        assert style.get_style("core").label(lang) in shown, shown
        assert overlapping_labels(frame) == []
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_east_view_names_the_cbd_area(browser, app_url, layers, lang):
    from tests.test_live_map import overlapping_labels

    page, frame = open_map(browser, app_url, (1400, 900), f"basemap=offline&lang={lang}&view=east")
    try:
        cbd = layers.areas.set_index("id").loc["east_cbd_embassies", f"name_{lang}"]
        assert cbd in placed(frame), placed(frame)
        assert overlapping_labels(frame) == []
    finally:
        page.close()


NOTE_POPUP_JS = """() => { const n = document.querySelector('.bem-note').getBoundingClientRect(),
  c = map_div.getContainer().getBoundingClientRect();
  map_div.openPopup('<b>popup</b>', map_div.containerPointToLatLng([(n.left + n.right) / 2 - c.left,
    (n.top + n.bottom) / 2 - c.top])); }"""
#: the note is drawn over the popup: both shown, overlapping, the note's stacking above the map panes
#: (elementFromPoint would not tell: the note lets clicks through, pointer-events: none)
NOTE_OVER_POPUP_JS = """() => { const note = document.querySelector('.bem-note'), p = document.querySelector('.leaflet-popup');
  const a = note.getBoundingClientRect(), b = p.getBoundingClientRect();
  const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  return overlap && getComputedStyle(note).visibility === 'visible' && getComputedStyle(note).display !== 'none'; }"""


@pytest.mark.browser
def test_the_no_venues_note_never_covers_a_popup(browser, app_url):
    query = "basemap=offline&lang=en&cat=aviation&district=Dongcheng"
    page, frame = open_map(browser, app_url, (1400, 900), query, labels=False)
    try:
        note = frame.locator(".bem-note")
        note.wait_for(timeout=30_000)
        frame.evaluate(NOTE_POPUP_JS)  # a popup where the note is
        frame.locator(".leaflet-popup-content").wait_for()
        assert not frame.evaluate(NOTE_OVER_POPUP_JS), "the note draws over the popup"
        frame.evaluate("() => map_div.closePopup()")
        frame.wait_for_function("() => getComputedStyle(document.querySelector('.bem-note')).visibility === 'visible'")
        assert "No venue matches" in note.inner_text()  # back once the popup is closed
    finally:
        page.close()
