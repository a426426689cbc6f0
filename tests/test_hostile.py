"""One hostile upload must never hurt anyone else: bounded imports, text that stays text, tiles that cannot
hang a snapshot, outputs written atomically, secrets that stay on the server."""

from __future__ import annotations

import http.server
import io
import os
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from geo import basemaps, i18n, imports, safe, snapshot, tiles
from geo import io as gio
from geo.mapspec import ALL_LAYERS, MapSpec, Page
from tests.conftest import ROOT, app_test, submit_button
from tests.corpus.make_corpus import MATH, MD_IMAGE, SCRIPT, XSS
from ui.session import SESSION_KEY

HOSTILE = [MD_IMAGE, "**bold** :red[red] :material/home:", MATH, XSS, SCRIPT, "[link](javascript:alert(1))"]


# --- bounded imports ------------------------------------------------------------------------------------


def test_an_import_past_its_deadline_is_stopped_and_its_scratch_folder_removed(layers):
    before = set(Path(tempfile.gettempdir()).glob("bem-import-*"))
    data = ("name,lon,lat\n" + "故宫,116.3907,39.9166\n" * 100_000).encode()
    start = time.monotonic()
    with pytest.raises(imports.ImportFailed) as err:
        imports.read_bounded("slow.csv", data, known=layers.venues, boundary=layers.boundary.union_all(), timeout_s=0.5)
    took = time.monotonic() - start
    assert err.value.code == "timeout" and "0.5 s" in str(err.value)
    print(f"deadline of 0.5 s fired after {took:.2f} s")
    assert set(Path(tempfile.gettempdir()).glob("bem-import-*")) == before


def test_an_import_past_its_memory_limit_is_stopped(layers):
    # 150,000 GeoJSON features, parsed into Python objects, need far more than 64 MB (a CSV of the size limit no
    # longer does: it is read column by column, and fitted in 64 MB once the import's peak fell)
    feature = '{"type":"Feature","properties":{"name":"故宫","n":1},"geometry":{"type":"Point","coordinates":[116.3907,39.9166]}}'
    data = ('{"type":"FeatureCollection","features":[' + ",".join([feature] * 150_000) + "]}").encode()
    with pytest.raises(imports.ImportFailed) as err:
        imports.read_bounded("big.geojson", data, memory_mb=64, timeout_s=120)
    assert err.value.code == "memory" and "64.0 MB" in str(err.value)
    for lang in ("zh", "en"):
        assert imports.message("memory", lang, **err.value.kw)


def test_the_bounded_reader_gives_the_same_result_as_the_plain_one(layers):
    data = (ROOT / "tests" / "corpus" / "files" / "valid.gpkg").read_bytes()
    plain = imports.read_file("v.gpkg", data, known=layers.venues)
    bounded = imports.read_bounded("v.gpkg", data, known=layers.venues)
    assert list(plain.gdf["_name"]) == list(bounded.gdf["_name"]) and bounded.summary("en") == plain.summary("en")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("recursive-view.gpkg", "gpkg_view"),
        ("wide-sheet.xlsx", "too_many_columns"),
        ("a-key-per-feature.geojson", "too_many_keys"),
        ("huge-self-crossing-polygon.geojson", "too_many_vertices"),
        ("mars-crs.gpkg", "bad_crs"),
    ],
)
def test_validate_refuses_hostile_files_quickly_with_exit_2(run_cli, name, code):
    start = time.monotonic()
    res = run_cli("validate", str(ROOT / "tests" / "corpus" / "files" / name), "--lang", "en")
    print(f"{name}: refused in {time.monotonic() - start:.1f} s")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.count("\n") == 1


