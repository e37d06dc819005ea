"""One pass per thread: conversations, holders, contacts (docs/definitions.md §2).

:func:`thread_timeline` walks one thread's messages and events once, in the
walk order (instant, messages before events at the same instant, then input
position), and records everything the conversation metrics read: the
conversations (:func:`split_conversations`), the team holding the thread over
time, the contacts and how each closed, each conversation's first human
reply and where its response-time clock starts. Only items at or before
``as_of`` are seen. :func:`timelines` does it for every thread of a dataset.

>>> from datetime import datetime, timedelta, timezone
>>> from salesmetrics.model import Message, Direction
>>> t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
>>> msgs = [Message(thread="t", at=t0 + timedelta(days=d), direction=Direction.IN)
...         for d in (0, 1, 20)]
>>> [len(c) for c in split_conversations(msgs)]
[2, 1]
>>> from salesmetrics.dataset import Dataset
>>> from salesmetrics.model import Team, Thread
>>> ds = Dataset(teams=[Team(id="A")], threads=[Thread(id="t", team="A")], messages=msgs)
>>> tl = thread_timeline(ds, "t")
>>> len(tl.conversations), len(tl.contacts), tl.contacts[0].outcome
(2, 1, 'open')
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import repeat
from operator import itemgetter
from typing import Any, TypeVar

import attrs

from salesmetrics._gc import paused_gc
from salesmetrics._history import History
from salesmetrics._time import epoch_us, epochs_us
from salesmetrics._values import each_instance
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.model import Direction, EventType, Message, Sender, Status, ThreadEvent, User
from salesmetrics.period import Period
from salesmetrics.rules import DEFAULT_MESSAGE_TEAM, MessageTeam

__all__ = [
    "ANSWERED",
    "ANSWERED_BY_OTHER",
    "DEFAULT_GAP_SECONDS",
    "OPEN",
    "PROCESSED",
    "Contact",
    "Conversation",
    "Reply",
    "Timeline",
    "WalkIndex",
    "item_ref",
    "split_conversations",
    "thread_timeline",
    "timelines",
    "walk_index",
]

V = TypeVar("V")

#: The default silence that starts a new conversation: 15 days (Instaply).
DEFAULT_GAP_SECONDS = 15 * 86400.0

#: Contact outcomes.
ANSWERED = "answered"
ANSWERED_BY_OTHER = "answered_by_other_team"
PROCESSED = "closed_by_status"
OPEN = "open"


def split_conversations(
    messages: Sequence[Message], gap_seconds: float = DEFAULT_GAP_SECONDS
) -> list[list[Message]]:
    """Split one thread's messages (already in time order) into conversations.

    A message that comes at least ``gap_seconds`` after the previous message
    of the thread starts a new conversation (docs/definitions.md §2.1).
    """
    from salesmetrics.metrics._common import check_gap

    gap_seconds = check_gap(gap_seconds)
    if not isinstance(messages, list | tuple):
        raise SalesmetricsError("invalid_value", "messages",
                                f"a list of Message is needed, not {type(messages).__name__}")
    each_instance(messages, Message, "messages")
    out: list[list[Message]] = []
    prev = None
    for m in messages:
        if prev is None or (m.at - prev).total_seconds() >= gap_seconds:
            out.append([m])
        else:
            out[-1].append(m)
        prev = m.at
    return out


def item_ref(item: Message | ThreadEvent) -> str:
    """How results name a message or an event: its id, else ``messages[<index>]``.

    >>> from datetime import datetime, timezone
    >>> from salesmetrics.model import Direction
    >>> at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> item_ref(Message(thread="t", at=at, direction=Direction.IN, index=3))
    'messages[3]'
    >>> item_ref(Message(thread="t", at=at, direction=Direction.IN, id="m1"))
    'm1'
    """
    if not isinstance(item, Message | ThreadEvent):
        raise SalesmetricsError("invalid_value", "item", "a Message or a ThreadEvent is needed, "
                                f"not {type(item).__name__}")
    if item.id is not None:
        return item.id
    section = "messages" if isinstance(item, Message) else "thread_events"
    return f"{section}[{item.index}]"


@attrs.frozen
class Reply:
    """An outbound message (a human reply, or automated for `any_reply`) and its team."""

    message: Message
    team: str

    @property
    def at(self) -> datetime:
        """When it was sent."""
        return self.message.at

    @property
    def ref(self) -> str:
        """The message's id or ``messages[<index>]``."""
        return item_ref(self.message)


