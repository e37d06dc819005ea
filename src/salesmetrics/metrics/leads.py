"""Lead response time and the lead dashboard (docs/definitions.md §4, Reynolds & Reynolds).

A lead's **first response** is the earliest completed, non-automated activity
linked to it (``activity.lead``), done at or after the lead was received and
visible (``at <= as_of``), of the caller's kinds when the caller restricts
them; ties keep input order. Its value is the elapsed time from the lead's
reception to that activity on the lead team's calendar, with a clock
(``deferred_start`` by default: a lead received at night starts counting at
the next opening).

The computation is rows → partial aggregates → result:

* :func:`lead_responses` gives one :class:`LeadResponse` row per lead counted
  (its first response activity, responder, clock start and value, or none);
* :class:`ResponseAggregate` sums rows and merges associatively;
* :func:`lead_response_time` and :func:`lead_dashboard` return frozen results
  whose summaries are exactly the aggregates of their rows.

>>> from datetime import datetime, timezone
>>> from salesmetrics.dataset import Dataset
>>> from salesmetrics.model import Activity, ActivityKind, Lead, User
>>> from salesmetrics.period import Period
>>> t = lambda h: datetime(2026, 3, 2, h, tzinfo=timezone.utc)
>>> ds = Dataset(users=[User(id="u")],
...     leads=[Lead(id="L1", received_at=t(9)), Lead(id="L2", received_at=t(10))],
...     activities=[Activity(user="u", kind=ActivityKind.CALL, at=t(11), lead="L1")])
>>> r = lead_response_time(ds, period=Period(t(0), t(23)))
>>> r.overall.leads, r.overall.responded, r.overall.mean, r.overall.within_24h_rate
(2, 1, 7200.0, 0.5)
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import attrs

from salesmetrics._time import before_us, epoch_us, epochs_us
from salesmetrics.calendars import DEFERRED_START, Clock, DeferredStartClock
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.metrics._args import (
    check_by,
    check_clock,
    check_dataset,
    check_instant,
    check_period,
    check_seconds,
    check_strings,
    check_window,
)
from salesmetrics.metrics._partial import (
    Partial,
    Result,
    Tally,
    _Builder,
    check_partial,
    make_partial,
    rows_partial,
)
from salesmetrics.model import Activity, ActivityKind, Lead
from salesmetrics.period import Period
from salesmetrics.results import mean, median, percentile, rate, to_jsonable

__all__ = [
    "DAY_SECONDS",
    "LEAD_GROUPINGS",
    "DashboardSummary",
    "LeadResponse",
    "ResponseAggregate",
    "ResponseSummary",
    "finish_lead_dashboard",
    "finish_lead_response_time",
    "first_response",
    "lead_dashboard",
    "lead_dashboard_partial",
    "lead_response_time",
    "lead_response_time_partial",
    "lead_responses",
    "to_rows",
]

#: Seconds in the "within 24 h" count (at most, inclusive).
DAY_SECONDS = 86400.0

#: The groupings of :func:`lead_response_time`.
LEAD_GROUPINGS = ("responder", "assignee", "team", "store", "source", "source_group", "type",
                  "category")

_MAX_BUCKETS = 5

Bucket = tuple[float, float]


# -- shared lead helpers (also used by salesmetrics.metrics.conversion) -------


def visible(at: datetime, as_of: datetime | None) -> bool:
    """Whether an instant is visible at ``as_of`` (None: everything is)."""
    return as_of is None or at <= as_of


def leads_received(dataset: Dataset, period: Period, as_of: datetime | None,
                   categories: frozenset[str] | None = None) -> list[Lead]:
    """The leads received in the period and visible, optionally of some categories.

    In input order. Is equivalent to::

        [lead for lead in dataset.leads
         if period.contains(lead.received_at) and visible(lead.received_at, as_of)
         and (categories is None or lead.category in categories)]

    The leads are sorted by reception once per dataset (:class:`_Receptions`),
    so a period is a few bisections, whatever the number of leads.
    """
    check_dataset(dataset)
    received = dataset.derived(("leads.received",), lambda: _Receptions(dataset.leads))
    return [lead for lead in received.window(dataset.leads, period, as_of)
            if categories is None or lead.category in categories]


#: How far (microseconds) from its instant a reception may compare with a bound. An
#: aware datetime compared with one of the same ``tzinfo`` object is read on its wall
#: clock, off its instant by its offset (less than a day either way): two such readings
#: are less than two days from their instants' order.
_SLACK_US = 2 * 86_400 * 1_000_000


def _plain(t: datetime) -> bool:
    """Whether an instant compares exactly as its :func:`epoch_us`: a fixed offset's datetime.

    A ``datetime.timezone`` has one offset, so its wall clock and its instant
    agree; a ``ZoneInfo`` instant in a fold, or a datetime subclass (pandas'
    nanoseconds), may not.
    """
    return type(t) is datetime and type(t.tzinfo) is timezone


class _Receptions:
    """The leads of a dataset by reception (private): a period is a few bisections.

    ``us`` holds the receptions as epoch microseconds, sorted; ``positions``
    the leads' input positions in that order (ties in input order); ``plain``
    whether every reception is :func:`_plain`.
    """

    __slots__ = ("plain", "positions", "us")

    def __init__(self, leads: Sequence[Lead]) -> None:
        received = [lead.received_at for lead in leads]
        self.plain = all(map(_plain, received))
        us = epochs_us(received) if self.plain else [epoch_us(t) for t in received]
        self.positions = sorted(range(len(us)), key=us.__getitem__)
        self.us = [us[i] for i in self.positions]

    def window(self, leads: Sequence[Lead], period: Period,
               as_of: datetime | None) -> list[Lead]:
        """The leads received in ``period`` and visible at ``as_of``, in input order.

        ``leads`` are the dataset's (those indexed). When the receptions and
        the bounds are all plain, the epochs decide; otherwise the leads within
        :data:`_SLACK_US` of a bound are asked ``period.contains`` and
        :func:`visible` themselves, and only those farther inside are taken
        on their epochs.
        """
        if not leads:
            return []
        plain = (self.plain and _plain(period.start) and _plain(period.end)
                 and (as_of is None or _plain(as_of)))
        slack = 0 if plain else _SLACK_US
        low = period.start_us
        high = before_us(period.end_us, as_of)
        us, positions = self.us, self.positions
        lo = bisect_left(us, low - slack)
        hi = bisect_left(us, high + slack, lo)
        inner_lo = bisect_left(us, low + slack, lo, hi)
        inner_hi = bisect_left(us, high - slack, inner_lo, hi)
        found = positions[inner_lo:inner_hi]
        if slack:
            found += [i for i in positions[lo:inner_lo] + positions[inner_hi:hi]
                      if period.contains(leads[i].received_at)
                      and visible(leads[i].received_at, as_of)]
        found.sort()
        return [leads[i] for i in found]


def group_names(dataset: Dataset, by: str,
                categories: frozenset[str] | None = None) -> list[str]:
    """The groups that always appear for a grouping, even empty.

    ``team``: every team; ``responder``/``assignee``/``user``: every user;
    a lead attribute: every distinct non-null value among the dataset's leads
    (of ``categories`` when given).
    """
    check_dataset(dataset)
    if by == "team":
        return [t.id for t in dataset.teams]
    if by in ("responder", "assignee", "user"):
        return [u.id for u in dataset.users]
    names: dict[str, None] = {}
    for lead in dataset.leads:
        if categories is not None and lead.category not in categories:
            continue
        value = getattr(lead, by)
        if value is not None:
            names.setdefault(value, None)
    return sorted(names)


def check_kinds(kinds: Iterable[ActivityKind | str] | None) -> frozenset[ActivityKind] | None:
    """Activity kinds from names.

    Raises:
        SalesmetricsError: ``invalid_option`` at ``kinds`` for an unknown kind.
    """
    if kinds is None:
        return None
    if isinstance(kinds, str | bytes | Mapping) or not isinstance(kinds, Iterable):
        raise SalesmetricsError("invalid_option", "kinds",
                                "kinds is a list of activity kinds, not one string")
    out = set()
    for k in kinds:
        try:
            out.add(ActivityKind(k))
        except (ValueError, TypeError):
            raise SalesmetricsError(
                "invalid_option", "kinds",
                f"unknown activity kind {k!r}; known: {', '.join(a.value for a in ActivityKind)}",
            ) from None
    return frozenset(out)


def check_buckets(buckets: Iterable[Sequence[float]] | None) -> tuple[Bucket, ...]:
    """Hour buckets ``[from, to)``: at most five pairs of numbers ``0 <= from < to``.

    Raises:
        SalesmetricsError: ``invalid_option`` at ``buckets``.
    """
    def bad(msg: str) -> SalesmetricsError:
        return SalesmetricsError("invalid_option", "buckets", msg)

    if buckets is None:
        return ()
    if isinstance(buckets, str | bytes | Mapping) or not isinstance(buckets, Iterable):
        raise bad("buckets is a list of [from_hours, to_hours] pairs")
    out: list[Bucket] = []
    for b in buckets:
        if isinstance(b, str | bytes | Mapping) or not isinstance(b, Sequence) or len(b) != 2:
            raise bad(f"a bucket is a pair [from_hours, to_hours], not {b!r}")
        lo, hi = b
        for v in (lo, hi):
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise bad(f"bucket bounds are finite numbers of hours, not {v!r}")
        if lo < 0 or hi <= lo:
            raise bad(f"a bucket needs 0 <= from < to, not {[lo, hi]!r}")
        out.append((float(lo), float(hi)))
    if len(out) > _MAX_BUCKETS:
        raise bad(f"at most {_MAX_BUCKETS} buckets, not {len(out)}")
    return tuple(out)


def _categories(categories: Iterable[str] | None) -> frozenset[str] | None:
    cats = check_strings(categories, "categories")
    return None if cats is None else frozenset(cats)


# -- first response -------------------------------------------------------------


def first_response(dataset: Dataset, lead: Lead, *, as_of: datetime | None = None,
                   kinds: frozenset[ActivityKind] | None = None) -> Activity | None:
    """The lead's first response: earliest completed, non-automated linked activity.

    Done at or after the lead's reception and at or before ``as_of``, of
    ``kinds`` when given; ties keep input order. None when nobody responded.

    Is equivalent to::

        min((a for a in dataset.activities if a.lead == lead.id and a.completed
             and not a.automated and lead.received_at <= a.at <= as_of
             and (kinds is None or a.kind in kinds)),
            key=lambda a: (a.at, a.index), default=None)
    """
    check_dataset(dataset)
    return _first_response(dataset.activities_by_lead, lead, as_of, kinds)


def _first_response(by_lead: Mapping[str, Sequence[Activity]], lead: Lead,
                    as_of: datetime | None,
                    kinds: frozenset[ActivityKind] | None) -> Activity | None:
    """:func:`first_response` in a dataset's ``activities_by_lead``."""
    for a in by_lead.get(lead.id, ()):
        if as_of is not None and a.at > as_of:
            break
        if (a.completed and not a.automated and a.at >= lead.received_at
                and (kinds is None or a.kind in kinds)):
            return a
    return None


