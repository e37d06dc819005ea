"""Real time and supervision (docs/definitions.md §2.7): waiting, colleagues, open_too_long.

Each is taken at an instant ``at`` and reads data up to it (as if ``as_of``
were ``at``).

>>> from salesmetrics.load import from_dict
>>> from datetime import datetime
>>> ds = from_dict({"teams": [{"id": "A"}], "threads": [{"id": "t", "team": "A"}],
...     "messages": [{"thread": "t", "at": "2026-03-02T09:00:00+00:00", "direction": "in"}]})
>>> at = datetime.fromisoformat("2026-03-02T09:10:00+00:00")
>>> waiting(ds, at=at, by="team").summary()
{'A': {'count': 1, 'threads': [{'thread': 't', 'waiting_seconds': 600.0}]}}
>>> open_too_long(ds, at=at, threshold_seconds=300).summary()
[{'thread': 't', 'team': 'A', 'assignee': None, 'open_seconds': 600.0}]
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import attrs

from salesmetrics._time import parse_timezone
from salesmetrics.dataset import Dataset
from salesmetrics.metrics._args import (
    check_dataset,
    check_day,
    check_instant,
    check_seconds,
    check_timezone,
)
from salesmetrics.metrics._common import check_by, check_gap, teams_of
from salesmetrics.metrics._partial import (
    Partial,
    Result,
    _Builder,
    check_partial,
    make_partial,
    rows_partial,
)
from salesmetrics.rules import DEFAULT_MESSAGE_TEAM, MessageTeam
from salesmetrics.timeline import DEFAULT_GAP_SECONDS, item_ref, timelines

__all__ = [
    "ColleagueRow",
    "ColleagueSummary",
    "ColleaguesTotal",
    "OpenRow",
    "OpenThread",
    "Waiting",
    "WaitingRow",
    "WaitingThread",
    "colleagues",
    "colleagues_partial",
    "finish_colleagues",
    "finish_open_too_long",
    "finish_waiting",
    "open_too_long",
    "open_too_long_partial",
    "waiting",
    "waiting_partial",
]


# -- waiting -------------------------------------------------------------------


@attrs.frozen
class WaitingRow:
    """A thread whose contact is open at the instant."""

    thread: str
    team: str
    contact_team: str
    opened_at: datetime
    opened_by: str
    waiting_seconds: float

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Longest waiting first, ties by thread."""
        return (-self.waiting_seconds, self.thread)


@attrs.frozen
class WaitingThread:
    """A waiting thread in a summary."""

    thread: str
    waiting_seconds: float


@attrs.frozen
class Waiting:
    """Threads waiting at the instant for one team (or overall), longest first."""

    count: int
    threads: tuple[WaitingThread, ...]


def _waiting_summary(rows: list[WaitingRow]) -> Waiting:
    return Waiting(len(rows), tuple(WaitingThread(r.thread, r.waiting_seconds) for r in rows))


def waiting(
    dataset: Dataset,
    /,
    *,
    at: datetime,
    by: str | None = None,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
) -> Result[Waiting, WaitingRow]:
    """Threads whose contact is open at ``at``, per team holding them then.

    Is equivalent to::

        rows = [(t, at - t.contacts[-1].opened_at) for t in threads_up_to(at)
                if t.contacts and t.contacts[-1].is_open]
        grouped by team_at(t, at), longest waiting first, ties by thread id

    Raises:
        SalesmetricsError: ``invalid_option`` at ``by``; ``invalid_instant`` at ``at``.
    """
    check_dataset(dataset)
    check_by(by)
    return finish_waiting(waiting_partial(dataset, at=at, message_team=message_team), by=by)


def waiting_partial(dataset: Dataset, /, *, at: datetime,
                    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM) -> Partial[WaitingRow]:
    """The mergeable partial aggregate of :func:`waiting`: the waiting threads, by holder."""
    check_dataset(dataset)
    at = check_instant(at, "at")  # type: ignore[assignment]
    b = _Builder(teams_of(dataset))
    rows = []
    for tl in timelines(dataset, as_of=at, message_team=message_team):
        if not tl.contacts or not tl.contacts[-1].is_open:
            continue
        c = tl.contacts[-1]
        b.add(tl.holder, "count")
        rows.append(WaitingRow(thread=tl.thread, team=tl.holder, contact_team=c.team,
                               opened_at=c.opened_at, opened_by=item_ref(c.opened_by),
                               waiting_seconds=(at - c.opened_at).total_seconds()))
    return make_partial("waiting", b, rows)


def finish_waiting(partial: Partial[WaitingRow], /, *, by: str | None = None
                   ) -> Result[Waiting, WaitingRow]:
    """The final :func:`waiting` result of a (merged) partial aggregate."""
    check_partial(partial, "waiting")
    check_by(by)
    groups = ({k: _waiting_summary([r for r in partial.rows if r.team == k])
               for k in partial.tallies} if by else {})
    return Result("waiting", by, groups, _waiting_summary(list(partial.rows)), partial.rows)


