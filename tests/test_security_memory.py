"""An upload's share of the server is bounded: problems counted but kept up to a bound, what a worker sends
back capped, import results held by their session only (never a server-wide cache keyed by the file), and
any file name made safe before it is shown or names a layer."""

from __future__ import annotations

import gc
import io
import os
import pickle
import tracemalloc
import zipfile

import pytest

from geo import i18n, imports, safe
from geo.problems import MAX_KEPT, MAX_PER_KIND, Problem, ProblemLog
from tests.conftest import ROOT, app_test
from ui import cache
from ui.session import SESSION_KEY, Session

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RELS_NS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
_XLSX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/'
    'xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"'
    "/></Types>",
    "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships {_RELS_NS}><Relationship Id="rId1" Type="'
    'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships {_RELS_NS}><Relationship '
    'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets'
    '/sheet1.xml"/></Relationships>',
}


def _inline(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def hostile_xlsx(
    rows: int, tag: int = 0, header: tuple[str, ...] = ("lon", "lat"), row: str = "", strings: tuple[str, ...] = ()
) -> bytes:
    """A small XLSX written as an attacker would: one sheet of ``rows`` identical rows (by default an invalid
    longitude on each, one problem per row) with no cell references, which deflate packs to almost nothing,
    and an incompressible member that keeps the archive under the importer's zip-bomb ratio. ``tag`` makes
    each file different (its first data row)."""
    row = row or "<row><c><v>999</v></c><c><v>39.9</v></c></row>"
    first = row.replace("<v>999</v>", f"<v>{999 + tag}</v>", 1) if tag else row
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData><row>'
        + "".join(_inline(h) for h in header)
        + "</row>"
        + first
        + row * (rows - 1)
        + "</sheetData></worksheet>"
    )
    parts = dict(_XLSX_PARTS, **{"xl/worksheets/sheet1.xml": sheet})
    if strings:
        parts["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS}>' + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>"
        )
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            "</Relationships>",
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            "</Types>",
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in parts.items():
            z.writestr(name, text)
        unpacked = sum(len(t) for t in parts.values())
        z.writestr("docProps/padding.bin", os.urandom(unpacked // (imports.MAX_ZIP_RATIO - 30)))
    return buf.getvalue()


@pytest.fixture()
def patient(monkeypatch):
    """These tests measure memory, not speed: a busy shared test machine must not turn them into timeouts."""
    monkeypatch.setattr(imports, "IMPORT_TIMEOUT_S", 300.0)


# --- problems are counted, kept up to a bound ---------------------------------------------------------------


def test_five_hostile_xlsx_uploads_keep_the_server_bounded(layers, patient):
    files = [hostile_xlsx(200_000, tag) for tag in range(5)]
    print(f"hostile XLSX: {len(files[0]) / 1024:.0f} KB, 200,000 rows each with an invalid longitude")
    assert len(files[0]) < 400 * 1024
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        sessions = [Session() for _ in files]  # five sessions, each keeping what the panel keeps
        results = [
            cache.read_import(f"hostile-{i}.xlsx", data, "wgs84", layers, mem=session)
            for i, (data, session) in enumerate(zip(files, sessions))
        ]
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    kept = [len(pickle.dumps(session)) for session in sessions]
    print(
        f"server-side memory grown by {grown / 1024:.0f} KB for five uploads; kept per session (pickled): "
        f"{', '.join(f'{k / 1024:.1f} KB' for k in kept)}"
    )
    assert grown < 5 * 1024 * 1024  # the old code kept 200,000 problems per upload: hundreds of MB
    assert max(kept) < 512 * 1024
    for result in results:
        assert result.count("error") == 200_000 and result.rows_read == 200_000 and len(result.gdf) == 0
        assert len(result.problems) == MAX_PER_KIND + 1
        assert [p.where for p in result.problems[:2]] == ["row 2", "row 3"] and result.problems[0].column == "lon"
        more = result.problems[-1]
        assert more.text("en") == "field 'lon': and 199,900 more problems of this kind"
        assert "199,900" in more.text("zh") and "同类问题" in more.text("zh")
        assert "200,000 errors" in result.summary("en") and "200,000 个错误" in result.summary("zh")


def test_five_hostile_csv_imports_keep_what_the_worker_sends_back_bounded(layers, patient):
    files = [("lon,lat\n" + f"{999 + tag},39.9\n" + "999,39.9\n" * 199_999).encode() for tag in range(5)]
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        results = [
            imports.read_bounded(f"h{i}.csv", data, known=layers.venues, boundary=layers.boundary.union_all())
            for i, data in enumerate(files)
        ]
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    print(f"five CSV imports of 200,000 bad rows: the server grew by {grown / 1024:.0f} KB")
    assert grown < 5 * 1024 * 1024  # the old code: about 480 MB
    assert all(len(r.problems) == MAX_PER_KIND + 1 and "200,000 errors" in r.summary("en") for r in results)


def test_one_session_keeps_only_its_latest_upload(layers, patient):
    session = Session()
    data = hostile_xlsx(1_000, 1)
    first = cache.read_import("a.xlsx", data, "wgs84", layers, mem=session)
    again = cache.read_import("a.xlsx", data, "wgs84", layers, mem=session)
    assert again is first  # the same file and datum: read once
    cache.read_import("b.xlsx", hostile_xlsx(1_000, 2), "wgs84", layers, mem=session)
    assert session.upload is not None and session.upload[1] is not first and session.upload[0][2] == "b.xlsx"
    cache.forget_import(mem=session)
    assert session.upload is None and session == Session()


def test_a_failed_upload_is_remembered_not_repeated(layers, monkeypatch):
    calls = []
    real = imports.read_bounded

    def counted(*args, **kw):
        calls.append(args[0])
        return real(*args, **kw)

    monkeypatch.setattr(imports, "read_bounded", counted)
    session = Session()
    for _ in range(2):
        with pytest.raises(imports.ImportFailed) as err:
            cache.read_import("x.csv", b"no,coordinates\n1,2\n", "wgs84", layers, mem=session)
        assert err.value.code == "no_coord_columns"
    assert calls == ["x.csv"]


def test_the_log_counts_every_kind_and_keeps_a_bounded_list():
    log = ProblemLog(per_kind=2, limit=3)
    for i in range(10):
        log.append(Problem("not_number", f"row {i + 2}", "lon", kw={"value": "abc"}))
    for i in range(4):
        log.append(Problem("truncated", f"row {i + 2}", "note", "warning", {"limit": 500}))
    log.append(Problem("missing_value", "row 99", "lat"))
    listed = log.listed()
    assert len(log) == 15 and log.totals() == {"error": 11, "warning": 4}
    assert [p.code for p in listed] == ["not_number", "not_number", "more", "truncated", "more", "more_like"]
    assert listed[2].text("en") == "field 'lon': and 8 more problems of this kind"
    assert listed[4].text("en") == "field 'note': and 3 more problems of this kind"
    assert listed[5].text("en") == "1 more problems like this one (not listed): row 99, field 'lat': the value is missing"
    assert "第 99 行" in listed[5].text("zh")
    assert MAX_KEPT >= MAX_PER_KIND


def test_a_result_too_large_for_the_server_is_refused_in_the_worker(layers, patient):
    # one shared 100,000-character name on every row: each row keeps 500 characters of it (twice: the field
    # and the layer's name), far more than the file's 20 MB once read
    data = hostile_xlsx(
        80_000,
        header=("name", "lon", "lat"),
        strings=("长" * 100_000,),
        row='<row><c t="s"><v>0</v></c><c><v>116.39</v></c><c><v>39.91</v></c></row>',
    )
    assert len(data) < imports.MAX_BYTES
    with pytest.raises(imports.ImportFailed) as err:
        cache.read_import("long-names.xlsx", data, "wgs84", layers, mem=Session())
    assert err.value.code == "result_too_big" and "64.0 MB" in str(err.value)
    assert "64.0 MB" in imports.message(err.value.code, "zh", **err.value.kw)


def test_a_streamed_sheet_keeps_only_the_columns_it_uses():
    result = imports.read_file(
        "s.xlsx",
        hostile_xlsx(
            10, header=("名称", "经度", "纬度"), row="<row><c><v>1</v></c><c><v>116.39</v></c><c><v>39.91</v></c></row>"
        ),
    )
    assert len(result.gdf) == 10 and "column4" not in result.gdf.columns and "名称" in result.gdf.columns


# --- file names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("bad\x00name.csv", "badname.csv"),
        ("evil\u202egpj.csv", "evilgpj.csv"),
        ("\u2066a\u2069\u202a\u202b\u202c\u202d\u2067\u2068b\u200b.csv", "ab.csv"),
        ("tab\tand\nnew\rline\x1b[31m.csv", "tab and new line[31m.csv"),
        ("../../etc/passwd.csv", "passwd.csv"),
        ("C:\\Users\\me\\点位.xlsx", "点位.xlsx"),
        ("\x00.csv", "upload.csv"),
        ("", "upload"),
        (" .. ", "upload"),
        ("a" * 100_000 + ".geojson", "a" * (120 - len(".geojson")) + ".geojson"),  # 120 characters at most
    ],
)
def test_file_names_are_made_safe(raw, safe):
    assert imports.safe_name(raw) == safe


