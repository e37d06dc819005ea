"""Conversations (docs/definitions.md §2.1) and customer reply to outbound conversations (2.4).

>>> from salesmetrics.load import from_dict
>>> from salesmetrics.period import Period
>>> from datetime import datetime
>>> ds = from_dict({"teams": [{"id": "A"}], "threads": [{"id": "t", "team": "A"}],
...     "messages": [{"thread": "t", "at": "2026-03-02T09:00:00+00:00", "direction": "out"},
...                  {"thread": "t", "at": "2026-03-02T10:00:00+00:00", "direction": "in"}]})
>>> week = Period(datetime.fromisoformat("2026-03-02T00:00:00+00:00"),
...               datetime.fromisoformat("2026-03-09T00:00:00+00:00"))
>>> conversations(ds, period=week, by="team").summary()["A"]
{'total': 1, 'previously_started': 0, 'new_inbound': 0, 'new_outbound': 1, 'existing_customers': 0}
>>> outbound_reply(ds, period=week, by="team").summary()["A"]["mean_time"]
3600.0
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from salesmetrics.calendars import WALL, Clock
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.metrics._args import check_clock, check_dataset, check_window
from salesmetrics.metrics._common import check_by, check_gap, teams_of
from salesmetrics.metrics._partial import (
    Partial,
    Result,
    Tally,
    _Builder,
    check_partial,
    check_partial_by,
    make_partial,
)
from salesmetrics.period import Period
from salesmetrics.results import mean, median, percentile, rate
from salesmetrics.rules import DEFAULT_MESSAGE_TEAM, FIRST_REPLY_ELSE_HOLDER, MessageTeam, OwnerRule
from salesmetrics.timeline import DEFAULT_GAP_SECONDS, item_ref, walk_index

__all__ = [
    "ConversationCounts",
    "ConversationRow",
    "OutboundReply",
    "OutboundRow",
    "conversation_partial",
    "conversations",
    "finish_conversations",
    "finish_outbound_reply",
    "outbound_reply",
    "outbound_reply_partial",
]

NEW_INBOUND = "new_inbound"
NEW_OUTBOUND = "new_outbound"
PREVIOUSLY_STARTED = "previously_started"


@attrs.frozen
class ConversationRow:
    """One counted conversation: its category, owner team and why."""

    thread: str
    number: int
    start: datetime
    last: datetime
    direction: str
    category: str
    team: str
    why: str
    existing_customer: bool
    messages_in_period: int

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Thread, then conversation number."""
        return (self.thread, self.number)


@attrs.frozen
class ConversationCounts:
    """Conversation counts of one team (or overall)."""

    total: int
    previously_started: int
    new_inbound: int
    new_outbound: int
    existing_customers: int

    @classmethod
    def of(cls, t: Tally) -> ConversationCounts:
        """The counts of a tally."""
        ps, ni, no = t.count(PREVIOUSLY_STARTED), t.count(NEW_INBOUND), t.count(NEW_OUTBOUND)
        return cls(ps + ni + no, ps, ni, no, t.count("existing_customers"))


def conversation_partial(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    gap_seconds: float = DEFAULT_GAP_SECONDS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
    owner: OwnerRule = FIRST_REPLY_ELSE_HOLDER,
    rows: bool = True,
) -> Partial[ConversationRow]:
    """The mergeable partial aggregate of :func:`conversations` (``rows=False``: tallies only)."""
    check_dataset(dataset)
    period, as_of = check_window(period, as_of)
    if not isinstance(owner, OwnerRule):
        raise SalesmetricsError("invalid_option", "owner", f"an OwnerRule is needed, not {owner!r}")
    gap_seconds = check_gap(gap_seconds)
    b = _Builder(teams_of(dataset))
    out = []
    lo = period.start_us
    index = walk_index(dataset, as_of=as_of, gap_seconds=gap_seconds, message_team=message_team)
    # only conversations begun before the end with a message at or after the start
    for _, c, in_period, start, first in index.overlapping(period):
        if lo <= start:
            category = NEW_INBOUND if c.is_inbound else NEW_OUTBOUND
        elif in_period:
            category = PREVIOUSLY_STARTED
        else:
            continue
        team, why = owner.owner_of(c)
        existing = category == NEW_INBOUND and first < lo
        b.add(team, category)
        if existing:
            b.add(team, "existing_customers")
        if rows:
            out.append(ConversationRow(
                thread=c.thread, number=c.number, start=c.start, last=c.last,
                direction="in" if c.is_inbound else "out", category=category, team=team,
                why=why, existing_customer=existing, messages_in_period=in_period))
    return make_partial("conversations", b, out)


def finish_conversations(partial: Partial[ConversationRow], /, *, by: str | None = None
                         ) -> Result[ConversationCounts, ConversationRow]:
    """The final :func:`conversations` result of a (merged) partial aggregate."""
    check_partial(partial, "conversations")
    check_by(by)
    groups = {k: ConversationCounts.of(t) for k, t in partial.tallies.items()} if by else {}
    return Result("conversations", by, groups, ConversationCounts.of(partial.overall()),
                  partial.rows)


