/* Beijing Exchange Map: the live map's own behaviour (our code, served by the app like the plugins).
 * geo/webmap.py only calls these, with its data as JSON.
 *
 * BEM.datum   GCJ-02 <-> WGS-84 (the formula and iteration of geo/datum.py) for the readout
 * BEM.layerPanel the legend panel with its wiring: reported layers, attribution, labels, wheel
 * BEM.panel   one layer panel: the legend, each row toggling its layer; collapsible
 * BEM.labels  label placement by priority with collision detection, at every zoom
 * BEM.wheel   the wheel scrolls the page until the map is clicked; Ctrl + wheel zooms
 * BEM.fit     fit a named view's bounds to the map's real size, clear of the controls
 * BEM.note    a message on the map (a filter that leaves nothing)
 * BEM.RingLabel the "within N km" ring's distance, on the ring where it is on screen
 * BEM.readout the WGS-84 pointer readout: click or right-click copies, and says so
 * BEM.miniMap the overview map drawn from Beijing's outline and the core
 * BEM.layerOrder the layer control's sort function (the legend's order)
 * BEM.geoLayer a GeoJSON layer: escaped tooltip and popup, a divIcon for points, a style per segment and kind
 * BEM.defaultIcon Leaflet's default marker (leaflet-draw's marker tool) as an inline SVG: no image requested
 */

/* BEM.datum: the GCJ-02 forward formula and its inverse by fixed-point iteration, as geo/datum.py (which
 * says where the formula comes from). The mainland test here is a coarse one, a rectangle minus Hong Kong,
 * Macau and Taiwan: enough for a readout. Plain arithmetic, no Leaflet: tests/test_browser_datum.py checks
 * it against geo.datum's published test vectors and against geo.datum itself. */