def test_the_importer_names_its_result_with_the_safe_name():
    result = imports.read_file("../x\x00\u202e.csv", "名称,经度,纬度\n甲,116.39,39.91\n".encode())
    assert result.name == "x.csv" and "\x00" not in result.summary("en")
    layer = imports.as_layer(result, 0, "#0072B2", "square")
    assert layer.source == "x.csv" and "\u202e" not in layer.style.label("zh")


def _upload(at, name: str, data: bytes):
    at.file_uploader(key="upload").set_value((name, data, "application/octet-stream"))
    return at.run()


def test_a_hostile_file_name_in_the_app_is_shown_safely_or_refused_in_words():
    at = app_test({"basemap": "offline", "lang": "en"}, panels=("import",))
    _upload(at, "bad\x00name\u202e.csv", "名称,经度,纬度\n甲,116.39,39.91\n".encode())
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith(safe.md("badname.csv: 1 read, 1 loaded")) for s in at.success)
    _upload(at, "evil\x00.exe", b"MZ\x90\x00")
    assert not at.exception
    assert [e.value for e in at.error] == [
        safe.md("evil.exe: unknown file type '.exe'; use GeoJSON, GeoPackage, KML, CSV or XLSX")
    ]


def _problem_table(at, lang: str):
    column = i18n.t("import_problem", lang)
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_five_hostile_uploads_in_the_app_keep_the_message_and_the_session_bounded(patient):
    at = app_test({"basemap": "offline", "lang": "en"}, panels=("import",))
    for tag in range(5):
        _upload(at, f"hostile-{tag}.xlsx", hostile_xlsx(20_000, tag))
        assert not at.exception, [e.value for e in at.exception]
        assert [w.value for w in at.warning if "read" in w.value] == [
            safe.md(f"hostile-{tag}.xlsx: 20,000 read, 0 loaded; 20,000 errors, 0 warnings")
        ]
        table = _problem_table(at, "en")
        assert len(table) == MAX_PER_KIND + 1
        assert table.iloc[-1, 1] == "field 'lon': and 19,900 more problems of this kind"
        kept = at.session_state[SESSION_KEY].upload
        assert kept[0][2] == f"hostile-{tag}.xlsx" and len(pickle.dumps(kept)) < 512 * 1024
    at.file_uploader(key="upload").set_value(None)
    at.run()
    assert at.session_state[SESSION_KEY].upload is None  # the file removed: its result goes with it


def test_a_session_holds_a_bounded_number_of_imported_layers():
    at = app_test({"basemap": "offline", "lang": "en"}, panels=("import",))
    result = imports.read_file("x.csv", "名称,经度,纬度\n甲,116.39,39.91\n".encode())
    at.session_state[SESSION_KEY].imports = tuple(
        imports.as_layer(result, i, "#0072B2", "square") for i in range(imports.MAX_SESSION_LAYERS)
    )
    _upload(at, "y.csv", (ROOT / "tests" / "corpus" / "files" / "gbk-chinese-headers.csv").read_bytes())
    assert not at.exception
    assert i18n.t("import_layers_full", "en").format(limit=imports.MAX_SESSION_LAYERS) in [i.value for i in at.info]
    assert not at.get("form")
