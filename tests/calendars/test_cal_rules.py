"""One test per calendar rule of docs/definitions.md §3.1 (and the documented decisions)."""

from __future__ import annotations

import datetime as dt

import pytest

from salesmetrics.calendars import (
    Calendar,
    Closed,
    Holidays,
    Special,
    TimeRange,
    Week,
)

H = 3600.0


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def bt(cal: Calendar, a: str, b: str) -> float:
    return cal.business_seconds(at(a), at(b))


SPLIT = Week.weekdays(("09:00", "12:00"), ("13:00", "18:00"))
PARIS = Calendar("Europe/Paris", SPLIT)


# -- week ---------------------------------------------------------------------

def test_vendor_example_reply_next_morning_counts_open_hours_only() -> None:
    cal = Calendar("Europe/Paris", Week.every_day(("09:00", "19:00")))
    assert bt(cal, "2026-03-02T20:30:00+01:00", "2026-03-03T09:05:00+01:00") == 300.0


def test_split_shift_skips_lunch_break() -> None:
    assert bt(PARIS, "2026-03-02T11:00:00+01:00", "2026-03-02T14:00:00+01:00") == 2 * H


def test_weekend_is_closed() -> None:
    assert bt(PARIS, "2026-03-06T17:00:00+01:00", "2026-03-09T10:00:00+01:00") == 2 * H


def test_overnight_range_runs_into_next_day() -> None:
    cal = Calendar("UTC", Week(mon=[("22:00", "06:00")]))
    assert bt(cal, "2026-03-02T00:00:00Z", "2026-03-04T00:00:00Z") == 8 * H
    assert cal.is_open(at("2026-03-03T05:59:00Z"))
    assert not cal.is_open(at("2026-03-03T06:00:00Z"))


def test_equal_start_and_end_is_a_24_hour_range() -> None:
    cal = Calendar("UTC", Week(wed=[("08:00", "08:00")]))
    assert bt(cal, "2026-03-04T00:00:00Z", "2026-03-06T00:00:00Z") == 24 * H
    assert cal.is_open(at("2026-03-05T07:59:59Z"))


def test_24_00_is_midnight_at_the_end_of_the_day() -> None:
    cal = Calendar("UTC", Week(mon=[("18:00", "24:00")]))
    assert bt(cal, "2026-03-02T00:00:00Z", "2026-03-04T00:00:00Z") == 6 * H
    with pytest.raises(ValueError, match="only as the end"):
        TimeRange("24:00", "06:00")


def test_seconds_in_clock_times() -> None:
    cal = Calendar("UTC", Week(mon=[("09:00:30", "09:01")]))
    assert bt(cal, "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z") == 30.0


def test_overlapping_ranges_count_once() -> None:
    cal = Calendar("UTC", Week(mon=[("09:00", "12:00"), ("10:00", "13:00"), ("11:00", "11:30")]))
    assert bt(cal, "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z") == 4 * H


def test_overnight_overlapping_next_morning_counts_once() -> None:
    cal = Calendar("UTC", Week(mon=[("20:00", "10:00")], tue=[("08:00", "12:00")]))
    assert bt(cal, "2026-03-02T00:00:00Z", "2026-03-04T00:00:00Z") == 16 * H


def test_sunday_overnight_runs_into_monday_across_weeks() -> None:
    cal = Calendar("UTC", Week(sun=[("23:00", "01:00")]))
    assert bt(cal, "2026-03-09T00:00:00Z", "2026-03-09T12:00:00Z") == 1 * H


# -- holidays, closed and special dates ------------------------------------------

def test_holiday_is_closed_all_day() -> None:
    cal = PARIS + Holidays("FR")
    assert bt(cal, "2026-07-14T00:00:00+02:00", "2026-07-15T00:00:00+02:00") == 0.0
    assert bt(cal, "2026-07-15T00:00:00+02:00", "2026-07-16T00:00:00+02:00") == 8 * H


