"""The register of key projects: the plan's "dynamic management mechanism for key projects", date by date.

Every plan place that is a key project (each venue of ``venues.csv`` and each key area of ``areas.geojson``;
the core and the axes are the layout's frame, not projects) is listed in ``data/projects.csv`` with its
responsible units (empty, shown as unknown, unless a source names them). Its dated history
(``data/project_history.csv``) and milestones (``data/project_milestones.csv``) are tables a planner edits in a
spreadsheet; ``data/schema.json`` ("tables") holds their rules and ``check_tables`` (run by ``python -m geo
check``) names each mistake's file, row and field. The shipped rows hold only what the meeting text says.

A workspace adds to the baseline, append-only (``geo.project_updates``; ``geo.workspace.Store.append``: editors'
updates commute):
``content["project_updates"]`` entries ``{project, date, status, stage, milestones, note, source, by}`` and
``content["projects"]`` (new key projects: ``{id, name_zh, name_en, geometry, date, source, by}``). Its older
status notes (``content["notes"]``, ``{venue, date, status, note, source}``) are read as history entries too
(``updates_of``): none is lost and the stored versions stay as they were, on SQLite and PostgreSQL alike.

``register(layers, content, as_of)`` is the register as it stood on a date; ``changes(...)`` what is new,
advanced, delayed or overdue since another date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from geo import data, paths, schema
from geo.errors import DataError, GeoError

#: the layers whose features are key projects
PROJECT_LAYERS = ("venues", "areas")
LAYER_FILES = {"venues": "venues.csv", "areas": "areas.geojson"}
TABLES = ("projects", "project_history", "project_milestones")
MAX_TEXT = 500


class ProjectError(GeoError):
    """A project update or query that cannot be served; ``key`` and ``fields`` give its words (cli.*)."""

    def __init__(self, key: str, **fields):
        self.key, self.fields = key, fields
        from geo import i18n

        super().__init__(i18n.cli(key, "en", **fields))

    def text(self, lang: str) -> str:
        from geo import i18n

        return i18n.cli(self.key, lang, **self.fields)


@dataclass(frozen=True)
class Entry:
    """One dated entry of a project's history."""

    project: str
    date: str
    status: str | None = None
    stage: str | None = None
    note: str | None = None
    source: str | None = None
    by: str | None = None
    plan_action: str | None = None
    plan_sentence: str | None = None
    origin: str = "baseline"  # baseline, workspace (an update) or note (an older status note)


@dataclass(frozen=True)
class Milestone:
    """A milestone as entered on ``date``; a later record of the same name replaces its dates from then."""

    project: str
    name: str
    target: str
    actual: str | None
    date: str
    source: str | None = None
    by: str | None = None


@dataclass
class Baseline:
    """The shipped register: responsible units by project id, history entries and milestone records."""

    units: dict[str, dict] = field(default_factory=dict)
    history: list[Entry] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)


# --- the shipped tables -------------------------------------------------------------------------------------


def read_tables(data_dir: Path | None = None) -> tuple[dict[str, list[tuple[int, dict]]], list[DataError]]:
    """Each table's valid rows as (spreadsheet row, properties) and every mistake (file, row, field)."""
    sch = schema.load_schema()
    rows: dict[str, list[tuple[int, dict]]] = {}
    errors: list[DataError] = []
    for key in TABLES:
        table = sch.tables[key]
        rows[key] = []
        try:
            _, records, header_errors = data.read_table((data_dir or paths.DATA_DIR) / table.file, table)
        except DataError as exc:
            errors.append(exc)
            continue
        errors += header_errors
        for number, cells in records:
            props, problems = table.check_row(cells)
            errors += [DataError(table.file, message, None, name, number) for name, message in problems]
            if not problems and not any(e.row == 1 for e in header_errors):
                rows[key].append((number, props))
    return rows, errors


def check_tables(layers, data_dir: Path | None = None) -> list[DataError]:
    """Every mistake of the project tables: their schema, and that each names a key project of the layers."""
    rows, errors = read_tables(data_dir)
    places = set(project_features(layers))
    errors += _check_projects(rows["projects"], places)
    listed = {props["id"] for _, props in rows["projects"]}
    for key in ("project_history", "project_milestones"):
        file = schema.load_schema().tables[key].file
        errors += [
            DataError(file, f"{props['project']!r} is not a project of projects.csv", None, "project", number)
            for number, props in rows[key]
            if props["project"] not in listed
        ]
    return errors


def _check_projects(rows: list[tuple[int, dict]], places: set[str]) -> list[DataError]:
    file, errors, seen = "projects.csv", [], set()
    for number, props in rows:
        if props["id"] not in places:
            errors.append(DataError(file, f"{props['id']!r} is not a venue or key area", None, "id", number))
        if props["id"] in seen:
            errors.append(DataError(file, f"duplicate id {props['id']!r}", None, "id", number))
        if (props.get("lead") or props.get("partners")) and not props.get("lead_source"):
            errors.append(DataError(file, "responsible units need their source", None, "lead_source", number))
        seen.add(props["id"])
    return errors


