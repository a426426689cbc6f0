"""What a workspace holds, apart from where it is stored (``geo.workspace``): the document's shape and limits,
its layers built from imports, its export, the words of its history, and how a change made on an older version
is carried onto the newest one (``rebase``: appends commute, a real conflict is refused), and its stories (a
``stories`` entry per save of a named story: the newest entry of a name is that story)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from geo.errors import Catalogued

MAX_LAYERS = 50
MAX_SKETCHES = 2000
MAX_STORIES = 200  # saved story entries (each save of a story adds one; the newest of a name is the story)
MAX_STORY_NAME = 80
MAX_CONTENT_BYTES = 60 * 1024 * 1024
#: the parts of a workspace that only grow by appending (a layer, a sketch, a status note): two editors adding
#: at once conflict with nothing, whatever else the newest version holds
APPENDABLE = ("layers", "sketches", "notes", "project_updates", "projects", "stories")
PARTS = ("layers", "sketches", "views", "notes", "project_updates", "projects", "stories")


class WorkspaceError(Catalogued):
    """A workspace request that cannot be served (unknown id, too large...): a catalogued message
    (geo/error_messages.py), English as ``str()``, the page's or command line's language as ``message(lang)``."""


class Forbidden(WorkspaceError):
    """The token does not grant this (wrong, or view-only where an edit is asked)."""


class Conflict(WorkspaceError):
    """Someone saved a newer version first; reload, then apply the change again."""


@dataclass
class Workspace:
    """One version of a workspace, as loaded."""

    id: str
    name: str
    version: int
    content: dict


def empty_content() -> dict:
    return {"layers": [], "sketches": [], "views": [], "notes": []}


def rebase(base: dict, mine: dict, head: dict) -> dict:
    """``mine`` (an editor's document, made from version ``base``) carried onto ``head``, the newest version,
    part by part: a part only the editor changed is theirs, a part only others changed is the newest one's,
    and where both changed a part, the editor's change must be an append of layers, sketches or notes (kept
    after what the newest version holds). Anything else (two edits of the views) raises Conflict."""
    out = {}
    for part in PARTS:
        b, m, h = base.get(part, []), mine.get(part, []), head.get(part, [])
        if m == b:
            out[part] = h
        elif h == b:
            out[part] = m
        elif part in APPENDABLE and m[: len(b)] == b:
            out[part] = [*h, *m[len(b) :]]
        else:
            raise Conflict("err_ws_conflict_part", part=_part_words(part))
    return out


_PART_WORDS = {
    "layers": "err_ws_part_layers",
    "sketches": "err_ws_part_sketches",
    "views": "err_ws_part_views",
    "notes": "err_ws_part_notes",
    "project_updates": "err_ws_part_project_updates",
    "projects": "err_ws_part_projects",
    "stories": "err_ws_part_stories",
}


def _part_words(part: str) -> dict[str, str] | str:
    """A part of a workspace by name, in both languages (for a message)."""
    from geo import i18n

    key = _PART_WORDS.get(part)
    return {lang: i18n.t(key, lang) for lang in i18n.LANGS} if key else part


def mine_over(base: dict | None, mine: dict, head: dict) -> dict:
    """An editor's "apply mine" after a Conflict: each part the editor changed from ``base`` (the version the
    change was made from) is the editor's, every other part the newest version's (``head``). Without a base (a
    restore) every part is the editor's."""
    return {
        part: mine.get(part, []) if base is None or mine.get(part, []) != base.get(part, []) else head.get(part, [])
        for part in PARTS
    }


_ITEM_KEYS = {"layers": "name", "sketches": "title", "views": "name", "stories": "name"}


def _item_key(part: str, item: dict) -> str:
    if part in _ITEM_KEYS:
        return str(item.get(_ITEM_KEYS[part], ""))
    return " · ".join(str(item[k]) for k in ("id", "venue", "project", "date") if item.get(k))  # notes, projects


