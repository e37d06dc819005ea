"""ranking and variation: the pure functions and their adapters (over a fake metric)."""

from __future__ import annotations

from typing import Any

import pytest
import spec_fakes
from hypothesis import given
from hypothesis import strategies as st
from spec_fakes import WEEK1, WEEK2, case

from salesmetrics.metrics.compare import RankRow, rank, variation
from salesmetrics.spec import compute_case
from salesmetrics.spec.adapters.compare import higher_is_better

# -- rank ---------------------------------------------------------------------


def test_competition_ranking_with_ties_by_id_and_na_last() -> None:
    rows = rank({"D": 5, "C": 7, "B": 7, "A": None, "E": 1, "F": None}, higher_is_better=True)
    assert [(r.team, r.rank) for r in rows] == [
        ("B", 1), ("C", 1), ("D", 3), ("E", 4), ("A", None), ("F", None)]


def test_lower_is_better_for_times() -> None:
    rows = rank({"A": 300.0, "B": 120.0, "C": 120.0}, higher_is_better=False)
    assert [(r.team, r.rank) for r in rows] == [("B", 1), ("C", 1), ("A", 3)]


def test_previous_rank_and_move() -> None:
    rows = rank({"A": 1, "B": 2, "C": 3, "D": 4}, higher_is_better=True,
                previous={"A": 4, "B": 3, "C": None})
    assert {r.team: (r.rank, r.previous_rank, r.move) for r in rows} == {
        "D": (1, None, None), "C": (2, None, None), "B": (3, 2, -1), "A": (4, 1, -3)}


def test_no_previous_gives_null_moves() -> None:
    (row,) = rank({"A": 1.0}, higher_is_better=True)
    assert row == RankRow("A", 1.0, 1, None, None)


@given(st.dictionaries(st.sampled_from("ABCDEFG"),
                       st.none() | st.integers(0, 5), max_size=7))
def test_rank_is_the_count_of_strictly_better_values_plus_one(
        values: dict[str, int | None]) -> None:
    rows = rank(values, higher_is_better=True)
    assert sorted(r.team for r in rows) == sorted(values)
    for r in rows:
        v = values[r.team]
        if v is None:
            assert r.rank is None
        else:
            assert r.rank == 1 + sum(1 for w in values.values() if w is not None and w > v)
    ranks = [r.rank for r in rows if r.rank is not None]
    assert ranks == sorted(ranks)
    assert all(r.rank is None for r in rows[len(ranks):])


# -- variation -----------------------------------------------------------------


@pytest.mark.parametrize(("current", "previous", "change"), [
    (12, 10, 0.2),
    (5, 10, -0.5),
    (0, 4, -1.0),
    (3, 3, "="),
    (0, 0, "="),
    (3.5, 3.5, "="),
    (5, 0, None),
    (5, None, None),
    (None, 5, None),
    (None, None, None),
    (None, 0, None),
])
def test_variation(current: float | None, previous: float | None, change: object) -> None:
    assert variation(current, previous) == change


# -- adapters -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    spec_fakes.install(monkeypatch)


def one(check: dict[str, Any]) -> Any:
    (out,) = compute_case(case({**check, "expect": {}}))
    return out


def test_ranking_direction_comes_from_the_metric_table() -> None:
    from salesmetrics.metrics.table import TABLE

    assert higher_is_better("conversations", "total")
    assert higher_is_better("lead_response_time", "within_24h_rate")
    for metric, key in [("response_time", "mean"), ("response_time", "p90"),
                        ("outbound_reply", "median_time"), ("lead_response_time", "median")]:
        assert not higher_is_better(metric, key), (metric, key)
    # every time a team can be ranked by ranks lower first, every count and rate higher first
    for m in TABLE.values():
        if "team" not in m.by or m.takes != "period":
            continue
        for f in m.fields:
            if f.unit == "seconds":
                assert not higher_is_better(m.name, f.name), (m.name, f.name)
            elif f.unit in ("count", "rate") and f.name != "excluded":
                assert higher_is_better(m.name, f.name), (m.name, f.name)


