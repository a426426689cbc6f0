"""The command line: a bad argument is one line on stderr and exit 2, a failed run exits 1, never a traceback."""

from __future__ import annotations

import argparse
import errno
import functools
import re
import sys
from pathlib import Path

from geo import basemaps, cli_projects, cli_story, filters, formats, i18n, safe, style
from geo.errors import GeoError, message_of
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


#: argparse's own errors (English only: it has no Chinese catalogue) read back into ours: (pattern, key)
ARGPARSE_ERRORS = (
    (r"the following arguments are required: (?P<args>.+)", "arg_required"),
    (r"unrecognized arguments: (?P<args>.+)", "arg_unrecognized"),
    (r"argument (?P<arg>\S+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)", "arg_choice"),
    (r"argument (?P<arg>\S+): expected one argument", "arg_expected"),
    (r"argument (?P<arg>\S+): not allowed with argument (?P<other>\S+)", "arg_not_with"),
    (r"argument (?P<arg>\S+): invalid (?P<kind>\S+) value: (?P<value>.+)", "arg_invalid"),
    (r"argument (?P<arg>\S+): (?P<message>.+)", "arg_other"),
)


def argparse_error(message: str, lang: str) -> str:
    """argparse's error ``message`` in ``lang`` (unchanged when no pattern knows it)."""
    for pattern, key in ARGPARSE_ERRORS:
        m = re.fullmatch(pattern, message, flags=re.S)
        if m:
            return i18n.cli(key, lang, **m.groupdict())
    return message


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout with the "usage:" prefix in the command line's language."""

    def __init__(self, prog: str, lang: str = "en", **kw) -> None:
        super().__init__(prog, **kw)
        self.lang = lang

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, prefix=i18n.cli("usage", self.lang) if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """An argument parser that speaks ``lang`` and fails in one line, not argparse's usage dump."""

    def __init__(self, *args, lang: str = "en", **kw) -> None:
        super().__init__(*args, add_help=False, formatter_class=functools.partial(HelpFormatter, lang=lang), **kw)
        self.lang = lang
        # argparse's own headings are English only (gettext, no Chinese catalogue): ours come from the catalogue
        self._optionals.title = i18n.cli("options", lang)
        self._positionals.title = i18n.cli("positionals", lang)
        self.add_argument("-h", "--help", action="help", help=i18n.cli("help", lang))

    def error(self, message: str) -> None:
        raise CliError(argparse_error(message, self.lang))


def parse_size(text: str, lang: str = "en") -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(i18n.cli("size_format", lang, text=text))
    width, height = int(m.group(1)), int(m.group(2))
    if not (200 <= width <= 16000 and 200 <= height <= 16000):
        raise argparse.ArgumentTypeError(i18n.cli("size_range", lang, width=width, height=height))
    return width, height


def parse_dpi(text: str, lang: str = "en") -> int:
    try:
        dpi = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(i18n.cli("dpi_int", lang, text=text)) from None
    if not 50 <= dpi <= 1200:
        raise argparse.ArgumentTypeError(i18n.cli("dpi_range", lang, dpi=dpi))
    return dpi


def split_values(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in (text or "").split(",") if v.strip()))


def parse_layers(text: str, lang: str = "en") -> tuple[str, ...]:
    keys: list[str] = []
    for item in (p.strip() for p in text.split(",") if p.strip()):
        if item in GROUP_KEYS:
            keys.extend(GROUP_KEYS[item])
        elif item in style.STYLES:
            keys.append(item)
        else:
            raise argparse.ArgumentTypeError(
                i18n.cli("unknown_layer", lang, item=item, groups=", ".join(GROUP_KEYS), layers=", ".join(style.STYLES))
            )
    return tuple(dict.fromkeys(keys))


