"""Rep activity, inactive users and smart list progress (docs/definitions.md §6, Statflo).

* :func:`rep_activity`: per user over a period, what the rep did: SMS sent,
  new conversations, SMS received, calls made and answered, average call
  duration, leads and opportunities created, closed won, notes, emails,
  appointments set, and their last activity (even before the period).
* :func:`inactive_users`: users with no activity for N days at an instant.
* :func:`smart_list_progress`: per smart list (and per user), how many of its
  accounts were attempted in the period.

Only completed activities count, and automated activities never count for a
rep: a rep's columns measure what the rep did. Each metric is rows (one
:class:`RepFact` per item counted in a column, one :class:`Attempt` per
attempt) → aggregates that merge associatively → a frozen result.

>>> from datetime import datetime, timezone
>>> from salesmetrics.dataset import Dataset
>>> from salesmetrics.model import Activity, ActivityKind, User
>>> from salesmetrics.period import Period
>>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
>>> ds = Dataset(users=[User(id="u", first_name="Ana")],
...     activities=[Activity(user="u", kind=ActivityKind.CALL, at=t, answered=True,
...                          duration_seconds=90)])
>>> s = rep_activity(ds, period=Period(t, t.replace(hour=10)), by="user").groups["u"]
>>> s.first_name, s.calls_made, s.calls_answered, s.avg_call_seconds, s.last_activity.hour
('Ana', 1, 1, 90.0, 9)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

import attrs

from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.metrics._args import (
    check_bool,
    check_by,
    check_dataset,
    check_instant,
    check_seconds,
    check_text,
    check_window,
)
from salesmetrics.metrics._common import check_gap
from salesmetrics.metrics._partial import Partial, Result, rows_partial
from salesmetrics.metrics.leads import visible
from salesmetrics.model import AccountType, Activity, ActivityKind, Direction, Message
from salesmetrics.period import Period
from salesmetrics.results import mean, rate
from salesmetrics.timeline import DEFAULT_GAP_SECONDS, timelines

__all__ = [
    "COLUMNS",
    "Attempt",
    "LastActivity",
    "ListProgress",
    "ProgressAggregate",
    "ProgressSummary",
    "RepAggregate",
    "RepFact",
    "RepFilters",
    "RepSummary",
    "attempts",
    "finish_inactive_users",
    "finish_rep_activity",
    "finish_smart_list_progress",
    "inactive_users",
    "inactive_users_partial",
    "last_activities",
    "rep_activity",
    "rep_activity_partial",
    "rep_facts",
    "smart_list_progress",
    "smart_list_progress_partial",
]

#: The count columns of :func:`rep_activity`, in report order.
COLUMNS = ("sms_sent", "new_conversations", "sms_received", "calls_made", "calls_answered",
           "leads_created", "opportunities_created", "closed_won", "notes", "emails",
           "appointments")

_KIND_COLUMN = {
    ActivityKind.CALL: "calls_made",
    ActivityKind.LEAD_CREATED: "leads_created",
    ActivityKind.OPPORTUNITY_CREATED: "opportunities_created",
    ActivityKind.OPPORTUNITY_WON: "closed_won",
    ActivityKind.NOTE: "notes",
    ActivityKind.EMAIL: "emails",
    ActivityKind.APPOINTMENT: "appointments",
}

_SMS = "sms"
_DAY = 86400.0


# -- filters --------------------------------------------------------------------------


@attrs.frozen
class RepFilters:
    """The Statflo report filters, checked against a dataset.

    ``smart_list``: only the activities of that list (messages never match);
    ``on_smart_list``: True keeps activities with any list (no messages),
    False those without one and messages; ``account_type`` / ``brand``: only
    items linked to a matching customer (a message through its thread's
    customer; no customer never matches); ``team``: only that team's users.

    Raises:
        SalesmetricsError: ``unknown_reference`` at ``smart_list`` or
            ``team``; ``invalid_option`` at ``account_type``, at a filter that
            is not a string (``on_smart_list``: not a boolean), or at
            ``on_smart_list`` when a smart list is given with it false.
    """

    smart_list: str | None = None
    on_smart_list: bool | None = None
    team: str | None = None
    account_type: AccountType | None = None
    brand: str | None = None

    @classmethod
    def checked(cls, dataset: Dataset, *, smart_list: str | None = None,
                on_smart_list: bool | None = None, team: str | None = None,
                account_type: AccountType | str | None = None,
                brand: str | None = None) -> RepFilters:
        """Filters validated against the dataset."""
        smart_list = check_text(smart_list, "smart_list")
        on_smart_list = check_bool(on_smart_list, "on_smart_list")
        team = check_text(team, "team")
        brand = check_text(brand, "brand")
        if smart_list is not None and smart_list not in dataset.smart_lists_by_id:
            raise SalesmetricsError("unknown_reference", "smart_list",
                                    f"unknown smart list {smart_list!r}")
        if smart_list is not None and on_smart_list is False:
            raise SalesmetricsError("invalid_option", "on_smart_list",
                                    "a smart list's activities are on a smart list: "
                                    "on_smart_list cannot be false with smart_list")
        if team is not None and team not in dataset.teams_by_id:
            raise SalesmetricsError("unknown_reference", "team", f"unknown team {team!r}")
        kind = None
        if account_type is not None:
            try:
                kind = AccountType(account_type)
            except (ValueError, TypeError):
                raise SalesmetricsError(
                    "invalid_option", "account_type",
                    f"unknown account type {account_type!r}; known: "
                    f"{', '.join(a.value for a in AccountType)}") from None
        return cls(smart_list=smart_list, on_smart_list=on_smart_list, team=team,
                   account_type=kind, brand=brand)

    def _customer_ok(self, dataset: Dataset, customer: str | None) -> bool:
        if self.account_type is None and self.brand is None:
            return True
        c = dataset.customers_by_id.get(customer) if customer is not None else None
        if c is None:
            return False
        return ((self.account_type is None or c.account_type is self.account_type)
                and (self.brand is None or c.brand == self.brand))

    def keeps_activity(self, dataset: Dataset, a: Activity) -> bool:
        """Whether an activity passes the filters (not the team filter)."""
        if self.smart_list is not None and a.smart_list != self.smart_list:
            return False
        if self.on_smart_list is not None and (a.smart_list is not None) != self.on_smart_list:
            return False
        return self._customer_ok(dataset, a.customer)

    def keeps_message(self, dataset: Dataset, m: Message) -> bool:
        """Whether a message passes the filters (messages carry no smart list)."""
        if self.smart_list is not None or self.on_smart_list is True:
            return False
        thread = dataset.threads_by_id.get(m.thread)
        return self._customer_ok(dataset, None if thread is None else thread.customer)

    def users(self, dataset: Dataset) -> list[str]:
        """The users shown: every user, or the team's users."""
        return [u.id for u in dataset.users if self.team is None or u.team == self.team]