(function () {
  "use strict";
  var BEM = (window.BEM = window.BEM || {});
  var A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI, TOL = 1e-9, MAX_ITER = 30;

  function outside(lon, lat) {
    if (lon < 73.4 || lon > 135.1 || lat < 18.1 || lat > 53.6) return true;
    if (lon > 113.83 && lon < 114.45 && lat > 22.13 && lat < 22.51) return true;  // Hong Kong
    if (lon > 113.52 && lon < 113.61 && lat > 22.10 && lat < 22.22) return true;  // Macau
    if (lon > 119.3 && lon < 122.3 && lat > 21.8 && lat < 25.4) return true;  // Taiwan
    return false;
  }

  function delta(lon, lat) {  // the GCJ-02 offset (degrees) at a WGS-84 point, ignoring the mainland test
    var x = lon - 105.0, y = lat - 35.0, sx = Math.sqrt(Math.abs(x));
    var dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx +
      (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3 +
      (20 * Math.sin(y * PI) + 40 * Math.sin(y / 3 * PI)) * 2 / 3 +
      (160 * Math.sin(y / 12 * PI) + 320 * Math.sin(y * PI / 30)) * 2 / 3;
    var dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx +
      (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3 +
      (20 * Math.sin(x * PI) + 40 * Math.sin(x / 3 * PI)) * 2 / 3 +
      (150 * Math.sin(x / 12 * PI) + 300 * Math.sin(x / 30 * PI)) * 2 / 3;
    var rad = lat / 180 * PI, magic = 1 - EE * Math.sin(rad) * Math.sin(rad), sm = Math.sqrt(magic);
    return [dLon * 180 / (A / sm * Math.cos(rad) * PI), dLat * 180 / ((A * (1 - EE)) / (magic * sm) * PI)];
  }

  function wgsToGcj(lon, lat) {
    if (outside(lon, lat)) return [lon, lat];
    var d = delta(lon, lat);
    return [lon + d[0], lat + d[1]];
  }

  function gcjToWgs(lon, lat) {  // solve wgsToGcj(x, y) = (lon, lat) until the residual is below TOL
    if (outside(lon, lat)) return [lon, lat];
    var x = lon, y = lat;
    for (var i = 0; i < MAX_ITER; i++) {
      var d = delta(x, y), ex = x + d[0] - lon, ey = y + d[1] - lat;
      x -= ex; y -= ey;
      if (Math.abs(ex) < TOL && Math.abs(ey) < TOL) break;
    }
    return [x, y];
  }

  BEM.datum = {outside: outside, wgsToGcj: wgsToGcj, gcjToWgs: gcjToWgs};
})();

(function () {
  "use strict";
  var BEM = (window.BEM = window.BEM || {});

  function pageWidth() {
    try { return window.top.innerWidth; } catch (e) { return window.innerWidth + 340; }
  }

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function debounce(fn, ms) {
    var t = null;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }

  /* ---- no image marker, ever: Leaflet's default icon is an inline SVG divIcon ---------------------
   * L.Marker and leaflet-draw's marker tool use L.Icon.Default, whose PNGs (marker-icon.png, its shadow) the app
   * does not serve; its prototype becomes a divIcon's, so every instance, made before or after this, draws the
   * SVG and requests nothing. BEM.defaultIcon sets its look (geo.webmap.legend_spec: the sketch symbol). */
  var DEFAULT_ICON = {
    html: '<svg xmlns="http://www.w3.org/2000/svg" width="14" height="14" viewBox="0 0 14 14"><circle cx="7" cy="7" ' +
      'r="5.5" fill="#7B3294" stroke="#3A3A3A" stroke-width="1"/></svg>',
    iconSize: [14, 14], iconAnchor: [7, 7], popupAnchor: [0, -7], tooltipAnchor: [7, 0],
    className: "bem-icon bem-default-icon", iconUrl: "", iconRetinaUrl: "", shadowUrl: null, bgPos: null
  };
  L.Icon.Default.include({
    options: DEFAULT_ICON,
    createIcon: L.DivIcon.prototype.createIcon,
    createShadow: function () { return null; },
    _getIconUrl: function () { return ""; }
  });
  L.Icon.Default.imagePath = "";
  BEM.defaultIcon = function (icon) { if (icon) { L.Icon.Default.mergeOptions(icon); } };

  /* ---- a GeoJSON layer (geo.templating.GeoLayer) ------------------------------------------- */
  var KINDS = {Point: "point", MultiPoint: "point", LineString: "line", MultiLineString: "line",
    Polygon: "polygon", MultiPolygon: "polygon"};
  // styles: by segment, then by "kind:<kind>" (an imported layer's features of another geometry kind than its
  // own, each in the layer's colour: geo.webcontent.layer_styles), then "" for the rest
  BEM.geoLayer = function (data, opts) {
    var styles = opts.styles || {};
    function styleOf(f) {
      var seg = f && f.properties && f.properties.segment;
      var kind = f && f.geometry && (KINDS[f.geometry.type] || "polygon");
      return styles[seg] || styles["kind:" + kind] || styles[""] || {};
    }
    return L.geoJson(data, {
      smoothFactor: opts.smoothFactor,
      interactive: opts.interactive !== false,
      style: styleOf,
      // a point is the layer's inline-SVG symbol, else a circle in its style: never Leaflet's image marker
      pointToLayer: function (f, latlng) {
        if (opts.icon) { return L.marker(latlng, {icon: L.divIcon(opts.icon)}); }
        return L.circleMarker(latlng, L.extend({radius: 5, fill: true}, styleOf(f)));
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties || {};
        // _tip and _popup arrive escaped by the server (geo.safe.html_text): text, never markup
        if (p._tip) { layer.bindTooltip(p._tip, {sticky: true, direction: "auto", className: "bem-tip"}); }
        if (p._popup) { layer.bindPopup(p._popup, {maxWidth: 380, className: "bem-popup"}); }
      }
    });
  };

  /* ---- one panel: legend rows are the layer switches ---------------------------------------- */
  BEM.panel = function (map, spec) {
    var ctl = L.control({position: "topright"});
    var collapsed = pageWidth() < spec.expandFrom;
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", "bem-panel leaflet-bar" + (collapsed ? " collapsed" : ""));
      var head = L.DomUtil.create("button", "bem-panel-head", div);
      head.type = "button";
      head.title = spec.toggleHint;
      head.setAttribute("aria-expanded", String(!collapsed));
      var icon = L.DomUtil.create("span", "bem-panel-icon", head);
      icon.innerHTML = spec.icon;  // generated by geo, never user text
      L.DomUtil.create("span", "bem-panel-title", head).textContent = spec.title;
      var body = L.DomUtil.create("div", "bem-panel-body", div);
      spec.rows.forEach(function (r) {
        var row = L.DomUtil.create(r.layer ? "button" : "div", "row", body);
        if (r.layer) {
          row.type = "button";
          row.dataset.layer = r.layer;
          row.title = spec.rowHint;
          row.setAttribute("aria-pressed", "true");
          L.DomEvent.on(row, "click", function () { toggle(r.name); });
        } else {
          row.classList.add("note");
        }
        L.DomUtil.create("span", "sym", row).innerHTML = r.svg;  // generated by geo.style, never user text
        L.DomUtil.create("span", "txt", row).textContent = r.label;
      });
      L.DomEvent.on(head, "click", function () {
        var now = !div.classList.contains("collapsed");
        div.classList.toggle("collapsed", now);
        head.setAttribute("aria-expanded", String(!now));
        BEM.relabel(map);
      });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    ctl.addTo(map);
    // the (hidden) Leaflet layer control holds the layers; streamlit-folium rebuilds it with the venue groups
    function toggle(name) {
      var labels = map.getContainer().querySelectorAll(".leaflet-control-layers-overlays label");
      for (var i = 0; i < labels.length; i++) {
        if (labels[i].textContent.trim() === name) { labels[i].querySelector("input").click(); return; }
      }
    }
    return ctl;
  };

  BEM.mark = function (map, layer, on) {
    map.getContainer().querySelectorAll(".bem-panel .row").forEach(function (row) {
      if (row.dataset.layer === layer) {
        row.classList.toggle("off", !on);
        row.setAttribute("aria-pressed", String(on));
      }
    });
  };

  /* ---- the panel on the map (geo.webmap.LayerPanel): spec is geo.webmap.legend_spec's ------ */
  var OPENING = "_opening";
  BEM.layerPanel = function (map, spec) {
    BEM.defaultIcon(spec.defaultIcon);
    BEM.panel(map, spec);
    // report the visible layers back to the app (streamlit-folium's "selected_layers")
    function report(name, on) {
      var g = window.__GLOBAL_DATA__, key = spec.keys[name];
      if (!g || !g.selected_layers || !key) return;
      if (on) { g.selected_layers["bem:" + key] = {name: key, url: "bem"}; }
      else { delete g.selected_layers["bem:" + key]; }
    }
    Object.keys(spec.keys).forEach(function (name) { report(name, spec.hidden.indexOf(name) < 0); });
    // streamlit-folium reports the map once as soon as it is made, before the venue groups say which of the
    // base map's layers are off (BEM.hideLayers): until they have, the report says so ("opening", which
    // geo.webcontent.OPENING names) and the page keeps the layers it knew
    var g0 = window.__GLOBAL_DATA__;
    if (g0 && g0.selected_layers) { g0.selected_layers["bem:" + OPENING] = {name: OPENING, url: "bem"}; }
    BEM.groupsArrived = function (hidden) {
      hidden.forEach(function (name) { report(name, false); });
      var g = window.__GLOBAL_DATA__;
      if (g && g.selected_layers) { delete g.selected_layers["bem:" + OPENING]; }
    };
    // only the planner's clicks count: streamlit-folium swapping the dynamic venue layers
    // also fires overlayadd/overlayremove through the layer control
    var userToggle = false;
    map.getContainer().addEventListener("click", function (e) {
      if (e.target && e.target.classList && e.target.classList.contains("leaflet-control-layers-selector")) {
        userToggle = true;
        setTimeout(function () { userToggle = false; }, 0);
      }
    }, true);
    map.on("overlayadd", function (e) { if (userToggle) { BEM.mark(map, e.name, true); report(e.name, true); } });
    map.on("overlayremove", function (e) { if (userToggle) { BEM.mark(map, e.name, false); report(e.name, false); } });
    spec.attribution.forEach(function (a) { map.attributionControl.addAttribution(a); });
    spec.hidden.forEach(function (name) { BEM.mark(map, name, false); });
    L.control.scale({imperial: false, position: "bottomleft"}).addTo(map);  // metric only
    if (map.zoomControl && spec.zoomIn) {  // Leaflet's buttons say "Zoom in" / "Zoom out" in English
      [[map.zoomControl._zoomInButton, spec.zoomIn], [map.zoomControl._zoomOutButton, spec.zoomOut]].forEach(
        function (pair) { if (pair[0]) { pair[0].title = pair[1]; pair[0].setAttribute("aria-label", pair[1]); } });
    }
    if (spec.fit) { BEM.opening(map, spec.fit); }  // the opening view, clear of the panel
    BEM.labels(map);
    BEM.wheel(map, spec.wheelHint);
  };

  /* ---- the layer control lists the layers in the legend's order ------------------------------ */
  BEM.layerOrder = function (order) {
    return function (a, b, nameA, nameB) { return order.indexOf(nameA) - order.indexOf(nameB); };
  };

  /* ---- labels: priority order, four positions, no overlaps, halo ---------------------------- */
  var POSITIONS = ["r", "l", "t", "b"];
  BEM.relabel = function (map) {
    var c = map.getContainer();
    var box = c.getBoundingClientRect();
    var z = map.getZoom();
    var els = Array.prototype.slice.call(c.querySelectorAll(".bem-label"));
    els.forEach(function (el) { el.classList.add("bem-off"); });
    var obstacles = [];
    c.querySelectorAll(".leaflet-control").forEach(function (el) {
      if (el.offsetParent !== null) obstacles.push(el.getBoundingClientRect());
    });
    var symbols = [];
    c.querySelectorAll(".leaflet-marker-icon.bem-icon").forEach(function (el) {
      symbols.push({el: el, r: el.getBoundingClientRect()});
    });
    // by priority; an area's candidate places (data-group, data-rank: geo.webcontent.label_anchors) best first
    els.sort(function (a, b) {
      return ((+b.dataset.p || 0) - (+a.dataset.p || 0)) || ((+a.dataset.rank || 0) - (+b.dataset.rank || 0));
    });
    var placed = [], named = {};
    els.forEach(function (el) {
      if (z < (+el.dataset.minzoom || 0)) return;
      if (el.dataset.group && named[el.dataset.group]) return;  // the area is named at a better place
      var anchor = el.parentNode.getBoundingClientRect();
      if (anchor.left < box.left || anchor.right > box.right || anchor.top < box.top || anchor.bottom > box.bottom) return;
      var positions = el.dataset.pos ? [el.dataset.pos] : POSITIONS;
      for (var i = 0; i < positions.length; i++) {
        el.dataset.at = positions[i];
        el.classList.remove("bem-off");
        var r = el.getBoundingClientRect();
        var inside = r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom;
        var free = inside && !placed.some(function (p) { return overlaps(p, r); }) &&
          !obstacles.some(function (o) { return overlaps(o, r); }) &&
          !symbols.some(function (s) { return s.el.parentNode !== el.parentNode && !near(s.r, anchor) && overlaps(s.r, r); });
        if (free) { placed.push(r); if (el.dataset.group) { named[el.dataset.group] = true; } return; }
        el.classList.add("bem-off");
      }
    });
    function near(a, b) {  // the label's own symbol sits on the label's anchor
      return Math.abs((a.left + a.right) / 2 - b.left) < 2 && Math.abs((a.top + a.bottom) / 2 - b.top) < 2;
    }
  };

  BEM.labels = function (map) {
    var run = debounce(function () { BEM.relabel(map); }, 60);
    map.on("zoomend moveend resize layeradd layerremove overlayadd overlayremove", run);
    window.addEventListener("resize", run);
    run();
  };

  /* ---- the wheel: scroll the page, not the map, until the map is clicked -------------------- */
  BEM.wheel = function (map, hint) {
    map.scrollWheelZoom.disable();
    var c = map.getContainer();
    var note = L.DomUtil.create("div", "bem-wheel-note", c);
    note.textContent = hint;
    var timer = null;
    c.addEventListener("wheel", function (e) {
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        var point = map.mouseEventToContainerPoint(e);
        map.setZoomAround(point, map.getZoom() + (e.deltaY < 0 ? 1 : -1));
        return;
      }
      if (!map.scrollWheelZoom.enabled()) {
        note.classList.add("show");
        clearTimeout(timer);
        timer = setTimeout(function () { note.classList.remove("show"); }, 1500);
      }
    }, {passive: false});
    map.on("click", function () { map.scrollWheelZoom.enable(); note.classList.remove("show"); });
    c.addEventListener("mouseleave", function () { map.scrollWheelZoom.disable(); });
  };

  /* ---- the opening view: fitted again while the page settles ---------------------------------- */
  // The frame gets its height, the panel its fonts (or the planner opens it) after the first fit: each time
  // the map's or the panel's size changes the view is fitted again, clear of the panel as it now is, until
  // the planner moves the map or another view is fitted (BEM.fit keeps the bounds it fitted last)
  BEM.opening = function (map, bounds) {
    var c = map.getContainer(), moved = false;
    function refit() {
      if (moved || map._bemFitted !== bounds) return;
      map.invalidateSize({pan: false});
      BEM.fit(map, bounds);
    }
    BEM.fit(map, bounds);
    // any move but our own fit (a planner's drag, a search's fly-to, a script's setView) ends the refitting
    map.on("movestart", function () { if (!map._bemFitting) { moved = true; } });
    ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (type) {
      c.addEventListener(type, function (e) {
        if (!(e.target.closest && e.target.closest(".bem-panel"))) { moved = true; }
      }, true);
    });
    map.on("resize", refit);
    if (window.ResizeObserver) {
      var watch = new ResizeObserver(function () { refit(); });
      watch.observe(c);
      var panel = c.querySelector(".bem-panel");
      if (panel) { watch.observe(panel); }
    }
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(refit); }
  };

  /* ---- fit a view: every feature visible, clear of the controls ------------------------------ */
  BEM.fit = function (map, bounds, maxZoom) {
    map._bemFitted = bounds;
    var c = map.getContainer().getBoundingClientRect();
    var left = 16, right = 16, top = 16, bottom = 16;
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (el) {
      if (el.offsetParent === null) return;
      var r = el.getBoundingClientRect();
      if (r.width * r.height === 0) return;
      var cx = (r.left + r.right) / 2 - c.left;
      if (cx < c.width / 2) { left = Math.max(left, r.right - c.left + 8); }
      else { right = Math.max(right, c.right - r.left + 8); }
    });
    // a tall panel on the right takes width; short controls at the bottom take height instead
    if (left + right > c.width / 2) {
      // the controls are not laid out yet (their style sheet still loading: the panel is as wide as the map);
      // fitting clear of them would leave no room and open at the closest zoom. The refit once they are
      // (BEM.opening) puts the view clear of them
      left = right = 16;
    }
    map._bemFitting = true;  // BEM.opening tells its own refits from the planner's moves
    try {
      map.fitBounds(bounds, {paddingTopLeft: [left, top], paddingBottomRight: [right, bottom + 24],
        maxZoom: maxZoom || 17, animate: false});
    } finally { map._bemFitting = false; }
  };

  /* ---- a note on the map: removed with the group that holds it ------------------------------- */
  // It sits over the map panes (the container's child, fixed while the map pans), so over the popup pane too:
  // while a popup is open the note steps aside (hidden), and comes back when the popup closes
  BEM.Note = L.Layer.extend({
    initialize: function (text) { this._text = text; },
    onAdd: function (map) {
      this._div = L.DomUtil.create("div", "bem-note", map.getContainer());
      this._div.setAttribute("role", "status");
      this._div.textContent = this._text;
      map.on("popupopen popupclose", this._popup, this);
      this._popup();
    },
    onRemove: function (map) {
      map.off("popupopen popupclose", this._popup, this);
      L.DomUtil.remove(this._div);
    },
    _popup: function (e) {
      var open = e ? e.type === "popupopen" : !!this._map._popup && this._map.hasLayer(this._map._popup);
      this._div.classList.toggle("bem-note-aside", open);
    }
  });

  /* ---- the pointer readout: WGS-84, copied on click (or right-click on the map) --------------- */
  BEM.copy = function (text) {
    if (navigator.clipboard && window.isSecureContext) { return navigator.clipboard.writeText(text); }
    var ta = document.createElement("textarea");  // plain http on an intranet: no Clipboard API
    ta.value = text; ta.style.position = "fixed"; ta.style.opacity = "0";
    document.body.appendChild(ta); ta.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(ta); }
    return Promise.resolve();
  };

  /* opts: {gcj: the map's coordinates are GCJ-02 (inverted with BEM.datum), strings: {hint, copied}} */
  BEM.readout = function (map, opts) {
    var strings = opts.strings;
    var ctl = L.control({position: "bottomleft"});
    function show(value) { ctl.getContainer().textContent = "WGS-84  " + value; }
    function copy(value) {
      var div = ctl.getContainer();
      BEM.copy(value).then(function () {
        div.classList.add("copied");
        div.textContent = strings.copied + "  " + value;
        setTimeout(function () { div.classList.remove("copied"); show(value); }, 1500);
      });
    }
    function value(latlng) {
      var w = opts.gcj ? BEM.datum.gcjToWgs(latlng.lng, latlng.lat) : [latlng.lng, latlng.lat];
      return w[1].toFixed(6) + ", " + w[0].toFixed(6);
    }
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", "bem-mouse");
      div.title = strings.hint;
      div.textContent = "WGS-84";
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.on(div, "click", function () { if (div.dataset.value) { copy(div.dataset.value); } });
      return div;
    };
    ctl.addTo(map);
    map.on("mousemove", function (e) {
      var div = ctl.getContainer();
      // over the readout itself the value stays: it is the point the planner pointed at
      if (div.contains(e.originalEvent.target) || div.classList.contains("copied")) return;
      div.dataset.value = value(e.latlng);
      show(div.dataset.value);
    });
    map.on("contextmenu", function (e) {  // right-click copies the point under the pointer
      ctl.getContainer().dataset.value = value(e.latlng);
      copy(value(e.latlng));
    });
    return ctl;
  };

  /* ---- the overview map: Beijing's outline and the core as vectors (it works offline) --------- */
  var MINI_CORE = {color: "#D55E00", weight: 1, fillColor: "#D55E00", fillOpacity: 0.5};
  var MINI_OUTLINE = {color: "#3A3A3A", weight: 1, fillColor: "#ffffff", fillOpacity: 0.8};
  BEM.miniMap = function (map, data, strings) {
    var layer = L.geoJSON(data, {interactive: false, style: function (f) {
      return f.properties.core ? MINI_CORE : MINI_OUTLINE;
    }});
    var mini = new L.Control.MiniMap(layer, {position: "bottomleft", toggleDisplay: true, width: 140, height: 140,
      zoomLevelFixed: 6, minimized: true,
      aimingRectOptions: {color: "#D55E00", weight: 1.5, fillOpacity: 0.04, interactive: false},
      strings: strings});
    // leaflet-minimap re-centres the main map on the overview's centre after every move of the overview, its
    // own resizes too (a window resize once the overview is collapsed): at zoom 6 that centre is ~2 km coarse,
    // so the planner's map jumped. Only a planner's drag or keys on the overview move the main map; the
    // overview following the main map (_mainMapMoving) goes through as before. Set before addTo: the plugin
    // binds the handler when its map is ready.
    var follow = mini._onMiniMapMoved, byHand = false;
    mini._onMiniMapMoved = function (e) {
      if (this._mainMapMoving || byHand) { byHand = false; return follow.call(this, e); }
    };
    mini.addTo(map);
    mini._miniMap.on("dragstart", function () { byHand = true; });
    mini._container.addEventListener("keydown", function (e) {  // Leaflet's keyboard panning: the arrow keys
      if (/^Arrow/.test(e.key)) { byHand = true; }
    }, true);
    return mini;
  };
})();

