"""A fake metric for the runner and comparison tests, independent of the real metrics.

``install(monkeypatch)`` makes ``conversations`` (by team) return, for each
team of the dataset, the values of :data:`TABLE` for the check's period start
(unknown periods give zeros and N/A), and makes ``boom`` raise.
"""

from __future__ import annotations

from typing import Any

import pytest

from salesmetrics.dataset import Dataset
from salesmetrics.spec import registry
from salesmetrics.spec.check import Check

WEEK1 = {"start": "2026-03-02T00:00:00+01:00", "end": "2026-03-09T00:00:00+01:00"}
WEEK2 = {"start": "2026-03-09T00:00:00+01:00", "end": "2026-03-16T00:00:00+01:00"}

#: period start → team → result
TABLE: dict[str, dict[str, dict[str, Any]]] = {
    "2026-03-02T00:00:00+01:00": {
        "A": {"total": 4, "rate": 0.5, "mean": 300.0},
        "B": {"total": 2, "rate": 0.9, "mean": 100.0},
        "C": {"total": 2, "rate": None, "mean": None},
    },
    "2026-03-09T00:00:00+01:00": {
        "A": {"total": 6, "rate": 0.5, "mean": 90.0},
        "B": {"total": 2, "rate": 0.25, "mean": 100.0},
        "C": {"total": 0, "rate": 1.0, "mean": 50.0},
    },
}

DATA = {"teams": [{"id": "A"}, {"id": "B"}, {"id": "C"}], "users": [{"id": "u1", "team": "A"}]}

CALLS: list[Check] = []
DATASETS: list[Dataset] = []


def fake_conversations(dataset: Dataset, check: Check) -> Any:
    CALLS.append(check)
    DATASETS.append(dataset)
    assert check.period is not None
    rows = TABLE.get(check.period.start.isoformat(), {})
    gap = check.options.get("gap_seconds")
    if gap is not None and (not isinstance(gap, int) or gap <= 0):
        raise check.error("gap_seconds", "must be a positive number")
    per_team = {t.id: dict(rows.get(t.id, {"total": 0, "rate": None, "mean": None}))
                for t in dataset.teams}
    if check.by == "team":
        return per_team
    total = sum(r["total"] for r in per_team.values())
    return {"total": total, "rate": None, "mean": None, "label": "x"}


def boom(dataset: Dataset, check: Check) -> Any:
    raise ZeroDivisionError("division by zero in a metric")


def install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Route ``conversations`` and ``lead_conversion`` to fakes; others to the real adapters."""
    real = registry.adapter_for
    CALLS.clear()
    DATASETS.clear()

    def adapter_for(metric: str) -> registry.Adapter:
        if metric == "conversations":
            return fake_conversations
        if metric == "lead_conversion":
            return boom
        if metric == "lost_leads":
            raise registry.NotImplementedMetric(metric)
        return real(metric)

    monkeypatch.setattr(registry, "adapter_for", adapter_for)


def case(*checks: dict[str, Any], data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"format": "salesmetrics-case/1", "name": "a test case",
            "data": DATA if data is None else data, "checks": list(checks)}
