"""Shared workspaces: a planner's imported layers, sketches, named views and venue status notes, kept on the
server and shared by link, like uMap: a view token reads, a secret edit token changes.

Storage: SQLite under ``BEM_WORKSPACE_DIR`` (default ~/.local/share/beijing-exchange-map) with no set-up, or
PostgreSQL + PostGIS for shared deployments (``BEM_DATABASE_URL=postgresql://...``), the same schema and the
same migrations (``MIGRATIONS``, applied in order, recorded in ``schema_version``; a small runner instead of
Alembic because the schema is a handful of tables, and the runner is the same for both stores).

Nothing is ever overwritten: every change is a new version (append-only history) holding the whole
workspace; any version can be restored (as a new version). Two editors saving at once: the second gets a
``Conflict`` (optimistic concurrency on the head version), and nothing is lost. Each save is one
transaction, so a process killed mid-save leaves the previous version whole. Tokens (192 bits) are stored
only as SHA-256 hashes and never appear in exports, snapshots or logs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from geo.errors import GeoError

MAX_LAYERS = 50
MAX_SKETCHES = 2000
MAX_CONTENT_BYTES = 60 * 1024 * 1024
TOKEN_BYTES = 24  # 192 bits

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


class WorkspaceError(GeoError):
    """A workspace request that cannot be served (unknown id, too large...)."""


class Forbidden(WorkspaceError):
    """The token does not grant this (wrong, or view-only where an edit is asked)."""


class Conflict(WorkspaceError):
    """Someone saved a newer version first; reload, then apply the change again."""


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


def empty_content() -> dict:
    return {"layers": [], "sketches": [], "views": [], "notes": []}


@dataclass
class Workspace:
    id: str
    name: str
    version: int
    content: dict


class Store:
    """One database: SQLite (a file path) or PostgreSQL (a URL)."""

    def __init__(self, url: str | None = None):
        url = url or os.environ.get("BEM_DATABASE_URL") or f"sqlite:///{default_dir() / 'workspaces.gpkg'}"
        self.url = url
        self.postgres = url.startswith(("postgresql://", "postgres://"))
        if not self.postgres and not url.startswith("sqlite:///"):
            raise WorkspaceError("BEM_DATABASE_URL must start with postgresql:// (or sqlite:/// for a file)")
        self.migrate()

    # --- connections --------------------------------------------------------------------------------
    def connect(self):
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
        db = self.connect()
        try:
            with self.transaction(db):
                cur = db.cursor()
                cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                cur.execute("SELECT MAX(version) FROM schema_version")
                current = cur.fetchone()[0] or 0
                for number, script in enumerate(MIGRATIONS, start=1):
                    if number <= current:
                        continue
                    if isinstance(script, dict):
                        script = script["postgresql" if self.postgres else "sqlite"]
                    for statement in (s.strip() for s in script.split(";\n")):
                        if statement:
                            cur.execute(statement)
                    cur.execute(self.q("INSERT INTO schema_version (version) VALUES (?)"), (number,))
        finally:
            db.close()

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
            raise WorkspaceError("a workspace needs a name")
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

    def _check(self, cur, wid: str, token: str, edit: bool) -> tuple[str, int]:
        cur.execute(self.q("SELECT name, view_hash, edit_hash, head FROM workspaces WHERE id = ?"), (wid,))
        row = cur.fetchone()
        given = token_hash(token or "")
        if row is None:  # the same answer as a wrong token: ids are not an oracle
            raise Forbidden("no workspace with that id and token")
        name, view_hash, edit_hash, head = row
        if hmac.compare_digest(given, edit_hash):
            return name, head
        if hmac.compare_digest(given, view_hash):
            if edit:
                raise Forbidden("this is a view token: editing needs the workspace's edit token")
            return name, head
        raise Forbidden("no workspace with that id and token")

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
                raise WorkspaceError(f"workspace {wid} has no version {version}")
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

    def save(self, wid: str, token: str, content: dict, expected: int, change: str) -> int:
        """Store ``content`` as the next version, if the head is still ``expected``; else Conflict."""
        check_content(content)
        text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        if len(text.encode("utf-8")) > MAX_CONTENT_BYTES:
            raise WorkspaceError(f"the workspace would exceed {MAX_CONTENT_BYTES // 1024 // 1024} MB")
        db = self.connect()
        try:
            with self.transaction(db):
                cur = db.cursor()
                _, head = self._check(cur, wid, token, edit=True)
                if head != expected:
                    raise Conflict(
                        f"version {head} was saved after version {expected}: reload and apply the "
                        "change again (nothing was overwritten)"
                    )
                cur.execute(self.q("UPDATE workspaces SET head = ? WHERE id = ? AND head = ?"), (expected + 1, wid, expected))
                if cur.rowcount != 1:
                    raise Conflict("another save came first: reload and apply the change again")
                cur.execute(
                    self.q("INSERT INTO versions (workspace_id, version, created, change, content) VALUES (?, ?, ?, ?, ?)"),
                    (wid, expected + 1, now(), change[:200], text),
                )
                self._store_features(cur, wid, content)
            return expected + 1
        finally:
            db.close()

    def _store_features(self, cur, wid: str, content: dict) -> None:
        """The newest version's features as geometries (GeoPackage on SQLite, PostGIS on PostgreSQL)."""
        import struct

        import shapely

        cur.execute(self.q("DELETE FROM features WHERE workspace_id = ?"), (wid,))
        rows = []
        items = [(layer["name"], f) for layer in content.get("layers", []) for f in layer["features"]["features"]]
        items += [
            ("sketches", {"geometry": s["geometry"], "properties": {"_name": s.get("title", ""), "note": s.get("note", "")}})
            for s in content.get("sketches", [])
        ]
        for layer, feature in items:
            geom = shapely.from_geojson(json.dumps(feature["geometry"]))
            wkb = shapely.to_wkb(geom, output_dimension=2)
            props = feature.get("properties") or {}
            blob = wkb if self.postgres else b"GP\x00\x01" + struct.pack("<i", 4326) + wkb  # GeoPackage header
            rows.append(
                (
                    wid,
                    layer,
                    str(props.get("_name") or props.get("name") or "")[:500],
                    json.dumps(props, ensure_ascii=False, default=str),
                    blob,
                )
            )
        if rows:
            geom_sql = "ST_SetSRID(ST_GeomFromWKB(?), 4326)" if self.postgres else "?"
            cur.executemany(
                self.q(f"INSERT INTO features (workspace_id, layer, name, properties, geom) VALUES (?, ?, ?, ?, {geom_sql})"),
                rows,
            )

    def restore(self, wid: str, token: str, version: int) -> int:
        """Make ``version`` the newest again (as a new version: history stays whole)."""
        old = self.load(wid, token, version)
        current = self.load(wid, token)
        return self.save(wid, token, old.content, current.version, f"restored version {version}")


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


