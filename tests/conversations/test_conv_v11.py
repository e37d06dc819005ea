"""v1.1 readings: first-response rules and profiles, reply time, p90, targets, by user."""

from __future__ import annotations

import json
import statistics
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from conv_strategies import T0, datasets

from salesmetrics.calendars import WALL
from salesmetrics.errors import SalesmetricsError
from salesmetrics.load import from_dict, from_dict_lenient
from salesmetrics.metrics import (
    compare_profiles,
    differing,
    finish_outbound_reply,
    finish_reply_time,
    finish_response_time,
    merge,
    outbound_reply_partial,
    reply_time,
    reply_time_partial,
    response_time,
    response_time_partial,
)
from salesmetrics.period import Period
from salesmetrics.results import percentile
from salesmetrics.rules import (
    ANY_REPLY,
    FIRST_MESSAGE,
    HOLDING_TEAMS,
    PROFILES,
    STATUS_IGNORED,
    ResponseRules,
    Tukey,
    reading,
)

FIXTURES = Path(__file__).parents[2] / "src" / "salesmetrics" / "spec" / "fixtures"
PERIOD = Period(T0 + timedelta(days=10), T0 + timedelta(days=24))
WEEK = Period(datetime.fromisoformat("2026-03-02T00:00:00+00:00"),
              datetime.fromisoformat("2026-03-09T00:00:00+00:00"))
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rules_data() -> dict[str, Any]:
    doc = json.loads((FIXTURES / "rules" / "start_first_message.json").read_text("utf-8"))
    data: dict[str, Any] = doc["data"]
    return data


def test_rules_combine_with_plus_the_right_one_winning() -> None:
    combined = FIRST_MESSAGE + ANY_REPLY + ResponseRules(start="restart_at_transfer")
    assert combined.resolved() == ResponseRules(
        start="restart_at_transfer", stop="any_reply", status="excludes", calendar="replying_team")
    with pytest.raises(ValueError, match="unknown rule"):
        ResponseRules.from_mapping({"finish": "x"})


def test_explicit_rules_override_the_profile_and_keep_its_clock() -> None:
    rules, clock = reading("dbt_hubspot", ResponseRules(stop="human_reply"))
    assert (rules.start, rules.stop, rules.status, clock) == (
        "first_message", "human_reply", "ignored", "wall")
    assert set(PROFILES) == {"instaply", "zendesk", "dbt_zendesk", "dbt_hubspot"}


def test_response_time_python_api_takes_profiles_rules_and_clock() -> None:
    ds = from_dict(rules_data())
    by_profile = response_time(ds, period=WEEK, profile="dbt_zendesk", by="team").summary()
    by_rules = response_time(ds, period=WEEK,
                             rules=FIRST_MESSAGE + STATUS_IGNORED + HOLDING_TEAMS, by="team").summary()
    assert by_profile == by_rules
    assert by_profile["B"]["mean"] == 14400.0
    assert response_time(ds, period=WEEK, profile="dbt_zendesk", clock=WALL
                         , by="team").summary()["B"]["mean"] == 5 * 3600.0
    assert response_time(ds, period=WEEK, profile="dbt_zendesk", clock="wall"
                         , by="team").summary()["B"]["mean"] == 5 * 3600.0
    assert response_time(ds, period=WEEK, rules={"start": "first_message"}
                         , by="team").summary()["B"]["mean"] == 9000.0


@pytest.mark.parametrize(("kwargs", "path"), [
    ({"profile": "freshdesk"}, "profile"),
    ({"profile": 3}, "profile"),
    ({"rules": {"stop": "bot_reply"}}, "rules.stop"),
    ({"rules": {"finish": "human_reply"}}, "rules.finish"),
    ({"rules": "first_message"}, "rules"),
    ({"clock": "lunar"}, "clock"),
    ({"clock": 3}, "clock"),
    ({"targets": [-1]}, "targets"),
    ({"targets": [10**400]}, "targets"),
    ({"targets": [float("nan")]}, "targets"),
    ({"targets": {"a": 1}}, "targets"),
    ({"by": "planet"}, "by"),
])
def test_a_bad_parameter_is_invalid_option_naming_it(kwargs: dict[str, Any], path: str) -> None:
    ds = from_dict(rules_data())
    with pytest.raises(SalesmetricsError) as info:
        response_time(ds, period=WEEK, **kwargs)
    assert (info.value.code, info.value.path) == ("invalid_option", path)


@given(st.lists(st.floats(0, 1e7, allow_nan=False), min_size=1, max_size=30))
def test_p90_is_statistics_quantiles_inclusive(values: list[float]) -> None:
    got = percentile(values, 90)
    expected = values[0] if len(values) == 1 else statistics.quantiles(
        values, n=10, method="inclusive")[8]
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(), st.integers(2, 3), st.sampled_from(["team", "user"]),
       st.sampled_from(sorted(PROFILES)))