# -- colleagues ----------------------------------------------------------------


@attrs.frozen
class ColleagueRow:
    """One user's day: connected seconds, online at the instant, contacts processed."""

    user: str
    team: str | None
    timezone: str
    day_start: datetime
    connected_seconds: float
    online: bool
    contacts_processed: int
    processed: tuple[str, ...]
    intervals: tuple[tuple[datetime, datetime], ...] = ()

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """The user."""
        return (self.user,)


@attrs.frozen
class ColleagueSummary:
    """One user's summary."""

    connected_seconds: float
    online: bool
    contacts_processed: int


@attrs.frozen
class ColleaguesTotal:
    """All users: connected seconds, number of users online, contacts processed."""

    connected_seconds: float
    online: int
    contacts_processed: int


def _union_seconds(intervals: list[tuple[datetime, datetime]]) -> float:
    total = 0.0
    cur_s: datetime | None = None
    cur_e: datetime | None = None
    for s, e in sorted(intervals):
        if cur_e is None or cur_s is None or s > cur_e:
            if cur_e is not None and cur_s is not None:
                total += cur_e.timestamp() - cur_s.timestamp()
            cur_s, cur_e = s, e
        elif e > cur_e:
            cur_e = e
    if cur_e is not None and cur_s is not None:
        total += cur_e.timestamp() - cur_s.timestamp()
    return total


def colleagues(
    dataset: Dataset,
    /,
    *,
    day: date,
    at: datetime,
    timezone: str | None = None,
    by: str | None = None,
) -> Result[ColleagueSummary | ColleaguesTotal, ColleagueRow]:
    """Per user, for a day read at ``at``: connected seconds, online, contacts processed.

    Is equivalent to (per user, the day in ``timezone`` — default: the user's
    team calendar in force at ``at``, its history read there)::

        connected = union(clip(s.start, s.end or at) to [day, next day) and to <= at
                          for s in sessions if s.start <= at)
        online = any(s.start <= at and (s.end is None or s.end > at) for s in sessions)
        processed = [c for c in contacts_up_to(at) if c.closer == user
                     and day_start <= c.closed_at < next_day_start]

    Raises:
        SalesmetricsError: ``invalid_option`` at ``by``, ``day`` or
            ``timezone`` (an unknown IANA zone); ``invalid_instant`` at ``at``.
    """
    check_dataset(dataset)
    check_by(by, ("user",))
    return finish_colleagues(colleagues_partial(dataset, day=day, at=at, timezone=timezone),
                             by=by)


def colleagues_partial(dataset: Dataset, /, *, day: date, at: datetime,
                       timezone: str | None = None) -> Partial[ColleagueRow]:
    """The mergeable partial aggregate of :func:`colleagues`: one row per user of the part."""
    check_dataset(dataset)
    at = check_instant(at, "at")  # type: ignore[assignment]
    day = check_day(day, "day")
    timezone = check_timezone(timezone, "timezone")
    windows: dict[str, tuple[str, datetime, datetime, datetime]] = {}
    for u in dataset.users:
        tz_name = timezone or dataset.calendar_in_force(u.team, at).timezone
        tz = parse_timezone(tz_name, "timezone", "invalid_option")
        # in UTC: instants of one ZoneInfo compare and subtract as wall clocks,
        # which would make a 23-hour DST day last 24 hours
        local = datetime.combine(day, time(0), tzinfo=tz)
        start = local.astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
        windows[u.id] = (tz_name, local, start, end)
    processed: dict[str, list[str]] = {u: [] for u in windows}
    for tl in timelines(dataset, as_of=at):
        for c in tl.contacts:
            if c.closer is None or c.closer not in windows or c.closed_at is None \
                    or c.closed_by is None:
                continue
            _, _, ds, de = windows[c.closer]
            if ds <= c.closed_at < de:
                processed[c.closer].append(item_ref(c.closed_by))
    rows = []
    for u in dataset.users:
        tz_name, local, ds, de = windows[u.id]
        intervals = []
        online = False
        for s in dataset.sessions_by_user.get(u.id, ()):
            if s.start > at:
                continue
            end = at if s.end is None or s.end > at else s.end
            if s.end is None or s.end > at:
                online = True
            a, b = max(s.start, ds), min(end, de)
            if b > a:
                intervals.append((a, b))
        rows.append(ColleagueRow(
            user=u.id, team=u.team, timezone=tz_name, day_start=local,
            connected_seconds=_union_seconds(intervals), online=online,
            contacts_processed=len(processed[u.id]), processed=tuple(processed[u.id]),
            intervals=tuple(sorted(intervals))))
    return rows_partial("colleagues", rows)


