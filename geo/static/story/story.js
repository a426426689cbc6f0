/* The story page (geo/story_html.py): a map that flies from chapter to chapter, a caption panel readable from the
   back of a room, a compact legend, the chapter's labels and a progress mark. Everything comes from the JSON block
   #bem-story-data and is written with textContent (never innerHTML): a chapter's words can never become markup.
   Keys: → Space PageDown next, ← PageUp Shift+Space previous, Home/End first/last, ↓ ↑ scroll a long caption,
   F full screen, Esc leaves the app's present mode. The URL's hash keeps the chapter (#2). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("bem-story-data").textContent);
  var S = data.strings;
  var chapters = data.chapters;
  var current = -1;
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(s, values) {
    return s.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; });
  }

  // --- the page's parts -------------------------------------------------------------------------------------
  var root = el("main", "story");
  root.id = "bem-story";
  root.tabIndex = -1;
  root.setAttribute("aria-roledescription", "carousel");
  root.setAttribute("aria-label", data.title);
  var mapDiv = el("div", "story-map");
  mapDiv.setAttribute("role", "region");
  mapDiv.setAttribute("aria-label", S.story_map);
  var panel = el("aside", "story-panel");
  var kicker = el("p", "story-kicker", data.title);
  var words = el("div", "story-words");
  words.setAttribute("aria-live", "polite");
  var title = el("h1", "story-title");
  var caption = el("p", "story-caption");
  words.appendChild(title);
  words.appendChild(caption);
  var legend = el("section", "story-legend");
  legend.setAttribute("aria-label", S.story_legend);
  var legendList = el("ul");
  legend.appendChild(legendList);
  var nav = el("nav", "story-nav");
  nav.setAttribute("aria-label", S.story_nav);
  var prev = el("button", "story-step", "\u2190");
  prev.type = "button";
  prev.setAttribute("aria-label", S.story_prev);
  prev.title = S.story_prev;
  var next = el("button", "story-step", "\u2192");
  next.type = "button";
  next.setAttribute("aria-label", S.story_next);
  next.title = S.story_next;
  var progress = el("span", "story-progress");
  var dots = el("div", "story-dots");
  var dotButtons = chapters.map(function (ch, i) {
    var b = el("button", "story-dot");
    b.type = "button";
    b.setAttribute("aria-label", fmt(S.story_goto, { n: i + 1, title: ch.title }));
    b.title = ch.title;
    b.addEventListener("click", function () { go(i); });
    dots.appendChild(b);
    return b;
  });
  nav.appendChild(prev);
  nav.appendChild(progress);
  nav.appendChild(dots);
  nav.appendChild(next);
  var foot = el("div", "story-foot");  // the keys' hint and, in the app, the way out, on one line
  foot.appendChild(el("p", "story-keys", S.story_keys));
  var body = el("div", "story-body");  // the words scroll, if they must; the legend and the buttons stay put
  body.appendChild(kicker);
  body.appendChild(words);
  panel.appendChild(body);
  panel.appendChild(legend);
  panel.appendChild(nav);
  if (data.review) panel.appendChild(el("p", "story-review", data.review));
  panel.appendChild(foot);
  if (data.exits.length) {
    var exit = el("button", "story-exit", S.story_exit);
    exit.type = "button";
    exit.addEventListener("click", leave);
    foot.appendChild(exit);
  }
  root.appendChild(mapDiv);
  root.appendChild(panel);
  document.body.appendChild(root);
  prev.addEventListener("click", function () { go(current - 1); });
  next.addEventListener("click", function () { go(current + 1); });

  // --- the map: the boundary is the offline basemap, each chapter's layers over it ----------------------------
  var map = L.map(mapDiv, {
    zoomSnap: 0.25, zoomDelta: 0.5, keyboard: false, attributionControl: false, zoomControl: false,
    minZoom: 6, maxZoom: 18,
  });
  L.control.zoom({ position: "topleft", zoomInTitle: S.zoom_in, zoomOutTitle: S.zoom_out }).addTo(map);

  // the basemap's credit in the map's corner, as text: the credits of the tile layers showing (Leaflet and the
  // tile watch add and remove them, as on the live map), else the boundary's
  var Credit = L.Control.extend({
    options: { position: "bottomleft" },
    initialize: function () { this._on = {}; },
    onAdd: function (m) {
      this._div = el("div", "story-credit");
      m.on("layeradd", function (e) {  // as Leaflet's own attribution control does
        var t = e.layer.getAttribution && e.layer.getAttribution();
        if (!t) return;
        this.addAttribution(t);
        e.layer.once("remove", function () { this.removeAttribution(t); }, this);
      }, this);
      this._update();
      return this._div;
    },
    addAttribution: function (t) {
      if (t) { this._on[t] = (this._on[t] || 0) + 1; this._update(); }
      return this;
    },
    removeAttribution: function (t) {
      if (t && this._on[t]) { this._on[t] -= 1; this._update(); }
      return this;
    },
    _update: function () {
      if (!this._div) return;
      var on = this._on;
      var shown = Object.keys(on).filter(function (t) { return on[t] > 0; });
      this._div.textContent = shown.length ? shown.join(" · ") : S.story_basemap_boundary;
    },
  });
  map.attributionControl = new Credit().addTo(map);

  // the chapter's basemap: tiles (the app's present mode) under everything, else the boundary alone
  var boundaries = {};
  var boundary = null;
  var basemap = { key: null, layers: [], note: null };
  var givenUp = {};  // basemaps whose tiles the presenter chose to do without ("use the offline basemap")
  function showBoundary(datum) {
    var shape = boundaries[datum] = boundaries[datum] ||
      L.geoJSON(data.boundary.data[datum], { style: data.boundary.style, interactive: false });
    if (shape === boundary) return;
    if (boundary) map.removeLayer(boundary);
    boundary = shape.addTo(map);
  }
  function showBasemap(key) {
    var entry = data.basemaps[key] || { key: "offline", layers: [], datum: "wgs84" };
    showBoundary(entry.datum);
    if (key === basemap.key) return;
    basemap.layers.forEach(function (l) { map.removeLayer(l); });
    if (basemap.note) L.DomUtil.remove(basemap.note);
    basemap = { key: key, layers: [], note: null };
    if (givenUp[key] || !entry.layers.length) return;
    basemap.layers = entry.layers.map(function (t) {
      var opts = { subdomains: t.subdomains, maxNativeZoom: t.maxNativeZoom, maxZoom: 18, attribution: t.credit };
      if (t.bounds) { opts.bounds = t.bounds; opts.minNativeZoom = t.minNativeZoom; }
      return L.tileLayer(t.url, opts).addTo(map);
    });
    basemap.layers.forEach(function (l) { l.bringToBack(); });
    if (!window.BEM || !window.BEM.tileWatch) return;
    basemap.note = window.BEM.tileWatch(map, basemap.layers, {
      probeTiles: data.probe.tiles, probeMs: data.probe.ms, text: S.tiles_unreachable, action: S.tiles_use_offline,
      switchTo: "offline", report: "",
    });
    basemap.note.querySelector("button").addEventListener("click", function () { givenUp[key] = true; });
  }
  var made = {};
  var shownLayers = [];
  var labelLayer = L.layerGroup().addTo(map);
  var LABEL_GAP_PX = 10;  // a label starts this far right of its place (story.css: .story-label's translate)
  var selection = L.layerGroup().addTo(map);

  function tip(name) {
    var span = el("span", "", name);
    return span;
  }
  function makeLayer(ref) {
    var c = data.collections[ref];
    var icon = c.icon && L.icon({ iconUrl: c.icon.url, iconSize: c.icon.size, iconAnchor: c.icon.anchor });
    var layer = L.geoJSON(c.data, {
      style: function (f) {
        var seg = f.properties.segment;
        var kind = f.geometry.type.indexOf("Line") >= 0 ? "line" : f.geometry.type.indexOf("Polygon") >= 0 ? "polygon" : "point";
        return c.styles[seg] || c.styles["kind:" + kind] || c.styles[""];
      },
      pointToLayer: function (f, latlng) {
        return icon ? L.marker(latlng, { icon: icon, keyboard: false }) : L.circleMarker(latlng, c.styles[""]);
      },
      onEachFeature: function (f, l) {
        if (f.properties.name) l.bindTooltip(tip(f.properties.name));
      },
    });
    layer.bemZ = c.z;
    layer.bemP = c.p;
    return layer;
  }
  function showLayers(refs) {
    shownLayers.forEach(function (l) { map.removeLayer(l); });
    shownLayers = refs.map(function (ref) {
      made[ref] = made[ref] || makeLayer(ref);
      return made[ref];
    });
    shownLayers.slice().sort(function (a, b) { return a.bemZ - b.bemZ; }).forEach(function (l) { l.addTo(map); });
  }
  function showLabels(list) {
    labelLayer.clearLayers();
    list.forEach(function (lab) {
      var div = el("div", "story-label", lab.text);
      var icon = L.divIcon({ html: div, className: "story-label-icon", iconSize: null });
      var m = L.marker([lab.lat, lab.lon], { icon: icon, interactive: false, keyboard: false });
      m.bemP = lab.p;
      m.addTo(labelLayer);
    });
  }
  // the labels that fit: highest priority first, each hidden where it would cover the panel, a label already
  // placed or another place's symbol (its own symbol is the one under its anchor, just left of it)
  function overlaps(r, p) {
    return r.left < p.right && r.right > p.left && r.top < p.bottom && r.bottom > p.top;
  }
  function symbols() {  // every drawn point symbol: where it is and its layer's label priority
    var out = [];
    shownLayers.forEach(function (l) {
      l.eachLayer(function (f) {
        var e = f.getElement && f.getElement();
        if (e && f instanceof L.Marker) out.push({ r: e.getBoundingClientRect(), p: l.bemP });
      });
    });
    return out;
  }
  function fits(r, placed, icons, p, own) {
    var map_ = mapDiv.getBoundingClientRect();
    if (r.left < map_.left || r.right > map_.right || r.top < map_.top || r.bottom > map_.bottom) return false;
    if (placed.some(function (q) { return overlaps(r, q); })) return false;
    // a label may cover a symbol of a layer ranked below its own, never one ranked as high or higher
    return !icons.some(function (s) { return s.p >= p && s !== own && overlaps(r, s.r); });
  }
  function ownSymbol(icons, x, y) {
    return icons.filter(function (s) {
      return x >= s.r.left - 1 && x <= s.r.right + 1 && y >= s.r.top - 1 && y <= s.r.bottom + 1;
    })[0];
  }
  function placeLabels() {
    var placed = [panel.getBoundingClientRect()];
    var icons = symbols();
    labelLayer.eachLayer(function (m) {
      var e = m.getElement() && m.getElement().firstChild;
      if (!e) return;
      e.classList.remove("story-off", "story-left");
      var r = e.getBoundingClientRect();
      var own = ownSymbol(icons, r.left - LABEL_GAP_PX, r.top + r.height / 2);
      if (!fits(r, placed, icons, m.bemP, own)) {
        e.classList.add("story-left");  // the other side of its place
        r = e.getBoundingClientRect();
        if (!fits(r, placed, icons, m.bemP, own)) {
          e.classList.add("story-off");
          return;
        }
      }
      placed.push(r);
    });
  }
  map.on("zoomend moveend", placeLabels);
  if (document.fonts) document.fonts.ready.then(function () { fitCaption(); placeLabels(); });

  // --- chapters -------------------------------------------------------------------------------------------------
  function padding() {
    var r = panel.getBoundingClientRect();
    var side = r.height >= window.innerHeight * 0.9;  // a side panel (landscape), else a bottom one
    var gap = 32;
    return side
      ? { paddingTopLeft: [gap + 40, gap], paddingBottomRight: [window.innerWidth - r.left + gap, gap] }
      : { paddingTopLeft: [gap + 40, gap], paddingBottomRight: [gap, window.innerHeight - r.top + gap] };
  }
  body.addEventListener("scroll", function () {
    body.classList.toggle("story-more", body.scrollTop + body.clientHeight < body.scrollHeight - 1);
  });
  var MIN_CAPTION_PX = 18;  // a long caption shrinks to this, then scrolls
  function fitCaption() {
    caption.style.fontSize = "";
    var size = parseFloat(getComputedStyle(caption).fontSize);
    while (body.scrollHeight > body.clientHeight + 1 && size > MIN_CAPTION_PX) {
      size = Math.max(MIN_CAPTION_PX, size - 1);
      caption.style.fontSize = size + "px";
    }
    body.scrollTop = 0;
    body.classList.toggle("story-more", body.scrollHeight > body.clientHeight + 1);
  }
  // the address that keeps the chapter: the page's own, or the app's page around its frame (present mode)
  var host = window;
  try {
    if (window.parent !== window && window.parent.location.href) host = window.parent;
  } catch (e) {
    host = window;  // a frame of another origin: its own address
  }
  function writeHash(n) {
    try {
      host.history.replaceState(host.history.state, "", "#" + n);
    } catch (e) {
      /* an address that cannot change (a sandboxed frame): the chapter is kept in memory only */
    }
  }
  function go(i, first) {
    i = Math.max(0, Math.min(chapters.length - 1, i));
    if (i === current && !first) return;
    current = i;
    var ch = chapters[i];
    title.textContent = ch.title;
    caption.textContent = ch.caption;
    legendList.textContent = "";
    ch.legend.forEach(function (row) {
      var li = el("li");
      var img = el("img");
      img.src = row.svg;
      img.alt = "";
      li.appendChild(img);
      li.appendChild(el("span", "", row.label));
      legendList.appendChild(li);
    });
    legend.hidden = !ch.legend.length;
    progress.textContent = fmt(S.story_progress, { n: i + 1, total: chapters.length });
    dotButtons.forEach(function (b, j) {
      b.classList.toggle("on", j === i);
      if (j === i) b.setAttribute("aria-current", "step");
      else b.removeAttribute("aria-current");
    });
    prev.disabled = i === 0;
    next.disabled = i === chapters.length - 1;
    root.dataset.chapter = String(i + 1);
    fitCaption();
    showBasemap(ch.basemap);
    showLayers(ch.layers);
    showLabels(ch.labels);
    selection.clearLayers();
    if (ch.selected) {
      L.circleMarker(ch.selected, {
        radius: data.selection.radius, color: data.selection.color, weight: data.selection.weight, fill: false, interactive: false,
      }).addTo(selection);
    }
    var opts = padding();
    root.dataset.settled = "";  // the chapter the map has arrived at (after its flight), for whoever waits on it
    map.once("moveend", function () { root.dataset.settled = String(i + 1); });
    if (first || reduced) map.fitBounds(ch.bounds, Object.assign({ animate: false }, opts));
    else map.flyToBounds(ch.bounds, Object.assign({ duration: 1.6 }, opts));
    writeHash(i + 1);
  }
  function fromHash() {
    var n = parseInt((host.location.hash || "").replace("#", ""), 10);
    return n >= 1 && n <= chapters.length ? n - 1 : 0;
  }

  // --- leaving the app's present mode: the app's page follows a link to the chapter's view ----------------------
  function leave() {
    var url = data.exits[current];
    if (!url || window.parent === window) return;
    try {
      var doc = window.parent.document;  // the app's page (the frame shares its origin)
      var a = doc.createElement("a");
      a.href = url;
      a.target = "_self";
      doc.body.appendChild(a);
      a.click();
    } catch (e) {
      /* a frame of another origin: nothing to leave to */
    }
  }
  function fullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (root.requestFullscreen) root.requestFullscreen().catch(function () {});
  }

  var KEYS = {
    ArrowRight: 1, PageDown: 1, " ": 1, Spacebar: 1,
    ArrowLeft: -1, PageUp: -1, Backspace: -1,
  };
  var SCROLL = { ArrowDown: 1, ArrowUp: -1 };  // a caption too long for the panel: read on with ↓ ↑
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    var step = KEYS[e.key];
    if (step !== undefined) {
      if ((e.key === " " || e.key === "Spacebar") && e.shiftKey) step = -1;
      e.preventDefault();
      go(current + step);
    } else if (SCROLL[e.key]) {
      e.preventDefault();
      body.scrollBy({ top: SCROLL[e.key] * body.clientHeight * 0.8, behavior: reduced ? "auto" : "smooth" });
    } else if (e.key === "Home") {
      e.preventDefault();
      go(0);
    } else if (e.key === "End") {
      e.preventDefault();
      go(chapters.length - 1);
    } else if (e.key === "Escape") {
      leave();
    } else if (e.key === "f" || e.key === "F") {
      fullscreen();
    }
  });
  host.addEventListener("hashchange", function () { go(fromHash()); });
  window.addEventListener("resize", function () {
    fitCaption();
    map.invalidateSize();
    map.fitBounds(chapters[current].bounds, Object.assign({ animate: false }, padding()));
  });

  go(fromHash(), true);
  window.BEMStory = { go: go, map: map, current: function () { return current; } };
  // the keys work at once: in the app's frame too (a clicker's first press must turn the page)
  window.focus();
  root.focus({ preventScroll: true });
})();
