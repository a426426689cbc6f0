"""The workspace panel: keep imported layers, sketches, named views and venue status notes on the server,
shared by a view link and a secret edit link (uMap's model). Every change is a new version.

The edit token never sits in the address bar: a link's tokens are sorted once (``check_link_tokens``), the edit
token becomes this session's right to edit (``Session.edit_tokens``) and the address keeps the view link only
(the browser's entry is replaced, not pushed, so Back does not bring the edit token back). The map never
depends on the store: while it cannot be reached the panel says so and tries again on the next action, and
the forms keep what was typed (their fields are emptied only by a save that worked).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from urllib.parse import urlencode, urlsplit, urlunsplit

import geopandas as gpd
import streamlit as st

from geo import i18n, imports, safe, style, workspace
from geo.data import CRS, Layers
from geo.errors import StoreUnavailable, store_guard
from ui import address, cache, state
from ui.session import session

SKETCH_COLOUR = style.SKETCH_COLOUR
#: session-state keys of the panel: the workspace as the store last gave it (shown while the store is down),
#: and the links of a workspace this session created (the edit link is offered there only)
OPENED_KEY, CREATED_KEY, CONFLICT_KEY = "ws_opened", "ws_links", "ws_conflict"
log = logging.getLogger("beijing_exchange_map")


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
        colour, marker = st_.get("colour", style.IMPORT_COLOURS[i % 7]), st_.get("marker", "circle")
        s = style.imported_style(i, layer["name"], kind, colour, marker, style.kinds_of(gdf.geom_type))
        out.append(imports.ImportedLayer(replace(s, key=f"ws-{i}"), gdf, layer["name"]))
    sketches = [s for s in ws.content.get("sketches", []) if s.get("geometry")]
    if sketches:
        props = [{"_name": s.get("title") or "—", "note": s.get("note", "")} for s in sketches]
        feats = [{"type": "Feature", "geometry": s["geometry"], "properties": p} for s, p in zip(sketches, props)]
        gdf = gpd.GeoDataFrame.from_features(feats, crs=CRS)
        label = i18n.t("ws_sketches", lang)
        # a sketch is a point, a line or an area: each kind in the sketch colour, each in the legend
        s = style.imported_style(99, label, imports.geometry_kind(gdf), SKETCH_COLOUR, "diamond", style.kinds_of(gdf.geom_type))
        s = replace(s, key="ws-sketches", label_zh=f"草图：{ws.name}", label_en=f"Sketches: {ws.name}")
        out.append(imports.ImportedLayer(s, gdf, "sketches"))
    return tuple(out)


def latest_drawing() -> dict | None:
    """The shape the planner last drew (the map's latest report), as WGS-84 GeoJSON: converted from the datum
    of the map it was drawn on, even when a basemap switch has rebuilt the map since."""
    import shapely

    from geo import datum

    latest, drawn_in = state.latest_report()
    drawing = latest.get("last_active_drawing")
    if not isinstance(drawing, dict) or not isinstance(drawing.get("geometry"), dict):
        return None
    try:
        geom = shapely.from_geojson(json.dumps(drawing["geometry"]))
    except (shapely.errors.GEOSException, ValueError, TypeError):
        return None
    return json.loads(shapely.to_geojson(datum.transform_geometry(geom, drawn_in, "wgs84")))


def workspace_panel(layers: Layers, lang: str, session_imports: tuple) -> tuple[tuple, bool, workspace.Workspace | None]:
    """The sidebar panel; returns the workspace's drawable layers, whether this session may edit, and the
    workspace (None when none is open). The store being down never stops the page: the panel says so."""
    page = state.page()
    first = not st.session_state.get("ws_policies")
    out = panel(page, lang, session_imports)
    if first:  # the session's first run: the link's tokens (if any) are sorted now
        address.first_run(replace_entry="et" in st.query_params or "wt" in st.query_params)  # ui/address.py
    return out


def panel(page, lang: str, session_imports: tuple) -> tuple[tuple, bool, workspace.Workspace | None]:
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    with st.sidebar.expander(t("ws_title"), expanded=bool(page.ws), key="ws_open", on_change="rerun") as box:
        if not page.ws:
            if box.open:  # lazy: the panel's widgets (and the store) are needed only while it is open
                create_form(lang)
            return (), False, None
        opened = opened_workspace(page, lang)
        if opened is None:
            return (), False, None
        ws, can_edit, live = opened
        if box.open:  # the workspace's layers and edit rights count whether or not the panel is open
            with guarded(lang):
                open_panel(ws, can_edit, lang, session_imports, live)
    return layers_of(ws, lang), can_edit, ws


# --- the store: reached through a guard, so its absence is a message -----------------------------------
@contextmanager
def guarded(lang: str) -> Iterator[None]:
    """Run panel code that reads or writes the store; an unreachable store becomes the panel's message."""
    try:
        with store_guard():
            yield
    except StoreUnavailable as exc:
        store_down(lang, exc)


def store_down(lang: str, exc: BaseException) -> None:
    """The panel's message for an unreachable store (no host, port or path: the server log has the cause)."""
    log.warning("workspace store unavailable (%s); the page goes on without it", type(exc.__cause__ or exc).__name__)
    st.warning(i18n.t("ws_store_down", lang))


def edit_token(wid: str) -> str | None:
    """The edit token this session holds for workspace ``wid`` (never read from, or written to, the URL)."""
    return session().edit_tokens.get(wid)


def check_link_tokens(store, page) -> None:
    """Sort the tokens the link brought, once: an edit token becomes this session's right to edit, a view token
    the page's ``wt`` (the only token the address shows); a wrong one is dropped. Until the store has answered
    they stay out of the URL and in the page state, so an outage loses none of them."""
    for token in page.link_tokens:
        try:
            store.authorize(page.ws, token, edit=True)
        except workspace.Forbidden:
            try:
                store.authorize(page.ws, token, edit=False)
            except workspace.Forbidden:
                continue
            page.wt = page.wt or token
        else:
            session().edit_tokens[page.ws] = token
    page.link_tokens = ()


def open_workspace(store, page) -> tuple[workspace.Workspace, bool] | None:
    """The open workspace and whether this session may edit it, or None when no token of the session opens it."""
    if page.link_tokens:
        check_link_tokens(store, page)
    token = edit_token(page.ws)
    if token:
        try:
            return store.load(page.ws, token), True
        except workspace.Forbidden:
            session().edit_tokens.pop(page.ws, None)
    if page.wt:
        try:
            return store.load(page.ws, page.wt), False
        except workspace.Forbidden:
            pass
    return None


def opened_workspace(page, lang: str) -> tuple[workspace.Workspace, bool, bool] | None:
    """The workspace the page has open, whether this session may edit it and whether the store gave it now;
    while the store is down, the version this session saw last (with the panel's message), so the map keeps
    its layers and the forms what was typed."""
    try:
        with store_guard():
            opened = open_workspace(cache.workspace_store(), page)
    except StoreUnavailable as exc:
        store_down(lang, exc)
        kept = st.session_state.get(OPENED_KEY)
        return (*kept[1:], False) if kept and kept[0] == page.ws else None
    if opened is None:
        st.error(i18n.t("ws_forbidden", lang))
        st.button(i18n.t("ws_leave", lang), on_click=leave, key="ws_leave_bad")
        return None
    st.session_state[OPENED_KEY] = (page.ws, *opened)
    return (*opened, True)


# --- links ------------------------------------------------------------------------------------------------
def page_address() -> str | None:
    """The page's address without its query (``st.context.url``: the browser's; else the Host header's)."""
    url = getattr(st.context, "url", None)
    if not url:
        headers = getattr(st.context, "headers", None) or {}
        host = headers.get("Host")
        if not host:
            return None
        url = f"{headers.get('X-Forwarded-Proto', 'http')}://{host}/"
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))


