"""A deterministic generator of realistic example datasets (a network of three stores).

:func:`generate` returns a docs/case-format.md dataset dict; :func:`iter_records`
yields the same records one by one (``(section, record)``), which is how
:func:`write` streams datasets of millions of messages to JSON Lines (or JSON)
without holding them in memory. The output depends only on the arguments:
the randomness is ``random.Random(seed)`` and the wall clock is never read.

The network:

* ``paris`` — Paris Opéra, Europe/Paris, Mon–Fri 09:00–12:00 and 13:00–18:00,
  Sat 10:00–16:00, French holidays, closed one Saturday for inventory;
* ``montreal`` — Montréal Centre, America/Toronto, Mon–Fri 09:00–19:00,
  Quebec holidays;
* ``online`` — the online team's overnight shift, UTC, every day 22:00–06:00.

Eight reps with names and codes; customers of every account type and brand;
one thread per customer, on sms, widget, sdk, ivr or messenger; inbound and
outbound messages, auto-replies outside open hours and campaigns (sender
``auto``), replies in open hours after realistic delays, some never; transfers
and escalations between teams, assignments, status changes, notes and
mentions; sessions (the last ones still open); leads with types, sources,
categories, stores, assignees, statuses (lost reasons as statuses) and
conversions; logged activities of every kind, linked to leads, customers and
two smart lists. Instants carry the local offset of the team concerned.

>>> data = generate(seed=1, messages=200, weeks=1)
>>> len(data["messages"]), sorted(data["calendars"])
(200, ['montreal', 'overnight', 'paris'])
>>> generate(seed=1, messages=200, weeks=1) == data
True
>>> from salesmetrics.load import from_dict
>>> from_dict(data).messages[0].at.isoformat()[:10] >= "2026-03-02"
True

The package ships one dataset made by this generator (``--seed 0 --messages
2000 --weeks 4``): :func:`example_path` is its file and :data:`EXAMPLE_PERIOD`
its second week, the period ``salesmetrics report --example`` reports on.

>>> example_path().name, EXAMPLE_PERIOD.start.isoformat()
('store_network.json', '2026-03-09T00:00:00+01:00')
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import json
import math
import os
import random
import sys
import tempfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from salesmetrics._values import command_line
from salesmetrics.period import Period

__all__ = ["DEFAULT_START", "EXAMPLE_PERIOD", "example_path", "generate", "iter_records", "main",
           "write"]

#: The first day of the default example (a Monday).
DEFAULT_START = date(2026, 3, 2)

_PARIS_WINTER = timezone(timedelta(hours=1))

#: The bundled example's second week, Monday to Monday in Paris time: the
#: default period of ``salesmetrics report --example``.
EXAMPLE_PERIOD = Period(datetime(2026, 3, 9, tzinfo=_PARIS_WINTER),
                        datetime(2026, 3, 16, tzinfo=_PARIS_WINTER))


def example_path() -> Path:
    """The bundled example dataset (``store_network.json``), installed with the package.

    Three stores over four weeks from Monday 2 March 2026, as written by
    ``python -m salesmetrics.examples --seed 0 --messages 2000 --weeks 4``.
    """
    return Path(str(resources.files("salesmetrics") / "data" / "store_network.json"))

_SECTIONS = (
    "calendars", "teams", "users", "customers", "threads", "messages", "thread_events",
    "sessions", "leads", "activities", "smart_lists",
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_CALENDARS: dict[str, dict[str, Any]] = {
    "paris": {
        "timezone": "Europe/Paris",
        "weekly": {**{d: [["09:00", "12:00"], ["13:00", "18:00"]] for d in _WEEKDAYS[:5]},
                   "sat": [["10:00", "16:00"]]},
        "holidays": {"country": "FR"},
    },
    "montreal": {
        "timezone": "America/Toronto",
        "weekly": {d: [["09:00", "19:00"]] for d in _WEEKDAYS[:5]},
        "holidays": {"country": "CA", "subdiv": "QC"},
    },
    "overnight": {
        "timezone": "UTC",
        "weekly": {d: [["22:00", "06:00"]] for d in _WEEKDAYS},
    },
}

# id, name, calendar, parent
_TEAMS = (
    ("paris", "Paris Opéra", "paris"),
    ("montreal", "Montréal Centre", "montreal"),
    ("online", "Online (overnight)", "overnight"),
)

# id, first, last, code, team
_USERS = (
    ("u-camille", "Camille", "Durand", "PAR01", "paris"),
    ("u-hugo", "Hugo", "Martin", "PAR02", "paris"),
    ("u-lea", "Léa", "Bernard", "PAR03", "paris"),
    ("u-emile", "Émile", "Tremblay", "MTL01", "montreal"),
    ("u-chloe", "Chloé", "Gagnon", "MTL02", "montreal"),
    ("u-olivier", "Olivier", "Roy", "MTL03", "montreal"),
    ("u-sam", "Sam", "Okafor", "WEB01", "online"),
    ("u-priya", "Priya", "Nair", "WEB02", "online"),
)

_ACCOUNT_TYPES = (("individual", 50), ("business", 18), ("enterprise", 7), ("prospect", 15),
                  ("deactivated", 10))
_BRANDS = (("Orange", 30), ("Bell", 25), ("Vidéotron", 15), ("SFR", 15), (None, 15))
_CHANNELS = (("sms", 40), ("widget", 20), ("sdk", 12), ("ivr", 10), ("messenger", 18))

_LEAD_TYPES = ("mobile plan", "home internet", "device upgrade", "business line")
# source, source group
_LEAD_SOURCES = (("website form", "digital"), ("facebook", "digital"),
                 ("google ads", "digital"), ("walk-in", "in store"),
                 ("phone", "in store"), ("referral", "partner"))
_LEAD_CATEGORIES = ("sales", "sales", "sales", "service")
_OPEN_STATUSES = ("new", "contacted", "appointment set", "quote sent")
_LOST_STATUSES = ("price", "timing", "no answer", "competitor")

_NOTES = ("customer asked for a callback", "waiting for ID documents",
          "prefers SMS", "VIP — handle with care")


class _Team:
    """A team's open intervals (epoch seconds), for placing replies in open hours."""

    def __init__(self, tid: str, cal: dict[str, Any], first: date, days: int) -> None:
        self.id = tid
        self.tz = ZoneInfo(cal["timezone"])
        hol: set[date] = set()
        if "holidays" in cal:
            import holidays as _holidays

            spec = cal["holidays"]
            years = range(first.year - 1, (first + timedelta(days=days)).year + 2)
            hol = set(_holidays.country_holidays(spec["country"], subdiv=spec.get("subdiv"),
                                                 years=years))
        hol.update(date.fromisoformat(d) for d in cal.get("closed", ()))
        starts: list[float] = []
        ends: list[float] = []
        for k in range(-2, days + 10):
            day = first + timedelta(days=k)
            special = cal.get("special", {}).get(day.isoformat())
            if special is None and day in hol:
                continue
            ranges = special if special is not None else cal["weekly"].get(
                _WEEKDAYS[day.weekday()], ())
            for a, b in ranges:
                s = self._local(day, a)
                e = self._local(day + timedelta(days=1) if b <= a else day, b)
                starts.append(s)
                ends.append(e)
        self.starts = starts
        self.ends = ends

    def _local(self, day: date, hhmm: str) -> float:
        h, m = (int(x) for x in hhmm.split(":"))
        if h == 24:
            day, h = day + timedelta(days=1), 0
        return datetime.combine(day, time(h, m), self.tz).timestamp()

    def is_open(self, t: float) -> bool:
        i = bisect.bisect_right(self.starts, t) - 1
        return i >= 0 and t < self.ends[i]

    def next_open(self, t: float) -> float:
        """``t`` when open, else the next opening."""
        i = bisect.bisect_right(self.starts, t) - 1
        if i >= 0 and t < self.ends[i]:
            return t
        i += 1
        return self.starts[i] if i < len(self.starts) else t

    def add_open(self, t: float, seconds: float) -> float:
        """The instant ``seconds`` of open time after ``t``."""
        t = self.next_open(t)
        i = bisect.bisect_right(self.starts, t) - 1
        while i < len(self.starts):
            if i >= 0:
                left = self.ends[i] - max(t, self.starts[i])
                if seconds <= left:
                    return max(t, self.starts[i]) + seconds
                seconds -= max(left, 0.0)
            i += 1
        return t + seconds

    def iso(self, t: float) -> str:
        return datetime.fromtimestamp(round(t), self.tz).isoformat()


