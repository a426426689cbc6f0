"""Data is data: the venues are one table (data/venues.csv) checked against one schema file (data/schema.json).

A row added by hand reaches the map; each mistake in the table is named by file, spreadsheet row and column,
by the loader and by ``python -m geo check``; the schema's allowed values match the labels and styles in the
code; the README's field list is generated from the schema; a rebuild never touches the table."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys

import pyogrio
import pytest

from geo import data, i18n, paths, plan, schema, style, webmap
from geo.errors import DataError, DataErrors
from geo.mapspec import MapSpec
from scripts import build_schema_doc
from tests.conftest import ROOT
from tests.test_data import read_venues, write_venues

CONTRIBUTING = ROOT / "CONTRIBUTING.md"


@pytest.fixture()
def data_copy(tmp_path):
    dst = tmp_path / "data"
    shutil.copytree(ROOT / "data", dst)
    return dst


def run_check(data_dir, *args):
    env = {**os.environ, "BEM_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "geo", "check", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def check_here(run_cli, monkeypatch):
    """``run_check`` in this process: ``python -m geo check`` through run_cli with the data folder pointed at the
    copy (what BEM_DATA_DIR sets at import; run_check keeps the real variable and process covered)."""

    def run(data_dir, *args):
        monkeypatch.setattr(paths, "DATA_DIR", data_dir)
        return run_cli("check", *args)

    return run


def example_row() -> dict:
    """The row CONTRIBUTING.md tells a planner to add (its ```csv block), under the table's header."""
    block = re.search(r"```csv\n(.*?)\n```", CONTRIBUTING.read_text(encoding="utf-8"), re.S).group(1)
    header = next(csv.reader(io.StringIO((ROOT / "data" / "venues.csv").read_text(encoding="utf-8-sig"))))
    (cells,) = list(csv.reader(io.StringIO(block)))
    assert len(cells) == len(header)
    return dict(zip(header, cells))


def append_rows(path, *rows):
    venues = read_venues(path)
    write_venues(path, [*venues, *rows], list(venues[0]))
    return len(venues) + 2  # the spreadsheet row of the first new row (the header is row 1)


# --- the schema is the one list of fields and values, and matches the code -------------------------------


def test_allowed_values_are_the_codes_labels_and_styles():
    sch = schema.load_schema()
    assert sch.vocabularies["category"] == style.VENUE_CATEGORIES
    assert sch.vocabularies["segment"] == tuple(style.get_style("axes").variants)
    for key in ("plan_action", "status", "precision", "region"):
        assert sch.vocabularies[key] == i18n.terms(key), key
    assert set(sch.vocabularies["role"]) <= set(i18n.terms("role"))
    venues = sch.layers["venues"]
    assert venues.field("category").values == style.VENUE_CATEGORIES
    assert venues.field("status").values == i18n.terms("status")


def test_every_field_and_value_is_described_in_both_languages():
    sch = schema.load_schema()
    for layer in sch.layers.values():
        assert all(layer.description[lang] for lang in i18n.LANGS), layer.key
        for field in layer.fields:
            assert all(field.description[lang].strip() for lang in i18n.LANGS), (layer.key, field.name)
    for key, values in sch.vocabularies.items():
        for value in values:
            assert schema.label(key, value, "zh") and schema.label(key, value, "en"), (key, value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["vocabularies"]["category"]["values"].append("zoo"), "value 'zoo' has no label"),
        (lambda d: d["vocabularies"]["status"]["values"].append("demolished"), "value 'demolished' has no label"),
        (lambda d: d["fields"]["year_open"].update(type="datetime"), "type 'datetime' is not one of"),
        (lambda d: d["layers"]["venues"]["fields"].update(colour={}), "field 'colour' is not defined"),
        (lambda d: d["fields"]["name_en"]["description"].pop("zh"), "needs a description in zh and en"),
    ],
)
def test_a_broken_schema_is_named(change, message):
    doc = json.loads(schema.SCHEMA_FILE.read_text(encoding="utf-8"))
    change(doc)
    with pytest.raises(DataError, match=re.escape(message)) as err:
        schema.parse_schema(doc)
    assert err.value.file == "schema.json"


def test_the_readme_lists_the_schema():
    """The README's field list is generated from the schema (scripts/build_schema_doc.py) and up to date."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert build_schema_doc.section() in readme, "run: python scripts/build_schema_doc.py"
    block = readme[readme.index(build_schema_doc.BEGIN) : readme.index(build_schema_doc.END)]
    for layer in schema.load_schema().layers.values():
        assert f"`{layer.file}`" in block
        for field in layer.fields:
            assert f"`{field.name}`" in block, (layer.key, field.name)


# --- the table ------------------------------------------------------------------------------------------


def test_the_table_opens_in_a_spreadsheet_and_in_gdal(layers):
    raw = (ROOT / "data" / "venues.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # Excel's CSV UTF-8: BOM, CRLF rows
    venues = read_venues(ROOT / "data" / "venues.csv")
    assert list(venues[0]) == [f.name for f in schema.load_schema().layers["venues"].columns()]
    assert [row["id"] for row in venues] == list(layers.venues["id"])
    # QGIS reads delimited text through GDAL's CSV driver: the same points, in WGS-84
    gdal = pyogrio.read_dataframe(ROOT / "data" / "venues.csv", X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat")
    assert list(gdal["id"]) == list(layers.venues["id"])
    assert all(a.equals_exact(b, 1e-12) for a, b in zip(gdal.geometry, layers.venues.geometry))


def test_a_venue_added_as_one_row_is_on_the_map(data_copy):
    row = example_row()
    number = append_rows(data_copy / "venues.csv", row)
    layers = data.load_layers(data_copy)
    venue = layers.venues.set_index("id").loc[row["id"]]
    assert (venue["name_en"], venue["category"], venue["district_en"]) == (row["name_en"], "exhibition", "Chaoyang")
    assert (venue.geometry.x, venue.geometry.y) == (float(row["lon"]), float(row["lat"]))
    assert venue["year_open"] == 2021 and venue["year_target"] != venue["year_target"]  # empty: NaN, as before
    assert venue["plan_sentence"] in plan.split_sentences()  # typed with plain spaces, kept verbatim
    html = webmap.build_map(layers, MapSpec(lang="en", basemap="offline")).get_root().render()
    assert row["name_en"] in html
    result = run_check(data_copy, "--ids")
    assert result.returncode == 0, result.stderr
    assert "venues      28 features" in result.stdout and row["id"] in result.stdout and "data OK" in result.stdout
    assert number == 29


def test_check_names_the_row_and_column_of_every_mistake(data_copy, check_here):
    good = example_row()
    bad = [
        {**good, "id": "bad_category", "category": "expo"},
        {**good, "id": "no_name", "name_zh": ""},
        {**good, "id": "far_east", "lon": "1163.877"},
        {**good, "id": "bad_year", "year_open": "20x1"},
    ]
    first = append_rows(data_copy / "venues.csv", *bad)
    result = check_here(data_copy)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert lines == [
        f"error: venues.csv, row {first} (bad_category), field 'category': 'expo' is not one of heritage, diplomacy, "
        "exhibition, culture, aviation",
        f"error: venues.csv, row {first + 1} (no_name), field 'name_zh': is required but empty",
        f"error: venues.csv, row {first + 2} (far_east), field 'lon': 1163.877 is outside the range (-180 to 180)",
        f"error: venues.csv, row {first + 3} (bad_year), field 'year_open': '20x1' is not a whole number (1400 to 2100)",
    ]
    assert "4 mistake(s)" in result.stderr and "Traceback" not in result.stderr
    documented = re.search(r"```text\n(error: .*)\n```", CONTRIBUTING.read_text(encoding="utf-8")).group(1)
    assert documented == lines[0].replace("bad_category", "cncc_phase_two").replace(f"row {first}", "row 29")
    with pytest.raises(DataErrors) as err:  # the app gets all of them too, reading as the first and a count
        data.load_layers(data_copy)
    assert [(e.row, e.field) for e in err.value.errors] == [
        (first, "category"),
        (first + 1, "name_zh"),
        (first + 2, "lon"),
        (first + 3, "year_open"),
    ]
    assert str(err.value).startswith(f"venues.csv, row {first} (bad_category), field 'category'")
    assert "(and 3 more mistakes" in str(err.value)


def test_row_numbers_are_the_spreadsheets_not_the_files_lines(data_copy):
    venues = read_venues(data_copy / "venues.csv")
    venues[0]["note_en"] = "two\nlines"  # one row in a spreadsheet, two lines in the file
    venues[6]["category"] = "zoo"
    write_venues(data_copy / "venues.csv", venues)
    lines = (data_copy / "venues.csv").read_bytes().split(b"\r\n")
    assert len(lines) == 29  # 27 venues, the header and the empty end of the last line
    lines.insert(4, b",,,,")  # a cleared row stays a row in a spreadsheet
    (data_copy / "venues.csv").write_bytes(b"\r\n".join(lines))
    with pytest.raises(DataError) as err:
        data.load_layers(data_copy)
    assert (err.value.row, err.value.field) == (9, "category")  # header 1, venues 2-7, blank 5 → the 7th venue is 9


@pytest.mark.parametrize(
    ("edit", "errors"),
    [
        (
            lambda t: t.replace("name_en,", "name_EN,", 1),
            [(1, "name_EN", "is not a column of this table"), (1, "name_en", "required column is missing")],
        ),
        (
            lambda t: t.replace("\r\n", ",venue\r\n").replace("border_note,venue", "border_note,role", 1),
            [(1, "role", "is fixed by the layer (always 'venue')")],
        ),
        (lambda t: t.replace(",", ";"), [(1, None, "columns must be separated by commas")]),
        (
            lambda t: t.replace("yanqi_lake_resort,", "yanqi_lake_resort,extra,", 1).replace("\r\nfourth", ",more\r\nfourth", 1),
            None,
        ),  # shifted by one cell: many mistakes, all in row 2
    ],
)
def test_header_and_shape_mistakes_are_named(data_copy, edit, errors):
    path = data_copy / "venues.csv"
    path.write_bytes(edit(path.read_bytes().decode("utf-8-sig")).encode("utf-8-sig"))
    found, problems = data.check_layers(data_copy)
    assert found is None
    if errors is None:
        columns = len(path.read_bytes().decode("utf-8-sig").split("\r\n", 1)[0].split(","))
        assert {e.row for e in problems} == {2} and any(
            f"has {columns + 2} cells but the header names {columns} columns" in str(e) for e in problems
        )
        return
    assert [(e.row, e.field) for e in problems] == [(row, field) for row, field, _ in errors]
    for error, (_, _, message) in zip(problems, errors):
        assert error.file == "venues.csv" and message in str(error)


def test_the_file_must_be_utf8_and_may_lack_the_bom(data_copy, layers):
    path = data_copy / "venues.csv"
    text = path.read_bytes().decode("utf-8-sig")
    assert "\r\n" in text
    path.write_bytes(text.replace("\r\n", "\n").encode("utf-8"))  # no BOM, LF rows (a text editor's save)
    assert data.load_curated("venues", data_copy).equals(data.load_curated("venues"))
    path.write_bytes(text.encode("gb18030"))  # Excel's plain "CSV" on a Chinese Windows
    with pytest.raises(DataError, match=r"venues.csv: not UTF-8 text \(line 2 of the file\).*CSV UTF-8"):
        data.load_layers(data_copy)


def test_a_changed_row_changes_the_data_fingerprint(data_copy):
    """The app keeps validated layers on disk keyed by this hash: an edit of the table must not reuse them."""
    before = data.data_fingerprint(data_copy)
    venues = read_venues(data_copy / "venues.csv")
    venues[0]["name_en"] += " (renamed)"
    write_venues(data_copy / "venues.csv", venues)
    assert data.data_fingerprint(data_copy) != before


def test_a_hand_edit_survives_a_rebuild(data_copy, tmp_path):
    venues = read_venues(data_copy / "venues.csv")
    venues[2]["note_en"] = "Edited by a planner."
    write_venues(data_copy / "venues.csv", venues)
    table = (data_copy / "venues.csv").read_bytes()
    subprocess.run(
        [
            sys.executable,
            "scripts/build_layout.py",
            "--out",
            data_copy,
            "--boundary",
            data_copy / "boundary.geojson",
            "--data",
            data_copy,
            "--venues-geojson",
            tmp_path / "v.geojson",
        ],
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    assert (data_copy / "venues.csv").read_bytes() == table
    assert not (data_copy / "venues.geojson").exists()
    exported = json.loads((tmp_path / "v.geojson").read_text(encoding="utf-8"))["features"]
    assert exported[2]["properties"]["note_en"] == "Edited by a planner."
    assert data.load_layers(data_copy).venues["note_en"].iloc[2] == "Edited by a planner."


def test_the_export_refuses_a_bad_table(data_copy, tmp_path):
    venues = read_venues(data_copy / "venues.csv")
    venues[0]["lat"] = "north"
    write_venues(data_copy / "venues.csv", venues)
    result = subprocess.run(
        [
            sys.executable,
            "scripts/build_layout.py",
            "--out",
            tmp_path / "out",
            "--data",
            data_copy,
            "--venues-geojson",
            tmp_path / "v.geojson",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1 and not (tmp_path / "v.geojson").exists()
    assert "venues.csv, row 2 (yanqi_lake_resort), field 'lat': 'north' is not a number" in result.stderr


def test_the_app_shows_table_mistakes_as_a_message(data_copy, monkeypatch):
    from geo import paths
    from tests.conftest import app_test
    from ui import cache

    append_rows(data_copy / "venues.csv", {**example_row(), "category": "expo"}, {**example_row(), "id": "x2", "lon": "east"})
    monkeypatch.setattr(paths, "DATA_DIR", data_copy)
    monkeypatch.setenv("BEM_CACHE_DIR", str(data_copy.parent / "cache"))
    cache.get_layers.clear()
    try:
        at = app_test({"basemap": "offline", "lang": "en"})
    finally:
        cache.get_layers.clear()
    assert not at.exception
    message = at.error[0].value.replace("\\", "")
    assert "venues.csv, row 29 (cncc_phase_two), field 'category'" in message and "1 more mistake" in message
    assert i18n.t("data_error_next", "en") in message