/* one-shot layers carried by the dynamic groups: they act when streamlit-folium adds the group */
(function () {
  "use strict";
  var BEM = window.BEM;
  BEM.FitView = L.Layer.extend({
    initialize: function (bounds, maxZoom) { this._b = bounds; this._z = maxZoom; },
    onAdd: function (map) {
      var b = this._b, z = this._z;
      setTimeout(function () { BEM.fit(map, b, z); }, 30);
    },
    onRemove: function () {}
  });
  // the "within N km" ring's distance (geo.mapelements.RingLabel), written on the ring where it is on screen:
  // its highest vertex well inside the view, moved on every pan and zoom; hidden while the ring is off screen.
  // A label like the others (BEM.relabel keeps it clear of the controls), placed first (data-p)
  BEM.RingLabel = L.Layer.extend({
    initialize: function (outline, text) { this._outline = outline; this._text = text; },
    onAdd: function (map) {
      var icon = L.divIcon({className: "bem-label-icon", iconSize: [0, 0], iconAnchor: [0, 0],
        html: '<div class="bem-label bem-ring-label bem-off" data-p="100" data-pos="t" style="--off:3px"></div>'});
      this._marker = L.marker(this._outline[0], {icon: icon, interactive: false, keyboard: false}).addTo(map);
      this._label = this._marker.getElement().firstChild;
      this._label.textContent = this._text;
      map.on("moveend zoomend resize", this._place, this);
      this._place();
    },
    onRemove: function (map) {
      map.off("moveend zoomend resize", this._place, this);
      this._marker.remove();
    },
    _place: function () {
      var view = this._map.getBounds().pad(-0.08), best = null;
      this._outline.forEach(function (p) {
        if (view.contains(p) && (best === null || p[0] > best[0])) { best = p; }
      });
      this._label.style.display = best ? "" : "none";
      if (best) { this._marker.setLatLng(best); }
      BEM.relabel(this._map);
    }
  });
  // a dynamic group the planner switched off: off the map right after streamlit-folium adds it
  BEM.removeSoon = function (layer) { setTimeout(function () { layer.remove(); }, 0); };
  // base layers the planner hid (geo.webmap.HideLayers): switched off through the layer control, as a click
  // would (the legend row dims, the app hears it), once the control exists; "group" is the selection group
  BEM.hideLayers = function (group, names) {
    var tries = 0;
    // the map's next report must already say these layers are off, though the control below may not exist
    // yet: else the page takes them as switched on again, and a planner's click on one is undone by the run
    // that report caused
    if (BEM.groupsArrived) { BEM.groupsArrived(names); }
    (function attempt() {
      // the group and the layer control arrive one after the other: try until the control lists the layers
      var map = group._map, found = 0;
      var labels = map ? map.getContainer().querySelectorAll(".leaflet-control-layers-overlays label") : [];
      labels.forEach(function (label) {
        if (names.indexOf(label.textContent.trim()) < 0) return;
        found += 1;
        var input = label.querySelector("input");
        if (input && input.checked) { input.click(); }
      });
      if (found < names.length && ++tries < 100) { setTimeout(attempt, tries === 1 ? 0 : 50); }  // 0: after the control
    })();
  };
})();

