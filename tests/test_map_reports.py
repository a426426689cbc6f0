"""The map's reports across a rebuilt map (AppTest): a language or basemap switch makes a new map component
whose value starts empty, so the old map's last report, which may reach the server just after the switch
(streamlit-folium sends a pan 250 ms after it ends), is still where the planner is. ``ui.fastmap.show_map``
keeps each report in ``st.session_state["map"]`` with the datum its map was drawn in; the page follows it."""

from __future__ import annotations

import pytest

from geo import datum
from tests.conftest import app_test
from ui.fastmap import REPORT_DATUM
from ui.session import SESSION_KEY

#: where the planner panned to (WGS-84), north-east of the core
LAT, LON, ZOOM = 39.95312, 116.45071, 13.5


def report(lat: float, lon: float, zoom: float, drawn_in: str) -> dict:
    """What a map drawn in ``drawn_in`` reports when its centre is the WGS-84 point (lat, lon)."""
    x, y = datum.from_wgs84(lon, lat, drawn_in)
    half = 0.02
    return {
        "center": {"lat": float(y), "lng": float(x)},
        "zoom": zoom,
        "bounds": {"_southWest": {"lat": y - half, "lng": x - half}, "_northEast": {"lat": y + half, "lng": x + half}},
        REPORT_DATUM: drawn_in,
    }


def where(at) -> tuple[float, float, float]:
    q = {k: v if isinstance(v, str) else v[0] for k, v in at.query_params.items()}
    lat, lon = (float(v) for v in q["c"].split(","))
    return lat, lon, float(q["z"])


@pytest.mark.parametrize(("basemap", "drawn_in"), [("offline", "wgs84"), ("gaode", "gcj02")])
def test_a_report_the_old_map_sent_after_a_language_switch_decides_where_the_new_map_opens(basemap, drawn_in):
    at = app_test({"lang": "zh", "basemap": basemap, "view": "core"})
    # the old map's last pan, stored by its on_change as the switch's run begins (its own value is gone)
    at.session_state["map"] = report(LAT, LON, ZOOM, drawn_in)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    lat, lon, zoom = where(at)
    assert (round(lat, 4), round(lon, 4), zoom) == (round(LAT, 4), round(LON, 4), ZOOM)
    opened = at.session_state[SESSION_KEY].base_view
    assert opened is not None and abs(opened[0] - LAT) < 1e-4 and abs(opened[1] - LON) < 1e-4, opened


def test_a_report_from_a_gcj02_map_is_read_in_gcj02_after_a_switch_to_a_wgs84_basemap():
    at = app_test({"lang": "en", "basemap": "gaode", "view": "core"})
    at.session_state["map"] = report(LAT, LON, ZOOM, "gcj02")
    at.sidebar.selectbox(key="basemap").set_value("osm").run()
    assert not at.exception
    lat, lon, _ = where(at)
    # read as WGS-84, the GCJ-02 numbers would put the planner some 500 m off
    assert abs(lat - LAT) < 2e-5 and abs(lon - LON) < 2e-5, (lat, lon)
    bbox = at.session_state[SESSION_KEY].bbox
    assert bbox is not None and abs((bbox[0] + bbox[2]) / 2 - LON) < 1e-3 and abs((bbox[1] + bbox[3]) / 2 - LAT) < 1e-3


def hidden_in_groups(at) -> list[str]:
    """The base map's layers the run's venue groups switch off (``BEM.hideLayers``' names)."""
    import json
    import re

    groups = json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]
    found = re.search(r"BEM\.hideLayers\(\w+, (\[.*?\])\);", groups)
    assert found, "the groups always carry BEM.hideLayers: it tells the map's reports the groups arrived"
    return json.loads(found.group(1))


def test_a_rebuilt_maps_first_report_does_not_switch_the_hidden_layers_back_on():
    from geo import style
    from geo.webcontent import OPENING

    on = [{"name": s.key, "url": "bem"} for s in style.LAYERS]
    at = app_test({"lang": "en", "basemap": "offline"})
    at.session_state["map"] = {"selected_layers": [x for x in on if x["name"] != "districts"], REPORT_DATUM: "wgs84"}
    at.run()
    districts = style.get_style("districts").label("en")
    assert hidden_in_groups(at) == [districts]
    # a rebuilt map reports once as soon as it is made: every layer on, the groups not yet there to say otherwise
    at.session_state["map"] = {"selected_layers": [*on, {"name": OPENING, "url": "bem"}], REPORT_DATUM: "wgs84"}
    at.run()
    assert not at.exception
    assert hidden_in_groups(at) == [districts]
    # once the groups have arrived, the report counts: the planner showed the layer again
    at.session_state["map"] = {"selected_layers": on, REPORT_DATUM: "wgs84"}
    at.run()
    assert hidden_in_groups(at) == []
