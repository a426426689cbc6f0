"""The address bar and the tab's history: a link's tokens leave both (issue 25). The JavaScript is
geo/static/page/address.js; this is its glue.

On a session's first run the page gets its referrer policy. When the link carried tokens (``et``, ``wt``), that
run does not write the address through Streamlit (``st.query_params``, which pushes a new history entry and so
would leave the link, edit token included, one Back away): the browser rewrites its own entry in place
(``history.replaceState``) to the query the next run writes, and that run then finds the address already
written, so Streamlit adds no entry at all.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

SCRIPT_FILE = Path(__file__).resolve().parents[1] / "geo" / "static" / "page" / "address.js"
REPLACE_KEY = "address_replace_entry"  # session state: this run rewrites the browser's entry instead


@lru_cache(maxsize=1)
def script() -> str:
    return SCRIPT_FILE.read_text("utf-8")


def run_script(**cfg: object) -> None:
    """Run address.js's ``BEM_address(cfg)`` in the page (in the sidebar: no room taken beside the map)."""
    st.sidebar.html(f"<script>{script()}\nwindow.BEM_address({json.dumps(cfg)});</script>", unsafe_allow_javascript=True)


def first_run(replace_entry: bool) -> None:
    """A session's first run: the referrer policy now; with ``replace_entry`` (the link carried tokens) the
    address is written by :func:`write` as the browser's own entry."""
    st.session_state["ws_policies"] = True  # once per session (the workspace panel asks)
    st.session_state[REPLACE_KEY] = replace_entry
    run_script(referrer=True)


def query_after(current: Mapping[str, list[str]], wanted: Mapping[str, str], owned: Collection[str]) -> dict[str, list[str]]:
    """The query once ``wanted`` is set on ``current``: a changed key keeps its place, a new one comes last, a key
    the page owns (``owned``) and does not want goes, any other stays."""
    out = {key: list(values) for key, values in current.items()}
    for key, value in wanted.items():
        if (out.get(key) or [None])[-1] != value:
            out[key] = [value]
    for key in [k for k in out if k in owned and k not in wanted]:
        del out[key]
    return out


def write(wanted: Mapping[str, str], owned: Collection[str]) -> None:
    """Write the address ``wanted`` gives in one update (``from_dict``: one message, so at most one new history
    entry, never one per key with the link's tokens still in it). On the run after a link with tokens the
    browser rewrites its own entry instead and ``st.query_params`` is left alone: the next run finds the
    address already written."""
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    query = query_after(current, wanted, owned)
    if st.session_state.pop(REPLACE_KEY, False):
        run_script(query=urlencode(query, doseq=True))  # as Streamlit encodes it
    elif query != current:
        st.query_params.from_dict(query)