def test_v11_partials_split_by_thread_then_merge_to_the_whole(
        raw: dict[str, Any], parts: int, by: str, profile: str) -> None:
    ds = from_dict(raw)
    pieces = ds.split_by_thread(parts)
    pairs: list[tuple[Any, Any]] = [
        (lambda d: response_time_partial(d, period=PERIOD, profile=profile, by=by),
         lambda p: finish_response_time(p, by=by, outliers=Tukey(), targets=[60, 3600])),
        (lambda d: reply_time_partial(d, period=PERIOD, by=by),
         lambda p: finish_reply_time(p, by=by, targets=[600])),
        (lambda d: outbound_reply_partial(d, period=PERIOD, by=by),
         lambda p: finish_outbound_reply(p, by=by)),
    ]
    for make, finish in pairs:
        whole = finish(make(ds))
        merged = finish(merge(*[make(p) for p in reversed(pieces)]))
        assert merged.summary() == whole.summary()
        assert merged.rows == whole.rows


@SETTINGS
@given(datasets())
def test_every_user_appears_and_user_groups_hold_only_their_values(raw: dict[str, Any]) -> None:
    ds = from_dict(raw)
    users = {u.id for u in ds.users}
    for result in (response_time(ds, period=PERIOD, by="user"),
                   reply_time(ds, period=PERIOD, by="user")):
        assert set(result.groups) == users
        counted = [r for r in result.rows if r.seconds is not None and r.responder is not None]
        assert sum(g.count for g in result.groups.values()) == len(counted)


@SETTINGS
@given(datasets())
def test_default_rules_read_as_v1_and_instaply(raw: dict[str, Any]) -> None:
    ds = from_dict(raw)
    v1 = response_time(ds, period=PERIOD, by="team").summary()
    assert response_time(ds, period=PERIOD, profile="instaply", by="team").summary() == v1
    assert response_time(ds, period=PERIOD, rules=ResponseRules(), by="team").summary() == v1


def test_a_team_partial_cannot_be_finished_by_user() -> None:
    ds = from_dict(rules_data())
    with pytest.raises(ValueError, match="cannot be finished"):
        finish_response_time(response_time_partial(ds, period=WEEK), by="user")


def test_compare_profiles_names_the_rules_that_made_each_value_differ() -> None:
    ds = from_dict(rules_data())
    cmp = compare_profiles(ds, period=WEEK, by="team")
    assert tuple(cmp.overall) == ("instaply", "zendesk", "dbt_zendesk", "dbt_hubspot")
    assert {p: s["mean"] for p, s in cmp.summary()["B"].items()} == {
        "instaply": 3600.0, "zendesk": 18000.0, "dbt_zendesk": 14400.0, "dbt_hubspot": None}
    (row,) = cmp.rows
    assert row.values == {"instaply": 3600.0, "zendesk": 18000.0, "dbt_zendesk": 14400.0,
                          "dbt_hubspot": 5400.0}
    assert row.teams["dbt_hubspot"] == "A"
    # wall clock alone gives 12:00-13:00 = 3600 s as well, and status has no event
    assert row.differs_by == {"instaply": (), "zendesk": ("start",),
                              "dbt_zendesk": ("start",), "dbt_hubspot": ("start", "stop")}
    assert differing(cmp) == (row,)
    assert cmp.to_rows()[0]["values"]["zendesk"] == 18000.0


def test_lenient_loading_skips_a_team_with_a_bad_history_and_its_threads() -> None:
    data = rules_data()
    data["teams"][1]["calendar_history"].append({"from": "2026-01-01T00:00:00Z",
                                                 "calendar": "early"})
    ds, report = from_dict_lenient(data)
    assert report.skipped[0].path == "teams[1].calendar_history[1].from"
    assert [t.id for t in ds.teams] == ["A"]


@SETTINGS
@given(datasets(), st.lists(st.integers(0, 40 * 1440), min_size=1, max_size=3, unique=True),
       st.sampled_from(sorted(PROFILES)))
def test_a_history_that_changes_nothing_changes_no_number(
        raw: dict[str, Any], minutes: list[int], profile: str) -> None:
    from conv_strategies import iso

    changed = dict(raw)
    changed["calendars"] = {**raw["calendars"], "copy": raw["calendars"]["store"]}
    changed["teams"] = [
        {**t, "calendar_history": [{"from": iso(m), "calendar": "copy"} for m in sorted(minutes)]}
        if t.get("calendar") == "store" else t for t in raw["teams"]]
    a, b = from_dict(raw), from_dict(changed)
    for by in ("team", "user"):
        assert response_time(a, period=PERIOD, profile=profile, by=by).summary() == \
            response_time(b, period=PERIOD, profile=profile, by=by).summary()
        assert reply_time(a, period=PERIOD, by=by).summary() == \
            reply_time(b, period=PERIOD, by=by).summary()
