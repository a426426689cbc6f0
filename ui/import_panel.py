"""The import panel: upload a file, see every problem, style it, put it on the map (this session only)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import i18n, imports, safe, style
from geo.data import Layers
from ui import cache
from ui.session import session


def imported_layers() -> tuple[imports.ImportedLayer, ...]:
    """The layers imported in this session (never written to disk)."""
    return session().imports


def import_panel(layers: Layers, lang: str) -> None:
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    with st.sidebar.expander(t("import_title"), expanded=False, key="import_open", on_change="rerun") as box:
        if not box.open:  # lazy: nothing is built while the panel is closed (imported layers stay on the map)
            cache.forget_import()  # the uploader forgets its file when unbuilt: so does the session
            return
        st.caption(t("import_hint").format(limit=imports.MAX_BYTES // 1024 // 1024))
        # No type= filter: Streamlit would check the name itself and show its own traceback for a name with a
        # NUL byte; the importer checks the extension and says so in the chosen language.
        upload = st.file_uploader(t("import_file"), key="upload")
        crs = st.radio(
            t("import_crs"),
            ("wgs84", "gcj02", "bd09"),
            horizontal=True,
            key="import_crs",
            format_func=lambda c: i18n.term("crs", c, lang),
        )
        if upload is None:
            cache.forget_import()
        else:
            show_upload(upload, crs, layers, lang)
        for i, layer in enumerate(imported_layers()):
            c1, c2, c3 = st.columns([3, 1, 1])
            c1.text(f"{layer.style.label(lang)} · {len(layer.gdf)}")
            c2.download_button(
                "⬇",
                layer.gdf.drop(columns=["_where", "_outside"], errors="ignore").to_json(ensure_ascii=False).encode("utf-8"),
                file_name=f"{layer.source}.geojson",
                key=f"imp_dl_{layer.key}",
                help=t("import_download"),
            )
            c3.button("✕", key=f"imp_rm_{layer.key}", on_click=remove, args=(i,), help=t("import_remove"))


def show_upload(upload, crs: str, layers: Layers, lang: str) -> None:
    """Read the uploaded file (once per session and file) and show what was found, or why it was refused."""
    name = imports.safe_name(upload.name)  # NUL, control and bidi characters, paths, length: never shown raw
    try:
        result = cache.read_import(name, upload.getvalue(), crs, layers)
    except imports.ImportFailed as exc:
        st.error(safe.md(i18n.t("import_failed_file", lang).format(name=name, message=exc.text(lang))))
        return
    show_result(result, lang)
    if not len(result.gdf):
        return
    if len(imported_layers()) >= imports.MAX_SESSION_LAYERS:
        st.info(i18n.t("import_layers_full", lang).format(limit=imports.MAX_SESSION_LAYERS))
    else:
        add_form(result, lang, layers.districts)


def show_result(result: imports.ImportResult, lang: str) -> None:
    (st.success if not result.problems else st.warning)(safe.md(result.summary(lang)))
    if result.problems:
        st.dataframe(
            pd.DataFrame(
                {
                    i18n.t("import_severity", lang): [i18n.term("severity", p.severity, lang) for p in result.problems],
                    i18n.t("import_problem", lang): [p.text(lang) for p in result.problems],
                }
            ),
            hide_index=True,
            width="stretch",
            height=min(300, 40 + 35 * len(result.problems)),
        )


def add_form(result: imports.ImportResult, lang: str, districts) -> None:
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    fields = [c for c in result.gdf.columns if not str(c).startswith("_") and c != "geometry"]
    with st.form("import_style"):
        label = st.selectbox(t("import_label_field"), ["", *fields], format_func=lambda f: f or t("import_auto"))
        c1, c2 = st.columns(2)
        colour = c1.color_picker(t("import_colour"), style.IMPORT_COLOURS[len(imported_layers()) % len(style.IMPORT_COLOURS)])
        marker = c2.selectbox(t("import_symbol"), style.IMPORT_MARKERS, format_func=lambda m: i18n.term("marker", m, lang))
        if st.form_submit_button(t("import_add"), type="primary"):
            mem = session()
            index, mem.import_serial = mem.import_serial, mem.import_serial + 1
            layer = imports.as_layer(result, index, colour.upper(), marker, label or None, districts)
            mem.imports = (*mem.imports, layer)
            st.rerun()


def remove(index: int) -> None:
    layers = list(imported_layers())
    if 0 <= index < len(layers):
        layers.pop(index)
    session().imports = tuple(layers)