@attrs.frozen
class Conversation:
    """One conversation of a thread, with what the metrics read of it.

    ``first_team``: the team of its first message (message-team rule);
    ``first_reply``: its first human outbound message; ``first_inbound``:
    its first inbound message; ``clock_start``: where response time starts
    (the first message, or the last transfer/escalation before the first
    reply, ``restarted_by``); ``removed_by``: the first status event between
    the first message and the first reply (it removes the conversation from
    response time); ``holder_at_end``: the team holding the thread at
    ``as_of`` (the last visible transfer's target).

    For the first-response rules (v1.1): ``first_outbound`` is its first
    outbound message, automated included (with the team it speaks for), and
    ``events`` the transfers, escalations and status changes walked while it
    was the thread's latest conversation, each as ``(k, event)``: the event
    comes after the conversation's first ``k`` messages (walk order), so it
    is before the message at index ``s`` exactly when ``k <= s``.
    """

    thread: str
    number: int
    messages: tuple[Message, ...]
    first_team: str
    holder_at_start: str
    holder_at_end: str
    first_reply: Reply | None
    first_inbound: Message | None
    clock_start: datetime
    restarted_by: ThreadEvent | None
    removed_by: ThreadEvent | None
    first_outbound: Reply | None = None
    events: tuple[tuple[int, ThreadEvent], ...] = ()

    @property
    def first(self) -> Message:
        """Its first message (the anchor)."""
        return self.messages[0]

    @property
    def start(self) -> datetime:
        """The instant of its first message."""
        return self.messages[0].at

    @property
    def last(self) -> datetime:
        """The instant of its last message."""
        return self.messages[-1].at

    @property
    def is_inbound(self) -> bool:
        """True when its first message is inbound."""
        return self.messages[0].is_inbound


@attrs.frozen
class Contact:
    """A contact (docs/definitions.md §2.2): inbound messages that put the thread in Waiting.

    ``team``: the team holding the thread when it opened; ``holder_at_close``:
    the team holding it when it closed (or at ``as_of`` while open);
    ``transfers``: the teams it moved to while open; ``outcome``: one of
    ``answered``, ``answered_by_other_team``, ``closed_by_status``, ``open``;
    ``closed_by``: the reply message or the status event; ``closer``: the
    user who closed it.
    """

    thread: str
    opened_at: datetime
    opened_by: Message
    team: str
    messages: int
    transfers: tuple[str, ...]
    holder_at_close: str
    outcome: str
    closed_at: datetime | None = None
    closed_by: Message | ThreadEvent | None = None
    answered_by: str | None = None
    closer: str | None = None

    @property
    def is_open(self) -> bool:
        """True while nobody closed it."""
        return self.outcome == OPEN

    @property
    def why(self) -> str:
        """A sentence saying how it closed (or why it is still open), for its own team."""
        return self.verdict(self.team)[2]

    def answered_for(self, team: str) -> bool:
        """Whether a human reply from ``team`` closed it (:meth:`verdict`'s ``answered``)."""
        return isinstance(self.closed_by, Message) and self.answered_by == team

    def verdict(self, team: str) -> tuple[str, bool, str]:
        """``(outcome, answered, why)`` of the contact counted for ``team``.

        The one place a contact's outcome is decided: answered when a human
        reply from ``team`` closed it, answered by another team when a reply
        from any other team did, else closed by status or still open. The
        sentence names the same team, so a drill-down row never contradicts
        itself whichever team a :class:`~salesmetrics.rules.ContactTeam`
        rule credits.
        """
        moved = f"; transferred to {', '.join(self.transfers)} while waiting" if self.transfers \
            else ""
        if isinstance(self.closed_by, Message):
            reply = f"human reply {item_ref(self.closed_by)} by team {self.answered_by}"
            if self.answered_for(team):
                return ANSWERED, True, reply
            return ANSWERED_BY_OTHER, False, f"{reply}, not the contact's team {team}{moved}"
        if self.outcome == PROCESSED and self.closed_by is not None:
            return PROCESSED, False, f"status change {item_ref(self.closed_by)} by {self.closer}{moved}"
        return self.outcome, False, f"no human reply yet{moved}"


