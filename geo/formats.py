"""The export formats, as data: extension, writer, MIME type, whether the snapshot renderer is needed.

The app's export panel and the command line both read :data:`FORMATS`; :func:`export` runs a
format's writer on a map spec. Writers are named, not imported, so a data or HTML export never
loads the snapshot renderer (matplotlib), and a missing optional part becomes a
:class:`MissingPart` error that says what to install.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from geo import i18n
from geo.data import Layers
from geo.errors import Catalogued, GeoError
from geo.mapspec import MapSpec, describe, file_name


@dataclass(frozen=True)
class ExportFormat:
    key: str
    extensions: tuple[str, ...]  # the first is the one written
    mime: str
    writer: str  # "module:function", called as function(layers, spec, fmt, progress) -> (bytes, notes)
    kind: str  # "image", "deck", "html" or "data"
    needs_renderer: bool = False  # needs the snapshot renderer (matplotlib)
    label: dict[str, str] = field(default_factory=dict)


FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in (
        ExportFormat("png", (".png",), "image/png", "geo.snapshot:write", "image", True, {"zh": "PNG 图片", "en": "PNG image"}),
        ExportFormat(
            "pdf",
            (".pdf",),
            "application/pdf",
            "geo.snapshot:write",
            "image",
            True,
            {"zh": "PDF（打印，文字可选）", "en": "PDF (print, selectable text)"},
        ),
        ExportFormat(
            "svg", (".svg",), "image/svg+xml", "geo.snapshot:write", "image", True, {"zh": "SVG 矢量图", "en": "SVG vector image"}
        ),
        ExportFormat(
            "pptx",
            (".pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "geo.deck:write_deck",
            "deck",
            True,
            {"zh": "PPTX 幻灯片（每个视图一页，含讲稿）", "en": "PPTX slides (a slide per view, with notes)"},
        ),
        ExportFormat(
            "html",
            (".html", ".htm"),
            "text/html",
            "geo.io:write_html",
            "html",
            False,
            {"zh": "HTML 交互地图（单文件）", "en": "HTML interactive map (one file)"},
        ),
        ExportFormat(
            "geojson",
            (".geojson", ".json"),
            "application/geo+json",
            "geo.io:write_data",
            "data",
            False,
            {"zh": "GeoJSON 数据", "en": "GeoJSON data"},
        ),
        ExportFormat(
            "gpkg",
            (".gpkg",),
            "application/geopackage+sqlite3",
            "geo.io:write_data",
            "data",
            False,
            {"zh": "GeoPackage 数据", "en": "GeoPackage data"},
        ),
        ExportFormat(
            "kml",
            (".kml",),
            "application/vnd.google-earth.kml+xml",
            "geo.io:write_data",
            "data",
            False,
            {"zh": "KML（Google 地球）", "en": "KML (Google Earth)"},
        ),
        ExportFormat("csv", (".csv",), "text/csv", "geo.io:write_data", "data", False, {"zh": "CSV 表格", "en": "CSV table"}),
        ExportFormat(
            "review-xlsx",
            (".review.xlsx", ".xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "geo.project_report:write_review",
            "review",
            False,
            {"zh": "重点项目评估表（XLSX，截至日期与比较日期）", "en": "Key projects review (XLSX, as of / since)"},
        ),
        ExportFormat(
            "review-pdf",
            (".review.pdf",),
            "application/pdf",
            "geo.project_report:write_review",
            "review",
            True,
            {"zh": "重点项目评估报告（PDF，含地图页）", "en": "Key projects review (PDF, with a map page)"},
        ),
    )
}

#: what each optional part is installed with (the project declares all of them)
PARTS = {"matplotlib": "pip install -e .", "PIL": "pip install -e .", "pptx": "pip install -e ."}


class MissingPart(GeoError):
    """A format needs a package that is not installed; ``message(lang)`` says what to run."""

    def __init__(self, package: str, fmt: str):
        self.package, self.fmt = package, fmt
        self.command = PARTS.get(package, f"pip install {package}")
        super().__init__(self.message("en"))

    def __reduce__(self):  # rebuilt from its own fields: a render's child process sends it back as itself
        return type(self), (self.package, self.fmt)

    def message(self, lang: str) -> str:
        return i18n.t("missing_part", lang).format(package=self.package, command=self.command)


class FormatError(Catalogued):
    """An unknown format or extension: a key of geo/error_messages.py and its fields."""


def by_extension(name: str) -> ExportFormat:
    """The format a file name's extension asks for (the longest that fits: ``x.review.pdf`` is the review)."""
    lower = name.lower()
    fits = [(len(ext), -n, f) for n, f in enumerate(FORMATS.values()) for ext in f.extensions if lower.endswith(ext)]
    if fits:
        return max(fits, key=lambda fit: fit[:2])[2]
    raise FormatError("err_format_name", name=name, extensions=", ".join(extensions()))


def extensions() -> tuple[str, ...]:
    return tuple(ext for f in FORMATS.values() for ext in f.extensions)


def writer_of(fmt: str) -> Callable:
    """Import the writer of ``fmt``; a missing package becomes MissingPart."""
    if fmt not in FORMATS:
        raise FormatError("err_format_unknown", fmt=fmt, formats=", ".join(FORMATS))
    module, func = FORMATS[fmt].writer.split(":")
    try:
        return getattr(importlib.import_module(module), func)
    except ModuleNotFoundError as exc:
        raise MissingPart((exc.name or "?").split(".")[0], fmt) from exc


@dataclass
class Export:
    data: bytes
    mime: str
    name: str  # the suggested file name: view, language, filters, date
    notes: list[str]  # what the reader should know (tiles unreachable...)
    description: str  # what the file holds, e.g. "3 venues · 4 layers · …"


def export(layers: Layers, spec: MapSpec, fmt: str, progress: Callable[[float, str], None] | None = None, **options) -> Export:
    """Write ``spec`` in ``fmt``: the one entry point of the app and the command line.

    ``options`` go to writers that take them (a deck's ``views`` and ``aspect``)."""
    spec = spec.validated()
    write = writer_of(fmt)
    try:  # a writer imports some packages only when it writes (the deck's python-pptx)
        data, notes = write(layers, spec, fmt, progress, **options) if options else write(layers, spec, fmt, progress)
    except ModuleNotFoundError as exc:
        raise MissingPart((exc.name or "?").split(".")[0], fmt) from exc
    f = FORMATS[fmt]
    return Export(data, f.mime, _file_name(spec, f), notes, describe(layers, page_of(spec, fmt, **options), spec.lang))


def _file_name(spec: MapSpec, f: ExportFormat) -> str:
    """The suggested file name; a two-part extension (``.review.pdf``) puts its first part in the name."""
    stem, _, last = f.extensions[0].lstrip(".").rpartition(".")
    name = file_name(spec, last)
    return f"{name.removesuffix('.' + last)}_{stem}.{last}" if stem else name


def page_of(spec: MapSpec, fmt: str, aspect: str = "16:9", **_options) -> MapSpec:
    """``spec`` at the page its file draws: a deck's maps have the slide's own page (``geo.deck.map_page``), so
    what the file holds is counted in that frame (``mapspec.in_view``)."""
    if FORMATS[fmt].kind != "deck":
        return spec
    from dataclasses import replace

    from geo import deck

    return replace(spec, page=deck.map_page(aspect))