/* BEM.PointCloud: many points (an imported list of thousands) on one canvas.
 * Positions are projected once to Web Mercator world units; each redraw is arithmetic only. Below
 * ``clusterBelow`` zoom the points are aggregated into a screen grid (a circle sized by its count, the
 * count written in it); from that zoom on, the points in view are drawn themselves. Pan and zoom redraw
 * in milliseconds for 100,000 points. A click opens the nearest point's name (pre-escaped text). */
(function () {
  "use strict";
  var BEM = window.BEM;
  BEM.PointCloud = L.Layer.extend({
    initialize: function (flat, names, style) {
      var n = names.length, xy = new Float64Array(2 * n);
      for (var i = 0; i < n; i++) {  // lat, lon -> world units (0..1) of Web Mercator
        var lat = flat[2 * i], lon = flat[2 * i + 1];
        var s = Math.sin(lat * Math.PI / 180);
        xy[2 * i] = (lon + 180) / 360;
        xy[2 * i + 1] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
      }
      this._xy = xy; this._names = names; this._style = style; this._n = n;
    },
    onAdd: function (map) {
      this._map = map;
      this._canvas = L.DomUtil.create("canvas", "bem-cloud leaflet-zoom-hide");
      map.getPanes().overlayPane.appendChild(this._canvas);
      map.on("moveend zoomend resize viewreset", this._redraw, this);
      map.on("click", this._click, this);
      this._redraw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend zoomend resize viewreset", this._redraw, this);
      map.off("click", this._click, this);
    },
    _redraw: function () {
      var map = this._map, size = map.getSize(), ratio = window.devicePixelRatio || 1;
      var topLeft = map.containerPointToLayerPoint([0, 0]);
      L.DomUtil.setPosition(this._canvas, topLeft);
      var c = this._canvas;
      c.width = size.x * ratio; c.height = size.y * ratio;
      c.style.width = size.x + "px"; c.style.height = size.y + "px";
      var ctx = c.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      var z = map.getZoom(), scale = 256 * Math.pow(2, z);
      var origin = map.getPixelOrigin().add(topLeft);  // world pixels of the canvas's top left
      var xy = this._xy, n = this._n, st = this._style, w = size.x, h = size.y;
      this._visible = [];
      if (z < st.clusterBelow) {
        var cell = st.cell, cols = Math.ceil(w / cell) + 1, counts = new Map(), sums = new Map();
        for (var i = 0; i < n; i++) {
          var px = xy[2 * i] * scale - origin.x, py = xy[2 * i + 1] * scale - origin.y;
          if (px < 0 || py < 0 || px >= w || py >= h) continue;
          var k = Math.floor(py / cell) * cols + Math.floor(px / cell);
          counts.set(k, (counts.get(k) || 0) + 1);
          var sxy = sums.get(k);
          if (sxy) { sxy[0] += px; sxy[1] += py; } else { sums.set(k, [px, py]); }
        }
        ctx.font = "bold 11px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
        ctx.lineJoin = "round"; ctx.miterLimit = 2;  // no spikes on the halo of the digits
        counts.forEach(function (count, key) {
          var sxy = sums.get(key), cx = sxy[0] / count, cy = sxy[1] / count;
          var r = count === 1 ? st.radius : Math.min(cell / 2, 6 + 3 * Math.log(count));
          ctx.beginPath(); ctx.arc(cx, cy, r, 0, 2 * Math.PI);
          ctx.fillStyle = st.fill; ctx.globalAlpha = count === 1 ? 0.9 : 0.75; ctx.fill();
          ctx.globalAlpha = 1; ctx.lineWidth = 1; ctx.strokeStyle = st.color; ctx.stroke();
          if (count > 1) {
            ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,.9)";
            ctx.strokeText(String(count), cx, cy); ctx.fillStyle = "#111"; ctx.fillText(String(count), cx, cy);
          }
        });
        this._clusters = counts.size;
        return;
      }
      ctx.fillStyle = st.fill; ctx.strokeStyle = st.color; ctx.lineWidth = st.weight;
      ctx.beginPath();
      for (var j = 0; j < n; j++) {
        var x = xy[2 * j] * scale - origin.x, y = xy[2 * j + 1] * scale - origin.y;
        if (x < -10 || y < -10 || x > w + 10 || y > h + 10) continue;
        ctx.moveTo(x + st.radius, y); ctx.arc(x, y, st.radius, 0, 2 * Math.PI);
        this._visible.push(j);
      }
      ctx.globalAlpha = 0.85; ctx.fill(); ctx.globalAlpha = 1; ctx.stroke();
      this._clusters = 0;
    },
    _click: function (e) {
      var map = this._map, z = map.getZoom();
      if (z < this._style.clusterBelow) return;
      var scale = 256 * Math.pow(2, z), p = map.project(e.latlng, z), best = -1, bestD = 64;
      for (var i = 0; i < this._visible.length; i++) {
        var j = this._visible[i], dx = this._xy[2 * j] * scale - p.x, dy = this._xy[2 * j + 1] * scale - p.y;
        var d = dx * dx + dy * dy;
        if (d < bestD) { bestD = d; best = j; }
      }
      if (best >= 0) {
        var lat = 90 - 360 * Math.atan(Math.exp((this._xy[2 * best + 1] - 0.5) * 2 * Math.PI)) / Math.PI;
        var lon = this._xy[2 * best] * 360 - 180;
        L.popup().setLatLng([lat, lon]).setContent(this._names[best]).openOn(map);  // names arrive escaped
      }
    }
  });
})();

