"""The sidebar: language, basemap, view, search (and its hits) and the filters (ui.filter_panel), all from the page state."""

from __future__ import annotations

import streamlit as st

from geo import basemaps, explore, i18n, safe
from geo.views import VIEWS
from ui import cache, state
from ui.filter_panel import filters_panel
from ui.import_panel import imported_layers


def secret_tianditu_key() -> str | None:
    """The Tianditu key from Streamlit secrets or the environment (None when absent)."""
    try:
        secret = st.secrets.get("tianditu_key")
    except Exception:  # no secrets.toml at all: Streamlit raises rather than returning None
        secret = None
    return basemaps.tianditu_key(secret)


def basemap_label(key: str, lang: str, token: str | None) -> str:
    label = i18n.term("basemap", key, lang)
    if not basemaps.BASEMAPS[key].available(token):
        label += f"（{i18n.t('key_needed', lang)}）" if lang == "zh" else f" ({i18n.t('key_needed', lang)})"
    return label


def sidebar(layers, token: str | None) -> tuple[str, str, object]:
    """Language, basemap, view, search and filters; all mirrored in the URL. Returns a slot for the venue card."""
    sb = st.sidebar
    card_slot = sb.container()
    # the page state owns every value: the widgets show it afresh on each run (a widget whose labels changed
    # with the language would otherwise keep showing, and later send back, the old language's label)
    state.restore_widgets(("lang", "basemap", "view", "q"))
    on = {"on_change": state.changed}  # every widget's callback copies its value into the page state
    both = f"{i18n.t('language', 'zh')} / {i18n.t('language', 'en')}"  # findable whatever the page's language
    lang = sb.radio(
        both,
        i18n.LANGS,
        format_func=lambda v: {"zh": "中文", "en": "English"}[v],
        horizontal=True,
        key="lang",
        **on,
        args=("lang",),
    )
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    basemap = sb.selectbox(
        t("basemap"),
        list(basemaps.BASEMAPS),
        format_func=lambda k: basemap_label(k, lang, token),
        key="basemap",
        **on,
        args=("basemap",),
    )
    basemap = state.page().basemap  # the page state's, not the widget's return (see state.CHOICES)
    if basemap == "offline":
        sb.info(t("offline_hint"))
    elif not basemaps.BASEMAPS[basemap].available(token):
        sb.warning(t("tianditu_needs_key"))
    elif basemaps.BASEMAPS[basemap].datum == "gcj02":
        sb.caption(t("gcj_note"))
    sb.selectbox(
        t("view"), ["", *VIEWS], format_func=lambda v: VIEWS[v].name(lang) if v else "—", key="view", on_change=state.go_to_view
    )
    search_box(layers, lang)
    filters_panel(layers, lang)
    sb.caption(t("share_hint"))
    # what the page shows is the page state's (a widget may have handed back a stale label, ignored there)
    return state.page().lang, state.page().basemap, card_slot


def search_box(layers, lang: str) -> None:
    """The search box and its hits: the plan's places first, then the planner's own imported layers."""
    sb, t = st.sidebar, lambda k: i18n.t(k, lang)  # noqa: E731
    places = cache.places(layers)
    sb.text_input(
        t("search"), key="q", placeholder=t("search_hint"), on_change=state.search_entered, args=(places,), help=t("search_help")
    )
    query = state.page().q
    hits = explore.search(places, query)
    own = [
        (layer, explore.search(layer.gdf.assign(name_zh=layer.gdf["_name"], name_en=layer.gdf["_name"]), query, limit=5))
        for layer in imported_layers()
    ]  # the planner's own layers count too
    if query and hits.empty and all(found.empty for _, found in own):
        sb.caption(t("search_none"))
    for _, row in hits.iterrows():
        kind = "" if row["kind"] == "venue" else f" · {i18n.term('kind', row['kind'], lang)}"
        sb.button(
            safe.md(f"{row[f'name_{lang}']}{kind}"),
            key=f"hit_{row['id']}",
            on_click=state.go_to_place,
            args=(row["id"], row["kind"], tuple(row.geometry.bounds)),
            width="stretch",
        )
    for layer, found in own:
        for idx, row in found.iterrows():
            pt = row.geometry.representative_point()
            sb.button(
                safe.md(f"{row['_name']} · {layer.style.label(lang)}"),
                key=f"hit_{layer.key}_{idx}",
                on_click=state.go_to_point,
                args=(pt.y, pt.x),
                width="stretch",
            )