@attrs.frozen
class Timeline:
    """Everything the conversation metrics read of one thread, up to ``as_of``.

    ``teams``: the holding team over time (the thread's team, then each
    visible transfer or escalation's target); ``assignees``: the assigned
    user over time (the thread's assignee, then each visible ``assign``
    event); ``resolved_after_last``: a ``resolved`` status event that comes
    after the thread's last message (walk order), if any.
    """

    thread: str
    as_of: datetime | None
    teams: History[str] = attrs.field(eq=False)
    assignees: History[str | None] = attrs.field(eq=False)
    conversations: tuple[Conversation, ...]
    contacts: tuple[Contact, ...]
    resolved_after_last: ThreadEvent | None

    @property
    def initial_team(self) -> str:
        """The thread's team before any move."""
        return self.teams.initial

    @property
    def moves(self) -> tuple[tuple[datetime, str], ...]:
        """The visible transfers and escalations as ``(at, to_team)``, in walk order."""
        return self.teams.changes

    @property
    def holder(self) -> str:
        """The team holding the thread at ``as_of`` (the last visible move's target)."""
        return self.teams.last

    def holder_at(self, t: datetime | None, *, strict: bool = False) -> str:
        """The team holding the thread at ``t``: moves at or before ``t`` (before, if strict)."""
        return self.teams.at(t, strict=strict)

    def assignee_at(self, t: datetime | None, *, strict: bool = False) -> str | None:
        """The user the thread is assigned to at ``t`` (assign events at or before ``t``)."""
        return self.assignees.at(t, strict=strict)

    @property
    def first_message(self) -> Message | None:
        """The thread's first visible message."""
        return self.conversations[0].first if self.conversations else None


class _ConvBuilder:
    __slots__ = ("clock_start", "events", "first_inbound", "first_outbound", "first_reply",
                 "first_team", "holder_at_start", "removed_by", "restarted_by", "start")

    def __init__(self, first_team: str, holder: str, start: datetime, first: int) -> None:
        self.start = first  # the position of its first message in the thread's messages
        self.first_team = first_team
        self.holder_at_start = holder
        self.first_reply: Reply | None = None
        self.first_inbound: Message | None = None
        self.clock_start = start
        self.restarted_by: ThreadEvent | None = None
        self.removed_by: ThreadEvent | None = None
        self.first_outbound: Reply | None = None
        self.events: list[tuple[int, ThreadEvent]] = []


class _ContactBuilder:
    __slots__ = ("first", "messages", "pos", "team", "transfers")

    def __init__(self, first: Message, team: str, pos: int) -> None:
        self.first = first
        self.pos = pos
        self.team = team
        self.messages = 1
        self.transfers: list[str] = []

    def freeze(self, thread: str, holder: str, outcome: str,
               closed_by: Message | ThreadEvent | None = None,
               answered_by: str | None = None, closer: str | None = None) -> Contact:
        # positional, in Contact's field order (no keyword matching per contact)
        return Contact(thread, self.first.at, self.first, self.team, self.messages,
                       tuple(self.transfers), holder, outcome,
                       None if closed_by is None else closed_by.at, closed_by, answered_by,
                       closer)


_CLOSING = (Status.ANSWERED, Status.RESOLVED)


def thread_timeline(
    dataset: Dataset,
    thread: str,
    /,
    *,
    as_of: datetime | None = None,
    gap_seconds: float = DEFAULT_GAP_SECONDS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
) -> Timeline:
    """Walk one thread once and record its :class:`Timeline` (items at or before ``as_of``).

    Raises:
        SalesmetricsError: ``unknown_reference`` at ``thread`` (not a thread
            of the dataset), or a bad argument named.
    """
    as_of, gap_seconds = _walk_arguments(dataset, as_of, gap_seconds, message_team)
    if not isinstance(thread, str) or thread not in dataset.threads_by_id:
        raise SalesmetricsError("unknown_reference", "thread", f"unknown thread {thread!r}")
    as_of_us = None if as_of is None else epoch_us(as_of)
    return _walk_thread(dataset, thread, as_of, as_of_us, gap_seconds, message_team).timeline