def bbox_arg(text: str):
    try:
        return parse_bbox(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser(lang: str = "en") -> Parser:
    """The command line, its help in ``lang`` (geo/cli_messages.py)."""
    T = lambda key, **kw: i18n.cli(key, lang, **kw)  # noqa: E731
    typed = lambda fn: functools.partial(fn, lang=lang)  # noqa: E731  (a type that speaks the language)
    parser = Parser(prog="python -m geo", description=T("description"), lang=lang)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    snap = sub.add_parser("snapshot", help=T("snapshot"), description=T("snapshot_desc"), lang=lang)
    snap.add_argument("--out", required=True, type=Path, help=T("out"))
    size = snap.add_mutually_exclusive_group()
    size.add_argument("--size", type=typed(parse_size), help=T("size"))
    size.add_argument("--paper", choices=["a4-landscape", "a4-portrait", "a3-landscape", "a3-portrait"], help=T("paper"))
    snap.add_argument("--dpi", type=typed(parse_dpi), default=None, help=T("dpi"))
    where = snap.add_mutually_exclusive_group()
    where.add_argument("--bbox", type=bbox_arg, help=T("bbox"))
    where.add_argument("--view", choices=list(VIEWS), default="city", help=T("view"))
    snap.add_argument(
        "--layers",
        type=typed(parse_layers),
        default=tuple(style.STYLES),
        help=T("layers", groups=", ".join(GROUP_KEYS), layers=", ".join(style.STYLES)),
    )
    snap.add_argument("--basemap", choices=list(basemaps.ALL_KEYS), default="offline", help=T("basemap"))
    snap.add_argument("--lang", choices=["zh", "en", "both"], default="zh", help=T("lang_labels"))
    snap.add_argument("--title", help=T("title"))
    snap.add_argument("--subtitle", help=T("subtitle"))
    snap.add_argument("--hide", default="", help=T("hide", items=", ".join(FURNITURE)))
    filt = snap.add_argument_group(T("filters"))
    filters.add_arguments(filt, lang)  # one flag per filter, from its one definition (geo/filters.py)
    filt.add_argument("--select", metavar="ID", help=T("select"))
    deck = sub.add_parser("deck", help=T("deck"), description=T("deck_desc"), lang=lang)
    deck.add_argument("--out", required=True, type=Path, help=T("deck_out"))
    deck.add_argument("--views", default="city,core,central-axis", help=T("views", views=", ".join(VIEWS)))
    atlas = sub.add_parser("atlas", help=T("atlas"), description=T("atlas_desc"), lang=lang)
    atlas.add_argument("--out", required=True, type=Path, help=T("atlas_out"))
    atlas.add_argument("--per", choices=["view", "venue"], default="view", help=T("per"))
    for p in (deck, atlas):
        p.add_argument("--lang", choices=["zh", "en", "both"], default="zh", help=T("lang_titles"))
        p.add_argument("--aspect", choices=["16:9", "4:3"], default="16:9", help=T("aspect"))
        p.add_argument("--basemap", choices=list(basemaps.ALL_KEYS), default="offline", help=T("deck_basemap"))
        p.add_argument("--title", help=T("deck_title"))
    add_workspace_commands(sub, lang)
    cli_projects.add_commands(sub, lang)  # projects list/update/add/report, workspace diff (geo/cli_projects.py)
    cli_story.add_commands(sub, lang)  # story, workspace add-story, snapshot --review (geo/cli_story.py)
    chk = sub.add_parser("check", help=T("check"), lang=lang)
    chk.add_argument("--ids", action="store_true", help=T("ids"))
    val = sub.add_parser("validate", help=T("validate"), description=T("validate_desc"), lang=lang)
    val.add_argument("file", type=Path, help=T("validate_file"))
    val.add_argument("--crs", choices=["wgs84", "gcj02", "bd09"], default="wgs84", help=T("crs"))
    val.add_argument("--lang", choices=["zh", "en"], default="zh", help=T("lang_messages"))
    return parser


def add_workspace_commands(sub, lang: str) -> None:
    T = lambda key, **kw: i18n.cli(key, lang, **kw)  # noqa: E731
    ws = sub.add_parser("workspace", help=T("workspace"), description=T("workspace_desc"), lang=lang)
    wsub = ws.add_subparsers(dest="ws_command", required=True, parser_class=Parser)
    w_new = wsub.add_parser("new", help=T("ws_new"), lang=lang)
    w_new.add_argument("--name", required=True, help=T("ws_name"))
    w_add = wsub.add_parser("add-layer", help=T("ws_add"), lang=lang)
    w_add.add_argument("id", help=T("ws_id"))
    w_add.add_argument("file", type=Path, help=T("ws_file"))
    w_add.add_argument("--token", required=True, help=T("edit_token"))
    w_add.add_argument("--crs", choices=["wgs84", "gcj02", "bd09"], default="wgs84", help=T("crs"))
    w_show = wsub.add_parser("show", help=T("ws_show"), lang=lang)
    w_show.add_argument("id", help=T("ws_id"))
    w_show.add_argument("--token", required=True, help=T("view_token"))
    w_exp = wsub.add_parser("export", help=T("ws_export"), lang=lang)
    w_exp.add_argument("id", help=T("ws_id"))
    w_exp.add_argument("--token", required=True, help=T("view_token"))
    w_exp.add_argument("--out", required=True, type=Path, help=T("out"))
    w_res = wsub.add_parser("restore", help=T("ws_restore"), lang=lang)
    w_res.add_argument("id", help=T("ws_id"))
    w_res.add_argument("version", type=int, help=T("ws_version"))
    w_res.add_argument("--token", required=True, help=T("edit_token"))


def spec_from_args(args: argparse.Namespace, layers) -> MapSpec:
    """The map spec the arguments describe; unknown filter values are bad arguments (exit 2)."""
    from geo import mapspec

    lang = cli_lang_of(args)
    hide = set(split_values(args.hide))
    if hide - set(FURNITURE):
        raise CliError(i18n.cli("hide_unknown", lang, bad=", ".join(sorted(hide - set(FURNITURE))), items=", ".join(FURNITURE)))
    chosen = filters.from_args(args)
    ids = mapspec.reference_ids(layers)
    venue_ids = tuple(layers.venues["id"])
    if args.select and args.select not in venue_ids:
        raise CliError(i18n.cli("select_unknown", lang, venue=args.select, ids=", ".join(venue_ids)))
    if chosen.within_km and args.filter_of is None and not args.select:
        raise CliError(i18n.cli("within_needs_of", lang))
    if args.filter_of is not None and not chosen.within_km:
        raise CliError(i18n.cli("of_needs_within", lang))
    bad = filters.problems(chosen, {"districts": tuple(layers.districts["name_en"])}, ids=ids, lang=lang)
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
        furniture=mapspec.Furniture(**{FURNITURE[k]: k not in hide for k in FURNITURE}, review=args.review),
        page=mapspec.Page(width, height, dpi),
        token=basemaps.tianditu_key(),
    )


