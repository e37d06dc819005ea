"""The Dask engine: the report of a ``dask.bag`` of records, computed on a cluster.

Records are dicts with a ``"section"`` key, or the JSON Lines texts of such
records (a calendar's record carries its ``"id"``). Each input partition is
cut, where it was read, into its reference records (calendars, teams,
users, smart lists), its customers (indexed by id) and one piece per group
by partition key (:mod:`salesmetrics.engines._split`: threads with their
messages and events, leads with their activities, sessions by user); a text
is parsed there only to find its section and key, and stays text. Each
group gathers its piece of every partition (the shuffle: a group holds
whole threads and leads), reads its lines as the JSON Lines loader reads a
file, adds the reference records and the customers it refers to, is
validated as a dataset and turned into partial aggregates; one task
validates the reference data whole meanwhile; a tree reduction
(``Bag.reduction``) merges the partials and a last task finishes the report
on a worker. No group waits on another task than the cuts. The records of
a group keep their input order (ties between equal instants are read in
that order, as in memory).

Errors are the memory loader's, and name the record's place in the bag
(``bag partition 3, item 17``), then its section and field: ``records (bag
partition 3, item 17): messages.at: naive instant …`` (to have the file and
line, check the file with the stream engine). Needs the ``dask`` extra
(``pip install 'salesmetrics[dask]'``).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import socket
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, tzinfo
from functools import reduce
from typing import Any, NamedTuple

from salesmetrics._gc import paused_gc
from salesmetrics._values import finite_number, is_text, whole_number
from salesmetrics.dataset import Dataset
from salesmetrics.engines._pipeline import PartialSet, ReportPlan, finish_report, part_partials
from salesmetrics.engines._split import KEYS, REFERENCE, bucket, key_of
from salesmetrics.engines.stream import _LINE, INDEXED, LocatedError, errors_of, raise_located
from salesmetrics.errors import DatasetError, SalesmetricsError, join_path
from salesmetrics.load import DEFAULT_MAX_ERRORS, SECTIONS
from salesmetrics.load._dicts import from_dict
from salesmetrics.load._files import fast_loads, input_path, parse_record
from salesmetrics.load._jsonl import finish, line_path, read_lines
from salesmetrics.load._lenient import JSONL_SUFFIXES, _json_data
from salesmetrics.period import Period
from salesmetrics.report import Report
from salesmetrics.results import require

__all__ = ["BLOCK_BYTES", "CONNECT_SECONDS", "check_report_options", "dask_report", "frames_bag",
           "records_bag", "run_on_cluster"]

#: Bytes of JSON Lines per bag partition when :func:`records_bag` is not told ``partitions``.
BLOCK_BYTES = 32 << 20

#: A piece of a bag partition: the partition's index, the item numbers of its
#: records and the records (JSON Lines texts or dicts with a ``"section"``), in input order.
Piece = tuple[int, list[int], list[Any]]

#: A bag partition's customers: their piece, and the position in it of each id (its first).
Customers = tuple[Piece, dict[str, int]]


class Cut(NamedTuple):
    """A bag partition cut by :func:`_cut`."""

    #: its reference records but customers (calendars, teams, users, smart lists)
    reference: Piece
    #: its customers, found by id (the one reference section that grows with the data)
    customers: Customers
    #: its other records, cut into pieces by partition key
    pieces: list[Piece]


_CUSTOMERS = object()
_REFERENCE = object()

#: How :func:`_cut` routes a section's record: to the customers, to the reference
#: records, by its one key field (a name), or by :func:`key_of` (a tuple of fields).
_ROUTES: dict[str, object] = {
    section: _CUSTOMERS if section == "customers" else _REFERENCE if section in REFERENCE
    else KEYS[section][0] if len(KEYS[section]) == 1 else KEYS[section]
    for section in SECTIONS}


def _where(place: tuple[int, int]) -> str:
    return f"records (bag partition {place[0]}, item {place[1]})"


def _parse(text: str, place: tuple[int, int]) -> Any:
    """A JSON Lines text's value, as the JSON Lines loader parses it (errors located in the bag)."""
    try:
        if not is_text(text):
            raise SalesmetricsError("invalid_value", "", "not UTF-8 text")
        return parse_record(text)
    except SalesmetricsError as exc:
        raise LocatedError(exc.code, "", exc.message, file=_where(place)) from None


