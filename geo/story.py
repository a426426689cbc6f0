"""A story: an ordered list of chapters, each a map spec with a title, a caption and speaker notes.

A chapter keeps what decides its map (a named view or an extent, the layers, the filters in their URL form,
the selected place, the basemap, the language); :func:`chapter_spec` turns it into the :class:`MapSpec` every
renderer reads, so the present mode, the slides, the handout and the standalone page show the same chapter.
An empty title, caption or notes means the default one: the view's name, the plan's sentences for the places
the chapter shows (their names in the chapter's language), the deck's speaker notes.

Stories live in a workspace (its ``stories`` part) or in a ``story.json`` file (:func:`load`, :func:`dumps`);
a file's mistakes are :class:`StoryError` naming the file, the chapter and the field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from geo import basemaps, filters, i18n, mapspec, plan, safe, style
from geo.data import Layers
from geo.errors import GeoError
from geo.mapspec import ALL_LAYERS, MapSpec
from geo.views import VIEWS

MAX_CHAPTERS = 60
MAX_TITLE = 200
MAX_TEXT = 4000  # a caption's or the notes' characters
CAPTION_SENTENCES = 1  # a default caption quotes the plan's sentence naming most of its places (the notes: all)
CAPTION_NAMES = 4  # ... and names at most this many places before it, then how many more
FIELDS = ("title", "caption", "notes", "view", "bbox", "layers", "filters", "venue", "basemap", "lang")


class StoryError(GeoError):
    """A story (file or workspace part) that cannot be read: ``message(lang)`` names the file, chapter and field."""

    def __init__(self, key: str, **kw):
        self.key, self.kw = key, kw
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        kw = {k: (v.message(lang) if isinstance(v, _Problem) else v) for k, v in self.kw.items()}
        return i18n.t(self.key, lang).format(**kw)


@dataclass(frozen=True)
class _Problem:
    """What is wrong with one field, rendered in the reader's language."""

    key: str
    kw: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str) -> str:
        kw = {k: (v.message(lang) if isinstance(v, _Problem) else v) for k, v in self.kw}
        return i18n.t(self.key, lang).format(**kw)


def _problem(key: str, **kw) -> _Problem:
    return _Problem(key, tuple(kw.items()))


@dataclass(frozen=True)
class Chapter:
    title: str = ""  # "" = the view's name
    caption: str = ""  # "" = the plan's sentences for the places shown
    notes: str = ""  # "" = the deck's speaker notes for the places shown
    view: str = ""  # a named view (geo.views.VIEWS), or "" with ``bbox``
    bbox: tuple[float, float, float, float] | None = None  # WGS-84 extent; wins over the view's own
    layers: tuple[str, ...] | None = None  # visible layers; None = every curated layer
    filters: tuple[tuple[str, str], ...] = ()  # the filters as URL parameters (geo.filters.to_query)
    venue: str = ""  # the selected (highlighted) place's id
    basemap: str = ""  # "" = the story's or the page's
    lang: str = ""  # "" = the story's or the page's


@dataclass(frozen=True)
class Story:
    title: str = ""
    chapters: tuple[Chapter, ...] = ()
    review: str = ""  # the published-map line (审图号 and data date), "" = the deployment's
    lang: str = ""  # "" = the reader's

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "lang": self.lang,
            "review": self.review,
            "chapters": [_chapter_dict(c) for c in self.chapters],
        }


def _chapter_dict(c: Chapter) -> dict:
    out = asdict(c)
    out["filters"] = dict(c.filters)
    out["bbox"] = list(c.bbox) if c.bbox else None
    out["layers"] = list(c.layers) if c.layers is not None else None
    return {k: v for k, v in out.items() if v not in ("", None, {})}


# --- making chapters ------------------------------------------------------------------------------------------


def from_views(views: tuple[str, ...] | list[str], title: str = "") -> Story:
    """A story of named views with the default titles, captions and notes (``--views city,core``)."""
    unknown = [v for v in views if v not in VIEWS]
    if unknown:
        raise StoryError(
            "story_error_top",
            file="--views",
            field="views",
            problem=_problem("story_problem_view", value=unknown[0], known=", ".join(VIEWS)),
        )
    story = Story(title, tuple(Chapter(view=v) for v in views))
    return checked(story, "--views")


