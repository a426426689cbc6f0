"""The warm open, for ``python -m geo.bench``: a second visitor's map on a running server.

Three pages, each already visited once: our app (offline basemap), a bare streamlit-folium page with one
marker (``geo.bench.BARE_APP``) and the app's own standalone HTML export of the default view served by a plain
file server (the static floor). Each round opens each in a fresh browser context, in an order that turns round
by round, and times ``goto`` to the vector layers drawn; the figures are the medians of the round ratios. Each
page's bytes and requests are counted once (what the component loads). The same opens are read on the page's
own clock too (``geo/static/bench/paint-clock.js``: navigation to the first frame painted with the layers), which
a main thread kept busy just after the map is drawn does not delay as it delays what the automation sees.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from geo.paths import PACKAGE_DIR

ROOT = Path(__file__).resolve().parents[1]
TARGET_BARE = 1.0  # issue 22: at most the bare page


def _static_server(folder: str):
    """``python -m http.server`` on a free loopback port, serving ``folder``."""
    from geo.bench import serve_local

    cmd = [sys.executable, "-m", "http.server", "{port}", "--bind", "127.0.0.1", "--directory", folder]
    return serve_local(cmd, "/", 30, "the file server")


def _export(folder: Path) -> None:
    from geo import io as gio
    from geo.data import load_layers
    from geo.mapspec import MapSpec

    (folder / "map.html").write_text(gio.export_html(load_layers(), MapSpec(basemap="offline")), encoding="utf-8")


_LOADED = """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
    .reduce((a, e) => [a[0] + (e.decodedBodySize || 0), a[1] + 1], [0, 0])"""


def _traffic(page) -> tuple[int, int]:
    """Bytes (decoded bodies) and requests the page and each of its frames loaded, by the Resource Timing API."""
    size, count = 0, 0
    for frame in page.frames:
        try:
            b, n = frame.evaluate(_LOADED)
        except Exception:  # a frame gone meanwhile (about:blank, a detached srcdoc)
            continue
        size, count = size + b, count + n
    return size, count


def _drawn(page, framed: bool, paths: int, timeout_ms: int = 120_000) -> float | None:
    """Wait for the vector layers; the moment the map's iframe was attached (None for a page with none)."""
    script = f"document.querySelectorAll('.leaflet-overlay-pane path').length >= {paths}"
    if not framed:
        page.wait_for_function(script, timeout=timeout_ms)
        return None
    iframe = page.locator('iframe[src*="streamlit_folium"]')
    iframe.wait_for(timeout=timeout_ms)
    attached = time.perf_counter()
    iframe.element_handle().content_frame().wait_for_function(script, timeout=timeout_ms)
    return attached


PAINT_CLOCK = PACKAGE_DIR / "static" / "bench" / "paint-clock.js"


class Open(NamedTuple):
    """One open of a page: seconds from ``goto`` until the test saw the layers drawn and the map's iframe
    attached; the page's own clock (navigation to the layers painted, ``paint-clock.js``); bytes, requests."""

    took: float
    frame_s: float
    painted_s: float
    size: int = 0
    count: int = 0


