"""A base map read from disk (a new server process: the cold open) has no folium objects. The layer control
rendered beside it still lists the base map's layers, as it does beside the base map rendered in this process
(it listed the venue groups alone: the core, axes, areas and context layers had no switch and their legend rows
did nothing)."""

from __future__ import annotations

import pickle

from geo import style, webmap
from geo.mapspec import MapSpec, shown
from ui import fastmap


def test_the_layer_control_beside_a_base_map_from_disk_lists_the_base_layers(layers):
    spec = MapSpec(lang="en", basemap="offline")
    base = fastmap._render_base(webmap.build_base_map(layers, spec, lazy_tools=True))
    from_disk = pickle.loads(pickle.dumps({k: v for k, v in base.items() if k != "m"}))  # as base_payload keeps it

    def build():
        return webmap.venue_groups(shown(layers, spec), spec), webmap.layer_control("en")

    here = fastmap._render_groups(build, base)
    cold = fastmap._render_groups(build, from_disk)
    assert cold == here
    for key in ("core", "axes", "areas", "districts", "boundary"):
        assert webmap.layer_name(style.get_style(key), "en").split(":")[0] in cold[1], key  # JSON escapes quotes
