"""The one report pipeline: each part's partials, merged, finished on the reference data.

Every engine drives these three steps: :func:`part_partials` computes, for a
part of the dataset, the partial aggregate of every report section over the
period and the previous one; :func:`merge_partials` merges two of them
(associative and commutative); :func:`finish_report` turns the merged
partials into the :class:`~salesmetrics.report.Report` that
:func:`~salesmetrics.report.build_report` returns. The memory engine runs them
over one part (the whole dataset), the stream and Dask engines over many.

>>> from salesmetrics.examples import EXAMPLE_PERIOD, example_path
>>> from salesmetrics.load import load
>>> ds = load(example_path())
>>> plan = ReportPlan.of(period=EXAMPLE_PERIOD, by="team")
>>> whole = finish_report(ds, part_partials(ds, plan), plan)
>>> threads = [t.id for t in ds.threads]
>>> halves = [ds.only_threads(threads[::2]).replace(leads=[], activities=[], sessions=[]),
...           ds.only_threads(threads[1::2])]
>>> split = finish_report(ds, merge_partials(*[part_partials(p, plan) for p in halves]), plan)
>>> split == whole
True
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.metrics import Partial
from salesmetrics.metrics.table import TABLE
from salesmetrics.period import Period

if TYPE_CHECKING:
    from salesmetrics.report import Report

__all__ = ["PartialSet", "ReportPlan", "finish_parts", "finish_report", "merge_partials",
           "part_partials", "report_from_parts"]

Progress = Callable[[int, int, str], None]


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
        """The plan of a report (``invalid_option`` at ``by`` unless team or user)."""
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

    ``progress`` is called as ``progress(i, steps, title)`` before section ``i``.
    """
    from salesmetrics.report import SECTIONS

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
            kwargs = {"period": period, "as_of": plan.as_of, "by": grouping}
            try:
                out[(m.name, name)] = m.partial(part, **_route(m.partial, kwargs))
            except SalesmetricsError as exc:
                out[(m.name, name)] = str(exc)
    return PartialSet(out)


def merge_partials(first: PartialSet, /, *others: PartialSet) -> PartialSet:
    """Merge the partial sets of disjoint parts (threads with their messages and events,
    leads with their activities, the reference data in every part).

    They are merged pairwise, as a balanced tree: each row is sorted into place
    ``log2(parts)`` times, not once per part.
    """
    level = [first, *others]
    while len(level) > 1:
        level = [level[i].merge(level[i + 1]) if i + 1 < len(level) else level[i]
                 for i in range(0, len(level), 2)]
    return level[0]


def finish_report(reference: Dataset, merged: PartialSet, plan: ReportPlan, /) -> Report:
    """The report of merged partials; ``reference`` gives names, users and smart lists."""
    from salesmetrics.report import SECTIONS, Report, SectionResult, section_result

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


def report_from_parts(reference: Dataset, parts: Iterable[Dataset], /, *, period: Period,
                      as_of: datetime | None = None, by: str = "team",
                      compare: bool = True) -> Report:
    """The report of a dataset given as parts: partial → merge → finish, section by section.

    Args:
        reference: the reference data (teams, users, customers, calendars,
            smart lists), for names and the finishing steps.
        parts: disjoint parts of the dataset, each with the reference data
            (none: the reference dataset is the only part).
        period: the reported period.
        as_of: read the data up to this instant (default: everything).
        by: ``"team"`` or ``"user"``.
        compare: also compute the previous period of the same length.

    Raises:
        SalesmetricsError: ``invalid_option`` at ``by``.
    """
    plan = ReportPlan.of(period=period, as_of=as_of, by=by, compare=compare)
    sets = []
    for part in parts:  # parts may be a generator: one part in memory at a time
        sets.append(part_partials(part, plan))
        del part
    return finish_parts(reference, sets, plan)


def finish_parts(reference: Dataset, partials: Iterable[PartialSet], plan: ReportPlan,
                 /) -> Report:
    """The report of the parts' partial sets (none: the reference dataset is the only part)."""
    sets = list(partials)
    merged = merge_partials(*sets) if sets else part_partials(reference, plan)
    return finish_report(reference, merged, plan)

