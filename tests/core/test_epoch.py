"""The integer time line: epoch microseconds are exact and order like the instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from salesmetrics._time import MAX_INSTANT, MIN_INSTANT, epoch_us, epochs_us

_ONE_US = timedelta(microseconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

zones = st.one_of(
    st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m))),
    st.sampled_from([UTC, ZoneInfo("Europe/Paris"), ZoneInfo("America/Toronto")]),
)
instants = st.builds(
    lambda d, tz: d.replace(tzinfo=UTC).astimezone(tz),
    st.datetimes(min_value=MIN_INSTANT.replace(tzinfo=None),
                 max_value=(MAX_INSTANT - timedelta(days=1)).replace(tzinfo=None)),
    zones)


@given(st.lists(instants, max_size=30))
def test_epochs_are_exact_microseconds_since_the_epoch(values: list[datetime]) -> None:
    exact = [(v - _EPOCH) // _ONE_US for v in values]
    assert [epoch_us(v) for v in values] == exact
    assert epochs_us(values) == exact


@given(instants, instants)
def test_epochs_order_like_the_instants(a: datetime, b: datetime) -> None:
    # different tzinfo objects: Python compares the UTC instants
    assert (epoch_us(a) < epoch_us(b)) == (a.astimezone(UTC) < b.astimezone(UTC))
    assert (epoch_us(b) - epoch_us(a)) / 1_000_000 == (b - a).total_seconds() or \
        a.tzinfo is b.tzinfo
