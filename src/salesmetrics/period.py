"""Periods: half-open ``[start, end)`` intervals of aware instants.

>>> from datetime import datetime, timezone
>>> p = Period(datetime(2026, 3, 9, tzinfo=timezone.utc), datetime(2026, 3, 16, tzinfo=timezone.utc))
>>> p.contains(datetime(2026, 3, 16, tzinfo=timezone.utc))
False
>>> p.previous().start.isoformat()
'2026-03-02T00:00:00+00:00'
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from salesmetrics._time import MIN_INSTANT, check_instant, epoch_us
from salesmetrics.errors import SalesmetricsError

__all__ = ["Period"]


def _check_bound(instance: Period, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    check_instant(value, f"period.{attribute.name}")


def _check_order(instance: Period, attribute: attrs.Attribute[datetime], end: datetime) -> None:
    _check_bound(instance, attribute, end)
    if end <= instance.start:
        raise SalesmetricsError("invalid_period", "period", "the period's end must be after its start")


@attrs.frozen(slots=True)
class Period:
    """A half-open period ``[start, end)``; ``end`` must be after ``start``.

    Both bounds are aware datetimes in the supported range (see
    :func:`salesmetrics._time.parse_instant`).

    >>> Period(datetime(2026, 3, 9), datetime(2026, 3, 16))
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: period.start: naive instant datetime.datetime(2026, 3, 9, 0, 0), add an offset

    Raises:
        SalesmetricsError: ``invalid_instant`` at ``period.start`` or
            ``period.end`` for a bound that is not an aware datetime in the
            supported range; ``invalid_period`` when ``end <= start``.
    """

    start: datetime = attrs.field(validator=_check_bound)
    end: datetime = attrs.field(validator=_check_order)
    #: The bounds as integer microseconds (:func:`~salesmetrics._time.epoch_us`).
    start_us: int = attrs.field(init=False, eq=False, hash=False, repr=False)
    end_us: int = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "start_us", epoch_us(self.start))
        object.__setattr__(self, "end_us", epoch_us(self.end))

    @property
    def duration(self) -> timedelta:
        """``end - start``."""
        return self.end - self.start

    def contains(self, t: datetime) -> bool:
        """Whether ``start <= t < end``."""
        return self.start <= t < self.end

    def previous(self) -> Period:
        """The period of the same length that ends where this one starts.

        Raises:
            SalesmetricsError: ``invalid_period`` at ``period`` when that period
                would start before the supported range (the period given is
                fine: the one derived from it is not).
        """
        try:
            start = self.start - self.duration
        except OverflowError:
            start = None
        if start is None or start < MIN_INSTANT:
            raise SalesmetricsError(
                "invalid_period", "period",
                "the previous period (as long, ending at the period's start) would start "
                f"before {MIN_INSTANT.isoformat()}")
        return Period(start, self.start)
