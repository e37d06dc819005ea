"""Clocks (docs/definitions.md §3.2): how much time passed from ``a`` to ``b`` on a calendar.

Every metric that measures a duration takes a clock: one of the three named
instances here, or any object with a ``name`` and an
``elapsed(calendar, a, b)`` method (the :class:`Clock` protocol).

>>> from datetime import datetime
>>> from salesmetrics.calendars import Calendar, Week
>>> store = Calendar("Europe/Paris", Week.every_day(("09:00", "19:00")))
>>> a = datetime.fromisoformat("2026-03-02T20:30:00+01:00")   # closed
>>> b = datetime.fromisoformat("2026-03-03T10:00:00+01:00")
>>> WALL.elapsed(store, a, b), BUSINESS.elapsed(store, a, b), DEFERRED_START.elapsed(store, a, b)
(48600.0, 3600.0, 3600.0)
>>> sorted(CLOCKS)
['business', 'deferred_start', 'wall']
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import attrs

from salesmetrics.errors import SalesmetricsError

if TYPE_CHECKING:
    from salesmetrics.calendars._calendar import Calendar

__all__ = [
    "BUSINESS",
    "CLOCKS",
    "DEFERRED_START",
    "WALL",
    "BusinessClock",
    "Clock",
    "DeferredStartClock",
    "WallClock",
    "clock_named",
]


@runtime_checkable
class Clock(Protocol):
    """Elapsed seconds from ``a`` to ``b`` on a calendar.

    Implement it to measure with your own rule: any object with a ``name``
    (a string) and this ``elapsed`` method can be passed as a metric's clock.
    """

    @property
    def name(self) -> str:
        """The clock's name (``"business"``)."""
        ...

    def elapsed(self, calendar: Calendar, a: datetime, b: datetime) -> float:
        """Seconds from ``a`` to ``b`` (aware datetimes) on ``calendar``."""
        ...


@attrs.frozen
class WallClock:
    """``b − a`` in seconds, signed; the calendar is ignored.

    >>> from datetime import datetime, timezone
    >>> from salesmetrics.calendars import Calendar
    >>> a = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> b = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    >>> WALL.elapsed(Calendar.always_open(), a, b)
    -3600.0
    """

    name: str = "wall"

    def elapsed(self, calendar: Calendar, a: datetime, b: datetime) -> float:
        """``(b - a).total_seconds()``."""
        if a.tzinfo is None or b.tzinfo is None:
            raise ValueError("clocks need aware datetimes, not a naive datetime")
        return b.timestamp() - a.timestamp()


@attrs.frozen
class BusinessClock:
    """The seconds of ``[a, b]`` in open hours, signed (Instaply's response time).

    Is :meth:`Calendar.business_seconds`.
    """

    name: str = "business"

    def elapsed(self, calendar: Calendar, a: datetime, b: datetime) -> float:
        """``calendar.business_seconds(a, b)``."""
        return calendar.business_seconds(a, b)


@attrs.frozen
class DeferredStartClock:
    """Wall clock from ``a``, or from the next opening when ``a`` is outside open hours.

    Reynolds: "leads received outside business hours start counting at the
    beginning of business hours the next day". Equivalent to::

        start = calendar.next_opening(a, until=b)
        0.0 if start is None else max(0.0, (b - start).total_seconds())

    The search for the opening never looks past ``b``: a calendar that
    opens only after ``b`` (or never) gives 0.

    Raises:
        ValueError: ``b`` is before ``a``.

    >>> from datetime import datetime
    >>> from salesmetrics.calendars import Calendar, Week
    >>> store = Calendar("UTC", Week.every_day(("09:00", "19:00")))
    >>> a = datetime.fromisoformat("2026-03-02T20:30:00+00:00")
    >>> DEFERRED_START.elapsed(store, a, datetime.fromisoformat("2026-03-03T08:00:00+00:00"))
    0.0
    >>> DEFERRED_START.elapsed(store, a, datetime.fromisoformat("2026-03-03T20:00:00+00:00"))
    39600.0
    """

    name: str = "deferred_start"

    def elapsed(self, calendar: Calendar, a: datetime, b: datetime) -> float:
        """Wall seconds from ``max(a, next opening)`` to ``b``, at least 0."""
        return self.since(self.start(calendar, a, b), b)

    def start(self, calendar: Calendar, a: datetime, b: datetime) -> datetime | None:
        """Where :meth:`elapsed` counts from: the first opening from ``a`` up to ``b``.

        None when the calendar does not open by ``b``. A caller that shows the
        start and the value asks the calendar once: ``since(start(...), b)``.

        Raises:
            ValueError: ``b`` is before ``a``.
        """
        if a.tzinfo is None or b.tzinfo is None:
            raise ValueError("clocks need aware datetimes, not a naive datetime")
        if b.timestamp() < a.timestamp():
            raise ValueError("the deferred_start clock needs a <= b")
        return calendar.next_opening(a, until=b)

    @staticmethod
    def since(start: datetime | None, b: datetime) -> float:
        """:meth:`elapsed` from its :meth:`start`: wall seconds to ``b``, 0 without a start."""
        if start is None:
            return 0.0
        return max(0.0, b.timestamp() - start.timestamp())


WALL = WallClock()
BUSINESS = BusinessClock()
DEFERRED_START = DeferredStartClock()

CLOCKS: Mapping[str, Clock] = MappingProxyType(
    {c.name: c for c in (WALL, BUSINESS, DEFERRED_START)}
)
"""The named clocks: ``wall``, ``business``, ``deferred_start``."""


def clock_named(name: str, path: str = "clock") -> Clock:
    """The clock of a name (``invalid_option`` at ``path`` for another name or value).

    >>> clock_named("business") is BUSINESS
    True
    >>> clock_named("lunar")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: clock: unknown clock 'lunar'; known: business, deferred_start, wall
    """
    clock = CLOCKS.get(name) if isinstance(name, str) else None
    if clock is None:
        raise SalesmetricsError("invalid_option", path, f"unknown clock {name!r}; known: "
                                f"{', '.join(sorted(CLOCKS))}")
    return clock
