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

import json
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from datetime import datetime
from itertools import compress
from operator import attrgetter, itemgetter
from typing import Any, TypeVar

import attrs

from salesmetrics._gc import paused_gc
from salesmetrics._history import History
from salesmetrics._time import before_us, epoch_us, epochs_us
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
from salesmetrics.metrics._instants import Sorted
from salesmetrics.metrics._partial import Partial, Result, Tally, check_partial
from salesmetrics.model import AccountType, Activity, ActivityKind, Direction, Message, Sender
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

# The names in the tallies of the partials (the summaries read nothing else).
_CALLS = "call_seconds"  # rep_activity: the recorded durations of the calls made
_ATTEMPTED = "attempted"  # smart_list_progress: the accounts of a list attempted
_USER = "user:"  # smart_list_progress: ... and by each user (user:<id>)


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
        return self._keeps_thread(dataset, m.thread)

    def _keeps_thread(self, dataset: Dataset, thread_id: str) -> bool:
        """Whether the messages of a thread pass the filters (they all do or none does)."""
        if not self._messages_count:
            return False
        thread = dataset.threads_by_id.get(thread_id)
        return self._customer_ok(dataset, None if thread is None else thread.customer)

    @property
    def _messages_count(self) -> bool:
        """False when no message can pass (a smart list is asked for)."""
        return self.smart_list is None and self.on_smart_list is not True

    @property
    def _keeps_all(self) -> bool:
        """True when every activity and message passes (no filter but maybe the team)."""
        return (self.smart_list is None and self.on_smart_list is None
                and self.account_type is None and self.brand is None)

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


_PAST_ALL = 2**63


def _bound(stop: datetime | None, as_of: datetime | None) -> int:
    """``at < stop and at <= as_of`` as ``epoch_us(at) < bound`` (no bound: past every instant)."""
    return before_us(_PAST_ALL if stop is None else epoch_us(stop), as_of)


class _Own:
    """One user's rep actions by instant (epoch µs, ``us``), ties in the order made.

    ``records``: the activity or message of each; ``sources``: its kind.
    """

    __slots__ = ("records", "sources", "us")

    def __init__(self, us: list[int], records: list[Activity | Message],
                 sources: list[str]) -> None:
        self.us, self.records, self.sources = us, records, sources

    def last(self, bound: int) -> tuple[datetime, str, str | None, int] | None:
        """The latest action before ``bound`` (:func:`_bound`): ``(at, source, id, index)``."""
        i = bisect_left(self.us, bound) - 1
        if i < 0:
            return None
        r = self.records[i]
        return r.at, self.sources[i], r.id, r.index


def _own_index(dataset: Dataset, filters: RepFilters) -> dict[str, _Own]:
    """Each user's rep actions (completed non-automated activities, then human outbound
    messages with a user, in input order) that pass the filters, sorted by instant.

    The instants are compared as integers (exact: equal instants keep the order made).
    """
    import numpy as np

    every = filters._keeps_all
    acts = dataset.activities
    keep = [a.completed and not a.automated and (every or filters.keeps_activity(dataset, a))
            for a in acts]
    records: list[Activity | Message] = list(compress(acts, keep))
    instants = [dataset._instants_us("activities")[np.array(keep, dtype=bool)]]
    activities = len(records)
    if filters._messages_count:
        out, person = Direction.OUT, Sender.USER
        msgs = dataset.messages
        keep = [m.direction is out and m.sender is person and m.user is not None for m in msgs]
        if not every:
            kept: dict[str, bool] = {}
            for t in {m.thread for m in compress(msgs, keep)}:
                kept[t] = filters._keeps_thread(dataset, t)
            keep = [k and kept[m.thread] for k, m in zip(keep, msgs, strict=True)]
        records += compress(msgs, keep)
        instants.append(dataset._instants_us("messages")[np.array(keep, dtype=bool)])
    sources = ["activity"] * activities + ["message"] * (len(records) - activities)
    return {user: _Own(us, [records[i] for i in pos], [sources[i] for i in pos])
            for user, us, pos in _by_user(list(map(_USER_OF, records)),
                                          np.concatenate(instants))}


