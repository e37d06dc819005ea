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

from collections.abc import Iterable, Iterator
from datetime import datetime

from salesmetrics.dataset import Dataset
from salesmetrics.period import Period
from salesmetrics.report import (
    PartialSet,
    Report,
    ReportPlan,
    finish_report,
    merge_partials,
    merge_stream,
    part_partials,
)

__all__ = ["PartialSet", "ReportPlan", "each_partials", "finish_parts", "finish_report", "merge_partials",
           "merge_stream", "part_partials", "report_from_parts"]

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
    return finish_parts(reference, each_partials(parts, plan), plan)


def each_partials(parts: Iterable[Dataset], plan: ReportPlan, /) -> Iterator[PartialSet]:
    """Each part's partial sets, the part dropped before the next one is read.

    ``parts`` may be a generator loading one part at a time: then only one
    part is ever in memory.
    """
    for part in parts:
        partials = part_partials(part, plan)
        del part  # before the generator loads the next part
        yield partials


def finish_parts(reference: Dataset, partials: Iterable[PartialSet], plan: ReportPlan,
                 /) -> Report:
    """The report of the parts' partial sets (none: the reference dataset is the only part).

    ``partials`` may be a generator: each set is merged as it comes (:func:`merge_stream`).
    """
    merged = merge_stream(partials)
    return finish_report(reference, merged if merged is not None
                         else part_partials(reference, plan), plan)