@attrs.frozen
class LeadResponse:
    """One lead counted by a lead response metric: its first response and value.

    ``clock_start`` is where the clock started (the next opening for a lead
    received outside open hours with ``deferred_start``; the reception
    otherwise). ``value`` is None when the lead was never responded to.
    """

    lead: str
    received_at: datetime
    team: str | None
    assignee: str | None
    store: str | None
    source: str | None
    source_group: str | None
    type: str | None
    category: str | None
    response_activity: str | None
    response_index: int | None
    response_kind: ActivityKind | None
    responder: str | None
    responded_at: datetime | None
    clock_start: datetime | None
    value: float | None

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Reception instant, then lead id."""
        return (self.received_at.timestamp(), self.lead)

    @property
    def responded(self) -> bool:
        """Whether the lead has a first response."""
        return self.value is not None

    def group(self, by: str) -> str | None:
        """The lead's group for a grouping (None: in no group)."""
        value: str | None = getattr(self, by)
        return value


def _clock_start(clock: Clock, dataset: Dataset, lead: Lead,
                 responded_at: datetime | None) -> datetime | None:
    if clock.name != DEFERRED_START.name:
        return lead.received_at
    return dataset.calendar_history_of_team(lead.team).next_opening(lead.received_at,
                                                                    until=responded_at)