_USER_OF, _AT_OF, _CHANNEL_OF = attrgetter("user"), attrgetter("at"), attrgetter("channel")
_K = TypeVar("_K", bound=Hashable)


def _by_user(keys: list[_K], us: Any) -> list[tuple[_K, list[int], list[int]]]:
    """``(key, instants, positions)`` of each key (first seen first): the positions of
    its items sorted by instant (``us``, epoch µs, a numpy array), ties in the order made."""
    import numpy as np

    codes: dict[_K, int] = {}
    users = np.array([codes.setdefault(u, len(codes)) for u in keys], dtype=np.int64)
    order = np.lexsort((us, users))  # stable: ties as made
    cuts = np.searchsorted(users[order], np.arange(len(codes) + 1))
    sorted_us = us[order].tolist()
    positions = order.tolist()
    return [(user, sorted_us[cuts[k]:cuts[k + 1]], positions[cuts[k]:cuts[k + 1]])
            for user, k in codes.items()]


def _last_of(own: _Own, before: datetime | None,
             as_of: datetime | None) -> tuple[datetime, str, str | None, int] | None:
    """A user's latest action strictly before ``before`` and at or before ``as_of``."""
    return own.last(_bound(before, as_of))


def _own(dataset: Dataset, filters: RepFilters) -> dict[str, _Own]:
    """:func:`_own_index`, once per dataset and filters."""
    def build() -> dict[str, _Own]:
        with paused_gc():  # many acyclic lists
            return _own_index(dataset, filters)

    return dataset.derived(("activity.own", filters), build)


def last_activities(dataset: Dataset, /, *, before: datetime | None = None,
                    as_of: datetime | None = None,
                    filters: RepFilters = _NO_FILTERS) -> dict[str, LastActivity]:
    """Each user's latest completed non-automated activity or human outbound message.

    Items strictly before ``before`` (when given) and at or before ``as_of``;
    every user of the dataset has an entry (``at`` None when they have none).
    On equal instants the later item in input order (activities before
    messages) wins. Each user's actions are sorted once per dataset and
    filters (:meth:`Dataset.derived`): a question is a bisect per user.
    """
    check_dataset(dataset)
    out = {u.id: LastActivity(user=u.id, at=None, source=None, item=None, index=None)
           for u in dataset.users}
    for user, own in _own(dataset, filters).items():
        last = _last_of(own, before, as_of)
        if last is not None:
            at, source, item, index = last
            out[user] = LastActivity(user=user, at=at, source=source, item=item, index=index)
    return out


# The last activity across the parts of a dataset: a value per user that merges by max.
# In a partial it is one key of the user's tally (``Tally.keys[_LAST]``: sets merge by
# union, so merging stays associative and commutative); finishing takes the latest key.

_LAST = "last_activity"


def _recency(item: RepFact | LastActivity) -> tuple[bool, int, bool, int]:
    """The order in which a later last activity wins, across the parts of a dataset.

    A later instant, then (on ties) a message after an activity, then the
    later input position: the order :func:`last_activities` walks in.
    """
    if item.at is None:
        return (False, 0, False, -1)
    return (True, epoch_us(item.at), item.source == "message", item.index or 0)


def _last_key(at: datetime, source: str, item: str | None, index: int) -> str:
    """A last activity as a tally key: its :func:`_recency`, then what tells it apart."""
    return json.dumps([epoch_us(at), source == "message", index, item is not None, item or "",
                       at.isoformat()])


def _latest(keys: Iterable[str]) -> datetime | None:
    """The instant of the latest of some :func:`_last_key` keys (None: no key)."""
    best = max((json.loads(k) for k in keys), default=None)
    return None if best is None else datetime.fromisoformat(best[-1])


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


# A fact as the rows view keeps it: a row (timestamp, source, index, column, seq, at, id,
# duration), sorted as the drill-down is; seq is the order rep_facts lists them in.
_FACT_AT = 5
_FACT_TIE = itemgetter(1, 2, 3)
_COLUMN_AT = {c: i for i, c in enumerate(COLUMNS)}


