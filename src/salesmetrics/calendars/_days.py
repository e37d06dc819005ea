"""Days of a calendar: closed dates and special dates (private).

One spelling per day: dates are ``YYYY-MM-DD`` (or :class:`datetime.date`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import attrs

from salesmetrics._time import strict_date
from salesmetrics.calendars._ranges import RangeLike, TimeRange, to_ranges

__all__ = ["Closed", "Special", "to_date"]


def to_date(value: object) -> datetime.date:
    day = strict_date(value)
    if day is None:
        raise ValueError(f"not a YYYY-MM-DD date: {value!r}")
    return day


def to_dates(values: Iterable[object]) -> tuple[datetime.date, ...]:
    return tuple(sorted({to_date(v) for v in values}))


@attrs.frozen(init=False)
class Closed:
    """Extra dates closed all day (subtract them from a calendar with ``-``).

    An overnight range of the day before still runs into a closed date.

    >>> Closed("2026-12-24", datetime.date(2026, 12, 26))
    Closed(dates=(datetime.date(2026, 12, 24), datetime.date(2026, 12, 26)))
    """

    dates: tuple[datetime.date, ...]

    def __init__(self, *dates: datetime.date | str) -> None:
        self.__attrs_init__(to_dates(dates))


@attrs.frozen(init=False)
class Special:
    """A date with its own open ranges (add it to a calendar with ``+``).

    Its ranges replace those of the week and of any holiday or closed date
    on that date; with no ranges the date is closed. The ranges that start
    on the day before still run into it.

    >>> Special("2026-12-24", ("09:00", "12:00"))
    Special(date=datetime.date(2026, 12, 24), ranges=(TimeRange('09:00', '12:00'),))
    """

    date: datetime.date
    ranges: tuple[TimeRange, ...]

    def __init__(self, date: datetime.date | str, *ranges: RangeLike) -> None:
        self.__attrs_init__(to_date(date), to_ranges(ranges))