def lead_responses(dataset: Dataset, /, *, period: Period, as_of: datetime | None = None,
                   clock: Clock | str = DEFERRED_START,
                   kinds: Iterable[ActivityKind | str] | None = None,
                   categories: Iterable[str] | None = None) -> tuple[LeadResponse, ...]:
    """One :class:`LeadResponse` per lead received in the period (and visible).

    Leads in input order; only leads of ``categories`` when given.

    >>> from datetime import datetime, timezone
    >>> from salesmetrics.model import Lead
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> rows = lead_responses(Dataset(leads=[Lead(id="L", received_at=t)]),
    ...                       period=Period(t, t.replace(hour=10)))
    >>> rows[0].lead, rows[0].value
    ('L', None)
    """
    check_dataset(dataset)
    period, as_of = check_window(period, as_of)
    the_clock = check_clock(clock)
    return tuple(_response_row(*counted) for counted in _responses(
        dataset, period, as_of, the_clock, kinds, categories, starts=True))


#: A lead counted by a lead response metric: the lead, its first response, its value and
#: where its clock started (None unless asked for).
_Counted = tuple[Lead, Activity | None, float | None, datetime | None]


def _responses(dataset: Dataset, period: Period, as_of: datetime | None, clock: Clock,
               kinds: Iterable[ActivityKind | str] | None, categories: Iterable[str] | None,
               *, starts: bool) -> list[_Counted]:
    """Each lead received in the period (input order), its first response and its value.

    What a :class:`LeadResponse` row is made of (:func:`_response_row`), its
    clock start with ``starts``: a partial asked for no rows counts these
    without making the rows. The ``deferred_start`` clock measures from the
    start a row shows (:meth:`DeferredStartClock.start`): on a team calendar
    without changes the row's start and value come from one search.
    """
    the_kinds = check_kinds(kinds)
    cats = _categories(categories)
    by_lead = dataset.activities_by_lead
    deferred = (starts and type(clock) is DeferredStartClock
                and clock.name == DEFERRED_START.name)
    out: list[_Counted] = []
    for lead in leads_received(dataset, period, as_of, cats):
        resp = _first_response(by_lead, lead, as_of, the_kinds)
        value = start = None
        if resp is None:
            if starts:
                start = _clock_start(clock, dataset, lead, None)
        else:
            history = dataset.calendar_history_of_team(lead.team)
            if deferred and not history.changes:
                assert isinstance(clock, DeferredStartClock)
                start = clock.start(history.base, lead.received_at, resp.at)
                value = float(clock.since(start, resp.at))
            else:
                value = float(history.elapsed(clock, lead.received_at, resp.at))
                if starts:
                    start = _clock_start(clock, dataset, lead, resp.at)
        out.append((lead, resp, value, start))
    return out


