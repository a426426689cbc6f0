"""The story panel (a sidebar expander): a story built in the app, a chapter at a time, and taken out of it.

"Add this view as a chapter" keeps what the map shows (``geo.story.chapter_of`` of the page's map spec). The
chapters are listed with their own or default titles; the one open in the editor has its title, caption and
notes (empty: the default, shown as the field's placeholder), moves up or down, is deleted, or is shown on the
map again (``ui.state.show_map``). The story is the session's (``Session.story``): it outlives reruns and a
language switch. It is loaded from and downloaded as ``story.json``; kept in the open workspace under a name,
as a new version (an edit right is needed: a view link only reads and opens); exported as slides, a handout or
an offline page through the server's render pool (``ui.jobs``, as the export panel renders); and presented in a
new tab, which is a new session: present mode (ui/present.py) reads this server's copy of the session's story
under an unguessable key (``?present=1&story=session-KEY``), kept while the session shows its panel.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import urllib.parse
from collections import OrderedDict
from concurrent.futures import CancelledError
from dataclasses import replace

import streamlit as st

from geo import deck, i18n, mapspec, safe, workspace
from geo import story as stories
from geo.errors import GeoError, StoreUnavailable, store_guard
from ui import cache, jobs, state
from ui.session import session

log = logging.getLogger("beijing_exchange_map")
MAX_FILE_MB = 2  # a story.json holds text only: a bigger upload is refused unread
#: the exports: format -> (file name, MIME type); cli_story.build picks the writer by the suffix
OUTPUTS = {
    "pptx": ("story.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "pdf": ("handout.pdf", "application/pdf"),
    "html": ("story.html", "text/html"),
}
SHARED_PREFIX = "session-"
SHARED_NAME = re.compile(rf"{SHARED_PREFIX}[A-Za-z0-9_\-]{{24}}")
SHARED_KEPT = 64  # sessions' stories kept for present mode on one server (the least recently shown go first)
_shared: OrderedDict[str, stories.Story] = OrderedDict()
_shared_lock = threading.Lock()


# --- the session's story and the panel's actions (widget callbacks: they run before the page does) -------------
def current() -> stories.Story:
    """The story this session is building (an empty one before its first chapter)."""
    story = session().story
    return story if isinstance(story, stories.Story) else stories.Story()


def keep(story: stories.Story, note: tuple | None = None) -> None:
    """Make ``story`` the session's; the editor stays on a chapter there is, and an export made before is gone."""
    mem = session()
    mem.story, mem.story_note, mem.story_out = story, note, None
    mem.story_at = max(0, min(mem.story_at, len(story.chapters) - 1))


def say(level: str, key: str, **kw) -> tuple:
    """A note of the panel (shown in the page's language when drawn)."""
    return (level, key, kw)


def add_chapter(spec: mapspec.MapSpec) -> None:
    story = current()
    if len(story.chapters) >= stories.MAX_CHAPTERS:
        session().story_note = say("warning", "sp_full", limit=stories.MAX_CHAPTERS)
        return
    chapters = (*story.chapters, stories.chapter_of(spec))
    session().story_at = len(chapters) - 1
    keep(replace(story, chapters=chapters), say("success", "sp_added", n=len(chapters)))


def pick() -> None:
    session().story_at = int(st.session_state.get("story_pick") or 0)


def move(step: int) -> None:
    mem, story = session(), current()
    i, j = mem.story_at, mem.story_at + step
    if 0 <= j < len(story.chapters):
        chapters = list(story.chapters)
        chapters[i], chapters[j] = chapters[j], chapters[i]
        mem.story_at = j
        keep(replace(story, chapters=tuple(chapters)))


def delete() -> None:
    story = current()
    chapters = tuple(c for i, c in enumerate(story.chapters) if i != session().story_at)
    keep(replace(story, chapters=chapters))


def edit_chapter(name: str) -> None:
    """A chapter's title, caption or notes as typed (``safe.plain``; empty: the default)."""
    story, at = current(), session().story_at
    text = safe.plain(st.session_state.get(f"story_ch_{name}") or "").strip()
    chapters = list(story.chapters)
    chapters[at] = replace(chapters[at], **{name: text})
    keep(replace(story, chapters=tuple(chapters)))


def edit_story(name: str) -> None:
    """The story's title or its published-map line as typed."""
    text = " ".join(safe.plain(st.session_state.get(f"story_{name}") or "").split())[: stories.MAX_TITLE]
    keep(replace(current(), **{name: text}))


