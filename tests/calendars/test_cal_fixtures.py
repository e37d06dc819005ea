"""The shipped ``business_time`` cases (spec/fixtures/calendars) pass.

A small runner until ``salesmetrics spec run`` exists: build each case's
calendars with :meth:`Calendar.from_dict`, parse each check, call the
adapter, and compare as FIXTURES.md says (1e-6 relative or 1e-3 absolute;
``expect_error`` by code and path).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

import salesmetrics
from salesmetrics.calendars import Calendar
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.spec.adapters.calendar import business_time
from salesmetrics.spec.check import parse_check

FIXTURES = Path(salesmetrics.__file__).parent / "spec" / "fixtures" / "calendars"
CASES = sorted(FIXTURES.glob("*.json"))


def _close(expected: float, actual: float) -> bool:
    return math.isclose(actual, expected, rel_tol=1e-6, abs_tol=1e-3)


def _run(case: dict[str, Any], check: dict[str, Any]) -> list[float]:
    calendars = {cid: Calendar.from_dict(raw, path=f"calendars.{cid}")
                 for cid, raw in case["data"].get("calendars", {}).items()}
    return business_time(Dataset(calendars=calendars), parse_check(check))


def test_there_are_cases() -> None:
    assert len(CASES) >= 20


def test_case_names_are_unique_facts() -> None:
    names = [json.loads(p.read_text(encoding="utf-8"))["name"] for p in CASES]
    assert len(set(names)) == len(names)
    assert not any(n.lower().startswith(("test", "should")) for n in names)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    assert case["format"] == "salesmetrics-case/1"
    assert set(case) <= {"format", "name", "source", "data", "checks"}
    for check in case["checks"]:
        assert check["metric"] == "business_time"
        if "expect_error" in check:
            with pytest.raises(SalesmetricsError) as info:
                _run(case, check)
            want = check["expect_error"]
            assert (info.value.code, info.value.path) == (want["code"], want["path"])
        else:
            got = _run(case, check)
            assert len(got) == len(check["expect"])
            assert all(_close(e, a) for e, a in zip(check["expect"], got, strict=True)), got