/* BEM.lazyMeasure: the measuring tool's button, loading leaflet-measure (237 KB) on first use only. */
(function () {
  "use strict";
  var BEM = window.BEM;
  var ICON = '<svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="#333" stroke-width="1.3">' +
    '<rect x="1.5" y="5" width="13" height="6" rx="1"/><path d="M4 5v2.5M6.5 5v3.5M9 5v2.5M11.5 5v3.5"/></svg>';
  BEM.lazyMeasure = function (map, js, css, options, title, patch) {
    var ctl = L.control({position: options.position || "topleft"});
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", "leaflet-control-measure leaflet-bar leaflet-control bem-measure-lazy");
      var a = L.DomUtil.create("a", "bem-measure-button", div);
      a.href = "#"; a.title = title; a.setAttribute("role", "button"); a.innerHTML = ICON;
      L.DomEvent.on(a, "click", function (e) { L.DomEvent.stop(e); load(); });
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    ctl.addTo(map);
    function load() {
      var link = document.createElement("link");
      link.rel = "stylesheet"; link.href = css;
      document.head.appendChild(link);
      var s = document.createElement("script");
      s.src = js;
      s.onload = function () {
        // as folium's MeasureControl: leaflet-measure with Leaflet >= 1.8 (ljagis/leaflet-measure#171)
        L.Control.Measure.include({
          _setCaptureMarkerIcon: function () {
            this._captureMarker.options.autoPanOnFocus = false;
            this._captureMarker.setIcon(L.divIcon({iconSize: this._map.getSize().multiplyBy(2)}));
          }
        });
        if (patch) { patch(); }
        BEM.localizeMeasure();
        map.removeControl(ctl);
        var real = new L.Control.Measure(options);
        real.addTo(map);
        if (real._expand) { real._expand(); }
        if (real._startMeasure) { real._startMeasure(); }
      };
      document.head.appendChild(s);
    }
    return ctl;
  };
})();

