"""The shipped corpus: valid JSON, schema-valid, unique names stating facts; every case passes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from salesmetrics.errors import ErrorCode
from salesmetrics.spec import fixtures_path, iter_fixtures, run_case_file, schema
from salesmetrics.spec.registry import METRICS

FILES = list(iter_fixtures())
INVALID = list(iter_fixtures("invalid"))


def _id(path: Path) -> str:
    return path.relative_to(fixtures_path()).as_posix()


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    s = schema()
    jsonschema.Draft202012Validator.check_schema(s)
    return jsonschema.Draft202012Validator(s)


def test_the_corpus_is_not_empty() -> None:
    assert len(INVALID) >= 8
    for topic, least in (("calendars", 20), ("conversations", 25), ("leads", 15),
                         ("activity", 12), ("compare", 3), ("messy", 10)):
        assert len(list(iter_fixtures(topic))) >= least, topic
    assert all(p.is_relative_to(fixtures_path()) for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_every_fixture_is_json_and_valid_against_the_schema(
        path: Path, validator: jsonschema.protocols.Validator) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_every_case_name_is_unique_across_the_corpus() -> None:
    seen: dict[str, str] = {}
    for path in FILES:
        name = json.loads(path.read_text(encoding="utf-8"))["name"]
        assert name not in seen, f"{_id(path)} repeats the name of {seen[name]}"
        assert not name.lower().startswith(("test", "should")), f"{_id(path)}: name a fact"
        seen[name] = _id(path)


def test_the_schema_lists_exactly_the_registry_metrics() -> None:
    assert set(schema()["$defs"]["metric"]["enum"]) == set(METRICS)


def test_the_schema_lists_every_grouping_and_error_code() -> None:
    defs = schema()["$defs"]
    assert set(defs["grouping"]["enum"]) == {b for m in METRICS.values() for b in m.by}
    assert set(defs["error"]["properties"]["code"]["enum"]) == {c.value for c in ErrorCode}


def test_every_error_code_has_an_invalid_case() -> None:
    codes = set()
    for path in INVALID:
        for check in json.loads(path.read_text(encoding="utf-8"))["checks"]:
            codes.add(check["expect_error"]["code"])
    assert codes == {c.value for c in ErrorCode}


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_every_case_passes_the_runner(path: Path) -> None:
    report = run_case_file(path)
    assert report.ok, "\n".join(report.lines())


def test_the_schema_refuses_what_it_should(validator: jsonschema.protocols.Validator) -> None:
    good = {"format": "salesmetrics-case/1", "name": "n", "data": {"teams": [{"id": "A"}]},
            "checks": [{"metric": "conversations", "expect": {}}], "x-note": "ignored"}
    assert validator.is_valid(good)
    bad_variants = [
        {**good, "note": "unknown top-level key"},
        {**good, "format": "salesmetrics-case/2"},
        {**good, "data": {"threads": [{"id": "t"}]}},
        {**good, "data": {"messages": [{"thread": "t", "at": "2026-03-02T09:00:00",
                                        "direction": "in"}]}},
        {**good, "data": {"teams": [{"id": "A", "colour": "blue"}]}},
        {**good, "checks": [{"metric": "no_such_metric", "expect": {}}]},
        {**good, "checks": [{"metric": "conversations"}]},
        {**good, "checks": [{"metric": "conversations", "expect": {},
                             "expect_error": {"code": "invalid_option", "path": "by"}}]},
        {**good, "checks": [{"metric": "conversations",
                             "expect_error": {"code": "bad_code", "path": "by"}}]},
    ]
    for bad in bad_variants:
        assert not validator.is_valid(bad), bad
    assert validator.is_valid({**good, "data": {"teams": [{"id": "A", "x-colour": "blue"}]}})
