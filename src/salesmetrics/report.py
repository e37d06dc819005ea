"""``salesmetrics report``: every implemented metric of a dataset, for a manager to read.

Computing and rendering are separate. :func:`build_report` computes every
section of :data:`SECTIONS` over a period (and the previous period of the same
length), grouped by team or by user, and returns plain data: a
:class:`Report` of :class:`SectionResult` with rows of raw numbers (seconds,
fractions, counts), the section's total (the metric computed without
grouping) and the previous period's values. The sections, their columns and
their units come from the metric table (:mod:`salesmetrics.metrics.table`),
and each metric is computed once per period by its own function. :func:`render_table` turns a report into text tables that fit a
terminal (names instead of ids, ``1h 05m`` durations, percentages, the change
in its own column); :func:`report_json`, :func:`report_csv` and
:func:`write_xlsx` export it with numbers as numbers.

>>> format_duration(45), format_duration(3900), format_duration(311_000)
('45s', '1h 05m', '3d 14h')
>>> format_change(12, 10), format_change(3, 3), format_change(1, 0), format_change(None, 2)
('+20%', '=', 'new', '')
>>> format_points(0.75, 0.70), format_points(0.5, None)
('+5 pts', '')
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import os
import sys
import textwrap
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from numbers import Real
from typing import IO, TYPE_CHECKING, Any, Literal

import attrs

from salesmetrics._gc import paused_gc
from salesmetrics._time import parse_instant
from salesmetrics._values import instance_of, whole_number
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.metrics import Partial, Result, compare_profiles, differing
from salesmetrics.metrics._args import check_dataset, check_window
from salesmetrics.metrics.table import TABLE, Metric
from salesmetrics.period import Period
from salesmetrics.results import (
    XlsxSheet,
    csv_text,
    require,
    to_jsonable,
    write_xlsx_sheets,
)
from salesmetrics.rules import PROFILES

if TYPE_CHECKING:
    from salesmetrics.load import LoadReport

__all__ = [
    "EXIT_NO_DATA",
    "SECTIONS",
    "Column",
    "PartialSet",
    "Report",
    "ReportPlan",
    "ReportRow",
    "ReportSection",
    "SectionResult",
    "add_arguments",
    "build_report",
    "check_arguments",
    "check_profiles",
    "column_of",
    "compute_metric",
    "compute_result",
    "finish_report",
    "format_change",
    "format_duration",
    "format_points",
    "format_value",
    "group_name",
    "has_data",
    "merge_partials",
    "merge_stream",
    "part_partials",
    "period_has_data",
    "points_change",
    "relative_change",
    "render_table",
    "report_csv",
    "report_json",
    "run",
    "section_result",
    "write_report",
    "write_xlsx",
]

#: Exit status of ``salesmetrics report`` when the dataset, or the period, has no data.
EXIT_NO_DATA = 3

#: The width the text report fits in.
DEFAULT_WIDTH = 120

Kind = Literal["count", "seconds", "rate", "instant"]


@attrs.frozen
class Column:
    """One number of a section: the result's key, its kind and its header.

    ``kind`` decides how it is shown and exported: ``count`` (an integer),
    ``seconds`` (a duration, shown as ``1h 05m``), ``rate`` (a fraction, shown
    as a percentage; its change is in percentage points) or ``instant``
    (an ISO 8601 text, no change).
    """

    key: str
    kind: Kind
    label: str


@attrs.frozen
class ReportSection:
    """One table of the report: a metric, its grouping for each ``--by``, its columns."""

    title: str
    metric: str
    by_team: str | None
    by_user: str | None
    columns: tuple[Column, ...]


def _column(metric: Metric, key: str, label: str) -> Column:
    unit = metric.field(key).unit
    if unit not in ("count", "seconds", "rate", "instant"):
        raise ValueError(f"{metric.name}.{key}: a report column is a number or an instant")
    kind: Kind = unit
    return Column(key, kind, label)


#: The report's sections, derived from the metric table (every metric with a report section).
SECTIONS: tuple[ReportSection, ...] = tuple(
    ReportSection(m.report.title, m.name, m.report.by_team, m.report.by_user,
                  tuple(_column(m, key, label) for key, label in m.report.columns))
    for m in TABLE.values() if m.report is not None)


@attrs.frozen
class ReportRow:
    """One line of a section: a group (None for the total), its name, its numbers.

    ``values`` and ``previous`` map each column key to the raw number (or
    None for N/A); ``previous`` is empty when the report does not compare.
    """

    group: str | None
    name: str
    values: Mapping[str, Any]
    previous: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class SectionResult:
    """A computed section: its rows (one per group), its total, or the error that stopped it."""

    title: str
    metric: str
    by: str | None
    columns: tuple[Column, ...]
    rows: tuple[ReportRow, ...] = ()
    total: ReportRow | None = None
    error: str | None = None

    @property
    def lines(self) -> tuple[ReportRow, ...]:
        """The rows, then the total (when there is one)."""
        return self.rows + ((self.total,) if self.total is not None else ())

    @property
    def compared(self) -> bool:
        """Whether the lines carry the previous period's numbers."""
        return any(r.previous for r in self.lines)


@attrs.frozen
class Report:
    """Every section over a period; ``previous`` is the compared period (None: no comparison)."""

    period: Period
    previous: Period | None
    as_of: datetime | None
    by: str
    sections: tuple[SectionResult, ...]


# -- formatting ----------------------------------------------------------------


