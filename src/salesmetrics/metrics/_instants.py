"""Rows sorted by instant, and a period's rows as two bisects (private).

The activity metrics index each user's (or account's) items once per dataset,
as rows sorted by ``at.timestamp()`` (the order of their drill-down rows), so
a period or an ``as_of`` is a bisect instead of a comparison per item.

A row is a tuple ``(timestamp, ..., at, ...)``, sorted by timestamp, then by
the caller's tie-breaking fields, then in the order the rows were made.

A float timestamp is monotone in the instant but not injective far from
today (beyond year 2255 two instants a microsecond apart may share one), so
the bisects run on the floats and the rows whose float equals a bound's are
checked on the instant itself: the answer is exactly ``start <= at < stop``
and ``at <= as_of``, whatever the instants.

>>> from datetime import datetime, timezone
>>> t = [datetime(2026, 3, d, tzinfo=timezone.utc) for d in (5, 3, 2, 3)]
>>> s = Sorted([(x.timestamp(), seq, x) for seq, x in enumerate(t)], at=2)
>>> [s.rows[i][1] for i in s.window(t[1], t[0], None)]
[1, 3]
>>> s.rows[s.last_before(t[0], None)][1], s.last_before(t[2], None)
(3, None)
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import chain, pairwise
from operator import itemgetter
from typing import Any

__all__ = ["Sorted"]

_INF = float("inf")
_timestamp = itemgetter(0)


class Sorted:
    """Rows ``(timestamp, *tie, seq, ...)`` sorted, with the position of their instant.

    ``rows`` are sorted in place: by timestamp, then (rows of equal
    timestamps only) by ``tie(row)``, then in the order made; ``ts`` holds
    their timestamps (the bisect keys) and ``rows[i][at]`` is row ``i``'s
    instant. The same order as sorting the tuples, without comparing tuples.
    """

    __slots__ = ("at", "rows", "ts")

    def __init__(self, rows: list[tuple[Any, ...]], *, at: int,
                 tie: Callable[[tuple[Any, ...]], Any] | None = None) -> None:
        rows.sort(key=_timestamp)  # stable: equal timestamps keep the order made
        ts: list[float] = [r[0] for r in rows]
        if tie is not None:
            # the positions whose timestamp equals the previous one's, in runs
            same = [i for i, (a, b) in enumerate(pairwise(ts), 1) if a == b]
            k = 0
            while k < len(same):
                start, end = same[k] - 1, same[k] + 1
                k += 1
                while k < len(same) and same[k] == end:
                    end += 1
                    k += 1
                rows[start:end] = sorted(rows[start:end], key=tie)
        self.rows = rows
        self.ts = ts
        self.at = at

    def __len__(self) -> int:
        return len(self.rows)

    def window(self, start: datetime | None, stop: datetime | None,
               as_of: datetime | None) -> Iterable[int]:
        """The positions of the rows with ``start <= at < stop`` and ``at <= as_of``, in order.

        None for a bound means no bound.
        """
        ts = self.ts
        f_lo = -_INF if start is None else start.timestamp()
        f_hi = min(_INF if stop is None else stop.timestamp(),
                   _INF if as_of is None else as_of.timestamp())
        lo = bisect_left(ts, f_lo)
        hi = bisect_right(ts, f_hi)
        if hi <= lo:
            return ()
        # [lo, a): float equal to start's; [a, b): strictly inside; [b, hi): equal to the top
        a = bisect_right(ts, f_lo, lo, hi)
        b = bisect_left(ts, f_hi, a, hi)
        if a == lo and b == hi:
            return range(lo, hi)
        rows, pos = self.rows, self.at

        def ok(i: int) -> bool:
            at = rows[i][pos]
            return ((start is None or start <= at) and (stop is None or at < stop)
                    and (as_of is None or at <= as_of))

        return chain([i for i in range(lo, a) if ok(i)], range(a, b),
                     [i for i in range(b, hi) if ok(i)])

    def last_before(self, stop: datetime | None, as_of: datetime | None) -> int | None:
        """The position of the latest row with ``at < stop`` and ``at <= as_of`` (None: none).

        Of equal instants, the last in sort order wins (with no tie fields:
        the last made).
        """
        ts, rows, pos = self.ts, self.rows, self.at
        f_hi = min(_INF if stop is None else stop.timestamp(),
                   _INF if as_of is None else as_of.timestamp())
        i = bisect_right(ts, f_hi) - 1
        best: int | None = None
        top: float | None = None
        while i >= 0:
            f = ts[i]
            if top is not None and f != top:
                break
            at = rows[i][pos]
            if f == f_hi and ((stop is not None and at >= stop)
                              or (as_of is not None and at > as_of)):
                i -= 1
                continue
            top = f
            if best is None or at > rows[best][pos]:
                best = i
            i -= 1
        return best

