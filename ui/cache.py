"""Every st.cache_data / st.cache_resource wrapper of the app lives here."""

from __future__ import annotations

import streamlit as st

from geo import data


@st.cache_resource(show_spinner=False)
def get_layers() -> data.Layers:
    """The validated layers, loaded once per server process (shared, read-only)."""
    return data.load_layers()