def go_to() -> None:
    """Show the editor's chapter on the map: its view or extent, filters, selected place and basemap."""
    chapter = current().chapters[session().story_at]
    state.show_map(chapter.view, chapter.bbox, dict(chapter.filters), chapter.venue, chapter.basemap)


def load_file() -> None:
    """The uploaded story.json becomes the session's story; its mistakes are the StoryError naming the field."""
    upload = st.session_state.get("story_file")
    if upload is None:
        return
    name = safe.plain(upload.name)[:80]
    try:
        if upload.size > MAX_FILE_MB << 20:
            session().story_note = say("error", "sp_file_big", file=name, mb=MAX_FILE_MB)
            return
        try:
            text = upload.getvalue().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise stories.StoryError("story_error_read", file=name) from None
        story = stories.loads(text, name)
    except stories.StoryError as exc:
        session().story_note = ("error", exc, {})
        return
    session().story_at = 0
    keep(story, say("success", "sp_loaded", file=name, n=len(story.chapters)))


def open_from_workspace(content: dict) -> None:
    name = st.session_state.get("story_ws_pick") or ""
    try:
        story = workspace.get_story(content, name)
    except stories.StoryError as exc:
        session().story_note = ("error", exc, {})
        return
    session().story_at = 0
    st.session_state["story_ws_name"] = name  # saving again keeps it under the same name
    keep(story, say("success", "sp_ws_opened", name=name, n=len(story.chapters)))


def save_to_workspace(wid: str) -> None:
    """Keep the story in the workspace under the name typed (or its title), as a new version."""
    mem = session()
    name = " ".join(str(st.session_state.get("story_ws_name") or current().title).split())[: workspace.MAX_STORY_NAME]
    token = mem.edit_tokens.get(wid)
    if not token:
        mem.story_note = say("error", "sp_ws_read_only")
        return
    if not name:
        mem.story_note = say("warning", "sp_ws_need_name")
        return
    mem.story_note = put(wid, token, name, current())


def put(wid: str, token: str, name: str, story: stories.Story) -> tuple:
    try:
        with store_guard():
            version = workspace.put_story(cache.workspace_store(), wid, token, name, story)
    except StoreUnavailable:
        return say("warning", "ws_store_down")
    except workspace.Forbidden:
        return say("error", "sp_ws_read_only")
    except GeoError as exc:  # full, or too big: the store's own words (English) go to the log only
        log.warning("a story save was refused: %s", exc)
        return say("error", "sp_ws_refused")
    return say("success", "sp_ws_saved", name=name, version=version)


# --- present mode's copy of a session's story ------------------------------------------------------------------
def share(story: stories.Story) -> str:
    """The key under which present mode finds this session's story (kept up to date while the panel shows)."""
    mem = session()
    if not mem.story_share:
        mem.story_share = SHARED_PREFIX + secrets.token_urlsafe(18)
    with _shared_lock:
        _shared[mem.story_share] = story
        _shared.move_to_end(mem.story_share)
        while len(_shared) > SHARED_KEPT:
            _shared.popitem(last=False)
    return mem.story_share


def is_shared(name: str) -> bool:
    """Whether a present link's ``story=`` names a session's story (else it names a workspace's)."""
    return bool(SHARED_NAME.fullmatch(name))


def shared_story(name: str) -> stories.Story:
    with _shared_lock:
        story = _shared.get(name)
    if story is None:
        raise stories.StoryError("story_present_gone")
    return story


def present_url(story: stories.Story) -> str:
    page = state.page()
    query = {"present": "1", "story": share(story), "lang": page.lang, "basemap": page.basemap}
    return "?" + urllib.parse.urlencode(query)


# --- the panel ---------------------------------------------------------------------------------------------------
def base_spec(spec: mapspec.MapSpec) -> mapspec.MapSpec:
    """What every chapter's map starts from: the page's (language, basemap, today, token), without the
    session's imports or the workspace's marks (a story's chapters show the plan's layers, as on the CLI)."""
    return replace(spec, imported=(), selection=None, marks=None, projects="", title=None, subtitle=None)


def restore_widgets(story: stories.Story) -> None:
    """The panel's fields show the story (it owns their values, as the page state owns the sidebar's)."""
    ss, mem = st.session_state, session()
    ss["story_title"], ss["story_review"] = story.title, story.review
    if story.chapters:
        chapter = story.chapters[mem.story_at]
        ss["story_pick"] = mem.story_at
        ss["story_ch_title"], ss["story_ch_caption"], ss["story_ch_notes"] = chapter.title, chapter.caption, chapter.notes