def _weighted(rng: random.Random, table: Sequence[tuple[Any, int]]) -> Any:
    total = sum(w for _, w in table)
    x = rng.random() * total
    for value, w in table:
        x -= w
        if x < 0:
            return value
    return table[-1][0]


#: How far before ``start`` and after its last week the records' instants may go
#: (replies, due dates and conversions land up to weeks after the last day).
_MARGIN_BEFORE = timedelta(days=3)
_MARGIN_AFTER = timedelta(days=60)


def _check_arguments(*, seed: int, messages: int, start: date, weeks: int) -> None:
    """Refuse arguments the generator cannot honour, or whose data its loader would refuse.

    Raises:
        SalesmetricsError: ``invalid_option`` naming the parameter.
    """
    from salesmetrics._time import MAX_INSTANT, MIN_INSTANT
    from salesmetrics.errors import SalesmetricsError

    for name, value, least in (("seed", seed, None), ("messages", messages, 0),
                               ("weeks", weeks, 1)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise SalesmetricsError("invalid_option", name, f"must be an integer, not {value!r}")
        if least is not None and value < least:
            raise SalesmetricsError("invalid_option", name,
                                    f"must be at least {least}, not {value}")
    if not isinstance(start, date) or isinstance(start, datetime):
        raise SalesmetricsError("invalid_option", "start", f"must be a date, not {start!r}")
    first = datetime.combine(start, time(0), MIN_INSTANT.tzinfo)
    early = start < (MIN_INSTANT + _MARGIN_BEFORE).date()
    try:
        last = first + timedelta(weeks=weeks) + _MARGIN_AFTER
    except OverflowError:
        last = None
    if early or last is None or last >= MAX_INSTANT:
        bad = "start" if early or weeks == 1 else "weeks"
        raise SalesmetricsError(
            "invalid_option", bad,
            f"the data of {weeks} week(s) from {start.isoformat()} would have instants outside "
            f"{MIN_INSTANT.date().isoformat()}..{MAX_INSTANT.date().isoformat()}, "
            "which its loader refuses")


def iter_records(
    *,
    seed: int = 0,
    messages: int = 2000,
    start: date = DEFAULT_START,
    weeks: int = 4,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The example dataset's records, one ``(section, record)`` at a time.

    A calendar's record carries its ``id``. Records of a section come in
    their final order, but sections are interleaved (messages with thread
    events, leads with activities); :func:`generate` groups them.

    Args:
        seed: the seed of ``random.Random``; same arguments, same records.
        messages: exactly this many messages.
        start: the first local day of the data (midnight Europe/Paris).
        weeks: how many weeks the data spans.

    Raises:
        SalesmetricsError: ``invalid_option`` naming the parameter: not an
            integer, ``messages < 0``, ``weeks < 1``, or a span whose instants
            the loaders would refuse (too near the ends of the years 2..9998).
    """
    _check_arguments(seed=seed, messages=messages, start=start, weeks=weeks)
    rng = random.Random(seed)
    days = 7 * weeks
    paris = ZoneInfo("Europe/Paris")
    t0 = datetime.combine(start, time(0), paris).timestamp()
    t1 = datetime.combine(start + timedelta(days=days), time(0), paris).timestamp()

    calendars = {cid: dict(body) for cid, body in _CALENDARS.items()}
    calendars["paris"]["closed"] = [(start + timedelta(days=19)).isoformat()]
    calendars["paris"]["special"] = {
        (start + timedelta(days=12)).isoformat(): [["10:00", "19:00"]]}
    for cid, body in calendars.items():
        yield "calendars", {"id": cid, **body}

    teams = {tid: _Team(tid, calendars[cal], start, days) for tid, _, cal in _TEAMS}
    team_ids = [tid for tid, _, _ in _TEAMS]
    for tid, name, cal in _TEAMS:
        yield "teams", {"id": tid, "name": name, "calendar": cal}
    reps: dict[str, list[str]] = {tid: [] for tid in team_ids}
    user_team: dict[str, str] = {}
    for uid, first, last, code, tid in _USERS:
        reps[tid].append(uid)
        user_team[uid] = tid
        yield "users", {"id": uid, "first_name": first, "last_name": last, "code": code,
                        "team": tid}

    # -- customers and their threads --------------------------------------
    n_customers = max(30, messages // 8)
    cust_type: list[str] = []
    cust_team: list[str] = []
    for k in range(n_customers):
        account = _weighted(rng, _ACCOUNT_TYPES)
        brand = _weighted(rng, _BRANDS)
        cust_type.append(account)
        cust_team.append(_weighted(rng, (("paris", 45), ("montreal", 40), ("online", 15))))
        rec: dict[str, Any] = {"id": f"c{k:05d}", "account_type": account}
        if brand is not None:
            rec["brand"] = brand
        yield "customers", rec

    holder: list[str] = list(cust_team)
    assignee: list[str | None] = []
    channel: list[str] = []
    for k in range(n_customers):
        ch = _weighted(rng, _CHANNELS)
        channel.append(ch)
        rec = {"id": f"t{k:05d}", "customer": f"c{k:05d}", "team": cust_team[k]}
        who = rng.choice(reps[cust_team[k]]) if rng.random() < 0.3 else None
        assignee.append(who)
        if who is not None:
            rec["assignee"] = who
        yield "threads", rec

    # -- smart lists -------------------------------------------------------
    big = [k for k in range(n_customers) if cust_type[k] in ("business", "enterprise")]
    gone = [k for k in range(n_customers) if cust_type[k] == "deactivated"]
    smart_lists = [
        ("sl-renewals", "Renewals this quarter", big[: max(10, len(big) // 3)],
         reps["paris"] + reps["montreal"]),
        ("sl-winback", "Win back deactivated accounts", gone[: max(10, len(gone) // 2)],
         reps["montreal"]),
    ]
    for sid, name, members, users in smart_lists:
        yield "smart_lists", {"id": sid, "name": name,
                              "customers": [f"c{k:05d}" for k in members], "users": users}

    # -- messages and thread events ----------------------------------------
    counter = {"m": 0, "e": 0}
    busy_until = [t0] * n_customers

    def message(k: int, t: float, direction: str, *, user: str | None = None,
                auto: bool = False, team: str | None = None) -> tuple[str, dict[str, Any]]:
        tz_team = teams[team or (user_team[user] if user else holder[k])]
        rec: dict[str, Any] = {"id": f"m{counter['m']:07d}", "thread": f"t{k:05d}",
                               "at": tz_team.iso(t), "direction": direction,
                               "channel": channel[k] if rng.random() < 0.9
                               else _weighted(rng, _CHANNELS)}
        if auto:
            rec["sender"] = "auto"
        if user is not None:
            rec["user"] = user
        if team is not None:
            rec["team"] = team
        counter["m"] += 1
        return "messages", rec

    def event(k: int, t: float, etype: str, **fields: Any) -> tuple[str, dict[str, Any]]:
        rec: dict[str, Any] = {"id": f"e{counter['e']:07d}", "thread": f"t{k:05d}",
                               "at": teams[holder[k]].iso(t), "type": etype}
        rec.update({key: v for key, v in fields.items() if v is not None})
        counter["e"] += 1
        return "thread_events", rec

    def replier(k: int, tid: str) -> str:
        who = assignee[k]
        if who is not None and user_team[who] == tid and rng.random() < 0.8:
            return who
        return rng.choice(reps[tid])

    def episode(k: int, t: float) -> Iterator[tuple[str, dict[str, Any]]]:
        team = teams[holder[k]]
        if rng.random() < 0.75:  # inbound
            for _ in range(1 if rng.random() < 0.6 else rng.randint(2, 3)):
                yield message(k, t, "in")
                t += rng.uniform(20, 300)
            if not team.is_open(t) and rng.random() < 0.7:
                yield message(k, t + 4, "out", auto=True, team=team.id)
            roll = rng.random()
            if roll < 0.13:  # nobody answers
                if rng.random() < 0.3:
                    yield event(k, t + rng.uniform(60, 3600), "note",
                                user=rng.choice(reps[team.id]))
                busy_until[k] = t
                return
            if roll < 0.20:  # processed without a reply
                at = team.add_open(t, rng.lognormvariate(math.log(1800), 1.0))
                yield event(k, at, "status", status=rng.choice(("answered", "resolved")),
                            user=rng.choice(reps[team.id]))
                busy_until[k] = at
                return
            if roll < 0.28:  # moved to another team first
                target = rng.choice([x for x in teams if x != team.id])
                at = team.add_open(t, rng.lognormvariate(math.log(600), 0.8))
                yield event(k, at, "transfer" if rng.random() < 0.7 else "escalation",
                            to_team=target, user=rng.choice(reps[team.id]))
                holder[k] = target
                team = teams[target]
                t = at
            for _round in range(rng.choice((1, 1, 1, 2, 2, 3))):
                who = replier(k, team.id)
                at = team.add_open(t, rng.lognormvariate(math.log(900), 1.2))
                if assignee[k] != who and rng.random() < 0.5:
                    yield event(k, max(t + 1, at - rng.uniform(5, 60)), "assign", to_user=who,
                                user=who)
                    assignee[k] = who
                if rng.random() < 0.06:
                    yield event(k, max(t + 1, at - rng.uniform(60, 600)), "mention",
                                user=rng.choice(reps[team.id]))
                yield message(k, at, "out", user=who)
                t = at
                if rng.random() < 0.45:
                    t += rng.lognormvariate(math.log(1200), 1.3)
                    yield message(k, t, "in")
                else:
                    break
            if rng.random() < 0.35:
                yield event(k, t + rng.uniform(60, 7200), "status", status="resolved",
                            user=replier(k, team.id))
            if rng.random() < 0.08:
                yield event(k, t + rng.uniform(30, 900), "note", user=replier(k, team.id))
            busy_until[k] = t
        else:  # outbound: a rep (or a campaign) writes first
            t = team.next_open(t)
            if rng.random() < 0.15:
                yield message(k, t, "out", auto=True, team=team.id)
            else:
                yield message(k, t, "out", user=replier(k, team.id))
            if rng.random() < 0.5:
                t += rng.lognormvariate(math.log(3600), 1.5)
                yield message(k, t, "in")
                if rng.random() < 0.8:
                    t = team.add_open(t, rng.lognormvariate(math.log(900), 1.2))
                    yield message(k, t, "out", user=replier(k, team.id))
            busy_until[k] = t

    def when() -> float:
        # customers write more in the day (Paris and Montréal) than at night
        while True:
            t = rng.uniform(t0, t1)
            hour = datetime.fromtimestamp(t, teams["montreal"].tz).hour
            weight = 1.0 if 8 <= hour < 21 else 0.25
            if rng.random() < weight:
                return t

    hot = max(1, n_customers // 5)
    while counter["m"] < messages:
        k = rng.randrange(hot) if rng.random() < 0.4 else rng.randrange(n_customers)
        t = when()
        if t < busy_until[k]:
            later = busy_until[k] + rng.uniform(3600, 3 * 86400)
            if later < t1:
                t = later  # else a busy thread gets an overlapping episode
        for item in episode(k, t):
            if item[0] == "messages" and counter["m"] > messages:
                counter["m"] = messages
                break
            yield item

    # -- sessions -----------------------------------------------------------
    for uid, *_rest, tid in _USERS:
        team = teams[tid]
        spans = [(s, e) for s, e in zip(team.starts, team.ends, strict=True)
                 if t0 <= s < t1]
        # one session per local working day: first opening to last closing
        merged: list[list[float]] = []
        for s, e in spans:
            if merged and s - merged[-1][1] < 4 * 3600:
                merged[-1][1] = e
            else:
                merged.append([s, e])
        for j, (s, e) in enumerate(merged):
            if rng.random() < 0.1:
                continue  # a day off
            rec = {"user": uid, "start": team.iso(s - rng.uniform(0, 900))}
            if j < len(merged) - 1 or rng.random() < 0.5:
                rec["end"] = team.iso(e + rng.uniform(-600, 1200))
            yield "sessions", rec

    # -- leads and their activities -----------------------------------------
    n_act = 0

    def activity(uid: str, kind: str, t: float, **fields: Any) -> tuple[str, dict[str, Any]]:
        nonlocal n_act
        rec: dict[str, Any] = {"id": f"a{n_act:07d}", "user": uid, "kind": kind,
                               "at": teams[user_team[uid]].iso(t)}
        rec.update({key: v for key, v in fields.items() if v is not None})
        n_act += 1
        return "activities", rec

    def call(uid: str, t: float, **fields: Any) -> tuple[str, dict[str, Any]]:
        answered = rng.random() < 0.55
        duration = round(rng.lognormvariate(math.log(240), 0.8)) if answered \
            else rng.choice((0, 0, 15, 25))
        return activity(uid, "call", t, answered=answered, duration_seconds=duration, **fields)

    n_leads = max(20, messages // 15)
    for j in range(n_leads):
        lid = f"L{j:05d}"
        tid = _weighted(rng, (("paris", 50), ("montreal", 50)))
        team = teams[tid]
        received = rng.uniform(t0, t1 - 3600)
        who = rng.choice(reps[tid]) if rng.random() < 0.9 else None
        source, group = rng.choice(_LEAD_SOURCES)
        ck = rng.randrange(n_customers) if rng.random() < 0.6 else None
        group_roll = rng.random()
        lead: dict[str, Any] = {
            "id": lid, "received_at": team.iso(received),
            "type": rng.choice(_LEAD_TYPES), "source": source, "source_group": group,
            "category": rng.choice(_LEAD_CATEGORIES), "team": tid,
            "store": "Paris Opéra" if tid == "paris" else "Montréal Centre",
        }
        if ck is not None:
            lead["customer"] = f"c{ck:05d}"
        if who is not None:
            lead["assignee"] = who
        conversions: list[dict[str, str]] = []
        won_at: float | None = None
        if group_roll < 0.25:
            lead["status"], lead["status_group"] = "signed", "won"
            won_at = team.add_open(received, rng.uniform(3600, 10 * 86400))
            if rng.random() < 0.4:
                conversions.append({"kind": "order",
                                    "at": team.iso(team.add_open(received, rng.uniform(
                                        600, 3 * 3600)))})
            conversions.append({"kind": "sale", "at": team.iso(won_at)})
        elif group_roll < 0.55:
            lead["status"], lead["status_group"] = rng.choice(_LOST_STATUSES), "lost"
        else:
            lead["status"], lead["status_group"] = rng.choice(_OPEN_STATUSES), "open"
            if rng.random() < 0.15:
                conversions.append({"kind": "order", "at": team.iso(
                    team.add_open(received, rng.uniform(3600, 86400)))})
        if conversions:
            lead["conversions"] = conversions
        yield "leads", lead

        actor = who or rng.choice(reps[tid])
        cust = lead.get("customer")
        yield activity(actor, "lead_created", received, lead=lid, customer=cust,
                       automated=source != "walk-in")
        if rng.random() < 0.85:  # t_first response, in open hours
            t_first = team.add_open(received, rng.lognormvariate(math.log(3600), 1.3))
            kind = _weighted(rng, (("call", 50), ("email", 25), ("sms", 25)))
            if kind == "call":
                yield call(actor, t_first, lead=lid, customer=cust)
            else:
                yield activity(actor, kind, t_first, lead=lid, customer=cust)
            if rng.random() < 0.3:
                set_at = t_first + rng.uniform(60, 600)
                due = team.add_open(set_at, rng.uniform(86400, 5 * 86400))
                yield activity(actor, "appointment", set_at, lead=lid, customer=cust,
                               due_at=team.iso(due))
            if rng.random() < 0.35:
                yield activity(actor, "opportunity_created", t_first + rng.uniform(600, 7200),
                               lead=lid, customer=cust)
            if rng.random() < 0.2:
                yield activity(actor, "todo", t_first + rng.uniform(60, 3600), lead=lid,
                               customer=cust, completed=False)
            if rng.random() < 0.15:
                yield activity(actor, "note", t_first + rng.uniform(60, 600), lead=lid)
        if won_at is not None:
            yield activity(actor, "opportunity_won", won_at, lead=lid, customer=cust)

    # -- smart-list work and other logged activities -------------------------
    for sid, _name, members, users in smart_lists:
        for k in members:
            if rng.random() < 0.35:
                continue  # not attempted yet
            uid = rng.choice(users)
            team = teams[user_team[uid]]
            t = team.add_open(rng.uniform(t0, t1 - 86400), rng.uniform(0, 3600))
            cust = f"c{k:05d}"
            roll = rng.random()
            if roll < 0.5:
                yield call(uid, t, customer=cust, smart_list=sid)
            elif roll < 0.7:
                yield activity(uid, "sms", t, customer=cust, smart_list=sid,
                               automated=rng.random() < 0.3)
            elif roll < 0.85:
                yield activity(uid, "email", t, customer=cust, smart_list=sid)
            else:
                yield activity(uid, "mail", t, customer=cust, smart_list=sid)
            if rng.random() < 0.2:
                yield activity(uid, "todo", t + 60, customer=cust, smart_list=sid,
                               completed=rng.random() < 0.5)
    for uid, *_rest, tid in _USERS:
        team = teams[tid]
        for _ in range(max(2, messages // 400)):
            t = team.add_open(rng.uniform(t0, t1 - 86400), 0)
            k = rng.randrange(n_customers)
            kind = _weighted(rng, (("note", 40), ("call", 30), ("email", 20), ("mail", 10)))
            if kind == "call":
                yield call(uid, t, customer=f"c{k:05d}")
            else:
                yield activity(uid, kind, t, customer=f"c{k:05d}")


def generate(
    *,
    seed: int = 0,
    messages: int = 2000,
    start: date = DEFAULT_START,
    weeks: int = 4,
) -> dict[str, Any]:
    """An example dataset as a docs/case-format.md dict (see the module for what it holds).

    Deterministic: the same arguments give an equal dict; the wall clock is
    never read. Sections come in docs/case-format.md order.

    Args:
        seed: the seed of ``random.Random``.
        messages: exactly this many messages (threads, leads and activities
            grow with it).
        start: the first local day (a Monday gives whole weeks).
        weeks: how many weeks of data.

    >>> d = generate(seed=3, messages=50, weeks=1)
    >>> [s for s in d], d["teams"][0]
    (['calendars', 'teams', 'users', 'customers', 'threads', 'messages', 'thread_events', 'sessions', 'leads', 'activities', 'smart_lists'], {'id': 'paris', 'name': 'Paris Opéra', 'calendar': 'paris'})
    """
    out: dict[str, Any] = {s: ({} if s == "calendars" else []) for s in _SECTIONS}
    for section, rec in iter_records(seed=seed, messages=messages, start=start, weeks=weeks):
        if section == "calendars":
            cid = rec.pop("id")
            out["calendars"][cid] = rec
        else:
            out[section].append(rec)
    return out


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def write(
    fh: IO[str],
    *,
    format: str = "json",
    seed: int = 0,
    messages: int = 2000,
    start: date = DEFAULT_START,
    weeks: int = 4,
) -> None:
    """Write an example dataset to a text file, streaming (memory does not grow with size).

    Args:
        fh: where to write.
        format: ``"json"`` (one object, one record per line) or ``"jsonl"``
            (docs/case-format.md records tagged with ``"section"``, see docs/formats.md).
        seed, messages, start, weeks: as for :func:`generate`.

    Raises:
        SalesmetricsError: ``invalid_option`` at ``format`` or at a parameter
            of :func:`iter_records`.
    """
    if not callable(getattr(fh, "write", None)):
        from salesmetrics.errors import SalesmetricsError

        raise SalesmetricsError("invalid_value", "fh", "a text file open for writing is "
                                f"needed, not {type(fh).__name__}")
    records = iter_records(seed=seed, messages=messages, start=start, weeks=weeks)
    if format == "jsonl":
        for section, rec in records:
            fh.write(_dumps({"section": section, **rec}))
            fh.write("\n")
        return
    if format != "json":
        from salesmetrics.errors import SalesmetricsError

        raise SalesmetricsError("invalid_option", "format",
                                f"unknown format {format!r}: json or jsonl")
    spools: dict[str, IO[str]] = {}
    counts: dict[str, int] = {}
    with contextlib.ExitStack() as stack:
        for section, rec in records:
            spool = spools.get(section)
            if spool is None:
                spool = spools[section] = stack.enter_context(
                    tempfile.TemporaryFile("w+", encoding="utf-8"))
                counts[section] = 0
            if counts[section]:
                spool.write(",\n")
            if section == "calendars":
                cid = rec.pop("id")
                spool.write(f"  {_dumps(cid)}: {_dumps(rec)}")
            else:
                spool.write(f"  {_dumps(rec)}")
            counts[section] += 1
        fh.write("{")
        first = True
        for section in _SECTIONS:
            spool = spools.get(section)
            if spool is None:
                continue
            fh.write("" if first else ",")
            first = False
            fh.write(f"\n{_dumps(section)}: {'{' if section == 'calendars' else '['}\n")
            spool.seek(0)
            while chunk := spool.read(1 << 20):
                fh.write(chunk)
            fh.write("\n}" if section == "calendars" else "\n]")
        fh.write("\n}\n")


def _day(text: str) -> date:
    """``--start``: a YYYY-MM-DD date (no other ISO spelling, such as a week date)."""
    from salesmetrics._time import strict_date

    day = strict_date(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}")
    return day


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m salesmetrics.examples``: write an example dataset."""
    argv = command_line(argv)
    parser = argparse.ArgumentParser(
        prog="python -m salesmetrics.examples",
        description="Write a deterministic example dataset (a network of three stores).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--start", type=_day, default=DEFAULT_START,
                        help="first local day, YYYY-MM-DD (default %(default)s)")
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--format", choices=("json", "jsonl"), default=None,
                        help="default: from the --out suffix (.jsonl/.ndjson → jsonl), else json")
    parser.add_argument("--out", default="-", help="output file (default: standard output)")
    args = parser.parse_args(argv)
    fmt = args.format or ("jsonl" if args.out.endswith((".jsonl", ".ndjson")) else "json")
    params: dict[str, Any] = {"format": fmt, "seed": args.seed, "messages": args.messages,
              "start": args.start, "weeks": args.weeks}
    from salesmetrics._console import utf8_stdout
    from salesmetrics.errors import SalesmetricsError

    try:
        # checked before the output file is opened: a refusal leaves no file behind
        _check_arguments(seed=args.seed, messages=args.messages, start=args.start,
                         weeks=args.weeks)
        if args.out == "-":
            utf8_stdout()
            write(sys.stdout, **params)
        else:
            with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
                write(fh, **params)
    except SalesmetricsError as exc:
        print(f"{parser.prog}: --{exc.path}: {exc.message}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as exc:
        print(f"{parser.prog}: {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
