"""The Dask engine: the report of a ``dask.bag`` of records, computed on a cluster.

Records are dicts with a ``"section"`` key, as the lines of JSON Lines (a
calendar's record carries its ``"id"``). The reference sections (calendars,
teams, users, customers, smart lists) are gathered by one task and given
to every group; the other records are shuffled by partition key
(:mod:`salesmetrics.engines._split`: threads with their messages and events,
leads with their activities, sessions by user) so that each group holds whole
threads and leads; each group is loaded and validated as a dataset and turned
into partial aggregates; a tree reduction (``Bag.reduction``) merges them and
the client finishes the report. The shuffle is one task per group gathering
its piece of every input partition (each input partition is parsed and cut
once). The records of a group keep their input
order (ties between equal instants are read in that order, as in memory).

Errors of a record name its place in the bag (``bag partition 3, item 17``),
then its section and field: ``records (bag partition 3, item 17): messages.at:
naive instant …`` (to have the file and line, check the file with the stream
engine). Needs the ``dask`` extra (``pip install 'salesmetrics[dask]'``).
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, tzinfo
from functools import reduce
from pathlib import Path
from typing import Any

from salesmetrics._values import whole_number
from salesmetrics.dataset import Dataset
from salesmetrics.engines._pipeline import PartialSet, ReportPlan, finish_report, part_partials
from salesmetrics.engines._split import REFERENCE, bucket, key_of
from salesmetrics.engines.stream import INDEXED, LocatedError, errors_of, raise_located
from salesmetrics.errors import DatasetError, SalesmetricsError
from salesmetrics.load import DEFAULT_MAX_ERRORS, SECTIONS, from_dict
from salesmetrics.period import Period
from salesmetrics.report import Report
from salesmetrics.results import require

__all__ = ["dask_report", "frames_bag", "records_bag", "run_on_cluster"]

#: A record of the bag: its section, its place ``(partition, item)`` and its body
#: (a dict, or the JSON text of a line, parsed where the record is loaded).
Tagged = tuple[str, tuple[int, int], "dict[str, Any] | str"]


def _tag(records: Iterable[Any], index: int) -> Iterator[tuple[Tagged, Mapping[str, Any]]]:
    """A bag partition's records with their section and place ``(partition, item)``, and fields.

    A record given as a JSON Lines text stays text (what crosses to another
    worker is the line, not its parsed dict).
    """
    for j, rec in enumerate(records):
        where = f"records (bag partition {index}, item {j})"
        text = rec if isinstance(rec, str) else None
        if text is not None:
            rec = _parse(text, where)
        if not isinstance(rec, Mapping):
            raise LocatedError("invalid_value", "", "a record is a dict with a 'section'",
                               file=where)
        section = rec.get("section")
        if section not in SECTIONS:
            raise LocatedError("invalid_value" if section is not None else "missing_field",
                               "section", f"unknown section {section!r}; sections: "
                               f"{', '.join(SECTIONS)}", file=where)
        yield (section, (index, j), text if text is not None else dict(rec)), rec


def _body(body: dict[str, Any] | str) -> dict[str, Any]:
    """A tagged record's fields (its ``section`` key removed)."""
    rec: dict[str, Any] = json.loads(body) if isinstance(body, str) else dict(body)
    rec.pop("section", None)
    return rec


def _data(tagged: Iterable[Tagged]) -> tuple[dict[str, Any], dict[str, list[tuple[int, int]]]]:
    """The dataset dict of tagged records (in input order) and each record's place."""
    data: dict[str, Any] = {}
    places: dict[str, list[tuple[int, int]]] = {}
    for section, place, tagged_body in sorted(tagged, key=lambda t: t[1]):
        body = _body(tagged_body)
        if section == "calendars":
            data.setdefault("calendars", {})[str(body.pop("id", ""))] = body
        else:
            data.setdefault(section, []).append(body)
        places.setdefault(section, []).append(place)
    return data, places


