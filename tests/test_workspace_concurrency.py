"""Many at once: app servers starting together on a new database, editors adding layers together, sessions
exporting together. Real processes and threads, a real PostgreSQL (started by conftest), real SQLite files;
every wait is on a condition (a barrier, a line from a process, a job done), never a fixed time."""

from __future__ import annotations

import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import threading
from concurrent import futures
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from PIL import Image

from geo import formats, workspace
from geo.mapspec import MapSpec, Page
from tests.conftest import ROOT
from ui import jobs

VALID = ROOT / "tests" / "corpus" / "files" / "valid.gpkg"
SERVERS = 8  # app servers started together
EDITORS = 20  # editors adding a layer together


@pytest.fixture
def fresh_url(request, tmp_path):
    """A new, empty database: a SQLite file, or a PostgreSQL database created for the test (and dropped)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.gpkg'}"
        return
    import psycopg

    base = request.getfixturevalue("postgres_url")
    name = f"bem_fresh_{secrets.token_hex(4)}"
    with psycopg.connect(base, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(base, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def rows(url: str, sql: str) -> list[tuple]:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(sql).fetchall()


BOOT = """
import sys
import threading
from geo import workspace
print("ready", flush=True)
sys.stdin.readline()  # the barrier: every server opens the store at the same moment
workspace.Store(sys.argv[1])
print("migrated", flush=True)
"""


@pytest.mark.parametrize("fresh_url", ["sqlite", "postgresql"], indirect=True)
def test_app_servers_starting_together_migrate_a_new_database_once(fresh_url):
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", BOOT, fresh_url],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(SERVERS)
    ]
    try:
        assert [p.stdout.readline().strip() for p in procs] == ["ready"] * SERVERS  # all imported, none migrated
        for p in procs:  # ... then all let go together
            p.stdin.write("go\n")
            p.stdin.flush()
        results = [p.communicate(timeout=300) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    failures = [err for p, (_, err) in zip(procs, results) if p.returncode != 0]
    assert failures == [], failures[0]
    assert all(out.strip() == "migrated" for out, _ in results)
    counted = rows(fresh_url, "SELECT version, COUNT(*) FROM schema_version GROUP BY version ORDER BY version")
    assert counted == [(n, 1) for n in range(1, len(workspace.MIGRATIONS) + 1)]  # each migration once
    created = workspace.Store(fresh_url).create("after the rush")  # and the schema is whole
    assert workspace.Store(fresh_url).load(created["id"], created["view_token"]).version == 1


@pytest.mark.parametrize("fresh_url", ["sqlite", "postgresql"], indirect=True)
def test_editors_adding_layers_together_all_land(fresh_url, tmp_path, monkeypatch, capfd):
    """``workspace add-layer`` run by 20 editors at once (the command line's own path, in 20 threads): every
    one is read in its worker process before any is saved, then all are saved together; all 20 succeed, each
    is its own version, and the newest version holds the 20 layers."""
    from geo import imports
    from geo.__main__ import main

    store = workspace.Store(fresh_url)
    created = store.create("together")
    files = []
    for i in range(EDITORS):
        files.append(tmp_path / f"layer{i:02d}.gpkg")
        files[-1].write_bytes(VALID.read_bytes())
    barrier = threading.Barrier(EDITORS)
    read_bounded = imports.read_bounded

    def read_together(*args, **kwargs):
        barrier.wait(timeout=300)  # every editor has started (and read whatever it reads first) ...
        return read_bounded(*args, **kwargs)  # ... before any file is read and saved

    monkeypatch.setattr(imports, "read_bounded", read_together)
    monkeypatch.setenv("BEM_DATABASE_URL", fresh_url)
    codes: dict[int, int] = {}

    def add(i: int) -> None:
        codes[i] = main(["workspace", "add-layer", created["id"], str(files[i]), "--token", created["edit_token"]])

    threads = [threading.Thread(target=add, args=(i,)) for i in range(EDITORS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out, err = capfd.readouterr()
    assert codes == dict.fromkeys(range(EDITORS), 0), err
    history = store.history(created["id"], created["view_token"])
    assert [v["version"] for v in history] == list(range(1, EDITORS + 2))  # 20 distinct, consecutive versions
    assert sorted(v["change"] for v in history[1:]) == [f"added layer {f.name}" for f in files]
    newest = store.load(created["id"], created["view_token"])
    assert newest.version == EDITORS + 1
    assert sorted(layer["name"] for layer in newest.content["layers"]) == [f.name for f in files]
    assert sorted(json.loads(line)["version"] for line in out.splitlines()) == list(range(2, EDITORS + 2))
    features = rows(fresh_url, "SELECT COUNT(*) FROM features")[0][0]
    assert features == 2 * EDITORS  # the newest version's features, each layer's once


def view(name: str, bbox: list[float]) -> dict:
    return {"name": name, "bbox": bbox}


def sketch(title: str) -> dict:
    return {"title": title, "note": "", "geometry": {"type": "Point", "coordinates": [116.4, 39.9]}}


@pytest.mark.parametrize("fresh_url", ["sqlite", "postgresql"], indirect=True)
def test_a_real_conflict_is_still_refused_while_appends_commute(fresh_url):
    store = workspace.Store(fresh_url)
    created = store.create("conflicts")
    wid, token = created["id"], created["edit_token"]
    a, b, c = (store.load(wid, token) for _ in range(3))  # three editors read version 1
    a.content["views"].append(view("core", [116.3, 39.8, 116.5, 40.0]))
    assert store.save(wid, token, a.content, a.version, "view: core") == 2
    b.content["views"].append(view("core", [116.0, 39.5, 116.8, 40.3]))  # the same view, changed from version 1
    with pytest.raises(workspace.Conflict):
        store.save(wid, token, b.content, b.version, "view: core")
    with pytest.raises(workspace.Conflict):  # a restore chosen from version 1 while version 2 is the newest
        store.restore(wid, token, 1, expected=1)
    c.content["sketches"].append(sketch("new site"))  # an append made on version 1 ...
    c.content["notes"].append({"venue": "forbidden_city", "status": "open", "date": "2025-01-01", "source": "", "note": ""})
    assert store.save(wid, token, c.content, c.version, "sketch: new site") == 3  # ... commutes with the view
    newest = store.load(wid, token)
    assert newest.content["views"] == [view("core", [116.3, 39.8, 116.5, 40.0])]  # A's view, not B's
    assert [s["title"] for s in newest.content["sketches"]] == ["new site"] and len(newest.content["notes"]) == 1
    d = store.load(wid, token)
    assert store.append(wid, token, {"sketches": [sketch("second")]}, "sketch: second") == 4
    d.content["sketches"].pop()  # removing a sketch is an edit, not an append: refused on an older version
    with pytest.raises(workspace.Conflict):
        store.save(wid, token, d.content, d.version, "removed a sketch")
    assert store.restore(wid, token, 1, expected=4) == 5  # made from the newest version: done
    assert [v["version"] for v in store.history(wid, token)] == [1, 2, 3, 4, 5]


# --- exports: one slow export stalls no other session's ------------------------------------------------------


@contextmanager
def dribbling_tiles():
    """A tile server whose first tile comes at once and every other one a byte at a time, until ``release`` is
    set: a snapshot over it is slow (its basemap is reachable, its tiles dribble) for as long as the test says."""
    from tests.tileserver import render_tile

    state = SimpleNamespace(release=threading.Event(), dribbling=threading.Event(), open=0, served=0)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            z, x, y = (int(v) for v in self.path.removesuffix(".png").split("/")[-3:])
            body = render_tile(z, x, y, [])
            with lock:
                state.served += 1
                first = state.served == 1
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                if first:
                    self.wfile.write(body)
                    return
                self.dribble(body)
            except (BrokenPipeError, ConnectionResetError):  # the fetch gave up on this tile
                pass

        def dribble(self, body: bytes) -> None:
            with lock:
                state.open += 1
            state.dribbling.set()
            try:
                sent = 0
                while not state.release.wait(0.2) and sent < len(body) - 1:  # one byte every 0.2 s
                    self.wfile.write(body[sent : sent + 1])
                    self.wfile.flush()
                    sent += 1
                self.wfile.write(body[sent:])
            finally:
                with lock:
                    state.open -= 1

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


SMALL = Page(640, 480, 96)


def test_a_slow_export_stalls_no_other_sessions_export(layers, tmp_path, monkeypatch):
    """Session A's snapshot waits on a dribbling tile server; session B's offline snapshot, asked for after A's
    is under way, comes back while A's is still being fed, through the server's own export pool."""
    from ui import cache

    monkeypatch.setenv("BEM_TILE_CACHE", str(tmp_path / "tiles"))
    with dribbling_tiles() as (url, server):
        monkeypatch.setenv("BEM_TILE_MIRROR", url)
        pool = cache.render_pool()
        session_a, session_b = object(), object()
        slow = pool.start(session_a, formats.export, layers, MapSpec(basemap="osm", page=SMALL), "png", isolated=True)
        assert server.dribbling.wait(300)  # A's render is fetching its tiles (a guard against a hang, not a timing)
        fast = pool.start(session_b, formats.export, layers, MapSpec(basemap="offline", page=SMALL), "png", isolated=True)
        done, _ = futures.wait([slow.future, fast.future], return_when=futures.FIRST_COMPLETED)
        assert fast.future in done and not slow.future.done() and server.open > 0  # A's tiles are still dribbling
        assert Image.open(io.BytesIO(fast.future.result().data)).size == (640, 480)
        server.release.set()
        assert slow.future.result().mime == "image/png"  # A's export ends too, once its tiles are in


def test_one_session_runs_one_export_at_a_time_and_cannot_take_every_worker():
    pool = jobs.Pool(2)
    started = {name: threading.Event() for name in ("a1", "a2", "a3", "b1")}
    gate = threading.Event()

    def work(name: str, progress) -> str:
        started[name].set()
        progress(0.5, "waiting")
        assert gate.wait(300)
        return name

    session_a, session_b = object(), object()
    a1 = pool.start(session_a, work, "a1")
    assert started["a1"].wait(300)
    a2, a3 = pool.start(session_a, work, "a2"), pool.start(session_a, work, "a3")  # A asks twice more meanwhile
    b1 = pool.start(session_b, work, "b1")
    assert started["b1"].wait(300)  # the second worker went to B, not to A's next export
    assert not started["a2"].is_set() and not started["a3"].is_set()
    assert a2.future.cancelled()  # replaced by A's newest request: a session holds one running, one waiting
    assert a1.fraction == 0.5
    gate.set()
    assert (a1.future.result(), b1.future.result(), a3.future.result()) == ("a1", "b1", "a3")
    assert not started["a2"].is_set()


def test_a_render_runs_in_a_process_of_its_own(layers):
    """An isolated job runs in a child process (its own matplotlib settings), its progress relayed and its
    error raised here as itself."""
    pool = jobs.Pool(2)
    job = pool.start(object(), formats.export, layers, MapSpec(page=SMALL), "png", isolated=True)
    assert job.future.result().mime == "image/png" and job.fraction == 1.0
    other = pool.start(object(), os_pid_with_progress, isolated=True)
    assert other.future.result() != os.getpid()
    with pytest.raises(formats.FormatError):
        pool.start(object(), formats.export, layers, MapSpec(page=SMALL), "tiff", isolated=True).future.result()


def os_pid_with_progress(progress) -> int:
    progress(1.0, "done")
    return os.getpid()
