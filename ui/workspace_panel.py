"""The workspace panel: keep imported layers, sketches, named views and venue status notes on the server,
shared by a view link and a secret edit link (uMap's model). Every change is a new version."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import geopandas as gpd
import streamlit as st

from geo import i18n, imports, safe, style, workspace
from geo.data import CRS, Layers
from ui import cache, state
from ui.session import session

SKETCH_COLOUR = style.SKETCH_COLOUR


def layers_of(ws: workspace.Workspace, lang: str) -> tuple[imports.ImportedLayer, ...]:
    """The workspace's layers and its sketches as drawable layers (keys ``ws-N`` and ``ws-sketches``)."""
    out = []
    for i, layer in enumerate(ws.content.get("layers", [])):
        feats = layer["features"]["features"]
        if not feats:
            continue
        gdf = gpd.GeoDataFrame.from_features(feats, crs=CRS)
        if "_name" not in gdf:
            gdf["_name"] = [f"#{k + 1}" for k in range(len(gdf))]
        gdf["_name"] = gdf["_name"].astype(str)
        st_ = layer.get("style") or {}
        kind = imports.geometry_kind(gdf)
        s = style.imported_style(
            i,
            layer["name"],
            kind,
            st_.get("colour", style.IMPORT_COLOURS[i % 7]),
            st_.get("marker", "circle"),
            style.kinds_of(gdf.geom_type),
        )
        out.append(imports.ImportedLayer(replace(s, key=f"ws-{i}"), gdf, layer["name"]))
    sketches = [s for s in ws.content.get("sketches", []) if s.get("geometry")]
    if sketches:
        gdf = gpd.GeoDataFrame.from_features(
            [
                {
                    "type": "Feature",
                    "geometry": s["geometry"],
                    "properties": {"_name": s.get("title") or "—", "note": s.get("note", "")},
                }
                for s in sketches
            ],
            crs=CRS,
        )
        label = i18n.t("ws_sketches", lang)
        # a sketch is a point, a line or an area: each kind in the sketch colour, each in the legend
        s = style.imported_style(99, label, imports.geometry_kind(gdf), SKETCH_COLOUR, "diamond", style.kinds_of(gdf.geom_type))
        s = replace(s, key="ws-sketches", label_zh=f"草图：{ws.name}", label_en=f"Sketches: {ws.name}")
        out.append(imports.ImportedLayer(s, gdf, "sketches"))
    return tuple(out)


def latest_drawing(display_datum: str) -> dict | None:
    """The shape the planner last drew (the map component's latest value), as WGS-84 GeoJSON."""
    import shapely

    from geo import datum

    latest = st.session_state.get("map")
    drawing = latest.get("last_active_drawing") if isinstance(latest, dict) else None
    if not isinstance(drawing, dict) or not isinstance(drawing.get("geometry"), dict):
        return None
    try:
        geom = shapely.from_geojson(json.dumps(drawing["geometry"]))
    except (shapely.errors.GEOSException, ValueError, TypeError):
        return None
    return json.loads(shapely.to_geojson(datum.transform_geometry(geom, display_datum, "wgs84")))


def workspace_panel(
    layers: Layers, lang: str, session_imports: tuple, display_datum: str = "wgs84"
) -> tuple[tuple, bool, workspace.Workspace | None]:
    """The sidebar panel; returns the workspace's drawable layers, whether this session may edit, and the
    workspace (None when none is open)."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    page = state.page()
    with st.sidebar.expander(t("ws_title"), expanded=bool(page.ws), key="ws_open", on_change="rerun") as box:
        if not page.ws:
            if box.open:  # lazy: the panel's widgets (and the store) are needed only while it is open
                create_form(cache.workspace_store(), lang)
            return (), False, None
        store = cache.workspace_store()
        try:
            ws = store.load(page.ws, page.wt)
            store.authorize(page.ws, page.wt, edit=True)
            can_edit = True
        except workspace.Forbidden:
            can_edit = False
            try:
                ws = store.load(page.ws, page.wt)
            except workspace.Forbidden:
                st.error(t("ws_forbidden"))
                st.button(t("ws_leave"), on_click=leave, key="ws_leave_bad")
                return (), False, None
        if box.open:  # the workspace's layers and edit rights count whether or not the panel is open
            open_panel(store, ws, can_edit, lang, session_imports, display_datum)
    return layers_of(ws, lang), can_edit, ws


def create_form(store, lang: str) -> None:
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    page = state.page()
    st.caption(t("ws_hint"))
    name = st.text_input(t("ws_name"), key="ws_new_name", max_chars=120)
    if st.button(t("ws_create"), key="ws_create"):
        created = store.create(name or t("ws_default_name"))
        page.ws, page.wt = created["id"], created["edit_token"]
        st.session_state["ws_links"] = created
        st.rerun()


def open_panel(store, ws, can_edit: bool, lang: str, session_imports: tuple, display_datum: str) -> None:
    """The open workspace: its name and version, its links, its named views, the edit forms, leaving."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    st.markdown(f"**{safe.md(ws.name)}** · {t('ws_version')} {ws.version}" + ("" if can_edit else f" · {t('ws_view_only')}"))
    links = st.session_state.get("ws_links")
    if links and links.get("id") == ws.id:
        st.caption(t("ws_links_hint"))
        st.code(f"?ws={ws.id}&wt={links['view_token']}", language=None)
        st.caption(t("ws_edit_link"))
        st.code(f"?ws={ws.id}&wt={links['edit_token']}", language=None)
    for view in ws.content.get("views", []):
        st.button(  # Streamlit's own icon font (no font of the machine has U+2316 "⌖": it was a box)
            safe.md(view["name"]),
            icon=":material/my_location:",
            key=f"ws_view_{view['name']}",
            on_click=state.fit_to,
            args=(tuple(view["bbox"]),),
        )
    if can_edit:
        edit_forms(store, ws, lang, session_imports, latest_drawing(display_datum))
    st.button(t("ws_leave"), on_click=leave, key="ws_leave")


