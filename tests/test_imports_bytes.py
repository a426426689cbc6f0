"""A UTF-8 CSV is read by Arrow straight from its bytes (``readers.read_utf8_csv``): no str of the whole file in
the worker. Whatever the file holds, that path gives exactly the table the text path gives, or steps aside."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.imports import pipeline, readers
from geo.imports.result import ImportFailed

CELL = st.text(alphabet=st.sampled_from(list('ab 北京,";\t\r\n\u3000é1.-')), max_size=8)


def text_path(data: bytes):
    text, _ = readers.decode(data)
    return readers.read_csv(text)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=6), crlf=st.booleans())
def test_the_byte_path_gives_the_text_paths_table_or_steps_aside(rows, crlf):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    data = out.getvalue().encode("utf-8")
    try:
        expected = text_path(data)
    except ImportFailed as exc:
        try:
            got = readers.read_utf8_csv(data)
        except ImportFailed as mine:
            assert mine.code == exc.code
        else:
            assert got is None  # stepped aside: the text path says what is wrong
        return
    got = readers.read_utf8_csv(data)
    if got is not None:
        assert list(got.columns) == list(expected.columns)
        assert got.astype(object).values.tolist() == expected.astype(object).values.tolist()


def test_a_plain_file_takes_the_byte_path_and_a_row_in_another_encoding_is_still_named():
    good = "编号,名称,经度,纬度\n1,国家会议中心,116.39,40.00\n2,雁栖湖,116.67,40.40\n".encode()
    table = readers.read_utf8_csv(good)
    assert table is not None and table.equals(text_path(good))
    mixed = good + "3,北京饭店,116.41,39.91\n".encode("gbk")
    assert readers.read_utf8_csv(mixed) is None  # Arrow refuses bytes that are not UTF-8: the text path reads it
    with pytest.raises(ImportFailed) as raised:
        pipeline._read_table(mixed, "csv")
    assert raised.value.code == "mixed_encoding" and raised.value.kw["row"] == 4
