"""Build the layout layers in ``data/`` from the reviewed tables below, and export the venues table.

Writes ``data/axes.geojson`` (the two axes and their extensions) and ``data/areas.geojson`` (the "Multiple
Areas", indicative extents clipped to Beijing). Every feature cites the sentence of the 17 March 2025 meeting
that puts it on the map (looked up verbatim in ``data/sources``).

The venues are not built here: they are the table ``data/venues.csv``, edited by hand (a spreadsheet, QGIS)
and read by the app directly, so a rebuild never touches them. ``--venues-geojson FILE`` writes that table
as GeoJSON, checked against ``data/schema.json`` first: the same features the app loads.

Coordinates are WGS-84. They were checked against public sources recorded per feature
(``coord_source``); Chinese web sources in GCJ-02 were converted with ``geo.datum``.
Indicative extents are drawn from the listed anchors (buffered hulls in EPSG:32650),
because no official boundary is published for them; their ``precision`` says so.

Run:  python scripts/build_layout.py [--out DIR] [--venues-geojson FILE]   (needs data/boundary.geojson)
Deterministic: running it twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import LineString, box, mapping

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo import data, schema  # noqa: E402
from geo.errors import DataError  # noqa: E402
from geo.plan import sentence  # noqa: E402
from scripts.build_boundaries import write_collection  # noqa: E402

METRIC = "EPSG:32650"

# The sentences of the meeting that name each kind of place (looked up verbatim).
S_AXIS = sentence("Beijing Central Axis")
S_FRAMEWORK = sentence("One Core, Two Axes, and Multiple Areas")
S_AREAS = sentence("key areas and facilities")

# Axes: id, name_zh, name_en, segment, vertices (lon, lat), precision, coord_source
BELL_TOWER = (116.389593, 39.94115)
YONGDINGMEN = (116.3929, 39.8711)
FUXINGMEN = (116.3506, 39.9064)
JIANGUOMEN = (116.4293, 39.9068)
AXES: list[tuple] = [
    (
        "central_axis",
        "北京中轴线（世界遗产）",
        "Beijing Central Axis (World Heritage)",
        "main",
        [BELL_TOWER, (116.38994, 39.93501), (116.39056, 39.92361), (116.391083, 39.907333), (116.391472, 39.899167), YONGDINGMEN],
        "exact",
        "Bell Tower to Yongdingmen through the component parts' WGS-84 coordinates (~7.8 km)",
    ),
    (
        "central_axis_north",
        "中轴线北延长线（奥林匹克中心区）",
        "Central Axis northern extension (Olympic area)",
        "extension",
        [BELL_TOWER, (116.3870, 40.0), (116.3857, 40.028)],
        "indicative",
        "The axis line (tilted ~2°) continued north between the National Stadium and the Water Cube to the Olympic Forest Park",
    ),
    (
        "central_axis_south",
        "中轴线南延长线（南苑—大兴国际机场）",
        "Central Axis southern extension (Nanyuan to Daxing airport)",
        "extension",
        [YONGDINGMEN, (116.3968, 39.78), (116.41056, 39.50917)],
        "indicative",
        "The axis line continued south through Nanyuan to the Daxing airport terminal",
    ),
    (
        "changan_avenue",
        "长安街",
        "Chang'an Avenue",
        "main",
        [FUXINGMEN, (116.3911, 39.9063), JIANGUOMEN],
        "exact",
        "Fuxingmen to Jianguomen past Tian'anmen, GCJ-02 road positions converted to WGS-84 (±50 m)",
    ),
    (
        "changan_avenue_west",
        "长安街西延长线（首钢）",
        "Chang'an Avenue western extension (Shougang)",
        "extension",
        [FUXINGMEN, (116.3044, 39.9062), (116.2300, 39.9070), (116.1500, 39.9070)],
        "indicative",
        "Fuxing Road and Shijingshan Road to Shougang Park (indicative)",
    ),
    (
        "changan_avenue_east",
        "长安街东延长线（城市副中心）",
        "Chang'an Avenue eastern extension (city sub-center)",
        "extension",
        [JIANGUOMEN, (116.4552, 39.9075), (116.5500, 39.9070), (116.6500, 39.9080), (116.7150, 39.9100)],
        "indicative",
        "Jianguo Road towards the Beijing Municipal Administrative Center in Tongzhou (indicative)",
    ),
]

# Areas: id, region, name_zh, name_en, anchor boxes [(minlon, minlat, maxlon, maxlat)], buffer m, coord_source
AREAS: list[tuple] = [
    (
        "east_cbd_embassies",
        "east",
        "CBD与使馆区（建国门外、三里屯、亮马桥）",
        "CBD and embassy areas (Jianguomenwai, Sanlitun, Liangmaqiao)",
        [
            (116.447, 39.900, 116.490, 39.925),
            (116.438, 39.9325, 116.4615, 39.947),
            (116.4345, 39.908, 116.4475, 39.9205),
            (116.458, 39.947, 116.475, 39.960),
        ],
        300,
        "Hull of the CBD and the three embassy areas' extents described by road boundaries",
    ),
    (
        "east_dongba",
        "east",
        "东坝—第四使馆区",
        "Dongba and the Fourth Embassy Area",
        [(116.540, 39.955, 116.565, 39.970)],
        500,
        "Around the estimated Fourth Embassy Area site in Dongba",
    ),
    (
        "east_airport_exhibition",
        "east",
        "首都机场—顺义新国展",
        "Capital airport and Shunyi exhibition center",
        [(116.583, 40.045, 116.622, 40.090), (116.537, 40.063, 116.551, 40.081)],
        800,
        "Hull of the Capital airport terminal area and the CIEC New Venue phases I-II",
    ),
    (
        "north_yanqi_lake",
        "north",
        "雁栖湖国际会都",
        "Yanqi Lake international conference area",
        [(116.650, 40.383, 116.700, 40.425)],
        300,
        "Yanqi Lake, Yanqi Island and the Sunrise area",
    ),
    (
        "north_great_wall",
        "north",
        "八达岭长城",
        "Badaling Great Wall",
        [(116.000, 40.345, 116.020, 40.362)],
        1200,
        "Around the Badaling pass and the Great Wall Museum",
    ),
    (
        "north_olympic",
        "north",
        "奥林匹克中心区",
        "Olympic central area",
        [(116.378, 39.985, 116.401, 40.012)],
        200,
        "Olympic Green from Wikipedia venue coordinates",
    ),
    (
        "west_gardens_zhongguancun",
        "west",
        "三山五园与中关村",
        "Royal gardens and Zhongguancun",
        [
            (116.258, 39.986, 116.285, 40.006),
            (116.295, 39.970, 116.335, 39.995),
            (116.288, 39.987, 116.294, 39.992),
            (116.290, 40.000, 116.310, 40.015),
        ],
        400,
        "Hull of the Summer Palace, the Old Summer Palace, Peking and Tsinghua universities, Zhongguancun core",
    ),
    (
        "south_nanyuan",
        "south",
        "南苑地区",
        "Nanyuan",
        [(116.360, 39.760, 116.430, 39.810)],
        300,
        "Former Nanyuan airport and Nanyuan Forest Wetland Park",
    ),
    (
        "south_daxing_airport",
        "south",
        "大兴国际机场地区",
        "Daxing International Airport area",
        [(116.380, 39.490, 116.440, 39.540)],
        800,
        "Around the Daxing airport terminal, clipped to Beijing",
    ),
]


# When each axis and area is on the layout (the year slider: the layout as it stood or is planned in a year), with
# the same fields and rule as the venues (``geo.explore.year_mask``): ``year_open``, the year it is on the map from
# (opened, built); ``status`` "planned" with no year, from the plan's year (the meeting of 2025) on; no date at all,
# long-standing: every year. ``dates_source`` says where each date comes from (the venues' ``dates_source``,
# well-known public dates, the meeting text in data/sources); a date that cannot be sourced is left empty.
MASTER_PLAN = (
    "The Beijing Urban Master Plan (2016-2035), approved in September 2017, names the Two Axes: the Central Axis "
    "and Chang'an Avenue with their extensions"
)
DATES: dict[str, dict] = {
    "central_axis": {"dates_source": "Historic axis, long-standing; inscribed on the World Heritage List in 2024"},
    "central_axis_north": {
        "year_open": 2008,
        "dates_source": "Laid out through the Olympic Green for the Beijing 2008 Olympic Games",
    },
    "central_axis_south": {
        "year_open": 2019,
        "dates_source": MASTER_PLAN + "; drawn to the Daxing airport terminal, which opened in September 2019",
    },
    "changan_avenue": {"dates_source": "Historic avenue, long-standing"},
    "changan_avenue_west": {"year_open": 2017, "dates_source": MASTER_PLAN},
    "changan_avenue_east": {"year_open": 2017, "dates_source": MASTER_PLAN},
    "east_cbd_embassies": {"dates_source": "Long-standing embassy areas and business district; no single date"},
    "east_dongba": {
        "status": "planned",
        "dates_source": "Planning and development to be accelerated (meeting of 17 March 2025); no date published: "
        "on the layout from the plan's year, 2025",
    },
    "east_airport_exhibition": {
        "year_open": 1958,
        "dates_source": "Beijing Capital International Airport opened in 1958 (the CIEC New Venue's phase I in 2008)",
    },
    "north_yanqi_lake": {"year_open": 2014, "dates_source": "The conference resort opened for APEC 2014"},
    "north_great_wall": {"dates_source": "Long-standing (the Great Wall; its museum opened in 1994)"},
    "north_olympic": {"year_open": 2008, "dates_source": "Built for the Beijing 2008 Olympic Games"},
    "west_gardens_zhongguancun": {"dates_source": "Historic gardens and long-standing universities; no single date"},
    "south_nanyuan": {"dates_source": "Long-standing area; no single date"},
    "south_daxing_airport": {"year_open": 2019, "dates_source": "Beijing Daxing International Airport opened in September 2019"},
}


def venue_features(data_dir: Path) -> list[dict]:
    """The venues table of ``data_dir`` as GeoJSON features (empty cells are null), or DataError naming the row
    and field of each mistake."""
    venues = schema.load_schema().layers["venues"]
    loaded = data.read_layer(venues, data_dir)
    data.raise_errors(loaded.errors)
    return [_feature(geom, props) for props, geom in zip(loaded.records, loaded.frame.geometry)]


def axis_features() -> list[dict]:
    feats = []
    for fid, zh, en, segment, coords, precision, src in AXES:
        sent = S_AXIS if fid == "central_axis" else S_FRAMEWORK
        feats.append(
            _feature(
                LineString(coords),
                {
                    "id": fid,
                    "name_zh": zh,
                    "name_en": en,
                    "category": "framework",
                    "role": "axis",
                    "plan_action": "develop" if fid == "central_axis" else "optimize",
                    "plan_sentence": sent,
                    "coord_source": src,
                    "precision": precision,
                    "segment": segment,
                    **DATES[fid],
                },
            )
        )
    return feats


def area_features(boundary: shapely.Geometry) -> list[dict]:
    feats = []
    for fid, region, zh, en, boxes, buffer_m, src in AREAS:
        shape = gpd.GeoSeries([shapely.union_all([box(*b) for b in boxes]).convex_hull], crs="EPSG:4326")
        metric = shape.to_crs(METRIC).buffer(buffer_m, quad_segs=4)
        geom = metric.to_crs("EPSG:4326").iloc[0].intersection(boundary)
        geom = shapely.set_precision(geom, 1e-5)
        feats.append(
            _feature(
                geom,
                {
                    "id": fid,
                    "name_zh": zh,
                    "name_en": en,
                    "category": "framework",
                    "role": "area",
                    "plan_action": "strengthen",
                    "plan_sentence": S_AREAS,
                    "coord_source": src + " (indicative extent; no official boundary is published)",
                    "precision": "indicative",
                    "region": region,
                    **DATES[fid],
                },
            )
        )
    return feats


def _feature(geom: shapely.Geometry, props: dict) -> dict:
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    parser.add_argument("--boundary", type=Path, default=ROOT / "data" / "boundary.geojson")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="the folder whose venues.csv is exported")
    parser.add_argument("--venues-geojson", type=Path, metavar="FILE", help="also write the venues table as GeoJSON")
    args = parser.parse_args(argv)
    boundary = gpd.read_file(args.boundary).union_all()
    args.out.mkdir(parents=True, exist_ok=True)
    write_collection(args.out / "axes.geojson", "axes", axis_features())
    write_collection(args.out / "areas.geojson", "areas", area_features(boundary))
    if args.venues_geojson:
        try:
            features = venue_features(args.data)
        except DataError as exc:
            for error in getattr(exc, "errors", [exc]):
                print(f"error: {error}", file=sys.stderr)
            return 1
        write_collection(args.venues_geojson, "venues", features)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
