"""CJK fonts for rendered images: a full Noto Sans CJK when installed, else the shipped subset; and the web font
the browser and the standalone export get. matplotlib is imported only where a rendered image needs it: the
data and HTML exports use this module without the snapshot renderer installed."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from geo.paths import RESOURCES_DIR

SHIPPED_FONT = RESOURCES_DIR / "fonts" / "BEMSansSC-Regular.ttf"
SHIPPED_FAMILY = "BEM Sans SC"
PREFERRED = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei")


@lru_cache(maxsize=1)
def font_families() -> tuple[str, ...]:
    """Font families for matplotlib, in per-glyph fallback order.

    The shipped subset first (TrueType outlines: PDF viewers accept it; it covers GB 2312
    and every character of our data), then a full system CJK font for rare characters
    when one is installed, then DejaVu Sans.
    """
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(SHIPPED_FONT))
    installed = {f.name for f in font_manager.fontManager.ttflist}
    system = [name for name in PREFERRED if name in installed]
    return (SHIPPED_FAMILY, *system[:1], "DejaVu Sans")


def font_file_for(char: str) -> Path:
    """The font file matplotlib would draw ``char`` with (first family that has the glyph)."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    for family in font_families():
        path = Path(font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False))
        if ord(char) in FT2Font(str(path)).get_charmap():
            return path
    raise LookupError(f"no font has a glyph for {char!r}")


# --- the same font in the browser --------------------------------------------------------------------------

#: the shipped font as WOFF, served by the app at app/static/ (scripts/build_font.py writes it from SHIPPED_FONT)
WEB_FONT_NAME = "BEMSansSC-Regular.woff"
#: its URL from the map's frame (component/<name>/index.html), as bem-map-head.css names it
MAP_FONT_URL = f"../../app/static/{WEB_FONT_NAME}"


def page_chars(page: str) -> set[str]:
    """Every character a page can show: its text, its JSON ``\\uXXXX`` escapes (folium writes non-ASCII data
    that way) and its numeric character references, plus printable ASCII."""
    import html
    import json
    import re

    chars = set(page) | {chr(c) for c in range(0x20, 0x7F)}
    for esc in re.findall(r"(?:\\u[0-9a-fA-F]{4})+", page):
        chars |= set(json.loads(f'"{esc}"', strict=False))
    for ref in re.findall(r"&#(?:x[0-9a-fA-F]+|[0-9]+);", page):
        chars |= set(html.unescape(ref))
    return {c for c in chars if not 0xD800 <= ord(c) <= 0xDFFF}


def web_subset(chars: set[str]) -> bytes:
    """The shipped font cut down to ``chars`` (those it has), as WOFF bytes."""
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(SHIPPED_FONT), recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in chars})
    subsetter.subset(font)
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def embed_web_font(page: str) -> str:
    """``page`` (a standalone export) with the served font's URL replaced by a data URI of the subset it needs.

    The file then shows Chinese on a machine without a CJK font, with no server and no network."""
    import base64

    target = f'url("{MAP_FONT_URL}")'
    if target not in page:
        return page
    data = base64.b64encode(web_subset(page_chars(page))).decode("ascii")
    return page.replace(target, f'url("data:font/woff;base64,{data}")')
