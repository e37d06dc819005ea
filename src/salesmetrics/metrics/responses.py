"""Response rate (METRICS.md 2.2) and response time of new inbound conversations (2.3).

>>> from salesmetrics.load import from_dict
>>> from salesmetrics.period import Period
>>> from datetime import datetime
>>> ds = from_dict({"teams": [{"id": "A"}], "threads": [{"id": "t", "team": "A"}],
...     "messages": [{"thread": "t", "at": "2026-03-02T09:00:00+00:00", "direction": "in"},
...                  {"thread": "t", "at": "2026-03-02T09:05:00+00:00", "direction": "out"},
...                  {"thread": "t", "at": "2026-03-02T10:00:00+00:00", "direction": "in"}]})
>>> week = Period(datetime.fromisoformat("2026-03-02T00:00:00+00:00"),
...               datetime.fromisoformat("2026-03-09T00:00:00+00:00"))
>>> response_rate(ds, period=week).summary()["A"]
{'contacts': 2, 'answered': 1, 'answered_by_any': 1, 'rate': 0.5}
>>> response_time(ds, period=week).summary()["A"]["mean"]
300.0
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from salesmetrics.calendars import BUSINESS, Clock
from salesmetrics.dataset import Dataset
from salesmetrics.metrics._common import check_by, check_gap, teams_of
from salesmetrics.metrics._params import check_args
from salesmetrics.metrics._partial import Partial, Result, Tally, _Builder, make_partial
from salesmetrics.model import Message
from salesmetrics.period import Period
from salesmetrics.results import mean, median, percentile, rate
from salesmetrics.rules import (
    DEFAULT_MESSAGE_TEAM,
    HOLDER_AT_OPEN,
    NO_OUTLIERS,
    ContactTeam,
    MessageTeam,
    OutlierPolicy,
)
from salesmetrics.timeline import (
    ANSWERED,
    ANSWERED_BY_OTHER,
    DEFAULT_GAP_SECONDS,
    Contact,
    item_ref,
    timelines,
)

__all__ = [
    "ContactRow",
    "ResponseRate",
    "ResponseTime",
    "ResponseTimeRow",
    "finish_response_rate",
    "finish_response_time",
    "response_rate",
    "response_rate_partial",
    "response_time",
    "response_time_partial",
]


# -- 2.2 response rate ---------------------------------------------------------


@attrs.frozen
class ContactRow:
    """One contact opened in the period: its team, outcome and why."""

    thread: str
    opened_at: datetime
    opened_by: str
    team: str
    messages: int
    outcome: str
    answered: bool
    answered_by: str | None
    closed_at: datetime | None
    closed_by: str | None
    closer: str | None
    why: str

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Thread, then opening instant."""
        return (self.thread, self.opened_at.timestamp(), self.opened_by)


@attrs.frozen
class ResponseRate:
    """Contacts and answers of one team (or overall)."""

    contacts: int
    answered: int
    answered_by_any: int
    rate: float | None

    @classmethod
    def of(cls, t: Tally) -> ResponseRate:
        """The summary of a tally."""
        n, a = t.count("contacts"), t.count("answered")
        return cls(n, a, t.count("answered_by_any"), rate(a, n))


def _contact_row(c: Contact, team: str) -> ContactRow:
    by_reply = isinstance(c.closed_by, Message)
    answered = by_reply and c.answered_by == team
    outcome = c.outcome
    if by_reply:
        outcome = ANSWERED if answered else ANSWERED_BY_OTHER
    return ContactRow(
        thread=c.thread, opened_at=c.opened_at, opened_by=item_ref(c.opened_by), team=team,
        messages=c.messages, outcome=outcome, answered=answered, answered_by=c.answered_by,
        closed_at=c.closed_at, closed_by=None if c.closed_by is None else item_ref(c.closed_by),
        closer=c.closer, why=c.why)