def check_content(content: dict) -> None:
    """The shape and limits of a workspace document. Every feature and sketch must be GeoJSON whose geometry
    parses, lies in lon/lat range and is within the import limits (the importer's own checks)."""
    from geo import imports

    if not isinstance(content, dict) or set(content) - {"layers", "sketches", "views", "notes"}:
        raise WorkspaceError("a workspace holds layers, sketches, views and notes only")
    layers, sketches = content.get("layers", []), content.get("sketches", [])
    if not isinstance(layers, list) or not isinstance(sketches, list):
        raise WorkspaceError("layers and sketches must be lists")
    if len(layers) > MAX_LAYERS:
        raise WorkspaceError(f"at most {MAX_LAYERS} layers in a workspace")
    if len(sketches) > MAX_SKETCHES:
        raise WorkspaceError(f"at most {MAX_SKETCHES} sketches in a workspace")
    found = [*_layer_geometries(layers), *_sketch_geometries(sketches)]
    parsed = [_checked_geometry(geometry, where) for geometry, where in found]
    try:
        imports.check_vertices(parsed, [where for _, where in found])
    except imports.ImportFailed as exc:
        raise WorkspaceError(str(exc)) from None


def _layer_geometries(layers: list):
    """(geometry, where) of every feature of the document's layers; a malformed layer is refused."""
    from geo import imports

    for i, layer in enumerate(layers, start=1):
        fc = layer.get("features") if isinstance(layer, dict) else None
        if (
            not isinstance(layer, dict)
            or not isinstance(layer.get("name"), str)
            or not isinstance(fc, dict)
            or fc.get("type") != "FeatureCollection"
            or not isinstance(fc.get("features"), list)
        ):
            raise WorkspaceError(f"layer {i} needs a name and a GeoJSON FeatureCollection")
        if len(fc["features"]) > imports.MAX_FEATURES:
            raise WorkspaceError(f"layer {i} has more than {imports.MAX_FEATURES:,} features")
        for j, feature in enumerate(fc["features"], start=1):
            yield (feature.get("geometry") if isinstance(feature, dict) else None), f"layer {i}, feature {j}"


