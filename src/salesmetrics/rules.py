"""Attribution, transfer and outlier rules: frozen values with the definitions' rules as defaults.

Rules are plain values, passed to the conversation metrics as keyword
arguments; the defaults are docs/definitions.md §2's rules.

* :class:`MessageTeam` — which team a message speaks for. Sources combine
  with ``+`` in order of preference (``MESSAGE_FIELD + USER_TEAM``); the team
  holding the thread is always the last resort. Default
  :data:`DEFAULT_MESSAGE_TEAM` (docs/definitions.md §2.1 Decision).
* :class:`ContactTeam` — which team a contact counts for:
  :data:`HOLDER_AT_OPEN` (docs/definitions.md §2.2, default) or
  :data:`HOLDER_AT_CLOSE` (credits a transferred contact to the receiving
  team).
* :class:`OwnerRule` — which team a conversation counts for:
  :data:`FIRST_REPLY_ELSE_HOLDER` (docs/definitions.md §2.1, default) or
  :data:`FIRST_MESSAGE_TEAM`.
* Outlier policies for durations: :data:`NO_OUTLIERS` (default),
  :class:`Tukey` fences, :class:`Cap`.
* First-response rules (v1.1): :class:`ResponseRules` bundles (``start``,
  ``stop``, ``status``, ``calendar``) combined with ``+``, and the named
  :data:`PROFILES` (``instaply`` default, ``zendesk``, ``dbt_zendesk``,
  ``dbt_hubspot``), each with its clock.

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
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from salesmetrics._values import finite_number
from salesmetrics.errors import SalesmetricsError
from salesmetrics.model import Message

if TYPE_CHECKING:
    from salesmetrics.timeline import Contact, Conversation

__all__ = [
    "ANY_REPLY",
    "DEFAULT_MESSAGE_TEAM",
    "DEFAULT_PROFILE",
    "DEFAULT_RESPONSE_RULES",
    "FIRST_MESSAGE",
    "FIRST_MESSAGE_TEAM",
    "FIRST_REPLY_ELSE_HOLDER",
    "HOLDER_AT_CLOSE",
    "HOLDER_AT_OPEN",
    "HOLDER_ONLY",
    "HOLDING_TEAMS",
    "HUMAN_REPLY",
    "MESSAGE_FIELD",
    "NO_OUTLIERS",
    "PROFILES",
    "REPLYING_TEAM",
    "REPLYING_TEAM_AT_STOP",
    "RESPONSE_RULES",
    "RESTART_AT_TRANSFER",
    "STATUS_EXCLUDES",
    "STATUS_IGNORED",
    "USER_TEAM",
    "Cap",
    "ContactTeam",
    "MessageTeam",
    "NoOutliers",
    "OutlierPolicy",
    "OwnerRule",
    "Profile",
    "ResponseRules",
    "Tukey",
    "profile_named",
    "reading",
    "to_rules",
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
#: docs/definitions.md §2.1 Decision: the message's team, else its user's, else the holder.
DEFAULT_MESSAGE_TEAM = MESSAGE_FIELD + USER_TEAM


@attrs.frozen
class ContactTeam:
    """Which team a contact counts for (docs/definitions.md §2.2).

    ``"open"``: the team holding the thread when the contact opened, whatever
    happens later (transferred away before a reply → unanswered for it).
    ``"close"``: the team holding it when the contact closed (or at ``as_of``
    when still open), so a transferred contact counts for the receiving team.
    """

    at: str = attrs.field(validator=attrs.validators.in_(("open", "close")))

    def team_of(self, contact: Contact) -> str:
        """The team the contact counts for under this rule."""
        return contact.team if self.at == "open" else contact.holder_at_close


HOLDER_AT_OPEN = ContactTeam("open")
HOLDER_AT_CLOSE = ContactTeam("close")


@attrs.frozen
class OwnerRule:
    """Which team a conversation counts for (docs/definitions.md §2.1 owner team).

    ``"first_reply"``: outbound → the team of its first message; inbound → the
    team of the first human reply, else the team holding the thread at
    ``as_of``. ``"first_message"``: always the team of its first message.
    """

    rule: str = attrs.field(validator=attrs.validators.in_(("first_reply", "first_message")))

    def owner_of(self, conv: Conversation) -> tuple[str, str]:
        """The conversation's owner team under this rule, and why."""
        if self.rule == "first_message" or not conv.is_inbound:
            return conv.first_team, "team of the first message"
        if conv.first_reply is not None:
            return conv.first_reply.team, f"first human reply {conv.first_reply.ref}"
        return conv.holder_at_end, "no human reply: team holding the thread at as_of"


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
    """Exclude nothing (the default, docs/definitions.md §2.3 Decision)."""

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


