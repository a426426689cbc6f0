/* Beijing Exchange Map: the basemap's tiles in the browser (geo/webtiles.py calls these, its data as JSON).
 *
 * BEM.tileWatch     watch the basemap's tile layers; when most of the first tiles fail or do not arrive in time
 *                   (the probe rule of geo/tiles.py, with its numbers), say so on the map in the page's language,
 *                   credit no tiles that are not shown, and offer one click to a basemap that works here
 * BEM.embeddedTiles a tile layer whose tiles are data URIs carried by the page (a standalone export of the local file)
 */
(function () {
  "use strict";
  var BEM = (window.BEM = window.BEM || {});

  function arrived(tile) {  // loaded, even if the load event has not been handled yet (a busy page)
    return tile.state === "ok" || (tile.el.complete && tile.el.naturalWidth > 0);
  }

  function noticeBox(map, spec, onClick) {
    var box = L.DomUtil.create("div", "bem-tile-note", map.getContainer());
    box.setAttribute("role", "alert");
    box.style.cssText = "position:absolute;z-index:1000;top:10px;left:50%;transform:translateX(-50%);" +
      "max-width:70%;background:#fff8e1;border:1px solid #e0a800;border-radius:4px;padding:6px 10px;" +
      "font:13px/1.4 sans-serif;color:#4a3b00;box-shadow:0 1px 4px rgba(0,0,0,.25);display:none";
    var text = L.DomUtil.create("span", "bem-tile-note-text", box);
    text.textContent = spec.text;
    var button = L.DomUtil.create("button", "bem-tile-switch", box);
    button.type = "button";
    button.textContent = spec.action;
    button.style.cssText = "margin-left:10px;font:inherit;cursor:pointer";
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    L.DomEvent.on(button, "click", onClick);
    return box;
  }

  BEM.tileWatch = function (map, layers, spec) {
    var base = layers[0], first = [], timer = null, failing = false, done = false;
    var box = noticeBox(map, spec, switchOver);

    function credit(on) {  // the failed layers' credit leaves the attribution while they show nothing
      if (!map.attributionControl) return;
      layers.forEach(function (layer) {
        var text = layer.getAttribution && layer.getAttribution();
        if (!text) return;
        if (on) { map.attributionControl.addAttribution(text); } else { map.attributionControl.removeAttribution(text); }
      });
    }
    function show(on) {
      if (done || on === failing) return;
      failing = on;
      box.style.display = on ? "block" : "none";
      credit(!on);
    }
    function judge(final) {  // of the first tiles asked for, most failed (or, at the end, have not arrived)
      var loaded = first.filter(arrived).length, failed = first.filter(function (t) { return t.failed; }).length;
      var asked = final ? first.length : spec.probeTiles;
      if (asked > 0 && (final ? asked - loaded : failed) * 2 > asked) { show(true); }
    }
    function asked(el) {
      if (first.length >= spec.probeTiles || first.some(function (t) { return t.el === el; })) return;
      first.push({el: el, state: "asked", failed: false});
      if (!timer) { timer = setTimeout(function () { judge(true); }, spec.probeMs); }
    }
    base.on("tileloadstart", function (e) { asked(e.tile); });
    base.on("tileabort tileunload", function (e) {  // a tile dropped unsettled (the view moved on) was no probe
      first = first.filter(function (t) { return t.el !== e.tile || t.state !== "asked"; });
    });
    // the layer was added before this runs: the tiles it asked for then are the first ones
    Object.keys(base._tiles || {}).forEach(function (key) { asked(base._tiles[key].el); });
    function settle(e, ok) {
      first.forEach(function (t) { if (t.el === e.tile) { t.state = ok ? "ok" : "error"; t.failed = !ok; } });
      if (ok && failing) { show(false); return; }  // tiles arrive after all: the notice goes
      if (!ok) judge(false);
      if (first.length && first.every(function (t) { return t.state !== "asked"; })) judge(true);
    }
    base.on("tileload", function (e) { settle(e, true); });
    base.on("tileerror", function (e) { settle(e, false); });

    function switchOver() {
      done = true;
      if (timer) clearTimeout(timer);
      layers.forEach(function (layer) { map.removeLayer(layer); });  // no tile is asked for any more
      box.style.display = "none";
      // the app's map: the page state switches (streamlit-folium sends "selected_layers" on overlayadd)
      var g = window.__GLOBAL_DATA__;
      if (spec.report && g && g.selected_layers) {
        g.selected_layers["bem-basemap"] = {name: spec.switchTo, url: spec.report + Date.now()};
        map.fire("overlayadd", {layer: {}, name: ""});
      }
    }
    return box;
  };

  BEM.embeddedTiles = function (data) {
    var empty = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
    var Layer = L.TileLayer.extend({
      getTileUrl: function (c) { return data.tiles[c.z + "/" + c.x + "/" + c.y] || empty; }
    });
    return new Layer("", {
      attribution: data.attribution ? escapeText(data.attribution) : "",
      bounds: data.bounds, minNativeZoom: data.minZoom, maxNativeZoom: data.maxZoom, maxZoom: 18
    });
  };

  function escapeText(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }
})();