class _RepIndex:
    """What :func:`rep_activity` reads, once per dataset, ``as_of`` and filters.

    The facts (one per item and column it counts in, whatever its instant) are
    made once, in the order :func:`rep_facts` lists them. Two views of them:

    * the counts: each user's facts of each column by instant (epoch µs), so a
      period's count is two bisections and its call durations a slice, and
      ``own``, each user's rep actions in time order (for the last activity);
    * the rows, made only when a drill-down asks (:meth:`rows`): each user's
      facts as rows sorted as the drill-down is. The team filter is not applied here.

    The items: for each thread walked (in dataset order) and conversation,
    its first message when human outbound (``new_conversations``); then each
    ``sms`` message of a walked thread (in input order), human outbound
    (``sms_sent``) or inbound (``sms_received``, for the assignee at its
    instant); then each completed non-automated activity of a counted kind
    (in input order), calls answered counted twice.
    """

    __slots__ = ("_rows", "counts", "durations", "facts", "own")

    def __init__(self, dataset: Dataset, as_of: datetime | None, filters: RepFilters,
                 gap_seconds: float) -> None:
        users: list[str] = []
        columns: list[str] = []
        items: list[Message | Activity] = []
        calls: dict[int, float] = {}  # the recorded durations of calls made, by fact
        instants: list[int] = []  # each fact's instant (epoch µs)
        every = filters._keeps_all
        if filters._messages_count:
            out, inbound, person = Direction.OUT, Direction.IN, Sender.USER
            # each thread walked (and how many times: as many as its records) with its
            # assignee over time (None: it never changes, the first value says it);
            # the conversations' openings come from the walk
            walked: dict[str, tuple[str | None, History[str | None] | None, int]] = {}
            for tl in timelines(dataset, as_of=as_of, gap_seconds=gap_seconds):
                if not every and not filters._keeps_thread(dataset, tl.thread):
                    continue
                seen = walked.get(tl.thread)
                assignees = tl.assignees
                walked[tl.thread] = (assignees.initial,
                                     assignees if assignees.changes else None,
                                     1 if seen is None else seen[2] + 1)
                for conv in tl.conversations:
                    first = conv.messages[0]
                    opener = first.user
                    if opener is not None and first.direction is out and first.sender is person:
                        users.append(opener)
                        columns.append("new_conversations")
                        items.append(first)
            instants += epochs_us(map(_AT_OF, items))
            # the SMS in input order; those after as_of, which the walk does not see, are
            # indexed but never in a window
            msgs = dataset.messages
            sms = [p for p, c in enumerate(map(_CHANNEL_OF, msgs)) if c == _SMS]
            sms_us = dataset._instants_us("messages")[sms].tolist()
            for p, at_us in zip(sms, sms_us, strict=True):
                m = msgs[p]
                thread = walked.get(m.thread)
                if thread is None:
                    continue
                if m.direction is out:
                    user = m.user
                    if m.sender is not person or user is None:
                        continue
                    column = "sms_sent"
                elif m.direction is inbound:
                    history = thread[1]
                    holder = thread[0] if history is None else history.at(m.at)
                    if holder is None:
                        continue
                    user, column = holder, "sms_received"
                else:
                    continue
                for _ in range(thread[2]):
                    users.append(user)
                    columns.append(column)
                    items.append(m)
                    instants.append(at_us)
        acts_us = dataset._instants_us("activities").tolist()
        for a, at_us in zip(dataset.activities, acts_us, strict=True):
            kind_column = _KIND_COLUMN.get(a.kind)
            if (kind_column is None or not a.completed or a.automated
                    or not (every or filters.keeps_activity(dataset, a))):
                continue
            users.append(a.user)
            columns.append(kind_column)
            items.append(a)
            instants.append(at_us)
            if a.kind is ActivityKind.CALL:
                if a.duration_seconds is not None:
                    calls[len(items) - 1] = a.duration_seconds
                if a.answered:
                    users.append(a.user)
                    columns.append("calls_answered")
                    items.append(a)
                    instants.append(at_us)
        self.facts = (users, columns, items, calls)
        self._rows: dict[str, Sorted] | None = None
        # the counts: per user and column, the facts' instants; per user, its calls'
        self.counts: dict[str, dict[str, list[int]]] = {}
        self.durations: dict[str, tuple[list[int], list[float]]] = {}
        by_column = [(u, c) for u, c in zip(users, columns, strict=True)]
        import numpy as np

        for (user, column), us, pos in _by_user(by_column, np.array(instants, dtype=np.int64)):
            self.counts.setdefault(user, {})[column] = us
            if column == "calls_made":
                timed = [(u, calls[p]) for u, p in zip(us, pos, strict=True) if p in calls]
                if timed:
                    self.durations[user] = ([u for u, _ in timed], [d for _, d in timed])
        self.own = _own(dataset, filters)

    def window(self, user: str, lo: int, hi: int) -> tuple[dict[str, int], list[float]]:
        """A user's counts by column (in :data:`COLUMNS` order, none zero) and call
        durations over ``lo <= epoch_us(at) < hi``."""
        counts = {}
        mine = self.counts.get(user, {})
        for column in sorted(mine, key=_COLUMN_AT.__getitem__):
            us = mine[column]
            n = bisect_left(us, hi) - bisect_left(us, lo) if hi > lo else 0
            if n > 0:
                counts[column] = n
        durations: list[float] = []
        if user in self.durations and hi > lo:
            us, seconds = self.durations[user]
            durations = seconds[bisect_left(us, lo):bisect_left(us, hi)]
        return counts, durations

    def rows(self) -> dict[str, Sorted]:
        """Each user's facts as drill-down rows, sorted (made on the first call)."""
        if self._rows is None:
            users, columns, items, calls = self.facts
            per: defaultdict[str, list[tuple[Any, ...]]] = defaultdict(list)
            for seq, (user, column, item) in enumerate(zip(users, columns, items, strict=True),
                                                       1):
                at = item.at
                source = "message" if isinstance(item, Message) else "activity"
                duration = calls.get(seq - 1) if column == "calls_made" else None
                per[user].append((at.timestamp(), source, item.index, column, seq, at, item.id,
                                  duration))
            with paused_gc():
                self._rows = {u: Sorted(rows, at=_FACT_AT, tie=_FACT_TIE)
                              for u, rows in per.items()}
        return self._rows


