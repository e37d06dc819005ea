"""Calendar.from_dict: the case format's calendar object, its errors' codes and paths."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from salesmetrics.calendars import Calendar, Closed, Holidays, Special, Week
from salesmetrics.errors import SalesmetricsError

FULL = {
    "timezone": "Europe/Paris",
    "weekly": {"mon": [["09:00", "12:00"], ["13:00", "18:00"]], "sat": [["10:00:30", "24:00"]]},
    "holidays": {"country": "DE", "subdiv": "BY"},
    "closed": ["2026-12-24"],
    "special": {"2026-12-31": [["09:00", "12:00"]], "2027-01-02": []},
}


def test_full_calendar_equals_the_composed_one() -> None:
    built = Calendar.from_dict(FULL, path="calendars.store")
    composed = (
        Calendar("Europe/Paris", Week(mon=[("09:00", "12:00"), ("13:00", "18:00")],
                                      sat=[("10:00:30", "24:00")]))
        + Holidays("DE", "BY") - Closed(dt.date(2026, 12, 24))
        + Special("2026-12-31", ("09:00", "12:00")) + Special("2027-01-02")
    )
    assert built == composed


def test_timezone_only_is_never_open() -> None:
    cal = Calendar.from_dict({"timezone": "UTC"}, path="calendars.x")
    assert cal.next_opening(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)) is None


def _error(data: Any) -> tuple[str, str]:
    with pytest.raises(SalesmetricsError) as info:
        Calendar.from_dict(data, path="calendars.store")
    return info.value.code, info.value.path


def _with(**changes: Any) -> dict[str, Any]:
    return {**FULL, **changes}


@pytest.mark.parametrize(
    ("data", "code", "path"),
    [
        (["not", "an", "object"], "invalid_calendar", "calendars.store"),
        ({"weekly": {}}, "missing_field", "calendars.store.timezone"),
        (_with(timezone="Europe/Atlantis"), "invalid_calendar", "calendars.store.timezone"),
        (_with(timezone=3), "invalid_calendar", "calendars.store.timezone"),
        (_with(weekly={"xyz": []}), "invalid_calendar", "calendars.store.weekly.xyz"),
        (_with(weekly=[]), "invalid_calendar", "calendars.store.weekly"),
        (_with(weekly={"mon": "09:00-12:00"}), "invalid_calendar", "calendars.store.weekly.mon"),
        (_with(weekly={"mon": [["09:00"]]}), "invalid_calendar", "calendars.store.weekly.mon[0]"),
        (_with(weekly={"mon": [["09:00", "12:00", "13:00"]]}), "invalid_calendar",
         "calendars.store.weekly.mon[0]"),
        (_with(weekly={"mon": [[9, 12]]}), "invalid_calendar", "calendars.store.weekly.mon[0]"),
        (_with(weekly={"mon": [["9:00", "12:00"]]}), "invalid_calendar",
         "calendars.store.weekly.mon[0]"),
        (_with(weekly={"mon": [["09:00", "12:00"], ["24:00", "06:00"]]}), "invalid_calendar",
         "calendars.store.weekly.mon[1]"),
        (_with(weekly={"mon": [["23:60", "12:00"]]}), "invalid_calendar",
         "calendars.store.weekly.mon[0]"),
        (_with(weekly={"mon": [["09:00", "24:01"]]}), "invalid_calendar",
         "calendars.store.weekly.mon[0]"),
        (_with(holidays={"subdiv": "BY"}), "missing_field", "calendars.store.holidays.country"),
        (_with(holidays={"country": "XX"}), "invalid_calendar",
         "calendars.store.holidays.country"),
        (_with(holidays={"country": "FR", "subdiv": "ZZ"}), "invalid_calendar",
         "calendars.store.holidays.subdiv"),
        (_with(holidays={"country": "FR", "observed": False}), "invalid_calendar",
         "calendars.store.holidays.observed"),
        (_with(holidays="FR"), "invalid_calendar", "calendars.store.holidays"),
        (_with(closed="2026-12-24"), "invalid_calendar", "calendars.store.closed"),
        (_with(closed=["2026-12-24", "2026-12-25", "2026-02-30"]), "invalid_calendar",
         "calendars.store.closed[2]"),
        (_with(special={"2026-13-01": []}), "invalid_calendar",
         "calendars.store.special.2026-13-01"),
        (_with(special={"2026-12-24": [["09:00", "noon"]]}), "invalid_calendar",
         "calendars.store.special.2026-12-24[0]"),
        (_with(special=[]), "invalid_calendar", "calendars.store.special"),
        (_with(opening_hours={}), "invalid_calendar", "calendars.store.opening_hours"),
    ],
)
def test_errors_name_their_place(data: Any, code: str, path: str) -> None:
    assert _error(data) == (code, path)
