"""Updates of the key projects kept as workspace versions: an update or a new project is checked in full
(``make_update``: a known project, allowed status and stage, real dates), then appended to the workspace
(``geo.workspace.Store.append``: editors' updates commute), one version each, described so the history reads
it back in both languages (``geo.workspace_content.CHANGES``). The register itself is ``geo.projects``."""

from __future__ import annotations

from geo import schema
from geo.projects import MAX_TEXT, ProjectError, baseline, day_of, parse_date, project_features, register, workspace_projects

# --- updates kept as workspace versions ---------------------------------------------------------------------


def make_update(
    known: dict[str, dict],
    project: str,
    date: str,
    status: str | None = None,
    stage: str | None = None,
    milestones: tuple[str, ...] = (),
    note: str = "",
    source: str = "",
    by: str = "",
) -> dict:
    """A checked project update (``known``: the register's projects by id), or ProjectError naming what is
    wrong; nothing is stored."""
    if project not in known:
        raise ProjectError("project_unknown", project=project)
    _check_term("status", status)
    _check_term("stage", stage)
    update = {
        "project": project,
        "date": parse_date(date),
        "status": status or None,
        "stage": stage or None,
        "milestones": [parse_milestone(text) for text in milestones],
        "note": _short(note),
        "source": _short(source),
        "by": _short(by),
    }
    if not (update["status"] or update["stage"] or update["milestones"] or update["note"]):
        raise ProjectError("project_empty_update")
    return update


def _check_term(vocabulary: str, value: str | None) -> None:
    allowed = schema.load_schema().vocabularies[vocabulary]
    if value and value not in allowed:
        raise ProjectError("project_bad_term", field=vocabulary, value=value, values=", ".join(allowed))


def _short(text: str | None) -> str:
    return " ".join(str(text or "").split())[:MAX_TEXT]


def parse_milestone(text: str) -> dict:
    """``NAME=YYYY-MM-DD[:ACTUAL]`` as a milestone, or ProjectError."""
    name, sep, dates = text.rpartition("=")
    target, _, actual = dates.partition(":")
    if not sep or not name.strip():
        raise ProjectError("project_bad_milestone", text=text)
    return {"name": _short(name), "target": parse_date(target), "actual": parse_date(actual) if actual else None}


def describe_update(old: dict | None, update: dict) -> str:
    """A version's change for an update (read back in both languages by ``workspace_content.describe_change``)."""
    parts = []
    for key in ("status", "stage"):
        if update[key]:
            parts.append(f"{key} {(old or {}).get(key) or '?'} → {update[key]}")
    parts += [f"milestone {m['name']}" for m in update["milestones"]]
    if update["note"] and not parts:
        parts.append("note")
    return f"project {update['project']}: " + "; ".join(parts)


def add_update(store, wid: str, token: str, layers, update_args: dict) -> tuple[int, dict]:
    """Check an update and append it to the workspace as a new version; (version, update). A view-only or
    wrong token is refused before anything is read, a bad update before anything is written."""
    store.authorize(wid, token, edit=True)
    content = store.load(wid, token).content
    known = {p["id"]: p for p in register(layers, content)}
    update = make_update(known, **update_args)
    version = store.append(wid, token, {"project_updates": [update]}, describe_update(known[update["project"]], update))
    return version, update


def add_project(store, wid: str, token: str, layers, project: dict) -> int:
    """Add a new key project (``{id, name_zh, name_en, geometry, date, source, by}``) to a workspace."""
    store.authorize(wid, token, edit=True)
    content = store.load(wid, token).content
    pid = str(project.get("id", ""))
    if not schema.ID_PATTERN.fullmatch(pid):
        raise ProjectError("project_bad_id", project=pid)
    if pid in set(project_features(layers)) | set(baseline().units):
        raise ProjectError("project_exists", project=pid)
    if not (project.get("name_zh") or project.get("name_en")):
        raise ProjectError("project_needs_name", project=pid)
    entry = {**project, "date": parse_date(project.get("date") or day_of(None)), "id": pid}
    moved = pid in workspace_projects(content)
    return store.append(wid, token, {"projects": [entry]}, f"{'moved' if moved else 'new'} project: {pid}")
