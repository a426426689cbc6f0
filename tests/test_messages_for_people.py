"""Messages for people (issue 25, item 6): a file that makes a library fail is told in the catalogue's words, in
the page's language, naming the file and the row or feature and what to do next: never a server path, an
exception's name or text, or a traceback. Long problem lists are summarised; an export's error in its child
process comes back as itself."""

from __future__ import annotations

import re
import sys

import pytest

from geo import formats, i18n, imports, problems, safe
from tests.conftest import ROOT, app_test, submit_button
from tests.test_security_memory import _upload

CRAFTED = ROOT / "tests" / "corpus" / "messages"
#: what a message for people never holds: the server's folders, a library's words, an exception's name
INTERNAL = re.compile(r"/tmp|/opt|bem-import|vcpkg|Traceback|sys\.set_int|surrogates not allowed|codec|\b\w*(Error|Exception)\b")


def template(text: str) -> re.Pattern:
    """A catalogue text as a pattern: its ``{placeholders}`` stand for anything."""
    parts = re.split(r"\{[^{}]*\}", text)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.S)


def catalogued(text: str, lang: str, catalogue: dict = i18n.IMPORT_MESSAGES) -> str:
    """The catalogue key whose ``lang`` text ``text`` is (after a leading file name), else fail."""
    index = 0 if lang == "zh" else 1
    for key, texts in catalogue.items():
        if template(texts[index]).fullmatch(text):
            return key
    raise AssertionError(f"not a catalogued {lang} message: {text!r}")


def for_people(text: str, lang: str) -> None:
    assert not INTERNAL.search(text), text
    if lang == "zh":
        assert re.search(r"[\u4e00-\u9fff]", text), text
        assert not re.search(r"[a-z]{3,} [a-z]{3,} [a-z]{3,}", text), text  # no English sentence on the Chinese page


#: (file, what the message says in each language: key, and words of it that name the place and the way on)
FAILURES = {
    "long-number.geojson": ("number_too_long", {"zh": ["第 3 行", "5,000 位"], "en": ["line 3", "5,000 digits"]}),
    "gdal-fails.kml": ("unreadable", {"zh": ["KML", "第 1 行", "重新导出"], "en": ["KML", "line 1", "export or save it again"]}),
}


def file_failure(name: str, lang: str, text: str) -> None:
    """``text``, the message of a file that could not be read at all, says what FAILURES says, in ``lang``."""
    sep = "：" if lang == "zh" else ": "
    assert text.startswith(name + sep), text
    message = text.removeprefix(name + sep)
    key, words = FAILURES[name]
    assert catalogued(message, lang) == key
    for word in words[lang]:
        assert word in message, message
    for_people(text, lang)


def memory_failure(text: str, lang: str) -> None:
    assert catalogued(text.split("：" if lang == "zh" else ": ", 1)[1], lang) == "memory", text
    assert "800.0 MB" in text
    for_people(text, lang)