def response_rate_partial(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
    contact_team: ContactTeam = HOLDER_AT_OPEN,
) -> Partial[ContactRow]:
    """The mergeable partial aggregate of :func:`response_rate`."""
    check_args(dataset, period=period, as_of=as_of, message_team=message_team,
               contact_team=contact_team)
    b = _Builder(teams_of(dataset))
    rows = []
    for tl in timelines(dataset, as_of=as_of, message_team=message_team):
        for c in tl.contacts:
            if not period.contains(c.opened_at):
                continue
            team = c.team if contact_team == HOLDER_AT_OPEN else c.holder_at_close
            row = _contact_row(c, team)
            b.add(team, "contacts")
            if row.answered:
                b.add(team, "answered")
            if isinstance(c.closed_by, Message):
                b.add(team, "answered_by_any")
            rows.append(row)
    return make_partial("response_rate", b, rows)


def finish_response_rate(partial: Partial[ContactRow], /, *, by: str | None = "team"
                         ) -> Result[ResponseRate, ContactRow]:
    """The final :func:`response_rate` result of a (merged) partial aggregate."""
    check_by(by)
    groups = {k: ResponseRate.of(t) for k, t in partial.tallies.items()} if by else {}
    return Result("response_rate", by, groups, ResponseRate.of(partial.overall()), partial.rows)


def response_rate(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    by: str | None = "team",
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
    contact_team: ContactTeam = HOLDER_AT_OPEN,
) -> Result[ResponseRate, ContactRow]:
    """Share of contacts opened in the period that their own team answered.

    Is equivalent to (per contact team, METRICS.md 2.2)::

        contacts = [c for c in all_contacts if c.opened_at in period]
        answered = [c for c in contacts if c.closed_by_human_reply and c.answered_by == c.team]
        answered_by_any = [c for c in contacts if c.closed_by_human_reply]
        rate = len(answered) / len(contacts)      # None when no contact

    A contact counts for the team holding the thread when it opened
    (``contact_team=HOLDER_AT_OPEN``); a reply after ``as_of`` is not seen.

    Raises:
        ValueError: an unknown ``by``.
    """
    check_args(dataset, period=period, as_of=as_of, message_team=message_team,
               contact_team=contact_team)
    check_by(by)
    return finish_response_rate(response_rate_partial(
        dataset, period=period, as_of=as_of, message_team=message_team,
        contact_team=contact_team), by=by)


# -- 2.3 response time ---------------------------------------------------------

COUNTED = "counted"
EXCLUDED = "excluded"
NO_REPLY = "no_reply"
REMOVED = "removed_by_status"


@attrs.frozen
class ResponseTimeRow:
    """One new inbound conversation: its response time, responder, reply and clock start."""

    thread: str
    number: int
    start: datetime
    clock_start: datetime
    restarted_by: str | None
    team: str | None
    responder: str | None
    reply: str | None
    reply_at: datetime | None
    seconds: float | None
    status: str
    why: str

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Thread, then conversation number."""
        return (self.thread, self.number)


@attrs.frozen
class ResponseTime:
    """Response times of one team (or overall), after the outlier policy."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None
    excluded: int
    excluded_values: tuple[float, ...]


