// The bench's clock inside the page (python -m geo.bench, geo/bench_warm.py): added to a context as an init script,
// it records on the top page's navigation clock (ms) when the map's vector paths were first painted (the first
// animation frame after window.__bemPaintPaths paths were in the overlay pane), in the page itself (the static
// export) or in the map's same-origin iframe (streamlit-folium).
// Automation sees the paths later than a person does whenever the page's main thread is busy just after the
// map is drawn: this is the moment on the screen, read back once the test has seen the map.
(() => {
  if (window !== window.top) return;
  const clock = (window.__bemPaint = {});
  const mark = (name, win) => { if (!(name in clock)) clock[name] = win.performance.timeOrigin + win.performance.now() - performance.timeOrigin; };
  const watch = (win, doc) => {
    const enough = () => doc.querySelectorAll('.leaflet-overlay-pane path').length >= (window.__bemPaintPaths || 1);
    const seen = () => {
      if ('drawn' in clock || !enough()) return;
      mark('drawn', win);
      win.requestAnimationFrame(() => win.setTimeout(() => mark('painted', win)));  // after the frame is painted
    };
    new MutationObserver(seen).observe(doc, { subtree: true, childList: true });
    seen();
  };
  const frames = new WeakSet();
  new MutationObserver(() => {
    const iframe = document.querySelector('iframe[src*="streamlit_folium"]');
    if (!iframe || frames.has(iframe)) return;
    frames.add(iframe);
    const hook = () => iframe.contentDocument && watch(iframe.contentWindow, iframe.contentDocument);
    iframe.addEventListener('load', hook);
    hook();
  }).observe(document, { subtree: true, childList: true });
  watch(window, document);
})();
