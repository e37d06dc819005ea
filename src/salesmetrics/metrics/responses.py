"""Response rate (2.2), response time of new inbound conversations (2.3, with the
v1.1 rules and profiles of 7.2) and reply time of every contact (7.3).

>>> from salesmetrics.load import from_dict
>>> from salesmetrics.period import Period
>>> from datetime import datetime
>>> ds = from_dict({"teams": [{"id": "A"}], "threads": [{"id": "t", "team": "A"}],
...     "messages": [{"thread": "t", "at": "2026-03-02T09:00:00+00:00", "direction": "in"},
...                  {"thread": "t", "at": "2026-03-02T09:05:00+00:00", "direction": "out"},
...                  {"thread": "t", "at": "2026-03-02T10:00:00+00:00", "direction": "in"}]})
>>> week = Period(datetime.fromisoformat("2026-03-02T00:00:00+00:00"),
...               datetime.fromisoformat("2026-03-09T00:00:00+00:00"))
>>> response_rate(ds, period=week, by="team").summary()["A"]
{'contacts': 2, 'answered': 1, 'answered_by_any': 1, 'rate': 0.5}
>>> response_time(ds, period=week, by="team").summary()["A"]["mean"]
300.0
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

import attrs

from salesmetrics._values import finite_number
from salesmetrics.calendars import BUSINESS, Clock, Piece, measure_pieces
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.metrics._args import check_clock, check_dataset, check_outliers, check_window
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
from salesmetrics.model import EventType, Message, ThreadEvent
from salesmetrics.period import Period
from salesmetrics.results import mean, median, percentile, rate
from salesmetrics.rules import (
    DEFAULT_MESSAGE_TEAM,
    DEFAULT_RESPONSE_RULES,
    HOLDER_AT_OPEN,
    NO_OUTLIERS,
    ContactTeam,
    MessageTeam,
    OutlierPolicy,
    Profile,
    ResponseRules,
    reading,
)
from salesmetrics.timeline import (
    DEFAULT_GAP_SECONDS,
    Contact,
    Conversation,
    Reply,
    Timeline,
    item_ref,
    walk_index,
)

__all__ = [
    "ContactRow",
    "FirstResponse",
    "ReplyTimeRow",
    "ResponseRate",
    "ResponseTime",
    "ResponseTimeRow",
    "check_targets",
    "conversation_response",
    "finish_reply_time",
    "finish_response_rate",
    "finish_response_time",
    "reply_time",
    "reply_time_partial",
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
    outcome, answered, why = c.verdict(team)
    return ContactRow(
        thread=c.thread, opened_at=c.opened_at, opened_by=item_ref(c.opened_by), team=team,
        messages=c.messages, outcome=outcome, answered=answered, answered_by=c.answered_by,
        closed_at=c.closed_at, closed_by=None if c.closed_by is None else item_ref(c.closed_by),
        closer=c.closer, why=why)


def response_rate_partial(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
    contact_team: ContactTeam = HOLDER_AT_OPEN,
    rows: bool = True,
) -> Partial[ContactRow]:
    """The mergeable partial aggregate of :func:`response_rate` (``rows=False``: tallies only)."""
    check_dataset(dataset)
    period, as_of = check_window(period, as_of)
    if not isinstance(contact_team, ContactTeam):
        raise SalesmetricsError("invalid_option", "contact_team",
                                f"a ContactTeam rule is needed, not {contact_team!r}")
    b = _Builder(teams_of(dataset))
    out = []
    for _, c in walk_index(dataset, as_of=as_of, message_team=message_team).opened_in(period):
        team = contact_team.team_of(c)
        b.add(team, "contacts")
        if c.answered_for(team):
            b.add(team, "answered")
        if isinstance(c.closed_by, Message):
            b.add(team, "answered_by_any")
        if rows:
            out.append(_contact_row(c, team))
    return make_partial("response_rate", b, out)


def finish_response_rate(partial: Partial[ContactRow], /, *, by: str | None = None
                         ) -> Result[ResponseRate, ContactRow]:
    """The final :func:`response_rate` result of a (merged) partial aggregate."""
    check_partial(partial, "response_rate")
    check_by(by)
    groups = {k: ResponseRate.of(t) for k, t in partial.tallies.items()} if by else {}
    return Result("response_rate", by, groups, ResponseRate.of(partial.overall()), partial.rows)


def response_rate(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    by: str | None = None,
    gap_seconds: float = DEFAULT_GAP_SECONDS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
    contact_team: ContactTeam = HOLDER_AT_OPEN,
) -> Result[ResponseRate, ContactRow]:
    """Share of contacts opened in the period that their own team answered.

    Is equivalent to (per contact team, docs/definitions.md §2.2)::

        contacts = [c for c in all_contacts if c.opened_at in period]
        answered = [c for c in contacts if c.closed_by_human_reply and c.answered_by == c.team]
        answered_by_any = [c for c in contacts if c.closed_by_human_reply]
        rate = len(answered) / len(contacts)      # None when no contact

    A contact counts for the team holding the thread when it opened
    (``contact_team=HOLDER_AT_OPEN``); a reply after ``as_of`` is not seen.
    Contacts do not depend on conversations: ``gap_seconds`` is only
    checked, so that every conversation metric takes the same options.

    Raises:
        SalesmetricsError: ``invalid_option`` at ``by`` or ``gap_seconds``;
            ``invalid_period`` or ``invalid_instant`` at ``period`` or ``as_of``.
    """
    check_dataset(dataset)
    check_by(by)
    check_gap(gap_seconds)
    return finish_response_rate(response_rate_partial(
        dataset, period=period, as_of=as_of, message_team=message_team,
        contact_team=contact_team), by=by)


# -- 2.3 response time (with the v1.1 rules and profiles) ----------------------

COUNTED = "counted"
EXCLUDED = "excluded"
NO_REPLY = "no_reply"
REMOVED = "removed_by_status"


@attrs.frozen
class FirstResponse:
    """One conversation's first response under a reading (rules and clock).

    ``stop``: the stopping message (None: no reply, or removed first);
    ``team``: the team it speaks for (2.1 Decision); ``user``: its sender for
    a human message (None for automated ones, or a human one without user);
    ``clock_start`` and ``restarted_by``: where the clock started;
    ``removed_by``: the status change that removed it; ``seconds``: the value
    (None unless ``status`` is ``counted``); ``calendar``: how it was measured.
    """

    status: str
    stop: Reply | None
    team: str | None
    user: str | None
    clock_start: datetime
    restarted_by: ThreadEvent | None
    removed_by: ThreadEvent | None
    seconds: float | None
    calendar: str
    stop_rule: str = "human_reply"

    @property
    def why(self) -> str:
        """A sentence saying how the value was read."""
        reply = "reply" if self.stop_rule == "any_reply" else "human reply"
        if self.status == REMOVED and self.removed_by is not None:
            return f"status change {item_ref(self.removed_by)} before the first {reply}"
        if self.stop is None:
            return f"no {reply} in the conversation"
        why = f"{self.calendar}, reply {self.stop.ref}"
        if self.restarted_by is not None:
            why += f", clock restarted by transfer {item_ref(self.restarted_by)}"
        return why


def _index_of(conv: Conversation, message: Message) -> int:
    return next(i for i, m in enumerate(conv.messages) if m is message)


def _holder_pieces(dataset: Dataset, tl: Timeline, a: datetime, b: datetime) -> list[Piece]:
    """``[a, b]`` cut at each change of holder and of that holder's calendar strictly inside."""
    segments: list[tuple[datetime, datetime, str]] = []
    holder, start = tl.holder_at(a), a
    for at, team in tl.moves:
        if a < at < b and team != holder:
            segments.append((start, at, holder))
            holder, start = team, at
    segments.append((start, b, holder))
    pieces: list[Piece] = []
    for s, e, team in segments:
        pieces.extend(dataset.calendar_history_of_team(team).pieces(s, e))
    return pieces


