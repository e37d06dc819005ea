"""The compiled form of a calendar: sorted open intervals in epoch seconds.

A calendar is compiled lazily, one local year at a time, into disjoint
intervals ``[start, end)`` of epoch seconds clipped to the year's window
``[T(Y), T(Y+1))`` (``T(Y)``: local midnight of 1 January). Loaded years form
one contiguous span whose intervals are concatenated with a prefix sum of
their lengths, so the open seconds up to any instant of the span cost one
bisect and the business seconds of ``[a, b]`` cost two, whatever ``b − a``.

>>> span = Span.empty()
>>> span.covers(0.0, 0.0)
False
"""

from __future__ import annotations

import datetime
import math
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import NamedTuple
from zoneinfo import ZoneInfo

from salesmetrics.calendars._ranges import DAY, TimeRange

__all__ = ["MAX_YEAR", "MIN_YEAR", "Compiled", "Span", "open_before"]

MIN_YEAR = 2
MAX_YEAR = 9998

DayRanges = Callable[[datetime.date], Sequence[TimeRange]]


class Span(NamedTuple):
    """Loaded years ``ylo..yhi``: window ``[lo, hi]`` and the merged intervals."""

    ylo: int
    yhi: int
    lo: float
    hi: float
    starts: list[float]
    ends: list[float]
    cum: list[float]
    """``cum[i]``: open seconds of the intervals before ``i`` (length n + 1)."""

    @classmethod
    def empty(cls) -> Span:
        return cls(0, -1, math.inf, -math.inf, [], [], [0.0])

    def covers(self, ta: float, tb: float) -> bool:
        return self.lo <= ta <= self.hi and self.lo <= tb <= self.hi


def open_before(span: Span, t: float) -> float:
    """Open seconds of the span before instant ``t`` (``t`` inside the span)."""
    i = bisect_right(span.starts, t)
    if i == 0:
        return 0.0
    over = span.ends[i - 1] - t
    return span.cum[i] - over if over > 0 else span.cum[i]


def _local_epoch(day: datetime.date, seconds: int, tz: ZoneInfo) -> float:
    """The instant of local ``day`` + ``seconds`` of wall clock, zoneinfo ``fold=0``."""
    extra, seconds = divmod(seconds, DAY)
    if extra:
        day = day + datetime.timedelta(days=extra)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return datetime.datetime(day.year, day.month, day.day, h, m, s, tzinfo=tz).timestamp()


