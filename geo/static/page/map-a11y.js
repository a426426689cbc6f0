/* The map for the keyboard and for screen readers (geo.mapelements.Accessible calls BEM.a11y with the
 * catalogue's words, geo/a11y_messages.py, in the page's language).
 *
 * - Every focusable thing in the map has a name in the page's language: a place's symbol is named by its
 *   tooltip (the place's name, escaped by the server), an area or a line too; Leaflet's and the plugins'
 *   English names ("Close popup", the Leaflet link's title, the hidden layer control's "Layers") are replaced;
 *   a control named only by its title (the measuring tool, the overview's switch) gets it as its aria-label.
 * - Tab goes from the map to its places and controls and on out of the map: a label (a marker that is not
 *   interactive, 0x0 and mostly hidden) is no tab stop, nor is an area or a line (Chromium makes an SVG path
 *   with focus listeners, as Leaflet adds for tooltips, a tab stop: hundreds of unnamed stops otherwise).
 * - The map's container is a named region whose name says how the keyboard moves it (after the view and the
 *   places it shows, in an exported map).
 * Leaflet and the plugins stay as published: names are set on their elements as they appear (a layer added to
 * the map, a popup opened, anything new in the map's container).
 */
(function () {
  "use strict";
  var BEM = (window.BEM = window.BEM || {});

  function decode(text) {  // the tooltip's escaped text as plain text (a textarea never runs markup)
    var t = document.createElement("textarea");
    t.innerHTML = text;
    return t.value.replace(/\s+/g, " ").trim();
  }

  function tipText(layer) {
    var tip = layer.getTooltip && layer.getTooltip();
    var content = tip && tip.getContent();
    return typeof content === "string" ? decode(content) : "";
  }

  function nameLayer(layer, words) {
    var el = layer.getElement && layer.getElement();
    if (!el || !el.setAttribute) return;
    if (layer instanceof L.Marker) {
      if (layer.options.interactive === false) {  // a label or the ring's distance: text to read, no stop
        el.removeAttribute("tabindex");
        el.removeAttribute("role");
        return;
      }
      el.setAttribute("aria-label", tipText(layer) || layer.options.title || words.place);
      return;
    }
    if (el.tagName && el.tagName.toLowerCase() === "path") {
      var name = tipText(layer);
      if (name) { el.setAttribute("aria-label", name); }
      el.setAttribute("tabindex", "-1");
    }
  }

  function nameLayers(layer, words) {
    if (layer.eachLayer) { layer.eachLayer(function (child) { nameLayers(child, words); }); }
    nameLayer(layer, words);
  }

  // [selector, the name] for the elements Leaflet and the plugins name in English
  function fixed(words) {
    return [
      [".leaflet-popup-close-button", words.closePopup],
      [".leaflet-control-layers-toggle", words.layers],
      [".leaflet-control-minimap", words.minimap],
      [".leaflet-control-attribution a[href*='leafletjs']", words.leaflet]
    ];
  }

  function nameControls(container, words) {
    fixed(words).forEach(function (pair) {
      container.querySelectorAll(pair[0]).forEach(function (el) {
        if (el.getAttribute("aria-label") !== pair[1]) { el.setAttribute("aria-label", pair[1]); }
        if (el.title && el.title !== pair[1]) { el.title = pair[1]; }
      });
    });
    // a control named only by its title (an icon inside): the title is its name
    container.querySelectorAll(".leaflet-control a[title], .leaflet-control button[title]").forEach(function (el) {
      if (!el.getAttribute("aria-label") && !el.textContent.trim()) { el.setAttribute("aria-label", el.title); }
    });
  }

  BEM.a11y = function (map, words) {
    var container = map.getContainer();
    container.setAttribute("role", "region");
    var own = container.getAttribute("aria-label");  // an export's: its view and places (geo.io)
    container.setAttribute("aria-label", own ? own + " " + words.keys : words.map);
    document.title = words.frame;  // the frame's own title is the component's name, in English
    try { if (window.frameElement) { window.frameElement.title = words.frame; } } catch (e) { /* another origin */ }
    map.on("layeradd", function (e) { nameLayers(e.layer, words); });
    map.eachLayer(function (layer) { nameLayers(layer, words); });
    map.on("popupopen", function () { nameControls(container, words); });
    var pending = false;
    new MutationObserver(function () {  // controls made later (the layer control, the measuring tool, a notice)
      if (pending) return;
      pending = true;
      setTimeout(function () { pending = false; nameControls(container, words); }, 0);
    }).observe(container, {childList: true, subtree: true});
    nameControls(container, words);
  };
})();
