"""Search, filters and the metric answers (UTM 50N) against hand-computed values."""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
import shapely
from pyproj import Geod

from geo import explore
from geo.data import METRIC_CRS
from geo.filters import FilterSpec

GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("故宫", "forbidden_city"),
        ("gugong", "forbidden_city"),
        ("GuGong", "forbidden_city"),
        ("forbidden", "forbidden_city"),
        ("Forbidden City", "forbidden_city"),
        ("tiananmen", "tiananmen"),
        ("天安门", "tiananmen"),
        ("tam", "tiananmen"),
        ("Tian'anmen", "tiananmen"),
        ("大兴", "daxing_airport"),
        ("yanqi", "yanqi_lake_resort"),
        ("雁栖湖", "yanqi_lake_resort"),
        ("钓鱼台", "diaoyutai_state_guesthouse"),
        ("diaoyutai", "diaoyutai_state_guesthouse"),
        ("embassy", "fourth_embassy_area"),
        ("olympic", "olympic_park_central_area"),
    ],
)
def test_search_finds_by_any_name(layers, query, first):
    assert explore.search(layers.venues, query).iloc[0]["id"] == first


def test_search_partial_and_nothing(layers):
    assert set(explore.search(layers.venues, "机场")["id"]) == {"capital_airport", "daxing_airport"}
    assert explore.search(layers.venues, "zzzz").empty and explore.search(layers.venues, "  ").empty


def test_one_tenth_degree_of_latitude(layers):
    """Hand computation: 0.1° of latitude at 39.95° N is 11,104 m (meridian arc, WGS-84)."""
    a = gpd.GeoSeries([shapely.Point(116.4, 39.9)], crs=4326)
    b = gpd.GeoSeries([shapely.Point(116.4, 40.0)], crs=4326)
    d = a.to_crs(METRIC_CRS).distance(b.to_crs(METRIC_CRS)).iloc[0]
    assert d == pytest.approx(11_104, rel=0.001)


def test_distances_between_airports_match_the_geodesic(layers):
    v = layers.venues.set_index("id")
    pek, pkx = v.loc["capital_airport"].geometry, v.loc["daxing_airport"].geometry
    geodesic_km = GEOD.inv(pek.x, pek.y, pkx.x, pkx.y)[2] / 1000
    d = explore.distances(layers, "capital_airport")
    assert d["capital_airport"] == 0
    assert d["daxing_airport"] == pytest.approx(geodesic_km, rel=0.002)
    assert 60 < d["daxing_airport"] < 70  # the two hubs are ~65 km apart


def test_distances_from_inside_the_core(layers):
    d = explore.distances(layers, "forbidden_city")
    assert d["core"] == 0  # inside the core area
    assert d["axis"] < 0.05 and d["axis_id"] == "central_axis"  # the palace straddles the axis
    d = explore.distances(layers, "yanqi_lake_resort")
    v = layers.venues.set_index("id").loc["yanqi_lake_resort"].geometry
    core = layers.core.to_crs(METRIC_CRS).union_all()
    assert d["core"] == pytest.approx(core.distance(gpd.GeoSeries([v], crs=4326).to_crs(METRIC_CRS).iloc[0]) / 1000)
    assert 45 < d["core"] < 60


def test_buffer_area_is_pi_r_squared():
    poly = explore.buffer_polygon((116.4, 39.9), 2.0)
    area_km2 = gpd.GeoSeries([poly], crs=4326).to_crs(METRIC_CRS).area.iloc[0] / 1e6
    assert area_km2 == pytest.approx(math.pi * 4, rel=0.002)


def test_within_n_km(layers):
    fc = layers.venues.set_index("id").loc["forbidden_city"].geometry
    near = layers.venues[explore.within(layers.venues, (fc.x, fc.y), 2.0)]
    assert "tiananmen" in set(near["id"]) and "capital_airport" not in set(near["id"])
    # every venue within 2 km by the geodesic is found, and none beyond 2.01 km
    for _, row in layers.venues.iterrows():
        g = GEOD.inv(fc.x, fc.y, row.geometry.x, row.geometry.y)[2]
        if g < 1990:
            assert row["id"] in set(near["id"])
        if g > 2010:
            assert row["id"] not in set(near["id"])


def test_filters_combine(layers):
    f = FilterSpec(categories=("heritage",), districts=("Xicheng",))
    out = explore.filter_venues(layers.venues, f)
    assert set(out["id"]) == {"wanning_bridge", "jingshan", "southern_section_road_remains", "xiannongtan"}
    assert explore.filter_venues(layers.venues, FilterSpec(statuses=("under_construction",)))["id"].tolist() == [
        "great_wall_museum"
    ]


def test_year_shows_the_layout_as_it_stood(layers):
    in_2010 = set(explore.filter_venues(layers.venues, FilterSpec(year=2010))["id"])
    assert "daxing_airport" not in in_2010 and "capital_airport" in in_2010 and "forbidden_city" in in_2010
    assert "daxing_airport" in set(explore.filter_venues(layers.venues, FilterSpec(year=2020))["id"])


def test_counts(layers):
    per_district = explore.counts_by(layers.venues, layers, "district", "en")
    assert per_district.sum() == len(layers.venues) and per_district["Dongcheng"] == 11
    per_area = explore.counts_by(layers.venues, layers, "area", "en")
    assert per_area["Olympic central area"] == 2


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("中轴线", "central_axis"),
        ("奥运", "olympic_park_central_area"),
        ("首都机场", "capital_airport"),
        ("大兴机场", "daxing_airport"),
        ("新国展", "ciec_new_venue"),
        ("使馆区", "fourth_embassy_area"),
        ("yqh", "yanqi_lake_resort"),
        ("Capital Airport", "capital_airport"),
        ("长安街", "changan_avenue"),
        ("Central Axis", "central_axis"),
        ("olympic", "olympic_park_central_area"),
        ("一核", "one_core"),
    ],
)
def test_search_finds_what_planners_type(layers, query, first):
    hits = explore.search(explore.places(layers), query)
    assert hits.iloc[0]["id"] == first, list(hits["id"])


def test_chinese_short_names_find_what_the_english_finds(layers):
    """ "奥运" found the Olympic venue but not the Olympic area that "Olympic" finds; "CBD" found nothing."""
    from geo import explore

    places = explore.places(layers)
    by_en = set(explore.search(places, "Olympic")["id"]) - {"central_axis_north"}  # the axis's name says Olympic
    assert by_en <= set(explore.search(places, "奥运")["id"])
    assert "north_olympic" in set(explore.search(places, "奥运")["id"])
    assert explore.search(places, "CBD")["id"].iloc[0] == "east_cbd_embassies"
    known = set(places["id"])
    assert set(explore.aliases()) <= known  # every alias names a real feature


def test_the_airport_drawn_in_its_area_is_counted_there(layers):
    """The Daxing terminal point lies 430 m outside the clipped area (in the Hebei notch of the municipal
    boundary): the statistics counted 0 venues in the area the airport symbol is drawn in."""
    from geo import explore

    counts = explore.counts_by(layers.venues, layers, "area", "en")
    daxing = layers.areas.set_index("id").loc["south_daxing_airport", "name_en"]
    assert counts[daxing] == 1
    membership = explore.venue_areas(layers)
    assert membership["venue"].is_unique  # one area per venue
    assert "forbidden_city" not in set(membership["venue"])  # the tolerance does not pull the core into an area