def conversation_response(
    dataset: Dataset,
    timeline: Timeline,
    conv: Conversation,
    /,
    *,
    rules: ResponseRules = DEFAULT_RESPONSE_RULES,
    clock: Clock = BUSINESS,
) -> FirstResponse:
    """The first response of one conversation under the rules (v1.1, 7.2), with the clock.

    The stop is the conversation's first human outbound message (``stop:
    human_reply``) or first outbound message (``any_reply``); only the
    transfers and status changes from the first message up to the stop count.

    >>> from salesmetrics.load import from_dict
    >>> from salesmetrics.rules import ANY_REPLY
    >>> from salesmetrics.calendars import WALL
    >>> from salesmetrics.timeline import timelines
    >>> ds = from_dict({"teams": [{"id": "A"}], "threads": [{"id": "t", "team": "A"}],
    ...     "messages": [{"thread": "t", "at": "2026-03-02T09:00:00Z", "direction": "in"},
    ...                  {"thread": "t", "at": "2026-03-02T09:01:00Z", "direction": "out",
    ...                   "sender": "auto"},
    ...                  {"thread": "t", "at": "2026-03-02T09:05:00Z", "direction": "out"}]})
    >>> tl = timelines(ds)[0]
    >>> conversation_response(ds, tl, tl.conversations[0]).seconds
    300.0
    >>> conversation_response(ds, tl, tl.conversations[0], rules=ANY_REPLY.resolved(),
    ...                       clock=WALL).seconds
    60.0
    """
    check_dataset(dataset)
    r = rules.resolved()
    stop = conv.first_reply if r.stop == "human_reply" else conv.first_outbound
    s_idx = len(conv.messages) if stop is None else _index_of(conv, stop.message)
    before = [e for k, e in conv.events if k <= s_idx]
    removed = None
    if r.status == "excludes":
        removed = next((e for e in before if e.type is EventType.STATUS), None)
    start, restarted = conv.start, None
    if r.start == "restart_at_transfer":
        for e in before:
            if e.moves_thread and e.to_team is not None:
                start, restarted = e.at, e
    team = None if stop is None else stop.team
    user = stop.message.user if stop is not None and stop.message.is_human_outbound else None
    if removed is not None or stop is None:
        return FirstResponse(REMOVED if removed is not None else NO_REPLY, stop, team, user,
                             start, restarted, removed, None, "", r.stop or "human_reply")
    assert team is not None
    if r.calendar == "replying_team":
        seconds = dataset.calendar_history_of_team(team).elapsed(clock, start, stop.at)
        how = f"{clock.name} clock on team {team}'s calendar"
    elif r.calendar == "replying_team_at_stop":
        seconds = clock.elapsed(dataset.calendar_in_force(team, stop.at), start, stop.at)
        how = f"{clock.name} clock on team {team}'s calendar in force at the stop"
    else:
        seconds = measure_pieces(clock, _holder_pieces(dataset, timeline, start, stop.at))
        how = f"{clock.name} clock on the calendars of the teams holding the thread"
    return FirstResponse(COUNTED, stop, team, user, start, restarted, None, float(seconds), how,
                         r.stop or "human_reply")


