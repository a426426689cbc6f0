"""The importer's problems, bilingual, and a bounded log of them.

A hostile file can have a problem on every one of its 200,000 rows. The log counts every problem by kind
(severity, code, field) but keeps only the first ``MAX_PER_KIND`` of each kind, and ``MAX_KEPT`` in all,
with their row and field; the rest become one line per kind, "and 199,900 more problems of this kind".
What an import result holds is therefore bounded whatever the file, and its counts stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geo import i18n

MAX_PER_KIND = 100  # problems of one kind kept with their row and field (stated in the README)
MAX_KEPT = 1_000  # problems kept in all


def message(code: str, lang: str, **kw) -> str:
    """The importer's message ``code`` in ``lang``; a Problem among ``kw`` is written in ``lang`` too."""
    zh, en = i18n.IMPORT_MESSAGES[code]
    kw = {k: v.text(lang) if isinstance(v, Problem) else v for k, v in kw.items()}
    return (zh if i18n.normalize_lang(lang) == "zh" else en).format(**kw)


def _where(where: str, lang: str) -> str:
    kind, _, num = where.partition(" ")
    if lang == "zh":
        return {"row": f"第 {num} 行", "feature": f"第 {num} 个要素"}.get(kind, where)
    return where


@dataclass
class Problem:
    """One problem with one row or feature (or the whole file when ``where`` is None)."""

    code: str
    where: str | None = None  # "row 7", "feature 3"
    column: str | None = None  # the field
    severity: str = "error"  # "error": row dropped; "warning": row kept
    kw: dict = field(default_factory=dict)

    @property
    def kind(self) -> tuple[str, str, str | None]:
        return self.severity, self.code, self.column

    def text(self, lang: str) -> str:
        parts = []
        if self.where:
            parts.append(_where(self.where, lang))
        if self.column:
            column = "几何" if lang == "zh" and self.column == "geometry" else self.column
            parts.append(f"字段“{column}”" if lang == "zh" else f"field {column!r}")
        prefix = ("，".join(parts) + "：") if lang == "zh" and parts else (", ".join(parts) + ": " if parts else "")
        return prefix + message(self.code, lang, **self.kw)


class ProblemLog:
    """Problems as a reader finds them (``append``), counted by kind, kept up to a bound (see the module)."""

    def __init__(self, per_kind: int = MAX_PER_KIND, limit: int = MAX_KEPT):
        self.per_kind, self.limit = per_kind, limit
        self.kept: list[Problem] = []
        self.counts: dict[tuple, int] = {}  # kind -> problems found, kept or not
        self.first: dict[tuple, Problem] = {}  # kind -> its first problem (one per kind: bounded by the kinds)

    def append(self, problem: Problem) -> None:
        kind = problem.kind
        seen = self.counts.get(kind, 0) + 1
        self.counts[kind] = seen
        if seen == 1:
            self.first[kind] = problem
        if seen <= self.per_kind and len(self.kept) < self.limit:
            self.kept.append(problem)

    def __len__(self) -> int:
        return sum(self.counts.values())

    def totals(self) -> dict[str, int]:
        """Problems found per severity, every one counted."""
        out: dict[str, int] = {}
        for (severity, _, _), n in self.counts.items():
            out[severity] = out.get(severity, 0) + n
        return out

    def listed(self) -> list[Problem]:
        """The kept problems, the last of each kind followed by a line counting the ones not kept."""
        kept: dict[tuple, int] = {}
        for p in self.kept:
            kept[p.kind] = kept.get(p.kind, 0) + 1
        last = {p.kind: i for i, p in enumerate(self.kept)}
        out = []
        for i, p in enumerate(self.kept):
            out.append(p)
            if last[p.kind] == i and self.counts[p.kind] > kept[p.kind]:
                out.append(Problem("more", None, p.column, p.severity, {"count": f"{self.counts[p.kind] - kept[p.kind]:,}"}))
        for kind, n in self.counts.items():  # kinds found after the overall limit: one line each, with an example
            if kind not in kept:
                out.append(Problem("more_like", None, None, kind[0], {"count": f"{n:,}", "example": self.first[kind]}))
        return out