def format_duration(seconds: float | None) -> str:
    """A duration for a person: ``45s``, ``12m 05s``, ``1h 05m``, ``3d 14h``; ``N/A`` for None.

    NaN (a missing duration in a DataFrame's float column) is ``N/A`` too, so
    ``frame["median"].map(format_duration)`` reads every row.

    >>> format_duration(float("nan")), format_duration(-90.4)
    ('N/A', '-1m 30s')
    """
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, Real)):
        raise SalesmetricsError("invalid_value", "seconds",
                                f"a number of seconds or None, not {type(seconds).__name__}")
    if seconds is None or seconds != seconds:  # None, or NaN
        return "N/A"
    if seconds in (math.inf, -math.inf):
        raise SalesmetricsError("invalid_value", "seconds", "an infinite duration")
    s = round(seconds)
    sign = "-" if s < 0 else ""
    s = abs(s)
    if s < 60:
        return f"{sign}{s}s"
    if s < 3600:
        return f"{sign}{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{sign}{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{sign}{s // 86400}d {s % 86400 // 3600}h"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def relative_change(current: Any, previous: Any) -> float | None:
    """``(current - previous) / previous``; None when it has no meaning (previous 0 or N/A).

    >>> relative_change(12, 10), relative_change(0, 0), relative_change(3, 0)
    (0.2, 0.0, None)
    """
    if not _is_number(current) or not _is_number(previous):
        return None
    if current == previous:
        return 0.0
    if previous == 0:
        return None
    return float((current - previous) / previous)


def points_change(current: Any, previous: Any) -> float | None:
    """A rate's change: ``current - previous`` (fractions; 0.05 is 5 percentage points)."""
    if not _is_number(current) or not _is_number(previous):
        return None
    return float(current - previous)


def format_change(current: Any, previous: Any) -> str:
    """The relative change against the previous period: ``+20%``, ``=`` (unchanged), ``new``, or empty.

    ``new`` when the previous period had 0, empty when either is N/A.
    """
    change = relative_change(current, previous)
    if change is None:
        return "new" if _is_number(previous) and previous == 0 and _is_number(current) else ""
    if current == previous:
        return "="
    return f"{change:+.0%}" if round(change * 100) else "0%"


def format_points(current: Any, previous: Any) -> str:
    """A rate's change in percentage points: ``+5 pts``, ``=`` (unchanged), or empty."""
    change = points_change(current, previous)
    if change is None:
        return ""
    if current == previous:
        return "="
    points = round(change * 100)
    return f"{points:+d} pts" if points else "0 pts"


def _change_text(column: Column, row: ReportRow) -> str:
    if column.kind == "instant" or not row.previous:
        return ""
    current, previous = row.values.get(column.key), row.previous.get(column.key)
    if column.kind == "rate":
        return format_points(current, previous)
    return format_change(current, previous)


def format_value(column: Column, value: Any) -> str:
    """A raw number as the report shows it (``N/A`` for None).

    >>> format_value(Column("rate", "rate", "Rate"), 0.7115), format_value(Column("n", "count", "N"), 1234)
    ('71%', '1,234')
    """
    if value is None:
        return "N/A"
    if column.kind == "seconds":
        return format_duration(value)
    if column.kind == "rate":
        return f"{value:.0%}"
    if column.kind == "instant":
        return datetime.fromisoformat(value).strftime("%a %d %b %H:%M") if isinstance(
            value, str) else str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{value:,.0f}" if _is_number(value) else str(value)


# -- computing -----------------------------------------------------------------


def group_name(dataset: Dataset, grouping: str | None, group: str) -> str:
    """A group's name for a person: a team's name, a user's first and last name, a smart list's name.

    The id when the record has no name (or the grouping has none, such as a lead type).
    """
    if grouping == "team":
        team = dataset.teams_by_id.get(group)
        return team.name if team is not None and team.name else group
    if grouping in ("user", "assignee", "responder"):
        user = dataset.users_by_id.get(group)
        if user is None:
            return group
        full = " ".join(p for p in (user.first_name, user.last_name) if p)
        return full or group
    if grouping == "smart_list":
        smart = dataset.smart_lists_by_id.get(group)
        return smart.name if smart is not None and smart.name else group
    return group


def _sort_key(name: str) -> str:
    """Alphabetical order for people: accents ignored (Émile between Chloé and Hugo)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_TOTAL_NAMES = {"team": "All teams", "user": "All users", "assignee": "All leads",
                "type": "All types", "smart_list": "All lists"}

Progress = Callable[[int, int, str], None]


def compute_result(dataset: Dataset, metric: str, /, *, period: Period,
                   as_of: datetime | None = None, by: str | None = None) -> Result[Any, Any]:
    """One metric of the table computed over a period: its :class:`~salesmetrics.Result`.

    Raises:
        SalesmetricsError: ``invalid_option`` at ``metric`` (not a metric of
            the table counted over a period), or the metric's errors (an
            unknown ``by``, …).
    """
    m = TABLE.get(metric) if isinstance(metric, str) else None
    if m is None or m.function is None or m.takes != "period":
        over = ", ".join(n for n, t in TABLE.items() if t.function is not None
                         and t.takes == "period")
        raise SalesmetricsError("invalid_option", "metric",
                                f"not a metric counted over a period: {metric!r}; those: {over}")
    kwargs: dict[str, Any] = {"period": period, "by": by}
    if m.reads_as_of:
        kwargs["as_of"] = as_of
    result: Result[Any, Any] = m.function(dataset, **kwargs)
    return result


def compute_metric(dataset: Dataset, metric: str, /, *, period: Period,
                   as_of: datetime | None = None, by: str | None = None) -> Any:
    """One metric's result as the case format shapes it (``{group: {key: value}}`` with ``by``).

    Raises:
        SalesmetricsError: the metric's errors (an unknown ``by``, …).
    """
    return to_jsonable(compute_result(dataset, metric, period=period, as_of=as_of,
                                      by=by).summary())


def column_of(metric: str, key: str) -> Column | None:
    """The report's column for a metric's result key (None when the report does not show it).

    >>> column_of("response_time", "median")
    Column(key='median', kind='seconds', label='Median')
    """
    for section in SECTIONS:
        if section.metric == metric:
            return next((c for c in section.columns if c.key == key), None)
    return None


def _pick(summary: Any, columns: Sequence[Column]) -> dict[str, Any]:
    """The columns' values of a summary, JSON-able (the rest of it is never converted)."""
    if isinstance(summary, Mapping):
        return {c.key: to_jsonable(summary.get(c.key)) for c in columns}
    return {c.key: to_jsonable(getattr(summary, c.key, None)) for c in columns}