# -- first response time rules and vendor profiles (v1.1) ---------------------

#: Each first-response rule and its values, the default (v1's reading) first.
RESPONSE_RULES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "start": ("restart_at_transfer", "first_message"),
    "stop": ("human_reply", "any_reply"),
    "status": ("excludes", "ignored"),
    "calendar": ("replying_team", "replying_team_at_stop", "holding_teams"),
})


def _check_rule(inst: ResponseRules, attribute: attrs.Attribute[str | None],
                value: str | None) -> None:
    allowed = RESPONSE_RULES[attribute.name]
    if value is not None and value not in allowed:
        raise ValueError(f"unknown {attribute.name} rule {value!r}; known: {', '.join(allowed)}")


def _rule_field() -> Any:
    return attrs.field(default=None, validator=_check_rule, kw_only=True)


@attrs.frozen
class ResponseRules:
    """A bundle of first-response rules (v1.1); a rule left None takes its default.

    Rule constants are one-rule bundles that combine with ``+``, the right
    one's rules overriding the left's (``FIRST_MESSAGE + ANY_REPLY``):

    * ``start``: :data:`RESTART_AT_TRANSFER` (default: the clock restarts at
      each transfer or escalation from the first message up to the stop) or
      :data:`FIRST_MESSAGE` (never restarts);
    * ``stop``: :data:`HUMAN_REPLY` (default: the first human outbound
      message) or :data:`ANY_REPLY` (the first outbound message, automated
      included);
    * ``status``: :data:`STATUS_EXCLUDES` (default: a manual status change
      before the stop removes the conversation) or :data:`STATUS_IGNORED`;
    * ``calendar``: :data:`REPLYING_TEAM` (default: the stopping team's
      calendar, its history cut into pieces), :data:`REPLYING_TEAM_AT_STOP`
      (its calendar in force at the stop, for the whole interval) or
      :data:`HOLDING_TEAMS` (each piece on the calendar in force for the team
      holding the thread during it).

    >>> FIRST_MESSAGE + ANY_REPLY
    ResponseRules(start='first_message', stop='any_reply', status=None, calendar=None)
    >>> (FIRST_MESSAGE + ANY_REPLY).resolved().start, ResponseRules().resolved().stop
    ('first_message', 'human_reply')
    >>> ResponseRules(stop="bot")
    Traceback (most recent call last):
    ...
    ValueError: unknown stop rule 'bot'; known: human_reply, any_reply
    """

    start: str | None = _rule_field()
    stop: str | None = _rule_field()
    status: str | None = _rule_field()
    calendar: str | None = _rule_field()

    def __add__(self, other: object) -> ResponseRules:
        if not isinstance(other, ResponseRules):
            return NotImplemented
        return ResponseRules(**{k: (v if v is not None else getattr(self, k))
                                for k, v in attrs.asdict(other).items()})

    def resolved(self) -> ResponseRules:
        """Every rule set: the defaults filled in."""
        if None not in (self.start, self.stop, self.status, self.calendar):
            return self
        return ResponseRules(**{k: (getattr(self, k) or RESPONSE_RULES[k][0])
                                for k in RESPONSE_RULES})

    def differs(self, other: ResponseRules) -> tuple[str, ...]:
        """The names of the rules on which two bundles (resolved) differ."""
        a, b = self.resolved(), other.resolved()
        return tuple(k for k in RESPONSE_RULES if getattr(a, k) != getattr(b, k))

    @classmethod
    def from_mapping(cls, rules: Mapping[str, str]) -> ResponseRules:
        """A bundle from ``{rule: value}``.

        Raises:
            ValueError: an unknown rule name or value.
        """
        for key in rules:
            if key not in RESPONSE_RULES:
                raise ValueError(f"unknown rule {key!r}; known: {', '.join(RESPONSE_RULES)}")
        return cls(**rules)


RESTART_AT_TRANSFER = ResponseRules(start="restart_at_transfer")
FIRST_MESSAGE = ResponseRules(start="first_message")
HUMAN_REPLY = ResponseRules(stop="human_reply")
ANY_REPLY = ResponseRules(stop="any_reply")
STATUS_EXCLUDES = ResponseRules(status="excludes")
STATUS_IGNORED = ResponseRules(status="ignored")
REPLYING_TEAM = ResponseRules(calendar="replying_team")
REPLYING_TEAM_AT_STOP = ResponseRules(calendar="replying_team_at_stop")
HOLDING_TEAMS = ResponseRules(calendar="holding_teams")
#: v1's reading (definitions 2.3): every rule at its default.
DEFAULT_RESPONSE_RULES = ResponseRules().resolved()


