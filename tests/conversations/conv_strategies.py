"""Hypothesis strategy: small random datasets (docs/case-format.md dicts) for the conversation metrics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

T0 = datetime(2026, 2, 20, tzinfo=UTC)
STORE = {"timezone": "Europe/Paris",
         "weekly": {d: [["09:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}}
TEAMS = ("A", "B", "C")
USERS = ("u1", "u2", "u3", "u4")


def iso(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


@st.composite
def datasets(draw: st.DrawFn, max_threads: int = 6, max_items: int = 40) -> dict[str, Any]:
    """A valid dataset dict; every instant distinct (so input order never breaks a tie)."""
    n_threads = draw(st.integers(1, max_threads))
    n_items = draw(st.integers(0, max_items))
    # distinct minutes over ~40 days, clustered so that gaps of 15 days occur sometimes
    minutes = draw(st.lists(st.integers(0, 40 * 1440), min_size=n_items, max_size=n_items,
                            unique=True))
    calendars = {"store": STORE}
    teams = [{"id": t, **({"calendar": "store"} if draw(st.booleans()) else {})}
             for t in TEAMS]
    users = [{"id": u, **({"team": draw(st.sampled_from(TEAMS))} if draw(st.booleans())
                          else {})} for u in USERS]
    threads = []
    for i in range(n_threads):
        th: dict[str, Any] = {"id": f"t{i}", "team": draw(st.sampled_from(TEAMS))}
        if draw(st.booleans()):
            th["assignee"] = draw(st.sampled_from(USERS))
        threads.append(th)
    messages: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for minute in minutes:
        thread = f"t{draw(st.integers(0, n_threads - 1))}"
        kind = draw(st.sampled_from(["in", "in", "out", "out", "auto", "transfer",
                                     "escalation", "status", "note", "mention", "assign"]))
        at = iso(minute)
        if kind in ("in", "out", "auto"):
            msg: dict[str, Any] = {"thread": thread, "at": at,
                                   "direction": "in" if kind == "in" else "out"}
            if kind == "auto":
                msg["sender"] = "auto"
            if kind == "out":
                msg["user"] = draw(st.sampled_from(USERS))
            if kind != "in" and draw(st.integers(0, 3)) == 0:
                msg["team"] = draw(st.sampled_from(TEAMS))
            if kind == "in":
                msg["channel"] = draw(st.sampled_from(["sms", "ivr", "widget", "sdk",
                                                       "messenger"]))
            if draw(st.booleans()):
                msg["id"] = f"m{len(messages)}"
            messages.append(msg)
        else:
            ev: dict[str, Any] = {"thread": thread, "at": at, "type": kind}
            if kind in ("transfer", "escalation"):
                ev["to_team"] = draw(st.sampled_from(TEAMS))
            elif kind == "status":
                ev["status"] = draw(st.sampled_from(["waiting", "answered", "resolved"]))
                ev["user"] = draw(st.sampled_from(USERS))
            elif kind == "assign":
                ev["to_user"] = draw(st.sampled_from(USERS))
            events.append(ev)
    sessions = []
    for u in USERS:
        for _ in range(draw(st.integers(0, 2))):
            start = draw(st.integers(0, 40 * 1440))
            s: dict[str, Any] = {"user": u, "start": iso(start)}
            if draw(st.booleans()):
                s["end"] = iso(start + draw(st.integers(1, 3000)))
            sessions.append(s)
    return {"calendars": calendars, "teams": teams, "users": users, "threads": threads,
            "messages": messages, "thread_events": events, "sessions": sessions}
