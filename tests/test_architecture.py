"""The codebase's shape (issue: a codebase a newcomer can change in an afternoon): modules small enough to read
in one sitting, functions simple enough to follow, the core free of Streamlit, the page thin."""

from __future__ import annotations

import ast

from radon.complexity import cc_visit

from tests.conftest import ROOT

MAX_LINES = 500  # a module of geo/ or ui/
MAX_PAGE_LINES = 150  # app.py only lays out the page
MAX_COMPLEXITY = 20  # radon's grade C ends at 20


def modules() -> list:
    return [*sorted((ROOT / "geo").rglob("*.py")), *sorted((ROOT / "ui").rglob("*.py")), ROOT / "app.py"]


def test_modules_are_small_and_the_page_is_thin():
    long = {str(p.relative_to(ROOT)): n for p in modules() if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}
    assert long == {}
    assert len((ROOT / "app.py").read_text("utf-8").splitlines()) <= MAX_PAGE_LINES


def test_no_function_is_too_complex():
    found = [
        f"{p.relative_to(ROOT)}:{block.lineno} {block.fullname} ({block.complexity})"
        for p in modules()
        for block in cc_visit(p.read_text("utf-8"))
        if block.complexity > MAX_COMPLEXITY
    ]
    assert found == []


def test_the_core_never_imports_streamlit():
    found = []
    # the benchmark harness measures the page itself (AppTest, the map component, Streamlit's own websocket)
    harness = {ROOT / "geo" / "bench.py", *(ROOT / "geo").glob("bench_*.py")}
    for p in (p for p in sorted((ROOT / "geo").rglob("*.py")) if p not in harness):
        for node in ast.walk(ast.parse(p.read_text("utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            found += [f"{p.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in ("streamlit", "streamlit_folium", "ui")]
    assert found == []


def test_the_readme_names_every_module():
    """The README's architecture section stays true: every module of geo/ and ui/ (a package by its folder)."""
    text = (ROOT / "README.md").read_text("utf-8")
    block = text[text.index("## Architecture") :]
    block = block[block.index("```") : block.index("```", block.index("```") + 3)]
    missing = []
    for p in modules():
        rel = p.relative_to(ROOT)
        if p.name == "__init__.py" or rel.parts[0] not in ("geo", "ui"):
            continue
        name = f"{rel.parts[0]}/{rel.parts[1]}/" if len(rel.parts) > 2 else str(rel)
        if name not in block:
            missing.append(name)
    assert sorted(set(missing)) == []
