"""The filter panel: one widget per filter of ``geo.filters.FILTERS``, made from its definition.

A filter's kind picks its widget (a list: a multiselect; an int: a slider; a float: a number box; a ref: a
select box of the features "within N km" can measure from; a date: a date box; a point is set by clicking
the map, so it has none). Its choices and their labels come from the same definition: an allowed-values vocabulary labelled
by ``term``, a data ``column``, or the feature ids. Adding a filter never touches this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from geo import filters, i18n, style
from geo.filters import Filter
from ui import state
from ui.import_panel import imported_layers


@dataclass(frozen=True)
class Choices:
    """What the filters can be set to, now: the data, the planner's imported layers and the page's language."""

    layers: object
    extra: dict[str, style.LayerStyle]
    lang: str

    def options(self, f: Filter) -> list[str]:
        if f.kind == "ref":
            return state.reference_options(self.layers)
        if f.column:
            return sorted(self.layers.venues[f"{f.column}_en"].unique())
        return list(f.allowed(tuple(self.extra) if f.imports else ()) or ())

    def label(self, f: Filter) -> Callable[[str], str]:
        lang = self.lang
        if f.kind == "ref":
            return self.feature_names().get
        if f.column:
            v = self.layers.venues
            return dict(zip(v[f"{f.column}_en"], v[f"{f.column}_{lang}"])).get
        if f.term == "layer":
            return lambda k: style.get_style(k, self.extra).label(lang)
        return lambda k: i18n.term(f.term, k, lang)

    def feature_names(self) -> dict[str, str]:
        lay, lang = self.layers, self.lang
        names = {"venue": i18n.t("of_venue", lang), "point": i18n.t("of_point", lang)}
        for gdf in (lay.core, lay.axes, lay.areas, lay.venues):
            names.update(zip(gdf["id"], gdf[f"name_{lang}"]))
        return names


def filters_panel(layers, lang: str) -> None:
    """The filters: they act whether or not their panel is open; its widgets are built only while it is open."""
    choices = Choices(layers, {layer.key: layer.style for layer in imported_layers()}, lang)
    drop_gone(choices)
    with st.sidebar.expander(
        i18n.t("filters", lang), expanded=state.filters_active(), key="filters_open", on_change="rerun"
    ) as box:
        if box.open:
            state.restore_widgets(state.FILTER_WIDGETS)
            for f in filters.FILTERS:
                if f.kind == "date":  # the page state holds YYYY-MM-DD; the date box a date (None: unset)
                    st.session_state[f.url] = as_date(getattr(state.page().filters, f.field))
            for f in filters.FILTERS:
                widget(f, choices)
            pick_hint(layers, lang)


def drop_gone(choices: Choices) -> None:
    """Values that no longer exist (a removed import's category) leave the page state."""
    chosen = state.page().filters
    for f in filters.FILTERS:
        value = getattr(chosen, f.field)
        if f.kind == "list" and (f.imports or f.column):
            options = choices.options(f)
            if any(v not in options for v in value):
                state.set_widget(f.url, [v for v in value if v in options])
        elif f.kind == "ref" and value not in choices.options(f):
            state.set_widget(f.url, "venue")


def widget(f: Filter, choices: Choices) -> None:
    """Filter ``f``'s widget; its callback copies the value into the page state."""
    t = lambda k: i18n.t(k, choices.lang) if k else None  # noqa: E731
    common = {"key": f.url, "help": t(f.hint), "on_change": state.changed, "args": (f.url,)}
    if f.kind == "list":
        # no "Select all": Streamlit's is English only, and an empty filter already means everything
        st.multiselect(
            t(f.label), choices.options(f), placeholder=t("all"), format_func=choices.label(f), select_all=False, **common
        )
    elif f.kind == "int":
        lo, hi = f.limits()
        st.slider(t(f.label), int(lo), int(hi), step=int(f.step or 1), **common)
    elif f.kind == "float":
        lo, hi = f.limits()
        st.number_input(t(f.label), lo, hi, step=f.step, **common)
    elif f.kind == "ref":
        st.selectbox(t(f.label), choices.options(f), format_func=choices.label(f), **common)
    elif f.kind == "date":
        lo, hi = dt.date(filters.YEAR_MIN, 1, 1), dt.date(filters.YEAR_MAX, 12, 31)
        common.update(on_change=date_changed, args=(f,))
        st.date_input(t(f.label), min_value=lo, max_value=hi, format="YYYY-MM-DD", **common)
    # a point filter is set by clicking the map: it has no widget


def as_date(text: str) -> dt.date | None:
    """A date filter's value as its date box shows it (None: unset)."""
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def date_changed(f: Filter) -> None:
    """A date box's callback: its day (YYYY-MM-DD, "" when emptied) into the page state."""
    value = st.session_state.get(f.url)
    state.set_filter(f.field, value.isoformat() if isinstance(value, dt.date) else "")


def pick_hint(layers, lang: str) -> None:
    """Say what "within N km" still needs."""
    chosen = state.page().filters
    if chosen.within_km and chosen.of == "venue" and not state.selected_id(layers):
        st.info(i18n.t("within_pick_venue", lang))
    elif chosen.within_km and chosen.of == "point" and not chosen.point:
        st.info(i18n.t("within_pick_point", lang))
