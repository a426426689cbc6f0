"""The page's state: read from the URL once, kept in st.session_state, written back to the URL.

Everything a planner sets (language, basemap, view, search, selected venue, filters, the
map's centre and zoom) is in the URL, so copying it reproduces the view.
"""

from __future__ import annotations

import datetime as dt
import html
import math

import pandas as pd
import shapely
import streamlit as st

from geo import basemaps, datum, explore, i18n, style, webmap
from geo.views import VIEWS

YEAR_MIN, YEAR_MAX = 1950, 2035
LIST_KEYS = ("cat", "district", "action", "status")
VENUE_ZOOM = 15


def init_from_url() -> None:
    """First run of a session: fill the widgets' state from the query string (bad values are ignored)."""
    ss = st.session_state
    if ss.get("_bem_init"):
        return
    q = st.query_params
    ss["_bem_init"] = True
    ss["lang"] = i18n.normalize_lang(q.get("lang") or getattr(st.context, "locale", None))
    ss["basemap"] = basemaps.normalize_basemap(q.get("basemap"))
    ss["view"] = q.get("view") if q.get("view") in VIEWS else ""
    ss["q"] = (q.get("q") or "")[:80]
    ss["venue"] = q.get("venue") or ""
    vocab = {"cat": style.VENUE_CATEGORIES, "action": i18n.terms("plan_action"), "status": i18n.terms("status")}
    for key in LIST_KEYS:
        values = [v for v in (q.get(key) or "").split(",") if v]
        ss[key] = [v for v in values if key == "district" or v in vocab[key]]
    ss["year"] = _int(q.get("year"), dt.date.today().year, YEAR_MIN, YEAR_MAX)
    try:
        ss["km"] = max(0.0, min(100.0, float(q.get("km") or 0)))
    except ValueError:
        ss["km"] = 0.0
    ss["of"] = q.get("of") or "venue"
    if q.get("pt"):
        ss["pt"] = q.get("pt")[:40]
    try:
        lat, lon = (float(v) for v in (q.get("c") or "").split(","))
        zoom = _int(q.get("z"), 12, 3, 18)
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            ss["c"], ss["z"] = f"{lat:.5f},{lon:.5f}", str(zoom)
    except ValueError:
        pass
    if ss["view"] and "c" not in ss:
        go_to_view()
    if ss["venue"] and "c" not in ss:
        ss["target_venue"] = ss["venue"]


def _int(value, default: int, lo: int, hi: int) -> int:
    try:
        return max(lo, min(hi, int(float(value))))
    except (TypeError, ValueError):
        return default


def go_to_view() -> None:
    """Callback of the view picker: aim the map at the named view."""
    key = st.session_state.get("view")
    if key in VIEWS:
        minlon, minlat, maxlon, maxlat = VIEWS[key].bbox
        zoom = math.floor(min(math.log2(360 / (maxlon - minlon) * 900 / 256),
                              math.log2(170 / (maxlat - minlat) * 680 / 256)))
        st.session_state["target"] = ((minlat + maxlat) / 2, (minlon + maxlon) / 2, max(7, min(17, zoom)))


def go_to_point(lat: float, lon: float, zoom: int = 16) -> None:
    """Fly the map to a point (a search hit in an imported layer)."""
    st.session_state["target"] = (lat, lon, zoom)


def select_venue(venue_id: str | None, zoom_to: bool) -> None:
    """Select a venue (search result, table row, map click); optionally fly the map to it."""
    st.session_state["venue"] = venue_id or ""
    if venue_id and zoom_to:
        st.session_state["target_venue"] = venue_id


def filters_active() -> bool:
    ss = st.session_state
    return any(ss.get(k) for k in LIST_KEYS) or bool(ss.get("km")) or ss.get("year", YEAR_MAX) != dt.date.today().year


def reference_options(layers) -> list[str]:
    """What "within N km of" can refer to: the selected venue, the clicked point, or any layout feature."""
    return ["venue", "point", *layers.core["id"], *layers.axes["id"], *layers.areas["id"]]


def reference_geometry(layers, selected_id: str | None):
    """The geometry (WGS-84) the "within N km" question is asked about, or None."""
    ss = st.session_state
    ref = ss.get("of") or "venue"
    if ref == "venue":
        return layers.venues.set_index("id").loc[selected_id].geometry if selected_id else None
    if ref == "point":
        try:
            lat, lon = (float(v) for v in (ss.get("pt") or "").split(","))
        except ValueError:
            return None
        return shapely.Point(lon, lat)
    for gdf in (layers.core, layers.axes, layers.areas):
        hit = gdf[gdf["id"] == ref]
        if len(hit):
            return hit.geometry.iloc[0]
    return None


def current_filters(layers, selected_id: str | None) -> explore.Filters:
    ss = st.session_state
    ref = reference_geometry(layers, selected_id)
    km = float(ss.get("km") or 0)
    return explore.Filters(categories=tuple(ss.get("cat") or ()), districts=tuple(ss.get("district") or ()),
                           actions=tuple(ss.get("action") or ()), statuses=tuple(ss.get("status") or ()),
                           year=ss.get("year"), within_km=km if km > 0 and ref is not None else None, centre=ref)