def test_holiday_subdivision_de_bavaria() -> None:
    week = Calendar("Europe/Berlin", Week.weekdays(("09:00", "17:00")))
    day = ("2026-01-06T00:00:00+01:00", "2026-01-07T00:00:00+01:00")  # Epiphany, in BY only
    assert bt(week + Holidays("DE"), *day) == 8 * H
    assert bt(week + Holidays("DE", "BY"), *day) == 0.0


def test_holiday_subdivision_us_california() -> None:
    week = Calendar("America/Los_Angeles", Week.weekdays(("09:00", "17:00")))
    day = ("2026-03-31T00:00:00-07:00", "2026-04-01T00:00:00-07:00")  # Cesar Chavez Day
    assert bt(week + Holidays("US"), *day) == 8 * H
    assert bt(week + Holidays("US", subdiv="CA"), *day) == 0.0


def test_observed_holiday_as_the_package_gives_it() -> None:
    cal = Calendar("America/New_York", Week.weekdays(("09:00", "17:00"))) + Holidays("US")
    # 1 January 2022 is a Saturday, observed on Friday 31 December 2021
    assert bt(cal, "2021-12-31T00:00:00-05:00", "2022-01-01T00:00:00-05:00") == 0.0


def test_years_outside_the_holidays_package_have_no_holidays() -> None:
    cal = PARIS + Holidays("FR")
    assert Holidays("FR").dates(2150) == ()
    # 14 July 2150 is a Tuesday: no holiday data that year, so the week applies
    assert bt(cal, "2150-07-14T00:00:00+02:00", "2150-07-15T00:00:00+02:00") == 8 * H


def test_overnight_range_of_the_day_before_runs_into_a_holiday() -> None:
    cal = Calendar("UTC", Week.every_day(("22:00", "06:00"))) + Holidays("FR")
    # 14 July 2026: its own 22:00 range is dropped, the 13th's runs until 06:00
    assert bt(cal, "2026-07-14T00:00:00Z", "2026-07-15T00:00:00Z") == 6 * H


def test_closed_date_drops_the_ranges_starting_that_day() -> None:
    cal = PARIS - Closed("2026-03-03")
    assert bt(cal, "2026-03-03T00:00:00+01:00", "2026-03-04T00:00:00+01:00") == 0.0
    assert not cal.is_open(at("2026-03-03T10:00:00+01:00"))


def test_special_date_overrides_the_week() -> None:
    cal = PARIS + Special("2026-03-07", ("10:00", "12:00"))  # a Saturday
    assert bt(cal, "2026-03-07T00:00:00+01:00", "2026-03-08T00:00:00+01:00") == 2 * H


def test_special_date_overrides_a_holiday() -> None:
    cal = PARIS + Holidays("FR") + Special("2026-07-14", ("09:00", "11:00"))
    assert bt(cal, "2026-07-14T00:00:00+02:00", "2026-07-15T00:00:00+02:00") == 2 * H


def test_special_date_overrides_a_closed_date() -> None:
    cal = PARIS - Closed("2026-03-03") + Special("2026-03-03", ("09:00", "10:00"))
    assert bt(cal, "2026-03-03T00:00:00+01:00", "2026-03-04T00:00:00+01:00") == 1 * H


def test_special_date_without_ranges_is_closed() -> None:
    cal = PARIS + Special("2026-03-03")
    assert bt(cal, "2026-03-03T00:00:00+01:00", "2026-03-04T00:00:00+01:00") == 0.0


def test_last_special_for_a_date_wins() -> None:
    cal = PARIS + Special("2026-03-07", ("10:00", "12:00")) + Special("2026-03-07", ("10:00", "11:00"))
    assert cal.special == (Special("2026-03-07", ("10:00", "11:00")),)


# -- DST and offsets -----------------------------------------------------------

