"""The map shows the register as it stood on the "as of" date: a workspace's status update changes the venue's
status (its popup, the table, the status filter) from its date on, and not before."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from geo import data, filters, mapspec, project_marks
from geo.mapspec import MapSpec

UPDATE = {
    "project": "yanqi_lake_resort",
    "date": "2026-06-01",
    "status": "in_service",
    "note": "改造启动",
    "source": "市推进办 2026-06 通报",
    "by": "王工",
}


@pytest.fixture(scope="module")
def layers():
    return data.load_layers()


def _spec(layers, asof: str, statuses: tuple[str, ...] = ()) -> MapSpec:
    spec = MapSpec(today=dt.date(2026, 12, 1), filters=replace(filters.defaults(2026), asof=asof, statuses=statuses))
    return project_marks.with_register(layers, spec, {"project_updates": [UPDATE]})


def _status(layers, spec) -> str:
    venues = mapspec.shown(layers, spec).venues
    return venues.loc[venues["id"] == "yanqi_lake_resort", "status"].iloc[0]


def test_the_venue_shows_its_registered_status_from_the_updates_date_on(layers):
    before = layers.venues.loc[layers.venues["id"] == "yanqi_lake_resort", "status"].iloc[0]
    assert before != "in_service"
    assert _status(layers, _spec(layers, "2026-05-31")) == before
    assert _status(layers, _spec(layers, "2026-06-01")) == "in_service"
    assert layers.venues.loc[layers.venues["id"] == "yanqi_lake_resort", "status"].iloc[0] == before  # not changed in place


def test_the_status_filter_reads_the_register_on_the_date(layers):
    ids = lambda spec: set(mapspec.shown(layers, spec).venues["id"])  # noqa: E731
    assert "yanqi_lake_resort" not in ids(_spec(layers, "2026-05-31", ("in_service",)))
    assert "yanqi_lake_resort" in ids(_spec(layers, "2026-07-01", ("in_service",)))


def test_the_command_lines_pdf_review_marks_on_its_map_what_its_rows_say(run_cli, tmp_path):
    import subprocess

    from geo import style, workspace

    url = f"sqlite:///{tmp_path / 'ws.gpkg'}"
    ws = workspace.Store(url).create("review")
    update = ("projects", "update", "fourth_embassy_area", "--workspace", ws["id"], "--token", ws["edit_token"],
              "--date", "2025-04-01", "--milestone", "design approved=2025-06-30")  # fmt: skip
    assert run_cli(*update, BEM_DATABASE_URL=url).returncode == 0
    overdue = style.mark_style("overdue").label("en")
    for day, marked in (("2025-06-30", False), ("2025-07-01", True)):
        out = tmp_path / f"review-{day}.pdf"
        report = (
            "projects",
            "report",
            "--out",
            str(out),
            "--as-of",
            day,
            "--workspace",
            ws["id"],
            "--token",
            ws["view_token"],
            "--lang",
            "en",
        )
        assert run_cli(*report, BEM_DATABASE_URL=url).returncode == 0
        map_page = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert (overdue in map_page) is marked, (day, map_page[-400:])


def test_the_progress_panel_counts_the_central_axis_in_the_one_core_and_lists_outside_last(layers):
    from geo import i18n, projects
    from ui import projects_panel

    found = projects.register(layers, None, "2026-12-01")
    areas = projects_panel.area_of(layers, found, "zh")
    core = layers.core["name_zh"].iloc[0]
    assert areas["forbidden_city"] == core and areas["temple_of_heaven"] == core
    table = projects_panel.count_table(found, areas, "stage", "zh")
    names = list(table[i18n.t("proj_area", "zh")])
    outside = i18n.t("proj_no_area", "zh")
    assert names[-1] == outside and names.count(outside) == 1
    assert table[i18n.t("proj_total", "zh")].sum() == len(found)


def test_an_as_of_or_since_date_is_an_active_filter_and_named_in_the_file_name():
    day = dt.date(2026, 12, 1)
    plain = MapSpec(today=day, filters=filters.defaults(2026))
    assert not plain.filters.active(day)
    for dates in ({"asof": "2025-06-01"}, {"since": "2025-03-01"}):
        spec = replace(plain, filters=replace(plain.filters, **dates))
        assert spec.filters.active(day)
        assert mapspec.file_name(spec, "png") != mapspec.file_name(plain, "png")


def test_the_maps_disk_cache_changes_with_the_maps_scripts_and_words(tmp_path, monkeypatch):
    """A change to the map's keyboard script or a catalogue module alone makes a new map, not a stale cached one."""
    import shutil

    from tests.conftest import ROOT
    from ui import fastmap

    copy = tmp_path / "app"
    for rel in ("geo", "ui", "data"):
        shutil.copytree(ROOT / rel, copy / rel, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fastmap, "__file__", str(copy / "ui" / "fastmap.py"))
    fingerprint = fastmap.code_fingerprint.__wrapped__  # once per process in the app; each change here
    before = fingerprint()
    for rel in ("geo/static/page/map-a11y.js", "geo/a11y_messages.py"):
        with open(copy / rel, "a", encoding="utf-8") as fh:
            fh.write("\n")
        after = fingerprint()
        assert after != before, rel
        before = after
