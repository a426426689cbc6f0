"""The page's state in Streamlit: a :class:`ui.pagestate.PageState` kept in session state.

It is read from the URL once (``init_from_url``), the widgets' callbacks change it
(``changed``), and ``write_url`` writes it back; ``map_spec`` turns it into the one
:class:`geo.mapspec.MapSpec` the live map, the snapshots and the exports all draw.
"""

from __future__ import annotations

import html
from dataclasses import replace

import pandas as pd
import streamlit as st

from geo import basemaps, datum, filters, i18n, mapspec, style, webcontent
from geo.views import VIEWS
from ui import address
from ui.fastmap import REPORT_DATUM
from ui.pagestate import YEAR_MAX, YEAR_MIN, PageState, zoom_text  # noqa: F401 (re-exported for the page)
from ui.session import RING_UNSEEN, session

VENUE_ZOOM = 15
#: the filter widgets (a widget's key is its filter's URL key), built only while the filters panel is open;
#: the point has none (a click on the map sets it)
FILTER_WIDGETS = tuple(f.url for f in filters.FILTERS if f.kind != "point")
#: every widget that shows a part of the page state
WIDGETS = ("lang", "basemap", "view", "q", *FILTER_WIDGETS)


def page() -> PageState:
    """This session's page state."""
    ss = st.session_state
    if "page" not in ss:
        ss["page"] = PageState()
    return ss["page"]


def init_from_url() -> None:
    """First run of a session: the page state from the query string (bad values are ignored)."""
    ss, mem = st.session_state, session()
    if mem.initialised:
        take_basemap_request()  # every later run: the map's tile notice may have asked for another basemap
        return
    mem.initialised = True
    state = PageState.from_query(st.query_params, getattr(st.context, "locale", None), secret_default_basemap())
    ss["page"] = state
    restore_widgets(WIDGETS)  # the widgets start from the state
    if state.view and not state.c:  # a named view decides the extent; a venue in the same link is selected
        fit_view()
    elif state.venue and not state.c:
        mem.target_venue = state.venue


def secret_default_basemap() -> str | None:
    """The deployment's default basemap from Streamlit secrets (``default_basemap = "offline"`` in
    .streamlit/secrets.toml); None leaves it to BEM_DEFAULT_BASEMAP."""
    try:
        value = st.secrets.get("default_basemap")
    except Exception:  # no secrets.toml at all: Streamlit raises rather than returning None
        value = None
    return str(value) if value else None


def take_basemap_request() -> None:
    """The map's tile notice was clicked (``geo.webtiles``: the tiles failed here): the page state takes the
    basemap it asked for, once per click, so the sidebar and the URL say what the map shows."""
    from geo.webtiles import REPORT

    reported = latest_report()[0].get("selected_layers")
    for item in reported or ():
        stamp = item.get("url") if isinstance(item, dict) else None
        if isinstance(stamp, str) and stamp.startswith(REPORT) and stamp != st.session_state.get("_basemap_request"):
            st.session_state["_basemap_request"] = stamp
            if item.get("name") in CHOICES["basemap"]():
                page().basemap = item["name"]


def widget_value(name: str):
    """The value widget ``name`` shows for the page state (a filter's widget: its filter's value)."""
    f = filters.BY_URL.get(name)
    if f is None:
        return getattr(page(), name)
    value = getattr(page().filters, f.field)
    if f.kind == "list":
        return list(value)
    if f.kind == "float":
        return float(value or 0.0)
    return value


#: the values a widget may hand the page state (a widget whose labels changed with the language can send back
#: an old label instead of an option: that is never a value)
CHOICES = {"lang": lambda: i18n.LANGS, "basemap": lambda: tuple(basemaps.BASEMAPS), "view": lambda: ("", *VIEWS)}


def _store(name: str, value) -> None:
    """Put widget ``name``'s value into the page state; a value that is not one of the widget's options is
    ignored (the widget shows the page state again on the next run)."""
    f = filters.BY_URL.get(name)
    if f is None:
        if name in CHOICES and value not in CHOICES[name]():
            return
        setattr(page(), name, value)
        return
    allowed = f.allowed() if not f.imports else None  # imported layers add values (checked by the map spec)
    if f.kind == "list":
        value = tuple(v for v in (value or ()) if allowed is None or v in allowed)
    elif f.kind == "float":
        value = filters.clamp_value(f, float(value or 0.0)) or None
    elif f.kind == "int":
        value = filters.clamp_value(f, int(value))
    set_filter(f.field, value)


def set_filter(field: str, value) -> None:
    """Change one filter of the page state (``field``: a FilterSpec field)."""
    page().filters = replace(page().filters, **{field: value})


def changed(name: str) -> None:
    """Callback of every widget: copy its value into the page state."""
    _store(name, st.session_state.get(name))


def set_widget(name: str, value) -> None:
    """Change a widget's value and the page state together (outside the widget's own callback)."""
    _store(name, value)
    st.session_state[name] = widget_value(name)


