"""the case format's comparison rules: partial, nested, lists, tolerance, instants, null."""

from __future__ import annotations

import pytest

from salesmetrics.spec import MISSING, Mismatch, compare


def paths(expected: object, actual: object) -> list[str]:
    return [m.path for m in compare(expected, actual)]


def test_expect_is_partial_at_every_depth() -> None:
    actual = {"A": {"count": 1, "mean": 300.0, "median": 300.0}, "B": {"count": 0}}
    assert compare({"A": {"count": 1}}, actual) == []
    assert compare({}, actual) == []


def test_nested_mismatch_names_its_key_path() -> None:
    actual = {"A": {"by_channel": {"sms": 2, "ivr": 0}}}
    assert compare({"A": {"by_channel": {"sms": 3}}}, actual) == [
        Mismatch("A.by_channel.sms", 3, 2)
    ]


def test_a_key_missing_from_the_result_is_a_mismatch() -> None:
    (m,) = compare({"A": {"p99": 1.0}}, {"A": {"count": 1}})
    assert m.path == "A.p99" and m.actual is MISSING and m.missing


def test_an_object_expected_where_a_scalar_is_found() -> None:
    assert paths({"A": {"count": 1}}, {"A": 3}) == ["A"]


def test_lists_must_have_the_same_length() -> None:
    assert paths([1, 2], [1, 2, 3]) == [""]
    assert paths([], [1]) == [""]
    assert paths([1], {"0": 1}) == [""]


def test_list_items_compare_partially_by_index() -> None:
    actual = [{"team": "B", "rank": 1, "value": 0.9}, {"team": "A", "rank": 2, "value": 0.5}]
    assert compare([{"team": "B"}, {"rank": 2}], actual) == []
    assert paths([{"team": "A"}, {"team": "B"}], actual) == ["[0].team", "[1].team"]
    assert paths({"A": {"threads": [{"waiting_seconds": 60}]}},
                 {"A": {"threads": [{"thread": "t", "waiting_seconds": 61}]}}) == [
        "A.threads[0].waiting_seconds"]


@pytest.mark.parametrize(("expected", "actual"), [
    (300, 300.0),
    (300.0, 300.0009),            # absolute 1e-3
    (0.0, -0.001),
    (1e9, 1e9 + 900),             # relative 1e-6
    (1e9 + 900, 1e9),
    (1 / 3, 0.3333333),
])
def test_numbers_within_tolerance_match(expected: float, actual: float) -> None:
    assert compare(expected, actual) == []


@pytest.mark.parametrize(("expected", "actual"), [
    (300.0, 300.002),
    (0.0, 0.0011),
    (1e9, 1e9 + 1100),
    (1e9 + 1100, 1e9),
    (0.5, None),
    (None, 0),
    (0, None),
    (True, 1),
    (1, True),
    (False, 0),
    ("1", 1),
])
def test_values_outside_tolerance_or_of_another_type_differ(expected: object,
                                                            actual: object) -> None:
    assert compare(expected, actual) == [Mismatch("", expected, actual)]


def test_null_matches_only_null() -> None:
    assert compare({"rate": None}, {"rate": None}) == []
    assert paths({"rate": None}, {"rate": 0.0}) == ["rate"]
    assert paths({"rate": None}, {}) == ["rate"]


def test_booleans_match_booleans() -> None:
    assert compare({"online": True}, {"online": True}) == []
    assert paths({"online": True}, {"online": False}) == ["online"]


def test_instants_compare_as_instants_across_offsets() -> None:
    assert compare("2026-03-02T20:30:00+01:00", "2026-03-02T19:30:00Z") == []
    assert compare("2026-03-02T19:30:00+00:00", "2026-03-02T19:30:00.000+00:00") == []
    assert paths("2026-03-02T20:30:00+01:00", "2026-03-02T20:30:00Z") == [""]


def test_strings_that_are_not_aware_instants_compare_exactly() -> None:
    assert paths("2026-03-02T20:30:00", "2026-03-02T20:30:00+00:00") == [""]
    assert paths("2026-03-02", "2026-03-02T00:00:00+00:00") == [""]
    assert compare("=", "=") == []
    assert paths("=", 0.0) == [""]
    assert paths("A", "a") == [""]
