"""Why do the numbers differ? First response time under several profiles, side by side (v1.1).

:func:`compare_profiles` computes :func:`~salesmetrics.metrics.response_time`
under each profile (per team, or per user) and, per new inbound conversation,
each profile's value with the rules that made it differ from the first
profile's (the baseline): each rule (and the clock) on which a profile
differs from the baseline is switched alone on the baseline's reading; the
rules whose switch alone changes the conversation's outcome (value, team or
status) are the ones named. When no single switch does (the rules only act
together), every differing rule is named.

>>> from salesmetrics.load import from_dict
>>> from salesmetrics.period import Period
>>> from datetime import datetime
>>> ds = from_dict({"teams": [{"id": "A"}], "threads": [{"id": "t", "team": "A"}],
...     "messages": [{"thread": "t", "at": "2026-03-02T09:00:00Z", "direction": "in"},
...                  {"thread": "t", "at": "2026-03-02T09:01:00Z", "direction": "out",
...                   "sender": "auto"},
...                  {"thread": "t", "at": "2026-03-02T09:05:00Z", "direction": "out"}]})
>>> week = Period(datetime.fromisoformat("2026-03-02T00:00:00+00:00"),
...               datetime.fromisoformat("2026-03-09T00:00:00+00:00"))
>>> cmp = compare_profiles(ds, period=week, profiles=("instaply", "dbt_hubspot"), by="team")
>>> {p: s["mean"] for p, s in cmp.summary()["A"].items()}
{'instaply': 300.0, 'dbt_hubspot': 60.0}
>>> row = differing(cmp)[0]
>>> row.values, row.differs_by
({'instaply': 300.0, 'dbt_hubspot': 60.0}, {'instaply': (), 'dbt_hubspot': ('stop',)})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from salesmetrics.calendars import clock_named
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.metrics._args import check_dataset
from salesmetrics.metrics._common import check_by
from salesmetrics.metrics._partial import Result
from salesmetrics.metrics.responses import (
    ResponseTime,
    conversation_response,
    response_time,
)
from salesmetrics.period import Period
from salesmetrics.rules import (
    DEFAULT_MESSAGE_TEAM,
    NO_OUTLIERS,
    PROFILES,
    MessageTeam,
    OutlierPolicy,
    Profile,
    ResponseRules,
    profile_named,
)
from salesmetrics.timeline import DEFAULT_GAP_SECONDS, timelines

__all__ = ["ProfileRow", "compare_profiles", "differing"]


@attrs.frozen
class ProfileRow:
    """One new inbound conversation read by each profile.

    ``values``, ``teams``, ``statuses``: per profile, the value (None when it
    has none), the group it counts for and its status (``counted``,
    ``no_reply``, ``removed_by_status``); ``differs_by``: per profile, the
    rules (and ``clock``) that made its outcome differ from the baseline's
    (empty when the outcome is the same); ``why``: a sentence per profile.
    """

    thread: str
    number: int
    start: datetime
    values: Mapping[str, float | None]
    teams: Mapping[str, str | None]
    statuses: Mapping[str, str]
    differs_by: Mapping[str, tuple[str, ...]]
    why: Mapping[str, str]

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Thread, then conversation number."""
        return (self.thread, self.number)

    @property
    def differs(self) -> bool:
        """Whether some profile's outcome differs from the baseline's."""
        return any(self.differs_by.values())


def differing(result: Result[Mapping[str, ResponseTime], ProfileRow]) -> tuple[ProfileRow, ...]:
    """The conversations of a :func:`compare_profiles` result some profile reads differently."""
    if not isinstance(result, Result) or result.metric != "compare_profiles":
        raise SalesmetricsError("invalid_value", "result", "a compare_profiles Result is "
                                f"needed, not {type(result).__name__}")
    return tuple(r for r in result.rows if r.differs)


_Outcome = tuple[str, str | None, float | None]


