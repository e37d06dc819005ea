"""Rep activity, inactive users and smart list progress: one test per rule."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.load import from_dict
from salesmetrics.metrics.activity import (
    COLUMNS,
    RepAggregate,
    inactive_users,
    last_activities,
    rep_activity,
    smart_list_progress,
)
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
from salesmetrics.results import to_jsonable
from salesmetrics.spec.check import parse_check
from salesmetrics.spec.registry import adapter_for
from salesmetrics.spec.runner import compute_case

T0 = datetime(2026, 3, 2, tzinfo=UTC)
WEEK = Period(T0, T0 + timedelta(days=7))


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def base(messages: list[Message] = [], activities: list[Activity] = [],  # noqa: B006
         events: list[ThreadEvent] = [], lists: list[SmartList] = []) -> Dataset:  # noqa: B006
    return Dataset(
        teams=[Team(id="S1"), Team(id="S2")],
        users=[User(id="r1", first_name="Ana", team="S1"), User(id="r2", team="S1"),
               User(id="r3", team="S2")],
        customers=[Customer(id="c1", account_type=AccountType.BUSINESS, brand="acme"),
                   Customer(id="c2", account_type=AccountType.PROSPECT)],
        threads=[Thread(id="t1", team="S1", customer="c1", assignee="r1"),
                 Thread(id="t2", team="S1", customer="c2", assignee="r2"),
                 Thread(id="t3", team="S2")],
        messages=[m if m.index else _ix(m, i) for i, m in enumerate(messages)],
        thread_events=events,
        activities=[a if a.index else _ix(a, i) for i, a in enumerate(activities)],
        smart_lists=lists)


def _ix(record: object, i: int) -> object:
    return attrs.evolve(record, index=i)  # type: ignore[misc]


def out(thread: str, at: datetime, user: str | None = "r1", channel: str = "sms",
        sender: Sender = Sender.USER) -> Message:
    return Message(thread=thread, at=at, direction=Direction.OUT, user=user, channel=channel,
                   sender=sender)


def inbound(thread: str, at: datetime, channel: str = "sms") -> Message:
    return Message(thread=thread, at=at, direction=Direction.IN, channel=channel)


def act(kind: ActivityKind, at: datetime, user: str = "r1", **kw: object) -> Activity:
    return Activity(user=user, kind=kind, at=at, **kw)  # type: ignore[arg-type]


class TestRepActivity:
    def test_every_user_appears_with_zeros(self) -> None:
        r = rep_activity(base(), period=WEEK, by="user")
        assert list(r.groups) == ["r1", "r2", "r3"]
        s = r.groups["r2"]
        assert all(getattr(s, c) == 0 for c in COLUMNS)
        assert s.avg_call_seconds is None and s.last_activity is None and not s.openers_only
        assert r.groups["r1"].first_name == "Ana"

    def test_sms_sent_is_human_outbound_sms_of_the_user(self) -> None:
        r = rep_activity(base(messages=[
            out("t1", h(1)), out("t1", h(2), channel="email"), out("t1", h(3), sender=Sender.AUTO),
            out("t1", h(4), user="r2"), out("t1", h(-1)), out("t1", h(200)),
        ], activities=[act(ActivityKind.SMS, h(5))]), period=WEEK, by="user")
        assert r.groups["r1"].sms_sent == 1 and r.groups["r2"].sms_sent == 1

    def test_new_conversations_use_the_gap(self) -> None:
        msgs = [out("t1", h(-24 * 20)), out("t1", h(1)), out("t1", h(2)), out("t2", h(3), "r2")]
        r = rep_activity(base(messages=msgs), period=WEEK, by="user")
        assert r.groups["r1"].new_conversations == 1 and r.groups["r2"].new_conversations == 1
        r = rep_activity(base(messages=msgs), period=WEEK, gap_seconds=30 * 86400, by="user")
        assert r.groups["r1"].new_conversations == 0

    def test_conversation_started_by_the_customer_is_not_new_outbound(self) -> None:
        r = rep_activity(base(messages=[inbound("t1", h(1)), out("t1", h(2))]), period=WEEK, by="user")
        assert r.groups["r1"].new_conversations == 0 and r.groups["r1"].sms_received == 1

    def test_sms_received_follows_assignment(self) -> None:
        ev = [ThreadEvent(thread="t1", at=h(10), type=EventType.ASSIGN, to_user="r3")]
        r = rep_activity(base(messages=[inbound("t1", h(9)), inbound("t1", h(10)),
                                        inbound("t3", h(1))], events=ev), period=WEEK, by="user")
        assert (r.groups["r1"].sms_received, r.groups["r3"].sms_received) == (1, 1)

    def test_calls_and_durations(self) -> None:
        r = rep_activity(base(activities=[
            act(ActivityKind.CALL, h(1), duration_seconds=30.0, answered=True),
            act(ActivityKind.CALL, h(2), answered=False),
            act(ActivityKind.CALL, h(3), duration_seconds=90.0, automated=True),
            act(ActivityKind.CALL, h(4), duration_seconds=60.0, completed=False),
        ]), period=WEEK, by="user")
        s = r.groups["r1"]
        assert (s.calls_made, s.calls_answered, s.avg_call_seconds) == (2, 1, 30.0)

    def test_appointments_counted_when_set(self) -> None:
        r = rep_activity(base(activities=[
            act(ActivityKind.APPOINTMENT, h(1), due_at=h(1000)),
            act(ActivityKind.APPOINTMENT, h(-10), due_at=h(5)),
        ]), period=WEEK, by="user")
        assert r.groups["r1"].appointments == 1

    def test_last_activity_before_period_and_never_after_its_end(self) -> None:
        d = base(messages=[out("t1", h(-30), channel="email")],
                 activities=[act(ActivityKind.TODO, h(-50)), act(ActivityKind.NOTE, h(24 * 7))])
        assert rep_activity(d, period=WEEK, by="user").groups["r1"].last_activity == h(-30)
        assert rep_activity(d, period=WEEK, as_of=h(-40), by="user").groups["r1"].last_activity == h(-50)
        last = [f for f in rep_activity(d, period=WEEK, by="user").rows
                if f.column == "last_activity"]
        assert [(f.user, f.source, f.at) for f in last] == [("r1", "message", h(-30))]

    def test_openers_only(self) -> None:
        r = rep_activity(base(messages=[out("t1", h(1)), out("t2", h(1))]), period=WEEK, by="user")
        assert r.groups["r1"].openers_only

    def test_overall_is_the_total_of_users_shown(self) -> None:
        d = base(messages=[out("t1", h(1)), out("t2", h(1), "r3")],
                 activities=[act(ActivityKind.CALL, h(1), user="r3", duration_seconds=10.0),
                             act(ActivityKind.CALL, h(2), duration_seconds=20.0)])
        r = rep_activity(d, period=WEEK, by="user")
        assert (r.overall.sms_sent, r.overall.calls_made, r.overall.avg_call_seconds) == (
            2, 2, 15.0)
        assert r.overall.first_name is None and r.overall.last_activity == h(2)
        r = rep_activity(d, period=WEEK, team="S2", by="user")
        assert list(r.groups) == ["r3"]
        assert (r.overall.sms_sent, r.overall.calls_made) == (1, 1)
        assert all(f.user == "r3" for f in r.rows)

    def test_filters(self) -> None:
        d = base(messages=[out("t1", h(1)), out("t3", h(1))],
                 lists=[SmartList(id="SL", customers=("c1",))],
                 activities=[act(ActivityKind.CALL, h(1), customer="c1", smart_list="SL"),
                             act(ActivityKind.CALL, h(2), customer="c2"),
                             act(ActivityKind.CALL, h(3))])
        def calls_sms(**kw: object) -> tuple[int, int]:
            s = rep_activity(d, period=WEEK, by="user", **kw).groups["r1"]  # type: ignore[arg-type]
            return s.calls_made, s.sms_sent
        assert calls_sms() == (3, 2)
        assert calls_sms(smart_list="SL") == (1, 0)
        assert calls_sms(on_smart_list=True) == (1, 0)
        assert calls_sms(on_smart_list=False) == (2, 2)
        assert calls_sms(account_type="business") == (1, 1)
        assert calls_sms(account_type=AccountType.PROSPECT) == (1, 0)
        assert calls_sms(brand="acme") == (1, 1)
        assert calls_sms(brand="acme", account_type="prospect") == (0, 0)

    @pytest.mark.parametrize(("kw", "code", "path"), [
        ({"smart_list": "zz"}, "unknown_reference", "smart_list"),
        ({"team": "zz"}, "unknown_reference", "team"),
        ({"account_type": "vip"}, "invalid_option", "account_type"),
        ({"smart_list": "SL", "on_smart_list": False}, "invalid_option",
         "on_smart_list"),
    ])
    def test_bad_filters(self, kw: dict[str, object], code: str, path: str) -> None:
        d = base(lists=[SmartList(id="SL", customers=())])
        with pytest.raises(SalesmetricsError) as e:
            rep_activity(d, period=WEEK, **kw)  # type: ignore[arg-type]
        assert (e.value.code, e.value.path) == (code, path)

    def test_rows_are_the_drill_down(self) -> None:
        r = rep_activity(base(messages=[out("t1", h(1))]), period=WEEK, by="user")
        cols = sorted(row["column"] for row in r.to_rows())
        assert cols == ["last_activity", "new_conversations", "sms_sent"]
        assert RepAggregate.of(r.rows).summary() == r.groups["r1"].__class__(
            **{**_fields(r.groups["r1"]), "first_name": None, "last_name": None,
               "code": None, "last_activity": None})


def _fields(obj: object) -> dict[str, object]:
    return attrs.asdict(obj, recurse=False)  # type: ignore[arg-type]


class TestInactiveUsers:
    def test_threshold_is_inclusive(self) -> None:
        d = base(activities=[act(ActivityKind.NOTE, h(0)),
                             act(ActivityKind.NOTE, h(1), user="r2")])
        r = inactive_users(d, at=h(24 * 5))
        assert r.overall == ("r1", "r3")
        last = {la.user: la for la in r.rows}
        assert last["r2"].at == h(1) and last["r3"].at is None
        assert inactive_users(d, at=h(24 * 5), days=0).overall == ("r1", "r2", "r3")

    def test_future_items_are_invisible(self) -> None:
        d = base(messages=[out("t1", h(10))])
        assert inactive_users(d, at=h(5), days=1).overall == ("r1", "r2", "r3")
        assert inactive_users(d, at=h(11), days=1).overall == ("r2", "r3")

    def test_negative_days(self) -> None:
        with pytest.raises(SalesmetricsError):
            inactive_users(base(), at=h(1), days=-1)


class TestSmartListProgress:
    def test_attempts(self) -> None:
        d = base(messages=[out("t1", h(1)), out("t2", h(1), "r3")],
                 lists=[SmartList(id="A", customers=("c1", "c2", "c1"), users=("r1", "r2")),
                        SmartList(id="B", customers=("c2",))],
                 activities=[act(ActivityKind.EMAIL, h(2), user="r2", customer="c1"),
                             act(ActivityKind.NOTE, h(2), user="r2", customer="c2")])
        r = smart_list_progress(d, period=WEEK, by="smart_list")
        users = smart_list_progress(d, period=WEEK, by="user").groups
        a = r.groups["A"]
        assert (a.accounts, a.attempted, a.rate) == (2, 1, 0.5)
        assert a.users["r2"].attempted == 1 and a.users["r1"].attempted == 1
        assert (r.groups["B"].attempted, r.groups["B"].users) == (1, {})
        assert users["r3"].accounts == 0 and users["r3"].rate is None
        assert (r.overall.accounts, r.overall.attempted) == (3, 2)
        assert {row.smart_list for row in r.rows} == {"A", "B"}


def test_last_activities_cover_every_user() -> None:
    assert set(last_activities(base())) == {"r1", "r2", "r3"}


def test_scoped_result_equals_the_filtered_dataset() -> None:
    doc = {
        "format": "salesmetrics-case/1", "name": "scope", "source": "docs/definitions.md §2.7",
        "data": {
            "teams": [{"id": "S"}], "users": [{"id": "a"}, {"id": "b"}],
            "customers": [{"id": "c"}],
            "threads": [{"id": "t1", "team": "S", "assignee": "a", "customer": "c"},
                        {"id": "t2", "team": "S", "assignee": "b"}],
            "messages": [{"thread": "t1", "at": "2026-03-03T10:00:00Z", "direction": "out",
                          "user": "a", "channel": "sms"},
                         {"thread": "t2", "at": "2026-03-03T10:00:00Z", "direction": "out",
                          "user": "a", "channel": "sms"}],
            "leads": [{"id": "L1", "received_at": "2026-03-03T09:00:00Z", "assignee": "a"},
                      {"id": "L2", "received_at": "2026-03-03T09:00:00Z", "assignee": "b"}],
            "activities": [{"user": "b", "kind": "call", "at": "2026-03-03T10:00:00Z",
                            "lead": "L1", "customer": "c"},
                           {"user": "a", "kind": "call", "at": "2026-03-03T11:00:00Z",
                            "lead": "L2"}],
            "smart_lists": [{"id": "SL", "customers": ["c"], "users": ["a", "b"]}],
        },
        "checks": [],
    }
    period = {"start": "2026-03-02T00:00:00Z", "end": "2026-03-09T00:00:00Z"}
    checks = [{"metric": m, "period": period, "by": by}
              for m, by in [("rep_activity", "user"), ("lead_response_time", "responder"),
                            ("lead_conversion", "assignee"), ("smart_list_progress", "user")]]
    scoped = compute_case({**doc, "checks": [{**c, "scope": {"user": "a"}} for c in checks]})
    full = from_dict(doc["data"])  # type: ignore[arg-type]
    filtered = full.scoped_to_user("a")
    expected = [to_jsonable(adapter_for(c["metric"])(filtered, parse_check(c))) for c in checks]
    assert json.dumps(scoped, sort_keys=True) == json.dumps(expected, sort_keys=True)
    rep, lrt, conv, slp = scoped
    assert rep["a"]["sms_sent"] == 1 and rep["b"]["calls_made"] == 0
    assert lrt["a"]["leads"] == 0 and lrt["b"]["leads"] == 0  # b's response is not a's data
    assert conv["a"]["lead_ids"] == ["L1"] and conv["b"]["lead_ids"] == []
    assert slp["a"]["attempted"] == 1 and slp["b"]["attempted"] == 0