def paper_px(paper: str, dpi: int) -> tuple[int, int]:
    from geo.presets import paper_size

    return paper_size(paper, dpi)


def run_snapshot(args: argparse.Namespace) -> int:
    from geo.data import load_layers
    from geo.mapspec import SpecError

    lang = cli_lang_of(args)
    try:
        fmt = formats.by_extension(args.out.name).key
    except formats.FormatError as exc:
        raise CliError(exc.message(lang)) from None
    if not args.out.parent.exists():
        raise CliError(i18n.cli("no_folder", lang, folder=args.out.parent))
    layers = load_layers()
    spec = spec_from_args(args, layers)
    try:
        spec.validated()
    except SpecError as exc:  # an impossible request is a bad argument
        raise CliError(exc.message(lang)) from None
    try:
        result = formats.export(layers, spec, fmt)
    except formats.MissingPart as exc:
        say(i18n.cli("error", lang, message=exc.message(lang)), err=True)
        return 1
    for note in result.notes:
        say(i18n.cli("note", lang, message=note), err=True)
    write_atomically(args.out, result.data)
    say(i18n.cli("wrote_what", lang, path=args.out, kb=f"{len(result.data) / 1024:.0f}", what=result.description))
    return 0


def run_deck_or_atlas(args: argparse.Namespace) -> int:
    from geo import deck
    from geo.data import load_layers

    lang = cli_lang_of(args)
    suffix = ".pptx" if args.command == "deck" else ".pdf"
    if args.out.suffix.lower() != suffix:
        raise CliError(i18n.cli("out_suffix", lang, suffix=suffix, name=args.out.name))
    if not args.out.parent.exists():
        raise CliError(i18n.cli("no_folder", lang, folder=args.out.parent))
    base = MapSpec(
        lang="en" if args.lang == "en" else "zh",
        label_lang=args.lang,
        basemap=args.basemap,
        title=args.title,
        token=basemaps.tianditu_key(),
    )
    layers = load_layers()

    def progress(fraction: float, what: str) -> None:
        say(i18n.cli("progress", lang, percent=f"{fraction:4.0%}", what=what), err=True)

    if args.command == "deck":
        views = split_values(args.views)
        unknown = [v for v in views if v not in VIEWS]
        if unknown or not views:
            bad = ", ".join(unknown) or i18n.cli("none", lang)
            raise CliError(i18n.cli("views_unknown", lang, bad=bad, views=", ".join(VIEWS)))
        data = deck.build_deck(layers, base, views, args.aspect, progress)
    else:
        data = deck.build_atlas(layers, base, args.per, args.aspect, progress)
    write_atomically(args.out, data)
    say(i18n.cli("wrote", lang, path=args.out, kb=f"{len(data) / 1024:.0f}"))
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
        layers, lang = load_layers(), cli_lang_of(args)
        try:
            data = imports.read_path(args.file)
            result = imports.read_bounded(
                args.file.name, data, crs=args.crs, known=layers.venues, boundary=layers.boundary.union_all()
            )
        except imports.ImportFailed as exc:
            raise CliError(i18n.cli("file_message", lang, name=args.file.name, message=exc.text(lang))) from None
        if result.gdf.empty:
            raise CliError(i18n.cli("no_feature", lang, name=args.file.name, summary=result.summary(lang)))
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
            raise CliError(i18n.cli("out_suffix", cli_lang_of(args), suffix=".gpkg, .geojson, .kml, .csv", name=args.out.name))
        if not args.out.parent.exists():
            raise CliError(i18n.cli("no_folder", cli_lang_of(args), folder=args.out.parent))
        data = workspace.export_bytes(store.load(args.id, args.token), fmt)
        write_atomically(args.out, data)
        say(i18n.cli("wrote", cli_lang_of(args), path=args.out, kb=f"{len(data) / 1024:.0f}"))
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
        key = {errno.ENOENT: "file_not_found", errno.EACCES: "file_no_permission"}.get(exc.errno or 0, "file_cannot_open")
        say(i18n.cli("error", args.lang, message=i18n.cli(key, args.lang, path=args.file)), err=True)
        return 2
    except imports.ImportFailed as exc:  # the catalogue's words, never a library's (geo.import_messages)
        say(i18n.cli("file_message", args.lang, name=args.file.name, message=exc.text(args.lang)), err=True)
        return 2
    for problem in result.problems:
        key = "problem_error" if problem.severity == "error" else "problem_warning"
        say(i18n.cli(key, args.lang, text=problem.text(args.lang)))
    say(result.summary(args.lang))
    return 1 if result.problems else 0


