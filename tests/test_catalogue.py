"""One catalogue of strings (geo/i18n.py): every key the code asks for exists in both languages, and every key
of the catalogue is asked for somewhere (a key nobody uses is a string nobody checks)."""

from __future__ import annotations

import ast
import functools
import string

from geo import i18n
from tests.conftest import ROOT

#: functions whose first argument is a catalogue key
KEY_CALLS = {"t", "text_of", "message"}


@functools.cache  # parsed once for the module's four tests (they only read the trees)
def sources() -> dict[str, ast.AST]:
    files = [*sorted((ROOT / "geo").rglob("*.py")), *sorted((ROOT / "ui").rglob("*.py")), ROOT / "app.py"]
    return {str(p.relative_to(ROOT)): ast.parse(p.read_text("utf-8")) for p in files}


def asked_keys() -> dict[str, set[str]]:
    """Literal keys passed to t()/i18n.t()/text_of(), by file."""
    out: dict[str, set[str]] = {}
    for name, tree in sources().items():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                fn = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if fn in ("t", "text_of"):
                    out.setdefault(name, set()).add(node.args[0].value)
    return out


def literals_and_prefixes() -> tuple[set[str], set[str]]:
    """Every string constant of the code (outside the catalogue) and every f-string's leading constant part."""
    consts, prefixes = set(), set()
    for name, tree in sources().items():
        if name == "geo/i18n.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                consts.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                prefixes.add(node.values[0].value)
    return consts, prefixes


def test_every_key_asked_for_exists_in_both_languages():
    strings = {k.removeprefix("ui."): v for k, v in i18n.catalogue().items() if k.startswith("ui.")}
    missing = {f"{file}: {key}" for file, keys in asked_keys().items() for key in keys if key not in strings}
    assert not missing, sorted(missing)
    assert all(texts.get("zh") and texts.get("en") for texts in i18n.catalogue().values())


def test_every_key_of_the_catalogue_is_used():
    consts, prefixes = literals_and_prefixes()
    keys = [k.removeprefix("ui.") for k in i18n.catalogue() if k.startswith("ui.")]
    unused = [k for k in keys if k not in consts and not any(k.startswith(p) and p for p in prefixes)]
    assert unused == []


def cli_keys_asked() -> set[str]:
    """Literal keys passed to i18n.cli(...) and the filters' help keys."""
    out = set()
    for tree in sources().values():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "cli"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                out.add(node.args[0].value)
    return out


def test_the_command_lines_words_are_in_the_catalogue_and_used():
    from geo.cli_messages import CLI_MESSAGES
    from geo.filters import FILTERS

    asked = cli_keys_asked() | {f.help for f in FILTERS}
    assert asked - set(CLI_MESSAGES) == set()
    consts, _ = literals_and_prefixes()
    assert [k for k in CLI_MESSAGES if k not in consts] == []  # T("key") in build_parser passes the key as a literal
    fields = lambda text: sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)  # noqa: E731
    assert [k for k, (zh, en) in CLI_MESSAGES.items() if fields(zh) != fields(en)] == []  # the same placeholders


def parser_texts(parser) -> list[str]:
    """Every help text, description and group title of ``parser`` and its subcommands."""
    import argparse

    texts = [parser.description or "", *(g.title or "" for g in parser._action_groups)]
    for action in parser._actions:
        if action.help and action.help != argparse.SUPPRESS:
            texts.append(action.help)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                texts.append(choice.help)
            for sub in dict.fromkeys(action.choices.values()):
                texts.extend(parser_texts(sub))
    return [t for t in texts if t]


def test_the_command_line_speaks_chinese_everywhere(run_cli):
    """Every help text of every command is Chinese with LANG=zh_CN, and so are its errors (argparse's own too)."""
    import re

    from geo.__main__ import build_parser

    han = re.compile(r"[\u4e00-\u9fff]")
    texts = parser_texts(build_parser("zh"))
    assert len(texts) > 60 and [t for t in texts if not han.search(t)] == []
    assert [t for t in parser_texts(build_parser("en")) if han.search(t)] == []
    out = run_cli("snapshot", "--out", "x.png", "--lang", "fr", LANG="zh_CN.UTF-8")
    assert out.returncode == 2 and out.stderr.strip() == "错误：参数 --lang：无效的选项 'fr'（可选：'zh', 'en', 'both'）"
    out = run_cli("snapshot", LANG="zh_CN.UTF-8")
    assert out.returncode == 2 and out.stderr.strip() == "错误：缺少必需的参数：--out"
    out = run_cli("snapshot", "--out", "x.png", "--within", "900", "--of", "one_core", BEM_LANG="zh")
    assert out.returncode == 2 and out.stderr.strip() == "错误：参数 --within：900 超出范围 0–100"
    out = run_cli("check", BEM_LANG="zh")
    assert out.returncode == 0 and out.stdout.strip().endswith("数据无误") and "个要素" in out.stdout
    out = run_cli("check", LANG="C.UTF-8")
    assert out.returncode == 0 and out.stdout.strip().endswith("data OK")
