"""Spreadsheet exports stay inert: no cell, no column name and no physical line of a CSV the project writes
starts a formula (CSV injection), whatever line breaks the text holds, for curated, imported and workspace
data alike; numbers stay numbers."""

from __future__ import annotations

import csv
import io
import re
import shutil

import geopandas as gpd
import pandas as pd
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import imports, paths, workspace
from geo import io as gio
from geo.mapspec import MapSpec
from geo.views import VIEWS
from tests.conftest import app_test

#: what starts a formula in Excel, LibreOffice or WPS (OWASP's list, plus the full-width forms)
FORMULA = "=+-@\t\uff1d\uff0b\uff0d\uff20"
#: every line break some reader honours (str.splitlines' set)
BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
SPLIT = re.compile("\r\n|[" + re.escape(BREAKS) + "]")
NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
CALC = "cmd|' /C calc'!A0"
HOSTILE = [
    f"ok\r={CALC}",
    f"ok\n={CALC}",
    f"ok\r\n@SUM(1+1)*{CALC}",
    "a\u2028+1+1",
    "b\u2029-1+1",
    "c\v=1+1",
    "d\f=1+1",
    '=HYPERLINK("http://x","y")',
    f"\uff1d{CALC}",
    f"x\r\n\r\n\uff0b{CALC}",
    "\t=1+1",
    " =1+1",
    f"\r={CALC}",
    "e\r\n -2+3",
    "f\n\t@x",
]


def starts_formula(text: str) -> bool:
    """``text`` would start a formula (spaces an importer may trim first do not help)."""
    return text.lstrip(" \u3000")[:1] in set(FORMULA)


def segments(cell: str) -> list[str]:
    """The cell's text and the text after each of its line breaks: each is a cell start to some reader."""
    return SPLIT.split(cell)


def assert_inert(data: bytes, rows: int) -> list[list[str]]:
    """``data`` is an inert CSV of ``rows`` rows plus a header; returns its parsed rows."""
    text = data.decode("utf-8-sig")
    for line in text.splitlines():  # every physical line, split on every kind of line break
        field = line[1:] if line.startswith('"') else line
        if not NUMBER.fullmatch(field.split(",", 1)[0]):  # a row may start with a real number (-3.5)
            assert not starts_formula(field), repr(line)
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert len(parsed) == rows + 1, "a line break inside a value started a new row"
    for cell in (c for row in parsed for c in row):
        if NUMBER.fullmatch(cell):
            continue
        assert cell[:1] not in set(BREAKS), repr(cell)
        assert not any(starts_formula(s) for s in segments(cell)), repr(cell)
    return parsed


def same_text(written: str, original: str) -> bool:
    """Only ``'`` marks were added: nothing of the original text is lost or changed."""
    return written.replace("'", "") == original.replace("'", "")


# --- the map's data export: imported names and the imported file's name ----------------------------------


def test_map_csv_export_neutralises_text_after_every_line_break(layers):
    rows = "".join(f'"{h.replace(chr(34), chr(34) * 2)}",116.{39 + i},39.91\r\n' for i, h in enumerate(HOSTILE))
    source = "=cmd|' calc'!A0.csv"  # the file's name becomes the layer's name
    result = imports.read_file(source, ("name,lon,lat\r\n" + rows).encode("utf-8"))
    kept = list(result.gdf["_name"])  # what the importer keeps of each name (line breaks, formula starts)
    assert len(kept) == len(HOSTILE) and any(SPLIT.search(n) for n in kept)
    layer = imports.as_layer(result, 1, "#0072B2", "circle")
    spec = MapSpec(bbox=VIEWS["city"].bbox, layers=("core", layer.key), imported=(layer,))
    parsed = assert_inert(gio.export_data(layers, spec, "csv"), len(HOSTILE) + 1)
    header = parsed[0]
    names = [row[header.index("name_zh")] for row in parsed[1:] if row[header.index("role")] == "imported"]
    assert sorted(n.replace("'", "") for n in names) == sorted(h.replace("'", "") for h in kept)
    assert {row[0] for row in parsed[1:] if row[header.index("role")] == "imported"} == {"'=cmd|' calc'!A0"}
    table = pd.read_csv(io.BytesIO(gio.export_data(layers, spec, "csv")), encoding="utf-8-sig")
    assert table["lon"].dtype == float and table["lat"].between(39, 41).all()


# --- the workspace export: property names (headers), values, layer names, sketches ---------------------


