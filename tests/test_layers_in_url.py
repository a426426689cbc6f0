"""The layers a planner switched off are part of the view: the address carries them (``off``), so a copied link
opens with the same layers off, and switching one back on takes it out of the address."""

from __future__ import annotations

import json

import pytest

from geo import style
from tests.conftest import app_test
from ui.pagestate import PageState

from .test_seams_browser import WATCH_RUN, map_frame, query, wait_query, wait_reported_hidden


def scripts(at) -> str:
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    return args["script"] + args.get("feature_group", "")


def test_the_address_reads_and_writes_the_layers_off():
    assert PageState.from_query({"off": "nonsense,districts,boundary,districts"}).off == "boundary,districts"
    assert PageState.from_query({"off": "districts"}).to_query()["off"] == "districts"
    assert "off" not in PageState.from_query({}).to_query()


def test_a_link_with_layers_off_opens_with_them_off():
    at = app_test({"lang": "en", "basemap": "offline", "off": "culture,districts,bogus"}, timeout=60)
    assert not at.exception
    drawn = scripts(at)
    assert "BEM.hideLayers" in drawn and json.dumps(style.get_style("districts").label("en")) in drawn
    assert at.query_params["off"] == "districts,culture"  # in the layers' order, the unknown key dropped


@pytest.mark.browser
def test_the_address_follows_the_legend_and_a_copied_link_keeps_it(browser, app_url):
    label = style.get_style("districts").label("en")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(f"{app_url}/?lang=en&basemap=offline")
        frame = map_frame(page)
        page.evaluate(WATCH_RUN)
        frame.locator(".bem-panel .row", has_text=label).click()  # the planner hides a layer
        wait_reported_hidden(page)
        wait_query(page, "off", "districts")
        link = page.url
    finally:
        page.close()
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(link)  # the copied link, in a new tab
        frame = map_frame(page)
        frame.wait_for_function("document.querySelectorAll('.bem-panel .row.off').length === 1", timeout=30000)
        assert label in frame.locator(".bem-panel .row.off").inner_text()
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60000)
        assert query(page).get("off") == "districts", page.url  # the map's first report keeps it off
        page.evaluate(WATCH_RUN)
        frame.locator(".bem-panel .row", has_text=label).click()  # and back on
        wait_reported_hidden(page)
        page.wait_for_function("() => !new URLSearchParams(location.search).has('off')", timeout=30000)
    finally:
        page.close()
