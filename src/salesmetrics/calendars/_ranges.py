"""Local time ranges and the weekly schedule: the tz-free parts of a calendar.

>>> TimeRange("22:00", "06:00")
TimeRange('22:00', '06:00')
>>> TimeRange("22:00", "06:00").overnight, TimeRange("09:00", "24:00").overnight
(True, False)
>>> Week.weekdays(("09:00", "12:00"), ("13:00", "18:00")).mon
(TimeRange('09:00', '12:00'), TimeRange('13:00', '18:00'))
>>> Week.weekdays(("09:00", "18:00")).sat
()
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

import attrs

__all__ = ["DAY", "WEEKDAYS", "RangeLike", "TimeRange", "Week", "parse_clock_time"]

DAY = 86_400
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday keys, in ``date.weekday()`` order."""

_CLOCK = re.compile(r"(\d\d):(\d\d)(?::(\d\d))?")


def parse_clock_time(value: object, *, end: bool = False) -> int:
    """Seconds after local midnight of ``"HH:MM"`` / ``"HH:MM:SS"`` (or a ``time``).

    ``"24:00"`` (midnight at the end of the day, 86,400) is allowed only when
    ``end`` is true.

    Raises:
        ValueError: not a clock time, hour above 23, minute or second above
            59, or ``24:00`` where a start is expected.

    >>> parse_clock_time("09:30"), parse_clock_time("09:30:15")
    (34200, 34215)
    >>> parse_clock_time("24:00", end=True)
    86400
    >>> parse_clock_time("24:00")
    Traceback (most recent call last):
    ...
    ValueError: '24:00' is allowed only as the end of a range
    """
    if isinstance(value, datetime.time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"a clock time is 'HH:MM' or 'HH:MM:SS', not {value!r}")
    if isinstance(value, int):
        if not 0 <= value <= (DAY if end else DAY - 1):
            raise ValueError(f"seconds after midnight out of range: {value!r}")
        return value
    match = _CLOCK.fullmatch(value)
    if match is None:
        raise ValueError(f"a clock time is 'HH:MM' or 'HH:MM:SS', not {value!r}")
    hour, minute, second = (int(g) if g else 0 for g in match.groups())
    if hour == 24 and minute == 0 and second == 0:
        if not end:
            raise ValueError(f"{value!r} is allowed only as the end of a range")
        return DAY
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"not a clock time: {value!r}")
    return hour * 3600 + minute * 60 + second