@attrs.frozen
class ResponseTimeRow:
    """One new inbound conversation: its response time, responder, reply and clock start.

    ``team``: the team of the stopping message; ``responder``: the user who
    sent it (None for an automated message or one without user).
    """

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
    """Response times of one team (or user, or overall), after the outlier policy.

    ``within[i]``: values (kept and excluded) at most ``targets[i]``;
    ``within_rate[i]``: that over all values; both None without targets
    (and then absent from :meth:`~salesmetrics.metrics.Result.summary`).
    """

    count: int
    mean: float | None
    median: float | None
    p90: float | None
    excluded: int
    excluded_values: tuple[float, ...]
    within: tuple[int, ...] | None = attrs.field(default=None, metadata={"omit_none": True})
    within_rate: tuple[float | None, ...] | None = attrs.field(
        default=None, metadata={"omit_none": True})


def check_targets(targets: Sequence[float] | None) -> tuple[float, ...]:
    """Service-level targets (7.4): one to five positive numbers of seconds, in any order.

    Raises:
        SalesmetricsError: ``invalid_option`` at ``targets`` otherwise.
    """
    if targets is None:
        return ()
    if not (isinstance(targets, Sequence) and not isinstance(targets, str)
            and 1 <= len(targets) <= 5):
        raise SalesmetricsError("invalid_option", "targets",
                                f"targets is a list of one to five positive seconds, not {targets!r}")
    return tuple(finite_number(t, "targets", "invalid_option", positive=True) for t in targets)


