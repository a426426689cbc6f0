"""Issue 25 (messages for people): the core's named errors (an export, a deck, a snapshot, a format, a map spec)
are catalogued (geo/error_messages.py), and the page, the workspace panel and the command line show them in
their own language, naming the value and what to do: never an English sentence on the Chinese page, a path,
an exception's name or a traceback. An unexpected error shows a reference, and the server log holds the
traceback under it."""

from __future__ import annotations

import logging
import pickle
import re

import geopandas as gpd
import pytest
import shapely

from geo import deck, formats, i18n, presets, safe, workspace
from geo import io as gio
from geo.filters import FilterSpec
from geo.mapspec import CONTEXT, MapSpec, Page, SpecError
from tests.conftest import app_test, submit_button
from tests.test_messages_for_people import INTERNAL
from ui import cache

CSV_IMPORT = "名称,经度,纬度\n甲站,116.39,39.91\n乙站,116.45,39.93\n".encode()


def chinese_for_people(text: str) -> None:
    """``text`` is Chinese, with no English phrase (three words in a row), path, exception name or traceback."""
    assert re.search(r"[\u4e00-\u9fff]", text), text
    assert not re.search(r"[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}", text), text
    assert not INTERNAL.search(text), text


def english_for_people(text: str) -> None:
    assert not re.search(r"[\u4e00-\u9fff]", text), text
    assert not INTERNAL.search(text), text


# --- the core: each error family's message in both languages -----------------------------------------------
def raised(call) -> Exception:
    with pytest.raises(Exception) as info:
        call()
    return info.value


FAILURES = {  # what fails, the error it raises, and a value its message must name
    "export: no data layer": (lambda L: gio.export_data(L, MapSpec(layers=CONTEXT), "geojson"), gio.ExportError, ""),
    "export: unknown data format": (lambda L: gio.export_data(L, MapSpec(), "shp"), gio.ExportError, "shp"),
    "export: empty GeoPackage": (
        lambda L: gio.export_data(L, MapSpec(bbox=(100.0, 10.0, 100.01, 10.01)), "gpkg"),
        gio.ExportError,
        "GeoPackage",
    ),
    "deck: unknown view": (lambda L: deck.view_spec(MapSpec(), "atlantis"), deck.DeckError, "atlantis"),
    "deck: pages per": (lambda L: deck.atlas_pages(L, MapSpec(), "district"), deck.DeckError, "district"),
    "snapshot: paper": (lambda L: presets.paper_size("b5-landscape", 150), presets.SnapshotError, "b5-landscape"),
    "format: file name": (lambda L: formats.by_extension("plan.docx"), formats.FormatError, "plan.docx"),
    "format: key": (lambda L: formats.writer_of("docx"), formats.FormatError, "docx"),
    "spec: language": (lambda L: MapSpec(lang="fr").validated(), SpecError, "fr"),
    "spec: size": (lambda L: MapSpec(page=Page(120, 90, 150)).validated(), SpecError, "120"),
    "spec: dpi": (lambda L: MapSpec(page=Page(1920, 1080, 2000)).validated(), SpecError, "2000"),
    "spec: filters": (lambda L: MapSpec(filters=FilterSpec(categories=("zoo",))).validated(), SpecError, "zoo"),
}


@pytest.mark.parametrize("case", FAILURES)
def test_each_core_error_is_a_catalogued_message_in_both_languages(layers, case):
    call, kind, value = FAILURES[case]
    exc = raised(lambda: call(layers))
    assert isinstance(exc, kind), repr(exc)
    zh, en = exc.message("zh"), exc.message("en")
    chinese_for_people(zh)
    english_for_people(en)
    assert value in zh and value in en
    assert str(exc) == en  # the logs and the tests read English
    back = pickle.loads(pickle.dumps(exc))  # a render's child process sends it back as itself
    assert type(back) is kind and back.message("zh") == zh


# --- the page: a spec that cannot be drawn, told by the export panel ----------------------------------------
def test_the_export_panel_tells_a_spec_it_cannot_draw_in_the_pages_language():
    """A link asks for venues within 5 km of a point but names no point: the PNG (made in a render process)
    cannot be drawn, and the Chinese page says why in Chinese, not after a heading in English."""
    at = app_test({"lang": "zh", "basemap": "offline", "km": "5", "of": "point"}, panels=("export",))
    at.selectbox(key="exp_fmt").set_value("png")
    submit_button(at).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (shown,) = [e.value for e in at.error]
    chinese_for_people(shown.replace("\\", ""))
    expected = raised(lambda: MapSpec(filters=FilterSpec(within_km=5.0, of="point")).validated()).message("zh")
    assert shown == safe.md(expected)
    assert "点选一个点" in expected and "--" not in expected  # what is missing, in the panel's words (no flag)


