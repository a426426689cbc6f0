"""The shipped data's schema, ``data/schema.json``: every layer's file, geometry and fields, each field's type,
whether it is required and its allowed values, described in both languages.

The loader (``geo.data``), ``python -m geo check``, the tests and the README's data section read it; nothing
else lists fields or allowed values. The labels of allowed values stay in ``geo.i18n`` (categories and axis
segments: ``geo.style``, which also draws them); ``load_schema`` refuses a value that has no label there, so
a value added to the schema alone is named at once instead of drawing an unlabelled symbol.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geo import i18n, paths, plan, style
from geo.errors import DataError

#: the schema ships beside the data; a copy of the data (``BEM_DATA_DIR``) is checked against this one, which
#: matches the code (styles, labels)
SCHEMA_FILE = paths.PACKAGE_DIR.parent / "data" / "schema.json"
TYPES = ("id", "text", "term", "sentence", "integer", "number", "boolean", "date")
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
INTEGER_PATTERN = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class Field:
    """One field of one layer."""

    name: str
    type: str
    description: dict[str, str]
    required: bool = False
    values: tuple[str, ...] = ()  # a term's allowed values
    vocabulary: str | None = None
    value: str | None = None  # fixed by the layer: not a column of a table, and a GeoJSON feature must say it
    min: float | None = None
    max: float | None = None

    def allowed(self) -> str:
        """The allowed values or range, for messages and the README."""
        if self.value is not None:
            return f"always {self.value!r}"
        if self.values:
            return ", ".join(self.values)
        if self.min is not None and self.max is not None:
            return f"{self.min:g} to {self.max:g}"
        return ""


@dataclass(frozen=True)
class Layer:
    """One shipped file: a curated layer, or a context layer (boundary, districts)."""

    key: str
    file: str
    geometry: tuple[str, ...]
    fields: tuple[Field, ...]
    description: dict[str, str]
    point: tuple[str, str] | None = None  # a table's lon and lat columns
    context: bool = False

    @property
    def is_table(self) -> bool:
        return self.file.endswith(".csv")

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def columns(self) -> tuple[Field, ...]:
        """A table's columns: every field but those the layer fixes."""
        return tuple(f for f in self.fields if f.value is None)

    def properties(self) -> tuple[Field, ...]:
        """The fields a loaded feature carries (not its coordinates)."""
        return tuple(f for f in self.fields if f.name not in (self.point or ()))

    def check_row(self, cells: dict[str, str]) -> tuple[dict, list[tuple[str, str]]]:
        """A table row's properties, every field in the schema's order (None when empty) with the values the
        layer fixes, and its mistakes as [(field, message)]."""
        props: dict[str, object] = {}
        problems: list[tuple[str, str]] = []
        for field in self.properties():
            if field.value is not None:
                props[field.name] = field.value
                continue
            _convert_into(props, problems, field, cells.get(field.name))
        return props, problems

    def check_point(self, cells: dict[str, str]) -> tuple[tuple[float, float] | None, list[tuple[str, str]]]:
        """A table row's (lon, lat), or None with the mistakes."""
        point: dict[str, object] = {}
        problems: list[tuple[str, str]] = []
        for field in filter(None, (self.field(name) for name in self.point or ())):
            _convert_into(point, problems, field, cells.get(field.name))
        if problems or self.point is None:
            return None, problems
        lon, lat = point[self.point[0]], point[self.point[1]]
        assert isinstance(lon, float) and isinstance(lat, float)  # number fields (checked by _check_layer)
        return (lon, lat), problems

    def check_feature(self, raw: dict) -> tuple[dict, list[tuple[str, str]]]:
        """A GeoJSON feature's properties in its own order: it must state the values the layer fixes and may
        hold no key the schema does not know."""
        props: dict[str, object] = {}
        problems: list[tuple[str, str]] = []
        for field in self.properties():
            if field.name in raw or field.required or field.value is not None:
                _convert_into(props, problems, field, raw.get(field.name))
        problems += [(key, f"is not a field of the {self.key!r} layer in schema.json") for key in raw if self.field(key) is None]
        return {key: props[key] for key in raw if key in props}, problems

    def check_header(self, header: list[str]) -> list[tuple[str | None, str]]:
        """A table header's mistakes as [(column, message)]."""
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            return [(None, "columns must be separated by commas (save as “CSV UTF-8 (comma delimited)”)")]
        named = [c for c in header if c]
        missing = [f.name for f in self.columns() if f.required and f.name not in named]
        return self._wrong_columns(named) + [(name, "required column is missing") for name in missing]

    def _wrong_columns(self, named: list[str]) -> list[tuple[str | None, str]]:
        columns = [f.name for f in self.columns()]
        twice: list[tuple[str | None, str]] = [
            (col, "this column appears more than once") for col in sorted(set(named)) if named.count(col) > 1
        ]
        return twice + [(col, self._unknown_column(col, columns)) for col in named if col not in columns]

    def _unknown_column(self, col: str, columns: list[str]) -> str:
        fixed = self.field(col)
        if fixed is not None:
            return f"is fixed by the layer ({fixed.allowed()}): remove the column"
        return f"is not a column of this table; the columns are {', '.join(columns)}"


