"""Unit tests: rules, drill-down rows, alternatives, errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from salesmetrics.calendars import WALL
from salesmetrics.load import from_dict
from salesmetrics.metrics import (
    colleagues,
    conversations,
    new_customers,
    open_too_long,
    outbound_reply,
    response_rate,
    response_time,
    waiting,
)
from salesmetrics.period import Period
from salesmetrics.rules import (
    DEFAULT_MESSAGE_TEAM,
    FIRST_MESSAGE_TEAM,
    HOLDER_AT_CLOSE,
    HOLDER_AT_OPEN,
    HOLDER_ONLY,
    MESSAGE_FIELD,
    NO_OUTLIERS,
    USER_TEAM,
    Cap,
    MessageTeam,
    Tukey,
)
from salesmetrics.timeline import split_conversations, thread_timeline

WEEK = Period(datetime.fromisoformat("2026-03-02T00:00:00+00:00"),
              datetime.fromisoformat("2026-03-09T00:00:00+00:00"))


def Z(s: str) -> str:
    md, hm = s.split()
    return f"2026-{md}T{hm}:00Z"


def transferred() -> Any:
    return from_dict({
        "teams": [{"id": "A"}, {"id": "B"}],
        "users": [{"id": "a1", "team": "A"}, {"id": "b1", "team": "B"}],
        "threads": [{"id": "t1", "team": "A"}],
        "messages": [{"thread": "t1", "at": Z("03-02 09:00"), "direction": "in"},
                     {"thread": "t1", "at": Z("03-02 09:20"), "direction": "out",
                      "user": "b1"}],
        "thread_events": [{"thread": "t1", "at": Z("03-02 09:10"), "type": "transfer",
                           "to_team": "B", "id": "e1"}],
    })


# -- rules ----------------------------------------------------------------------

def test_tukey_quartiles_are_inclusive() -> None:
    kept, excluded = Tukey(k=1.5).split([60, 120, 180, 240, 6000])
    assert excluded == (6000.0,)
    assert kept == (60.0, 120.0, 180.0, 240.0)


def test_tukey_fewer_than_two_values_excludes_nothing() -> None:
    assert Tukey().split([1e9]) == ((1e9,), ())
    assert Tukey().split([]) == ((), ())


def test_cap_excludes_strictly_above() -> None:
    assert Cap(seconds=100).split([100, 101]) == ((100.0,), (101.0,))


def test_no_outliers_keeps_everything() -> None:
    assert NO_OUTLIERS.split([3, 1]) == ((1.0, 3.0), ())


def test_message_team_sources_combine() -> None:
    assert MESSAGE_FIELD + USER_TEAM == DEFAULT_MESSAGE_TEAM
    assert (USER_TEAM + MESSAGE_FIELD).sources == ("user", "message")
    with pytest.raises(ValueError):
        MessageTeam(("planet",))


def test_split_conversations_gap_is_inclusive() -> None:
    ds = from_dict({"teams": [{"id": "A"}], "threads": [{"id": "t", "team": "A"}],
                    "messages": [{"thread": "t", "at": Z("03-01 00:00"), "direction": "in"},
                                 {"thread": "t", "at": Z("03-01 01:00"), "direction": "in"}]})
    msgs = list(ds.messages_by_thread["t"])
    assert len(split_conversations(msgs, 3600)) == 2
    assert len(split_conversations(msgs, 3601)) == 1


# -- alternatives ---------------------------------------------------------------

def test_contact_team_alternative_credits_receiving_team() -> None:
    ds = transferred()
    default = response_rate(ds, period=WEEK, by="team").summary()
    assert default["A"] == {"contacts": 1, "answered": 0, "answered_by_any": 1, "rate": 0.0}
    assert default["B"]["rate"] is None
    alt = response_rate(ds, period=WEEK, contact_team=HOLDER_AT_CLOSE, by="team").summary()
    assert alt["A"]["contacts"] == 0
    assert alt["B"] == {"contacts": 1, "answered": 1, "answered_by_any": 1, "rate": 1.0}


def test_every_contact_row_agrees_with_itself_under_either_contact_team_rule() -> None:
    ds = transferred()
    for rule in (HOLDER_AT_OPEN, HOLDER_AT_CLOSE):
        for row in response_rate(ds, period=WEEK, contact_team=rule, by="team").rows:
            assert row.answered == (row.outcome == "answered") == (row.answered_by == row.team)
            if row.answered:
                assert "not the contact's team" not in row.why, (rule, row)
            else:
                assert f"not the contact's team {row.team}" in row.why, (rule, row)


def test_holder_only_message_team() -> None:
    ds = transferred()
    # b1's reply speaks for the holder (B after the transfer) under HOLDER_ONLY too
    assert response_time(ds, period=WEEK, message_team=HOLDER_ONLY, by="team").summary()["B"]["count"] == 1


def test_owner_rule_alternative() -> None:
    ds = transferred()
    assert conversations(ds, period=WEEK, by="team").summary()["B"]["new_inbound"] == 1
    alt = conversations(ds, period=WEEK, owner=FIRST_MESSAGE_TEAM, by="team").summary()
    assert alt["A"]["new_inbound"] == 1 and alt["B"]["new_inbound"] == 0


# -- drill-down -----------------------------------------------------------------

def test_response_time_rows_say_reply_responder_and_clock_start() -> None:
    ds = transferred()
    result = response_time(ds, period=WEEK, by="team")
    (row,) = result.rows
    assert row.reply == "messages[1]"
    assert row.responder == "b1"
    assert row.team == "B"
    assert row.clock_start == datetime.fromisoformat("2026-03-02T09:10:00+00:00")
    assert row.restarted_by == "e1"
    assert row.seconds == 600.0
    assert row.status == "counted"
    assert "e1" in row.why


def test_contact_rows_say_outcome_and_why() -> None:
    result = response_rate(transferred(), period=WEEK, by="team")
    (row,) = result.rows
    assert row.outcome == "answered_by_other_team"
    assert row.answered_by == "B" and row.team == "A" and not row.answered
    assert "transferred to B" in row.why
    assert result.to_rows()[0]["closed_by"] == "messages[1]"
    assert result.csv().splitlines()[0].startswith("thread,opened_at")


def test_response_time_rows_list_exclusions() -> None:
    ds = from_dict({
        "teams": [{"id": "A"}], "users": [{"id": "a1", "team": "A"}],
        "threads": [{"id": f"t{i}", "team": "A"} for i in range(3)],
        "messages": [x for i, s in enumerate(("09:01", "09:02", "12:00")) for x in (
            {"thread": f"t{i}", "at": Z("03-02 09:00"), "direction": "in"},
            {"thread": f"t{i}", "at": Z("03-02 " + s), "direction": "out", "user": "a1"})],
    })
    result = response_time(ds, period=WEEK, outliers=Cap(seconds=3600), by="team")
    assert [r.thread for r in result.excluded] == ["t2"]
    assert result.groups["A"].excluded_values == (10800.0,)
    assert result.groups["A"].count == 2
    assert result.overall.excluded == 1


def test_removed_and_unreplied_rows() -> None:
    ds = from_dict({
        "teams": [{"id": "A"}],
        "threads": [{"id": "t1", "team": "A"}, {"id": "t2", "team": "A"}],
        "messages": [{"thread": "t1", "at": Z("03-02 09:00"), "direction": "in"},
                     {"thread": "t2", "at": Z("03-02 09:00"), "direction": "in"},
                     {"thread": "t2", "at": Z("03-02 09:30"), "direction": "out"}],
        "thread_events": [{"thread": "t2", "at": Z("03-02 09:10"), "type": "status",
                           "status": "waiting"}],
    })
    rows = response_time(ds, period=WEEK, by="team").rows
    assert [(r.thread, r.status, r.seconds) for r in rows] == [
        ("t1", "no_reply", None), ("t2", "removed_by_status", None)]


def test_every_team_appears_with_na() -> None:
    ds = from_dict({"teams": [{"id": "A"}, {"id": "Z"}], "threads": []})
    assert response_time(ds, period=WEEK, by="team").summary() == {
        t: {"count": 0, "mean": None, "median": None, "p90": None, "excluded": 0,
            "excluded_values": []} for t in ("A", "Z")}
    assert outbound_reply(ds, period=WEEK, clock=WALL, by="team").summary()["Z"]["rate"] is None
    assert new_customers(ds, period=WEEK, by="team").summary()["Z"]["by_channel"] == {
        "ivr": 0, "sms": 0, "widget": 0, "sdk": 0, "other": 0}


def test_return_type_does_not_depend_on_by() -> None:
    ds = transferred()
    a = response_rate(ds, period=WEEK, by="team")
    b = response_rate(ds, period=WEEK, by=None)
    assert type(a) is type(b) and a.overall == b.overall and b.groups == {}


def test_bad_arguments_raise() -> None:
    ds = transferred()
    with pytest.raises(ValueError):
        conversations(ds, period=WEEK, gap_seconds=0, by="team")
    with pytest.raises(ValueError):
        conversations(ds, period=WEEK, by="user")
    with pytest.raises(ValueError):
        open_too_long(ds, at=WEEK.end, threshold_seconds=-1)


def test_waiting_and_colleagues_read_up_to_the_instant() -> None:
    ds = transferred()
    at = datetime.fromisoformat("2026-03-02T09:15:00+00:00")
    assert waiting(ds, at=at, by="team").summary()["B"]["count"] == 1
    assert waiting(ds, at=at, by="team").summary()["A"] == {"count": 0, "threads": []}
    col = colleagues(ds, day=at.date(), at=at, by="user")
    assert col.summary()["b1"]["contacts_processed"] == 0
    later = datetime.fromisoformat("2026-03-02T10:00:00+00:00")
    assert colleagues(ds, day=at.date(), at=later, by="user").summary()["b1"]["contacts_processed"] == 1


def test_timeline_holder_and_moves() -> None:
    tl = thread_timeline(transferred(), "t1")
    assert tl.holder == "B"
    assert tl.holder_at(datetime.fromisoformat("2026-03-02T09:10:00+00:00")) == "B"
    assert tl.holder_at(datetime.fromisoformat("2026-03-02T09:10:00+00:00"), strict=True) == "A"
    assert tl.contacts[0].team == "A" and tl.contacts[0].holder_at_close == "B"
