"""Questions a planner asks of the layout: search, filters, distances, what lies within N km.

All metric work is done in UTM zone 50N (EPSG:32650), straight-line distances.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import geopandas as gpd
import pandas as pd
import shapely

from geo.data import CRS, METRIC_CRS, Layers
from geo.filters import FilterSpec

AIRPORTS = ("capital_airport", "daxing_airport")
PLAN_YEAR = 2025  # the Leading Group meeting that names the places


def fold(text: str) -> str:
    """Lower-case, accent- and space-free form of a name for matching."""
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[\s'’\-·（）()“”\"]+", "", "".join(c for c in text if not unicodedata.combining(c)).lower())


@lru_cache(maxsize=4096)
def pinyin_forms(text: str) -> tuple[str, str]:
    """Full pinyin (``gugong``) and initials (``gg``) of a Chinese name."""
    from pypinyin import Style, lazy_pinyin  # a large dictionary: loaded on the first search, not at start

    syllables = [s for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore") if s.strip()]
    return fold("".join(syllables)), "".join(s[0] for s in syllables if s)


@lru_cache(maxsize=1)
def aliases() -> dict[str, tuple[str, ...]]:
    """Short names planners type, by feature id (``geo/resources/aliases.json``)."""
    import json

    from geo.paths import RESOURCES_DIR

    raw = json.loads((RESOURCES_DIR / "aliases.json").read_text(encoding="utf-8"))
    return {k: tuple(v) for k, v in raw.items() if not k.startswith("_")}


def places(layers: Layers) -> gpd.GeoDataFrame:
    """Everything search can find: venues, the core, the axes and the areas, with their aliases."""
    parts = []
    for kind, gdf in (("venue", layers.venues), ("core", layers.core), ("axis", layers.axes), ("area", layers.areas)):
        parts.append(gdf[["id", "name_zh", "name_en", "geometry"]].assign(kind=kind))
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=CRS)
    table = aliases()
    out["aliases"] = [table.get(i, ()) for i in out["id"]]
    return out


def _match_rank(text: str, q: str, initials: bool) -> int | None:
    if not text:
        return None
    if text == q:
        return 0
    if text.startswith(q):
        return 1
    if q in text and not initials:  # initials match from the start only ("gg", not "cgg")
        return 2
    return None


def search(venues: gpd.GeoDataFrame, query: str, limit: int = 10) -> pd.DataFrame:
    """Places whose name or alias matches ``query``: Chinese, English, pinyin or pinyin initials; partial allowed.

    Best matches first: exact > prefix > substring, names and aliases before pinyin, venues before
    larger features on a tie. ``venues`` may be :func:`places` (with ``kind`` and ``aliases``).
    """
    q = fold(query or "")
    if not q:
        return venues.iloc[0:0]
    kinds = venues["kind"] if "kind" in venues else pd.Series("venue", index=venues.index)
    alias_lists = venues["aliases"] if "aliases" in venues else pd.Series([()] * len(venues), index=venues.index)
    scores = []
    for (_, row), kind, extra in zip(venues.iterrows(), kinds, alias_lists):
        names = [str(row["name_zh"]), str(row["name_en"]), *extra]
        candidates = []
        for name in names:
            full, initials = pinyin_forms(name)
            candidates += [(fold(name), 0, False), (full, 1, False), (initials, 2, True)]
        best = None
        for text, penalty, is_initials in candidates:
            rank = _match_rank(text, q, is_initials)
            if rank is None:
                continue
            score = rank * 3 + penalty
            best = score if best is None else min(best, score)
        scores.append(None if best is None else best + (0 if kind == "venue" else 0.5))
    out = venues.assign(_score=scores).dropna(subset=["_score"]).sort_values(["_score", "name_en"])
    return out.drop(columns="_score").head(limit)


def filter_venues(
    venues: gpd.GeoDataFrame, f: FilterSpec, centre: tuple[float, float] | shapely.Geometry | None = None
) -> gpd.GeoDataFrame:
    """The venues that pass every filter; "within" counts only with a ``centre`` (lon/lat or a WGS-84 geometry)."""
    keep = pd.Series(True, index=venues.index)
    if f.categories:
        keep &= venues["category"].isin(f.categories)
    if f.districts:
        keep &= venues["district_en"].isin(f.districts)
    if f.actions:
        keep &= venues["plan_action"].isin(f.actions)
    if f.statuses:
        keep &= venues["status"].isin(f.statuses)
    if f.year is not None:
        keep &= year_mask(venues, f.year)
    if f.within_km is not None and centre is not None:
        keep &= within(venues, centre, f.within_km)
    return venues[keep]


def year_mask(gdf: gpd.GeoDataFrame, year: int) -> pd.Series:
    """True for the features of ``gdf`` on the layout in ``year`` (as it stood, or is planned): opened by then
    (``year_open``), planned for it (``year_target``), an undated plan from the plan's year (the meeting of 2025)
    on, an undated feature that is not a plan in every year. Venues, axes and areas alike; a column the layer does
    not have counts as empty."""

    def column(name: str) -> pd.Series:
        return gdf[name] if name in gdf else pd.Series(None, index=gdf.index, dtype=object)

    opened_in, target, status = column("year_open"), column("year_target"), column("status")
    plan = status.isin(["planned", "under_construction"])
    planned_by = target.notna() & (target <= year)
    undated_plan = plan & opened_in.isna() & target.isna() & (year >= PLAN_YEAR)
    opened = opened_in.notna() & (opened_in <= year)
    undated_built = opened_in.isna() & ~plan
    return opened | undated_built | planned_by | undated_plan


def filter_layout(gdf: gpd.GeoDataFrame, f: FilterSpec) -> gpd.GeoDataFrame:
    """The core, axes or areas on the layout in the filters' year (the other filters are the venues')."""
    return gdf if f.year is None or gdf.empty else gdf[year_mask(gdf, f.year)]


def filter_imported(imported: tuple, f: FilterSpec, centre: tuple[float, float] | shapely.Geometry | None = None) -> tuple:
    """Imported layers under the same filters: category (each layer is one), district, distance.

    Status, action and year do not exist for imported data and leave them alone.
    """
    out = []
    for layer in imported:
        if f.categories and layer.key not in f.categories:
            continue
        gdf = layer.gdf
        if f.districts and "district_en" in gdf:
            gdf = gdf[gdf["district_en"].isin(f.districts)]
        if f.within_km is not None and centre is not None and len(gdf):
            gdf = gdf[within(gdf, centre, f.within_km).values]
        out.append(layer if gdf is layer.gdf else type(layer)(layer.style, gdf, layer.source))
    return tuple(out)


def to_metric(geom: shapely.Geometry) -> shapely.Geometry:
    return gpd.GeoSeries([geom], crs=CRS).to_crs(METRIC_CRS).iloc[0]


def within(venues: gpd.GeoDataFrame, centre: tuple[float, float] | shapely.Geometry, km: float) -> pd.Series:
    """True for venues within ``km`` (straight line) of a point (lon, lat) or any geometry (WGS-84)."""
    geom = shapely.Point(centre) if isinstance(centre, tuple) else centre
    return venues.to_crs(METRIC_CRS).distance(to_metric(geom)) <= km * 1000


def buffer_polygon(centre: tuple[float, float] | shapely.Geometry, km: float) -> shapely.Geometry:
    """The ``km`` buffer of a point or geometry, computed in metres, returned in WGS-84 (for drawing)."""
    geom = shapely.Point(centre) if isinstance(centre, tuple) else centre
    buffered = gpd.GeoSeries([to_metric(geom).buffer(km * 1000, quad_segs=32)], crs=METRIC_CRS)
    return buffered.to_crs(CRS).iloc[0]


def distances(layers: Layers, venue_id: str) -> dict[str, float]:
    """Straight-line km from a venue to the core area, the nearest axis and each airport (0 when inside)."""
    venues = layers.venues.set_index("id")
    point = to_metric(venues.loc[venue_id].geometry)
    core = layers.core.to_crs(METRIC_CRS).union_all()
    axes = layers.axes.to_crs(METRIC_CRS)
    axis_dist = axes.distance(point)
    nearest = layers.axes.iloc[int(axis_dist.values.argmin())]
    out = {
        "core": core.distance(point) / 1000,
        "axis": float(axis_dist.min()) / 1000,
        "axis_id": nearest["id"],
    }
    for airport in AIRPORTS:
        out[airport] = to_metric(venues.loc[airport].geometry).distance(point) / 1000
    return out


def counts_by(venues: gpd.GeoDataFrame, layers: Layers, by: str, lang: str) -> pd.Series:
    """How many venues per district (``by="district"``) or per key area (``by="area"``)."""
    if by == "district":
        return venues[f"district_{lang}"].value_counts().sort_index()
    membership = venue_areas(layers)  # (venue id, area id) pairs, joined once per layer set
    ids = membership[membership["venue"].isin(venues["id"])]["area"]
    names = dict(zip(layers.areas["id"], layers.areas[f"name_{lang}"]))
    counts = ids.map(names).value_counts()
    return counts.reindex(layers.areas[f"name_{lang}"], fill_value=0)


#: a venue just outside every key area still belongs to the nearest one this close (metres): the areas are
#: clipped to the municipal boundary, whose generalised line can leave a venue on the border (Daxing
#: airport's terminal) a few hundred metres outside the area it is drawn in
AREA_TOLERANCE_M = 1000.0


def venue_areas(layers: Layers) -> pd.DataFrame:
    """Which key area each venue lies in (spatial join done once per layer set, not on every filter): the area
    that contains it, else the nearest within ``AREA_TOLERANCE_M``."""
    if "venue_areas" not in layers.memo:
        venues = layers.venues[["id", "geometry"]]
        areas = layers.areas[["id", "geometry"]].rename(columns={"id": "area"})
        inside = gpd.sjoin(venues, areas, predicate="within")
        rest = venues[~venues["id"].isin(inside["id"])].to_crs(METRIC_CRS)
        near = gpd.sjoin_nearest(rest, areas.to_crs(METRIC_CRS), max_distance=AREA_TOLERANCE_M)
        near = near.drop_duplicates("id")  # equidistant from two areas: one of them
        layers.memo["venue_areas"] = pd.DataFrame(
            {
                "venue": [*inside["id"].values, *near["id"].values],
                "area": [*inside["area"].values, *near["area"].values],
            }
        )
    return layers.memo["venue_areas"]