def link(**params: str) -> str:
    """A full link to this page with ``params`` (relative only when the page's address is not known)."""
    base = page_address()
    return f"{base or ''}?{urlencode(params)}"


def links_box(ws: workspace.Workspace, lang: str) -> None:
    """The share affordance: the full view link; right after creation, the edit link once, with a warning."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    page = state.page()
    if page.wt:
        st.caption(t("ws_links_hint"))
        st.code(link(ws=ws.id, wt=page.wt), language=None)
    elif edit_token(ws.id):
        st.caption(t("ws_no_view_link"))
    created = st.session_state.get(CREATED_KEY)
    if created and created.get("id") == ws.id:
        st.caption(t("ws_edit_link"))
        st.code(link(ws=ws.id, wt=created["view_token"], et=created["edit_token"]), language=None)
        st.warning(t("ws_edit_link_warning"))


# --- the panel --------------------------------------------------------------------------------------------
def create_form(lang: str) -> None:
    """A name and a button; the name stays in its field until the store has created the workspace."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    page = state.page()
    st.caption(t("ws_hint"))
    name = st.text_input(t("ws_name"), key="ws_new_name", max_chars=120)
    pressed = st.button(t("ws_create"), key="ws_create")
    try:
        with store_guard():
            store = cache.workspace_store()  # once it answered, the process keeps it (so this is tried until then)
            created = store.create(name or t("ws_default_name")) if pressed else None
    except StoreUnavailable as exc:
        store_down(lang, exc)
        return
    if created is None:
        return
    page.ws, page.wt, page.link_tokens = created["id"], created["view_token"], ()
    session().edit_tokens[created["id"]] = created["edit_token"]
    st.session_state[CREATED_KEY] = created
    st.rerun()


