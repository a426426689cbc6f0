"""A story as a PowerPoint deck (python-pptx): one slide per chapter.

Each slide has the chapter's title and caption as editable text boxes (Chinese runs name an East Asian
typeface), the chapter's map as a picture (``geo.snapshot.render``: its legend, scale, north arrow and credits
on the image) whose alt text names the places it shows, the published-map line (审图号 and data date) when
there is one, and the chapter's speaker notes. ``lang="both"`` gives each text in Chinese, then English.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import replace

from geo import deck, i18n, safe, story
from geo.data import Layers
from geo.mapspec import MapSpec, Page

MARGIN, TITLE_TOP, TITLE_H, FOOT_H, GAP = 0.35, 0.2, 0.85, 0.4, 0.25  # inches
CAPTION_W = {"16:9": 4.2, "4:3": 3.3}  # the caption's column beside the map, inches
MAP_DPI = 160


def frames(aspect: str) -> dict[str, tuple[float, float, float, float]]:
    """(left, top, width, height) in inches of the slide's title, map, caption and footer at ``aspect``."""
    width, height = deck.ASPECTS[aspect]
    top = TITLE_TOP + TITLE_H
    map_w = width - 2 * MARGIN - GAP - CAPTION_W[aspect]
    body_h = height - top - FOOT_H - 0.1
    return {
        "title": (MARGIN, TITLE_TOP, width - 2 * MARGIN, TITLE_H),
        "map": (MARGIN, top, map_w, body_h),
        "caption": (MARGIN + map_w + GAP, top, CAPTION_W[aspect], body_h),
        "footer": (MARGIN, height - FOOT_H, width - 2 * MARGIN, FOOT_H - 0.05),
    }


def map_page(aspect: str) -> Page:
    """The page of a slide's map: the picture fills its frame exactly."""
    _, _, w, h = frames(aspect)["map"]
    return Page(round(w * MAP_DPI), round(h * MAP_DPI), MAP_DPI)


def caption_pt(text: str) -> int:
    """A caption's size: readable from the back of a room, smaller only as it grows."""
    n = len(text)
    return 20 if n <= 160 else 17 if n <= 320 else 14 if n <= 600 else 12


def build(
    layers: Layers,
    st: story.Story,
    base: MapSpec,
    lang: str = "zh",
    aspect: str = "16:9",
    progress: Callable[[float, str], None] | None = None,
) -> bytes:
    """The .pptx of ``st``: one slide per chapter (``base.furniture.review``: the published-map line asked for)."""
    from pptx import Presentation
    from pptx.util import Inches

    from geo.snapshot import furniture

    if aspect not in deck.ASPECTS:
        raise deck.DeckError(f"aspect must be one of {', '.join(deck.ASPECTS)}, not {aspect!r}")
    width, height = deck.ASPECTS[aspect]
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(width), Inches(height)
    review = furniture.review_line(base.furniture.review)
    shown = story.bilingual(layers, st, base, lang)
    for i, (chapter, words) in enumerate(shown):
        if progress:
            progress(i / len(shown), words[0].title)
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        add_slide(slide, layers, chapter, words, aspect, review)
    first = story.word_langs(lang)[0]
    prs.core_properties.title = safe.plain(st.title or i18n.t("app_title", first))
    prs.core_properties.created = dt.datetime.combine(base.today or dt.date.today(), dt.time())
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def add_slide(slide, layers: Layers, chapter: story.Shown, words: tuple[story.Shown, ...], aspect: str, review: str) -> None:
    """One chapter's slide: title, map picture with alt text, caption, published-map line, notes."""
    from geo import snapshot

    box = frames(aspect)
    titles = story.joined(w.title for w in words)
    text_box(slide, box["title"], [(t, 28 if k == 0 else 20, k == 0) for k, t in enumerate(titles)], "title")
    spec = replace(
        chapter.spec, title="", subtitle=None, page=map_page(aspect), furniture=replace(chapter.spec.furniture, review="")
    )
    png = snapshot.render(layers, spec, "png").data
    picture(slide, png, box["map"], "\n".join(story.joined(story.alt_text(w) for w in words)))
    captions = story.joined(w.caption for w in words)
    size = caption_pt("\n".join(captions))
    text_box(slide, box["caption"], [(line, size, False) for c in captions for line in c.split("\n")], "caption")
    if review:
        text_box(slide, box["footer"], [(review, 11, False)], "review")
    slide.notes_slide.notes_text_frame.text = "\n\n".join(story.joined(w.notes for w in words))


def text_box(slide, frame: tuple[float, float, float, float], paragraphs: list[tuple[str, int, bool]], name: str):
    """An editable text box at ``frame`` (inches), one paragraph per (text, size in points, bold)."""
    from pptx.util import Inches, Pt

    left, top, width, height = frame
    shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    shape.name = name
    tf = shape.text_frame
    tf.word_wrap = True
    for k, (text, size, bold) in enumerate(paragraphs):
        para = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
        para.text = safe.plain(text).replace("\xa0", " ")  # the plan's release has non-breaking spaces: they stop wrapping
        for run in para.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            deck._east_asian_font(run)
        para.space_after = Pt(size * 0.4)
    return shape


def picture(slide, png: bytes, frame: tuple[float, float, float, float], alt: str):
    """The map picture at ``frame`` with ``alt`` as its alternative text (the picture's ``descr``)."""
    from pptx.util import Inches

    left, top, width, height = frame
    pic = slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top), Inches(width), Inches(height))
    pic.name = "map"
    pic._element.nvPicPr.cNvPr.set("descr", safe.plain(alt))
    return pic
