"""Business-hours calendars and the clocks that measure elapsed time on them.

docs/definitions.md §3: a :class:`Calendar` (a :class:`Week` in an IANA timezone,
``+`` :class:`Holidays`, ``-`` :class:`Closed` dates, ``+`` :class:`Special`
dates) and the clocks ``wall``, ``business`` and ``deferred_start``; a team's
:class:`CalendarHistory` measures them across its changes of hours.

>>> from datetime import datetime
>>> store = Calendar("Europe/Paris", Week.every_day(("09:00", "19:00")))
>>> a = datetime.fromisoformat("2026-03-02T20:30:00+01:00")
>>> b = datetime.fromisoformat("2026-03-03T09:05:00+01:00")
>>> [clock_named(n).elapsed(store, a, b) for n in ("wall", "business", "deferred_start")]
[45300.0, 300.0, 300.0]
"""

from salesmetrics.calendars._calendar import Calendar
from salesmetrics.calendars._clocks import (
    BUSINESS,
    CLOCKS,
    DEFERRED_START,
    WALL,
    BusinessClock,
    Clock,
    DeferredStartClock,
    WallClock,
    clock_named,
)
from salesmetrics.calendars._days import Closed, Special
from salesmetrics.calendars._history import CalendarHistory, Piece, measure_pieces
from salesmetrics.calendars._holidays import Holidays
from salesmetrics.calendars._ranges import TimeRange, Week

__all__ = [
    "BUSINESS",
    "CLOCKS",
    "DEFERRED_START",
    "WALL",
    "BusinessClock",
    "Calendar",
    "CalendarHistory",
    "Clock",
    "Closed",
    "DeferredStartClock",
    "Holidays",
    "Piece",
    "Special",
    "TimeRange",
    "WallClock",
    "Week",
    "clock_named",
    "measure_pieces",
]