def chapter_of(spec: MapSpec, title: str = "", caption: str = "", notes: str = "") -> Chapter:
    """The chapter showing what ``spec`` shows ("add this view as a chapter"); imported layers are not kept."""
    view = spec.view if spec.view in VIEWS and tuple(spec.bbox) == VIEWS[spec.view].bbox else ""
    layers = tuple(k for k in spec.layers if k in ALL_LAYERS)
    return Chapter(
        title=title,
        caption=caption,
        notes=notes,
        view=view or (spec.view if spec.view in VIEWS else ""),
        bbox=None if view else tuple(round(float(x), 6) for x in spec.bbox),  # type: ignore[arg-type]
        layers=None if layers == ALL_LAYERS else layers,
        filters=tuple(sorted(filters.to_query(spec.filters).items())),
        venue=spec.selection or "",
        basemap=spec.basemap,
        lang="",  # a chapter follows the story's (or the reader's) language unless someone pins it
    )


def chapter_spec(base: MapSpec, chapter: Chapter, lang: str = "") -> MapSpec:
    """The map spec of ``chapter``: ``base`` (page, furniture, today, token) with the chapter's map;
    ``lang`` (the story's or the reader's: zh, en or both) where the chapter names none."""
    bbox = chapter.bbox or (VIEWS[chapter.view].bbox if chapter.view else base.bbox)
    lang = chapter.lang or lang
    labels = "both" if lang == "both" else ("" if lang else base.label_lang)  # "both": Chinese page, both labels
    spec = replace(
        base,
        bbox=tuple(bbox),
        view=chapter.view,
        lang=("zh" if lang == "both" else lang) or base.lang,
        label_lang=labels,
        basemap=chapter.basemap or base.basemap,
        layers=chapter.layers if chapter.layers is not None else ALL_LAYERS,
        filters=filters.from_query(dict(chapter.filters), year=base.filters.year),
        selection=chapter.venue or None,
        imported=(),
    )
    return spec


# --- the default words ----------------------------------------------------------------------------------------


def title_of(chapter: Chapter, spec: MapSpec, n: int) -> str:
    """The chapter's title: its own, else its view's (or extent's) name, else "Chapter n"."""
    if chapter.title:
        return safe.plain(chapter.title)
    name = mapspec.extent_name(spec, spec.lang)
    return name or i18n.t("story_chapter", spec.lang).format(n=n)


def _rows(layers: Layers, spec: MapSpec) -> list[tuple[str, str, float, float]]:
    """(name in the spec's label language, the plan's sentence, lon, lat) of each place the chapter's map shows."""
    venues = mapspec.in_view(layers, spec).venues
    out = []
    for (_, row), point in zip(venues.iterrows(), venues.geometry):
        name = style.label_text(row["name_zh"], row["name_en"], spec.labels).replace("\n", " / ")
        out.append((name, str(row.get("plan_sentence") or ""), point.x, point.y))
    return out


def places(layers: Layers, spec: MapSpec) -> list[tuple[str, str]]:
    """(name in the spec's label language, the plan's sentence) of each place the chapter's map shows."""
    return [(name, sentence) for name, sentence, _, _ in _rows(layers, spec)]


