"""One catalogue of strings (geo/i18n.py): every key the code asks for exists in both languages, and every key
of the catalogue is asked for somewhere (a key nobody uses is a string nobody checks)."""

from __future__ import annotations

import ast

from geo import i18n
from tests.conftest import ROOT

#: functions whose first argument is a catalogue key
KEY_CALLS = {"t", "text_of", "message"}


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
