"""Invisible characters never reach a reader: terminal sequences (ESC, OSC 8 links, C1), bidi overrides and
isolates, format characters (U+FEFF, zero-width spaces, soft hyphens), and bare links in notes.

Each sink has one helper in ``geo.safe``; these tests run the hostile corpus strings (``HIDDEN_TEXT``, beside
the markup ones of test_hostile.py) through every helper and through the real sinks: the command line,
PNG/SVG/PDF snapshots, PowerPoint decks, download file names and Streamlit's markdown.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from geo import formats, imports, mapspec, safe, snapshot, style
from geo.mapspec import ALL_LAYERS, MapSpec, Page
from tests.conftest import ROOT, app_test
from tests.corpus.make_corpus import AUTOLINK, CLEAR, FORMAT, HIDDEN_TEXT, ISOLATES, MATH, MD_IMAGE, OSC8, RLO, SCRIPT, XSS

CORPUS = ROOT / "tests" / "corpus" / "files"
HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}  # controls, format characters, surrogates, line/para separators
TEXTS = [*HIDDEN_TEXT, MD_IMAGE, MATH, XSS, SCRIPT, f"{RLO} {FORMAT}\n{OSC8}"]


def hidden(c: str) -> bool:
    return unicodedata.category(c) in HIDDEN_CATEGORIES and c not in "\t\n"


def visible(text: str) -> str:
    """The oracle: ``text`` without the characters no reader can see."""
    return "".join(c for c in text if not hidden(c))


def has_hidden(text: str) -> bool:
    return any(hidden(c) for c in text)


# --- the helpers ---------------------------------------------------------------------------------------------


def test_every_control_and_format_character_is_dropped_and_nothing_else():
    every = [chr(c) for c in range(0x110000)]
    invisible = "".join(c for c in every if hidden(c))
    others = "".join(c for c in every if not hidden(c) and unicodedata.category(c) != "Cn")
    print(f"{len(invisible)} hidden code points (Unicode {unicodedata.unidata_version})")
    assert safe.mpl(f"a{invisible}b") == "ab"
    assert safe.mpl(others) == others  # letters, marks, CJK, emoji, \t and \n stay


@pytest.mark.parametrize("text", TEXTS)
def test_each_sink_helper_drops_or_shows_hidden_characters(text):
    import markdown_it

    assert safe.mpl(text) == safe.plain(text) == visible(text)
    assert html.unescape(safe.html_text(text)) == visible(text) and "<" not in safe.html_text(text)
    rendered = markdown_it.MarkdownIt("commonmark", {"linkify": True}).enable("linkify").render(safe.md(text))
    assert not re.search(r"<(a|img|strong|script)\b", rendered)
    shown = html.unescape(re.sub(r"<[^>]+>", "", rendered)).replace("\u2060", "")
    assert shown.split() == visible(text).split()  # the visible text is all there
    assert not has_hidden(safe.md(text).replace("\u2060", ""))
    term = safe.terminal(text)
    assert not has_hidden(term) and "\n" not in term
    assert json.loads(safe.terminal(json.dumps(text, ensure_ascii=False))) == text  # JSON output stays JSON


def test_terminal_shows_escapes_not_sequences():
    assert safe.terminal(CLEAR) == "\\u001b[2J\\u001b[H\\u009b31m"
    assert safe.terminal(RLO) == "report\\u202egnp.exe"
    assert safe.terminal("a\U000e0041b\tc") == "a\\udb40\\udc41b\tc"  # a tag character, as JSON writes it


def streamlit_autolink_rules() -> list[str]:
    """The autolink-literal regular expressions of the installed Streamlit's markdown (remark-gfm)."""
    import streamlit

    bundle = Path(streamlit.__file__).parent / "static"
    found = set()
    for js in bundle.rglob("*.js"):
        text = js.read_text(encoding="utf-8", errors="replace")
        if "www(?=" in text:
            found.update(re.findall(r"(/\(https\?:\\/\\/\|www\(\?=\\\.\)\).*?/gi),", text))
            found.update(re.findall(r"(/\(\?<=\^\|\\s\|\\p\{P\}.*?@.*?/gu),", text))
    assert len(found) == 2, found  # the protocol/www rule and the e-mail rule
    return sorted(found)


