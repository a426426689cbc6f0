"""The page's state as one typed value: read from the URL once, written back to it.

Everything a planner sets (language, basemap, view, search, selected venue, filters, the
map's centre and zoom) is a field here, so copying the URL reproduces the view. No Streamlit
in this module: ``ui/state.py`` keeps a PageState in session state, the widgets' callbacks
change it, and ``geo.mapspec`` turns it into the map spec every renderer reads.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from geo import basemaps, i18n, style
from geo.views import VIEWS

YEAR_MIN, YEAR_MAX = 1950, 2035
LIST_FIELDS = ("cat", "district", "action", "status")


def this_year() -> int:
    return dt.date.today().year


@dataclass
class PageState:
    lang: str = i18n.DEFAULT_LANG
    basemap: str = basemaps.DEFAULT_BASEMAP
    view: str = ""
    q: str = ""
    venue: str = ""
    cat: list[str] = field(default_factory=list)
    district: list[str] = field(default_factory=list)
    action: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    year: int = field(default_factory=this_year)
    km: float = 0.0
    of: str = "venue"
    pt: str = ""  # "lat,lon" of the last click on the map
    c: str = ""  # map centre "lat,lon" (WGS-84)
    z: str = ""  # map zoom
    ws: str = ""  # an open workspace's id
    wt: str = ""  # its token (view, or the secret edit token)

    @classmethod
    def from_query(cls, q: Mapping[str, str], locale: str | None = None) -> PageState:
        """The state a URL asks for; values that make no sense fall back to the defaults."""
        s = cls()
        s.lang = i18n.normalize_lang(q.get("lang") or locale)
        s.basemap = basemaps.normalize_basemap(q.get("basemap"))
        s.view = q.get("view") if q.get("view") in VIEWS else ""
        s.q = (q.get("q") or "")[:80]
        s.venue = (q.get("venue") or "")[:80]
        vocab = {"cat": style.VENUE_CATEGORIES, "action": i18n.terms("plan_action"), "status": i18n.terms("status")}
        for key in LIST_FIELDS:
            values = [v for v in (q.get(key) or "").split(",") if v][:40]
            setattr(s, key, [v for v in values if key == "district" or v in vocab[key]])
        s.year = _int(q.get("year"), this_year(), YEAR_MIN, YEAR_MAX)
        try:
            s.km = max(0.0, min(100.0, float(q.get("km") or 0)))
        except ValueError:
            s.km = 0.0
        if s.km != s.km:  # NaN
            s.km = 0.0
        s.of = (q.get("of") or "venue")[:80]
        s.pt = _latlon(q.get("pt"))
        s.c = _latlon(q.get("c"))
        ws, wt = q.get("ws") or "", q.get("wt") or ""
        if re.fullmatch(r"[0-9a-f]{8,32}", ws) and re.fullmatch(r"[A-Za-z0-9_\-]{16,64}", wt):
            s.ws, s.wt = ws, wt
        if s.c:
            s.z = str(_int(q.get("z"), 12, 3, 18))
        return s

    def to_query(self) -> dict[str, str]:
        """The URL parameters of this state (defaults left out, language and basemap always kept)."""
        out = {"lang": self.lang, "basemap": self.basemap, "view": self.view, "q": self.q, "venue": self.venue}
        for key in LIST_FIELDS:
            out[key] = ",".join(getattr(self, key))
        out["year"] = str(self.year) if self.year != this_year() else ""
        out["km"] = f"{self.km:g}" if self.km else ""
        out["of"] = self.of if self.km and self.of != "venue" else ""
        out["pt"] = self.pt if out["of"] == "point" else ""
        out["c"], out["z"] = self.c, self.z
        out["ws"], out["wt"] = self.ws, self.wt
        return {k: v for k, v in out.items() if v or k in ("lang", "basemap")}

    def filters_active(self) -> bool:
        return any(getattr(self, k) for k in LIST_FIELDS) or bool(self.km) or self.year != this_year()

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


def _int(value, default: int, lo: int, hi: int) -> int:
    try:
        return max(lo, min(hi, int(float(value))))
    except (TypeError, ValueError, OverflowError):
        return default


def _latlon(text: str | None) -> str:
    """``"lat,lon"`` normalised to 5 decimals, or "" when it is not a position on Earth."""
    try:
        lat, lon = (float(v) for v in (text or "").split(","))
    except ValueError:
        return ""
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return f"{lat:.5f},{lon:.5f}"
    return ""
