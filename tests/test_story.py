"""A story out of the command line: a PowerPoint deck, a PDF handout, a story kept in a workspace, and the
published-map line (审图号 and data date) on snapshots, slides and handout pages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from geo import i18n, story, workspace
from geo.mapspec import MapSpec

REVIEW = "审图号：GS(2026)0424号 数据截至 2026-11"
CAPTION = "讲解要点：中轴线申遗成功之后的外交场所布局。"
STORY = {
    "title": "国际交往中心简报",
    "chapters": [
        {"view": "core", "notes": ""},
        {"view": "central-axis", "title": "中轴线与外交场所"},
        {"bbox": [116.30, 39.85, 116.50, 39.98], "title": "长安街沿线", "caption": CAPTION},
    ],
}


def squeeze(text: str) -> str:
    """Text without any whitespace (a PDF's lines wrap where they like) or non-breaking spaces."""
    return re.sub(r"\s+", "", text.replace("\xa0", " "))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def story_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("story") / "story.json"
    path.write_text(json.dumps(STORY, ensure_ascii=False), "utf-8")
    return path


@pytest.fixture(scope="module")
def expected(layers, story_file):
    """Each chapter as the outputs must show it (titles, captions, notes, places), in Chinese."""
    return story.chapters(layers, story.load(story_file), MapSpec(), "zh")


def run_module_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    import os
    import sys

    root = Path(__file__).resolve().parents[1]
    environ = {k: v for k, v in os.environ.items() if k not in ("BEM_LANG", "LANG", "LC_ALL", "BEM_MAP_REVIEW")}
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=root, env={**environ, **env}, capture_output=True, text=True)


@pytest.fixture(scope="module")
def deck(tmp_path_factory, story_file) -> Path:
    out = tmp_path_factory.mktemp("deck") / "talk.pptx"
    res = run_module_cli("story", "--out", str(out), "--story", str(story_file), "--review", REVIEW)
    assert res.returncode == 0, res.stderr
    return out


@pytest.fixture(scope="module")
def handout(tmp_path_factory, story_file) -> Path:
    out = tmp_path_factory.mktemp("handout") / "handout.pdf"
    res = run_module_cli("story", "--out", str(out), "--story", str(story_file), BEM_MAP_REVIEW=REVIEW)
    assert res.returncode == 0, res.stderr
    return out


def test_the_deck_has_a_slide_per_chapter_with_editable_title_a_described_map_and_notes(deck, expected, layers):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    prs = Presentation(str(deck))
    assert len(prs.slides) == 3
    for slide, shown in zip(prs.slides, expected):
        boxes = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.TEXT_BOX]
        assert shown.title in [b.text_frame.text for b in boxes]  # the title is text a presenter can edit
        assert squeeze(shown.caption) in squeeze(" ".join(b.text_frame.text for b in boxes))
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        alt = pictures[0]._element.nvPicPr.cNvPr.get("descr")
        assert shown.place_names and all(name in alt for name in shown.place_names), alt
        sentences = {s for _, s in story.places(layers, shown.spec) if s}
        notes = slide.notes_slide.notes_text_frame.text
        assert any(s in notes for s in sentences) and notes == shown.notes
    title_runs = prs.slides[0].shapes[0].text_frame.paragraphs[0].runs
    assert title_runs[0]._r.find("{http://schemas.openxmlformats.org/drawingml/2006/main}rPr/{*}ea") is not None


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_the_deck_opens_in_libreoffice(deck, tmp_path):
    res = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(deck),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    converted = tmp_path / "talk.pdf"
    assert converted.exists(), res.stderr
    text = squeeze(pdf_text(converted))
    assert squeeze(CAPTION) in text and squeeze("中轴线与外交场所") in text and squeeze(REVIEW) in text


