"""the case format's comparison of an expected result with an actual one.

The rules: ``expect`` is partial (only the keys it names are compared, at any
depth); a list must have the actual list's length and its items are compared
item by item the same way; numbers match within 1e-6 relative or 1e-3
absolute (a boolean is not a number); ``null`` matches only ``null``; two
strings that both read as aware ISO 8601 instants are compared as instants.

>>> compare({"A": {"count": 1, "mean": 300.0}}, {"A": {"count": 1, "mean": 300.0004, "x": 2}})
[]
>>> compare({"A": {"count": 2}, "B": {"rate": None}}, {"A": {"count": 1}})
[Mismatch(path='A.count', expected=2, actual=1), Mismatch(path='B', expected={'rate': None}, actual=<missing>)]
>>> compare("2026-03-02T09:00:00+01:00", "2026-03-02T08:00:00Z")
[]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from salesmetrics.errors import join_path

__all__ = ["MISSING", "Mismatch", "compare", "values_match"]

REL_TOL = 1e-6
ABS_TOL = 1e-3


class _Missing:
    """The actual value of a key that the expectation names but the result lacks."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<missing>"


#: The ``actual`` of a :class:`Mismatch` for a key missing from the result.
MISSING: Any = _Missing()


@attrs.frozen
class Mismatch:
    """One place where the actual result differs from the expectation.

    Attributes:
        path: the key path inside the result (``A.count``, ``[0].rank``;
            ``""`` for the whole result).
        expected: the expected value at that place.
        actual: the actual value there, or :data:`MISSING`.
    """

    path: str
    expected: Any
    actual: Any

    @property
    def missing(self) -> bool:
        """Whether the result lacks the key."""
        return self.actual is MISSING


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_instant(value: str) -> datetime | None:
    if len(value) < 16 or not value[:4].isdigit() or value[4] != "-":
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None or dt.utcoffset() is None:
        return None
    return dt


def values_match(expected: object, actual: object) -> bool:
    """Whether two scalars match (numbers with tolerance, instants as instants).

    >>> values_match(1, 1.0000001), values_match(True, 1), values_match(None, 0)
    (True, False, False)
    >>> values_match(0.0, 0.0009), values_match(1e9, 1e9 + 999)
    (True, True)
    """
    if _is_number(expected) and _is_number(actual):
        e, a = float(expected), float(actual)  # type: ignore[arg-type]
        return math.isclose(e, a, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if isinstance(expected, str) and isinstance(actual, str):
        if expected == actual:
            return True
        e_at, a_at = _as_instant(expected), _as_instant(actual)
        return e_at is not None and a_at is not None and e_at == a_at
    if expected is None or actual is None:
        return expected is actual
    if isinstance(expected, bool) and isinstance(actual, bool):
        return expected is actual
    return False


def compare(expected: object, actual: object, path: str = "") -> list[Mismatch]:
    """Every place where ``actual`` does not satisfy the partial ``expected``.

    Args:
        expected: the check's ``expect`` (JSON data).
        actual: the computed result (JSON data, see
            :func:`salesmetrics.results.to_jsonable`).
        path: the key path of this place (for recursion).

    Returns:
        The mismatches in expectation order; empty when the result satisfies it.

    >>> compare([{"team": "A"}, {"team": "B"}], [{"team": "A", "rank": 1}])
    [Mismatch(path='', expected=[{'team': 'A'}, {'team': 'B'}], actual=[{'team': 'A', 'rank': 1}])]
    >>> compare([{"rank": 2}], [{"rank": 1}])
    [Mismatch(path='[0].rank', expected=2, actual=1)]
    """
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [Mismatch(path, expected, actual)]
        out: list[Mismatch] = []
        for key, value in expected.items():
            sub = join_path(path, str(key))
            if key not in actual:
                out.append(Mismatch(sub, value, MISSING))
            else:
                out.extend(compare(value, actual[key], sub))
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [Mismatch(path, expected, actual)]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out.extend(compare(e, a, join_path(path, i)))
        return out
    if values_match(expected, actual):
        return []
    return [Mismatch(path, expected, actual)]
