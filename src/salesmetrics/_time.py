"""Parsing instants and dates from input, with FIXTURES.md's errors.

>>> parse_instant("2026-03-02T20:30:00+01:00", "messages[0].at").isoformat()
'2026-03-02T20:30:00+01:00'
>>> parse_instant("2026-03-02T20:30:00Z", "x").utcoffset()
datetime.timedelta(0)
>>> parse_instant("2026-03-02T20:30:00", "messages[3].at")
Traceback (most recent call last):
...
salesmetrics.errors.SalesmetricsError: messages[3].at: naive instant '2026-03-02T20:30:00', add an offset
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime

from salesmetrics.errors import SalesmetricsError

__all__ = ["MAX_YEAR", "MIN_YEAR", "format_instant", "parse_date", "parse_instant"]

#: The years an instant (in UTC) or a date may fall in: those the calendars
#: support, with a day of margin on each side of datetime's range, so that
#: offsets, next days and clocks never overflow.
MIN_YEAR = 2
MAX_YEAR = 9998


def parse_instant(value: object, path: str) -> datetime:
    """An aware datetime from an ISO 8601 string with an offset (or an aware datetime).

    Raises:
        SalesmetricsError: ``invalid_instant`` when the value is not an ISO
            8601 instant, or has no offset (naive).
    """
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        text = value.strip()
        if len(text) < 10 or not text[:4].isdigit():
            raise SalesmetricsError(
                "invalid_instant", path, f"not an ISO 8601 instant: {value!r}"
            )
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise SalesmetricsError(
                "invalid_instant", path, f"not an ISO 8601 instant: {value!r}"
            ) from None
    else:
        raise SalesmetricsError(
            "invalid_instant", path,
            f"an instant must be an ISO 8601 string with an offset, not {type(value).__name__}",
        )
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise SalesmetricsError("invalid_instant", path, f"naive instant {value!r}, add an offset")
    if not (MIN_YEAR <= dt.year <= MAX_YEAR and MIN_YEAR <= dt.astimezone(UTC).year <= MAX_YEAR):
        raise SalesmetricsError("invalid_instant", path,
                                f"instant {value!r} is outside the years {MIN_YEAR}..{MAX_YEAR}")
    return dt


def parse_date(value: object, path: str, code: str = "invalid_value") -> date:
    """A date from ``YYYY-MM-DD``.

    >>> parse_date("2026-02-29", "closed[0]")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: closed[0]: not a YYYY-MM-DD date: '2026-02-29'
    """
    parsed: date | None = None
    if isinstance(value, date) and not isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and len(value) == 10:
        with contextlib.suppress(ValueError):
            parsed = date.fromisoformat(value)
    if parsed is not None:
        if MIN_YEAR <= parsed.year <= MAX_YEAR:
            return parsed
        raise SalesmetricsError(code, path,
                                f"date {value!r} is outside the years {MIN_YEAR}..{MAX_YEAR}")
    raise SalesmetricsError(code, path, f"not a YYYY-MM-DD date: {value!r}")


def format_instant(dt: datetime) -> str:
    """An instant as ISO 8601 text, keeping its offset (``Z`` never used).

    >>> from datetime import timezone
    >>> format_instant(datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    '2026-03-02T09:00:00+00:00'
    """
    return dt.isoformat()