def finish_colleagues(partial: Partial[ColleagueRow], /, *, by: str | None = None
                      ) -> Result[ColleagueSummary | ColleaguesTotal, ColleagueRow]:
    """The final :func:`colleagues` result of a (merged) partial aggregate.

    The rows of one user from several parts merge: connected seconds are the
    union of their session intervals, online if any part says so, contacts
    processed added up.
    """
    check_partial(partial, "colleagues")
    check_by(by, ("user",))
    per_user: dict[str, list[ColleagueRow]] = {}
    for r in partial.rows:
        per_user.setdefault(r.user, []).append(r)
    rows = []
    for user in sorted(per_user):
        parts = per_user[user]
        first = parts[0]
        intervals = tuple(sorted(iv for r in parts for iv in r.intervals))
        processed = tuple(sorted(p for r in parts for p in r.processed))
        rows.append(attrs.evolve(first, connected_seconds=_union_seconds(list(intervals)),
                                 online=any(r.online for r in parts),
                                 contacts_processed=len(processed), processed=processed,
                                 intervals=intervals))
    groups = ({r.user: ColleagueSummary(r.connected_seconds, r.online, r.contacts_processed)
               for r in rows} if by else {})
    total = ColleaguesTotal(sum(r.connected_seconds for r in rows),
                            sum(1 for r in rows if r.online),
                            sum(r.contacts_processed for r in rows))
    return Result("colleagues", by, groups, total, tuple(rows))


# -- open too long -------------------------------------------------------------


@attrs.frozen
class OpenRow:
    """A thread whose latest conversation is open and older than the threshold."""

    thread: str
    team: str
    assignee: str | None
    started_at: datetime
    last_message_at: datetime
    open_seconds: float

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Oldest first, ties by thread."""
        return (-self.open_seconds, self.thread)


@attrs.frozen
class OpenThread:
    """A thread open too long, as the result lists it (oldest first)."""

    thread: str
    team: str
    assignee: str | None
    open_seconds: float


def open_too_long(
    dataset: Dataset,
    /,
    *,
    at: datetime,
    threshold_seconds: float,
    gap_seconds: float = DEFAULT_GAP_SECONDS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
) -> Result[tuple[OpenThread, ...], OpenRow]:
    """Threads whose latest conversation is open and started more than a threshold before ``at``.

    Is equivalent to::

        for t in threads_up_to(at):
            c = t.conversations[-1]
            if not any(e.status == "resolved" for e in t.events after c.last message) \\
                    and at - c.start > threshold: yield (t, team_at(t, at), assignee_at(t, at))

    sorted oldest first, ties by thread id.

    Raises:
        SalesmetricsError: ``invalid_option`` at ``threshold_seconds`` (negative)
            or ``gap_seconds`` (not positive); ``invalid_instant`` at ``at``.
    """
    check_dataset(dataset)
    return finish_open_too_long(open_too_long_partial(
        dataset, at=at, threshold_seconds=threshold_seconds, gap_seconds=gap_seconds,
        message_team=message_team))


def open_too_long_partial(dataset: Dataset, /, *, at: datetime, threshold_seconds: float,
                          gap_seconds: float = DEFAULT_GAP_SECONDS,
                          message_team: MessageTeam = DEFAULT_MESSAGE_TEAM) -> Partial[OpenRow]:
    """The mergeable partial aggregate of :func:`open_too_long`: the threads open too long."""
    check_dataset(dataset)
    at = check_instant(at, "at")  # type: ignore[assignment]
    threshold_seconds = check_seconds(threshold_seconds, "threshold_seconds")
    gap_seconds = check_gap(gap_seconds)
    rows = []
    for tl in timelines(dataset, as_of=at, gap_seconds=gap_seconds, message_team=message_team):
        if not tl.conversations or tl.resolved_after_last is not None:
            continue
        c = tl.conversations[-1]
        age = (at - c.start).total_seconds()
        if age > threshold_seconds:
            rows.append(OpenRow(thread=tl.thread, team=tl.holder,
                                assignee=tl.assignee_at(at), started_at=c.start,
                                last_message_at=c.last, open_seconds=age))
    rows.sort(key=lambda r: r.sort_key)
    return rows_partial("open_too_long", rows)


def finish_open_too_long(partial: Partial[OpenRow], /
                         ) -> Result[tuple[OpenThread, ...], OpenRow]:
    """The final :func:`open_too_long` result of a (merged) partial aggregate (oldest first)."""
    check_partial(partial, "open_too_long")
    rows = partial.rows
    return Result("open_too_long", None, {},
                  tuple(OpenThread(r.thread, r.team, r.assignee, r.open_seconds) for r in rows),
                  rows)



