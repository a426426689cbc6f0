"""A new user's install: every import declared, `pip check` clean, the README's run command works
in a fresh environment, and the server reaches nothing beyond loopback."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import sysconfig
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, stop, wait_http

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
FIRST_PARTY = {"geo", "ui", "scripts", "tests", "app"}
# which extras a file may draw on, besides the main dependencies
EXTRAS_FOR = {
    "scripts/": ("build",),
    "geo/bench": ("bench",),  # geo/bench.py and geo/bench_*.py
    "geo/workspace.py": ("postgres",),
    "geo/errors.py": ("postgres",),  # psycopg's errors, when it is installed
    "tests/": ("test", "build", "bench", "postgres"),
}


def requirement_name(req: str) -> str:
    return re.split(r"[\s\[<>=!~;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def declared(extras: tuple[str, ...]) -> set[str]:
    names = {requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    for extra in extras:
        names |= {requirement_name(r) for r in PYPROJECT["project"]["optional-dependencies"][extra]}
    return names


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports, at any depth (lazy imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "__import__"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value).split(".")[0])
    return names


def sources() -> list[Path]:
    files = [ROOT / "app.py"]
    for folder in ("ui", "geo", "scripts", "tests"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return [f for f in files if "artifacts" not in f.parts and "netaudit" not in f.parts]


def test_every_third_party_import_is_declared():
    stdlib = set(sys.stdlib_module_names)
    owners = packages_distributions()
    missing = []
    for path in sources():
        rel = path.relative_to(ROOT).as_posix()
        extras = next((e for prefix, e in EXTRAS_FOR.items() if rel.startswith(prefix)), ())
        allowed = declared(extras)
        for module in sorted(imported_modules(path) - stdlib - FIRST_PARTY - {"__future__"}):
            dists = {d.lower().replace("_", "-") for d in owners.get(module, [])}
            if not dists:
                missing.append(f"{rel}: {module} (installed by no distribution)")
            elif not dists & allowed:
                missing.append(
                    f"{rel}: {module} (from {', '.join(sorted(dists))}; not declared"
                    f"{' in dependencies or ' + '/'.join(extras) if extras else ' in dependencies'})"
                )
    assert missing == [], "undeclared imports:\n" + "\n".join(missing)


def test_the_audit_catches_an_undeclared_import(tmp_path):
    """The audit itself can fail: a module importing an undeclared package is caught."""
    fake = tmp_path / "fake.py"
    fake.write_text("import json\nfrom matplotlib import pyplot\nimport yaml\n")
    assert imported_modules(fake) == {"json", "matplotlib", "yaml"}
    assert "matplotlib" in declared(())
    assert "pyyaml" not in declared(())


def test_pip_check_is_clean():
    out = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_suite_runs_in_a_virtual_environment_outside_the_repository():
    """scripts/test.sh (and so CI) runs pytest from a fresh venv, not the machine's Python."""
    assert sys.prefix != sys.base_prefix, "pytest is not running inside a virtual environment"
    assert not Path(sys.prefix).resolve().is_relative_to(ROOT)
    purelib = Path(sysconfig.get_paths()["purelib"])
    assert purelib.is_relative_to(Path(sys.prefix))


def readme_run_command() -> str:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"Run the app.*?```bash\n(.+?)\n```", text, re.S)
    assert block, "README has no 'Run the app' command"
    return block.group(1).strip()


def external_attempts(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


@pytest.mark.browser
def test_readme_run_command_in_a_fresh_environment_makes_no_outbound_connection(tmp_path, browser, artifacts):
    """The README's run command in a new venv: health, a browser session, an export, a snapshot, `check`.

    Every Python process of that environment carries an audit hook that records each
    connection attempt and name lookup beyond loopback: none is allowed.
    """
    command = readme_run_command()
    assert command == "pip install -e . && streamlit run app.py"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    net_log = tmp_path / "net.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "STREAMLIT"))}
    env.update(PATH=f"{venv / 'bin'}:{env.get('PATH', '')}", VIRTUAL_ENV=str(venv), BEM_TILE_CACHE=str(tmp_path / "tiles"))
    install, run = (part.strip() for part in command.split("&&"))
    done = subprocess.run(
        ["bash", "-c", install + " --quiet --disable-pip-version-check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    # from here on, every Python process of the environment records its connection attempts
    env.update(PYTHONPATH=str(ROOT / "tests" / "netaudit"), BEM_NET_LOG=str(net_log))
    assert done.returncode == 0, done.stderr[-3000:]
    assert subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "check"], env=env).returncode == 0
    port = free_port()
    server_log = artifacts / "fresh-env-streamlit.log"
    with open(server_log, "w") as log:
        server = subprocess.Popen(
            ["bash", "-c", f"exec {run}"],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**env, "STREAMLIT_SERVER_PORT": str(port)},
        )
    try:
        wait_http(f"http://127.0.0.1:{port}/_stcore/health", timeout=120)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            page.goto(f"http://127.0.0.1:{port}/?basemap=offline&lang=en")
            page.locator('iframe[src*="streamlit_folium"]').wait_for(timeout=90_000)
            page.get_by_text("Export this view").first.click()
            page.get_by_role("button", name="Render").click()
            try:
                page.get_by_role("button", name=re.compile(r"⬇ .*\.png")).wait_for(timeout=120_000)
            finally:
                page.screenshot(path=str(artifacts / "fresh-env-export.png"), full_page=True)
        except Exception as exc:  # say what the page and the server said, not only that a wait timed out
            try:
                text = page.locator("[data-testid='stMain']").first.inner_text(timeout=5_000)[-1500:]
            except Exception as why:  # noqa: BLE001 - the page may be gone: say so and go on
                text = f"(no page text: {why})"
            raise AssertionError(f"{exc}\n--- page ---\n{text}\n--- server ---\n{server_log.read_text()[-3000:]}") from exc
        finally:
            page.close()
        out = tmp_path / "city.png"
        snap = subprocess.run(
            ["python", "-m", "geo", "snapshot", "--out", str(out), "--basemap", "offline"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert snap.returncode == 0, snap.stderr
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        check = subprocess.run(
            ["python", "-m", "geo", "check"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
        assert check.returncode == 0 and "data OK" in check.stdout, check.stderr
    finally:
        stop(server, 15)
    banner = server_log.read_text()
    assert "Network URL" not in banner and "External URL" not in banner
    attempts = external_attempts(net_log)
    assert attempts == [], "connections beyond loopback:\n" + "\n".join(map(json.dumps, attempts))


def test_the_connection_recorder_sees_an_outbound_attempt(tmp_path):
    """The audit hook is not blind: a UDP connect to a public address is recorded (nothing is sent)."""
    net_log = tmp_path / "net.jsonl"
    code = (
        "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ntry:\n    s.connect(('192.0.2.1', 1))\n"
        "except OSError:\n    pass\nsocket.getaddrinfo('localhost', 80)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests" / "netaudit"), "BEM_NET_LOG": str(net_log)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    attempts = external_attempts(net_log)
    assert [(a["event"], a["host"]) for a in attempts] == [("socket.connect", "192.0.2.1")]
