"""Command line: ``python -m geo snapshot --out FILE [...]`` and ``python -m geo check``.

Bad arguments give one clear line on stderr and exit 2; a failed render exits 1;
never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from pathlib import Path

from geo import basemaps, style
from geo.errors import GeoError
from geo.views import VIEWS, parse_bbox

FURNITURE = ("legend", "scale", "north", "attribution", "date", "source", "labels")
GROUP_KEYS = {g: tuple(s.key for s in style.LAYERS if s.group == g) for g in style.GROUPS}
EXTENSIONS = {".png": "png", ".svg": "svg", ".pdf": "pdf", ".html": "html", ".htm": "html",
              ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".kml": "kml", ".csv": "csv"}


class CliError(Exception):
    """A bad argument: one line, exit 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage dump
        raise CliError(message)


def parse_size(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"size must look like 1920x1080, not {text!r}")
    width, height = int(m.group(1)), int(m.group(2))
    if not (200 <= width <= 16000 and 200 <= height <= 16000):
        raise argparse.ArgumentTypeError(f"size {width}x{height} is out of range: each side 200-16000 px")
    return width, height


def parse_dpi(text: str) -> int:
    try:
        dpi = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"dpi must be a whole number, not {text!r}") from None
    if not 50 <= dpi <= 1200:
        raise argparse.ArgumentTypeError(f"dpi {dpi} is out of range 50-1200 (150 for screens, 300 for print)")
    return dpi


def parse_layers(text: str) -> tuple[str, ...]:
    keys: list[str] = []
    for item in (p.strip() for p in text.split(",") if p.strip()):
        if item in GROUP_KEYS:
            keys.extend(GROUP_KEYS[item])
        elif item in style.STYLES:
            keys.append(item)
        else:
            raise argparse.ArgumentTypeError(
                f"unknown layer {item!r}; use groups {', '.join(GROUP_KEYS)} or layers {', '.join(style.STYLES)}")
    return tuple(dict.fromkeys(keys))


