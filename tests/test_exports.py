"""Data and HTML exports, the command line, and the app's export panel."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from PIL import Image

from geo import io as gio
from geo import style
from geo.mapspec import MapSpec
from geo.views import VIEWS
from tests.conftest import ROOT, app_test, submit_button

ALL = tuple(s.key for s in style.LAYERS)


def spec(keys=ALL, bbox=None, lang="zh", imported=(), **kw) -> MapSpec:
    """A map spec showing ``keys`` (and ``imported``) in ``bbox`` (default: the whole city)."""
    keys = tuple(keys) + tuple(layer.key for layer in imported if layer.key not in keys)
    return MapSpec(bbox=bbox or VIEWS["city"].bbox, layers=keys, lang=lang, imported=tuple(imported), **kw)


def test_geojson_export_holds_what_is_shown(layers):
    data = gio.export_data(layers, spec(("heritage", "core"), VIEWS["central-axis"].bbox), "geojson")
    doc = json.loads(data)
    kinds = {f["properties"]["layer"] for f in doc["features"]}
    assert kinds == {"heritage", "core"}
    assert len(doc["features"]) == 15 + 1
    assert all(f["properties"]["plan_sentence"] for f in doc["features"])


def test_bbox_filters_the_export(layers):
    doc = json.loads(gio.export_data(layers, spec(("aviation",), VIEWS["central-axis"].bbox), "geojson"))
    assert doc["features"] == []


def test_geopackage_has_a_table_per_layer(layers, tmp_path):
    path = tmp_path / "x.gpkg"
    path.write_bytes(gio.export_data(layers, spec(), "gpkg"))
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("select table_name from gpkg_contents")}
        assert {"core", "axes", "areas", "heritage", "aviation"} <= tables
        assert db.execute("select count(*) from heritage").fetchone()[0] == 15


def test_kml_is_valid_xml_with_names_in_the_language(layers):
    data = gio.export_data(layers, spec(("diplomacy",)), "kml")
    root = ET.fromstring(data)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    names = [e.text for e in root.iterfind(".//k:Placemark/k:name", ns)]
    assert "钓鱼台国宾馆（中国发展高层论坛“北京之夜”）" in names


def test_csv_has_coordinates_and_opens_in_excel(layers):
    data = gio.export_data(layers, spec(("heritage",)), "csv")
    assert data.startswith("\ufeff".encode())
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    row = table.set_index("id").loc["forbidden_city"]
    assert (row["lon"], row["lat"]) == pytest.approx((116.3907, 39.9166))
    assert row["name_zh"] == "故宫"


def test_standalone_html_needs_no_server_or_cdn(layers):
    page = gio.export_html(layers, spec())
    assert not re.findall(r"<script[^>]+src=", page) and not re.findall(r"<link[^>]+href=", page)
    assert "L.map(" in page
    assert "Forbidden City" in gio.export_html(layers, spec(lang="en"))
    assert "data:image/png;base64" in page  # Leaflet's layer-control icon, inlined


def test_unknown_format_is_refused(layers):
    with pytest.raises(gio.ExportError, match="unknown data format"):
        gio.export_data(layers, spec(), "shp")
    with pytest.raises(gio.ExportError, match="nothing to export"):
        gio.export_data(layers, spec(("districts",)), "geojson")


# --- the command line ---------------------------------------------------------------------------------


def test_cli_snapshot_png(run_cli, tmp_path):
    out = tmp_path / "axis.png"
    res = run_cli(
        "snapshot",
        "--out",
        str(out),
        "--size",
        "1280x720",
        "--view",
        "central-axis",
        "--lang",
        "both",
        "--layers",
        "core,axes,heritage",
        "--title",
        "中轴线",
    )
    assert res.returncode == 0, res.stderr
    assert Image.open(out).size == (1280, 720)


def test_cli_paper_pdf_and_html(run_cli, tmp_path):
    pdf = tmp_path / "city.pdf"
    assert run_cli("snapshot", "--out", str(pdf), "--paper", "a4-portrait", "--dpi", "300").returncode == 0
    box = re.search(rb"/MediaBox\s*\[\s*([\d.\s]+)\]", pdf.read_bytes()).group(1).split()
    assert [round(float(v)) for v in box[2:]] == [595, 842]
    html = tmp_path / "map.html"
    assert run_cli("snapshot", "--out", str(html), "--bbox", "116.3,39.85,116.5,39.95", "--lang", "en").returncode == 0
    assert "Forbidden City" in html.read_text(encoding="utf-8")


def test_cli_help_documents_every_option(run_cli):
    res = run_cli("snapshot", "--help")
    for option in ("--out", "--size", "--paper", "--dpi", "--bbox", "--view", "--layers", "--basemap", "--lang", "--title"):
        assert option in res.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("snapshot",),
        ("snapshot", "--out", "x.doc"),
        ("snapshot", "--out", "x.png", "--size", "big"),
        ("snapshot", "--out", "x.png", "--bbox", "1,2"),
        ("snapshot", "--out", "x.png", "--layers", "zoo"),
        ("snapshot", "--out", "x.png", "--paper", "letter"),
        ("snapshot", "--out", "/no/such/dir/x.png"),
        ("snapshot", "--out", "x.png", "--view", "moon"),
        ("snapshot", "--out", "x.png", "--hide", "everything"),
        ("frobnicate",),
        ("snapshot", "--out", "x.png", "--size", "50x50"),
        ("snapshot", "--out", "x.png", "--size", "0x0"),
        ("snapshot", "--out", "x.png", "--size", "99999x99999"),
        ("snapshot", "--out", "x.png", "--dpi", "0"),
        ("snapshot", "--out", "x.png", "--dpi", "-5"),
        ("snapshot", "--out", "x.png", "--dpi", "abc"),
        ("snapshot", "--out", "x.png", "--dpi", "5000"),
        ("snapshot", "--out", "x.png", "--bbox", "-1,2,3"),
        ("snapshot", "--out", "x.png", "--bbox", "-200,2,3,4"),
        ("snapshot", "--out", "x.png", "--basemap", "mars"),
        ("snapshot", "--out", "x.png", "--lang", "fr"),
        ("validate", "x.csv", "--crs", "mars"),
        ("validate",),
        ("check", "--frobnicate"),
    ],
)
def test_cli_bad_arguments_give_one_line_and_exit_2(run_cli, args):
    res = run_cli(*args)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: ")
    assert "Traceback" not in res.stderr


def test_cli_impossible_size_exits_2_without_traceback(run_cli, tmp_path):
    res = run_cli("snapshot", "--out", str(tmp_path / "x.png"), "--size", "50x50")
    assert res.returncode == 2 and "out of range" in res.stderr and "Traceback" not in res.stderr


def test_cli_negative_bbox_needs_no_equals_sign(run_cli, tmp_path):
    """West of Greenwich or south of the equator: ``--bbox -0.2,51.4,0.1,51.6`` is a value, not an option."""
    out = tmp_path / "shown.csv"
    res = run_cli("snapshot", "--out", str(out), "--bbox", "-0.2,51.4,0.1,51.6")
    assert res.returncode == 0, res.stderr
    assert out.exists()


def test_cli_too_many_pixels_is_a_bad_argument(run_cli, tmp_path):
    res = run_cli("snapshot", "--out", str(tmp_path / "x.png"), "--size", "16000x16000")
    assert res.returncode == 2 and "too large" in res.stderr


# --- the app's export panel ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "fmt", "mime"), [("zh", "png", "image/png"), ("en", "geojson", "application/geo+json"), ("en", "html", "text/html")]
)
def test_app_export_panel_renders_a_download(lang, fmt, mime):
    at = app_test({"lang": lang, "basemap": "offline"}, panels=("export",))
    at.selectbox(key="exp_fmt").set_value(fmt)
    at.selectbox(key="exp_preset").set_value("slide-4x3")
    submit_button(at).click()
    at.run()
    assert not at.exception and not at.error
    result = at.session_state["bem"].export_result
    assert result.mime == mime and len(result.data) > 1000
    assert result.name.startswith("beijing-exchange-map_") and lang in result.name
    if fmt == "png":
        assert Image.open(io.BytesIO(result.data)).size == (1600, 1200)


# --- imported layers in exports: names are text everywhere ---------------------------------------------


@pytest.fixture(scope="module")
def hostile_layer(layers):
    from geo import imports

    data = (ROOT / "tests" / "corpus" / "files" / "script-names.geojson").read_bytes()
    result = imports.read_file("script-names.geojson", data, known=layers.venues, boundary=layers.boundary.union_all())
    return imports.as_layer(result, 0, "#D55E00", "star")


def test_imported_names_stay_text_in_every_export(layers, hostile_layer):
    xss = "<img src=x onerror=alert(1)>"
    keys = ("core", hostile_layer.key)
    kml = gio.export_data(layers, spec(keys, imported=(hostile_layer,)), "kml")
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    names = [e.text for e in ET.fromstring(kml).iterfind(".//k:Placemark/k:name", ns)]
    assert xss in names and b"<img" not in kml
    doc = json.loads(gio.export_data(layers, spec(keys, imported=(hostile_layer,)), "geojson"))
    assert xss in [f["properties"]["name_zh"] for f in doc["features"]]
    page = gio.export_html(layers, spec(keys, lang="en", imported=(hostile_layer,)))
    assert "<img src=x" not in page
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page  # HTML-escaped, then JSON-escaped
    assert "</script><script>alert" not in page


def test_csv_export_neutralises_formulas(layers):
    from geo import imports

    data = (ROOT / "tests" / "corpus" / "files" / "formula-injection.csv").read_bytes()
    layer = imports.as_layer(imports.read_file("f.csv", data), 1, "#0072B2", "circle")
    table = pd.read_csv(io.BytesIO(gio.export_data(layers, spec((layer.key,), imported=(layer,)), "csv")), encoding="utf-8-sig")
    assert set(table["name_zh"]) == {'\'=HYPERLINK("http://x")', "'+cmd"}
