"""Many at once: app servers starting together on a new database, editors adding layers together, sessions
exporting together. Real processes and threads, a real PostgreSQL (started by conftest), real SQLite files;
every wait is on a condition (a barrier, a line from a process, a job done), never a fixed time."""

from __future__ import annotations

import json
import secrets
import sqlite3
import subprocess
import sys
import threading

import pytest

from geo import workspace
from tests.conftest import ROOT

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
