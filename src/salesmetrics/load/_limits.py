"""Limits that protect a process from hostile input: size, nesting, record count.

Every loader takes a :class:`Limits`; the defaults are safe for a server and
roomy for real exports. Going over a limit raises ``invalid_value`` naming the
place (the whole input ``""``, or the section).

>>> Limits().max_records
10000000
>>> check_depth({"a": [[[1]]]}, Limits(max_depth=3), "")
Traceback (most recent call last):
...
salesmetrics.errors.SalesmetricsError: a[0][0]: nested deeper than 3 levels
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain
from typing import Any

import attrs

from salesmetrics._values import whole_number
from salesmetrics.errors import SalesmetricsError, join_path

__all__ = ["DEFAULT_LIMITS", "Limits", "check_depth", "check_size", "nesting"]


def _at_least_one(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    whole_number(value, attribute.name, minimum=1)


@attrs.frozen
class Limits:
    """Caller-settable input limits (each an integer at least 1, else ``invalid_option``).

    Attributes:
        max_bytes: the largest input file or text read at once (bytes).
        max_depth: the deepest nesting of objects and lists in a record.
        max_records: the most records in the whole dataset.
    """

    max_bytes: int = attrs.field(default=1 << 30, validator=_at_least_one)
    max_depth: int = attrs.field(default=16, validator=_at_least_one)
    max_records: int = attrs.field(default=10_000_000, validator=_at_least_one)


DEFAULT_LIMITS = Limits()


def check_size(size: int, limits: Limits, path: str = "") -> None:
    """Refuse an input larger than ``limits.max_bytes``."""
    if size > limits.max_bytes:
        raise SalesmetricsError(
            "invalid_value", path,
            f"input of {size} bytes is over the limit of {limits.max_bytes} bytes "
            "(raise Limits.max_bytes, or stream it as JSON Lines)",
        )


_LEAVES = (str, int, float, bool, type(None))
_LEAF_TYPES = frozenset(_LEAVES)
_DICTS = frozenset((dict,))


def _flat_records(items: list[Any]) -> bool:
    """Whether a list holds only dicts of leaves (a section of flat records): one C-level pass."""
    return (_DICTS.issuperset(map(type, items))
            and _LEAF_TYPES.issuperset(map(type, chain.from_iterable(map(dict.values, items)))))


def check_depth(value: Any, limits: Limits, path: str) -> None:
    """Refuse objects and lists nested deeper than ``limits.max_depth`` (iteratively).

    The walk is depth first, the last child first; a list of flat records
    (dicts of leaves) that cannot reach the limit is passed over in one
    step, which finds nothing the walk would have found.
    """
    stack: list[tuple[Any, str, int]] = [(value, path, 0)]
    while stack:
        item, where, depth = stack.pop()
        is_map = isinstance(item, Mapping)
        if is_map:
            children: Any = item.items()
        elif isinstance(item, list):
            children = enumerate(item)
        else:
            continue
        if depth >= limits.max_depth:
            raise SalesmetricsError("invalid_value", where,
                                    f"nested deeper than {limits.max_depth} levels")
        if not is_map and depth + 1 < limits.max_depth and _flat_records(item):
            continue
        for key, child in children:
            # leaves (most values) skip the slower abstract-class check and the path
            if type(child) not in _LEAVES and isinstance(child, Mapping | list):
                stack.append((child, join_path(where, str(key) if is_map else key), depth + 1))


def nesting(value: Any) -> int:
    """How many levels of objects and lists ``value`` nests (a leaf 0), iteratively.

    :func:`check_depth` refuses a value exactly when its nesting is over
    ``max_depth``.

    >>> nesting("a"), nesting({"a": 1}), nesting({"a": [[]], "b": {}})
    (0, 1, 3)
    """
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children if type(child) not in _LEAVES)
    return deepest