def _response_row(lead: Lead, resp: Activity | None, value: float | None,
                  start: datetime | None) -> LeadResponse:
    """The :class:`LeadResponse` row of a lead counted (:func:`_responses`)."""
    return LeadResponse(
        lead=lead.id, received_at=lead.received_at, team=lead.team, assignee=lead.assignee,
        store=lead.store, source=lead.source, source_group=lead.source_group,
        type=lead.type, category=lead.category,
        response_activity=None if resp is None else resp.id,
        response_index=None if resp is None else resp.index,
        response_kind=None if resp is None else resp.kind,
        responder=None if resp is None else resp.user,
        responded_at=None if resp is None else resp.at,
        clock_start=start,
        value=value,
    )


def _group(lead: Lead, resp: Activity | None, by: str) -> str | None:
    """A lead counted's group: its row's ``group(by)``, without the row."""
    if by == "responder":
        return None if resp is None else resp.user
    value: str | None = getattr(lead, by)
    return value


# -- aggregates -------------------------------------------------------------------


@attrs.frozen
class ResponseSummary:
    """The summary of lead responses of one group.

    ``mean``, ``median`` and ``p90`` are over responded leads (None when none);
    ``within_24h_rate`` is over all leads (None when no leads); ``buckets``
    counts responded leads per caller bucket.
    """

    leads: int
    responded: int
    mean: float | None
    median: float | None
    p90: float | None
    within_24h: int
    within_24h_rate: float | None
    buckets: tuple[int, ...]