def run_check(args: argparse.Namespace) -> int:
    from geo.data import check_layers

    lang = cli_lang_of(args)
    layers, errors = check_layers()  # every mistake in data/, each naming its file, row or feature and field
    for error in errors:
        say(i18n.cli("error", lang, message=error), err=True)
    if errors:
        say(i18n.cli("mistakes", lang, n=len(errors)), err=True)
        return 1
    for key in ("core", "axes", "areas", "venues", "districts", "boundary"):
        say(i18n.cli("count", lang, key=f"{key:10s}", n=f"{len(getattr(layers, key)):3d}"))
        if args.ids and key in ("core", "axes", "areas", "venues"):
            for fid, zh, en in zip(layers.get(key)["id"], layers.get(key)["name_zh"], layers.get(key)["name_en"]):
                say(f"    {fid:28s} {zh} · {en}")
    say(i18n.cli("data_ok", lang))
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


def check_local_basemap(key: str | None, lang: str = "en") -> None:
    """``--basemap local`` needs a good BEM_BASEMAP_FILE: else a message in both languages, before any work."""
    from geo import localtiles

    if key != basemaps.LOCAL:
        return
    try:
        if localtiles.configured_file() is None:
            raise localtiles.LocalTilesError("local_tiles_unset")
    except localtiles.LocalTilesError as exc:
        raise CliError(exc.message(lang)) from None


def cli_lang_of(args: argparse.Namespace) -> str:
    """The language the command line speaks for ``args`` (set by ``main``)."""
    return getattr(args, "cli_lang", "en")


def main(argv: list[str] | None = None) -> int:
    argv = join_negative_values(list(sys.argv[1:] if argv is None else argv))
    lang = i18n.cli_lang(argv)
    try:
        args = build_parser(lang).parse_args(argv)
        args.cli_lang = lang
        try:
            basemaps.mirror_url()  # a bad BEM_TILE_MIRROR is refused at start, in one line
        except basemaps.MirrorError as exc:
            raise CliError(exc.message(lang)) from None
        check_local_basemap(getattr(args, "basemap", None), lang)
        if args.command == "validate":
            return run_validate(args)
        if args.command in ("deck", "atlas"):
            return run_deck_or_atlas(args)
        if cli_story.handles(args):  # story, workspace add-story
            return cli_story.run(args)
        if args.command in ("workspace", "projects"):
            return cli_projects.run(args) if cli_projects.handles(args) else run_workspace(args)
        return run_snapshot(args) if args.command == "snapshot" else run_check(args)
    except CliError as exc:
        say(i18n.cli("error", lang, message=exc), err=True)
        return 2
    except GeoError as exc:  # the core's named errors in the command line's language (geo/error_messages.py)
        say(i18n.cli("error", lang, message=message_of(exc, lang)), err=True)
        return 1
    except OSError as exc:
        message = f"{exc.strerror or exc}: {getattr(exc, 'filename', '') or ''}".rstrip(": ")
        say(i18n.cli("error", lang, message=message), err=True)
        return 1
    except Exception:  # never a traceback in front of a user
        say(i18n.cli("internal", lang), err=True)
        return 3


if __name__ == "__main__":
    raise SystemExit(main())
