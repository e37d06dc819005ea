"""The clocks of docs/definitions.md §3.2 and the many-interval call."""

from __future__ import annotations

import datetime as dt

import pytest

from salesmetrics.calendars import (
    BUSINESS,
    CLOCKS,
    DEFERRED_START,
    WALL,
    Calendar,
    Clock,
    Week,
    clock_named,
)
from salesmetrics.errors import SalesmetricsError

STORE = Calendar("Europe/Paris", Week.weekdays(("09:00", "19:00")))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_wall_is_b_minus_a_signed() -> None:
    a, b = at("2026-03-02T20:30:00+01:00"), at("2026-03-03T09:05:00+01:00")
    assert WALL.elapsed(STORE, a, b) == 45300.0
    assert WALL.elapsed(STORE, b, a) == -45300.0


def test_business_is_open_seconds_signed() -> None:
    a, b = at("2026-03-02T20:30:00+01:00"), at("2026-03-03T09:05:00+01:00")
    assert BUSINESS.elapsed(STORE, a, b) == 300.0
    assert BUSINESS.elapsed(STORE, b, a) == -300.0


def test_deferred_start_inside_hours_is_the_wall_clock() -> None:
    a, b = at("2026-03-02T18:00:00+01:00"), at("2026-03-03T10:00:00+01:00")
    assert DEFERRED_START.elapsed(STORE, a, b) == 16 * 3600.0


def test_deferred_start_outside_hours_starts_at_next_opening() -> None:
    a = at("2026-03-06T20:00:00+01:00")  # Friday night
    assert DEFERRED_START.elapsed(STORE, a, at("2026-03-09T09:30:00+01:00")) == 1800.0
    assert DEFERRED_START.elapsed(STORE, a, at("2026-03-08T12:00:00+01:00")) == 0.0


def test_deferred_start_never_opening_again_is_zero() -> None:
    closed = Calendar("UTC", Week())
    a = at("2026-03-02T10:00:00Z")
    assert DEFERRED_START.elapsed(closed, a, a + dt.timedelta(days=3)) == 0.0


def test_deferred_start_needs_a_before_b() -> None:
    with pytest.raises(ValueError, match="a <= b"):
        DEFERRED_START.elapsed(STORE, at("2026-03-02T11:00:00Z"), at("2026-03-02T10:00:00Z"))


def test_clocks_by_name() -> None:
    assert dict(CLOCKS) == {"wall": WALL, "business": BUSINESS, "deferred_start": DEFERRED_START}
    assert all(clock_named(name).name == name for name in CLOCKS)
    with pytest.raises(SalesmetricsError, match="lunar") as info:
        clock_named("lunar")
    assert (info.value.code, info.value.path) == ("invalid_option", "clock")


def test_own_clock_satisfies_the_protocol() -> None:
    class HalfWall:
        name = "half_wall"

        def elapsed(self, calendar: Calendar, a: dt.datetime, b: dt.datetime) -> float:
            return (b - a).total_seconds() / 2

    clock: Clock = HalfWall()
    assert isinstance(clock, Clock)
    assert clock.elapsed(STORE, at("2026-03-02T10:00:00Z"), at("2026-03-02T12:00:00Z")) == 3600.0


def test_business_seconds_many_on_datetimes_and_floats() -> None:
    starts = [at("2026-03-02T20:30:00+01:00"), at("2026-03-03T12:00:00+01:00")]
    ends = [at("2026-03-03T09:05:00+01:00"), at("2026-03-03T11:00:00+01:00")]
    assert STORE.business_seconds_many(starts, ends) == [300.0, -3600.0]
    assert STORE.business_seconds_many([s.timestamp() for s in starts],
                                       [e.timestamp() for e in ends]) == [300.0, -3600.0]
    assert STORE.business_seconds_many([], []) == []
    with pytest.raises(ValueError, match="ends"):
        STORE.business_seconds_many(starts, ends[:1])
    with pytest.raises(ValueError):
        STORE.business_seconds_many([float("nan")], [0.0])


def test_business_seconds_many_on_numpy_arrays() -> None:
    np = pytest.importorskip("numpy")
    starts = np.array([at("2026-03-02T20:30:00+01:00").timestamp(),
                       at("2026-03-03T12:00:00+01:00").timestamp(), 0.0])
    ends = np.array([at("2026-03-03T09:05:00+01:00").timestamp(),
                     at("2026-03-03T11:00:00+01:00").timestamp(), 0.0])
    got = STORE.business_seconds_many(starts, ends)
    assert isinstance(got, np.ndarray)
    assert got.tolist() == [300.0, -3600.0, 0.0]
    as_dt64 = STORE.business_seconds_many(
        np.array(["2026-03-02T19:30:00"], dtype="datetime64[s]"),
        np.array(["2026-03-03T08:05:00"], dtype="datetime64[s]"))
    assert as_dt64.tolist() == [300.0]
    always = Calendar.always_open().business_seconds_many(starts, ends)
    assert always.tolist() == (ends - starts).tolist()


def test_numpy_equals_single_calls_on_many_random_intervals() -> None:
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(7)
    base = at("2026-01-01T00:00:00Z").timestamp()
    starts = base + rng.uniform(0, 400 * 86400, 2000)
    ends = starts + rng.uniform(-30 * 86400, 400 * 86400, 2000)
    got = STORE.business_seconds_many(starts, ends)
    single = [STORE.business_seconds_epoch(float(a), float(b))
              for a, b in zip(starts, ends, strict=True)]
    assert np.allclose(got, single, rtol=0, atol=1e-6)
