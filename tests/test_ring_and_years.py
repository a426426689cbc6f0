"""Issue 20, items 4 and 5: a "within N km" ring is shown wherever it applies (drawn and labelled on the live map,
fitted once when the filter changes, drawn, labelled and listed by a snapshot, named by the deck's notes), and
the year slider applies to the dated layout (axes and areas) as it does to the venues: the live map, the
snapshots and the exports drop the Daxing airport area and the axis extensions at 1950."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace

import pytest

from geo import deck, mapspec, snapshot, style, webmap
from geo import io as gio
from geo.data import load_layers
from geo.filters import FilterSpec
from geo.paths import DATA_DIR
from scripts import build_layout
from tests.conftest import app_test

THIS_YEAR = dt.date.today().year
#: what the layout had not yet in 1950 (the areas and extensions of the airport, the Olympics, the 2017 plan...)
NOT_IN_1950 = {
    "south_daxing_airport",
    "east_airport_exhibition",
    "north_olympic",
    "central_axis_north",
    "central_axis_south",
    "changan_avenue_west",
    "changan_avenue_east",
}
DAXING_AREA = {"zh": "大兴国际机场地区", "en": "Daxing International Airport area"}
AXIS_NORTH = {"zh": "中轴线北延长线（奥林匹克中心区）", "en": "Central Axis northern extension (Olympic area)"}
RING_3KM = FilterSpec(within_km=3.0, of="forbidden_city")
#: the ring the live map test sets: 3 km of the selected venue, the Forbidden City
VENUE_RING = mapspec.MapSpec(filters=FilterSpec(within_km=3.0, of="venue"), selection="forbidden_city")


def extension_row(lang: str) -> str:
    """The legend's row of the axes' extensions."""
    return next(r.label(lang) for r in style.legend_rows(["axes"]) if r.variant == "extension")


def svg_text(layers, spec: mapspec.MapSpec) -> tuple[str, snapshot.Snapshot]:
    """A snapshot as SVG with its text kept as text (what a reader of the file finds)."""
    spec = replace(spec, page=mapspec.Page(1280, 720, 100, svg_text=True))
    snap = snapshot.render(layers, spec, "svg")
    return snap.data.decode("utf-8"), snap


def payload(at) -> dict:
    """The live map's component arguments: the base map's script and the dynamic groups' script."""
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


# --- the data: dated axes and areas, each date sourced, built reproducibly -----------------------------------


def test_axes_and_areas_carry_sourced_dates(layers):
    """Each axis and area says where its dates come from; the dated ones are the ones the layout gained later."""
    for gdf in (layers.axes, layers.areas):
        assert gdf["dates_source"].notna().all() and (gdf["dates_source"].str.len() > 10).all()
    dated = {*layers.axes.dropna(subset=["year_open"])["id"], *layers.areas.dropna(subset=["year_open"])["id"]}
    assert NOT_IN_1950 <= dated
    years = dict(zip(layers.areas["id"], layers.areas["year_open"])) | dict(zip(layers.axes["id"], layers.axes["year_open"]))
    assert years["south_daxing_airport"] == 2019 and years["east_airport_exhibition"] == 1958
    assert years["central_axis_north"] == 2008 and years["north_olympic"] == 2008
    assert "central_axis" not in dated and "changan_avenue" not in dated  # historic: every year
    assert layers.areas.set_index("id").loc["east_dongba", "status"] == "planned"  # from the plan's year, 2025


def test_the_layout_build_is_reproducible_byte_for_byte(tmp_path):
    for out in (tmp_path / "a", tmp_path / "b"):
        assert build_layout.main(["--out", str(out)]) == 0
    for name in ("axes.geojson", "areas.geojson"):
        first = (tmp_path / "a" / name).read_bytes()
        assert first == (tmp_path / "b" / name).read_bytes() == (DATA_DIR / name).read_bytes(), name
        assert first.count(b'"dates_source":') == first.count(b'"type":"Feature"')  # every feature's dates sourced


# --- the year filter: shown(), the exports, the snapshot, the standalone map ---------------------------------


