"""Mergeable partial aggregates and the result shape shared by the conversation metrics.

Every metric is per-item facts (rows) → a :class:`Partial` (per-group
:class:`Tally`: named counters and named multisets of values, plus the rows)
that merges associatively and commutatively → a final :class:`Result`.

>>> a = Tally.of(counts={"contacts": 1}, values={"times": [3.0]})
>>> b = Tally.of(counts={"contacts": 2, "answered": 1}, values={"times": [1.0]})
>>> (a + b).count("contacts"), (a + b).count("answered"), (a + b).values_of("times")
(3, 1, (1.0, 3.0))
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Generic, Protocol, TypeVar

import attrs

from salesmetrics.errors import SalesmetricsError
from salesmetrics.results import csv_text, to_jsonable

__all__ = ["Partial", "Result", "Row", "Tally", "check_partial", "check_partial_by", "merge", "rows_partial"]


@attrs.frozen
class Tally:
    """Named counters, named multisets of values (kept sorted) and named sets of keys of one group.

    ``keys`` holds what a summary counts once however many parts saw it (the
    distinct customers reached, the ids a summary lists): sets merge by union.

    >>> a = Tally.of(keys={"customers": ["c1", "c2"]})
    >>> sorted((a + Tally.of(keys={"customers": ["c2", "c3"]})).keys_of("customers"))
    ['c1', 'c2', 'c3']
    """

    counts: Mapping[str, int] = attrs.field(factory=dict)
    values: Mapping[str, tuple[float, ...]] = attrs.field(factory=dict)
    keys: Mapping[str, frozenset[str]] = attrs.field(factory=dict)

    @classmethod
    def of(cls, counts: Mapping[str, int] | None = None,
           values: Mapping[str, Iterable[float]] | None = None,
           keys: Mapping[str, Iterable[str]] | None = None) -> Tally:
        """A tally from counters, value lists and key collections."""
        return cls(dict(counts or {}),
                   {k: tuple(sorted(float(x) for x in v)) for k, v in (values or {}).items()},
                   {k: frozenset(v) for k, v in (keys or {}).items()})

    def __add__(self, other: Tally) -> Tally:
        counts = Counter(self.counts)
        counts.update(other.counts)
        names = set(self.values) | set(other.values)
        values = {k: tuple(sorted(self.values.get(k, ()) + other.values.get(k, ())))
                  for k in names}
        if not self.keys and not other.keys:
            return Tally(dict(counts), values)
        keys = {k: self.keys.get(k, frozenset()) | other.keys.get(k, frozenset())
                for k in set(self.keys) | set(other.keys)}
        return Tally(dict(counts), values, keys)

    def count(self, name: str) -> int:
        """A counter (0 when never counted)."""
        return self.counts.get(name, 0)

    def values_of(self, name: str) -> tuple[float, ...]:
        """A multiset of values, sorted (empty when none)."""
        return self.values.get(name, ())

    def keys_of(self, name: str) -> frozenset[str]:
        """A set of keys (empty when none)."""
        return self.keys.get(name, frozenset())


class Row(Protocol):
    """A per-item fact: a frozen attrs row with a deterministic sort key."""

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Where the row goes in a result's drill-down."""
        ...


R = TypeVar("R", bound=Row)
S = TypeVar("S")


class _Builder:
    """Accumulates per-group counters, values and keys (private helper).

    The group ``None`` holds what counts in the overall summary only (an item
    in no group): it becomes the partial's ``ungrouped`` tally.
    """

    def __init__(self, groups: Iterable[str]) -> None:
        self.counts: dict[str | None, Counter[str]] = {g: Counter() for g in groups}
        self.values: dict[str | None, dict[str, list[float]]] = {g: {} for g in self.counts}
        self.keys: dict[str | None, dict[str, list[str]]] = {}

    def add(self, group: str | None, name: str, n: int = 1) -> None:
        counts = self.counts.get(group)
        if counts is None:  # a group seen for the first time (no Counter made per call)
            counts = self.counts[group] = Counter()
            self.values[group] = {}
        counts[name] += n

    def value(self, group: str | None, name: str, v: float) -> None:
        values = self.values.get(group)
        if values is None:
            self.counts[group] = Counter()
            values = self.values[group] = {}
        values.setdefault(name, []).append(v)

    def key(self, group: str | None, name: str, k: str) -> None:
        self.counts.setdefault(group, Counter())
        self.values.setdefault(group, {})
        self.keys.setdefault(group, {}).setdefault(name, []).append(k)

    def tallies(self) -> dict[str | None, Tally]:
        return {g: Tally.of(dict(self.counts[g]), self.values.get(g, {}), self.keys.get(g))
                for g in self.counts}