def venue_notes(ws: workspace.Workspace | None, can_edit: bool, venue_id: str, lang: str) -> None:
    """A venue's dated status notes from the workspace, on its card; an editor can add one."""
    if ws is None:
        return
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    notes = sorted((n for n in ws.content.get("notes", []) if n.get("venue") == venue_id), key=lambda n: n["date"])
    if notes:
        st.markdown(f"**{t('ws_notes')}**")
        st.markdown(
            "\n".join(
                f"- {safe.md(n['date'])} · {safe.md(i18n.term('status', n['status'], lang))}"
                f" · {safe.md(n.get('note', ''))} ({safe.md(n.get('source', ''))})"
                for n in notes
            )
        )
    if not can_edit:
        return
    with st.form(f"ws_note_{venue_id}", clear_on_submit=True):
        st.caption(t("ws_note_add"))
        status = st.selectbox(
            i18n.t("field_status", lang), i18n.terms("status"), format_func=lambda v: i18n.term("status", v, lang)
        )
        date = st.date_input(t("ws_note_date"), value=dt.date.today())
        source = st.text_input(t("ws_note_source"), max_chars=300)
        note = st.text_input(t("ws_note_text"), max_chars=500)
        if st.form_submit_button(t("ws_note_add")):
            store = cache.workspace_store()
            content = ws.content
            content["notes"].append(
                {"venue": venue_id, "status": status, "date": date.isoformat(), "source": source, "note": note}
            )
            save(store, ws, content, f"status note: {venue_id}", lang)


def leave() -> None:
    page = state.page()
    page.ws, page.wt = "", ""


def save(store, ws, content: dict, change: str, lang: str) -> None:
    """One save = one new version; a conflict is a message, nothing is overwritten."""
    try:
        store.save(ws.id, state.page().wt, content, ws.version, change)
    except workspace.Conflict as exc:
        st.warning(f"{i18n.t('ws_conflict', lang)} {safe.md(exc)}")
        return
    except workspace.WorkspaceError as exc:
        st.error(safe.md(exc))
        return
    st.rerun()


def edit_forms(store, ws, lang: str, session_imports: tuple, drawing: dict | None) -> None:
    """What an editor can do: keep the session's imports, save a sketch or the current view, restore a version."""
    if session_imports and st.button(i18n.t("ws_save_imports", lang), key="ws_save_imports"):
        save_imports(store, ws, session_imports, lang)
    sketch_form(store, ws, lang, drawing)
    view_form(store, ws, lang)
    history_picker(store, ws, lang)


def save_imports(store, ws, session_imports: tuple, lang: str) -> None:
    content = ws.content
    for layer in session_imports:
        colour = layer.style.fill_color or layer.style.color
        content["layers"].append(
            workspace.layer_from_frame(layer.source, layer.gdf, {"colour": colour, "marker": layer.style.marker})
        )
    save(store, ws, content, f"added {len(session_imports)} imported layer(s)", lang)


def sketch_form(store, ws, lang: str, drawing: dict | None) -> None:
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    with st.form("ws_sketch", clear_on_submit=True):
        st.caption(t("ws_sketch_hint") if not drawing else t("ws_sketch_ready"))
        title = st.text_input(t("ws_sketch_title"), max_chars=120)
        note = st.text_area(t("ws_sketch_note"), max_chars=2000, height=68)
        if st.form_submit_button(t("ws_sketch_save"), disabled=not drawing):
            content = ws.content
            content["sketches"].append(
                {
                    "title": title or t("ws_sketch_untitled"),
                    "note": note,
                    "geometry": drawing,
                    "created": dt.date.today().isoformat(),
                }
            )
            save(store, ws, content, f"sketch: {title or '—'}", lang)


def view_form(store, ws, lang: str) -> None:
    with st.form("ws_view", clear_on_submit=True):
        name = st.text_input(i18n.t("ws_view_name", lang), max_chars=80)
        if st.form_submit_button(i18n.t("ws_view_save", lang)) and name and session().bbox:
            content = ws.content
            content["views"] = [v for v in content["views"] if v["name"] != name] + [{"name": name, "bbox": list(session().bbox)}]
            save(store, ws, content, f"view: {name}", lang)


def history_picker(store, ws, lang: str) -> None:
    history = store.history(ws.id, state.page().wt)
    if len(history) <= 1:
        return
    venues = cache.get_layers().venues
    names = dict(zip(venues["id"], venues[f"name_{lang}"]))
    labels = {
        h["version"]: f"{h['version']} · {h['time'][:16]} · {workspace.describe_change(h['change'], lang, names)}"
        for h in history
    }
    pick = st.selectbox(i18n.t("ws_history", lang), list(reversed(labels)), key="ws_restore_pick", format_func=labels.get)
    if st.button(i18n.t("ws_restore", lang), key="ws_restore") and pick != ws.version:
        try:
            store.restore(ws.id, state.page().wt, pick)
        except workspace.Conflict as exc:
            st.warning(safe.md(exc))
        else:
            st.rerun()
