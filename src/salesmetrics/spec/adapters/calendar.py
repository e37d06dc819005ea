"""Adapter of the ``business_time`` check: elapsed seconds of intervals on a calendar.

>>> from salesmetrics.calendars import Calendar
>>> from salesmetrics.dataset import Dataset
>>> from salesmetrics.spec.check import parse_check
>>> store = Calendar.from_dict({"timezone": "Europe/Paris",
...     "weekly": {d: [["09:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}},
...     path="calendars.store")
>>> check = parse_check({"metric": "business_time", "options": {"calendar": "store",
...     "intervals": [["2026-03-02T20:30:00+01:00", "2026-03-03T09:05:00+01:00"]]}})
>>> business_time(Dataset(calendars={"store": store}), check)
[300.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesmetrics._time import parse_instant
from salesmetrics.calendars import CLOCKS, DEFERRED_START, Clock
from salesmetrics.errors import SalesmetricsError

if TYPE_CHECKING:
    from salesmetrics.dataset import Dataset
    from salesmetrics.spec.check import Check

__all__ = ["business_time"]


def business_time(dataset: Dataset, check: Check) -> list[float]:
    """Seconds from ``a`` to ``b`` of each interval, on the named calendar and clock.

    Options: ``calendar`` (an id of ``dataset.calendars``), ``intervals``
    (``[[a, b], ...]`` ISO instants with an offset), ``clock`` (``business``
    by default; ``wall``, ``deferred_start``).

    Raises:
        SalesmetricsError: ``unknown_reference`` at ``options.calendar``;
            ``invalid_option`` at ``options.intervals``,
            ``options.intervals[i]`` (not a pair, or ``a > b`` with
            ``deferred_start``) or ``options.clock``; ``invalid_instant`` at
            ``options.intervals[i][j]``.
    """
    cal_id = check.string("calendar")
    if cal_id is None or cal_id not in dataset.calendars:
        known = ", ".join(sorted(dataset.calendars)) or "none"
        raise SalesmetricsError("unknown_reference", "options.calendar",
                                f"no calendar {cal_id!r} in the data (calendars: {known})")
    calendar = dataset.calendars[cal_id]

    name = check.string("clock", "business") or "business"
    if name not in CLOCKS:
        raise check.error("clock", f"unknown clock {name!r}; known: {', '.join(sorted(CLOCKS))}")
    clock: Clock = CLOCKS[name]

    raw = check.options.get("intervals")
    if not isinstance(raw, list):
        raise check.error("intervals", "intervals is a list of [a, b] instant pairs")
    pairs = []
    for i, item in enumerate(raw):
        path = f"options.intervals[{i}]"
        if not isinstance(item, list) or len(item) != 2:
            raise SalesmetricsError("invalid_option", path,
                                    f"an interval is an [a, b] pair of instants, not {item!r}")
        a = parse_instant(item[0], f"{path}[0]")
        b = parse_instant(item[1], f"{path}[1]")
        if clock is DEFERRED_START and b.timestamp() < a.timestamp():
            raise SalesmetricsError("invalid_option", path,
                                    "the deferred_start clock needs a <= b")
        pairs.append((a, b))
    if name == "business":
        return calendar.business_seconds_many([a for a, _ in pairs], [b for _, b in pairs])
    return [float(clock.elapsed(calendar, a, b)) for a, b in pairs]