def layout_ids(layers, spec: mapspec.MapSpec) -> set[str]:
    view = mapspec.in_view(layers, spec)
    return {i for key in mapspec.LAYOUT_LAYERS if key in view.features for i in view.features[key]["id"]}


def test_the_year_filters_the_axes_and_areas_as_it_filters_the_venues(layers):
    city = mapspec.MapSpec(lang="en")
    then = replace(city, filters=FilterSpec(year=1950))
    result = mapspec.shown(layers, then)
    assert not NOT_IN_1950 & {*result.layout.axes["id"], *result.layout.areas["id"]}
    assert not NOT_IN_1950 & layout_ids(layers, then)
    assert {"central_axis", "changan_avenue", "east_cbd_embassies"} <= layout_ids(layers, then)
    assert "daxing_airport" not in set(result.venues["id"])  # the venues' rule, the same for both
    now = replace(city, filters=FilterSpec(year=THIS_YEAR))
    assert NOT_IN_1950 <= layout_ids(layers, now)
    assert mapspec.shown(layers, now).layout is layers  # a year that drops nothing: the same layers (and base map)


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_the_data_exports_drop_what_the_year_had_not(layers, fmt):
    def ids(year: int) -> set[str]:
        data = gio.export_data(layers, mapspec.MapSpec(lang="en", filters=FilterSpec(year=year)), fmt).decode("utf-8-sig")
        return set(re.findall(r"[a-z][a-z0-9_]+", data)) & NOT_IN_1950

    assert ids(1950) == set()
    assert ids(THIS_YEAR) == NOT_IN_1950


def test_the_standalone_map_drops_what_the_year_had_not(layers):
    def page(year: int) -> str:
        return webmap.build_map(layers, mapspec.MapSpec(lang="en", filters=FilterSpec(year=year))).get_root().render()

    then, now = page(1950), page(THIS_YEAR)
    for name in (DAXING_AREA["en"], AXIS_NORTH["en"]):
        assert name not in then and name in now


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_snapshot_of_1950_neither_draws_labels_nor_lists_the_later_layout(layers, lang):
    spec = snapshot.view_spec("airports", lang=lang)
    then, snap_then = svg_text(layers, replace(spec, filters=FilterSpec(year=1950)))
    now, _ = svg_text(layers, replace(spec, filters=FilterSpec(year=THIS_YEAR)))
    assert extension_row(lang) in now and extension_row(lang) not in then  # no extension row before there was one
    labelled_then = [*snap_then.labels.placed, *(n for _, n in snap_then.labels.numbered)]
    assert DAXING_AREA[lang] not in labelled_then and DAXING_AREA[lang] not in then


# --- the ring: on the snapshot, in the deck's notes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "legend", "label"),
    [("zh", "距 故宫 3 公里范围", "3 公里"), ("en", "Within 3 km of Forbidden City", "3 km")],
)
def test_a_snapshot_draws_labels_and_lists_the_ring(layers, lang, legend, label):
    text, snap = svg_text(layers, snapshot.view_spec("core", lang=lang, filters=RING_3KM))
    assert legend in text  # the legend's row
    assert label in snap.labels.placed  # written on the ring
    plain, plain_snap = svg_text(layers, snapshot.view_spec("core", lang=lang))
    assert legend not in plain and label not in plain_snap.labels.placed


def test_the_describe_line_and_the_deck_notes_name_the_ring(layers):
    spec = snapshot.view_spec("core", lang="zh", filters=RING_3KM)
    assert "距故宫 3 公里以内" in mapspec.describe(layers, spec, "zh")
    assert "距 故宫 3 公里范围" in deck.plan_notes(layers, spec, "zh")
    assert "Within 3 km of Forbidden City" in deck.plan_notes(layers, replace(spec, lang="en"), "en")
    assert "公里范围" not in deck.plan_notes(layers, snapshot.view_spec("core", lang="zh"), "zh")


# --- the live map: the ring labelled and fitted once; the year's layout -------------------------------------


