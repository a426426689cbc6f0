"""geo.datum: published test vectors, round trips, the no-shift region, vectorisation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geo import datum

GEOD = Geod(ellps="WGS84")

# wandergis/coordtransform README (the reference implementation most Chinese code copies)
VECTORS = [
    ("from_wgs84", "gcj02", (116.404, 39.915), (116.41024449916938, 39.91640428150164)),
    ("from_wgs84", "bd09", (116.404, 39.915), (116.41662724378733, 39.922699552216216)),
]
# the same README's approximate inverses; ours is exact, so agreement is to a few cm
APPROX_INVERSES = [
    ("gcj02", (116.404, 39.915), (116.39775550083061, 39.91359571849836)),
]


def metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.abs(GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.mark.parametrize(("fn", "target", "given_", "expected"), VECTORS)
def test_published_vectors(fn, target, given_, expected):
    assert getattr(datum, fn)(*given_, target) == pytest.approx(expected, abs=1e-12)


def test_gcj02_to_bd09_vector():
    # coordtransform: gcj02_to_bd09(116.404, 39.915) = (116.41036949371029, 39.92133699351021)
    lon, lat = datum._gcj_to_bd(np.array([116.404]), np.array([39.915]))
    assert (lon[0], lat[0]) == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-12)


@pytest.mark.parametrize(("source", "given_", "approx"), APPROX_INVERSES)
def test_exact_inverse_beats_the_one_step_approximation(source, given_, approx):
    ours = datum.to_wgs84(*given_, source)
    assert metres(*ours, *approx) < 0.1
    forward = datum.from_wgs84(*ours, source)
    theirs_forward = datum.from_wgs84(*approx, source)
    assert metres(*forward, *given_) < 1e-4  # ours maps back onto the input
    assert metres(*theirs_forward, *given_) > 0.01  # the one-step inverse does not


beijing_lon = st.floats(115.4, 117.5)
beijing_lat = st.floats(39.4, 41.1)


@settings(max_examples=300, deadline=None)
@given(beijing_lon, beijing_lat, st.sampled_from(["gcj02", "bd09"]))
def test_round_trip_over_beijing_within_half_a_metre(lon, lat, target):
    back = datum.to_wgs84(*datum.from_wgs84(lon, lat, target), target)
    assert metres(lon, lat, *back) < 0.5


@settings(max_examples=200, deadline=None)
@given(beijing_lon, beijing_lat)
def test_offset_in_beijing_is_hundreds_of_metres(lon, lat):
    gcj = datum.from_wgs84(lon, lat, "gcj02")
    assert 150 < metres(lon, lat, *gcj) < 900


outside_china = st.one_of(
    st.tuples(st.floats(-180, 70), st.floats(-90, 90)),  # the Americas, Europe, Africa
    st.tuples(st.floats(140, 180), st.floats(-90, 90)),  # Pacific
    st.tuples(st.floats(-180, 180), st.floats(-90, 15)),  # the southern latitudes
    st.tuples(st.floats(126.5, 129.5), st.floats(34.5, 38.0)),  # South Korea
    st.tuples(st.floats(120.2, 121.9), st.floats(22.2, 25.2)),  # Taiwan
)


@settings(max_examples=300, deadline=None)
@given(outside_china, st.sampled_from(["gcj02", "bd09"]))
def test_no_shift_outside_mainland_china(point, target):
    lon, lat = point
    assert datum.from_wgs84(lon, lat, target) == (lon, lat)
    assert datum.to_wgs84(lon, lat, target) == (lon, lat)


@pytest.mark.parametrize(
    ("name", "lon", "lat", "shifted"),
    [
        ("Hong Kong", 114.17, 22.30, False),
        ("Macau", 113.54, 22.19, False),
        ("Taipei", 121.56, 25.03, False),
        ("Seoul", 126.98, 37.57, False),
        ("Ulaanbaatar", 106.91, 47.92, False),
        ("Hanoi", 105.85, 21.03, False),
        ("Shenzhen", 114.06, 22.54, True),
        ("Zhuhai", 113.57, 22.27, True),
        ("Xiamen", 118.09, 24.48, True),
        ("Beijing", 116.39, 39.91, True),
        ("Urumqi", 87.62, 43.83, True),
        ("Harbin", 126.63, 45.75, True),
    ],
)
def test_mainland_outline(name, lon, lat, shifted):
    assert (datum.from_wgs84(lon, lat, "gcj02") != (lon, lat)) is shifted, name


def test_vectorised_arrays_keep_shape_and_match_scalars():
    lon = np.array([[116.404, 114.17], [121.56, 87.62]])
    lat = np.array([[39.915, 22.30], [25.03, 43.83]])
    glon, glat = datum.from_wgs84(lon, lat, "gcj02")
    assert glon.shape == lon.shape
    for i in np.ndindex(lon.shape):
        assert (glon[i], glat[i]) == datum.from_wgs84(float(lon[i]), float(lat[i]), "gcj02")
    assert np.isnan(datum.from_wgs84(np.array([np.nan]), np.array([39.0]), "gcj02")[0][0])


def test_wgs84_is_identity_and_unknown_datum_is_refused():
    assert datum.from_wgs84(116.4, 39.9, "wgs84") == (116.4, 39.9)
    with pytest.raises(ValueError, match="unknown datum"):
        datum.to_wgs84(116.4, 39.9, "utm")