@dataclass(frozen=True)
class Schema:
    about: dict[str, str]
    types: dict[str, dict[str, str]]
    vocabularies: dict[str, tuple[str, ...]]
    vocabulary_descriptions: dict[str, dict[str, str]]
    layers: dict[str, Layer]
    #: tables without geometry (the key projects' register, history and milestones, ``geo.projects``)
    tables: dict[str, Layer] = dataclasses.field(default_factory=dict)

    def curated(self) -> tuple[Layer, ...]:
        return tuple(layer for layer in self.layers.values() if not layer.context)

    def context(self) -> tuple[Layer, ...]:
        return tuple(layer for layer in self.layers.values() if layer.context)


# --- reading the schema file ------------------------------------------------------------------------------


def _bilingual(entry: object, where: str) -> dict[str, str]:
    if not (isinstance(entry, dict) and all(isinstance(entry.get(lang), str) and entry[lang] for lang in i18n.LANGS)):
        raise DataError(SCHEMA_FILE.name, f"{where}: needs a description in zh and en")
    return {lang: entry[lang] for lang in i18n.LANGS}


def _field(name: str, shared: dict, override: dict, vocabularies: dict[str, tuple[str, ...]], where: str) -> Field:
    spec = {**shared, **override}
    kind = spec.get("type")
    if kind not in TYPES:
        raise DataError(SCHEMA_FILE.name, f"{where}: type {kind!r} is not one of {', '.join(TYPES)}")
    values, vocabulary = _values(spec, vocabularies, where)
    if spec.get("value") is not None and spec["value"] not in values:
        raise DataError(SCHEMA_FILE.name, f"{where}: fixed value {spec['value']!r} is not an allowed value")
    return Field(
        name=name,
        type=kind,
        description=_bilingual(spec.get("description"), where),
        required=bool(spec.get("required", False)),
        values=values,
        vocabulary=vocabulary,
        value=spec.get("value"),
        min=spec.get("min"),
        max=spec.get("max"),
    )


def _values(spec: dict, vocabularies: dict[str, tuple[str, ...]], where: str) -> tuple[tuple[str, ...], str | None]:
    """A field's allowed values and the vocabulary that labels them (None when the layer lists its own, as the
    layout's "framework" category)."""
    vocabulary = spec.get("vocabulary")
    if (spec.get("type") == "term" or vocabulary is not None) and vocabulary not in vocabularies:
        raise DataError(SCHEMA_FILE.name, f"{where}: vocabulary {vocabulary!r} is not defined")
    if vocabulary is None:
        return tuple(spec.get("values") or ()), None
    values = tuple(spec.get("values") or vocabularies[vocabulary])
    return values, (vocabulary if set(values) <= set(vocabularies[vocabulary]) else None)


def _layer(key: str, spec: dict, shared: dict, vocabularies: dict[str, tuple[str, ...]]) -> Layer:
    where = f"layer {key!r}"
    fields = []
    for name, override in spec.get("fields", {}).items():
        if name not in shared:
            raise DataError(SCHEMA_FILE.name, f'{where}: field {name!r} is not defined under "fields"')
        fields.append(_field(name, shared[name], override, vocabularies, f"{where}, field {name!r}"))
    point = tuple(spec["point"]) if spec.get("point") else None
    layer = Layer(
        key=key,
        file=str(spec.get("file", "")),
        geometry=tuple(spec.get("geometry", ())),
        fields=tuple(fields),
        description=_bilingual(spec.get("description"), where),
        point=point,
        context=bool(spec.get("context", False)),
    )
    _check_layer(layer, where)
    return layer


