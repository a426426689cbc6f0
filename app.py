"""Beijing Exchange Map: the Streamlit page. Collects input, calls ``geo``, renders."""

from __future__ import annotations

import html
import logging
import os
import time
from dataclasses import replace

import pandas as pd
import streamlit as st

from geo import basemaps, explore, i18n, mapspec, safe, sheets, style, webmap
from geo.errors import GeoError
from geo.views import VIEWS
from ui import cache, fastmap, state
from ui.assets import serve_leaflet, serve_vendor
from ui.cache import get_layers
from ui.export_panel import export_panel
from ui.import_panel import import_panel, imported_layers
from ui.workspace_panel import venue_notes, workspace_panel

_STARTED = time.perf_counter()  # server time of this run, kept for the benchmark (geo.bench)
log = logging.getLogger("beijing_exchange_map")

st.set_page_config(page_title="北京国际交往中心地图 · Beijing Exchange Map", page_icon="🗺️", layout="wide")


def secret_tianditu_key() -> str | None:
    """The Tianditu key from Streamlit secrets or the environment (None when absent)."""
    try:
        secret = st.secrets.get("tianditu_key")
    except Exception:  # no secrets.toml at all: Streamlit raises rather than returning None
        secret = None
    return basemaps.tianditu_key(secret)


def basemap_label(key: str, lang: str, token: str | None) -> str:
    label = i18n.term("basemap", key, lang)
    if not basemaps.BASEMAPS[key].available(token):
        label += f"（{i18n.t('key_needed', lang)}）" if lang == "zh" else f" ({i18n.t('key_needed', lang)})"
    return label


PAGE_CSS = """
<style>
/* map first: a compact header, the map filling the width and most of the window's height */
header[data-testid="stHeader"] { height: 2.25rem; background: transparent; }
.block-container { padding: 0.6rem 1rem 1rem 1rem !important; max-width: none !important; }
iframe[src*="streamlit_folium"] { height: calc(100vh - 92px) !important; min-height: 380px; }
.bem-head { display: flex; align-items: baseline; gap: .9rem; flex-wrap: wrap; margin: 0 2.5rem 0 0; }
.bem-head h1 { font-size: 1.3rem; line-height: 1.6rem; margin: 0; padding: 0; font-weight: 700; }
.bem-head span { color: #555; font-size: .82rem; line-height: 1.1rem; }
</style>
"""


def header(lang: str) -> None:
    """A compact header: the title and the caption on one line."""
    st.html(PAGE_CSS + f'<div class="bem-head"><h1>{html.escape(i18n.t("app_title", lang))}</h1>'
            f'<span>{html.escape(i18n.t("app_caption", lang))}</span></div>')


def sidebar(layers, token: str | None) -> tuple[str, str, object]:
    """Language, basemap, view, search and filters; all mirrored in the URL. Returns a slot for the venue card."""
    sb = st.sidebar
    card_slot = sb.container()
    on = {"on_change": state.changed}  # every widget's callback copies its value into the page state
    lang = sb.radio("语言 / Language", i18n.LANGS, format_func=lambda v: {"zh": "中文", "en": "English"}[v],
                    horizontal=True, key="lang", **on, args=("lang",))
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    basemap = sb.selectbox(t("basemap"), list(basemaps.BASEMAPS), format_func=lambda k: basemap_label(k, lang, token),
                           key="basemap", **on, args=("basemap",))
    if basemap == "offline":
        sb.info(t("offline_hint"))
    elif not basemaps.BASEMAPS[basemap].available(token):
        sb.warning(t("tianditu_needs_key"))
    elif basemaps.BASEMAPS[basemap].datum == "gcj02":
        sb.caption(t("gcj_note"))
    sb.selectbox(t("view"), ["", *VIEWS], format_func=lambda v: VIEWS[v].name(lang) if v else "—", key="view",
                 on_change=state.go_to_view)
    places = cache.places(layers)
    sb.text_input(t("search"), key="q", placeholder=t("search_hint"), on_change=state.search_entered,
                  args=(places,), help=t("search_help"))
    query = state.page().q
    hits = explore.search(places, query)
    own = [(layer, explore.search(layer.gdf.assign(name_zh=layer.gdf["_name"], name_en=layer.gdf["_name"]), query,
                                  limit=5)) for layer in imported_layers()]  # the planner's own layers count too
    if query and hits.empty and all(found.empty for _, found in own):
        sb.caption(t("search_none"))
    for _, row in hits.iterrows():
        kind = "" if row["kind"] == "venue" else f" · {i18n.term('kind', row['kind'], lang)}"
        sb.button(safe.md(f"{row[f'name_{lang}']}{kind}"), key=f"hit_{row['id']}", on_click=state.go_to_place,
                  args=(row["id"], row["kind"], tuple(row.geometry.bounds)), width="stretch")
    for layer, found in own:
        for idx, row in found.iterrows():
            pt = row.geometry.representative_point()
            sb.button(safe.md(f"{row['_name']} · {layer.style.label(lang)}"), key=f"hit_{layer.key}_{idx}",
                      on_click=state.go_to_point, args=(pt.y, pt.x), width="stretch")
    v = layers.venues
    extra = {layer.key: layer.style for layer in imported_layers()}
    options = [*style.VENUE_CATEGORIES, *extra]
    districts = sorted(v["district_en"].unique())
    refs = state.reference_options(layers)
    # the filters act whether or not their panel is open: values that no longer exist are dropped here
    state.set_widget("cat", [c for c in state.page().cat if c in options])  # a removed import
    state.set_widget("district", [d for d in state.page().district if d in districts])
    if state.page().of not in refs:
        state.set_widget("of", "venue")
    # lazy: the panel's widgets are built only while it is open (a lighter first page, a faster open)
    with sb.expander(t("filters"), expanded=state.filters_active(), key="filters_open", on_change="rerun") as box:
        if box.open:
            filter_widgets(layers, lang, options, extra, districts, refs)
    sb.caption(t("share_hint"))
    return lang, basemap, card_slot


