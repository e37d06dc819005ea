"""What the engines' tests share: reports compared across time zones."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def by_instant(value: Any) -> Any:
    """A report's JSON with each ``last_activity`` an aware datetime (equal across offsets).

    >>> by_instant({"last_activity": "2026-03-09T10:00:00+01:00"}) == by_instant(
    ...     {"last_activity": "2026-03-09T09:00:00+00:00"})
    True
    """
    if isinstance(value, dict):
        return {k: datetime.fromisoformat(v) if k == "last_activity" and isinstance(v, str)
                else by_instant(v) for k, v in value.items()}
    if isinstance(value, list):
        return [by_instant(v) for v in value]
    return value
