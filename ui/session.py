"""A browser session's transient UI state, in one typed object (not loose session-state strings).

What the page *shows* is :class:`ui.pagestate.PageState` (and the URL). This is what the page only
remembers between two runs of one session: what the map last reported, a fit or a fly-to it still has to
do, the last click it has handled, the export job under way, the layers it imported and its latest upload.
One object, one name in Streamlit's session state (``SESSION_KEY``); widget values keep their widgets' keys
(Streamlit owns those).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

SESSION_KEY = "bem"
#: Session.ring before the session's first ring check
RING_UNSEEN = "unseen"
#: how many results of each kind a session keeps of what its uploads produce (see Session.remember)
PRIVATE_ENTRIES = 3


@dataclass
class Session:
    initialised: bool = False  # the page state was read from the URL
    painted: bool = False  # the session's first run (the first paint) is over
    bbox: tuple[float, float, float, float] | None = None  # the extent the map last reported (WGS-84)
    fit: tuple[tuple[float, float, float, float], int] | None = None  # a fit the map must do once (bbox, serial)
    fits: int = 0  # the fits asked so far: a repeat of the same fit is a new request
    target: tuple[float, float, int] | None = None  # (lat, lon, zoom) the map flies to
    target_venue: str | None = None  # a venue the map flies to once the layers are known
    last_click: dict | None = None  # the map's last click already handled
    last_object: dict | None = None  # the last click on a feature already handled
    last_tip: str | None = None  # the last clicked tooltip already handled
    selected_layers: list | None = None  # the layers the browser last reported as switched on
    base_key: str | None = None  # what the base map was built from (see ui.state.base_view)
    base_view: tuple[float, float, float] | None = None  # where that base map opened (lat, lon, zoom)
    run_ms: float = 0.0  # the server time of the last run (the benchmark reads it)
    export_job: object | None = None  # the export under way (ui.jobs)
    export_result: object | None = None  # the last finished export
    export_error: str | None = None  # the last export's error, shown until the next render
    imports: tuple = ()  # the layers this session imported (geo.imports.ImportedLayer; never written to disk)
    import_serial: int = 0  # the imports made so far: each new layer's number (its key and default colour)
    upload: tuple | None = None  # the latest upload read: ((digest, datum, name), result or None, failure)
    ring: object = RING_UNSEEN  # the "within N km" ring the map was last fitted to (its bounds; None: no ring)
    #: workspace id -> the edit token a link or a creation gave this session: the right to edit lives here,
    #: never in the URL (ui.workspace_panel)
    edit_tokens: dict[str, str] = field(default_factory=dict)
    private: dict[str, OrderedDict] = field(default_factory=dict)  # see remember
    #: the story this session is building (a geo.story.Story; ui/story_panel.py): it outlives reruns and a
    #: language switch, and dies with the session unless saved to a workspace or downloaded
    story: object | None = None
    story_at: int = 0  # the chapter open in the story panel's editor
    story_note: tuple | None = None  # what the panel's last action says: (level, catalogue key, fields) or a StoryError
    story_job: object | None = None  # the story's export under way (ui.jobs)
    story_out: object | None = None  # the story's last export: (format, bytes), or why it failed (text)
    story_share: str = ""  # the key of this session's story in present mode's shared copies (ui.story_panel.share)

    def remember(self, kind: str, key: str, make: Callable[[], object]):
        """``make()``'s result, kept for this session only: what is derived from a planner's upload (filtered
        layers, rendered map strings) never goes into a server-wide cache, so it dies with the session and
        each session holds at most ``PRIVATE_ENTRIES`` results of each ``kind`` (least recently used go)."""
        kept = self.private.setdefault(kind, OrderedDict())
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
        value = make()
        kept[key] = value
        while len(kept) > PRIVATE_ENTRIES:
            kept.popitem(last=False)
        return value

    def take_fit(self):
        """The fit the map must do, once."""
        fit, self.fit = self.fit, None
        return fit


def session() -> Session:
    """This browser session's transient state."""
    ss = st.session_state
    if SESSION_KEY not in ss:
        ss[SESSION_KEY] = Session()
    return ss[SESSION_KEY]
