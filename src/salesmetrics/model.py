"""The domain model of docs/definitions.md §1: frozen, slotted values and real enums.

Every record is an immutable attrs class; instants are timezone-aware
:class:`datetime.datetime` values (any offset), dates are :class:`datetime.date`
values local to their calendar. Records are plain values: they do not check
references between each other; :class:`salesmetrics.dataset.Dataset` and the
loaders do.

>>> from datetime import datetime, timezone
>>> m = Message(thread="t1", at=datetime(2026, 3, 2, 20, 30, tzinfo=timezone.utc),
...             direction=Direction.IN)
>>> m.sender, m.is_human_outbound
(<Sender.CUSTOMER: 'customer'>, False)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from itertools import repeat
from typing import Any, TypeVar

import attrs

__all__ = [
    "AccountType",
    "Activity",
    "ActivityKind",
    "CalendarChange",
    "Conversion",
    "ConversionKind",
    "Customer",
    "Direction",
    "EventType",
    "Lead",
    "Message",
    "Sender",
    "Session",
    "SmartList",
    "Status",
    "StatusGroup",
    "Team",
    "Thread",
    "ThreadEvent",
    "User",
]


class Direction(StrEnum):
    """Which way a message goes: from the customer (``in``) or to them (``out``)."""

    IN = "in"
    OUT = "out"


class Sender(StrEnum):
    """Who sent a message: the customer, a human user, or an automation.

    The one rule for "automated": an outbound message is automated exactly when
    its sender is ``auto`` (auto-reply, confirmation, campaign).
    """

    CUSTOMER = "customer"
    USER = "user"
    AUTO = "auto"


class EventType(StrEnum):
    """Kinds of thread events (docs/definitions.md §1)."""

    TRANSFER = "transfer"
    ESCALATION = "escalation"
    ASSIGN = "assign"
    STATUS = "status"
    NOTE = "note"
    MENTION = "mention"


class Status(StrEnum):
    """Manual thread statuses."""

    WAITING = "waiting"
    ANSWERED = "answered"
    RESOLVED = "resolved"


class StatusGroup(StrEnum):
    """The group a lead's status belongs to."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


class ConversionKind(StrEnum):
    """What a lead converted into (RemOnline: заказ / продажа)."""

    ORDER = "order"
    SALE = "sale"


class ActivityKind(StrEnum):
    """Kinds of logged or in-app activities (Statflo, Reynolds)."""

    CALL = "call"
    EMAIL = "email"
    SMS = "sms"
    MAIL = "mail"
    NOTE = "note"
    APPOINTMENT = "appointment"
    TODO = "todo"
    LEAD_CREATED = "lead_created"
    OPPORTUNITY_CREATED = "opportunity_created"
    OPPORTUNITY_WON = "opportunity_won"


class AccountType(StrEnum):
    """Customer account types (Statflo's "Type de compte")."""

    BUSINESS = "business"
    ENTERPRISE = "enterprise"
    DEACTIVATED = "deactivated"
    INDIVIDUAL = "individual"
    PROSPECT = "prospect"


def _default_sender(direction: Direction) -> Sender:
    return Sender.CUSTOMER if direction is Direction.IN else Sender.USER


@attrs.frozen(kw_only=True)
class Team:
    """A store, team, business unit or dealership, with its calendar's id.

    ``calendar_history``: the changes of its hours over time (v1.1), ``since``
    strictly increasing; before the first one ``calendar`` is in force.
    """

    id: str
    name: str | None = None
    calendar: str | None = None
    parent: str | None = None
    calendar_history: tuple[CalendarChange, ...] = attrs.field(default=(), converter=tuple)


@attrs.frozen(kw_only=True)
class CalendarChange:
    """From ``since`` on, a team's hours are those of the calendar ``calendar`` (an id)."""

    since: datetime
    calendar: str


@attrs.frozen(kw_only=True)
class User:
    """A sales rep, agent or colleague; belongs to one team."""

    id: str
    first_name: str | None = None
    last_name: str | None = None
    code: str | None = None
    team: str | None = None


@attrs.frozen(kw_only=True)
class Customer:
    """A person or account."""

    id: str
    account_type: AccountType | None = None
    brand: str | None = None


@attrs.frozen(kw_only=True)
class Thread:
    """Every message with one customer; ``team`` is the initial holder."""

    id: str
    team: str
    customer: str | None = None
    assignee: str | None = None