_NO_FILTERS = RepFilters()


# -- last activity ---------------------------------------------------------------------


@attrs.frozen
class LastActivity:
    """A user's latest activity or human outbound message (None: nothing)."""

    user: str
    at: datetime | None
    source: str | None
    item: str | None
    index: int | None

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """The user."""
        return (self.user,)


def _own_items(dataset: Dataset, filters: RepFilters) -> Iterator[tuple[str, datetime, str,
                                                                        str | None, int]]:
    """(user, at, source, id, index) of every rep action: activity or human message."""
    for a in dataset.activities:
        if a.completed and not a.automated and filters.keeps_activity(dataset, a):
            yield (a.user, a.at, "activity", a.id, a.index)
    for m in dataset.messages:
        if m.is_human_outbound and m.user is not None and filters.keeps_message(dataset, m):
            yield (m.user, m.at, "message", m.id, m.index)


def last_activities(dataset: Dataset, /, *, before: datetime | None = None,
                    as_of: datetime | None = None,
                    filters: RepFilters = _NO_FILTERS) -> dict[str, LastActivity]:
    """Each user's latest completed non-automated activity or human outbound message.

    Items strictly before ``before`` (when given) and at or before ``as_of``;
    every user of the dataset has an entry (``at`` None when they have none).
    On equal instants the later item in input order (activities before
    messages) wins.
    """
    check_dataset(dataset)
    best: dict[str, tuple[datetime, str, str | None, int]] = {}
    for user, at, source, item, index in _own_items(dataset, filters):
        if (before is not None and at >= before) or not visible(at, as_of):
            continue
        cur = best.get(user)
        if cur is None or at >= cur[0]:
            best[user] = (at, source, item, index)
    out = {u.id: LastActivity(user=u.id, at=None, source=None, item=None, index=None)
           for u in dataset.users}
    for user, (at, source, item, index) in best.items():
        out[user] = LastActivity(user=user, at=at, source=source, item=item, index=index)
    return out


