"""Tables validated a column at a time (geo.imports.tables) name every problem as the per-row code does: the same
words, rows, fields and order, and the same layer, on the corpus and on files with one of each kind of bad row.

The reference is the per-row code the vectorised path replaced for tables: the csv module's reader, then each
row's coordinates read by ``validation.coordinate`` and the rows kept by ``validation.validate`` (the path GeoJSON
still takes)."""

from __future__ import annotations

import datetime
import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from geo import imports
from geo.data import CRS, METRIC_CRS
from geo.explore import fold
from geo.imports import pipeline, readers, tables, validation
from geo.problems import ProblemLog
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "corpus" / "files"
HEADER = "编号,名称,经度,纬度,备注\n"
KINDS = [  # one row of each kind: fine, blank name, spaces, degrees, missing, nan, text, out of range (each
    # coordinate), inf, -nan, underscores, full-width digits, a repeated ID, a long text, outside Beijing, ...
    ("1", "故宫", "116.397", "39.918", "ok"),
    ("2", "", "116.40", "39.91", ""),
    ("3", "x", " 116.41 ", "39.92", "sp"),
    ("4", "y", "116.4°", "39.9°", "deg"),
    ("5", "z", "", "39.9", "miss"),
    ("6", "a", "nan", "39.9", ""),
    ("7", "b", "abc", "39.9", ""),
    ("8", "c", "200", "39.9", ""),
    ("9", "d", "116.4", "95", ""),
    ("10", "e", "inf", "39.9", ""),
    ("11", "f", "-nan", "39.9", ""),
    ("12", "g", "1_16.4", "39.9", ""),
    ("13", "h", "１１６.４", "３９.９", ""),
    ("1", "dup", "116.3", "39.8", ""),
    ("15", "long", "116.3", "39.8", "长" * 600),
    ("16", "out", "121.47", "31.23", ""),
    ("17", "j", "116.4", "abc", ""),
    ("18", "k", "116.4e0", "3.99E1", ""),
    ("19", "l", "+116.4", ".399e2", ""),
    ("20", "m", "116.", "39.9", ""),
    ("21", "n", "NaN", "NAN", ""),
    ("22", "o", "1e400", "39.9", ""),
    ("", "p", "116.2", "40.1", ""),
    ("24", "故宫博物院", "116.403", "39.924", ""),
    ("25", "Temple of Heaven", "116.41", "39.88", "\t"),
]
KINDS_CSV = HEADER + "".join(",".join(r) + "\n" for r in KINDS)


def _many_bad() -> str:
    """3,000 rows, most with a problem: past 100 of a kind and 1,000 in all, so the log's bounds and order count."""
    rows = []
    for i in range(3000):
        k = i % 7
        lon = ["116.3", "", "x", "300", "116.4", "121.4", "116.35"][k]
        rows.append(f"{i % 50},名{i},{lon},39.9,{'长' * 501 if k == 4 else ''}")
    return HEADER + "\n".join(rows) + "\n"


