"""Named exceptions raised by the core; the UI turns them into messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class GeoError(Exception):
    """Base class of every error the core raises on purpose."""


class DataError(GeoError):
    """A shipped data file is missing or invalid: names the file, the row of a table (as a spreadsheet numbers it:
    the header is row 1), the feature and the field."""

    def __init__(self, file: str, message: str, feature: str | None = None, field: str | None = None, row: int | None = None):
        self.file, self.feature, self.field, self.message, self.row = file, feature, field, message, row
        where = file
        if row is not None:
            where += f", row {row}" + (f" ({feature})" if feature else "")
        elif feature is not None:
            where += f", feature {feature}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")


class DataErrors(DataError):
    """Several mistakes in the data, all of them in ``errors``; it reads as the first one and their count."""

    def __init__(self, errors: list[DataError]):
        first = errors[0]
        self.errors = list(errors)
        more = len(errors) - 1
        super().__init__(
            first.file,
            f"{first.message} (and {more} more mistake{'s' * (more != 1)}: python -m geo check lists them all)",
            first.feature,
            first.field,
            first.row,
        )


class Catalogued(GeoError):
    """An error whose words are in the catalogue (geo/error_messages.py): a key and its fields. ``str()`` is the
    English text (for logs and tests), ``message(lang)`` the page's or the command line's. A field given as
    ``{"zh": ..., "en": ...}`` is read in the message's language.

    ``generic`` (a class's key) covers text raised the old way (``Error("...")``, not a key): ``str()`` keeps
    that text, ``message(lang)`` says the generic message, so no English sentence reaches a Chinese page."""

    generic = "err_generic"

    def __init__(self, key: str, **fields: object):
        from geo.error_messages import ERROR_MESSAGES

        self.text: str | None = None if key in ERROR_MESSAGES else key
        self.key, self.fields = (key, fields) if self.text is None else (self.generic, {})
        super().__init__(self.text if self.text is not None else self.message("en"))

    def __reduce__(self):  # rebuilt from its key and fields: a render's child process sends it back as itself
        return _rebuild, (type(self), self.text or self.key, self.fields)

    def message(self, lang: str) -> str:
        from geo import i18n

        fields = {k: v[i18n.normalize_lang(lang)] if isinstance(v, dict) else v for k, v in self.fields.items()}
        return i18n.t(self.key, lang).format(**fields)


def _rebuild(kind: type[Catalogued], key: str, fields: dict) -> Catalogued:
    return kind(key, **fields)


def message_of(exc: BaseException, lang: str) -> str:
    """``exc`` in ``lang``: its catalogued ``message(lang)`` when it has one, else its text."""
    message = getattr(exc, "message", None)
    return message(lang) if callable(message) else str(exc)


class AssetError(GeoError):
    """A map asset would be loaded from outside the app (a CDN) or is missing."""


class StoreUnavailable(Catalogued):
    """The workspace store cannot be reached or opened (PostgreSQL down, an SQLite file that cannot be opened).
    Its message names no host, port or path (the cause, chained, is for the server log); the page shows the
    map without the store and tries again on the next action."""

    def __init__(self, key: str = "err_store_unavailable", **fields: object):
        super().__init__(key, **fields)


def driver_errors() -> tuple[type[BaseException], ...]:
    """The database drivers' errors that mean "the store is not there" (not a bad request)."""
    import sqlite3

    kinds: list[type[BaseException]] = [OSError, sqlite3.OperationalError]
    try:
        import psycopg
    except ImportError:
        pass
    else:
        kinds.append(psycopg.OperationalError)
    return tuple(kinds)


@contextmanager
def store_guard() -> Iterator[None]:
    """Turn the drivers' connection errors raised inside into :class:`StoreUnavailable`."""
    try:
        yield
    except driver_errors() as exc:
        raise StoreUnavailable() from exc
