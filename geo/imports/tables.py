"""Tables (CSV, XLSX) parsed and validated a column at a time.

Row by row, a 200,000-row table took most of an import's 30 s. Here pandas' C parser reads the text, numpy turns
the coordinate columns into numbers, shapely builds every point in one call, and the fields are checked a column
at a time. Only the rows with a problem go through the per-row code of ``geo.imports.validation``, in row order,
so every problem keeps its words, its row (as a spreadsheet counts them: the header is row 1), its field and its
place in the ``geo.problems.ProblemLog``.
"""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from pyarrow import csv as pcsv

from geo import datum
from geo.data import CRS
from geo.imports import validation
from geo.imports.limits import MAX_FEATURES, MAX_TEXT, check_features, too_many_rows
from geo.imports.result import ImportFailed
from geo.problems import Problem, ProblemLog

LONG_FIELD = 100_000  # characters: a field this long is left to the csv module (which refuses past 131,072)


# --- parsing ------------------------------------------------------------------------------------------------

#: every character ``str.strip`` removes (``str.isspace``), for Arrow's RE2: a cell of only these is blank
SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_BLANK_RE2 = f"^[{SPACES}]*$"
#: a number ``float`` and Arrow read alike (ASCII digits, an exponent of at most two digits), spaces or tabs around
NUMBER_RE2 = r"^[ \t]*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,2})?[ \t]*$"
STR = pd.StringDtype("pyarrow", na_value=np.nan)  # what pandas makes of a column of texts (``str``)


def _plain_text(text: str) -> bool:
    """No NUL, no carriage return outside a CRLF, no second byte-order mark: nothing the parsers read apart."""
    return "\x00" not in text and text.count("\r") == text.count("\r\n") and not text.startswith("\ufeff")


def _row_count(text: str | bytes) -> int:
    """The rows the csv module would count in a text (or its UTF-8 bytes) without quotes: every line, blank ones
    too."""
    newline = "\n" if isinstance(text, str) else b"\n"
    return text.count(newline) + (1 if text and not text.endswith(newline) else 0)


class _Encoded(io.RawIOBase):
    """A text read as its UTF-8 bytes a piece at a time (Arrow's parser needs no copy of the whole file)."""

    PIECE = 1 << 20  # characters encoded at once

    def __init__(self, text: str):
        self.text, self.at, self.left = text, 0, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while len(self.left) < len(buffer) and self.at < len(self.text):
            self.left += self.text[self.at : self.at + self.PIECE].encode("utf-8")
            self.at += self.PIECE
        n = min(len(buffer), len(self.left))
        buffer[:n], self.left = self.left[:n], self.left[n:]
        return n


def _one_chunk(held: list) -> list:
    """The columns of the table in ``held`` (taken out of it), each joined into one Arrow array (pickled
    without a copy, shared with the layer when every row is kept), one at a time: at most one column is held
    twice."""
    columns = held.pop().columns
    out = []
    for i, column in enumerate(columns):
        columns[i] = None
        out.append(column.combine_chunks())
        del column
    return out


def _arrow_rows(source, delimiter: str, width: int) -> pd.DataFrame | None:
    """Every row of a CSV as texts (``STR`` columns), Arrow's parser reading ``source`` (UTF-8 bytes; ``width``:
    the first line's cells); None when a row is narrower or wider than the first (the C parser then reads it)
    or the parser refuses the bytes."""
    held = [_arrow_parse(source, delimiter, width)]
    if held[0] is None:
        return None
    return pd.DataFrame({i: pd.array(c, dtype=STR) for i, c in enumerate(_one_chunk(held))})


def _text_source(text: str):
    """A text as the UTF-8 bytes Arrow's parser reads, encoded a piece at a time (``_Encoded``)."""
    return pa.PythonFile(io.BufferedReader(_Encoded(text), buffer_size=_Encoded.PIECE), mode="r")


def _arrow_parse(source, delimiter: str, width: int) -> pa.Table | None:
    """A CSV's cells as texts (columns ``c0``...), Arrow's parser reading ``source`` (UTF-8 bytes); None when it
    refuses them (a row of another width, bytes that are not UTF-8)."""
    names = [f"c{i}" for i in range(width)]
    try:
        return pcsv.read_csv(
            source,
            read_options=pcsv.ReadOptions(column_names=names, use_threads=False),  # no thread: the worker's limit
            parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeError):
        return None


