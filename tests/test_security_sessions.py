"""What a planner's upload produces stays in that planner's session: no server-wide cache holds it, and a
session keeps a bounded number of such results (ui/session.py ``Session.remember``)."""

from __future__ import annotations

from geo import imports
from tests.conftest import app_test
from ui import cache, fastmap
from ui.session import PRIVATE_ENTRIES, SESSION_KEY


def test_an_uploads_results_never_enter_a_server_wide_cache(monkeypatch):
    seen = []
    real_shown, real_base, real_groups = cache._shown, fastmap.base_payload, fastmap.groups_payload

    def spy(real, what):
        def call(key, *args, **kwargs):
            seen.append((what, key))
            return real(key, *args, **kwargs)

        return call

    monkeypatch.setattr(cache, "_shown", spy(real_shown, "shown"))
    monkeypatch.setattr(fastmap, "base_payload", spy(real_base, "base"))
    monkeypatch.setattr(fastmap, "groups_payload", spy(real_groups, "groups"))
    result = imports.read_file("mine.csv", b"name,lon,lat\nA,116.39,39.91\nB,116.40,39.92\n")
    layer = imports.as_layer(result, 0, "#0072B2", "square")
    at = app_test({"basemap": "offline", "lang": "en"})
    assert seen and not any(layer.key in key for _, key in seen)  # the curated map uses the server's caches
    seen.clear()
    at.session_state[SESSION_KEY].imports = (layer,)
    at.run()
    for km in ("1", "2", "3", "4", "5"):  # five filter sets: five shown results, five venue layer payloads
        at.query_params["km"] = km
        at.session_state["page"].filters = at.session_state["page"].filters.__class__(
            within_km=float(km), of="one_core", year=at.session_state["page"].filters.year
        )
        at.run()
    assert not at.exception
    assert not any(layer.key in key or layer.digest[:16] in key for _, key in seen), seen
    private = at.session_state["bem"].private
    assert set(private) >= {"shown", "base", "groups"}
    assert all(0 < len(entries) <= PRIVATE_ENTRIES for entries in private.values())
