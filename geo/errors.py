"""Named exceptions raised by the core; the UI turns them into messages."""

from __future__ import annotations


class GeoError(Exception):
    """Base class of every error the core raises on purpose."""


class DataError(GeoError):
    """A shipped data file is missing or invalid: names the file, feature and field."""

    def __init__(self, file: str, message: str, feature: str | None = None, field: str | None = None):
        self.file, self.feature, self.field, self.message = file, feature, field, message
        where = file
        if feature is not None:
            where += f", feature {feature}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")


class AssetError(GeoError):
    """A map asset would be loaded from outside the app (a CDN) or is missing."""
