"""What an import gives back: an ``ImportResult``, or ``ImportFailed`` when the file cannot be read at all."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import geopandas as gpd

from geo.errors import GeoError
from geo.problems import Problem, message

#: a file system path in a reader's message (GDAL names its scratch copy: /tmp/bem-import-…/upload.kml)
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][^\s'\"/\\:]+)+[/\\]")


def without_paths(text: str) -> str:
    """``text`` with every directory part of a path removed (the file name stays): a message never shows the
    server's folders to the planner."""
    return _PATH.sub("", text)


class ImportFailed(GeoError):
    """The file cannot be read at all (exit code 2 of ``python -m geo validate``)."""

    def __init__(self, code: str, **kw):
        kw = {k: without_paths(v) if isinstance(v, str) else v for k, v in kw.items()}
        self.code, self.kw = code, kw
        super().__init__(message(code, "en", **kw))

    def text(self, lang: str) -> str:
        """Why the file cannot be read, in ``lang`` (the catalogue's words, ``geo.import_messages``)."""
        return message(self.code, lang, **self.kw)


@dataclass
class ImportResult:
    """The loaded layer and everything noticed on the way."""

    name: str
    format: str
    gdf: gpd.GeoDataFrame
    problems: list[Problem]  # bounded: the first of each kind, then a line counting the rest (geo.problems)
    encoding: str | None = None
    rows_read: int = 0
    counted: dict[str, int] = field(default_factory=dict)  # problems found per severity, every one counted

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def count(self, severity: str) -> int:
        """Every problem of ``severity`` found, listed or only counted."""
        if self.counted:
            return self.counted.get(severity, 0)
        return sum(1 for p in self.problems if p.severity == severity)

    def summary(self, lang: str) -> str:
        return message(
            "summary",
            lang,
            name=self.name,
            loaded=f"{len(self.gdf):,}",
            read=f"{self.rows_read:,}",
            errors=f"{self.count('error'):,}",
            warnings=f"{self.count('warning'):,}",
        )