def compare_profiles(
    dataset: Dataset,
    /,
    *,
    period: Period,
    profiles: Sequence[Profile | str] = tuple(PROFILES),
    as_of: datetime | None = None,
    by: str | None = None,
    outliers: OutlierPolicy | Mapping[str, Any] | None = NO_OUTLIERS,
    targets: Sequence[float] | None = None,
    gap_seconds: float = DEFAULT_GAP_SECONDS,
    message_team: MessageTeam = DEFAULT_MESSAGE_TEAM,
) -> Result[Mapping[str, ResponseTime], ProfileRow]:
    """First response time under each profile, per group, with the conversations that differ.

    Is equivalent to::

        groups = {p: response_time(dataset, period=period, profile=p, by=by, ...)
                  for p in profiles}
        rows = [{p: conversation_response(conv, rules=p.rules, clock=p.clock)
                 for p in profiles} for conv in new inbound conversations in period]

    with, per row and profile, the rules that alone turn the baseline's
    (first profile's) outcome into a different one. Every group appears, with
    every profile. The result's ``groups[group][profile]`` and
    ``overall[profile]`` are :class:`ResponseTime` figures; its ``rows`` one
    :class:`ProfileRow` per new inbound conversation (:func:`differing` keeps
    those some profile reads differently).

    Raises:
        SalesmetricsError: ``invalid_option`` at ``profiles`` (none, an unknown
            name, or a name given twice), ``by``, ``outliers`` or ``targets``.
    """
    check_dataset(dataset)
    check_by(by, ("team", "user"))
    if isinstance(profiles, str | bytes) or not isinstance(profiles, Sequence):
        raise SalesmetricsError("invalid_option", "profiles",
                                f"profiles is a list of profile names, not {profiles!r}")
    chosen = []
    for p in profiles:
        if isinstance(p, Profile):
            chosen.append(p)
            continue
        try:
            chosen.append(profile_named(p))
        except SalesmetricsError as exc:
            raise SalesmetricsError("invalid_option", "profiles", exc.message) from None
    if not chosen:
        raise SalesmetricsError("invalid_option", "profiles", "give at least one profile")
    names = tuple(p.name for p in chosen)
    if len(set(names)) != len(names):
        raise SalesmetricsError("invalid_option", "profiles",
                                f"profiles named twice: {', '.join(names)}")
    results = {p.name: response_time(dataset, period=period, as_of=as_of, by=by,
                                     outliers=outliers, targets=targets,
                                     gap_seconds=gap_seconds, message_team=message_team,
                                     profile=p) for p in chosen}
    keys = sorted({k for r in results.values() for k in r.groups})
    groups = {k: {n: results[n].groups[k] for n in names} for k in keys}
    overall = {n: results[n].overall for n in names}

    base = chosen[0]
    rows = []
    for tl in timelines(dataset, as_of=as_of, gap_seconds=gap_seconds,
                        message_team=message_team):
        for c in tl.conversations:
            if not c.is_inbound or not period.contains(c.start):
                continue

            def outcome(rules: ResponseRules, clock: str) -> tuple[_Outcome, str]:
                fr = conversation_response(dataset, tl, c, rules=rules,  # noqa: B023
                                           clock=clock_named(clock))
                group = fr.user if by == "user" else fr.team
                return (fr.status, group, fr.seconds), fr.why

            base_out, _ = outcome(base.rules, base.clock)
            values: dict[str, float | None] = {}
            teams: dict[str, str | None] = {}
            statuses: dict[str, str] = {}
            differs: dict[str, tuple[str, ...]] = {}
            why: dict[str, str] = {}
            for p in chosen:
                out, why[p.name] = outcome(p.rules, p.clock)
                statuses[p.name], teams[p.name], values[p.name] = out
                differs[p.name] = () if out == base_out else _culprits(base, p, base_out, outcome)
            rows.append(ProfileRow(thread=c.thread, number=c.number, start=c.start,
                                   values=values, teams=teams, statuses=statuses,
                                   differs_by=differs, why=why))
    return Result("compare_profiles", by, groups if by is not None else {}, overall,
                  tuple(sorted(rows, key=lambda r: r.sort_key)))


def _culprits(base: Profile, other: Profile, base_out: _Outcome,
              outcome: Any) -> tuple[str, ...]:
    """The rules (and ``clock``) whose switch alone turns the baseline's outcome into another."""
    changed = list(base.rules.differs(other.rules))
    if base.clock != other.clock:
        changed.append("clock")
    alone = []
    for name in changed:
        if name == "clock":
            out, _ = outcome(base.rules, other.clock)
        else:
            rules = base.rules + ResponseRules(**{name: getattr(other.rules.resolved(), name)})
            out, _ = outcome(rules, base.clock)
        if out != base_out:
            alone.append(name)
    return tuple(alone) if alone else tuple(changed)
