"""The curated layers: schema, completeness, location and datum sanity, provenance, reproducibility."""

from __future__ import annotations

import csv
import filecmp
import json
import shutil
import subprocess
import sys

import pytest
import shapely

from geo import data, plan, schema
from geo.errors import DataError
from tests.conftest import ROOT, SHARED_SOURCE

PLAN_VENUES = {
    "yanqi_lake_resort": "Huairou",
    "fourth_embassy_area": "Chaoyang",
    "olympic_park_central_area": "Chaoyang",
    "ciec_new_venue": "Shunyi",
    "great_wall_museum": "Yanqing",
    "capital_airport": "Chaoyang",  # the airport is an exclave of Chaoyang inside Shunyi
    "daxing_airport": "Daxing",
    "cncc": "Chaoyang",
    "shougang_park": "Shijingshan",
    "zgc_international_innovation_center": "Haidian",
    "financial_street": "Xicheng",
    "diaoyutai_state_guesthouse": "Haidian",
}
HERITAGE_COMPONENTS = {
    "bell_and_drum_towers",
    "wanning_bridge",
    "jingshan",
    "forbidden_city",
    "duanmen",
    "tiananmen",
    "outer_jinshui_bridges",
    "imperial_ancestral_temple",
    "altar_of_land_and_grain",
    "tiananmen_square",
    "zhengyangmen",
    "southern_section_road_remains",
    "temple_of_heaven",
    "xiannongtan",
    "yongdingmen",
}
FOUR_PLATFORMS = (
    "China International Fair for Trade in Services|CIFTIS",
    "Zhongguancun Forum",
    "Financial Street Forum",
    "Global Digital Economy Conference",
)


def all_curated(layers):
    return [layers.core, layers.axes, layers.areas, layers.venues]


def test_every_curated_feature_has_the_schema(layers):
    curated = schema.load_schema().curated()
    assert [layer.key for layer in curated] == ["core", "axes", "areas", "venues"]
    for layer, gdf in zip(curated, all_curated(layers)):
        required = [f.name for f in layer.properties() if f.required or f.value is not None]
        assert {
            "id",
            "name_zh",
            "name_en",
            "category",
            "role",
            "plan_action",
            "plan_sentence",
            "coord_source",
            "precision",
        } <= set(required), layer.key
        for field in required:
            assert gdf[field].map(lambda v: isinstance(v, str) and v.strip() != "").all(), (layer.key, field)
        assert set(gdf.columns) - {"geometry", "district_zh", "district_en"} <= {f.name for f in layer.properties()}


def test_ids_are_unique_across_layers(layers):
    ids = [fid for gdf in all_curated(layers) for fid in gdf["id"]]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("fid", "district"), PLAN_VENUES.items())
def test_plan_venue_present_in_its_district(layers, fid, district):
    row = layers.venues.set_index("id").loc[fid]
    assert row["district_en"] == district


def test_central_axis_has_its_15_components_and_the_line(layers):
    heritage = set(layers.venues.loc[layers.venues["category"] == "heritage", "id"])
    assert heritage == HERITAGE_COMPONENTS
    axis = layers.axes.set_index("id").loc["central_axis"]
    assert axis.geometry.geom_type == "LineString"


def test_four_platforms_each_have_a_venue(layers):
    names = " ".join(layers.venues["name_en"]) + " " + " ".join(layers.venues["note_en"].fillna(""))
    for platform in FOUR_PLATFORMS:
        assert any(alt in names for alt in platform.split("|")), platform