def _rep_index(dataset: Dataset, as_of: datetime | None, filters: RepFilters,
               gap_seconds: float) -> _RepIndex:
    """:class:`_RepIndex`, once per dataset and arguments."""
    def build() -> _RepIndex:
        with paused_gc():  # many acyclic rows
            return _RepIndex(dataset, as_of, filters, gap_seconds)

    return dataset.derived(("activity.rep", as_of, gap_seconds, filters), build)


def _fact(user: str, row: tuple[Any, ...]) -> RepFact:
    _, source, index, column, _, at, item, duration = row
    return RepFact(user, column, at, source, item, index, duration)


def rep_facts(dataset: Dataset, /, *, period: Period, as_of: datetime | None = None,
              filters: RepFilters = _NO_FILTERS,
              gap_seconds: float = DEFAULT_GAP_SECONDS) -> tuple[RepFact, ...]:
    """Every item counted by :func:`rep_activity`, one row per (item, column).

    Messages first (each conversation's opening, thread by thread, then the
    sms sent and received in input order), then activities in input order;
    the team filter is not applied here.
    """
    check_dataset(dataset)
    index = _rep_index(dataset, as_of, filters, gap_seconds)
    found = [(rows.rows[i][4], user, rows.rows[i]) for user, rows in index.rows().items()
             for i in rows.window(period.start, period.end, as_of)]
    found.sort(key=itemgetter(0))
    return tuple(_fact(user, row) for _, user, row in found)


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
                         gap_seconds: float = DEFAULT_GAP_SECONDS,
                         rows: bool = True) -> Partial[RepFact]:
    """The mergeable partial aggregate of :func:`rep_activity` (``rows=False``: tallies only).

    Its groups are the users shown, each with a tally of its columns' counts,
    its call durations and its last activity (the summaries need nothing
    else: see :meth:`Partial.without_rows`), and, without a team filter, the
    users no record describes who acted (shown when some part counts them);
    its rows are the facts counted and each tallied user's last activity (a
    ``last_activity`` fact). The users' facts and actions are sorted once per
    dataset, ``as_of`` and filters (:meth:`Dataset.derived`), so each period
    costs what it holds.
    """
    check_dataset(dataset)
    period, as_of = check_window(period, as_of)
    gap_seconds = check_gap(gap_seconds)
    filters = RepFilters.checked(dataset, smart_list=smart_list, on_smart_list=on_smart_list,
                                 team=team, account_type=account_type, brand=brand)
    index = _rep_index(dataset, as_of, filters, gap_seconds)
    start, end = period.start, period.end
    bound = _bound(end, as_of)
    windows = {u: index.window(u, period.start_us, bound) for u in index.counts}
    # Tallied: the users shown (the team's, else every user and those counted without a
    # record) and, without a team, the users without a record who acted: another part
    # may count them, and this part may hold their last activity.
    tallied = set(filters.users(dataset))
    if filters.team is None:
        known = dataset.users_by_id
        tallied.update(u for u, (counts, _) in windows.items() if counts and u not in known)
        tallied.update(u for u in index.own if u not in known)
    tallies: dict[str, Tally] = {}
    out: list[RepFact] = []
    drill = index.rows() if rows else {}
    for user in sorted(tallied):
        counts, durations = windows.get(user, ({}, []))
        own = index.own.get(user)
        last = None if own is None else own.last(bound)
        tallies[user] = Tally.of(counts, {_CALLS: durations} if durations else None,
                                 {_LAST: [_last_key(*last)]} if last is not None else None)
        if rows:
            facts = drill.get(user)
            mine = [] if facts is None else [_fact(user, facts.rows[i])
                                             for i in facts.window(start, end, as_of)]
            if last is not None:
                lastf = RepFact(user, _LAST, *last)
                mine.insert(bisect_right(mine, lastf.sort_key, key=_sort_key), lastf)
            out += mine
    return Partial("rep_activity", tallies, tuple(out))


