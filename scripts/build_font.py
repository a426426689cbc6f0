"""Build the CJK font that ships with the package, so Chinese renders in snapshots on any machine.

Subsets Noto Sans CJK SC (SIL Open Font License 1.1) to GB 2312 (6,763 hanzi), ASCII,
Latin-1, general and CJK punctuation, full-width forms, and every character used in our
data and UI strings; renames the family to "BEM Sans SC" so it never shadows a full
Noto Sans CJK installed on the machine (which the snapshot prefers when present).

Source: Debian's fonts-noto-cjk (NotoSansCJK-Regular.ttc, face "Noto Sans CJK SC").
The CFF outlines are converted to TrueType, which PDF embedding expects.

The same font goes to the browser as WOFF (zlib-compressed, the same glyphs) in ``static/``, which the
app serves at ``app/static/`` (``server.enableStaticServing``): the Streamlit page (``[[theme.fontFaces]]`` in
.streamlit/config.toml) and the map (bem-map-head.css) use it, so a client without a CJK font shows no boxes.
``--web-only`` writes just that file from the shipped TrueType font (no Noto source needed).

Run:  python scripts/build_font.py [--source PATH] [--out geo/resources/fonts/BEMSansSC-Regular.ttf]
                                   [--web-out static/BEMSansSC-Regular.woff] [--web-only]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, newTable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FAMILY = "BEM Sans SC"
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEFAULT_OUT = ROOT / "geo" / "resources" / "fonts" / "BEMSansSC-Regular.ttf"
DEFAULT_WEB_OUT = ROOT / "static" / "BEMSansSC-Regular.woff"


def cff_to_truetype(font) -> None:
    """Convert cubic CFF outlines to quadratic TrueType ("glyf") in place.

    PDF viewers expect TrueType outlines in an embedded FontFile2; matplotlib embeds
    every font that way, so a CFF font gives "font type mismatch" warnings or worse.
    (After fontTools' Snippets/otf2ttf.py.)
    """
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    for table in ("VORG",):
        if table in font:
            del font[table]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        width = hmtx[name][0]
        hmtx[name] = (width, getattr(glyph, "xMin", 0) if glyph.numberOfContours else 0)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: keeps the file small
    font.sfntVersion = "\000\001\000\000"


def gb2312_chars() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def project_chars() -> set[str]:
    """Every character in the shipped data and the UI strings."""
    from geo import i18n, style, views

    text = []
    for path in sorted((ROOT / "data").glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            text.extend(str(v) for v in feature["properties"].values())
    text.append((ROOT / "data" / "venues.csv").read_text(encoding="utf-8-sig"))  # the curated table
    text.extend(json.dumps(i18n._STRINGS, ensure_ascii=False) + json.dumps(i18n._TERMS, ensure_ascii=False))
    text.extend(s.label_zh for s in style.LAYERS)
    text.extend(v.name_zh for v in views.VIEWS.values())
    return set("".join(text))


def write_web_font(ttf: Path, out: Path) -> None:
    """The TrueType font ``ttf`` as WOFF in ``out``: the same tables, zlib-compressed (reproducible bytes)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(ttf), recalcTimestamp=False)
    font.flavor = "woff"
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out))
    print(f"{out}: WOFF, {out.stat().st_size / 1e6:.1f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--web-out", type=Path, default=DEFAULT_WEB_OUT)
    parser.add_argument("--web-only", action="store_true", help="only write the WOFF from the shipped font")
    args = parser.parse_args(argv)
    if not args.web_only:
        build(args.source, args.out)
    write_web_font(args.out, args.web_out)
    return 0


def build(source: Path, out: Path) -> None:
    """Subset, rename and convert the source font; write the TrueType font to ``out``."""
    collection = TTCollection(str(source))
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    ranges = [
        range(0x20, 0x7F),
        range(0xA0, 0x100),
        range(0x2000, 0x2070),
        range(0x2190, 0x2200),
        range(0x3000, 0x3040),
        range(0xFF00, 0xFFF0),
        range(0x2460, 0x24A0),
    ]
    codepoints = {cp for r in ranges for cp in r} | {ord(c) for c in gb2312_chars() | project_chars()}
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.layout_features = ["*"]
    options.drop_tables += ["DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            names.removeNames(nameID=record.nameID)
    for platform, enc, lang in ((3, 1, 0x409), (1, 0, 0)):
        names.setName(FAMILY, 1, platform, enc, lang)
        names.setName("Regular", 2, platform, enc, lang)
        names.setName(f"{FAMILY} Regular; subset of Noto Sans CJK SC", 3, platform, enc, lang)
        names.setName(f"{FAMILY} Regular", 4, platform, enc, lang)
        names.setName("BEMSansSC-Regular", 6, platform, enc, lang)
    cff_to_truetype(font)
    font.recalcTimestamp = False  # reproducible bytes: keep the source font's timestamps
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out))
    print(f"{out}: {len(codepoints)} code points, {out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    raise SystemExit(main())
