"""The key projects' review: what changed between two workspace versions (``diff``) and the review's rows
(``rows``) written as a spreadsheet (``xlsx_bytes``) or a PDF with a map page (``pdf_bytes``). The register
itself is ``geo.projects``."""

from __future__ import annotations

from geo.projects import baseline, register, workspace_projects

# --- what changed between two versions ----------------------------------------------------------------------

_ITEM_NAMES = {"layers": "name", "sketches": "title", "views": "name", "stories": "name"}


def diff(layers, old: dict, new: dict) -> list[tuple[str, dict]]:
    """What changed from the workspace document ``old`` to ``new``, as (cli message key, fields): projects
    added, removed or moved, their status, stage, milestones and history, then layers, sketches, views,
    status notes and stories added, removed or changed (a story saved again under its name is changed)."""
    base = baseline()
    before = {p["id"]: p for p in register(layers, old, None, base)}
    after = {p["id"]: p for p in register(layers, new, None, base)}
    out = [("diff_project_added", {"project": pid}) for pid in after if pid not in before]
    out += [("diff_project_removed", {"project": pid}) for pid in before if pid not in after]
    out += _moved(workspace_projects(old), workspace_projects(new))
    for pid in (p for p in after if p in before):
        out += _project_diff(before[pid], after[pid])
    return out + _part_diff(old, new)


def _moved(old: dict[str, dict], new: dict[str, dict]) -> list[tuple[str, dict]]:
    """Workspace projects whose place or names changed (a later entry of the same id)."""
    same = lambda a, b: {k: v for k, v in a.items() if k != "date"} == {k: v for k, v in b.items() if k != "date"}  # noqa: E731
    return [("diff_project_moved", {"project": pid}) for pid, p in new.items() if pid in old and not same(p, old[pid])]


def _project_diff(old: dict, new: dict) -> list[tuple[str, dict]]:
    pid, out = new["id"], []
    for key in ("status", "stage"):
        if old[key] != new[key]:
            out.append((f"diff_{key}", {"project": pid, "old": old[key], "new": new[key]}))
    was = {m["name"]: m for m in old["milestones"]}
    for m in new["milestones"]:
        prev = was.get(m["name"])
        if prev is None:
            out.append(
                ("diff_milestone_added", {"project": pid, "name": m["name"], "target": m["target"], "actual": m["actual"]})
            )
        elif (prev["target"], prev["actual"]) != (m["target"], m["actual"]):
            out.append(("diff_milestone_changed", {"project": pid, "name": m["name"], "old": prev, "new": m}))
    if not out and old["history"] != new["history"]:
        out.append(("diff_history", {"project": pid, "n": len(new["history"]) - len(old["history"])}))
    return out


def _part_diff(old: dict, new: dict) -> list[tuple[str, dict]]:
    out = []
    for part in ("layers", "sketches", "views", "notes", "stories"):
        a, b = _items(old, part), _items(new, part)
        out += [("diff_added", {"part": part, "name": k}) for k in b if k not in a]
        out += [("diff_removed", {"part": part, "name": k}) for k in a if k not in b]
        out += [("diff_changed", {"part": part, "name": k}) for k in b if k in a and a[k] != b[k]]
    return out


def _items(content: dict, part: str) -> dict[str, object]:
    items: dict[str, object] = {}
    for item in content.get(part, []):
        name = f"{item.get('venue', '')} {item.get('date', '')}" if part == "notes" else str(item.get(_ITEM_NAMES[part], ""))
        items[name] = item
    return items


# --- the review as an export format (geo.formats: review-xlsx, review-pdf) --------------------------------


def write_review(layers, spec, fmt: str, progress=None) -> tuple[bytes, list[str]]:
    """The review of ``spec``'s register (its as-of and since dates, its open workspace's entries) in its language,
    as XLSX or PDF: the writer the app's export panel and ``python -m geo projects report`` share."""
    from geo import i18n, project_marks

    lang = spec.lang
    as_of = project_marks.as_of(spec)
    header, table = rows(layers, project_marks.content_of(spec), as_of, spec.filters.since or None, lang)
    title = i18n.cli("report_title", lang, as_of=as_of)
    if fmt == "review-xlsx":
        return xlsx_bytes(header, table, title), []
    return pdf_bytes(layers, header, table, title, lang, spec), []


# --- the review's rows --------------------------------------------------------------------------------------