/* The map tools in the page's language, their words from geo/i18n.py (geo/tool_messages.py) as JSON.
 * BEM.drawLocal: leaflet-draw reads the global L.drawLocal when a toolbar is made: merged before the control.
 * BEM.localizeMeasure: leaflet-measure keeps its locale tables private and picks one by name in its constructor
 * (i18n.setLocale(options.localization) reads tables[name]). For a control given ``options.strings``, a getter on
 * Object.prototype, defined only while that constructor runs, is what the lookup of the name "bem" reaches: it
 * puts the strings into the plugin's tables as their own entry "bem", and the control uses them from then on.
 * The vendored file stays as published (scripts/vendor_assets.py checks it against the registry). */
(function () {
  "use strict";
  var BEM = window.BEM;
  function merge(into, from) {
    Object.keys(from).forEach(function (k) {
      if (from[k] && typeof from[k] === "object") { into[k] = merge(into[k] || {}, from[k]); } else { into[k] = from[k]; }
    });
    return into;
  }
  BEM.drawLocal = function (strings) { if (window.L && L.drawLocal) { merge(L.drawLocal, strings); } };
  var KEY = "bem";
  BEM.localizeMeasure = function () {
    var M = L.Control && L.Control.Measure;
    if (!M || M.prototype._bemLocalized) return;
    var initialize = M.prototype.initialize;
    M.include({_bemLocalized: true, initialize: function (options) {
      var strings = options && options.strings;
      if (!strings) { return initialize.call(this, options); }
      Object.defineProperty(Object.prototype, KEY, {configurable: true, get: function () {
        if (this !== Object.prototype) {
          Object.defineProperty(this, KEY, {value: strings, configurable: true, writable: true, enumerable: true});
        }
        return strings;
      }});
      try { initialize.call(this, L.extend({}, options, {localization: KEY})); } finally { delete Object.prototype[KEY]; }
    }});
  };
})();