def bbox_arg(text: str):
    try:
        return parse_bbox(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> Parser:
    parser = Parser(prog="python -m geo", description="Beijing Exchange Map on the command line.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    snap = sub.add_parser("snapshot", help="render a map snapshot or export data",
                          description="Render a snapshot. The format comes from --out's extension: .png .svg .pdf "
                                      "(print-grade), .html (standalone interactive map), .geojson .gpkg .kml .csv "
                                      "(the shown data).")
    snap.add_argument("--out", required=True, type=Path, help="output file; its extension picks the format")
    size = snap.add_mutually_exclusive_group()
    size.add_argument("--size", type=parse_size, help="pixel size WxH, e.g. 1920x1080 (default) or 3840x2160")
    size.add_argument("--paper", choices=["a4-landscape", "a4-portrait", "a3-landscape", "a3-portrait"],
                      help="paper size; pixels follow from --dpi")
    snap.add_argument("--dpi", type=parse_dpi, default=None, help="dots per inch (default 150; 300 for print)")
    where = snap.add_mutually_exclusive_group()
    where.add_argument("--bbox", type=bbox_arg, help="minlon,minlat,maxlon,maxlat in WGS-84")
    where.add_argument("--view", choices=list(VIEWS), default="city", help="a named view (default: city)")
    snap.add_argument("--layers", type=parse_layers, default=tuple(style.STYLES),
                      help=f"comma-separated groups ({', '.join(GROUP_KEYS)}) or layers ({', '.join(style.STYLES)});"
                           " default: all")
    snap.add_argument("--basemap", choices=list(basemaps.BASEMAPS), default="offline",
                      help="tiles fetched server-side and cached; 'offline' draws vector layers only (default)")
    snap.add_argument("--lang", choices=["zh", "en", "both"], default="zh", help="language of labels and text")
    snap.add_argument("--title", help="title (default: the map's name; '' for none)")
    snap.add_argument("--subtitle", help="subtitle under the title")
    snap.add_argument("--hide", default="", help=f"comma-separated furniture to leave out: {', '.join(FURNITURE)}")
    sub.add_parser("check", help="validate the shipped data and print a summary")
    val = sub.add_parser("validate", help="check a file before importing it (exit 0 clean, 1 problems, 2 unreadable)",
                         description="Validate GeoJSON, GeoPackage, KML, CSV or XLSX for import. Exit 0 when clean, "
                                     "1 when it has problems, 2 when it cannot be read.")
    val.add_argument("file", type=Path, help="the file to check")
    val.add_argument("--crs", choices=["wgs84", "gcj02", "bd09"], default="wgs84",
                     help="the coordinate system the file is in (default wgs84)")
    val.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the messages")
    return parser


def run_snapshot(args: argparse.Namespace) -> int:
    from geo import io as gio
    from geo import snapshot
    from geo.data import load_layers

    fmt = EXTENSIONS.get(args.out.suffix.lower())
    if fmt is None:
        raise CliError(f"cannot tell the format from {args.out.name!r}; use one of {', '.join(EXTENSIONS)}")
    hide = {h.strip() for h in args.hide.split(",") if h.strip()}
    if hide - set(FURNITURE):
        raise CliError(f"--hide: unknown item(s) {', '.join(sorted(hide - set(FURNITURE)))}; use {', '.join(FURNITURE)}")
    if not args.out.parent.exists():
        raise CliError(f"folder {args.out.parent} does not exist")
    dpi = args.dpi or 150
    if args.paper:
        width, height = snapshot.paper_size(args.paper, dpi)
    else:
        width, height = args.size or (1920, 1080)
    bbox = args.bbox or VIEWS[args.view].bbox
    layers = load_layers()
    token = basemaps.tianditu_key()
    if fmt in ("geojson", "gpkg", "kml", "csv"):
        data = gio.export_data(layers, args.layers, fmt, bbox=bbox, lang="en" if args.lang == "en" else "zh")
    elif fmt == "html":
        hidden = tuple(k for k in style.STYLES if k not in args.layers)
        data = gio.export_html(layers, "en" if args.lang == "en" else "zh", args.basemap, hidden, bbox,
                               token).encode("utf-8")
    else:
        furniture = snapshot.Furniture(legend="legend" not in hide, scale_bar="scale" not in hide,
                                       north_arrow="north" not in hide, attribution="attribution" not in hide,
                                       date="date" not in hide, source="source" not in hide,
                                       labels="labels" not in hide)
        spec = replace(snapshot.SnapshotSpec(), bbox=bbox, width_px=width, height_px=height, dpi=dpi,
                       layers=args.layers, basemap=args.basemap, lang=args.lang, title=args.title,
                       subtitle=args.subtitle, furniture=furniture, token=token)
        try:
            spec.validated()
        except snapshot.SnapshotError as exc:  # an impossible request is a bad argument
            raise CliError(str(exc)) from None
        result = snapshot.render(layers, spec, fmt)
        data = result.data
        for note in result.notes:
            print(f"note: {note}", file=sys.stderr)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data) / 1024:.0f} KB)")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from geo import imports
    from geo.data import load_layers

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"error: {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    layers = load_layers()
    try:
        result = imports.read_file(args.file.name, data, crs=args.crs, known=layers.venues,
                                   boundary=layers.boundary.union_all())
    except imports.ImportFailed as exc:
        print(f"{args.file.name}: {imports.message(exc.code, args.lang, **exc.kw)}", file=sys.stderr)
        return 2
    for problem in result.problems:
        label = ("错误" if problem.severity == "error" else "提示") if args.lang == "zh" else problem.severity
        print(f"{label}: {problem.text(args.lang)}")
    print(result.summary(args.lang))
    return 1 if result.problems else 0


def run_check() -> int:
    from geo.data import load_layers

    layers = load_layers()
    for key in ("core", "axes", "areas", "venues", "districts", "boundary"):
        print(f"{key:10s} {len(getattr(layers, key)):3d} features")
    print("data OK")
    return 0


VALUE_OPTIONS = ("--bbox", "--size", "--dpi", "--within", "--year")


def join_negative_values(argv: list[str]) -> list[str]:
    """``--bbox -1,2,3,4``: argparse takes a value starting with '-' for an option; join it as ``--bbox=-1,...``."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        if argv[i] in VALUE_OPTIONS and i + 1 < len(argv) and re.match(r"-\.?\d", argv[i + 1]):
            out.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(join_negative_values(list(sys.argv[1:] if argv is None else argv)))
        if args.command == "validate":
            return run_validate(args)
        return run_snapshot(args) if args.command == "snapshot" else run_check()
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except GeoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {getattr(exc, 'filename', '') or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except Exception as exc:  # never a traceback in front of a user
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    raise SystemExit(main())