def section_result(dataset: Dataset, section: ReportSection, grouping: str,
                   now: Result[Any, Any], then: Result[Any, Any] | None) -> SectionResult:
    """A section's rows and total from its metric's results over the period and the previous one.

    The grouped result's overall is the total; ``then`` is None when the
    report does not compare. Only the section's columns are read from the
    summaries (a summary's drill-down lists, such as the lead ids of a
    conversion, are not converted).
    """
    compared = then is not None
    cols = section.columns
    current = now.groups if now.by is not None else {}
    before = then.groups if then is not None and then.by is not None else {}
    rows = [ReportRow(group, group_name(dataset, grouping, group), _pick(summary, cols),
                      _pick(before.get(group), cols) if compared else {})
            for group, summary in current.items()]
    rows.sort(key=lambda r: (_sort_key(r.name), r.group or ""))
    total_row = ReportRow(None, _TOTAL_NAMES.get(grouping, "All"), _pick(now.overall, cols),
                          _pick(then.overall, cols) if then is not None else {})
    return SectionResult(section.title, section.metric, grouping, cols, tuple(rows), total_row)


def _profiles_section(dataset: Dataset, profiles: Sequence[str], grouping: str, period: Period,
                      previous: Period | None, as_of: datetime | None) -> SectionResult:
    """First response time read by several profiles, side by side: each profile's median.

    The ``differ`` column counts the team's conversations that some profile
    reads differently, each for the team the first profile credits (else the
    next profile's team); the total counts every such conversation, those
    no profile credits to a team included.
    """
    title = "Why do the numbers differ? Median first response time by profile"
    cols = (*(Column(p, "seconds", p) for p in profiles),
            Column("differ", "count", "Differ"))

    def figures(p: Period) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
        result = compare_profiles(dataset, period=p, profiles=profiles, as_of=as_of, by=grouping)
        counts: dict[str | None, int] = {}
        for row in differing(result):
            key = next((row.teams[p] for p in profiles if row.teams[p] is not None), None) \
                if grouping == "team" else None
            counts[key] = counts.get(key, 0) + 1
        per_group = {g: {**{name: s.median for name, s in per.items()},
                         "differ": counts.get(g, 0) if grouping == "team" else None}
                     for g, per in result.groups.items()}
        total = {**{name: s.median for name, s in result.overall.items()},
                 "differ": len(differing(result))}
        return per_group, total

    current, total = figures(period)
    before, before_total = figures(previous) if previous is not None else ({}, {})
    rows = [ReportRow(g, group_name(dataset, grouping, g), values,
                      before.get(g, {}) if previous is not None else {})
            for g, values in current.items()]
    rows.sort(key=lambda r: (_sort_key(r.name), r.group or ""))
    total_row = ReportRow(None, _TOTAL_NAMES.get(grouping, "All"), total, before_total)
    return SectionResult(title, "compare_profiles", grouping, cols, tuple(rows), total_row)


# -- the report pipeline: each part's partials, merged, finished on the reference data


@attrs.frozen
class ReportPlan:
    """What a report computes: the period, the compared one, ``as_of`` and the grouping."""

    period: Period
    previous: Period | None
    as_of: datetime | None
    by: str

    @classmethod
    def of(cls, *, period: Period, as_of: datetime | None = None, by: str = "team",
           compare: bool = True) -> ReportPlan:
        """The plan of a report, its arguments checked (the same checks for every engine).

        Raises:
            SalesmetricsError: ``invalid_period`` at ``period`` (not a
                :class:`~salesmetrics.period.Period`), ``invalid_instant`` at
                ``as_of`` (naive, out of range, not a datetime),
                ``invalid_option`` at ``by`` (not team or user) or at
                ``compare`` (not a bool).
        """
        check_window(period, as_of)
        if not isinstance(compare, bool):
            raise SalesmetricsError("invalid_option", "compare",
                                    f"must be True or False, not {compare!r}")
        if by not in ("team", "user"):
            raise SalesmetricsError("invalid_option", "by",
                                    f"by must be 'team' or 'user', not {by!r}")
        return cls(period, period.previous() if compare else None, as_of, by)

    def grouping(self, section: Any) -> str | None:
        """A section's grouping for this plan's ``by`` (None: not available)."""
        grouping: str | None = section.by_team if self.by == "team" else section.by_user
        return grouping

    def periods(self) -> tuple[tuple[str, Period], ...]:
        """``("current", period)`` and, when comparing, ``("previous", previous)``."""
        out: tuple[tuple[str, Period], ...] = (("current", self.period),)
        return out + ((("previous", self.previous),) if self.previous is not None else ())


@attrs.frozen
class PartialSet:
    """Every section's partial aggregate per period, or the error that stopped it.

    ``entries`` maps ``(metric, "current" | "previous")`` to a
    :class:`~salesmetrics.metrics.Partial`, or to the error's text.
    """

    entries: Mapping[tuple[str, str], Partial[Any] | str]

    def merge(self, other: PartialSet) -> PartialSet:
        """Both parts' partials merged (an error in either part stays an error)."""
        out: dict[tuple[str, str], Partial[Any] | str] = {}
        for key in sorted(set(self.entries) | set(other.entries)):
            a, b = self.entries.get(key), other.entries.get(key)
            if a is None or b is None:
                out[key] = a if b is None else b  # type: ignore[assignment]
            elif isinstance(a, str) or isinstance(b, str):
                out[key] = a if isinstance(a, str) else b
            else:
                out[key] = a.merge(b)
        return PartialSet(out)


