"""CJK fonts for rendered images: a full Noto Sans CJK when installed, else the shipped subset."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager

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
    font_manager.fontManager.addfont(str(SHIPPED_FONT))
    installed = {f.name for f in font_manager.fontManager.ttflist}
    system = [name for name in PREFERRED if name in installed]
    return (SHIPPED_FAMILY, *system[:1], "DejaVu Sans")


def font_file_for(char: str) -> Path:
    """The font file matplotlib would draw ``char`` with (first family that has the glyph)."""
    from matplotlib.ft2font import FT2Font

    for family in font_families():
        path = Path(font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False))
        if ord(char) in FT2Font(str(path)).get_charmap():
            return path
    raise LookupError(f"no font has a glyph for {char!r}")