def _format(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


def _start(value: object) -> int:
    return parse_clock_time(value)


def _end(value: object) -> int:
    return parse_clock_time(value, end=True)


@attrs.frozen(repr=False)
class TimeRange:
    """Open hours from a local start time to a local end time, on the date it starts.

    An end that is not after the start runs past midnight into the next day:
    ``("22:00", "06:00")`` is overnight and ``("08:00", "08:00")`` lasts 24
    hours. ``"24:00"`` is allowed as an end only. Times are ``"HH:MM"``,
    ``"HH:MM:SS"``, :class:`datetime.time` or seconds after midnight; they are
    stored as seconds after midnight.

    Raises:
        ValueError: a malformed time (see :func:`parse_clock_time`).

    >>> r = TimeRange("22:00", "06:00")
    >>> r.start, r.end, r.wall_seconds
    (79200, 21600, 28800)
    >>> TimeRange("08:00", "08:00").wall_seconds
    86400
    """

    start: int = attrs.field(converter=_start)
    end: int = attrs.field(converter=_end)

    @property
    def overnight(self) -> bool:
        """Whether the range ends on the next day (its end is not after its start)."""
        return self.end <= self.start

    @property
    def wall_seconds(self) -> int:
        """Its length in wall-clock seconds (ignoring any DST change)."""
        return self.end - self.start + (DAY if self.overnight else 0)

    def __repr__(self) -> str:
        return f"TimeRange({_format(self.start)!r}, {_format(self.end)!r})"


RangeLike: TypeAlias = TimeRange | tuple[Any, Any] | list[Any]
"""A :class:`TimeRange` or a ``(start, end)`` pair of clock times."""


def to_range(value: RangeLike) -> TimeRange:
    """A :class:`TimeRange` from itself or a ``(start, end)`` pair."""
    if isinstance(value, TimeRange):
        return value
    if isinstance(value, str) or not isinstance(value, tuple | list) or len(value) != 2:
        raise ValueError(f"a range is a (start, end) pair of clock times, not {value!r}")
    return TimeRange(value[0], value[1])


def to_ranges(values: Iterable[RangeLike]) -> tuple[TimeRange, ...]:
    """A tuple of ranges, sorted and without duplicates (order never matters)."""
    return tuple(sorted({to_range(v) for v in values}, key=lambda r: (r.start, r.end)))


@attrs.frozen
class Week:
    """The weekly schedule: the open ranges that start on each weekday.

    Each day holds zero or more :class:`TimeRange` (given as ranges or
    ``(start, end)`` pairs). Ranges may overlap, also across midnight: open
    hours are their union. ``+`` adds two weeks day by day (their union).

    >>> w = Week(mon=[("09:00", "12:00")]) + Week(mon=[("13:00", "18:00")])
    >>> w.mon
    (TimeRange('09:00', '12:00'), TimeRange('13:00', '18:00'))
    >>> w.day(0) == w.mon, w.day(6)
    (True, ())
    """

    mon: tuple[TimeRange, ...] = attrs.field(default=(), converter=to_ranges)
    tue: tuple[TimeRange, ...] = attrs.field(default=(), converter=to_ranges)
    wed: tuple[TimeRange, ...] = attrs.field(default=(), converter=to_ranges)
    thu: tuple[TimeRange, ...] = attrs.field(default=(), converter=to_ranges)
    fri: tuple[TimeRange, ...] = attrs.field(default=(), converter=to_ranges)
    sat: tuple[TimeRange, ...] = attrs.field(default=(), converter=to_ranges)
    sun: tuple[TimeRange, ...] = attrs.field(default=(), converter=to_ranges)

    @classmethod
    def every_day(cls, *ranges: RangeLike) -> Week:
        """The same ranges on all seven days.

        >>> Week.every_day(("00:00", "24:00")).sun
        (TimeRange('00:00', '24:00'),)
        """
        return cls(*([ranges] * 7))

    @classmethod
    def weekdays(cls, *ranges: RangeLike) -> Week:
        """The same ranges Monday to Friday, closed on the weekend."""
        return cls(*([ranges] * 5))

    @classmethod
    def from_mapping(cls, days: Mapping[str, Iterable[RangeLike]]) -> Week:
        """A week from ``{"mon": [("09:00", "18:00")], ...}`` (missing days closed).

        Raises:
            ValueError: a key that is not a weekday (``mon`` … ``sun``).
        """
        unknown = [k for k in days if k not in WEEKDAYS]
        if unknown:
            raise ValueError(f"unknown weekday {unknown[0]!r}; use {', '.join(WEEKDAYS)}")
        return cls(**{k: tuple(v) for k, v in days.items()})

    def day(self, weekday: int) -> tuple[TimeRange, ...]:
        """The ranges of a weekday, 0 = Monday (as ``date.weekday()``)."""
        ranges: tuple[TimeRange, ...] = getattr(self, WEEKDAYS[weekday])
        return ranges

    @property
    def is_empty(self) -> bool:
        """Whether no day has any range."""
        return not any(self.day(i) for i in range(7))

    @property
    def is_always_open(self) -> bool:
        """Whether every day is open around the clock.

        >>> Week.every_day(("00:00", "00:00")).is_always_open
        True
        """
        return all(any(r.start == 0 and r.wall_seconds >= DAY for r in self.day(i))
                   for i in range(7))

    def __add__(self, other: object) -> Week:
        if not isinstance(other, Week):
            return NotImplemented
        return Week(*(self.day(i) + other.day(i) for i in range(7)))
