"""The page: lays out the panels of ``ui/`` from the page state, once per run (app.py calls :func:`run`).

The page lives here rather than in app.py itself because a worker process (an import, a render) started with
multiprocessing's forkserver re-runs the parent's main module, and under Streamlit that is app.py: kept to a
guarded call, app.py costs a worker nothing, where the page would run whole in every worker.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from dataclasses import replace

import streamlit as st

from geo import basemaps, i18n, mapspec, safe, webmap
from geo.errors import GeoError
from ui import cache, present, state
from ui.card import card_panel
from ui.export_panel import export_panel
from ui.header import header
from ui.import_panel import import_panel, imported_layers
from ui.map_view import map_view, reported_bbox
from ui.projects_panel import marked
from ui.session import session
from ui.sidebar import secret_tianditu_key, sidebar
from ui.story_panel import story_panel
from ui.tabs import tabs
from ui.workspace_panel import workspace_panel

log = logging.getLogger("beijing_exchange_map")


def main(started: float) -> None:
    try:
        basemaps.mirror_url()  # a bad BEM_TILE_MIRROR is refused at start, in one line
    except basemaps.MirrorError as exc:
        st.error(safe.md(exc))
        return
    token = secret_tianditu_key()
    state.init_from_url()
    try:
        layers = cache.get_layers()
    except GeoError as exc:
        lang = st.session_state.get("lang", "zh")
        st.error(f"**{i18n.t('data_error', lang)}**\n\n{safe.md(exc)}\n\n{i18n.t('data_error_next', lang)}")
        return
    if present.wanted():  # ?present=1: the story page fills the window (ui/present.py), nothing else is drawn
        present.present(layers, token)
        return
    # a session's first run sends the map first, before the sidebar's widgets: the browser then fetches the map
    # component's script and builds its frame before it renders the widgets (whose scripts load alongside).
    # The map only reads the page state (which owns every widget's value), so it is the map the widgets give;
    # with a workspace or imported layers it waits for their panels. The table below the map waits for the run
    # the map's first report causes (a moment later), so the browser builds the map's frame before the grid.
    mem = session()
    first_paint, mem.painted = not mem.painted, True
    page = state.page()
    early = first_paint and not page.ws and not imported_layers()
    if early:
        header(page.lang)
        drawn = _the_map(layers, token, (), None, False, page.basemap)
    lang, basemap, card_slot = sidebar(layers, token)
    import_panel(layers, lang)
    ws_layers, can_edit, ws = workspace_panel(layers, lang, imported_layers())
    imported = imported_layers() + ws_layers
    if not early:
        header(lang)
        drawn = _the_map(layers, token, imported, ws, can_edit, basemap)
    _, spec, shown = drawn
    selected_id = state.selected_id(layers)
    with card_slot:  # the card opens at the top of the sidebar, so it never shrinks the map
        card_panel(layers, selected_id, ws, can_edit, lang)
    tabs(layers, shown, selected_id, ws, lang, first_paint, spec, can_edit)
    bbox = reported_bbox()
    # what the planner sees now: the layers switched on and the extent the map reported on this run
    export_spec = replace(state.map_spec(layers, imported, token, bbox=bbox), marks=spec.marks, projects=spec.projects)
    export_panel(layers, export_spec)
    story_panel(layers, export_spec, ws, can_edit, lang)  # the sidebar's, after the workspace's: this extent
    state.write_url()
    mem.run_ms = (time.perf_counter() - started) * 1000


def _the_map(layers, token: str | None, imported: tuple, ws, can_edit: bool, basemap: str):
    """Draw the map of this run's spec; returns what the map reported, the spec and the venues the table lists
    (every venue passing the filters, whether or not its layer is switched on)."""
    spec = marked(layers, state.map_spec(layers, imported, token, bbox=session().bbox), ws)  # with the projects' marks
    result = cache.shown(layers, spec)
    table_spec = replace(spec, layers=mapspec.ALL_LAYERS + tuple(layer.key for layer in imported))
    shown = cache.shown(layers, table_spec).venues
    display = webmap.effective_basemap(basemap, token).datum
    return map_view(layers, spec, result, table_spec.layers, can_edit, display), spec, shown


def run() -> None:
    """One run of the page (Streamlit runs app.py, which calls this, on every rerun)."""
    started = time.perf_counter()  # server time of this run, kept for the benchmark (geo.bench)
    st.set_page_config(page_title="北京国际交往中心地图 · Beijing Exchange Map", page_icon="🗺️", layout="wide")
    try:
        if os.environ.get("BEM_PROFILE"):  # python -m geo.bench: where a rerun's server time goes
            import cProfile

            cProfile.runctx("main(started)", globals(), {"started": started}, os.environ["BEM_PROFILE"])
        else:
            main(started)
    except Exception:  # last line of defence: a message and a reference, never a traceback, a value or a type
        ref = secrets.token_hex(4)
        log.exception("unexpected error (reference %s)", ref)  # the server log: the traceback, under the reference
        lang = i18n.normalize_lang(st.query_params.get("lang"))
        st.error(
            f"**{i18n.t('unexpected_error', lang)}** ({i18n.t('error_reference', lang)} {ref})"
            f"\n\n{i18n.t('unexpected_next', lang)}"
        )