def test_ranking_by_a_rate_with_na_last() -> None:
    out = one({"metric": "ranking", "period": WEEK1,
               "options": {"of": "conversations", "key": "rate"}})
    assert out == [
        {"team": "B", "value": 0.9, "rank": 1, "previous_rank": None, "move": None},
        {"team": "A", "value": 0.5, "rank": 2, "previous_rank": None, "move": None},
        {"team": "C", "value": None, "rank": None, "previous_rank": None, "move": None},
    ]
    (inner,) = spec_fakes.CALLS
    assert inner.metric == "conversations" and inner.by == "team"


def test_ranking_by_a_time_against_the_previous_period() -> None:
    out = one({"metric": "ranking", "period": WEEK2, "as_of": "2026-03-20T00:00:00Z",
               "options": {"of": "conversations", "key": "mean", "previous_period": True,
                           "options": {"gap_seconds": 3600}}})
    assert [(r["team"], r["rank"], r["previous_rank"], r["move"]) for r in out] == [
        ("C", 1, None, None), ("A", 2, 2, 0), ("B", 3, 1, -2)]
    now, before = spec_fakes.CALLS
    assert now.period is not None and before.period is not None
    assert before.period.end == now.period.start
    assert now.options == {"gap_seconds": 3600} and now.as_of == before.as_of


def test_ranking_against_a_given_previous_period() -> None:
    out = one({"metric": "ranking", "period": WEEK2,
               "options": {"of": "conversations", "key": "total", "previous_period": WEEK1}})
    assert [(r["team"], r["rank"], r["previous_rank"], r["move"]) for r in out] == [
        ("A", 1, 1, 0), ("B", 2, 2, 0), ("C", 3, 2, -1)]


@pytest.mark.parametrize(("options", "path"), [
    ({"of": "waiting", "key": "count"}, "options.of"),
    ({"of": "ranking", "key": "rank"}, "options.of"),
    ({"of": "lead_dashboard", "key": "received"}, "options.of"),
    ({"of": 3, "key": "count"}, "options.of"),
    ({"of": "conversations", "key": "p99"}, "options.key"),
    ({"of": "conversations", "key": 2}, "options.key"),
    ({"of": "conversations", "key": "total", "by": "user"}, "options.by"),
    ({"of": "conversations", "key": "total", "previous_period": "last week"},
     "options.previous_period"),
    ({"of": "conversations", "key": "total", "options": {"gap_days": 1}},
     "options.options.gap_days"),
    ({"of": "conversations", "key": "total", "options": {"gap_seconds": -5}},
     "options.options.gap_seconds"),
])
def test_ranking_option_errors(options: dict[str, Any], path: str) -> None:
    out = one({"metric": "ranking", "period": WEEK1, "options": options})
    assert out["error"]["code"] == "invalid_option", out
    assert out["error"]["path"] == path


def test_ranking_previous_period_errors_name_their_place() -> None:
    out = one({"metric": "ranking", "period": WEEK1, "options": {
        "of": "conversations", "key": "total",
        "previous_period": {"start": "2026-03-01T00:00:00", "end": WEEK1["start"]}}})
    assert out["error"] == {**out["error"], "code": "invalid_instant",
                            "path": "options.previous_period.start"}


def test_variation_overall_and_by_team() -> None:
    overall = one({"metric": "variation", "period": WEEK2,
                   "options": {"of": "conversations", "key": "total"}})
    assert overall == {"current": 8, "previous": 8, "change": "="}
    by_team = one({"metric": "variation", "period": WEEK2, "by": "team",
                   "options": {"of": "conversations", "key": "mean"}})
    assert by_team == {
        "A": {"current": 90.0, "previous": 300.0, "change": pytest.approx(-0.7)},
        "B": {"current": 100.0, "previous": 100.0, "change": "="},
        "C": {"current": 50.0, "previous": None, "change": None},
    }


def test_variation_errors() -> None:
    out = one({"metric": "variation", "period": WEEK2, "by": "user",
               "options": {"of": "conversations", "key": "total"}})
    assert (out["error"]["code"], out["error"]["path"]) == ("invalid_option", "by")
    out = one({"metric": "variation", "period": WEEK2,
               "options": {"of": "conversations", "key": "label"}})
    assert (out["error"]["code"], out["error"]["path"]) == ("invalid_option", "options.key")
