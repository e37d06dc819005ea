"""Parsing instants and dates from input, with the case format's errors.

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

import functools
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, available_timezones

from salesmetrics.errors import SalesmetricsError

__all__ = [
    "MAX_INSTANT",
    "MAX_YEAR",
    "MIN_INSTANT",
    "MIN_YEAR",
    "before_us",
    "check_instant",
    "epoch_us",
    "epochs_us",
    "format_instant",
    "parse_date",
    "parse_instant",
    "parse_timezone",
    "strict_date",
]

#: The years a date may fall in: those the calendars support, with a day of
#: margin on each side of datetime's range, so that next days never overflow.
MIN_YEAR = 2
MAX_YEAR = 9998

#: The instants accepted: a day inside the years 2..9998 on each side, so
#: that an instant's local date in *any* timezone (offsets are under 24 h)
#: is in those years: offsets, calendars' local years, next days and clocks
#: never overflow. ``MAX_INSTANT`` itself is refused.
MIN_INSTANT = datetime(MIN_YEAR, 1, 2, tzinfo=UTC)
MAX_INSTANT = datetime(MAX_YEAR, 12, 31, tzinfo=UTC)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


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
    # years 3..9997 as written are inside the range whatever the offset (< 24 h):
    # only the first and last years need the (slower) comparison of instants
    if not MIN_YEAR < dt.year < MAX_YEAR and not MIN_INSTANT <= dt < MAX_INSTANT:
        raise SalesmetricsError(
            "invalid_instant", path,
            f"instant {value!r} is outside the supported range: from "
            f"{MIN_INSTANT.isoformat()} to before {MAX_INSTANT.isoformat()}")
    return dt


def check_instant(value: object, path: str) -> datetime:
    """A datetime given by a caller (``as_of``, ``at``, a period's bound), checked.

    It must be an aware :class:`~datetime.datetime` in the supported range.

    >>> check_instant(datetime(2026, 3, 2), "as_of")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: as_of: naive instant datetime.datetime(2026, 3, 2, 0, 0), add an offset

    Raises:
        SalesmetricsError: ``invalid_instant`` at ``path``.
    """
    if not isinstance(value, datetime):
        raise SalesmetricsError("invalid_instant", path,
                                f"an instant is an aware datetime, not {type(value).__name__}")
    return parse_instant(value, path)


def strict_date(value: object) -> date | None:
    """The date of a ``YYYY-MM-DD`` string (or a date), else None: no other ISO spelling.

    ``date.fromisoformat`` also reads week dates (``2026-W10-1``) and basic
    forms; refusing them keeps one spelling per day.

    >>> strict_date("2026-03-02"), strict_date("2026-W10-1"), strict_date("2026-02-30")
    (datetime.date(2026, 3, 2), None, None)
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def parse_date(value: object, path: str, code: str = "invalid_value") -> date:
    """A date from ``YYYY-MM-DD``.

    >>> parse_date("2026-02-29", "closed[0]")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: closed[0]: not a YYYY-MM-DD date: '2026-02-29'
    """
    parsed = strict_date(value)
    if parsed is not None:
        if MIN_YEAR <= parsed.year <= MAX_YEAR:
            return parsed
        raise SalesmetricsError(code, path,
                                f"date {value!r} is outside the years {MIN_YEAR}..{MAX_YEAR}")
    raise SalesmetricsError(code, path, f"not a YYYY-MM-DD date: {value!r}")


#: datetime's ordinal of 1970-01-01.
_EPOCH_ORDINAL = 719163
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)


def epoch_us(dt: datetime) -> int:
    """An aware instant as integer microseconds since 1970-01-01T00:00:00Z.

    Exact over the whole supported range (a float timestamp is not: past the
    year 2243 it cannot tell microseconds apart), and what the walks compare:
    two integers compare in a few nanoseconds, two aware datetimes of
    different ``tzinfo`` objects in about a microsecond.

    >>> from datetime import timezone, timedelta
    >>> epoch_us(datetime(1970, 1, 1, 1, tzinfo=timezone(timedelta(hours=1))))
    0
    >>> epoch_us(datetime(9998, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)) - \\
    ...     epoch_us(datetime(9998, 12, 30, 23, 59, 59, 999998, tzinfo=UTC))
    1
    """
    off = dt.utcoffset()
    assert off is not None, "an aware instant"
    return (((dt.toordinal() - _EPOCH_ORDINAL) * 86400 + dt.hour * 3600 + dt.minute * 60
             + dt.second - off.days * 86400 - off.seconds) * 1_000_000
            + dt.microsecond - off.microseconds)


def before_us(stop_us: int, as_of: datetime | None) -> int:
    """``epoch_us(t) < stop_us and t <= as_of`` as ``epoch_us(t) < before_us(stop_us, as_of)``.

    >>> before_us(10, None), before_us(10, datetime(1970, 1, 1, tzinfo=UTC))
    (10, 1)
    """
    return stop_us if as_of is None else min(stop_us, epoch_us(as_of) + 1)


def epochs_us(instants: Iterable[datetime]) -> list[int]:
    """:func:`epoch_us` of many instants, reading each fixed offset once.

    A ``datetime.timezone`` (what the loaders give, one object per offset)
    has one offset whatever the instant: each instant is subtracted from the
    epoch written in its own zone, which Python does on the wall clocks
    alone when both share the tzinfo object. Other zones (``ZoneInfo``) are
    asked at each instant.

    >>> from datetime import timezone, timedelta
    >>> paris = timezone(timedelta(hours=1))
    >>> epochs_us([datetime(1970, 1, 1, 1, tzinfo=paris), datetime(1970, 1, 1, tzinfo=UTC)])
    [0, 0]
    """
    epochs: dict[int, datetime] = {}  # id(tzinfo) -> the epoch in that zone (keeps it alive)
    out: list[int] = []
    append = out.append
    for dt in instants:
        tz = dt.tzinfo
        epoch = epochs.get(id(tz))
        if epoch is None:
            if type(tz) is not timezone:
                append(epoch_us(dt))
                continue
            epoch = epochs[id(tz)] = _EPOCH.astimezone(tz)
        append((dt - epoch) // _ONE_US)
    return out


def format_instant(dt: datetime) -> str:
    """An instant as ISO 8601 text, keeping its offset (``Z`` never used).

    >>> from datetime import timezone
    >>> format_instant(datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    '2026-03-02T09:00:00+00:00'
    """
    return dt.isoformat()


@functools.cache
def _timezones() -> frozenset[str]:
    # "localtime" is the machine's own zone (global state), not an IANA name
    return frozenset(available_timezones() - {"localtime", "posixrules"})


def parse_timezone(value: object, path: str, code: str = "invalid_value") -> ZoneInfo:
    """The :class:`~zoneinfo.ZoneInfo` of an IANA timezone name; the one timezone check.

    Only names of the timezone database are accepted (``"UTC"`` included):
    not a folder of it (``"Europe"``), a path, or any other text.

    >>> parse_timezone("Europe/Paris", "timezone")
    zoneinfo.ZoneInfo(key='Europe/Paris')
    >>> parse_timezone("Europe", "calendars.c.timezone", "invalid_calendar")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: calendars.c.timezone: unknown timezone 'Europe'; use an IANA name (Europe/Paris)
    """
    if isinstance(value, str) and value in _timezones():
        try:
            return ZoneInfo(value)
        except (ValueError, OSError):  # pragma: no cover - a listed name always loads
            pass
    raise SalesmetricsError(code, path,
                            f"unknown timezone {value!r}; use an IANA name (Europe/Paris)")
