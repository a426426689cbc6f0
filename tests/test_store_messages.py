"""The workspace store's errors speak the reader's language (issue 25: "every import, export and store error is a
catalogued message in the page's language"): the command line in Chinese names no English sentence."""

from __future__ import annotations

import json
import re

import pytest

from geo import workspace
from geo.errors import StoreUnavailable
from geo.workspace_content import check_content

LATIN_SENTENCE = re.compile(r"[A-Za-z]+ [a-z]+ [a-z]+")  # three English words in a row


def _zh(text: str) -> None:
    assert re.search(r"[\u4e00-\u9fff]", text), text
    assert not LATIN_SENTENCE.search(text), text


@pytest.fixture
def ws(tmp_path):
    url = f"sqlite:///{tmp_path / 'ws.gpkg'}"
    return {**workspace.Store(url).create("评审"), "url": url}


def test_a_view_token_refused_on_the_command_line_in_chinese(run_cli, ws, tmp_path):
    points = tmp_path / "points.geojson"
    points.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "甲"}, "geometry": {"type": "Point", "coordinates": [116.4, 39.9]}}]}))  # fmt: skip
    out = run_cli(
        "workspace", "add-layer", ws["id"], "--token", ws["view_token"], str(points), BEM_LANG="zh", BEM_DATABASE_URL=ws["url"]
    )
    assert out.returncode != 0
    _zh(out.stderr)
    assert "编辑令牌" in out.stderr
    out = run_cli("workspace", "show", ws["id"], "--token", "x" * 32, BEM_LANG="zh", BEM_DATABASE_URL=ws["url"])
    assert out.returncode != 0
    _zh(out.stderr)


def test_a_bad_store_setting_in_chinese(run_cli):
    out = run_cli("workspace", "new", "评审", BEM_LANG="zh", BEM_DATABASE_URL="mysql://db/ws")
    assert out.returncode != 0
    _zh(out.stderr.replace("BEM_DATABASE_URL", "").replace("postgresql://", "").replace("sqlite:///", ""))


@pytest.mark.parametrize(
    "content, zh",
    [
        ({"layers": "x"}, "列表"),
        ({"shapes": []}, "只能包含"),
        ({"sketches": [{"title": "t", "note": "n", "geometry": {"type": "Point", "coordinates": [900, 0]}}]}, "第 1 个草图"),
        (
            {
                "layers": [
                    {"name": "a", "features": {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None}]}}
                ]
            },
            "第 1 个图层的第 1 个要素",
        ),
    ],
)
def test_a_refused_workspace_document_is_named_in_both_languages(content, zh):
    with pytest.raises(workspace.WorkspaceError) as caught:
        check_content(content)
    _zh(caught.value.message("zh"))
    assert zh in caught.value.message("zh")
    assert not re.search(r"[\u4e00-\u9fff]", caught.value.message("en"))


def test_conflicts_and_an_unreachable_store_speak_chinese():
    for exc in (workspace.Conflict("err_ws_conflict_version", head=3, expected=2), StoreUnavailable()):
        _zh(exc.message("zh"))
        assert str(exc) == exc.message("en")


def test_a_snapshot_refused_for_its_spec_says_why_in_chinese(layers):
    from geo import snapshot

    with pytest.raises(snapshot.SnapshotError) as caught:
        snapshot.render(layers, snapshot.view_spec("core", layers=("nope",)), "png")
    assert "nope" in caught.value.message("zh") and "图层" in caught.value.message("zh")
    with pytest.raises(snapshot.SnapshotError) as caught:
        snapshot.view_spec("moon")
    assert "moon" in caught.value.message("zh") and "视图" in caught.value.message("zh")
