"""The export panel: the map spec the planner sees, written to a file (snapshot, HTML or data)."""

from __future__ import annotations

import logging
from dataclasses import replace

import streamlit as st

from geo import formats, i18n, mapspec, presets, safe
from geo.data import Layers
from geo.errors import GeoError
from geo.views import VIEWS
from ui import cache, jobs
from ui.session import session

PRESETS = ("slide-1080", "slide-4k", "slide-4x3", "a4-landscape", "a4-portrait", "a3-landscape", "a3-portrait", "custom")


FORM_KEYS = (
    "exp_fmt",
    "exp_preset",
    "exp_dpi",
    "exp_w",
    "exp_h",
    "exp_title",
    "exp_subtitle",
    "exp_label_lang",
    "exp_deck_views",
    "exp_furniture",
)


def size_of(preset: str, dpi: int, custom: tuple[int, int]) -> mapspec.Page:
    """The page of a preset."""
    if preset in presets.PRESETS:
        return mapspec.Page(*presets.PRESETS[preset])
    if preset.startswith("a"):
        return mapspec.Page(*presets.paper_size(preset, dpi), dpi)
    return mapspec.Page(*custom, dpi)


def summary_spec(spec: mapspec.MapSpec) -> mapspec.MapSpec:
    """``spec`` at the page of the form's last settings (the defaults before any): what the file will hold
    depends on the page's shape (``mapspec.in_view``), so the panel's summary reads the same frame."""
    state = st.session_state
    custom = (int(state.get("exp_w", 1920)), int(state.get("exp_h", 1080)))
    page = replace(spec, page=size_of(state.get("exp_preset", PRESETS[0]), int(state.get("exp_dpi", 150)), custom))
    return formats.page_of(page, state.get("exp_fmt", "png"))


def export_panel(layers: Layers, spec: mapspec.MapSpec) -> None:
    """Collect the export settings, say what the file will hold, render on request, offer the download."""
    lang = spec.lang
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    with st.expander(t("export_title"), expanded=False, key="export_open", on_change="rerun") as box:
        if not box.open:  # lazy: nothing is built while the panel is closed; a queued render goes on regardless
            return
        for key in FORM_KEYS:  # the planner's settings outlive closing the panel (Streamlit forgets unbuilt widgets)
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]
        st.caption(t("export_hint"))
        try:
            summary = summary_spec(spec)  # at the page last chosen: the file's frame, so the count is the file's
            st.markdown(f"**{t('export_contains')}**: {safe.md(cache.describe(summary.key(), lang, layers, summary))}")
        except GeoError as exc:
            st.warning(error_text(exc, lang))
        with st.form("export"):
            c1, c2, c3 = st.columns(3)
            fmt = c1.selectbox(
                t("export_format"), list(formats.FORMATS), key="exp_fmt", format_func=lambda f: formats.FORMATS[f].label[lang]
            )
            preset = c2.selectbox(
                t("export_preset"), PRESETS, format_func=lambda p: i18n.term("preset", p, lang), key="exp_preset"
            )
            dpi = c3.radio("DPI", (150, 300), horizontal=True, key="exp_dpi")
            c4, c5 = st.columns(2)
            # the defaults go into the session state, not the widgets: the restore above sets these keys, and a
            # widget given both a default and a session-state value makes Streamlit warn in the server log
            st.session_state.setdefault("exp_w", 1920)
            st.session_state.setdefault("exp_h", 1080)
            width = c4.number_input(t("export_width"), min_value=200, max_value=7680, step=10, key="exp_w")
            height = c5.number_input(t("export_height"), min_value=200, max_value=7680, step=10, key="exp_h")
            title = st.text_input(t("export_title_field"), i18n.t("app_title", lang), max_chars=120, key="exp_title")
            subtitle = st.text_input(t("export_subtitle_field"), "", max_chars=160, key="exp_subtitle")
            label_lang = st.radio(
                t("export_label_lang"),
                mapspec.LABEL_LANGS,
                index=("zh", "en").index(lang),
                format_func=lambda v: i18n.term("label_lang", v, lang),
                horizontal=True,
                key="exp_label_lang",
            )
            deck_views = st.multiselect(
                t("deck_views"),
                ["current", *VIEWS],
                default=["current"],
                key="exp_deck_views",
                select_all=False,  # Streamlit's "Select all" is English only (1.67 has no label for it)
                format_func=lambda v: t("deck_current") if v == "current" else VIEWS[v].name(lang),
            )
            items = st.multiselect(
                t("export_furniture"),
                mapspec.FURNITURE_ITEMS,
                default=list(mapspec.FURNITURE_ITEMS),
                format_func=lambda f: i18n.term("furniture", f, lang),
                key="exp_furniture",
                select_all=False,  # Streamlit's "Select all" is English only (1.67 has no label for it)
            )
            submitted = st.form_submit_button(t("export_render"), type="primary")
        if submitted:
            full = replace(
                spec,
                page=size_of(preset, dpi, (int(width), int(height))),
                title=title,
                subtitle=subtitle or None,
                label_lang=label_lang,
                furniture=mapspec.Furniture(**{f: f in items for f in mapspec.FURNITURE_ITEMS}),
            )
            start_export(layers, full, fmt, tuple(deck_views))
        mem = session()
        if mem.export_job is not None:
            finish_export(lang)
        error = mem.export_error
        if error:
            st.error(error)
        result = mem.export_result
        if result and not error:
            st.caption(safe.md(result.description))
            for note in result.notes:
                st.warning(safe.md(note))
            st.download_button(
                f"⬇ {result.name} ({len(result.data) / 1024:.0f} KB)",
                result.data,
                file_name=result.name,
                mime=result.mime,
                key="exp_download",
            )


def start_export(layers: Layers, spec: mapspec.MapSpec, fmt: str, deck_views: tuple[str, ...] = ("current",)) -> None:
    """Queue the render in the server's export pool, one job per session, a render in a process of its own
    (``finish_export`` waits for it and shows the result)."""
    options = {"views": deck_views} if formats.FORMATS[fmt].kind == "deck" else {}
    mem = session()
    mem.export_error = None
    isolated = formats.FORMATS[fmt].needs_renderer
    mem.export_job = cache.render_pool().start(mem, formats.export, layers, spec, fmt, isolated=isolated, **options)


def error_text(exc: GeoError, lang: str) -> str:
    """A failed export in the page's language: the error's own catalogued ``message(lang)`` (a spec, a format, a
    deck, a missing part, a worker that stopped or failed, local tiles: geo/error_messages.py and the like). An
    error with no catalogued words says "Export failed" and what to do; its text goes to the server log only."""
    message = getattr(exc, "message", None)
    if callable(message):
        return safe.md(message(lang))
    logging.getLogger(__name__).warning("an export failed: %s", exc)
    return f"{i18n.t('export_failed', lang)}: {i18n.t('err_generic', lang)}"


def finish_export(lang: str) -> None:
    """Wait for the queued render with a progress bar. A rerun meanwhile (a pan, a toggle) stops only the
    waiting: the next run waits on. Errors become one message in the page's language."""
    bar = st.progress(0.0, text=i18n.t("export_rendering", lang))
    mem = session()
    job = mem.export_job
    try:
        result = jobs.wait(job, lambda f: bar.progress(f, text=i18n.t("export_rendering", lang)))
    except GeoError as exc:
        mem.export_error = error_text(exc, lang)
    else:
        mem.export_result = result
    finally:
        if job.future.done():  # not when a rerun stopped the waiting: the job is still running
            mem.export_job = None
    bar.empty()