def _cut(records: Iterable[Any], index: int, n: int) -> Cut:
    """A bag partition's reference records, its customers and its other records cut into ``n`` pieces.

    Each record is parsed here only to find its section and partition key;
    what is kept is the record as given (a JSON Lines text stays text: it
    is what crosses to the worker that loads its group, where it is parsed
    and checked as the JSON Lines loader does, duplicate keys included). So
    a text is parsed by the fastest parser installed, and by the exact one
    only when that one refuses it, to name the fault. Blank texts are
    skipped, as by the JSON Lines loader.
    """
    reference: Piece = (index, [], [])
    customers: Piece = (index, [], [])
    by_id: dict[str, int] = {}
    pieces: list[Piece] = [(index, [], []) for _ in range(n)]
    items = [piece[1] for piece in pieces]
    kept = [piece[2] for piece in pieces]
    loads = fast_loads()
    for j, rec in enumerate(records):
        fields = rec
        if type(rec) is str:
            try:
                fields = loads(rec)
            except (ValueError, RecursionError):
                if not rec.strip():
                    continue
                fields = _parse(rec, (index, j))
        if type(fields) is not dict and not isinstance(fields, Mapping):
            raise LocatedError("invalid_value", "", "a record is a dict with a 'section'",
                               file=_where((index, j)))
        section: Any = fields.get("section")
        route = _ROUTES.get(section) if isinstance(section, str) else None
        if type(route) is str:  # the one key field of the section
            key = fields.get(route)
            if type(key) is not str or not key:
                key = key_of(section, fields)
            b = bucket(key, n)
            items[b].append(j)
            kept[b].append(rec)
            continue
        if route is _CUSTOMERS:
            if isinstance(cid := fields.get("id"), str):
                by_id.setdefault(cid, len(customers[1]))
            piece = customers
        elif route is _REFERENCE:
            piece = reference
        elif route is not None:
            piece = pieces[bucket(key_of(section, fields), n)]
        else:
            raise LocatedError("invalid_value" if section is not None else "missing_field",
                               "section", f"unknown section {section!r}; sections: "
                               f"{', '.join(SECTIONS)}", file=_where((index, j)))
        piece[1].append(j)
        piece[2].append(rec)
    return Cut(reference, (customers, by_id), pieces)


def _cut_outputs(records: Iterable[Any], index: int, n: int) -> tuple[Any, ...]:
    """:func:`_cut` as ``n + 2`` outputs: the reference records, the customers, each piece.

    (Each output is its own key in the graph: a group fetches its pieces, not whole cuts.)
    """
    cut = _cut(records, index, n)
    return (cut.reference, cut.customers, *cut.pieces)


class _Group:
    """Records read in pieces, in input order, into one dataset dict, loaded at the end.

    Each :meth:`read` adds records of sections no earlier read held (a
    group's own records, the reference records, the customers it needs).
    """

    def __init__(self) -> None:
        #: each piece read: its bag partition and its records' item numbers
        self.spans: list[tuple[int, list[int]]] = []
        self.records: list[Any] = []
        self.data: dict[str, Any] = {}
        self.errors: list[SalesmetricsError] = []
        self.height: int | None = 0

    def read(self, pieces: Iterable[Piece]) -> None:
        """Read the records of ``pieces`` (texts as the JSON Lines loader reads a file)."""
        first = len(self.records)
        for index, items, records in pieces:
            self.spans.append((index, items))
            self.records.extend(records)
        added = self.records[first:]
        data, errors, height = read_lines(added, parsed=True)
        self.errors.extend(e if not (line := _LINE.match(e.path)) else SalesmetricsError(
            e.code, line_path(int(line.group(1)) + first), e.message) for e in errors)
        self.data.update(data)
        self.height = None if self.height is None else max(height, self.height)

    @staticmethod
    def _fields(rec: Any) -> Mapping[str, Any]:
        fields: Mapping[str, Any] = parse_record(rec) if isinstance(rec, str) else rec
        return fields

    def load(self, max_errors: int) -> Dataset:
        """The records read, validated; their errors located in the bag."""
        try:
            return finish(self.data, self.errors, max_errors=max_errors, height=self.height)
        except SalesmetricsError as exc:
            places = self._places()
            by_section: list[dict[str, list[tuple[int, int]]]] = []
            raise DatasetError([self._locate(e, places, by_section)
                                for e in errors_of(exc)]) from None

    def _locate(self, exc: SalesmetricsError, places: list[tuple[int, int]],
                by_section: list[dict[str, list[tuple[int, int]]]]) -> LocatedError:
        """An error of a record named by its place in the bag (and no index in the group).

        ``by_section`` holds the records' places by section once an error needed them.
        """
        line = _LINE.match(exc.path)
        if line and int(line.group(1)) <= len(places):
            return LocatedError(exc.code, "", exc.message,
                                file=_where(places[int(line.group(1)) - 1]))
        match = INDEXED.match(exc.path)
        if match:
            if not by_section:
                by_section.append(self._section_places(places))
            found = by_section[0].get(match.group(1), [])
            if int(match.group(2)) < len(found):
                return LocatedError(exc.code, match.group(1) + match.group(3), exc.message,
                                    file=_where(found[int(match.group(2))]))
        return LocatedError(exc.code, exc.path, exc.message, file="records")

    def _places(self) -> list[tuple[int, int]]:
        """Each record's place in the bag, in the order read (made only on an error)."""
        return [(index, j) for index, items in self.spans for j in items]

    def _section_places(self, places: list[tuple[int, int]]) -> dict[str, list[tuple[int, int]]]:
        """Each section's records' places, in input order (found again: only on an error)."""
        out: dict[str, list[tuple[int, int]]] = {}
        for rec, place in zip(self.records, places, strict=True):
            try:
                section = self._fields(rec).get("section")
            except SalesmetricsError:  # a line the reading refused: in no section
                continue
            out.setdefault(str(section), []).append(place)
        return out