def _sketch_geometries(sketches: list):
    """(geometry, where) of every sketch; a sketch with an overlong title or note is refused."""
    from geo import imports

    for k, sketch in enumerate(sketches, start=1):
        if (
            not isinstance(sketch, dict)
            or len(str(sketch.get("title", ""))) > imports.MAX_TEXT
            or len(str(sketch.get("note", ""))) > 5000
        ):
            raise WorkspaceError(f"sketch {k} needs a geometry, a title and a note of sensible length")
        yield sketch.get("geometry"), f"sketch {k}"


def _checked_geometry(geometry, where: str):
    """A GeoJSON geometry parsed, non-empty and in lon/lat range, else WorkspaceError naming ``where``."""
    import shapely

    try:
        geom = shapely.from_geojson(json.dumps(geometry)) if isinstance(geometry, dict) else None
    except (shapely.errors.GEOSException, ValueError, TypeError):
        geom = None
    if geom is None or geom.is_empty:
        raise WorkspaceError(f"{where}: not a GeoJSON geometry")
    xmin, ymin, xmax, ymax = geom.bounds
    if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
        raise WorkspaceError(f"{where}: coordinates out of range (WGS-84 lon/lat expected)")
    return geom


def layer_from_frame(name: str, gdf, style: dict | None = None) -> dict:
    """Validated imported features (a frame of ``geo.imports``) as a workspace layer."""
    gdf = gdf.drop(columns=[c for c in ("_where", "_outside") if c in gdf])
    return {"name": name, "style": style or {}, "features": json.loads(gdf.to_json(drop_id=True))}


def layer_from_import(result, style: dict | None = None) -> dict:
    """An imported file (``geo.imports.ImportResult``, already validated) as a workspace layer."""
    return layer_from_frame(result.name, result.gdf, style)


def feature_count(layer: dict) -> int:
    return len(layer.get("features", {}).get("features", []))


def export_bytes(ws: Workspace, fmt: str) -> bytes:
    """The workspace's layers and sketches as GeoJSON, GeoPackage (a table per layer), KML or CSV."""
    import geopandas as gpd
    import pandas as pd

    from geo.io import frame_bytes

    parts = []
    for layer in ws.content.get("layers", []):
        feats = layer["features"]["features"]
        if feats:
            gdf = gpd.GeoDataFrame.from_features(feats, crs="EPSG:4326")
            parts.append(gdf.assign(layer=layer["name"]))
    sketches = [s for s in ws.content.get("sketches", []) if s.get("geometry")]
    if sketches:
        gdf = gpd.GeoDataFrame.from_features(
            [
                {
                    "type": "Feature",
                    "geometry": s["geometry"],
                    "properties": {"_name": s.get("title", ""), "note": s.get("note", "")},
                }
                for s in sketches
            ],
            crs="EPSG:4326",
        )
        parts.append(gdf.assign(layer="sketches"))
    if not parts:
        raise WorkspaceError("the workspace has no layer or sketch to export yet")
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326")
    if "name" in out and "_name" in out:
        out["name"] = out["name"].where(out["name"].notna(), out["_name"])
    elif "_name" in out:
        out = out.rename(columns={"_name": "name"})
    out = out[[c for c in out.columns if not str(c).startswith("_")]]
    if fmt not in ("geojson", "csv", "gpkg", "kml"):
        raise WorkspaceError(f"unknown format {fmt!r}; use .gpkg, .geojson, .kml or .csv")
    return frame_bytes(out, fmt, "name" if "name" in out else "layer")


#: how a version's change is written when it is saved (stable: history written so stays readable), and the
#: catalogue key that says it in the reader's language
CHANGES: tuple[tuple[str, str], ...] = (
    (r"created", "ws_change_created"),
    (r"restored version (?P<version>\d+)", "ws_change_restored"),
    (r"added (?P<n>\d+) imported layer\(s\)", "ws_change_imports"),
    (r"added layer (?P<name>.*)", "ws_change_layer"),
    (r"sketch: (?P<title>.*)", "ws_change_sketch"),
    (r"view: (?P<name>.*)", "ws_change_view"),
    (r"status note: (?P<venue>.*)", "ws_change_note"),
)


def describe_change(change: str, lang: str, names: dict[str, str] | None = None) -> str:
    """A version's change in ``lang`` (``names``: venue names by id, for status notes); unknown changes as
    written."""
    import re

    from geo import i18n

    for pattern, key in CHANGES:
        match = re.fullmatch(pattern, change)
        if match:
            fields = match.groupdict()
            if "venue" in fields and names:
                fields["venue"] = names.get(fields["venue"], fields["venue"])
            return i18n.t(key, lang).format(**fields)
    return change
