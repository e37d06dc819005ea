"""Every shipped lead fixture passes, through the runner and through the adapters directly."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from salesmetrics.errors import SalesmetricsError
from salesmetrics.load import load_case_data
from salesmetrics.spec.check import parse_check
from salesmetrics.spec.registry import adapter_for
from salesmetrics.spec.runner import run_case_file

FIXTURES = Path(__file__).resolve().parents[2] / "src/salesmetrics/spec/fixtures"
FILES = sorted((FIXTURES / "leads").glob("*.json")) + sorted((FIXTURES / "activity").glob("*.json"))


def _same(expected: Any, actual: Any, path: str = "") -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        for k, v in expected.items():
            assert k in actual, f"{path}.{k} missing"
            _same(v, actual[k], f"{path}.{k}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), path
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            _same(e, a, f"{path}[{i}]")
    elif isinstance(expected, bool) or expected is None or isinstance(expected, str):
        if isinstance(expected, str) and isinstance(actual, str) and "T" in expected:
            from datetime import datetime
            assert datetime.fromisoformat(expected) == datetime.fromisoformat(actual), path
        else:
            assert actual == expected, path
    else:
        assert isinstance(actual, int | float) and not isinstance(actual, bool), path
        assert math.isclose(actual, expected, rel_tol=1e-6, abs_tol=1e-3), (path, actual)


def test_there_are_fixtures() -> None:
    assert len(FILES) >= 30


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_passes_the_runner(path: Path) -> None:
    report = run_case_file(path)
    assert report.ok, "\n".join(report.lines())


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_through_the_adapters(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "salesmetrics-case/1"
    assert doc["name"] and doc["source"]
    dataset = load_case_data(doc)
    for raw in doc["checks"]:
        if "expect_error" in raw:
            with pytest.raises(SalesmetricsError) as info:
                check = parse_check(raw)
                adapter_for(check.metric)(dataset, check)
            assert info.value.code == raw["expect_error"]["code"]
            assert info.value.path == raw["expect_error"]["path"]
        else:
            check = parse_check(raw)
            _same(raw["expect"], adapter_for(check.metric)(dataset, check))


def test_fixture_names_are_unique() -> None:
    names = [json.loads(p.read_text(encoding="utf-8"))["name"] for p in FILES]
    assert len(names) == len(set(names))