def venue_view(venue_id: str | None) -> tuple[float, float, int] | None:
    """(lat, lon, zoom) showing a venue up close, or None for an unknown id."""
    from ui.cache import get_layers

    venues = get_layers().venues.set_index("id")
    if not venue_id or venue_id not in venues.index:
        return None
    pt = venues.loc[venue_id].geometry
    return pt.y, pt.x, VENUE_ZOOM


def map_target(display_datum: str) -> tuple[tuple[float, float] | None, int | None]:
    """Centre (in the basemap's datum) and zoom to send to the map; None keeps the map where it is."""
    ss = st.session_state
    view = venue_view(ss.pop("target_venue", None))
    if view:
        ss["target"] = view
    target = ss.get("target")
    if not target:
        return None, None
    lat, lon, zoom = target
    lon_d, lat_d = datum.from_wgs84(lon, lat, display_datum)
    return (lat_d, lon_d), zoom


def base_view(lang: str, basemap: str) -> tuple[float, float, int] | None:
    """Where the (re)built base map opens: fixed until the language or basemap changes.

    The base map's script must not change while the planner pans (that would reload the
    map), so its opening view is taken once per language/basemap, from the current view.
    """
    ss = st.session_state
    key = (lang, basemap)
    if ss.get("_base_key") != key:
        ss["_base_key"] = key
        view = None
        if ss.get("target_venue"):
            view = venue_view(ss["target_venue"])
        elif ss.get("c") and ss.get("z"):
            lat, lon = (float(v) for v in ss["c"].split(","))
            view = (lat, lon, int(ss["z"]))
        elif ss.get("target"):
            view = ss["target"]
        ss["_base_view"] = view
    return ss.get("_base_view")


def remember_map(out: dict, display_datum: str, layers, lang: str) -> None:
    """Keep the map's centre/zoom for the URL, and select the venue a click opened."""
    ss = st.session_state
    centre = out.get("center")
    if isinstance(centre, dict) and "lat" in centre and out.get("zoom"):
        lon, lat = datum.to_wgs84(float(centre["lng"]), float(centre["lat"]), display_datum)
        ss["c"] = f"{lat:.5f},{lon:.5f}"
        ss["z"] = str(int(out["zoom"]))
    if out.get("selected_layers") is not None:
        ss["_selected_layers"] = out["selected_layers"]
    clicked = out.get("last_clicked")
    if isinstance(clicked, dict) and "lat" in clicked and clicked != ss.get("_last_click"):
        ss["_last_click"] = clicked
        lon, lat = datum.to_wgs84(float(clicked["lng"]), float(clicked["lat"]), display_datum)
        ss["pt"] = f"{lat:.5f},{lon:.5f}"
        if ss.get("of") == "point" and ss.get("km"):
            st.rerun()
    tip = out.get("last_object_clicked_tooltip")
    if tip and tip != ss.get("_last_tip"):
        ss["_last_tip"] = tip
        name = html.unescape(tip).strip()
        hit = layers.venues[layers.venues[f"name_{lang}"] == name]
        if len(hit) == 1 and hit.iloc[0]["id"] != ss.get("venue"):
            select_venue(hit.iloc[0]["id"], False)
            st.rerun()


def hidden_categories(extra_keys: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Venue categories and imported layers the planner switched off in the map's layer control."""
    on = webmap.visible_layers(st.session_state.get("_selected_layers"), extra_keys)
    return tuple(k for k in (*style.VENUE_CATEGORIES, *extra_keys) if k not in on)


def venue_table(venues, lang: str) -> pd.DataFrame:
    """The shown venues as a sortable table in ``lang``."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    return pd.DataFrame({
        t("field_name"): venues[f"name_{lang}"].values,
        t("field_category"): [style.get_style(c).label(lang) for c in venues["category"]],
        t("field_district"): venues[f"district_{lang}"].values,
        t("field_action"): [i18n.term("plan_action", a, lang) for a in venues["plan_action"]],
        t("field_status"): [i18n.term("status", a, lang) for a in venues["status"]],
        t("field_year"): venues["year_open"].astype("Int64").values,
        t("field_precision"): [i18n.term("precision", p, lang) for p in venues["precision"]],
    })


def write_url() -> None:
    """Mirror the state in the query string (only what differs from the defaults)."""
    ss = st.session_state
    wanted = {"lang": ss.get("lang"), "basemap": ss.get("basemap"), "view": ss.get("view"), "q": ss.get("q"),
              "venue": ss.get("venue")}
    for key in LIST_KEYS:
        wanted[key] = ",".join(ss.get(key) or [])
    wanted["year"] = str(ss["year"]) if ss.get("year") and ss["year"] != dt.date.today().year else ""
    wanted["km"] = f"{ss['km']:g}" if ss.get("km") else ""
    wanted["c"], wanted["z"] = ss.get("c", ""), ss.get("z", "")
    wanted["of"] = ss.get("of") if ss.get("km") and ss.get("of") != "venue" else ""
    wanted["pt"] = ss.get("pt", "") if wanted["of"] == "point" else ""
    for key, value in wanted.items():
        if value:
            if st.query_params.get(key) != value:
                st.query_params[key] = value
        elif key in st.query_params and key not in ("lang", "basemap"):
            del st.query_params[key]