@attrs.frozen(kw_only=True)
class Message:
    """One message of a thread.

    ``sender`` defaults to ``customer`` for inbound and ``user`` for outbound
    messages. ``index`` is the message's position in its input section; it
    breaks ties between equal instants ("ties keep input order").
    """

    thread: str
    at: datetime
    direction: Direction
    sender: Sender = attrs.field(
        default=attrs.Factory(lambda self: _default_sender(self.direction), takes_self=True)
    )
    id: str | None = None
    user: str | None = None
    team: str | None = None
    channel: str | None = None
    index: int = 0

    @property
    def is_inbound(self) -> bool:
        """True for a customer's message."""
        return self.direction is Direction.IN

    @property
    def is_human_outbound(self) -> bool:
        """True for an outbound message sent by a person (not automated)."""
        return self.direction is Direction.OUT and self.sender is Sender.USER

    @property
    def is_automated(self) -> bool:
        """True for an outbound message sent by an automation."""
        return self.sender is Sender.AUTO


@attrs.frozen(kw_only=True)
class ThreadEvent:
    """A transfer, escalation, assignment, status change, note or mention."""

    thread: str
    at: datetime
    type: EventType
    id: str | None = None
    to_team: str | None = None
    to_user: str | None = None
    status: Status | None = None
    user: str | None = None
    index: int = 0

    @property
    def moves_thread(self) -> bool:
        """True for a transfer or an escalation (the thread changes team)."""
        return self.type in (EventType.TRANSFER, EventType.ESCALATION)


@attrs.frozen(kw_only=True)
class Session:
    """A user's connection, from login to logout (``end`` None: still open)."""

    user: str
    start: datetime
    end: datetime | None = None
    index: int = 0


@attrs.frozen(kw_only=True)
class Conversion:
    """A lead's conversion into an order or a sale, at an instant."""

    kind: ConversionKind
    at: datetime


@attrs.frozen(kw_only=True)
class Lead:
    """An inbound opportunity (piste, обращение)."""

    id: str
    received_at: datetime
    customer: str | None = None
    type: str | None = None
    source: str | None = None
    source_group: str | None = None
    category: str | None = None
    team: str | None = None
    store: str | None = None
    assignee: str | None = None
    status: str | None = None
    status_group: StatusGroup | None = None
    conversions: tuple[Conversion, ...] = ()


@attrs.frozen(kw_only=True)
class Activity:
    """A logged or in-app action by a user.

    ``at`` is when it was done (completed) or set (appointments).
    """

    user: str
    kind: ActivityKind
    at: datetime
    id: str | None = None
    customer: str | None = None
    lead: str | None = None
    smart_list: str | None = None
    completed: bool = True
    automated: bool = False
    answered: bool | None = None
    duration_seconds: float | None = None
    due_at: datetime | None = None
    index: int = 0


@attrs.frozen(kw_only=True)
class SmartList:
    """A named list of customer accounts that its users work through."""

    id: str
    customers: tuple[str, ...]
    name: str | None = None
    users: tuple[str, ...] = ()


_R = TypeVar("_R")


def _from_columns(cls: type[_R], n: int, columns: Mapping[str, Iterable[Any]]) -> list[_R]:
    """``n`` records of the attrs class ``cls`` from columns of values already checked (private).

    The loaders' fast constructor: each field's slot is set for all records
    at once, without ``__init__``. A column holds one value per record,
    ``None`` standing for the field's default (as an absent field does for
    ``__init__``); a field without a column takes its default. A field whose
    default is computed (``Message.sender``) needs its column, without ``None``.

    >>> from datetime import datetime, timezone
    >>> at = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> ms = _from_columns(Message, 2, {"thread": ["t", "t"], "at": [at, at],
    ...     "direction": [Direction.IN] * 2, "sender": [Sender.CUSTOMER] * 2, "index": range(2)})
    >>> ms[1] == Message(thread="t", at=at, direction=Direction.IN, index=1)
    True
    """
    records: list[_R] = list(map(object.__new__, repeat(cls, n)))
    for field in attrs.fields(cls):  # type: ignore[arg-type]
        default = field.default
        column = columns.get(field.name)
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            if column is None:
                raise AssertionError(f"{cls.__name__}.{field.name} needs its column")
            values: Iterable[Any] = column
        elif column is None:
            if default is attrs.NOTHING:
                raise AssertionError(f"{cls.__name__}.{field.name} is required")
            values = repeat(default, n)
        elif default is not None and default is not attrs.NOTHING:
            values = [default if v is None else v for v in column]
        else:
            values = column
        deque(map(cls.__dict__[field.name].__set__, records, values), 0)
    return records