def _sort_key(row: RepFact) -> tuple[Any, ...]:
    return row.sort_key


def finish_rep_activity(partial: Partial[RepFact], dataset: Dataset, /, *,
                        by: str | None = None) -> Result[RepSummary, RepFact]:
    """The final :func:`rep_activity` result of a (merged) partial aggregate.

    ``dataset`` gives the users' names and codes (its reference data): a
    tallied user is shown when it has a record or some count. The summaries
    are computed from the tallies alone, so a partial without rows gives the
    same ones; the rows keep each shown user's latest ``last_activity`` fact
    over the parts.
    """
    check_partial(partial, "rep_activity")
    check_dataset(dataset)
    check_by(by, ("user",))
    known = dataset.users_by_id
    aggs = {u: RepAggregate(counts={c: t.count(c) for c in COLUMNS},
                            call_durations=t.values_of(_CALLS),
                            last_activity=_latest(t.keys_of(_LAST)))
            for u, t in partial.tallies.items()
            if u in known or any(t.count(c) for c in COLUMNS)}
    total = RepAggregate()
    for a in aggs.values():
        total = total.merge(a)
    groups = {}
    for u, a in aggs.items():
        rec = dataset.users_by_id.get(u)
        groups[u] = a.summary(None if rec is None else rec.first_name,
                              None if rec is None else rec.last_name,
                              None if rec is None else rec.code)
    last: dict[str, RepFact] = {}
    for f in partial.rows:
        if f.column == _LAST and f.user in aggs and (
                f.user not in last or _recency(f) > _recency(last[f.user])):
            last[f.user] = f
    kept = set(map(id, last.values()))
    rows = tuple(f for f in partial.rows if f.column != _LAST or id(f) in kept)
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