def response_time_partial(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    clock: Clock = BUSINESS,
    gap_seconds: float = DEFAULT_GAP_SECONDS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
) -> Partial[ResponseTimeRow]:
    """The mergeable partial aggregate of :func:`response_time` (before outliers)."""
    check_args(dataset, period=period, as_of=as_of, clock=clock, gap_seconds=gap_seconds,
               message_team=message_team)
    check_gap(gap_seconds)
    b = _Builder(teams_of(dataset))
    rows = []
    for tl in timelines(dataset, as_of=as_of, gap_seconds=gap_seconds, message_team=message_team):
        for c in tl.conversations:
            if not c.is_inbound or not period.contains(c.start):
                continue
            reply = c.first_reply
            restarted = None if c.restarted_by is None else item_ref(c.restarted_by)
            base: dict[str, Any] = dict(
                thread=c.thread, number=c.number, start=c.start, clock_start=c.clock_start,
                restarted_by=restarted,
                team=None if reply is None else reply.team,
                responder=None if reply is None else reply.message.user,
                reply=None if reply is None else reply.ref,
                reply_at=None if reply is None else reply.at)
            if c.removed_by is not None:
                rows.append(ResponseTimeRow(
                    **base, seconds=None, status=REMOVED,
                    why=f"status change {item_ref(c.removed_by)} before the first human reply"))
                continue
            if reply is None:
                rows.append(ResponseTimeRow(
                    **base, seconds=None, status=NO_REPLY,
                    why="no human reply in the conversation"))
                continue
            seconds = clock.elapsed(dataset.calendar_of_team(reply.team), c.clock_start, reply.at)
            b.value(reply.team, "seconds", seconds)
            why = f"{clock.name} clock on team {reply.team}'s calendar, reply {reply.ref}"
            if restarted is not None:
                why += f", clock restarted by transfer {restarted}"
            rows.append(ResponseTimeRow(**base, seconds=seconds, status=COUNTED, why=why))
    return make_partial("response_time", b, rows)


def _summary(values: tuple[float, ...], outliers: OutlierPolicy
             ) -> tuple[ResponseTime, tuple[float, float]]:
    lo, hi = outliers.bounds(values)
    kept = [v for v in values if lo <= v <= hi]
    excl = tuple(v for v in values if v < lo or v > hi)
    return (ResponseTime(len(kept), mean(kept), median(kept), percentile(kept, 90), len(excl),
                         excl), (lo, hi))


def finish_response_time(
    partial: Partial[ResponseTimeRow],
    /,
    *,
    by: str | None = "team",
    outliers: OutlierPolicy = NO_OUTLIERS,
) -> Result[ResponseTime, ResponseTimeRow]:
    """The final :func:`response_time` result: the outlier policy applied per group."""
    check_by(by)
    overall, pooled = _summary(partial.overall().values_of("seconds"), outliers)
    groups: dict[str, ResponseTime] = {}
    bounds: dict[str | None, tuple[float, float]] = {}
    for k, t in partial.tallies.items():
        summary, bounds[k] = _summary(t.values_of("seconds"), outliers)
        if by is not None:
            groups[k] = summary
    rows = []
    for r in partial.rows:
        if r.seconds is not None:
            lo, hi = bounds[r.team] if by is not None else pooled
            if not lo <= r.seconds <= hi:
                r = attrs.evolve(r, status=EXCLUDED,
                                 why=f"{r.why}; excluded by the {outliers.name} outlier policy")
        rows.append(r)
    excluded = tuple(r for r in rows if r.status == EXCLUDED)
    return Result("response_time", by, groups, overall, tuple(rows), excluded)


def response_time(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    by: str | None = "team",
    clock: Clock = BUSINESS,
    outliers: OutlierPolicy = NO_OUTLIERS,
    gap_seconds: float = DEFAULT_GAP_SECONDS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
) -> Result[ResponseTime, ResponseTimeRow]:
    """First human reply time of new inbound conversations, per replying team.

    Is equivalent to (METRICS.md 2.3)::

        for c in conversations if c.is_inbound and c.start in period:
            if c.first_reply and not any status event before it:
                start = last transfer before the reply, else c.start
                times[c.first_reply.team].append(
                    clock.elapsed(calendar(c.first_reply.team), start, c.first_reply.at))

    then count, mean, median and p90 of each team's values kept by ``outliers``
    (applied per team; pooled when ``by`` is None). ``count`` is the number of
    values kept; ``excluded`` how many the policy excluded.

    Raises:
        ValueError: ``gap_seconds`` not positive, or an unknown ``by``.
    """
    check_args(dataset, period=period, as_of=as_of, clock=clock, outliers=outliers,
               gap_seconds=gap_seconds, message_team=message_team)
    check_by(by)
    return finish_response_time(response_time_partial(
        dataset, period=period, as_of=as_of, clock=clock, gap_seconds=gap_seconds,
        message_team=message_team), by=by, outliers=outliers)
