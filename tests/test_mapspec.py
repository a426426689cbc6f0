"""One map spec: the filters, selection, ring and hidden layers mean the same in every output."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from geo import formats, i18n, mapspec, snapshot, style
from geo import io as gio
from geo.mapspec import FilterSpec, MapSpec, Page
from geo.views import VIEWS
from tests.conftest import ROOT, app_test, submit_button

THIS_YEAR = mapspec.dt.date.today().year
CASES = {  # name: (filter spec, CLI arguments, URL query)
    "category": (FilterSpec(categories=("diplomacy",)), ["--category", "diplomacy"], {"cat": "diplomacy"}),
    "status": (
        FilterSpec(statuses=("planned", "under_construction")),
        ["--status", "planned,under_construction"],
        {"status": "planned,under_construction"},
    ),
    "year": (FilterSpec(year=2008), ["--year", "2008"], {"year": "2008"}),
    "within": (
        FilterSpec(within_km=5.0, of="forbidden_city"),
        ["--within", "5", "--of", "forbidden_city"],
        {"km": "5", "of": "forbidden_city"},
    ),
}


def city_spec(filters: FilterSpec, **kw) -> MapSpec:
    if filters.year is None:
        filters = replace(filters, year=THIS_YEAR)
    return MapSpec(filters=filters, page=Page(1200, 900, 100), **kw)


def csv_ids(data: bytes) -> set[str]:
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    return set(table.loc[table["role"] == "venue", "id"]) | set(table.loc[table["role"] == "heritage", "id"])


def venue_ids_of(table: pd.DataFrame, layers) -> set[str]:
    venues = set(layers.venues["id"])
    return {i for i in table["id"] if i in venues}


@pytest.mark.parametrize("case", list(CASES))
def test_spec_csv_geojson_kml_and_png_agree(layers, case):
    filters = CASES[case][0]
    spec = city_spec(filters)
    expected = set(mapspec.shown(layers, spec).venues["id"])
    assert 0 < len(expected) < len(layers.venues), "the filter must keep some venues and drop others"
    csv = pd.read_csv(io.BytesIO(gio.export_data(layers, spec, "csv")), encoding="utf-8-sig")
    assert venue_ids_of(csv, layers) == expected
    doc = json.loads(gio.export_data(layers, spec, "geojson"))
    assert {f["properties"]["id"] for f in doc["features"]} & set(layers.venues["id"]) == expected
    root = ET.fromstring(gio.export_data(layers, spec, "kml"))
    names = {e.text for e in root.iterfind(".//{http://www.opengis.net/kml/2.2}Placemark/{http://www.opengis.net/kml/2.2}name")}
    venue_names = dict(zip(layers.venues["name_zh"], layers.venues["id"]))
    assert {venue_names[n] for n in names if n in venue_names} == expected
    # the PNG: every category's fill colour appears exactly when a venue of it is shown
    bare = replace(spec, furniture=mapspec.Furniture(*(False,) * 9), title="", layers=tuple(style.VENUE_CATEGORIES))
    img = np.asarray(Image.open(io.BytesIO(snapshot.render(layers, bare, "png").data)).convert("RGB")).astype(int)
    shown_cats = set(layers.venues.set_index("id").loc[sorted(expected), "category"])
    for cat in ("diplomacy", "exhibition", "culture"):  # distinct fills (heritage is purple, aviation black)
        rgb = np.array([int(style.STYLES[cat].fill_color[i : i + 2], 16) for i in (1, 3, 5)])
        present = (np.abs(img - rgb).sum(axis=2) < 12).sum() > 20
        assert present == (cat in shown_cats), (case, cat)


@pytest.mark.parametrize("case", list(CASES))
def test_cli_filter_flags_give_the_same_rows_as_the_app(run_cli, layers, case, tmp_path):
    filters, args, query = CASES[case]
    out = tmp_path / "shown.csv"
    res = run_cli("snapshot", "--out", str(out), *args)
    assert res.returncode == 0, res.stderr
    cli = venue_ids_of(pd.read_csv(out, encoding="utf-8-sig"), layers)
    at = app_test({"lang": "en", "basemap": "offline", **query}, timeout=60)
    assert not at.exception
    names = set(at.dataframe[0].value[i18n.t("field_name", "en")])
    app = set(layers.venues.loc[layers.venues["name_en"].isin(names), "id"])
    assert cli == app == set(mapspec.shown(layers, city_spec(filters)).venues["id"])


def test_the_app_exports_what_the_planner_filtered():
    """The issue's case: category filter on the core view; the CSV and the PNG follow it."""
    at = app_test({"lang": "zh", "basemap": "offline", "view": "core", "cat": "diplomacy"}, panels=("export",))
    summary = [m.value for m in at.markdown if i18n.t("export_contains", "zh") in m.value]
    assert summary and "外交与国际会议场所" in summary[0] and "一核" in summary[0]
    at.selectbox(key="exp_fmt").set_value("csv")
    submit_button(at).click()
    at.run()
    assert not at.exception and not at.error
    result = at.session_state["bem"].export_result
    table = pd.read_csv(io.BytesIO(result.data), encoding="utf-8-sig")
    venues = table[table["role"] == "venue"]
    assert set(venues["category"]) == {"diplomacy"}
    assert re.fullmatch(r"beijing-exchange-map_core_zh_filtered_\d{4}-\d\d-\d\d\.csv", result.name)