def _xlsx() -> bytes:
    """A workbook of mixed cells: numbers, texts, booleans, dates, empty cells, 1 and 1.0 as IDs."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "名称", "经度", "纬度", "数", "备注"])
    ws.append([1, "故宫", 116.397, 39.918, 3, None])
    ws.append([1.0, None, "116.40", 39.91, 2.5, "x"])
    ws.append([True, 0, 116.41, None, None, "长" * 600])
    ws.append([2, "a", "abc", 39.9, None, datetime.datetime(2024, 1, 2)])
    ws.append([3, "b", 116.4, "39.9°", 7, False])
    ws.append([None, "c", 121.47, 31.23, None, None])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


LONG = "c" * 70
GENERATED = {
    "kinds.csv": KINDS_CSV.encode(),
    "kinds-crlf.csv": KINDS_CSV.replace("\n", "\r\n").encode(),
    "kinds-gbk.csv": KINDS_CSV.encode("gb18030"),
    "kinds-utf16.csv": KINDS_CSV.encode("utf-16"),
    "kinds-semicolons.csv": KINDS_CSV.replace(",", ";").encode(),
    "kinds-tabs.csv": KINDS_CSV.replace(",", "\t").encode(),
    "many-bad.csv": _many_bad().encode(),
    "quoted.csv": (
        HEADER + '1,"故宫, 紫禁城",116.397,39.918,"a ""q"" b"\n2,"multi\nline",116.3,39.9,x\n'
        '3,ab"c,116.3,39.9,"q"tail\n4,"a\r\nb",116.3,39.9,"c" \n'
    ).encode(),
    "ragged.csv": (HEADER + "1,a,116.3,39.9\n2,b,116.3,39.9,x,extra,more\n3\n").encode(),
    "short-rows.csv": (HEADER + "1,a,116.3,39.9\n2,b,116.3\n").encode(),
    "blank-rows.csv": ("\n\n" + HEADER + "\n , , \n1,a,116.3,39.9,x\n\n2,b,116.4,39.8,y\n \u3000 \n").encode(),
    "blank-inside.csv": (HEADER + "1,a,116.3,39.9,x\n\n , ,\u3000,\x1c, \n2,b,116.4,39.8,y\n").encode(),
    "bare-cr.csv": (HEADER + "1,a\r,116.3,39.9,x\n2,b,116.4,39.8,y\n").encode(),
    "nul.csv": (HEADER + "1,a\x00,116.3,39.9,x\n").encode(),
    "long-field.csv": (HEADER + "1," + "n" * 140_000 + ",116.3,39.9,x\n").encode(),
    "unclosed-quote.csv": (HEADER + '1,"abc,116.3,39.9,x\n2,b,116.3,39.9,x\n').encode(),
    "second-bom.csv": ("\ufeff\ufeff" + HEADER + "1,a,116.3,39.9,x\n").encode(),
    "repeated-headers.csv": "名称,名称,经度,纬度,_name,_where\na,b,116.3,39.9,c,d\n,,116.4,39.8,,\n".encode(),
    "long-headers.csv": f"名称,经度,纬度,{LONG}1,{LONG}2\na,116.3,39.9,x,y\n".encode(),
    "spaced-header.csv": " 名称 , 经度 ,纬度, ,\na,116.3,39.9,1,2\n".encode(),
    "no-names.csv": b"x,y\n116.3,39.9\n116.4,39.8\n",
    "all-bad.csv": (HEADER + "1,a,x,39.9\n2,b,,39.9\n").encode(),
    "swapped.csv": (HEADER + "".join(f"{i},n{i},39.9,116.{i}\n" for i in range(10))).encode(),
    "metres.csv": (HEADER + "".join(f"{i},n{i},450000,4420000\n" for i in range(10))).encode(),
    # just past the 80% the notices need only with the texts pandas' to_numeric reads and Arrow's cast does not
    "swapped-odd.csv": (
        HEADER
        + "".join(f"{i},n{i},39.9,116.{i},x\n" for i in range(6))
        + "6,a,116.3,39.9,x\n7,b,116.2,39.8,x\n"
        + "".join(f"{i},c{i},39.9,1.164e+002,x\n" for i in range(8, 11))
    ).encode(),
    "metres-odd.csv": (
        HEADER
        + "".join(f"{i},n{i},450000,4420000,x\n" for i in range(6))
        + "6,a,116.3,39.9,x\n7,b,116.2,39.8,x\n"
        + "".join(f"{i},c{i},inf,39.9,x\n" for i in range(8, 11))
    ).encode(),
    "mixed.xlsx": _xlsx(),
}


@pytest.fixture(scope="module")
def context(layers):
    return {"known": layers.venues, "boundary": layers.boundary.union_all()}


def per_row(table: pd.DataFrame, crs: str, problems: ProblemLog, known, boundary):
    """The per-row code tables went through before: each row's point, then ``validation.validate``."""
    lon_col, lat_col = validation.coordinate_columns(table)
    rows, geoms = [], []
    for i, rec in enumerate(table.to_dict("records"), start=2):  # row 1 is the header
        where = f"row {i}"
        lon = validation.coordinate(rec, lon_col, 180, where, problems)
        lat = None if lon is None else validation.coordinate(rec, lat_col, 90, where, problems)
        rows.append({str(k): v for k, v in rec.items() if k not in (lon_col, lat_col)})
        geoms.append(None if lat is None else shapely.Point(lon, lat))
    validation.notice_swaps_and_metres(table, lon_col, lat_col, problems)
    if not rows and not problems:
        raise imports.ImportFailed("no_rows")
    wheres = [f"row {i}" for i in range(2, len(rows) + 2)]
    return validation.validate(rows, geoms, wheres, crs, problems, known, boundary)