def baseline(data_dir: Path | None = None) -> Baseline:
    """The shipped register (raises its mistakes as DataError, like the layers)."""
    root = data_dir or paths.DATA_DIR
    stamp = tuple((root / schema.load_schema().tables[k].file).stat().st_mtime_ns for k in TABLES)
    return _baseline(root, stamp)


@lru_cache(maxsize=4)
def _baseline(root: Path, stamp: tuple) -> Baseline:
    rows, errors = read_tables(root)
    data.raise_errors(errors)
    out = Baseline(units={p["id"]: p for _, p in rows["projects"]})
    out.history = [Entry(**{k: p.get(k) for k in _ENTRY_COLUMNS}) for _, p in rows["project_history"]]
    out.milestones = [
        Milestone(p["project"], p["milestone"], p["target"], p.get("actual"), p["date"], p.get("source"), p.get("by"))
        for _, p in rows["project_milestones"]
    ]
    return out


_ENTRY_COLUMNS = ("project", "date", "status", "stage", "note", "source", "by", "plan_action", "plan_sentence")


def project_features(layers) -> dict[str, dict]:
    """The plan places that are key projects, by id: names, kind, the layer's status and its source."""
    out = {}
    for key in PROJECT_LAYERS:
        frame = layers.get(key)
        for row in frame.drop(columns="geometry").to_dict("records"):
            status = row.get("status") if isinstance(row.get("status"), str) else None
            source = row.get("dates_source") if isinstance(row.get("dates_source"), str) else None
            out[row["id"]] = {
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "kind": "venue" if key == "venues" else "area",
                "layer_status": status,
                "layer_status_source": f"{LAYER_FILES[key]}: {source}" if source else None,
            }
    return out


# --- what a workspace adds ----------------------------------------------------------------------------------


def updates_of(content: dict | None) -> tuple[list[Entry], list[Milestone]]:
    """A workspace's history entries and milestone records: its project updates, and its older status notes
    (each note one entry: the content migration that loses none)."""
    content = content or {}
    entries = [
        Entry(
            n.get("venue", ""),
            n.get("date", ""),
            n.get("status") or None,
            None,
            n.get("note") or None,
            n.get("source") or None,
            n.get("by") or None,
            origin="note",
        )
        for n in content.get("notes", [])
        if isinstance(n, dict)
    ]
    milestones = []
    for u in filter(_is_update, content.get("project_updates", [])):
        entries.append(
            Entry(
                u["project"],
                u["date"],
                u.get("status"),
                u.get("stage"),
                u.get("note"),
                u.get("source"),
                u.get("by"),
                origin="workspace",
            )
        )
        milestones += [
            Milestone(u["project"], m["name"], m["target"], m.get("actual"), u["date"], u.get("source"), u.get("by"))
            for m in u.get("milestones", [])
        ]
    return entries, milestones


def _is_update(u: object) -> bool:
    """An update as ``make_update`` writes it (a document saved otherwise may hold anything: it is left out)."""
    if not (isinstance(u, dict) and isinstance(u.get("project"), str) and isinstance(u.get("date"), str)):
        return False
    miles = u.get("milestones", [])
    return isinstance(miles, list) and all(isinstance(m, dict) and {"name", "target"} <= set(m) for m in miles)


def workspace_projects(content: dict | None) -> dict[str, dict]:
    """The key projects a workspace added, by id (a later entry of the same id moves or renames it)."""
    return {p["id"]: p for p in (content or {}).get("projects", []) if isinstance(p, dict) and isinstance(p.get("id"), str)}


# --- the register on a date ---------------------------------------------------------------------------------


def register(layers, content: dict | None = None, as_of: str | dt.date | None = None, base: Baseline | None = None) -> list[dict]:
    """Every key project as it stood on ``as_of`` (YYYY-MM-DD; None: every entry, overdue counted from today):
    the latest entry on or before it gives its status, stage and last update; a project whose first entry
    comes later is not yet on the register."""
    day = day_of(as_of)
    base = base or baseline()
    entries, records = updates_of(content)
    history = sorted([*base.history, *entries], key=lambda e: e.date)  # stable: same-day entries in entry order
    miles = sorted([*base.milestones, *records], key=lambda m: m.date)
    places = project_features(layers)
    added = workspace_projects(content)
    out = []
    for pid in [*base.units, *(p for p in added if p not in base.units)]:
        info = places.get(pid) or _added_info(added.get(pid))
        if info is None:
            continue
        row = _project(pid, info, base.units.get(pid, {}), history, miles, day, as_of is None)
        if row is not None:
            out.append(row)
    return out


def _added_info(project: dict | None) -> dict | None:
    if project is None:
        return None
    return {
        "name_zh": project.get("name_zh") or project.get("name_en"),
        "name_en": project.get("name_en") or project.get("name_zh"),
        "kind": "workspace",
        "layer_status": None,
        "layer_status_source": None,
        "since": project.get("date"),
        "geometry": project.get("geometry"),
        "added_source": project.get("source"),
    }