def _groups_of(dataset: Dataset, by: str | None) -> Iterable[str]:
    return (u.id for u in dataset.users) if by == "user" else teams_of(dataset)


def response_time_partial(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    clock: Clock | str | None = None,
    gap_seconds: float = DEFAULT_GAP_SECONDS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
    profile: Profile | str | None = None,
    rules: ResponseRules | Mapping[str, str] | None = None,
    by: str | None = None,
    rows: bool = True,
) -> Partial[ResponseTimeRow]:
    """The mergeable partial aggregate of :func:`response_time` (before outliers).

    Grouped by team (``by`` ``"team"`` or None) or by user (``"user"``);
    ``rows=False``: the tallies only.
    """
    check_dataset(dataset)
    period, as_of = check_window(period, as_of)
    gap_seconds = check_gap(gap_seconds)
    check_by(by, ("team", "user"))
    the_rules, clock_name = reading(profile, rules)
    the_clock = check_clock(clock if clock is not None else clock_name)
    b = _Builder(_groups_of(dataset, by))
    out = []
    index = walk_index(dataset, as_of=as_of, gap_seconds=gap_seconds, message_team=message_team)
    for tl, c in index.started_in(period):
        if not c.is_inbound:
            continue
        fr = conversation_response(dataset, tl, c, rules=the_rules, clock=the_clock)
        counted, group = False, None
        if fr.seconds is not None and fr.team is not None:
            counted, group = True, fr.team if by != "user" else fr.user
            if group is not None:
                b.value(group, "seconds", fr.seconds)
        if not rows:
            continue
        stop = fr.stop
        why = fr.why if not counted or group is not None else \
            f"{fr.why}; no user: counts for its team only"
        out.append(ResponseTimeRow(
            thread=c.thread, number=c.number, start=c.start, clock_start=fr.clock_start,
            restarted_by=None if fr.restarted_by is None else item_ref(fr.restarted_by),
            team=fr.team, responder=fr.user,
            reply=None if stop is None else stop.ref,
            reply_at=None if stop is None else stop.at,
            seconds=fr.seconds, status=fr.status, why=why))
    return make_partial("response_time", b, out, by="user" if by == "user" else None)


def _summary(values: tuple[float, ...], outliers: OutlierPolicy, targets: tuple[float, ...]
             ) -> tuple[ResponseTime, tuple[float, float]]:
    lo, hi = outliers.bounds(values)
    kept = [v for v in values if lo <= v <= hi]
    excl = tuple(v for v in values if v < lo or v > hi)
    within = within_rate = None
    if targets:
        within = tuple(sum(1 for v in values if v <= t) for t in targets)
        within_rate = tuple(rate(n, len(values)) for n in within)
    return (ResponseTime(len(kept), mean(kept), median(kept), percentile(kept, 90), len(excl),
                         excl, within, within_rate), (lo, hi))


_T = TypeVar("_T", "ResponseTimeRow", "ReplyTimeRow")


def _finish_times(
    metric: str, partial: Partial[_T], by: str | None,
    outliers: OutlierPolicy | Mapping[str, Any] | None,
    targets: Sequence[float] | None, group_of: Callable[[_T], str | None],
) -> Result[ResponseTime, _T]:
    """Per group summaries with the outlier policy and targets; rows marked when excluded."""
    check_by(by, ("team", "user"))
    the_targets = check_targets(targets)
    check_partial_by(partial, by)
    outliers = check_outliers(outliers)
    overall, pooled = _summary(partial.overall().values_of("seconds"), outliers, the_targets)
    groups: dict[str, ResponseTime] = {}
    bounds: dict[str | None, tuple[float, float]] = {}
    for k, t in partial.tallies.items():
        summary, bounds[k] = _summary(t.values_of("seconds"), outliers, the_targets)
        if by is not None:
            groups[k] = summary
    rows = []
    for r in partial.rows:
        if r.seconds is not None:
            group = group_of(r) if by is not None else None
            lo, hi = pooled if by is None else bounds.get(group, (-math.inf, math.inf))
            if not lo <= r.seconds <= hi:
                r = attrs.evolve(r, status=EXCLUDED,
                                 why=f"{r.why}; excluded by the {outliers.name} outlier policy")
        rows.append(r)
    excluded = tuple(r for r in rows if r.status == EXCLUDED)
    return Result(metric, by, groups, overall, tuple(rows), excluded)