def _load(data: Mapping[str, Any], places: Mapping[str, list[tuple[int, int]]],
          max_errors: int) -> Dataset:
    try:
        return from_dict(data, max_errors=max_errors)
    except SalesmetricsError as exc:
        raise DatasetError([_locate(e, places) for e in errors_of(exc)]) from None


def _locate(exc: SalesmetricsError, places: Mapping[str, list[tuple[int, int]]]) -> LocatedError:
    """An error of a group's record named by its place in the bag (and no group index)."""
    match = INDEXED.match(exc.path)
    if match and int(match.group(2)) < len(places.get(match.group(1), ())):
        i, j = places[match.group(1)][int(match.group(2))]
        return LocatedError(exc.code, match.group(1) + match.group(3), exc.message,
                            file=f"records (bag partition {i}, item {j})")
    return LocatedError(exc.code, exc.path, exc.message, file="records")


def _cut(records: Iterable[Any], index: int, n: int) -> tuple[list[Tagged], list[list[Tagged]]]:
    """A bag partition's reference records, and its other records cut into ``n`` pieces."""
    reference: list[Tagged] = []
    pieces: list[list[Tagged]] = [[] for _ in range(n)]
    for t, rec in _tag(records, index):
        if t[0] in REFERENCE:
            reference.append(t)
        else:
            pieces[bucket(key_of(t[0], rec), n)].append(t)
    return reference, pieces


def _reference_data(pieces: Iterable[list[Tagged]], max_errors: int) -> dict[str, Any]:
    """The reference sections' dataset dict, validated (errors located in the bag)."""
    data, places = _data(t for piece in pieces for t in piece)
    _load(data, places, max_errors)
    return data


def _group_partials(pieces: Iterable[list[Tagged]], reference: Mapping[str, Any],
                    plan: ReportPlan, max_errors: int) -> list[PartialSet]:
    """A group's partial aggregates (the reference data added); none for an empty group.

    Of the customers (validated with the reference data), the group loads
    those its records refer to and those of the smart lists: the one
    reference section that grows with the data is not loaded whole by every group.
    """
    data, places = _data(t for piece in pieces for t in piece)
    if not data:
        return []
    wanted = {c for section in ("threads", "leads", "activities")
              for rec in data.get(section, ()) if isinstance(c := rec.get("customer"), str)}
    for smart in reference.get("smart_lists") or ():
        wanted.update(c for c in smart.get("customers") or () if isinstance(c, str))
    customers = [c for c in reference.get("customers") or () if c.get("id") in wanted]
    return [part_partials(_load({**reference, "customers": customers, **data}, places,
                                max_errors), plan)]


def _merge_all(sets: Iterable[PartialSet | None]) -> PartialSet | None:
    present = [s for s in sets if s is not None]
    return reduce(PartialSet.merge, present) if present else None


