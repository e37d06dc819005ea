"""Engines: one report pipeline (partial → merge → finish), driven in memory, streamed or on Dask.

* memory: :func:`salesmetrics.report.build_report` — the whole dataset is one part;
* stream: :func:`stream_report` — a JSON Lines file or a CSV folder hash-partitioned
  into temporary files, parts loaded one at a time (bounded memory);
* dask: :func:`salesmetrics.engines.dask.dask_report` — a ``dask.bag`` of records
  (needs the ``dask`` extra);
* spark: :func:`salesmetrics.engines.spark.spark_report` — a Spark RDD of records, the
  Dask engine's steps on Spark (needs the ``spark`` extra and Java).

Each computes the same :class:`~salesmetrics.report.Report` with
:func:`part_partials`, :func:`merge_partials` (or :func:`merge_stream`, as parts come)
and :func:`finish_report`; the report's partials keep tallies only (no drill-down rows).
"""

from salesmetrics.engines._pipeline import (
    PartialSet,
    ReportPlan,
    finish_parts,
    finish_report,
    merge_partials,
    merge_stream,
    part_partials,
    report_from_parts,
)

__all__ = [
    "PartialSet",
    "ReportPlan",
    "finish_parts",
    "finish_report",
    "merge_partials",
    "merge_stream",
    "part_partials",
    "report_from_parts",
]