def _walk_arguments(dataset: object, as_of: object, gap_seconds: object,
                    message_team: object) -> tuple[datetime | None, float]:
    """The walk's arguments checked: a Dataset, an aware ``as_of`` or None, a gap, a rule."""
    from salesmetrics.metrics._args import check_dataset, check_instant
    from salesmetrics.metrics._common import check_gap

    check_dataset(dataset)
    if not isinstance(message_team, MessageTeam):
        raise SalesmetricsError("invalid_option", "message_team",
                                f"a MessageTeam rule is needed, not {message_team!r}")
    return check_instant(as_of, "as_of", optional=True), check_gap(gap_seconds)


class _Walked:
    """One thread's timeline and where its items fall on the integer time line."""

    __slots__ = ("contacts_at", "timeline", "us")

    def __init__(self, timeline: Timeline, us: list[int], contacts_at: list[int]) -> None:
        self.timeline = timeline
        self.us = us  # the visible messages' instants (epoch µs), in walk order
        self.contacts_at = contacts_at  # each contact's opening instant (epoch µs)


def _walk_thread(dataset: Dataset, thread: str, as_of: datetime | None, as_of_us: int | None,
                 gap_seconds: float, message_team: MessageTeam,
                 us: list[int] | None = None, ev_us: list[int] | None = None,
                 still: dict[Any, History[Any]] | None = None) -> _Walked:
    """The walk of one thread: instants compared as integers (:func:`epoch_us`).

    ``us`` and ``ev_us``: its messages' and events' instants when the caller
    converted every thread's at once (:func:`_walk`); ``still``: the
    histories without changes of the walk so far, by value, shared between
    threads (a :class:`History` is immutable).
    """
    info = dataset.threads_by_id[thread]
    msgs = dataset.messages_by_thread.get(thread, ())
    events = dataset.events_by_thread.get(thread, ())
    if us is None:
        us = epochs_us([m.at for m in msgs])
    if ev_us is None:
        ev_us = epochs_us([e.at for e in events]) if events else []
    if as_of_us is not None:
        keep = [i for i, u in enumerate(us) if u <= as_of_us]
        if len(keep) < len(us):
            msgs, us = tuple(msgs[i] for i in keep), [us[i] for i in keep]
        keep = [i for i, u in enumerate(ev_us) if u <= as_of_us]
        if len(keep) < len(ev_us):
            events, ev_us = tuple(events[i] for i in keep), [ev_us[i] for i in keep]

    # conversations (docs/definitions.md §2.1): a gap of at least gap_seconds
    # starts one; (u - prev) / 10**6 is timedelta.total_seconds() exactly
    starts = [0]
    starts.extend(i for i in range(1, len(us)) if (us[i] - us[i - 1]) / 1_000_000 >= gap_seconds)
    n_convs = len(starts) if msgs else 0
    next_start = 0  # the position of the next conversation's first message (-1: none)

    # (kind, position) in walk order: messages alone are already in it
    order: Iterable[tuple[int, int]] = zip(repeat(0), range(len(msgs)))
    if events:
        walk = [(u, 0, m.index, i) for i, (u, m) in enumerate(zip(us, msgs, strict=True))]
        walk += [(u, 1, e.index, i) for i, (u, e) in enumerate(zip(ev_us, events, strict=True))]
        walk.sort()
        order = [(kind, pos) for _, kind, _, pos in walk]

    users = dataset.users_by_id
    holder = info.team
    moves: list[tuple[datetime, str]] = []
    assignments: list[tuple[datetime, str | None]] = []
    convs: list[_ConvBuilder] = []
    contacts: list[Contact] = []
    contacts_at: list[int] = []
    open_contact: _ContactBuilder | None = None
    resolved_after_last: ThreadEvent | None = None

    walked = 0  # messages walked so far
    for kind, pos in order:
        if kind == 0:
            m = msgs[pos]
            walked = pos + 1
            resolved_after_last = None
            team = None  # the message's team, read where the walk needs it
            if pos == next_start:
                team = _team_of(m, holder, users, message_team)
                convs.append(_ConvBuilder(team, holder, m.at, pos))
                next_start = starts[len(convs)] if len(convs) < n_convs else -1
            conv = convs[-1]
            if m.direction is Direction.IN:
                if conv.first_inbound is None:
                    conv.first_inbound = m
                if open_contact is None:
                    open_contact = _ContactBuilder(m, holder, pos)
                else:
                    open_contact.messages += 1
            else:  # the message's team is read only where something records it
                first_outbound = conv.first_outbound
                if first_outbound is None:
                    if team is None:
                        team = _team_of(m, holder, users, message_team)
                    first_outbound = conv.first_outbound = Reply(m, team)
                if m.sender is not Sender.USER:  # outbound: human exactly when sent by a user
                    continue
                if conv.first_reply is None:  # the same Reply when it is the first outbound
                    if first_outbound.message is m:
                        conv.first_reply = first_outbound
                    else:
                        if team is None:
                            team = _team_of(m, holder, users, message_team)
                        conv.first_reply = Reply(m, team)
                if open_contact is not None:
                    if team is None:
                        team = _team_of(m, holder, users, message_team)
                    outcome = ANSWERED if team == open_contact.team else ANSWERED_BY_OTHER
                    contacts.append(open_contact.freeze(thread, holder, outcome, m, team, m.user))
                    contacts_at.append(us[open_contact.pos])
                    open_contact = None
            continue
        e = events[pos]
        current = convs[-1] if convs else None
        if current is not None and (e.type is EventType.STATUS
                                    or (e.moves_thread and e.to_team is not None)):
            current.events.append((walked - current.start, e))
        if e.moves_thread and e.to_team is not None:
            holder = e.to_team
            moves.append((e.at, holder))
            if current is not None and current.first_reply is None:
                current.clock_start = e.at
                current.restarted_by = e
            if open_contact is not None:
                open_contact.transfers.append(holder)
        elif e.type is EventType.ASSIGN:
            assignments.append((e.at, e.to_user))
        elif e.type is EventType.STATUS:
            if current is not None and current.first_reply is None and current.removed_by is None:
                current.removed_by = e
            if e.status in _CLOSING and open_contact is not None:
                contacts.append(open_contact.freeze(thread, holder, PROCESSED, e, None, e.user))
                contacts_at.append(us[open_contact.pos])
                open_contact = None
            if e.status is Status.RESOLVED and msgs:
                resolved_after_last = e
    if open_contact is not None:
        contacts.append(open_contact.freeze(thread, holder, OPEN))
        contacts_at.append(us[open_contact.pos])

    ends = [*starts[1:], len(msgs)]
    conversations = tuple(  # positional, in Conversation's field order (no keyword matching)
        Conversation(thread, i, msgs[c.start:ends[i]], c.first_team, c.holder_at_start, holder,
                     c.first_reply, c.first_inbound, c.clock_start, c.restarted_by,
                     c.removed_by, c.first_outbound, tuple(c.events))
        for i, c in enumerate(convs)
    )
    timeline = Timeline(thread=thread, as_of=as_of, teams=_history(info.team, moves, still),
                        assignees=_history(info.assignee, assignments, still),
                        conversations=conversations, contacts=tuple(contacts),
                        resolved_after_last=resolved_after_last)
    return _Walked(timeline, us, contacts_at)