def test_the_live_map_fits_and_labels_a_new_ring_once():
    """At the venue (zoom 15), a 3 km ring is off screen: setting the filter fits the map to the ring once and
    writes "3 公里" on it; a rerun leaves the map where the planner put it; another distance fits again."""
    at = app_test({"basemap": "offline", "lang": "zh", "venue": "forbidden_city"}, panels=("filters",))
    assert "BEM.RingLabel" not in payload(at)["feature_group"]
    at.sidebar.number_input(key="km").set_value(3.0).run()
    groups = payload(at)["feature_group"]
    ring = mapspec.shown(load_layers(), VENUE_RING).ring.bounds
    fit = re.search(r"BEM\.FitView\((\[\[.*?\]\])", groups)
    assert fit, "the map is fitted to the ring"
    (s, w), (n, e) = json.loads(fit.group(1))
    assert (w, s, e, n) == pytest.approx(ring, abs=1e-5)
    label = re.search(r"BEM\.RingLabel\((\[\[.*?\]\]), (\"[^\"]*\")\)", groups)
    assert label and json.loads(label.group(2)) == "3 公里"
    at.run()  # nothing changed: the map is not moved again
    assert "BEM.FitView" not in payload(at)["feature_group"] and "BEM.RingLabel" in payload(at)["feature_group"]
    at.sidebar.radio(key="lang").set_value("en").run()  # the language is no reason to move the map
    groups = payload(at)["feature_group"]
    assert "BEM.FitView" not in groups and '"3 km"' in groups
    at.sidebar.number_input(key="km").set_value(5.0).run()
    assert "BEM.FitView" in payload(at)["feature_group"]
    assert not at.exception


def test_a_link_with_a_ring_and_an_extent_opens_at_the_extent():
    at = app_test({"basemap": "offline", "venue": "forbidden_city", "km": "3", "c": "39.91600,116.39700", "z": "15"})
    groups = payload(at)["feature_group"]
    assert "BEM.RingLabel" in groups and "BEM.FitView" not in groups


def test_the_live_map_of_1950_has_no_daxing_area_and_no_axis_extension():
    at = app_test({"basemap": "offline", "lang": "zh"}, panels=("filters",))
    now = payload(at)["script"]
    assert DAXING_AREA["zh"] in now and AXIS_NORTH["zh"] in now
    assert extension_row("zh") in now  # the legend panel's row
    at.sidebar.slider(key="year").set_value(1950).run()
    then = payload(at)["script"]
    assert DAXING_AREA["zh"] not in then and AXIS_NORTH["zh"] not in then
    assert extension_row("zh") not in then
    assert "北京中轴线（世界遗产）" in then  # the historic axis stays
    assert not at.exception and not at.error


# --- the ring's label in Chromium: on the ring while it is on screen ----------------------------------------

LABEL_SHOWN = """() => { const el = document.querySelector('.bem-ring-label');
  return !!el && el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden'; }"""
THE_MAP = "window[Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)]"


@pytest.mark.browser
def test_the_ring_label_stands_on_the_ring_and_hides_with_it_in_chromium(browser, layers, tmp_path):
    spec = mapspec.MapSpec(lang="zh", filters=RING_3KM, bbox=(116.33, 39.88, 116.46, 39.96))
    ring = mapspec.shown(layers, spec).ring
    path = tmp_path / "ring.html"
    path.write_text(gio.export_html(layers, spec), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    try:
        page.goto(path.as_uri())
        page.wait_for_function(LABEL_SHOWN)
        assert page.locator(".bem-ring-label").text_content() == "3 公里"
        top = page.evaluate(f"""() => {{ const m = {THE_MAP}; let at = null;
            m.eachLayer(l => {{ if (l._label && l._label.classList.contains('bem-ring-label')) at = l._marker.getLatLng(); }});
            return [at.lat, at.lng]; }}""")
        assert top[0] == pytest.approx(ring.bounds[3], abs=1e-4)  # the ring's northernmost point, on screen
        page.evaluate(f"() => {THE_MAP}.setView([39.9163, 116.3972], 16, {{animate: false}})")  # inside the ring
        page.wait_for_function(f"() => !({LABEL_SHOWN})()")
        page.evaluate(f"() => {THE_MAP}.setView([39.9163, 116.3972], 13, {{animate: false}})")
        page.wait_for_function(LABEL_SHOWN)
    finally:
        page.close()
