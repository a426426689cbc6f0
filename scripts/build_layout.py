"""Build the curated layout layers in ``data/`` from the reviewed tables below.

Writes ``data/venues.geojson`` (points), ``data/axes.geojson`` (the two axes and their
extensions) and ``data/areas.geojson`` (the "Multiple Areas", indicative extents clipped
to Beijing). Every feature cites the sentence of the 17 March 2025 meeting that puts
it on the map (looked up verbatim in ``data/sources``).

Coordinates are WGS-84. They were checked against public sources recorded per feature
(``coord_source``); Chinese web sources in GCJ-02 were converted with ``geo.datum``.
Indicative extents are drawn from the listed anchors (buffered hulls in EPSG:32650),
because no official boundary is published for them; their ``precision`` says so.

Run:  python scripts/build_layout.py [--out DIR]   (needs data/boundary.geojson)
Deterministic: running it twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import LineString, Point, box, mapping

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.plan import sentence  # noqa: E402
from scripts.build_boundaries import write_collection  # noqa: E402

METRIC = "EPSG:32650"

# The sentences of the meeting that name each kind of place (looked up verbatim).
S_RESORT = sentence("upgrade the Beijing Yanqi Lake International Conference Resort")
S_MUSEUM = sentence("Great Wall Museum of China")
S_AXIS = sentence("Beijing Central Axis")
S_AVIATION = sentence("two aviation hubs")
S_PLATFORMS = sentence("Four Platforms")
S_FRAMEWORK = sentence("One Core, Two Axes, and Multiple Areas")
S_AREAS = sentence("key areas and facilities")

WP = "Wikipedia/GeoHack (WGS-84)"

# id, category, name_zh, name_en, lon, lat, plan_action, sentence, precision, coord_source, note_zh, note_en
VENUES: list[tuple] = [
    ("yanqi_lake_resort", "diplomacy", "北京雁栖湖国际会都（雁栖湖国际会议中心）",
     "Beijing Yanqi Lake International Conference Resort (International Convention Center)",
     116.671, 40.4075, "upgrade", S_RESORT, "indicative",
     "Estimated on Yanqi Island from the lake's layout and a WGS-84 POI at 40.41157,116.68244; "
     "±300-800 m. Verify on imagery.",
     "2014年APEC领导人非正式会议、“一带一路”国际合作高峰论坛领导人圆桌峰会举办地。",
     "Venue of the 2014 APEC Economic Leaders' Meeting and the Belt and Road Forum leaders' roundtables."),
    ("fourth_embassy_area", "diplomacy", "第四使馆区及周边地区（东坝）", "Fourth Embassy Area and surroundings (Dongba)",
     116.552, 39.962, "accelerate", S_RESORT, "indicative",
     "No published coordinates or boundary; placed in west Dongba outside the East 5th Ring from "
     "China Daily 2016-09-03 and Xinjingbao 2020-09-28 descriptions (83.62 ha).",
     "规划用地约83.62公顷，位于朝阳区东坝地区。", "About 83.6 ha planned in Dongba, Chaoyang."),
    ("diaoyutai_state_guesthouse", "diplomacy", "钓鱼台国宾馆（中国发展高层论坛“北京之夜”）",
     "Diaoyutai State Guesthouse (China Development Forum, “Beijing Night”)",
     116.327919, 39.916897, "ensure", S_PLATFORMS, "exact",
     f"{WP}: 39°55′0.83″N 116°19′40.51″E",
     "中国发展高层论坛举办地；会议要求办好“北京之夜”等品牌活动。",
     "Venue of the China Development Forum; the plan calls for a successful “Beijing Night”."),
    ("olympic_park_central_area", "exhibition", "奥林匹克公园中心区", "Central area of the Olympic Park",
     116.3895, 39.9985, "enhance", S_RESORT, "indicative",
     "Centre of the Olympic Green from Wikipedia venue coordinates (Olympic Green 40.003031,116.386669; "
     "National Stadium 39.9917,116.3906; Water Cube 39.99167,116.38417).",
     "提升功能和品质。", "Functions and quality to be enhanced."),
    ("ciec_new_venue", "exhibition", "中国国际展览中心（新馆）", "China International Exhibition Center (New Venue)",
     116.544, 40.068, "enhance", S_RESORT, "exact",
     "Derived: address 裕翔路88号 Tianzhu; phase II lies north of phase I west of Jingmi Rd (workerbj 2025-02-24); "
     "Guozhan station interpolated from Wikipedia Sunhe/Houshayu. ±300 m.",
     "顺义天竺，二期首都国际会展中心已于2025年投用。", "Tianzhu, Shunyi; phase II (Capital International "
     "Convention & Exhibition Center) opened in 2025."),
    ("cncc", "exhibition", "国家会议中心（服贸会、全球数字经济大会）",
     "China National Convention Center (CIFTIS, Global Digital Economy Conference)",
     116.383672, 39.998183, "increase", S_PLATFORMS, "exact",
     f"{WP}: 39°59′53.46″N 116°23′01.22″E",
     "“四大平台”：中国国际服务贸易交易会主会场；全球数字经济大会2022-2025年主会场。",
     "“Four Platforms”: main venue of CIFTIS and of the Global Digital Economy Conference (2022-2025)."),
    ("shougang_park", "exhibition", "首钢园（服贸会首钢园区）", "Shougang Park (CIFTIS Shougang venue)",
     116.1526, 39.9152, "increase", S_PLATFORMS, "exact",
     "GCJ-02 point 116.15867,39.916463 from a public dataset, converted to WGS-84; ±200 m.",
     "“四大平台”：中国国际服务贸易交易会首钢园区。", "“Four Platforms”: CIFTIS venue at Shougang Park."),
    ("zgc_international_innovation_center", "exhibition", "中关村国际创新中心（中关村论坛永久会址）",
     "Zhongguancun International Innovation Center (Zhongguancun Forum)",
     116.2909, 39.9895, "increase", S_PLATFORMS, "exact",
     "GCJ-02 point 116.296976,39.990778 from a public dataset, converted to WGS-84; agrees with the address "
     "新建宫门路1号 north of Wanquanhe Qiao station (Wikipedia 39.983778,116.292941).",
     "“四大平台”：中关村论坛永久会址。", "“Four Platforms”: permanent venue of the Zhongguancun Forum."),
    ("financial_street", "exhibition", "金融街（金融街论坛）", "Financial Street (Financial Street Forum)",
     116.3605, 39.916, "increase", S_PLATFORMS, "indicative",
     "Centre of the district between Fuxingmen (39.907,116.357) and Fuchengmen (39.923,116.356) on the "
     "West 2nd Ring; Beijing Review: 600 m x 1.7 km.",
     "“四大平台”：金融街论坛年会。", "“Four Platforms”: the Financial Street Forum."),
    ("great_wall_museum", "culture", "中国长城博物馆（八达岭）", "Great Wall Museum of China (Badaling)",
     116.0115, 40.3515, "create", S_MUSEUM, "exact",
     "Estimated ~500 m south-east of the Badaling pass (Wikipedia Badaling 40.35417,116.00694; China Daily: "
     "~400 m from the entrance); ±300 m.",
     "改扩建中，计划2026年重新开放。", "Being rebuilt; reopening planned for 2026."),
    ("capital_airport", "aviation", "北京首都国际机场", "Beijing Capital International Airport",
     116.6005, 40.0665, "optimize", S_AVIATION, "exact",
     "Midpoint of T2 (Wikipedia 40.07944,116.59278) and T3 (waymark WMBDER 40.0535,116.6094).",
     "两大航空枢纽之一。", "One of the two aviation hubs."),
    ("daxing_airport", "aviation", "北京大兴国际机场", "Beijing Daxing International Airport",
     116.41056, 39.50917, "optimize", S_AVIATION, "exact",
     f"{WP}: 39°30′33″N 116°24′38″E (terminal core)",
     "两大航空枢纽之一，位于中轴线南延长线上。", "One of the two aviation hubs, on the Central Axis' southern extension."),
]

# Key projects over time ("a dynamic management mechanism for key projects"):
# id: (status, year in service or None when long-standing, target year or None, source of the dates)
STATUS = {
    "yanqi_lake_resort": ("upgrading", 2014, None, "Opened for APEC 2014; expansion from 2018; the plan calls for an upgrade"),
    "fourth_embassy_area": ("planned", None, None, "Planning and development to be accelerated (2025 plan); no date published"),
    "diaoyutai_state_guesthouse": ("in_service", 1959, None, "State guesthouse since 1959"),
    "olympic_park_central_area": ("upgrading", 2008, None, "Built for the 2008 Olympics; functions to be enhanced"),
    "ciec_new_venue": ("upgrading", 2008, 2025, "Phase I 2008; phase II opened February 2025"),
    "cncc": ("in_service", 2009, None, "Opened 2009; CIFTIS main venue since 2020"),
    "shougang_park": ("in_service", 2021, None, "CIFTIS venue since 2021"),
    "zgc_international_innovation_center": ("in_service", 2024, None, "Zhongguancun Forum venue since 2024"),
    "financial_street": ("in_service", 2012, None, "Financial Street Forum held since 2012"),
    "great_wall_museum": ("under_construction", 1994, 2026, "Opened 1994; closed 2021 for rebuilding; reopening planned 2026"),
    "capital_airport": ("in_service", 1958, None, "Opened 1958"),
    "daxing_airport": ("in_service", 2019, None, "Opened September 2019"),
}

# Points that truly sit on the Beijing-Hebei border, and why.
BORDER_NOTES = {
    "daxing_airport": "The airport straddles Beijing (Daxing) and Hebei (Langfang); in the AMap boundary the "
                      "terminal core lies ~400 m inside a Langfang notch.",
}

# The 15 component parts of the World Heritage property "Beijing Central Axis" (WHC 1714).
HERITAGE: list[tuple] = [
    ("bell_and_drum_towers", "钟鼓楼", "Bell and Drum Towers", 116.389636, 39.940189,
     "en.wikipedia.org/wiki/Drum_Tower_and_Bell_Tower_of_Beijing: 39.940189 N 116.389636 E (WGS-84)"),
    ("wanning_bridge", "万宁桥", "Wanning Bridge", 116.38994, 39.93501,
     "zh.wikipedia.org/wiki/万宁桥: 39°56′06″N 116°23′24″E (WGS-84)"),
    ("jingshan", "景山", "Jingshan", 116.3902, 39.9244,
     "en.wikipedia.org/wiki/Jingshan_Park: summit 39.92361,116.39056 (WGS-84); park centre estimated"),
    ("forbidden_city", "故宫", "Forbidden City", 116.3907, 39.9166,
     "Midpoint of Meridian Gate 39.9125,116.3911 and Gate of Divine Prowess 39.920944,116.390417 "
     "(en.wikipedia, WGS-84); Gaode 116.397026,39.918058 (GCJ-02) converts to 116.39078,39.91666"),
    ("duanmen", "端门", "Duanmen", 116.391036, 39.9089,
     "On the axis ~170 m north of Tian'anmen (no direct source; ±50 m)"),
    ("tiananmen", "天安门", "Tian'anmen", 116.391083, 39.907333,
     "en.wikipedia.org/wiki/Tiananmen: 39°54′26.4″N 116°23′27.9″E (WGS-84)"),
    ("outer_jinshui_bridges", "外金水桥", "Outer Jinshui Bridges", 116.391133, 39.90675,
     "~65 m south of Tian'anmen on the axis (±30 m)"),
    ("imperial_ancestral_temple", "太庙", "Imperial Ancestral Temple", 116.394, 39.9096,
     "Mirror of the Altar of Land and Grain about the axis; chineseposters.net 39.908221,116.393773 (±60 m)"),
    ("altar_of_land_and_grain", "社稷坛", "Altar of Land and Grain", 116.3883, 39.9098,
     "en.wikipedia.org/wiki/Beijing_Shejitan: altar 39.91056,116.38861 (WGS-84); park centre estimated"),
    ("tiananmen_square", "天安门广场及建筑群", "Tian'anmen Square and Buildings", 116.3915, 39.9028,
     "simple.wikipedia Tian'anmen Square 39.90333,116.39167; Mausoleum 39.9010,116.3915 (WGS-84)"),
    ("zhengyangmen", "正阳门", "Zhengyangmen", 116.391504, 39.89845,
     "en.wikipedia.org/wiki/Zhengyangmen: gate tower 39.899167,116.391472 (WGS-84); midpoint with archery tower"),
    ("southern_section_road_remains", "南段道路遗存", "Remains of the Roads in the Southern Section",
     116.392567, 39.8747, "Road remains ~400 m north of Yongdingmen on the axis (three sites; ±100 m)"),
    ("temple_of_heaven", "天坛", "Temple of Heaven", 116.4039, 39.8789,
     "en.wikipedia.org/wiki/Temple_of_Heaven: Hall of Prayer 39.8822,116.4066 (WGS-84); precinct centre"),
    ("xiannongtan", "先农坛", "Xiannongtan (Altar of the God of Agriculture)", 116.386153, 39.876551,
     "en.wikipedia.org/wiki/Temple_of_Agriculture: 39°52′36″N 116°23′10″E (WGS-84)"),
    ("yongdingmen", "永定门", "Yongdingmen", 116.3929, 39.8711,
     "en.wikipedia.org/wiki/Yongdingmen: 39°52′16″N 116°23′35″E (WGS-84)"),
]

# Axes: id, name_zh, name_en, segment, vertices (lon, lat), precision, coord_source
BELL_TOWER = (116.389593, 39.94115)
YONGDINGMEN = (116.3929, 39.8711)
FUXINGMEN = (116.3506, 39.9064)
JIANGUOMEN = (116.4293, 39.9068)
AXES: list[tuple] = [
    ("central_axis", "北京中轴线（世界遗产）", "Beijing Central Axis (World Heritage)", "main",
     [BELL_TOWER, (116.38994, 39.93501), (116.39056, 39.92361), (116.391083, 39.907333), (116.391472, 39.899167),
      YONGDINGMEN], "exact",
     "Bell Tower to Yongdingmen through the component parts' WGS-84 coordinates (~7.8 km)"),
    ("central_axis_north", "中轴线北延长线（奥林匹克中心区）", "Central Axis northern extension (Olympic area)",
     "extension", [BELL_TOWER, (116.3870, 40.0), (116.3857, 40.028)], "indicative",
     "The axis line (tilted ~2°) continued north between the National Stadium and the Water Cube "
     "to the Olympic Forest Park"),
    ("central_axis_south", "中轴线南延长线（南苑—大兴国际机场）",
     "Central Axis southern extension (Nanyuan to Daxing airport)", "extension",
     [YONGDINGMEN, (116.3968, 39.78), (116.41056, 39.50917)], "indicative",
     "The axis line continued south through Nanyuan to the Daxing airport terminal"),
    ("changan_avenue", "长安街", "Chang'an Avenue", "main",
     [FUXINGMEN, (116.3911, 39.9063), JIANGUOMEN], "exact",
     "Fuxingmen to Jianguomen past Tian'anmen, GCJ-02 road positions converted to WGS-84 (±50 m)"),
    ("changan_avenue_west", "长安街西延长线（首钢）", "Chang'an Avenue western extension (Shougang)", "extension",
     [FUXINGMEN, (116.3044, 39.9062), (116.2300, 39.9070), (116.1500, 39.9070)], "indicative",
     "Fuxing Road and Shijingshan Road to Shougang Park (indicative)"),
    ("changan_avenue_east", "长安街东延长线（城市副中心）", "Chang'an Avenue eastern extension (city sub-center)",
     "extension", [JIANGUOMEN, (116.4552, 39.9075), (116.5500, 39.9070), (116.6500, 39.9080), (116.7150, 39.9100)],
     "indicative", "Jianguo Road towards the Beijing Municipal Administrative Center in Tongzhou (indicative)"),
]

# Areas: id, region, name_zh, name_en, anchor boxes [(minlon, minlat, maxlon, maxlat)], buffer m, coord_source
AREAS: list[tuple] = [
    ("east_cbd_embassies", "east", "CBD与使馆区（建国门外、三里屯、亮马桥）",
     "CBD and embassy areas (Jianguomenwai, Sanlitun, Liangmaqiao)",
     [(116.447, 39.900, 116.490, 39.925), (116.438, 39.9325, 116.4615, 39.947), (116.4345, 39.908, 116.4475, 39.9205),
      (116.458, 39.947, 116.475, 39.960)], 300,
     "Hull of the CBD and the three embassy areas' extents described by road boundaries"),
    ("east_dongba", "east", "东坝—第四使馆区", "Dongba and the Fourth Embassy Area",
     [(116.540, 39.955, 116.565, 39.970)], 500, "Around the estimated Fourth Embassy Area site in Dongba"),
    ("east_airport_exhibition", "east", "首都机场—顺义新国展", "Capital airport and Shunyi exhibition center",
     [(116.583, 40.045, 116.622, 40.090), (116.537, 40.063, 116.551, 40.081)], 800,
     "Hull of the Capital airport terminal area and the CIEC New Venue phases I-II"),
    ("north_yanqi_lake", "north", "雁栖湖国际会都", "Yanqi Lake international conference area",
     [(116.650, 40.383, 116.700, 40.425)], 300, "Yanqi Lake, Yanqi Island and the Sunrise area"),
    ("north_great_wall", "north", "八达岭长城", "Badaling Great Wall",
     [(116.000, 40.345, 116.020, 40.362)], 1200, "Around the Badaling pass and the Great Wall Museum"),
    ("north_olympic", "north", "奥林匹克中心区", "Olympic central area",
     [(116.378, 39.985, 116.401, 40.012)], 200, "Olympic Green from Wikipedia venue coordinates"),
    ("west_gardens_zhongguancun", "west", "三山五园与中关村", "Royal gardens and Zhongguancun",
     [(116.258, 39.986, 116.285, 40.006), (116.295, 39.970, 116.335, 39.995), (116.288, 39.987, 116.294, 39.992),
      (116.290, 40.000, 116.310, 40.015)], 400,
     "Hull of the Summer Palace, the Old Summer Palace, Peking and Tsinghua universities, Zhongguancun core"),
    ("south_nanyuan", "south", "南苑地区", "Nanyuan", [(116.360, 39.760, 116.430, 39.810)], 300,
     "Former Nanyuan airport and Nanyuan Forest Wetland Park"),
    ("south_daxing_airport", "south", "大兴国际机场地区", "Daxing International Airport area",
     [(116.380, 39.490, 116.440, 39.540)], 800, "Around the Daxing airport terminal, clipped to Beijing"),
]


def venue_features() -> list[dict]:
    feats = []
    for (fid, cat, zh, en, lon, lat, action, sent, precision, src, note_zh, note_en) in VENUES:
        props = {
            "id": fid, "name_zh": zh, "name_en": en, "category": cat, "role": "venue", "plan_action": action,
            "plan_sentence": sent, "coord_source": src, "precision": precision, "note_zh": note_zh, "note_en": note_en,
        }
        status, year_open, year_target, dates = STATUS[fid]
        props.update(status=status, year_open=year_open, year_target=year_target, dates_source=dates)
        if fid in BORDER_NOTES:
            props["border_note"] = BORDER_NOTES[fid]
        feats.append(_feature(Point(lon, lat), props))
    for fid, zh, en, lon, lat, src in HERITAGE:
        feats.append(_feature(Point(lon, lat), {
            "id": fid, "name_zh": zh, "name_en": en, "category": "heritage", "role": "venue", "plan_action": "develop",
            "plan_sentence": S_AXIS, "coord_source": src, "precision": "exact",
            "status": "in_service", "year_open": None, "year_target": None,
            "dates_source": "Historic component; inscribed on the World Heritage List in 2024",
            "note_zh": "北京中轴线世界遗产（2024年列入）构成要素。",
            "note_en": "Component part of the World Heritage property “Beijing Central Axis” (inscribed 2024).",
        }))
    return feats


def axis_features() -> list[dict]:
    feats = []
    for fid, zh, en, segment, coords, precision, src in AXES:
        sent = S_AXIS if fid == "central_axis" else S_FRAMEWORK
        feats.append(_feature(LineString(coords), {
            "id": fid, "name_zh": zh, "name_en": en, "category": "framework", "role": "axis",
            "plan_action": "develop" if fid == "central_axis" else "optimize", "plan_sentence": sent,
            "coord_source": src, "precision": precision, "segment": segment,
        }))
    return feats


def area_features(boundary: shapely.Geometry) -> list[dict]:
    feats = []
    for fid, region, zh, en, boxes, buffer_m, src in AREAS:
        shape = gpd.GeoSeries([shapely.union_all([box(*b) for b in boxes]).convex_hull], crs="EPSG:4326")
        metric = shape.to_crs(METRIC).buffer(buffer_m, quad_segs=4)
        geom = metric.to_crs("EPSG:4326").iloc[0].intersection(boundary)
        geom = shapely.set_precision(geom, 1e-5)
        feats.append(_feature(geom, {
            "id": fid, "name_zh": zh, "name_en": en, "category": "framework", "role": "area",
            "plan_action": "strengthen", "plan_sentence": S_AREAS, "coord_source": src + " (indicative extent; "
            "no official boundary is published)", "precision": "indicative", "region": region,
        }))
    return feats


def _feature(geom: shapely.Geometry, props: dict) -> dict:
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    parser.add_argument("--boundary", type=Path, default=ROOT / "data" / "boundary.geojson")
    args = parser.parse_args(argv)
    boundary = gpd.read_file(args.boundary).union_all()
    args.out.mkdir(parents=True, exist_ok=True)
    write_collection(args.out / "venues.geojson", "venues", venue_features())
    write_collection(args.out / "axes.geojson", "axes", axis_features())
    write_collection(args.out / "areas.geojson", "areas", area_features(boundary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