def _history(initial: V, changes: list[tuple[datetime, V]],
             still: dict[Any, History[Any]] | None) -> History[V]:
    """``History(initial, changes)``, shared when it never changes (most threads never move)."""
    if changes or still is None:
        return History(initial, changes)
    shared = still.get(initial)
    if shared is None:
        shared = still[initial] = History(initial)
    return shared


def _team_of(m: Message, holder: str, users: Mapping[str, User], rule: MessageTeam) -> str:
    user = users.get(m.user) if m.user is not None else None
    return rule.team_of(m, user_team=user.team if user else None, holder=holder)


@attrs.frozen(eq=False)
class WalkIndex:
    """The walk's conversations, contacts and threads ordered on the integer time line.

    A metric over a period visits only what the period can count: two
    bisections over instants in epoch microseconds (:func:`epoch_us`) select
    the conversations started in it, the contacts opened in it, the threads
    first contacted in it, instead of a test of every item of the history.
    Each selection is in instant order, ties in the walk's order (thread
    order, then walk order); the metrics' tallies and sorted rows do not
    depend on the order they visit items in.

    Columns, not records: parallel tuples of objects and arrays of 64-bit
    integers (8 bytes an instant), in the conversations' start order.
    ``message_us`` holds every thread's visible message instants, thread
    after thread, in one array: a conversation's messages are
    ``message_us[offsets[i]:offsets[i] + len(conversations[i].messages)]``.
    """

    starts: Sequence[int]
    conversations: tuple[Conversation, ...]
    conversation_timelines: tuple[Timeline, ...]
    lasts: Sequence[int]
    thread_firsts: Sequence[int]
    message_us: Sequence[int]  # every thread's message instants, thread after thread
    offsets: Sequence[int]  # where each conversation's messages start in them
    by_last: Sequence[int]  # positions in start order, sorted by last instant
    sorted_lasts: Sequence[int]
    opens: Sequence[int]
    contacts: tuple[Contact, ...]
    contact_timelines: tuple[Timeline, ...]
    firsts: Sequence[int]
    by_first: tuple[Timeline, ...]

    @classmethod
    def of(cls, walked: Sequence[_Walked]) -> WalkIndex:
        """The index of every thread's walk."""
        convs: list[tuple[int, int, int, Timeline, Conversation, int]] = []
        contacts: list[tuple[int, Timeline, Contact]] = []
        firsts: list[tuple[int, Timeline]] = []
        message_us = array("q")
        for w in walked:
            tl, us, base = w.timeline, w.us, len(message_us)
            if us:
                firsts.append((us[0], tl))
                message_us.extend(us)
            k = 0
            for c in tl.conversations:
                n = len(c.messages)
                convs.append((us[k], us[k + n - 1], us[0], tl, c, base + k))
                k += n
            if tl.contacts:
                contacts.extend(zip(w.contacts_at, repeat(tl), tl.contacts))
        first = itemgetter(0)
        convs.sort(key=first)
        contacts.sort(key=first)
        firsts.sort(key=first)
        lasts = array("q", [c[1] for c in convs])
        by_last = array("q", sorted(range(len(convs)), key=lasts.__getitem__))
        return cls(
            starts=array("q", [c[0] for c in convs]),
            conversations=tuple(c[4] for c in convs),
            conversation_timelines=tuple(c[3] for c in convs),
            lasts=lasts, thread_firsts=array("q", [c[2] for c in convs]),
            message_us=message_us, offsets=array("q", [c[5] for c in convs]),
            by_last=by_last, sorted_lasts=array("q", [lasts[i] for i in by_last]),
            opens=array("q", [c[0] for c in contacts]),
            contacts=tuple(c[2] for c in contacts),
            contact_timelines=tuple(c[1] for c in contacts),
            firsts=array("q", [f[0] for f in firsts]), by_first=tuple(f[1] for f in firsts))

    def _slice(self, values: Sequence[int], period: Period) -> range:
        return range(bisect_left(values, period.start_us), bisect_left(values, period.end_us))

    def started_in(self, period: Period) -> Iterator[tuple[Timeline, Conversation]]:
        """The conversations whose first message is in the period, with their timelines."""
        tls, convs = self.conversation_timelines, self.conversations
        for i in self._slice(self.starts, period):
            yield tls[i], convs[i]

    def overlapping(self, period: Period
                    ) -> Iterator[tuple[Timeline, Conversation, int, int, int]]:
        """The conversations begun before the period's end whose last message is not before
        its start: ``(timeline, conversation, messages in the period, start_us,
        thread_first_us)``."""
        lo, hi = period.start_us, period.end_us
        starts, lasts, convs = self.starts, self.lasts, self.conversations
        by_last = self.by_last
        for j in range(bisect_left(self.sorted_lasts, lo), len(by_last)):
            i = by_last[j]
            start = starts[i]
            if start < hi:
                c = convs[i]
                n = len(c.messages)
                if lo <= start and lasts[i] < hi:
                    inside = n
                else:
                    us, k = self.message_us, self.offsets[i]
                    inside = bisect_left(us, hi, k, k + n) - bisect_left(us, lo, k, k + n)
                yield self.conversation_timelines[i], c, inside, start, self.thread_firsts[i]

    def opened_in(self, period: Period) -> Iterator[tuple[Timeline, Contact]]:
        """The contacts opened in the period, with their timelines."""
        tls, contacts = self.contact_timelines, self.contacts
        for i in self._slice(self.opens, period):
            yield tls[i], contacts[i]

    def first_in(self, period: Period) -> Sequence[Timeline]:
        """The threads whose first visible message is in the period."""
        r = self._slice(self.firsts, period)
        return self.by_first[r.start:r.stop]

    def first_before(self, end_us: int) -> Sequence[Timeline]:
        """The threads whose first visible message is before ``end_us``."""
        return self.by_first[:bisect_left(self.firsts, end_us)]


