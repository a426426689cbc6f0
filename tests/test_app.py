"""The Streamlit script under AppTest: both languages, every basemap, URL state, clear errors."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo import basemaps, i18n, paths
from tests.conftest import ROOT
from ui import cache

APP = str(ROOT / "app.py")


def run_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_app_runs_in_each_language(lang):
    at = run_app(lang=lang)
    assert not at.exception
    assert not at.error
    assert at.title[0].value == i18n.t("app_title", lang)
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
    assert at.title[0].value == i18n.t("app_title", "en")
    assert any(i18n.t("offline_hint", "en") in m.value for m in at.sidebar.info)


def test_unknown_query_values_fall_back():
    at = run_app(lang="fr", basemap="nonsense")
    assert not at.exception
    assert at.sidebar.radio(key="lang").value == "zh"
    assert at.sidebar.selectbox(key="basemap").value == basemaps.DEFAULT_BASEMAP


def test_broken_data_shows_a_message_not_a_traceback(tmp_path, monkeypatch):
    (tmp_path / "venues.geojson").write_text("{not json", encoding="utf-8")
    for name in ("boundary", "districts", "core", "axes", "areas"):
        (tmp_path / f"{name}.geojson").write_bytes((paths.DATA_DIR / f"{name}.geojson").read_bytes())
    monkeypatch.setattr(paths, "DATA_DIR", tmp_path)
    cache.get_layers.clear()
    try:
        at = run_app(lang="en")
    finally:
        cache.get_layers.clear()
    assert not at.exception
    message = at.error[0].value
    assert "venues.geojson" in message and "not valid JSON" in message
    assert i18n.t("data_error_next", "en") in message
