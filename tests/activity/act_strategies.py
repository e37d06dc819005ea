"""Random datasets for the activity metrics (hypothesis strategies)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import strategies as st

from salesmetrics.dataset import Dataset
from salesmetrics.model import (
    AccountType,
    Activity,
    ActivityKind,
    Customer,
    Direction,
    EventType,
    Message,
    Sender,
    SmartList,
    Team,
    Thread,
    ThreadEvent,
    User,
)
from salesmetrics.period import Period

T0 = datetime(2026, 3, 2, tzinfo=UTC)
PERIOD = Period(T0, T0 + timedelta(days=5))
USERS = ("u0", "u1", "u2")
CUSTOMERS = ("c0", "c1", "c2")


#: With ``rich=True``: a user no record describes, and instants in several offsets.
GHOST = "ghost"
ZONES = [UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))]


def at(draw: st.DrawFn, rich: bool = False) -> datetime:
    t = T0 + timedelta(hours=draw(st.integers(-100, 160)))
    return t.astimezone(draw(st.sampled_from(ZONES))) if rich else t


@st.composite
def datasets(draw: st.DrawFn, rich: bool = False) -> Dataset:
    """Three threads, up to 14 messages and activities and 3 assignments, two smart lists.

    ``rich``: also items of a user no record describes, instants in several
    offsets (equal instants written differently), and maybe a thread recorded
    twice and a message of no thread.
    """
    users = (*USERS, GHOST) if rich else USERS
    threads = [Thread(id=f"t{i}", team="A", customer=draw(st.sampled_from([None, *CUSTOMERS])),
                      assignee=draw(st.sampled_from([None, *users]))) for i in range(3)]
    messages = []
    for i in range(draw(st.integers(0, 14))):
        direction = draw(st.sampled_from(list(Direction)))
        sender = (Sender.CUSTOMER if direction is Direction.IN
                  else draw(st.sampled_from([Sender.USER, Sender.AUTO])))
        messages.append(Message(
            thread=draw(st.sampled_from([t.id for t in threads])), at=at(draw, rich),
            direction=direction, sender=sender,
            user=draw(st.sampled_from([None, *users])) if direction is Direction.OUT else None,
            channel=draw(st.sampled_from(["sms", "sms", "email"])), index=i))
    events = [ThreadEvent(thread=draw(st.sampled_from([t.id for t in threads])),
                          at=at(draw, rich), type=EventType.ASSIGN,
                          to_user=draw(st.sampled_from(users)), index=i)
              for i in range(draw(st.integers(0, 3)))]
    acts = [Activity(user=draw(st.sampled_from(users)),
                     kind=draw(st.sampled_from(list(ActivityKind))), at=at(draw, rich),
                     customer=draw(st.sampled_from([None, *CUSTOMERS])),
                     smart_list=draw(st.sampled_from([None, "L0", "L1"])),
                     completed=draw(st.booleans()), automated=draw(st.integers(0, 3)) == 0,
                     answered=draw(st.sampled_from([None, True, False])),
                     duration_seconds=draw(st.sampled_from([None, 30.0, 95.5])), index=i)
            for i in range(draw(st.integers(0, 14)))]
    if rich and draw(st.booleans()):  # a thread recorded twice, a message of no thread
        threads.append(threads[0])
        messages.append(Message(thread="t9", at=at(draw, rich), direction=Direction.OUT,
                                user=draw(st.sampled_from(users)), channel="sms",
                                index=len(messages)))
    return Dataset(
        teams=[Team(id="A"), Team(id="B")],
        users=[User(id="u0", team="A"), User(id="u1", team="A"), User(id="u2", team="B")],
        customers=[Customer(id="c0", account_type=AccountType.BUSINESS, brand="x"),
                   Customer(id="c1", account_type=AccountType.PROSPECT),
                   Customer(id="c2", account_type=AccountType.BUSINESS, brand="y")],
        threads=threads, messages=messages, thread_events=events, activities=acts,
        smart_lists=[SmartList(id="L0", customers=("c0", "c1"), users=("u0", "u1")),
                     SmartList(id="L1", customers=("c2",))])


filters_st = st.sampled_from([
    {}, {"smart_list": "L0"}, {"on_smart_list": True}, {"on_smart_list": False},
    {"account_type": "business"}, {"brand": "x"}, {"team": "A"},
])
