"""Text stays text: one escaping helper per sink, used wherever a user- or file-supplied string is shown.

Every sink first loses the *hidden* characters (``HIDDEN``): C0 controls but tab and newline, DEL, C1
controls, lone surrogates, the line and paragraph separators, and every Unicode format character (category
Cf: bidi overrides, embeddings, isolates and marks, zero-width spaces and joiners, the soft hyphen, the
byte-order mark, tag characters...). They are invisible, so they can only mislead: ``report\\u202egnp.exe``
displays as "reportexe.png"; an ESC starts a terminal command; U+FEFF crashes matplotlib's PDF writer.

- ``md``: Streamlit markdown (``st.markdown``, captions, alerts, button and widget labels): markdown,
  HTML and Streamlit's directives (``:red[…]``, ``$math$``, emoji shortcodes) are shown literally, so
  ``![x](http://…)`` never makes the browser fetch an image, and bare URLs, ``www.`` names and e-mail
  addresses are not turned into links (a word joiner, U+2060, goes after ``:`` in ``://``, before the
  ``.`` of ``www.`` and after ``@``: GitHub-flavoured autolinking runs on the parsed text, past escapes).
- ``html_text``: HTML bodies and Leaflet tooltips and popups.
- ``plain``: text drawn or written into a document: matplotlib text (snapshots: ``mpl`` is the same
  helper; math text is off in every render, ``text.parse_math``, so ``$`` is literal) and python-pptx
  text (decks).
- ``terminal``: command-line output. Hidden characters (newlines too) are *shown*, as JSON-style
  ``\\u001b`` escapes, so a file cannot write terminal sequences and ``validate`` shows what is there.
  JSON printed through it stays valid JSON.
- ``file_part``: a piece of a download's file name: ASCII letters, digits and ``-`` only.
"""

from __future__ import annotations

import html
import re

#: the hidden characters (a test checks this covers every Cc, Cf, Cs, Zl and Zp code point)
HIDDEN = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f"
)
_HIDDEN = re.compile(f"[{HIDDEN}]")
_TERMINAL = re.compile(f"[\n{HIDDEN}]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$&=^])")
_WORD_JOINER = "\u2060"
#: what GitHub-flavoured markdown (Streamlit's remark-gfm) autolinks: ``scheme://``, ``www.``, ``name@host``
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?i:(?<=www))(?=\.)|(?<=@)")


def plain(text: object) -> str:
    """``text`` without its hidden characters: for matplotlib, python-pptx and any other drawn text."""
    return _HIDDEN.sub("", str(text))


#: matplotlib text (renders use ``text.parse_math = False``)
mpl = plain


def md(text: object) -> str:
    """``text`` for any Streamlit markdown sink: every markdown-significant character backslash-escaped,
    nothing autolinked."""
    text = _AUTOLINK.sub(_WORD_JOINER, plain(text))
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def html_text(text: object) -> str:
    """``text`` for an HTML sink (quotes too)."""
    return html.escape(plain(text), quote=True)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # a surrogate pair, as JSON writes it
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def terminal(text: object) -> str:
    """``text`` for a terminal: every hidden character and newline shown as a ``\\uXXXX`` escape."""
    return _TERMINAL.sub(_escape, str(text))


def file_part(text: object) -> str:
    """``text`` as a piece of a file name: runs of anything but ASCII letters, digits and ``-`` become ``-``."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", str(text)).strip("-") or "x"