def _reference(reference: Iterable[Piece], customers: Iterable[Customers],
               max_errors: int) -> Dataset:
    """The reference sections as a dataset, validated (errors located in the bag)."""
    with paused_gc():
        group = _Group()
        group.read(reference)
        group.read(piece for piece, _ in customers)
        return group.load(max_errors)


def _needed(customers: Iterable[Customers], wanted: set[str]) -> Iterator[Piece]:
    """The customers of ``wanted`` ids, as pieces in input order."""
    for (index, items, records), by_id in customers:
        found = sorted(by_id[c] for c in by_id.keys() & wanted)
        yield index, [items[k] for k in found], [records[k] for k in found]


def _group_partials(pieces: Iterable[Piece], reference: Iterable[Piece],
                    customers: Iterable[Customers], plan: ReportPlan,
                    max_errors: int) -> list[PartialSet | DatasetError]:
    """A group's partial aggregates (the reference data added); none for an empty group.

    Of the customers, the group loads those its records refer to, in input
    order, and its smart lists name only those (a list's other accounts
    have no attempt in the group: its partials are the same): the one
    reference section that grows with the data is not loaded whole, nor
    the lists' share of it, by every group. :func:`_reference` checks the
    reference data whole, every customer and list included. The errors of
    the group's records are returned, not raised: they are raised when the
    report is finished, after the reference data's own, so that which
    error is told does not depend on which task fails first.
    """
    with paused_gc():  # as in memory: loading and walking make many acyclic objects
        group = _Group()
        group.read(pieces)
        if not group.records:
            return []
        group.read(reference)
        data = group.data
        wanted = {c for section in ("threads", "leads", "activities")
                  for rec in data.get(section, ()) if isinstance(c := rec.get("customer"), str)}
        for smart in data.get("smart_lists") or ():
            if isinstance(smart, dict) and isinstance(named := smart.get("customers"), list):
                smart["customers"] = [c for c in named if not isinstance(c, str) or c in wanted]
        group.read(_needed(customers, wanted))
        try:
            dataset = group.load(max_errors)
        except DatasetError as exc:
            return [exc]
        return [part_partials(dataset, plan)]


def _finish(reference: Dataset, merged: PartialSet | DatasetError | None,
            plan: ReportPlan) -> Report:
    """The report of the merged partials (none: the reference data is the only part)."""
    if isinstance(merged, DatasetError):
        raise merged
    return finish_report(reference, merged or part_partials(reference, plan), plan)


def _merge(first: PartialSet | DatasetError, second: PartialSet | DatasetError
           ) -> PartialSet | DatasetError:
    """Two groups' partials merged, or the first group's errors."""
    if isinstance(first, DatasetError):
        return first
    return second if isinstance(second, DatasetError) else first.merge(second)