def _fit(points: list[tuple[float, float]], bbox) -> float:
    """How much of the view a sentence's places span: their extent's diagonal over the view's (0.05 to 1)."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    spread = math.hypot(max(xs) - min(xs), max(ys) - min(ys))
    view = math.hypot(bbox[2] - bbox[0], bbox[3] - bbox[1])
    return min(1.0, max(0.05, spread / view))


def default_caption(layers: Layers, spec: MapSpec, rows: list[tuple[str, str, float, float]] | None = None) -> str:
    """The plan's sentence the chapter is about, after the names of its places: of the sentences citing the
    places shown, the one whose places span most of the view, weighed by the square root of their number (the
    Central Axis's 15 components for the core or the axis, the two airports for their view or the whole city).
    The plan's text is the English release: a Chinese caption says so."""
    found: dict[str, list[tuple[str, float, float]]] = {}
    for name, sentence, x, y in _rows(layers, spec) if rows is None else rows:
        if sentence:
            found.setdefault(sentence, []).append((name, x, y))
    if not found:
        return i18n.t("story_caption_none", spec.lang)
    score = {s: math.sqrt(len(rows)) * _fit([(x, y) for _, x, y in rows], spec.bbox) for s, rows in found.items()}
    ranked = sorted(found, key=lambda s: -score[s])[:CAPTION_SENTENCES]
    quote = i18n.t("story_caption_quote", spec.lang)
    # the source's no-break spaces would keep words together across a line end: plain spaces for wrapping
    return "\n".join(
        quote.format(names=_names([n for n, _, _ in found[s]], spec.lang), sentence=plan.normalize_space(s)) for s in ranked
    )


def _names(names: list[str], lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    if len(names) <= CAPTION_NAMES:
        return sep.join(names)
    return i18n.t("story_caption_more", lang).format(
        names=sep.join(names[: CAPTION_NAMES - 1]), n=len(names) - CAPTION_NAMES + 1, total=len(names)
    )


def caption_of(layers: Layers, chapter: Chapter, spec: MapSpec, rows=None) -> str:
    """The chapter's own caption, else its default (``rows``: the places of ``_rows``, when already found)."""
    return safe.plain(chapter.caption) if chapter.caption else default_caption(layers, spec, rows)


def notes_of(layers: Layers, chapter: Chapter, spec: MapSpec) -> str:
    from geo import deck

    return safe.plain(chapter.notes) if chapter.notes else deck.plan_notes(layers, spec, spec.labels)


@dataclass(frozen=True)
class Shown:
    """One chapter as every output shows it."""

    n: int
    chapter: Chapter
    spec: MapSpec
    title: str
    caption: str
    notes: str
    place_names: tuple[str, ...] = field(default=())


def chapters(layers: Layers, story: Story, base: MapSpec, lang: str = "") -> list[Shown]:
    """Each chapter's spec and words, in order (``lang``: the reader's, where neither chapter nor story names one)."""
    out = []
    for n, ch in enumerate(story.chapters, 1):
        spec = chapter_spec(base, ch, story.lang or lang)
        rows = _rows(layers, spec)  # the chapter's places, found once for its names and its caption
        names = tuple(name for name, _, _, _ in rows)
        caption = caption_of(layers, ch, spec, rows)
        out.append(Shown(n, ch, spec, title_of(ch, spec, n), caption, notes_of(layers, ch, spec), names))
    return out


def word_langs(lang: str) -> tuple[str, ...]:
    """The languages an output's words are in: zh and en for "both", else the one (zh by default)."""
    return ("zh", "en") if lang == "both" else (lang or "zh",)


def bilingual(layers: Layers, story: Story, base: MapSpec, lang: str) -> list[tuple[Shown, tuple[Shown, ...]]]:
    """Each chapter's map (``lang``; "both" labels the map in both languages) and its words in each of
    :func:`word_langs` (the slides' and the handout's text)."""
    maps = chapters(layers, story, base, lang)
    words = [chapters(layers, story, base, one) for one in word_langs(lang)]
    return [(shown, tuple(w[i] for w in words)) for i, shown in enumerate(maps)]


def joined(texts) -> list[str]:
    """The texts of a chapter's languages, each once (a title the author wrote is the same in both)."""
    return list(dict.fromkeys(t for t in texts if t))


def alt_text(shown: Shown) -> str:
    """What the chapter's map shows, for a screen reader: its title and the places it names."""
    lang = shown.spec.lang
    sep = "、" if lang == "zh" else ", "
    if not shown.place_names:
        return i18n.t("story_alt_none", lang).format(title=shown.title)
    return i18n.t("story_alt", lang).format(title=shown.title, places=sep.join(shown.place_names))


def review_of(story: Story, export: str | None = None) -> str | None:
    """The published-map line asked for: the export's (``--review``), else the story's, else None (the
    deployment's, ``geo.snapshot.furniture.review_line``)."""
    return export if export is not None else (story.review or None)


# --- reading and writing ----------------------------------------------------------------------------------------


def dumps(story: Story) -> str:
    return json.dumps(story.to_dict(), ensure_ascii=False, indent=2) + "\n"


def load(path: str | Path) -> Story:
    """Read a ``story.json``; StoryError names the file, the chapter and the field of a mistake."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise StoryError("story_error_read", file=p.name) from None
    return loads(text, p.name)


def loads(text: str, file: str = "story.json") -> Story:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StoryError("story_error_json", file=file, line=exc.lineno) from None
    return from_dict(data, file)


def from_dict(data: object, file: str = "story.json") -> Story:
    """A story from its JSON form (a file's or a workspace's ``stories`` part), checked field by field."""
    if not isinstance(data, Mapping):
        raise StoryError("story_error_top", file=file, field="chapters", problem=_kind("story_kind_object"))
    raw = data.get("chapters")
    if not isinstance(raw, list):
        raise StoryError("story_error_top", file=file, field="chapters", problem=_kind("story_kind_chapters"))
    top = {k: _text(data.get(k), MAX_TITLE, file, None, k) for k in ("title", "review", "lang")}
    story = Story(top["title"], tuple(_chapter(c, file, n) for n, c in enumerate(raw, 1)), top["review"], top["lang"])
    return checked(story, file)


def checked(story: Story, file: str) -> Story:
    if not story.chapters:
        raise StoryError("story_error_empty", file=file)
    if len(story.chapters) > MAX_CHAPTERS:
        raise StoryError("story_error_many", file=file, limit=MAX_CHAPTERS)
    if story.lang not in ("", *i18n.LANGS):
        raise StoryError("story_error_top", file=file, field="lang", problem=_problem("story_problem_lang"))
    return story


def _kind(key: str) -> _Problem:
    return _problem("story_problem_type", kind=_problem(key))


def _fail(file: str, n: int | None, name: str, problem: _Problem) -> StoryError:
    if n is None:
        return StoryError("story_error_top", file=file, field=name, problem=problem)
    return StoryError("story_error_field", file=file, chapter=n, field=name, problem=problem)


def _text(value: object, limit: int, file: str, n: int | None, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _fail(file, n, name, _kind("story_kind_text"))
    if len(value) > limit:
        raise _fail(file, n, name, _problem("story_problem_long", limit=limit))
    return safe.plain(value)


def _chapter(raw: object, file: str, n: int) -> Chapter:
    if not isinstance(raw, Mapping):
        raise _fail(file, n, "chapters", _kind("story_kind_object"))
    extra = [k for k in raw if k not in FIELDS]
    if extra:
        raise _fail(file, n, str(extra[0])[:40], _problem("story_problem_unknown", known=", ".join(FIELDS)))
    words = {k: _text(raw.get(k), MAX_TITLE if k == "title" else MAX_TEXT, file, n, k) for k in ("title", "caption", "notes")}
    view = _text(raw.get("view"), 40, file, n, "view")
    if view and view not in VIEWS:
        raise _fail(file, n, "view", _problem("story_problem_view", value=view, known=", ".join(VIEWS)))
    bbox = _bbox(raw.get("bbox"), file, n)
    if not view and bbox is None:
        raise _fail(file, n, "view", _problem("story_problem_where"))
    return Chapter(
        **words,
        view=view,
        bbox=bbox,
        layers=_layers(raw.get("layers"), file, n),
        filters=_filters(raw.get("filters"), file, n),
        venue=_text(raw.get("venue"), 80, file, n, "venue"),
        basemap=_basemap(raw.get("basemap"), file, n),
        lang=_lang(raw.get("lang"), file, n),
    )


def _bbox(value: object, file: str, n: int) -> tuple[float, float, float, float] | None:
    if value is None:
        return None
    ok = (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in value)
    )
    if ok:
        minlon, minlat, maxlon, maxlat = (float(x) for x in value)  # type: ignore[union-attr]
        if -180 <= minlon < maxlon <= 180 and -85 <= minlat < maxlat <= 85:
            return minlon, minlat, maxlon, maxlat
    raise _fail(file, n, "bbox", _problem("story_problem_bbox"))


def _layers(value: object, file: str, n: int) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise _fail(file, n, "layers", _kind("story_kind_list"))
    bad = [x for x in value if x not in ALL_LAYERS]
    if bad:
        raise _fail(file, n, "layers", _problem("story_problem_layer", value=bad[0][:40], known=", ".join(ALL_LAYERS)))
    return tuple(value)


def _filters(value: object, file: str, n: int) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise _fail(file, n, "filters", _kind("story_kind_object"))
    known = {f.url: f for f in filters.FILTERS}
    for key, text in value.items():
        f = known.get(key)
        try:
            if f is None:
                raise ValueError(key)
            filters.parse(f, text, strict=True)
        except ValueError:
            raise _fail(file, n, "filters", _problem("story_problem_filter", value=f"{key[:20]}={text[:40]}")) from None
    return tuple(sorted(value.items()))


def _basemap(value: object, file: str, n: int) -> str:
    text = _text(value, 40, file, n, "basemap")
    if text and text not in basemaps.BASEMAPS:
        raise _fail(file, n, "basemap", _problem("story_problem_basemap", value=text, known=", ".join(basemaps.BASEMAPS)))
    return text


def _lang(value: object, file: str, n: int) -> str:
    text = _text(value, 8, file, n, "lang")
    if text not in ("", *i18n.LANGS):
        raise _fail(file, n, "lang", _problem("story_problem_lang"))
    return text
