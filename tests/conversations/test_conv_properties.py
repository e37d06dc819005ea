"""Properties of the conversation metrics over random datasets."""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from conv_strategies import T0, USERS, datasets

from salesmetrics.load import from_dict
from salesmetrics.metrics import (
    colleagues,
    connected_customers,
    connected_customers_partial,
    conversation_partial,
    conversations,
    finish_connected_customers,
    finish_conversations,
    finish_new_customers,
    finish_outbound_reply,
    finish_response_rate,
    finish_response_time,
    merge,
    new_customers,
    new_customers_partial,
    open_too_long,
    outbound_reply,
    outbound_reply_partial,
    response_rate,
    response_rate_partial,
    response_time,
    response_time_partial,
    waiting,
)
from salesmetrics.period import Period
from salesmetrics.rules import Tukey
from salesmetrics.spec.runner import compute_case

PERIOD = Period(T0 + timedelta(days=10), T0 + timedelta(days=24))
AS_OFS = st.sampled_from([None, T0 + timedelta(days=20), T0 + timedelta(days=30)])
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def everything(ds: Any, as_of: datetime | None) -> dict[str, Any]:
    at = as_of or T0 + timedelta(days=41)
    return {
        "conversations": conversations(ds, period=PERIOD, as_of=as_of, by="team").summary(),
        "response_rate": response_rate(ds, period=PERIOD, as_of=as_of, by="team").summary(),
        "response_time": response_time(ds, period=PERIOD, as_of=as_of,
                                       outliers=Tukey(), by="team").summary(),
        "outbound_reply": outbound_reply(ds, period=PERIOD, as_of=as_of, by="team").summary(),
        "new_customers": new_customers(ds, period=PERIOD, as_of=as_of, by="team").summary(),
        "connected": connected_customers(ds, period=PERIOD, as_of=as_of, by="team").summary(),
        "waiting": waiting(ds, at=at, by="team").summary(),
        "colleagues": colleagues(ds, day=(T0 + timedelta(days=20)).date(), at=at, by="user").summary(),
        "open": open_too_long(ds, at=at, threshold_seconds=3600).summary(),
    }


@SETTINGS
@given(datasets(), AS_OFS)
def test_counts_add_up_and_rates_are_fractions(raw: dict[str, Any],
                                               as_of: datetime | None) -> None:
    ds = from_dict(raw)
    conv = conversations(ds, period=PERIOD, as_of=as_of, by="team")
    for c in [*conv.groups.values(), conv.overall]:
        assert c.total == c.previously_started + c.new_inbound + c.new_outbound
        assert c.existing_customers <= c.new_inbound
    assert conv.overall.total == sum(c.total for c in conv.groups.values())
    rr = response_rate(ds, period=PERIOD, as_of=as_of, by="team")
    for r in [*rr.groups.values(), rr.overall]:
        assert r.answered <= r.answered_by_any <= r.contacts
        assert r.rate is None or 0 <= r.rate <= 1
        assert (r.rate is None) == (r.contacts == 0)
    ob = outbound_reply(ds, period=PERIOD, as_of=as_of, by="team")
    for o in [*ob.groups.values(), ob.overall]:
        assert o.replied <= o.conversations
        assert o.rate is None or 0 <= o.rate <= 1
    rt = response_time(ds, period=PERIOD, as_of=as_of, by="team")
    for t in [*rt.groups.values(), rt.overall]:
        assert t.count >= 0 and (t.mean is None) == (t.count == 0)
        assert t.mean is None or t.mean >= 0
    # summaries are the aggregates of their rows
    assert rt.overall.count == sum(1 for r in rt.rows if r.status == "counted")
    assert rr.overall.contacts == len(rr.rows)
    assert conv.overall.total == len(conv.rows)


@SETTINGS
@given(datasets(), AS_OFS, st.randoms(use_true_random=False))
def test_input_order_is_irrelevant(raw: dict[str, Any], as_of: datetime | None,
                                   rnd: random.Random) -> None:
    shuffled = dict(raw)
    for key in ("teams", "users", "threads", "messages", "thread_events", "sessions"):
        items = list(raw[key])
        rnd.shuffle(items)
        shuffled[key] = items
    a, b = everything(from_dict(raw), as_of), everything(from_dict(shuffled), as_of)
    # message indexes differ, so compare summaries (refs in rows name input positions)
    assert a == b


@SETTINGS
@given(datasets(), AS_OFS, st.integers(2, 4))
def test_split_by_thread_then_merge_is_the_whole(raw: dict[str, Any], as_of: datetime | None,
                                                  parts: int) -> None:
    ds = from_dict(raw)
    pieces = ds.split_by_thread(parts)
    pairs: list[tuple[Any, Any]] = [
        (lambda d: conversation_partial(d, period=PERIOD, as_of=as_of), finish_conversations),
        (lambda d: response_rate_partial(d, period=PERIOD, as_of=as_of), finish_response_rate),
        (lambda d: response_time_partial(d, period=PERIOD, as_of=as_of),
         lambda p: finish_response_time(p, outliers=Tukey(), by="team")),
        (lambda d: outbound_reply_partial(d, period=PERIOD, as_of=as_of),
         finish_outbound_reply),
        (lambda d: new_customers_partial(d, period=PERIOD, as_of=as_of), finish_new_customers),
        (lambda d: connected_customers_partial(d, period=PERIOD, as_of=as_of),
         finish_connected_customers),
    ]
    for make, finish in pairs:
        whole = finish(make(ds))
        merged = finish(merge(*[make(p) for p in reversed(pieces)]))
        assert merged.summary() == whole.summary()
        assert merged.rows == whole.rows
        assert merged.overall == whole.overall


@SETTINGS
@given(datasets(), AS_OFS, st.sampled_from(USERS))
def test_scoped_result_is_the_result_on_the_filtered_dataset(
        raw: dict[str, Any], as_of: datetime | None, user: str) -> None:
    ds = from_dict(raw)
    scoped = ds.scoped_to_user(user, as_of)
    allowed = {t.id for t in scoped.threads}
    period = {"start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()}
    checks = [{"metric": m, "period": period, "by": "team", "scope": {"user": user},
               **({"as_of": as_of.isoformat()} if as_of else {})}
              for m in ("conversations", "response_rate", "response_time", "outbound_reply",
                        "new_customers", "connected_customers")]
    got = compute_case({"format": "salesmetrics-case/1", "name": "x", "data": raw,
                        "checks": checks})
    direct: list[Any] = [conversations(scoped, period=PERIOD, as_of=as_of, by="team"),
              response_rate(scoped, period=PERIOD, as_of=as_of, by="team"),
              response_time(scoped, period=PERIOD, as_of=as_of, by="team"),
              outbound_reply(scoped, period=PERIOD, as_of=as_of, by="team"),
              new_customers(scoped, period=PERIOD, as_of=as_of, by="team"),
              connected_customers(scoped, period=PERIOD, as_of=as_of, by="team")]
    for actual, result in zip(got, direct, strict=True):
        assert actual == result.summary()
        assert all(r.thread in allowed for r in result.rows)


def test_waiting_seconds_are_wall_clock() -> None:
    at = datetime(2026, 3, 2, 12, tzinfo=UTC)
    ds = from_dict({"teams": [{"id": "A"}], "threads": [{"id": "t", "team": "A"}],
                    "messages": [{"thread": "t", "at": "2026-03-01T12:00:00Z",
                                  "direction": "in"}]})
    assert waiting(ds, at=at, by="team").rows[0].waiting_seconds == 86400.0