def inactive_users_partial(dataset: Dataset, /, *, at: datetime,
                           rows: bool = True) -> Partial[LastActivity]:
    """The mergeable partial aggregate of :func:`inactive_users`: each user's last activity.

    Each user's tally holds it as a key (the summary needs nothing else), its
    rows are the :class:`LastActivity` values (none with ``rows=False``).
    """
    check_dataset(dataset)
    at = check_instant(at, "at")  # type: ignore[assignment]
    lasts = last_activities(dataset, as_of=at)
    tallies = {u: Tally.of(keys={_LAST: [_last_key(la.at, la.source, la.item, la.index)]})
               if la.at is not None and la.source is not None and la.index is not None
               else Tally() for u, la in sorted(lasts.items())}
    return Partial("inactive_users", tallies, tuple(lasts[u] for u in tallies) if rows else ())


def finish_inactive_users(partial: Partial[LastActivity], /, *, at: datetime,
                          days: float = 5) -> Result[tuple[str, ...], LastActivity]:
    """The final :func:`inactive_users` result of a (merged) partial aggregate.

    Each user's last activity is the latest over the parts (from the tallies:
    a partial without rows gives the same users).
    """
    check_partial(partial, "inactive_users")
    at = check_instant(at, "at")  # type: ignore[assignment]
    limit = check_seconds(days, "days") * _DAY
    users = []
    for u, t in partial.tallies.items():
        latest = _latest(t.keys_of(_LAST))
        if latest is None or (at - latest).total_seconds() >= limit:
            users.append(u)
    last: dict[str, LastActivity] = {}
    for la in partial.rows:
        if la.user not in last or _recency(la) > _recency(last[la.user]):
            last[la.user] = la
    return Result("inactive_users", None, {}, tuple(sorted(users)),
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


# An attempt as the index keeps it: a row (timestamp, source, index, seq, at, user, id,
# account), sorted as the drill-down is within an account; seq is the order attempts()
# lists them in.
_TRY_AT = 4
_TRY_USER = 5
_TRY_ACCOUNT = 7
_TRY_TIE = itemgetter(1, 2)
_ACCOUNT = itemgetter(_TRY_ACCOUNT)


def _attempt_index(dataset: Dataset) -> dict[str, Sorted]:
    """Each list's attempts on its accounts, whatever their instant, the lists sorted.

    One time line per list, not per account: a period is two bisections per
    list. Its rows of one account are in that account's drill-down order (by
    timestamp, then source and index, then made), so a stable sort of a
    window by account gives the drill-down's (list, account) order.

    An attempt is a human outbound message on a thread whose customer is the
    account, or a completed non-automated call or email linked to the account,
    by one of the list's users (any user when the list has none). Messages
    first, then activities, each in input order; for each, the lists holding
    its account in list order.
    """
    lists_of: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for sl in dataset.smart_lists:
        for c in dict.fromkeys(sl.customers):
            lists_of.setdefault(c, []).append((sl.id, frozenset(sl.users)))
    items: list[tuple[str, str | None, datetime, str, str | None, int]] = []
    if lists_of:
        # the threads of the lists' accounts (a small map, read once per message)
        account_of = {t.id: t.customer for t in dataset.threads_by_id.values()
                      if t.customer is not None and t.customer in lists_of}
        out, person = Direction.OUT, Sender.USER
        for m in dataset.messages:
            customer = account_of.get(m.thread)
            if customer is not None and m.direction is out and m.sender is person:
                items.append((customer, m.user, m.at, "message", m.id, m.index))
        for a in dataset.activities:
            if (a.kind in (ActivityKind.CALL, ActivityKind.EMAIL) and a.completed
                    and not a.automated and a.customer is not None and a.customer in lists_of):
                items.append((a.customer, a.user, a.at, "activity", a.id, a.index))
    per: defaultdict[str, list[tuple[Any, ...]]] = defaultdict(list)
    seq = 0
    for customer, user, at, source, item, index in items:
        ts = at.timestamp()
        for list_id, users in lists_of[customer]:
            if not users or user in users:
                seq += 1
                per[list_id].append((ts, source, index, seq, at, user, item, customer))
    return {k: Sorted(per[k], at=_TRY_AT, tie=_TRY_TIE) for k in sorted(per)}


def _attempt(list_id: str, row: tuple[Any, ...]) -> Attempt:
    _, source, index, _, at, user, item, customer = row  # user: row[_TRY_USER]
    return Attempt(list_id, customer, user, at, source, item, index)


def _window(tries: Sorted, period: Period, as_of: datetime | None) -> list[tuple[Any, ...]]:
    """A list's attempts in a period, by account (stable: each account's in drill-down order)."""
    found = [tries.rows[i] for i in tries.window(period.start, period.end, as_of)]
    found.sort(key=_ACCOUNT)
    return found


def _attempts_index(dataset: Dataset) -> dict[str, Sorted]:
    """:func:`_attempt_index`, once per dataset."""
    def build() -> dict[str, Sorted]:
        with paused_gc():  # many acyclic rows
            return _attempt_index(dataset)

    return dataset.derived(("activity.attempts",), build)


def attempts(dataset: Dataset, /, *, period: Period,
             as_of: datetime | None = None) -> tuple[Attempt, ...]:
    """Every attempt on each smart list's accounts in the period, by the list's users.

    An attempt is a human outbound message on a thread whose customer is the
    account, or a completed non-automated call or email linked to the account,
    by one of the list's users (any user when the list has none).
    """
    check_dataset(dataset)
    found = [(rows.rows[i][3], list_id, rows.rows[i])
             for list_id, rows in _attempts_index(dataset).items()
             for i in rows.window(period.start, period.end, as_of)]
    found.sort(key=itemgetter(0))
    return tuple(_attempt(list_id, row) for _, list_id, row in found)


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
                                as_of: datetime | None = None,
                                rows: bool = True) -> Partial[Attempt]:
    """The mergeable partial aggregate of :func:`smart_list_progress`.

    Its groups are the lists attempted, each with a tally of the accounts
    attempted (key ``attempted``) and, for a list with users, the accounts
    each attempted (key ``user:<id>``): the summaries need nothing else. Its rows
    are the attempts (none with ``rows=False``). Each list's attempts are sorted once per
    dataset (:meth:`Dataset.derived`), so a period is two bisects per list.
    """
    check_dataset(dataset)
    period, as_of = check_window(period, as_of)
    index = _attempts_index(dataset)
    with_users = {sl.id for sl in dataset.smart_lists if sl.users}  # the others: no user keys
    keys: dict[str, dict[str, set[str]]] = {}
    out: list[Attempt] = []
    for list_id, tries in index.items():
        found = _window(tries, period, as_of)
        if not found:
            continue
        mine = keys.setdefault(list_id, {})
        attempted = mine.setdefault(_ATTEMPTED, set())
        by_user = list_id in with_users
        for row in found:  # by account, then in drill-down order
            customer = row[_TRY_ACCOUNT]
            attempted.add(customer)
            user = row[_TRY_USER]
            if user is not None and by_user:
                mine.setdefault(_USER + user, set()).add(customer)
        if rows:
            out += [_attempt(list_id, row) for row in found]
    tallies = {list_id: Tally.of(keys=k) for list_id, k in sorted(keys.items())}
    return Partial("smart_list_progress", tallies, tuple(out))


def finish_smart_list_progress(partial: Partial[Attempt], dataset: Dataset, /, *,
                               by: str | None = None
                               ) -> Result[ListProgress | ProgressSummary, Attempt]:
    """The final :func:`smart_list_progress` result of a (merged) partial aggregate.

    ``dataset`` gives the smart lists and users (its reference data); the
    accounts attempted come from the tallies alone (a partial without rows
    gives the same summaries).
    """
    check_partial(partial, "smart_list_progress")
    check_dataset(dataset)
    check_by(by, ("smart_list", "user"))
    lists = {}
    per_user = {u.id: [0, 0] for u in dataset.users}
    total = [0, 0]
    for sl in dataset.smart_lists:
        tally = partial.tallies.get(sl.id, Tally())
        size = len(set(sl.customers))
        attempted = len(tally.keys_of(_ATTEMPTED))
        total[0] += size
        total[1] += attempted
        users = {}
        for u in dict.fromkeys(sl.users):
            mine = len(tally.keys_of(_USER + u))
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
    return Result("smart_list_progress", by, groups, _progress(total[0], total[1]),
                  partial.rows)