@attrs.frozen(eq=False)
class _Walk:
    timelines: tuple[Timeline, ...]
    index: WalkIndex


def timelines(
    dataset: Dataset,
    /,
    *,
    as_of: datetime | None = None,
    gap_seconds: float = DEFAULT_GAP_SECONDS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
) -> tuple[Timeline, ...]:
    """The :class:`Timeline` of every thread of the dataset, in the dataset's thread order.

    Computed once per dataset and arguments (:meth:`Dataset.derived`), so the
    metrics of one report walk each thread once.

    >>> from salesmetrics.dataset import Dataset
    >>> timelines(Dataset())
    ()
    """
    return _walk(dataset, as_of, gap_seconds, message_team).timelines


def walk_index(
    dataset: Dataset,
    /,
    *,
    as_of: datetime | None = None,
    gap_seconds: float = DEFAULT_GAP_SECONDS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
) -> WalkIndex:
    """The :class:`WalkIndex` of the same walk as :func:`timelines` (computed with it, once).

    >>> from salesmetrics.dataset import Dataset
    >>> len(walk_index(Dataset()).starts)
    0
    """
    return _walk(dataset, as_of, gap_seconds, message_team).index


#: What the walk over arrays makes (:func:`salesmetrics._walkcols.walk_columns`).
_MAKERS = (Reply, Conversation, Contact, Timeline, WalkIndex, _history,
           OPEN, PROCESSED, ANSWERED, ANSWERED_BY_OTHER)