def conversations(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    by: str | None = None,
    gap_seconds: float = DEFAULT_GAP_SECONDS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
    owner: OwnerRule = FIRST_REPLY_ELSE_HOLDER,
) -> Result[ConversationCounts, ConversationRow]:
    """Count conversations per owner team: new inbound, new outbound, previously started.

    Is equivalent to (per owner team, docs/definitions.md §2.1)::

        convs = [c for t in threads for c in split_conversations(t.visible_messages, gap)]
        new_inbound  = len([c for c in convs if c.start in period and c.is_inbound])
        new_outbound = len([c for c in convs if c.start in period and not c.is_inbound])
        previously_started = len([c for c in convs if c.start < period.start
                                  and any(m.at in period for m in c.messages)])

    ``existing_customers`` counts new inbound conversations of threads that had
    a message before the period. Every team of the dataset appears with ``by="team"``.

    Raises:
        SalesmetricsError: ``invalid_option`` at ``gap_seconds`` (not a positive
            number), ``clock`` or ``by``; ``invalid_period`` or ``invalid_instant``
            at ``period`` or ``as_of``.
    """
    check_dataset(dataset)
    check_by(by)
    return finish_conversations(conversation_partial(
        dataset, period=period, as_of=as_of, gap_seconds=gap_seconds,
        message_team=message_team, owner=owner), by=by)


# -- 2.4 customer reply to outbound conversations ------------------------------


@attrs.frozen
class OutboundRow:
    """One new outbound conversation: its team and whether (and when) the customer replied."""

    thread: str
    number: int
    start: datetime
    team: str
    user: str | None
    replied: bool
    first_inbound: str | None
    first_inbound_at: datetime | None
    seconds: float | None

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Thread, then conversation number."""
        return (self.thread, self.number)


@attrs.frozen
class OutboundReply:
    """Customer reply to new outbound conversations of one team (or overall)."""

    conversations: int
    replied: int
    rate: float | None
    mean_time: float | None
    median_time: float | None
    p90_time: float | None

    @classmethod
    def of(cls, t: Tally) -> OutboundReply:
        """The summary of a tally."""
        times = t.values_of("times")
        n, r = t.count("conversations"), t.count("replied")
        return cls(n, r, rate(r, n), mean(times), median(times), percentile(times, 90))


def outbound_reply_partial(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    clock: Clock | str = WALL,
    gap_seconds: float = DEFAULT_GAP_SECONDS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
    by: str | None = "team",
    rows: bool = True,
) -> Partial[OutboundRow]:
    """The mergeable partial aggregate of :func:`outbound_reply` (by team, or by ``"user"``).

    ``rows=False``: the tallies only (the partial of ``rows=True`` without its rows).
    """
    check_dataset(dataset)
    period, as_of = check_window(period, as_of)
    gap_seconds = check_gap(gap_seconds)
    clock = check_clock(clock)
    check_by(by, ("team", "user"))
    b = _Builder((u.id for u in dataset.users) if by == "user" else teams_of(dataset))
    out = []
    index = walk_index(dataset, as_of=as_of, gap_seconds=gap_seconds, message_team=message_team)
    for _, c in index.started_in(period):
        if c.is_inbound:
            continue
        team = c.first_team
        user = c.first.user if c.first.is_human_outbound else None
        group = user if by == "user" else team
        if group is not None:
            b.add(group, "conversations")
        seconds = None
        inbound = c.first_inbound
        if inbound is not None:
            seconds = dataset.calendar_history_of_team(team).elapsed(
                clock, c.start, inbound.at)
            if group is not None:
                b.add(group, "replied")
                b.value(group, "times", seconds)
        if rows:
            out.append(OutboundRow(
                thread=c.thread, number=c.number, start=c.start, team=team, user=user,
                replied=inbound is not None,
                first_inbound=None if inbound is None else item_ref(inbound),
                first_inbound_at=None if inbound is None else inbound.at, seconds=seconds))
    return make_partial("outbound_reply", b, out, by="user" if by == "user" else None)


def finish_outbound_reply(partial: Partial[OutboundRow], /, *, by: str | None = None
                          ) -> Result[OutboundReply, OutboundRow]:
    """The final :func:`outbound_reply` result of a (merged) partial aggregate."""
    check_partial(partial, "outbound_reply")
    check_by(by, ("team", "user"))
    check_partial_by(partial, by)
    groups = {k: OutboundReply.of(t) for k, t in partial.tallies.items()} if by else {}
    return Result("outbound_reply", by, groups, OutboundReply.of(partial.overall()),
                  partial.rows)


def outbound_reply(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    by: str | None = None,
    clock: Clock | str = WALL,
    gap_seconds: float = DEFAULT_GAP_SECONDS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
) -> Result[OutboundReply, OutboundRow]:
    """Customer reply rate and time of new outbound conversations (docs/definitions.md §2.4).

    Is equivalent to (per team of the first message)::

        convs = [c for c in conversations if c.start in period and not c.is_inbound]
        replied = [c for c in convs if any(m.is_inbound for m in c.messages)]
        rate = len(replied) / len(convs)          # None when no conversation
        times = [clock.elapsed(cal(team), c.start, c.first_inbound.at) for c in replied]

    With ``by="user"`` (v1.1, 7.5) a conversation counts for the user who
    sent its first message (an automated one has no user, so it is in no
    group); every user of the dataset appears. The calendar is always that
    of the team of the first message (with its history).

    Raises:
        SalesmetricsError: ``invalid_option`` at ``gap_seconds`` (not a positive
            number), ``clock`` or ``by``; ``invalid_period`` or ``invalid_instant``
            at ``period`` or ``as_of``.
    """
    check_dataset(dataset)
    check_by(by, ("team", "user"))
    return finish_outbound_reply(outbound_reply_partial(
        dataset, period=period, as_of=as_of, clock=clock, gap_seconds=gap_seconds,
        message_team=message_team, by=by), by=by)