def finish_response_time(
    partial: Partial[ResponseTimeRow],
    /,
    *,
    by: str | None = None,
    outliers: OutlierPolicy | Mapping[str, Any] | None = NO_OUTLIERS,
    targets: Sequence[float] | None = None,
) -> Result[ResponseTime, ResponseTimeRow]:
    """The final :func:`response_time` result: the outlier policy and targets applied per group."""
    check_partial(partial, "response_time")
    return _finish_times("response_time", partial, by, outliers, targets,
                         lambda r: r.responder if by == "user" else r.team)


def response_time(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    by: str | None = None,
    clock: Clock | str | None = None,
    outliers: OutlierPolicy | Mapping[str, Any] | None = NO_OUTLIERS,
    gap_seconds: float = DEFAULT_GAP_SECONDS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
    profile: Profile | str | None = None,
    rules: ResponseRules | Mapping[str, str] | None = None,
    targets: Sequence[float] | None = None,
) -> Result[ResponseTime, ResponseTimeRow]:
    """First response time of new inbound conversations, per stopping team (or user).

    Is equivalent to (definitions 2.3, with the default rules)::

        for c in conversations if c.is_inbound and c.start in period:
            if c.first_reply and not any status event before it:
                start = last transfer before the reply, else c.start
                times[c.first_reply.team].append(
                    clock.elapsed(calendar(c.first_reply.team), start, c.first_reply.at))

    then count, mean, median and p90 of each team's values kept by ``outliers``
    (applied per team; pooled when ``by`` is None). ``count`` is the number of
    values kept; ``excluded`` how many the policy excluded; with ``targets``
    (seconds), ``within`` and ``within_rate`` per target over every value.

    The reading (v1.1, 7.2) is a ``profile`` (``instaply`` by default,
    ``zendesk``, ``dbt_zendesk``, ``dbt_hubspot``) with explicit ``rules``
    overriding its rules and an explicit ``clock`` overriding its clock.
    With ``by="user"`` a value counts for the user who sent the stopping
    message; every user of the dataset appears.

    Raises:
        SalesmetricsError: ``invalid_option`` naming the parameter: ``by``,
            ``gap_seconds`` (not positive), ``profile`` (unknown), ``rules`` /
            ``rules.<rule>`` (unknown rule or value), ``clock`` (unknown name),
            ``outliers``, ``targets``; ``invalid_period`` / ``invalid_instant``
            at ``period`` or ``as_of``.
    """
    check_dataset(dataset)
    check_by(by, ("team", "user"))
    check_targets(targets)
    return finish_response_time(response_time_partial(
        dataset, period=period, as_of=as_of, clock=clock, gap_seconds=gap_seconds,
        message_team=message_team, profile=profile, rules=rules, by=by),
        by=by, outliers=outliers, targets=targets)


# -- 7.3 reply time (every contact) --------------------------------------------