def test_validate_reads_only_regular_files(run_cli, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    # a reader that opened the FIFO would wait for a writer for ever: after 60 s one arrives and leaves at once,
    # so that reader sees an empty file and the assertion fails instead of the test run hanging
    watchdog = threading.Timer(60, _unblock, (fifo,))
    watchdog.start()
    try:
        for path, kind in ((fifo, "FIFO"), (link, "device"), (tmp_path, "directory")):
            res = run_cli("validate", str(path), "--lang", "en")
            assert res.returncode == 2 and kind in res.stderr, res.stderr
    finally:
        watchdog.cancel()


def _unblock(fifo: Path) -> None:
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:  # nobody is reading it: nothing to unblock
        pass


def test_a_gbk_row_in_a_utf8_file_is_named():
    data = "名称,经度,纬度\n甲,116.39,39.91\n".encode() + "乙,116.40,39.92\n".encode("gbk")
    with pytest.raises(imports.ImportFailed) as err:
        imports.read_file("mixed.csv", data)
    assert err.value.code == "mixed_encoding" and "line 3" in str(err.value)
    assert "第 3 行" in imports.message(err.value.code, "zh", **err.value.kw)


def test_swapped_lat_lon_in_geojson_gets_a_hint():
    features = ",".join(
        f'{{"type":"Feature","properties":{{}},"geometry":{{"type":"Point","coordinates":[{39.9 + i / 100},{116.4 + i / 100}]}}}}'
        for i in range(5)
    )
    result = imports.read_file("swapped.geojson", f'{{"type":"FeatureCollection","features":[{features}]}}'.encode())
    assert "looks_swapped" in [p.code for p in result.problems]


# --- text stays text -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_each_sink_helper_neutralises_hostile_text(text):
    import markdown_it  # a CommonMark parser, as Streamlit's markdown follows CommonMark

    rendered = markdown_it.MarkdownIt().render(safe.md(text))
    assert "<img" not in rendered and "<strong" not in rendered and "<a " not in rendered and "<script" not in rendered
    assert "<" not in safe.html_text(text).replace("&lt;", "")
    assert safe.mpl(text) == text  # literal in images: math text is switched off in every render


def test_hostile_names_render_in_every_image_format(run_cli, layers, tmp_path):
    result = imports.read_file(
        "markup-names.geojson", (ROOT / "tests" / "corpus" / "files" / "markup-names.geojson").read_bytes()
    )
    layer = imports.as_layer(result, 0, "#D55E00", "star")
    spec = MapSpec(layers=(*ALL_LAYERS, layer.key), imported=(layer,), title=MATH, subtitle=MD_IMAGE, page=Page(800, 600, 100))
    for fmt in ("png", "svg", "pdf"):
        assert len(snapshot.render(layers, spec, fmt).data) > 1000
    res = run_cli("snapshot", "--out", str(tmp_path / "t.png"), "--title", r"$\undefinedmacro$")
    assert res.returncode == 0, res.stderr


def test_search_buttons_show_imported_markup_as_text(layers):
    at = app_test({"basemap": "offline"}, timeout=60)
    result = imports.read_file(
        "markup-names.geojson", (ROOT / "tests" / "corpus" / "files" / "markup-names.geojson").read_bytes()
    )
    at.session_state[SESSION_KEY].imports = (imports.as_layer(result, 0, "#D55E00", "star"),)
    at.sidebar.text_input(key="q").set_value("beacon").run()
    labels = [b.label for b in at.sidebar.button]
    assert any("beacon" in label for label in labels)
    assert all(label.startswith("\\!\\[") or "![" not in label for label in labels)
    captions = [c.value for c in at.sidebar.caption]
    assert i18n.t("search_none", "zh") not in captions  # an imported hit is a match: no "nothing matches"
    at.sidebar.text_input(key="q").set_value("qqqzzzxxx").run()
    assert i18n.t("search_none", "zh") in [c.value for c in at.sidebar.caption]


# --- empty results are normal -----------------------------------------------------------------------------


def test_a_filter_matching_nothing_renders_and_exports():
    at = app_test({"basemap": "offline", "lang": "en", "cat": "aviation", "district": "Dongcheng"}, panels=("export",))
    assert not at.exception and not at.error
    assert len(at.dataframe[0].value) == 0
    at.selectbox(key="exp_fmt").set_value("csv")
    submit_button(at).click()
    at.run()
    assert not at.exception and not at.error
    table = pd.read_csv(io.BytesIO(at.session_state["bem"].export_result.data), encoding="utf-8-sig")
    assert "venue" not in set(table["role"])


# --- tiles -----------------------------------------------------------------------------------------------


class _Bad(http.server.BaseHTTPRequestHandler):
    mode = "drip"

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", "5000")
        self.end_headers()
        try:
            if self.mode == "drip":
                for _ in range(200):
                    self.wfile.write(b"\x89")
                    self.wfile.flush()
                    time.sleep(0.5)  # the scenario: a mirror dribbling one byte every half second
            else:  # close mid-tile
                self.wfile.write(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("mode", ["drip", "cut"])
def test_bad_tile_mirrors_cannot_hang_or_crash_a_snapshot(layers, monkeypatch, tmp_path, mode):
    handler = type("H", (_Bad,), {"mode": mode})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("BEM_TILE_MIRROR", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("BEM_TILE_CACHE", str(tmp_path / "tiles"))
    monkeypatch.setattr(tiles, "DEADLINE_S", 4.0)
    monkeypatch.setattr(tiles, "PROBE_TIMEOUT_S", 2.0)
    try:
        start = time.monotonic()
        snap = snapshot.render(layers, MapSpec(basemap="osm", page=Page(600, 400, 100)), "png")
        took = time.monotonic() - start
    finally:
        server.shutdown()
    print(f"{mode}: snapshot finished in {took:.1f} s")
    assert took < 4.0 + 6
    assert snap.basemap_ok is False and snap.notes
    assert not list((tmp_path / "tiles").rglob("*.tile"))  # nothing damaged was cached


@pytest.mark.parametrize(
    "mirror", ["file:///etc", "ftp://host/tiles", "http://", "javascript:alert(1)", 'http://host/"><script>']
)
def test_a_bad_tile_mirror_is_refused_at_start(run_cli, mirror):
    res = run_cli("check", BEM_TILE_MIRROR=mirror)
    assert res.returncode == 2 and "BEM_TILE_MIRROR" in res.stderr and res.stderr.count("\n") == 1
    with pytest.raises(basemaps.MirrorError):
        os.environ["BEM_TILE_MIRROR"] = mirror
        try:
            basemaps.mirror_url()
        finally:
            del os.environ["BEM_TILE_MIRROR"]


# --- outputs written atomically; secrets stay put ----------------------------------------------------------


def test_out_onto_a_symlink_replaces_the_link_and_leaves_its_target(run_cli, tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "map.csv"
    link.symlink_to(target)
    assert run_cli("snapshot", "--out", str(link)).returncode == 0
    assert target.read_text() == "keep me" and not link.is_symlink() and link.stat().st_size > 100


def test_a_failed_write_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    from geo import __main__ as cli_main

    out = tmp_path / "map.csv"
    out.write_text("previous")

    def full_disk(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    assert cli_main.main(["snapshot", "--out", str(out)]) == 1
    assert out.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["map.csv"]  # no partial file left


def test_the_tianditu_key_never_reaches_an_exported_page(layers):
    spec = MapSpec(basemap="tianditu", token="SECRET-KEY-123")
    page = gio.export_html(layers, spec)
    assert "SECRET-KEY-123" not in page
    data, notes = gio.write_html(layers, spec)
    assert b"SECRET-KEY-123" not in data and notes and "Tianditu" in gio.write_html(layers, replace(spec, lang="en"))[1][0]


def test_a_million_points_are_refused_with_the_limit_named():
    data = b"name,lon,lat\n" + b"p,116.4,39.9\n" * 1_000_000
    start = time.monotonic()
    with pytest.raises(imports.ImportFailed) as err:
        imports.read_file("million.csv", data)
    print(f"refused in {time.monotonic() - start:.2f} s")
    assert err.value.code == "too_many" and f"{imports.MAX_FEATURES:,}" in str(err.value)
    assert "1,000,000" in str(err.value)
