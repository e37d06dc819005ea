"""The shipped conversation cases pass through the conformance runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesmetrics.spec.runner import fixtures_path, run_case_file

CASES = sorted((fixtures_path() / "conversations").glob("*.json"))


def test_there_are_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("path", CASES, ids=lambda p: Path(p).stem)
def test_case_passes(path: Path) -> None:
    report = run_case_file(path)
    assert report.problem is None
    failures = [c for c in report.checks if not c.passed]
    assert not failures, failures