def open_panel(ws, can_edit: bool, lang: str, session_imports: tuple, live: bool = True) -> None:
    """The open workspace: its name and version, its links, its named views, the edit forms, leaving (``live``:
    the store gave this version now; else the history is left out until it is back)."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    st.markdown(f"**{safe.md(ws.name)}** · {t('ws_version')} {ws.version}" + ("" if can_edit else f" · {t('ws_view_only')}"))
    links_box(ws, lang)
    for view in ws.content.get("views", []):
        st.button(  # Streamlit's own icon font (no font of the machine has U+2316 "⌖": it was a box)
            safe.md(view["name"]),
            icon=":material/my_location:",
            key=f"ws_view_{view['name']}",
            on_click=state.fit_to,
            args=(tuple(view["bbox"]),),
        )
    if can_edit:
        conflict_box(ws, lang)  # a refused save: theirs beside mine (while the store is down, saving waits)
        edit_forms(ws, lang, session_imports, latest_drawing(), live)
    st.button(t("ws_leave"), on_click=leave, key="ws_leave")


def venue_notes(ws: workspace.Workspace | None, can_edit: bool, venue_id: str, lang: str, status: str = "") -> None:
    """A venue's dated status notes from the workspace, on its card; an editor can add one, starting from the
    venue's current status: its latest note's, else ``status`` (the table's)."""
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
    form = f"ws_note_{venue_id}"
    with st.form(form, clear_on_submit=False):
        st.caption(t("ws_note_add"))
        show_notice(form)
        current = notes[-1]["status"] if notes else status
        choices = i18n.terms("status")
        st.selectbox(
            i18n.t("field_status", lang),
            choices,
            index=choices.index(current) if current in choices else 0,
            format_func=lambda v: i18n.term("status", v, lang),
            key=f"{form}_status",
        )
        st.date_input(t("ws_note_date"), value=dt.date.today(), key=f"{form}_date")
        st.text_input(t("ws_note_source"), max_chars=300, key=f"{form}_source")
        st.text_input(t("ws_note_text"), max_chars=500, key=f"{form}_text")
        st.form_submit_button(t("ws_note_add"), on_click=save_note, args=(ws, venue_id, lang))


def save_note(ws, venue_id: str, lang: str) -> None:
    ss, form = st.session_state, f"ws_note_{venue_id}"
    content = content_of(ws)
    date = ss.get(f"{form}_date") or dt.date.today()
    note = {"venue": venue_id, "status": ss.get(f"{form}_status"), "date": date.isoformat()}
    content["notes"].append({**note, "source": ss.get(f"{form}_source") or "", "note": ss.get(f"{form}_text") or ""})
    submit(form, ws, content, f"status note: {venue_id}", lang, (f"{form}_source", f"{form}_text"))


def leave() -> None:
    page = state.page()
    session().edit_tokens.pop(page.ws, None)
    for key in (OPENED_KEY, CREATED_KEY, CONFLICT_KEY):
        st.session_state.pop(key, None)
    page.ws, page.wt, page.link_tokens = "", "", ()


def content_of(ws: workspace.Workspace) -> dict:
    """A copy of the workspace's content to change (the version shown stays as the store gave it)."""
    return copy.deepcopy(ws.content)


def save(ws, content: dict, change: str, lang: str) -> tuple[str, str] | None:
    """One save = one new version: None when it is saved, else what to tell (kind, message). A conflict or a
    store that cannot be reached is a message: nothing is overwritten, and nothing typed is lost."""
    try:
        with store_guard():
            cache.workspace_store().save(ws.id, edit_token(ws.id) or "", content, ws.version, change)
    except StoreUnavailable as exc:
        log.warning("workspace store unavailable (%s): a save waits", type(exc.__cause__).__name__)
        return "warning", i18n.t("ws_store_down", lang)
    except workspace.Conflict:  # the panel shows theirs and mine side by side (conflict_box)
        st.session_state[CONFLICT_KEY] = {"ws": ws.id, "mine": content, "base": ws.content, "change": change}
        return "warning", i18n.t("ws_conflict", lang)
    except workspace.WorkspaceError as exc:  # the store's words (English, maybe a layer's name) for the log only
        log.warning("a workspace save was refused: %s", exc)
        limits = {"layers": workspace.MAX_LAYERS, "sketches": workspace.MAX_SKETCHES, "mb": workspace.MAX_CONTENT_BYTES >> 20}
        return "error", i18n.t("ws_save_refused", lang).format(**limits)
    return None


def submit(form: str, ws, content: dict, change: str, lang: str, fields: tuple[str, ...]) -> None:
    """A form's save, run by its submit button before the next run: a save that worked empties ``fields``;
    otherwise the form shows why and keeps what was typed, so pressing save again is all it takes."""
    problem = save(ws, content, change, lang)
    if problem is None:
        for key in fields:
            st.session_state[key] = ""
    else:
        st.session_state[f"{form}_notice"] = problem


def show_notice(form: str) -> None:
    """What the form's last save had to say (once)."""
    notice = st.session_state.pop(f"{form}_notice", None)
    if notice:
        (st.warning if notice[0] == "warning" else st.error)(notice[1])


def saved_or_told(problem: tuple[str, str] | None) -> None:
    """After a button's save: the page again (it shows the new version), or the message."""
    if problem is None:
        st.rerun()
    show = st.warning if problem[0] == "warning" else st.error
    show(problem[1])


def edit_forms(ws, lang: str, session_imports: tuple, drawing: dict | None, live: bool) -> None:
    """What an editor can do: keep the session's imports, save a sketch or the current view, restore a version."""
    if session_imports and st.button(i18n.t("ws_save_imports", lang), key="ws_save_imports"):
        save_imports(ws, session_imports, lang)
    sketch_form(ws, lang, drawing)
    view_form(ws, lang)
    if live:
        history_picker(ws, lang)


def save_imports(ws, session_imports: tuple, lang: str) -> None:
    content = content_of(ws)
    for layer in session_imports:
        colour = layer.style.fill_color or layer.style.color
        content["layers"].append(
            workspace.layer_from_frame(layer.source, layer.gdf, {"colour": colour, "marker": layer.style.marker})
        )
    problem = save(ws, content, f"added {len(session_imports)} imported layer(s)", lang)
    if problem is None:  # they live in the workspace now: the session's copies would list each layer twice
        mem = session()
        saved = {layer.key for layer in session_imports}
        mem.imports = tuple(layer for layer in mem.imports if layer.key not in saved)
    saved_or_told(problem)


def sketch_form(ws, lang: str, drawing: dict | None) -> None:
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    with st.form("ws_sketch", clear_on_submit=False):
        st.caption(t("ws_sketch_hint") if not drawing else t("ws_sketch_ready"))
        show_notice("ws_sketch")
        st.text_input(t("ws_sketch_title"), max_chars=120, key="ws_sketch_title")
        st.text_area(t("ws_sketch_note"), max_chars=2000, height=68, key="ws_sketch_note")
        st.form_submit_button(t("ws_sketch_save"), disabled=not drawing, on_click=save_sketch, args=(ws, lang, drawing))


def save_sketch(ws, lang: str, drawing: dict | None) -> None:
    if not drawing:
        return
    title, note = st.session_state.get("ws_sketch_title") or "", st.session_state.get("ws_sketch_note") or ""
    content = content_of(ws)
    sketch = {"title": title or i18n.t("ws_sketch_untitled", lang), "note": note, "geometry": drawing}
    content["sketches"].append({**sketch, "created": dt.date.today().isoformat()})
    submit("ws_sketch", ws, content, f"sketch: {title or '—'}", lang, ("ws_sketch_title", "ws_sketch_note"))


def view_form(ws, lang: str) -> None:
    with st.form("ws_view", clear_on_submit=False):
        show_notice("ws_view")
        st.text_input(i18n.t("ws_view_name", lang), max_chars=80, key="ws_view_name")
        st.form_submit_button(i18n.t("ws_view_save", lang), on_click=save_view, args=(ws, lang))


def save_view(ws, lang: str) -> None:
    name, bbox = st.session_state.get("ws_view_name") or "", session().bbox
    if not (name and bbox):
        return
    content = content_of(ws)
    content["views"] = [v for v in content["views"] if v["name"] != name] + [{"name": name, "bbox": list(bbox)}]
    submit("ws_view", ws, content, f"view: {name}", lang, ("ws_view_name",))


def history_picker(ws, lang: str) -> None:
    store = cache.workspace_store()
    history = store.history(ws.id, edit_token(ws.id) or "")
    if len(history) <= 1:
        return
    names = cache.get_layers().venues.set_index("id")[f"name_{lang}"].to_dict()
    labels = {
        h["version"]: f"{h['version']} · {h['time'][:16]} · {workspace.describe_change(h['change'], lang, names)}"
        for h in history
    }
    pick = st.selectbox(i18n.t("ws_history", lang), list(reversed(labels)), key="ws_restore_pick", format_func=labels.get)
    changed_since(store, ws, pick, lang)
    shown = ("ws_restore_from", ws.version)  # the version on the page when the button was pressed (its callback)
    pressed = st.button(i18n.t("ws_restore", lang), key="ws_restore", on_click=st.session_state.__setitem__, args=shown)
    if pressed and pick != st.session_state.get("ws_restore_from"):
        try:  # made from the version the editor saw: one saved since is a conflict, shown side by side
            store.restore(ws.id, edit_token(ws.id) or "", pick, expected=st.session_state.pop("ws_restore_from"))
        except workspace.Conflict:
            old = store.load(ws.id, edit_token(ws.id) or "", pick).content
            st.session_state[CONFLICT_KEY] = {"ws": ws.id, "mine": old, "base": None, "change": f"restored version {pick}"}
        st.rerun()


def changed_since(store, ws, pick: int, lang: str) -> None:
    """What changed from the picked version to the one on the page (``python -m geo workspace diff``'s lines)."""
    from geo import cli_projects, project_report

    if pick == ws.version:
        return
    old = store.load(ws.id, edit_token(ws.id) or "", pick).content
    layers = cache.get_layers()
    names = {p["id"]: p for c in (old, ws.content) for p in project_report.register(layers, c, None)}
    lines = cli_projects.diff_lines(project_report.diff(layers, old, ws.content), names, lang)
    st.caption(i18n.t("ws_diff_heading", lang).format(v1=pick, v2=ws.version))
    st.markdown("\n".join(f"- {safe.md(line)}" for line in lines))


def conflict_box(ws, lang: str) -> None:
    """After a refused save, item by item: the newest version (theirs) beside this editor's change applied onto
    it (mine, ``workspace.mine_over``), with "keep theirs" and "apply mine"."""
    pending = st.session_state.get(CONFLICT_KEY)
    if not pending or pending["ws"] != ws.id:
        return
    mine = workspace.mine_over(pending["base"], pending["mine"], ws.content)
    table = workspace.conflict_columns(ws.content, mine, lang)
    if not next(iter(table.values())):  # they saved what this editor meant to: nothing to choose
        st.session_state.pop(CONFLICT_KEY, None)
        return
    st.warning(i18n.t("ws_conflict_both", lang).format(version=ws.version))
    show_notice(CONFLICT_KEY)
    st.dataframe(table, hide_index=True)
    c1, c2 = st.columns(2)
    c1.button(i18n.t("ws_keep_theirs", lang), key="ws_keep_theirs", on_click=st.session_state.pop, args=(CONFLICT_KEY, None))
    c2.button(i18n.t("ws_apply_mine", lang), key="ws_apply_mine", on_click=apply_mine, args=(ws, mine, pending, lang))


def apply_mine(ws, mine: dict, pending: dict, lang: str) -> None:
    """Save this editor's side onto the newest version (another save meanwhile is a new conflict, shown again)."""
    problem = save(ws, mine, pending["change"], lang)
    if problem is None:
        st.session_state.pop(CONFLICT_KEY, None)
    elif st.session_state.get(CONFLICT_KEY) is pending:  # not a new conflict (that one is shown): the store, say
        st.session_state[f"{CONFLICT_KEY}_notice"] = problem
