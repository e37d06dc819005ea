"""Dataset: the records of docs/definitions.md §1 plus the indexes every metric needs.

A :class:`Dataset` is immutable once built. It does not validate references:
build it through :func:`salesmetrics.load.from_dict` (or the file loaders) to
get the case format's checks, or from Python objects when you trust them.

Indexes (all built once, at construction):

* messages and events per thread, in time order, ties in input order;
* activities per user and per lead; leads per team;
* teams, users, customers, threads, leads, smart lists by id.

>>> from datetime import datetime, timezone
>>> from salesmetrics.model import Team, Thread, Message, Direction
>>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
>>> ds = Dataset(teams=[Team(id="A")], threads=[Thread(id="t1", team="A")],
...              messages=[Message(thread="t1", at=t, direction=Direction.IN)])
>>> len(ds.messages_by_thread["t1"])
1
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import datetime
from itertools import compress
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

from salesmetrics._history import History
from salesmetrics._time import epoch_us, epochs_us
from salesmetrics._values import each_instance
from salesmetrics.errors import SalesmetricsError
from salesmetrics.model import (
    Activity,
    Customer,
    EventType,
    Lead,
    Message,
    Session,
    SmartList,
    Team,
    Thread,
    ThreadEvent,
    User,
)

if TYPE_CHECKING:
    from salesmetrics.calendars import Calendar, CalendarHistory

__all__ = ["Dataset"]

_R = TypeVar("_R")

_MISSING = object()

#: How many derived values (:meth:`Dataset.derived`) a dataset keeps.
_DERIVED_KEPT = 8


def _records(records: object, cls: type[_R], section: str) -> tuple[_R, ...]:
    """A section's records as a tuple, each a ``cls`` (``invalid_value`` at ``section[i]``).

    One pass in C when they are (the loaders' case): :func:`each_instance`.
    """
    if isinstance(records, str | bytes | Mapping) or not isinstance(records, Iterable):
        raise SalesmetricsError("invalid_value", section, f"an iterable of {cls.__name__} is "
                                f"needed, not {type(records).__name__}")
    out = tuple(records)
    each_instance(out, cls, section)
    return out


def _calendars(calendars: object) -> dict[str, Calendar]:
    """The calendars by id, each a Calendar (``invalid_value`` at ``calendars.<id>``)."""
    from salesmetrics.calendars import Calendar

    if calendars is None:
        return {}
    if not isinstance(calendars, Mapping):
        raise SalesmetricsError("invalid_value", "calendars", "a mapping of id to Calendar is "
                                f"needed, not {type(calendars).__name__}")
    for cid, cal in calendars.items():
        if not isinstance(cid, str) or not isinstance(cal, Calendar):
            raise SalesmetricsError("invalid_value", f"calendars.{cid}", "calendars map an id "
                                    f"to a Calendar, not {type(cid).__name__} to "
                                    f"{type(cal).__name__}")
    return dict(calendars)


def _by_id(records: tuple[_R, ...], key: Callable[[_R], str]) -> dict[str, _R]:
    return dict(zip(map(key, records), records, strict=True))


#: The instants the per-thread and per-user indexes sort by (then index, then position).
_AT = attrgetter("at")
_START = attrgetter("start")
_ID = attrgetter("id")
_THREAD = attrgetter("thread")
_USER = attrgetter("user")
_LEAD = attrgetter("lead")


class Dataset:
    """The records of one dataset and their indexes.

    Args:
        calendars: calendar id → :class:`~salesmetrics.calendars.Calendar`.
        teams: the records of the ``teams`` section; ``users``, ``customers``,
            ``threads``, ``messages``, ``thread_events``, ``sessions``,
            ``leads``, ``activities`` and ``smart_lists`` likewise hold the
            records of their sections.

    Records are kept in the order given (``messages`` etc. are tuples in input
    order); the per-thread indexes are sorted by instant, ties by each
    record's ``index`` (its position in the input section).
    """

    __slots__ = (
        "_activity_order",
        "_derived",
        "_event_order",
        "_histories",
        "_message_order",
        "activities",
        "activities_by_lead",
        "activities_by_user",
        "calendars",
        "customers",
        "customers_by_id",
        "events_by_thread",
        "leads",
        "leads_by_id",
        "leads_by_team",
        "messages",
        "messages_by_thread",
        "sessions",
        "sessions_by_user",
        "smart_lists",
        "smart_lists_by_id",
        "teams",
        "teams_by_id",
        "thread_events",
        "threads",
        "threads_by_id",
        "users",
        "users_by_id",
    )

    calendars: Mapping[str, Calendar]
    teams: tuple[Team, ...]
    users: tuple[User, ...]
    customers: tuple[Customer, ...]
    threads: tuple[Thread, ...]
    messages: tuple[Message, ...]
    thread_events: tuple[ThreadEvent, ...]
    sessions: tuple[Session, ...]
    leads: tuple[Lead, ...]
    activities: tuple[Activity, ...]
    smart_lists: tuple[SmartList, ...]

    teams_by_id: Mapping[str, Team]
    users_by_id: Mapping[str, User]
    customers_by_id: Mapping[str, Customer]
    threads_by_id: Mapping[str, Thread]
    leads_by_id: Mapping[str, Lead]
    smart_lists_by_id: Mapping[str, SmartList]
    messages_by_thread: Mapping[str, tuple[Message, ...]]
    events_by_thread: Mapping[str, tuple[ThreadEvent, ...]]
    sessions_by_user: Mapping[str, tuple[Session, ...]]
    activities_by_user: Mapping[str, tuple[Activity, ...]]
    activities_by_lead: Mapping[str, tuple[Activity, ...]]
    leads_by_team: Mapping[str, tuple[Lead, ...]]

    def __init__(
        self,
        *,
        calendars: Mapping[str, Calendar] | None = None,
        teams: Iterable[Team] = (),
        users: Iterable[User] = (),
        customers: Iterable[Customer] = (),
        threads: Iterable[Thread] = (),
        messages: Iterable[Message] = (),
        thread_events: Iterable[ThreadEvent] = (),
        sessions: Iterable[Session] = (),
        leads: Iterable[Lead] = (),
        activities: Iterable[Activity] = (),
        smart_lists: Iterable[SmartList] = (),
    ) -> None:
        self.calendars = _calendars(calendars)
        self.teams = _records(teams, Team, "teams")
        self.users = _records(users, User, "users")
        self.customers = _records(customers, Customer, "customers")
        self.threads = _records(threads, Thread, "threads")
        self.messages = _records(messages, Message, "messages")
        self.thread_events = _records(thread_events, ThreadEvent, "thread_events")
        self.sessions = _records(sessions, Session, "sessions")
        self.leads = _records(leads, Lead, "leads")
        self.activities = _records(activities, Activity, "activities")
        self.smart_lists = _records(smart_lists, SmartList, "smart_lists")

        self.teams_by_id = _by_id(self.teams, _ID)
        self.users_by_id = _by_id(self.users, _ID)
        self.customers_by_id = _by_id(self.customers, _ID)
        self.threads_by_id = _by_id(self.threads, _ID)
        self.leads_by_id = _by_id(self.leads, _ID)
        self.smart_lists_by_id = _by_id(self.smart_lists, _ID)

        self.messages_by_thread, self._message_order = _grouped(self.messages, _THREAD, _AT)
        self.events_by_thread, self._event_order = _grouped(self.thread_events, _THREAD, _AT)
        self.sessions_by_user = _grouped(self.sessions, _USER, _START)[0]
        self.activities_by_user, self._activity_order = _grouped(self.activities, _USER, _AT)
        with_lead = [a.lead is not None for a in self.activities]
        self.activities_by_lead = _grouped(
            list(compress(self.activities, with_lead)), _LEAD, _AT,
            None if self._activity_order is None else self._activity_order.us[with_lead],
        )[0]
        leads_by_team: dict[str, list[Lead]] = defaultdict(list)
        for lead in self.leads:
            if lead.team is not None:
                leads_by_team[lead.team].append(lead)
        self.leads_by_team = {k: tuple(v) for k, v in leads_by_team.items()}
        self._derived: dict[Hashable, Any] = {}
        self._histories: dict[str | None, CalendarHistory] = {}

    def __repr__(self) -> str:
        sizes = ", ".join(
            f"{name}={len(getattr(self, name))}"
            for name in ("teams", "users", "threads", "messages", "thread_events",
                         "sessions", "leads", "activities", "smart_lists")
        )
        return f"Dataset({sizes})"

    # -- lookups -------------------------------------------------------------

    def calendar_of_team(self, team: str | None) -> Calendar:
        """The business-hours calendar of a team.

        A team without a calendar (or an unknown team) gets the documented
        default: :meth:`Calendar.always_open` (open every second, UTC), so the
        business clock equals the wall clock for it.
        """
        from salesmetrics.calendars import Calendar

        t = self.teams_by_id.get(team) if team is not None else None
        if t is not None and t.calendar is not None and t.calendar in self.calendars:
            return self.calendars[t.calendar]
        return Calendar.always_open()

    def calendar_history_of_team(self, team: str | None) -> CalendarHistory:
        """A team's calendar over time: every duration measured on a team's calendar uses it.

        The base is :meth:`calendar_of_team`; each ``calendar_history`` entry
        is a change from its ``since`` instant on (v1.1). A team without
        history gets a history without changes, whose measures are the
        clocks' own on its calendar (the fast path). Built once per team.

        >>> Dataset().calendar_history_of_team("A").changes
        ()
        """
        got = self._histories.get(team)
        if got is not None:
            return got
        from salesmetrics.calendars import Calendar, CalendarHistory

        t = self.teams_by_id.get(team) if team is not None else None
        changes = []
        for change in (t.calendar_history if t is not None else ()):
            cal = self.calendars.get(change.calendar, Calendar.always_open())
            changes.append((change.since, cal))
        history = CalendarHistory(self.calendar_of_team(team), changes)
        self._histories[team] = history
        return history

    def calendar_in_force(self, team: str | None, at: datetime) -> Calendar:
        """The calendar in force for a team at an instant (its history read at ``at``)."""
        return self.calendar_history_of_team(team).in_force(at)

    def assignee_at(self, thread: str, at: datetime | None) -> str | None:
        """The user a thread is assigned to at an instant (None: at the end).

        The thread's ``assignee``, then each ``assign`` event at or before
        ``at`` (the same :class:`~salesmetrics._history.History` the timeline
        walk records).
        """
        return self.derived(("assignees",), self._assignee_histories)[thread].at(at)

    def _assignee_histories(self) -> Mapping[str, History[str | None]]:
        return {
            t.id: History(t.assignee, [(e.at, e.to_user)
                                       for e in self.events_by_thread.get(t.id, ())
                                       if e.type is EventType.ASSIGN])
            for t in self.threads
        }

    def _instants_us(self, section: str) -> Any:
        """The instants of ``messages``, ``thread_events`` or ``activities`` in epoch
        microseconds, in section order (a numpy array; private).

        >>> Dataset()._instants_us("messages").tolist()
        []
        """
        order = {"messages": self._message_order, "thread_events": self._event_order,
                 "activities": self._activity_order}[section]
        if order is not None:
            return order.us
        import numpy as np

        return np.array(epochs_us(map(_AT, getattr(self, section))), dtype=np.int64)

    def derived(self, key: Hashable, compute: Callable[[], _R]) -> _R:
        """A value computed from this dataset once per ``key``, then shared.

        The dataset is immutable, so a value that depends only on it and on
        ``key`` (say, every thread's timeline up to an instant) can be shared
        by the metrics that read it. The last few keys are kept; ``compute``
        must return an immutable value.
        """
        memo = self._derived
        value = memo.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            memo[key] = value
            # Evict the oldest keys; list(dict) and pop(k, None) are atomic, so
            # threads sharing a dataset never see an error, at worst a recomputation.
            for old in list(memo)[:-_DERIVED_KEPT]:
                memo.pop(old, None)
        return value  # type: ignore[no-any-return]

    # -- derived datasets ----------------------------------------------------

    def replace(self, **sections: Iterable[object] | Mapping[str, Calendar]) -> Dataset:
        """A new dataset with some sections replaced (the others shared)."""
        kwargs: dict[str, object] = {
            name: getattr(self, name)
            for name in ("calendars", "teams", "users", "customers", "threads", "messages",
                         "thread_events", "sessions", "leads", "activities", "smart_lists")
        }
        kwargs.update(sections)
        return Dataset(**kwargs)  # type: ignore[arg-type]

    def only_threads(self, thread_ids: Iterable[str]) -> Dataset:
        """The dataset restricted to some threads (their messages and events)."""
        keep = set(thread_ids)
        return self.replace(
            threads=[t for t in self.threads if t.id in keep],
            messages=[m for m in self.messages if m.thread in keep],
            thread_events=[e for e in self.thread_events if e.thread in keep],
        )

    def scoped_to_user(self, user: str, as_of: datetime | None = None) -> Dataset:
        """docs/definitions.md §2.7 scope: what a user restricted to their own items sees.

        Keeps the threads assigned to ``user`` at ``as_of`` (with their messages
        and events), the leads assigned to them, their own activities and
        sessions. Teams, users, customers, calendars and smart lists (the
        reference data) are kept.
        """
        threads = [t.id for t in self.threads if self.assignee_at(t.id, as_of) == user]
        scoped = self.only_threads(threads)
        return scoped.replace(
            leads=[lead for lead in self.leads if lead.assignee == user],
            activities=[a for a in self.activities if a.user == user],
            sessions=[s for s in self.sessions if s.user == user],
        )

    def split_by_thread(self, parts: int) -> list[Dataset]:
        """Partition the threads into ``parts`` datasets (round robin by thread order).

        Reference data, leads, activities and sessions go with the first part.
        Useful to check that metrics merge: per-part partial aggregates merged
        give the numbers of the whole.
        """
        if parts < 1:
            raise ValueError("parts must be at least 1")
        out = []
        for i in range(parts):
            ids = [t.id for j, t in enumerate(self.threads) if j % parts == i]
            part = self.only_threads(ids)
            if i > 0:
                part = part.replace(leads=(), activities=(), sessions=())
            out.append(part)
        return out


_K = TypeVar("_K", Message, ThreadEvent, Activity, Session)
_INDEX = attrgetter("index")
_INT = frozenset((int,))


class SectionOrder:
    """A section's instants and the order of its per-key index, as integer arrays (private).

    What :func:`_grouped` computes once and the thread walk reads instead of
    the records' attributes: ``us``, each record's instant in epoch
    microseconds (section order, int64); ``order``, the section positions in
    index order (int32 while they fit): key by key (the index's keys in their
    order), each key's records by instant, then ``index``, then position.
    Twelve bytes a record.
    """

    __slots__ = ("order", "us")

    def __init__(self, us: Any, order: Any) -> None:
        self.us, self.order = us, order


def _grouped(records: tuple[_K, ...] | list[_K], key: Callable[[_K], str],
             instant: Callable[[_K], datetime], us: Any = None
             ) -> tuple[dict[str, tuple[_K, ...]], SectionOrder | None]:
    """The records grouped by ``key``, each group sorted by instant, then ``index``, then
    input position; and that order as arrays (None: the records' own comparison decides).
    ``us``: the instants in epoch µs, when they are known already.

    The instants are compared as epoch microseconds: the instants' own order
    (two datetimes sharing a ``ZoneInfo`` compare by wall clock, which in a
    repeated hour is not the instants' order). Records from a loader carry
    their input position as ``index`` (0, 1, 2, ...): then one stable sort by
    (key, instant) gives every group at once. An ``index`` that is not an
    int of 64 bits leaves the records to :func:`_group_sorted`.

    >>> from datetime import timezone, timedelta
    >>> from salesmetrics.model import Direction
    >>> at = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> ms = [Message(thread="b", at=at, direction=Direction.IN, index=1),
    ...       Message(thread="a", at=at + timedelta(1), direction=Direction.IN, index=2),
    ...       Message(thread="a", at=at, direction=Direction.IN, index=3)]
    >>> groups, order = _grouped(ms, _THREAD, _AT)
    >>> [[m.index for m in g] for g in groups.values()], order.order.tolist()
    ([[1], [3, 2]], [0, 2, 1])
    """
    import numpy as np

    indexes = list(map(_INDEX, records))
    if not _INT.issuperset(map(type, indexes)):  # (a bool, a float: compared the Python way)
        return _group_sorted(records, key, instant), None
    try:
        idx = np.array(indexes, dtype=np.int64)
    except OverflowError:
        return _group_sorted(records, key, instant), None
    del indexes  # (each list of a slot per record goes once read: the load's peak)
    keys = list(map(key, records))
    codes: dict[str, int] = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    code: Any = np.fromiter(map(codes.__getitem__, keys), np.int64, len(keys))
    del keys
    if us is None:
        us = np.array(epochs_us(map(instant, records)), dtype=np.int64)
    if len(idx) > 1 and (idx[1:] < idx[:-1]).any():
        order = np.lexsort((idx, us, code))
    else:  # (indexes in input order: the stable sort keeps them)
        order = np.lexsort((us, code))
    bounds: list[int] = [0, *np.cumsum(np.bincount(code, minlength=len(codes))).tolist()]
    every = np.empty(len(records), dtype=object)  # (gathered in C: no int per position)
    every[:] = records  # (each record as it is, a sequence-like subclass too: a test)
    ordered = every[order].tolist()
    del every
    groups = {k: tuple(ordered[lo:hi])
              for k, lo, hi in zip(codes, bounds[:-1], bounds[1:], strict=True)}
    if len(records) < 2**31:
        order = order.astype(np.int32)
    return groups, SectionOrder(us, order)


def _group_sorted(records: tuple[_K, ...] | list[_K], key: Callable[[_K], str],
                  instant: Callable[[_K], datetime]) -> dict[str, tuple[_K, ...]]:
    """:func:`_grouped`'s groups, for indexes numpy does not hold: sorted in Python."""
    groups: dict[str, list[_K]] = defaultdict(list)
    for k, r in zip(map(key, records), records, strict=True):
        groups[k].append(r)

    def true_order(r: _K) -> tuple[int, Any]:
        return epoch_us(instant(r)), r.index

    return {k: tuple(sorted(v, key=true_order)) for k, v in groups.items()}