def outcome(name: str, data: bytes, crs: str, context) -> tuple:
    """What an import gives: its failure, or its problems (as the planner reads them), counts and layer."""
    try:
        result = imports.read_file(name, data, crs=crs, **context)
    except imports.ImportFailed as exc:
        return ("failed", exc.code, {k: str(v) for k, v in exc.kw.items()}), None
    problems = [(p.code, p.where, p.column, p.severity, p.text("en"), p.text("zh")) for p in result.problems]
    return ("ok", problems, result.counted, result.rows_read, result.encoding), result.gdf


def compare(name: str, data: bytes, crs: str, context, monkeypatch) -> None:
    ours, ours_gdf = outcome(name, data, crs, context)
    with monkeypatch.context() as m:
        m.setattr(tables, "csv_rows", lambda text, delimiter: None)  # the csv module reads every CSV
        m.setattr(tables, "table_layer", per_row)
        before, before_gdf = outcome(name, data, crs, context)
    assert ours == before
    if before_gdf is not None:
        assert_geodataframe_equal(ours_gdf, before_gdf, check_dtype=True, check_like=False)
        assert list(ours_gdf.columns) == list(before_gdf.columns)


@pytest.mark.parametrize("crs", ["wgs84", "gcj02"])
@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx")))
def test_corpus_tables_give_the_same_problems_as_the_per_row_code(name, crs, context, monkeypatch):
    compare(name, (CORPUS / name).read_bytes(), crs, context, monkeypatch)


@pytest.mark.parametrize("crs", ["wgs84", "bd09"])
@pytest.mark.parametrize("name", sorted(GENERATED))
def test_a_file_with_each_kind_of_bad_row_gives_the_same_problems(name, crs, context, monkeypatch):
    compare(name, GENERATED[name], crs, context, monkeypatch)


def test_the_kinds_file_names_each_problem_by_row_and_field(context):
    """Not only the same as before: the rows a spreadsheet shows, the field, the value."""
    result = imports.read_file("kinds.csv", GENERATED["kinds.csv"], **context)
    found = {(p.code, p.where, p.column) for p in result.problems}
    assert ("missing_value", "row 6", "经度") in found
    assert ("not_number", "row 8", "经度") in found
    assert ("out_of_range", "row 10", "纬度") in found
    assert ("duplicate_id", "row 15", "编号") in found
    assert ("truncated", "row 16", "备注") in found
    assert ("outside_beijing", "row 17", "geometry") in found
    assert result.gdf.loc[result.gdf["_where"] == "row 3", "_name"].tolist() == ["#2"]  # no name: its place
    assert result.gdf.loc[result.gdf["_where"] == "row 5", "geometry"].iloc[0].equals(shapely.Point(116.4, 39.9))


def test_common_csv_files_take_the_fast_parsers():
    """The vectorised reader is the one used for ordinary files (quoted, CRLF, GBK, short rows), not only for
    the generated benchmark file; the csv module keeps the odd ones."""
    for name in ("kinds.csv", "kinds-crlf.csv", "kinds-gbk.csv", "quoted.csv", "short-rows.csv", "blank-inside.csv"):
        text, _ = readers.decode(GENERATED[name])
        assert tables.csv_rows(text, readers._delimiter(text)) is not None, name
    for name in ("bare-cr.csv", "nul.csv", "long-field.csv", "ragged.csv", "blank-rows.csv", "second-bom.csv"):
        text, _ = readers.decode(GENERATED[name])
        assert tables.csv_rows(text, readers._delimiter(text)) is None, name


