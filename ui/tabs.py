"""The tabs under the map: the shown venues as a table, the statistics and the key projects' progress."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import i18n, sheets
from ui import cache, state
from ui.projects_panel import projects_panel


def venue_table_tab(shown, selected_id: str | None, lang: str) -> None:
    """The shown venues as a table: picking a row selects the venue; the table as CSV."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    table = state.venue_table(shown, lang)
    event = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key="table")
    rows = event.selection.rows if event and event.selection else []
    if rows:
        picked = shown.iloc[rows[0]]["id"]
        if picked != selected_id:
            state.select_venue(picked, True)
            st.rerun()
    st.download_button(t("download_csv"), sheets.csv_bytes(table), file_name="venues.csv", mime="text/csv")


def stats_tab(layers, shown, ws, lang: str) -> None:
    """Venues per district and per area; the workspace's dated status notes."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    # side by side in Chinese; stacked in English, whose key-area names are long enough to push the count
    # column out of half the page
    c1, c2 = st.columns(2) if lang == "zh" else (st.container(), st.container())
    for col, by, title in ((c1, "district", t("per_district")), (c2, "area", t("per_area"))):
        counts = cache.counts(",".join(shown["id"]), by, lang, shown, layers)
        col.dataframe(
            pd.DataFrame({title: counts.index, "n": counts.values}),
            hide_index=True,
            width="stretch",
            column_config={
                "n": st.column_config.ProgressColumn(
                    t("count_venues"), format="%d", min_value=0, max_value=max(1, int(counts.max()) if len(counts) else 1)
                )
            },
        )
    notes = sorted((ws.content.get("notes", []) if ws else []), key=lambda n: n["date"])
    if notes:  # the workspace's dated status changes, in time order
        names = dict(zip(layers.venues["id"], layers.venues[f"name_{lang}"]))
        st.markdown(f"**{t('ws_timeline')}**")
        st.dataframe(
            pd.DataFrame(
                {
                    t("ws_note_date"): [n["date"] for n in notes],
                    t("field_name"): [names.get(n["venue"], n["venue"]) for n in notes],
                    t("field_status"): [i18n.term("status", n["status"], lang) for n in notes],
                    t("ws_note_text"): [n.get("note", "") for n in notes],
                    t("ws_note_source"): [n.get("source", "") for n in notes],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def tabs(layers, shown, selected_id: str | None, ws, lang: str, first_paint: bool, spec=None, can_edit: bool = False) -> None:
    """The table, statistics and key projects tabs (``spec``: the map's, with its change marks); lazy: only
    the open tab's content is built."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    tab_table, tab_stats, tab_projects = st.tabs(
        [f"{t('venues_table')} · {len(shown)}", t("stats"), t("proj_tab")], key="tab", on_change="rerun"
    )
    with tab_table:
        if tab_table.open and not first_paint:
            venue_table_tab(shown, selected_id, lang)
        elif tab_table.open:  # the map's first report reruns the page at once: the table comes then
            st.caption(t("table_loading"))
    with tab_stats:
        if tab_stats.open:
            stats_tab(layers, shown, ws, lang)
    with tab_projects:
        if tab_projects.open and spec is not None:
            projects_panel(layers, spec, ws, can_edit, lang)