def restore_widgets(names: tuple[str, ...]) -> None:
    """Give widgets their values from the page state before they are built. A widget inside a closed (lazy)
    panel is not built, and Streamlit forgets its value; the page state never does."""
    for name in names:
        st.session_state[name] = widget_value(name)


def go_to_view() -> None:
    """Callback of the view picker: aim the map at the named view the planner picked.

    Streamlit also calls it when only the picker's labels changed (a language switch redraws it, and under
    quick reruns its value comes back as a change): the view is the same one, so the map stays where the
    planner had panned it rather than jumping back to the view."""
    before = page().view
    changed("view")
    if page().view != before:
        fit_view()


def fit_view() -> None:
    """Fit the map to the page state's named view, if it has one."""
    key = page().view
    if key in VIEWS:
        fit_to(VIEWS[key].bbox)


def fit_to(bbox: tuple[float, float, float, float]) -> None:
    """Fit the map to a WGS-84 bbox at its real size, once (a counter makes a repeat fit a new request)."""
    mem = session()
    mem.fits += 1
    mem.fit = (tuple(bbox), mem.fits)
    mem.target = None


def show_map(view: str, bbox, query: dict[str, str], venue: str, basemap: str) -> None:
    """Show a kept map (a story's chapter): its named view and extent fitted once, its filters (URL form, read as
    ``geo.story.chapter_spec`` reads them), its selected venue and its basemap, all in the page state."""
    set_widget("view", view if view in VIEWS else "")
    page().filters = filters.from_query(query, year=page().filters.year)
    if basemap in CHOICES["basemap"]():
        set_widget("basemap", basemap)
    select_venue(venue or None, False)
    fit_to(tuple(bbox) if bbox else VIEWS[view].bbox)


def fit_ring(ring) -> None:
    """Fit the map to the "within N km" ring (WGS-84) when the filter sets or changes it: once, not on every
    rerun. A session's first run leaves the extent or named view its link opens at alone."""
    mem = session()
    key = tuple(round(float(v), 6) for v in ring.bounds) if ring is not None else None
    first = mem.ring == RING_UNSEEN
    if not first and mem.ring == key:
        return
    mem.ring = key
    if key is not None and not (first and (page().c or page().view)):
        fit_to(key)


def go_to_place(place_id: str, kind: str, bounds: tuple[float, float, float, float]) -> None:
    """A search hit: a venue opens its card and the map flies to it; an axis, area or the core is fitted."""
    if kind == "venue":
        select_venue(place_id, True)
    else:
        fit_to(bounds)


def search_entered(places) -> None:
    """Enter in the search box: go to the best hit."""
    from geo import explore

    changed("q")
    hits = explore.search(places, page().q, limit=1)
    if len(hits):
        row = hits.iloc[0]
        go_to_place(row["id"], row["kind"], tuple(row.geometry.bounds))


def go_to_point(lat: float, lon: float, zoom: int = 16) -> None:
    """Fly the map to a point (a search hit in an imported layer)."""
    session().target = (lat, lon, zoom)


def select_venue(venue_id: str | None, zoom_to: bool) -> None:
    """Select a venue (search result, table row, map click); optionally fly the map to it."""
    page().venue = venue_id or ""
    if venue_id and zoom_to:
        session().target_venue = venue_id


def filters_active() -> bool:
    return page().filters_active()


def reference_options(layers) -> list[str]:
    """What "within N km of" can refer to: the selected venue, the clicked point, any layout feature or venue."""
    return ["venue", "point", *mapspec.reference_ids(layers)]


def selected_id(layers) -> str | None:
    """The selected venue's id, if it names a venue."""
    venue = page().venue or None
    return venue if venue in set(layers.venues["id"]) else None


def reported_layers() -> list | None:
    """The layers the browser last reported as switched on: the map's latest report (``latest_report``) once it
    is settled (``geo.webcontent.layers_settled``), else the last settled one."""
    selected = latest_report()[0].get("selected_layers")
    if selected is not None and webcontent.layers_settled(selected):
        session().selected_layers = selected  # what a rebuilt map's first, unsettled report falls back to
    return session().selected_layers


def map_spec(layers, imported: tuple, token: str | None, bbox=None) -> mapspec.MapSpec:
    """The one map spec of this run, from the page state and the layers the planner switched on."""
    state = page()
    chosen = state.filters
    if chosen.of not in reference_options(layers):
        chosen = replace(chosen, of="venue")
    visible = webcontent.visible_layers(reported_layers(), tuple(layer.key for layer in imported))
    view = state.view if state.view in VIEWS else ""
    if bbox is None:
        bbox = VIEWS[view or "city"].bbox
    if view and not mapspec.similar_extent(bbox, VIEWS[view].bbox):
        view = ""  # the planner has panned away from the named view
    return mapspec.MapSpec(
        bbox=bbox,
        view=view,
        lang=state.lang,
        basemap=state.basemap,
        layers=visible,
        filters=chosen,
        selection=selected_id(layers),
        imported=tuple(imported),
        token=token,
    )


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
    mem = session()
    view = venue_view(mem.target_venue)
    mem.target_venue = None
    if view:
        mem.target = view
    target = mem.target
    if not target:
        return None, None
    lat, lon, zoom = target
    lon_d, lat_d = datum.from_wgs84(lon, lat, display_datum)
    return (lat_d, lon_d), zoom