def test_too_many_rows_are_refused_with_the_count_as_before(monkeypatch):
    monkeypatch.setattr(tables, "MAX_FEATURES", 50)
    text = HEADER + "".join(f"{i},n,116.3,39.9,x\n" for i in range(60)) + "\n\n"
    with pytest.raises(imports.ImportFailed) as fast:
        tables.csv_rows(text, ",")
    monkeypatch.setattr(readers, "MAX_FEATURES", 50)
    monkeypatch.setattr(tables, "csv_rows", lambda text, delimiter: None)
    with pytest.raises(imports.ImportFailed) as slow:
        readers.read_csv(text)
    assert (fast.value.code, fast.value.kw) == (slow.value.code, slow.value.kw)


def test_the_blank_class_is_what_str_strip_removes():
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    blank = np.asarray(pc.match_substring_regex(pa.array(chars), tables._BLANK_RE2), dtype=bool)
    assert {c for c, b in zip(chars, blank) if b} == {c for c in chars if c.isspace()}


def test_plain_numbers_cast_by_arrow_as_float_reads_them():
    rng = np.random.default_rng(7)
    texts = [f"{v:.{d}f}" for v, d in zip(rng.uniform(-180, 180, 20_000), rng.integers(0, 17, 20_000))]
    texts += [f"{v:.15e}" for v in rng.uniform(-90, 90, 5_000)] + ["1.", ".5", "+7", "-0", "116.39999999999999999999"]
    values, fine = tables._fine(pd.Series(texts, dtype=tables.STR), 180)
    assert fine.all()
    assert values.tolist() == [float(t) for t in texts]


def test_plain_names_fold_as_fold_does():
    """Every character a plain name may hold folds alone as the two string operations fold it."""
    pattern = re.compile(validation._FOLDED_OUT)
    plain = re.compile(validation._PLAIN_NAME)
    chars = [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0x4E00, 0xA000)] + list("’·（）“”")
    assert all(plain.fullmatch(c) for c in chars)
    assert [fold(c) for c in chars] == [pattern.sub("", c.lower()) for c in chars]


@pytest.mark.parametrize("chunk", [3, validation.NAME_CHUNK])
def test_named_points_match_fold_row_by_row(layers, chunk, monkeypatch):
    monkeypatch.setattr(validation, "NAME_CHUNK", chunk)
    names = ["故宫", " 故 宫 ", "Forbidden City", "FORBIDDEN-CITY", "Café", "ｆｏｒｂｉｄｄｅｎ city", "nothing", "天坛（公园）"]
    names += list(layers.venues["name_en"][:5]) + list(layers.venues["name_zh"][5:10])
    gdf = pd.DataFrame({"_name": pd.Series(names, dtype=tables.STR)})
    gdf = validation.gpd.GeoDataFrame(gdf, geometry=shapely.points(np.full(len(names), 116.4), 39.9), crs=CRS)
    known = {fold(n): g for col in ("name_zh", "name_en") for n, g in zip(layers.venues[col], layers.venues.geometry)}
    expected = [(known[fold(n)], g) for n, g in zip(names, gdf.geometry) if fold(n) in known]
    assert validation._named_points(gdf, known) == expected
    assert len(expected) >= 12


