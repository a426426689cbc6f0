"""Command line: ``python -m geo snapshot --out FILE [...]`` and ``python -m geo check``.

Bad arguments give one clear line on stderr and exit 2; a failed render exits 1;
never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from geo import basemaps, filters, formats, safe, style
from geo.errors import GeoError
from geo.mapspec import MapSpec
from geo.paths import write_atomically
from geo.views import VIEWS, parse_bbox

FURNITURE = {
    "legend": "legend",
    "scale": "scale_bar",
    "north": "north_arrow",
    "attribution": "attribution",
    "date": "date",
    "source": "source",
    "labels": "labels",
}
GROUP_KEYS = {g: tuple(s.key for s in style.LAYERS if s.group == g) for g in style.GROUPS}


def say(text: object, err: bool = False) -> None:
    """Print one line (stdout, or stderr with ``err``). Every line goes through ``safe.terminal``: names, paths
    and messages from files or arguments cannot send terminal sequences (ESC, OSC-8 links) or bidi overrides."""
    print(safe.terminal(text), file=sys.stderr if err else sys.stdout)


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


def split_values(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in (text or "").split(",") if v.strip()))


def parse_layers(text: str) -> tuple[str, ...]:
    keys: list[str] = []
    for item in (p.strip() for p in text.split(",") if p.strip()):
        if item in GROUP_KEYS:
            keys.extend(GROUP_KEYS[item])
        elif item in style.STYLES:
            keys.append(item)
        else:
            raise argparse.ArgumentTypeError(
                f"unknown layer {item!r}; use groups {', '.join(GROUP_KEYS)} or layers {', '.join(style.STYLES)}"
            )
    return tuple(dict.fromkeys(keys))


def bbox_arg(text: str):
    try:
        return parse_bbox(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> Parser:
    parser = Parser(prog="python -m geo", description="Beijing Exchange Map on the command line.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    snap = sub.add_parser(
        "snapshot",
        help="render a map snapshot or export data",
        description="Render a snapshot. The format comes from --out's extension: .png .svg .pdf "
        "(print-grade), .html (standalone interactive map), .geojson .gpkg .kml .csv "
        "(the shown data).",
    )
    snap.add_argument("--out", required=True, type=Path, help="output file; its extension picks the format")
    size = snap.add_mutually_exclusive_group()
    size.add_argument("--size", type=parse_size, help="pixel size WxH, e.g. 1920x1080 (default) or 3840x2160")
    size.add_argument(
        "--paper",
        choices=["a4-landscape", "a4-portrait", "a3-landscape", "a3-portrait"],
        help="paper size; pixels follow from --dpi",
    )
    snap.add_argument("--dpi", type=parse_dpi, default=None, help="dots per inch (default 150; 300 for print)")
    where = snap.add_mutually_exclusive_group()
    where.add_argument("--bbox", type=bbox_arg, help="minlon,minlat,maxlon,maxlat in WGS-84")
    where.add_argument("--view", choices=list(VIEWS), default="city", help="a named view (default: city)")
    snap.add_argument(
        "--layers",
        type=parse_layers,
        default=tuple(style.STYLES),
        help=f"comma-separated groups ({', '.join(GROUP_KEYS)}) or layers ({', '.join(style.STYLES)}); default: all",
    )
    snap.add_argument(
        "--basemap",
        choices=list(basemaps.BASEMAPS),
        default="offline",
        help="tiles fetched server-side and cached; 'offline' draws vector layers only (default)",
    )
    snap.add_argument("--lang", choices=["zh", "en", "both"], default="zh", help="language of labels and text")
    snap.add_argument("--title", help="title (default: the map's name; '' for none)")
    snap.add_argument("--subtitle", help="subtitle under the title")
    snap.add_argument("--hide", default="", help=f"comma-separated furniture to leave out: {', '.join(FURNITURE)}")
    filt = snap.add_argument_group("filters (the same as the app's; each takes comma-separated values)")
    filters.add_arguments(filt)  # one flag per filter, from its one definition (geo/filters.py)
    filt.add_argument("--select", metavar="ID", help="highlight this venue (and measure --within from it)")
    deck = sub.add_parser(
        "deck",
        help="a PowerPoint deck: one slide per view, with speaker notes",
        description="Write a .pptx deck: for each view a slide with its title, the map (legend on "
        "the image) and speaker notes carrying the plan's sentences for the places on it.",
    )
    deck.add_argument("--out", required=True, type=Path, help="the .pptx file to write")
    deck.add_argument("--views", default="city,core,central-axis", help=f"comma-separated views: {', '.join(VIEWS)}")
    atlas = sub.add_parser(
        "atlas",
        help="a multi-page PDF: one page per named view, or per venue",
        description="Write a PDF atlas: one page per named view (--per view) or per venue with its "
        "card facts (--per venue). Text stays selectable.",
    )
    atlas.add_argument("--out", required=True, type=Path, help="the .pdf file to write")
    atlas.add_argument("--per", choices=["view", "venue"], default="view", help="a page per view (default) or venue")
    for p in (deck, atlas):
        p.add_argument("--lang", choices=["zh", "en", "both"], default="zh", help="language of titles and labels")
        p.add_argument("--aspect", choices=["16:9", "4:3"], default="16:9", help="page shape (default 16:9)")
        p.add_argument("--basemap", choices=list(basemaps.BASEMAPS), default="offline", help="basemap (default offline)")
        p.add_argument("--title", help="the deck's or atlas's title")
    ws = sub.add_parser(
        "workspace",
        help="shared workspaces: create, add layers, show, export, restore",
        description="Workspaces keep layers and sketches on the server (SQLite under BEM_WORKSPACE_DIR, "
        "or PostgreSQL at BEM_DATABASE_URL). A wrong or view-only token is refused with "
        "exit 1; nothing changes.",
    )
    wsub = ws.add_subparsers(dest="ws_command", required=True, parser_class=Parser)
    w_new = wsub.add_parser("new", help="create a workspace; prints JSON with id, view_token, edit_token")
    w_new.add_argument("--name", required=True)
    w_add = wsub.add_parser("add-layer", help="import a file (validated like any import) as a new version")
    w_add.add_argument("id")
    w_add.add_argument("file", type=Path)
    w_add.add_argument("--token", required=True, help="the edit token")
    w_add.add_argument("--crs", choices=["wgs84", "gcj02", "bd09"], default="wgs84")
    w_show = wsub.add_parser("show", help="print JSON: layers (name, feature count) and versions (oldest first)")
    w_show.add_argument("id")
    w_show.add_argument("--token", required=True, help="the view (or edit) token")
    w_exp = wsub.add_parser("export", help="write the layers and sketches (.gpkg .geojson .kml .csv)")
    w_exp.add_argument("id")
    w_exp.add_argument("--token", required=True)
    w_exp.add_argument("--out", required=True, type=Path)
    w_res = wsub.add_parser("restore", help="make an old version the newest again (history stays whole)")
    w_res.add_argument("id")
    w_res.add_argument("version", type=int)
    w_res.add_argument("--token", required=True, help="the edit token")
    chk = sub.add_parser("check", help="validate the shipped data and print a summary")
    chk.add_argument("--ids", action="store_true", help="also list every feature id (for --of and --select)")
    val = sub.add_parser(
        "validate",
        help="check a file before importing it (exit 0 clean, 1 problems, 2 unreadable)",
        description="Validate GeoJSON, GeoPackage, KML, CSV or XLSX for import. Exit 0 when clean, "
        "1 when it has problems, 2 when it cannot be read.",
    )
    val.add_argument("file", type=Path, help="the file to check")
    val.add_argument(
        "--crs", choices=["wgs84", "gcj02", "bd09"], default="wgs84", help="the coordinate system the file is in (default wgs84)"
    )
    val.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the messages")
    return parser


def spec_from_args(args: argparse.Namespace, layers) -> MapSpec:
    """The map spec the arguments describe; unknown filter values are bad arguments (exit 2)."""
    from geo import mapspec

    hide = set(split_values(args.hide))
    if hide - set(FURNITURE):
        raise CliError(f"--hide: unknown item(s) {', '.join(sorted(hide - set(FURNITURE)))}; use {', '.join(FURNITURE)}")
    chosen = filters.from_args(args)
    ids = mapspec.reference_ids(layers)
    venue_ids = tuple(layers.venues["id"])
    if args.select and args.select not in venue_ids:
        raise CliError(f"--select: unknown venue {args.select!r}; use one of {', '.join(venue_ids)}")
    if chosen.within_km and args.filter_of is None and not args.select:
        raise CliError("--within needs --of ID (or --select ID) to measure from")
    if args.filter_of is not None and not chosen.within_km:
        raise CliError("--of needs --within KM")
    bad = filters.problems(chosen, {"districts": tuple(layers.districts["name_en"])}, ids=ids)
    if bad:
        raise CliError(bad[0])
    dpi = args.dpi or 150
    if args.paper:
        width, height = paper_px(args.paper, dpi)
    else:
        width, height = args.size or (1920, 1080)
    return mapspec.MapSpec(
        bbox=args.bbox or VIEWS[args.view].bbox,
        view="" if args.bbox else args.view,
        lang="en" if args.lang == "en" else "zh",
        label_lang=args.lang,
        basemap=args.basemap,
        layers=args.layers,
        filters=chosen,
        selection=args.select,
        title=args.title,
        subtitle=args.subtitle,
        furniture=mapspec.Furniture(**{FURNITURE[k]: k not in hide for k in FURNITURE}),
        page=mapspec.Page(width, height, dpi),
        token=basemaps.tianditu_key(),
    )


def paper_px(paper: str, dpi: int) -> tuple[int, int]:
    from geo.presets import paper_size

    return paper_size(paper, dpi)


def run_snapshot(args: argparse.Namespace) -> int:
    from geo.data import load_layers
    from geo.mapspec import SpecError

    try:
        fmt = formats.by_extension(args.out.name).key
    except formats.FormatError as exc:
        raise CliError(str(exc)) from None
    if not args.out.parent.exists():
        raise CliError(f"folder {args.out.parent} does not exist")
    layers = load_layers()
    spec = spec_from_args(args, layers)
    try:
        spec.validated()
    except SpecError as exc:  # an impossible request is a bad argument
        raise CliError(str(exc)) from None
    try:
        result = formats.export(layers, spec, fmt)
    except formats.MissingPart as exc:
        say(f"error: {exc.message(spec.lang)}", err=True)
        return 1
    for note in result.notes:
        say(f"note: {note}", err=True)
    write_atomically(args.out, result.data)
    say(f"wrote {args.out} ({len(result.data) / 1024:.0f} KB): {result.description}")
    return 0


def run_deck_or_atlas(args: argparse.Namespace) -> int:
    from geo import deck
    from geo.data import load_layers

    suffix = ".pptx" if args.command == "deck" else ".pdf"
    if args.out.suffix.lower() != suffix:
        raise CliError(f"--out must end in {suffix}, not {args.out.name!r}")
    if not args.out.parent.exists():
        raise CliError(f"folder {args.out.parent} does not exist")
    base = MapSpec(
        lang="en" if args.lang == "en" else "zh",
        label_lang=args.lang,
        basemap=args.basemap,
        title=args.title,
        token=basemaps.tianditu_key(),
    )
    layers = load_layers()

    def progress(fraction: float, what: str) -> None:
        say(f"  {fraction:4.0%} {what}", err=True)

    if args.command == "deck":
        views = split_values(args.views)
        unknown = [v for v in views if v not in VIEWS]
        if unknown or not views:
            raise CliError(f"--views: unknown view(s) {', '.join(unknown) or '(none)'}; use {', '.join(VIEWS)}")
        data = deck.build_deck(layers, base, views, args.aspect, progress)
    else:
        data = deck.build_atlas(layers, base, args.per, args.aspect, progress)
    write_atomically(args.out, data)
    say(f"wrote {args.out} ({len(data) / 1024:.0f} KB)")
    return 0


def run_workspace(args: argparse.Namespace) -> int:
    import json

    from geo import workspace

    store = workspace.Store()
    cmd = args.ws_command
    if cmd == "new":
        say(json.dumps(store.create(args.name)))
        return 0
    if cmd == "add-layer":
        from geo import imports
        from geo.data import load_layers

        store.authorize(args.id, args.token, edit=True)  # refused before any work
        layers = load_layers()
        try:
            data = imports.read_path(args.file)
            result = imports.read_bounded(
                args.file.name, data, crs=args.crs, known=layers.venues, boundary=layers.boundary.union_all()
            )
        except imports.ImportFailed as exc:
            raise CliError(f"{args.file.name}: {exc}") from None
        if result.gdf.empty:
            raise CliError(f"{args.file.name}: no feature could be read ({result.summary('en')})")
        layer = workspace.layer_from_import(result)  # added to the newest version: other editors' adds commute
        version = store.append(args.id, args.token, {"layers": [layer]}, f"added layer {result.name}")
        say(json.dumps({"id": args.id, "version": version, "layer": result.name, "features": len(result.gdf)}))
        return 0
    if cmd == "show":
        ws = store.load(args.id, args.token)
        say(
            json.dumps(
                {
                    "id": ws.id,
                    "name": ws.name,
                    "version": ws.version,
                    "layers": [
                        {"name": layer["name"], "features": workspace.feature_count(layer)} for layer in ws.content["layers"]
                    ],
                    "sketches": len(ws.content.get("sketches", [])),
                    "versions": store.history(args.id, args.token),
                },
                ensure_ascii=False,
            )
        )
        return 0
    if cmd == "export":
        fmt = {".gpkg": "gpkg", ".geojson": "geojson", ".json": "geojson", ".kml": "kml", ".csv": "csv"}.get(
            args.out.suffix.lower()
        )
        if fmt is None:
            raise CliError(f"--out must end in .gpkg, .geojson, .kml or .csv, not {args.out.name!r}")
        if not args.out.parent.exists():
            raise CliError(f"folder {args.out.parent} does not exist")
        data = workspace.export_bytes(store.load(args.id, args.token), fmt)
        write_atomically(args.out, data)
        say(f"wrote {args.out} ({len(data) / 1024:.0f} KB)")
        return 0
    version = store.restore(args.id, args.token, args.version)
    say(json.dumps({"id": args.id, "version": version, "restored": args.version}))
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from geo import imports
    from geo.data import load_layers

    layers = load_layers()
    try:
        data = imports.read_path(args.file)  # a regular file of at most the limit, checked before reading
        result = imports.read_bounded(
            args.file.name, data, crs=args.crs, known=layers.venues, boundary=layers.boundary.union_all()
        )
    except OSError as exc:
        say(f"error: {args.file}: {exc.strerror or exc}", err=True)
        return 2
    except imports.ImportFailed as exc:
        say(f"{args.file.name}: {imports.message(exc.code, args.lang, **exc.kw)}", err=True)
        return 2
    for problem in result.problems:
        label = ("错误" if problem.severity == "error" else "提示") if args.lang == "zh" else problem.severity
        say(f"{label}: {problem.text(args.lang)}")
    say(result.summary(args.lang))
    return 1 if result.problems else 0


def run_check(args: argparse.Namespace) -> int:
    from geo.data import check_layers

    layers, errors = check_layers()  # every mistake in data/, each naming its file, row or feature and field
    for error in errors:
        say(f"error: {error}", err=True)
    if errors:
        say(f"{len(errors)} mistake(s) in the data", err=True)
        return 1
    for key in ("core", "axes", "areas", "venues", "districts", "boundary"):
        say(f"{key:10s} {len(getattr(layers, key)):3d} features")
        if args.ids and key in ("core", "axes", "areas", "venues"):
            for fid, zh, en in zip(layers.get(key)["id"], layers.get(key)["name_zh"], layers.get(key)["name_en"]):
                say(f"    {fid:28s} {zh} · {en}")
    say("data OK")
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
        try:
            basemaps.mirror_url()  # a bad BEM_TILE_MIRROR is refused at start, in one line
        except basemaps.MirrorError as exc:
            raise CliError(str(exc)) from None
        if args.command == "validate":
            return run_validate(args)
        if args.command in ("deck", "atlas"):
            return run_deck_or_atlas(args)
        if args.command == "workspace":
            return run_workspace(args)
        return run_snapshot(args) if args.command == "snapshot" else run_check(args)
    except CliError as exc:
        say(f"error: {exc}", err=True)
        return 2
    except GeoError as exc:
        say(f"error: {exc}", err=True)
        return 1
    except OSError as exc:
        say(f"error: {exc.strerror or exc}: {getattr(exc, 'filename', '') or ''}".rstrip(": "), err=True)
        return 1
    except Exception as exc:  # never a traceback in front of a user
        say(f"internal error: {type(exc).__name__}: {exc}", err=True)
        return 3


if __name__ == "__main__":
    raise SystemExit(main())
