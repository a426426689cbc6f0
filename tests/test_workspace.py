"""Workspaces on SQLite: the command line, tokens, append-only history, concurrent saves, a killed save.
Many at once (servers starting, editors adding, sessions exporting): tests/test_workspace_concurrency.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from geo import workspace
from tests.conftest import ROOT

VALID = ROOT / "tests" / "corpus" / "files" / "valid.gpkg"


@pytest.fixture
def env(tmp_path):
    """The environment of a separate process (another app server) on the test's workspace folder."""
    return {**os.environ, "BEM_WORKSPACE_DIR": str(tmp_path / "ws")}


@pytest.fixture
def ws(run_cli, tmp_path):
    """``python -m geo workspace ARGS`` (run in this process) on the test's workspace folder; keyword arguments
    set further environment variables."""

    def run(*args: str, **env: str):
        return run_cli("workspace", *args, **{"BEM_WORKSPACE_DIR": str(tmp_path / "ws"), **env})

    return run


def new(ws, name="候选场地") -> dict:
    res = ws("new", "--name", name)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_the_command_line_round_trip(ws, tmp_path):
    created = new(ws)
    assert {"id", "view_token", "edit_token"} <= set(created)
    assert len(created["edit_token"]) >= 32 and created["edit_token"] != created["view_token"]  # >= 128 bits
    added = ws("add-layer", created["id"], str(VALID), "--token", created["edit_token"])
    assert added.returncode == 0, added.stderr
    shown = json.loads(ws("show", created["id"], "--token", created["view_token"]).stdout)
    assert shown["layers"] == [{"name": "valid.gpkg", "features": 2}]
    assert [v["version"] for v in shown["versions"]] == [1, 2]
    assert all(isinstance(v["version"], int) and v["time"] and v["change"] for v in shown["versions"])
    for ext in ("gpkg", "geojson", "kml", "csv"):
        out = tmp_path / f"ws.{ext}"
        res = ws("export", created["id"], "--token", created["view_token"], "--out", str(out))
        assert res.returncode == 0, res.stderr
        data = out.read_bytes()
        assert created["view_token"].encode() not in data and created["edit_token"].encode() not in data
    restored = ws("restore", created["id"], "1", "--token", created["edit_token"])
    assert restored.returncode == 0, restored.stderr
    shown = json.loads(ws("show", created["id"], "--token", created["view_token"]).stdout)
    assert shown["layers"] == [] and [v["version"] for v in shown["versions"]] == [1, 2, 3]  # nothing lost


@pytest.mark.parametrize("which", ["view", "guess", "other"])
def test_a_wrong_or_view_only_token_changes_nothing(ws, which):
    created, other = new(ws), new(ws, "other")
    token = {"view": created["view_token"], "guess": "x" * 32, "other": other["edit_token"]}[which]
    for args in (("add-layer", created["id"], str(VALID), "--token", token), ("restore", created["id"], "1", "--token", token)):
        res = ws(*args)
        assert res.returncode == 1 and res.stderr.count("\n") == 1 and res.stderr.startswith("error: ")
        assert token not in res.stderr
    if which != "view":
        assert ws("show", created["id"], "--token", token).returncode == 1
    shown = json.loads(ws("show", created["id"], "--token", created["edit_token"]).stdout)
    assert [v["version"] for v in shown["versions"]] == [1]


def test_tokens_are_stored_only_as_hashes(ws, tmp_path):
    created = new(ws)
    db = (tmp_path / "ws" / "workspaces.gpkg").read_bytes()
    wal = tmp_path / "ws" / "workspaces.gpkg-wal"
    blob = db + (wal.read_bytes() if wal.exists() else b"")
    assert created["edit_token"].encode() not in blob and created["view_token"].encode() not in blob


