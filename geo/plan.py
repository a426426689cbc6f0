"""The plan meeting's text: the sentences that put each feature on the map.

A copy of ``leading-group-meeting-2025-03-17.txt`` ships in ``data/sources`` so the
app never needs the shared folder at run time; tests check the copy is verbatim.
"""

from __future__ import annotations

import re
from functools import lru_cache

from geo.paths import SOURCE_FILE

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def read_source() -> str:
    """Return the meeting text shipped in ``data/sources``."""
    return SOURCE_FILE.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def split_sentences() -> tuple[str, ...]:
    """Split the meeting text into sentences (one per line of prose, split at full stops)."""
    return tuple(s.strip() for s in _SENTENCE_END.split(read_source()) if s.strip())


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace, including the source's no-break spaces, to one space."""
    return " ".join(text.split())


def sentence(phrase: str) -> str:
    """Return, verbatim, the unique sentence of the meeting text that contains ``phrase``.

    ``phrase`` is matched ignoring differences in whitespace (the source uses no-break spaces).
    """
    wanted = normalize_space(phrase)
    hits = [s for s in split_sentences() if wanted in normalize_space(s)]
    if len(hits) != 1:
        raise LookupError(f"{len(hits)} sentences of the plan contain {phrase!r}; expected one")
    return hits[0]
