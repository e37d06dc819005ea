"""The runner: compute output shape, verdicts, errors, not-implemented metrics, report lines."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
import spec_fakes
from spec_fakes import WEEK1, case

from salesmetrics.spec import compute_case, registry, run_case, run_case_file


@pytest.fixture(autouse=True)
def _fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    spec_fakes.install(monkeypatch)


CONV = {"metric": "conversations", "period": WEEK1, "by": "team"}


def test_compute_gives_every_key_per_check_in_order() -> None:
    out = compute_case(case({**CONV, "expect": {}}, {"metric": "conversations",
                                                     "period": WEEK1, "expect": {}}))
    assert out[0]["A"] == {"total": 4, "rate": 0.5, "mean": 300.0}
    assert set(out[0]) == {"A", "B", "C"}
    assert out[1] == {"total": 8, "rate": None, "mean": None, "label": "x"}
    json.dumps(out)


def test_a_data_error_is_the_same_error_object_for_every_check() -> None:
    doc = case({**CONV, "expect": {}}, {"metric": "waiting", "options": {"at": "x"}},
               data={"threads": [{"id": "t", "team": "Z"}, {"id": "t", "team": "Z"}]})
    out = compute_case(doc)
    first = {"error": {"code": "unknown_reference", "path": "threads[0].team",
                       "message": "unknown team 'Z'"}}
    assert out == [first, first]


def test_a_check_error_is_an_error_object_naming_a_place_in_the_check() -> None:
    (out,) = compute_case(case({**CONV, "options": {"gap_days": 3}}))
    assert out["error"]["code"] == "invalid_option"
    assert out["error"]["path"] == "options.gap_days"


def test_a_wrong_format_is_an_error_for_every_check() -> None:
    doc = case({**CONV, "expect": {}}, {**CONV, "expect": {}})
    doc["format"] = "salesmetrics-case/2"
    out = compute_case(doc)
    assert [o["error"]["code"] for o in out] == ["invalid_value"] * 2
    assert {o["error"]["path"] for o in out} == {"format"}


@pytest.mark.parametrize(("check", "code", "path"), [
    ({**CONV, "as_off": "2026-03-04T00:00:00Z", "expect": {}}, "invalid_option", "as_off"),
    ({**CONV, "period": {**WEEK1, "tz": "UTC"}, "expect": {}}, "invalid_period", "period.tz"),
    ({**CONV, "scope": {"user": "u", "role": "x"}, "expect": {}}, "invalid_option", "scope.role"),
    ({**CONV, 3: "x", "expect": {}}, "invalid_option", "3"),
])
def test_a_key_the_case_format_does_not_list_is_an_error_naming_it(
        check: dict[object, object], code: str, path: str) -> None:
    (out,) = compute_case(case(check))
    assert (out["error"]["code"], out["error"]["path"]) == (code, path)


def test_x_keys_are_ignored_and_other_unknown_case_keys_refused_for_every_check() -> None:
    (out,) = compute_case(case({**CONV, "x-note": 1, "period": {**WEEK1, "x-why": 2},
                                "expect": {}}))
    assert "error" not in out
    doc = case({**CONV, "expect": {}}, {**CONV, "expect": {}})
    doc["x-author"] = "me"
    assert all("error" not in o for o in compute_case(doc))
    doc["notes"] = "a typo of x-notes"
    assert [(o["error"]["code"], o["error"]["path"]) for o in compute_case(doc)] == [
        ("invalid_value", "notes")] * 2


def test_not_implemented_is_an_error_object_and_a_failing_check() -> None:
    check = {"metric": "lost_leads", "period": WEEK1, "expect": {"count": 0}}
    assert compute_case(case(check)) == [{"error": {
        "code": "not_implemented", "path": "metric", "message": "not implemented: lost_leads"}}]
    rep = run_case(case(check), "c.json")
    assert rep.failed == 1
    assert rep.lines() == ["c.json check 0: not implemented: lost_leads"]


def test_a_missing_adapter_module_is_not_implemented(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    spec = registry.METRICS["lost_leads"]
    monkeypatch.setitem(registry.METRICS, "lost_leads", attrs.evolve(
        spec, adapter="salesmetrics.spec.adapters.no_such_module_here:lost_leads"))
    (out,) = compute_case(case({"metric": "lost_leads", "period": WEEK1, "expect": {}}))
    assert out["error"]["message"] == "not implemented: lost_leads"


def test_an_exception_in_a_metric_is_an_internal_error_not_a_crash() -> None:
    doc = case({"metric": "lead_conversion", "period": WEEK1, "expect": {}},
               {**CONV, "expect": {"A": {"total": 4}}})
    out = compute_case(doc)
    assert out[0]["error"]["code"] == "internal_error"
    assert "ZeroDivisionError" in out[0]["error"]["message"]
    rep = run_case(doc, "c.json")
    assert (rep.passed, rep.failed) == (1, 1)


def test_expect_passes_and_fails_with_key_paths() -> None:
    doc = case({**CONV, "expect": {"A": {"total": 4, "mean": 300.0004}, "C": {"rate": None}}},
               {**CONV, "expect": {"A": {"total": 5}, "B": {"nope": 1}}})
    rep = run_case(doc, "cases/x.json")
    assert [c.passed for c in rep.checks] == [True, False]
    assert rep.lines() == [
        "cases/x.json check 1 A.total: expected 5 got 4",
        "cases/x.json check 1 B.nope: expected 1 got nothing (the key is missing)",
    ]


def test_expect_error_matches_code_and_path() -> None:
    bad = {**CONV, "options": {"gap_days": 3}}
    doc = case({**bad, "expect_error": {"code": "invalid_option", "path": "options.gap_days"}},
               {**bad, "expect_error": {"code": "invalid_option", "path": "options.gap"}},
               {**bad, "expect_error": {"code": "invalid_value", "path": "options.gap_days"}},
               {**CONV, "expect_error": {"code": "invalid_option", "path": "by"}})
    rep = run_case(doc, "e.json")
    assert [c.passed for c in rep.checks] == [True, False, False, False]
    lines = rep.lines()
    assert lines[0].startswith("e.json check 1: expected error invalid_option at options.gap "
                               "got invalid_option at options.gap_days: ")
    assert lines[2].startswith("e.json check 3: expected error invalid_option at by got a result")


def test_expect_error_may_name_any_collected_data_error() -> None:
    data = {"teams": [{"id": "A"}, {"id": "A"}], "threads": [{"id": "t", "team": "Z"}]}
    doc = case({**CONV, "expect_error": {"code": "duplicate_id", "path": "teams[1].id"}},
               {**CONV, "expect_error": {"code": "unknown_reference", "path": "threads[0].team"}},
               data=data)
    assert run_case(doc).failed == 0


def test_an_error_where_a_result_is_expected_fails_with_the_error() -> None:
    doc = case({**CONV, "options": {"gap_seconds": -1}, "expect": {}})
    (line,) = run_case(doc, "f.json").lines()
    assert line == ("f.json check 0: expected a result got error invalid_option at "
                    "options.gap_seconds: must be a positive number")


@pytest.mark.parametrize("check", [
    {**CONV},
    {**CONV, "expect": {}, "expect_error": {"code": "invalid_option", "path": "by"}},
    {**CONV, "expect_error": "invalid_option"},
    "conversations",
])
def test_malformed_checks_fail(check: object) -> None:
    rep = run_case(case(check))  # type: ignore[arg-type]
    assert rep.failed == 1
    assert "malformed check" in rep.lines()[0]


def test_a_failing_check_does_not_stop_the_others() -> None:
    doc = case({"metric": "nope", "expect": {}}, {**CONV, "expect": {"B": {"total": 2}}})
    rep = run_case(doc)
    assert [c.passed for c in rep.checks] == [False, True]


def test_scope_to_an_unknown_user_is_an_unknown_reference() -> None:
    (out,) = compute_case(case({**CONV, "scope": {"user": "nobody"}}))
    assert out["error"]["code"] == "unknown_reference"
    assert out["error"]["path"] == "scope.user"


def test_scope_restricts_the_dataset() -> None:
    data = {"teams": [{"id": "A"}], "users": [{"id": "u1", "team": "A"}, {"id": "u2"}],
            "threads": [{"id": "t1", "team": "A", "assignee": "u1"},
                        {"id": "t2", "team": "A", "assignee": "u2"}]}
    compute_case(case({**CONV, "scope": {"user": "u1"}}, data=data))
    (seen,) = spec_fakes.DATASETS
    assert [t.id for t in seen.threads] == ["t1"]


def test_unreadable_files_are_reported_not_raised(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    rep = run_case_file(bad)
    assert rep.failed == 1 and rep.problem is not None
    assert rep.lines()[0].startswith(f"{bad}: not JSON")
    nochecks = tmp_path / "nochecks.json"
    nochecks.write_text('{"format": "salesmetrics-case/1"}', encoding="utf-8")
    assert run_case_file(nochecks).failed == 1
    assert run_case_file(tmp_path / "absent.json").failed == 1
