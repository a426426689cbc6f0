"""Text on a snapshot: the furniture's language, drawable labels, wrapping, and text with a halo (``Ink``)."""

from __future__ import annotations

import re

from geo import i18n, safe, style
from geo.mapspec import Page

BACKGROUND = "#f4f3ef"
INK = "#1f1f1f"


def latin(text: str) -> str:
    """English text drawn with a CJK font first: its curly quotes are full-width (“Beijing’ s”); use ASCII ones."""
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def label_of(row: dict, lang: str) -> str:
    """A feature's label, drawable: hidden characters (bidi overrides, U+FEFF...) removed (``safe.mpl``)."""
    return safe.mpl(
        style.label_text(str(row["name_zh"]), latin(str(row["name_en"])) if lang == "both" else str(row["name_en"]), lang)
    )


def ui_lang(lang: str) -> str:
    """The language of the furniture text ("both" uses Chinese first, English after)."""
    return "en" if lang == "en" else "zh"


def text_of(key: str, lang: str) -> str:
    """Catalogue text ``key`` in the label language: zh, en, or both ("中文 / English")."""
    if lang == "both":
        return f"{i18n.t(key, 'zh')} / {latin(i18n.t(key, 'en'))}"
    return i18n.t(key, lang)


def _cost(text: str) -> int:
    """Display width: a CJK character counts two."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def wrap(text: str, width: int) -> str:
    """Wrap text at spaces (English) or between characters (Chinese), by display width."""
    out, line, used = [], "", 0
    for word in re.findall(r"\S+\s*|\s+", text) if " " in text else list(text):
        cost = _cost(word)
        if used + cost > width and line:
            out.append(line.rstrip())
            line, used = "", 0
        line += word
        used += cost
    out.append(line.rstrip())
    if len(out) > 1 and _cost(out[-1]) <= 4:  # no orphaned bracket
        out[-2:] = [out[-2] + out[-1]]
    return "\n".join(out)


class Ink:
    """Text with a halo in the right way for each format: a stroke (raster, SVG outlines); in PDF a white
    stroked copy under real text, so the text stays selectable; SVG text keeps a light box."""

    def __init__(self, fmt: str, page: Page):
        self.pdf = fmt == "pdf"
        self.svg_text = fmt == "svg" and page.svg_text

    def text(self, where, x, y, s: str, size: float, halo: bool = True, **kw):
        """``where.text`` (a figure or axes) with the halo; hidden characters removed."""
        s = safe.mpl(s)
        kw.setdefault("color", INK)
        kw.setdefault("zorder", 40)
        if not halo:
            return where.text(x, y, s, fontsize=size, **kw)
        if self.svg_text:
            box = {"boxstyle": "square,pad=0.08", "facecolor": "white", "edgecolor": "none", "alpha": 0.75}
            return where.text(x, y, s, fontsize=size, bbox=box, **kw)
        if self.pdf:
            return self._pdf_text(where, x, y, s, size, kw)
        return where.text(x, y, s, fontsize=size, path_effects=[_halo(size, stroked_copy=False)], **kw)

    @staticmethod
    def _pdf_text(where, x, y, s: str, size: float, kw: dict):
        under = {**kw, "color": "white", "zorder": kw["zorder"] - 0.5}
        where.text(x, y, s, fontsize=size, path_effects=[_halo(size, stroked_copy=True)], **under)
        return where.text(x, y, s, fontsize=size, **kw)


def _halo(size: float, stroked_copy: bool):
    from matplotlib import patheffects

    width = max(1.6, size / 3.2)
    if stroked_copy:
        return patheffects.Stroke(linewidth=width, foreground="white")
    return patheffects.withStroke(linewidth=width, foreground="white")
