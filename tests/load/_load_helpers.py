"""Shared helpers of the loader tests (not a test module)."""

from __future__ import annotations

from typing import Any

from salesmetrics.dataset import Dataset
from salesmetrics.examples import generate

RECORD_SECTIONS = ("teams", "users", "customers", "threads", "messages", "thread_events",
                   "sessions", "leads", "activities", "smart_lists")


def small_dataset() -> dict[str, Any]:
    """A dataset with every section and field kind (the generator's, small)."""
    return generate(seed=5, messages=80, weeks=1)


def records(ds: Dataset) -> dict[str, tuple[Any, ...]]:
    """Every section's record tuple, and the calendar ids."""
    out: dict[str, tuple[Any, ...]] = {s: getattr(ds, s) for s in RECORD_SECTIONS}
    out["calendars"] = tuple(sorted(ds.calendars))
    return out


def error_places(exc: BaseException) -> list[tuple[str, str]]:
    errors = getattr(exc, "errors", None) or (exc,)
    return [(e.code, e.path) for e in errors]