def test_range_across_spring_forward_lasts_its_real_length() -> None:
    cal = Calendar("Europe/Paris", Week(sun=[("00:00", "06:00")]))
    # 29 March 2026: 02:00 CET jumps to 03:00 CEST, so 00:00-06:00 lasts 5 h
    assert bt(cal, "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00") == 5 * H


def test_range_across_fall_back_lasts_its_real_length() -> None:
    cal = Calendar("Europe/Paris", Week(sun=[("00:00", "06:00")]))
    assert bt(cal, "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00") == 7 * H


def test_full_day_on_dst_days_is_23_or_25_hours() -> None:
    cal = Calendar("America/New_York", Week.every_day(("00:00", "24:00"))) - Closed("2026-03-07")
    assert bt(cal, "2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00") == 23 * H
    assert bt(cal, "2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00") == 25 * H


def test_nonexistent_local_time_is_shifted_forward() -> None:
    # 02:30 does not exist on 29 March 2026 in Paris: read with the pre-change
    # offset (+01:00), i.e. 03:30 CEST
    cal = Calendar("Europe/Paris", Week(sun=[("02:30", "05:00")]))
    (start, end), = cal.open_intervals(at("2026-03-29T00:00:00+01:00"),
                                       at("2026-03-30T00:00:00+02:00"))
    assert start == at("2026-03-29T03:30:00+02:00")
    assert end == at("2026-03-29T05:00:00+02:00")


def test_repeated_local_time_is_its_first_occurrence() -> None:
    # 01:30 occurs twice on 1 November 2026 in New York: the first (EDT) counts
    cal = Calendar("America/New_York", Week(sun=[("01:30", "03:00")]))
    (start, end), = cal.open_intervals(at("2026-11-01T00:00:00-04:00"),
                                       at("2026-11-02T00:00:00-05:00"))
    # (compare instants: Python never calls an ambiguous time equal across zones)
    assert start.timestamp() == at("2026-11-01T01:30:00-04:00").timestamp()
    assert start.fold == 0
    assert end.timestamp() == at("2026-11-01T03:00:00-05:00").timestamp()
    assert end.timestamp() - start.timestamp() == 2.5 * H


def test_instants_in_different_offsets() -> None:
    a = at("2026-03-02T19:30:00+00:00")  # 20:30 in Paris
    b = at("2026-03-03T03:05:00-05:00")  # 09:05 in Paris
    cal = Calendar("Europe/Paris", Week.every_day(("09:00", "19:00")))
    assert cal.business_seconds(a, b) == 300.0


# -- intervals -----------------------------------------------------------------

def test_zero_length_interval_is_zero() -> None:
    t = at("2026-03-02T10:00:00+01:00")
    assert PARIS.business_seconds(t, t) == 0.0


def test_reversed_interval_is_negative() -> None:
    assert bt(PARIS, "2026-03-02T14:00:00+01:00", "2026-03-02T11:00:00+01:00") == -2 * H


def test_year_long_interval() -> None:
    cal = PARIS + Holidays("FR")
    # 2026: 261 weekdays, 9 FR holidays on weekdays (1 Nov and 15 Aug fall on a weekend)
    assert bt(cal, "2026-01-01T00:00:00+01:00", "2027-01-01T00:00:00+01:00") == (261 - 9) * 8 * H


def test_interval_across_many_years() -> None:
    cal = Calendar("UTC", Week.every_day(("00:00", "12:00")))
    assert bt(cal, "2000-01-01T00:00:00Z", "2040-01-01T00:00:00Z") == 14610 * 12 * H


def test_years_queried_far_apart() -> None:
    cal = PARIS + Holidays("FR")
    assert bt(cal, "2090-03-06T17:00:00+01:00", "2090-03-06T18:30:00+01:00") == 1 * H
    assert bt(cal, "1990-03-05T17:00:00+01:00", "1990-03-05T18:30:00+01:00") == 1 * H


