"""Every output of one view agrees (issue 20, item 6), and each passes a real reader (item 13).

For each named view and one filtered extent, at one page (a 16:9 slide's map): the places the PDF picture
names, the GeoJSON, GeoPackage and KML exports, the deck's speaker notes and the export panel's summary all
hold the same places and layers, because one function (``mapspec.in_view``) decides them. Then the files as
GDAL (pyogrio), an RFC 7946 validator and SQLite read them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import shutil
import sqlite3
import subprocess
import warnings
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from geo import deck, formats, i18n, mapspec, style
from geo import io as gio
from geo.filters import FilterSpec
from geo.kml import kml_colour
from geo.mapspec import MapSpec
from geo.views import VIEWS
from tests.conftest import app_test, submit_button

KML = "{http://www.opengis.net/kml/2.2}"
PAGE = deck.map_page("16:9")  # the deck's slides and every other output of a case share this page
TODAY = dt.date(2026, 5, 1)
CASES: dict[str, MapSpec] = {
    **{v: MapSpec(bbox=VIEWS[v].bbox, view=v, page=PAGE, today=TODAY) for v in VIEWS},
    # the planner's own extent (between the core and the east), venues of two categories only
    "filtered": MapSpec(
        bbox=(116.36, 39.88, 116.52, 39.97), page=PAGE, today=TODAY, filters=FilterSpec(categories=("diplomacy", "heritage"))
    ),
}


def names_in(text: str, universe: set[str]) -> set[str]:
    """The names of ``universe`` that ``text`` holds. Longest first, each found one cut out, so 天安门 is not
    found inside 天安门广场及建筑群; white space is ignored (a reader may break a long label)."""
    flat = re.sub(r"\s+", "", text)
    found = set()
    for name in sorted(universe, key=len, reverse=True):
        key = re.sub(r"\s+", "", name)
        if key in flat:
            found.add(name)
            flat = flat.replace(key, "|")
    return found


def pdf_text(data: bytes, tmp: Path) -> str:
    path = tmp / "view.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def notes_text(pptx: bytes) -> list[str]:
    from pptx import Presentation

    return [slide.notes_slide.notes_text_frame.text for slide in Presentation(io.BytesIO(pptx)).slides]


def gpkg_layers(data: bytes, tmp: Path) -> dict[str, gpd.GeoDataFrame]:
    path = tmp / "view.gpkg"
    path.write_bytes(data)
    return {name: pyogrio.read_dataframe(path, layer=name) for name, _ in pyogrio.list_layers(path)}


def kml_layers(data: bytes, tmp: Path) -> dict[str, gpd.GeoDataFrame]:
    """A KML as GDAL reads it: a layer per folder."""
    path = tmp / "view.kml"
    path.write_bytes(data)
    return {name: pyogrio.read_dataframe(path, layer=name) for name, _ in pyogrio.list_layers(path)}


@pytest.fixture(scope="module")
def outputs(layers, tmp_path_factory):
    """Every output of each case, made once: PDF text, GeoJSON, GeoPackage, KML, deck notes, summaries."""
    made = {}

    def make(case: str) -> dict:
        if case not in made:
            spec = CASES[case]
            tmp = tmp_path_factory.mktemp(case)
            slide = formats.export(layers, spec, "pptx", views=(spec.view or "current",))
            made[case] = {
                "pdf": pdf_text(formats.export(layers, spec, "pdf").data, tmp),
                "geojson": json.loads(formats.export(layers, spec, "geojson").data),
                "gpkg": gpkg_layers(formats.export(layers, spec, "gpkg").data, tmp),
                "kml": kml_layers(formats.export(layers, spec, "kml").data, tmp),
                "notes": notes_text(slide.data),
                "summary": mapspec.describe(layers, spec, "en"),
                "caption": slide.description,
            }
        return made[case]

    return make


def venue_names(layers) -> set[str]:
    return set(layers.venues["name_zh"])


@pytest.mark.parametrize("case", list(CASES))
def test_the_picture_names_the_places_every_data_export_holds(layers, outputs, case):
    out = outputs(case)
    universe = venue_names(layers)
    in_picture = names_in(out["pdf"], universe)
    features = out["geojson"]["features"]
    in_geojson = {f["properties"]["name_zh"] for f in features if f["properties"]["layer"] in style.VENUE_CATEGORIES}
    in_gpkg = {n for key, gdf in out["gpkg"].items() if key in style.VENUE_CATEGORIES for n in gdf["name_zh"]}
    in_kml = {n for gdf in out["kml"].values() for n in gdf["Name"]} & universe
    assert in_picture, case
    assert in_picture == in_geojson, (case, in_picture ^ in_geojson)
    assert in_gpkg == in_geojson and in_kml == in_geojson, case
    # area names the picture prints (they give way where they do not fit) are areas the exports hold
    areas = set(layers.areas["name_zh"])
    exported_areas = {f["properties"]["name_zh"] for f in features if f["properties"]["layer"] == "areas"}
    assert names_in(out["pdf"], areas) <= exported_areas, case


@pytest.mark.parametrize("case", list(CASES))
def test_the_deck_notes_name_the_places_on_the_slide(layers, outputs, case):
    out = outputs(case)
    universe = venue_names(layers)
    (notes,) = out["notes"]
    on_slide = {
        f["properties"]["name_zh"] for f in out["geojson"]["features"] if f["properties"]["layer"] in style.VENUE_CATEGORIES
    }
    assert names_in(notes, universe) == on_slide == names_in(out["pdf"], universe), case


@pytest.mark.parametrize("case", list(CASES))
def test_the_summary_counts_the_layers_and_venues_the_files_hold(outputs, case):
    out = outputs(case)
    for text in (out["summary"], out["caption"]):  # the panel before rendering, and the caption after
        venues, n_layers = (int(v) for v in re.findall(r"\d+", text)[:2])  # "3 venues · 4 layers · …", either language
        assert n_layers == len(out["gpkg"]) == len({f["properties"]["layer"] for f in out["geojson"]["features"]}), (case, text)
        assert venues == sum(len(gdf) for key, gdf in out["gpkg"].items() if key in style.VENUE_CATEGORIES), (case, text)


def test_the_export_panel_summary_counts_the_geopackage_it_renders(tmp_path):
    """The real panel: what it announces for the Central Axis (at the last chosen page) is what its GeoPackage holds."""
    at = app_test({"lang": "en", "view": "central-axis", "basemap": "offline"}, panels=("export",))
    at.selectbox(key="exp_fmt").set_value("gpkg")
    submit_button(at).click()
    at.run()
    assert not at.exception and not at.error
    summary = next(m.value for m in at.markdown if i18n.t("export_contains", "en") in m.value)
    n_layers = int(re.search(r"(\d+) layers?", summary).group(1))
    result = at.session_state["bem"].export_result
    path = tmp_path / "panel.gpkg"
    path.write_bytes(result.data)
    assert n_layers == len(pyogrio.list_layers(path)), summary
    assert re.search(r"(\d+) layers?", result.description).group(1) == str(n_layers)


# --- a deck: "current view" on a named view of the same deck is one slide -----------------------------


def test_current_view_on_a_named_view_of_the_deck_is_one_slide(layers):
    base = replace(CASES["central-axis"], bbox=(116.3651, 39.8621, 116.4179, 39.9499))  # the planner on the view
    for lang in ("zh", "en"):
        made = formats.export(layers, replace(base, lang=lang), "pptx", views=("current", "central-axis", "core"))
        notes = notes_text(made.data)
        assert len(notes) == 2, "current and central-axis make one slide, core another"
        assert made.notes == [i18n.t("deck_current_is_view", lang).format(view=VIEWS["central-axis"].name(lang))]
    elsewhere = replace(base, view="", bbox=VIEWS["yanqi-lake"].bbox)
    made = formats.export(layers, elsewhere, "pptx", views=("current", "central-axis"))
    assert len(notes_text(made.data)) == 2 and made.notes == []


# --- readers: GDAL reads the KML's folders and Google Earth finds the styles --------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_kml_has_a_folder_and_a_style_per_layer(layers, tmp_path, lang):
    spec = replace(CASES["city"], lang=lang)
    data = formats.export(layers, spec, "kml").data
    view = mapspec.in_view(layers, spec)
    labels = {key: style.STYLES[key].label(lang) for key in view.features}
    read = kml_layers(data, tmp_path)
    assert set(read) == set(labels.values())  # GDAL: one layer per folder, named in the page's language
    for key, label in labels.items():
        assert len(read[label]) == len(view.features[key]), key
        name_col = f"name_{lang}"
        assert set(read[label]["Name"]) == set(view.features[key][name_col]), key
    root = ET.fromstring(data)
    styles = {s.get("id"): s for s in root.iter(f"{KML}Style")}
    for folder in root.iter(f"{KML}Folder"):
        key = next(k for k, label in labels.items() if label == folder.findtext(f"{KML}name"))
        s = style.STYLES[key]
        urls = {p.findtext(f"{KML}styleUrl") for p in folder.iter(f"{KML}Placemark")}
        assert len(urls) == 1, key
        el = styles[urls.pop().lstrip("#")]
        assert el.findtext(f"{KML}LineStyle/{KML}color") == kml_colour(s.color, 0.95)
        assert float(el.findtext(f"{KML}LineStyle/{KML}width")) == s.weight
        assert el.findtext(f"{KML}PolyStyle/{KML}color") == kml_colour(s.fill_color or s.color, s.fill_opacity)
        assert el.findtext(f"{KML}PolyStyle/{KML}fill") == ("1" if s.fill_opacity else "0")
        assert el.findtext(f"{KML}IconStyle/{KML}color") == kml_colour(s.fill_color or s.color, 1.0)
    assert kml_colour("#D55E00", 0.22) == "3800" + "5ed5"  # aabbggrr: alpha 0.22 of 255 is 0x38


def test_kml_keeps_holes_and_multi_parts(tmp_path):
    ring = shapely.box(116.0, 39.0, 116.1, 39.1)
    holed = shapely.Polygon(ring.exterior.coords, [shapely.box(116.02, 39.02, 116.05, 39.05).exterior.coords])
    multi = shapely.MultiPoint([(116.2, 39.2), (116.3, 39.3)])
    gdf = gpd.GeoDataFrame({"layer": ["a", "b"], "name": ["holed", "multi"]}, geometry=[holed, multi], crs="EPSG:4326")
    read = kml_layers(gio.frame_bytes(gdf, "kml", "name"), tmp_path)
    assert set(read) == {"a", "b"}
    back = read["a"].geometry.iloc[0]
    assert len(back.interiors) == 1 and back.area == pytest.approx(holed.area)
    assert len(read["b"].geometry.iloc[0].geoms) == 2


# --- readers: a GeoPackage 1.2 that GDAL opens without a word ------------------------------------------


def test_geopackage_is_version_1_2_with_clean_layer_names_and_opens_without_warnings(layers, tmp_path, caplog):
    gdf = gio.shown_features(layers, CASES["core"]).assign(layer="sites_wgs84.csv")  # as a workspace layer is named
    gdf = gpd.GeoDataFrame(pd.concat([gdf, gio.shown_features(layers, CASES["east"])], ignore_index=True), crs="EPSG:4326")
    path = tmp_path / "x.gpkg"
    path.write_bytes(gio.frame_bytes(gdf, "gpkg", "name_zh"))
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # 'GPKG'
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200  # GeoPackage 1.2
        tables = [r[0] for r in db.execute("select table_name from gpkg_contents")]
    assert "sites_wgs84" in tables and not any("." in t for t in tables)
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read = {name: pyogrio.read_dataframe(path, layer=name) for name, _ in pyogrio.list_layers(path)}
        pyogrio.read_info(path, layer="sites_wgs84")
    assert not caught, [str(w.message) for w in caught]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert set(read["sites_wgs84"]["layer"]) == {"sites_wgs84"}
    if shutil.which("ogrinfo"):  # Debian's gdal-bin, where installed: the command line's reading too
        res = subprocess.run(["ogrinfo", "-ro", "-al", "-so", str(path)], capture_output=True, text=True)
        assert res.returncode == 0 and "Warning" not in res.stderr and "ERROR" not in res.stderr, res.stderr


def test_layer_names_are_clean_and_unique():
    assert gio.clean_layer_name("sites_wgs84.csv") == "sites_wgs84"
    assert gio.clean_layer_name("会场.geojson") == "会场"
    assert gio.clean_layer_name("notes.v2") == "notes.v2"  # not a file extension: kept
    assert gio.clean_layer_name("gpkg_contents") == "layer_gpkg_contents"
    assert gio.clean_layer_name("a.kml", {"a"}) == "a-2"
    assert gio.clean_layer_name('"\x00.csv') == "layer"


# --- readers: GeoJSON by an RFC 7946 validator ------------------------------------------------------------


def rfc7946_problems(doc: dict) -> dict:
    """What ``geojson-validator`` (the project's test extra) finds against RFC 7946: the structure (a ``crs``
    member is an error), ring closure, at least four positions (three distinct), the right-hand rule
    (outer rings counter-clockwise, holes clockwise), WGS-84 ranges. 7 decimals (~1 cm) are kept on
    purpose, so the validator's 6-decimal "precision" hint is not asked for."""
    import geojson_validator as gv
    from geojson_validator.geometry_validation import INVALID_CRITERIA

    gv.configure_logging(enabled=False)
    problems = dict(gv.validate_structure(doc, check_crs=True))
    found = gv.validate_geometries(
        doc, criteria_invalid=INVALID_CRITERIA, criteria_problematic=["outside_lat_lon_boundaries", "crosses_antimeridian"]
    )
    problems.update({k: v for k, v in {**found["invalid"], **found["problematic"]}.items() if v})
    return problems


@pytest.mark.parametrize("case", ["city", "core", "filtered"])
def test_geojson_exports_pass_an_rfc7946_validator(outputs, case):
    doc = outputs(case)["geojson"]
    assert any(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in doc["features"])
    assert rfc7946_problems(doc) == {}


def test_the_validator_catches_what_rfc7946_forbids():
    """The validator is not blind: a clockwise outer ring, an open ring and a crs member are each caught."""
    cw = {"type": "Polygon", "coordinates": [[[116, 39], [116, 40], [117, 40], [117, 39], [116, 39]]]}
    open_ring = {"type": "Polygon", "coordinates": [[[116, 39], [117, 39], [117, 40], [116, 40]]]}
    for geom in (cw, open_ring):
        assert rfc7946_problems(
            {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": geom}]}
        )
    crs = {"type": "FeatureCollection", "crs": {"type": "name"}, "features": []}
    assert rfc7946_problems(crs)
