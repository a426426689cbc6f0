"""An imported file as a drawable layer (``ImportedLayer``), and a file name fit to show and to name it."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from geo.data import CRS
from geo.imports.limits import MAX_NAME, MAX_TEXT
from geo.imports.result import ImportResult


def safe_name(name: object) -> str:
    """A file name fit to show and to name a layer: its last path part (``/`` and ``\\`` both separate) without
    NUL, control or format characters (bidi overrides U+202A-U+202E and U+2066-U+2069, zero-width ones), other
    separators and spacing made one space, no dots or spaces at either end, at most ``MAX_NAME`` characters with
    its extension kept; ``upload`` when nothing is left."""
    text = str(name or "")
    text = text[:1000] + text[-20:] if len(text) > 1020 else text  # the end keeps the extension
    text = re.split(r"[/\\]", unicodedata.normalize("NFC", text))[-1]
    kept = []
    for ch in text:
        kind = unicodedata.category(ch)
        if kind[0] == "Z" or ch in "\t\n\r\v\f\x1c\x1d\x1e\x1f\x85":
            kept.append(" ")
        elif kind not in ("Cc", "Cf", "Cs"):
            kept.append(ch)
    text = re.sub(r" +", " ", "".join(kept)).strip(" ")
    ext = re.search(r"\.[^.\s]{1,15}$", text)
    suffix = ext.group(0) if ext else ""
    stem = text[: len(text) - len(suffix)][: MAX_NAME - len(suffix)].strip(" .")
    return (stem or "upload") + suffix


@dataclass(frozen=True, eq=False)
class ImportedLayer:
    """An imported file ready to draw: its features (WGS-84) and the planner's style.

    Equal and hashable by content (style, file name, a digest of the features), so a map
    spec holding imported layers can key a cache.
    """

    style: object  # geo.style.LayerStyle
    gdf: gpd.GeoDataFrame
    source: str  # the file name

    @property
    def key(self) -> str:
        return self.style.key

    @property
    def digest(self) -> str:
        cached = self.__dict__.get("_digest")
        if cached is None:
            h = hashlib.sha256()
            h.update(b"".join(shapely.to_wkb(self.gdf.geometry.values, output_dimension=2)))
            h.update(pd.util.hash_pandas_object(self.gdf.drop(columns="geometry").astype(str), index=True).values.tobytes())
            cached = h.hexdigest()
            object.__setattr__(self, "_digest", cached)
        return cached

    def __repr__(self) -> str:
        return f"ImportedLayer({self.key!r}, {self.source!r}, {len(self.gdf)} features, {self.digest[:16]})"

    def __hash__(self) -> int:
        return hash((repr(self.style), self.source, self.digest))  # LayerStyle holds a dict: hash its repr

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ImportedLayer) and (repr(self.style), self.source, self.digest) == (
            repr(other.style),
            other.source,
            other.digest,
        )


def geometry_kind(gdf: gpd.GeoDataFrame) -> str:
    """point, line or polygon: the most common geometry of a layer."""
    kinds = (
        gdf.geometry.geom_type.str.replace("Multi", "")
        .map({"Point": "point", "LineString": "line", "Polygon": "polygon"})
        .fillna("polygon")
    )
    return kinds.mode().iloc[0] if len(kinds) else "point"


def as_layer(
    result: ImportResult,
    index: int,
    colour: str,
    marker: str,
    label_field: str | None = None,
    districts: gpd.GeoDataFrame | None = None,
) -> ImportedLayer:
    """Turn an import into a drawable layer; ``label_field`` picks the column shown as its name.

    With ``districts`` each feature gets its district (spatial join), so the district filter
    applies to imported layers like to any other.
    """
    from geo import style

    gdf = result.gdf.copy()
    if label_field and label_field in gdf:
        gdf["_name"] = gdf[label_field].map(lambda v: "" if v is None else str(v)[:MAX_TEXT])
    if districts is not None and len(gdf):
        points = gpd.GeoDataFrame(geometry=gdf.geometry.representative_point(), crs=CRS)
        joined = gpd.sjoin(points, districts[["name_en", "name_zh", "geometry"]], how="left", predicate="within")
        joined = joined[~joined.index.duplicated()]
        gdf["district_en"] = joined["name_en"].fillna("").values
        gdf["district_zh"] = joined["name_zh"].fillna("").values
    kinds = style.kinds_of(gdf.geom_type)  # a mixed file: each kind drawn in the colour, each in the legend
    return ImportedLayer(style.imported_style(index, result.name, geometry_kind(gdf), colour, marker, kinds), gdf, result.name)
