"""The planner's filters, each defined once.

A filter is one :class:`Filter` in :data:`FILTERS`: the :class:`FilterSpec` field it sets, its URL key
(which is also its widget's key), its command-line flag, its limits or allowed values, and the catalogue
key of its label. Everything else is made from that table: reading and writing the URL
(:func:`from_query`, :func:`to_query`), the command line's flags (:func:`add_arguments`,
:func:`from_args`), clamping (:func:`clamp`) and validation (:func:`problems`). Adding a filter is one
more entry here, one field of :class:`FilterSpec`, and (if it filters something new) one line in
:func:`geo.explore.filter_venues`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace

from geo import i18n, style

YEAR_MIN, YEAR_MAX = 1950, 2035
#: at most this many values of one list filter are read from a URL
MAX_VALUES = 40


def this_year() -> int:
    return dt.date.today().year


@dataclass(frozen=True)
class FilterSpec:
    """The planner's filters. Empty tuples mean "everything".

    ``of`` names what "within ``within_km`` km" is measured from: ``venue`` (the selected
    venue), ``point`` (the clicked ``point``, lon/lat), or the id of a venue, the core, an
    axis or an area.
    """

    categories: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()  # English district names
    actions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    year: int | None = None  # the layout as it stood (or is planned) in this year; None: every year
    within_km: float | None = None
    of: str = "venue"
    point: tuple[float, float] | None = None  # lon, lat (WGS-84)
    asof: str = ""  # the key projects' register as it stood on this day (YYYY-MM-DD; "": today)
    since: str = ""  # mark the key projects changed since this day (YYYY-MM-DD; "": no change marks)

    def active(self, today: dt.date | None = None) -> bool:
        """Any filter beyond the default (this year's layout, the register as of today, no change marks)."""
        year = (today or dt.date.today()).year
        return bool(
            self.categories
            or self.districts
            or self.actions
            or self.statuses
            or self.within_km
            or (self.year is not None and self.year != year)
            or self.asof
            or self.since
        )


@dataclass(frozen=True)
class Filter:
    """One filter: where it lives in the spec, the URL, the command line and the catalogue, and its limits."""

    field: str  # the FilterSpec field
    url: str  # the URL key and the widget's key
    flag: str  # the command-line flag
    label: str  # the catalogue key of its label (geo.i18n)
    kind: str  # list (comma-separated values), int, float, ref (a feature id), point ("lat,lon") or date (YYYY-MM-DD)
    help: str = ""  # the catalogue key of its command-line help (geo/cli_messages.py)
    values: Callable[[], tuple[str, ...]] | None = None  # allowed values (None: any; checked against data)
    lo: float | None = None
    hi: float | None = None
    step: float | None = None
    hint: str = ""  # the catalogue key of its widget's help text
    #: how a list filter's values read: an ``i18n.term`` vocabulary, or "layer" (a layer's own label)
    term: str = ""
    #: a list filter whose values come from the data: the venues' column ``<column>_en`` (labels ``<column>_<lang>``)
    column: str = ""
    #: imported layers add values (their keys) to this list filter
    imports: bool = False

    def limits(self) -> tuple[float, float]:
        """A number filter's (lo, hi); every int and float filter has both."""
        assert self.lo is not None and self.hi is not None, f"{self.field}: a number filter needs lo and hi"
        return self.lo, self.hi

    def allowed(self, extra: tuple[str, ...] = ()) -> tuple[str, ...] | None:
        return None if self.values is None else (*self.values(), *extra)


FILTERS: tuple[Filter, ...] = (
    Filter(
        "categories",
        "cat",
        "--category",
        "field_category",
        "list",
        values=lambda: style.VENUE_CATEGORIES,
        term="layer",
        imports=True,
        help="f_categories",
    ),
    Filter(
        "districts",
        "district",
        "--district",
        "field_district",
        "list",
        column="district",
        help="f_districts",
    ),
    Filter(
        "actions",
        "action",
        "--action",
        "field_action",
        "list",
        values=lambda: i18n.terms("plan_action"),
        term="plan_action",
        help="f_actions",
    ),
    Filter(
        "statuses",
        "status",
        "--status",
        "field_status",
        "list",
        values=lambda: i18n.terms("status"),
        term="status",
        help="f_statuses",
    ),
    Filter(
        "year",
        "year",
        "--year",
        "field_year",
        "int",
        lo=YEAR_MIN,
        hi=YEAR_MAX,
        step=1,
        hint="year_help",
        help="f_year",
    ),
    Filter(
        "within_km",
        "km",
        "--within",
        "within_km",
        "float",
        lo=0.0,
        hi=100.0,
        step=0.5,
        hint="within_help",
        help="f_within",
    ),
    Filter(
        "of",
        "of",
        "--of",
        "within_of",
        "ref",
        help="f_of",
    ),
    Filter("point", "pt", "--point", "of_point", "point", help="f_point"),
    Filter("asof", "asof", "--as-of", "field_asof", "date", hint="asof_help", help="as_of"),
    Filter("since", "since", "--since", "field_since", "date", hint="since_help", help="since"),
)
BY_FIELD = {f.field: f for f in FILTERS}
BY_URL = {f.url: f for f in FILTERS}
assert [f.field for f in FILTERS] == [f.name for f in fields(FilterSpec)], "one Filter per FilterSpec field"


# --- one value: parsed, clamped, written ---------------------------------------------------------------------


def _number(f: Filter, text: str) -> float:
    value = float(text)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(text)
    return value


def parse(f: Filter, text: str, strict: bool = False, extra: tuple[str, ...] = (), lang: str = "en"):
    """The value of filter ``f`` written as ``text``. ``strict`` (the command line) raises ValueError with
    a message (in ``lang``) for what the lenient URL reader drops or clamps."""
    text = (text or "").strip()
    if f.kind == "list":
        return _parse_list(f, text, strict, extra, lang)
    if f.kind in ("int", "float"):
        return _parse_number(f, text, strict, lang)
    if f.kind == "point":
        return _parse_point(text, lang)
    if f.kind == "date":
        return parse_day(text, lang)
    return text[:80]  # ref: checked against the data by the caller


def _unknown(f: Filter, bad: list[str], allowed: tuple[str, ...], lang: str, page: bool = False) -> str:
    if page:  # the panel's words: the allowed values as the panel lists them
        words = [i18n.term(f.term, v, lang) for v in allowed] if f.term and f.term != "layer" else list(allowed)
        return i18n.t("filter_unknown_values", lang).format(
            bad=", ".join(bad), allowed="、".join(words) if lang == "zh" else ", ".join(words)
        )
    return i18n.cli("unknown_values", lang, name=f.flag.lstrip("-"), bad=", ".join(bad), allowed=", ".join(allowed))


def _parse_list(f: Filter, text: str, strict: bool, extra: tuple[str, ...], lang: str) -> tuple[str, ...]:
    values = tuple(dict.fromkeys(v.strip() for v in text.split(",") if v.strip()))
    allowed = f.allowed(extra)
    if allowed is None:
        return tuple(v[:80] for v in values)[:MAX_VALUES]
    bad = [v for v in values if v not in allowed]
    if strict and bad:
        raise ValueError(_unknown(f, bad, allowed, lang))
    return tuple(v for v in values if v not in bad)[:MAX_VALUES]


def _parse_number(f: Filter, text: str, strict: bool, lang: str):
    try:
        value = _number(f, text)
    except ValueError:
        raise ValueError(i18n.cli("not_number", lang, text=text)) from None
    if f.kind == "int":
        if strict and value != int(value):
            raise ValueError(i18n.cli("not_whole", lang, text=text))
        value = int(value)
    lo, hi = f.limits()
    if strict and not (lo <= value <= hi):
        raise ValueError(i18n.cli("out_of_range", lang, value=text, lo=f"{lo:g}", hi=f"{hi:g}"))
    return clamp_value(f, value)


def _parse_point(text: str, lang: str = "en") -> tuple[float, float]:
    try:
        lat, lon = (float(v) for v in text.split(","))
    except ValueError:
        raise ValueError(i18n.cli("not_position", lang, text=text)) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(i18n.cli("not_position", lang, text=text))
    return round(lon, 5), round(lat, 5)


def parse_day(text: str, lang: str = "en") -> str:
    """``text`` as a day YYYY-MM-DD ("" stays ""), or ValueError naming it."""
    if not text:
        return ""
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(i18n.cli("project_bad_date", lang, text=text)) from None


def clamp_value(f: Filter, value):
    if f.kind in ("int", "float") and value is not None:
        lo, hi = f.limits()
        value = max(lo, min(hi, value))
        return int(value) if f.kind == "int" else float(value)
    return value


def write(f: Filter, value) -> str:
    """``value`` of filter ``f`` as the URL and the command line write it."""
    if value is None:
        return ""
    if f.kind == "list":
        return ",".join(value)
    if f.kind == "point":
        return f"{value[1]:.5f},{value[0]:.5f}"
    if f.kind == "float":
        return f"{value:g}"
    return str(value)


# --- the whole spec ------------------------------------------------------------------------------------------


def defaults(year: int | None = None) -> FilterSpec:
    """The filters of a page nobody has touched: this year's layout (``year``: a fixed one, for tests)."""
    return FilterSpec(year=year or this_year())


def from_query(q: Mapping[str, str], year: int | None = None) -> FilterSpec:
    """The filters a URL asks for; a value that makes no sense falls back to the default."""
    base = defaults(year)
    values = {}
    for f in FILTERS:
        text = q.get(f.url)
        if not text:
            continue
        try:
            values[f.field] = parse(f, text)
        except ValueError:
            continue
    spec = replace(base, **values)
    if not spec.within_km:
        spec = replace(spec, within_km=None)
    return spec


def to_query(spec: FilterSpec, year: int | None = None) -> dict[str, str]:
    """The URL parameters of ``spec``: only what differs from :func:`defaults`; ``of`` and ``pt`` only with a
    distance, ``pt`` only when measuring from the point."""
    base = defaults(year)
    out = {}
    for f in FILTERS:
        value = getattr(spec, f.field)
        if value != getattr(base, f.field):
            out[f.url] = write(f, value)
    if not spec.within_km:
        out.pop("of", None)
    if not spec.within_km or spec.of != "point":
        out.pop("pt", None)
    return {k: v for k, v in out.items() if v}


def clamp(spec: FilterSpec) -> FilterSpec:
    """``spec`` with every number inside its filter's limits."""
    return replace(spec, **{f.field: clamp_value(f, getattr(spec, f.field)) for f in FILTERS if f.kind in ("int", "float")})


def problems(
    spec: FilterSpec,
    more: Mapping[str, tuple[str, ...]] | None = None,
    ids: tuple[str, ...] | None = None,
    lang: str = "en",
    page: bool = False,
) -> list[str]:
    """What is wrong with ``spec``, one line per filter, naming its flag, or with ``page`` its label as the
    filter panel shows it (empty: nothing).

    ``more``: allowed values the data adds, by field (imported layers' categories; the districts, which
    have no fixed list); ``ids``: the ids ``of`` may name."""
    more = more or {}
    out = [line for f in FILTERS if (line := _problem(f, getattr(spec, f.field), more, lang, page))]
    if ids is not None and spec.within_km and spec.of not in ("venue", "point", *ids):
        out.append(i18n.cli("unknown_id", lang, id=spec.of, ids=", ".join(ids)))
    if spec.within_km and spec.of == "point" and spec.point is None:
        out.append(i18n.t("filter_point_needs", lang) if page else i18n.cli("point_needs", lang))
    return out


def _problem(f: Filter, value, more: Mapping[str, tuple[str, ...]], lang: str = "en", page: bool = False) -> str | None:
    """What is wrong with one filter's value, or None (``page``: named by its label, else by its flag)."""
    check = {"list": _list_problem, "int": _number_problem, "float": _number_problem, "date": _date_problem}.get(f.kind)
    problem = check(f, value, more, lang, page) if check else None
    if problem is None:
        return None
    return i18n.cli("flag_problem", lang, flag=i18n.t(f.label, lang) if page else f.flag, problem=problem)


def _list_problem(f: Filter, value, more: Mapping[str, tuple[str, ...]], lang: str, page: bool) -> str | None:
    allowed = f.allowed(more.get(f.field, ())) if f.values is not None else more.get(f.field)
    bad = [v for v in value if v not in allowed] if allowed is not None else []
    return _unknown(f, bad, allowed or (), lang, page) if bad else None


def _number_problem(f: Filter, value, _more, lang: str, _page: bool) -> str | None:
    lo, hi = f.limits()
    if value is None or lo <= value <= hi:
        return None
    return i18n.cli("out_of_range", lang, value=f"{value:g}", lo=f"{lo:g}", hi=f"{hi:g}")


def _date_problem(f: Filter, value: str, _more, lang: str, _page: bool) -> str | None:
    try:
        parse_day(value, lang)
    except ValueError as exc:
        return str(exc)
    return None


# --- the command line ----------------------------------------------------------------------------------------


def _arg_type(f: Filter, lang: str) -> Callable[[str], object]:
    def convert(text: str):
        try:
            return parse(f, text, strict=f.kind != "list", lang=lang)  # list values are checked once layers are known
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None  # argparse names the flag

    convert.__name__ = f.field
    return convert


def add_arguments(group, lang: str = "en") -> None:
    """One command-line flag per filter (an argparse parser or argument group), its help in ``lang``."""
    for f in FILTERS:
        help_text = i18n.cli(f.help, lang)
        if f.values is not None:
            help_text += ("：" if lang == "zh" else ": ") + ", ".join(f.values())
        if f.kind in ("int", "float"):
            help_text += f" ({f.lo:g}-{f.hi:g})"
        metavar = {"float": "KM", "ref": "ID", "point": "LAT,LON", "int": "YEAR", "date": "YYYY-MM-DD"}.get(f.kind, "A,B")
        group.add_argument(
            f.flag, dest=f"filter_{f.field}", type=_arg_type(f, lang), default=None, metavar=metavar, help=help_text
        )


def from_args(args: argparse.Namespace) -> FilterSpec:
    """The filters the command line asked for (unset flags: no filter)."""
    values = {
        f.field: getattr(args, f"filter_{f.field}") for f in FILTERS if getattr(args, f"filter_{f.field}", None) is not None
    }
    spec = FilterSpec(**values)
    return replace(spec, within_km=spec.within_km or None)