# -- other queries ---------------------------------------------------------------

def test_is_open_half_open_intervals() -> None:
    assert PARIS.is_open(at("2026-03-02T09:00:00+01:00"))
    assert not PARIS.is_open(at("2026-03-02T12:00:00+01:00"))
    assert not PARIS.is_open(at("2026-03-02T08:59:59+01:00"))


def test_next_opening_is_t_when_open() -> None:
    t = at("2026-03-02T10:00:00Z")
    assert PARIS.next_opening(t) is t


def test_next_opening_after_the_weekend() -> None:
    assert PARIS.next_opening(at("2026-03-06T18:00:00+01:00")) == at("2026-03-09T09:00:00+01:00")


def test_next_opening_none_when_never_opening_again() -> None:
    cal = Calendar("UTC", Week()) + Special("2026-03-02", ("09:00", "10:00"))
    assert cal.next_opening(at("2026-03-01T00:00:00Z")) == at("2026-03-02T09:00:00Z")
    assert cal.next_opening(at("2026-03-02T10:00:00Z")) is None
    assert Calendar("UTC", Week()).next_opening(at("2026-03-02T10:00:00Z")) is None


def test_next_opening_past_a_long_closure() -> None:
    closed = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(800)]
    cal = Calendar("UTC", Week.weekdays(("09:00", "17:00"))) - Closed(*closed)
    assert cal.next_opening(at("2026-01-01T00:00:00Z")) == at("2028-03-13T09:00:00Z")


def test_open_intervals_merge_adjacent_ranges_across_midnight() -> None:
    cal = Calendar("UTC", Week(mon=[("12:00", "24:00")], tue=[("00:00", "06:00")]))
    got = cal.open_intervals(at("2026-03-02T00:00:00Z"), at("2026-03-04T00:00:00Z"))
    assert got == [(at("2026-03-02T12:00:00Z"), at("2026-03-03T06:00:00Z"))]


def test_always_open_is_the_wall_clock() -> None:
    cal = Calendar.always_open()
    a, b = at("2026-03-29T00:00:00+01:00"), at("2027-03-29T00:00:00+02:00")
    assert cal.business_seconds(a, b) == b.timestamp() - a.timestamp()
    assert cal.is_open(a) and cal.next_opening(a) is a
    assert cal.timezone == "UTC"
    assert cal == Calendar("UTC", Week.every_day(("00:00", "24:00")))


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        PARIS.business_seconds(dt.datetime(2026, 3, 2), at("2026-03-02T10:00:00Z"))
    with pytest.raises(ValueError, match="naive"):
        Calendar.always_open().is_open(dt.datetime(2026, 3, 2))


# -- values and composition --------------------------------------------------------

def test_composition_builds_equal_values() -> None:
    a = Calendar("Europe/Paris", SPLIT) + Holidays("FR") - Closed("2026-12-24")
    b = Calendar("Europe/Paris", SPLIT, holidays=[Holidays("FR")], closed=["2026-12-24"])
    assert a == b and hash(a) == hash(b)
    assert a + Holidays("FR") == a  # a source given twice counts once


def test_calendar_plus_week_is_the_union() -> None:
    cal = Calendar("UTC", Week(mon=[("09:00", "12:00")])) + Week(mon=[("13:00", "14:00")])
    assert cal.week.mon == (TimeRange("09:00", "12:00"), TimeRange("13:00", "14:00"))


def test_invalid_values_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        Calendar("Mars/Olympus", SPLIT)
    with pytest.raises(ValueError, match="country"):
        Holidays("XX")
    with pytest.raises(ValueError, match="subdivision"):
        Holidays("FR", "ZZ")
    with pytest.raises(ValueError):
        TimeRange("25:00", "26:00")
    with pytest.raises(ValueError, match="weekday"):
        Week.from_mapping({"xyz": []})
    with pytest.raises(ValueError, match="date"):
        Closed("2026-02-30")