def test_the_handout_has_a_page_per_chapter_with_its_caption_as_text(handout, expected):
    info = subprocess.run(["pdfinfo", str(handout)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+3$", info, re.M)
    fonts = subprocess.run(["pdffonts", str(handout)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"SC\S*\s+CID TrueType\s+Identity-H\s+yes", fonts), fonts  # the Chinese font is embedded
    pages = pdf_text(handout).split("\f")
    for page, shown in zip(pages, expected):
        assert squeeze(shown.title) in squeeze(page)
        assert squeeze(shown.caption) in squeeze(page)
        assert squeeze(REVIEW) in squeeze(page)  # the deployment's line (BEM_MAP_REVIEW) on every page


BAD_FILES = [
    ('{\n  "chapters": [\n', "story_error_json", {"line": 3}),
    (json.dumps({"chapters": [{"view": "core"}, {"view": "moon"}]}), "story_error_field", {"chapter": 2, "field": "view"}),
    (json.dumps({"chapters": [{"view": "core", "colour": "red"}]}), "story_error_field", {"chapter": 1, "field": "colour"}),
    (json.dumps({"chapters": []}), "story_error_empty", {}),
]


@pytest.mark.parametrize("text,key,where", BAD_FILES, ids=["json", "view", "field", "empty"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_bad_story_file_is_one_catalogued_line_and_no_output(run_cli, tmp_path, text, key, where, lang):
    path = tmp_path / "story.json"
    path.write_text(text, "utf-8")
    out = tmp_path / "talk.pptx"
    res = run_cli("story", "--out", str(out), "--story", str(path), "--lang", lang)
    with pytest.raises(story.StoryError) as caught:
        story.load(path)
    assert caught.value.key == key and all(caught.value.kw[k] == v for k, v in where.items())
    assert res.returncode == 2 and not out.exists()
    assert res.stderr.strip().splitlines() == [i18n.cli("error", lang, message=caught.value.message(lang))]
    assert "Traceback" not in res.stderr and res.stdout == ""
    assert ("故事文件" in res.stderr or key == "story_error_empty") if lang == "zh" else "story" in res.stderr.lower()


def test_unknown_views_missing_folders_and_wrong_tokens_are_refused_before_any_output(run_cli, tmp_path):
    out = tmp_path / "talk.pptx"
    res = run_cli("story", "--out", str(out), "--views", "city,moon")
    assert res.returncode == 2 and "moon" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = run_cli("story", "--out", str(tmp_path / "nowhere" / "talk.pptx"), "--views", "core", "--lang", "zh")
    assert res.returncode == 2 and res.stderr.strip() == i18n.cli(
        "error", "zh", message=i18n.cli("no_folder", "zh", folder=tmp_path / "nowhere")
    )
    res = run_cli("story", "--out", str(tmp_path / "talk.docx"), "--views", "core")
    assert res.returncode == 2 and ".pptx" in res.stderr
    ws_dir = tmp_path / "ws"
    made = run_cli("workspace", "new", "--name", "简报", BEM_WORKSPACE_DIR=str(ws_dir))
    wid = json.loads(made.stdout)["id"]
    res = run_cli("story", "--out", str(out), "--workspace", wid, "--token", "wrong", BEM_WORKSPACE_DIR=str(ws_dir))
    assert res.returncode == 1 and res.stderr.strip() == i18n.cli(
        "error", "en", message=i18n.cli("story_forbidden", "en", id=wid)
    )
    assert not out.exists()


def test_a_story_kept_in_a_workspace_is_read_back_by_its_token(run_cli, tmp_path):
    ws_dir = str(tmp_path / "ws")
    made = json.loads(run_cli("workspace", "new", "--name", "简报", BEM_WORKSPACE_DIR=ws_dir).stdout)
    path = tmp_path / "story.json"
    path.write_text(json.dumps({"title": "一章", "chapters": [{"view": "core", "title": "核心区一览"}]}), "utf-8")
    res = run_cli(
        "workspace",
        "add-story",
        made["id"],
        "--token",
        made["view_token"],
        "--story",
        str(path),
        "--name",
        "周五简报",
        BEM_WORKSPACE_DIR=ws_dir,
    )
    assert res.returncode == 1  # a view token cannot add
    res = run_cli(
        "workspace",
        "add-story",
        made["id"],
        "--token",
        made["edit_token"],
        "--story",
        str(path),
        "--name",
        "周五简报",
        BEM_WORKSPACE_DIR=ws_dir,
    )
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == {"id": made["id"], "version": 2, "story": "周五简报", "chapters": 1}
    out = tmp_path / "talk.pptx"
    res = run_cli("story", "--out", str(out), "--workspace", made["id"], "--token", made["view_token"], BEM_WORKSPACE_DIR=ws_dir)
    assert res.returncode == 0, res.stderr
    from pptx import Presentation

    assert [s.shapes[0].text_frame.text for s in Presentation(str(out)).slides] == ["核心区一览"]
    res = run_cli(
        "story",
        "--out",
        str(out),
        "--workspace",
        made["id"],
        "--token",
        made["view_token"],
        "--name",
        "别的",
        BEM_WORKSPACE_DIR=ws_dir,
    )
    assert res.returncode == 2 and "周五简报" in res.stderr


@pytest.fixture(params=["sqlite", "postgis"])
def store(request, tmp_path, monkeypatch):
    if request.param == "postgis":
        return workspace.Store(request.getfixturevalue("postgres_url"))
    monkeypatch.setenv("BEM_WORKSPACE_DIR", str(tmp_path / "ws"))
    monkeypatch.delenv("BEM_DATABASE_URL", raising=False)
    return workspace.Store()


def test_stories_are_versioned_appends_kept_by_name(store):
    made = store.create("stories")
    wid, edit = made["id"], made["edit_token"]
    first = story.Story("甲", (story.Chapter(view="core"),))
    second = story.Story("乙", (story.Chapter(view="city"), story.Chapter(view="east", caption="东部")))
    assert workspace.put_story(store, wid, edit, "简报", first) == 2
    base = store.load(wid, edit)
    assert workspace.put_story(store, wid, edit, "简报", second) == 3  # the same name again: the newer is the story
    assert workspace.get_story(store.load(wid, made["view_token"]).content, "简报") == second
    assert workspace.get_story(store.load(wid, edit, 2).content) == first  # history keeps the older one
    mine = {**base.content, "stories": [*base.content["stories"], workspace.story_entry("另一个", first)]}
    assert store.save(wid, edit, mine, base.version, "story: 另一个") == 4  # saved from an older version: appends commute
    content = store.load(wid, edit).content
    assert list(workspace.stories(content)) == ["简报", "另一个"] and workspace.get_story(content, "简报") == second
    assert [h["change"] for h in store.history(wid, edit)][-1] == "story: 另一个"
    assert workspace.describe_change("story: 另一个", "zh") == "故事：另一个"
    with pytest.raises(story.StoryError):
        workspace.get_story(content)  # two names: which one must be said
    with pytest.raises(story.StoryError):
        store.append(wid, edit, {"stories": [{"name": "坏", "story": {"chapters": [{"view": "moon"}]}}]}, "story: 坏")


def test_the_review_line_is_on_snapshots_when_set_and_nowhere_when_empty(run_cli, tmp_path, monkeypatch):
    monkeypatch.delenv("BEM_MAP_REVIEW", raising=False)
    size = ("--view", "core", "--size", "800x600", "--layers", "core")
    for args, env, shown in (
        (("--review", REVIEW), {}, True),
        ((), {"BEM_MAP_REVIEW": REVIEW}, True),  # the deployment's
        ((), {}, False),
        (("--review", ""), {"BEM_MAP_REVIEW": REVIEW}, False),  # an export may leave it off
    ):
        out = tmp_path / "map.pdf"
        out.unlink(missing_ok=True)
        res = run_cli("snapshot", "--out", str(out), *size, *args, **env)
        assert res.returncode == 0, res.stderr
        assert (squeeze(REVIEW) in squeeze(pdf_text(out))) is shown, (args, env)


def test_the_review_line_is_on_every_slide_and_page_when_set_and_nowhere_when_empty(deck, handout, tmp_path, story_file):
    def xml_text(path: Path) -> str:
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("ppt/slides/slide"))

    with zipfile.ZipFile(deck) as z:
        slides = [n for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
        assert len(slides) == 3 and all(REVIEW in z.read(n).decode("utf-8") for n in slides)
    assert all(squeeze(REVIEW) in squeeze(p) for p in pdf_text(handout).split("\f") if p.strip())
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"chapters": [{"view": "core"}]}), "utf-8")
    plain_deck, plain_handout = tmp_path / "plain.pptx", tmp_path / "plain.pdf"
    for out in (plain_deck, plain_handout):
        res = run_module_cli("story", "--out", str(out), "--story", str(one))
        assert res.returncode == 0, res.stderr
    assert "审图号" not in xml_text(plain_deck) and "审图号" not in pdf_text(plain_handout)
    with_story = tmp_path / "reviewed.json"
    with_story.write_text(json.dumps({"review": REVIEW, "chapters": [{"view": "core"}]}, ensure_ascii=False), "utf-8")
    res = run_module_cli("story", "--out", str(plain_deck), "--story", str(with_story))  # the story's own line
    assert res.returncode == 0 and REVIEW in xml_text(plain_deck)


def test_the_standalone_story_page_carries_the_review_line_asked_for_and_none_by_default(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"chapters": [{"view": "core", "caption": CAPTION}]}, ensure_ascii=False), "utf-8")
    page = tmp_path / "story.html"
    res = run_module_cli("story", "--out", str(page), "--story", str(one), "--review", REVIEW)
    assert res.returncode == 0, res.stderr
    text = page.read_text("utf-8")
    assert REVIEW in text and CAPTION in text
    res = run_module_cli("story", "--out", str(page), "--story", str(one))
    assert res.returncode == 0 and "审图号" not in page.read_text("utf-8")
