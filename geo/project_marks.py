"""The key projects' change marks on the map: which plan places are new, advanced, delayed or overdue.

The page's "as of" and "since" dates are filters (``geo.filters``: ``asof``, ``since``); the marks they give
are part of the map spec (``MapSpec.marks``, with the open workspace's register entries in
``MapSpec.projects``), so the live map, every snapshot, the exports and the review report read one set.
``of(layers, spec)`` is that set; a spec built without a workspace (the command line) computes it from the
shipped register. Overdue (a milestone past its target with no actual date, as of the date) is marked even
without "since". Each kind has its own symbol, drawn around the place's own (``style.MARK_STYLES``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace

import shapely.geometry

from geo import projects, style

#: the kinds of change, in the legend's order
KINDS = style.MARK_KINDS
#: the parts of a workspace document the register reads
REGISTER_PARTS = ("project_updates", "projects", "notes")


@dataclass(frozen=True)
class MarkPoint:
    """One marked project where the map draws it (WGS-84): a venue's point, an area's inner point."""

    id: str
    kinds: tuple[str, ...]
    lon: float
    lat: float
    name_zh: str
    name_en: str


def register_part(content: dict | None) -> dict:
    """The parts of a workspace's content the register reads (empty ones left out)."""
    return {k: content[k] for k in REGISTER_PARTS if (content or {}).get(k)}


def content_of(spec) -> dict | None:
    """The open workspace's register entries a spec carries (None: the shipped register alone)."""
    return json.loads(spec.projects) if spec.projects else None


def as_of(spec) -> str:
    """The day the spec shows the register on: its "as of" filter, else its ``today``, else today."""
    return spec.filters.asof or (spec.today or dt.date.today()).isoformat()


def compute(layers, content: dict | None, day: str, since: str = "") -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(project id, kinds) of every marked project: with ``since``, what changed since it (``projects.changes``);
    without, only the overdue."""
    if since:
        found = projects.changes(layers, content, since, day)
    else:
        found = {p["id"]: ["overdue"] for p in projects.register(layers, content, day) if p["overdue"]}
    return tuple((pid, tuple(k for k in KINDS if k in kinds)) for pid, kinds in found.items() if kinds)


def with_register(layers, spec, content: dict | None):
    """``spec`` carrying the open workspace's register entries (``content``) and the marks they give."""
    part = register_part(content)
    text = json.dumps(part, sort_keys=True, ensure_ascii=False) if part else ""
    return replace(spec, projects=text, marks=compute(layers, part or None, as_of(spec), spec.filters.since))


def of(layers, spec) -> dict[str, tuple[str, ...]]:
    """The spec's marks by project id (computed from the shipped register when the spec has none)."""
    if spec.marks is not None:
        return dict(spec.marks)
    memo = layers.memo.setdefault("project_marks", {})
    key = (as_of(spec), spec.filters.since, spec.projects)
    if key not in memo:
        memo[key] = compute(layers, content_of(spec), key[0], key[1])
    return dict(memo[key])


def points(layers, spec, venues, areas) -> list[MarkPoint]:
    """The marked projects among ``venues`` and ``areas`` (the features a map draws), and the workspace's own
    key projects, where their marks go."""
    marks = of(layers, spec)
    if not marks:
        return []
    out = []
    for frame in (venues, areas):
        hit = frame[frame["id"].isin(list(marks))]
        for row, pt in zip(hit.to_dict("records"), hit.geometry.representative_point()):
            out.append(MarkPoint(row["id"], marks[row["id"]], pt.x, pt.y, row["name_zh"], row["name_en"]))
    for pid, project in projects.workspace_projects(content_of(spec)).items():
        if pid in marks and project.get("geometry"):
            pt = shapely.geometry.shape(project["geometry"]).representative_point()
            out.append(MarkPoint(pid, marks[pid], pt.x, pt.y, *_names(project)))
    return out


def in_view(layers, spec, view) -> list[MarkPoint]:
    """The marked projects a map of ``view`` (``mapspec.in_view``) draws: its venues and areas, and the
    workspace's own key projects inside its frame."""
    areas = view.features.get("areas", view.result.layout.areas.iloc[:0])
    box = shapely.box(*view.frame)
    return [m for m in points(layers, spec, view.venues, areas) if box.intersects(shapely.Point(m.lon, m.lat))]


def _names(project: dict) -> tuple[str, str]:
    zh, en = project.get("name_zh") or project.get("name_en") or "", project.get("name_en") or project.get("name_zh") or ""
    return str(zh), str(en)


def present(marks: list[MarkPoint]) -> tuple[str, ...]:
    """The kinds among ``marks``, in the legend's order: the legend explains only what is drawn."""
    return tuple(k for k in KINDS if any(k in m.kinds for m in marks))


def tip(m: MarkPoint, lang: str) -> str:
    """A mark's tooltip: the place and its changes ("北京雁栖湖国际会都：节点逾期")."""
    words = "、".join if lang == "zh" else ", ".join
    name = m.name_zh if lang == "zh" else m.name_en
    return f"{name}{'：' if lang == 'zh' else ': '}{words(style.mark_style(k).label(lang) for k in m.kinds)}"


def statuses(layers, spec) -> dict[str, str]:
    """Each key project's status on the register as of the spec's date, where it differs from its layer's own
    (an update in the open workspace, or a dated entry of the shipped history): what the map, the table and
    the status filter show, so they tell the register's story on that day."""
    memo = layers.memo.setdefault("project_statuses", {})
    key = (as_of(spec), spec.projects)
    if key not in memo:
        own = projects.project_features(layers)
        memo[key] = {
            p["id"]: p["status"]
            for p in projects.register(layers, content_of(spec), key[0])
            if p["status"] and p["id"] in own and p["status"] != own[p["id"]]["layer_status"]
        }
    return memo[key]


def with_statuses(layers, spec, venues):
    """``venues`` with each status as the register had it on the spec's date (the same frame when none differs)."""
    changed = statuses(layers, spec)
    hit = venues["id"].isin(list(changed))
    if not hit.any():
        return venues
    out = venues.copy()
    out.loc[hit, "status"] = out.loc[hit, "id"].map(changed)
    return out
