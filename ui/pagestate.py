"""The page's state as one typed value: read from the URL once, written back to it.

Everything a planner sets (language, basemap, view, search, selected venue, the filters, the
map's centre and zoom, an open workspace) is a field here, so copying the URL reproduces the view.
The filters are a :class:`geo.filters.FilterSpec`, read and written by the one definition of each
filter in :mod:`geo.filters`. No Streamlit in this module: ``ui/state.py`` keeps a PageState in
session state, the widgets' callbacks change it, and it turns it into the map spec every renderer reads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from geo import basemaps, filters, i18n
from geo.filters import YEAR_MAX, YEAR_MIN, FilterSpec, this_year  # noqa: F401 (the page's limits)
from geo.views import VIEWS

#: URL keys of present mode (ui/present.py reads them; the map page drops them from its address)
PRESENT_KEYS = ("present", "views", "story")
#: URL keys of the page's own fields (the filters' keys come from geo.filters.FILTERS). ``et`` (an edit link's
#: secret edit token) is read, never written: ``ui.state.write_url`` removes it from the address
PAGE_KEYS = ("lang", "basemap", "view", "q", "venue", "c", "z", "ws", "wt", "et", *PRESENT_KEYS)
TOKEN = re.compile(r"[A-Za-z0-9_\-]{16,64}")


@dataclass
class PageState:
    lang: str = i18n.DEFAULT_LANG
    basemap: str = field(default_factory=basemaps.default_basemap)  # the deployment's (BEM_DEFAULT_BASEMAP...)
    view: str = ""
    q: str = ""
    venue: str = ""
    filters: FilterSpec = field(default_factory=filters.defaults)
    c: str = ""  # map centre "lat,lon" (WGS-84)
    z: str = ""  # map zoom
    ws: str = ""  # an open workspace's id
    wt: str = ""  # its view token, once the store confirmed it is one (the only token the URL ever holds)
    #: the tokens the link brought (``et``, then ``wt``: an edit or a view token, not yet checked). Never
    #: written to the URL: the workspace panel moves an edit token into the session and a view token to ``wt``
    link_tokens: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, q: Mapping[str, str], locale: str | None = None, default_basemap: str | None = None) -> PageState:
        """The state a URL asks for; values that make no sense fall back to the defaults (``default_basemap``: the
        deployment's choice from Streamlit secrets, else ``basemaps.default_basemap``)."""
        s = cls()
        s.lang = i18n.normalize_lang(q.get("lang") or locale)
        s.basemap = basemaps.normalize_basemap(q.get("basemap"), basemaps.default_basemap(default_basemap))
        view = q.get("view") or ""
        s.view = view if view in VIEWS else ""
        s.q = (q.get("q") or "")[:80]
        s.venue = (q.get("venue") or "")[:80]
        s.filters = filters.from_query(q)
        s.c = _latlon(q.get("c"))
        s.ws, s.link_tokens = _workspace_link(q)
        if s.c:
            s.z = zoom_text(_zoom(q.get("z"), 12, 3, 18))
        return s

    def to_query(self) -> dict[str, str]:
        """The URL parameters of this state (defaults left out, language and basemap always kept). A workspace
        appears by its id and its view token only: no edit token is ever part of the address."""
        out = {
            "lang": self.lang,
            "basemap": self.basemap,
            "view": self.view,
            "q": self.q,
            "venue": self.venue,
            **filters.to_query(self.filters),
            "c": self.c,
            "z": self.z,
            "ws": self.ws,
            "wt": self.wt,
        }
        return {k: v for k, v in out.items() if v or k in ("lang", "basemap")}

    def filters_active(self) -> bool:
        return self.filters.active()

    @staticmethod
    def url_keys() -> tuple[str, ...]:
        """Every URL key the page owns."""
        return (*PAGE_KEYS, *filters.BY_URL)


def _workspace_link(q: Mapping[str, str]) -> tuple[str, tuple[str, ...]]:
    """The workspace id and the tokens (``et``, then ``wt``) a link names, or ("", ()) when it names none."""
    ws = q.get("ws") or ""
    tokens = tuple(dict.fromkeys(t for t in (q.get("et") or "", q.get("wt") or "") if TOKEN.fullmatch(t)))
    return (ws, tokens) if re.fullmatch(r"[0-9a-f]{8,32}", ws) and tokens else ("", ())


#: the map's zoom steps (folium's zoom_snap in geo/webmap.py): a fitted view may sit between whole zooms
ZOOM_STEP = 0.25


def _zoom(value, default: float, lo: float, hi: float) -> float:
    """A zoom level from the URL, clamped and on the map's own steps (a named view fits at e.g. 12.5)."""
    try:
        zoom = float(value)
    except (TypeError, ValueError, OverflowError):
        return default
    if zoom != zoom:  # NaN
        return default
    return max(lo, min(hi, round(zoom / ZOOM_STEP) * ZOOM_STEP))


def zoom_text(zoom: float) -> str:
    """A zoom as the URL writes it (``12``, ``12.5``)."""
    return f"{zoom:g}"


def _latlon(text: str | None) -> str:
    """``"lat,lon"`` normalised to 5 decimals, or "" when it is not a position on Earth."""
    try:
        lat, lon = (float(v) for v in (text or "").split(","))
    except ValueError:
        return ""
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return f"{lat:.5f},{lon:.5f}"
    return ""