# --- the command line ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(FAILURES))
def test_validate_tells_a_file_it_cannot_read_in_the_catalogues_words(run_cli, name, lang):
    res = run_cli("validate", str(CRAFTED / name), "--lang", lang)
    assert res.returncode == 2 and res.stdout == ""
    (line,) = res.stderr.splitlines()
    file_failure(name, lang, line)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_validate_names_the_feature_and_field_of_lone_surrogates_and_keeps_the_rest(run_cli, lang):
    res = run_cli("validate", str(CRAFTED / "lone-surrogates.geojson"), "--lang", lang)
    assert res.returncode == 1, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) == 3 and "Traceback" not in res.stderr
    where = "第 2 个要素" if lang == "zh" else "feature 2"
    for line in lines[:2]:
        assert where in line and line.endswith(imports.message("bad_characters", lang)), line
        for_people(line, lang)
    assert lines[2] == imports.message(
        "summary", lang, name="lone-surrogates.geojson", read="2", loaded="2", errors="0", warnings="2"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_validate_of_surrogates_written_as_bytes_names_their_line(run_cli, lang):
    res = run_cli("validate", str(CRAFTED / "lone-surrogates.csv"), "--lang", lang)
    assert res.returncode == 2
    text = res.stderr.strip()
    assert catalogued(text.split("：" if lang == "zh" else ": ", 1)[1], lang) == "mixed_encoding"
    assert ("第 3 行" if lang == "zh" else "line 3") in text
    for_people(text, lang)


@pytest.fixture
def small_worker(monkeypatch):
    """The import worker's memory limit at 800 MB (3 GB by default): the files below need more. Its deadline is
    put far off, so that on a loaded machine the memory limit is what stops the reading."""
    monkeypatch.setattr(imports, "IMPORT_MEMORY_MB", 800)
    monkeypatch.setattr(imports, "IMPORT_TIMEOUT_S", 600.0)


def sparse_wide() -> bytes:
    """150,000 points (14 MB), each with one of 500 property names: a table of 75 million cells, which needs
    far more than 800 MB to read (with the default 3 GB its result is refused as too large)."""
    feature = '{"type":"Feature","properties":{"k%d":1},"geometry":{"type":"Point","coordinates":[116.39,39.91]}}'
    return ('{"type":"FeatureCollection","features":[' + ",".join(feature % (i % 500) for i in range(150_000)) + "]}").encode()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_validate_of_a_file_past_the_workers_memory_says_so(run_cli, tmp_path, small_worker, lang):
    path = tmp_path / "sparse-wide.geojson"
    path.write_bytes(sparse_wide())
    res = run_cli("validate", str(path), "--lang", lang)
    assert res.returncode == 2
    (line,) = res.stderr.splitlines()
    memory_failure(line, lang)


def test_validate_summarises_200000_bad_rows(run_cli, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,lon,lat\n" + "".join(f"p{i},abc,39.9\n" for i in range(200_000)), encoding="utf-8")
    res = run_cli("validate", str(path), "--lang", "zh")
    lines = res.stdout.splitlines()
    assert res.returncode == 1
    assert len(lines) <= problems.MAX_PER_KIND + 2, len(lines)  # the first rows of the kind, one count, the summary
    assert lines[-2] == "错误：字段“lon”：……另有 199,900 个同类问题（未逐条列出）"
    assert lines[-1] == "bad.csv：读取 200,000 条，载入 0 条；200,000 个错误，0 个提示"
    assert lines[0] == "错误：第 2 行，字段“lon”：“abc”不是数字"


# --- the app's import panel ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_import_panel_tells_each_crafted_file_in_the_pages_language(lang, small_worker):
    at = app_test({"basemap": "offline", "lang": lang}, panels=("import",))
    for name in sorted(FAILURES):
        _upload(at, name, (CRAFTED / name).read_bytes())
        assert not at.exception, [e.value for e in at.exception]
        (error,) = [e.value for e in at.error]
        file_failure(name, lang, error.replace("\\", ""))  # safe.md escapes markdown (the dot of the name)
    _upload(at, "lone-surrogates.geojson", (CRAFTED / "lone-surrogates.geojson").read_bytes())
    assert not at.exception and not at.error, [e.value for e in at.error]
    table = next(d.value for d in at.dataframe if i18n.t("import_problem", lang) in d.value.columns)
    texts = list(table[i18n.t("import_problem", lang)])
    assert len(texts) == 2 and all(("第 2 个要素" if lang == "zh" else "feature 2") in t for t in texts), texts
    for text in texts:
        for_people(text, lang)
    _upload(at, "sparse-wide.geojson", sparse_wide())
    assert not at.exception
    (error,) = [e.value for e in at.error]
    memory_failure(error.replace("\\", ""), lang)


# --- exports: an error in the render's child process comes back as itself -----------------------------------


def export_without_pptx(*args, **kwargs):
    """``formats.export`` in a render's process where python-pptx is not installed (in that process only)."""
    sys.modules["pptx"] = None  # an import of it raises ModuleNotFoundError, as when it is not installed
    return formats.export(*args, **kwargs)


def missing_matplotlib(progress):
    raise formats.MissingPart("matplotlib", "png")


def test_a_missing_part_raised_in_a_render_process_comes_back_as_itself():
    from ui import jobs

    error = jobs.Pool(1).start(object(), missing_matplotlib, isolated=True).future.exception(timeout=120)
    assert isinstance(error, formats.MissingPart) and error.package == "matplotlib"
    assert error.message("zh") == i18n.t("missing_part", "zh").format(package="matplotlib", command="pip install -e .")


def test_a_deck_without_python_pptx_says_what_to_install_in_the_pages_language(monkeypatch):
    monkeypatch.setattr(formats, "export", export_without_pptx)  # the panel hands this to the render's process
    at = app_test({"lang": "zh", "basemap": "offline"}, panels=("export",))
    at.selectbox(key="exp_fmt").set_value("pptx")
    submit_button(at).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    expected = i18n.t("missing_part", "zh").format(package="pptx", command="pip install -e .")
    assert [e.value for e in at.error] == [safe.md(expected)]
    for_people(expected, "zh")