def _route(func: Callable[..., Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    params = inspect.signature(func).parameters
    return {k: v for k, v in kwargs.items() if k in params}


def _reference_args(finish: Callable[..., Any]) -> int:
    """How many positional parameters a finish takes beyond the partial (0 or the dataset)."""
    return sum(1 for p in inspect.signature(finish).parameters.values()
               if p.kind is inspect.Parameter.POSITIONAL_ONLY) - 1


def part_partials(part: Dataset, plan: ReportPlan, /, *,
                  progress: Progress | None = None, steps: int = 0) -> PartialSet:
    """The partial aggregate of every report section, per period, of one part of a dataset.

    The report shows no drill-down rows: a metric whose finish is row-free
    (``Metric.row_free`` in the metric table) is asked for its tallies only
    (``rows=False``: no row is built), so merged partials grow with the
    groups, not with the items.
    ``progress`` is called as ``progress(i, steps, title)`` before section ``i``.
    """
    out: dict[tuple[str, str], Partial[Any] | str] = {}
    for i, section in enumerate(SECTIONS):
        if progress is not None:
            progress(i, steps or len(SECTIONS), section.title)
        grouping = plan.grouping(section)
        if grouping is None:
            continue
        m = TABLE[section.metric]
        assert m.partial is not None
        for name, period in plan.periods():
            kwargs: dict[str, Any] = {"period": period, "as_of": plan.as_of, "by": grouping}
            if m.row_free:
                kwargs["rows"] = False
            try:
                out[(m.name, name)] = m.partial(part, **_route(m.partial, kwargs))
            except SalesmetricsError as exc:
                out[(m.name, name)] = str(exc)
    return PartialSet(out)


def merge_partials(first: PartialSet, /, *others: PartialSet) -> PartialSet:
    """Merge the partial sets of disjoint parts (threads with their messages and events,
    leads with their activities, the reference data in every part).

    They are merged as a balanced tree (see :func:`merge_stream`).
    """
    merged = merge_stream((first, *others))  # (which checks each set)
    assert merged is not None
    return merged


def merge_stream(sets: Iterable[PartialSet], /) -> PartialSet | None:
    """Merge partial sets as they come, as a balanced tree; None when there are none.

    A stack holds at most ``log2(parts)`` merged sets (like a binary counter):
    each new set is merged with the top while the top holds as many parts, so
    each value is sorted into place ``log2(parts)`` times and a generator of
    parts is never held whole.

    >>> from salesmetrics.examples import EXAMPLE_PERIOD, example_path
    >>> from salesmetrics.load import load
    >>> ds = load(example_path())
    >>> plan = ReportPlan.of(period=EXAMPLE_PERIOD)
    >>> threads = [t.id for t in ds.threads]
    >>> parts = (part_partials(ds.only_threads(threads[i::3]).replace(
    ...     leads=ds.leads if i == 0 else [], activities=ds.activities if i == 0 else [],
    ...     sessions=ds.sessions if i == 0 else []), plan) for i in range(3))
    >>> finish_report(ds, merge_stream(parts), plan) == build_report(ds, period=EXAMPLE_PERIOD)
    True
    """
    instance_of(sets, Iterable, "sets", "an iterable of PartialSet")
    stack: list[tuple[int, PartialSet]] = []
    for i, s in enumerate(sets):
        instance_of(s, PartialSet, f"sets[{i}]", "a PartialSet (part_partials')")
        size = 1
        while stack and stack[-1][0] == size:
            size += stack[-1][0]
            s = stack.pop()[1].merge(s)
        stack.append((size, s))
    merged: PartialSet | None = None
    while stack:
        top = stack.pop()[1]
        merged = top if merged is None else top.merge(merged)
    return merged


def finish_report(reference: Dataset, merged: PartialSet, plan: ReportPlan, /) -> Report:
    """The report of merged partials; ``reference`` gives names, users and smart lists."""
    sections: list[SectionResult] = []
    for section in SECTIONS:
        grouping = plan.grouping(section)
        if grouping is None:
            sections.append(SectionResult(section.title, section.metric, None, section.columns,
                                          error=f"not available by {plan.by}"))
            continue
        m = TABLE[section.metric]
        assert m.finish is not None
        extra = [reference] * _reference_args(m.finish)
        try:
            results = []
            for name, period in plan.periods():
                entry = merged.entries[(m.name, name)]
                if isinstance(entry, str):
                    raise _Stopped(entry)
                kwargs = {"period": period, "by": grouping}
                results.append(m.finish(entry, *extra, **_route(m.finish, kwargs)))
        except (SalesmetricsError, _Stopped) as exc:
            sections.append(SectionResult(section.title, section.metric, grouping,
                                          section.columns, error=str(exc)))
            continue
        sections.append(section_result(reference, section, grouping, results[0],
                                       results[1] if len(results) > 1 else None))
    return Report(plan.period, plan.previous, plan.as_of, plan.by, tuple(sections))


class _Stopped(Exception):
    """A section whose partial raised in some part: its error text."""




def build_report(
    dataset: Dataset,
    *,
    period: Period,
    as_of: datetime | None = None,
    by: str = "team",
    compare: bool = True,
    progress: Progress | None = None,
    profiles: Sequence[str] = (),
) -> Report:
    """Compute every report section over ``period`` (and the previous period when comparing).

    Each section's rows hold the raw numbers per group (seconds, fractions,
    counts), its total is the metric computed without grouping, and each row
    carries the previous period's numbers. A section whose metric is not
    implemented, not available for ``by``, or refused the data carries its
    error instead.

    Args:
        dataset: the data.
        period: the reported period.
        as_of: read the data up to this instant (default: everything).
        by: ``"team"`` or ``"user"``: which grouping of each section.
        compare: also compute the previous period of the same length.
        progress: called as ``progress(done, total, title)`` before each
            section (``title`` is the one being computed) and once at the end
            (``done == total``, ``title`` empty).
        profiles: first-response profiles (``instaply``, ``zendesk``,
            ``dbt_zendesk``, ``dbt_hubspot``) to read side by side in a
            section after response time (none: no such section).

    Raises:
        SalesmetricsError: ``invalid_option`` at ``by``, or at ``profiles``
            for an unknown or repeated profile.

    >>> from salesmetrics.examples import EXAMPLE_PERIOD, example_path
    >>> from salesmetrics.load import load
    >>> report = build_report(load(example_path()), period=EXAMPLE_PERIOD)
    >>> rate = report.sections[1]
    >>> rate.title, [row.name for row in rate.rows], rate.total.name
    ('Response rate', ['Montréal Centre', 'Online (overnight)', 'Paris Opéra'], 'All teams')
    >>> rate.rows[0].values["rate"], rate.rows[0].previous["rate"]
    (0.7105263157894737, 0.6363636363636364)
    """
    check_dataset(dataset)
    plan = ReportPlan.of(period=period, as_of=as_of, by=by, compare=compare)
    if progress is not None and not callable(progress):
        raise SalesmetricsError("invalid_option", "progress", "a function progress(done, "
                                f"total, title), not {type(progress).__name__}")
    if profiles:
        check_profiles(profiles)
    # the one pipeline of every engine, here over a single part: the whole dataset
    with paused_gc():  # the sections make many acyclic objects (rows, summaries)
        return _sections(dataset, plan, progress=progress, profiles=profiles)


def _sections(dataset: Dataset, plan: ReportPlan, *, progress: Progress | None,
              profiles: Sequence[str]) -> Report:
    period, as_of, by = plan.period, plan.as_of, plan.by
    steps = len(SECTIONS) + (1 if profiles else 0)
    report = finish_report(dataset, part_partials(dataset, plan, progress=progress,
                                                  steps=steps), plan)
    out = list(report.sections)
    if profiles:
        if progress is not None:
            progress(len(SECTIONS), steps, "profiles")
        at = next(i for i, s in enumerate(out) if s.metric == "response_time") + 1
        out.insert(at, _profiles_section(dataset, profiles, by, period, plan.previous, as_of))
    if progress is not None:
        progress(steps, steps, "")
    return attrs.evolve(report, sections=tuple(out))


def check_profiles(profiles: Sequence[str]) -> tuple[str, ...]:
    """Profile names, each known and given once (``invalid_option`` at ``profiles``)."""
    if isinstance(profiles, str) or not isinstance(profiles, Sequence):
        raise SalesmetricsError("invalid_option", "profiles",
                                f"a list of profile names, not {type(profiles).__name__}")
    names = tuple(profiles)
    for name in names:
        if name == "":
            raise SalesmetricsError("invalid_option", "profiles",
                                    "an empty profile name (P1,P2,...: names between commas)")
        if name not in PROFILES:
            raise SalesmetricsError("invalid_option", "profiles",
                                    f"unknown profile {name!r}; known: {', '.join(PROFILES)}")
    if len(set(names)) != len(names):
        raise SalesmetricsError("invalid_option", "profiles",
                                f"a profile is named twice: {', '.join(names)}")
    return names


def has_data(dataset: Dataset) -> bool:
    """Whether the dataset holds anything a metric counts (messages, leads, activities, sessions)."""
    check_dataset(dataset)
    return bool(dataset.messages or dataset.leads or dataset.activities or dataset.sessions)


def period_has_data(dataset: Dataset, period: Period) -> bool:
    """Whether anything happened in the period: a message, event, lead, activity or session."""
    check_dataset(dataset)
    instance_of(period, Period, "period", "a Period", "invalid_period")
    if any(period.contains(m.at) for m in dataset.messages):
        return True
    if any(period.contains(e.at) for e in dataset.thread_events):
        return True
    if any(period.contains(lead.received_at) for lead in dataset.leads):
        return True
    if any(period.contains(a.at) for a in dataset.activities):
        return True
    return any(s.start < period.end and (s.end is None or s.end > period.start)
               for s in dataset.sessions)


# -- text tables -----------------------------------------------------------------


#: The header of every change column of the text report.
_CHANGE = "change"


def _when(t: datetime) -> str:
    offset = t.isoformat()[19:].lstrip(".0123456789") or "+00:00"
    return f"{t:%a %d %b %Y %H:%M} (UTC{offset})".replace("UTC+00:00", "UTC")


def _fit(widths: Sequence[int], first: int, width: int) -> list[list[int]]:
    """Split column indexes into chunks whose lines (``first`` + columns) fit ``width``."""
    chunks: list[list[int]] = [[]]
    used = first
    for i, w in enumerate(widths):
        if chunks[-1] and used + w > width:
            chunks.append([])
            used = first
        chunks[-1].append(i)
        used += w
    return chunks


#: The widest a name is shown in the text report (longer ones end with ``…``).
_NAME_WIDTH = 32


def _char_width(c: str) -> int:
    if unicodedata.combining(c):
        return 0
    return 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1


def _text_width(text: str) -> int:
    """The columns a text takes in a terminal (wide characters 2, combining marks 0).

    >>> _text_width("Léa"), _text_width("Le\u0301a"), _text_width("東京")
    (3, 3, 4)
    """
    return sum(_char_width(c) for c in text)


def _terminal_text(text: str, width: int) -> str:
    """A name made safe and short for a terminal: control characters shown as ``?``
    (no escape sequence reaches the terminal), cut to ``width`` columns with ``…``.

    >>> _terminal_text("Paris\x1b[31m", 32), _terminal_text("Win back deactivated accounts", 12)
    ('Paris?[31m', 'Win back de…')
    """
    clean = "".join("?" if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)
    if _text_width(clean) <= width:
        return clean
    out, used = "", 0
    for c in clean:
        if used + _char_width(c) > width - 1:
            break
        out += c
        used += _char_width(c)
    return out + "…"


def _pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns."""
    return text + " " * max(width - _text_width(text), 0)


def _title(section: SectionResult) -> str:
    return (f"{section.title} (by {section.by.replace('_', ' ')})" if section.by
            else section.title)


def _table(section: SectionResult, width: int) -> str:
    label = (section.by or "group").replace("_", " ").capitalize()
    lines = section.lines
    compare = section.compared
    names = [_terminal_text(r.name, _NAME_WIDTH) for r in lines]
    name_w = max(_text_width(n) for n in [label, *names])
    # every column: its values and (when comparing) its changes, in their own cells
    values = [[format_value(c, r.values.get(c.key)) for r in lines] for c in section.columns]
    changes = [[_change_text(c, r) for r in lines] if compare and c.kind != "instant" else []
               for c in section.columns]
    value_w = [max(len(c.label), *(len(v) for v in vs))
               for c, vs in zip(section.columns, values, strict=True)]
    change_w = [max(len(_CHANGE), *(len(x) for x in xs)) if xs else 0 for xs in changes]
    spans = [2 + vw + (1 + cw if cw else 0) for vw, cw in zip(value_w, change_w, strict=True)]
    chunks = _fit(spans, 2 + name_w, width)
    out = []
    for n, chunk in enumerate(chunks):
        out.append(_title(section) + (f" ({n + 1}/{len(chunks)})" if len(chunks) > 1 else ""))
        head = "  " + _pad(label, name_w)
        for i in chunk:
            head += "  " + section.columns[i].label.rjust(value_w[i])
            head += " " + _CHANGE.rjust(change_w[i]) if change_w[i] else ""
        rule = "  " + "-" * (len(head) - 2)
        out += [head.rstrip(), rule]
        for j, row in enumerate(lines):
            if row.group is None:
                out.append(rule)
            text = "  " + _pad(names[j], name_w)
            for i in chunk:
                text += "  " + values[i][j].rjust(value_w[i])
                text += " " + changes[i][j].rjust(change_w[i]) if change_w[i] else ""
            out.append(text.rstrip())
        if not section.rows:
            out.append("  (no groups)")
        out.append("")
    return "\n".join(out)


def render_table(report: Report, *, source: str = "", width: int = DEFAULT_WIDTH) -> str:
    """The report as text tables no wider than ``width`` (wide sections are split).

    Names replace ids, durations read ``1h 05m``, rates are percentages; each
    section ends with its total; the change against the previous period has
    its own column (relative for counts and durations, in percentage points
    for rates).
    """
    instance_of(report, Report, "report", "a Report (build_report's)")
    instance_of(source, str, "source", "a string", "invalid_option")
    whole_number(width, "width", minimum=1)
    source = _terminal_text(source, width - len("salesmetrics report: "))
    head = [f"salesmetrics report{': ' + source if source else ''}",
            f"Period:   {_when(report.period.start)} to {_when(report.period.end)}"]
    if report.as_of is not None:
        head.append(f"As of:    {_when(report.as_of)}")
    if report.previous is not None:
        head.append(f"Compared: {_when(report.previous.start)} to {_when(report.previous.end)}")
        head.append("          change: counts and durations in %, rates in percentage points (pts)")
    out = ["\n".join(head), ""]
    unavailable = [s.title for s in report.sections if s.by is None and s.error]
    if unavailable:
        out.append(textwrap.fill(f"Not available by {report.by}: {', '.join(unavailable)}.",
                                 width=width, subsequent_indent="  ") + "\n")
    for section in report.sections:
        if section.by is not None and section.error:
            out.append(f"{_title(section)}\n  {_terminal_text(section.error, 10**6)}\n")
        elif section.by is not None:
            out.append(_table(section, width))
    return "\n".join(out)


# -- exports ---------------------------------------------------------------------


def report_json(report: Report) -> dict[str, Any]:
    """The report as JSON-able data: periods as ISO 8601, raw numbers, rows, totals, previous values."""
    instance_of(report, Report, "report", "a Report (build_report's)")

    def period(p: Period | None) -> dict[str, str] | None:
        return None if p is None else {"start": p.start.isoformat(), "end": p.end.isoformat()}

    return {"period": period(report.period), "previous_period": period(report.previous),
            "as_of": report.as_of.isoformat() if report.as_of else None, "by": report.by,
            "sections": [to_jsonable(s) for s in report.sections]}


_CSV_COLUMNS = ("section", "by", "group", "name", "key", "kind", "value", "previous", "change",
                "change_points")


def _long_rows(report: Report) -> Iterable[dict[str, Any]]:
    for section in report.sections:
        for row in section.lines:
            for c in section.columns:
                value, before = row.values.get(c.key), row.previous.get(c.key)
                numeric = c.kind != "instant"
                yield {"section": section.metric, "by": section.by,
                       "group": "" if row.group is None else row.group, "name": row.name,
                       "key": c.key, "kind": c.kind, "value": value, "previous": before,
                       "change": relative_change(value, before) if numeric else None,
                       "change_points": points_change(value, before) if c.kind == "rate"
                       else None}


def report_csv(report: Report) -> str:
    """The report as one long CSV table: a line per section, group (the total has none) and number.

    Columns: ``section, by, group, name, key, kind, value, previous, change,
    change_points``; numbers are numbers (durations in seconds, rates as
    fractions), ``change`` is the relative change as a fraction (0.17 is
    +17%), ``change_points`` a rate's difference (0.05 is 5 points); every
    text cell is formula-safe.
    """
    instance_of(report, Report, "report", "a Report (build_report's)")
    return csv_text(_long_rows(report), _CSV_COLUMNS)


def _sheet(section: SectionResult) -> XlsxSheet:
    header = ["Name", "Id"]
    kinds: list[str] = ["text", "text"]
    compare = section.compared
    for c in section.columns:
        header.append(c.label)
        kinds.append(c.kind)
        if compare and c.kind != "instant":
            header += [f"{c.label} before", f"{c.label} change" if c.kind != "rate"
                       else f"{c.label} change (pts)"]
            kinds += [c.kind, "points" if c.kind == "rate" else "change"]

    def line(row: ReportRow) -> list[Any]:
        cells: list[Any] = [row.name, row.group or ""]
        for c in section.columns:
            value = row.values.get(c.key)
            if c.kind == "instant":
                cells.append(datetime.fromisoformat(value) if isinstance(value, str) else None)
                continue
            cells.append(value)
            if compare:
                before = row.previous.get(c.key)
                cells += [before, points_change(value, before) if c.kind == "rate"
                          else relative_change(value, before)]
        return cells

    return XlsxSheet(title=section.title, header=header, kinds=kinds,
                     rows=[line(r) for r in section.rows],
                     total=line(section.total) if section.total is not None else None,
                     note=section.error)


def write_xlsx(report: Report, path: str | os.PathLike[str], *, source: str = "") -> None:
    """Write the report as an Excel workbook: one sheet per section (needs the ``excel`` extra).

    Numbers are numbers: counts as integers, durations as Excel durations
    (``[h]:mm:ss``), rates and changes with percent formats; names and ids
    are formula-safe text; each sheet has a frozen header, column widths and
    the total on its last line; printed, each sheet is one page wide. A first
    sheet, ``Report``, names the ``source`` and the periods.

    Raises:
        ModuleNotFoundError: openpyxl is not installed.
    """
    sheets = [_sheet(s) for s in report.sections]
    summary = XlsxSheet(
        title="Report", header=["salesmetrics report", source], kinds=["text", "text"],
        rows=[["Period start", report.period.start.isoformat()],
              ["Period end", report.period.end.isoformat()],
              *([["Compared with", f"{report.previous.start.isoformat()} to "
                  f"{report.previous.end.isoformat()}"]] if report.previous else []),
              *([["As of", report.as_of.isoformat()]] if report.as_of else []),
              ["By", report.by]])
    write_xlsx_sheets([summary, *sheets], path)


# -- command line ------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``report`` arguments (and its help text) to an argparse (sub)parser."""
    instance_of(parser, argparse.ArgumentParser, "parser", "an argparse.ArgumentParser")
    parser.description = ("Every metric of a dataset over a period, beside the period before "
                          "it: text tables for a person, or JSON, CSV and Excel with the raw "
                          "numbers.")
    parser.epilog = (
        "examples:\n"
        "  salesmetrics report --example\n"
        "  salesmetrics report data.json --period 2026-03-09T00:00:00+01:00 "
        "2026-03-16T00:00:00+01:00 --by user\n"
        "  salesmetrics report data.json --period ... --format xlsx -o report.xlsx\n\n"
        "exit status: 0 written; 2 bad usage or an unreadable or invalid dataset;\n"
        f"  {EXIT_NO_DATA} no data in the dataset or the period (a warning says which)")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("file", nargs="?", default=None,
                        help="dataset: a .json file, a .jsonl file or a folder of CSVs")
    parser.add_argument("--example", action="store_true",
                        help="report on the example dataset shipped with the package "
                             "(default period: its second week)")
    parser.add_argument("--period", nargs=2, metavar=("START", "END"), default=None,
                        help="ISO 8601 instants with an offset; the period is [START, END)")
    parser.add_argument("--as-of", dest="as_of", default=None,
                        help="read data up to this instant (default: everything)")
    parser.add_argument("--by", choices=("team", "user"), default="team",
                        help="rows per team (default) or per person")
    parser.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table",
                        help="table (default), json, csv, or xlsx (needs --output)")
    parser.add_argument("--output", "-o", default=None, metavar="FILE",
                        help="write the report to FILE instead of standard output")
    parser.add_argument("--lenient", action="store_true",
                        help="load what is valid, list every skipped record on stderr")
    parser.add_argument("--profiles", default="", metavar="P1,P2,...",
                        help="also read first response time with these profiles side by side "
                             f"({', '.join(PROFILES)}), with how many conversations differ")
    parser.add_argument("--no-compare", dest="compare", action="store_false",
                        help="do not compute the previous period")
    parser.add_argument("--engine", choices=("memory", "stream", "dask"), default="memory",
                        help="memory (default): load the dataset whole; stream: a .jsonl file "
                             "or a CSV folder cut into parts on disk, one in memory at a time; "
                             "dask: on a Dask cluster (needs the dask extra)")
    parser.add_argument("--partitions", type=int, default=None, metavar="N",
                        help="stream, dask: how many parts (default: one per 4 MiB of input; "
                             "dask: the input's blocks)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="dask: a LocalCluster of N worker processes (default: one per core)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="dask: an existing cluster's scheduler (tcp://host:8786)")


class _TerminalProgress:
    """``sections done / total`` on a terminal's stderr, shown only once a run lasts."""

    def __init__(self, stream: IO[str], *, after: float = 0.5) -> None:
        self.stream = stream
        self.start = time.monotonic()
        self.after = after
        self.shown = False

    def note(self, text: str) -> None:
        """Show a step before the sections start (``loading …``)."""
        self.stream.write(f"\r\x1b[Ksalesmetrics report: {text}")
        self.stream.flush()
        self.shown = True

    def __call__(self, done: int, total: int, title: str) -> None:
        if not self.shown and time.monotonic() - self.start < self.after:
            return
        self.shown = True
        bar = "#" * (20 * done // total)
        doing = f", computing {title}…" if title else ""
        self.stream.write(f"\r\x1b[Ksalesmetrics report: [{bar:<20}] {done}/{total} "
                          f"sections done{doing}")
        self.stream.flush()

    def close(self) -> None:
        """Clear the line (when something was shown)."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def _fail(message: str) -> int:
    print(f"salesmetrics report: {message}", file=sys.stderr)
    return 2


def _load(args: argparse.Namespace) -> tuple[Dataset, str]:
    from salesmetrics.load import load

    if args.example:
        from salesmetrics.examples import example_path

        path: str = str(example_path())
        source = "the bundled example (store_network.json)"
    else:
        path = source = args.file
    if not args.lenient:
        return load(path), source
    dataset, skipped = load(path, strict=False)
    print_skipped(skipped)
    return dataset, source


def print_skipped(skipped: LoadReport) -> None:
    """``--lenient``: each skipped entry on stderr (where it is, when known), then how many records.

    >>> from salesmetrics.load import LoadReport, Skipped
    >>> import contextlib, io
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     print_skipped(LoadReport((Skipped("teams[1].id", "duplicate_id", "used twice"),),
    ...                              places=(("big.jsonl", 2),)))
    >>> print(err.getvalue(), end="")
    salesmetrics report: skipped big.jsonl:2: teams[1].id: duplicate_id: used twice
    salesmetrics report: 1 record(s) skipped, the report counts the rest
    """
    places = skipped.places or ((None, None),) * len(skipped.skipped)
    for s, (file, line) in zip(skipped.skipped, places, strict=True):
        where = "" if file is None else f"{file}:{line}: " if line is not None else f"{file}: "
        print(f"salesmetrics report: skipped {where}{s.path}: {s.code}: {s.message}",
              file=sys.stderr)
    if skipped.skipped:
        print(f"salesmetrics report: {len(skipped.records)} record(s) skipped, "
              "the report counts the rest", file=sys.stderr)


def _period(args: argparse.Namespace) -> Period:
    if args.period is None:
        if args.example:
            from salesmetrics.examples import EXAMPLE_PERIOD

            return EXAMPLE_PERIOD
        raise SalesmetricsError("invalid_period", "--period",
                                "give --period START END (ISO 8601 instants with an offset)")
    return Period(parse_instant(args.period[0], "--period START"),
                  parse_instant(args.period[1], "--period END"))


def check_arguments(args: argparse.Namespace) -> int | None:
    """The exit status of arguments every engine refuses (None: they are fine)."""
    instance_of(args, argparse.Namespace, "args", "parsed arguments (argparse.Namespace)")
    if args.example == (args.file is not None):
        return _fail("give a dataset FILE or --example (one of them)")
    if args.format == "xlsx":
        if args.output is None:
            return _fail("--format xlsx writes a binary file: give --output FILE.xlsx")
        try:
            require("openpyxl", "excel")
        except ModuleNotFoundError as exc:
            return _fail(f"--format xlsx: {exc}")
    return None


def run(args: argparse.Namespace, out: IO[str] | None = None) -> int:
    """Run the report for parsed arguments; return the exit status.

    0: the report was written; 2: bad usage or an unreadable or invalid
    dataset; 3 (:data:`EXIT_NO_DATA`): the dataset, or the period, has no
    data (a warning on stderr, no report).
    """
    instance_of(args, argparse.Namespace, "args", "parsed arguments (argparse.Namespace)")
    refused = check_arguments(args)
    if refused is not None:
        return refused
    if getattr(args, "engine", "memory") != "memory":
        return _fail(f"--engine {args.engine} is run by the salesmetrics command "
                     "(salesmetrics.engines.command.run)")
    progress = _TerminalProgress(sys.stderr) if sys.stderr.isatty() else None
    try:
        period = _period(args)
        as_of = parse_instant(args.as_of, "--as-of") if args.as_of else None
        profiles = check_profiles([p.strip() for p in args.profiles.split(",")]
                                  if args.profiles else [])
        if progress is not None:
            progress.note("loading the dataset…")
        try:
            dataset, source = _load(args)
        finally:
            if progress is not None:
                progress.close()
    except SalesmetricsError as exc:
        errors: Sequence[SalesmetricsError] = getattr(exc, "errors", ())
        for more in list(errors)[1:10]:
            print(f"  {more}", file=sys.stderr)
        return _fail(str(exc))
    except OSError as exc:
        return _fail(str(exc))
    if not has_data(dataset):
        print(f"salesmetrics report: warning: {source} has no data "
              "(no messages, leads, activities or sessions); no report written", file=sys.stderr)
        return EXIT_NO_DATA
    if not period_has_data(dataset, period):
        print(f"salesmetrics report: warning: nothing happened from {period.start.isoformat()} "
              f"to {period.end.isoformat()} in {source} (no message, event, lead, activity or "
              "session); check --period; no report written", file=sys.stderr)
        return EXIT_NO_DATA
    progress = _TerminalProgress(sys.stderr) if sys.stderr.isatty() else None
    try:
        report = build_report(dataset, period=period, as_of=as_of, by=args.by,
                              compare=args.compare, progress=progress, profiles=profiles)
    except SalesmetricsError as exc:  # a period whose previous one is out of range, …
        return _fail(str(exc))
    finally:
        if progress is not None:
            progress.close()
    return write_report(args, report, source, out)


def write_report(args: argparse.Namespace, report: Report, source: str,
                 out: IO[str] | None) -> int:
    """Write a computed report as ``args`` say (format, output); return the exit status."""
    if args.format == "xlsx":
        try:
            write_xlsx(report, args.output, source=source)
        except OSError as exc:
            return _fail(str(exc))
        return 0
    if args.format == "json":
        text = json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"
    elif args.format == "csv":
        text = report_csv(report)
    else:
        text = render_table(report, source=source)
    if args.output is None:
        (out or sys.stdout).write(text)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        return _fail(str(exc))
    return 0
