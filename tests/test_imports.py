"""Imports: the hostile corpus, fuzzing, the validate command, and that data/ is never touched."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import imports
from geo.filters import FilterSpec
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def data_digest() -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((ROOT / "data").rglob("*")) if p.is_file()}


@pytest.fixture(scope="module", autouse=True)
def data_stays_byte_identical():
    before = data_digest()
    yield
    assert data_digest() == before, "an import test changed data/"


@pytest.fixture(scope="module")
def context(layers):
    return {"known": layers.venues, "boundary": layers.boundary.union_all()}


def test_the_corpus_is_large_and_reproducible(tmp_path):
    assert len(EXPECTED) >= 40
    before = {p.name: p.read_bytes() for p in (CORPUS / "files").iterdir()}
    # made afresh in tmp_path, laid over the committed files (as a run in place would overwrite them): the tree the
    # other tests read is never rewritten while they run (pytest-xdist)
    subprocess.run([sys.executable, str(CORPUS / "make_corpus.py"), str(tmp_path)], check=True, capture_output=True)
    assert {**before, **{p.name: p.read_bytes() for p in (tmp_path / "files").iterdir()}} == before


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_corpus_file_gives_its_specific_problem(name, context):
    expect = EXPECTED[name]
    data = (CORPUS / "files" / name).read_bytes()
    if "fatal" in expect:
        with pytest.raises(imports.ImportFailed) as err:
            imports.read_file(name, data, **context)
        assert err.value.code == expect["fatal"]
        for lang in ("zh", "en"):
            assert imports.message(err.value.code, lang, **err.value.kw)
        return
    result = imports.read_file(name, data, **context)
    assert sorted(p.code for p in result.errors) == sorted(expect.get("errors", []))
    assert sorted(p.code for p in result.warnings) == sorted(expect.get("warnings", []))
    assert len(result.gdf) == expect["loaded"]
    for p in result.problems:  # every problem names where, in both languages
        if p.where:
            assert p.where.split()[-1] in p.text("en") and p.where.split()[-1] in p.text("zh")
    if "names" in expect:
        assert list(result.gdf["_name"]) == expect["names"]  # text kept literally, never interpreted
    if "encoding" in expect:
        assert result.encoding == expect["encoding"]


def test_row_numbers_match_the_spreadsheet(context):
    result = imports.read_file("x.csv", "名称,经度,纬度\n甲,116.39,39.91\n乙,abc,39.9\n".encode(), **context)
    (problem,) = result.errors
    assert problem.where == "row 3" and problem.column == "经度"
    assert problem.text("zh") == "第 3 行，字段“经度”：“abc”不是数字"
    assert problem.text("en") == "row 3, field '经度': 'abc' is not a number"


def test_stated_gcj02_is_converted_to_wgs84(context):
    from geo import datum

    gx, gy = datum.from_wgs84(116.3907, 39.9166, "gcj02")
    result = imports.read_file("x.csv", f"名称,经度,纬度\n故宫,{gx},{gy}\n".encode(), crs="gcj02", **context)
    pt = result.gdf.geometry.iloc[0]
    assert (pt.x, pt.y) == pytest.approx((116.3907, 39.9166), abs=1e-7)
    assert not result.problems


def test_oversize_and_too_many_features(context):
    with pytest.raises(imports.ImportFailed) as err:
        imports.read_file("big.csv", b"a" * (imports.MAX_BYTES + 1), **context)
    assert err.value.code == "too_big" and "20.0 MB" in imports.message("too_big", "en", **err.value.kw)
    many = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": None}] * (imports.MAX_FEATURES + 1),
    }
    with pytest.raises(imports.ImportFailed) as err:
        imports.read_file("many.geojson", json.dumps(many).encode(), **context)
    assert err.value.code in ("too_many", "too_big")


# --- fuzzing: readers never end in an unhandled exception -----------------------------------------------

FORMATS = ["x.csv", "x.geojson", "x.kml", "x.xlsx", "x.gpkg"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from(FORMATS), st.sampled_from(["wgs84", "gcj02", "bd09"]))
def test_random_bytes_never_crash(data, name, crs):
    try:
        imports.read_file(name, data, crs=crs)
    except imports.ImportFailed:
        pass


SEEDS = {
    name: (CORPUS / "files" / name).read_bytes()
    for name in EXPECTED
    if not name.startswith(("zip-bomb", "deeply")) and len((CORPUS / "files" / name).read_bytes()) < 20_000
}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SEEDS)), st.data())
def test_mutated_corpus_files_never_crash(name, data):
    raw = bytearray(SEEDS[name])
    for _ in range(data.draw(st.integers(1, 8))):
        if not raw:
            break
        pos = data.draw(st.integers(0, len(raw) - 1))
        op = data.draw(st.sampled_from(["flip", "cut", "dup"]))
        if op == "flip":
            raw[pos] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[pos : pos + data.draw(st.integers(1, 50))]
        else:
            raw[pos:pos] = raw[pos : pos + data.draw(st.integers(1, 50))]
    try:
        imports.read_file(name, bytes(raw))
    except imports.ImportFailed:
        pass


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=30), st.text(max_size=12), st.text(max_size=12)), max_size=20))
def test_random_csv_rows_never_crash(rows):
    text = "名称,经度,纬度\n" + "\n".join(",".join(r) for r in rows)
    try:
        result = imports.read_file("x.csv", text.encode("utf-8"))
    except imports.ImportFailed:
        return
    assert len(result.gdf) <= len(rows)


# --- the validate command -------------------------------------------------------------------------------


@pytest.fixture
def validate(run_cli):
    """``python -m geo validate ARGS``, run in this process (the command's exit codes and messages are tested, not
    the process start)."""
    return lambda *args: run_cli("validate", *args)


def test_validate_exit_codes(validate):
    clean = validate(str(CORPUS / "files" / "gbk-chinese-headers.csv"))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    problems = validate(str(CORPUS / "files" / "non-numeric.csv"), "--lang", "en")
    assert problems.returncode == 1 and "row 3" in problems.stdout and "'东经116度' is not a number" in problems.stdout
    unreadable = validate(str(CORPUS / "files" / "zip-bomb.xlsx"))
    assert unreadable.returncode == 2 and "压缩" in unreadable.stderr
    for res in (clean, problems, unreadable, validate("/no/such/file.csv")):
        assert "Traceback" not in res.stdout + res.stderr
    gcj = validate(str(CORPUS / "files" / "gcj02-offset.csv"), "--crs", "gcj02")
    assert gcj.returncode == 0, gcj.stdout


def test_imported_layers_follow_the_filters(layers):
    from geo import explore

    data = "名称,经度,纬度\n故宫旁,116.3907,39.9170\n机场旁,116.60,40.07\n".encode()
    layer = imports.as_layer(imports.read_file("x.csv", data), 0, "#0072B2", "square", districts=layers.districts)
    assert list(layer.gdf["district_en"]) == ["Dongcheng", "Chaoyang"]
    (kept,) = explore.filter_imported((layer,), FilterSpec(districts=("Dongcheng",)))
    assert list(kept.gdf["_name"]) == ["故宫旁"]
    assert explore.filter_imported((layer,), FilterSpec(categories=("heritage",))) == ()
    (near,) = explore.filter_imported((layer,), FilterSpec(within_km=2), centre=(116.3907, 39.9166))
    assert len(near.gdf) == 1
    (untouched,) = explore.filter_imported((layer,), FilterSpec(statuses=("planned",), year=2000))
    assert untouched is layer  # status and year do not apply to imported data
