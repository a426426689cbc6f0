"""Text stays text: one escaping helper per sink, used wherever a user- or file-supplied string is shown.

- ``md``: Streamlit markdown (``st.markdown``, captions, alerts, button and widget labels): markdown,
  HTML and Streamlit's directives (``:red[…]``, ``$math$``, emoji shortcodes) are shown literally, so
  ``![x](http://…)`` never makes the browser fetch an image.
- ``html_text``: HTML bodies and Leaflet tooltips and popups.
- ``mpl``: matplotlib text (snapshots). Math text is off in every render (``text.parse_math``), so
  ``$`` is literal; control characters are dropped.
"""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$&=^])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def md(text: object) -> str:
    """``text`` for any Streamlit markdown sink: every markdown-significant character backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", _CONTROL.sub("", str(text))).replace("\n", "  \n")


def html_text(text: object) -> str:
    """``text`` for an HTML sink (quotes too)."""
    return html.escape(_CONTROL.sub("", str(text)), quote=True)


def mpl(text: object) -> str:
    """``text`` for a matplotlib Text (renders use ``text.parse_math = False``)."""
    return _CONTROL.sub("", str(text))
