"""Load and validate the curated layers in ``data/`` (GeoJSON, WGS-84).

Every curated feature carries a stable id, both names, its category and role in the
"One Core, Two Axes, Multiple Areas" layout, the plan's action, the verbatim sentence
of the plan that names it, the source of its coordinates and whether its geometry is
an exact site or an indicative extent. Districts are computed here by spatial join.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo import i18n, paths, style
from geo.errors import DataError

CRS = "EPSG:4326"
#: metric CRS for Beijing (UTM zone 50N) used for areas, lengths and distances
METRIC_CRS = "EPSG:32650"

#: layer key -> (file, geometry kinds allowed)
CURATED_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "core": ("core.geojson", ("Polygon", "MultiPolygon")),
    "axes": ("axes.geojson", ("LineString", "MultiLineString")),
    "areas": ("areas.geojson", ("Polygon", "MultiPolygon")),
    "venues": ("venues.geojson", ("Point",)),
}
CONTEXT_FILES: dict[str, str] = {"boundary": "boundary.geojson", "districts": "districts.geojson"}

REQUIRED_FIELDS: tuple[str, ...] = (
    "id", "name_zh", "name_en", "category", "role", "plan_action", "plan_sentence", "coord_source", "precision",
)
ROLE_OF_LAYER = {"core": "core", "axes": "axis", "areas": "area", "venues": "venue"}
# a point may sit just outside the simplified boundary (~100 m tolerance)
BOUNDARY_TOLERANCE_M = 300.0
MIN_SHARE_INSIDE = 0.95
MIN_DISTRICT_SHARE = 0.01  # a line or area "lies in" a district holding at least 1 % of it
BORDER_NOTE_MAX_M = 2000.0


@dataclass(frozen=True)
class Layers:
    """All layers, validated, in WGS-84. ``venues`` carry their district."""

    boundary: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    core: gpd.GeoDataFrame
    axes: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    venues: gpd.GeoDataFrame

    def get(self, key: str) -> gpd.GeoDataFrame:
        """A layer by its style key; venue categories are filtered from ``venues``."""
        if key in style.VENUE_CATEGORIES:
            return self.venues[self.venues["category"] == key]
        return getattr(self, key)


def read_collection(path: Path) -> list[dict]:
    """Read a GeoJSON FeatureCollection's features, or raise DataError naming the file."""
    name = path.name
    if not path.is_file():
        raise DataError(name, f"file not found at {path}")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise DataError(name, f"not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise DataError(name, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise DataError(name, "not a GeoJSON FeatureCollection")
    return doc["features"]


def _feature_label(feature: dict, index: int) -> str:
    props = feature.get("properties") if isinstance(feature, dict) else None
    fid = props.get("id") if isinstance(props, dict) else None
    return f"#{index} ({fid})" if isinstance(fid, str) and fid else f"#{index}"


def parse_geometry(feature: dict, file: str, label: str, allowed: tuple[str, ...]) -> shapely.Geometry:
    """Turn a feature's geometry into a valid shapely geometry of an allowed type."""
    raw = feature.get("geometry")
    if not isinstance(raw, dict):
        raise DataError(file, "missing geometry", label, "geometry")
    try:
        geom = shapely.from_geojson(json.dumps(raw))
    except (shapely.errors.GEOSException, ValueError) as exc:
        raise DataError(file, f"unreadable geometry ({exc})", label, "geometry") from None
    if geom.geom_type not in allowed:
        raise DataError(file, f"is a {geom.geom_type}; expected {' or '.join(allowed)}", label, "geometry")
    if geom.is_empty:
        raise DataError(file, "empty geometry", label, "geometry")
    if not geom.is_valid:
        raise DataError(file, f"invalid geometry: {shapely.is_valid_reason(geom)}", label, "geometry")
    xmin, ymin, xmax, ymax = geom.bounds
    if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
        raise DataError(file, "coordinates are not lon/lat degrees (WGS-84)", label, "geometry")
    return geom


def validate_properties(props: object, file: str, label: str, layer: str) -> dict:
    """Check a curated feature's properties against the schema."""
    if not isinstance(props, dict):
        raise DataError(file, "missing properties", label, "properties")
    for key in REQUIRED_FIELDS:
        value = props.get(key)
        if not isinstance(value, str) or not value.strip():
            raise DataError(file, "required text is missing or empty", label, key)
    if props["role"] != ROLE_OF_LAYER[layer]:
        raise DataError(file, f"role {props['role']!r} does not belong in this file "
                              f"(expected {ROLE_OF_LAYER[layer]!r})", label, "role")
    vocab = {"plan_action": i18n.terms("plan_action"), "precision": i18n.terms("precision")}
    for key, allowed in vocab.items():
        if props[key] not in allowed:
            raise DataError(file, f"{props[key]!r} is not one of {', '.join(allowed)}", label, key)
    if layer == "venues" and props["category"] not in style.VENUE_CATEGORIES:
        raise DataError(file, f"{props['category']!r} is not one of {', '.join(style.VENUE_CATEGORIES)}",
                        label, "category")
    if layer == "venues":
        if props.get("status") not in i18n.terms("status"):
            raise DataError(file, f"status must be one of {', '.join(i18n.terms('status'))}", label, "status")
        for key in ("year_open", "year_target"):
            year = props.get(key)
            if year is not None and not (isinstance(year, int) and 1400 <= year <= 2100):
                raise DataError(file, "must be a year (1400-2100) or null", label, key)
    if layer == "axes" and props.get("segment") not in style.get_style("axes").variants:
        raise DataError(file, f"segment must be one of {', '.join(style.get_style('axes').variants)}",
                        label, "segment")
    if layer == "areas" and props.get("region") not in i18n.terms("region"):
        raise DataError(file, f"region must be one of {', '.join(i18n.terms('region'))}", label, "region")
    return props


def load_curated(layer: str, data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Load and validate one curated layer file."""
    file, allowed = CURATED_FILES[layer]
    features = read_collection((data_dir or paths.DATA_DIR) / file)
    rows, geoms, seen = [], [], set()
    for index, feature in enumerate(features):
        label = _feature_label(feature, index)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise DataError(file, "not a GeoJSON Feature", label)
        props = validate_properties(feature.get("properties"), file, label, layer)
        if props["id"] in seen:
            raise DataError(file, f"duplicate id {props['id']!r}", label, "id")
        seen.add(props["id"])
        geoms.append(parse_geometry(feature, file, label, allowed))
        rows.append(props)
    if not rows:
        raise DataError(file, "holds no features")
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=CRS)


def load_context(key: str, data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Load the municipal boundary or the districts."""
    file = CONTEXT_FILES[key]
    features = read_collection((data_dir or paths.DATA_DIR) / file)
    rows, geoms = [], []
    for index, feature in enumerate(features):
        label = _feature_label(feature, index)
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            raise DataError(file, "missing properties", label, "properties")
        for key_ in ("adcode", "name_zh", "name_en"):
            if not isinstance(props.get(key_), str) or not props[key_]:
                raise DataError(file, "required text is missing or empty", label, key_)
        geoms.append(parse_geometry(feature, file, label, ("Polygon", "MultiPolygon")))
        rows.append(props)
    if not rows:
        raise DataError(file, "holds no features")
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=CRS)


def join_districts(layer: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add ``district_zh`` / ``district_en``: the district(s) each feature lies in (spatial join).

    Points take the district that contains them; lines and areas list every district
    they overlap, largest share first.
    """
    out = layer.copy()
    metric = layer.to_crs(METRIC_CRS)
    dmetric = districts.to_crs(METRIC_CRS)
    zh, en = [], []
    for geom in metric.geometry:
        hits = dmetric[dmetric.intersects(geom)]
        if geom.geom_type != "Point" and len(hits) > 1:
            share = hits.intersection(geom)
            size = share.area / geom.area if geom.area > 0 else share.length / geom.length
            size = size[size > MIN_DISTRICT_SHARE]  # touching a border is not lying in a district
            hits = hits.loc[size.sort_values(ascending=False).index]
        elif hits.empty:  # on the simplified border: nearest district
            hits = dmetric.iloc[[dmetric.distance(geom).argmin()]]
        zh.append("、".join(hits["name_zh"]))
        en.append(", ".join(hits["name_en"]))
    out["district_zh"], out["district_en"] = zh, en
    return out


def check_inside(layer: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame, file: str) -> None:
    """Raise DataError for a feature that lies outside Beijing.

    Points must lie inside (within the boundary's simplification tolerance); lines and
    areas must have at least ``MIN_SHARE_INSIDE`` of their length/area inside, because
    the southern axis extension to Daxing airport really crosses a Hebei enclave.
    A point on the Beijing-Hebei border (Daxing airport's terminal) may lie up to
    ``BORDER_NOTE_MAX_M`` outside when its ``border_note`` says why.
    """
    city = boundary.to_crs(METRIC_CRS).union_all().buffer(BOUNDARY_TOLERANCE_M)
    border_notes = set(layer.loc[layer["border_note"].notna(), "id"]) if "border_note" in layer else set()
    metric = layer.to_crs(METRIC_CRS)
    for fid, geom in zip(layer["id"], metric.geometry):
        if geom.geom_type == "Point":
            inside = city.contains(geom)
            if not inside and fid in border_notes:
                inside = city.distance(geom) <= BORDER_NOTE_MAX_M
        else:
            size = (lambda g: g.area) if geom.area > 0 else (lambda g: g.length)
            inside = size(geom.intersection(city)) >= MIN_SHARE_INSIDE * size(geom)
        if not inside:
            raise DataError(file, "lies outside Beijing's municipal boundary", fid, "geometry")


def load_layers(data_dir: Path | None = None) -> Layers:
    """Load, validate and enrich every layer; raises DataError naming what is wrong."""
    boundary = load_context("boundary", data_dir)
    districts = load_context("districts", data_dir)
    curated: dict[str, gpd.GeoDataFrame] = {}
    ids: dict[str, str] = {}
    for layer, (file, _) in CURATED_FILES.items():
        gdf = load_curated(layer, data_dir)
        for fid in gdf["id"]:
            if fid in ids:
                raise DataError(file, f"id also used in {ids[fid]}", fid, "id")
            ids[fid] = file
        check_inside(gdf, boundary, file)
        curated[layer] = join_districts(gdf, districts)
    return Layers(boundary=boundary, districts=districts, **curated)


def cache_root() -> Path:
    """The per-user cache folder (``BEM_CACHE_DIR``, else ~/.cache/beijing-exchange-map)."""
    return Path(os.environ.get("BEM_CACHE_DIR", Path.home() / ".cache" / "beijing-exchange-map"))


def data_fingerprint(data_dir: Path | None = None) -> str:
    """A hash of every shipped data file and of the code that validates them (a changed byte changes it)."""
    import hashlib

    import geopandas

    root = data_dir or paths.DATA_DIR
    h = hashlib.sha256(f"{geopandas.__version__}|".encode())
    h.update(Path(__file__).read_bytes())
    for path in sorted(root.glob("*.geojson")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:24]


def read_pickle(path: Path):
    """A value from our own cache folder, or None when it is missing or unreadable (then it is rebuilt)."""
    import pickle

    try:
        with open(path, "rb") as fh:  # written by write_pickle only, in the user's own cache folder
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None


def write_pickle(path: Path, value) -> None:
    """Keep ``value`` in the cache, written next to its place and renamed over it; a read-only home is fine."""
    import pickle

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        paths.write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
    except OSError:
        pass


def load_layers_cached(data_dir: Path | None = None) -> Layers:
    """``load_layers``, validated once per version of the data: the result is kept on disk keyed by the data's
    hash, so a new server process starts without validating and joining again (~0.2 s)."""
    path = cache_root() / "layers" / f"{data_fingerprint(data_dir)}.pickle"
    cached = read_pickle(path)
    if isinstance(cached, Layers):
        return cached
    layers = load_layers(data_dir)
    write_pickle(path, layers)
    return layers
