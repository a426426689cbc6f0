"""The live map: the cached base map, the dynamic venue layers and the component, from the run's one map spec."""

from __future__ import annotations

from dataclasses import replace

from geo import i18n, mapspec, webcontent, webmap
from ui import fastmap, state
from ui.assets import serve_leaflet, serve_local_tiles, serve_vendor
from ui.session import session

#: what the map component reports back (each change reruns the page)
RETURNED = [
    "bounds",
    "zoom",
    "center",
    "selected_layers",
    "last_object_clicked_tooltip",
    "last_clicked",
    "last_object_clicked",
    "last_active_drawing",
]


def map_view(
    layers, spec: mapspec.MapSpec, result: mapspec.Shown, every_layer: tuple[str, ...], can_edit: bool, display: str
) -> dict:
    """Draw the map of ``spec`` (``result``: the spec applied) and return what the component reported.

    The base map holds every layer (the layer control hides them in the browser) and no filters but the year's
    (the core, axes and areas of that year), so it stays the same while the planner filters; the venue layers are
    sent apart (``fastmap.groups_payload``)."""
    lang, imported = spec.lang, spec.imported
    leaflet_url, vendor_url = serve_leaflet(), serve_vendor()
    local_url = basemap_notes(spec)
    base_spec = replace(
        spec, layers=every_layer, filters=mapspec.FilterSpec(), selection=None, bbox=mapspec.MapSpec().bbox, view=""
    )
    # the core, axes and areas of the year filter: a year that drops one is another base map (reopened in place)
    layout = result.layout
    dated = f"{base_spec.key()}|without={','.join(mapspec.dropped_ids(layers, layout))}"
    state.follow_map()  # where the planner is, before a rebuilt map is told where to open
    view = state.base_view(f"{dated}|draw={can_edit}")
    private = bool(imported)  # a planner's own layers: the session's copy, never a server-wide cache
    base = fastmap.base_map(
        f"{dated}|{view}|{leaflet_url}|{vendor_url}|draw={can_edit}|{local_url}",
        lambda: webmap.build_base_map(
            layout,
            base_spec,
            asset_base=leaflet_url,
            vendor_base=vendor_url,
            view=view,
            lazy_tools=True,
            draw=can_edit,
            local_tiles=local_url,
        ),
        persist=not imported and view is None,
        private=private,
    )  # default views: on disk for the next cold start
    center, zoom = state.map_target(display)
    groups_spec = replace(spec, bbox=mapspec.MapSpec().bbox, view="")  # the extent does not change the layers
    state.fit_ring(result.ring)  # a "within N km" filter set or changed: its ring is fitted, once
    fit = session().take_fit()  # a named view, a search hit or a new ring asks to be fitted, once
    note = i18n.t("empty_map", lang) if result.venues.empty and spec.filters.active() else None
    groups, control = fastmap.groups(
        f"{groups_spec.key()}|{fit}|{note}",
        lambda: (webmap.venue_groups(result, spec, fit=fit[0] if fit else None, note=note), webmap.layer_control(lang, imported)),
        base,
        persist=not imported and not spec.filters.active(),
        private=private,
    )
    out = (
        fastmap.show_map(
            base, groups, control, key="map", height=680, center=center, zoom=zoom, returned_objects=RETURNED, datum=display
        )
        or {}
    )
    state.remember_map(out, display, layers, lang)
    return out


def basemap_notes(spec: mapspec.MapSpec) -> str | None:
    """The deployment's basemap problems (a bad BEM_BASEMAP_FILE...) above the map, and the local tiles' progress
    while they are being copied; returns where the app serves the local tiles (None: no good file)."""
    import streamlit as st

    from geo import basemaps

    for problem in basemaps.config_problems(state.secret_default_basemap()):
        st.warning(problem.message(spec.lang) if hasattr(problem, "message") else str(problem))
    url, job = serve_local_tiles()
    if job is not None and not job.finished.is_set() and spec.basemap == basemaps.LOCAL:
        st.caption(i18n.t("local_tiles_preparing", spec.lang).format(done=job.done, total=job.total))
    return url


def reported_bbox() -> tuple[float, float, float, float] | None:
    """The browser's extent once a map has reported one (the component's default carries no centre), else the
    last one it reported (``state.latest_report``: a rebuilt map's old map counts until the new one reports)."""
    report, drawn_in = state.latest_report()
    bbox = webcontent.bounds_bbox(report.get("bounds"), drawn_in) if report.get("center") else None
    mem = session()
    if bbox is not None:
        mem.bbox = bbox
    return bbox or mem.bbox
