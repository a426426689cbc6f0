"""The key projects on the command line (``geo.__main__`` hands these commands over):

- ``python -m geo projects list [--as-of DATE] [--since DATE] [--workspace ID --token T]``: the register as JSON;
- ``python -m geo projects update PROJECT_ID --workspace ID --token EDIT --status S --date YYYY-MM-DD [...]``:
  one update, one new workspace version (nothing is stored when the token, project, status or a date is wrong);
- ``python -m geo projects add PROJECT_ID --workspace ID --token EDIT --name-zh/--name-en --point LON,LAT``:
  a new key project in a workspace;
- ``python -m geo projects report --out review.xlsx|review.pdf [--as-of] [--since] [--workspace --token]``;
- ``python -m geo workspace diff ID V1 V2 --token T``: what changed between two versions, in the CLI's language.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from geo import i18n, safe


def say(text: object, err: bool = False) -> None:
    print(safe.terminal(text), file=sys.stderr if err else sys.stdout)


def add_commands(sub, lang: str) -> None:
    """``projects`` and its subcommands on the main parser's ``sub``."""
    T = lambda key, **kw: i18n.cli(key, lang, **kw)  # noqa: E731
    prj = sub.add_parser("projects", help=T("projects"), description=T("projects_desc"), lang=lang)
    psub = prj.add_subparsers(dest="projects_command", required=True, parser_class=type(prj))
    p_list = psub.add_parser("list", help=T("projects_list"), lang=lang)
    p_report = psub.add_parser("report", help=T("projects_report"), lang=lang)
    p_report.add_argument("--out", required=True, type=Path, help=T("report_out"))
    p_report.add_argument("--lang", choices=["zh", "en"], default=None, help=T("report_lang"))
    for p in (p_list, p_report):
        p.add_argument("--as-of", dest="as_of", help=T("as_of"))
        p.add_argument("--since", help=T("since"))
        p.add_argument("--workspace", help=T("ws_id"))
        p.add_argument("--token", help=T("view_token"))
    p_up = psub.add_parser("update", help=T("projects_update"), lang=lang)
    p_up.add_argument("project", help=T("project_id"))
    p_up.add_argument("--status", help=T("status_arg"))
    p_up.add_argument("--date", required=True, help=T("date_arg"))
    p_up.add_argument("--stage", help=T("stage_arg"))
    p_up.add_argument("--milestone", action="append", default=[], help=T("milestone_arg"))
    p_up.add_argument("--note", default="", help=T("note_arg"))
    p_up.add_argument("--source", default="", help=T("source_arg"))
    p_up.add_argument("--by", default="", help=T("by_arg"))
    p_add = psub.add_parser("add", help=T("projects_add"), lang=lang)
    p_add.add_argument("project", help=T("project_id"))
    p_add.add_argument("--name-zh", dest="name_zh", default="", help=T("name_zh_arg"))
    p_add.add_argument("--name-en", dest="name_en", default="", help=T("name_en_arg"))
    p_add.add_argument("--point", required=True, help=T("point_arg"))
    p_add.add_argument("--date", default=None, help=T("date_arg"))
    p_add.add_argument("--source", default="", help=T("source_arg"))
    p_add.add_argument("--by", default="", help=T("by_arg"))
    for p in (p_up, p_add):
        p.add_argument("--workspace", required=True, help=T("ws_id"))
        p.add_argument("--token", required=True, help=T("edit_token"))
    add_diff(sub, lang)


def add_diff(sub, lang: str) -> None:
    """``workspace diff ID V1 V2 --token T`` among the ``workspace`` parser's subcommands."""
    T = lambda key, **kw: i18n.cli(key, lang, **kw)  # noqa: E731
    ws = sub.choices["workspace"]
    wsub = next(a for a in ws._actions if isinstance(a, argparse._SubParsersAction))
    w_diff = wsub.add_parser("diff", help=T("ws_diff"), lang=lang)
    w_diff.add_argument("id", help=T("ws_id"))
    w_diff.add_argument("v1", type=int, help=T("ws_version_from"))
    w_diff.add_argument("v2", type=int, help=T("ws_version_to"))
    w_diff.add_argument("--token", required=True, help=T("view_token"))


def handles(args: argparse.Namespace) -> bool:
    return args.command == "projects" or (args.command == "workspace" and getattr(args, "ws_command", "") == "diff")


def run(args: argparse.Namespace) -> int:
    """Run a projects command (or ``workspace diff``); a bad project, status, date or milestone: one line, exit 2."""
    from geo.projects import ProjectError

    lang = getattr(args, "cli_lang", "en")
    try:
        if args.command == "workspace":
            return run_diff(args, lang)
        return {"list": run_list, "update": run_update, "add": run_add, "report": run_report}[args.projects_command](args, lang)
    except ProjectError as exc:
        say(i18n.cli("error", lang, message=exc.text(lang)), err=True)
        return 2


def _content(args: argparse.Namespace) -> tuple[dict | None, dict]:
    """The workspace's newest content (None without ``--workspace``) and what names it in the output."""
    from geo import workspace
    from geo.projects import ProjectError

    if not args.workspace:
        return None, {}
    if not args.token:
        raise ProjectError("project_needs_token")
    ws = workspace.Store().load(args.workspace, args.token)
    return ws.content, {"workspace": ws.id, "version": ws.version}


