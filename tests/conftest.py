"""Shared fixtures: the loaded layers, paths, and a live app server for browser tests."""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from geo.browser import chromium_path, launch

__all__ = ["chromium_path"]  # tests and scripts launch Chromium with geo.browser's path and flags

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
SHARED_SOURCE = ROOT.parent / "shared" / "sources" / "leading-group-meeting-2025-03-17.txt"
#: the pytest-xdist worker this process is ("gw0", "gw1", ...; "" when the suite runs in one process)
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def per_worker(path: Path) -> Path:
    """A log in the shared artifacts folder with the worker's name before its suffix (``streamlit-gw1.log``), so
    that two workers running the same fixture at once write two files rather than one garbled one. A path
    elsewhere (a test's own tmp_path, which it may read back) and a single-process run keep the name given."""
    if not WORKER or path.parent != ARTIFACTS:
        return path
    return path.with_name(f"{path.stem}-{WORKER}{path.suffix}")


@pytest.fixture(scope="session")
def layers():
    from geo.data import load_layers

    return load_layers()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


PANELS = ("filters", "import", "ws", "export")


def app_test(query: dict | None = None, panels: tuple[str, ...] = (), timeout: float = 120):
    """The page in Streamlit's AppTest as a browser sees it settle: its first run (the first paint, which
    leaves the table for later), then the run the map's first report causes. ``panels`` names the lazy
    sidebar/export panels to open (their widgets are built only while open)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for panel in panels:
        assert panel in PANELS, panel
        at.session_state[f"{panel}_open"] = True
    return at.run().run()


def submit_button(at, label_key: str = "export_render"):
    """The export form's submit button (found by its label in either language)."""
    from geo import i18n

    labels = {i18n.t(label_key, lang) for lang in i18n.LANGS}
    return next(b for b in at.button if b.label in labels)


@dataclasses.dataclass(frozen=True)
class CliResult:
    """What ``python -m geo ...`` gave: its exit code and what it wrote."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capfd, monkeypatch):
    """``python -m geo ARGS`` run in this process through its entry function ``geo.__main__.main(argv)``, from the
    project folder as a subprocess would be; keyword arguments set environment variables for that call only.
    ``capfd`` captures file descriptors 1 and 2, so what an import worker (a child process) writes is kept too."""
    from geo.__main__ import main

    def run(*args: str, **env: str) -> CliResult:
        with monkeypatch.context() as mp:
            mp.chdir(ROOT)
            for name in ("BEM_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):  # the command line speaks English unless asked
                mp.delenv(name, raising=False)
            for name, value in env.items():
                mp.setenv(name, value)
            capfd.readouterr()  # what the test printed before is not this command's output
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's --help exits; a message exits 1 as the interpreter would
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr)
            out, err = capfd.readouterr()
        return CliResult(code, out, err)

    return run


_PORTS = itertools.count(random.randrange(100))


def free_port() -> int:
    """A loopback port free now, for a server the test starts next. In one process the kernel picks it; under
    pytest-xdist each worker takes its own block of 1000 ports below the kernel's ephemeral range (32768 on), so
    two workers never pick the same port between one's check and its server's start."""
    if not WORKER:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    base = 20000 + 1000 * (int(WORKER.removeprefix("gw")) % 12)
    for _ in range(1000):
        port = base + next(_PORTS) % 1000
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue  # taken by someone else: the next one
            return port
    raise RuntimeError(f"no free port in {base}-{base + 999}")


def wait_http(url: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    """Poll ``url`` until it answers 200; fail at once if ``proc`` (the server) has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with code {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)  # the polling interval, not a wait for something
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Ask a server to stop; kill it if it has not within ``timeout`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


SERVER_PIDS: dict[str, int] = {}  # url -> the streamlit server's process id


@contextlib.contextmanager
def serve_app(log_path: Path, **env: str):
    """Run the real app with `streamlit run` on a free localhost port; yield its URL."""
    port = free_port()
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
    with open(per_worker(log_path), "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc=proc)
            SERVER_PIDS[f"http://127.0.0.1:{port}"] = proc.pid
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(proc)


@pytest.fixture
def store(tmp_path, monkeypatch):
    """The workspace store the app in this process (AppTest) opens: SQLite in a folder of this test (the app's
    cached store is dropped before and after)."""
    from geo import workspace
    from ui import cache

    monkeypatch.delenv("BEM_DATABASE_URL", raising=False)
    monkeypatch.setenv("BEM_WORKSPACE_DIR", str(tmp_path / "ws"))
    cache.workspace_store.clear()
    yield workspace.Store()
    cache.workspace_store.clear()


@pytest.fixture(scope="session")
def app_workspace_dir(tmp_path_factory) -> Path:
    """The workspace folder of the shared app server (``app_url``): a test may put a workspace there for it."""
    return tmp_path_factory.mktemp("workspaces")


@pytest.fixture(scope="session")
def app_url(artifacts, app_workspace_dir):
    """The app as a planner runs it (its workspaces in a temporary folder), one server per test process."""
    with serve_app(artifacts / "streamlit.log", BEM_WORKSPACE_DIR=str(app_workspace_dir)) as url:
        yield url


@pytest.fixture(scope="session")
def playwright_session():
    """The one Playwright of the test session (its sync API runs one instance per thread: a second
    ``sync_playwright()`` while this one runs fails), for every browser the tests launch."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_session):
    b = launch(playwright_session)
    yield b
    b.close()


def _pg_bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A real PostgreSQL + PostGIS started for the tests (Debian's packages, a temporary data directory, a
    free local port), stopped afterwards. As root it runs as the ``postgres`` system user."""
    import shutil

    bindir = _pg_bindir()
    if bindir is None:
        pytest.fail("PostgreSQL is not installed: scripts/test.sh installs the Debian packages postgresql and postgis")
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="bem-pg-"))  # not under pytest's 0700 folder: the postgres user enters it
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    subprocess.run(
        [
            *as_user,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--no-locale",
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = root / "postgres.log"
    subprocess.run(
        [
            *as_user,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=on",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
