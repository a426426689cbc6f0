"""The browser's GCJ-02 conversion (``BEM.datum`` in bem-map.js) in headless Chromium: the published test
vectors tests/test_datum.py holds geo.datum to, geo.datum itself over a grid of Beijing, and the readout of a
GCJ-02 map, which shows WGS-84."""

from __future__ import annotations

import re

import numpy as np
import pytest

from geo import assets, datum, io
from geo.mapspec import MapSpec
from tests.test_datum import APPROX_INVERSES, VECTORS

pytestmark = pytest.mark.browser
BEM_MAP_JS = assets.VENDOR_DIR / "bem-map" / "bem-map.js"
#: the readout shows 6 decimals (~0.1 m); the port is held far tighter, to the inverse's own 1e-9° residual
DEG = 1e-8
GCJ_VECTORS = [(given, expected) for fn, target, given, expected in VECTORS if target == "gcj02"]


@pytest.fixture(scope="module")
def page(browser):
    """A blank page with Leaflet and bem-map.js, as the map loads them (no server: the files themselves)."""
    page = browser.new_page()
    page.add_script_tag(path=str(assets.LEAFLET_DIR / assets.LEAFLET_JS))
    page.add_script_tag(path=str(BEM_MAP_JS))
    yield page
    page.close()


def js(page, fn: str, points) -> np.ndarray:
    """``BEM.datum[fn]`` of every (lon, lat) in ``points``, evaluated in the browser."""
    out = page.evaluate("([fn, pts]) => pts.map(p => BEM.datum[fn](p[0], p[1]))", [fn, [list(p) for p in points]])
    return np.array(out, dtype=float)


@pytest.mark.parametrize(("given", "expected"), GCJ_VECTORS)
def test_forward_matches_the_published_vector(page, given, expected):
    np.testing.assert_allclose(js(page, "wgsToGcj", [given])[0], expected, atol=1e-12, rtol=0)


@pytest.mark.parametrize(("given", "expected"), GCJ_VECTORS)
def test_inverse_takes_the_published_vector_back(page, given, expected):
    np.testing.assert_allclose(js(page, "gcjToWgs", [expected])[0], given, atol=DEG, rtol=0)


@pytest.mark.parametrize(("source", "given", "approx"), APPROX_INVERSES)
def test_inverse_agrees_with_the_published_approximate_inverse_and_with_geo_datum(page, source, given, approx):
    ours = js(page, "gcjToWgs", [given])[0]
    np.testing.assert_allclose(ours, approx, atol=1e-6, rtol=0)  # the one-step inverse is off by a few cm
    np.testing.assert_allclose(ours, datum.to_wgs84(*given, source), atol=DEG, rtol=0)
    np.testing.assert_allclose(js(page, "wgsToGcj", [ours])[0], given, atol=DEG, rtol=0)  # it maps back


def beijing_grid() -> np.ndarray:
    lon, lat = np.meshgrid(np.arange(115.4, 117.5001, 0.05), np.arange(39.4, 41.1001, 0.05))
    return np.column_stack([lon.ravel(), lat.ravel()])


def test_inverse_and_forward_match_geo_datum_over_beijing(page):
    grid = beijing_grid()
    assert len(grid) > 1000
    python_inverse = np.column_stack(datum.to_wgs84(grid[:, 0], grid[:, 1], "gcj02"))
    python_forward = np.column_stack(datum.from_wgs84(grid[:, 0], grid[:, 1], "gcj02"))
    np.testing.assert_allclose(js(page, "gcjToWgs", grid), python_inverse, atol=DEG, rtol=0)
    np.testing.assert_allclose(js(page, "wgsToGcj", grid), python_forward, atol=1e-12, rtol=0)
    assert np.abs(python_inverse[:, 0] - grid[:, 0]).min() > 1e-3  # really shifted (hundreds of metres)


@pytest.mark.parametrize(
    ("name", "lon", "lat"),
    [
        ("Hong Kong", 114.17, 22.30),
        ("Macau", 113.54, 22.19),
        ("Taipei", 121.56, 25.03),
        ("London", -0.13, 51.5),
    ],
)
def test_no_shift_where_geo_datum_has_none(page, name, lon, lat):
    assert datum.to_wgs84(lon, lat, "gcj02") == (lon, lat), name
    for fn in ("gcjToWgs", "wgsToGcj"):
        assert tuple(js(page, fn, [(lon, lat)])[0]) == (lon, lat), (name, fn)


def test_the_readout_of_a_gcj02_map_is_wgs84(browser, layers):
    """The exported Gaode map in Chromium (tiles refused: no network): the pointer readout shows geo.datum's
    WGS-84 of the GCJ-02 point under the pointer, not the map's own coordinates."""
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort())
    try:
        text = io.export_html(layers, MapSpec(lang="en", basemap="gaode"))
        name = re.search(r"var (map_[0-9a-f]+) = L\.map\(", text).group(1)
        page.set_content(text)
        page.wait_for_function("document.querySelector('.bem-mouse') !== null")
        page.evaluate(f"() => {name}.on('mousemove', e => {{ window.lastLatLng = e.latlng; }})")
        for x, y in ((600, 400), (450, 300), (800, 550)):
            page.mouse.move(x, y)
            page.wait_for_function("window.lastLatLng !== undefined")
            gcj = page.evaluate("() => [window.lastLatLng.lng, window.lastLatLng.lat]")
            readout = page.locator(".bem-mouse").inner_text()
            lat, lon = (float(v) for v in readout.removeprefix("WGS-84").split(","))
            expected = datum.to_wgs84(gcj[0], gcj[1], "gcj02")
            assert abs(lon - expected[0]) <= 5.1e-7 and abs(lat - expected[1]) <= 5.1e-7, (readout, expected)
            assert abs(lon - gcj[0]) > 1e-3  # the GCJ-02 offset was taken off
            page.evaluate("() => { window.lastLatLng = undefined; }")
    finally:
        page.close()