def _table(key: str, spec: dict, shared: dict, vocabularies: dict[str, tuple[str, ...]]) -> Layer:
    """A table without geometry (``"tables"`` in the schema): its columns are its fields."""
    where = f"table {key!r}"
    fields = []
    for name, override in spec.get("fields", {}).items():
        if name not in shared:
            raise DataError(SCHEMA_FILE.name, f'{where}: field {name!r} is not defined under "fields"')
        fields.append(_field(name, shared[name], override, vocabularies, f"{where}, field {name!r}"))
    file = str(spec.get("file", ""))
    if not file.endswith(".csv"):
        raise DataError(SCHEMA_FILE.name, f"{where}: needs a .csv file")
    return Layer(key=key, file=file, geometry=(), fields=tuple(fields), description=_bilingual(spec.get("description"), where))


def _check_layer(layer: Layer, where: str) -> None:
    if not layer.file.endswith((".csv", ".geojson")) or not layer.geometry:
        raise DataError(SCHEMA_FILE.name, f"{where}: needs a .csv or .geojson file and its geometry types")
    if layer.is_table and not _holds_points(layer):
        raise DataError(SCHEMA_FILE.name, f"{where}: a table holds points and names its lon and lat fields")


def _holds_points(layer: Layer) -> bool:
    point = layer.point or ()
    numbers = [f for f in layer.fields if f.name in point and f.type == "number"]
    return len(point) == 2 and len(numbers) == 2 and layer.geometry == ("Point",)


def _vocabulary(key: str, entry: object) -> tuple[str, ...]:
    values = entry.get("values") if isinstance(entry, dict) else None
    if not (isinstance(values, list) and values and all(isinstance(v, str) and v for v in values)):
        raise DataError(SCHEMA_FILE.name, f"vocabulary {key!r}: needs a list of values")
    return tuple(values)


def parse_schema(doc: object) -> Schema:
    """A Schema from the parsed file, or DataError naming schema.json and the entry that is wrong."""
    name = SCHEMA_FILE.name
    if not isinstance(doc, dict) or not all(isinstance(doc.get(k), dict) for k in ("vocabularies", "fields", "layers")):
        raise DataError(name, 'needs "vocabularies", "fields" and "layers" objects')
    vocabularies = {key: _vocabulary(key, entry) for key, entry in doc["vocabularies"].items()}
    described = {key: _bilingual(entry.get("description"), f"vocabulary {key!r}") for key, entry in doc["vocabularies"].items()}
    layers = {key: _layer(key, spec, doc["fields"], vocabularies) for key, spec in doc["layers"].items()}
    schema = Schema(
        about=_bilingual(doc.get("about"), "about"),
        types={k: _bilingual(v, f"type {k!r}") for k, v in doc.get("types", {}).items()},
        vocabularies=vocabularies,
        vocabulary_descriptions=described,
        layers=layers,
        tables={key: _table(key, spec, doc["fields"], vocabularies) for key, spec in doc.get("tables", {}).items()},
    )
    check_labels(schema)
    return schema


def check_labels(schema: Schema) -> None:
    """Every allowed value has its label in both languages (and a map style, for a category)."""
    for key, values in schema.vocabularies.items():
        for value in values:
            if label(key, value, "en") is None:
                where = "geo/style.py" if key in ("category", "segment") else "geo/i18n.py"
                raise DataError(
                    SCHEMA_FILE.name,
                    f"vocabulary {key!r}: value {value!r} has no label (and style) in {where}; a developer adds it there",
                )


def label(vocabulary: str, value: str, lang: str) -> str | None:
    """The label of an allowed value in ``lang``, or None when the code has none."""
    if vocabulary == "category":
        return style.STYLES[value].label(lang) if value in style.STYLES and value in style.VENUE_CATEGORIES else None
    if vocabulary == "segment":
        variant = style.STYLES["axes"].variants.get(value)
        return None if variant is None else (variant.label_zh if lang == "zh" else variant.label_en)
    return i18n.term(vocabulary, value, lang) if value in i18n.terms(vocabulary) else None


@lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int) -> Schema:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(path.name, f"file not found at {path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(path.name, f"not valid JSON: {exc}") from None
    return parse_schema(doc)


def load_schema(path: Path | None = None) -> Schema:
    """The schema (read once per version of the file)."""
    path = path or SCHEMA_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _load(path, mtime)


# --- checking one value -----------------------------------------------------------------------------------


class Invalid(ValueError):
    """A value breaks its field's rule; the message says what the field needs."""


def shown(value: object, limit: int = 60) -> str:
    """``value`` quoted for a message, a long one cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def _convert_into(out: dict, problems: list, field: Field, raw: object) -> None:
    try:
        out[field.name] = convert(field, raw)
    except Invalid as exc:
        problems.append((field.name, str(exc)))


def _empty(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def convert(field: Field, raw: object) -> object:
    """The value ``raw`` (a table cell, or a GeoJSON property) stands for, or Invalid; empty is None."""
    if _empty(raw):
        if field.required or field.value is not None:
            raise Invalid("is required but empty" if raw is not None else "is required but missing")
        return None
    return _CONVERTERS[field.type](field, raw)


def _text(field: Field, raw: object) -> str:
    if not isinstance(raw, str):
        raise Invalid(f"must be text, not {type(raw).__name__}")
    return raw


def _id(field: Field, raw: object) -> str:
    value = _text(field, raw).strip()
    if not ID_PATTERN.fullmatch(value):
        raise Invalid(f"{shown(value)} is not an id: use lower-case letters, digits and _, starting with a letter")
    return value


def _term(field: Field, raw: object) -> str:
    value = _text(field, raw).strip()
    if field.value is not None and value != field.value:
        raise Invalid(f"{shown(value)} does not belong in this file (expected {field.value!r})")
    if value not in field.values:
        raise Invalid(f"{shown(value)} is not one of {', '.join(field.values)}")
    return value


def _sentence(field: Field, raw: object) -> str:
    """A sentence of the plan, kept verbatim from the source even when spaces were changed by copying."""
    value = _text(field, raw)
    verbatim = _sentences().get(plan.normalize_space(value))
    if verbatim is None:
        raise Invalid(f"is not a whole sentence of the meeting text ({paths.SOURCE_FILE.name}); copy it from there")
    return verbatim


@lru_cache(maxsize=1)
def _sentences() -> dict[str, str]:
    return {plan.normalize_space(s): s for s in plan.split_sentences()}


def _integer(field: Field, raw: object) -> int:
    if isinstance(raw, str) and INTEGER_PATTERN.fullmatch(raw.strip()):
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise Invalid(f"{shown(raw)} is not a whole number{_range(field)}")
    return _in_range(field, raw, raw)


def _number(field: Field, raw: object) -> float:
    try:
        value = float(raw.strip()) if isinstance(raw, str) else raw
    except ValueError:
        raise Invalid(f"{shown(raw)} is not a number{_range(field)}; decimals take a point, not a comma") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise Invalid(f"{shown(raw)} is not a number{_range(field)}")
    return float(_in_range(field, value, raw))


def _in_range(field: Field, value: float, raw: object):
    """``value`` when it lies in the field's range; the message shows it as it was written."""
    if (field.min is not None and value < field.min) or (field.max is not None and value > field.max):
        raise Invalid(f"{raw.strip() if isinstance(raw, str) else raw} is outside the range{_range(field)}")
    return value


def _boolean(field: Field, raw: object) -> bool:
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    if not isinstance(raw, bool):
        raise Invalid(f"{shown(raw)} is not true or false")
    return raw


def _range(field: Field) -> str:
    return f" ({field.min:g} to {field.max:g})" if field.min is not None and field.max is not None else ""


def _date(field: Field, raw: object) -> str:
    """A calendar date written YYYY-MM-DD (kept as that text)."""
    value = _text(field, raw).strip()
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise Invalid(f"{shown(value)} is not a date: write YYYY-MM-DD, e.g. 2025-03-17") from None


_CONVERTERS = {
    "id": _id,
    "text": _text,
    "term": _term,
    "sentence": _sentence,
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
}
