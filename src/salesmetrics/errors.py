"""Errors: one exception type with a machine code and the place it names.

Every error salesmetrics raises about the caller's input is a
:class:`SalesmetricsError` with

* ``code``: one of :class:`ErrorCode` (the codes of docs/case-format.md),
* ``path``: the place in the input, list items by index and object members by
  key (``messages[3].at``, ``calendars.store.weekly.mon[0]``, ``options.buckets``),
* ``message``: a sentence a person understands.

Loading collects several errors before it stops: the raised error is then a
:class:`DatasetError` whose ``errors`` lists them all (in input order) and whose
own ``code`` and ``path`` are the first one's.

>>> err = SalesmetricsError("invalid_instant", "messages[3].at", "naive instant, add an offset")
>>> str(err)
'messages[3].at: naive instant, add an offset'
>>> err.code, err.path
('invalid_instant', 'messages[3].at')
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

__all__ = ["DatasetError", "ErrorCode", "SalesmetricsError", "join_path", "printable"]


class ErrorCode(StrEnum):
    """The error codes of docs/case-format.md."""

    INVALID_INSTANT = "invalid_instant"
    MISSING_FIELD = "missing_field"
    INVALID_VALUE = "invalid_value"
    DUPLICATE_ID = "duplicate_id"
    UNKNOWN_REFERENCE = "unknown_reference"
    INVALID_CALENDAR = "invalid_calendar"
    INVALID_PERIOD = "invalid_period"
    INVALID_OPTION = "invalid_option"


class SalesmetricsError(ValueError):
    """An input that salesmetrics refuses, with its code and the place it names.

    Args:
        code: an :class:`ErrorCode` (or its string value).
        path: the place in the input (``messages[3].at``); ``""`` for the whole input.
        message: what is wrong, for a person.
    """

    code: str
    path: str
    message: str

    def __init__(self, code: ErrorCode | str, path: str, message: str) -> None:
        self.code = str(ErrorCode(code))
        self.path = printable(path)
        self.message = printable(message)
        path, message = self.path, self.message
        super().__init__(f"{path}: {message}" if path else message)

    def to_dict(self) -> dict[str, str]:
        """The error as the case format's ``{"code", "path", "message"}`` object."""
        return {"code": self.code, "path": self.path, "message": self.message}

    def __reduce__(self) -> tuple[type[SalesmetricsError], tuple[str, str, str]]:
        return (SalesmetricsError, (self.code, self.path, self.message))


class DatasetError(SalesmetricsError):
    """Several input errors found while loading, in input order.

    ``code``, ``path`` and ``message`` are those of the first error; ``errors``
    holds all of them (at most the loader's ``max_errors``).
    """

    errors: tuple[SalesmetricsError, ...]

    def __init__(self, errors: Sequence[SalesmetricsError]) -> None:
        if not errors:
            raise ValueError("DatasetError needs at least one error")
        self.errors = tuple(errors)
        first = self.errors[0]
        super().__init__(first.code, first.path, first.message)
        more = len(self.errors) - 1
        if more:
            self.args = (f"{first.path}: {first.message} (and {more} more error(s))",)

    def __reduce__(self) -> tuple[type[DatasetError], tuple[tuple[SalesmetricsError, ...]]]:  # type: ignore[override]
        return (DatasetError, (self.errors,))


def printable(text: str) -> str:
    """``text`` with lone surrogates spelled ``\\udXXX``: an error must print anywhere.

    A path names input as given (an unknown field ``"\\ud800"``); the input is
    refused, and its error is then written to JSON, a terminal or a log.

    >>> printable("teams[0]." + chr(0xD800))
    'teams[0].\\\\ud800'
    """
    if text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def join_path(base: str, key: str | int) -> str:
    """Extend an error path by an object key or a list index.

    >>> join_path("", "messages")
    'messages'
    >>> join_path("messages", 3)
    'messages[3]'
    >>> join_path("messages[3]", "at")
    'messages[3].at'
    """
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else key