@attrs.frozen
class Partial(Generic[R]):
    """A mergeable partial aggregate: per-group tallies and the rows they came from.

    ``merge`` is associative and commutative: tallies add, rows are merged in
    their sort order, so a dataset split by thread and merged back gives the
    numbers (and rows) of the whole. ``ungrouped`` tallies what counts in the
    overall summary but in no group (a lead never responded to, by
    responder; every lead when the metric is not grouped).
    """

    metric: str
    tallies: Mapping[str, Tally]
    rows: tuple[R, ...]
    by: str | None = None
    ungrouped: Tally = Tally()

    def merge(self, other: Partial[R]) -> Partial[R]:
        """The partial aggregate of both parts (of the same metric and grouping).

        Raises:
            SalesmetricsError: ``invalid_value`` when the parts are of
                different metrics or groupings.
        """
        if other.metric != self.metric or other.by != self.by:
            raise SalesmetricsError(
                "invalid_value", "partial",
                f"cannot merge {self.metric} by {self.by} with {other.metric} by {other.by}")
        keys = sorted(set(self.tallies) | set(other.tallies))
        tallies = {k: self.tallies.get(k, Tally()) + other.tallies.get(k, Tally()) for k in keys}
        if not self.rows or not other.rows:  # no sort: one side is already in order
            rows = self.rows or other.rows
        else:
            rows = tuple(sorted(self.rows + other.rows, key=lambda r: r.sort_key))
        return Partial(self.metric, tallies, rows, self.by, self.ungrouped + other.ungrouped)

    def without_rows(self) -> Partial[R]:
        """The same aggregate without its drill-down rows.

        Finishing it gives the same summaries (groups and overall) with no
        rows: what an engine keeps when only the numbers are wanted, so the
        merged partials grow with the groups, not with the items counted.
        """
        return attrs.evolve(self, rows=())

    def overall(self) -> Tally:
        """All groups' tallies added, and the ungrouped one."""
        total = self.ungrouped
        for t in self.tallies.values():
            total = total + t
        return total


def merge(first: Partial[R], /, *others: Partial[R]) -> Partial[R]:
    """Merge partial aggregates of disjoint parts of a dataset (e.g. split by thread)."""
    out = first
    for p in others:
        out = out.merge(p)
    return out


def make_partial(metric: str, builder: _Builder, rows: Iterable[R],
                 by: str | None = None) -> Partial[R]:
    """A partial from a builder and rows (rows sorted by their key)."""
    tallies = builder.tallies()
    ungrouped = tallies.pop(None, Tally())
    return Partial(metric, {k: tallies[k] for k in sorted(k for k in tallies if k is not None)},
                   tuple(sorted(rows, key=lambda r: r.sort_key)), by, ungrouped)


def check_partial(partial: object, metric: str) -> None:
    """Refuse to finish what is not a partial of ``metric`` (``invalid_value`` at ``partial``).

    >>> check_partial(Partial("conversations", {}, ()), "response_rate")
    Traceback (most recent call last):
    ...
    salesmetrics.errors.SalesmetricsError: partial: a response_rate partial is needed, not a conversations partial
    """
    if not isinstance(partial, Partial):
        raise SalesmetricsError("invalid_value", "partial", f"a {metric} partial is needed, not "
                                f"{type(partial).__name__}")
    if partial.metric != metric:
        raise SalesmetricsError("invalid_value", "partial", f"a {metric} partial is needed, not "
                                f"a {partial.metric} partial")


def check_partial_by(partial: Partial[Any], by: str | None) -> None:
    """Refuse to finish a partial by a grouping it was not computed for.

    A partial computed by user (``partial.by == "user"``) holds per-user
    tallies, one computed by team (or for no grouping) per-team ones: each can
    only be finished its own way (``invalid_option`` at ``by``).
    """
    if (by == "user") != (partial.by == "user"):
        raise SalesmetricsError("invalid_option", "by",
                                f"a {partial.metric} partial computed by {partial.by or 'team'} "
                                f"cannot be finished by {by!r}")


def rows_partial(metric: str, rows: Iterable[R], groups: Iterable[str] = (),
                 by: str | None = None) -> Partial[R]:
    """A partial of per-item rows and the names of the groups that always appear.

    For the metrics whose summaries are computed from their rows (leads,
    conversion, activity): merging unions the group names and the rows.
    """
    return Partial(metric, {g: Tally() for g in sorted(set(groups))},
                   tuple(sorted(rows, key=lambda r: r.sort_key)), by)


@attrs.frozen
class Result(Generic[S, R]):
    """A metric's final result: per-group summaries, the overall one, and the rows.

    ``groups`` maps each group (team, user) to its summary when the metric is
    grouped (``by`` not None), and is empty otherwise; ``overall`` is always
    the summary of every row. ``rows`` are the per-item facts (drill-down);
    ``excluded`` lists what an outlier policy excluded (per group).
    """

    metric: str
    by: str | None
    groups: Mapping[str, S]
    overall: S
    rows: tuple[R, ...]
    excluded: tuple[Any, ...] = ()

    def to_frame(self) -> Any:
        """One row per group as a pandas DataFrame, typed (see :mod:`salesmetrics.frames`)."""
        from salesmetrics.frames import to_frame

        return to_frame(self)

    def rows_frame(self) -> Any:
        """The drill-down rows as a pandas DataFrame, typed (see :mod:`salesmetrics.frames`)."""
        from salesmetrics.frames import rows_frame

        return rows_frame(self)

    def _repr_html_(self) -> str:
        """A compact HTML table of the groups, for notebooks (the rows are only counted)."""
        from salesmetrics.frames import html_table

        return html_table(self)

    def __repr__(self) -> str:
        """One line: metric, grouping, how many groups and drill-down rows."""
        from salesmetrics.frames import short_repr

        return short_repr(self)

    def summary(self) -> Any:
        """The docs/case-format.md result shape: ``{group: summary}`` with ``by``, else the overall one."""
        if self.by is not None:
            return {k: to_jsonable(v) for k, v in self.groups.items()}
        return to_jsonable(self.overall)

    def to_rows(self) -> list[dict[str, Any]]:
        """The drill-down rows as JSON-able dicts."""
        return [to_jsonable(r) for r in self.rows]

    def csv(self) -> str:
        """The drill-down rows as CSV text (formula-safe cells)."""
        cols = [a.name for a in attrs.fields(type(self.rows[0]))] if self.rows else None  # type: ignore[arg-type]
        return csv_text(self.to_rows(), cols)
