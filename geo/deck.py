"""Slide decks and atlases: what presenters make from maps.

``build_deck`` writes a PowerPoint deck (python-pptx): one slide per view with its title, the
map (legend, scale, north arrow and source on the image) and speaker notes carrying the plan's
sentences for the places on the slide. ``build_atlas`` writes a multi-page PDF: one page per
named view, or one per venue with its card facts. Both in zh, en or both, 16:9 or 4:3.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import replace

from geo import i18n, mapspec, safe, style
from geo.a11y_messages import describe
from geo.data import Layers
from geo.errors import Catalogued
from geo.mapspec import MapSpec, Page
from geo.views import VIEWS

ASPECTS = {"16:9": (13.333, 7.5), "4:3": (10.0, 7.5)}  # slide size, inches
DEFAULT_VIEWS = ("city", "core", "central-axis", "yanqi-lake", "airports", "east")


class DeckError(Catalogued):
    """A deck or atlas that cannot be made (unknown view, aspect...): a key of geo/error_messages.py."""


MARGIN_IN, TITLE_IN = 0.3, 0.8  # a slide's margins and title band, inches


def map_page(aspect: str) -> Page:
    """The page of a slide's map at ``aspect``: its frame is the one the slide's notes name (``mapspec.in_view``)."""
    width_in, height_in = ASPECTS[aspect]
    return Page(round((width_in - 2 * MARGIN_IN) * 160), round((height_in - TITLE_IN - MARGIN_IN - 0.15) * 160), 160)


def view_spec(base: MapSpec, view: str) -> MapSpec:
    if view not in VIEWS:
        raise DeckError("err_deck_view", view=view, views=", ".join(VIEWS))
    return replace(base, bbox=VIEWS[view].bbox, view=view)


def view_title(spec: MapSpec, lang: str) -> str:
    name = mapspec.extent_name(spec, "zh" if lang != "en" else "en")
    if lang == "both":
        return f"{name} / {mapspec.extent_name(spec, 'en')}"
    return name


def plan_notes(layers: Layers, spec: MapSpec, lang: str) -> str:
    """Speaker notes: each place on the slide with the plan's sentence that puts it on the map."""
    venues = mapspec.in_view(layers, spec).venues  # the places the slide's picture draws, no other
    lines = [i18n.t("notes_intro", "en" if lang == "en" else "zh")]
    seen: dict[str, list[str]] = {}
    for _, row in venues.iterrows():
        name = style.label_text(row["name_zh"], row["name_en"], lang).replace("\n", " / ")
        seen.setdefault(row["plan_sentence"], []).append(name)
    sep = "、" if lang == "zh" else "; "  # the Chinese names of the places, then the English release's sentence
    for sentence, names in seen.items():
        lines.append(f"• {sep.join(names)}\n  “{sentence}”")
    if spec.filters.within_km and mapspec.reference_geometry(layers, spec) is not None:  # the ring the slide draws
        lines.append(mapspec.ring_legend(layers, spec, lang))
    lines.append(i18n.t("source_line", "en" if lang == "en" else "zh"))
    return safe.plain("\n".join(lines))


def current_is(base: MapSpec, views: tuple[str, ...]) -> str | None:
    """The named view of ``views`` the current view shows (the planner is on it, or its extent is the view's),
    if "current" is in the deck too; else None."""
    if "current" not in views:
        return None
    for view in views:
        if view in VIEWS and (base.view == view or tuple(base.bbox) == VIEWS[view].bbox):
            return view
    return None


def slide_specs(base: MapSpec, views: tuple[str, ...]) -> list[tuple[str, MapSpec]]:
    """Each slide's view and spec, one slide per distinct spec: "current" showing a named view of the same
    deck is that view's slide, not a second one like it (so are a view asked for twice)."""
    same = current_is(base, views)
    out: dict[MapSpec, str] = {}
    for view in views:
        view = same if view == "current" and same else view
        out.setdefault(base if view == "current" else view_spec(base, view), view)
    return [(view, spec) for spec, view in out.items()]


def merged_views(base: MapSpec, views: tuple[str, ...], lang: str) -> list[str]:
    """What the reader should know about the deck: "current" and the named view it shows made one slide."""
    same = current_is(base, views)
    return [i18n.t("deck_current_is_view", lang).format(view=VIEWS[same].name(lang))] if same else []


