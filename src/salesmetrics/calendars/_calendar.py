"""The business-hours calendar (docs/definitions.md §3.1): a week in a timezone, plus rules.

A calendar is composed like dateutil's ``rruleset``: a :class:`Week` in an
IANA timezone, ``+`` public :class:`Holidays`, ``-`` :class:`Closed` dates,
``+`` :class:`Special` dates with their own hours.

>>> from datetime import datetime
>>> cal = (Calendar("Europe/Paris", Week.weekdays(("09:00", "12:00"), ("13:00", "18:00")))
...        + Holidays("FR") - Closed("2026-12-24") + Special("2026-12-31", ("09:00", "12:00")))
>>> friday_5pm = datetime.fromisoformat("2026-03-06T17:00:00+01:00")
>>> monday_10am = datetime.fromisoformat("2026-03-09T10:00:00+01:00")
>>> cal.business_seconds(friday_5pm, monday_10am) / 3600   # 1 h Friday + 1 h Monday
2.0
>>> cal.is_open(datetime.fromisoformat("2026-12-24T10:00:00+01:00"))   # closed date
False
>>> cal.next_opening(datetime.fromisoformat("2026-12-31T12:30:00+01:00")).isoformat()
'2027-01-04T09:00:00+01:00'
"""

from __future__ import annotations

import datetime
import math
import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload
from zoneinfo import ZoneInfo

import attrs

from salesmetrics._time import parse_timezone
from salesmetrics.calendars._days import Closed, Special, to_dates
from salesmetrics.calendars._engine import MAX_YEAR, Compiled
from salesmetrics.calendars._holidays import Holidays
from salesmetrics.calendars._parse import calendar_parts
from salesmetrics.calendars._ranges import TimeRange, Week
from salesmetrics.errors import SalesmetricsError, join_path

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["Calendar"]

_UTC = ZoneInfo("UTC")


def _check_timezone(inst: Calendar, attribute: attrs.Attribute[str], value: str) -> None:
    parse_timezone(value, "timezone", "invalid_calendar")


def _to_holidays(values: Iterable[Holidays]) -> tuple[Holidays, ...]:
    return tuple(dict.fromkeys(values))


def _to_specials(values: Iterable[Special]) -> tuple[Special, ...]:
    by_date: dict[datetime.date, Special] = {}
    for s in values:
        by_date[s.date] = s   # the last one given for a date wins
    return tuple(by_date[d] for d in sorted(by_date))


def _epoch(value: datetime.datetime, what: str) -> float:
    if value.tzinfo is None:
        raise ValueError(f"{what} is a naive datetime; give an aware one")
    return value.timestamp()


