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
        "server memory, 1 session(s)",
        "server memory, 3 session(s)",
        "memory per extra session (1 -> 3)",
        "rerun under 3 concurrent sessions (median)",
        "server holds 3 sessions without swapping",
        "a session's first run: bytes sent",
        "warm open: second visitor",
        "warm open: static export",
        "warm open ratio (ours / bare",
        "warm open ratio (ours / static",
        "warm open, page's clock: navigation to layers painted",
        "warm open ratio, page's clock (ours / bare",
        "warm open, ours: page to map iframe",
        "warm open: bytes loaded, ours",
    ):
        assert figure in table
    rows = json.loads(out.read_text())["rows"]
    timed = [r for r in rows if r.get("unit", "s") == "s"]
    assert all(r["median_s"] is not None and r["median_s"] > 0 for r in timed)
    by_name = {r["figure"]: r for r in rows}
    memory = [by_name[f"server memory, {n} session(s) (RSS of the process tree)"]["median_s"] for n in (1, 3)]
    assert all(m > 50 for m in memory)  # a Streamlit server's whole tree, in MB: read from /proc, not made up
    page = next(r for r in rows if r["figure"].startswith("a session's first run"))
    assert page["median_s"] > 50  # KB: the page with its map reached the session
    held = next(r for r in rows if r["figure"].startswith("server holds 3 sessions"))
    assert held["text"] in ("yes", "NO") and held["expect"] == "yes"
    seen = by_name["warm open: second visitor to vector layers drawn"]["median_s"]
    painted = by_name["warm open, page's clock: navigation to layers painted"]["median_s"]
    assert 0.1 < painted <= seen  # on the screen before the automation saw it, and not at navigation start
    loads = [r for r in rows if r["figure"].startswith("warm open: bytes loaded")]
    assert len(loads) == 3 and all(r["runs"][0] > 10_000 for r in loads)  # each page's real bytes


def test_a_websocket_session_runs_the_app_and_the_server_tree_is_measured():
    """One real session on a real server: its runs end with script_finished, and the tree's memory is read."""
    import asyncio

    from geo import bench, bench_sessions

    root = bench.Path(bench.__file__).resolve().parents[1]
    proc, url = bench._serve(str(root / "app.py"), str(root))
    try:

        async def twice():
            session = await bench_sessions.Session.open(url)
            try:
                return [await session.run(), await session.run()]
            finally:
                await session.close()

        assert all(t > 0 for t in asyncio.run(twice()))
        assert bench_sessions.tree_rss_mb(proc.pid) > 50
    finally:
        proc.terminate()
        proc.wait(timeout=10)
