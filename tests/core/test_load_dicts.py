"""The docs/case-format.md dataset rules, enforced by from_dict with codes and paths."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from salesmetrics.errors import DatasetError
from salesmetrics.load import from_dict
from salesmetrics.model import Direction, EventType, Sender

T = "2026-03-02T09:00:00+01:00"


def base() -> dict[str, Any]:
    return {
        "teams": [{"id": "A", "name": "Paris"}, {"id": "B"}],
        "users": [{"id": "u1", "first_name": "Ann", "team": "A"}],
        "customers": [{"id": "c1", "account_type": "business", "brand": "X"}],
        "threads": [{"id": "t1", "team": "A", "customer": "c1", "assignee": "u1"}],
        "messages": [
            {"id": "m1", "thread": "t1", "at": T, "direction": "in", "channel": "sms"},
            {"thread": "t1", "at": T, "direction": "out", "user": "u1"},
            {"thread": "t1", "at": T, "direction": "out", "sender": "auto"},
        ],
        "thread_events": [
            {"thread": "t1", "at": T, "type": "transfer", "to_team": "B"},
            {"thread": "t1", "at": T, "type": "status", "status": "resolved", "user": "u1"},
        ],
        "sessions": [{"user": "u1", "start": T}],
        "leads": [{"id": "l1", "received_at": T, "assignee": "u1", "team": "A",
                   "status_group": "won", "conversions": [{"kind": "sale", "at": T}]}],
        "activities": [{"user": "u1", "kind": "call", "at": T, "lead": "l1",
                        "duration_seconds": 30, "answered": True, "smart_list": "s1"}],
        "smart_lists": [{"id": "s1", "customers": ["c1"], "users": ["u1"]}],
    }


def errors_of(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(DatasetError) as info:
        from_dict(data)
    return [(e.code, e.path) for e in info.value.errors]


def test_a_valid_dataset_loads_every_section() -> None:
    ds = from_dict(base())
    assert len(ds.messages) == 3 and len(ds.thread_events) == 2
    assert ds.messages[1].sender is Sender.USER
    assert ds.messages[0].sender is Sender.CUSTOMER
    assert ds.messages[2].is_automated
    assert ds.thread_events[0].type is EventType.TRANSFER
    assert ds.leads[0].conversions[0].kind.value == "sale"
    assert ds.activities[0].duration_seconds == 30.0


def test_an_empty_dataset_loads() -> None:
    ds = from_dict({})
    assert ds.messages == () and ds.teams == ()


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["messages"][1].update(at="2026-03-02T09:00:00"),
         ("invalid_instant", "messages[1].at")),
        (lambda d: d["messages"][1].update(at="yesterday"), ("invalid_instant", "messages[1].at")),
        (lambda d: d["messages"][0].pop("at"), ("missing_field", "messages[0].at")),
        (lambda d: d["threads"][0].update(team=None), ("missing_field", "threads[0].team")),
        (lambda d: d["messages"][0].update(direction="sideways"),
         ("invalid_value", "messages[0].direction")),
        (lambda d: d["messages"][0].update(sender="user"), ("invalid_value", "messages[0].sender")),
        (lambda d: d["messages"][1].update(sender="customer"),
         ("invalid_value", "messages[1].sender")),
        (lambda d: d["teams"].append({"id": "A"}), ("duplicate_id", "teams[2].id")),
        (lambda d: d["messages"].append({"id": "m1", "thread": "t1", "at": T, "direction": "in"}),
         ("duplicate_id", "messages[3].id")),
        (lambda d: d["messages"][0].update(thread="nope"),
         ("unknown_reference", "messages[0].thread")),
        (lambda d: d["leads"][0].update(assignee="ghost"),
         ("unknown_reference", "leads[0].assignee")),
        (lambda d: d["smart_lists"][0]["customers"].append("c9"),
         ("unknown_reference", "smart_lists[0].customers[1]")),
        (lambda d: d["thread_events"][0].pop("to_team"),
         ("missing_field", "thread_events[0].to_team")),
        (lambda d: d["thread_events"][1].pop("status"),
         ("missing_field", "thread_events[1].status")),
        (lambda d: d["customers"][0].update(account_type="vip"),
         ("invalid_value", "customers[0].account_type")),
        (lambda d: d["activities"][0].update(completed="yes"),
         ("invalid_value", "activities[0].completed")),
        (lambda d: d["activities"][0].update(duration_seconds=-1),
         ("invalid_value", "activities[0].duration_seconds")),
        (lambda d: d["leads"][0]["conversions"][0].pop("at"),
         ("missing_field", "leads[0].conversions[0].at")),
        (lambda d: d["sessions"][0].update(end="2026-03-02T07:00:00+01:00"),
         ("invalid_value", "sessions[0].end")),
        (lambda d: d["teams"][0].update(colour="red"), ("invalid_value", "teams[0].colour")),
        (lambda d: d.update(widgets=[]), ("invalid_value", "widgets")),
        (lambda d: d["teams"][0].update(id=7), ("invalid_value", "teams[0].id")),
        (lambda d: d.update(messages={}), ("invalid_value", "messages")),
        (lambda d: d["users"].append("u2"), ("invalid_value", "users[1]")),
        (lambda d: d["teams"][0].update(calendar="nope"),
         ("unknown_reference", "teams[0].calendar")),
    ],
)
def test_each_rule_is_enforced_with_its_code_and_path(mutate: Any, expected: tuple[str, str]) -> None:
    data = copy.deepcopy(base())
    mutate(data)
    assert errors_of(data)[0] == expected


def test_x_prefixed_names_are_ignored() -> None:
    data = base()
    data["x-note"] = "hello"
    data["teams"][0]["x-colour"] = "red"
    assert len(from_dict(data).teams) == 2


def test_loading_collects_every_error_in_input_order() -> None:
    data = base()
    data["messages"][0]["at"] = "2026-03-02T09:00:00"
    data["messages"][2]["direction"] = "up"
    data["leads"][0]["assignee"] = "ghost"
    assert errors_of(data) == [
        ("invalid_instant", "messages[0].at"),
        ("invalid_value", "messages[2].direction"),
        ("unknown_reference", "leads[0].assignee"),
    ]


def test_max_errors_bounds_the_collection() -> None:
    data = {"teams": [{"id": 1}] * 50}
    with pytest.raises(DatasetError) as info:
        from_dict(data, max_errors=5)
    assert len(info.value.errors) == 5
    assert "and 4 more" in str(info.value)


def test_instants_in_any_offset_are_kept_and_ordered() -> None:
    data = base()
    data["messages"] = [
        {"thread": "t1", "at": "2026-03-02T09:00:00+01:00", "direction": "in"},
        {"thread": "t1", "at": "2026-03-02T07:30:00Z", "direction": "out"},
    ]
    ds = from_dict(data)
    ordered = ds.messages_by_thread["t1"]
    assert [m.direction for m in ordered] == [Direction.OUT, Direction.IN]
    assert ordered[0].at.utcoffset() is not None
