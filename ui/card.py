"""The venue card: everything about one venue, with distances to the core, the nearest axis and the airports."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import explore, i18n, safe, style, webcontent
from ui import state
from ui.workspace_panel import venue_notes


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
    st.caption(safe.md(webcontent.plan_quote(row, lang)))
    d = explore.distances(layers, venue_id)
    axis_name = layers.axes.set_index("id").loc[d["axis_id"], f"name_{lang}"]
    km = t("km")
    st.markdown(f"**{t('distances')}**（{t('distance_km')}）" if lang == "zh" else f"**{t('distances')}** ({t('distance_km')})")
    st.markdown(
        "\n".join(
            [
                f"- {t('to_core')}: {d['core']:.1f} {km}",
                f"- {t('to_axis')} · {safe.md(axis_name)}: {d['axis']:.1f} {km}",
                f"- {t('to_pek')}: {d['capital_airport']:.1f} {km}",
                f"- {t('to_pkx')}: {d['daxing_airport']:.1f} {km}",
            ]
        )
    )
    st.caption(f"{t('field_coords')}: {safe.md(webcontent.coord_source(row, lang))}")


def card_panel(layers, selected_id: str | None, ws, can_edit: bool, lang: str) -> None:
    """The selected venue's card (with the workspace's status notes and a way out), or a hint how to open one."""
    if selected_id:
        with st.container(border=True):
            venue_card(layers, selected_id, lang)
            venue_notes(ws, can_edit, selected_id, lang, layers.venues.set_index("id").loc[selected_id, "status"])
            st.button(i18n.t("clear_selection", lang), on_click=state.select_venue, args=(None, False))
    else:
        st.caption(i18n.t("card_hint", lang))
