"""Shared workspaces: a planner's imported layers, sketches, named views and venue status notes, kept on the
server and shared by link, like uMap: a view token reads, a secret edit token changes.

Storage: SQLite under ``BEM_WORKSPACE_DIR`` (default ~/.local/share/beijing-exchange-map) with no set-up, or
PostgreSQL + PostGIS for shared deployments (``BEM_DATABASE_URL=postgresql://...``), the same schema and the
same migrations (``MIGRATIONS``, applied in order, recorded in ``schema_version``; a small runner instead of
Alembic because the schema is a handful of tables, and the runner is the same for both stores).

Nothing is ever overwritten: every change is a new version (append-only history) holding the whole
workspace; any version can be restored (as a new version). Saves are serialised per workspace (the
workspace's row locked on PostgreSQL, the write lock taken up front on SQLite) and each is applied onto the
newest version: appends (a layer, a sketch, a status note) commute, so editors adding at once all land, one
version each; a change that really conflicts (two edits of the views, a restore made from an older version)
gets a ``Conflict`` and nothing is lost. Migrations are serialised too (an advisory lock on PostgreSQL), so
any number of app servers can start at once on a new database. Each save is one transaction, so a process
killed mid-save leaves the previous version whole. Tokens (192 bits) are stored only as SHA-256 hashes and
never appear in exports, snapshots or logs. What a workspace holds (its checks, export, history words) is
``geo.workspace_content``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from geo.workspace_content import (  # noqa: F401 (the package's names, as importers use them)
    APPENDABLE,
    CHANGES,
    MAX_CONTENT_BYTES,
    MAX_LAYERS,
    MAX_SKETCHES,
    MAX_STORY_NAME,
    Conflict,
    Forbidden,
    Workspace,
    WorkspaceError,
    appended,
    check_content,
    conflict_columns,
    describe_change,
    empty_content,
    encoded,
    export_bytes,
    feature_count,
    feature_items,
    layer_from_frame,
    layer_from_import,
    mine_over,
    rebase,
    stories,
    story_entry,
)

TOKEN_BYTES = 24  # 192 bits
#: the PostgreSQL advisory lock (a 64-bit key) that serialises migrations: one server migrates, the others
#: wait for it, then find the schema current
MIGRATION_LOCK = 0x42454D_5753  # "BEMWS"

#: each migration: SQL run once, in order, on both stores (a dict gives each its own dialect). 2 keeps the newest
#: version's features as real geometries: a GeoPackage table on SQLite (QGIS opens workspaces.gpkg as is),
#: a PostGIS geometry column with a spatial index on PostgreSQL.
MIGRATIONS: list[str | dict[str, str]] = [
    # 1: workspaces and their append-only history
    """
    CREATE TABLE workspaces (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        view_hash TEXT NOT NULL,
        edit_hash TEXT NOT NULL,
        created TEXT NOT NULL,
        head INTEGER NOT NULL
    );
    CREATE TABLE versions (
        workspace_id TEXT NOT NULL REFERENCES workspaces(id),
        version INTEGER NOT NULL,
        created TEXT NOT NULL,
        change TEXT NOT NULL,
        content TEXT NOT NULL,
        PRIMARY KEY (workspace_id, version)
    );
    """,
    {
        "sqlite": """
        PRAGMA application_id = 1196444487;
        PRAGMA user_version = 10300;
        CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
            organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
            description TEXT);
        INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', '');
        INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', '');
        INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326,
            'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],' ||
            'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]',
            'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
        CREATE TABLE IF NOT EXISTS gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
            identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL
            DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
            srs_id INTEGER);
        CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
            geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
            PRIMARY KEY (table_name, column_name));
        CREATE TABLE features (fid INTEGER PRIMARY KEY AUTOINCREMENT, workspace_id TEXT NOT NULL, layer TEXT NOT NULL,
            name TEXT, properties TEXT, geom BLOB);
        CREATE INDEX features_ws ON features (workspace_id);
        INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id)
            VALUES ('features', 'features', 'workspace features (newest versions)', 4326);
        INSERT INTO gpkg_geometry_columns VALUES ('features', 'geom', 'GEOMETRY', 4326, 0, 0)
        """,
        "postgresql": """
        CREATE EXTENSION IF NOT EXISTS postgis;
        CREATE TABLE features (fid SERIAL PRIMARY KEY, workspace_id TEXT NOT NULL, layer TEXT NOT NULL,
            name TEXT, properties TEXT, geom geometry(Geometry, 4326));
        CREATE INDEX features_ws ON features (workspace_id);
        CREATE INDEX features_geom ON features USING GIST (geom)
        """,
    },
]


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def new_token() -> str:
    """A secret token (192 bits, URL-safe) that never starts with "-": ``--token TOKEN`` on the command line
    would take such a token for an option (about one token in 64 did, and the CLI refused it)."""
    while (token := secrets.token_urlsafe(TOKEN_BYTES)).startswith("-"):
        pass
    return token


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def default_dir() -> Path:
    """Where the embedded store lives: ``BEM_WORKSPACE_DIR``, else the per-user data folder."""
    if os.environ.get("BEM_WORKSPACE_DIR"):
        return Path(os.environ["BEM_WORKSPACE_DIR"])
    data_home = os.environ.get("XDG_DATA_HOME")
    return (Path(data_home) if data_home else Path.home() / ".local" / "share") / "beijing-exchange-map"


class Store:
    """One database: SQLite (a file path) or PostgreSQL (a URL)."""

    def __init__(self, url: str | None = None):
        url = url or os.environ.get("BEM_DATABASE_URL") or f"sqlite:///{default_dir() / 'workspaces.gpkg'}"
        self.url = url
        self.postgres = url.startswith(("postgresql://", "postgres://"))
        if not self.postgres and not url.startswith("sqlite:///"):
            raise WorkspaceError("err_ws_url")
        self.migrate()

    # --- connections --------------------------------------------------------------------------------
    def connect(self):
        """A connection; ``geo.errors.StoreUnavailable`` when the database cannot be reached or opened."""
        from geo.errors import store_guard  # issue 25: the store's absence is a named error (no host or port)

        with store_guard():
            return self._connect()

    def _connect(self):
        if self.postgres:
            import psycopg

            return psycopg.connect(self.url, autocommit=False)
        import sqlite3

        path = Path(self.url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")  # readers never block the writer; a killed writer rolls back
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        return db

    def q(self, sql: str) -> str:
        """Placeholders: sqlite's ``?`` becomes psycopg's ``%s``."""
        return sql.replace("?", "%s") if self.postgres else sql

    def transaction(self, db):
        """BEGIN ... COMMIT as one unit (IMMEDIATE on SQLite: the write lock is taken up front)."""
        return _Transaction(db, self.postgres)

    def migrate(self) -> None:
        """Apply the migrations not yet recorded, in one transaction that holds the database's migration lock
        (an advisory lock on PostgreSQL, the write lock on SQLite) before it reads the version: servers starting
        together take turns, and each finds what the one before it applied."""
        db = self.connect()
        try:
            with self.transaction(db):
                cur = db.cursor()
                if self.postgres:  # released at the transaction's end, committed or not
                    cur.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                cur.execute("SELECT MAX(version) FROM schema_version")
                current = cur.fetchone()[0] or 0
                for number, statements in self._migrations_after(current):
                    for statement in statements:
                        cur.execute(statement)
                    cur.execute(self.q("INSERT INTO schema_version (version) VALUES (?)"), (number,))
        finally:
            db.close()

    def _migrations_after(self, current: int):
        """(number, statements) of each migration after ``current``, in this store's dialect."""
        for number, script in enumerate(MIGRATIONS, start=1):
            if number > current:
                text = script["postgresql" if self.postgres else "sqlite"] if isinstance(script, dict) else script
                yield number, [s.strip() for s in text.split(";\n") if s.strip()]

    def schema_version(self) -> int:
        db = self.connect()
        try:
            cur = db.cursor()
            cur.execute("SELECT MAX(version) FROM schema_version")
            return cur.fetchone()[0] or 0
        finally:
            db.close()

    # --- workspaces ---------------------------------------------------------------------------------
    def create(self, name: str) -> dict:
        """A new, empty workspace; returns its id and both tokens (shown once, stored only as hashes)."""
        name = str(name).strip()[:120]
        if not name:
            raise WorkspaceError("err_ws_name")
        wid = secrets.token_hex(8)
        view, edit = new_token(), new_token()
        db = self.connect()
        try:
            with self.transaction(db):
                cur = db.cursor()
                cur.execute(
                    self.q("INSERT INTO workspaces (id, name, view_hash, edit_hash, created, head) VALUES (?, ?, ?, ?, ?, 1)"),
                    (wid, name, token_hash(view), token_hash(edit), now()),
                )
                cur.execute(
                    self.q("INSERT INTO versions (workspace_id, version, created, change, content) VALUES (?, 1, ?, ?, ?)"),
                    (wid, now(), "created", json.dumps(empty_content())),
                )
        finally:
            db.close()
        return {"id": wid, "name": name, "view_token": view, "edit_token": edit}

    def _check(self, cur, wid: str, token: str, edit: bool, lock: bool = False) -> tuple[str, int]:
        """The workspace's name and newest version, if ``token`` grants the access; ``lock`` (inside a save's
        transaction) holds the workspace's row until the transaction ends: saves of one workspace take turns
        (on SQLite the transaction's write lock already does)."""
        sql = "SELECT name, view_hash, edit_hash, head FROM workspaces WHERE id = ?"
        cur.execute(self.q(sql + (" FOR UPDATE" if lock and self.postgres else "")), (wid,))
        row = cur.fetchone()
        given = token_hash(token or "")
        if row is None:  # the same answer as a wrong token: ids are not an oracle
            raise Forbidden("err_ws_forbidden")
        name, view_hash, edit_hash, head = row
        if hmac.compare_digest(given, edit_hash):
            return name, head
        if hmac.compare_digest(given, view_hash):
            if edit:
                raise Forbidden("err_ws_view_token")
            return name, head
        raise Forbidden("err_ws_forbidden")

    def authorize(self, wid: str, token: str, edit: bool) -> None:
        """Raise Forbidden unless ``token`` grants reading (or, with ``edit``, changing) the workspace."""
        db = self.connect()
        try:
            self._check(db.cursor(), wid, token, edit)
        finally:
            db.close()

    def load(self, wid: str, token: str, version: int | None = None) -> Workspace:
        db = self.connect()
        try:
            cur = db.cursor()
            name, head = self._check(cur, wid, token, edit=False)
            cur.execute(
                self.q("SELECT version, content FROM versions WHERE workspace_id = ? AND version = ?"), (wid, version or head)
            )
            row = cur.fetchone()
            if row is None:
                raise WorkspaceError("err_ws_no_version", wid=wid, version=version)
            return Workspace(wid, name, row[0], json.loads(row[1]))
        finally:
            db.close()

    def history(self, wid: str, token: str) -> list[dict]:
        db = self.connect()
        try:
            cur = db.cursor()
            self._check(cur, wid, token, edit=False)
            cur.execute(self.q("SELECT version, created, change FROM versions WHERE workspace_id = ? ORDER BY version"), (wid,))
            return [{"version": v, "time": t, "change": c} for v, t, c in cur.fetchall()]
        finally:
            db.close()

    def save(self, wid: str, token: str, content: dict, expected: int, change: str, merge: bool = True) -> int:
        """Store ``content``, made from version ``expected``, as the next version. If others saved meanwhile, the
        change is carried onto the newest version (``rebase``: added layers, sketches and notes commute); a change
        that conflicts with theirs (any change at all with ``merge=False``) raises Conflict, overwriting nothing."""
        text = encoded(content)  # checked before any lock is taken

        def make(cur, head: int) -> tuple[str, dict]:
            if head == expected:
                return text, content
            if not merge:
                raise Conflict("err_ws_conflict_version", head=head, expected=expected)
            merged = rebase(self._content(cur, wid, expected), json.loads(text), self._content(cur, wid, head))
            return encoded(merged), merged

        return self._commit(wid, token, change, make)

    def append(self, wid: str, token: str, items: dict, change: str) -> int:
        """Add ``items`` ({"layers": [...], "sketches": [...], "notes": [...]}) after what the newest version
        holds, as a new version. Appends commute: editors adding at once all land, one version each, and none is
        asked to reload."""
        check_content(appended(empty_content(), items))  # the new items' own checks, before any lock

        def make(cur, head: int) -> tuple[str, dict]:
            merged = appended(self._content(cur, wid, head), items)
            return encoded(merged), merged

        return self._commit(wid, token, change, make)

    def _commit(self, wid: str, token: str, change: str, make) -> int:
        """One new version in one transaction holding the workspace's lock: ``make(cursor, head)`` gives its text
        and content from the newest version ``head`` (or raises, and nothing is written)."""
        db = self.connect()
        try:
            with self.transaction(db):
                cur = db.cursor()
                _, head = self._check(cur, wid, token, edit=True, lock=True)
                text, content = make(cur, head)
                cur.execute(self.q("UPDATE workspaces SET head = ? WHERE id = ? AND head = ?"), (head + 1, wid, head))
                if cur.rowcount != 1:
                    raise Conflict("err_ws_conflict")
                cur.execute(
                    self.q("INSERT INTO versions (workspace_id, version, created, change, content) VALUES (?, ?, ?, ?, ?)"),
                    (wid, head + 1, now(), change[:200], text),
                )
                self._store_features(cur, wid, content)
            return head + 1
        finally:
            db.close()

    def _content(self, cur, wid: str, version: int) -> dict:
        cur.execute(self.q("SELECT content FROM versions WHERE workspace_id = ? AND version = ?"), (wid, version))
        row = cur.fetchone()
        if row is None:
            raise WorkspaceError("err_ws_no_version", wid=wid, version=version)
        return json.loads(row[0])

    def _store_features(self, cur, wid: str, content: dict) -> None:
        """The newest version's features as geometries (GeoPackage on SQLite, PostGIS on PostgreSQL)."""
        cur.execute(self.q("DELETE FROM features WHERE workspace_id = ?"), (wid,))
        rows = [self._feature_row(wid, layer, feature) for layer, feature in feature_items(content)]
        if rows:
            geom_sql = "ST_SetSRID(ST_GeomFromWKB(?), 4326)" if self.postgres else "?"
            cur.executemany(
                self.q(f"INSERT INTO features (workspace_id, layer, name, properties, geom) VALUES (?, ?, ?, ?, {geom_sql})"),
                rows,
            )

    def _feature_row(self, wid: str, layer: str, feature: dict) -> tuple:
        import struct

        import shapely

        wkb = shapely.to_wkb(shapely.from_geojson(json.dumps(feature["geometry"])), output_dimension=2)
        props = feature.get("properties") or {}
        blob = wkb if self.postgres else b"GP\x00\x01" + struct.pack("<i", 4326) + wkb  # GeoPackage header
        name = str(props.get("_name") or props.get("name") or "")[:500]
        return (wid, layer, name, json.dumps(props, ensure_ascii=False, default=str), blob)

    def restore(self, wid: str, token: str, version: int, expected: int | None = None) -> int:
        """Make ``version`` the newest again (as a new version: history stays whole). ``expected``: the version
        the editor chose from; a restore never merges, so if another was saved since, Conflict."""
        old = self.load(wid, token, version)
        if expected is None:
            expected = self.load(wid, token).version
        return self.save(wid, token, old.content, expected, f"restored version {version}", merge=False)