def _dates(args: argparse.Namespace) -> tuple[str, str | None]:
    from geo.projects import parse_date

    as_of = parse_date(args.as_of) if args.as_of else dt.date.today().isoformat()
    return as_of, parse_date(args.since) if args.since else None


def run_list(args: argparse.Namespace, lang: str) -> int:
    from geo import projects
    from geo.data import load_layers

    as_of, since = _dates(args)
    layers = load_layers()
    content, where = _content(args)
    rows = projects.register(layers, content, as_of)
    if since:
        found = projects.changes(layers, content, since, as_of)
        rows = [{**p, "changes": found.get(p["id"], [])} for p in rows]
    say(json.dumps({"as_of": as_of, "since": since, **where, "projects": rows}, ensure_ascii=False))
    return 0


def run_update(args: argparse.Namespace, lang: str) -> int:
    from geo import project_updates, workspace
    from geo.data import load_layers

    fields = {
        "project": args.project,
        "date": args.date,
        "status": args.status,
        "stage": args.stage,
        "milestones": tuple(args.milestone),
        "note": args.note,
        "source": args.source,
        "by": args.by,
    }
    version, update = project_updates.add_update(workspace.Store(), args.workspace, args.token, load_layers(), fields)
    say(json.dumps({"id": args.workspace, "version": version, "update": update}, ensure_ascii=False))
    return 0


def run_add(args: argparse.Namespace, lang: str) -> int:
    from geo import project_updates, workspace
    from geo.data import load_layers

    try:
        lon, lat = (float(v) for v in args.point.split(","))
    except ValueError:
        raise project_updates.ProjectError("project_bad_point", text=args.point) from None
    project = {
        "id": args.project,
        "name_zh": args.name_zh,
        "name_en": args.name_en,
        "date": args.date,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "source": args.source,
        "by": args.by,
    }
    version = project_updates.add_project(workspace.Store(), args.workspace, args.token, load_layers(), project)
    say(json.dumps({"id": args.workspace, "version": version, "project": args.project}))
    return 0


def diff_lines(changes: list[tuple[str, dict]], names: dict[str, dict], lang: str) -> list[str]:
    """Each change of ``geo.project_report.diff`` as one line in ``lang``."""
    return [i18n.cli(key, lang, **_words(key, fields, names, lang)) for key, fields in changes] or [i18n.cli("diff_none", lang)]


def _words(key: str, fields: dict, names: dict[str, dict], lang: str) -> dict:
    out = dict(fields)
    if "project" in fields:
        info = names.get(fields["project"], {})
        out["project"] = f"{info.get('name_' + lang) or fields['project']} ({fields['project']})"
    if key in ("diff_status", "diff_stage"):
        vocabulary = key.removeprefix("diff_")
        out.update({k: _term(vocabulary, fields[k], lang) for k in ("old", "new")})
    if key == "diff_milestone_changed":
        out.update({k: _dates_text(fields[k], lang) for k in ("old", "new")})
    if key == "diff_milestone_added":
        out["actual"] = fields["actual"] or i18n.cli("not_reached", lang)
    if "part" in fields:
        out["part"] = i18n.cli(PART_KEYS[fields["part"]], lang)
    return out


PART_KEYS = {
    "layers": "part_layer",
    "sketches": "part_sketch",
    "views": "part_view",
    "notes": "part_note",
    "stories": "part_story",
}


def _term(vocabulary: str, value: str | None, lang: str) -> str:
    return i18n.term(vocabulary, value, lang) if value else i18n.cli("unknown", lang)


def _dates_text(m: dict, lang: str) -> str:
    return i18n.cli("milestone_dates", lang, target=m["target"], actual=m["actual"] or i18n.cli("not_reached", lang))


def run_diff(args: argparse.Namespace, lang: str) -> int:
    from geo import project_report, workspace
    from geo.data import load_layers

    store = workspace.Store()
    old, new = store.load(args.id, args.token, args.v1), store.load(args.id, args.token, args.v2)
    layers = load_layers()
    found = project_report.diff(layers, old.content, new.content)
    names = {p["id"]: p for c in (old.content, new.content) for p in project_report.register(layers, c, None)}
    say(i18n.cli("diff_heading", lang, id=args.id, v1=args.v1, v2=args.v2))
    for line in diff_lines(found, names, lang):
        say(line)
    return 0


def run_report(args: argparse.Namespace, lang: str) -> int:
    from dataclasses import replace

    from geo import filters, project_marks, project_report
    from geo.data import load_layers
    from geo.mapspec import MapSpec
    from geo.paths import write_atomically
    from geo.projects import ProjectError

    suffix = args.out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise ProjectError("report_suffix", name=args.out.name)
    if not args.out.parent.exists():
        raise ProjectError("report_no_folder", folder=str(args.out.parent))
    as_of, since = _dates(args)
    report_lang = args.lang or lang
    layers = load_layers()
    content, _ = _content(args)
    # the app's export panel's writer, on the spec of these dates: the PDF's map marks what the rows say
    dates = replace(filters.defaults(), asof=as_of, since=since or "")
    spec = project_marks.with_register(layers, MapSpec(lang=report_lang, filters=dates), content)
    data, _ = project_report.write_review(layers, spec, "review-xlsx" if suffix == ".xlsx" else "review-pdf")
    write_atomically(args.out, data)
    say(i18n.cli("wrote", lang, path=args.out, kb=f"{len(data) / 1024:.0f}"))
    return 0
