"""Present mode: ``?present=1&views=city,core,central-axis`` (or ``?present=1&ws=ID&wt=TOKEN&story=NAME``: a story
kept in a workspace) shows the story page of geo.story_html (the same page as the standalone HTML story) filling
the window, with Streamlit's header, sidebar and padding hidden
(geo/static/story/present.css). The page's keys work at once (it takes the keyboard focus when it loads); Esc
leaves to the map page showing the chapter's view (each chapter's address is given to the page as ``exits``).

Each chapter is drawn over its basemap (its own, else the address's ``basemap=``, else the deployment's tile file
when that is its default, else the offline boundary): the file's tiles from the app itself (the folder the live
map's tiles come from, ``ui.assets.serve_local_tiles``), the web's through the deployment's mirror if it has one.
"""

from __future__ import annotations

import html
import math
import urllib.parse
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from geo import basemaps, i18n, safe, story_html
from geo import story as stories
from geo.errors import GeoError
from geo.views import VIEWS
from ui import address, cache, state

STATIC = Path(__file__).resolve().parents[1] / "geo" / "static" / "story"
CSS_FILE = STATIC / "present.css"
BUTTON_CSS = STATIC / "present-button.css"
#: the map's width a chapter's extent is fitted to when leaving present mode (CSS px): the zoom in the address
EXIT_WIDTH_PX = 1000
COPY_WAIT_S = 5.0  # how long a present page waits for the local file's tiles to be copied before it shows
PAGES_KEPT = 8  # story pages kept rendered (each a few hundred kB; the font subset takes a second to cut)


def wanted() -> bool:
    """Whether the address asks for present mode."""
    return st.query_params.get("present") == "1"


def requested_story() -> stories.Story:
    """The story the address names: ``story=NAME`` of the workspace the link opens (``ws=`` with its token), else
    ``views=`` (named views with the default words). StoryError says what is missing."""
    from ui import story_panel

    name = (st.query_params.get("story") or "")[: stories.MAX_TITLE]
    if story_panel.is_shared(name):  # the app's story panel: this server's copy of a session's story
        return story_panel.shared_story(name)
    if name or (state.page().ws and not st.query_params.get("views")):
        return workspace_story(name)
    views = [v for v in (st.query_params.get("views") or "").split(",") if v]
    if not views:
        raise stories.StoryError("story_present_none")
    return stories.from_views(views[: stories.MAX_CHAPTERS])


def workspace_story(name: str) -> stories.Story:
    """The story ``name`` (or the only one) of the workspace the link opens, with the link's own token."""
    from geo import workspace
    from ui.workspace_panel import open_workspace

    page = state.page()
    try:
        opened = open_workspace(cache.workspace_store(), page) if page.ws else None
    except GeoError:  # the store cannot be reached
        opened = None
    if opened is None:
        raise stories.StoryError("story_present_ws")
    return workspace.get_story(opened[0].content, name)


def exit_url(chapter: stories.Chapter) -> str:
    """The map page's address showing ``chapter``: its named view, else the centre and zoom of its extent."""
    page = replace(state.page(), view="", c="", z="", q="", venue=chapter.venue)
    if chapter.view and chapter.bbox is None:
        page.view = chapter.view
    else:
        minlon, minlat, maxlon, maxlat = chapter.bbox or VIEWS[chapter.view].bbox
        zoom = math.log2(EXIT_WIDTH_PX * 360 / (256 * (maxlon - minlon)))
        page.c = f"{(minlat + maxlat) / 2:.5f},{(minlon + maxlon) / 2:.5f}"
        page.z = f"{max(3.0, min(18.0, round(zoom * 4) / 4)):g}"
    return "?" + urllib.parse.urlencode(page.to_query())


def present_link(lang: str) -> str:
    """The header's "Present" link: a story of every named view, opening at the page's own view."""
    page = state.page()
    query = {"present": "1", "views": ",".join(VIEWS), "lang": page.lang, "basemap": page.basemap}
    hash_ = f"#{list(VIEWS).index(page.view) + 1}" if page.view in VIEWS else ""
    label = html.escape(i18n.t("story_present", lang))
    helptext = html.escape(i18n.t("story_present_help", lang))
    href = html.escape("?" + urllib.parse.urlencode(query) + hash_)
    return (
        f"<style>{BUTTON_CSS.read_text('utf-8')}</style>"
        f'<a class="bem-present" href="{href}" target="_self" title="{helptext}" aria-label="{label}">{label}</a>'
    )


def base_basemap() -> str:
    """The basemap of a chapter that names none: the address's, else the deployment's tile file when it is the
    deployment's default (served by the app: no internet needed), else the offline boundary."""
    if st.query_params.get("basemap"):
        return state.page().basemap
    default = basemaps.default_basemap(state.secret_default_basemap())
    return default if default == basemaps.LOCAL else "offline"


def served(token: str | None) -> story_html.Served:
    """Where this server serves the local file's tiles, relative to the app's page (the story page is a srcdoc
    frame of it: its relative URLs resolve against the page's address), and the Tianditu key."""
    from ui.assets import serve_local_tiles

    url, job = serve_local_tiles()  # relative to a component's frame at component/<name>/: ../<tiles>/...
    if job is not None:  # the first present page of a new file: its tiles are being copied (lowest zoom first);
        job.finished.wait(COPY_WAIT_S)  # a big file's deeper tiles arrive while the presenter speaks
    return story_html.Served("component/" + url.removeprefix("../") if url else None, token)


@lru_cache(maxsize=PAGES_KEPT)
def _page(story: stories.Story, base, lang: str, exits: tuple[str, ...], tiles: story_html.Served) -> str:
    """The story page (the server's one copy of the layers: ``cache.get_layers``)."""
    return story_html.write(cache.get_layers(), story, base, lang, list(exits), tiles).decode("utf-8")


def present(layers, token: str | None) -> None:
    """The whole page in present mode (the caller draws nothing else)."""
    lang = state.page().lang
    st.html(f"<style>\n{CSS_FILE.read_text('utf-8')}</style>")
    if "et" in st.query_params:  # an edit token never stays on a projected address bar (presenting only reads),
        # nor one Back away: the browser rewrites its own entry (ui/address.py), Streamlit pushes none
        current = {key: st.query_params.get_all(key) for key in st.query_params if key != "et"}
        address.run_script(referrer=True, query=urllib.parse.urlencode(current, doseq=True))
    try:
        story = requested_story()
    except stories.StoryError as exc:
        st.error(safe.md(exc.message(lang)))
        st.html(
            f'<a href="{html.escape(exit_url(stories.Chapter(view="city")))}" target="_self">{html.escape(i18n.t("story_exit", lang))}</a>'
        )
        return
    base = replace(
        state.map_spec(layers, (), token), layers=stories.ALL_LAYERS, selection=None, token=None, basemap=base_basemap()
    )
    exits = tuple(exit_url(c) for c in story.chapters)
    components.html(_page(story, base, lang, exits, served(token)), height=720)