def dask_report(records: Any, /, *, period: Period, as_of: datetime | None = None,
                by: str = "team", compare: bool = True, partitions: int | None = None,
                max_errors: int = DEFAULT_MAX_ERRORS, split_every: int = 8) -> Report:
    """The report of a ``dask.bag`` of records, on the current Dask scheduler.

    Args:
        records: a ``dask.bag.Bag`` of dicts with a ``"section"`` key.
        period: the reported period.
        as_of: read the data up to this instant (default: everything).
        by: ``"team"`` or ``"user"``.
        compare: also compute the previous period of the same length.
        partitions: how many groups the records are shuffled into (default:
            the bag's partitions).
        max_errors: stop collecting a group's errors after this many.
        split_every: the fan-in of the tree reduction.

    Returns:
        The :class:`~salesmetrics.report.Report` that
        :func:`~salesmetrics.report.build_report` gives (without profiles).

    Raises:
        DatasetError: the errors of a group's records, located in the bag.
        SalesmetricsError: ``invalid_option`` at ``by`` or ``partitions``.
        ModuleNotFoundError: dask is not installed.
    """
    require("dask", "dask")
    dask, db = _dask()
    plan = ReportPlan.of(period=period, as_of=as_of, by=by, compare=compare)
    n = whole_number(records.npartitions if partitions is None else partitions, "partitions",
                     minimum=1)
    # one graph: each input partition is parsed once and cut into n pieces; group b
    # gathers piece b of every partition (the shuffle), adds the reference data and
    # computes its partials; a tree reduction (Bag.reduction) merges them
    delayed = dask.delayed
    cuts = [delayed(_cut, pure=True, nout=2)(p, i, n)
            for i, p in enumerate(records.to_delayed())]
    reference_data = delayed(_reference_data, pure=True)([c[0] for c in cuts], max_errors)
    groups = [delayed(_group_partials, pure=True)([c[1][b] for c in cuts], reference_data,
                                                  plan, max_errors) for b in range(n)]
    merged_bag = db.from_delayed(groups).reduction(_merge_all, _merge_all,
                                                   split_every=split_every)
    try:
        data, merged = dask.compute(reference_data, merged_bag)
    except DatasetError as exc:  # its text is rebuilt after travelling from a worker
        raise_located(exc.errors)
    reference = from_dict(data, max_errors=max_errors)
    return finish_report(reference, merged or part_partials(reference, plan), plan)


def _dask() -> tuple[Any, Any]:
    """dask and dask.bag, imported when a report needs them (untyped: Any)."""
    return importlib.import_module("dask"), importlib.import_module("dask.bag")


