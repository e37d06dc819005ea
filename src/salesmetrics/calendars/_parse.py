"""The case format's calendar objects → the parts of a calendar, with coded errors and paths.

:meth:`Calendar.from_dict` builds a calendar from these parts; this module
does not know the calendar class, so the two never import each other.

>>> def error_of(data):
...     try:
...         calendar_parts(data, "calendars.store")
...     except SalesmetricsError as exc:
...         return exc.code, exc.path
>>> error_of({"timezone": "Mars/Olympus"})
('invalid_calendar', 'calendars.store.timezone')
>>> error_of({"weekly": {}})
('missing_field', 'calendars.store.timezone')
>>> error_of({"timezone": "UTC", "special": {"2026-12-24": [["09:00", "24:00"], ["24:00", "1"]]}})
('invalid_calendar', 'calendars.store.special.2026-12-24[1]')
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import NamedTuple

from salesmetrics._time import parse_timezone
from salesmetrics.calendars._days import Special, to_date
from salesmetrics.calendars._holidays import Holidays
from salesmetrics.calendars._ranges import WEEKDAYS, TimeRange, Week, to_range
from salesmetrics.errors import SalesmetricsError, join_path

__all__ = ["CalendarParts", "calendar_parts"]


class CalendarParts(NamedTuple):
    """What a calendar object holds, checked: its timezone, week, holidays, closed and special days."""

    timezone: str
    week: Week
    holidays: tuple[Holidays, ...]
    closed: tuple[datetime.date, ...]
    special: tuple[Special, ...]

_KEYS = ("timezone", "weekly", "holidays", "closed", "special")


def _invalid(path: str, message: str) -> SalesmetricsError:
    return SalesmetricsError("invalid_calendar", path, message)


def _ranges(value: object, path: str) -> tuple[TimeRange, ...]:
    if not isinstance(value, list):
        raise _invalid(path, f'ranges are a list of ["HH:MM", "HH:MM"] pairs, not {value!r}')
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, list) or not all(isinstance(x, str) for x in item):
            raise _invalid(join_path(path, i),
                           f"a range is a (start, end) pair of clock times, not {item!r}")
        try:
            out.append(to_range(item))
        except ValueError as exc:
            raise _invalid(join_path(path, i), str(exc)) from None
    return tuple(out)


def calendar_parts(data: object, path: str) -> CalendarParts:
    """The parts of ``{"timezone", "weekly", "holidays", "closed", "special"}``.

    Raises:
        SalesmetricsError: ``missing_field`` or ``invalid_calendar`` with the
            place under ``path`` (see :meth:`Calendar.from_dict`).
    """
    if not isinstance(data, Mapping):
        raise _invalid(path, "a calendar is an object with a timezone and weekly hours")
    for key in data:
        if key not in _KEYS:
            raise _invalid(join_path(path, str(key)),
                           f"unknown calendar field {key!r}; fields: {', '.join(_KEYS)}")

    tz = data.get("timezone")
    tz_path = join_path(path, "timezone")
    if tz is None:
        raise SalesmetricsError("missing_field", tz_path,
                                'a calendar needs a "timezone" (an IANA name)')
    parse_timezone(tz, tz_path, "invalid_calendar")

    weekly = data.get("weekly")
    weekly_path = join_path(path, "weekly")
    days: dict[str, tuple[TimeRange, ...]] = {}
    if weekly is not None:
        if not isinstance(weekly, Mapping):
            raise _invalid(weekly_path, 'weekly is an object {"mon": [ranges], ...}')
        for day, value in weekly.items():
            if day not in WEEKDAYS:
                raise _invalid(join_path(weekly_path, str(day)),
                               f"unknown weekday {day!r}; use {', '.join(WEEKDAYS)}")
            days[day] = _ranges(value, join_path(weekly_path, day))

    sources: list[Holidays] = []
    hol = data.get("holidays")
    hol_path = join_path(path, "holidays")
    if hol is not None:
        if not isinstance(hol, Mapping):
            raise _invalid(hol_path, 'holidays is an object {"country": ..., "subdiv": ...}')
        for key in hol:
            if key not in ("country", "subdiv"):
                raise _invalid(join_path(hol_path, str(key)),
                               f"unknown holidays field {key!r}; fields: country, subdiv")
        country, subdiv = hol.get("country"), hol.get("subdiv")
        if country is None:
            raise SalesmetricsError("missing_field", join_path(hol_path, "country"),
                                    'holidays need a "country" (ISO 3166 code)')
        try:
            Holidays(country)
        except ValueError as exc:
            raise _invalid(join_path(hol_path, "country"), str(exc)) from None
        try:
            sources.append(Holidays(country, subdiv))
        except ValueError as exc:
            raise _invalid(join_path(hol_path, "subdiv"), str(exc)) from None

    closed_path = join_path(path, "closed")
    closed = data.get("closed")
    dates = []
    if closed is not None:
        if not isinstance(closed, list):
            raise _invalid(closed_path, "closed is a list of YYYY-MM-DD dates")
        for i, item in enumerate(closed):
            try:
                dates.append(to_date(item))
            except ValueError as exc:
                raise _invalid(join_path(closed_path, i), str(exc)) from None

    special_path = join_path(path, "special")
    special = data.get("special")
    specials: list[Special] = []
    seen: set[datetime.date] = set()
    if special is not None:
        if not isinstance(special, Mapping):
            raise _invalid(special_path, 'special is an object {"YYYY-MM-DD": [ranges]}')
        for key, value in special.items():
            key_path = join_path(special_path, str(key))
            try:
                day = to_date(key)
            except ValueError as exc:
                raise _invalid(key_path, str(exc)) from None
            if day in seen:  # two spellings of one day: the result would depend on key order
                raise _invalid(key_path, f"{day.isoformat()} is given twice in special")
            seen.add(day)
            specials.append(Special(day, *_ranges(value, key_path)))

    assert isinstance(tz, str)
    return CalendarParts(tz, Week(**days), tuple(sources), tuple(dates), tuple(specials))