def story_panel(layers, spec: mapspec.MapSpec, ws, can_edit: bool, lang: str) -> None:
    """The sidebar's story panel (lazy: nothing is built while it is closed; the story stays in the session)."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    with st.sidebar.expander(t("sp_title"), key="story_open", on_change="rerun") as box:
        if not box.open:
            return
        story, base = current(), base_spec(spec)
        restore_widgets(story)
        st.caption(t("sp_hint"))
        st.button(t("sp_add"), key="story_add", on_click=add_chapter, args=(spec,), type="primary", width="stretch")
        show_note(lang)
        if story.chapters:
            titles = chapter_titles(story, base, lang)
            st.markdown("\n".join(f"{n}. {safe.md(title)}" for n, title in enumerate(titles, 1)))
            st.link_button(t("sp_present"), present_url(story), help=t("sp_present_help"), width="stretch")
            chapter_editor(layers, story, base, titles, lang)
        else:
            st.caption(t("sp_empty"))
        story_fields(lang)
        file_box(story, lang)
        if ws is not None:
            workspace_box(ws, can_edit, story, lang)
        if story.chapters:
            export_box(layers, story, base, lang)


def show_note(lang: str) -> None:
    note = session().story_note
    if note is None:
        return
    level, what, kw = note
    text = what.message(lang) if isinstance(what, GeoError) else i18n.t(what, lang).format(**kw)
    getattr(st, level)(safe.md(text))


def chapter_titles(story: stories.Story, base: mapspec.MapSpec, lang: str) -> list[str]:
    """Each chapter's own title, else its default (its view's or extent's name) in the page's language."""
    out = []
    for n, chapter in enumerate(story.chapters, 1):
        out.append(stories.title_of(chapter, stories.chapter_spec(base, chapter, story.lang or lang), n))
    return out


def defaults(layers, chapter: stories.Chapter, base: mapspec.MapSpec, lang: str, n: int) -> tuple[str, str, str]:
    """The title, caption and notes a chapter has when its own are empty (the fields' placeholders; kept in the
    session: the plan's places in a city-wide chapter take a quarter of a second to find)."""
    blank = replace(chapter, title="", caption="", notes="")
    spec = stories.chapter_spec(base, blank, lang)

    def make() -> tuple[str, str, str]:
        return stories.title_of(blank, spec, n), stories.caption_of(layers, blank, spec), stories.notes_of(layers, blank, spec)

    return session().remember("story_defaults", f"{blank!r}|{spec.key()}|{n}", make)


def chapter_editor(layers, story: stories.Story, base: mapspec.MapSpec, titles: list[str], lang: str) -> None:
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    at, n = session().story_at, len(story.chapters)
    st.selectbox(t("sp_pick"), list(range(n)), key="story_pick", format_func=lambda i: f"{i + 1}. {titles[i]}", on_change=pick)
    c1, c2 = st.columns(2)
    c1.button(t("sp_up"), key="story_up", on_click=move, args=(-1,), disabled=at == 0, width="stretch")
    c2.button(t("sp_down"), key="story_down", on_click=move, args=(1,), disabled=at == n - 1, width="stretch")
    st.button(t("sp_goto"), key="story_go", on_click=go_to, width="stretch")
    title, caption, notes = defaults(layers, story.chapters[at], base, story.lang or lang, at + 1)
    on = {"on_change": edit_chapter}
    st.text_input(
        t("sp_field_title"), key="story_ch_title", placeholder=title, max_chars=stories.MAX_TITLE, **on, args=("title",)
    )
    st.text_area(
        t("sp_field_caption"), key="story_ch_caption", placeholder=caption, max_chars=stories.MAX_TEXT, **on, args=("caption",)
    )
    st.text_area(t("sp_field_notes"), key="story_ch_notes", placeholder=notes, max_chars=stories.MAX_TEXT, **on, args=("notes",))
    st.button(t("sp_delete"), key="story_delete", on_click=delete, width="stretch")


def story_fields(lang: str) -> None:
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    st.text_input(t("sp_story_title"), key="story_title", max_chars=stories.MAX_TITLE, on_change=edit_story, args=("title",))
    st.text_input(t("sp_review"), key="story_review", max_chars=stories.MAX_TITLE, on_change=edit_story, args=("review",))


def file_box(story: stories.Story, lang: str) -> None:
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    st.download_button(
        t("sp_download"),
        stories.dumps(story),
        file_name="story.json",
        mime="application/json",
        key="story_download",
        disabled=not story.chapters,
        on_click="ignore",
        width="stretch",
    )
    st.file_uploader(t("sp_upload"), type=["json"], key="story_file", on_change=load_file)


def workspace_box(ws, can_edit: bool, story: stories.Story, lang: str) -> None:
    """The open workspace's stories (open one); with an edit right, this story saved under a name."""
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    st.markdown(f"**{t('sp_ws_heading')}**")
    names = list(workspace.stories(ws.content))
    if names:
        st.selectbox(t("sp_ws_pick"), names, key="story_ws_pick", format_func=safe.plain)
        st.button(t("sp_ws_open"), key="story_ws_open", on_click=open_from_workspace, args=(ws.content,), width="stretch")
    else:
        st.caption(t("story_error_none"))
    if not can_edit:
        st.caption(t("sp_ws_read_only"))
        return
    st.text_input(t("sp_ws_name"), key="story_ws_name", max_chars=workspace.MAX_STORY_NAME, placeholder=story.title)
    st.button(
        t("sp_ws_save"),
        key="story_ws_save",
        on_click=save_to_workspace,
        args=(ws.id,),
        disabled=not story.chapters,
        width="stretch",
    )


# --- the story's files --------------------------------------------------------------------------------------------
def export_box(layers, story: stories.Story, base: mapspec.MapSpec, lang: str) -> None:
    t = lambda k: i18n.t(k, lang)  # noqa: E731
    st.markdown(f"**{t('sp_export_heading')}**")
    fmt = st.selectbox(t("sp_export_format"), list(OUTPUTS), key="story_fmt", format_func=lambda f: t(f"sp_fmt_{f}"))
    words = st.radio(
        t("sp_export_lang"),
        mapspec.LABEL_LANGS,
        index=mapspec.LABEL_LANGS.index(lang),
        key="story_lang",
        format_func=lambda v: i18n.term("label_lang", v, lang),
        horizontal=True,
    )
    aspect = st.radio(t("sp_aspect"), list(deck.ASPECTS), key="story_aspect", horizontal=True) if fmt == "pptx" else "16:9"
    if st.button(t("sp_export_make"), key="story_make", width="stretch"):
        start_export(layers, story, base, fmt, words, aspect)
    if session().story_job is not None:
        finish_export(lang)
    show_output(lang)


def start_export(layers, story: stories.Story, base: mapspec.MapSpec, fmt: str, words: str, aspect: str) -> None:
    """Queue the story's file in the server's render pool (a process of its own: the writers draw with
    matplotlib), with the same words, maps and published-map line as ``python -m geo story`` writes."""
    from geo import cli_story
    from geo.snapshot import furniture

    review = furniture.review_line(stories.review_of(story))
    story = replace(story, lang="", review=review)  # the words' language chosen here wins (a chapter's own still wins)
    base = replace(base, lang="en" if words == "en" else "zh", label_lang=words, furniture=replace(base.furniture, review=review))
    name = OUTPUTS[fmt][0]
    mem = session()
    mem.story_out = None
    job = cache.render_pool().start(
        mem, cli_story.build, layers, story, base, words, aspect, name[name.rindex(".") :], isolated=True
    )
    mem.story_job = (job, fmt)


def finish_export(lang: str) -> None:
    """Wait for the story's file with a progress bar (a rerun stops only the waiting: the next run waits on)."""
    from ui.export_panel import error_text

    mem = session()
    job, fmt = mem.story_job
    bar = st.progress(0.0, text=i18n.t("sp_rendering", lang))
    try:
        data = jobs.wait(job, lambda f: bar.progress(f, text=i18n.t("sp_rendering", lang)))
    except GeoError as exc:
        mem.story_out = error_text(exc, lang)
    except CancelledError:  # a newer render of this session replaced it before it started
        mem.story_out = None
    else:
        mem.story_out = (fmt, data)
    finally:
        if job.future.done():
            mem.story_job = None
    bar.empty()


def show_output(lang: str) -> None:
    out = session().story_out
    if isinstance(out, str):
        st.error(out)
    elif out:
        fmt, data = out
        name, mime = OUTPUTS[fmt]
        st.download_button(
            i18n.t("sp_download_file", lang).format(name=name, kb=f"{len(data) / 1024:.0f}"),
            data,
            file_name=name,
            mime=mime,
            key="story_export_download",
            on_click="ignore",
            width="stretch",
        )