def base_view(key: str) -> tuple[float, float, float] | None:
    """Where the (re)built base map opens: fixed while the base map stays the same (``key``: what it is built
    from — language, basemap, imported layers, editing).

    The base map's script must not change while the planner pans (that would reload the map), so its opening
    view is taken once per base map, from where the map is now: a new base map (another language, an import,
    a workspace opened) opens where the planner was, not at the whole city.
    """
    mem = session()
    if mem.base_key != key:
        mem.base_key = key
        view = None
        if mem.target_venue:
            view = venue_view(mem.target_venue)
        elif page().c and page().z:
            lat, lon = (float(v) for v in page().c.split(","))
            view = (lat, lon, float(page().z))
        elif mem.target:
            view = mem.target
        elif mem.bbox or page().view in VIEWS:
            # the map has not reported a centre yet (a named view was just fitted): the new base map fits the
            # extent it last reported, or the view, rather than opening at the whole city
            fit_to(mem.bbox or VIEWS[page().view].bbox)
        mem.base_view = view
    return mem.base_view


def latest_report() -> tuple[dict, str]:
    """What a map last reported and the datum its coordinates are in (``ui.fastmap.show_map`` keeps each report
    with its map's datum), whichever map sent it: a map rebuilt by a language or basemap switch is a new
    component that reports nothing until it has drawn, while the old map's last pan may arrive after the switch."""
    latest = st.session_state.get("map")
    if not isinstance(latest, dict):
        return {}, "wgs84"
    return latest, str(latest.get(REPORT_DATUM) or "wgs84")


def follow_map() -> None:
    """The page state takes the centre and zoom the map last reported (``latest_report``), before this run
    decides where a rebuilt map opens (``base_view``) and what the URL says."""
    report, drawn_in = latest_report()
    centre = report.get("center")
    if isinstance(centre, dict) and "lat" in centre and report.get("zoom"):
        lon, lat = datum.to_wgs84(float(centre["lng"]), float(centre["lat"]), drawn_in)
        page().c = f"{lat:.5f},{lon:.5f}"
        page().z = zoom_text(float(report["zoom"]))  # fractional: a fitted view (12.5) reopens as it was


def remember_map(out: dict, display_datum: str, layers, lang: str) -> None:
    """Select the venue a click opened (the layers and the view the map reported are read from its latest
    report before the map is drawn: ``reported_layers``, ``follow_map``)."""
    mem = session()
    # the point clicked: on the map, or on a feature (the core, an axis, an area, a venue: streamlit-folium
    # reports those as "objects", not as map clicks)
    for clicked, seen in ((out.get("last_object_clicked"), "last_object"), (out.get("last_clicked"), "last_click")):
        if isinstance(clicked, dict) and "lat" in clicked and clicked != getattr(mem, seen):
            setattr(mem, seen, clicked)
            lon, lat = datum.to_wgs84(float(clicked["lng"]), float(clicked["lat"]), display_datum)
            set_filter("point", (round(float(lon), 5), round(float(lat), 5)))
            if page().filters.of == "point" and page().filters.within_km:
                st.rerun()
    tip = out.get("last_object_clicked_tooltip")
    if tip and tip != mem.last_tip:
        mem.last_tip = tip
        name = html.unescape(tip).strip()
        hit = layers.venues[layers.venues[f"name_{lang}"] == name]
        if len(hit) == 1 and hit.iloc[0]["id"] != page().venue:
            select_venue(hit.iloc[0]["id"], False)
            st.rerun()


def venue_table(venues, lang: str) -> pd.DataFrame:
    """The shown venues as a sortable table in ``lang``."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    return pd.DataFrame(
        {
            t("field_name"): venues[f"name_{lang}"].values,
            t("field_category"): [style.get_style(c).label(lang) for c in venues["category"]],
            t("field_district"): venues[f"district_{lang}"].values,
            t("field_action"): [i18n.term("plan_action", a, lang) for a in venues["plan_action"]],
            t("field_status"): [i18n.term("status", a, lang) for a in venues["status"]],
            # a dash, not "None", for a venue not yet open (4-digit years sort as text as they do as numbers)
            t("field_year"): [str(int(y)) if pd.notna(y) else "—" for y in venues["year_open"]],
            t("field_precision"): [i18n.term("precision", p, lang) for p in venues["precision"]],
        }
    )


def write_url() -> None:
    """Mirror the page state in the query string (only what differs from the defaults), in one update; on the
    first run after a link that carried tokens the browser rewrites its own entry (ui/address.py: no entry of the
    tab's history keeps the link)."""
    address.write(page().to_query(), PageState.url_keys())
