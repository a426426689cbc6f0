"""A story as a PDF handout: one A4 page per chapter with its title, its map (``geo.snapshot.render``: legend,
scale, north arrow and credits on it), its caption and its speaker notes, all text real (embedded fonts, so a
reader can search and copy it), and the published-map line (审图号 and data date) at the foot of every page.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace

from geo import i18n, safe, story
from geo.data import Layers
from geo.mapspec import MapSpec, Page

A4 = (8.27, 11.69)  # inches, portrait
LEFT, WIDTH = 0.07, 0.86  # the text and the map, as fractions of the page's width
MAP_TOP, MAP_H = 0.905, 0.43  # the map's top and height, fractions of the page's height
MAP_DPI = 200
CAPTION_PT, NOTES_PT, FOOT_PT = 10.5, 8.5, 7.5
_TOKEN = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]|[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+\s*|\s+")


def build(
    layers: Layers, st: story.Story, base: MapSpec, lang: str = "zh", progress: Callable[[float, str], None] | None = None
) -> bytes:
    """The handout of ``st``: a page per chapter (``base.furniture.review``: the published-map line asked for)."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from geo import snapshot
    from geo.snapshot import furniture

    review = furniture.review_line(base.furniture.review)
    shown = story.bilingual(layers, st, base, lang)
    first = story.word_langs(lang)[0]
    meta = {"Title": safe.plain(st.title or i18n.t("app_title", first)), "Creator": "Beijing Exchange Map"}
    out = io.BytesIO()
    rc = snapshot.rc_for(
        "pdf", "en", Page(1654, 2339, 200)
    )  # the plan's English quotes in Latin punctuation (’ “), CJK by fallback
    with plt.rc_context(rc), PdfPages(out, metadata=meta) as pdf:
        for i, (chapter, words) in enumerate(shown):
            if progress:
                progress(i / len(shown), words[0].title)
            fig = page(layers, chapter, words, review, (i + 1, len(shown)))
            pdf.savefig(fig)
            plt.close(fig)
    return out.getvalue()


def page(layers: Layers, chapter: story.Shown, words: tuple[story.Shown, ...], review: str, n: tuple[int, int]):
    """One chapter's page: title, map, caption, notes, the published-map line and the page number."""
    from matplotlib.figure import Figure

    from geo import snapshot

    fig = Figure(figsize=A4)
    fig.text(LEFT, 0.96, "\n".join(story.joined(w.title for w in words)), fontsize=17, va="top", ha="left", weight="bold")
    w_px, h_px = round(A4[0] * WIDTH * MAP_DPI), round(A4[1] * MAP_H * MAP_DPI)
    spec = replace(chapter.spec, title="", subtitle=None, page=Page(w_px, h_px, MAP_DPI))
    spec = replace(spec, furniture=replace(spec.furniture, review=""))  # the page's foot carries it
    png = snapshot.render(layers, spec, "png").data
    ax = fig.add_axes((LEFT, MAP_TOP - MAP_H, WIDTH, MAP_H))
    ax.imshow(_image(png))
    ax.set_axis_off()
    y = MAP_TOP - MAP_H - 0.02
    captions = [line for c in story.joined(w.caption for w in words) for line in c.split("\n")]
    y = paragraphs(fig, captions, y, CAPTION_PT, 0.06)
    notes_lang = words[0].spec.lang
    fig.text(LEFT, y - 0.004, i18n.t("story_notes_heading", notes_lang), fontsize=NOTES_PT + 1, va="top", weight="bold")
    notes = [line for c in story.joined(w.notes for w in words) for line in c.split("\n")]
    paragraphs(fig, notes, y - 0.022, NOTES_PT, 0.05)
    foot = i18n.t("story_page", notes_lang).format(n=n[0], total=n[1])
    fig.text(1 - LEFT, 0.025, foot, fontsize=FOOT_PT, ha="right", va="bottom", color="#333333")
    if review:
        fig.text(LEFT, 0.025, safe.mpl(review), fontsize=FOOT_PT + 0.5, ha="left", va="bottom", color="#111111")
    return fig


def _image(png: bytes):
    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def paragraphs(fig, texts: list[str], top: float, size: float, bottom: float) -> float:
    """``texts`` typeset from ``top`` down to no lower than ``bottom`` (a last line says "…" if more did not
    fit), wrapped to the text's width; returns where the next text may start."""
    line_h = size * 1.4 / 72 / A4[1]
    units = int(A4[0] * WIDTH * 72 / (size * 0.5))  # display units (a Latin letter ~1, a Chinese character 2)
    lines = [line for text in texts for line in wrap(plain(text), units)]
    room = max(1, int((top - bottom) / line_h))
    if len(lines) > room:
        lines = [*lines[: room - 1], lines[room - 1].rstrip() + " …"]
    fig.text(LEFT, top, "\n".join(lines), fontsize=size, va="top", ha="left", linespacing=1.4)
    return top - len(lines) * line_h - 0.012


def plain(text: str) -> str:
    """Drawn text: no hidden characters, no non-breaking spaces (the plan's release has many: they stop wrapping)."""
    return safe.mpl(text).replace("\xa0", " ")


def _cost(token: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in token)


def wrap(text: str, units: int) -> list[str]:
    """``text`` in lines of at most ``units`` display units: breaks at spaces, or between Chinese characters."""
    out, line, used = [], "", 0
    for token in _TOKEN.findall(text):
        cost = _cost(token)
        if used + cost > units and line.strip():
            out.append(line.rstrip())
            line, used = token.lstrip(), _cost(token.lstrip())
            continue
        line += token
        used += cost
    return [*out, line.rstrip()] if line.strip() else out or [""]
