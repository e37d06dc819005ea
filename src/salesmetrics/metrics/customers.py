"""New and connected customers (docs/definitions.md §2.5).

>>> from salesmetrics.load import from_dict
>>> from salesmetrics.period import Period
>>> from datetime import datetime
>>> ds = from_dict({"teams": [{"id": "A"}], "threads": [{"id": "t", "team": "A"}],
...     "messages": [{"thread": "t", "at": "2026-03-02T09:00:00+00:00", "direction": "in",
...                   "channel": "sms"}]})
>>> week = Period(datetime.fromisoformat("2026-03-02T00:00:00+00:00"),
...               datetime.fromisoformat("2026-03-09T00:00:00+00:00"))
>>> new_customers(ds, period=week, by="team").summary()["A"]
{'inbound': 1, 'outbound': 0, 'by_channel': {'ivr': 0, 'sms': 1, 'widget': 0, 'sdk': 0, 'other': 0}}
>>> connected_customers(ds, period=week, by="team").summary()
{'A': {'count': 1}}
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from salesmetrics.dataset import Dataset
from salesmetrics.metrics._args import check_dataset, check_window
from salesmetrics.metrics._common import check_by, teams_of
from salesmetrics.metrics._partial import (
    Partial,
    Result,
    Tally,
    _Builder,
    check_partial,
    make_partial,
)
from salesmetrics.period import Period
from salesmetrics.rules import DEFAULT_MESSAGE_TEAM, MessageTeam
from salesmetrics.timeline import item_ref, walk_index

__all__ = [
    "CHANNELS",
    "ConnectedCustomers",
    "ConnectedRow",
    "NewCustomerRow",
    "NewCustomers",
    "channel_bucket",
    "connected_customers",
    "connected_customers_partial",
    "finish_connected_customers",
    "finish_new_customers",
    "new_customers",
    "new_customers_partial",
]

#: The channel buckets of new inbound customers (Instaply), in order.
CHANNELS = ("ivr", "sms", "widget", "sdk", "other")


def channel_bucket(channel: str | None) -> str:
    """The bucket of a channel: ``ivr``, ``sms``, ``widget``, ``sdk``, else ``other``.

    >>> channel_bucket("sms"), channel_bucket("messenger"), channel_bucket(None)
    ('sms', 'other', 'other')
    """
    if channel is not None and channel in CHANNELS[:-1]:
        return channel
    return "other"


@attrs.frozen
class NewCustomerRow:
    """A thread whose first message is in the period."""

    thread: str
    first_at: datetime
    first_message: str
    team: str
    direction: str
    channel: str | None

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """The thread."""
        return (self.thread,)


@attrs.frozen
class NewCustomers:
    """New customers of one team (or overall); ``by_channel`` for inbound ones."""

    inbound: int
    outbound: int
    by_channel: Mapping[str, int]

    @classmethod
    def of(cls, t: Tally) -> NewCustomers:
        """The summary of a tally."""
        return cls(t.count("inbound"), t.count("outbound"),
                   {ch: t.count("channel:" + ch) for ch in CHANNELS})


def new_customers_partial(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
    rows: bool = True,
) -> Partial[NewCustomerRow]:
    """The mergeable partial aggregate of :func:`new_customers` (``rows=False``: tallies only)."""
    check_dataset(dataset)
    period, as_of = check_window(period, as_of)
    b = _Builder(teams_of(dataset))
    out = []
    for tl in walk_index(dataset, as_of=as_of, message_team=message_team).first_in(period):
        conv = tl.conversations[0]
        first = conv.first
        team = conv.holder_at_start
        if first.is_inbound:
            b.add(team, "inbound")
            b.add(team, "channel:" + channel_bucket(first.channel))
        else:
            b.add(team, "outbound")
        if rows:
            out.append(NewCustomerRow(thread=tl.thread, first_at=first.at,
                                      first_message=item_ref(first), team=team,
                                      direction=first.direction.value, channel=first.channel))
    return make_partial("new_customers", b, out)


def finish_new_customers(partial: Partial[NewCustomerRow], /, *, by: str | None = None
                         ) -> Result[NewCustomers, NewCustomerRow]:
    """The final :func:`new_customers` result of a (merged) partial aggregate."""
    check_partial(partial, "new_customers")
    check_by(by)
    groups = {k: NewCustomers.of(t) for k, t in partial.tallies.items()} if by else {}
    return Result("new_customers", by, groups, NewCustomers.of(partial.overall()), partial.rows)


def new_customers(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    by: str | None = None,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
) -> Result[NewCustomers, NewCustomerRow]:
    """Threads whose first message is in the period, inbound (by channel) and outbound.

    Is equivalent to (per team holding the thread at its first message)::

        firsts = [t.messages[0] for t in threads if t.messages and t.messages[0].at in period]
        inbound = len([m for m in firsts if m.is_inbound])
        outbound = len(firsts) - inbound
        by_channel = Counter(channel_bucket(m.channel) for m in firsts if m.is_inbound)

    Raises:
        SalesmetricsError: ``invalid_option`` at ``by``; ``invalid_period`` or
            ``invalid_instant`` at ``period`` or ``as_of``.
    """
    check_dataset(dataset)
    check_by(by)
    return finish_new_customers(new_customers_partial(
        dataset, period=period, as_of=as_of, message_team=message_team), by=by)


@attrs.frozen
class ConnectedRow:
    """A thread connected at the period end, and the team holding it then."""

    thread: str
    first_at: datetime
    team: str

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """The thread."""
        return (self.thread,)


@attrs.frozen
class ConnectedCustomers:
    """Threads connected at the period end for one team (or overall)."""

    count: int

    @classmethod
    def of(cls, t: Tally) -> ConnectedCustomers:
        """The summary of a tally."""
        return cls(t.count("count"))


def connected_customers_partial(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    rows: bool = True,
) -> Partial[ConnectedRow]:
    """The mergeable partial aggregate of :func:`connected_customers` (``rows=False``: tallies
    only)."""
    check_dataset(dataset)
    period, as_of = check_window(period, as_of)
    b = _Builder(teams_of(dataset))
    out = []
    for tl in walk_index(dataset, as_of=as_of).first_before(period.end_us):
        team = tl.holder_at(period.end, strict=True)
        b.add(team, "count")
        if rows:
            out.append(ConnectedRow(thread=tl.thread, first_at=tl.conversations[0].first.at,
                                    team=team))
    return make_partial("connected_customers", b, out)


def finish_connected_customers(partial: Partial[ConnectedRow], /, *, by: str | None = None
                               ) -> Result[ConnectedCustomers, ConnectedRow]:
    """The final :func:`connected_customers` result of a (merged) partial aggregate."""
    check_partial(partial, "connected_customers")
    check_by(by)
    groups = {k: ConnectedCustomers.of(t) for k, t in partial.tallies.items()} if by else {}
    return Result("connected_customers", by, groups, ConnectedCustomers.of(partial.overall()),
                  partial.rows)


def connected_customers(
    dataset: Dataset,
    /,
    *,
    period: Period,
    as_of: datetime | None = None,
    by: str | None = None,
) -> Result[ConnectedCustomers, ConnectedRow]:
    """Threads whose first message is before the period end, per team holding them then.

    Is equivalent to::

        Counter(team_at(t, just before period.end) for t in threads
                if t.messages and t.messages[0].at < period.end)

    Raises:
        SalesmetricsError: ``invalid_option`` at ``by``; ``invalid_period`` or
            ``invalid_instant`` at ``period`` or ``as_of``.
    """
    check_dataset(dataset)
    check_by(by)
    return finish_connected_customers(connected_customers_partial(
        dataset, period=period, as_of=as_of), by=by)