def test_outside_is_tested_as_before_for_points_and_shapes(layers):
    boundary = layers.boundary.union_all()
    rng = np.random.default_rng(3)
    xmin, ymin, xmax, ymax = boundary.bounds
    points = shapely.points(rng.uniform(xmin - 0.1, xmax + 0.1, 3000), rng.uniform(ymin - 0.1, ymax + 0.1, 3000))
    edge = shapely.points(shapely.get_coordinates(boundary.exterior if hasattr(boundary, "exterior") else boundary)[:200])
    shapes = [shapely.buffer(p, 0.01) for p in points[:50]]
    for geoms in (np.concatenate([points, edge]), np.array(shapes + list(points[:50]), dtype=object)):
        gdf = validation.gpd.GeoDataFrame({"_where": [f"row {i}" for i in range(len(geoms))]}, geometry=geoms, crs=CRS)
        city = validation.gpd.GeoSeries([boundary], crs=CRS).to_crs(METRIC_CRS).iloc[0].buffer(300)
        before = ~gdf.to_crs(METRIC_CRS).intersects(city).to_numpy()
        problems = ProblemLog(per_kind=10_000, limit=10_000)
        validation._mark_outside(gdf, boundary, problems)
        assert gdf["_outside"].tolist() == before.tolist()
        assert [p.where for p in problems.kept] == list(gdf["_where"][before])
        assert 0 < before.sum() < len(geoms)


def test_the_pipeline_reads_tables_through_the_vectorised_path(monkeypatch, context):
    seen = []
    monkeypatch.setattr(tables, "table_layer", lambda *a: seen.append(a) or per_row(*a))
    pipeline.read_file("kinds.csv", GENERATED["kinds.csv"], **context)
    assert seen and seen[0][0].dtypes.iloc[0] == tables.STR  # texts stay in Arrow from the parser on


# --- the worker: no points made there, texts sent out of band ------------------------------------------------


@pytest.mark.parametrize("crs", ["wgs84", "gcj02"])
@pytest.mark.parametrize("name", ["kinds.csv", "short-rows.csv"])
def test_the_worker_sends_a_tables_layer_as_read_file_makes_it(name, crs, context):
    direct = imports.read_file(name, GENERATED[name], crs=crs, **context)
    bounded = imports.read_bounded(name, GENERATED[name], crs=crs, **context)
    assert_geodataframe_equal(bounded.gdf, direct.gdf, check_dtype=True, check_like=False)
    assert list(bounded.gdf.columns) == list(direct.gdf.columns)
    assert [(p.code, p.where, p.column, p.kw) for p in bounded.problems] == [
        (p.code, p.where, p.column, p.kw) for p in direct.problems
    ]
    assert (bounded.rows_read, bounded.counted) == (direct.rows_read, direct.counted)


def test_the_worker_makes_no_points_and_sends_its_texts_out_of_band(context, tmp_path, monkeypatch):
    import pickle

    from geo.imports import worker

    data = (HEADER + "".join(f"{i},地点{i},116.{i:05d},39.9,备注{i}\n" for i in range(5000))).encode()
    monkeypatch.setattr(worker, "_return_freed_memory", lambda: None)  # the test process keeps its allocators
    with monkeypatch.context() as m:
        m.setattr(tables, "points_layer", lambda *a: pytest.fail("points made in the worker"))
        parts = worker._result_parts("many.csv", data, "wgs84", context["known"], context["boundary"], str(tmp_path))
    assert len(parts[0]) < 5000  # the pickle itself: names and types; the texts and numbers follow it
    assert sum(memoryview(p).nbytes for p in parts[1:]) > 5000 * 20
    gdf = pickle.loads(parts[0], buffers=parts[1:])[1].gdf
    assert_geodataframe_equal(gdf, imports.read_file("many.csv", data, **context).gdf, check_dtype=True)


def test_a_text_read_a_piece_at_a_time_parses_as_the_whole(monkeypatch):
    text, _ = readers.decode(GENERATED["kinds.csv"])
    whole = tables.csv_rows(text, ",")
    monkeypatch.setattr(tables._Encoded, "PIECE", 7)  # pieces end inside rows, fields and Chinese characters
    pieces = tables.csv_rows(text, ",")
    pd.testing.assert_frame_equal(pieces, whole)
    assert len(whole) == len(KINDS) + 1


def test_repeated_ids_are_found_by_arrow_as_pandas_finds_them():
    rng = np.random.default_rng(5)
    ids = pd.array([str(v) if v else "" for v in rng.integers(0, 300, 2000)], dtype=tables.STR)
    assert tables._duplicates(ids).tolist() == pd.Series(ids, dtype=object).duplicated().tolist()
