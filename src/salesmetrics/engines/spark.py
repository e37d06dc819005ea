"""The Spark engine: the report of a Spark RDD of records, the Dask engine's steps on Spark.

The records are JSON Lines texts or dicts with a ``"section"`` key (for
example ``spark.sparkContext.textFile("s3://bucket/sales/*.jsonl")``). The
steps are those of :mod:`salesmetrics.engines.dask`, with the same functions:

1. each input partition is parsed once and cut into its reference records
   and ``n`` pieces by partition key (threads with their messages and events,
   leads with their activities, sessions by user);
2. the reference records are collected and validated on the driver, then
   broadcast;
3. the pieces are shuffled so that group ``b`` gathers piece ``b`` of every
   input partition (``partitionBy``), each group is loaded in input order and
   turned into partial aggregates, and ``treeReduce`` merges them;
4. the driver finishes the report.

So the numbers are those of :func:`~salesmetrics.report.build_report` on the
same records, whatever the partitioning. An error in the records is
returned by the executor that finds it, not raised there, and raised on the
driver as the :class:`~salesmetrics.errors.SalesmetricsError` it is
(``records (bag partition 3, item 17): messages.at: …``), not as Spark's
exception; check a file with the stream engine to have its line. Needs pyspark (the ``spark`` extra) and
a Java runtime; tested on a local Spark session (``local[2]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from operator import itemgetter
from typing import Any

from salesmetrics._values import whole_number
from salesmetrics.engines._pipeline import PartialSet, ReportPlan, finish_report, part_partials
from salesmetrics.engines.dask import Cut, _cut, _group_partials, _merge, _reference
from salesmetrics.engines.stream import raise_located
from salesmetrics.errors import DatasetError, SalesmetricsError
from salesmetrics.load import DEFAULT_MAX_ERRORS, SECTIONS
from salesmetrics.period import Period
from salesmetrics.report import Report

__all__ = ["records_of_frames", "spark_report"]


def spark_report(records: Any, /, *, period: Period, as_of: datetime | None = None,
                 by: str = "team", compare: bool = True, partitions: int | None = None,
                 max_errors: int = DEFAULT_MAX_ERRORS, depth: int = 2) -> Report:
    """The report of a Spark RDD of records (JSON Lines texts or dicts).

    Args:
        records: a ``pyspark.RDD`` of JSON Lines texts or of dicts with a
            ``"section"`` key.
        period: the reported period.
        as_of: read the data up to this instant (default: everything).
        by: ``"team"`` or ``"user"``.
        compare: also compute the previous period of the same length.
        partitions: how many groups the records are shuffled into (default:
            the RDD's partitions).
        max_errors: stop collecting a group's errors after this many.
        depth: the depth of the tree reduction.

    Returns:
        The :class:`~salesmetrics.report.Report` that
        :func:`~salesmetrics.report.build_report` gives (without profiles).

    Raises:
        DatasetError: the errors of the records, located in the RDD.
        SalesmetricsError: ``invalid_value`` at ``records`` (not an RDD), or
            naming the record a partition could not cut (not JSON, not an
            object, an unknown section); ``invalid_option`` at ``by``,
            ``partitions``, ``max_errors`` or ``depth``; the plan's errors
            (``period``, ``as_of``, ``compare``).
    """
    plan = ReportPlan.of(period=period, as_of=as_of, by=by, compare=compare)
    if not all(hasattr(records, name) for name in ("getNumPartitions", "mapPartitionsWithIndex",
                                                   "context")):
        raise SalesmetricsError("invalid_value", "records",
                                f"a Spark RDD of records, not {type(records).__name__}")
    whole_number(max_errors, "max_errors", minimum=None)
    whole_number(depth, "depth", minimum=1)
    n = whole_number(records.getNumPartitions() if partitions is None else partitions, "partitions",
                     minimum=1)
    cuts = records.mapPartitionsWithIndex(lambda i, it: [_cut_or_error(it, i, n)]).cache()
    try:
        kept = cuts.map(lambda c: c if isinstance(c, SalesmetricsError)
                        else (c.reference, c.customers)).collect()
        refused = [c for c in kept if isinstance(c, SalesmetricsError)]
        if refused:  # the first partition's, whichever executor failed first
            raise_located(refused[:1])
        reference = ([r for r, _ in kept], [c for _, c in kept])
        try:
            dataset = _reference(*reference, max_errors)
        except DatasetError as exc:
            raise_located(exc.errors)
        shared = records.context.broadcast(reference)
        groups = (cuts.flatMap(lambda c: list(enumerate(c.pieces)))
                      .partitionBy(n, lambda b: b)
                      .mapPartitions(lambda it: _group_partials((p for _, p in it),
                                                                shared.value[0], shared.value[1],
                                                                plan, max_errors)))
        merged: PartialSet | DatasetError | None = (
            groups.treeReduce(_merge, depth=depth) if not groups.isEmpty() else None)
    finally:
        cuts.unpersist()
    if isinstance(merged, DatasetError):
        raise_located(merged.errors)
    return finish_report(dataset, merged or part_partials(dataset, plan), plan)


def _cut_or_error(records: Iterable[Any], index: int, n: int) -> Cut | SalesmetricsError:
    """A partition's cut, or the error that refused one of its records (returned, not raised:
    raised in an executor, it would reach the driver as Spark's exception, its text buried)."""
    try:
        return _cut(records, index, n)
    except SalesmetricsError as exc:
        return exc


def records_of_frames(frames: Mapping[str, Any], /) -> Any:
    """The records of Spark DataFrames, one per section, as an RDD of JSON Lines texts.

    For the data team whose tables are already DataFrames (a warehouse read,
    Delta tables): ``{"threads": threads_df, "messages": messages_df, ...}``,
    each with the section's fields as columns (``calendars`` with an ``id``
    column; nested fields such as a lead's ``conversions`` as arrays of
    structs). Each row becomes the JSON text of its record, tagged with its
    section (Spark's ``to_json``: a null column is an absent field; a
    timestamp column, which holds no offset, is written with the offset of
    the session's time zone: the same instants, and the last activity of the
    report, which shows an instant as given, shows that offset),
    ready for :func:`spark_report`::

        report = spark_report(records_of_frames({"teams": teams, "threads": threads,
                                                 "messages": messages}), period=week)

    Raises:
        SalesmetricsError: ``invalid_value`` at ``frames`` (not a mapping, or
            empty) or ``frames['name']`` (not a section, not a DataFrame, or a
            column named ``section``).
    """
    if not isinstance(frames, Mapping) or not frames:
        raise SalesmetricsError("invalid_value", "frames",
                                "give a mapping of section name -> DataFrame")
    from pyspark.sql import functions

    texts = []
    for name, frame in frames.items():
        where = f"frames[{name!r}]"
        if name not in SECTIONS:
            raise SalesmetricsError("invalid_value", where,
                                    f"unknown section; sections: {', '.join(SECTIONS)}")
        columns = getattr(frame, "columns", None)
        if not isinstance(columns, list) or not hasattr(frame, "toJSON"):
            raise SalesmetricsError("invalid_value", where,
                                    f"a Spark DataFrame, not {type(frame).__name__}")
        if "section" in columns:
            raise SalesmetricsError("invalid_value", where,
                                    "a column is named 'section': the record's section is "
                                    "its frame's name")
        record = functions.to_json(functions.struct(functions.lit(name).alias("section"),
                                                    *columns))
        texts.append(frame.select(record).rdd.map(itemgetter(0)))
    return texts[0].context.union(texts)
