"""The export panel: snapshot the current view (bounds, layers, basemap, language) to a file."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from geo import i18n, presets, style
from geo import io as gio
from geo.data import Layers
from geo.errors import GeoError
from geo.views import VIEWS

IMAGE_FORMATS = ("png", "pdf", "svg")
FORMATS = (*IMAGE_FORMATS, "html", "geojson", "gpkg", "kml", "csv")
PRESETS = ("slide-1080", "slide-4k", "slide-4x3", "a4-landscape", "a4-portrait", "a3-landscape", "a3-portrait",
           "custom")
FURNITURE = ("legend", "scale_bar", "north_arrow", "attribution", "date", "source", "labels")
MIME = {"html": "text/html", **{k: v for k, (v, _) in gio.DATA_FORMATS.items()}, **presets.FORMATS}


def size_of(preset: str, dpi: int, custom: tuple[int, int]) -> tuple[int, int, int]:
    """(width px, height px, dpi) of a preset."""
    if preset in presets.PRESETS:
        return presets.PRESETS[preset]
    if preset.startswith("a"):
        return (*presets.paper_size(preset, dpi), dpi)
    return (*custom, dpi)


def export_panel(layers: Layers, lang: str, basemap: str, bbox, visible: tuple[str, ...], token: str | None,
                 imported: tuple = ()) -> None:
    """Collect the export settings, render on request, offer the file for download."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    with st.expander(t("export_title"), expanded=False):
        st.caption(t("export_hint"))
        with st.form("export"):
            c1, c2, c3 = st.columns(3)
            fmt = c1.selectbox(t("export_format"), FORMATS, format_func=lambda f: f.upper(), key="exp_fmt")
            preset = c2.selectbox(t("export_preset"), PRESETS, format_func=lambda p: i18n.term("preset", p, lang),
                                  key="exp_preset")
            dpi = c3.radio("DPI", (150, 300), horizontal=True, key="exp_dpi")
            c4, c5 = st.columns(2)
            width = c4.number_input(t("export_width"), 200, 7680, 1920, step=10, key="exp_w")
            height = c5.number_input(t("export_height"), 200, 7680, 1080, step=10, key="exp_h")
            title = st.text_input(t("export_title_field"), i18n.t("app_title", lang), max_chars=120, key="exp_title")
            subtitle = st.text_input(t("export_subtitle_field"), "", max_chars=160, key="exp_subtitle")
            label_lang = st.radio(t("export_label_lang"), ("zh", "en", "both"), index=("zh", "en").index(lang),
                                  format_func=lambda v: i18n.term("label_lang", v, lang), horizontal=True,
                                  key="exp_label_lang")
            items = st.multiselect(t("export_furniture"), FURNITURE, default=list(FURNITURE),
                                   format_func=lambda f: i18n.term("furniture", f, lang), key="exp_furniture")
            submitted = st.form_submit_button(t("export_render"), type="primary")
        if submitted:
            render_export(layers, lang, basemap, bbox, visible, token, fmt, size_of(preset, dpi, (width, height)),
                          title, subtitle, label_lang, items, imported)
        result = st.session_state.get("export_result")
        if result:
            for note in result["notes"]:
                st.warning(note)
            st.download_button(f"⬇ {result['name']} ({len(result['data']) / 1024:.0f} KB)", result["data"],
                               file_name=result["name"], mime=result["mime"], key="exp_download")


def render_export(layers, lang, basemap, bbox, visible, token, fmt, size, title, subtitle, label_lang, items,
                  imported=()):
    """Render with a progress bar; errors become a message."""
    from geo import snapshot  # matplotlib: loaded on the first export, not at app start

    bbox = bbox or VIEWS["city"].bbox
    bar = st.progress(0.0, text=i18n.t("export_rendering", lang))
    try:
        if fmt in IMAGE_FORMATS:
            width, height, dpi = size
            spec = replace(snapshot.SnapshotSpec(), bbox=bbox, width_px=width, height_px=height, dpi=dpi,
                           layers=visible, basemap=basemap, lang=label_lang, title=title, subtitle=subtitle or None,
                           furniture=snapshot.Furniture(**{f: f in items for f in FURNITURE}), token=token)
            snap = snapshot.render(layers, spec, fmt, imported=imported,
                                   progress=lambda f, _m: bar.progress(f, text=i18n.t("export_rendering", lang)))
            data, notes = snap.data, snap.notes
        elif fmt == "html":
            hidden = tuple(k for k in style.STYLES if k not in visible)
            data, notes = gio.export_html(layers, lang, basemap, hidden, bbox, token, imported).encode("utf-8"), []
        else:
            data, notes = gio.export_data(layers, visible, fmt, bbox=bbox, lang=lang, imported=imported), []
    except GeoError as exc:
        bar.empty()
        st.error(f"{i18n.t('export_failed', lang)}: {exc}")
        return
    bar.progress(1.0, text=i18n.t("export_done", lang))
    ext = {"geojson": "geojson", "gpkg": "gpkg", "kml": "kml", "csv": "csv"}.get(fmt, fmt)
    st.session_state["export_result"] = {"data": data, "name": f"beijing-exchange-map.{ext}", "mime": MIME[fmt],
                                         "notes": notes}
