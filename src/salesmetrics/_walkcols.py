"""The thread walk of every thread at once, over integer arrays (private).

:func:`walk_columns` takes every decision of the item walk
(:func:`salesmetrics.timeline._walk_thread`, docs/definitions.md §2) with
array passes over all threads together, then makes the same
:class:`~salesmetrics.timeline.Timeline` objects and
:class:`~salesmetrics.timeline.WalkIndex` from the positions found, one field
at a time over every object (``model._from_columns``):

* the walk order: the messages are in it already; the events are sorted on
  (thread, instant, input position, place in the thread) and merged in, each
  after its thread's messages up to its instant (messages before events);
* the holding team at each item: a forward fill of the moves' targets;
* conversations: a gap of at least ``gap_seconds`` between two messages of a
  thread (``(u - v) / 10**6`` in doubles is Python's exact ``int / int`` for
  differences under 2**53 µs);
* each conversation's first inbound, first outbound and first human reply:
  the first of each kind in its run of messages; each message's team (the
  message-team rule) where these read it;
* the clock restart and the removal: the last move and the first status
  event walked while the conversation is the thread's latest and before its
  first reply; the moves and status events it records with their place;
* contacts: among the inbound messages and the closers (human replies,
  ``answered``/``resolved`` statuses) in walk order, an inbound message first
  or after a closer opens one and the next closer closes it; the moves
  between the two are its transfers;
* ``resolved_after_last``: the last ``resolved`` status after the thread's
  last message.

The messages' and events' instants and order come from the dataset's arrays
(:class:`~salesmetrics.dataset.SectionOrder`), else from the records'
attributes. It returns None, and the item walk (the reference) decides, when
a thread's messages read from the records are not in the walk's order on the
integer time line (a guard: a :class:`~salesmetrics.dataset.Dataset` sorts
them so, even in a repeated hour), when two of them are 2**53 µs or more apart, when
an ``index`` does not fit 64 bits, or when the message-team rule is a
subclass (its ``team_of`` may decide otherwise). Equality with the item walk
is a property test (``tests/core/test_walk_columns.py``).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping
from datetime import datetime
from itertools import chain, compress, repeat
from operator import attrgetter, is_not
from typing import TYPE_CHECKING, Any

import numpy as np

from salesmetrics._time import epochs_us
from salesmetrics.model import (
    Direction,
    EventType,
    Sender,
    Status,
    ThreadEvent,
    _from_columns,
)
from salesmetrics.rules import MessageTeam

if TYPE_CHECKING:
    from salesmetrics._history import History
    from salesmetrics.dataset import Dataset, SectionOrder
    from salesmetrics.timeline import Timeline, WalkIndex

__all__ = ["walk_columns"]

_LIMIT = 2**53  # message gaps at or past it: the item walk (float exactness)
_INBOUND, _HUMAN, _OTHER = 0, 1, 2  # a message: inbound, human outbound, automated outbound
_KIND = {(d, s): _INBOUND if d is Direction.IN else _HUMAN if s is Sender.USER else _OTHER
         for d in Direction for s in Sender}
_TYPE_CODE = {t: i for i, t in enumerate(EventType)}
_STATUS_CODE: dict[Status | None, int] = {None: -1, **{s: i for i, s in enumerate(Status)}}
_at, _user, _team, _index = (attrgetter(f) for f in ("at", "user", "team", "index"))


class _Nothing:
    """What a contact closed by nothing reads its closing instant and user from: None."""

    at = user = None


_NOTHING = _Nothing()


def _gather(values: list[Any], positions: Any) -> list[Any]:
    """``values[p]`` for each position (where ``values`` ends with None, -1 reads None)."""
    return list(map(values.__getitem__, positions.tolist()))


def _runs(keys: Any, n: int) -> tuple[list[int], list[int]]:
    """Where each of ``0..n-1`` starts and ends in the sorted ``keys``."""
    r = np.arange(n)
    return np.searchsorted(keys, r).tolist(), np.searchsorted(keys, r, "right").tolist()


def _edges(group: Any, *, last: bool) -> Any:
    """The first (or last) position of each run of equal values of ``group``."""
    edge = np.ones(len(group), dtype=bool)
    if last:
        edge[:-1] = group[1:] != group[:-1]
    else:
        edge[1:] = group[1:] != group[:-1]
    return edge


def _insertions(m_thr: Any, m_us: Any, e_thr: Any, e_us: Any) -> Any:
    """For each event (sorted by thread and instant), how many messages come before it:
    those of earlier threads and those of its thread at or before its instant.

    Messages are sorted by (thread, instant); the pairs are compared as one integer
    ``thread * span + (instant - first)`` when it fits 63 bits, else pair by pair.
    """
    if not len(e_us):
        return np.zeros(0, np.int64)
    low = min(int(m_us.min()) if len(m_us) else 0, int(e_us.min()))
    span = max(int(m_us.max()) if len(m_us) else 0, int(e_us.max())) - low + 1
    top = int(max(m_thr.max() if len(m_thr) else 0, e_thr.max()))
    if (top + 1) * span < 2**62:
        return np.searchsorted(m_thr * span + (m_us - low), e_thr * span + (e_us - low),
                               "right")
    # (threads over centuries): the thread's messages first, then those up to the instant
    lo = np.searchsorted(m_thr, e_thr)
    hi = np.searchsorted(m_thr, e_thr, "right")
    return np.array([a + int(np.searchsorted(m_us[a:b], u, "right"))
                     for a, b, u in zip(lo.tolist(), hi.tolist(), e_us.tolist(), strict=True)],
                    dtype=np.int64)


def _pick(pos: Any, group: Any, groups: int, *, last: bool) -> Any:
    """Of the positions ``pos`` (ascending) in each group (``group``, ascending with
    them), the first or the last; -1 for a group with none."""
    out = np.full(groups, -1, np.int64)
    edge = _edges(group, last=last)
    out[group[edge]] = pos[edge]
    return out


def _q(values: Any) -> array[int]:
    """An ``array('q')`` of an integer numpy array (what :class:`WalkIndex` keeps)."""
    out = array("q")
    out.frombytes(np.ascontiguousarray(values, dtype=np.int64).tobytes())
    return out


def _section(groups: Mapping[str, tuple[Any, ...]], order: SectionOrder | None,
             tids: list[str]
             ) -> tuple[list[Any], Any, Any, Any] | None:
    """A section's records thread by thread (``tids``' order), each thread's in the
    dataset's order: the records, their thread numbers, instants (epoch µs) and indexes.

    From the dataset's arrays (:class:`~salesmetrics.dataset.SectionOrder`) when it has
    them: its instants, and its order for the indexes (None: already in walk order).
    Else from the records themselves (None: an instant or index beyond 64 bits).
    """
    n_t = len(tids)
    per = [groups.get(t, ()) for t in tids]
    items: list[Any] = list(chain.from_iterable(per))
    count = np.fromiter(map(len, per), np.int64, n_t)
    thread_of = np.repeat(np.arange(n_t), count)
    if order is not None:
        sizes = np.fromiter(map(len, groups.values()), np.int64, len(groups))
        first = dict(zip(groups, (np.cumsum(sizes) - sizes).tolist(), strict=True))
        lo = np.array([first.get(t, 0) for t in tids], dtype=np.int64)  # (in the order)
        begin = np.cumsum(count) - count  # each thread's first place in the output
        pos = order.order[np.arange(len(items)) - np.repeat(begin - lo, count)]
        return items, thread_of, order.us[pos], None
    try:
        us = np.array(epochs_us(map(_at, items)), dtype=np.int64)
        idx = np.fromiter(map(_index, items), np.int64, len(items))
    except OverflowError:
        return None
    return items, thread_of, us, idx


def walk_columns(dataset: Dataset, as_of: datetime | None, as_of_us: int | None,
                 gap_seconds: float, message_team: MessageTeam, still: dict[Any, History[Any]],
                 makers: tuple[Any, ...]
                 ) -> tuple[tuple[Timeline, ...], WalkIndex] | None:
    """Every thread's timeline (dataset order) and the walk's index, or None (see above).

    ``makers``: the walk's classes and its history maker, then the contact outcomes
    (``timeline._MAKERS``: this module does not import the timeline module back).
    """
    Reply, Conversation, Contact, Timeline_, WalkIndex_, history = makers[:6]
    outcomes = list(makers[6:])  # open, closed by status, answered, answered by another team
    if type(message_team) is not MessageTeam:
        return None
    threads = dataset.threads
    n_t = len(threads)
    arange_t = np.arange(n_t)
    tids = [t.id for t in threads]
    got_m = _section(dataset.messages_by_thread, dataset._message_order, tids)
    got_e = _section(dataset.events_by_thread, dataset._event_order, tids)
    if got_m is None or got_e is None:
        return None
    msgs, m_thr, m_us, m_idx = got_m
    evs, e_thr, e_us, e_idx = got_e
    if as_of_us is not None:  # only what is visible at as_of
        keep = m_us <= as_of_us
        if not keep.all():
            msgs = list(compress(msgs, keep.tolist()))
            m_thr, m_us = m_thr[keep], m_us[keep]
            m_idx = None if m_idx is None else m_idx[keep]
        keep = e_us <= as_of_us
        if not keep.all():
            evs = list(compress(evs, keep.tolist()))
            e_thr, e_us = e_thr[keep], e_us[keep]
            e_idx = None if e_idx is None else e_idx[keep]
    nm, ne = len(msgs), len(evs)
    n = nm + ne

    # a thread's messages must be in the walk's order already (a guard, where the dataset's
    # arrays do not say so), and their gaps exact in doubles
    same = m_thr[1:] == m_thr[:-1]
    d = m_us[1:] - m_us[:-1]
    wrong = d >= _LIMIT
    if m_idx is not None:
        wrong |= (d < 0) | ((d == 0) & (m_idx[1:] < m_idx[:-1]))
    if (same & wrong).any():
        return None
    del wrong
    m_first = np.searchsorted(m_thr, arange_t)  # each thread's first message (global)
    m_count = np.bincount(m_thr, minlength=n_t)

    # the walk order: (thread, instant, messages first, index, place in the thread). The
    # messages are in it already; the events are sorted (stably: each thread's in place
    # order) and merged in, each after the messages of its thread up to its instant.
    ev_sorted = np.arange(ne) if e_idx is None else np.lexsort((e_idx, e_us, e_thr))
    ins = _insertions(m_thr, m_us, e_thr[ev_sorted], e_us[ev_sorted])
    w_m = np.arange(nm) + np.searchsorted(ins, np.arange(nm), "right")
    w_e = np.empty(ne, np.int64)
    w_e[ev_sorted] = ins + np.arange(ne)  # each message's, each event's walk position
    order = np.empty(n, np.int64)  # the item at each walk position (nm + k: event k)
    order[w_m] = np.arange(nm)
    order[w_e] = nm + np.arange(ne)
    w_thr = np.empty(n, np.int64)
    w_thr[w_m] = m_thr
    w_thr[w_e] = e_thr
    # (the arrays of every item go as soon as read: they set the walk's peak memory)
    del ins, ev_sorted, m_idx, e_idx
    w_is_msg = order < nm
    ev_walk = order[~w_is_msg] - nm  # the events in walk order
    t_lo = np.searchsorted(w_thr, arange_t)
    t_hi = np.searchsorted(w_thr, arange_t, "right")

    # team names as codes (-1: none)
    codes: dict[str | None, int] = {None: -1}
    names: list[str | None] = []

    def code(team: str | None) -> int:
        c = codes.get(team)
        if c is None:
            c = codes[team] = len(names)
            names.append(team)
        return c

    initial = np.array([code(t.team) for t in threads], dtype=np.int64)

    # the events' kinds
    types = np.fromiter(map(_TYPE_CODE.__getitem__, map(attrgetter("type"), evs)), np.int8, ne)
    statuses = np.fromiter(map(_STATUS_CODE.__getitem__, map(attrgetter("status"), evs)),
                           np.int8, ne)
    e_move = (types == _TYPE_CODE[EventType.TRANSFER]) | (types == _TYPE_CODE[EventType.ESCALATION])
    e_move &= np.fromiter(map(is_not, map(attrgetter("to_team"), evs), repeat(None)), bool, ne)
    e_status = types == _TYPE_CODE[EventType.STATUS]
    e_assign = types == _TYPE_CODE[EventType.ASSIGN]
    e_resolved = e_status & (statuses == _STATUS_CODE[Status.RESOLVED])
    e_closing = e_resolved | (e_status & (statuses == _STATUS_CODE[Status.ANSWERED]))

    # the holding team at each item: the last move at or before it, else the thread's team
    move_code = np.full(n, -1, np.int64)
    move_code[w_e[e_move]] = [code(e.to_team) for e in compress(evs, e_move.tolist())]
    moved = move_code >= 0
    holder_w = initial[w_thr]
    if n:
        last = np.maximum.accumulate(np.where(moved, np.arange(n), -1))
        holder_w = np.where(last >= t_lo[w_thr], move_code[np.maximum(last, 0)], holder_w)
        del last
    final = initial.copy()
    busy = t_hi > t_lo
    final[busy] = holder_w[t_hi[busy] - 1]
    holder_m = holder_w[w_m]

    # conversations: a thread's first message, or one at least gap_seconds after the last
    starts = np.ones(nm, dtype=bool)
    starts[1:] = ~same | (d.astype(np.float64) / 1_000_000 >= gap_seconds)
    conv_first = np.flatnonzero(starts)
    nc = len(conv_first)
    conv_of = np.cumsum(starts) - 1
    conv_end = np.append(conv_first[1:], nm)[:nc]  # (none when there is no message)
    conv_thr = m_thr[conv_first]
    del same, d, starts, m_thr
    kinds = np.fromiter(map(_KIND.__getitem__, map(attrgetter("direction", "sender"), msgs)),
                        np.int8, nm)
    m_in, m_human = kinds == _INBOUND, kinds == _HUMAN

    f_in, f_out, f_reply = (_pick(pos, conv_of[pos], nc, last=False)
                            for pos in map(np.flatnonzero, (m_in, ~m_in, m_human)))

    # each event's conversation: the thread's latest when it is walked (-1: none yet)
    walked = np.cumsum(w_is_msg)[w_e] - 1  # the last message walked at each event
    e_conv = np.full(ne, -1, np.int64)
    seen = walked >= m_first[e_thr]
    e_conv[seen] = conv_of[walked[seen]]
    e_k = np.zeros(ne, np.int64)
    e_k[seen] = walked[seen] + 1 - conv_first[e_conv[seen]]
    reply_w = np.full(nc, n, np.int64)
    replied = f_reply >= 0
    reply_w[replied] = w_m[f_reply[replied]]
    unreplied = seen.copy()
    unreplied[seen] = w_e[seen] < reply_w[e_conv[seen]]
    restart, removed = (_pick(pos, e_conv[pos], nc, last=last) for pos, last in (
        (ev_walk[(e_move & unreplied)[ev_walk]], True),
        (ev_walk[(e_status & unreplied)[ev_walk]], False)))
    tracked = ev_walk[((e_status | e_move) & seen)[ev_walk]]
    tr_lo, tr_hi = _runs(e_conv[tracked], nc)
    del conv_of, walked, w_is_msg

    # each message's team (the message-team rule), where the walk reads it
    team_m = holder_m
    for source in reversed(message_team.sources):  # the first source naming one wins
        if source == "message":
            own = list(map(_team, msgs))
            for x in set(own):
                if x is not None:
                    code(x)
            mine = np.fromiter(map(codes.__getitem__, own), np.int64, nm)
            team_m = np.where(mine >= 0, mine, team_m)
            del own, mine
        else:  # "user": a human outbound message's user's team
            user_team: dict[str | None, int] = {
                u: -1 if v.team is None else code(v.team) for u, v in dataset.users_by_id.items()}
            senders = list(map(_user, compress(msgs, m_human.tolist())))
            for x in set(senders).difference(user_team):  # None, or no user record
                user_team[x] = -1
            by_user = np.full(nm, -1, np.int64)
            by_user[m_human] = np.fromiter(map(user_team.__getitem__, senders), np.int64,
                                           len(senders))
            team_m = np.where(by_user >= 0, by_user, team_m)
            del senders, by_user

    # contacts: inbound messages and closers in walk order
    inbound_w = np.zeros(n, dtype=bool)
    inbound_w[w_m] = m_in
    closer_w = np.zeros(n, dtype=bool)
    closer_w[w_m] = m_human
    closer_w[w_e] = e_closing
    r = np.flatnonzero(inbound_w | closer_w)  # walk positions
    r_in = inbound_w[r]
    r_thr = w_thr[r]
    nr = len(r)
    opens = np.flatnonzero(r_in & (_edges(r_thr, last=False)
                                   | np.concatenate(([True], ~r_in[:-1]))))
    nxt = np.minimum.accumulate(np.where(r_in, nr, np.arange(nr))[::-1])[::-1]
    closer = nxt[opens]
    closed = closer < nr
    closed[closed] = r_thr[closer[closed]] == r_thr[opens[closed]]
    c_thr = r_thr[opens]
    sizes = np.where(closed, closer, np.searchsorted(r_thr, c_thr, "right")) - opens
    open_w = r[opens]
    close_w = r[closer[closed]]
    moves_w = np.flatnonzero(moved)
    tf_lo = np.searchsorted(moves_w, open_w, "right")
    tf_hi = np.searchsorted(moves_w, t_hi[c_thr])
    tf_hi[closed] = np.searchsorted(moves_w, close_w)
    c_team = holder_w[open_w]
    c_holder = final[c_thr]
    c_holder[closed] = holder_w[close_w]
    close_item = np.full(len(opens), -1, np.int64)  # a message, or nm + an event
    close_item[closed] = order[close_w]
    by_reply = closed & (close_item < nm)
    reply_team = np.full(len(opens), -1, np.int64)
    reply_team[by_reply] = team_m[close_item[by_reply]]
    outcome = np.where(~closed, 0, np.where(~by_reply, 1, np.where(reply_team == c_team, 2, 3)))
    opener = order[open_w]
    move_teams = move_code[moves_w]
    del inbound_w, closer_w, r, r_in, r_thr, nxt, holder_w, w_thr, move_code, moved, kinds
    del m_in, m_human, order

    # resolved after the last message: the thread's last resolved status walked after it
    last_msg_w = np.full(n_t, n, np.int64)
    has = m_count > 0
    last_msg_w[has] = w_m[m_first[has] + m_count[has] - 1]
    res = ev_walk[e_resolved[ev_walk]]
    res = res[w_e[res] > last_msg_w[e_thr[res]]]
    resolved = _pick(res, e_thr[res], n_t, last=True)

    # the objects, a field at a time over every one of a kind
    msgs_x: list[Any] = msgs  # each ends with None from here on: position -1 reads None
    evs_x: list[Any] = evs
    msgs_x.append(None)
    evs_x.append(None)
    names_x: list[Any] = [*names, None]
    tid_x: list[Any] = [t.id for t in threads]

    def replies(pos: Any, reuse: tuple[Any, list[Any]] | None = None) -> list[Any]:
        """The :class:`Reply` of each conversation's message at ``pos`` (-1: None); with
        ``reuse``, the same object where ``pos`` is the other's (one Reply, not two)."""
        out: list[Any] = [None] * nc
        fresh = pos >= 0
        if reuse is not None:
            other_pos, other = reuse
            same_one = fresh & (pos == other_pos)
            for c in np.flatnonzero(same_one).tolist():
                out[c] = other[c]
            fresh &= ~same_one
        k = pos[fresh]
        made = _from_columns(Reply, len(k), {"message": _gather(msgs_x, k),
                                                 "team": _gather(names_x, team_m[k])})
        for c, rep in zip(np.flatnonzero(fresh).tolist(), made, strict=True):
            out[c] = rep
        return out

    first_out = replies(f_out)
    first_reply = replies(f_reply, (f_out, first_out))
    events: list[tuple[tuple[int, ThreadEvent], ...]] = [()] * nc
    for c in np.flatnonzero(np.array(tr_hi) > np.array(tr_lo)).tolist():
        span = tracked[tr_lo[c]:tr_hi[c]]
        events[c] = tuple(zip(e_k[span].tolist(), _gather(evs_x, span), strict=True))
    firsts = _gather(msgs_x, conv_first)
    clock = list(map(_at, firsts))
    restarted_by = _gather(evs_x, restart)
    for c in np.flatnonzero(restart >= 0).tolist():
        clock[c] = restarted_by[c].at
    cf_l, ce_l = conv_first.tolist(), conv_end.tolist()
    convs = _from_columns(Conversation, nc, {
        "thread": _gather(tid_x, conv_thr),
        "number": (np.arange(nc) - np.searchsorted(conv_thr, conv_thr)).tolist(),
        "messages": list(map(tuple, map(msgs.__getitem__, map(slice, cf_l, ce_l)))),
        "first_team": _gather(names_x, team_m[conv_first]),
        "holder_at_start": _gather(names_x, holder_m[conv_first]),
        "holder_at_end": _gather(names_x, final[conv_thr]),
        "first_reply": first_reply, "first_inbound": _gather(msgs_x, f_in),
        "clock_start": clock, "restarted_by": restarted_by,
        "removed_by": _gather(evs_x, removed), "first_outbound": first_out, "events": events})

    nk = len(opens)
    transfers: list[tuple[str, ...]] = [()] * nk
    for c in np.flatnonzero(tf_hi > tf_lo).tolist():
        transfers[c] = tuple(_gather(names_x, move_teams[tf_lo[c]:tf_hi[c]]))
    openers = _gather(msgs_x, opener)
    closed_by = [msgs_x[k] if k < nm else evs_x[k - nm] for k in close_item.tolist()]
    closed_or_none = [_NOTHING if x is None else x for x in closed_by]  # .at, .user: None
    contacts = _from_columns(Contact, nk, {
        "thread": _gather(tid_x, c_thr), "opened_at": list(map(_at, openers)),
        "opened_by": openers, "team": _gather(names_x, c_team), "messages": sizes.tolist(),
        "transfers": transfers, "holder_at_close": _gather(names_x, c_holder),
        "outcome": _gather(outcomes, outcome),
        "closed_at": list(map(_at, closed_or_none)), "closed_by": closed_by,
        "answered_by": _gather(names_x, reply_team),
        "closer": list(map(_user, closed_or_none))})

    # the timelines: moves and assignments in walk order; histories that never change shared
    mv = ev_walk[e_move[ev_walk]]
    asg = ev_walk[e_assign[ev_walk]]
    mv_lo, mv_hi = _runs(e_thr[mv], n_t)
    as_lo, as_hi = _runs(e_thr[asg], n_t)
    cv_lo, cv_hi = _runs(conv_thr, n_t)
    ct_lo, ct_hi = _runs(c_thr, n_t)
    mv_l, asg_l = mv.tolist(), asg.tolist()

    def histories(initial: list[Any], changes: list[int], lo: list[int], hi: list[int],
                  value: Callable[[ThreadEvent], Any]) -> list[History[Any]]:
        """Each thread's history: the shared one of its value, unless it changes."""
        for v in set(initial):
            history(v, [], still)  # made once per value, in the walk's shared dict
        out = list(map(still.__getitem__, initial))
        for t in np.flatnonzero(np.array(hi) > np.array(lo)).tolist():
            out[t] = history(initial[t], [(evs[x].at, value(evs[x]))
                                          for x in changes[lo[t]:hi[t]]], still)
        return out

    teams = histories([t.team for t in threads], mv_l, mv_lo, mv_hi, attrgetter("to_team"))
    assignees = histories([t.assignee for t in threads], asg_l, as_lo, as_hi,
                          attrgetter("to_user"))
    timelines = _from_columns(Timeline_, n_t, {
        "thread": tid_x, "as_of": repeat(as_of, n_t), "teams": teams, "assignees": assignees,
        "conversations": list(map(tuple, map(convs.__getitem__, map(slice, cv_lo, cv_hi)))),
        "contacts": list(map(tuple, map(contacts.__getitem__, map(slice, ct_lo, ct_hi)))),
        "resolved_after_last": _gather(evs_x, resolved)})

    # the index: conversations by start (then by last), contacts by opening, threads by first
    conv_starts = m_us[conv_first]
    by_start = np.argsort(conv_starts, kind="stable")
    lasts = m_us[conv_end - 1][by_start]
    by_last = np.argsort(lasts, kind="stable")
    opened = m_us[opener]
    by_open = np.argsort(opened, kind="stable")
    with_msgs = np.flatnonzero(has)
    thread_first = m_us[m_first[with_msgs]]
    by_first = np.argsort(thread_first, kind="stable")
    tls_x: list[Any] = [*timelines, None]
    index = WalkIndex_(
        starts=_q(conv_starts[by_start]), conversations=tuple(_gather(convs, by_start)),
        conversation_timelines=tuple(_gather(tls_x, conv_thr[by_start])),
        lasts=_q(lasts), thread_firsts=_q(m_us[m_first[conv_thr[by_start]]]),
        message_us=_q(m_us), offsets=_q(conv_first[by_start]), by_last=_q(by_last),
        sorted_lasts=_q(lasts[by_last]), opens=_q(opened[by_open]),
        contacts=tuple(_gather(contacts, by_open)),
        contact_timelines=tuple(_gather(tls_x, c_thr[by_open])),
        firsts=_q(thread_first[by_first]),
        by_first=tuple(_gather(tls_x, with_msgs[by_first])))
    return tuple(timelines), index
