"""A tiny run of the benchmark harness so it cannot rot (timings are printed, never asserted)."""

from __future__ import annotations

import json

from geo import bench


def test_bench_quick_run_prints_a_table_and_json(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert bench.main(["--quick", "--json", str(out)]) == 0
    table = capsys.readouterr().out
    for figure in (
        "snapshot 1920x1080 PNG",
        "payload of the default view",
        "rerun server time",
        "cold open",
        "map iframe reloads",
        "draw 1,000 imported points",
        "import 20,000 points",
        "import ratio (ours / pandas + shapely",
        "import memory",
    ):
        assert figure in table
    rows = json.loads(out.read_text())["rows"]
    timed = [r for r in rows if r.get("unit", "s") == "s"]
    assert all(r["median_s"] is not None and r["median_s"] > 0 for r in timed)
