"""Write the README's description of the data's fields from ``data/schema.json``.

The block between ``BEGIN`` and ``END`` below in README.md is generated; a test checks it matches the schema.
Run:  python scripts/build_schema_doc.py          (rewrites that block in README.md)
      python scripts/build_schema_doc.py --print  (prints it)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo import schema  # noqa: E402

README = ROOT / "README.md"
BEGIN = "<!-- BEGIN schema: generated from data/schema.json by scripts/build_schema_doc.py -->"
END = "<!-- END schema -->"


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def values_text(vocabulary: str, values: tuple[str, ...]) -> str:
    labels = []
    for value in values:
        en, zh = schema.label(vocabulary, value, "en"), schema.label(vocabulary, value, "zh")
        labels.append(f"`{value}` ({en} · {zh})")
    return ", ".join(labels)


def kind_text(sch: schema.Schema, field: schema.Field) -> str:
    if field.type == "term":
        return ", ".join(f"`{v}`" for v in field.values)
    text = sch.types.get(field.type, {}).get("en", field.type)
    if field.min is not None and field.max is not None:
        text += f", {field.min:g} to {field.max:g}"
    return text


def table_section(sch: schema.Schema, layer: schema.Layer) -> list[str]:
    lines = column_rows(sch, layer)
    fixed = [f"`{f.name}` is always `{f.value}`" for f in layer.fields if f.value is not None]
    lines += [
        "",
        f"Not columns: {'; '.join(fixed)} (set by the layer); the district is computed from "
        f"`{layer.point[0]}`/`{layer.point[1]}`. Empty cells are empty values.",
    ]
    return lines


def column_rows(sch: schema.Schema, layer: schema.Layer) -> list[str]:
    """A table's description and its columns, one row each."""
    lines = [
        f"**`{layer.file}`**: {layer.description['en']}.",
        "",
        f"{layer.description['zh']}。",
        "",
        "| column | required | type / allowed values | meaning | 说明 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for field in layer.columns():
        lines.append(
            f"| `{field.name}` | {'yes' if field.required else ''} | {cell(kind_text(sch, field))} | "
            f"{cell(field.description['en'])} | {cell(field.description['zh'])} |"
        )
    return lines


def register_section(sch: schema.Schema, table: schema.Layer) -> list[str]:
    """A table of the key projects' register (no geometry: every field is a column)."""
    return column_rows(sch, table) + [
        "",
        "Empty cells are empty values (shown as unknown); `python -m geo check` checks this table too.",
    ]


def geojson_line(layer: schema.Layer) -> str:
    names = []
    for field in layer.fields:
        name = f"`{field.name}`" + ("\\*" if field.required else "")
        if field.value is not None:
            name += f" = `{field.value}`"
        elif field.vocabulary is None and field.type == "term":
            name += f" ({', '.join(field.values)})"
        names.append(name)
    return f"- `{layer.file}` ({' or '.join(layer.geometry)}): {', '.join(names)}"


def section(sch: schema.Schema | None = None) -> str:
    """The README's generated block, markers included."""
    sch = sch or schema.load_schema()
    lines = [BEGIN]
    for layer in sch.layers.values():
        if layer.is_table:
            lines += table_section(sch, layer) + [""]
    for table in sch.tables.values():
        lines += register_section(sch, table) + [""]
    lines += ["Allowed values (labels from `geo/i18n.py`, categories and segments from `geo/style.py`):", ""]
    for key, values in sch.vocabularies.items():
        lines.append(f"- `{key}`: {values_text(key, values)}")
    lines += ["", "The GeoJSON layers, built by the scripts, follow the same field rules (\\* required):", ""]
    lines += [geojson_line(layer) for layer in sch.layers.values() if not layer.is_table]
    lines.append(END)
    return "\n".join(lines)


def replace_block(text: str, block: str) -> str:
    """``text`` with its generated block replaced by ``block``; ValueError when the markers are missing."""
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + block + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the block instead of writing README.md")
    args = parser.parse_args(argv)
    block = section()
    if args.print:
        print(block)
        return 0
    text = README.read_text(encoding="utf-8")
    try:
        README.write_text(replace_block(text, block), encoding="utf-8")
    except ValueError:
        print(f"README.md has no {BEGIN!r} ... {END!r} block: add the two lines to its data section", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