def filter_widgets(layers, lang: str, options: list[str], extra: dict, districts: list[str], refs: list[str]) -> None:
    """The filter widgets (category, district, plan action, status, year, within N km of what), from the page state."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    on = {"on_change": state.changed}
    v = layers.venues
    pick = t("all")
    state.restore_widgets(state.FILTER_WIDGETS)
    st.multiselect(t("field_category"), options, key="cat", placeholder=pick,
                   format_func=lambda k: style.get_style(k, extra).label(lang), **on, args=("cat",))
    st.multiselect(t("field_district"), districts, key="district", placeholder=pick,
                   format_func=lambda d: dict(zip(v["district_en"], v[f"district_{lang}"]))[d], **on,
                   args=("district",))
    st.multiselect(t("field_action"), list(i18n.terms("plan_action")), key="action", placeholder=pick,
                   format_func=lambda a: i18n.term("plan_action", a, lang), **on, args=("action",))
    st.multiselect(t("field_status"), list(i18n.terms("status")), key="status", placeholder=pick,
                   format_func=lambda a: i18n.term("status", a, lang), **on, args=("status",))
    st.slider(t("field_year"), state.YEAR_MIN, state.YEAR_MAX, key="year", help=t("year_help"), **on,
              args=("year",))
    st.number_input(t("within_km"), 0.0, 100.0, step=0.5, key="km", help=t("within_help"), **on, args=("km",))
    names = {**dict(zip(layers.core["id"], layers.core[f"name_{lang}"])),
             **dict(zip(layers.axes["id"], layers.axes[f"name_{lang}"])),
             **dict(zip(layers.areas["id"], layers.areas[f"name_{lang}"])),
             **dict(zip(layers.venues["id"], layers.venues[f"name_{lang}"])),
             "venue": t("of_venue"), "point": t("of_point")}
    st.selectbox(t("within_of"), refs, format_func=names.get, key="of", **on, args=("of",))
    page = state.page()
    if page.km and page.of == "venue" and not state.selected_id(layers):
        st.info(t("within_pick_venue"))
    elif page.km and page.of == "point" and not page.pt:
        st.info(t("within_pick_point"))


def venue_card(layers, venue_id: str, lang: str) -> None:
    """Everything about one venue, with distances to the core, the nearest axis and the airports."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    row = layers.venues.set_index("id").loc[venue_id]
    other = "en" if lang == "zh" else "zh"
    st.markdown(f"#### {safe.md(row[f'name_{lang}'])}")
    st.caption(safe.md(row[f"name_{other}"]))
    facts = {
        t("field_category"): style.get_style(row["category"]).label(lang),
        t("field_district"): row[f"district_{lang}"],
        t("field_action"): i18n.term("plan_action", row["plan_action"], lang),
        t("field_status"): i18n.term("status", row["status"], lang)
        + (f" · {int(row['year_open'])}" if pd.notna(row["year_open"]) else "")
        + (f" → {int(row['year_target'])}" if pd.notna(row["year_target"]) else ""),
        t("field_precision"): i18n.term("precision", row["precision"], lang),
    }
    st.markdown("\n".join(f"- **{k}**: {safe.md(v)}" for k, v in facts.items()))
    st.markdown(f"**{t('field_sentence')}**")
    st.caption(safe.md(row["plan_sentence"]))
    d = explore.distances(layers, venue_id)
    axis_name = layers.axes.set_index("id").loc[d["axis_id"], f"name_{lang}"]
    km = t("km")
    st.markdown(f"**{t('distances')}**（{t('distance_km')}）" if lang == "zh" else
                f"**{t('distances')}** ({t('distance_km')})")
    st.markdown("\n".join([
        f"- {t('to_core')}: {d['core']:.1f} {km}",
        f"- {t('to_axis')} · {safe.md(axis_name)}: {d['axis']:.1f} {km}",
        f"- {t('to_pek')}: {d['capital_airport']:.1f} {km}",
        f"- {t('to_pkx')}: {d['daxing_airport']:.1f} {km}",
    ]))
    st.caption(f"{t('field_coords')}: {safe.md(row['coord_source'])}")