# --- the command line: the catalogued words in its language ------------------------------------------------
CLI_FAILURES = {  # arguments, environment, exit code, words the message must hold
    "a file name of no format": (["snapshot", "--out", "{tmp}/plan.docx"], {}, 2, "plan.docx"),
    "a page too large": (["snapshot", "--out", "{tmp}/plan.png", "--size", "16000x16000"], {}, 2, "16000"),
    "an empty GeoPackage": (["snapshot", "--out", "{tmp}/far.gpkg", "--bbox", "100,10,100.01,10.01"], {}, 1, "GeoPackage"),
    "local tiles with no file": (["snapshot", "--out", "{tmp}/plan.png", "--basemap", "local"], {}, 2, "BEM_BASEMAP_FILE"),
    "a bad tile mirror": (["check"], {"BEM_TILE_MIRROR": "ftp://tiles.example"}, 2, "BEM_TILE_MIRROR"),
}


#: every case in Chinese; in English those whose message was both languages in one line
CLI_CASES = [*((case, "zh") for case in CLI_FAILURES), ("local tiles with no file", "en"), ("a bad tile mirror", "en")]


@pytest.mark.parametrize(("case", "lang"), CLI_CASES)
def test_the_command_line_says_the_cores_errors_in_its_language(run_cli, tmp_path, monkeypatch, case, lang):
    args, env, code, word = CLI_FAILURES[case]
    monkeypatch.delenv("BEM_BASEMAP_FILE", raising=False)
    monkeypatch.delenv("BEM_TILE_MIRROR", raising=False)
    locale = "zh_CN.UTF-8" if lang == "zh" else "en_GB.UTF-8"
    result = run_cli(*(a.format(tmp=tmp_path) for a in args), LANG=locale, **env)
    assert result.returncode == code, result
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(i18n.cli("error", lang, message="")), line
    assert word in line, line
    (chinese_for_people if lang == "zh" else english_for_people)(line.replace(str(tmp_path), ""))
    assert str(tmp_path) not in line


# --- the workspace panel: a save the store refuses --------------------------------------------------------
@pytest.fixture
def full_workspace(tmp_path, monkeypatch):
    """A workspace (SQLite) already holding the most layers one may hold; yields (id, edit token)."""
    monkeypatch.delenv("BEM_DATABASE_URL", raising=False)
    monkeypatch.setenv("BEM_WORKSPACE_DIR", str(tmp_path / "ws"))
    cache.workspace_store.clear()
    store = workspace.Store()
    created = store.create("full")
    gdf = gpd.GeoDataFrame({"name": ["站"]}, geometry=[shapely.Point(116.4, 39.9)], crs="EPSG:4326")
    layers = [workspace.layer_from_frame(f"layer {i}", gdf) for i in range(workspace.MAX_LAYERS)]
    store.save(created["id"], created["edit_token"], {**workspace.empty_content(), "layers": layers}, 1, "filled")
    yield created["id"], created["edit_token"]
    cache.workspace_store.clear()


def test_a_save_the_workspace_refuses_is_told_in_the_pages_language(full_workspace):
    wid, edit_token = full_workspace
    at = app_test({"lang": "zh", "basemap": "offline", "ws": wid, "et": edit_token}, panels=("import", "ws"))
    at.file_uploader(key="upload").set_value(("stations.csv", CSV_IMPORT, "text/csv")).run()
    submit_button(at, "import_add").click().run()  # on the map for this session
    at.button(key="ws_save_imports").click().run()  # kept in the workspace: one layer too many
    assert not at.exception, [e.value for e in at.exception]
    (shown,) = [e.value for e in at.sidebar.error]
    chinese_for_people(shown)
    expected = i18n.t("ws_save_refused", "zh").format(
        layers=workspace.MAX_LAYERS, sketches=workspace.MAX_SKETCHES, mb=workspace.MAX_CONTENT_BYTES >> 20
    )
    assert shown == expected and str(workspace.MAX_LAYERS) in shown


# --- the last line of defence: an unexpected error -----------------------------------------------------------
class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_unexpected_error_shows_a_reference_and_the_log_its_traceback(tmp_path, monkeypatch, lang):
    """The profile of the run cannot be written (BEM_PROFILE names a folder that does not exist): the page
    shows the catalogued message with a reference, no exception name or path; the log has the traceback."""
    monkeypatch.setenv("BEM_PROFILE", str(tmp_path / "missing" / "run.prof"))
    records = Records()
    logging.getLogger("beijing_exchange_map").addHandler(records)
    try:
        at = app_test({"lang": lang, "basemap": "offline"})
    finally:
        logging.getLogger("beijing_exchange_map").removeHandler(records)
    (error,) = [e.value for e in at.error]
    m = re.search(re.escape(i18n.t("error_reference", lang)) + r" ([0-9a-f]{8})", error)
    assert m and error.startswith(f"**{i18n.t('unexpected_error', lang)}**"), error
    assert "FileNotFoundError" not in error and str(tmp_path) not in error
    if lang == "zh":
        chinese_for_people(error)
    logged = [r for r in records.records if m.group(1) in r.getMessage()]
    assert logged and logged[-1].exc_info and logged[-1].exc_info[0] is FileNotFoundError
