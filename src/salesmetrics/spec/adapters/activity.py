"""Adapters of the rep activity checks: ``rep_activity``, ``inactive_users`` and
``smart_list_progress`` (FIXTURES.md result shapes).

>>> from salesmetrics.load import from_dict
>>> from salesmetrics.spec.check import parse_check
>>> ds = from_dict({"users": [{"id": "b"}, {"id": "a"}]})
>>> inactive_users(ds, parse_check({"metric": "inactive_users",
...                                 "options": {"at": "2026-03-02T09:00:00Z"}}))
['a', 'b']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesmetrics.metrics.activity import inactive_users as _inactive_users
from salesmetrics.metrics.activity import rep_activity as _rep_activity
from salesmetrics.metrics.activity import smart_list_progress as _smart_list_progress
from salesmetrics.model import AccountType
from salesmetrics.results import to_jsonable
from salesmetrics.timeline import DEFAULT_GAP_SECONDS

if TYPE_CHECKING:
    from salesmetrics.dataset import Dataset
    from salesmetrics.spec.check import Check

__all__ = ["inactive_users", "rep_activity", "smart_list_progress"]


def rep_activity(dataset: Dataset, check: Check) -> Any:
    """``rep_activity``: per user (or the total), every column of Statflo's report."""
    result = _rep_activity(
        dataset, period=check.period_required(), as_of=check.as_of,
        smart_list=check.string("smart_list"), on_smart_list=check.boolean("on_smart_list"),
        team=check.string("team"),
        account_type=check.string("account_type", choices=[a.value for a in AccountType]),
        brand=check.string("brand"),
        gap_seconds=check.number("gap_seconds", DEFAULT_GAP_SECONDS, strictly_positive=True),
    )
    if check.by is None:
        return to_jsonable(result.overall)
    return to_jsonable(result.groups)


def inactive_users(dataset: Dataset, check: Check) -> Any:
    """``inactive_users``: the sorted ids of users inactive for ``days`` at ``at``."""
    result = _inactive_users(dataset, at=check.instant("at"), days=check.number("days", 5.0))
    return list(result.users)


def smart_list_progress(dataset: Dataset, check: Check) -> Any:
    """``smart_list_progress``: accounts, attempted, rate; per list with ``users``."""
    result = _smart_list_progress(dataset, period=check.period_required(), as_of=check.as_of)
    if check.by == "smart_list":
        return to_jsonable(result.lists)
    if check.by == "user":
        return to_jsonable(result.users)
    return to_jsonable(result.overall)