def open_once(browser, url: str, framed: bool, paths: int, traffic: bool = False) -> Open:
    """A fresh context (no cache, no cookies) opening ``url``: seconds to the vector layers drawn and to the
    map's iframe attached (the page's part: the script's run, Streamlit's own scripts), bytes, requests."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        context.add_init_script(f"window.__bemPaintPaths = {int(paths)};")
        context.add_init_script(path=str(PAINT_CLOCK))
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url)
        attached = _drawn(page, framed, paths)
        took = time.perf_counter() - start
        frame_s = took if attached is None else attached - start
        page.wait_for_function("() => 'painted' in window.__bemPaint", timeout=30_000)
        painted_s = page.evaluate("() => window.__bemPaint.painted") / 1000
        if not traffic:
            return Open(took, frame_s, painted_s)
        page.wait_for_timeout(500)  # late requests (fonts, the component's report)
        return Open(took, frame_s, painted_s, *_traffic(page))
    finally:
        context.close()


def _pages(tmp: Path) -> tuple[dict, list]:
    from geo.bench import BARE_APP, _serve

    (tmp / "bare_app.py").write_text(BARE_APP)
    (tmp / "static").mkdir()
    _export(tmp / "static")
    procs, pages = [], {}
    for name, start, suffix, framed, paths in (
        ("ours", lambda: _serve(str(ROOT / "app.py"), str(ROOT)), "/?basemap=offline", True, 20),
        ("bare", lambda: _serve(str(tmp / "bare_app.py"), str(ROOT)), "/", True, 1),
        ("static", lambda: _static_server(str(tmp / "static")), "/map.html", False, 20),
    ):
        proc, url = start()
        procs.append(proc)
        pages[name] = (url + suffix, framed, paths)
    return pages, procs


def measure(browser, rounds: int) -> dict:
    """``rounds`` alternated rounds of the three pages after one visit each; times, bytes, requests."""
    times: dict[str, list[float]] = {"ours": [], "bare": [], "static": []}
    frames: dict[str, list[float]] = {"ours": [], "bare": [], "static": []}
    painted: dict[str, list[float]] = {"ours": [], "bare": [], "static": []}
    loads: dict[str, tuple[int, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        pages, procs = _pages(Path(tmp))
        try:
            for name, (url, framed, paths) in pages.items():  # the first visitor: caches filled, the server warm
                first = open_once(browser, url, framed, paths, traffic=True)
                loads[name] = (first.size, first.count)
            order = list(pages)
            for i in range(rounds):
                for name in order[i % 3 :] + order[: i % 3]:
                    url, framed, paths = pages[name]
                    one = open_once(browser, url, framed, paths)
                    times[name].append(one.took)
                    frames[name].append(one.frame_s)
                    painted[name].append(one.painted_s)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=10)
    return {"times": times, "frames": frames, "painted": painted, "loads": loads}


def rows(browser, rounds: int = 5) -> list[dict]:
    f = measure(browser, rounds)
    t = f["times"]
    static = [o / s for o, s in zip(t["ours"], t["static"])]
    out = _clock_rows(
        t, rounds, "warm open: second visitor to vector layers drawn", "warm open: static export (file server), the floor", ""
    )
    out.append(
        {
            "figure": f"warm open ratio (ours / static, median of {rounds})",
            "median_s": statistics.median(static),
            "runs": static,
            "baseline": 1.0,
            "target_s": None,
            "unit": "x",
        }
    )
    # the same opens on the page's own clock: navigation to the map's layers painted on the screen
    out += _clock_rows(
        f["painted"],
        rounds,
        "warm open, page's clock: navigation to layers painted",
        "warm open, page's clock: static export painted",
        ", page's clock",
    )
    for name in ("ours", "bare"):
        frame_s = statistics.median(f["frames"][name])
        out.append(
            {
                "figure": f"warm open, {name}: page to map iframe / iframe to drawn",
                "median_s": frame_s,
                "runs": f["frames"][name],
                "baseline": statistics.median(t[name]) - frame_s,
                "target_s": None,
            }
        )
    for name in ("ours", "bare", "static"):
        size, count = f["loads"][name]
        out.append(
            {
                "figure": f"warm open: bytes loaded, {name} ({count} requests)",
                "median_s": size / 1024,
                "runs": [size],
                "baseline": f["loads"]["bare"][0] / 1024 if name == "ours" else None,
                "target_s": None,
                "unit": "KB",
            }
        )
    return out


def _clock_rows(t: dict[str, list[float]], rounds: int, ours: str, static: str, clock: str) -> list[dict]:
    """Ours against the bare page, the static floor, and the ratio to the bare page, on one clock's times."""
    bare = [o / b for o, b in zip(t["ours"], t["bare"])]
    return [
        {
            "figure": ours,
            "median_s": statistics.median(t["ours"]),
            "runs": t["ours"],
            "baseline": statistics.median(t["bare"]),
            "target_s": TARGET_BARE * statistics.median(t["bare"]),
            "baseline_name": "bare streamlit-folium page, one marker",
        },
        {"figure": static, "median_s": statistics.median(t["static"]), "runs": t["static"], "baseline": None, "target_s": None},
        {
            "figure": f"warm open ratio{clock} (ours / bare, median of {rounds})",
            "median_s": statistics.median(bare),
            "runs": bare,
            "baseline": 1.0,
            "target_s": TARGET_BARE,
            "unit": "x",
        },
    ]


if __name__ == "__main__":  # python -m geo.bench_warm [rounds]: this part alone
    from geo.bench import chromium, print_table

    pw, browser = chromium()
    try:
        print_table(rows(browser, int(sys.argv[1]) if len(sys.argv) > 1 else 5))
    finally:
        browser.close()
        pw.stop()
