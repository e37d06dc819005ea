"""A value that changes at instants: who holds a thread, who it is assigned to (private).

One answer to "what was the value at ``t``" for every caller: the thread's
holding team and assignee (read by the timeline walk, the scope and the
real-time metrics) are :class:`History` values, built once from the changes
in walk order and queried with a bisect.

>>> from datetime import datetime, timezone
>>> t = lambda h: datetime(2026, 3, 2, h, tzinfo=timezone.utc)
>>> h = History("A", ((t(9), "B"), (t(9), "C"), (t(12), "D")))
>>> h.at(t(8)), h.at(t(9)), h.at(t(9), strict=True), h.at(t(13)), h.last
('A', 'C', 'A', 'D', 'D')
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import datetime
from typing import Generic, TypeVar

__all__ = ["History"]

V = TypeVar("V")


class History(Generic[V]):
    """An initial value and its changes ``(at, value)`` in walk order.

    ``at(t)`` is the value after every change at or before ``t`` (strictly
    before with ``strict=True``); changes at the same instant apply in order,
    so the last one wins.
    """

    __slots__ = ("_instants", "_values", "initial")

    def __init__(self, initial: V, changes: Sequence[tuple[datetime, V]] = ()) -> None:
        self.initial = initial
        if not changes:  # most threads never move: no lists made per thread
            self._instants: Sequence[datetime] = ()
            self._values: Sequence[V] = ()
            return
        self._instants = [at for at, _ in changes]
        self._values = [v for _, v in changes]

    @property
    def changes(self) -> tuple[tuple[datetime, V], ...]:
        """The changes, in walk order."""
        return tuple(zip(self._instants, self._values, strict=True))

    @property
    def last(self) -> V:
        """The value after every change."""
        return self._values[-1] if self._values else self.initial

    def at(self, t: datetime | None, *, strict: bool = False) -> V:
        """The value at ``t`` (None: after every change)."""
        if t is None:
            return self.last
        i = (bisect_left if strict else bisect_right)(self._instants, t)
        return self._values[i - 1] if i else self.initial

    def __repr__(self) -> str:
        return f"History({self.initial!r}, {self.changes!r})"
