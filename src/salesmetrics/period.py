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

from salesmetrics.errors import SalesmetricsError

__all__ = ["Period"]


def _check_order(instance: Period, attribute: attrs.Attribute[datetime], end: datetime) -> None:
    if end <= instance.start:
        raise SalesmetricsError("invalid_period", "period", "the period's end must be after its start")


@attrs.frozen(slots=True)
class Period:
    """A half-open period ``[start, end)``; ``end`` must be after ``start``.

    Raises:
        SalesmetricsError: ``invalid_period`` when ``end <= start``.
    """

    start: datetime
    end: datetime = attrs.field(validator=_check_order)

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
            SalesmetricsError: ``invalid_period`` when that period would start before year 1.
        """
        try:
            start = self.start - self.duration
        except OverflowError:
            raise SalesmetricsError("invalid_period", "period",
                                    "the previous period would start before year 1") from None
        return Period(start, self.start)