def parsed_text(markdown: str) -> list[str]:
    """The text nodes CommonMark parses out of ``markdown`` (escapes resolved): what autolinking sees."""
    import markdown_it

    out = []
    for token in markdown_it.MarkdownIt("commonmark").parse(markdown):
        if token.type == "inline":
            out.append("".join(t.content for t in token.children if t.type in ("text", "text_special")))
    return out


LINKS = [
    AUTOLINK,
    "HTTPS://EXAMPLE.COM/a?b=c",
    "WWW.EXAMPLE.COM",
    "mailto:a.b@example.com",
    "ftp://example.com",
    "(see http://192.0.2.7)",
    "x https://a.example/y",
]


def test_bare_links_in_markdown_are_text_under_markdown_it_linkify():
    import markdown_it

    md = markdown_it.MarkdownIt("commonmark", {"linkify": True}).enable("linkify")
    for text in LINKS:
        assert md.render(text).count("<a ") >= 1  # the parser does link them raw
        assert "<a " not in md.render(safe.md(text)), text


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run Streamlit's own regular expressions")
def test_bare_links_in_markdown_are_text_under_streamlits_own_autolink_rules():
    """remark-gfm autolinks the parsed text (escapes already resolved): a word joiner must break each match."""
    rules = streamlit_autolink_rules()
    raw = [text for text in LINKS if not text.startswith("ftp")]  # GitHub-flavoured markdown links no ftp://
    escaped = ["\n".join(parsed_text(safe.md(text))) for text in LINKS]
    script = (
        f"const rules = [{', '.join(rules)}]; const texts = JSON.parse(process.argv[1]);"
        "console.log(JSON.stringify(texts.map(t => rules.some(r => { r.lastIndex = 0; return r.test(t); }))));"
    )
    run = subprocess.run(
        ["node", "-e", script, json.dumps(raw + escaped)], capture_output=True, text=True, check=True, timeout=60
    )
    matched = json.loads(run.stdout)
    assert all(matched[: len(raw)]), "Streamlit's rules no longer match raw links: the test would prove nothing"
    assert not any(matched[len(raw) :]), [t for t, m in zip(escaped, matched[len(raw) :]) if m]


# --- the command line ----------------------------------------------------------------------------------------


@pytest.fixture
def cli(run_cli):
    """``python -m geo ARGS`` in this process (run_cli captures what it writes to file descriptors 1 and 2): its
    exit code and its output and errors together."""

    def run(*args: str, **env: str) -> tuple[int, str]:
        res = run_cli(*args, **env)
        return res.returncode, res.stdout + res.stderr

    return run