def _merge_all(sets: Iterable[PartialSet | DatasetError | None]
               ) -> PartialSet | DatasetError | None:
    present = [s for s in sets if s is not None]
    return reduce(_merge, present) if present else None


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
    plan = check_report_options({"period": period, "as_of": as_of, "by": by,
                                 "compare": compare, "partitions": partitions,
                                 "max_errors": max_errors, "split_every": split_every})
    if not isinstance(records, db.Bag):
        raise SalesmetricsError("invalid_value", "records", "a dask.bag.Bag of records "
                                "(records_bag, frames_bag or your own), not "
                                f"{type(records).__name__}")
    n = whole_number(records.npartitions if partitions is None else partitions, "partitions",
                     minimum=1)
    # one graph: each input partition is parsed once and cut into n pieces; group b
    # gathers piece b of every partition (the shuffle), adds the reference data and
    # computes its partials; a tree reduction (Bag.reduction) merges them
    delayed = dask.delayed
    cuts = [delayed(_cut_outputs, pure=True, nout=n + 2)(p, i, n)
            for i, p in enumerate(records.to_delayed(optimize_graph=False))]
    reference = [c[0] for c in cuts]
    customers = [c[1] for c in cuts]
    groups = [delayed(_group_partials, pure=True)([c[2 + b] for c in cuts], reference,
                                                  customers, plan, max_errors)
              for b in range(n)]
    merged = db.from_delayed(groups).reduction(_merge_all, _merge_all, split_every=split_every)
    # (not optimized: a fused copy of the graph would cut the partitions again under other keys)
    merged = merged.to_delayed(optimize_graph=False)
    with dask.annotate(priority=1):  # early, on one worker: not a tail after the groups
        checked = delayed(_reference, pure=True)(reference, customers, max_errors)
    try:
        report: Report = delayed(_finish, pure=True)(checked, merged, plan).compute()
    except DatasetError as exc:  # its text is rebuilt after travelling from a worker
        raise_located(exc.errors)
    return report


def _dask() -> tuple[Any, Any]:
    """dask and dask.bag, imported when a report needs them (untyped: Any)."""
    return importlib.import_module("dask"), importlib.import_module("dask.bag")