def _c_rows(text: str, delimiter: str) -> pd.DataFrame | None:
    """Every row of a CSV (short ones padded), read by pandas' C parser; None when a row is wider than the first."""
    try:
        return pd.read_csv(
            io.StringIO(text), sep=delimiter, header=None, dtype=object, na_filter=False, skip_blank_lines=False, engine="c"
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None


def _blank(column: pd.Series) -> np.ndarray:
    """Where a cell is empty or white space only."""
    if column.dtype == STR:
        return pc.match_substring_regex(pa.array(column), _BLANK_RE2).to_numpy(zero_copy_only=False)
    return np.array([not v.strip() for v in column.to_numpy(dtype=object)], dtype=bool)


def _blank_rows(raw: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty or spaces (the csv module's reader skips them)."""
    blank = np.ones(len(raw), dtype=bool)
    for c in raw.columns:
        blank &= _blank(raw[c])
    return np.flatnonzero(blank)


def _longest(raw: pd.DataFrame) -> int:
    """The length of the longest cell."""
    return max((int(raw[c].str.len().max()) for c in raw.columns if len(raw)), default=0)


def csv_rows(text: str, delimiter: str) -> pd.DataFrame | None:
    """The non-blank rows of a CSV (the header first, each row padded to its width), read by Arrow's parser or
    pandas' C parser; None when the text holds anything the csv module might read otherwise (see ``_plain_text``;
    rows wider than the first line, a blank first line, a field past ``LONG_FIELD``, an unclosed quote): the
    caller reads those with the csv module, as before."""
    if not _plain_text(text):
        return None
    first = text[: text.find("\n")] if "\n" in text else text
    raw = _arrow_rows(_text_source(text), delimiter, first.count(delimiter) + 1)
    raw = _c_rows(text, delimiter) if raw is None else raw
    return None if raw is None else _kept_rows(raw, text)


def csv_rows_utf8(data: bytes, delimiter: str, width: int) -> pd.DataFrame | None:
    """``csv_rows`` of a UTF-8 file (no byte-order mark; ``width``: its first line's cells) read by Arrow from
    its bytes, without the text of the whole file (a str of Chinese text takes twice its UTF-8 size): the same
    rows, as ``_Encoded`` hands Arrow those same bytes. None for anything else: the caller decodes the file and
    reads it as text (``csv_rows``), which also names a row in another encoding."""
    if data.startswith(b"\xef\xbb\xbf") or b"\x00" in data or data.count(b"\r") != data.count(b"\r\n"):
        return None  # what ``_plain_text`` leaves to the csv module, or a text ``readers.decode`` strips first
    raw = _arrow_rows(pa.BufferReader(data), delimiter, width)
    return None if raw is None else _kept_rows(raw, data)


def _kept_rows(raw: pd.DataFrame, text: str | bytes) -> pd.DataFrame | None:
    """The rows read from ``text`` (or its bytes), blank ones dropped; refused past ``MAX_FEATURES``; None when
    the csv module must read the text (see ``csv_rows``)."""
    if len(raw) > MAX_FEATURES + 1:
        if ('"' if isinstance(text, str) else b'"') in text:
            return None  # a quoted field may span lines: the csv module counts the rows
        raise too_many_rows(f"{_row_count(text) - 1:,}")
    blank = _blank_rows(raw)
    if (len(blank) and blank[0] == 0) or _longest(raw) > LONG_FIELD:
        return None  # the header is the first non-blank row, narrower than the first line perhaps
    return raw.drop(index=blank).reset_index(drop=True) if len(blank) else raw


# --- coordinates --------------------------------------------------------------------------------------------


def _numbers(texts: np.ndarray) -> np.ndarray:
    """Each stripped text as ``float`` reads it, NaN where it reads none."""
    try:
        return texts.astype(float)
    except ValueError:
        out = np.full(len(texts), np.nan)
        for i, text in enumerate(texts):
            try:
                out[i] = float(text)
            except ValueError:
                continue
        return out


def _fine_texts(column: pd.Series, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """``_fine`` of a column of texts, by Arrow's kernels: plain numbers (``NUMBER_RE2``) cast at once."""
    text = pa.array(column)
    plain = pc.match_substring_regex(text, NUMBER_RE2)
    numbers = np.array(pc.cast(pc.if_else(plain, pc.utf8_trim(text, " \t"), "nan"), pa.float64()), dtype=float)
    with np.errstate(invalid="ignore"):
        return numbers, np.isfinite(numbers) & (np.abs(numbers) <= limit)


def _fine(column: pd.Series, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """The numbers of a coordinate column, and where each is certainly fine (a finite number within ±``limit``
    that the per-row code would read the same; the rest go through it)."""
    if column.dtype == STR:
        return _fine_texts(column, limit)
    texts = np.array([("" if v is None else str(v)).strip() for v in column.to_numpy(dtype=object)], dtype=object)
    values = _numbers(texts)
    with np.errstate(invalid="ignore"):
        return values, np.isfinite(values) & (np.abs(values) <= limit)


def coordinates(table: pd.DataFrame, lon_col, lat_col, problems: ProblemLog) -> tuple:
    """Longitudes, latitudes and which rows have both; the problem of every other row logged in row order, by
    the per-row code (``validation.coordinate``: one problem per row, the longitude's first); and the numbers as
    cast before those rows were read (NaN where the text is no plain number; ``_notice_swaps`` uses them)."""
    x, x_ok = _fine(table[lon_col], 180)
    y, y_ok = _fine(table[lat_col], 90)
    cast = (x.copy(), y.copy())
    lons, lats = table[lon_col], table[lat_col]
    kept = x_ok & y_ok
    for i in np.flatnonzero(~kept):
        where = f"row {i + 2}"  # row 1 is the header
        lon = validation.coordinate({lon_col: lons.iat[i]}, lon_col, 180, where, problems)
        lat = None if lon is None else validation.coordinate({lat_col: lats.iat[i]}, lat_col, 90, where, problems)
        if lat is not None:
            x[i], y[i], kept[i] = lon, lat, True
    return x, y, kept, cast


def _numeric(column: pd.Series, cast: np.ndarray) -> pd.Series:
    """``pd.to_numeric(column, errors="coerce")`` of a column of texts: the plain numbers Arrow cast
    (``_fine_texts``: not NaN) taken as they are, only the rest read by pandas."""
    out = cast.copy()
    rest = np.flatnonzero(np.isnan(cast))
    if len(rest):
        out[rest] = pd.to_numeric(column.iloc[rest], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(out)


def _notice_swaps(table: pd.DataFrame, lon_col, lat_col, cast: tuple, problems: ProblemLog) -> None:
    """``validation.notice_swaps_and_metres``, its numbers from ``cast`` for columns of texts."""
    numbers = None
    if table[lon_col].dtype == STR and table[lat_col].dtype == STR:
        numbers = (_numeric(table[lon_col], cast[0]), _numeric(table[lat_col], cast[1]))
    validation.notice_swaps_and_metres(table, lon_col, lat_col, problems, numbers)


# --- fields -------------------------------------------------------------------------------------------------


def _clean_column(column: pd.Series) -> tuple[object, np.ndarray]:
    """A field's values as ``validation.clean_value`` keeps them, and where a text was cut."""
    if column.dtype == STR:  # texts only (a CSV): only the long ones change
        cut = (column.str.len() > MAX_TEXT).to_numpy(dtype=bool)
        values = column.array.copy()
        if cut.any():
            values[cut] = [v[:MAX_TEXT] for v in values[cut]]
        return values, cut
    pairs = [validation.clean_value(v) for v in column.to_numpy(dtype=object)]
    out = np.empty(len(pairs), dtype=object)
    out[:] = [v for v, _ in pairs]
    return out, np.array([c for _, c in pairs], dtype=bool)


def _duplicates(values) -> np.ndarray:
    """Where a value (not None) was seen in an earlier row."""
    if getattr(values, "dtype", None) == STR and not values.isna().any():  # each text's first row, by Arrow
        codes = np.asarray(pc.dictionary_encode(values.__arrow_array__()).combine_chunks().indices)
        dup = np.ones(len(codes), dtype=bool)
        dup[np.unique(codes, return_index=True)[1]] = False
        return dup
    present = np.array([v is not None for v in values], dtype=bool)
    dup = np.zeros(len(values), dtype=bool)
    dup[present] = pd.Series(values[present], dtype=object).duplicated().to_numpy()
    return dup


def _labels(prefix: str, numbers: np.ndarray):
    """``prefix`` and each number, as texts (``row 7``, ``#3``)."""
    text = pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")
    return pd.array(text, dtype=STR)


def _names(names, rows: np.ndarray):
    """``_name``: each row's name, or ``#n`` (n counting every row of the table from 1) where it has none."""
    if names is None:
        return _labels("#", rows + 1)
    if getattr(names, "dtype", None) == STR:
        empty = np.asarray(names == "", dtype=bool)
        out = names.copy()
        if empty.any():
            out[empty] = [f"#{i + 1}" for i in rows[empty]]
        return out
    return np.array([str(v) if v not in (None, "") else f"#{i + 1}" for i, v in zip(rows, names)], dtype=object).reshape(-1)


def _kept(column: pd.Series, kept: np.ndarray) -> pd.Series:
    """A column's kept rows; texts in one Arrow chunk, which pickles as it is (pandas joins the chunks of a
    column it pickles: a copy of each, in the worker)."""
    if column.dtype != STR:
        return column[kept]
    text = column.array.__arrow_array__()
    if not kept.all():
        text = text.filter(pa.array(kept))
    return pd.Series(pd.array(text.chunk(0) if text.num_chunks == 1 else text.combine_chunks(), dtype=STR))


class _Fields:
    """The kept rows' fields, cleaned a column at a time, keyed as the per-row code keys them (the first 60
    characters of the column's name, a later column of the same key winning)."""

    def __init__(self, table: pd.DataFrame, skip: tuple, kept: np.ndarray):
        self.names = [str(c) for c in table.columns if c not in skip]
        self.name_key = validation.find_column(self.names, validation.NAME_HEADERS)
        self.id_key = validation.find_column(self.names, validation.ID_HEADERS)
        self.columns: dict[str, np.ndarray] = {}
        self.cut: list[tuple[str, np.ndarray]] = []
        for name in self.names:
            values, cut = _clean_column(_kept(table[name], kept))
            self.columns[name[:60]] = values
            self.cut.append((name, cut))

    def warn(self, rows: np.ndarray, problems: ProblemLog) -> None:
        """Texts cut and repeated IDs, row by row as the per-row code finds them (``rows``: each kept row's
        index in the table)."""
        ids = self.columns.get(self.id_key) if self.id_key else None
        dup = _duplicates(ids) if ids is not None else np.zeros(len(rows), dtype=bool)
        flagged = dup.copy()
        for _, cut in self.cut:
            flagged |= cut
        for k in np.flatnonzero(flagged):
            where = f"row {rows[k] + 2}"
            for name, cut in self.cut:
                if cut[k]:
                    problems.append(Problem("truncated", where, name, "warning", {"limit": MAX_TEXT}))
            if dup[k]:
                problems.append(Problem("duplicate_id", where, self.id_key, "warning", {"value": str(ids[k])[:40]}))

    def frame(self, rows: np.ndarray) -> pd.DataFrame:
        """The fields with ``_name`` (its name column or ``#n``, n counting every row from 1) and ``_where``."""
        out = dict(self.columns)
        out["_name"] = _names(out.get(self.name_key) if self.name_key else None, rows)
        out["_where"] = _labels("row ", rows + 2)
        return pd.DataFrame(out).infer_objects()


class _XYPoints:
    """Row ``i``'s point, made when asked for (the datum-offset sample needs a few, never them all)."""

    def __init__(self, x: np.ndarray, y: np.ndarray):
        self.x, self.y = x, y

    def __getitem__(self, i: int) -> shapely.Point:
        return shapely.Point(self.x[i], self.y[i])


def points_layer(frame: pd.DataFrame, x: np.ndarray, y: np.ndarray) -> gpd.GeoDataFrame:
    """The layer of a table's kept rows: its fields, the points of ``x``/``y`` and ``_outside`` (last, as
    ``validation.finish`` adds it)."""
    gdf = gpd.GeoDataFrame(frame.drop(columns="_outside"), geometry=shapely.points(x, y), crs=CRS)
    gdf["_outside"] = frame["_outside"].to_numpy(dtype=bool)
    return gdf


def _arrow_or_series(column: pd.Series):
    """A column as it pickles without a copy: the Arrow array of a text column in one chunk (pandas would
    copy it into one), else the column."""
    if column.dtype == STR:
        text = column.array.__arrow_array__()
        if text.num_chunks == 1:
            return text.chunk(0)
    return column


def _rebuilt(columns: list[tuple], x: np.ndarray, y: np.ndarray) -> gpd.GeoDataFrame:
    """``points_layer`` of the columns ``PointRows`` pickled."""
    frame = pd.DataFrame({c: pd.array(v, dtype=STR) if isinstance(v, pa.Array) else v for c, v in columns})
    return points_layer(frame, x, y)


class PointRows:
    """A table's kept rows as fields and coordinates: what a worker sends back. It never builds the points
    (200,000 shapely points are 40 MB, more than the parsed file): unpickled, in the server, it is the
    GeoDataFrame ``table_layer`` gives (``points_layer``). Its texts pickle as Arrow arrays, out of band with
    pickle's protocol 5 (``geo.imports.worker``): sent as they are, not copied."""

    def __init__(self, frame: pd.DataFrame, x: np.ndarray, y: np.ndarray):
        self.frame, self.x, self.y = frame, x, y

    def __len__(self) -> int:
        return len(self.frame)

    def __reduce__(self):
        columns = [(c, _arrow_or_series(self.frame[c])) for c in self.frame.columns]
        return _rebuilt, (columns, self.x, self.y)

    def layer(self) -> gpd.GeoDataFrame:
        return points_layer(self.frame, self.x, self.y)


def _finish(frame: pd.DataFrame, x: np.ndarray, y: np.ndarray, crs: str, problems: ProblemLog, known, boundary) -> PointRows:
    """``validation.finish`` on coordinates: turned to WGS-84, ``_outside`` and its warnings, a datum offset."""
    if crs != "wgs84":
        x, y = datum.to_wgs84(x, y, crs)
    frame["_outside"] = False
    if boundary is not None:
        outside = validation.outside_points(x, y, boundary)
        frame["_outside"] = outside
        validation.warn_outside(frame["_where"], outside, problems)
    if known is not None and crs == "wgs84":
        validation.notice_datum_offset(frame, known, problems, _XYPoints(x, y))
    return PointRows(frame, x, y)


def table_rows(table: pd.DataFrame, crs: str, problems: ProblemLog, known, boundary) -> PointRows | gpd.GeoDataFrame:
    """The rows of a table that can be kept, as ``PointRows`` (an empty GeoDataFrame when none can). It takes
    ``table`` over: its coordinate columns are dropped once read (the import's peak of memory is lower)."""
    lon_col, lat_col = validation.coordinate_columns(table)
    if not len(table):
        raise ImportFailed("no_rows")
    check_features(len(table))
    x, y, kept, cast = coordinates(table, lon_col, lat_col, problems)
    _notice_swaps(table, lon_col, lat_col, cast, problems)
    del cast
    for column in dict.fromkeys((lon_col, lat_col)):  # numbers now: freed before the fields (in place: pandas
        del table[column]  # deprecates drop(inplace=True), and a copy without them would not free them yet)
    rows = np.flatnonzero(kept)
    if not len(rows):
        return gpd.GeoDataFrame(pd.DataFrame([]), geometry=[], crs=CRS)
    fields = _Fields(table, (lon_col, lat_col), kept)
    fields.warn(rows, problems)
    frame = fields.frame(rows)
    del fields
    return _finish(frame, x[rows], y[rows], crs, problems, known, boundary)


def table_layer(table: pd.DataFrame, crs: str, problems: ProblemLog, known, boundary) -> gpd.GeoDataFrame:
    """The rows of a table that can be kept, as ``validation.validate`` makes them of any file."""
    rows = table_rows(table, crs, problems, known, boundary)
    return rows.layer() if isinstance(rows, PointRows) else rows


def _warm_arrow() -> None:
    """Read a one-cell CSV once, when this module is imported. Arrow's CSV reader sets up its thread-local data
    on first use; a worker forked from the server that preloads ``geo.imports`` (``geo.imports.worker``) inherits
    it. Set up in the worker, under its address-space limit, it fails in the dynamic loader, which ends the
    process (exit 127) instead of raising MemoryError."""
    pcsv.read_csv(pa.BufferReader(b"a\n1\n"), read_options=pcsv.ReadOptions(use_threads=False))


_warm_arrow()