@attrs.frozen
class ReplyTimeRow:
    """One contact opened in the period: the reply that closed it and its reply time.

    ``contact_team``: the contact's own team (2.2); ``team``: the replying
    team, which the value counts for; ``responder``: the replying user.
    """

    thread: str
    opened_at: datetime
    opened_by: str
    contact_team: str
    team: str | None
    responder: str | None
    reply: str | None
    reply_at: datetime | None
    seconds: float | None
    status: str
    why: str

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Thread, then opening instant."""
        return (self.thread, self.opened_at.timestamp(), self.opened_by)


def reply_time_partial(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    clock: Clock | str = BUSINESS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
    by: str | None = None,
    rows: bool = True,
) -> Partial[ReplyTimeRow]:
    """The mergeable partial aggregate of :func:`reply_time` (before outliers; ``rows=False``:
    tallies only)."""
    check_dataset(dataset)
    period, as_of = check_window(period, as_of)
    check_by(by, ("team", "user"))
    clock = check_clock(clock)
    b = _Builder(_groups_of(dataset, by))
    out = []
    for _, c in walk_index(dataset, as_of=as_of, message_team=message_team).opened_in(period):
        reply = c.closed_by if isinstance(c.closed_by, Message) else None
        team = c.answered_by if reply is not None else None
        seconds: float | None = None
        group: str | None = None
        if reply is not None and team is not None:
            seconds = float(dataset.calendar_history_of_team(team).elapsed(
                clock, c.opened_at, reply.at))
            group = team if by != "user" else reply.user
            if group is not None:
                b.value(group, "seconds", seconds)
        if not rows:
            continue
        base: dict[str, Any] = dict(
            thread=c.thread, opened_at=c.opened_at, opened_by=item_ref(c.opened_by),
            contact_team=c.team)
        if reply is None or team is None:
            out.append(ReplyTimeRow(
                **base, team=None, responder=None, reply=None, reply_at=None, seconds=None,
                status=c.outcome, why=c.why))
            continue
        why = f"{clock.name} clock on team {team}'s calendar, reply {item_ref(reply)}"
        if group is None:
            why += "; no user: counts for its team only"
        out.append(ReplyTimeRow(**base, team=team, responder=reply.user,
                                reply=item_ref(reply), reply_at=reply.at, seconds=seconds,
                                status=COUNTED, why=why))
    return make_partial("reply_time", b, out, by="user" if by == "user" else None)


def finish_reply_time(
    partial: Partial[ReplyTimeRow],
    /,
    *,
    by: str | None = None,
    outliers: OutlierPolicy | Mapping[str, Any] | None = NO_OUTLIERS,
    targets: Sequence[float] | None = None,
) -> Result[ResponseTime, ReplyTimeRow]:
    """The final :func:`reply_time` result: the outlier policy and targets applied per group."""
    check_partial(partial, "reply_time")
    return _finish_times("reply_time", partial, by, outliers, targets,
                         lambda r: r.responder if by == "user" else r.team)


def reply_time(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    by: str | None = None,
    clock: Clock | str = BUSINESS,
    outliers: OutlierPolicy | Mapping[str, Any] | None = NO_OUTLIERS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
    targets: Sequence[float] | None = None,
) -> Result[ResponseTime, ReplyTimeRow]:
    """Reply time of every contact opened in the period, per replying team or user (v1.1, 7.3).

    Is equivalent to::

        for c in contacts if c.opened_at in period and c.closed_by_human_reply:
            times[c.answered_by].append(
                clock.elapsed(calendar_history(c.answered_by), c.opened_at, c.closed_at))

    then summarised like :func:`response_time` (count, mean, median, p90,
    excluded, and ``within``/``within_rate`` with ``targets``). A reply of
    any team counts, for that team (``by="user"``: the replying user);
    contacts closed by a status change or still open have no value;
    transfers do not restart the clock.

    >>> from salesmetrics.load import from_dict
    >>> from datetime import datetime
    >>> ds = from_dict({"teams": [{"id": "A"}], "threads": [{"id": "t", "team": "A"}],
    ...     "messages": [{"thread": "t", "at": "2026-03-02T09:00:00Z", "direction": "in"},
    ...                  {"thread": "t", "at": "2026-03-02T09:05:00Z", "direction": "out"},
    ...                  {"thread": "t", "at": "2026-03-02T10:00:00Z", "direction": "in"},
    ...                  {"thread": "t", "at": "2026-03-02T10:01:00Z", "direction": "out"}]})
    >>> week = Period(datetime.fromisoformat("2026-03-02T00:00:00+00:00"),
    ...               datetime.fromisoformat("2026-03-09T00:00:00+00:00"))
    >>> s = reply_time(ds, period=week, targets=[120], by="team").summary()["A"]
    >>> s["count"], s["mean"], s["within"], s["within_rate"]
    (2, 180.0, [1], [0.5])

    Raises:
        SalesmetricsError: ``invalid_option`` naming the parameter: ``by``,
            ``clock`` (unknown name), ``targets``.
    """
    check_dataset(dataset)
    check_by(by, ("team", "user"))
    check_targets(targets)
    return finish_reply_time(reply_time_partial(
        dataset, period=period, as_of=as_of, clock=clock, message_team=message_team, by=by),
        by=by, outliers=outliers, targets=targets)