@attrs.frozen
class Calendar:
    """A business-hours calendar: open hours as instants (docs/definitions.md §3.1).

    Open on the ranges of its :class:`Week` in its timezone, except that on a
    :class:`Holidays` date or a :class:`Closed` date the ranges starting that
    day are dropped, and a :class:`Special` date's own ranges replace that
    day's (week and holidays). A range belongs to the date it starts on, so an
    overnight range of the day before still runs into a holiday. Overlapping
    ranges count once (open hours are their union). Intervals are half-open:
    a calendar opening at 09:00 and closing at 18:00 is open at 09:00 and
    closed at 18:00.

    Local times become instants with the timezone's rules (``zoneinfo``,
    ``fold=0``), so a range across a DST change lasts its real length. A
    local time that does not exist (in the spring-forward gap) is read with
    the offset in force before the change, i.e. shifted forward by the gap
    (02:30 in Paris on the last Sunday of March is 03:30 CEST); a local time
    that occurs twice (autumn) is its first occurrence. A range whose end
    maps to an instant not after its start is empty.

    Compose with operators, each returning a new calendar:
    ``+ Holidays(...)``, ``- Closed(...)``, ``+ Special(...)`` and
    ``+ Week(...)`` (union with the week).

    Attributes:
        timezone: an IANA name (``"Europe/Paris"``).
        week: the weekly schedule.
        holidays: holiday sources; dates of any of them are closed.
        closed: extra closed dates (dates or ``YYYY-MM-DD``).
        special: special dates; for a date given twice the last one wins.

    Raises:
        ValueError: unknown timezone, malformed date or range.

    Queries take aware datetimes (any offset) and compile the calendar
    lazily: each local year a query touches is turned once into sorted open
    intervals with a prefix sum of open seconds (cached on the calendar), so
    a query costs two bisects whatever its length.

    >>> cal = Calendar("Europe/Paris", Week.every_day(("09:00", "19:00")))
    >>> a = datetime.datetime.fromisoformat("2026-03-02T20:30:00+01:00")
    >>> b = datetime.datetime.fromisoformat("2026-03-03T09:05:00+01:00")
    >>> cal.business_seconds(a, b), cal.business_seconds(b, a)
    (300.0, -300.0)

    ``business_seconds(a, b)`` for ``a <= b`` is equivalent to the naive sum
    over :meth:`open_intervals`, without building them:

    >>> sum(e.timestamp() - s.timestamp() for s, e in cal.open_intervals(a, b))
    300.0
    """

    timezone: str = attrs.field(validator=_check_timezone)
    week: Week = attrs.field(validator=attrs.validators.instance_of(Week))
    holidays: tuple[Holidays, ...] = attrs.field(default=(), converter=_to_holidays)
    closed: tuple[datetime.date, ...] = attrs.field(default=(), converter=to_dates)
    special: tuple[Special, ...] = attrs.field(default=(), converter=_to_specials)
    _compiled: Compiled = attrs.field(init=False, eq=False, repr=False, hash=False)
    _always: bool = attrs.field(init=False, eq=False, repr=False, hash=False)
    _closed_set: frozenset[datetime.date] = attrs.field(
        init=False, eq=False, repr=False, hash=False)
    _special_map: Mapping[datetime.date, tuple[TimeRange, ...]] = attrs.field(
        init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_closed_set", frozenset(self.closed))
        object.__setattr__(self, "_special_map", {s.date: s.ranges for s in self.special})
        always = self.week.is_always_open and not (self.holidays or self.closed or self.special)
        object.__setattr__(self, "_always", always)
        # the compiled clock asks the calendar for a day's ranges through a weak
        # reference: no cycle, so a dropped calendar is freed at once (reference
        # counting), not at the next full collection
        ranges_on = weakref.WeakMethod(self.ranges_on)
        object.__setattr__(self, "_compiled", Compiled(ZoneInfo(self.timezone),
                                                       lambda day: _alive(ranges_on)(day)))

    def __getstate__(self) -> dict[str, Any]:
        """The given fields (what pickling and copying keep); the rest is remade from them."""
        return {f.name: getattr(self, f.name) for f in attrs.fields(type(self)) if f.init}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self.__attrs_post_init__()

    # -- construction ----------------------------------------------------------

    @classmethod
    def always_open(cls) -> Calendar:
        """The default calendar of a team without one: open 24/7, UTC.

        Its business clock equals the wall clock (a fast path: no compiling).

        >>> a = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
        >>> Calendar.always_open().business_seconds(a, a + datetime.timedelta(days=365))
        31536000.0
        """
        return _ALWAYS_OPEN

    @classmethod
    def from_dict(cls, data: object, *, path: str) -> Calendar:
        """A calendar from the case format's object; errors name places under ``path``.

        >>> cal = Calendar.from_dict({"timezone": "Europe/Paris",
        ...                           "weekly": {"mon": [["09:00", "12:00"]]},
        ...                           "holidays": {"country": "FR"}}, path="calendars.store")
        >>> cal.week.mon, cal.holidays
        ((TimeRange('09:00', '12:00'),), (Holidays(country='FR', subdiv=None),))
        >>> from salesmetrics.errors import SalesmetricsError
        >>> try:
        ...     Calendar.from_dict({"timezone": "Europe/Paris", "weekly": {"mon": [["09:00"]]}},
        ...                        path="calendars.store")
        ... except SalesmetricsError as exc:
        ...     print(exc.code, exc.path)
        invalid_calendar calendars.store.weekly.mon[0]

        Raises:
            SalesmetricsError: ``missing_field`` (no ``timezone``, holidays
                without ``country``) or ``invalid_calendar`` (anything else
                malformed), naming the place (``calendars.store.weekly.mon[0]``).
        """
        parts = calendar_parts(data, path)
        try:
            return cls(parts.timezone, parts.week, parts.holidays, parts.closed, parts.special)
        except ValueError as exc:
            raise SalesmetricsError("invalid_calendar", join_path(path, "timezone"),
                                    str(exc)) from None

    def __add__(self, other: object) -> Calendar:
        if isinstance(other, Holidays):
            return attrs.evolve(self, holidays=(*self.holidays, other))
        if isinstance(other, Special):
            return attrs.evolve(self, special=(*self.special, other))
        if isinstance(other, Week):
            return attrs.evolve(self, week=self.week + other)
        return NotImplemented

    def __sub__(self, other: object) -> Calendar:
        if isinstance(other, Closed):
            return attrs.evolve(self, closed=(*self.closed, *other.dates))
        return NotImplemented

    # -- rules -----------------------------------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        """The timezone as a :class:`zoneinfo.ZoneInfo`."""
        return self._compiled.tz

    def is_holiday(self, day: datetime.date) -> bool:
        """Whether a local date is a public holiday of one of the holiday sources."""
        return any(day in h for h in self.holidays)

    def ranges_on(self, day: datetime.date) -> tuple[TimeRange, ...]:
        """The ranges that start on a local date, after the rules.

        Special date → its ranges; else closed date or holiday → none; else
        the week's ranges for that weekday.

        >>> cal = Calendar("UTC", Week.weekdays(("09:00", "18:00"))) + Holidays("FR")
        >>> cal.ranges_on(datetime.date(2026, 7, 14)), cal.ranges_on(datetime.date(2026, 7, 15))
        ((), (TimeRange('09:00', '18:00'),))
        """
        special = self._special_map.get(day)
        if special is not None:
            return special
        if day in self._closed_set or self.is_holiday(day):
            return ()
        return self.week.day(day.weekday())

    # -- queries ---------------------------------------------------------------

    def is_open(self, t: datetime.datetime) -> bool:
        """Whether the calendar is open at an instant (intervals are ``[open, close)``)."""
        if self._always:
            _epoch(t, "t")
            return True
        return self._compiled.is_open(_epoch(t, "t"))

    def next_opening(self, t: datetime.datetime, *,
                     until: datetime.datetime | None = None) -> datetime.datetime | None:
        """The first open instant at or after ``t``: ``t`` itself when open.

        Returns None when the calendar never opens again (an empty week and no
        later special date), or does not open before ``until`` when given (the
        search never looks past ``until``). The result is in the calendar's
        timezone (``t`` unchanged when open).

        >>> cal = Calendar("UTC", Week()) + Special("9990-01-04", ("09:00", "10:00"))
        >>> t = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
        >>> cal.next_opening(t).isoformat()
        '9990-01-04T09:00:00+00:00'
        >>> cal.next_opening(t, until=t + datetime.timedelta(days=1)) is None
        True
        """
        tt = _epoch(t, "t")
        if self._always:
            return t
        tu = None if until is None else _epoch(until, "until")
        if tu is not None and tu < tt:
            return None
        if self.week.is_empty:
            found = self._next_special_opening(tt, t, tu)
        else:
            last = self._last_search_year(t)
            if tu is not None:
                last = min(last, self._compiled.year_of(tu))
            found = self._compiled.next_opening(tt, last)
        if found is None or (tu is not None and found > tu):
            return None
        if found == tt:
            return t
        return datetime.datetime.fromtimestamp(found, self.tz)

    def _next_special_opening(self, tt: float, t: datetime.datetime,
                              tu: float | None) -> float | None:
        """:meth:`next_opening` of a calendar with an empty week: only special dates open.

        Walks the special dates with ranges from the day before ``t`` (an
        overnight range runs into the next day), without compiling the years
        between them, so a lone special date centuries away costs nothing.
        """
        from salesmetrics.calendars._engine import _local_epoch
        from salesmetrics.calendars._ranges import DAY

        tz = self.tz
        first_day = t.astimezone(tz).date() - datetime.timedelta(days=1)
        best: float | None = None
        for sp in self.special:
            if sp.date < first_day or not sp.ranges:
                continue
            day_start = _local_epoch(sp.date, 0, tz)
            if best is not None and day_start > best:
                break
            if tu is not None and day_start > tu + DAY:
                break
            for r in sp.ranges:
                s = _local_epoch(sp.date, r.start, tz)
                e = _local_epoch(sp.date, r.end + (DAY if r.overnight else 0), tz)
                if e > s and e > tt:
                    cand = max(s, tt)
                    if best is None or cand < best:
                        best = cand
        return best

    def _last_search_year(self, t: datetime.datetime) -> int:
        years = [s.date.year for s in self.special if s.ranges]
        if not self.week.is_empty:
            # a weekday with hours comes back every week: past the last closed
            # or special date, holidays alone never close a whole year
            years += [t.year, *(d.year for d in self.closed), *(s.date.year for s in self.special)]
            return min(max(years) + 2, MAX_YEAR)
        return max(years) + 1 if years else 0

    def open_intervals(
        self, a: datetime.datetime, b: datetime.datetime
    ) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The open intervals within ``[a, b]``, clipped to it, in the calendar's timezone.

        Adjacent ranges (including across midnight) come merged. Empty when
        ``b <= a``.

        >>> cal = Calendar("UTC", Week.every_day(("22:00", "06:00")))
        >>> a = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.timezone.utc)
        >>> [(s.isoformat(), e.isoformat())
        ...  for s, e in cal.open_intervals(a, a + datetime.timedelta(days=1))]
        [('2026-01-01T22:00:00+00:00', '2026-01-02T06:00:00+00:00')]
        """
        ta, tb = _epoch(a, "a"), _epoch(b, "b")
        if tb <= ta:
            return []
        tz = self.tz
        if self._always:
            return [(a.astimezone(tz), b.astimezone(tz))]
        return [(datetime.datetime.fromtimestamp(s, tz), datetime.datetime.fromtimestamp(e, tz))
                for s, e in self._compiled.intervals(ta, tb)]

    def business_seconds(self, a: datetime.datetime, b: datetime.datetime) -> float:
        """The seconds of ``[a, b]`` that fall in open hours; signed (``(b, a)`` is negative).

        Two bisects and a subtraction on the compiled year arrays, whatever
        the length of the interval.

        Raises:
            ValueError: a naive datetime, or an instant outside the years 2..9998.
        """
        if a.tzinfo is None or b.tzinfo is None:
            raise ValueError("business_seconds needs aware datetimes, not a naive datetime")
        if self._always:
            return b.timestamp() - a.timestamp()
        return self._compiled.seconds(a.timestamp(), b.timestamp())

    def business_seconds_epoch(self, ta: float, tb: float) -> float:
        """:meth:`business_seconds` of two instants given as epoch seconds."""
        if self._always:
            return tb - ta
        return self._compiled.seconds(ta, tb)

    @overload
    def business_seconds_many(
        self, starts: npt.NDArray[Any], ends: npt.NDArray[Any]
    ) -> npt.NDArray[np.float64]: ...

    @overload
    def business_seconds_many(
        self, starts: Sequence[datetime.datetime] | Sequence[float],
        ends: Sequence[datetime.datetime] | Sequence[float],
    ) -> list[float]: ...

    def business_seconds_many(self, starts: Any, ends: Any) -> Any:
        """:meth:`business_seconds` of many intervals ``(starts[i], ends[i])``.

        Takes two equally long sequences of aware datetimes or of epoch
        seconds (floats), and returns a list of floats; or two numpy arrays
        (numbers as epoch seconds, or ``datetime64`` read as UTC) and returns a
        float64 numpy array (numpy is imported only then, never required).

        >>> cal = Calendar("UTC", Week.every_day(("09:00", "17:00")))
        >>> cal.business_seconds_many([0.0, 86400.0], [86400.0, 0.0])
        [28800.0, -28800.0]

        Raises:
            ValueError: lengths differ, a naive datetime, a non-finite number.
        """
        if _is_numpy(starts) or _is_numpy(ends):
            return self._many_numpy(starts, ends)
        if len(starts) != len(ends):
            raise ValueError(f"{len(starts)} starts but {len(ends)} ends")
        ta = [_as_epoch(v) for v in starts]
        tb = [_as_epoch(v) for v in ends]
        if self._always:
            return [b - a for a, b in zip(ta, tb, strict=True)]
        if not ta:
            return []
        compiled = self._compiled
        compiled.extend(min(min(ta), min(tb)), max(max(ta), max(tb)))
        return [compiled.seconds(a, b) for a, b in zip(ta, tb, strict=True)]

    def _many_numpy(self, starts: Any, ends: Any) -> npt.NDArray[np.float64]:
        import numpy as np

        ta = _numpy_epoch(np.asarray(starts))
        tb = _numpy_epoch(np.asarray(ends))
        if ta.shape != tb.shape:
            raise ValueError(f"shapes differ: {ta.shape} and {tb.shape}")
        if not (np.isfinite(ta).all() and np.isfinite(tb).all()):
            raise ValueError("instants must be finite numbers")
        if self._always or ta.size == 0:
            return tb - ta
        span = self._compiled.extend(float(min(ta.min(), tb.min())),
                                     float(max(ta.max(), tb.max())))
        s = np.asarray(span.starts, dtype=np.float64)
        e = np.asarray(span.ends, dtype=np.float64)
        c = np.asarray(span.cum, dtype=np.float64)

        def before(t: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
            i = np.searchsorted(s, t, side="right")
            if s.size == 0:
                return np.zeros_like(t)
            over = np.where(i > 0, e[np.maximum(i - 1, 0)] - t, 0.0)
            result: npt.NDArray[np.float64] = c[i] - np.maximum(over, 0.0)
            return result

        out: npt.NDArray[np.float64] = before(tb) - before(ta)
        return out


def _as_epoch(value: object) -> float:
    if isinstance(value, datetime.datetime):
        return _epoch(value, "an instant")
    if isinstance(value, int | float) and not isinstance(value, bool):
        v = float(value)
        if math.isfinite(v):
            return v
    raise ValueError(f"an instant is an aware datetime or epoch seconds, not {value!r}")


def _is_numpy(value: object) -> bool:
    return type(value).__module__ == "numpy"


def _numpy_epoch(arr: Any) -> npt.NDArray[np.float64]:
    import numpy as np

    if arr.dtype.kind == "M":
        ns = arr.astype("datetime64[ns]").astype(np.int64)
        result: npt.NDArray[np.float64] = ns / 1e9
        return result
    if arr.dtype.kind == "O":
        return np.array([_as_epoch(v) for v in arr.ravel()], dtype=np.float64).reshape(arr.shape)
    floats: npt.NDArray[np.float64] = arr.astype(np.float64)
    return floats


_ALWAYS_OPEN = Calendar("UTC", Week.every_day(("00:00", "24:00")))


def calendars_by_id(data: Mapping[str, object], path: str = "calendars") -> dict[str, Calendar]:
    """Calendars from the case format's ``calendars`` section (id → object)."""
    return {cid: Calendar.from_dict(raw, path=f"{path}.{cid}") for cid, raw in data.items()}


def _alive(ref: weakref.WeakMethod[Any]) -> Any:
    """The method a weak reference holds (its calendar owns the clock that asks: alive)."""
    method = ref()
    assert method is not None, "a compiled clock outlived its calendar"
    return method