def venue_table_tab(shown, selected_id: str | None, lang: str) -> None:
    """The shown venues as a table: picking a row selects the venue; the table as CSV."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    table = state.venue_table(shown, lang)
    event = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun",
                         selection_mode="single-row", key="table")
    rows = event.selection.rows if event and event.selection else []
    if rows:
        picked = shown.iloc[rows[0]]["id"]
        if picked != selected_id:
            state.select_venue(picked, True)
            st.rerun()
    st.download_button(t("download_csv"), sheets.csv_bytes(table),
                       file_name="venues.csv", mime="text/csv")


def stats_tab(layers, shown, ws, lang: str) -> None:
    """Venues per district and per area; the workspace's dated status notes."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    c1, c2 = st.columns(2)
    for col, by, title in ((c1, "district", t("per_district")), (c2, "area", t("per_area"))):
        counts = cache.counts(",".join(shown["id"]), by, lang, shown, layers)
        col.dataframe(pd.DataFrame({title: counts.index, "n": counts.values}), hide_index=True, width="stretch",
                      column_config={"n": st.column_config.ProgressColumn(
                          t("count_venues"), format="%d", min_value=0,
                          max_value=max(1, int(counts.max()) if len(counts) else 1))})
    notes = sorted((ws.content.get("notes", []) if ws else []), key=lambda n: n["date"])
    if notes:  # the workspace's dated status changes, in time order
        names = dict(zip(layers.venues["id"], layers.venues[f"name_{lang}"]))
        st.markdown(f"**{t('ws_timeline')}**")
        st.dataframe(pd.DataFrame({
            t("ws_note_date"): [n["date"] for n in notes],
            t("field_name"): [names.get(n["venue"], n["venue"]) for n in notes],
            t("field_status"): [i18n.term("status", n["status"], lang) for n in notes],
            t("ws_note_text"): [n.get("note", "") for n in notes],
            t("ws_note_source"): [n.get("source", "") for n in notes]}), hide_index=True, width="stretch")