class Compiled:
    """The lazily compiled intervals of one calendar (its private cache).

    Not part of the public API. Reads are lock-free: ``span`` is replaced by
    a new, complete :class:`Span` when years are added, never mutated.
    """

    __slots__ = ("_day_ranges", "_years", "span", "tz")

    def __init__(self, tz: ZoneInfo, day_ranges: DayRanges) -> None:
        self.tz = tz
        self._day_ranges = day_ranges
        self._years: dict[int, tuple[list[float], list[float]]] = {}
        self.span = Span.empty()

    # -- years -----------------------------------------------------------------

    def year_start(self, year: int) -> float:
        """``T(Y)``: the instant of local midnight on 1 January ``year``."""
        return datetime.datetime(year, 1, 1, tzinfo=self.tz).timestamp()

    def year_of(self, t: float) -> int:
        """The local year of an epoch instant.

        Raises:
            ValueError: the instant is not finite or its year is outside
                2..9998.
        """
        if not math.isfinite(t):
            raise ValueError(f"not a finite instant: {t!r}")
        try:
            year = datetime.datetime.fromtimestamp(t, self.tz).year
        except (OverflowError, OSError, ValueError):
            year = MAX_YEAR + 1 if t > 0 else MIN_YEAR - 1
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(f"instant {t!r} is outside the years {MIN_YEAR}..{MAX_YEAR}")
        return year

    def _year(self, year: int) -> tuple[list[float], list[float]]:
        """The merged intervals of a year, clipped to its window."""
        got = self._years.get(year)
        if got is not None:
            return got
        lo, hi = self.year_start(year), self.year_start(year + 1)
        raw: list[tuple[float, float]] = []
        day = datetime.date(year - 1, 12, 30)
        last = datetime.date(year, 12, 31)
        one = datetime.timedelta(days=1)
        while day <= last:
            for r in self._day_ranges(day):
                s = _local_epoch(day, r.start, self.tz)
                e = _local_epoch(day, r.end + (DAY if r.overnight else 0), self.tz)
                s, e = max(s, lo), min(e, hi)
                if e > s:
                    raw.append((s, e))
            day += one
        raw.sort()
        starts: list[float] = []
        ends: list[float] = []
        for s, e in raw:
            if ends and s <= ends[-1]:
                if e > ends[-1]:
                    ends[-1] = e
            else:
                starts.append(s)
                ends.append(e)
        self._years[year] = (starts, ends)
        return starts, ends

    def extend(self, ta: float, tb: float) -> Span:
        """The span, grown (and stored) so that it covers both instants."""
        span = self.span
        if span.covers(ta, tb):
            return span
        ya, yb = self.year_of(min(ta, tb)), self.year_of(max(ta, tb))
        if span.yhi >= span.ylo:
            ya, yb = min(ya, span.ylo), max(yb, span.yhi)
        starts: list[float] = []
        ends: list[float] = []
        for year in range(ya, yb + 1):
            s, e = self._year(year)
            if starts and s and s[0] <= ends[-1]:
                # an interval ending at T(Y) and one starting there: join them
                ends[-1] = e[0]
                starts.extend(s[1:])
                ends.extend(e[1:])
            else:
                starts.extend(s)
                ends.extend(e)
        cum = [0.0] * (len(starts) + 1)
        total = 0.0
        for i, (s0, e0) in enumerate(zip(starts, ends, strict=True)):
            total += e0 - s0
            cum[i + 1] = total
        span = Span(ya, yb, self.year_start(ya), self.year_start(yb + 1), starts, ends, cum)
        self.span = span
        return span

    # -- queries on epoch seconds ---------------------------------------------

    def seconds(self, ta: float, tb: float) -> float:
        """Signed open seconds between two epoch instants."""
        span = self.span
        if not (span.lo <= ta <= span.hi and span.lo <= tb <= span.hi):
            span = self.extend(ta, tb)
        # open_before(span, tb) - open_before(span, ta), inlined: the one hot call
        starts, ends, cum = span.starts, span.ends, span.cum
        i = bisect_right(starts, ta)
        if ta <= tb:  # a short interval often has no opening between its ends: one bisect
            j = i if i == len(starts) or starts[i] > tb else bisect_right(starts, tb, i)
        else:
            j = bisect_right(starts, tb, 0, i)
        before_a = 0.0
        if i:
            over = ends[i - 1] - ta
            before_a = cum[i] - over if over > 0 else cum[i]
        before_b = 0.0
        if j:
            over = ends[j - 1] - tb
            before_b = cum[j] - over if over > 0 else cum[j]
        return before_b - before_a

    def is_open(self, t: float) -> bool:
        span = self.span
        if not span.covers(t, t):
            span = self.extend(t, t)
        i = bisect_right(span.starts, t)
        return i > 0 and t < span.ends[i - 1]

    def next_opening(self, t: float, last_year: int) -> float | None:
        """The first open instant at or after ``t``, searching up to ``last_year``."""
        if self.is_open(t):
            return t
        year = self.year_of(t)
        while year <= min(last_year, MAX_YEAR - 1):
            span = self.extend(t, self.year_start(year + 1))
            i = bisect_right(span.starts, t)
            if i < len(span.starts):
                return span.starts[i]
            year += 1
        return None

    def intervals(self, ta: float, tb: float) -> list[tuple[float, float]]:
        """The open intervals of ``[ta, tb]``, clipped to it, in order."""
        span = self.extend(ta, tb)
        i = max(bisect_right(span.starts, ta) - 1, 0)
        out: list[tuple[float, float]] = []
        for s, e in zip(span.starts[i:], span.ends[i:], strict=True):
            if s >= tb:
                break
            s, e = max(s, ta), min(e, tb)
            if e > s:
                out.append((s, e))
        return out