@attrs.frozen
class Profile:
    """A named whole reading of first response time: its rules, its clock and whose it is."""

    name: str
    rules: ResponseRules
    clock: str
    source: str


PROFILES: Mapping[str, Profile] = MappingProxyType({p.name: p for p in (
    Profile("instaply", DEFAULT_RESPONSE_RULES, "business",
            "Instaply's statistics guide (the default reading)"),
    Profile("zendesk", FIRST_MESSAGE + HUMAN_REPLY + STATUS_IGNORED + REPLYING_TEAM_AT_STOP,
            "business", "Zendesk Support first reply time: one event, on the schedule in "
            "force at the event; bot replies do not count"),
    Profile("dbt_zendesk", FIRST_MESSAGE + HUMAN_REPLY + STATUS_IGNORED + HOLDING_TEAMS,
            "business", "Fivetran dbt_zendesk first_reply_time_business_minutes: summed over "
            "every schedule the ticket held"),
    Profile("dbt_hubspot", FIRST_MESSAGE + ANY_REPLY + STATUS_IGNORED + REPLYING_TEAM,
            "wall", "Fivetran dbt_hubspot first_response_time_seconds: first incoming to "
            "first outgoing message"),
)})
"""The named profiles: ``instaply`` (default), ``zendesk``, ``dbt_zendesk``, ``dbt_hubspot``."""

DEFAULT_PROFILE = PROFILES["instaply"]


def profile_named(name: str | None) -> Profile:
    """The profile of a name (None: the default, ``instaply``).

    >>> profile_named("dbt_hubspot").clock
    'wall'
    >>> profile_named("freshdesk")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: profile: unknown profile 'freshdesk'; known: instaply, zendesk, dbt_zendesk, dbt_hubspot

    Raises:
        SalesmetricsError: ``invalid_option`` at ``profile`` for an unknown name.
    """
    if name is None:
        return DEFAULT_PROFILE
    found = PROFILES.get(name) if isinstance(name, str) else None
    if found is None:
        raise SalesmetricsError("invalid_option", "profile",
                                f"unknown profile {name!r}; known: {', '.join(PROFILES)}")
    return found


def to_rules(rules: ResponseRules | Mapping[str, str] | None) -> ResponseRules | None:
    """Rules given as a bundle or as ``{rule: value}`` (a case file's ``rules``), checked.

    >>> to_rules({"stop": "any_reply"}) == ANY_REPLY
    True
    >>> to_rules({"stop": "bot_reply"})
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: rules.stop: unknown stop rule 'bot_reply'; values: human_reply, any_reply

    Raises:
        SalesmetricsError: ``invalid_option`` at ``rules`` (not a mapping) or
            ``rules.<rule>`` (an unknown rule or value).
    """
    if rules is None or isinstance(rules, ResponseRules):
        return rules
    if not isinstance(rules, Mapping):
        raise SalesmetricsError("invalid_option", "rules",
                                "rules is a mapping {rule: value}; rules: "
                                + ", ".join(RESPONSE_RULES))
    for key, value in rules.items():
        allowed = RESPONSE_RULES.get(key) if isinstance(key, str) else None
        if allowed is None:
            raise SalesmetricsError("invalid_option", f"rules.{key}",
                                    f"unknown rule {key!r}; rules: {', '.join(RESPONSE_RULES)}")
        if value not in allowed:
            raise SalesmetricsError("invalid_option", f"rules.{key}",
                                    f"unknown {key} rule {value!r}; values: {', '.join(allowed)}")
    return ResponseRules(**rules)


def reading(profile: Profile | str | None = None,
            rules: ResponseRules | Mapping[str, str] | None = None
            ) -> tuple[ResponseRules, str]:
    """The resolved rules and the clock name of a profile with explicit rules over it.

    >>> r, clock = reading("zendesk", ANY_REPLY)
    >>> r.start, r.stop, clock
    ('first_message', 'any_reply', 'business')

    Raises:
        SalesmetricsError: ``invalid_option`` at ``profile``, ``rules`` or
            ``rules.<rule>``.
    """
    p = profile if isinstance(profile, Profile) else profile_named(profile)
    explicit = to_rules(rules)
    merged = p.rules + explicit if explicit is not None else p.rules
    return merged.resolved(), p.clock
