"""Generate the import corpus: malformed and hostile files, each with the problem it must produce.

Run:  python tests/corpus/make_corpus.py   (writes tests/corpus/files/ and tests/corpus/expected.json)
      python tests/corpus/make_corpus.py DIR   (writes DIR/files/ and DIR/expected.json instead: the test's copy)
Deterministic: the same bytes every time (a test checks it).
"""

from __future__ import annotations

import io
import json
import math
import sqlite3
import struct
import sys
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from geo import datum  # noqa: E402

OUT = Path(__file__).with_name("files")
FC = {"type": "FeatureCollection"}
XSS = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert('x')</script>"
MD_IMAGE = "![beacon](http://192.0.2.7/beacon.png)"  # markdown that would make a browser fetch (a TEST-NET address)
MATH = r"$\undefinedmacro$ and $x^2$"  # matplotlib math text that would break a snapshot
# invisible characters that can only mislead (geo.safe.HIDDEN): terminal sequences, bidi spoofing, format characters
OSC8 = "\x1b]8;;http://192.0.2.7/\x1b\\click\x1b]8;;\x1b\\"  # a terminal hyperlink (OSC 8)
CLEAR = "\x1b[2J\x1b[H\x9b31m"  # clear the screen, home the cursor; an 8-bit CSI (C1)
RLO = "report\u202egnp.exe"  # a right-to-left override: displays as "reportexe.png"
ISOLATES = "\u2066\u2067\u2068abc\u2069\u202a\u202b\u202c\u202d\u200e\u200f\u061c"
FORMAT = "a\ufeffb\u200bc\u2060d\u00ade\u200df"  # BOM (crashed the PDF writer), zero-width, soft hyphen
AUTOLINK = "http://192.0.2.7/x www.example.com planner@example.com"  # bare links that markdown autolinks
HIDDEN_TEXT = [OSC8, CLEAR, RLO, ISOLATES, FORMAT, AUTOLINK]
#: the mark a file-creating template payload would leave in the working directory
TEMPLATE_MARK = "bem_pwned"
#: Jinja payloads: text that must stay text in every page and export (tests/test_security_templates.py)
TEMPLATE_PAYLOADS = (
    "{{ 7*7 }}",
    "{% raw %}",
    "{% endraw %}",
    "{# a comment #}",
    "{%- if true %}yes{% endif %}",
    "{{ {{ 7*7 }} }}",
    "{% for x in range(3) %}{{ x }}{% endfor %}",
    "{{ self.__init__.__globals__ }}",
    "{{cycler.__init__.__globals__.os.getcwd()}}",
    f"{{{{lipsum.__globals__.os.mkdir(dict({TEMPLATE_MARK}=1)|first)}}}}",
)
#: one payload split across two fields of one feature (its name and its note)
TEMPLATE_SPLIT = ("{{", " 7*7 }}")


def gj(features: list) -> bytes:
    return json.dumps({**FC, "features": features}, ensure_ascii=False).encode("utf-8")


def point(lon, lat, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def fixed_zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 3, 17, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


def xlsx(rows: list[list], dimension: str | None = None) -> bytes:
    """A minimal valid .xlsx (inline strings), built by hand so the bytes are fixed."""

    def cell(ref, v):
        if isinstance(v, (int, float)):
            return f'<c r="{ref}"><v>{v}</v></c>'
        text = str(v).replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    sheet_rows = "".join(
        f'<row r="{r + 1}">' + "".join(cell(f"{chr(65 + c)}{r + 1}", v) for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows)
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    return fixed_zip(
        {
            "[Content_Types].xml": (
                b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
                b'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
                b'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
                b'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
                b'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                b'spreadsheetml.worksheet+xml"/></Types>'
            ),
            "_rels/.rels": (
                b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rel}><sheets><sheet name="Sheet1" '
                'sheetId="1" r:id="rId1"/></sheets></workbook>'
            ).encode(),
            "xl/_rels/workbook.xml.rels": (
                b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
                b'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                b'Target="worksheets/sheet1.xml"/></Relationships>'
            ),
            "xl/worksheets/sheet1.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}>{dim}<sheetData>{sheet_rows}</sheetData></worksheet>'
            ).encode(),
        }
    )


def kml(placemarks: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"{placemarks}</Document></kml>"
    ).encode()


def placemark(name: str, lon: float, lat: float) -> str:
    name = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<Placemark><name>{name}</name><Point><coordinates>{lon},{lat}</coordinates></Point></Placemark>"


def png_bytes() -> bytes:
    raw = b"\x00\xff\x00\x00"

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def gcj(lon, lat, target="gcj02"):
    return [round(v, 6) for v in datum.from_wgs84(lon, lat, target)]