def test_two_axes_with_extensions(layers):
    axes = layers.axes.set_index("id")
    assert {
        "central_axis",
        "central_axis_north",
        "central_axis_south",
        "changan_avenue",
        "changan_avenue_west",
        "changan_avenue_east",
    } <= set(axes.index)
    assert set(axes["segment"]) == {"main", "extension"}
    # the southern extension reaches Daxing airport, the western one Shougang, the eastern one Tongzhou
    venues = layers.venues.set_index("id").to_crs(data.METRIC_CRS)
    metric = axes.to_crs(data.METRIC_CRS)
    assert metric.loc["central_axis_south"].geometry.distance(venues.loc["daxing_airport"].geometry) < 200
    assert metric.loc["changan_avenue_west"].geometry.distance(venues.loc["shougang_park"].geometry) < 1500
    assert "Tongzhou" in axes.loc["changan_avenue_east", "district_en"]


def test_areas_cover_the_four_regions(layers):
    assert set(layers.areas["region"]) == {"east", "north", "west", "south"}
    assert (layers.areas["precision"] == "indicative").all()
    # each named venue of a region lies in one of that region's areas
    venues = layers.venues.set_index("id")
    expected = {
        "east": ["fourth_embassy_area", "capital_airport", "ciec_new_venue"],
        "north": ["yanqi_lake_resort", "great_wall_museum"],
        "south": ["daxing_airport"],
        "west": ["zgc_international_innovation_center"],
    }
    for region, ids in expected.items():
        shape = layers.areas.loc[layers.areas["region"] == region].union_all().buffer(0.002)
        for fid in ids:
            if isinstance(venues.loc[fid].get("border_note"), str):  # areas are clipped to Beijing
                assert shape.distance(venues.loc[fid].geometry) < 0.01, (region, fid)
            else:
                assert shape.contains(venues.loc[fid].geometry), (region, fid)


def test_every_feature_is_inside_beijing(layers):
    city = layers.boundary.to_crs(data.METRIC_CRS).union_all()
    for gdf in all_curated(layers):
        metric = gdf.to_crs(data.METRIC_CRS)
        for fid, geom, note in zip(gdf["id"], metric.geometry, gdf.get("border_note", [None] * len(gdf))):
            if geom.geom_type == "Point" and isinstance(note, str):
                assert city.distance(geom) < data.BORDER_NOTE_MAX_M, fid  # documented border site
                continue
            share = (
                geom.intersection(city).area / geom.area
                if geom.area
                else geom.intersection(city).length / geom.length
                if geom.length
                else float(city.buffer(300).contains(geom))
            )
            assert share >= data.MIN_SHARE_INSIDE, (fid, share)


def test_sixteen_districts_and_the_core_area(layers):
    assert len(layers.districts) == 16
    assert set(layers.districts["adcode"]) == {f"1101{n:02d}" for n in (1, 2, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19)}
    core_km2 = layers.core.to_crs(data.METRIC_CRS).area.iloc[0] / 1e6
    assert core_km2 == pytest.approx(92.5, rel=0.02)  # official: 92.5 km²
    city_km2 = layers.boundary.to_crs(data.METRIC_CRS).area.iloc[0] / 1e6
    assert city_km2 == pytest.approx(16410, rel=0.01)  # official: 16,410 km²


def test_datum_boundaries_are_wgs84_not_gcj02(layers):
    """North of Jingshan the Central Axis is the Dongcheng/Xicheng border.

    Wanning Bridge sits on it: within ~100 m in WGS-84, while boundaries left in GCJ-02
    would put the border ~550 m to the east.
    """
    d = layers.districts.set_index("name_en").to_crs(data.METRIC_CRS)
    border = d.loc["Dongcheng"].geometry.intersection(d.loc["Xicheng"].geometry.buffer(2)).boundary
    venues = layers.venues.set_index("id").to_crs(data.METRIC_CRS)
    assert venues.loc["wanning_bridge"].geometry.distance(border) < 100
    forbidden_city = layers.venues.set_index("id").loc["forbidden_city"].geometry
    assert layers.districts.set_index("name_en").loc["Dongcheng"].geometry.contains(forbidden_city)


