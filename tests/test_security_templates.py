"""Nothing a visitor types or uploads is ever parsed as a template (geo.templating).

branca renders each element's output a second time as a Jinja template; a layer named
``{{ 7*7 }}`` showed 49, ``{{ lipsum.__globals__.os.mkdir(...) }}`` ran on the server and ``{% raw %}``
broke the page. Every payload below must reach the live map, the standalone HTML export and the
workspace view-only link literally, and the file-creating one must create nothing.
"""

from __future__ import annotations

import json

import folium
import pytest
import streamlit_folium as sf

from geo import imports, templating, webmap
from geo import io as gio
from geo.mapspec import FilterSpec, MapSpec, shown
from geo.views import VIEWS
from tests.conftest import ROOT, app_test
from tests.corpus.make_corpus import TEMPLATE_MARK, TEMPLATE_PAYLOADS, TEMPLATE_SPLIT
from ui.session import SESSION_KEY

PAYLOADS, SPLIT, MARK = TEMPLATE_PAYLOADS, TEMPLATE_SPLIT, TEMPLATE_MARK


def literal(payload: str, page: str) -> bool:
    """The payload is in the page as text: as is, or as a JSON string (ours or folium's escaping)."""
    forms = {payload, templating.dumps(payload)[1:-1], json.dumps(payload)[1:-1], payload.replace("'", "\\u0027")}
    return any(form in page for form in forms)


def hostile_geojson(names: tuple[str, ...]) -> bytes:
    features = [
        {
            "type": "Feature",
            "properties": {"name": name, "note": name},
            "geometry": {"type": "Point", "coordinates": [116.38 + i * 0.002, 39.90]},
        }
        for i, name in enumerate(names)
    ]
    features.append(
        {
            "type": "Feature",
            "properties": {"name": SPLIT[0], "note": SPLIT[1]},
            "geometry": {"type": "Point", "coordinates": [116.40, 39.91]},
        }
    )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run in an empty folder: a payload that creates a file would leave it here."""
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    assert not (tmp_path / MARK).exists(), "a template payload ran on the server"
    assert not list(tmp_path.iterdir())


def hostile_layer(layers, file_name: str, index: int = 0):
    result = imports.read_file(file_name, hostile_geojson(PAYLOADS), known=layers.venues)
    return imports.as_layer(result, index, "#D55E00", "star", label_field="name")


def live_map_strings(layers, spec: MapSpec) -> str:
    """Everything the app hands streamlit-folium for ``spec``, rendered the way ui/fastmap.py renders it."""
    from ui import fastmap

    base = fastmap._render_base(webmap.build_base_map(layers, spec, lazy_tools=True))
    groups = webmap.venue_groups(shown(layers, spec), spec, note=PAYLOADS[0])
    m = base["m"]
    strings = [sf._get_feature_group_string(g, map=m, idx=i) for i, g in enumerate(groups)]
    strings.append(sf._get_layer_control_string(webmap.layer_control(spec.lang, spec.imported), m))
    return "\n".join([base["header"], base["html"], base["leaflet"], *strings])


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_as_a_file_name_stays_text_on_the_live_map(layers, in_tmp, payload):
    layer = hostile_layer(layers, f"{payload}.geojson")
    spec = MapSpec(lang="en", basemap="offline", imported=(layer,), layers=("core", layer.key))
    page = live_map_strings(layers, spec)
    assert literal(payload, page), payload  # the layer's name, in the legend and the layer control
    for name in PAYLOADS:  # every feature's name, in its tooltip and popup
        assert literal(name, page), name


def test_payloads_stay_text_in_the_standalone_html_export(layers, in_tmp):
    layer = hostile_layer(layers, f"{PAYLOADS[-1]}.geojson")
    for lang in ("zh", "en"):
        spec = MapSpec(
            bbox=VIEWS["city"].bbox,
            lang=lang,
            basemap="offline",
            imported=(layer,),
            layers=("core", "axes", layer.key),
            title=PAYLOADS[1],
        )
        page = gio.export_html(layers, spec)
        for payload in PAYLOADS:
            assert literal(payload, page), payload
        assert literal(SPLIT[0], page) and literal(SPLIT[1], page)


def test_every_element_of_our_maps_renders_once(layers):
    layer = hostile_layer(layers, "x.geojson")
    spec = MapSpec(lang="zh", basemap="gaode", imported=(layer,), selection="forbidden_city", filters=FilterSpec(within_km=3.0))
    m = webmap.build_map(layers, spec)
    templating.render_page(m)  # checks the tree before and after rendering
    for group in webmap.venue_groups(shown(layers, spec), spec, note="n"):
        templating.check_render_once(group)
    m.add_child(folium.Marker((39.9, 116.4), tooltip="plain folium"))
    with pytest.raises(templating.UnsafeElementError, match="Tooltip|Marker"):
        templating.check_render_once(m)


def test_our_templates_run_in_a_sandbox():
    """Our own templates cannot reach Python internals even if one were written carelessly."""
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        templating.template("{{ this.__class__.__mro__ }}").render(this=object())
    with pytest.raises(SecurityError):
        templating.template("{{ this._parent }}").render(this=templating.RenderOnce())


def test_folium_is_left_as_it_ships():
    """No change to folium's shared Jinja environment: other users of folium in the process see its defaults."""
    from folium.template import Template

    assert Template("{{ x | tojson }}").render(x={"a": "中"}) == '{"a": "\\u4e2d"}'