def records_bag(source: str | os.PathLike[str], /, *, partitions: int | None = None) -> Any:
    """A ``dask.bag`` of the records of a JSON Lines file, a JSON file or a CSV folder.

    JSON Lines is read by the workers in blocks, as text: each line is
    parsed by the worker that cuts its block and by the one that loads its
    group, so only the text crosses between workers (a line that is not JSON
    is an ``invalid_value`` naming its place in the bag, not its line: check
    the file with the stream engine); a JSON file or a CSV folder is read on
    the client.
    """
    require("dask", "dask")
    db = _dask()[1]
    src = Path(source)
    if src.is_file() and src.suffix in (".jsonl", ".ndjson"):
        size = src.stat().st_size
        block = max(1 << 20, size // partitions) if partitions else 64 << 20
        return db.read_text(str(src), blocksize=block).map(str.strip).filter(bool)
    if src.is_dir():
        from salesmetrics.load._csv import read_csv_dir

        data, errors = read_csv_dir(src)
        if errors:
            raise DatasetError(errors)
    else:
        data = json.loads(src.read_text(encoding="utf-8-sig"))
    records = list(_records(data))
    return db.from_sequence(records, npartitions=partitions or max(1, min(64, len(records) //
                                                                         50_000 + 1)))


def _parse(line: str, where: str) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise LocatedError("invalid_value", "", f"not JSON: {exc}: {line[:80]}",
                           file=where) from None


def _records(data: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for section in SECTIONS:
        body = data.get(section) or ()
        if section == "calendars" and isinstance(body, Mapping):
            for cid, cal in body.items():
                yield {"section": section, "id": cid, **cal}
        else:
            for rec in body:
                yield {"section": section, **rec}


def run_on_cluster(records: Any, /, *, workers: int | None = None,
                   scheduler: str | None = None, **options: Any) -> Report:
    """:func:`dask_report` on an existing cluster (``scheduler``) or a LocalCluster of ``workers``.

    A LocalCluster runs one process per worker, one thread each; it is
    closed when the report is done (or fails).
    """
    require("distributed", "dask")
    distributed: Any = importlib.import_module("distributed")
    Client, LocalCluster = distributed.Client, distributed.LocalCluster
    if scheduler is not None:
        with Client(scheduler):
            return dask_report(records, **options)
    with LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                      processes=True, dashboard_address=":0") as cluster, Client(cluster):
        return dask_report(records, **options)



def frames_bag(frames: Mapping[str, Any], /, *, calendars: Mapping[str, Any] | None = None,
               naive_timezone: str | tzinfo | None = None) -> Any:
    """A ``dask.bag`` of the records of Dask DataFrames, one per section, for :func:`dask_report`.

    ``frames`` maps a section to a ``dask.dataframe.DataFrame`` (or a pandas
    one) with the case format's columns; each partition's rows become records
    on the worker that holds it, read as :func:`~salesmetrics.load.from_frames`
    reads a frame's cells (``NaN``, ``NaT``, ``None`` and ``pandas.NA`` are
    missing fields, tz-aware timestamps are instants, naive ones need
    ``naive_timezone``). A lead's conversions are its ``conversions`` column
    (lists of records), a smart list's members its ``customers`` column (a
    list, or ``;``-separated text): Dask turns object columns into text
    unless ``dask.config.set({"dataframe.convert-string": False})`` is in
    force when the frame is made, and such a text is refused at its record.
    The calendars are given as the case format's mapping::

        report = dask_report(frames_bag({"teams": teams, "threads": threads,
                                         "messages": messages}, calendars=cals),
                             period=week)

    Raises:
        SalesmetricsError: ``invalid_value`` at ``frames`` (not a mapping) or
            ``frames['name']`` (not a section, not a DataFrame, a column named
            ``section``); ``invalid_option`` at ``naive_timezone``.
        ModuleNotFoundError: dask is not installed.
    """
    require("dask", "dask")
    from salesmetrics.load._sql import zone_of

    zone = zone_of(naive_timezone)
    if not isinstance(frames, Mapping):
        raise SalesmetricsError("invalid_value", "frames",
                                "give a mapping of section name -> DataFrame")
    if calendars is not None and not isinstance(calendars, Mapping):
        raise SalesmetricsError("invalid_value", "calendars",
                                "the calendars are a mapping: id -> definition")
    dask, db = _dask()
    pieces = []
    if calendars:
        pieces.append(dask.delayed([{"section": "calendars", "id": cid,
                                     **(body if isinstance(body, Mapping) else {"": body})}
                                    for cid, body in calendars.items()]))
    for name, frame in frames.items():
        where = f"frames[{name!r}]"
        if name not in SECTIONS or name == "calendars":
            raise SalesmetricsError("invalid_value", where, "unknown section; sections: "
                                    f"{', '.join(s for s in SECTIONS if s != 'calendars')} "
                                    "(the calendars: calendars=)")
        columns = getattr(frame, "columns", None)
        if columns is None or not hasattr(frame, "iloc"):
            raise SalesmetricsError("invalid_value", where,
                                    f"a Dask or pandas DataFrame, not {type(frame).__name__}")
        if "section" in [str(c) for c in columns]:
            raise SalesmetricsError("invalid_value", where, "a column is named 'section': "
                                    "the record's section is its frame's name")
        parts = frame.to_delayed() if hasattr(frame, "to_delayed") else [dask.delayed(frame)]
        pieces.extend(dask.delayed(_frame_records, pure=True)(part, name, zone)
                      for part in parts)
    return db.from_delayed(pieces) if pieces else db.from_sequence([], npartitions=1)


def _frame_records(frame: Any, name: str, zone: tzinfo | None) -> list[dict[str, Any]]:
    """The records of one pandas partition of section ``name`` (cells as ``from_frames`` reads them)."""
    from salesmetrics.load._csv import CSV_SECTIONS, _kinds
    from salesmetrics.load._frames import frame_rows
    from salesmetrics.load._sql import record

    kinds = _kinds(name) if name in CSV_SECTIONS else {}
    return [{"section": name, **record(row, kinds, zone)} for row in frame_rows(frame, name)]
