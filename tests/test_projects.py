"""The key projects' register (issue 23): the shipped baseline and its schema, updates kept as workspace versions
on SQLite and PostgreSQL, the register as of a date and the changes since one, the diff between two versions,
the review's XLSX and PDF, and older status notes read as history."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess

import pytest

from geo import plan, projects, workspace
from geo.data import check_layers
from tests.conftest import ROOT

SRC = "Beijing Daily, 2025-09-02"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh store URL: an SQLite file, or the test PostgreSQL (each test its own workspace in it)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workspaces.gpkg'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def ws(db_url):
    created = workspace.Store(db_url).create("annual review")
    return {**created, "url": db_url, "store": workspace.Store(db_url)}


def cli(run_cli, ws, *args, **env):
    return run_cli(*args, BEM_DATABASE_URL=ws["url"], **env)


def update(run_cli, ws, project, *args, token=None):
    return cli(run_cli, ws, "projects", "update", project, "--workspace", ws["id"], "--token", token or ws["edit_token"], *args)


def listed(run_cli, ws, *args, token=None) -> dict:
    out = cli(run_cli, ws, "projects", "list", "--workspace", ws["id"], "--token", token or ws["view_token"], *args)
    assert out.returncode == 0, out.stderr
    return {p["id"]: p for p in json.loads(out.stdout)["projects"]}


def read_csv(name: str) -> list[dict]:
    with open(ROOT / "data" / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# --- the baseline -------------------------------------------------------------------------------------------


def test_the_baseline_validates_and_every_entry_names_its_source(layers, run_cli):
    rows, errors = projects.read_tables()
    assert errors == []
    ids = {r["id"] for r in read_csv("projects.csv")}
    assert ids == set(layers.venues["id"]) | set(layers.areas["id"])  # every venue and key area, nothing else
    # the meeting names no responsible unit: none is invented
    assert all(not r["lead"] and not r["partners"] and not r["lead_source"] for r in read_csv("projects.csv"))
    history = read_csv("project_history.csv")
    assert {h["project"] for h in history} == ids
    sentences = set(plan.split_sentences())
    for entry in history:
        assert entry["source"].strip() and entry["by"].strip() and entry["date"] == "2025-03-17"
        assert entry["plan_sentence"] in sentences  # cites the sentence, verbatim
        assert not entry["status"]  # the meeting states no status
    out = run_cli("check")
    assert out.returncode == 0 and out.stdout.strip().endswith("data OK")
    register = {p["id"]: p for p in projects.register(layers, None, "2026-01-01")}
    assert register["fourth_embassy_area"]["stage"] == "planning"  # "accelerate the planning and development"
    assert register["yanqi_lake_resort"]["stage"] is None and register["yanqi_lake_resort"]["lead"] is None
    assert register["yanqi_lake_resort"]["status"] == "upgrading"  # the venue's own status, with its source
    assert register["yanqi_lake_resort"]["status_source"].startswith("venues.csv: ")
    assert projects.register(layers, None, "2025-03-16") == []  # nothing on the register before the meeting


def test_check_names_the_file_row_and_field_of_a_mistake(tmp_path, layers):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    history = (data / "project_history.csv").read_text(encoding="utf-8-sig").splitlines()
    history[2] = history[2].replace("2025-03-17", "2025-3-17", 1)  # row 3: a malformed date
    history[4] = history[4].replace(",shipped baseline", ",", 1)  # row 5: who entered it is missing
    (data / "project_history.csv").write_text("\n".join(history) + "\n", encoding="utf-8")
    with open(data / "project_milestones.csv", "a", encoding="utf-8") as fh:
        fh.write("no_such_place,opening,2026-01-01,,2025-03-17,a source,someone\n")
    found, errors = check_layers(data)
    assert found is None
    where = {(e.file, e.row, e.field) for e in errors}
    assert where == {
        ("project_history.csv", 3, "date"),
        ("project_history.csv", 5, "by"),
        ("project_milestones.csv", 2, "project"),
    }


# --- updates kept as versions -------------------------------------------------------------------------------


def test_an_update_lands_as_a_version_and_as_of_shows_the_old_and_new_status(run_cli, ws):
    out = update(
        run_cli,
        ws,
        "great_wall_museum",
        "--status",
        "in_service",
        "--date",
        "2025-09-01",
        "--stage",
        "evaluation",
        "--note",
        "opened to the public",
        "--source",
        SRC,
        "--by",
        "Office of International Exchanges",
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["version"] == 2
    history = ws["store"].history(ws["id"], ws["view_token"])
    assert [h["change"] for h in history] == [
        "created",
        "project great_wall_museum: status under_construction → in_service; stage ? → evaluation",
    ]
    before = listed(run_cli, ws, "--as-of", "2025-08-31")["great_wall_museum"]
    after = listed(run_cli, ws, "--as-of", "2025-09-01")["great_wall_museum"]
    assert (before["status"], before["stage"]) == ("under_construction", None)
    assert (after["status"], after["stage"]) == ("in_service", "evaluation")
    assert after["last_update"]["source"] == SRC and after["last_update"]["by"] == "Office of International Exchanges"
    assert [h["date"] for h in after["history"]] == ["2025-03-17", "2025-09-01"]


def test_a_refused_update_stores_nothing(run_cli, ws):
    good = ("--status", "in_service", "--date", "2025-09-01")
    refused = [
        (update(run_cli, ws, "cncc", *good, token=ws["view_token"]), 1),
        (update(run_cli, ws, "cncc", *good, token="not-a-token"), 1),
        (update(run_cli, ws, "no_such_project", *good), 2),
        (update(run_cli, ws, "cncc", "--status", "finished", "--date", "2025-09-01"), 2),
        (update(run_cli, ws, "cncc", "--status", "in_service", "--date", "2025-9-1"), 2),
        (update(run_cli, ws, "cncc", *good, "--milestone", "opening=2025-02-30"), 2),
    ]
    for out, code in refused:
        assert out.returncode == code and len(out.stderr.strip().splitlines()) == 1 and out.stdout == ""
    assert len(ws["store"].history(ws["id"], ws["view_token"])) == 1
    assert ws["store"].load(ws["id"], ws["view_token"]).content.get("project_updates", []) == []


def test_the_diff_names_exactly_what_changed(run_cli, ws):
    assert update(run_cli, ws, "great_wall_museum", "--status", "in_service", "--date", "2025-09-01").returncode == 0
    sketch = {"title": "new gate", "note": "", "geometry": {"type": "Point", "coordinates": [116.0, 40.35]}}
    ws["store"].append(ws["id"], ws["edit_token"], {"sketches": [sketch]}, "sketch: new gate")  # version 3
    add = ("projects", "add", "expo_hall", "--workspace", ws["id"], "--token", ws["edit_token"], "--name-en", "Expo Hall")
    assert cli(run_cli, ws, *add, "--point", "116.5,40.0", "--date", "2025-10-01").returncode == 0  # version 4
    assert cli(run_cli, ws, *add, "--point", "116.6,40.1", "--date", "2025-10-02").returncode == 0  # 5: moved

    def diff(v1, v2, **env):
        out = cli(run_cli, ws, "workspace", "diff", ws["id"], str(v1), str(v2), "--token", ws["view_token"], **env)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip().splitlines()[1:]

    assert diff(1, 2) == ["Great Wall Museum of China (Badaling) (great_wall_museum): status Under construction → In service"]
    assert diff(1, 2, BEM_LANG="zh") == ["中国长城博物馆（八达岭） (great_wall_museum)：状态 在建 → 已投用"]
    assert diff(2, 3) == ["sketch added: new gate"]
    assert diff(3, 4) == ["project added: Expo Hall (expo_hall)"]
    assert diff(4, 5) == ["project moved or renamed: Expo Hall (expo_hall)"]
    assert diff(4, 5, BEM_LANG="zh") == ["项目位置或名称更改：Expo Hall (expo_hall)"]
    assert diff(2, 2) == ["no change"]
    assert diff(4, 1) == [  # back in time: removed, and the status back as it was
        "project removed: Expo Hall (expo_hall)",
        "Great Wall Museum of China (Badaling) (great_wall_museum): status In service → Under construction",
        "sketch removed: new gate",
    ]


def test_a_milestone_past_its_target_without_an_actual_date_is_overdue_in_list_and_report(run_cli, ws, tmp_path):
    from openpyxl import load_workbook

    args = ("--date", "2025-04-01", "--milestone", "design approved=2025-06-30", "--note", "design under review")
    assert update(run_cli, ws, "fourth_embassy_area", *args).returncode == 0
    assert listed(run_cli, ws, "--as-of", "2025-06-30")["fourth_embassy_area"]["overdue"] is False  # due that day
    july = listed(run_cli, ws, "--as-of", "2025-07-01")["fourth_embassy_area"]
    assert july["overdue"] is True and july["milestones"][0]["overdue"] is True
    assert july["next_milestone"] == {"name": "design approved", "target": "2025-06-30"}
    out = cli(run_cli, ws, "projects", "report", "--out", str(tmp_path / "r.xlsx"), "--as-of", "2025-07-01",
              "--workspace", ws["id"], "--token", ws["view_token"], "--lang", "en")  # fmt: skip
    assert out.returncode == 0, out.stderr
    sheet = load_workbook(tmp_path / "r.xlsx").active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["fourth_embassy_area"][8] == "yes" and rows["cncc"][8] == "no"
    # reached late: no longer overdue from the day it was reached
    assert update(run_cli, ws, "fourth_embassy_area", "--date", "2025-07-15",
                  "--milestone", "design approved=2025-06-30:2025-07-14").returncode == 0  # fmt: skip
    assert listed(run_cli, ws, "--as-of", "2025-07-13")["fourth_embassy_area"]["overdue"] is True
    assert listed(run_cli, ws, "--as-of", "2025-07-15")["fourth_embassy_area"]["overdue"] is False


def test_changes_since_a_date_are_new_advanced_delayed_and_overdue(layers, run_cli, ws):
    steps = [
        ("cncc", "--date", "2025-04-01", "--milestone", "hall C=2025-12-31", "--stage", "planning"),
        ("cncc", "--date", "2025-05-01", "--milestone", "hall C=2026-06-30"),  # the target moved later
        ("shougang_park", "--date", "2025-05-01", "--stage", "implementation"),
        ("daxing_airport", "--date", "2025-04-01", "--milestone", "route review=2025-04-30"),
    ]
    for step in steps:
        assert update(run_cli, ws, *step).returncode == 0
    found = listed(run_cli, ws, "--as-of", "2025-06-01", "--since", "2025-04-15")
    assert found["cncc"]["changes"] == ["delayed"]
    assert found["shougang_park"]["changes"] == []  # from unknown to a stage: no movement to measure
    assert found["daxing_airport"]["changes"] == ["overdue"]
    assert found["financial_street"]["changes"] == []
    since_start = listed(run_cli, ws, "--as-of", "2025-06-01", "--since", "2025-03-01")
    assert all(p["changes"][:1] == ["new"] for p in since_start.values())  # the meeting put them on the register
    assert update(run_cli, ws, "shougang_park", "--date", "2025-07-01", "--stage", "evaluation").returncode == 0
    assert listed(run_cli, ws, "--as-of", "2025-08-01", "--since", "2025-06-01")["shougang_park"]["changes"] == ["advanced"]


def test_the_reports_rows_match_projects_list(run_cli, ws, tmp_path):
    from openpyxl import load_workbook

    assert update(run_cli, ws, "cncc", "--date", "2025-04-01", "--status", "upgrading", "--source", "=HYPERLINK(\"x\")",
                  "--milestone", "hall C=2026-12-31").returncode == 0  # fmt: skip
    common = ("--as-of", "2025-06-01", "--since", "2025-03-01", "--workspace", ws["id"], "--token", ws["view_token"])
    register = listed(run_cli, ws, *common[:4])
    for lang, status in (("en", "Upgrading"), ("zh", "提升改造中")):
        out = cli(run_cli, ws, "projects", "report", "--out", str(tmp_path / f"{lang}.xlsx"), "--lang", lang, *common)
        assert out.returncode == 0, out.stderr
        sheet = load_workbook(tmp_path / f"{lang}.xlsx").active
        rows = list(sheet.iter_rows(values_only=True))
        assert [r[0] for r in rows[1:]] == list(register)  # one row per project, in the register's order
        cncc = next(r for r in rows if r[0] == "cncc")
        assert cncc[2] == status and cncc[5] == "2025-04-01" and cncc[7] == "hall C (2026-12-31)"
        assert cncc[6] == '\'=HYPERLINK("x")'  # neutralised: text, not a formula
        assert all(sheet.cell(row=i + 2, column=5).value in ("unknown", "未知") for i in range(len(register)))
    out = cli(run_cli, ws, "projects", "report", "--out", str(tmp_path / "r.pdf"), "--lang", "en", *common)
    assert out.returncode == 0, out.stderr
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert all(f"({pid})" in text for pid in register)  # one entry per project
    assert "next milestone: hall C (2026-12-31)" in text
    pages = subprocess.run(["pdfinfo", str(tmp_path / "r.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+(\d+)$", pages, re.M).group(1) == "6"  # the map page, then 36 projects 8 a page


def test_status_notes_become_history_entries_none_lost(run_cli, ws):
    notes = [
        {"venue": "cncc", "status": "upgrading", "date": "2025-05-01", "source": "site visit", "note": "hall B"},
        {"venue": "cncc", "status": "in_service", "date": "2025-08-01", "source": "press", "note": ""},
        {"venue": "jingshan", "status": "in_service", "date": "2025-06-01", "source": "", "note": "no change"},
    ]
    for note in notes:  # as the app's status-note form saves them
        ws["store"].append(ws["id"], ws["edit_token"], {"notes": [note]}, f"status note: {note['venue']}")
    found = listed(run_cli, ws, "--as-of", "2025-12-31")
    kept = [(pid, h["date"], h["status"]) for pid, p in found.items() for h in p["history"] if h["origin"] == "note"]
    assert sorted(kept) == sorted((n["venue"], n["date"], n["status"]) for n in notes)
    assert found["cncc"]["status"] == "in_service" and found["cncc"]["last_update"]["source"] == "press"
    assert listed(run_cli, ws, "--as-of", "2025-06-15")["cncc"]["status"] == "upgrading"


def test_a_document_saved_by_other_means_with_malformed_entries_still_reads(layers):
    content = {
        "project_updates": [
            {"project": "cncc", "date": "2025-05-01", "status": "upgrading", "milestones": []},
            {"date": "2025-05-02", "status": "planned"},  # no project
            {"project": "cncc", "date": "2025-05-03", "milestones": [{"name": "x"}]},  # a milestone without target
        ],
        "projects": [{"name_en": "no id"}],
    }
    found = {p["id"]: p for p in projects.register(layers, content, "2025-12-31")}
    assert found["cncc"]["status"] == "upgrading" and len(found) == 36