def test_a_payload_in_the_app_runs_nothing_and_breaks_nothing(layers, in_tmp):
    """The page itself (AppTest): an imported layer and features named with payloads, one that would
    create a folder and one that broke the page (``{% raw %}``)."""
    from geo import i18n

    for name in (PAYLOADS[-1], "{% raw %}"):
        at = app_test({"lang": "en", "basemap": "offline"})
        at.session_state[SESSION_KEY].imports = (hostile_layer(layers, f"{name}.geojson"),)
        at.run()
        assert not at.exception
        errors = " ".join(e.value for e in at.error)
        assert i18n.t("unexpected_error", "en") not in errors


def test_a_workspace_named_with_a_payload_is_text_for_every_viewer(layers, in_tmp, tmp_path_factory, monkeypatch):
    from geo import workspace

    monkeypatch.setenv("BEM_WORKSPACE_DIR", str(tmp_path_factory.mktemp("ws")))
    store = workspace.Store()
    created = store.create(PAYLOADS[-1])
    ws = store.load(created["id"], created["edit_token"])
    ws.content["sketches"].append(
        {"title": "{% raw %}", "note": PAYLOADS[0], "geometry": {"type": "Point", "coordinates": [116.39, 39.91]}}
    )
    ws.content["views"].append({"name": "{{ 7*7 }}", "bbox": list(VIEWS["core"].bbox)})
    store.save(created["id"], created["edit_token"], ws.content, ws.version, "sketch")
    at = app_test({"lang": "en", "basemap": "offline", "ws": created["id"], "wt": created["view_token"]})
    assert not at.exception
    shown_text = " ".join(str(m.value) for m in at.markdown) + " ".join(b.label for b in at.button)
    assert "{{ 7\\*7 }}" in shown_text or "{{ 7*7 }}" in shown_text.replace("\\", "")
    from ui import workspace_panel

    layers_ws = workspace_panel.layers_of(store.load(created["id"], created["view_token"]), "en")
    spec = MapSpec(lang="en", basemap="offline", imported=layers_ws, layers=("core", *(x.key for x in layers_ws)))
    page = live_map_strings(layers, spec)
    assert literal(f"Sketches: {PAYLOADS[-1]}", page) and literal("{% raw %}", page)


def test_the_corpus_file_of_template_payloads_imports_and_renders(layers, in_tmp):
    """tests/corpus/files/template-payloads.geojson: the same payloads as a planner's file would carry them."""
    path = ROOT / "tests" / "corpus" / "files" / "template-payloads.geojson"
    names = [f["properties"]["name"] for f in json.loads(path.read_text("utf-8"))["features"]]
    assert set(PAYLOADS) <= set(names)  # the file is made by tests/corpus/make_corpus.py from the same tuple
    result = imports.read_file(path.name, path.read_bytes(), known=layers.venues)
    layer = imports.as_layer(result, 0, "#0072B2", "circle", label_field="name")
    page = gio.export_html(
        layers, MapSpec(bbox=VIEWS["city"].bbox, lang="en", basemap="offline", imported=(layer,), layers=(layer.key,))
    )
    assert all(literal(n, page) for n in names)