KNOWN = [
    ("故宫", 116.3907, 39.9166),
    ("天安门", 116.391083, 39.907333),
    ("天坛", 116.4039, 39.8789),
    ("钓鱼台国宾馆（中国发展高层论坛“北京之夜”）", 116.327919, 39.916897),
]


def cases() -> dict[str, tuple[bytes, dict]]:
    """name -> (bytes, expectation). Expectation: {"fatal": code} or {"errors"/"warnings": [codes], "loaded": n}."""
    c: dict[str, tuple[bytes, dict]] = {}
    c["empty.csv"] = (b"", {"fatal": "empty"})
    c["empty.geojson"] = (b"", {"fatal": "empty"})
    c["shapefile.shp"] = (b"\x00\x00'\n" + b"\x00" * 96, {"fatal": "unknown_type"})
    c["image-named.csv"] = (png_bytes(), {"fatal": "not_type"})
    c["html-named.geojson"] = (b"<html><body>not json</body></html>", {"fatal": "not_type"})
    c["csv-named.xlsx"] = ("名称,经度,纬度\n故宫,116.39,39.91\n".encode(), {"fatal": "not_type"})
    c["json-named.kml"] = (gj([point(116.4, 39.9)]), {"fatal": "not_type"})
    c["text-named.gpkg"] = (b"this is not a geopackage", {"fatal": "not_type"})
    c["bad-encoding.csv"] = (b"name,lon,lat\n\x81\x20\xff,116,39\n", {"fatal": "encoding"})
    c["truncated.geojson"] = (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "prop', {"fatal": "bad_json"})
    c["trailing-comma.geojson"] = (b'{"type": "FeatureCollection", "features": [],}', {"fatal": "bad_json"})
    c["deeply-nested.geojson"] = (
        b'{"type": "FeatureCollection", "features": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        {"fatal": "too_deep"},
    )
    c["not-geojson.geojson"] = (b'{"name": "just some json"}', {"fatal": "not_geojson"})
    c["array.geojson"] = (b"[1, 2, 3]", {"fatal": "not_geojson"})
    c["zip-bomb.xlsx"] = (fixed_zip({"xl/worksheets/sheet1.xml": b"\x00" * 30_000_000}), {"fatal": "zip_bomb"})
    c["corrupt.xlsx"] = (b"PK\x03\x04" + b"\x13\x37" * 200, {"fatal": "unreadable"})
    c["no-coordinates.xlsx"] = (xlsx([["名称", "地址"], ["故宫", "景山前街4号"]]), {"fatal": "no_coord_columns"})
    lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    c["billion-laughs.kml"] = (kml(placemark("&lol2;", 116.4, 39.9).replace("&amp;lol2;", "&lol2;"), lol), {"fatal": "entities"})
    c["broken.kml"] = (b'<?xml version="1.0"?><kml><Document><Placemark><name>x</name>', {"fatal": "unreadable"})
    c["corrupt.gpkg"] = (b"SQLite format 3\x00" + b"\x00\xff" * 100, {"fatal": "unreadable"})
    c["no-coordinate-columns.csv"] = ("名称,地址\n故宫,景山前街4号\n".encode(), {"fatal": "no_coord_columns"})
    c["header-only.csv"] = ("名称,经度,纬度\n".encode(), {"fatal": "no_rows"})
    c["blank-lines.csv"] = (b"\n\n   \n", {"fatal": "no_rows"})
    c["utf16-broken.csv"] = (b"\xff\xfe" + b"\x00\xd8" * 3, {"fatal": "encoding"})
    # row and feature problems: valid rows still load
    c["non-numeric.csv"] = (
        "名称,经度,纬度\n故宫,116.3907,39.9166\n天坛,东经116度,39.88\n".encode(),
        {"errors": ["not_number"], "loaded": 1},
    )
    c["missing-values.csv"] = (
        b"name,lng,lat\nA,116.39,39.91\nB,,39.9\nC,116.4,\n",
        {"errors": ["missing_value", "missing_value"], "loaded": 1},
    )
    c["longitude-out-of-range.csv"] = (b"name,lon,lat\nA,116.39,39.91\nB,216.4,39.9\n", {"errors": ["out_of_range"], "loaded": 1})
    c["latitude-out-of-range.csv"] = (b"name,x,y\nA,116.39,39.91\nB,116.4,-91\n", {"errors": ["out_of_range"], "loaded": 1})
    c["infinity.csv"] = (
        b"name,lon,lat\nA,116.39,39.91\nB,inf,39.9\nC,nan,39.9\n",
        {"errors": ["out_of_range", "missing_value"], "loaded": 1},
    )
    c["outside-beijing.csv"] = (
        "名称,经度,纬度\n上海,121.47,31.23\n故宫,116.3907,39.9166\n".encode(),
        {"warnings": ["outside_beijing"], "loaded": 2},
    )
    c["duplicate-ids.csv"] = (
        b"id,name,lon,lat\n1,A,116.39,39.91\n1,B,116.40,39.92\n",
        {"warnings": ["duplicate_id"], "loaded": 2},
    )
    c["swapped.csv"] = (
        b"name,lon,lat\nA,39.91,116.39\nB,39.92,116.40\n",
        {"errors": ["out_of_range", "out_of_range"], "warnings": ["looks_swapped"], "loaded": 0},
    )
    c["projected-metres.csv"] = (
        b"name,x,y\nA,448000,4418000\nB,449000,4419000\n",
        {"errors": ["out_of_range", "out_of_range"], "warnings": ["looks_projected"], "loaded": 0},
    )
    c["gcj02-offset.csv"] = (
        ("名称,经度,纬度\n" + "".join(f"{n},{','.join(map(str, gcj(x, y)))}\n" for n, x, y in KNOWN)).encode("utf-8"),
        {"warnings": ["looks_gcj02"], "loaded": 4},
    )
    c["bd09-offset.csv"] = (
        ("名称,经度,纬度\n" + "".join(f"{n},{','.join(map(str, gcj(x, y, 'bd09')))}\n" for n, x, y in KNOWN)).encode("utf-8"),
        {"warnings": ["looks_bd09"], "loaded": 4},
    )
    c["gbk-chinese-headers.csv"] = (
        "名称,经度,纬度,备注\n国家会议中心,116.383672,39.998183,服贸会\n".encode("gbk"),
        {"loaded": 1, "encoding": "gb18030"},
    )
    c["utf16-excel.csv"] = ("名称\t经度\t纬度\n故宫\t116.3907\t39.9166\n".encode("utf-16"), {"loaded": 1})
    c["semicolons.csv"] = (b"name;lon;lat\nA;116.39;39.91\n", {"loaded": 1})
    c["formula-injection.csv"] = (
        b'name,lon,lat\n=HYPERLINK("http://x"),116.39,39.91\n+cmd,116.4,39.9\n',
        {"loaded": 2, "names": ['=HYPERLINK("http://x")', "+cmd"]},
    )
    c["no-geometry.geojson"] = (
        gj([point(116.4, 39.9, name="ok"), {"type": "Feature", "properties": {"name": "x"}}]),
        {"errors": ["no_geometry"], "loaded": 1},
    )
    c["bad-geometry.geojson"] = (
        gj([point(116.4, 39.9), {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": "here"}}]),
        {"errors": ["bad_geometry"], "loaded": 1},
    )
    c["empty-geometry.geojson"] = (
        gj([point(116.4, 39.9), {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": []}}]),
        {"errors": ["empty_geometry"], "loaded": 1},
    )
    bowtie = {"type": "Polygon", "coordinates": [[[116.3, 39.9], [116.4, 40.0], [116.4, 39.9], [116.3, 40.0], [116.3, 39.9]]]}
    c["bowtie.geojson"] = (
        gj([{"type": "Feature", "properties": {"name": "bowtie"}, "geometry": bowtie}]),
        {"warnings": ["repaired"], "loaded": 1},
    )
    c["geometry-out-of-range.geojson"] = (gj([point(116.4, 39.9), point(500, 100)]), {"errors": ["out_of_range"], "loaded": 1})
    c["script-names.geojson"] = (
        gj([point(116.39, 39.91, name=XSS), point(116.40, 39.92, name=SCRIPT, description="<b onmouseover=alert(3)>x</b>")]),
        {"loaded": 2, "names": [XSS, SCRIPT]},
    )
    c["very-long-text.geojson"] = (gj([point(116.4, 39.9, name="长" * 10_000)]), {"warnings": ["truncated"], "loaded": 1})
    c["single-feature.geojson"] = (json.dumps(point(116.4, 39.9, name="one")).encode(), {"loaded": 1})
    c["script-names.kml"] = (
        kml(placemark(XSS, 116.39, 39.91) + placemark(SCRIPT, 116.4, 39.92)),
        {"loaded": 2, "names": [XSS, SCRIPT]},
    )
    c["script-names.xlsx"] = (
        xlsx([["名称", "经度", "纬度"], [XSS, 116.39, 39.91], ["正常", 116.4, 39.92]]),
        {"loaded": 2, "names": [XSS, "正常"]},
    )
    c["valid.gpkg"] = (gpkg_bytes(), {"loaded": 2})
    # bounded imports (issue 14): each limit fires before the expensive work
    c["recursive-view.gpkg"] = (gpkg_bytes(view=True), {"fatal": "gpkg_view"})
    c["mars-crs.gpkg"] = (gpkg_bytes(crs="IAU_2015:49900"), {"fatal": "bad_crs"})
    c["wide-sheet.xlsx"] = (
        xlsx([["名称", "经度", "纬度"], ["甲", 116.39, 39.91]], dimension="A1:XFD2"),
        {"fatal": "too_many_columns"},
    )
    c["wide-header.csv"] = ((",".join(f"c{i}" for i in range(5000)) + "\n1,2\n").encode(), {"fatal": "too_many_columns"})
    c["a-key-per-feature.geojson"] = (gj([point(116.4, 39.9, **{f"k{i}": i}) for i in range(600)]), {"fatal": "too_many_keys"})
    ring = [
        [round(116.3 + 0.1 * math.cos(2 * math.pi * i / 25_000), 6), round(39.9 + 0.1 * math.sin(4 * math.pi * i / 25_000), 6)]
        for i in range(25_000)
    ]  # a figure of eight
    c["huge-self-crossing-polygon.geojson"] = (
        gj(
            [
                {
                    "type": "Feature",
                    "properties": {"name": "big"},
                    "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
                }
            ]
        ),
        {"fatal": "too_many_vertices"},
    )
    c["markup-names.geojson"] = (
        gj(
            [
                point(116.39, 39.91, name=MD_IMAGE),
                point(116.40, 39.92, name="**bold** :red[red]"),
                point(116.41, 39.93, name=MATH),
            ]
        ),
        {"loaded": 3, "names": [MD_IMAGE, "**bold** :red[red]", MATH]},
    )
    payloads = [*TEMPLATE_PAYLOADS, TEMPLATE_SPLIT[0]]
    notes = [*TEMPLATE_PAYLOADS, TEMPLATE_SPLIT[1]]
    c["template-payloads.geojson"] = (
        gj([point(116.38 + i * 0.003, 39.92, name=name, note=note) for i, (name, note) in enumerate(zip(payloads, notes))]),
        {"loaded": len(payloads), "names": payloads},
    )
    # hidden characters (terminal sequences, bidi overrides, format characters) in names, ids and values
    c["hidden-characters.geojson"] = (
        gj([point(116.39 + i / 100, 39.91, name=text, id=OSC8 if i < 2 else CLEAR) for i, text in enumerate(HIDDEN_TEXT)]),
        {"warnings": ["duplicate_id"] * 4, "loaded": 6},
    )
    c["hidden-characters.csv"] = (
        ("name,lon,lat\n" + f"{RLO},116.39,39.91\n{FORMAT},{CLEAR},39.9\n" + f"{ISOLATES},116.4,{OSC8}\n").encode(),
        {"errors": ["not_number"] * 2, "loaded": 1},
    )
    return c


def gpkg_bytes(view: bool = False, crs: str = "EPSG:4326") -> bytes:
    """A small valid GeoPackage written through GDAL, then read back as bytes.

    ``view``: its layer is a view whose query recurses without end (reading it would pin a core).
    """
    import tempfile

    import geopandas as gpd
    import shapely

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v.gpkg"
        gpd.GeoDataFrame(
            {"name": ["甲", "乙"]}, geometry=[shapely.Point(116.39, 39.91), shapely.Point(116.4, 39.92)], crs=crs
        ).to_file(path, driver="GPKG")
        with sqlite3.connect(path) as db:  # strip timestamps so the bytes are reproducible
            db.execute("UPDATE gpkg_contents SET last_change = '2025-03-17T00:00:00.000Z'")
            if view:
                db.execute(
                    "CREATE VIEW endless AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
                    "SELECT n AS fid, v.geom AS geom, v.name AS name FROM r, v"
                )
                db.execute(
                    "INSERT INTO gpkg_contents (table_name, data_type, identifier, last_change, srs_id) "
                    "VALUES ('endless', 'features', 'endless', '2025-03-17T00:00:00.000Z', 4326)"
                )
                db.execute("INSERT INTO gpkg_geometry_columns VALUES ('endless', 'geom', 'POINT', 4326, 0, 0)")
                db.execute("DELETE FROM gpkg_contents WHERE table_name = 'v'")
        return path.read_bytes()


def main(argv: list[str]) -> int:
    out = Path(argv[0]) / "files" if argv else OUT
    out.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name, (data, expect) in cases().items():
        (out / name).write_bytes(data)
        expected[name] = expect
    (out.parent / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(expected)} files in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
