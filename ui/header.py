"""The page's compact header and its style sheet (geo/static/page/page.css)."""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

import streamlit as st

from geo import i18n
from ui.present import present_link

CSS_FILE = Path(__file__).resolve().parents[1] / "geo" / "static" / "page" / "page.css"


@lru_cache(maxsize=1)
def page_css() -> str:
    return f"<style>\n{CSS_FILE.read_text('utf-8')}</style>\n"


def header(lang: str) -> None:
    """A compact header: the title and the caption on one line (page.css cuts the caption where the window is
    narrow; its whole text stays in the page for screen readers and shows on hover), and the "Present" link
    (ui/present.py: the named views as a story, full screen)."""
    caption = html.escape(i18n.t("app_caption", lang))
    st.html(
        page_css() + f'<div class="bem-head"><h1>{html.escape(i18n.t("app_title", lang))}</h1>'
        f'<span title="{caption}">{caption}</span>{present_link(lang)}</div>'
    )
