"""The domain model of docs/definitions.md §1: frozen, slotted values and real enums.

Every record is an immutable attrs class; instants are timezone-aware
:class:`datetime.datetime` values (any offset), dates are :class:`datetime.date`
values local to their calendar. Records are plain values: they do not check
references between each other; :class:`salesmetrics.dataset.Dataset` and the
loaders do. A record made in Python checks its own fields: an id or a
reference is a string, an instant an aware datetime in the supported range,
and an enum field takes its member or the member's value (``"in"`` is read
as ``Direction.IN``); anything else is a ``SalesmetricsError`` naming the
field. (The loaders build records from values they checked already.)

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

from salesmetrics._time import check_instant
from salesmetrics.errors import SalesmetricsError

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


# -- the checks of a record made in Python ------------------------------------------
# (the loaders build their records without calling __init__, from values they checked)

def _text(_: Any, attribute: Any, value: Any) -> None:
    """A required id or reference: a string."""
    if not isinstance(value, str):
        raise SalesmetricsError("invalid_value", attribute.name,
                                f"must be a string, not {type(value).__name__}")


def _instant(_: Any, attribute: Any, value: Any) -> None:
    """An aware datetime in the supported range (``invalid_instant``)."""
    check_instant(value, attribute.name)


_E = TypeVar("_E", bound=StrEnum)


def _to_member(cls: type[_E], name: str, value: Any) -> _E:
    """A member of ``cls`` from it or its value (``invalid_value`` at ``name``).

    A string is read as its member (``"in"`` → ``Direction.IN``): the walks
    compare members by identity, so a string kept as given would be silently
    read as no member.
    """
    if type(value) is cls:
        return value
    try:
        return cls(value)
    except ValueError:
        raise SalesmetricsError("invalid_value", name, f"{value!r} is not one of: "
                                f"{', '.join(m.value for m in cls)}") from None


def _direction(value: Any) -> Direction:
    return _to_member(Direction, "direction", value)


def _sender(value: Any) -> Sender:
    return _to_member(Sender, "sender", value)


def _event_type(value: Any) -> EventType:
    return _to_member(EventType, "type", value)


def _status(value: Any) -> Status | None:
    return None if value is None else _to_member(Status, "status", value)


def _conversion_kind(value: Any) -> ConversionKind:
    return _to_member(ConversionKind, "kind", value)


def _status_group(value: Any) -> StatusGroup | None:
    return None if value is None else _to_member(StatusGroup, "status_group", value)


def _activity_kind(value: Any) -> ActivityKind:
    return _to_member(ActivityKind, "kind", value)


def _account_type(value: Any) -> AccountType | None:
    return None if value is None else _to_member(AccountType, "account_type", value)


def _default_sender(direction: Direction) -> Sender:
    return Sender.CUSTOMER if direction is Direction.IN else Sender.USER


@attrs.frozen(kw_only=True)
class Team:
    """A store, team, business unit or dealership, with its calendar's id.

    ``calendar_history``: the changes of its hours over time (v1.1), ``since``
    strictly increasing; before the first one ``calendar`` is in force.
    """

    id: str = attrs.field(validator=_text)
    name: str | None = None
    calendar: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    parent: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    calendar_history: tuple[CalendarChange, ...] = attrs.field(default=(), converter=tuple)


@attrs.frozen(kw_only=True)
class CalendarChange:
    """From ``since`` on, a team's hours are those of the calendar ``calendar`` (an id)."""

    since: datetime = attrs.field(validator=_instant)
    calendar: str = attrs.field(validator=_text)


@attrs.frozen(kw_only=True)
class User:
    """A sales rep, agent or colleague; belongs to one team."""

    id: str = attrs.field(validator=_text)
    first_name: str | None = None
    last_name: str | None = None
    code: str | None = None
    team: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))


@attrs.frozen(kw_only=True)
class Customer:
    """A person or account."""

    id: str = attrs.field(validator=_text)
    account_type: AccountType | None = attrs.field(default=None, converter=_account_type)
    brand: str | None = None


@attrs.frozen(kw_only=True)
class Thread:
    """Every message with one customer; ``team`` is the initial holder."""

    id: str = attrs.field(validator=_text)
    team: str = attrs.field(validator=_text)
    customer: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    assignee: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))


@attrs.frozen(kw_only=True)
class Message:
    """One message of a thread.

    ``sender`` defaults to ``customer`` for inbound and ``user`` for outbound
    messages. ``index`` is the message's position in its input section; it
    breaks ties between equal instants ("ties keep input order").
    """

    thread: str = attrs.field(validator=_text)
    at: datetime = attrs.field(validator=_instant)
    direction: Direction = attrs.field(converter=_direction)
    sender: Sender = attrs.field(
        default=attrs.Factory(lambda self: _default_sender(self.direction), takes_self=True),
        converter=_sender,
    )
    id: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    user: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    team: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
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

    thread: str = attrs.field(validator=_text)
    at: datetime = attrs.field(validator=_instant)
    type: EventType = attrs.field(converter=_event_type)
    id: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    to_team: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    to_user: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    status: Status | None = attrs.field(default=None, converter=_status)
    user: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    index: int = 0

    @property
    def moves_thread(self) -> bool:
        """True for a transfer or an escalation (the thread changes team)."""
        return self.type in (EventType.TRANSFER, EventType.ESCALATION)


@attrs.frozen(kw_only=True)
class Session:
    """A user's connection, from login to logout (``end`` None: still open)."""

    user: str = attrs.field(validator=_text)
    start: datetime = attrs.field(validator=_instant)
    end: datetime | None = attrs.field(default=None, validator=attrs.validators.optional(_instant))
    index: int = 0


@attrs.frozen(kw_only=True)
class Conversion:
    """A lead's conversion into an order or a sale, at an instant."""

    kind: ConversionKind = attrs.field(converter=_conversion_kind)
    at: datetime = attrs.field(validator=_instant)


@attrs.frozen(kw_only=True)
class Lead:
    """An inbound opportunity (piste, обращение)."""

    id: str = attrs.field(validator=_text)
    received_at: datetime = attrs.field(validator=_instant)
    customer: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    type: str | None = None
    source: str | None = None
    source_group: str | None = None
    category: str | None = None
    team: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    store: str | None = None
    assignee: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    status: str | None = None
    status_group: StatusGroup | None = attrs.field(default=None, converter=_status_group)
    conversions: tuple[Conversion, ...] = ()


@attrs.frozen(kw_only=True)
class Activity:
    """A logged or in-app action by a user.

    ``at`` is when it was done (completed) or set (appointments).
    """

    user: str = attrs.field(validator=_text)
    kind: ActivityKind = attrs.field(converter=_activity_kind)
    at: datetime = attrs.field(validator=_instant)
    id: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    customer: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    lead: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    smart_list: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    completed: bool = True
    automated: bool = False
    answered: bool | None = None
    duration_seconds: float | None = None
    due_at: datetime | None = attrs.field(default=None, validator=attrs.validators.optional(_instant))
    index: int = 0


@attrs.frozen(kw_only=True)
class SmartList:
    """A named list of customer accounts that its users work through."""

    id: str = attrs.field(validator=_text)
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
