"""Properties of business seconds on random calendars, against a naive oracle."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from zoneinfo import ZoneInfo

from cal_oracle import NaiveCalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ZONES = {
    "Europe/Paris": ("FR", None),
    "America/New_York": ("US", "NY"),
    "Australia/Sydney": ("AU", "NSW"),
}
# DST changes of the years drawn, so that intervals often cross them
TRANSITIONS = [
    dt.date(2025, 3, 30), dt.date(2025, 10, 26), dt.date(2026, 3, 29), dt.date(2026, 10, 25),
    dt.date(2025, 3, 9), dt.date(2025, 11, 2), dt.date(2026, 3, 8), dt.date(2026, 11, 1),
    dt.date(2025, 4, 6), dt.date(2025, 10, 5), dt.date(2026, 4, 5), dt.date(2026, 10, 4),
    dt.date(2025, 12, 31), dt.date(2026, 12, 31), dt.date(2026, 7, 14), dt.date(2026, 12, 24),
]
EPOCH_2025 = int(dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp())
TWO_YEARS_MIN = 2 * 365 * 24 * 60

# minutes after midnight; the first ones sit on DST changes (01:00-03:30)
minute = st.one_of(st.sampled_from([0, 60, 90, 120, 150, 180, 210, 1380]),
                   st.integers(0, 1439))
end_minute = st.one_of(minute, st.just(1440))
a_range = st.tuples(minute, end_minute)
day_ranges = st.lists(a_range, max_size=3)


@st.composite
def start_minute(draw: st.DrawFn) -> int:
    """A whole-minute epoch instant in 2025-2026, often next to a DST change."""
    if draw(st.booleans()):
        day = draw(st.sampled_from(TRANSITIONS))
        base = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
        return base + 60 * draw(st.integers(-3 * 1440, 2 * 1440))
    return EPOCH_2025 + 60 * draw(st.integers(0, TWO_YEARS_MIN))


@st.composite
def calendars_and_start(draw: st.DrawFn) -> tuple[NaiveCalendar, int]:
    tz = draw(st.sampled_from(sorted(ZONES)))
    start = draw(start_minute())
    first = dt.datetime.fromtimestamp(start, ZoneInfo(tz)).date()
    near = st.integers(-1, 22).map(lambda k: first + dt.timedelta(days=k))
    cal = NaiveCalendar(
        timezone=tz,
        weekly=draw(st.lists(day_ranges, min_size=7, max_size=7)),
        country=ZONES[tz] if draw(st.booleans()) else None,
        closed=set(draw(st.lists(near, max_size=3))),
        special=draw(st.dictionaries(near, day_ranges, max_size=2)),
    )
    return cal, start


def _dt(t: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, dt.UTC)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars_and_start(), st.one_of(st.integers(0, 3 * 1440), st.integers(0, 21 * 1440)))
def test_business_seconds_equal_minute_by_minute_oracle(
    cal_start: tuple[NaiveCalendar, int], length: int
) -> None:
    naive, a = cal_start
    b = a + 60 * length
    cal = naive.to_calendar()
    assert cal.business_seconds(_dt(a), _dt(b)) == naive.business_seconds(a, b)


@settings(max_examples=100, deadline=None)
@given(calendars_and_start(), st.lists(st.floats(0, 21 * 86400), min_size=1, max_size=20))
def test_is_open_equals_oracle(cal_start: tuple[NaiveCalendar, int],
                               offsets: list[float]) -> None:
    naive, a = cal_start
    cal = naive.to_calendar()
    for off in offsets:
        t = a + int(off) // 60 * 60
        assert cal.is_open(_dt(t)) == naive.is_open(t)


seconds = st.floats(-40 * 86400, 40 * 86400, allow_nan=False)


@settings(max_examples=120, deadline=None)
@given(calendars_and_start(), seconds, seconds, seconds)
def test_additive(cal_start: tuple[NaiveCalendar, int], x: float, y: float, z: float) -> None:
    naive, base = cal_start
    cal = naive.to_calendar()
    a, b, c = _dt(base + x), _dt(base + y), _dt(base + z)
    whole = cal.business_seconds(a, c)
    assert abs(whole - (cal.business_seconds(a, b) + cal.business_seconds(b, c))) < 1e-5
    assert abs(cal.business_seconds(c, a) + whole) < 1e-9


@settings(max_examples=120, deadline=None)
@given(calendars_and_start(), st.floats(0, 60 * 86400), st.floats(0, 60 * 86400),
       st.floats(0, 86400))
def test_bounded_and_monotone(cal_start: tuple[NaiveCalendar, int], x: float, length: float,
                              more: float) -> None:
    naive, base = cal_start
    cal = naive.to_calendar()
    a, b = base + x, base + x + length
    bt = cal.business_seconds(_dt(a), _dt(b))
    assert -1e-6 <= bt <= (b - a) + 1e-6
    assert cal.business_seconds(_dt(a), _dt(b + more)) >= bt - 1e-6


@settings(max_examples=100, deadline=None)
@given(calendars_and_start(), st.lists(st.tuples(seconds, seconds), max_size=10))
def test_many_equals_single_calls(cal_start: tuple[NaiveCalendar, int],
                                  pairs: list[tuple[float, float]]) -> None:
    naive, base = cal_start
    cal = naive.to_calendar()
    starts = [_dt(base + x) for x, _ in pairs]
    ends = [_dt(base + y) for _, y in pairs]
    single = [cal.business_seconds(a, b) for a, b in zip(starts, ends, strict=True)]
    assert cal.business_seconds_many(starts, ends) == single
    epochs = cal.business_seconds_many([base + x for x, _ in pairs], [base + y for _, y in pairs])
    assert all(abs(e - s) < 1e-6 for e, s in zip(epochs, single, strict=True))


@settings(max_examples=100, deadline=None)
@given(calendars_and_start(), st.floats(0, 21 * 86400), st.floats(0, 10 * 86400))
def test_open_intervals_sum_and_next_opening(cal_start: tuple[NaiveCalendar, int],
                                             x: float, length: float) -> None:
    naive, base = cal_start
    cal = naive.to_calendar()
    a, b = _dt(base + x), _dt(base + x + length)
    spans = cal.open_intervals(a, b)
    total = sum(e.timestamp() - s.timestamp() for s, e in spans)
    assert abs(total - cal.business_seconds(a, b)) < 1e-5
    assert all(s < e for s, e in spans)
    assert all(e1 < s2 for (_, e1), (s2, _) in pairwise(spans))
    nxt = cal.next_opening(a)
    if nxt is not None:
        assert nxt >= a
        assert cal.is_open(nxt)
        assert abs(cal.business_seconds(a, nxt)) < 1e-6