class _Transaction:
    def __init__(self, db, postgres: bool):
        self.db, self.postgres = db, postgres

    def __enter__(self):
        if not self.postgres:
            self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, exc, tb):
        if kind is None:
            self.db.commit() if self.postgres else self.db.execute("COMMIT")
        else:
            self.db.rollback() if self.postgres else self.db.execute("ROLLBACK")
        return False


def put_story(store: Store, wid: str, token: str, name: str, story) -> int:
    """Keep ``story`` (``geo.story.Story``) in the workspace under ``name``, as a new version (an append: two
    editors saving stories at once both land; saving a name again makes the newer entry that story)."""
    entry = story_entry(name, story)
    return store.append(wid, token, {"stories": [entry]}, f"story: {entry['name']}")


def get_story(content: dict, name: str = ""):
    """The story kept under ``name`` in a workspace's ``content`` (without a name, its only story);
    StoryError says which names there are."""
    from geo import story

    found = stories(content)
    known = ", ".join(found) or "—"
    if not found:
        raise story.StoryError("story_error_none")
    if not name and len(found) > 1:
        raise story.StoryError("story_error_which", known=known)
    name = name or next(iter(found))
    if name not in found:
        raise story.StoryError("story_error_name", name=name, known=known)
    return story.from_dict(found[name], name)