def records_bag(source: str | os.PathLike[str], /, *, partitions: int | None = None) -> Any:
    """A ``dask.bag`` of the records of a JSON Lines file, a JSON file or a CSV folder.

    JSON Lines is read by the workers in blocks of lines (``partitions``
    blocks, else blocks of :data:`BLOCK_BYTES`), as text: each line is
    parsed by the worker that cuts its block and by the one that loads its
    group, so only the text crosses between workers (a line that is not JSON
    is an ``invalid_value`` naming its place in the bag, not its line: check
    the file with the stream engine); a JSON file or a CSV folder is read on
    the client, as :func:`~salesmetrics.load.load` reads it (the same parser:
    a key given twice, nesting past the limit, a file that is not UTF-8 are
    its errors), in ``partitions`` partitions (default: one per 50,000
    records, at most 64).

    Raises:
        SalesmetricsError: ``invalid_option`` at ``partitions`` (not an
            integer at least 1); ``invalid_value`` at ``""`` for a path that
            is missing, not a regular file nor a folder (a FIFO is never
            opened), or not of a known type; a JSON file's or CSV folder's
            reading errors, and its shape errors (a section that is not a
            list of records, an unknown section), as ``load`` gives them.
        ModuleNotFoundError: dask is not installed.
    """
    require("dask", "dask")
    db = _dask()[1]
    if partitions is not None:
        whole_number(partitions, "partitions", minimum=1)
    src, folder = input_path(source, "source")
    if folder:
        from salesmetrics.load._csv import read_csv_dir

        data, errors = read_csv_dir(src)
        if errors:  # the loader's refusal, with every error it finds
            finish(data, errors, max_errors=DEFAULT_MAX_ERRORS)
    else:  # (missing, a FIFO, a device: refused before it is opened)
        suffix = src.suffix.lower()
        if suffix in JSONL_SUFFIXES:
            size = src.stat().st_size
            block = max(1 << 20, -(-size // partitions)) if partitions else BLOCK_BYTES
            delayed = _dask()[0].delayed
            return db.from_delayed([delayed(_block, pure=True)(str(src), start, start + block)
                                    for start in range(0, max(size, 1), block)])
        if suffix != ".json":
            raise SalesmetricsError("invalid_value", "", f"{src}: unknown dataset type; use "
                                    ".json, .jsonl/.ndjson or a folder of CSV files")
        data = dict(_json_data(src))
    records = list(_records(data))
    n = partitions or max(1, min(64, len(records) // 50_000 + 1))
    return db.from_sequence(records, npartitions=max(1, min(n, len(records))))


def _block(path: str, start: int, end: int) -> list[str]:
    """The lines of a JSON Lines file that start within its bytes ``start`` to ``end``.

    Decoded as the JSON Lines loader reads a file: UTF-8 after an optional
    byte-order mark, undecodable bytes as lone surrogates (refused where the
    line is cut), universal newlines; the lines come without their newline,
    blank ones included (item ``j`` of the partition is line ``j`` of the block).
    """
    with open(path, "rb") as fh:
        if start:
            fh.seek(start - 1)
            fh.readline()  # the line under way at ``start`` is the previous block's
        first = fh.tell()
        raw = fh.read(end - first) if first < end else b""
        if raw and not raw.endswith(b"\n"):
            raw += fh.readline()  # the last line that starts in the block, whole
    text = raw.decode("utf-8-sig" if first == 0 else "utf-8", errors="surrogateescape")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines


def _records(data: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The records of a dataset dict, each with its section (a calendar with its id).

    A dict of another shape (an unknown section, a section that is not a
    list of objects, calendars not an object of objects) is refused as the
    loader refuses it: nothing is left out unsaid.
    """
    if not _plain(data):
        from_dict(data)  # raises the loader's own errors
    for section in SECTIONS:
        body = data.get(section) or ()
        if section == "calendars" and isinstance(body, Mapping):
            for cid, cal in body.items():
                yield {**cal, "section": section, "id": cid}
        else:
            for rec in body:
                yield {**rec, "section": section}


def _plain(data: Mapping[str, Any]) -> bool:
    """Whether a dataset dict has only sections, each a list of objects (calendars: an object of objects)."""
    for section, body in data.items():
        if section not in SECTIONS:
            return False
        if section == "calendars":
            if body is not None and not (isinstance(body, Mapping) and all(
                    isinstance(cal, Mapping) and "id" not in cal and "section" not in cal
                    for cal in body.values())):
                return False
        elif body is not None and not (isinstance(body, list) and all(
                isinstance(rec, Mapping) and "section" not in rec for rec in body)):
            return False
    return True


#: Seconds :func:`run_on_cluster` waits for a scheduler to answer.
CONNECT_SECONDS = 10.0


def run_on_cluster(records: Any, /, *, workers: int | None = None,
                   scheduler: str | None = None, timeout: float = CONNECT_SECONDS,
                   **options: Any) -> Report:
    """:func:`dask_report` on an existing cluster (``scheduler``) or a LocalCluster of ``workers``.

    A LocalCluster runs one process per worker, one thread each (at most
    four a core); it is closed when the report is done (or fails). The
    report's options are checked before a cluster is started or reached.

    Args:
        records: a ``dask.bag.Bag`` of records (:func:`records_bag`).
        workers: the LocalCluster's workers (default: one a core).
        scheduler: an existing cluster's scheduler address (``tcp://host:8786``).
        timeout: the seconds to wait for ``scheduler`` to answer.
        **options: :func:`dask_report`'s keyword arguments.

    Raises:
        SalesmetricsError: ``invalid_option`` at ``workers``, ``timeout``,
            an option :func:`dask_report` does not take, or ``scheduler``
            (not an address, or no scheduler answers there within
            ``timeout`` seconds); the errors of :func:`dask_report`.
        ModuleNotFoundError: distributed is not installed.
    """
    require("distributed", "dask")
    check_report_options(options)
    wait = finite_number(timeout, "timeout", "invalid_option", positive=True)
    cpus = os.cpu_count() or 1
    if workers is not None:
        whole_number(workers, "workers", minimum=1)
        if workers > 4 * cpus:
            raise SalesmetricsError("invalid_option", "workers", f"must be at most {4 * cpus} "
                                    f"(four processes a core on this machine), not {workers}")
    distributed: Any = importlib.import_module("distributed")
    Client, LocalCluster = distributed.Client, distributed.LocalCluster
    if scheduler is not None:
        with _client(Client, scheduler, wait):
            return dask_report(records, **options)
    # the workers' own logs silenced: a record's error is raised here, once, not also
    # logged with a traceback by the worker that found it
    with LocalCluster(n_workers=workers or cpus, threads_per_worker=1, processes=True,
                      dashboard_address=":0", silence_logs=logging.CRITICAL) as cluster, \
            Client(cluster):
        return dask_report(records, **options)


def check_report_options(options: Mapping[str, Any]) -> ReportPlan:
    """:func:`dask_report`'s keyword arguments, checked before any task runs; the report's plan.

    Raises:
        SalesmetricsError: ``invalid_option`` at an option it does not take,
            at ``partitions``, ``max_errors`` or ``split_every`` (not an
            integer, or under 1, 0 and 2); the plan's errors
            (:meth:`~salesmetrics.report.ReportPlan.of`: ``period``, ``as_of``,
            ``by``, ``compare``).
    """
    taken = ("period", "as_of", "by", "compare", "partitions", "max_errors", "split_every")
    for name in options:
        if name not in taken:
            raise SalesmetricsError("invalid_option", str(name), "not an option of the report; "
                                    f"options: {', '.join(taken)}")
    if "period" not in options:
        raise SalesmetricsError("invalid_period", "period", "give the reported period")
    plan = ReportPlan.of(**{k: v for k, v in options.items() if k in taken[:4]})
    if options.get("partitions") is not None:
        whole_number(options["partitions"], "partitions", minimum=1)
    whole_number(options.get("max_errors", DEFAULT_MAX_ERRORS), "max_errors", minimum=None)
    whole_number(options.get("split_every", 8), "split_every", minimum=2)
    return plan


@contextlib.contextmanager
def _client(client_type: Any, address: object, timeout: float) -> Iterator[Any]:
    """A client of the scheduler at ``address``, or a clean error within ``timeout`` seconds.

    A TCP address is first reached with a plain socket, which waits for the
    scheduler's first bytes: when nobody listens, or something listens but
    says nothing, no client is made (a client that cannot connect waits,
    past its timeout for a silent listener, then warns again when collected).
    """
    def refused(why: str) -> SalesmetricsError:
        return SalesmetricsError("invalid_option", "scheduler",
                                 f"no Dask scheduler answers at {address!r}: {why}")

    if not isinstance(address, str):
        raise SalesmetricsError("invalid_option", "scheduler",
                                f"a scheduler address (tcp://host:8786), not {address!r}")
    from distributed.comm.addressing import get_address_host_port, parse_address

    try:
        scheme = parse_address(address)[0]
        host, port = get_address_host_port(address) if scheme == "tcp" else ("", 0)
    except (ValueError, TypeError) as exc:
        raise refused(f"not an address ({exc})") from None
    if scheme == "tcp":
        try:
            with socket.create_connection((host, port), timeout=timeout) as probe:
                # a scheduler speaks first (its handshake): a listener that says
                # nothing would keep the client waiting past its own timeout
                if not probe.recv(1):
                    raise ConnectionResetError(0, "the connection was closed at once")
        except TimeoutError:
            raise refused(f"nothing answered within {timeout:g} s") from None
        except (OSError, OverflowError, ValueError) as exc:
            raise refused(f"{exc.strerror if isinstance(exc, OSError) and exc.strerror else exc}"
                          f" (waited up to {timeout:g} s)") from None
    try:
        client = client_type(address, timeout=timeout)
    except Exception as exc:  # a listener that is not a scheduler: any failure at all
        raise refused(f"{type(exc).__name__}: {exc}"[:300]) from None
    with client:
        yield client


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
            ``section``); ``invalid_calendar`` at ``calendars.<id>`` for a
            definition that is not a mapping; ``invalid_option`` at
            ``naive_timezone``.
        ModuleNotFoundError: dask is not installed.
    """
    require("dask", "dask")
    from salesmetrics.calendars._parse import calendar_parts
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
        for cid, body in calendars.items():
            if not isinstance(body, Mapping):  # the calendar reader's own refusal
                calendar_parts(body, join_path("calendars", str(cid)))
        pieces.append(dask.delayed([{"section": "calendars", "id": cid, **body}
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
    from salesmetrics.load._frames import frame_rows
    from salesmetrics.load._sql import section_records

    return [{"section": name, **rec}
            for rec in section_records(name, frame_rows(frame, name), zone)]