# -- rep activity ------------------------------------------------------------------------


@attrs.frozen
class RepFact:
    """One item counted in one column of a rep's row (the drill-down).

    ``source`` is ``activity`` or ``message``; ``item`` its id (may be None)
    and ``index`` its input position; ``duration_seconds`` for calls with a
    recorded duration.
    """

    user: str
    column: str
    at: datetime
    source: str
    item: str | None
    index: int
    duration_seconds: float | None = None

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """User, instant, then the item and column."""
        return (self.user, self.at.timestamp(), self.source, self.index, self.column)


def rep_facts(dataset: Dataset, /, *, period: Period, as_of: datetime | None = None,
              filters: RepFilters = _NO_FILTERS,
              gap_seconds: float = DEFAULT_GAP_SECONDS) -> tuple[RepFact, ...]:
    """Every item counted by :func:`rep_activity`, one row per (item, column).

    Messages first (sent, new conversations, received), then activities, each
    in input order; the team filter is not applied here.
    """
    check_dataset(dataset)
    def counted(at: datetime) -> bool:
        return period.contains(at) and visible(at, as_of)

    rows: list[RepFact] = []
    for tl in timelines(dataset, as_of=as_of, gap_seconds=gap_seconds):
        for conv in tl.conversations:
            first = conv.first
            if (counted(first.at) and first.is_human_outbound and first.user is not None
                    and filters.keeps_message(dataset, first)):
                rows.append(RepFact(user=first.user, column="new_conversations", at=first.at,
                                    source="message", item=first.id, index=first.index))
            for m in conv.messages:
                if m.channel != _SMS or not counted(m.at) \
                        or not filters.keeps_message(dataset, m):
                    continue
                if m.is_human_outbound and m.user is not None:
                    rows.append(RepFact(user=m.user, column="sms_sent", at=m.at,
                                        source="message", item=m.id, index=m.index))
                elif m.direction is Direction.IN:
                    holder = tl.assignee_at(m.at)
                    if holder is not None:
                        rows.append(RepFact(user=holder, column="sms_received", at=m.at,
                                            source="message", item=m.id, index=m.index))
    for a in dataset.activities:
        column = _KIND_COLUMN.get(a.kind)
        if (column is None or not a.completed or a.automated or not counted(a.at)
                or not filters.keeps_activity(dataset, a)):
            continue
        rows.append(RepFact(user=a.user, column=column, at=a.at, source="activity", item=a.id,
                            index=a.index, duration_seconds=a.duration_seconds
                            if a.kind is ActivityKind.CALL else None))
        if a.kind is ActivityKind.CALL and a.answered:
            rows.append(RepFact(user=a.user, column="calls_answered", at=a.at,
                                source="activity", item=a.id, index=a.index))
    return tuple(rows)


@attrs.frozen
class RepSummary:
    """One row of the rep activity report (or the total over the users shown)."""

    first_name: str | None
    last_name: str | None
    code: str | None
    last_activity: datetime | None
    sms_sent: int
    new_conversations: int
    sms_received: int
    calls_made: int
    calls_answered: int
    avg_call_seconds: float | None
    leads_created: int
    opportunities_created: int
    closed_won: int
    notes: int
    emails: int
    appointments: int
    openers_only: bool