@pytest.mark.parametrize("part", ["sketches", "views"])
def test_concurrent_saves_keep_both_or_report_a_conflict(tmp_path, part):
    """Two app servers save a change made on the same version at the same moment: two added sketches commute
    (both kept, one version each); two edits of the views conflict (the second is told, nothing overwritten)."""
    url = f"sqlite:///{tmp_path / 'ws.sqlite'}"
    store = workspace.Store(url)
    created = store.create("race")
    code = f"""
import sys
from geo import workspace
store = workspace.Store({url!r})
ws = store.load({created["id"]!r}, {created["edit_token"]!r})
content = ws.content
if {part!r} == "sketches":
    content["sketches"].append({{"title": sys.argv[1], "note": "", "geometry": {{"type": "Point", "coordinates": [116.4, 39.9]}}}})
else:
    content["views"] = [{{"name": "core", "bbox": [116.3, 39.8, 116.5, 40.0 + (sys.argv[1] == "B") / 10]}}]
print("read", ws.version, flush=True)
sys.stdin.readline()  # the barrier: saves only once both have read
try:
    print(store.save({created["id"]!r}, {created["edit_token"]!r}, content, ws.version, "sketch " + sys.argv[1]))
except workspace.Conflict as exc:
    print("conflict", exc)
"""
    procs = [
        subprocess.Popen([sys.executable, "-c", code, name], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for name in ("A", "B")
    ]
    assert [p.stdout.readline().strip() for p in procs] == ["read 1", "read 1"]  # both have read version 1 ...
    for p in procs:  # ... before either saves: both are let go together
        p.stdin.write("go\n")
        p.stdin.flush()
    outs = [p.communicate(timeout=120)[0].strip() for p in procs]
    history = store.history(created["id"], created["view_token"])
    latest = store.load(created["id"], created["view_token"])
    if part == "sketches":
        assert sorted(o.split()[0] for o in outs) == ["2", "3"], outs
        assert [v["version"] for v in history] == [1, 2, 3]
        assert sorted(s["title"] for s in latest.content["sketches"]) == ["A", "B"]  # both kept
    else:
        assert sorted(o.split()[0] for o in outs) == ["2", "conflict"], outs
        assert [v["version"] for v in history] == [1, 2]
        assert len(latest.content["views"]) == 1  # the winner's view; the loser was told, nothing overwritten


def test_a_save_killed_mid_write_leaves_the_previous_version_whole(tmp_path):
    url = f"sqlite:///{tmp_path / 'ws.sqlite'}"
    store = workspace.Store(url)
    created = store.create("killed")
    big = {
        "layers": [
            {
                "name": f"layer {i}",
                "style": {},
                "features": {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {"name": "x" * 200},
                            "geometry": {"type": "Point", "coordinates": [116.4, 39.9]},
                        }
                        for _ in range(3000)
                    ],
                },
            }
            for i in range(40)
        ],
        "sketches": [],
        "views": [],
        "notes": [],
    }
    store.save(created["id"], created["edit_token"], {**big, "layers": big["layers"][:1]}, 1, "first")
    code = f"""
import json, sys
from geo import workspace
store = workspace.Store({url!r})
big = json.loads(sys.stdin.read())
v = 2
write_features = store._store_features
def announced(*args):  # inside the save's transaction, its version row written, its 120,000 features not yet
    print("writing", v + 1, flush=True)
    write_features(*args)
store._store_features = announced
while True:
    v = store.save({created["id"]!r}, {created["edit_token"]!r}, big, v, "big")
"""
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    proc.stdin.write(json.dumps(big))
    proc.stdin.close()
    assert proc.stdout.readline().strip() == "writing 3"  # the big save is under way: killed mid-write
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    history = store.history(created["id"], created["view_token"])
    latest = store.load(created["id"], created["view_token"])
    assert latest.version == history[-1]["version"] >= 2
    assert len(latest.content["layers"]) in (1, 40)  # a whole version, never a half-written one
    import sqlite3

    with sqlite3.connect(tmp_path / "ws.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_limits_and_validation(tmp_path):
    store = workspace.Store(f"sqlite:///{tmp_path / 'ws.sqlite'}")
    created = store.create("limits")
    with pytest.raises(workspace.WorkspaceError, match="at most"):
        store.save(
            created["id"],
            created["edit_token"],
            {"layers": [{"name": str(i), "features": {"type": "FeatureCollection", "features": []}} for i in range(51)]},
            1,
            "too many",
        )
    with pytest.raises(workspace.WorkspaceError):
        store.save(created["id"], created["edit_token"], {"layers": [{"name": "x", "features": "not geojson"}]}, 1, "bad")
    with pytest.raises(workspace.WorkspaceError):
        store.save(created["id"], created["edit_token"], {"secrets": []}, 1, "bad")
    assert store.schema_version() == len(workspace.MIGRATIONS)


# --- PostgreSQL + PostGIS (started by the tests themselves) ------------------------------------------------


def test_the_same_schema_and_history_on_postgresql(postgres_url):
    store = workspace.Store(postgres_url)
    assert store.schema_version() == len(workspace.MIGRATIONS)
    workspace.Store(postgres_url)  # migrating twice is harmless
    import psycopg

    with psycopg.connect(postgres_url) as db:
        assert db.execute("SELECT extname FROM pg_extension WHERE extname = 'postgis'").fetchone()
    created = store.create("共享")
    content = store.load(created["id"], created["view_token"]).content
    content["sketches"].append({"title": "site", "note": "", "geometry": {"type": "Point", "coordinates": [116.4, 39.9]}})
    content["views"].append({"name": "core", "bbox": [116.3, 39.8, 116.5, 40.0]})
    assert store.save(created["id"], created["edit_token"], content, 1, "sketch") == 2
    content["views"][0]["bbox"] = [116.0, 39.5, 116.8, 40.3]  # the view changed again, from version 1
    with pytest.raises(workspace.Conflict):
        store.save(created["id"], created["edit_token"], content, 1, "stale")
    with pytest.raises(workspace.Forbidden):
        store.save(created["id"], created["view_token"], content, 2, "view token")
    assert store.restore(created["id"], created["edit_token"], 1) == 3
    assert [v["version"] for v in store.history(created["id"], created["view_token"])] == [1, 2, 3]


def test_two_app_servers_on_one_postgresql_share_a_sketch(postgres_url, env, ws):
    """What one app server saves, another app server (its own process) reads: one store for both."""
    created = workspace.Store(postgres_url).create("two servers")
    code = """
import json, sys
from geo import workspace
store = workspace.Store()
ws = store.load(sys.argv[1], sys.argv[2])
if sys.argv[3] == "save":
    ws.content["sketches"].append({"title": "from server A", "note": "",
                                   "geometry": {"type": "Point", "coordinates": [116.39, 39.91]}})
    print(store.save(sys.argv[1], sys.argv[2], ws.content, ws.version, "sketch"))
else:
    print(json.dumps([s["title"] for s in ws.content["sketches"]]))
"""
    pg_env = {**env, "BEM_DATABASE_URL": postgres_url}
    a = subprocess.run(
        [sys.executable, "-c", code, created["id"], created["edit_token"], "save"],
        cwd=ROOT,
        env=pg_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert a.returncode == 0, a.stderr
    b = subprocess.run(
        [sys.executable, "-c", code, created["id"], created["view_token"], "read"],
        cwd=ROOT,
        env=pg_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert json.loads(b.stdout) == ["from server A"]
    res = ws("show", created["id"], "--token", created["view_token"], BEM_DATABASE_URL=postgres_url)
    assert res.returncode == 0 and json.loads(res.stdout)["sketches"] == 1


def test_the_sqlite_store_is_a_geopackage_of_the_newest_features(ws, tmp_path):
    import pyogrio

    created = new(ws)
    assert ws("add-layer", created["id"], str(VALID), "--token", created["edit_token"]).returncode == 0
    path = tmp_path / "ws" / "workspaces.gpkg"
    layers = [name for name, _ in pyogrio.list_layers(path)]
    assert "features" in layers
    gdf = pyogrio.read_dataframe(path, layer="features")
    assert len(gdf) == 2 and set(gdf["layer"]) == {"valid.gpkg"} and gdf.crs.to_epsg() == 4326
    assert gdf.geometry.x.between(116.3, 116.5).all()


def test_postgis_holds_the_newest_features_as_geometries(postgres_url):
    import psycopg

    store = workspace.Store(postgres_url)
    created = store.create("spatial")
    content = store.load(created["id"], created["edit_token"]).content
    content["sketches"] = [
        {"title": f"s{i}", "note": "", "geometry": {"type": "Point", "coordinates": [116.3 + i / 10, 39.9]}} for i in range(3)
    ]
    store.save(created["id"], created["edit_token"], content, 1, "sketches")
    with psycopg.connect(postgres_url) as db:
        near = db.execute(
            "SELECT name FROM features WHERE workspace_id = %s AND ST_DWithin(geom::geography, "
            "ST_SetSRID(ST_MakePoint(116.3, 39.9), 4326)::geography, 5000)",
            (created["id"],),
        ).fetchall()
    assert [r[0] for r in near] == ["s0"]


def test_a_token_never_starts_with_a_dash(monkeypatch):
    """``--token TOKEN`` must work as the README writes it: a leading "-" would read as an option."""
    from geo import workspace as wsmod

    drawn = iter(["-starts-with-a-dash", "_fine-token"])
    monkeypatch.setattr(wsmod.secrets, "token_urlsafe", lambda n: next(drawn))
    assert wsmod.new_token() == "_fine-token"