def test_data_exports_keep_every_field_and_name_imported_layers_by_file(layers):
    from geo import imports

    data = b"name,lon,lat\nsite A,116.40,39.91\n"
    layer = imports.as_layer(imports.read_file("candidate sites.csv", data), 0, "#D55E00", "star")
    spec = MapSpec(layers=(*mapspec.ALL_LAYERS, layer.key), imported=(layer,))
    table = pd.read_csv(io.BytesIO(gio.export_data(layers, spec, "csv")), encoding="utf-8-sig")
    for column in ("status", "year_open", "year_target", "plan_action", "plan_sentence", "coord_source", "precision"):
        assert column in table and table.loc[table["role"] == "venue", column].notna().any(), column
    assert "candidate sites" in set(table["layer"]) and "import-0" not in set(table["layer"])


def test_selection_and_ring_are_drawn_in_snapshots_and_html(layers):
    spec = MapSpec(
        bbox=VIEWS["core"].bbox,
        selection="forbidden_city",
        page=Page(1000, 800, 100),
        filters=FilterSpec(within_km=2.0, year=THIS_YEAR),
        furniture=mapspec.Furniture(*(False,) * 9),
    )
    result = mapspec.shown(layers, spec)
    assert result.ring is not None and result.selected is not None
    assert set(result.venues["id"]) < set(layers.venues["id"])
    snap = snapshot.render(layers, spec, "png")
    img = np.asarray(Image.open(io.BytesIO(snap.data)).convert("RGB")).astype(int)
    x, y = snap.transform(116.3907, 39.9166)
    ring_px = style.SELECTION_RADIUS * 1.0
    red = np.abs(img - np.array([0xD5, 0x5E, 0x00])).sum(axis=2) < 40
    around = red[int(y - ring_px - 6) : int(y + ring_px + 6), int(x - ring_px - 6) : int(x + ring_px + 6)]
    assert around.sum() > 30  # the vermillion highlight circle
    page = gio.export_html(layers, spec)
    assert "bem-selected" in page and '"dashArray":"4 4"' in page.replace(" ", "").replace("'", '"') or "4 4" in page


def test_legend_lists_only_layers_drawn_in_the_frame(layers):
    spec = MapSpec(bbox=VIEWS["central-axis"].bbox, label_lang="en", page=Page(1200, 900, 100, svg_text=True))
    drawn = mapspec.drawn_layers(layers, spec)
    assert "heritage" in drawn and "aviation" not in drawn
    svg = snapshot.render(layers, spec, "svg").data.decode("utf-8")
    assert style.get_style("aviation").label_en not in svg
    assert "Beijing Central Axis: World Heritage" in svg  # (legend labels wrap)