def _walk(dataset: Dataset, as_of: datetime | None, gap_seconds: float,
          message_team: MessageTeam) -> _Walk:
    # as_of compares equal across zones (and across folds in one zone), so its
    # tzinfo and fold are part of the key: each Timeline keeps the as_of given.
    as_of, gap_seconds = _walk_arguments(dataset, as_of, gap_seconds, message_team)
    zone = None if as_of is None else (as_of.tzinfo, as_of.fold)
    key = ("timelines", as_of, zone, gap_seconds, message_team)

    def walk() -> _Walk:
        as_of_us = None if as_of is None else epoch_us(as_of)
        with paused_gc():  # the walk makes many acyclic objects
            still: dict[Any, History[Any]] = {}
            from salesmetrics import _walkcols  # (numpy: imported when walking)

            fast = _walkcols.walk_columns(dataset, as_of, as_of_us, gap_seconds, message_team,
                                          still, _MAKERS)
            if fast is not None:
                return _Walk(*fast)
            # the item walk: the datasets the arrays leave to it
            threads = dataset.threads
            msgs, events = dataset.messages_by_thread, dataset.events_by_thread
            # every instant converted in one pass (each zone's epoch computed once), then
            # cut per thread, in thread order
            us = epochs_us([m.at for t in threads for m in msgs.get(t.id, ())])
            ev_us = epochs_us([e.at for t in threads for e in events.get(t.id, ())])
            walked = []
            i = j = 0
            for t in threads:
                n, k = len(msgs.get(t.id, ())), len(events.get(t.id, ()))
                walked.append(_walk_thread(dataset, t.id, as_of, as_of_us, gap_seconds,
                                           message_team, us[i:i + n], ev_us[j:j + k], still))
                i, j = i + n, j + k
            return _Walk(tuple(w.timeline for w in walked), WalkIndex.of(walked))

    return dataset.derived(key, walk)
