"""Every st.cache_data / st.cache_resource wrapper of the app lives here (and in ui/fastmap.py,
which caches the rendered map strings beside its copy of streamlit-folium's internals)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import data, explore, imports, mapspec, workspace


@st.cache_resource(show_spinner=False)
def get_layers() -> data.Layers:
    """The validated layers, loaded once per server process (shared, read-only), from the disk cache keyed
    by the data's hash when a previous process already validated this version of the data."""
    return data.load_layers_cached()


@st.cache_resource(show_spinner=False)
def places(_layers: data.Layers):
    """Everything search can find (venues, core, axes, areas with aliases), built once per process."""
    return explore.places(_layers)


@st.cache_resource(show_spinner=False, max_entries=256)
def shown(spec_key: str, _layers: data.Layers, _spec: mapspec.MapSpec) -> mapspec.Shown:
    """The spec applied to the layers, once per spec (``spec_key`` = ``spec.key()`` keys the cache)."""
    return mapspec.shown(_layers, _spec)


@st.cache_data(show_spinner=False, max_entries=64)
def counts(ids: str, by: str, lang: str, _shown, _layers) -> pd.Series:
    """Venues per district or area for the shown venues (``ids`` keys the cache)."""
    return explore.counts_by(_shown, _layers, by, lang)


@st.cache_data(show_spinner=False, max_entries=20)
def read_import(name: str, data_: bytes, crs: str, _layers: data.Layers, digest: str) -> imports.ImportResult:
    """Read an upload once per (file, datum) in a bounded worker process (deadline, memory limit);
    ``digest`` keys the cache, ``_layers`` is not hashed."""
    return imports.read_bounded(name, data_, crs=crs, known=_layers.venues, boundary=_layers.boundary.union_all())


@st.cache_resource(show_spinner=False)
def workspace_store() -> workspace.Store:
    """The workspace store (SQLite by default, PostgreSQL with BEM_DATABASE_URL), migrated once per process."""
    return workspace.Store()