def build_deck(
    layers: Layers,
    base: MapSpec,
    views: tuple[str, ...] = DEFAULT_VIEWS,
    aspect: str = "16:9",
    progress: Callable[[float, str], None] | None = None,
) -> bytes:
    """A .pptx with one slide per view: title, the map (with its legend), speaker notes with the plan's words."""
    from pptx import Presentation
    from pptx.util import Emu, Inches, Pt

    from geo import snapshot

    if aspect not in ASPECTS:
        raise DeckError("err_deck_aspect", aspects=", ".join(ASPECTS), aspect=aspect)
    if not views:
        raise DeckError("err_deck_no_views")
    lang = base.labels
    width_in, height_in = ASPECTS[aspect]
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(width_in), Inches(height_in)
    blank = prs.slide_layouts[6]
    margin, title_h = MARGIN_IN, TITLE_IN
    map_w = width_in - 2 * margin
    page = map_page(aspect)
    slides = slide_specs(base, views)
    for i, (view, spec) in enumerate(slides):
        spec = replace(spec, title="", subtitle=None, page=page)
        if progress:
            progress(i / len(slides), view)
        png = snapshot.render(layers, spec, "png").data
        slide = prs.slides.add_slide(blank)
        box = slide.shapes.add_textbox(Inches(margin), Inches(0.15), Inches(map_w), Inches(title_h - 0.1))
        para = box.text_frame.paragraphs[0]
        para.text = title = safe.plain(view_title(spec, lang) if view != "current" else (base.title or i18n.t("app_title", "zh")))
        para.runs[0].font.size = Pt(26)
        para.runs[0].font.bold = True
        _east_asian_font(para.runs[0])
        pic = slide.shapes.add_picture(io.BytesIO(png), Inches(margin), Inches(title_h), width=Emu(Inches(map_w)))
        pic._element.nvPicPr.cNvPr.set("descr", describe(layers, spec, title))  # alt text: the title and its places
        slide.notes_slide.notes_text_frame.text = plan_notes(layers, spec, lang)
    prs.core_properties.title = safe.plain(base.title or i18n.t("app_title", "zh" if lang != "en" else "en"))
    prs.core_properties.created = dt.datetime.combine(base.today or dt.date.today(), dt.time())
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _east_asian_font(run) -> None:
    """Chinese text in PowerPoint: name an East Asian typeface, so it never falls back to boxes."""
    rpr = run._r.get_or_add_rPr()
    ea = rpr.makeelement("{http://schemas.openxmlformats.org/drawingml/2006/main}ea", {"typeface": "Microsoft YaHei"})
    rpr.append(ea)


def write_deck(
    layers: Layers, spec: MapSpec, fmt: str = "pptx", progress=None, views: tuple[str, ...] = ("current",), aspect: str = "16:9"
) -> tuple[bytes, list[str]]:
    """The app's deck: the current view and the chosen named views, one slide each unless two are the same
    (a writer of geo.formats; the note says so)."""
    views = views or ("current",)
    return build_deck(layers, spec, views, aspect, progress), merged_views(spec, views, spec.lang)


def atlas_pages(layers: Layers, base: MapSpec, per: str) -> list[MapSpec]:
    """One spec per page: each named view, or each venue shown with its card facts."""
    if per == "view":
        return [replace(spec, title=view_title(spec, base.labels)) for spec in (view_spec(base, v) for v in DEFAULT_VIEWS)]
    if per != "venue":
        raise DeckError("err_deck_per", per=per)
    lang = "en" if base.labels == "en" else "zh"
    pages = []
    for _, row in mapspec.shown(layers, base).venues.iterrows():
        pt = row.geometry
        half = 0.012 if row["category"] == "heritage" else 0.03
        facts = [
            style.get_style(row["category"]).label(lang),
            str(row.get(f"district_{lang}", "")),
            i18n.term("plan_action", row["plan_action"], lang),
            i18n.term("status", row["status"], lang),
        ]
        years = "–".join(str(int(v)) for v in (row["year_open"], row["year_target"]) if v == v and v is not None)
        pages.append(
            replace(
                base,
                bbox=(pt.x - half * 1.3, pt.y - half, pt.x + half * 1.3, pt.y + half),
                view="",
                selection=row["id"],
                title=style.label_text(row["name_zh"], row["name_en"], base.labels).replace("\n", " / "),
                subtitle=" · ".join(f for f in [*facts, years] if f) + f"\n“{row['plan_sentence']}”",
            )
        )
    return pages


def build_atlas(
    layers: Layers, base: MapSpec, per: str = "view", aspect: str = "16:9", progress: Callable[[float, str], None] | None = None
) -> bytes:
    """A multi-page PDF (selectable, embedded text): one page per named view or per venue."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from geo import snapshot

    if aspect not in ASPECTS:
        raise DeckError("err_deck_aspect", aspects=", ".join(ASPECTS), aspect=aspect)
    width_in, height_in = ASPECTS[aspect]
    page = Page(round(width_in * 150), round(height_in * 150), 150)
    specs = [replace(s, page=page).validated() for s in atlas_pages(layers, base, per)]
    out = io.BytesIO()
    with (
        plt.rc_context(snapshot.rc_for("pdf", base.labels, page)),
        PdfPages(
            out,
            metadata={
                "Title": safe.plain(base.title or i18n.t("app_title", "zh" if base.labels != "en" else "en")),
                "Creator": "Beijing Exchange Map",
            },
        ) as pdf,
    ):
        for i, spec in enumerate(specs):
            if progress:
                progress(i / len(specs), spec.view or spec.selection or "")
            drawn = snapshot.draw(layers, spec, "pdf", lambda _f, _m: None)
            pdf.savefig(drawn.fig, facecolor=drawn.fig.get_facecolor())
    return out.getvalue()
