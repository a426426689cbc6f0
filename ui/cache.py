"""Every st.cache_data / st.cache_resource wrapper of the app lives here (and in ui/fastmap.py,
which caches the rendered map strings beside its copy of streamlit-folium's internals)."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from geo import data, explore, imports, mapspec, workspace
from ui.session import Session, session


@st.cache_resource(show_spinner=False)
def get_layers() -> data.Layers:
    """The validated layers, loaded once per server process (shared, read-only), from the disk cache keyed
    by the data's hash when a previous process already validated this version of the data. Scratch folders
    a killed server left behind (an import cut off mid-way) are removed here, once per process."""
    imports.clean_stale_workdirs()
    return data.load_layers_cached()


@st.cache_resource(show_spinner=False)
def places(_layers: data.Layers):
    """Everything search can find (venues, core, axes, areas with aliases), built once per process."""
    return explore.places(_layers)


def extent_free_key(spec: mapspec.MapSpec) -> str:
    """What ``shown`` depends on: everything but the extent (a pan never recomputes the filters)."""
    from dataclasses import replace

    return replace(spec, bbox=mapspec.MapSpec().bbox, view="", page=mapspec.Page()).key()


def shown(_layers: data.Layers, spec: mapspec.MapSpec) -> mapspec.Shown:
    """The spec applied to the layers, once per filter set (the extent does not change it). With the planner's
    own layers the result is the session's (``Session.remember``), never the server's."""
    key = extent_free_key(spec)
    if spec.imported:
        from ui.session import session

        return session().remember("shown", key, lambda: mapspec.shown(_layers, spec))
    return _shown(key, _layers, spec)


@st.cache_resource(show_spinner=False, max_entries=256)
def _shown(key: str, _layers: data.Layers, _spec: mapspec.MapSpec) -> mapspec.Shown:
    return mapspec.shown(_layers, _spec)


@st.cache_data(show_spinner=False, max_entries=256)
def describe(spec_key: str, lang: str, _layers: data.Layers, _spec: mapspec.MapSpec) -> str:
    """What an export of the spec holds, once per spec and language (``spec_key`` = ``spec.key()``)."""
    return mapspec.describe(_layers, _spec, lang, shown(_layers, _spec))


@st.cache_data(show_spinner=False, max_entries=64)
def counts(ids: str, by: str, lang: str, _shown, _layers) -> pd.Series:
    """Venues per district or area for the shown venues (``ids`` keys the cache)."""
    return explore.counts_by(_shown, _layers, by, lang)


def read_import(name: str, data_: bytes, crs: str, layers: data.Layers, mem: Session | None = None) -> imports.ImportResult:
    """Read an upload in a bounded worker process (deadline, memory limit, at most ``imports.MAX_RESULT_BYTES``
    sent back), once per (file, datum) and session; raise ``imports.ImportFailed``.

    Not a server-wide cache: the session (``mem``, by default this browser session's) holds one entry,
    ``Session.upload``, the latest upload's result or failure, replaced by the next upload and dropped by
    ``forget_import`` or with the session, so nothing an upload produces outlives its session. A failure is
    kept too: a rerun does not repeat a 30 s import."""
    mem = session() if mem is None else mem
    key = (hashlib.sha256(data_).hexdigest(), crs, imports.safe_name(name))
    kept = mem.upload
    if kept is None or kept[0] != key:
        mem.upload = None  # the previous upload's result goes before the next one is read
        try:
            kept = (
                key,
                imports.read_bounded(name, data_, crs=crs, known=layers.venues, boundary=layers.boundary.union_all()),
                None,
            )
        except imports.ImportFailed as exc:
            kept = (key, None, (exc.code, exc.kw))
        mem.upload = kept
    if kept[2] is not None:
        raise imports.ImportFailed(kept[2][0], **kept[2][1])
    return kept[1]


def forget_import(mem: Session | None = None) -> None:
    """Drop the session's upload result (the file was removed, or the panel closed)."""
    (session() if mem is None else mem).upload = None


@st.cache_resource(show_spinner=False)
def workspace_store() -> workspace.Store:
    """The workspace store (SQLite by default, PostgreSQL with BEM_DATABASE_URL), migrated once per process."""
    return workspace.Store()


@st.cache_resource(show_spinner=False)
def render_pool():
    """The server's export workers (``ui.jobs.Pool``): a few at once, one per session, each render in a
    process of its own (matplotlib's rcParams are global to a process), so a slow export stalls no other."""
    from ui import jobs

    return jobs.Pool(jobs.EXPORT_WORKERS)
