"""Each filter is defined once (geo/filters.py): the URL, the command line, the widgets and validation agree."""

from __future__ import annotations

import argparse
from dataclasses import fields, replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import filters, i18n, style
from geo.filters import FILTERS, FilterSpec

YEAR = 2026


def specs() -> st.SearchStrategy[FilterSpec]:
    def subset(values):
        return st.lists(st.sampled_from(values), unique=True, max_size=3).map(tuple)

    km = filters.BY_FIELD["within_km"]
    return st.builds(
        FilterSpec,
        categories=subset(style.VENUE_CATEGORIES),
        districts=subset(("Dongcheng", "Xicheng", "Chaoyang")),
        actions=subset(i18n.terms("plan_action")),
        statuses=subset(i18n.terms("status")),
        year=st.integers(filters.YEAR_MIN, filters.YEAR_MAX),
        within_km=st.one_of(st.none(), st.floats(0.5, km.hi).map(lambda v: round(v * 2) / 2)),
        of=st.sampled_from(("venue", "point", "forbidden_city", "core")),
        point=st.one_of(
            st.none(), st.tuples(st.floats(115.5, 117.5), st.floats(39.4, 41.0)).map(lambda p: (round(p[0], 5), round(p[1], 5)))
        ),
    )


def canonical(spec: FilterSpec) -> FilterSpec:
    """What a URL can carry of ``spec``: ``of`` only with a distance, the point only when measured from."""
    if not spec.within_km:
        spec = replace(spec, of="venue")
    if not spec.within_km or spec.of != "point":
        spec = replace(spec, point=None)
    return spec


def test_one_definition_per_field_and_url_key():
    assert [f.field for f in FILTERS] == [f.name for f in fields(FilterSpec)]
    assert len({f.url for f in FILTERS}) == len({f.flag for f in FILTERS}) == len(FILTERS)
    for f in FILTERS:
        assert i18n.t(f.label, "zh") and i18n.t(f.label, "en")  # a label in the catalogue, both languages
        if f.hint:
            assert i18n.t(f.hint, "zh") and i18n.t(f.hint, "en")


@settings(max_examples=200, deadline=None)
@given(specs())
def test_the_url_round_trips_every_filter(spec):
    spec = canonical(spec)
    assert filters.from_query(filters.to_query(spec, YEAR), YEAR) == spec


def cli(spec: FilterSpec) -> FilterSpec:
    parser = argparse.ArgumentParser()
    filters.add_arguments(parser)
    argv = []
    for f in FILTERS:
        text = filters.write(f, getattr(spec, f.field))
        if text:
            argv += [f.flag, text]
    return filters.from_args(parser.parse_args(argv))


@settings(max_examples=100, deadline=None)
@given(specs())
def test_the_command_line_reads_what_the_url_writes(spec):
    spec = canonical(spec)
    assert cli(spec) == spec
    assert filters.problems(spec, {"districts": ("Dongcheng", "Xicheng", "Chaoyang")}, ids=("forbidden_city", "core")) == (
        [] if spec.of != "point" or spec.point or not spec.within_km else ["--of point needs --point LAT,LON"]
    )


def test_one_limit_everywhere():
    """The distance had two limits (the widget 100 km, the spec and the command line 500)."""
    km = filters.BY_FIELD["within_km"]
    assert filters.from_query({"km": "450"}).within_km == km.hi  # a URL is clamped
    with pytest.raises(SystemExit):  # the command line refuses, naming the range
        cli_parser = argparse.ArgumentParser()
        filters.add_arguments(cli_parser)
        cli_parser.parse_args(["--within", "450"])
    assert filters.problems(FilterSpec(within_km=450.0)) == [f"--within: 450 is out of range 0-{km.hi:g}"]
    assert filters.from_query({"km": "nan"}).within_km is None and filters.from_query({"year": "1e9"}).year == 2035


def test_bad_url_values_fall_back_and_bad_cli_values_name_the_flag(capsys):
    assert filters.from_query({"cat": "diplomacy,zoo", "status": "dreaming"}, YEAR) == FilterSpec(
        categories=("diplomacy",), year=YEAR
    )
    assert filters.problems(FilterSpec(categories=("zoo",))) == [
        f"--category: unknown category value(s) zoo; use {', '.join(style.VENUE_CATEGORIES)}"
    ]
    parser = argparse.ArgumentParser()
    filters.add_arguments(parser)
    with pytest.raises(SystemExit):
        parser.parse_args(["--year", "1900"])
    assert "argument --year: 1900 is out of range 1950-2035" in capsys.readouterr().err


def test_the_widgets_take_their_limits_and_labels_from_the_definitions():
    from tests.conftest import app_test

    at = app_test({"lang": "en", "km": "2", "of": "one_core"}, panels=("filters",))
    km, year = filters.BY_URL["km"], filters.BY_URL["year"]
    box = at.sidebar.number_input(key="km")
    assert (box.min, box.max, box.step, box.label) == (km.lo, km.hi, km.step, i18n.t(km.label, "en"))
    slider = at.sidebar.slider(key="year")
    assert (slider.min, slider.max, slider.label) == (year.lo, year.hi, i18n.t(year.label, "en"))
    assert box.value == 2.0 and at.sidebar.selectbox(key="of").value == "one_core"


def test_the_panel_has_one_widget_per_filter_made_from_its_definition(monkeypatch):
    """The panel is generated from FILTERS: each filter's widget, label, choices and choice labels come from its
    definition, in the page's language; a changed definition changes the widget with no UI edit."""
    from tests.conftest import app_test

    at = app_test({"lang": "zh", "basemap": "offline"}, panels=("filters",))
    widgets = {
        w.key: w for kind in ("multiselect", "slider", "number_input", "selectbox", "date_input") for w in at.sidebar.get(kind)
    }
    for f in FILTERS:
        if f.kind == "point":  # set by a click on the map
            assert f.url not in widgets
            continue
        w = widgets[f.url]
        assert w.label == i18n.t(f.label, "zh"), f.field
        if f.kind == "list" and f.term and f.term != "layer":
            assert w.options == [i18n.term(f.term, v, "zh") for v in f.values()], f.field
    assert "朝阳区" in widgets["district"].options and "Chaoyang" not in widgets["district"].options

    statuses = filters.BY_FIELD["statuses"]
    changed = replace(statuses, label="field_action", term="plan_action", values=lambda: i18n.terms("plan_action"))
    monkeypatch.setattr(filters, "FILTERS", tuple(changed if f is statuses else f for f in FILTERS))
    at.run()
    w = at.sidebar.multiselect(key="status")
    assert w.label == i18n.t("field_action", "zh")
    assert w.options == [i18n.term("plan_action", v, "zh") for v in i18n.terms("plan_action")]


def test_no_multiselect_offers_streamlits_english_select_all():
    """Streamlit 1.67's multiselect adds a "Select all" it cannot translate: every multiselect turns it off."""
    from tests.conftest import app_test

    at = app_test({"lang": "zh", "basemap": "offline"}, panels=("filters", "export"))
    assert len(at.multiselect) >= 5
    assert [m.key for m in at.multiselect if m.proto.select_all] == []