def test_plan_sentences_are_verbatim_from_the_source(layers):
    sentences = set(plan.split_sentences())
    for gdf in all_curated(layers):
        for fid, sentence in zip(gdf["id"], gdf["plan_sentence"]):
            assert sentence in sentences, fid


def test_shipped_source_is_the_shared_original():
    if not SHARED_SOURCE.exists():
        pytest.skip("../shared is not present beside this checkout")
    assert (ROOT / "data" / "sources" / SHARED_SOURCE.name).read_bytes() == SHARED_SOURCE.read_bytes()


def test_build_scripts_reproduce_the_shipped_files(tmp_path):
    out, res = tmp_path / "data", tmp_path / "resources"
    subprocess.run([sys.executable, "scripts/build_boundaries.py", "--out", out, "--resources", res], cwd=ROOT, check=True)
    subprocess.run(
        [
            sys.executable,
            "scripts/build_layout.py",
            "--out",
            out,
            "--boundary",
            out / "boundary.geojson",
            "--venues-geojson",
            tmp_path / "venues.geojson",
        ],
        cwd=ROOT,
        check=True,
    )
    for name in ("boundary", "districts", "core", "axes", "areas"):
        assert filecmp.cmp(out / f"{name}.geojson", ROOT / "data" / f"{name}.geojson", shallow=False), name
    assert filecmp.cmp(res / "mainland.geojson", ROOT / "geo" / "resources" / "mainland.geojson", shallow=False)
    assert not (out / "venues.geojson").exists() and not (out / "venues.csv").exists()  # venues are the table
    assert_export_is_the_table(tmp_path / "venues.geojson", data.load_curated("venues"))


def assert_export_is_the_table(path, venues):
    """The GeoJSON export holds exactly the features the app loads from the table."""
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["id"] for f in features] == list(venues["id"])
    for feature, (_, row) in zip(features, venues.iterrows()):
        assert shapely.geometry.shape(feature["geometry"]).equals_exact(row.geometry, 0)
        expected = {
            k: (None if v != v else int(v) if k.startswith("year_") else v)  # NaN: empty
            for k, v in row.drop("geometry").items()
        }
        assert feature["properties"] == expected


# --- the loader rejects bad data with a message naming file, row or feature, and field ----------------------


@pytest.fixture()
def data_copy(tmp_path):
    dst = tmp_path / "data"
    shutil.copytree(ROOT / "data", dst)
    return dst