def test_describe_and_file_name(layers):
    spec = MapSpec(bbox=VIEWS["core"].bbox, view="core", lang="en", filters=FilterSpec(categories=("diplomacy",), year=THIS_YEAR))
    text = mapspec.describe(layers, spec, "en")
    assert re.match(r"\d+ venues · \d+ layers · filter: Category = Diplomatic and conference venues · extent: One Core", text), (
        text
    )
    zh = mapspec.describe(layers, spec, "zh")
    assert "筛选：类别 = 外交与国际会议场所" in zh and "范围：一核" in zh
    assert (
        mapspec.file_name(replace(spec, today=mapspec.dt.date(2026, 11, 29)), "png")
        == "beijing-exchange-map_core_en_filtered_2026-11-29.png"
    )
    plain = MapSpec(today=mapspec.dt.date(2026, 11, 29))
    assert mapspec.file_name(plain, ".pdf") == "beijing-exchange-map_current-view_zh_2026-11-29.pdf"


def test_specs_are_hashable_and_keys_follow_content(layers):
    a = MapSpec(filters=FilterSpec(categories=("diplomacy",)))
    b = MapSpec(filters=FilterSpec(categories=("diplomacy",)))
    assert a == b and hash(a) == hash(b) and a.key() == b.key()
    assert a.key() != MapSpec().key()
    assert MapSpec(token="secret").key() != MapSpec().key()  # a key present or not changes the basemap
    assert "secret" not in repr(MapSpec(token="secret"))


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (FilterSpec(categories=("zoo",)), "Category: unknown value.* zoo"),  # the filter panel's words, not flags
        (FilterSpec(statuses=("dreaming",)), "Status: unknown value.* dreaming; use Planned"),
        (FilterSpec(within_km=5.0, of="atlantis"), "unknown reference"),
        (FilterSpec(within_km=-1.0), r"Within \(km\): -1 is out of range"),
    ],
)
def test_bad_filters_are_refused_with_a_message(layers, filters, message):
    with pytest.raises(mapspec.SpecError, match=message):
        mapspec.shown(layers, MapSpec(filters=filters).validated())


# --- registries as data -------------------------------------------------------------------------------


def test_every_string_has_both_languages():
    missing = [
        key for key, texts in i18n.catalogue().items() if not (isinstance(texts, dict) and texts.get("zh") and texts.get("en"))
    ]
    assert missing == []
    assert len(i18n.catalogue()) > 150


def test_the_format_table_drives_the_app_and_the_cli(run_cli, tmp_path):
    at = app_test({"basemap": "offline"}, panels=("export",), timeout=60)
    assert list(at.selectbox(key="exp_fmt").options) == [formats.FORMATS[k].label["zh"] for k in formats.FORMATS]
    for fmt in formats.FORMATS.values():
        for ext in fmt.extensions:
            assert formats.by_extension(f"map{ext.upper()}").key == fmt.key
    res = run_cli("snapshot", "--out", str(tmp_path / "x.docx"))
    assert res.returncode == 2 and all(ext in res.stderr for ext in formats.extensions())


def test_data_and_html_exports_work_without_the_snapshot_renderer(tmp_path):
    """Block matplotlib as if it were not installed: CSV/GeoJSON/HTML still work; PNG says what to install."""
    code = """
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Block())
from geo import formats
from geo.data import load_layers
from geo.mapspec import MapSpec
layers = load_layers()
for fmt in ("csv", "geojson", "kml", "gpkg", "html"):
    assert len(formats.export(layers, MapSpec(), fmt).data) > 1000, fmt
try:
    formats.export(layers, MapSpec(), "png")
except formats.MissingPart as exc:
    print(exc.message("zh")); print(exc.message("en"))
else:
    raise SystemExit("png rendered without matplotlib?")
assert "matplotlib" not in sys.modules
"""
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    zh, en = res.stdout.strip().splitlines()
    assert "matplotlib" in en and "pip install -e ." in en and "reload" not in en.lower()
    assert "matplotlib" in zh and "pip install -e ." in zh
