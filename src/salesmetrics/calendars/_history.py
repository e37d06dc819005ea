"""A team's calendar over time (v1.1 calendar history) and durations measured on it.

A :class:`CalendarHistory` is a base calendar (in force before the first
change) and the changes ``(since, calendar)``, ``since`` strictly increasing.
The calendar **in force** at ``t`` is the one of the last change at or before
``t``. A duration from ``a`` to ``b`` is measured by cutting ``[a, b]`` at
every change strictly inside it (:meth:`CalendarHistory.pieces`) and
measuring each piece on the calendar in force during it
(:func:`measure_pieces`): ``business`` adds the pieces' open seconds,
``wall`` is ``b − a``, ``deferred_start`` starts at the first instant
``t ≥ a`` at which the calendar in force is open (0 when none before ``b``).
Without changes every measure is the clock's own on the base calendar (the
fast path).

>>> from datetime import datetime
>>> from salesmetrics.calendars import BUSINESS, Calendar, Week
>>> winter = Calendar("UTC", Week.every_day(("09:00", "17:00")))
>>> summer = Calendar("UTC", Week.every_day(("08:00", "12:00")))
>>> h = CalendarHistory(winter, [(datetime.fromisoformat("2026-06-01T00:00:00+00:00"), summer)])
>>> a = datetime.fromisoformat("2026-05-31T16:00:00+00:00")
>>> b = datetime.fromisoformat("2026-06-01T10:00:00+00:00")
>>> h.elapsed(BUSINESS, a, b)   # 1 h on winter hours, then 2 h on summer hours
10800.0
>>> h.in_force(b) is summer
True
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import datetime

import attrs

from salesmetrics.calendars._calendar import Calendar
from salesmetrics.calendars._clocks import (
    WALL,
    BusinessClock,
    Clock,
    DeferredStartClock,
    WallClock,
)
from salesmetrics.errors import SalesmetricsError

__all__ = ["CalendarHistory", "Piece", "first_opening", "measure_pieces"]

#: One piece of an interval: ``(start, end, calendar in force during it)``.
Piece = tuple[datetime, datetime, Calendar]


def _to_changes(values: Iterable[tuple[datetime, Calendar]]) -> tuple[tuple[datetime, Calendar], ...]:
    return tuple((since, cal) for since, cal in values)


def _check_changes(inst: CalendarHistory,
                   attribute: attrs.Attribute[tuple[tuple[datetime, Calendar], ...]],
                   value: tuple[tuple[datetime, Calendar], ...]) -> None:
    prev: datetime | None = None
    for j, (since, _) in enumerate(value):
        if not isinstance(since, datetime) or since.tzinfo is None or since.utcoffset() is None:
            raise SalesmetricsError("invalid_instant", f"changes[{j}]",
                                    "a change starts at an aware datetime (add an offset)")
        if prev is not None and not since > prev:
            raise SalesmetricsError("invalid_value", f"changes[{j}]",
                                    f"change {j} does not start after change {j - 1}: "
                                    "changes must be strictly increasing")
        prev = since


@attrs.frozen
class CalendarHistory:
    """A base calendar and its changes over time; measures durations across them.

    Attributes:
        base: the calendar in force before the first change.
        changes: ``(since, calendar)`` pairs, ``since`` aware and strictly
            increasing.

    Raises:
        SalesmetricsError: ``invalid_instant`` at ``changes[j]`` for a naive
            ``since``, ``invalid_value`` when changes are not strictly increasing.
    """

    base: Calendar
    changes: tuple[tuple[datetime, Calendar], ...] = attrs.field(
        default=(), converter=_to_changes, validator=_check_changes)
    _epochs: tuple[float, ...] = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_epochs", tuple(s.timestamp() for s, _ in self.changes))

    @classmethod
    def fixed(cls, calendar: Calendar) -> CalendarHistory:
        """A history without changes: ``calendar`` forever."""
        return cls(calendar)

    def in_force(self, t: datetime) -> Calendar:
        """The calendar in force at ``t``: the last change at or before it, else the base."""
        i = bisect_right(self._epochs, t.timestamp())
        return self.base if i == 0 else self.changes[i - 1][1]

    def pieces(self, a: datetime, b: datetime) -> list[Piece]:
        """``[a, b]`` (``a <= b``) cut at every change strictly inside, with each piece's calendar.

        >>> from datetime import timezone
        >>> cal = Calendar.always_open()
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> len(CalendarHistory(cal).pieces(t, t))
        1
        """
        ta, tb = a.timestamp(), b.timestamp()
        i = bisect_right(self._epochs, ta)
        out: list[Piece] = []
        start, cal = a, (self.base if i == 0 else self.changes[i - 1][1])
        while i < len(self.changes) and self._epochs[i] < tb:
            since, nxt = self.changes[i]
            out.append((start, since, cal))
            start, cal = since, nxt
            i += 1
        out.append((start, b, cal))
        return out

    def _business(self, a: datetime, b: datetime) -> float:
        """Business seconds across the changes, on epoch seconds (no piece list)."""
        if a.tzinfo is None or b.tzinfo is None:
            raise ValueError("business_seconds needs aware datetimes, not a naive datetime")
        ta, tb = a.timestamp(), b.timestamp()
        sign = 1.0
        if tb < ta:
            ta, tb, sign = tb, ta, -1.0
        epochs = self._epochs
        i = bisect_right(epochs, ta)
        j = bisect_left(epochs, tb)
        cal = self.base if i == 0 else self.changes[i - 1][1]
        total, start = 0.0, ta
        for k in range(i, j):
            total += cal.business_seconds_epoch(start, epochs[k])
            start, cal = epochs[k], self.changes[k][1]
        return sign * (total + cal.business_seconds_epoch(start, tb))

    def next_opening(self, t: datetime, *, until: datetime | None = None) -> datetime | None:
        """The first instant ``t' >= t`` (up to ``until``) at which the calendar in force is open.

        None when there is none; the search never looks past ``until``.
        Without ``until``, the calendar in force after the last change is
        searched as far as :meth:`Calendar.next_opening` does.
        """
        if not self.changes:
            return self.base.next_opening(t, until=until)
        if until is not None:
            return first_opening(self.pieces(t, until)) if until >= t else None
        last_since = self.changes[-1][0]
        if last_since > t:
            found = first_opening(self.pieces(t, last_since))
            if found is not None and found < last_since:
                return found
            t = last_since
        return self.in_force(t).next_opening(t)

    def elapsed(self, clock: Clock, a: datetime, b: datetime) -> float:
        """``clock``'s elapsed seconds from ``a`` to ``b`` across the history (signed as the clock).

        Without changes it is ``clock.elapsed(base, a, b)``.
        """
        if not self.changes:
            return clock.elapsed(self.base, a, b)
        if isinstance(clock, BusinessClock):
            return self._business(a, b)
        if b < a and not isinstance(clock, DeferredStartClock):
            return -measure_pieces(clock, self.pieces(b, a))
        return measure_pieces(clock, self.pieces(a, b))


def first_opening(pieces: Sequence[Piece]) -> datetime | None:
    """The first open instant of consecutive pieces, each read on its own calendar.

    The first piece's opening strictly before its end (a piece's end belongs
    to the next piece), or the last piece's opening at or before its end;
    None when no piece opens.
    """
    last = len(pieces) - 1
    for i, (start, end, cal) in enumerate(pieces):
        opening = cal.next_opening(start, until=end)
        if opening is not None and (opening < end or i == last):
            return opening
    return None


def measure_pieces(clock: Clock, pieces: Sequence[Piece]) -> float:
    """A clock's seconds over consecutive pieces, each on its own calendar.

    ``wall``: last end − first start. ``deferred_start``: wall seconds from
    the first open instant of the first piece that opens before its end (0
    when none). Any other clock (``business``, or your own): the sum of its
    elapsed seconds over the pieces.

    Raises:
        ValueError: no pieces; ``deferred_start`` with the end before the start.
    """
    if not pieces:
        raise ValueError("no pieces to measure")
    a, b = pieces[0][0], pieces[-1][1]
    if isinstance(clock, WallClock):
        return WALL.elapsed(pieces[0][2], a, b)
    if isinstance(clock, DeferredStartClock):
        if b < a:
            raise ValueError("the deferred_start clock needs a <= b")
        opening = first_opening(pieces)
        return 0.0 if opening is None else max(0.0, b.timestamp() - opening.timestamp())
    if len(pieces) == 1:
        return clock.elapsed(pieces[0][2], a, b)
    return sum(clock.elapsed(cal, start, end) for start, end, cal in pieces)