def test_workspace_csv_export_neutralises_headers_and_cells(tmp_path):
    store = workspace.Store(f"sqlite:///{tmp_path / 'ws.gpkg'}")
    made = store.create("sheets")
    hyperlink = '=HYPERLINK("http://x","y")'
    props = {"depth\r\n-1+1": -3.5, hyperlink: f"ok\r={CALC}", "name": HOSTILE[2], "@who": "＠x", "note\u2028=1": 7}
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [116.4 + i / 100, 39.9]},
            "properties": {**props, "name": h},
        }
        for i, h in enumerate(HOSTILE)
    ]
    content = {
        "layers": [{"name": f"+{CALC}", "style": {}, "features": {"type": "FeatureCollection", "features": features}}],
        "sketches": [
            {"title": f"t\r={CALC}", "note": f"\uff1d{CALC}", "geometry": {"type": "Point", "coordinates": [116.5, 39.95]}}
        ],
        "views": [],
        "notes": [],
    }
    store.save(made["id"], made["edit_token"], content, 1, "hostile")
    data = workspace.export_bytes(store.load(made["id"], made["view_token"]), "csv")
    parsed = assert_inert(data, len(HOSTILE) + 1)
    header = parsed[0]
    for original in props:
        assert sum(same_text(h, original) for h in header) == 1, original
    assert {row[header.index("layer")] for row in parsed[1:]} == {f"'+{CALC}", "sketches"}
    names = [row[header.index("name")] for row in parsed[1:]]
    assert sorted(n.replace("'", "") for n in names) == sorted(h.replace("'", "") for h in [*HOSTILE, f"t\r={CALC}"])
    depth = next(h for h in header if same_text(h, "depth\r\n-1+1"))
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert table[depth].dtype == float and table[depth].iloc[0] == -3.5  # a real number stays a number


# --- the venue table's download in the app ------------------------------------------------------------


def test_venue_table_download_neutralises_curated_names(tmp_path, monkeypatch):
    import streamlit

    shutil.copytree(paths.DATA_DIR, tmp_path / "data")
    venues = tmp_path / "data" / "venues.csv"  # the curated table, as a planner's spreadsheet saves it
    with venues.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row, hostile in zip(rows, HOSTILE):
        row["name_zh"] = row["name_en"] = hostile
    with venues.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setattr(paths, "DATA_DIR", tmp_path / "data")
    monkeypatch.setenv("BEM_CACHE_DIR", str(tmp_path / "cache"))
    downloads = {}
    real = streamlit.download_button

    def recording(label, data, file_name=None, **kw):  # the real button, its bytes kept for the test
        downloads[file_name] = data
        return real(label, data, file_name=file_name, **kw)

    monkeypatch.setattr(streamlit, "download_button", recording)
    streamlit.cache_resource.clear()
    streamlit.cache_data.clear()
    try:
        at = app_test({"basemap": "offline", "lang": "en"})
    finally:
        streamlit.cache_resource.clear()  # the next test loads the shipped data again
        streamlit.cache_data.clear()
    assert not at.exception and not at.error
    parsed = assert_inert(downloads["venues.csv"], len(rows))
    names = [row[0] for row in parsed[1:]]
    assert sorted(n.replace("'", "") for n in names if any(same_text(n, h) for h in HOSTILE)) == sorted(
        h.replace("'", "") for h in HOSTILE
    )


# --- the rule itself, over random text -----------------------------------------------------------------

TEXT = st.text(alphabet=st.sampled_from(list(FORMULA + BREAKS + " \u3000'\",;a1.")), max_size=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    headers=st.lists(TEXT.filter(lambda h: h not in ("geometry", "layer", "wkt", "n")), min_size=1, max_size=4, unique=True),
    cells=st.lists(TEXT, min_size=4, max_size=16),
    numbers=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=4),
)
def test_every_cell_and_header_is_inert_for_any_text(headers, cells, numbers):
    rows = len(numbers)
    columns = {"n": numbers, "layer": [cells[i % len(cells)] for i in range(rows)]}
    columns |= {h: [cells[(i + j) % len(cells)] for i in range(rows)] for j, h in enumerate(headers)}
    gdf = gpd.GeoDataFrame(columns, geometry=[shapely.Point(116.4, 39.9)] * rows, crs="EPSG:4326")
    data = gio.frame_bytes(gdf, "csv", "layer")
    parsed = assert_inert(data, rows)
    assert all(same_text(w, o) for w, o in zip(parsed[0], ["n", "layer", *headers, "wkt"]))
    for written, (_, original) in zip(parsed[1:], gdf.drop(columns="geometry").iterrows()):
        assert all(same_text(w, o) for w, o in zip(written[1:-1], original.iloc[1:]))
    assert [float(row[0]) for row in parsed[1:]] == numbers  # numbers are written as numbers, unchanged
