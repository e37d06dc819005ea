"""The business_time adapter: options, clocks and errors."""

from __future__ import annotations

from typing import Any

import pytest

from salesmetrics.calendars import Calendar, Week
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.spec.adapters.calendar import business_time
from salesmetrics.spec.check import parse_check

DATA = Dataset(calendars={"store": Calendar("Europe/Paris", Week.every_day(("09:00", "19:00")))})
ONE = [["2026-03-02T20:30:00+01:00", "2026-03-03T09:05:00+01:00"]]


def run(**options: Any) -> list[float]:
    return business_time(DATA, parse_check({"metric": "business_time", "options": options}))


def test_default_clock_is_business() -> None:
    assert run(calendar="store", intervals=ONE) == [300.0]


@pytest.mark.parametrize(("clock", "expect"),
                         [("business", 300.0), ("wall", 45300.0), ("deferred_start", 300.0)])
def test_named_clocks(clock: str, expect: float) -> None:
    assert run(calendar="store", intervals=ONE, clock=clock) == [expect]


def test_empty_intervals() -> None:
    assert run(calendar="store", intervals=[]) == []


@pytest.mark.parametrize(
    ("options", "code", "path"),
    [
        ({"calendar": "shop", "intervals": ONE}, "unknown_reference", "options.calendar"),
        ({"calendar": 3, "intervals": ONE}, "invalid_option", "options.calendar"),
        ({"calendar": "store", "intervals": "x"}, "invalid_option", "options.intervals"),
        ({"calendar": "store", "intervals": [ONE[0], "x"]}, "invalid_option",
         "options.intervals[1]"),
        ({"calendar": "store", "intervals": [[ONE[0][0]]]}, "invalid_option",
         "options.intervals[0]"),
        ({"calendar": "store", "intervals": [[ONE[0][0], "2026-03-03T09:05:00"]]},
         "invalid_instant", "options.intervals[0][1]"),
        ({"calendar": "store", "intervals": [["yesterday", ONE[0][1]]]},
         "invalid_instant", "options.intervals[0][0]"),
        ({"calendar": "store", "intervals": ONE, "clock": "lunar"}, "invalid_option",
         "options.clock"),
        ({"calendar": "store", "intervals": [ONE[0][::-1]], "clock": "deferred_start"},
         "invalid_option", "options.intervals[0]"),
    ],
)
def test_errors(options: dict[str, Any], code: str, path: str) -> None:
    with pytest.raises(SalesmetricsError) as info:
        business_time(DATA, parse_check({"metric": "business_time", "options": options}))
    assert (info.value.code, info.value.path) == (code, path)