def _item_value(part: str, item: dict) -> str:
    if part == "views":
        return ", ".join(f"{v:.4f}" for v in item.get("bbox", []))
    if part == "layers":
        return f"{feature_count(item):,}"
    if part == "sketches":
        return str(item.get("note") or (item.get("geometry") or {}).get("type", ""))
    if part == "notes":
        return " · ".join(str(item.get(k) or "") for k in ("status", "note", "source"))
    if part == "stories":
        story = item.get("story") or {}
        return f"{story.get('title') or ''} ({len(story.get('chapters') or [])})"
    return json.dumps(item, ensure_ascii=False, sort_keys=True)[:300]


def differences(theirs: dict, mine: dict) -> list[tuple[str, str, str | None, str | None]]:
    """What two documents hold differently, item by item: (part, item name, theirs, mine), None where a side
    has no such item (a view's extent, a layer's feature count, a sketch's note, a status note's words, a key
    project's entry)."""
    rows = []
    for part in PARTS:
        a = {_item_key(part, i): _item_value(part, i) for i in theirs.get(part, [])}
        b = {_item_key(part, i): _item_value(part, i) for i in mine.get(part, [])}
        rows += [(part, key, a.get(key), b.get(key)) for key in dict.fromkeys([*a, *b]) if a.get(key) != b.get(key)]
    return rows


def conflict_columns(theirs: dict, mine: dict, lang: str) -> dict[str, list[str]]:
    """``differences(theirs, mine)`` as the columns of a table in ``lang``: the item, theirs and mine."""
    from geo import i18n

    rows = differences(theirs, mine)
    return {
        i18n.t("ws_conflict_item", lang): [f"{i18n.t(f'ws_part_{part}', lang)}: {name}" for part, name, _, _ in rows],
        i18n.t("ws_conflict_theirs", lang): [saved or "—" for _, _, saved, _ in rows],
        i18n.t("ws_conflict_mine", lang): [own or "—" for _, _, _, own in rows],
    }


def appended(head: dict, items: dict) -> dict:
    """``head`` with ``items`` ({"layers": [...], "sketches": [...], "notes": [...]}) added after what it holds."""
    unknown = set(items) - set(APPENDABLE)
    if unknown:
        raise WorkspaceError("err_ws_append_parts", parts=", ".join(sorted(unknown)))
    return {**head, **{part: [*head.get(part, []), *new] for part, new in items.items()}}