def _sorted_floats(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(sorted(values))


def _count_map(values: Mapping[str, int]) -> Mapping[str, int]:
    return {c: values.get(c, 0) for c in COLUMNS}


@attrs.frozen
class RepAggregate:
    """Partial counts of rep facts; merges associatively.

    >>> RepAggregate(counts={"sms_sent": 2}).merge(RepAggregate(counts={"sms_sent": 1})
    ...     ).counts["sms_sent"]
    3
    """

    counts: Mapping[str, int] = attrs.field(factory=dict, converter=_count_map)
    call_durations: tuple[float, ...] = attrs.field(default=(), converter=_sorted_floats)
    last_activity: datetime | None = None

    @classmethod
    def of(cls, facts: Iterable[RepFact], last_activity: datetime | None = None) -> RepAggregate:
        """The aggregate of some facts (and a last activity)."""
        counts: dict[str, int] = {}
        durations = []
        for f in facts:
            counts[f.column] = counts.get(f.column, 0) + 1
            if f.column == "calls_made" and f.duration_seconds is not None:
                durations.append(f.duration_seconds)
        return cls(counts=counts, call_durations=durations, last_activity=last_activity)

    def merge(self, other: RepAggregate) -> RepAggregate:
        """The aggregate of both parts (the later last activity)."""
        lasts = [t for t in (self.last_activity, other.last_activity) if t is not None]
        return RepAggregate(
            counts={c: self.counts[c] + other.counts[c] for c in COLUMNS},
            call_durations=self.call_durations + other.call_durations,
            last_activity=max(lasts) if lasts else None,
        )

    def summary(self, first_name: str | None = None, last_name: str | None = None,
                code: str | None = None) -> RepSummary:
        """The report row."""
        c = self.counts
        return RepSummary(
            first_name=first_name, last_name=last_name, code=code,
            last_activity=self.last_activity, avg_call_seconds=mean(self.call_durations),
            openers_only=c["sms_sent"] == c["new_conversations"] and c["sms_sent"] > 0,
            **{k: c[k] for k in COLUMNS},
        )


def rep_activity(dataset: Dataset, /, *, period: Period, as_of: datetime | None = None,
                 smart_list: str | None = None, on_smart_list: bool | None = None,
                 team: str | None = None, account_type: AccountType | str | None = None,
                 brand: str | None = None, by: str | None = None,
                 gap_seconds: float = DEFAULT_GAP_SECONDS) -> Result[RepSummary, RepFact]:
    """Statflo's activity report: per user, what they did over the period.

    Is equivalent to, for each user ``u`` (after the filters)::

        sms_sent = count(m for m in messages if m.is_human_outbound and m.user == u
                         and m.channel == "sms" and m.at in period)
        calls_made = count(a for a in activities if a.user == u and a.kind == "call"
                           and a.completed and not a.automated and a.at in period)
        last_activity = max(at of u's rep actions with at < period.end)

    and so on for each column (see :data:`COLUMNS`).

    Raises:
        SalesmetricsError: see :class:`RepFilters`.

    >>> from datetime import datetime, timezone
    >>> from salesmetrics.model import Direction, Message, Thread, Team, User
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> ds = Dataset(teams=[Team(id="S")], users=[User(id="u")],
    ...              threads=[Thread(id="t", team="S")],
    ...              messages=[Message(thread="t", at=t, direction=Direction.OUT, user="u",
    ...                                channel="sms")])
    >>> s = rep_activity(ds, period=Period(t, t.replace(hour=10)), by="user").groups["u"]
    >>> s.sms_sent, s.new_conversations, s.openers_only
    (1, 1, True)
    """
    check_dataset(dataset)
    check_by(by, ("user",))
    return finish_rep_activity(rep_activity_partial(
        dataset, period=period, as_of=as_of, smart_list=smart_list, on_smart_list=on_smart_list,
        team=team, account_type=account_type, brand=brand, gap_seconds=gap_seconds),
        dataset, by=by)


def rep_activity_partial(dataset: Dataset, /, *, period: Period, as_of: datetime | None = None,
                         smart_list: str | None = None, on_smart_list: bool | None = None,
                         team: str | None = None, account_type: AccountType | str | None = None,
                         brand: str | None = None,
                         gap_seconds: float = DEFAULT_GAP_SECONDS) -> Partial[RepFact]:
    """The mergeable partial aggregate of :func:`rep_activity`.

    Its rows are the facts counted and each shown user's last activity (a
    ``last_activity`` fact); its groups are the users shown.
    """
    check_dataset(dataset)
    period, as_of = check_window(period, as_of)
    gap_seconds = check_gap(gap_seconds)
    filters = RepFilters.checked(dataset, smart_list=smart_list, on_smart_list=on_smart_list,
                                 team=team, account_type=account_type, brand=brand)
    facts = rep_facts(dataset, period=period, as_of=as_of, filters=filters,
                      gap_seconds=gap_seconds)
    last = last_activities(dataset, before=period.end, as_of=as_of, filters=filters)
    shown = filters.users(dataset)
    if filters.team is None:
        extra = {f.user: None for f in facts if f.user not in dataset.users_by_id}
        shown += list(extra)
    shown_set = set(shown)
    lasts = tuple(RepFact(user=u, column="last_activity", at=la.at, source=la.source,
                          item=la.item, index=la.index)
                  for u in shown if (la := last.get(u)) is not None and la.at is not None
                  and la.source is not None and la.index is not None)
    return rows_partial("rep_activity",
                        [f for f in facts if f.user in shown_set] + list(lasts), shown)


def _recency(item: RepFact | LastActivity) -> tuple[bool, float, bool, int]:
    """The order in which a later last activity wins, across the parts of a dataset.

    A later instant, then (on ties) a message after an activity, then the
    later input position: the order :func:`last_activities` walks in.
    """
    if item.at is None:
        return (False, 0.0, False, -1)
    return (True, item.at.timestamp(), item.source == "message", item.index or 0)


def finish_rep_activity(partial: Partial[RepFact], dataset: Dataset, /, *,
                        by: str | None = None) -> Result[RepSummary, RepFact]:
    """The final :func:`rep_activity` result of a (merged) partial aggregate.

    ``dataset`` gives the users' names and codes (its reference data).
    """
    check_by(by, ("user",))
    per_user: dict[str, list[RepFact]] = {u: [] for u in partial.tallies}
    last: dict[str, RepFact] = {}
    for f in partial.rows:
        if f.column == "last_activity":
            if f.user not in last or _recency(f) > _recency(last[f.user]):
                last[f.user] = f
        else:
            per_user.setdefault(f.user, []).append(f)
    aggs = {u: RepAggregate.of(fs, last[u].at if u in last else None)
            for u, fs in per_user.items()}
    total = RepAggregate()
    for a in aggs.values():
        total = total.merge(a)
    groups = {}
    for u, a in aggs.items():
        rec = dataset.users_by_id.get(u)
        groups[u] = a.summary(None if rec is None else rec.first_name,
                              None if rec is None else rec.last_name,
                              None if rec is None else rec.code)
    kept = set(map(id, last.values()))
    rows = tuple(f for f in partial.rows if f.column != "last_activity" or id(f) in kept)
    return Result("rep_activity", by, groups if by is not None else {}, total.summary(), rows)


# -- inactive users --------------------------------------------------------------------------


def inactive_users(dataset: Dataset, /, *, at: datetime, days: float = 5
                   ) -> Result[tuple[str, ...], LastActivity]:
    """Users whose last activity is at least ``days`` × 86,400 s before ``at``, or none.

    Is equivalent to::

        sorted(u.id for u in dataset.users
               if last(u) is None or (at - last(u)).total_seconds() >= days * 86400)

    where ``last(u)`` is the user's latest completed non-automated activity or
    human outbound message at or before ``at``.

    Raises:
        SalesmetricsError: ``invalid_option`` at ``days`` when negative.

    >>> from datetime import datetime, timezone
    >>> from salesmetrics.model import User
    >>> inactive_users(Dataset(users=[User(id="b"), User(id="a")]),
    ...                at=datetime(2026, 3, 2, tzinfo=timezone.utc)).overall
    ('a', 'b')
    """
    check_dataset(dataset)
    check_seconds(days, "days")
    return finish_inactive_users(inactive_users_partial(dataset, at=at), at=at, days=days)


def inactive_users_partial(dataset: Dataset, /, *, at: datetime) -> Partial[LastActivity]:
    """The mergeable partial aggregate of :func:`inactive_users`: each user's last activity."""
    check_dataset(dataset)
    at = check_instant(at, "at")  # type: ignore[assignment]
    return rows_partial("inactive_users", last_activities(dataset, as_of=at).values())


def finish_inactive_users(partial: Partial[LastActivity], /, *, at: datetime,
                          days: float = 5) -> Result[tuple[str, ...], LastActivity]:
    """The final :func:`inactive_users` result of a (merged) partial aggregate.

    Each user's last activity is the latest over the parts.
    """
    at = check_instant(at, "at")  # type: ignore[assignment]
    limit = check_seconds(days, "days") * _DAY
    last: dict[str, LastActivity] = {}
    for la in partial.rows:
        if la.user not in last or _recency(la) > _recency(last[la.user]):
            last[la.user] = la
    users = sorted(u for u, la in last.items()
                   if la.at is None or (at - la.at).total_seconds() >= limit)
    return Result("inactive_users", None, {}, tuple(users),
                  tuple(last[u] for u in sorted(last)))


# -- smart list progress -------------------------------------------------------------------


@attrs.frozen
class Attempt:
    """One attempt on a smart list's account: a human message, call or email in the period.

    ``user`` is None for a human message without a user (it counts only for
    lists without users).
    """

    smart_list: str
    customer: str
    user: str | None
    at: datetime
    source: str
    item: str | None
    index: int

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """List, account, then instant and item."""
        return (self.smart_list, self.customer, self.at.timestamp(), self.source, self.index)


def attempts(dataset: Dataset, /, *, period: Period,
             as_of: datetime | None = None) -> tuple[Attempt, ...]:
    """Every attempt on each smart list's accounts in the period, by the list's users.

    An attempt is a human outbound message on a thread whose customer is the
    account, or a completed non-automated call or email linked to the account,
    by one of the list's users (any user when the list has none).
    """
    check_dataset(dataset)
    lists_of: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for sl in dataset.smart_lists:
        for c in dict.fromkeys(sl.customers):
            lists_of.setdefault(c, []).append((sl.id, frozenset(sl.users)))

    items: list[tuple[str | None, str | None, datetime, str, str | None, int]] = []
    for m in dataset.messages:
        if m.is_human_outbound:
            thread = dataset.threads_by_id.get(m.thread)
            customer = None if thread is None else thread.customer
            items.append((customer, m.user, m.at, "message", m.id, m.index))
    for a in dataset.activities:
        if (a.kind in (ActivityKind.CALL, ActivityKind.EMAIL) and a.completed
                and not a.automated):
            items.append((a.customer, a.user, a.at, "activity", a.id, a.index))

    rows = []
    for customer, user, at, source, item, index in items:
        if customer is None or not period.contains(at) or not visible(at, as_of):
            continue
        for list_id, users in lists_of.get(customer, ()):
            if users and user not in users:
                continue
            rows.append(Attempt(smart_list=list_id, customer=customer, user=user, at=at,
                                source=source, item=item, index=index))
    return tuple(rows)


@attrs.frozen
class ProgressAggregate:
    """The accounts attempted, per list and per (list, user); merges by union.

    >>> a = ProgressAggregate(attempted=frozenset({("S", "c1")}))
    >>> sorted(a.merge(ProgressAggregate(attempted=frozenset({("S", "c2")}))).attempted)
    [('S', 'c1'), ('S', 'c2')]
    """

    attempted: frozenset[tuple[str, str]] = frozenset()
    attempted_by: frozenset[tuple[str, str, str]] = frozenset()

    @classmethod
    def of(cls, rows: Iterable[Attempt]) -> ProgressAggregate:
        """The aggregate of some attempts."""
        rows = list(rows)
        return cls(attempted=frozenset((r.smart_list, r.customer) for r in rows),
                   attempted_by=frozenset((r.smart_list, r.user, r.customer) for r in rows
                                          if r.user is not None))

    def merge(self, other: ProgressAggregate) -> ProgressAggregate:
        """The aggregate of both parts."""
        return ProgressAggregate(attempted=self.attempted | other.attempted,
                                 attempted_by=self.attempted_by | other.attempted_by)


@attrs.frozen
class ProgressSummary:
    """Accounts, accounts attempted and the attempted rate."""

    accounts: int
    attempted: int
    rate: float | None


@attrs.frozen
class ListProgress:
    """One smart list's progress, with each of its users' progress."""

    accounts: int
    attempted: int
    rate: float | None
    users: Mapping[str, ProgressSummary]


def _progress(accounts: int, attempted: int) -> ProgressSummary:
    return ProgressSummary(accounts=accounts, attempted=attempted, rate=rate(attempted, accounts))


def smart_list_progress(dataset: Dataset, /, *, period: Period, as_of: datetime | None = None,
                        by: str | None = None
                        ) -> Result[ListProgress | ProgressSummary, Attempt]:
    """How many of each smart list's accounts were attempted in the period.

    Is equivalent to, for each list ``sl``::

        accounts = len(set(sl.customers))
        attempted = len({c for c in sl.customers if any attempt on c in period
                         by a user of sl (any user when sl has none)})
        rate = attempted / accounts

    and per user of the list, counting that user's attempts only; per user
    overall, the sums over the lists they belong to.

    >>> from datetime import datetime, timezone
    >>> from salesmetrics.model import Customer, SmartList, User
    >>> t = datetime(2026, 3, 2, tzinfo=timezone.utc)
    >>> ds = Dataset(users=[User(id="u")], customers=[Customer(id="c")],
    ...              smart_lists=[SmartList(id="S", customers=("c",), users=("u",))])
    >>> smart_list_progress(ds, period=Period(t, t.replace(day=3)), by="smart_list"
    ...                     ).groups["S"].rate
    0.0
    """
    check_dataset(dataset)
    return finish_smart_list_progress(
        smart_list_progress_partial(dataset, period=period, as_of=as_of), dataset, by=by)


def smart_list_progress_partial(dataset: Dataset, /, *, period: Period,
                                as_of: datetime | None = None) -> Partial[Attempt]:
    """The mergeable partial aggregate of :func:`smart_list_progress`: the attempts."""
    check_dataset(dataset)
    period, as_of = check_window(period, as_of)
    return rows_partial("smart_list_progress", attempts(dataset, period=period, as_of=as_of))


def finish_smart_list_progress(partial: Partial[Attempt], dataset: Dataset, /, *,
                               by: str | None = None
                               ) -> Result[ListProgress | ProgressSummary, Attempt]:
    """The final :func:`smart_list_progress` result of a (merged) partial aggregate.

    ``dataset`` gives the smart lists and users (its reference data).
    """
    check_by(by, ("smart_list", "user"))
    rows = partial.rows
    agg = ProgressAggregate.of(rows)
    done: dict[str, set[str]] = {}
    done_by: dict[tuple[str, str], set[str]] = {}
    for list_id, customer in agg.attempted:
        done.setdefault(list_id, set()).add(customer)
    for list_id, user, customer in agg.attempted_by:
        done_by.setdefault((list_id, user), set()).add(customer)
    lists = {}
    per_user = {u.id: [0, 0] for u in dataset.users}
    total = [0, 0]
    for sl in dataset.smart_lists:
        size = len(set(sl.customers))
        attempted = len(done.get(sl.id, ()))
        total[0] += size
        total[1] += attempted
        users = {}
        for u in dict.fromkeys(sl.users):
            mine = len(done_by.get((sl.id, u), ()))
            users[u] = _progress(size, mine)
            acc = per_user.setdefault(u, [0, 0])
            acc[0] += size
            acc[1] += mine
        p = _progress(size, attempted)
        lists[sl.id] = ListProgress(accounts=p.accounts, attempted=p.attempted, rate=p.rate,
                                    users=users)
    groups: Mapping[str, ListProgress | ProgressSummary] = {}
    if by == "smart_list":
        groups = lists
    elif by == "user":
        groups = {u: _progress(a, b) for u, (a, b) in per_user.items()}
    return Result("smart_list_progress", by, groups, _progress(total[0], total[1]), rows)