def _sorted_floats(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(sorted(values))


@attrs.frozen
class ResponseAggregate:
    """A partial aggregate of :class:`LeadResponse` rows; merges associatively.

    Keeps the sorted values so that the mean and median of a merge equal those
    of the whole, whatever the split.

    >>> a = ResponseAggregate(leads=2, values=(10.0,))
    >>> b = ResponseAggregate(leads=1, values=(5.0,))
    >>> a.merge(b).summary()
    ResponseSummary(leads=3, responded=2, mean=7.5, median=7.5, p90=9.5, within_24h=2, within_24h_rate=0.6666666666666666, buckets=())
    """

    leads: int = 0
    values: tuple[float, ...] = attrs.field(default=(), converter=_sorted_floats)
    buckets: tuple[Bucket, ...] = ()

    @classmethod
    def of(cls, rows: Iterable[LeadResponse],
           buckets: Iterable[Sequence[float]] = ()) -> ResponseAggregate:
        """The aggregate of some rows."""
        rows = list(rows)
        return cls(leads=len(rows), values=[r.value for r in rows if r.value is not None],
                   buckets=check_buckets(buckets))

    def merge(self, other: ResponseAggregate) -> ResponseAggregate:
        """The aggregate of both parts (they must use the same buckets)."""
        if self.buckets != other.buckets:
            raise ValueError("cannot merge aggregates with different buckets")
        return ResponseAggregate(leads=self.leads + other.leads,
                                 values=self.values + other.values, buckets=self.buckets)

    def summary(self) -> ResponseSummary:
        """The summary: counts, mean, median, p90, within 24 h and bucket counts."""
        within = sum(1 for v in self.values if v <= DAY_SECONDS)
        return ResponseSummary(
            leads=self.leads, responded=len(self.values), mean=mean(self.values),
            median=median(self.values), p90=percentile(self.values, 90),
            within_24h=within, within_24h_rate=rate(within, self.leads),
            buckets=tuple(sum(1 for v in self.values if lo * 3600 <= v < hi * 3600)
                          for lo, hi in self.buckets),
        )


def to_rows(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Fact rows (attrs classes) as JSON-able dicts."""
    return [to_jsonable(r) for r in rows]


def lead_response_time(dataset: Dataset, /, *, period: Period, as_of: datetime | None = None,
                       by: str | None = None, clock: Clock | str = DEFERRED_START,
                       kinds: Iterable[ActivityKind | str] | None = None,
                       buckets: Iterable[Sequence[float]] = (),
                       categories: Iterable[str] | None = None
                       ) -> Result[ResponseSummary, LeadResponse]:
    """How long leads received in the period waited for their first response.

    Is equivalent to::

        rows = [(lead, first_response(lead)) for lead in leads received in period]
        values = [calendar_history(lead.team).elapsed(clock, lead.received_at, r.at)
                  for lead, r in rows if r is not None]
        leads=len(rows), responded=len(values), mean(values), median(values),
        within_24h=count(v <= 86400 for v in values), buckets=[count(lo*3600 <= v < hi*3600)]

    but grouped by ``by`` (``responder``, ``assignee``, ``team``, ``store``,
    ``source``, ``source_group``, ``type``, ``category``): every team, every
    user, or every distinct value among the dataset's leads appears, even
    empty; a lead never responded to is in no responder group.

    Raises:
        SalesmetricsError: ``invalid_option`` for an unknown clock, kind,
            grouping or bad buckets.

    >>> from datetime import datetime, timezone
    >>> from salesmetrics.model import Lead
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> ds = Dataset(leads=[Lead(id="L", received_at=t, store="north")])
    >>> r = lead_response_time(ds, period=Period(t, t.replace(hour=10)), by="store")
    >>> r.groups["north"].leads, r.groups["north"].mean
    (1, None)
    """
    check_dataset(dataset)
    check_by(by, LEAD_GROUPINGS)
    the_buckets = check_buckets(buckets)
    return finish_lead_response_time(lead_response_time_partial(
        dataset, period=period, as_of=as_of, by=by, clock=clock, kinds=kinds,
        categories=categories), by=by, buckets=the_buckets)


def lead_response_time_partial(dataset: Dataset, /, *, period: Period,
                               as_of: datetime | None = None, by: str | None = None,
                               clock: Clock | str = DEFERRED_START,
                               kinds: Iterable[ActivityKind | str] | None = None,
                               categories: Iterable[str] | None = None,
                               rows: bool = True) -> Partial[LeadResponse]:
    """The mergeable partial aggregate of :func:`lead_response_time`.

    Per group (every group of the grouping, even empty) the leads counted and
    the response values; the leads in no group (never responded, by
    responder; every lead when not grouped) in the ungrouped tally; and the
    rows (none with ``rows=False``).
    """
    check_dataset(dataset)
    check_by(by, LEAD_GROUPINGS)
    period, as_of = check_window(period, as_of)
    cats = _categories(categories)
    the_clock = check_clock(clock)
    b = _Builder(group_names(dataset, by, cats) if by is not None else ())
    out = []
    for counted in _responses(dataset, period, as_of, the_clock, kinds, cats, starts=rows):
        lead, resp, value, _ = counted
        group = _group(lead, resp, by) if by is not None else None
        b.add(group, "leads")
        if value is not None:
            b.value(group, "seconds", value)
        if rows:
            out.append(_response_row(*counted))
    return make_partial("lead_response_time", b, out, by)


def _response_aggregate(tally: Tally, buckets: tuple[Bucket, ...]) -> ResponseAggregate:
    return ResponseAggregate(leads=tally.count("leads"), values=tally.values_of("seconds"),
                             buckets=buckets)


def finish_lead_response_time(partial: Partial[LeadResponse], /, *, by: str | None = None,
                              buckets: Iterable[Sequence[float]] | None = ()
                              ) -> Result[ResponseSummary, LeadResponse]:
    """The final :func:`lead_response_time` result of a (merged) partial aggregate.

    The summaries come from the tallies (leads counted, response values), so a
    partial without its rows (:meth:`~salesmetrics.metrics.Partial.without_rows`)
    gives the same summaries.
    """
    check_partial(partial, "lead_response_time")
    check_by(by, LEAD_GROUPINGS)
    the_buckets = check_buckets(buckets)
    groups = ({k: _response_aggregate(t, the_buckets).summary()
               for k, t in partial.tallies.items()} if by is not None else {})
    return Result("lead_response_time", by, groups,
                  _response_aggregate(partial.overall(), the_buckets).summary(), partial.rows)


# -- dashboard ----------------------------------------------------------------------


@attrs.frozen
class DashboardSummary:
    """Reynolds' "Temps de réponse Internet" at an instant.

    ``received``: leads received in the period up to ``at``; ``responded``:
    those with a first response up to ``at``; ``responded_in_window``: those
    whose first response is in ``(at - window, at]``; ``mean`` and ``median``:
    response times of the responded ones.
    """

    received: int
    responded: int
    responded_in_window: int
    mean: float | None
    median: float | None


def lead_dashboard(dataset: Dataset, /, *, period: Period, at: datetime,
                   window_seconds: float = 43200.0, clock: Clock | str = DEFERRED_START,
                   kinds: Iterable[ActivityKind | str] | None = None,
                   categories: Iterable[str] | None = None
                   ) -> Result[DashboardSummary, LeadResponse]:
    """The lead dashboard at an instant: received, responded in the window, mean time.

    Data is read up to ``at``. Is equivalent to::

        rows = lead_responses(dataset, period=period, as_of=at, ...)
        received = len(rows)
        responded_in_window = count(at - window < r.responded_at <= at for r in rows)
        mean = mean(r.value for r in rows if r.responded)

    Raises:
        SalesmetricsError: ``invalid_option`` at ``window_seconds`` when the
            window is not positive.

    >>> from datetime import datetime, timezone, timedelta
    >>> from salesmetrics.model import Activity, ActivityKind, Lead, User
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> ds = Dataset(users=[User(id="u")], leads=[Lead(id="L", received_at=t)],
    ...     activities=[Activity(user="u", kind=ActivityKind.CALL, at=t, lead="L")])
    >>> d = lead_dashboard(ds, period=Period(t, t + timedelta(days=1)), at=t + timedelta(hours=13))
    >>> d.overall.received, d.overall.responded_in_window, d.overall.mean
    (1, 0, 0.0)
    """
    check_dataset(dataset)
    check_seconds(window_seconds, "window_seconds", positive=True)
    return finish_lead_dashboard(lead_dashboard_partial(
        dataset, period=period, at=at, clock=clock, kinds=kinds, categories=categories),
        at=at, window_seconds=window_seconds)


def lead_dashboard_partial(dataset: Dataset, /, *, period: Period, at: datetime,
                           clock: Clock | str = DEFERRED_START,
                           kinds: Iterable[ActivityKind | str] | None = None,
                           categories: Iterable[str] | None = None) -> Partial[LeadResponse]:
    """The mergeable partial aggregate of :func:`lead_dashboard`: the leads, read at ``at``."""
    check_dataset(dataset)
    period = check_period(period)
    at = check_instant(at, "at")  # type: ignore[assignment]
    return rows_partial("lead_dashboard", lead_responses(
        dataset, period=period, as_of=at, clock=clock, kinds=kinds, categories=categories))


def finish_lead_dashboard(partial: Partial[LeadResponse], /, *, at: datetime,
                          window_seconds: float = 43200.0
                          ) -> Result[DashboardSummary, LeadResponse]:
    """The final :func:`lead_dashboard` result of a (merged) partial aggregate."""
    check_partial(partial, "lead_dashboard")
    window_seconds = check_seconds(window_seconds, "window_seconds", positive=True)
    at = check_instant(at, "at")  # type: ignore[assignment]
    rows = partial.rows
    agg = ResponseAggregate.of(rows).summary()
    in_window = sum(
        1 for r in rows
        if r.responded_at is not None
        and 0 <= (at - r.responded_at).total_seconds() < window_seconds
    )
    return Result("lead_dashboard", None, {},
                  DashboardSummary(received=agg.leads, responded=agg.responded,
                                   responded_in_window=in_window, mean=agg.mean,
                                   median=agg.median), rows)
