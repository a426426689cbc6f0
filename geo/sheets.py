"""Tables a person opens in a spreadsheet: every text cell and every column name made inert.

Excel, LibreOffice, WPS and Google Sheets run a cell that starts with ``=`` ``+`` ``-`` ``@`` (and, per OWASP,
a tab or carriage return) as a formula; ``=cmd|' /C calc'!A0`` or ``=HYPERLINK(...)`` in an imported file or a
workspace property would run on the planner's machine (CSV injection). Some locales of Excel and WPS take the
full-width ``＝ ＋ － ＠`` as formula starts too, and some importers trim leading spaces first.

A cell is more than its start: a line break inside a value is a new row to any reader that does not honour
CSV quoting (and a bare ``\\r`` was written unquoted, so Excel itself began a row there), so the text after
every line break (``\\r``, ``\\n``, ``\\r\\n``, vertical tab, form feed, U+2028/U+2029...) is treated as a
cell start as well. Each such start gets a ``'`` in front (OWASP's advice: the cell reads as text, nothing is
lost). Only strings change: a real number such as -3.5 stays a number.

:func:`neutralize` is the one rule; every sheet sink uses it: :func:`csv_bytes` (the map's data export, the
workspace export, the venue table download). Nothing in the project writes XLSX; a future XLSX writer must
run every cell and header through :func:`neutralize` and store cells as strings (openpyxl takes any ``str``
starting with ``=`` for a formula; after :func:`neutralize` none does).
"""

from __future__ import annotations

import io
import re

import pandas as pd

#: characters that make a spreadsheet cell a formula (ASCII per OWASP, plus the full-width forms)
FORMULA_START = "=+-@\t\r" + "\uff1d\uff0b\uff0d\uff20"
#: every line break Python's str.splitlines knows (CSV readers, Excel, editors each honour some of them)
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_FORMULA = re.escape(FORMULA_START.replace("\r", ""))
_BLANK = "[^\\S" + re.escape(LINE_BREAKS) + "]*"  # spaces an importer may trim, not line breaks
# a cell start (the value's start, or just after a line break) followed by a formula character
_CELL_START = re.compile(
    "^(?=[" + re.escape(FORMULA_START + LINE_BREAKS) + "])"
    "|^(?=" + _BLANK + "[" + _FORMULA + "])"
    "|(?<=[" + re.escape(LINE_BREAKS) + "])(?=" + _BLANK + "[" + _FORMULA + "])"
)
_ANY_BREAK = re.compile("[" + re.escape(LINE_BREAKS) + "]")
_RISKY_FIRST = frozenset(FORMULA_START + LINE_BREAKS)


def neutralize(value):
    """``value`` safe for a spreadsheet cell or column name: a ``'`` before every formula start in a string
    (its beginning and the text after each line break); anything else (numbers, dates, missing values) as is."""
    if not isinstance(value, str):
        return value
    first = value[:1]
    if first not in _RISKY_FIRST and not first.isspace() and not _ANY_BREAK.search(value):
        return value  # the common case, 4x faster than the substitution (an export runs this on every cell)
    return _CELL_START.sub("'", value)


def csv_bytes(table: pd.DataFrame) -> bytes:
    """``table`` as CSV for Excel: every cell and column name neutralised, UTF-8 with a BOM (Excel then reads
    Chinese correctly), CRLF rows (RFC 4180; the csv writer then quotes any value holding a ``\\r`` or ``\\n``)."""
    table = table.map(neutralize)
    table.columns = [neutralize(str(c)) for c in table.columns]
    buf = io.StringIO()
    table.to_csv(buf, index=False, lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")
