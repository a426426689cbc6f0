"""Beijing Exchange Map: the Streamlit page. Collects input, calls ``geo``, renders."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import basemaps, i18n, style, webmap
from geo.errors import GeoError
from ui.assets import serve_leaflet
from ui.cache import get_layers
from ui.export_panel import export_panel

log = logging.getLogger("beijing_exchange_map")

st.set_page_config(page_title="北京国际交往中心地图 · Beijing Exchange Map", page_icon="🗺️", layout="wide")


def initial_lang() -> str:
    """``?lang=`` wins; otherwise the browser's locale; otherwise Chinese."""
    if "lang" in st.query_params:
        return i18n.normalize_lang(st.query_params["lang"])
    return i18n.normalize_lang(getattr(st.context, "locale", None))


def sync_query(key: str, value: str) -> None:
    """Keep a setting in the URL so the view can be shared."""
    if st.query_params.get(key) != value:
        st.query_params[key] = value


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


def sidebar(token: str | None) -> tuple[str, str]:
    """Language and basemap pickers; both mirrored in the URL."""
    lang = st.sidebar.radio(
        "语言 / Language", i18n.LANGS, index=i18n.LANGS.index(initial_lang()),
        format_func=lambda v: {"zh": "中文", "en": "English"}[v], horizontal=True, key="lang",
    )
    keys = list(basemaps.BASEMAPS)
    basemap = st.sidebar.selectbox(
        i18n.t("basemap", lang), keys,
        index=keys.index(basemaps.normalize_basemap(st.query_params.get("basemap"))),
        format_func=lambda k: basemap_label(k, lang, token), key="basemap",
    )
    sync_query("lang", lang)
    sync_query("basemap", basemap)
    st.sidebar.caption(i18n.t("share_hint", lang))
    if basemap == "offline":
        st.sidebar.info(i18n.t("offline_hint", lang))
    elif not basemaps.BASEMAPS[basemap].available(token):
        st.sidebar.warning(i18n.t("tianditu_needs_key", lang))
    elif basemaps.BASEMAPS[basemap].datum == "gcj02":
        st.sidebar.caption(i18n.t("gcj_note", lang))
    return lang, basemap


def venues_table(layers, lang: str) -> pd.DataFrame:
    """The venues as a table in ``lang``."""
    v = layers.venues
    return pd.DataFrame({
        i18n.t("field_name", lang): v[f"name_{lang}"],
        i18n.t("field_category", lang): [style.get_style(c).label(lang) for c in v["category"]],
        i18n.t("field_district", lang): v[f"district_{lang}"],
        i18n.t("field_action", lang): [i18n.term("plan_action", a, lang) for a in v["plan_action"]],
        i18n.t("field_precision", lang): [i18n.term("precision", p, lang) for p in v["precision"]],
    })


def main() -> None:
    token = secret_tianditu_key()
    lang, basemap = sidebar(token)
    st.title(i18n.t("app_title", lang))
    st.caption(i18n.t("app_caption", lang))
    try:
        layers = get_layers()
        fmap = webmap.build_map(layers, lang=lang, basemap=basemap, asset_base=serve_leaflet(), token=token)
    except GeoError as exc:
        st.error(f"**{i18n.t('data_error', lang)}**\n\n`{exc}`\n\n{i18n.t('data_error_next', lang)}")
        return
    state = st_folium(fmap, height=720, use_container_width=True, key="map",
                      returned_objects=["bounds", "zoom", "selected_layers"]) or {}
    export_panel(layers, lang, basemap, webmap.view_bbox(state.get("bounds"), basemap),
                 webmap.visible_layers(state.get("selected_layers")), token)
    st.subheader(f"{i18n.t('venues_table', lang)} · {len(layers.venues)} {i18n.t('count_venues', lang)}")
    st.dataframe(venues_table(layers, lang), hide_index=True, width="stretch")


try:
    main()
except Exception as exc:  # last line of defence: a message, never a traceback
    log.exception("unexpected error")
    lang = i18n.normalize_lang(st.query_params.get("lang"))
    st.error(f"**{i18n.t('unexpected_error', lang)}**: {type(exc).__name__}: {exc}\n\n{i18n.t('unexpected_next', lang)}")