def encoded(content: dict) -> str:
    """The stored text of a checked document; WorkspaceError past ``MAX_CONTENT_BYTES``."""
    check_content(content)
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode("utf-8")) > MAX_CONTENT_BYTES:
        raise WorkspaceError("err_ws_too_big", mb=MAX_CONTENT_BYTES // 1024 // 1024)
    return text


def check_content(content: dict) -> None:
    """The shape and limits of a workspace document. Every feature and sketch must be GeoJSON whose geometry
    parses, lies in lon/lat range and is within the import limits (the importer's own checks)."""
    from geo import imports

    if not isinstance(content, dict) or set(content) - set(PARTS):
        raise WorkspaceError("err_ws_parts")
    _check_entries(content)
    _check_stories(content.get("stories", []))
    layers, sketches = content.get("layers", []), content.get("sketches", [])
    if not isinstance(layers, list) or not isinstance(sketches, list):
        raise WorkspaceError("err_ws_lists")
    if len(layers) > MAX_LAYERS:
        raise WorkspaceError("err_ws_layers", n=MAX_LAYERS)
    if len(sketches) > MAX_SKETCHES:
        raise WorkspaceError("err_ws_sketches", n=MAX_SKETCHES)
    found = [*_layer_geometries(layers), *_sketch_geometries(sketches)]
    found += list(_project_geometries(content.get("projects", [])))
    parsed = [_checked_geometry(geometry, where) for geometry, where in found]
    try:
        imports.check_vertices(parsed, [where for _, where in found])
    except imports.ImportFailed as exc:
        raise WorkspaceError("err_ws_vertices", detail={"zh": exc.text("zh"), "en": exc.text("en")}) from None


def _check_entries(content: dict) -> None:
    """The key projects' parts are lists of entries (each checked by ``geo.projects`` before it is added)."""
    for part in ("project_updates", "projects"):
        if not isinstance(content.get(part, []), list) or not all(isinstance(i, dict) for i in content.get(part, [])):
            raise WorkspaceError("err_ws_entries", part=part)


def _check_stories(entries: object) -> None:
    """Each ``stories`` entry: {"name": NAME, "story": a story's JSON form} whose story reads (``geo.story``)."""
    from geo import story

    if not isinstance(entries, list) or len(entries) > MAX_STORIES:
        raise WorkspaceError("err_ws_stories", n=MAX_STORIES)
    for i, entry in enumerate(entries, start=1):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_STORY_NAME:
            raise WorkspaceError("err_ws_story_name", i=i, n=MAX_STORY_NAME)
        story.from_dict(entry.get("story"), name)  # StoryError names the story, chapter and field


def story_entry(name: str, story) -> dict:
    """A ``stories`` entry: the story (``geo.story.Story``) kept under ``name``."""
    return {"name": " ".join(str(name).split()), "story": story.to_dict()}


def stories(content: dict) -> dict[str, dict]:
    """{name: the newest saved JSON form of that story}, in the order the names were first saved."""
    out: dict[str, dict] = {}
    for entry in content.get("stories", []):
        out[entry["name"]] = entry["story"]
    return out


def _project_geometries(projects: list):
    """(geometry, where) of every key project a workspace added."""
    for p in projects:
        if p.get("geometry"):
            yield p["geometry"], f"project {p.get('id')}"


def _layer_geometries(layers: list):
    """(geometry, where) of every feature of the document's layers; a malformed layer is refused."""
    from geo import imports

    for i, layer in enumerate(layers, start=1):
        if not _is_layer(layer):
            raise WorkspaceError("err_ws_layer", i=i)
        fc = layer["features"]
        if len(fc["features"]) > imports.MAX_FEATURES:
            raise WorkspaceError("err_ws_layer_features", i=i, n=f"{imports.MAX_FEATURES:,}")
        for j, feature in enumerate(fc["features"], start=1):
            yield (feature.get("geometry") if isinstance(feature, dict) else None), f"layer {i}, feature {j}"


def _is_layer(layer) -> bool:
    """A dict with a name and a GeoJSON FeatureCollection."""
    if not isinstance(layer, dict) or not isinstance(layer.get("name"), str):
        return False
    fc = layer.get("features")
    return isinstance(fc, dict) and fc.get("type") == "FeatureCollection" and isinstance(fc.get("features"), list)


def _sketch_geometries(sketches: list):
    """(geometry, where) of every sketch; a sketch with an overlong title or note is refused."""
    from geo import imports

    for k, sketch in enumerate(sketches, start=1):
        if (
            not isinstance(sketch, dict)
            or len(str(sketch.get("title", ""))) > imports.MAX_TEXT
            or len(str(sketch.get("note", ""))) > 5000
        ):
            raise WorkspaceError("err_ws_sketch", k=k)
        yield sketch.get("geometry"), f"sketch {k}"


def _checked_geometry(geometry, where: str):
    """A GeoJSON geometry parsed, non-empty and in lon/lat range, else WorkspaceError naming ``where``."""
    import shapely

    try:
        geom = shapely.from_geojson(json.dumps(geometry)) if isinstance(geometry, dict) else None
    except (shapely.errors.GEOSException, ValueError, TypeError):
        geom = None
    if geom is None or geom.is_empty:
        raise WorkspaceError("err_ws_geometry", where=_where(where))
    xmin, ymin, xmax, ymax = geom.bounds
    if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
        raise WorkspaceError("err_ws_range", where=_where(where))
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


def sketch_feature(sketch: dict) -> dict:
    """A sketch as a GeoJSON feature (its title as ``_name``)."""
    props = {"_name": sketch.get("title", ""), "note": sketch.get("note", "")}
    return {"type": "Feature", "geometry": sketch["geometry"], "properties": props}


def feature_items(content: dict) -> list[tuple[str, dict]]:
    """(layer name, GeoJSON feature) of every feature of the document's layers, then its sketches'."""
    items = [(layer["name"], f) for layer in content.get("layers", []) for f in layer["features"]["features"]]
    return items + [("sketches", sketch_feature(s)) for s in content.get("sketches", [])]


_WHERE_ZH = (
    (re.compile(r"layer (\d+), feature (\d+)"), "第 \\1 个图层的第 \\2 个要素"),
    (re.compile(r"sketch (\d+)"), "第 \\1 个草图"),
    (re.compile(r"project (.+)"), "新增项目 \\1"),
)


def _where(where: str) -> dict[str, str]:
    """Where a geometry is ("layer 2, feature 7"), in both languages."""
    zh = where
    for pattern, words in _WHERE_ZH:
        zh = pattern.sub(words, zh)
    return {"zh": zh, "en": where}


def export_bytes(ws: Workspace, fmt: str) -> bytes:
    """The workspace's layers and sketches as GeoJSON, GeoPackage (a table per layer), KML or CSV."""
    import geopandas as gpd
    import pandas as pd

    from geo.io import frame_bytes

    parts = [gdf.assign(layer=name) for name, gdf in _export_frames(ws.content)]
    if not parts:
        raise WorkspaceError("err_ws_nothing_to_export")
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326")
    if "name" in out and "_name" in out:
        out["name"] = out["name"].where(out["name"].notna(), out["_name"])
    elif "_name" in out:
        out = out.rename(columns={"_name": "name"})
    out = out[[c for c in out.columns if not str(c).startswith("_")]]
    if fmt not in ("geojson", "csv", "gpkg", "kml"):
        raise WorkspaceError("err_ws_export_format", fmt=fmt)
    return frame_bytes(out, fmt, "name" if "name" in out else "layer")


def _export_frames(content: dict):
    """(layer name, frame) of each layer with features, then the sketches with a geometry."""
    import geopandas as gpd

    for layer in content.get("layers", []):
        if layer["features"]["features"]:
            yield layer["name"], gpd.GeoDataFrame.from_features(layer["features"]["features"], crs="EPSG:4326")
    sketches = [sketch_feature(s) for s in content.get("sketches", []) if s.get("geometry")]
    if sketches:
        yield "sketches", gpd.GeoDataFrame.from_features(sketches, crs="EPSG:4326")


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
    (r"project (?P<venue>[a-z][a-z0-9_]*): (?P<what>.*)", "ws_change_project"),
    (r"new project: (?P<venue>.*)", "ws_change_new_project"),
    (r"story: (?P<name>.*)", "ws_change_story"),
    (r"moved project: (?P<venue>.*)", "ws_change_moved_project"),
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
            if key == "ws_change_project":
                fields["what"] = _update_words(fields["what"], lang)
            return i18n.t(key, lang).format(**fields)
    return change


def _update_words(what: str, lang: str) -> str:
    """A project update's change (``project_updates.describe_update``: "status planned → in_service; milestone
    X") in ``lang``: the fields' names and the vocabularies' values in words."""
    import re

    from geo import i18n

    label = {"status": "field_status", "stage": "proj_f_stage", "milestone": "proj_milestone", "note": "proj_f_note"}
    out = []
    for part in what.split("; "):
        match = re.fullmatch(r"(status|stage) (\S+) → (\S+)", part)
        if match:
            field, old, new = match.groups()
            words = [i18n.t("proj_unknown", lang) if v == "?" else i18n.term(field, v, lang) for v in (old, new)]
            out.append(f"{i18n.t(label[field], lang)} {words[0]} → {words[1]}")
            continue
        head, _, rest = part.partition(" ")
        out.append(f"{i18n.t(label[head], lang)} {rest}".strip() if head in label else part)
    return ("；" if lang == "zh" else "; ").join(out)