def main() -> None:
    try:
        basemaps.mirror_url()  # a bad BEM_TILE_MIRROR is refused at start, in one line
    except basemaps.MirrorError as exc:
        st.error(safe.md(exc))
        return
    token = secret_tianditu_key()
    state.init_from_url()
    try:
        layers = get_layers()
    except GeoError as exc:
        lang = st.session_state.get("lang", "zh")
        st.error(f"**{i18n.t('data_error', lang)}**\n\n{safe.md(exc)}\n\n{i18n.t('data_error_next', lang)}")
        return
    lang, basemap, card_slot = sidebar(layers, token)
    import_panel(layers, lang)
    display = webmap.effective_basemap(basemap, token).datum
    ws_layers, can_edit, ws = workspace_panel(layers, lang, imported_layers(), display)
    imported = imported_layers() + ws_layers
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    header(lang)

    # a session's first run draws the map first: the table below it waits for the run the map's first report
    # causes (a moment later), so the browser builds the map's frame before the table's grid
    first_paint = not st.session_state.get("_painted")
    st.session_state["_painted"] = True
    selected_id = state.selected_id(layers)
    spec = state.map_spec(layers, imported, token, bbox=st.session_state.get("_bbox"))
    result = cache.shown(layers, spec)
    # the table and charts list every venue passing the filters, whether or not its layer is switched on
    table_spec = replace(spec, layers=mapspec.ALL_LAYERS + tuple(layer.key for layer in imported))
    shown = cache.shown(layers, table_spec).venues

    map_col = st.container()
    with map_col:
        view = state.base_view(lang, basemap)
        leaflet_url, vendor_url = serve_leaflet(), serve_vendor()
        # the static base map: every layer on (the layer control hides them in the browser), no filters
        base_spec = replace(spec, layers=table_spec.layers, filters=mapspec.FilterSpec(), selection=None,
                            bbox=mapspec.MapSpec().bbox, view="")
        base = fastmap.base_payload(
            f"{base_spec.key()}|{view}|{leaflet_url}|{vendor_url}|draw={can_edit}",
            lambda: webmap.build_base_map(layers, base_spec, asset_base=leaflet_url, vendor_base=vendor_url, view=view,
                                          lazy_tools=True, draw=can_edit),
            persist=not imported and view is None)  # the default views: kept on disk for the next cold start
        center, zoom = state.map_target(display)
        groups_spec = replace(spec, bbox=mapspec.MapSpec().bbox, view="")  # the extent does not change the layers
        fit = st.session_state.pop("fit", None)  # a named view or a search hit asks to be fitted, once
        note = t("empty_map") if result.venues.empty and spec.filters.active() else None
        groups, control = fastmap.groups_payload(
            f"{groups_spec.key()}|{fit}|{note}",
            lambda: (webmap.venue_groups(result, spec, fit=fit[0] if fit else None, note=note),
                     webmap.layer_control(lang, imported)), base, persist=not imported and not spec.filters.active())
        out = fastmap.show_map(base, groups, control, key="map", height=680, center=center, zoom=zoom,
                               returned_objects=["bounds", "zoom", "center", "selected_layers",
                                                 "last_object_clicked_tooltip", "last_clicked",
                                                 "last_active_drawing"]) or {}
        state.remember_map(out, display, layers, lang)
    with card_slot:  # the card opens at the top of the sidebar, so it never shrinks the map
        if selected_id:
            with st.container(border=True):
                venue_card(layers, selected_id, lang)
                venue_notes(ws, can_edit, selected_id, lang)
                st.button(t("clear_selection"), on_click=state.select_venue, args=(None, False))
        else:
            st.caption(t("card_hint"))

    # lazy tabs: only the open tab's content is built
    tab_table, tab_stats = st.tabs([f"{t('venues_table')} · {len(shown)}", t("stats")], key="tab", on_change="rerun")
    with tab_table:
        if tab_table.open and not first_paint:
            venue_table_tab(shown, selected_id, lang)
        elif tab_table.open:  # the map's first report reruns the page at once: the table comes then
            st.caption(t("table_loading"))
    with tab_stats:
        if tab_stats.open:
            stats_tab(layers, shown, ws, lang)

    # the browser's extent once the map has reported one (the component's default carries no centre)
    bbox = webmap.view_bbox(out.get("bounds"), basemap) if out.get("center") else None
    if bbox is not None:
        st.session_state["_bbox"] = bbox
    bbox = bbox or st.session_state.get("_bbox")
    # what the planner sees now: the layers switched on and the extent the map reported on this run
    export_spec = state.map_spec(layers, imported, token, bbox=bbox)
    export_panel(layers, export_spec)
    state.write_url()
    st.session_state["_run_ms"] = (time.perf_counter() - _STARTED) * 1000


try:
    if os.environ.get("BEM_PROFILE"):  # python -m geo.bench: where a rerun's server time goes
        import cProfile

        cProfile.run("main()", os.environ["BEM_PROFILE"])
    else:
        main()
except Exception as exc:  # last line of defence: a message, never a traceback
    log.exception("unexpected error")
    lang = i18n.normalize_lang(st.query_params.get("lang"))
    st.error(f"**{i18n.t('unexpected_error', lang)}**: {type(exc).__name__}: {safe.md(exc)}\n\n"
             f"{i18n.t('unexpected_next', lang)}")