def edit_feature(path, index, change):
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc["features"][index])
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def read_venues(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def write_venues(path, rows, columns=None):
    columns = columns or list(rows[0])
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, columns, lineterminator="\r\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def edit_venue(path, index, change):
    rows = read_venues(path)
    change(rows[index])
    write_venues(path, rows)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda r: r.update(plan_sentence=""), "plan_sentence", "required but empty"),
        (lambda r: r.update(plan_sentence="Build a zoo."), "plan_sentence", "not a whole sentence of the meeting"),
        (lambda r: r.update(name_en="  "), "name_en", "required but empty"),
        (lambda r: r.update(plan_action="demolish"), "plan_action", "not one of"),
        (lambda r: r.update(category="zoo"), "category", "not one of"),
        (lambda r: r.update(status="done"), "status", "not one of"),
        (lambda r: r.update(lon="12950000"), "lon", "outside the range (-180 to 180)"),
        (lambda r: r.update(lat="116.39"), "lat", "outside the range (-90 to 90)"),
        (lambda r: r.update(lon="116,39"), "lon", "not a number"),
        (lambda r: r.update(lon=""), "lon", "required but empty"),
        (lambda r: r.update(lon="121.47", lat="31.23"), "lon", "outside Beijing"),
        (lambda r: r.update(year_open="2008.5"), "year_open", "not a whole number"),
        (lambda r: r.update(year_target="3000"), "year_target", "outside the range (1400 to 2100)"),
        (lambda r: r.update(id="Olympic Park"), "id", "not an id"),
    ],
)
def test_invalid_venue_is_named(data_copy, change, field, message):
    edit_venue(data_copy / "venues.csv", 3, change)
    with pytest.raises(DataError) as err:
        data.load_layers(data_copy)
    assert err.value.file == "venues.csv"
    assert err.value.row == 5  # the header is row 1: the fourth venue is row 5, as a spreadsheet shows it
    assert err.value.field == field
    assert field == "id" or err.value.feature == "olympic_park_central_area"
    assert message in str(err.value) and "venues.csv, row 5" in str(err.value)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda f: f["properties"].pop("plan_sentence"), "plan_sentence", "required but missing"),
        (lambda f: f["properties"].update(name_en="  "), "name_en", "required but empty"),
        (lambda f: f["properties"].update(plan_action="demolish"), "plan_action", "not one of"),
        (lambda f: f["properties"].update(role="venue"), "role", "does not belong"),
        (lambda f: f["properties"].update(segment="spur"), "segment", "not one of"),
        (lambda f: f["properties"].update(colour="red"), "colour", "not a field of the 'axes' layer"),
        (lambda f: f.update(geometry={"type": "Point", "coordinates": [116, 40]}), "geometry", "expected LineString"),
        (
            lambda f: f.update(geometry={"type": "LineString", "coordinates": [[121.4, 31.2], [121.5, 31.2]]}),
            "geometry",
            "outside Beijing",
        ),
        (lambda f: f.update(geometry=None), "geometry", "missing geometry"),
    ],
)
def test_invalid_geojson_feature_is_named(data_copy, change, field, message):
    edit_feature(data_copy / "axes.geojson", 3, change)
    with pytest.raises(DataError) as err:
        data.load_layers(data_copy)
    assert (err.value.file, err.value.field, err.value.row) == ("axes.geojson", field, None)
    assert "changan_avenue" in err.value.feature
    assert message in str(err.value)


def test_duplicate_id_is_named(data_copy):
    edit_venue(data_copy / "venues.csv", 1, lambda r: r.update(id="cncc"))
    with pytest.raises(DataError, match=r"venues.csv, row 7 \(cncc\), field 'id': duplicate id 'cncc' \(also row 3\)"):
        data.load_layers(data_copy)
    edit_venue(data_copy / "venues.csv", 1, lambda r: r.update(id="central_axis"))  # an axis's id
    with pytest.raises(DataError, match=r"venues.csv, row 3 \(central_axis\), field 'id': id also used in axes"):
        data.load_layers(data_copy)


def test_bowtie_polygon_is_rejected(data_copy):
    bowtie = {"type": "Polygon", "coordinates": [[[116.3, 39.9], [116.4, 40.0], [116.4, 39.9], [116.3, 40.0], [116.3, 39.9]]]}
    edit_feature(data_copy / "areas.geojson", 0, lambda f: f.update(geometry=bowtie))
    with pytest.raises(DataError, match="invalid geometry: Self-intersection"):
        data.load_layers(data_copy)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not valid JSON"),
        (b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[1, 2, 3]", "not a GeoJSON FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "holds no features"),
    ],
)
def test_unreadable_file_is_named(data_copy, content, message):
    (data_copy / "axes.geojson").write_bytes(content)
    with pytest.raises(DataError, match=message) as err:
        data.load_layers(data_copy)
    assert err.value.file == "axes.geojson"


def test_missing_file_is_named(data_copy):
    (data_copy / "core.geojson").unlink()
    with pytest.raises(DataError, match="core.geojson: file not found"):
        data.load_layers(data_copy)


def test_loading_never_writes_to_data(layers):
    before = {p.name: p.read_bytes() for p in (ROOT / "data").iterdir() if p.is_file()}
    assert {"venues.csv", "schema.json"} <= set(before)
    data.load_layers()
    assert before == {p.name: p.read_bytes() for p in (ROOT / "data").iterdir() if p.is_file()}
    assert shapely.is_valid(layers.core.geometry).all()
