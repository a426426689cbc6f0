/* The page's address policies, run in the page itself (st.html with JavaScript; ui/address.py is the glue).

   BEM_address({referrer: true}): no address leaves the page in a Referer header beyond its origin.
   BEM_address({query: "ws=...&wt=..."}): the history entry the page opened with (a link that carried a token)
   is rewritten in place to that query, the one the server writes next. Streamlit writes the address with
   history.pushState, which would keep the link's entry, edit token included, one Back away: the server
   holds its own write back until this has run, and then finds the address already written (no new entry). */
window.BEM_address = function (cfg) {
  "use strict";
  if (cfg.referrer && !document.querySelector("meta[name=referrer]")) {
    var meta = document.createElement("meta");
    meta.name = "referrer";
    meta.content = "strict-origin";
    document.head.appendChild(meta);
  }
  if (typeof cfg.query === "string") {
    var url = new URL(window.location.href);
    url.search = cfg.query;
    window.history.replaceState(window.history.state, "", url.toString());
  }
};