@pytest.mark.parametrize("name", ["hidden-characters.csv", "hidden-characters.geojson"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_validate_prints_hidden_characters_as_escapes(name, lang, cli):
    code, out = cli("validate", str(CORPUS / name), "--lang", lang)
    print(out)
    assert code == 1 and "Traceback" not in out
    assert not has_hidden(out), [c for c in out if hidden(c)]
    assert "[2J" in out  # the visible rest is all there


def test_cli_errors_and_json_show_hidden_characters_as_escapes(tmp_path, cli):
    code, out = cli("snapshot", "--out", str(tmp_path / "m.png"), "--district", OSC8)
    assert code == 2 and not has_hidden(out) and "\\u001b]8;;" in out
    code, out = cli("snapshot", "--out", str(tmp_path / f"{CLEAR}.png"), "--title", RLO, "--size", "400x300")
    assert code == 0 and not has_hidden(out) and "\\u001b[2J" in out and out.count("\n") == 1
    env = {"BEM_WORKSPACE_DIR": str(tmp_path / "ws")}
    name = f"{RLO} {OSC8} {ISOLATES}"
    code, out = cli("workspace", "new", "--name", name, **env)
    created = json.loads(out)
    code, out = cli("workspace", "show", created["id"], "--token", created["view_token"], **env)
    assert code == 0 and not has_hidden(out)
    assert json.loads(out)["name"] == name  # still valid JSON, the name intact


# --- images, decks, file names ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_layers(layers):
    """The shipped layers with one central venue named in hidden characters (in both languages)."""
    venues = layers.venues.copy()
    row = venues.index[venues["id"] == "ciec_new_venue"][0]
    venues.loc[row, "name_zh"] = f"故宫{FORMAT}"
    venues.loc[row, "name_en"] = f"venue {RLO}"
    return replace(layers, venues=venues)


def hostile_spec(hostile_layers, **page) -> MapSpec:
    result = imports.read_file("hidden-characters.geojson", (CORPUS / "hidden-characters.geojson").read_bytes())
    layer = imports.as_layer(result, 0, "#D55E00", "star")
    legend = replace(layer.style, label_zh=f"图例legend{RLO}{FORMAT}", label_en=f"legend{RLO}{FORMAT}")
    layer = imports.ImportedLayer(legend, layer.gdf, layer.source)
    venue = hostile_layers.venues[hostile_layers.venues["name_en"] == f"venue {RLO}"].iloc[0].geometry
    x0, y0, x1, y1 = layer.gdf.total_bounds  # the imported points and the renamed venue in one view
    bbox = (min(x0, venue.x) - 0.03, min(y0, venue.y) - 0.03, max(x1, venue.x) + 0.03, max(y1, venue.y) + 0.03)
    return MapSpec(
        bbox=bbox,
        view="",
        layers=(*ALL_LAYERS, layer.key),
        imported=(layer,),
        label_lang="both",
        title=f"{FORMAT} {RLO}",
        subtitle=f"{ISOLATES} {OSC8}",
        page=Page(1200, 800, 100, **page),
    )


def test_hidden_characters_never_crash_a_render_and_the_visible_text_survives(hostile_layers, tmp_path):
    spec = hostile_spec(hostile_layers)
    for fmt in ("svg", "png", "pdf"):  # the PDF last: its bytes are read below
        snap = snapshot.render(hostile_layers, spec, fmt)
        assert len(snap.data) > 1000
        labels = snap.labels.placed + snap.labels.leadered + [t for _, t in snap.labels.numbered]
        assert labels and not any(has_hidden(t) for t in labels)
        assert any("故宫abcdef" in t for t in labels) and any("venue reportgnp.exe" in t for t in labels)
    pdf = tmp_path / "hostile.pdf"
    pdf.write_bytes(snap.data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    print(text)
    assert not has_hidden(text.replace("\f", ""))
    words = " ".join(text.split())
    for shown in (
        "abcdef reportgnp.exe",
        "abc ]8;;http://192.0.2.7/\\click]8;;\\",
        "legendreportgnp.exeabcdef",
        "venue reportgnp.exe",
        "故宫abcdef",
    ):
        assert shown in words, shown
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    print(fonts)
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows)  # every font embedded: the text is real text
    svg = snapshot.render(hostile_layers, hostile_spec(hostile_layers, svg_text=True), "svg").data.decode("utf-8")
    assert "legendreportgnp.exeabcdef" in html.unescape(svg) and not has_hidden(html.unescape(svg).replace("\n", ""))


def test_a_deck_carries_no_hidden_character(hostile_layers):
    from pptx import Presentation

    from geo import deck

    spec = replace(hostile_spec(hostile_layers), imported=(), layers=ALL_LAYERS, title=f"{RLO} {CLEAR} {FORMAT}")
    prs = Presentation(io.BytesIO(deck.build_deck(hostile_layers, spec, ("current",))))
    slide = prs.slides[0]
    texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    notes = slide.notes_slide.notes_text_frame.text
    print(texts, notes)
    assert "reportgnp.exe [2J[H31m abcdef" in texts
    assert "venue reportgnp.exe" in notes and "故宫abcdef" in notes
    for text in (*texts, notes, prs.core_properties.title):
        assert not has_hidden(text) and "_x00" not in text


def test_export_file_names_use_a_safe_character_set(layers):
    spec = MapSpec(today=mapspec.dt.date(2026, 11, 29))
    assert mapspec.file_name(spec, "png") == "beijing-exchange-map_current-view_zh_2026-11-29.png"
    hostile = replace(spec, label_lang=f"{RLO}/../{CLEAR}", view=f"{ISOLATES}x")
    for ext in ("png", ".pdf", f"g{RLO}", "../../etc/passwd"):
        name = mapspec.file_name(hostile, ext)
        assert re.fullmatch(r"[A-Za-z0-9_-]+\.[a-z0-9-]+", name), name
    for fmt in ("csv", "geojson"):
        export = formats.export(layers, replace(spec, view="core"), fmt)
        assert re.fullmatch(r"[A-Za-z0-9_-]+\.[a-z0-9]+", export.name), export.name


def test_legend_text_of_an_imported_layer_is_drawn_without_overrides(hostile_layers):
    """The legend label reaches matplotlib through ``safe.mpl``: what is drawn is the logical order."""
    from matplotlib.figure import Figure

    s = style.imported_style(0, RLO, "point", "#D55E00", "star")
    fig = Figure()
    leg = snapshot._make_legend(fig, [s.key], "en", 10, 1, {s.key: s})
    assert [t.get_text() for t in leg.get_texts()] == ["Imported: reportgnp.exe"]


# --- Streamlit: notes on the venue card ------------------------------------------------------------------------


def note_workspace(tmp_path, monkeypatch):
    from geo import workspace
    from ui import cache

    monkeypatch.setenv("BEM_WORKSPACE_DIR", str(tmp_path))
    cache.workspace_store.clear()
    store = workspace.Store()
    created = store.create("links")
    content = store.load(created["id"], created["edit_token"]).content
    content["notes"].append(
        {
            "venue": "ciec_new_venue",
            "status": "under_construction",
            "date": "2026-05-01",
            "source": f"{RLO} www.example.com/notice",
            "note": f"{AUTOLINK} {FORMAT}",
        }
    )
    store.save(created["id"], created["edit_token"], content, 1, "note")
    return created


def test_links_in_notes_reach_streamlit_as_text(tmp_path, monkeypatch):
    from ui import cache

    created = note_workspace(tmp_path, monkeypatch)
    try:
        at = app_test(
            {"lang": "en", "basemap": "offline", "venue": "ciec_new_venue", "ws": created["id"], "wt": created["view_token"]}
        )
        assert not at.exception and not at.error
        notes = [m.value for m in at.sidebar.markdown if "192.0.2.7" in m.value.replace("\\", "")]
        assert len(notes) == 1
        assert not has_hidden(notes[0].replace("\u2060", ""))
        text = "\n".join(parsed_text(notes[0]))
        assert not re.search(r"(?i)https?://|www\.|\w@\w", text), text
        assert "192.0.2.7/x" in text and "planner@\u2060example.com" in text and "abcdef" in text
    finally:
        cache.workspace_store.clear()


@pytest.mark.browser
def test_links_in_notes_stay_text_in_the_browser(browser, artifacts, app_url, app_workspace_dir, monkeypatch):
    """Streamlit's real markdown (remark-gfm autolinks bare URLs): the note shows its links as text."""
    created = note_workspace(app_workspace_dir, monkeypatch)  # in the shared server's store
    url = app_url
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(f"{url}/?basemap=offline&lang=en&venue=ciec_new_venue&ws={created['id']}&wt={created['view_token']}")
        note = page.locator('[data-testid="stSidebar"] li', has_text="192.0.2.7").first
        note.wait_for(timeout=90_000)
        shown = note.inner_text()
        note.screenshot(path=str(artifacts / "notes-links-en.png"))
        assert note.locator("a").count() == 0, note.inner_html()
    finally:
        page.close()
    assert not has_hidden(shown.replace("\u2060", ""))
    plain = shown.replace("\u2060", "")
    assert "http://192.0.2.7/x www.example.com planner@example.com" in plain and "reportgnp.exe" in plain
    assert not [u for u in requests if "192.0.2.7" in u or "example.com" in u]
