"""A deliberately naive oracle for business seconds: walk minute by minute.

It re-implements the rules of docs/definitions.md §3.1 in the plainest way: for every
whole minute of ``[a, b)`` it takes the local date, looks at the ranges that
start on that date and the two days before (special > closed > holiday >
week), turns their local ends into instants with zoneinfo (``fold=0``, the
documented convention), and counts the minute when one range holds it. No
merging, no prefix sums, no year chunks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import holidays

from salesmetrics.calendars import Calendar, Closed, Holidays, Special, Week

Minutes = tuple[int, int]  # (start, end) in minutes after local midnight; end may be 1440


@dataclass
class NaiveCalendar:
    timezone: str
    weekly: list[list[Minutes]]  # index 0 = Monday
    country: tuple[str, str | None] | None = None
    closed: set[dt.date] = field(default_factory=set)
    special: dict[dt.date, list[Minutes]] = field(default_factory=dict)
    _memo: dict[dt.date, list[tuple[float, float]]] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def to_calendar(self) -> Calendar:
        def hhmm(m: int) -> str:
            return f"{m // 60:02d}:{m % 60:02d}"

        def rngs(ms: list[Minutes]) -> list[tuple[str, str]]:
            return [(hhmm(s), hhmm(e)) for s, e in ms]

        cal = Calendar(self.timezone, Week(*(rngs(day) for day in self.weekly)))
        if self.country:
            cal = cal + Holidays(*self.country)
        if self.closed:
            cal = cal - Closed(*self.closed)
        for day, ms in self.special.items():
            cal = cal + Special(day, *rngs(ms))
        return cal

    def ranges_on(self, day: dt.date) -> list[Minutes]:
        if day in self.special:
            return self.special[day]
        if day in self.closed:
            return []
        if self.country and day in holidays.country_holidays(
            self.country[0], subdiv=self.country[1]
        ):
            return []
        return self.weekly[day.weekday()]

    def instants_on(self, day: dt.date) -> list[tuple[float, float]]:
        if day not in self._memo:
            tz = self.tz
            out = []
            for s, e in self.ranges_on(day):
                start = dt.datetime(day.year, day.month, day.day, s // 60, s % 60, tzinfo=tz)
                end_day = day if e > s else day + dt.timedelta(days=1)
                if e == 1440:
                    end_day, e = day + dt.timedelta(days=1), 0
                end = dt.datetime(end_day.year, end_day.month, end_day.day, e // 60, e % 60,
                                  tzinfo=tz)
                out.append((start.timestamp(), end.timestamp()))
            self._memo[day] = out
        return self._memo[day]

    def is_open(self, t: float) -> bool:
        local = dt.datetime.fromtimestamp(t, self.tz).date()
        for back in (2, 1, 0):
            for s, e in self.instants_on(local - dt.timedelta(days=back)):
                if s <= t < e:
                    return True
        return False

    def business_seconds(self, a: int, b: int) -> float:
        """Open seconds of ``[a, b)`` for whole-minute epoch instants ``a <= b``."""
        assert a % 60 == 0 and b % 60 == 0 and a <= b
        return 60.0 * sum(self.is_open(t) for t in range(a, b, 60))
