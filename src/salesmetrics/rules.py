"""Attribution, transfer and outlier rules: frozen values with METRICS.md's rules as defaults.

Rules are plain values, passed to the conversation metrics as keyword
arguments; the defaults are METRICS.md §2's rules.

* :class:`MessageTeam` — which team a message speaks for. Sources combine
  with ``+`` in order of preference (``MESSAGE_FIELD + USER_TEAM``); the team
  holding the thread is always the last resort. Default
  :data:`DEFAULT_MESSAGE_TEAM` (METRICS.md 2.1 Decision).
* :class:`ContactTeam` — which team a contact counts for:
  :data:`HOLDER_AT_OPEN` (METRICS.md 2.2, default) or
  :data:`HOLDER_AT_CLOSE` (credits a transferred contact to the receiving
  team).
* :class:`OwnerRule` — which team a conversation counts for:
  :data:`FIRST_REPLY_ELSE_HOLDER` (METRICS.md 2.1, default) or
  :data:`FIRST_MESSAGE_TEAM`.
* Outlier policies for durations: :data:`NO_OUTLIERS` (default),
  :class:`Tukey` fences, :class:`Cap`.

>>> DEFAULT_MESSAGE_TEAM
MessageTeam(sources=('message', 'user'))
>>> Tukey(k=1.5).split([10, 11, 12, 13, 1000])
((10.0, 11.0, 12.0, 13.0), (1000.0,))
>>> Cap(seconds=60).split([30, 90])
((30.0,), (90.0,))
>>> NO_OUTLIERS.split([1, 2])
((1.0, 2.0), ())
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

import attrs

from salesmetrics._values import finite_number
from salesmetrics.model import Message

__all__ = [
    "DEFAULT_MESSAGE_TEAM",
    "FIRST_MESSAGE_TEAM",
    "FIRST_REPLY_ELSE_HOLDER",
    "HOLDER_AT_CLOSE",
    "HOLDER_AT_OPEN",
    "HOLDER_ONLY",
    "MESSAGE_FIELD",
    "NO_OUTLIERS",
    "USER_TEAM",
    "Cap",
    "ContactTeam",
    "MessageTeam",
    "NoOutliers",
    "OutlierPolicy",
    "OwnerRule",
    "Tukey",
]

_SOURCES = ("message", "user")


def _to_sources(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _check_sources(inst: MessageTeam, attribute: attrs.Attribute[tuple[str, ...]],
                   value: tuple[str, ...]) -> None:
    for s in value:
        if s not in _SOURCES:
            raise ValueError(f"unknown message team source {s!r}; known: {', '.join(_SOURCES)}")


@attrs.frozen
class MessageTeam:
    """Which team a message speaks for: the first of ``sources`` that names one.

    Sources: ``"message"`` (the message's own ``team`` field) and ``"user"``
    (for a human outbound message, its user's team). When none names a team,
    the team holding the thread at that point of the walk is used.

    >>> from datetime import datetime, timezone
    >>> from salesmetrics.model import Direction
    >>> m = Message(thread="t", at=datetime(2026, 1, 1, tzinfo=timezone.utc),
    ...             direction=Direction.OUT, user="u1")
    >>> DEFAULT_MESSAGE_TEAM.team_of(m, user_team="B", holder="A")
    'B'
    >>> HOLDER_ONLY.team_of(m, user_team="B", holder="A")
    'A'
    """

    sources: tuple[str, ...] = attrs.field(converter=_to_sources, validator=_check_sources)

    def __add__(self, other: object) -> MessageTeam:
        if not isinstance(other, MessageTeam):
            return NotImplemented
        return MessageTeam(self.sources + tuple(s for s in other.sources
                                                if s not in self.sources))

    def team_of(self, message: Message, *, user_team: str | None, holder: str) -> str:
        """The team of ``message``; ``user_team`` is its user's team, ``holder`` the thread's."""
        for source in self.sources:
            if source == "message" and message.team is not None:
                return message.team
            if source == "user" and message.is_human_outbound and user_team is not None:
                return user_team
        return holder


#: The message's own ``team`` field.
MESSAGE_FIELD = MessageTeam(("message",))
#: A human outbound message's user's team.
USER_TEAM = MessageTeam(("user",))
#: Always the team holding the thread.
HOLDER_ONLY = MessageTeam(())
#: METRICS.md 2.1 Decision: the message's team, else its user's, else the holder.
DEFAULT_MESSAGE_TEAM = MESSAGE_FIELD + USER_TEAM


@attrs.frozen
class ContactTeam:
    """Which team a contact counts for (METRICS.md 2.2).

    ``"open"``: the team holding the thread when the contact opened, whatever
    happens later (transferred away before a reply → unanswered for it).
    ``"close"``: the team holding it when the contact closed (or at ``as_of``
    when still open), so a transferred contact counts for the receiving team.
    """

    at: str = attrs.field(validator=attrs.validators.in_(("open", "close")))


HOLDER_AT_OPEN = ContactTeam("open")
HOLDER_AT_CLOSE = ContactTeam("close")


@attrs.frozen
class OwnerRule:
    """Which team a conversation counts for (METRICS.md 2.1 owner team).

    ``"first_reply"``: outbound → the team of its first message; inbound → the
    team of the first human reply, else the team holding the thread at
    ``as_of``. ``"first_message"``: always the team of its first message.
    """

    rule: str = attrs.field(validator=attrs.validators.in_(("first_reply", "first_message")))


FIRST_REPLY_ELSE_HOLDER = OwnerRule("first_reply")
FIRST_MESSAGE_TEAM = OwnerRule("first_message")


# -- outlier policies ---------------------------------------------------------


@runtime_checkable
class OutlierPolicy(Protocol):
    """A rule that excludes extreme durations of one group.

    ``bounds(values)`` gives ``(low, high)``: a value is excluded when it is
    below ``low`` or above ``high``. The decision depends on the value only,
    so equal values share it.
    """

    @property
    def name(self) -> str:
        """The policy's name (``"tukey"``)."""
        ...

    def bounds(self, values: Sequence[float]) -> tuple[float, float]:
        """The inclusive range of values kept."""
        ...


def _split(policy: OutlierPolicy, values: Iterable[float]
           ) -> tuple[tuple[float, ...], tuple[float, ...]]:
    vals = sorted(float(v) for v in values)
    lo, hi = policy.bounds(vals)
    kept = tuple(v for v in vals if lo <= v <= hi)
    excluded = tuple(v for v in vals if v < lo or v > hi)
    return kept, excluded


@attrs.frozen
class NoOutliers:
    """Exclude nothing (the default, METRICS.md 2.3 Decision)."""

    name: str = attrs.field(default="none", init=False)

    def bounds(self, values: Sequence[float]) -> tuple[float, float]:
        """Everything is kept."""
        return (-math.inf, math.inf)

    def split(self, values: Iterable[float]) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """``(kept, excluded)``, each sorted."""
        return _split(self, values)


def _at_least_zero(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    """A rule's parameter: a finite number at least 0 (NaN would exclude all and count none)."""
    finite_number(value, attribute.name, "invalid_option", minimum=0)


@attrs.frozen
class Tukey:
    """Tukey fences: exclude values below Q1 − k·IQR or above Q3 + k·IQR.

    Quartiles by ``statistics.quantiles(values, n=4, method="inclusive")``;
    fewer than two values → nothing excluded.

    >>> Tukey(k=1.5).bounds([1, 2, 3, 4, 5])
    (-1.0, 7.0)

    Raises:
        SalesmetricsError: ``invalid_option`` at ``k`` when ``k`` is not a
            finite number at least 0.
    """

    k: float = attrs.field(default=1.5, validator=_at_least_zero)
    name: str = attrs.field(default="tukey", init=False)

    def bounds(self, values: Sequence[float]) -> tuple[float, float]:
        """``(Q1 − k·IQR, Q3 + k·IQR)``."""
        if len(values) < 2:
            return (-math.inf, math.inf)
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        iqr = q3 - q1
        return (q1 - self.k * iqr, q3 + self.k * iqr)

    def split(self, values: Iterable[float]) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """``(kept, excluded)``, each sorted."""
        return _split(self, values)


@attrs.frozen
class Cap:
    """A fixed cap: exclude values above ``seconds``.

    Raises:
        SalesmetricsError: ``invalid_option`` at ``seconds`` when ``seconds``
            is not a finite number at least 0.
    """

    seconds: float = attrs.field(validator=_at_least_zero)
    name: str = attrs.field(default="cap", init=False)

    def bounds(self, values: Sequence[float]) -> tuple[float, float]:
        """``(-inf, seconds)``."""
        return (-math.inf, float(self.seconds))

    def split(self, values: Iterable[float]) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """``(kept, excluded)``, each sorted."""
        return _split(self, values)


#: The default outlier policy: exclude nothing.
NO_OUTLIERS = NoOutliers()