def _project(pid: str, info: dict, units: dict, history, miles, day: str, every: bool) -> dict | None:
    start = info.get("since") or min((e.date for e in history if e.project == pid), default=None)
    if start is not None and not every and start > day:
        return None
    mine = _until(history, pid, day, every)
    milestones = _milestones(_until(miles, pid, day, every), day, every)
    return {
        "id": pid,
        "name_zh": info["name_zh"],
        "name_en": info["name_en"],
        "kind": info["kind"],
        **_units(units),
        **_standing(mine, info),
        "milestones": milestones,
        "next_milestone": _next(milestones),
        "overdue": any(m["overdue"] for m in milestones),
        "history": [_entry(e) for e in mine],
        **({"geometry": info["geometry"]} if info.get("geometry") else {}),
    }


def _until(records: list, pid: str, day: str, every: bool) -> list:
    """A project's entries (or milestone records) dated on or before ``day`` (every one with ``every``)."""
    return [r for r in records if r.project == pid and (every or r.date <= day)]


def _units(units: dict) -> dict:
    """The responsible units (None and [] when no source names them)."""
    partners = [p.strip() for p in (units.get("partners") or "").split(";") if p.strip()]
    return {"lead": units.get("lead") or None, "partners": partners, "lead_source": units.get("lead_source") or None}


def _standing(mine: list[Entry], info: dict) -> dict:
    """Stage, status (the layer's own when no entry states one) with its source, and the last update."""
    status, stage = _latest(mine, "status"), _latest(mine, "stage")
    return {
        "stage": stage.stage if stage else None,
        "status": status.status if status else info["layer_status"],
        "status_source": status.source if status else info["layer_status_source"],
        "last_update": _entry(mine[-1]) if mine else None,
    }


def _next(milestones: list[dict]) -> dict | None:
    pending = sorted((m for m in milestones if m["actual"] is None), key=lambda m: m["target"])
    return {"name": pending[0]["name"], "target": pending[0]["target"]} if pending else None


def _latest(entries: list[Entry], attr: str) -> Entry | None:
    return next((e for e in reversed(entries) if getattr(e, attr)), None)


def _entry(e: Entry) -> dict:
    return {k: v for k, v in asdict(e).items() if k != "project"}


def _milestones(records: list[Milestone], day: str, every: bool) -> list[dict]:
    """Each milestone's latest record; an actual date after ``day`` is not reached yet on ``day``."""
    latest = {m.name: m for m in records}
    out = []
    for m in latest.values():
        actual = m.actual if m.actual and (every or m.actual <= day) else None
        out.append(
            {
                "name": m.name,
                "target": m.target,
                "actual": actual,
                "overdue": actual is None and m.target < day,
                "source": m.source,
                "by": m.by,
                "date": m.date,
            }
        )
    return sorted(out, key=lambda m: (m["target"], m["name"]))


def day_of(value: str | dt.date | None) -> str:
    if value is None:
        return dt.date.today().isoformat()
    return value.isoformat() if isinstance(value, dt.date) else parse_date(value)


def parse_date(text: str) -> str:
    """``text`` as YYYY-MM-DD, or ProjectError."""
    try:
        if len(text.strip()) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text.strip()).isoformat()
    except (ValueError, AttributeError):
        raise ProjectError("project_bad_date", text=text) from None


# --- changes since a date -----------------------------------------------------------------------------------


def changes(
    layers, content: dict | None, since: str, as_of: str | None = None, base: Baseline | None = None
) -> dict[str, list[str]]:
    """Each project's changes between ``since`` and ``as_of``: new (not on the register at ``since``), advanced
    (stage or status moved forward, in the schema's order), delayed (a milestone's target moved later),
    overdue (a milestone past its target and not reached on ``as_of``)."""
    base = base or baseline()
    before = {p["id"]: p for p in register(layers, content, since, base)}
    out = {}
    for now in register(layers, content, as_of or day_of(None), base):
        old = before.get(now["id"])
        kinds = [
            kind
            for kind, hit in (
                ("new", old is None),
                ("advanced", old is not None and _advanced(old, now)),
                ("delayed", old is not None and _delayed(old, now)),
                ("overdue", now["overdue"]),
            )
            if hit
        ]
        out[now["id"]] = kinds
    return out


def _rank(vocabulary: str, value: str | None) -> int | None:
    values = schema.load_schema().vocabularies[vocabulary]
    return values.index(value) if value in values else None


def _advanced(old: dict, now: dict) -> bool:
    for vocabulary in ("stage", "status"):
        a, b = _rank(vocabulary, old[vocabulary]), _rank(vocabulary, now[vocabulary])
        if a is not None and b is not None and b > a:
            return True
    return False


def _delayed(old: dict, now: dict) -> bool:
    targets = {m["name"]: m["target"] for m in old["milestones"]}
    return any(m["name"] in targets and m["target"] > targets[m["name"]] for m in now["milestones"])