#: the review's columns (cli message keys of their headings)
COLUMNS = (
    "col_id",
    "col_name",
    "col_status",
    "col_stage",
    "col_unit",
    "col_last_date",
    "col_last_source",
    "col_next",
    "col_overdue",
    "col_changes",
)


def rows(layers, content: dict | None, as_of: str, since: str | None, lang: str) -> tuple[list[str], list[list[str]]]:
    """The review's header and one row per project in ``lang``, unknown values written as unknown."""
    from geo import i18n
    from geo.projects import changes

    base = baseline()
    found = changes(layers, content, since, as_of, base) if since else {}
    out = [_row(p, found.get(p["id"], []), lang) for p in register(layers, content, as_of, base)]
    return [i18n.cli(key, lang) for key in COLUMNS], out


def _row(p: dict, kinds: list[str], lang: str) -> list[str]:
    from geo import i18n

    unknown = i18n.cli("unknown", lang)
    last, nxt = p["last_update"] or {}, p["next_milestone"]
    unit = "; ".join(filter(None, [p["lead"], *p["partners"]]))
    term = lambda kind: i18n.term(kind, p[kind], lang) if p[kind] else unknown  # noqa: E731
    return [
        p["id"],
        p["name_" + lang],
        term("status"),
        term("stage"),
        unit or unknown,
        last.get("date") or unknown,
        last.get("source") or unknown,
        f"{nxt['name']} ({nxt['target']})" if nxt else i18n.cli("none", lang),
        i18n.cli("yes" if p["overdue"] else "no", lang),
        ", ".join(i18n.cli(CHANGE_LABELS[k], lang) for k in kinds),
    ]


CHANGE_LABELS = {"new": "change_new", "advanced": "change_advanced", "delayed": "change_delayed", "overdue": "change_overdue"}


def xlsx_bytes(header: list[str], table: list[list[str]], title: str) -> bytes:
    """The review as an XLSX workbook: every cell neutralised and stored as text (``geo.sheets``)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from geo.sheets import neutralize

    book = Workbook()
    sheet = book.active
    sheet.title = neutralize(title)[:31]
    for values in [header, *table]:
        sheet.append([neutralize(str(v)) for v in values])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    for column, width in zip("ABCDEFGHIJ", (24, 36, 14, 12, 24, 12, 48, 28, 8, 24)):
        sheet.column_dimensions[column].width = width
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


ENTRIES_PER_PAGE = 8


def pdf_bytes(layers, header: list[str], table: list[list[str]], title: str, lang: str, marked=None) -> bytes:
    """The review as a PDF: a map page of the key projects (with the change marks of ``marked``, a map spec:
    its dates and workspace entries), then one entry per project (text kept as text, the shipped CJK font)."""
    import io
    import logging
    from dataclasses import replace

    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    from geo import safe, snapshot
    from geo.mapspec import MapSpec, Page

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # the CJK subset has no bold: fine
    page = Page(1754, 1240, 150)  # A4 landscape
    spec = MapSpec(lang=lang, label_lang=lang, basemap="offline", title=title, page=page)
    if marked is not None:
        dates = replace(spec.filters, asof=marked.filters.asof, since=marked.filters.since)
        spec = replace(spec, filters=dates, marks=marked.marks, projects=marked.projects, today=marked.today)
    spec = spec.validated()
    out = io.BytesIO()
    with plt.rc_context(snapshot.rc_for("pdf", lang, page)), PdfPages(out, metadata={"Title": safe.plain(title)}) as pdf:
        drawn = snapshot.draw(layers, spec, "pdf", lambda _f, _m: None)
        pdf.savefig(drawn.fig, facecolor=drawn.fig.get_facecolor())
        for start in range(0, len(table), ENTRIES_PER_PAGE):
            fig = Figure(figsize=(8.27, 11.69))
            fig.text(0.06, 0.965, safe.mpl(title), fontsize=13, weight="bold", va="top")
            for n, values in enumerate(table[start : start + ENTRIES_PER_PAGE]):
                _entry(fig, header, values, 0.93 - n * 0.11)
            pdf.savefig(fig)
    return out.getvalue()


def _entry(fig, header: list[str], values: list[str], top: float) -> None:
    from geo import safe

    fig.text(0.06, top, safe.mpl(f"({values[0]}) {values[1]}"[:110]), fontsize=9, weight="bold", va="top")
    lines = [f"{h}: {v}" for h, v in zip(header[2:], values[2:]) if v]
    for i, line in enumerate(lines):
        fig.text(0.08, top - 0.013 * (i + 1), safe.mpl(line[:150]), fontsize=6.5, va="top")
