"""The stream engine: a report over a JSON Lines file or a CSV folder bigger than memory.

A first pass reads the records one at a time, in any order: it refuses the
lines that hold no record (``line 7``), keeps the small reference sections
(calendars, teams, users, smart lists) in memory, puts the customers (of a
JSON Lines file or of a CSV folder's ``customers.csv``) in a store on disk
(validated in batches as they come: they grow with the data, one a thread or
so) and writes every other record to the temporary file of its part
(threads, messages and events by thread; leads by lead; activities by their
lead, else their user; sessions by user; see
:mod:`salesmetrics.engines._split`), noting the customers it refers to. It
also checks that the optional ids of messages, events, sessions, activities
and customers are unique across parts. Then the reference data (calendars,
teams, users, smart lists and the smart lists' customers) is loaded and
validated once. Each part is read with the customers it refers to (those of
the smart lists aside), validated against the reference's ids as the
in-memory loaders validate (the same rules, the same messages), built on the
reference's objects, turned into partial aggregates and dropped; the
partials (tallies only: the report shows no drill-down rows) are merged as
they come and finished. Memory is a part (one per 4 MiB of input by
default), the reference data and the merged tallies.

Errors name the file and the line, then the record and the field as the
in-memory loaders do (the index is the record's place in its section of the
whole input, as for ``load``): ``big.jsonl:1234: messages[1180].at: naive
instant, add an offset``; in a CSV folder ``messages.csv:12: messages[10].at:
…`` (the line where the row starts). The first pass reports the lines that
hold no record and duplicate ids; record errors are reported by the first
part that has any (those of the other parts are not looked for).

Lenient loading (``strict=False``) skips what ``load(path, strict=False)``
skips and reports it in the same :class:`~salesmetrics.load.LoadReport`, in
the same order, each entry with its file and line: the lenient loader's
steps (:func:`~salesmetrics.load.from_dict_lenient`) run over the reference
data, then over each part with the ids the reference lost and the cascade
level at which each went, so that a part skips, level by level, the records
that reference a skipped record wherever it was.

The temporary files live in a :class:`tempfile.TemporaryDirectory`, removed
on success, on error and on Ctrl-C.

>>> from salesmetrics.examples import EXAMPLE_PERIOD, example_path
>>> from salesmetrics.load import load
>>> from salesmetrics.report import build_report
>>> import json, tempfile, os
>>> from salesmetrics.load._jsonl import dump_jsonl
>>> folder = tempfile.mkdtemp()
>>> path = os.path.join(folder, "example.jsonl")
>>> with open(path, "w", encoding="utf-8") as fh:
...     dump_jsonl(json.loads(example_path().read_text(encoding="utf-8")), fh)
>>> streamed = stream_report(path, period=EXAMPLE_PERIOD, partitions=3)
>>> streamed == build_report(load(example_path()), period=EXAMPLE_PERIOD)
True

Lenient, on a file with a line that holds no record:

>>> with open(path, "a", encoding="utf-8") as fh:
...     _ = fh.write("{oops\\n")
>>> streamed, skipped = stream_report(path, period=EXAMPLE_PERIOD, strict=False)
>>> skipped.skipped == load(path, strict=False)[1].skipped
True
>>> [(s.path, s.code) for s in skipped.skipped], skipped.places
([('line 3670', 'invalid_value')], (('example.jsonl', 3670),))
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple, NoReturn, overload

from salesmetrics._values import is_text, whole_number
from salesmetrics.dataset import Dataset
from salesmetrics.engines._pipeline import ReportPlan, each_partials, finish_parts
from salesmetrics.engines._split import ID_CHECKED, KEYS, REFERENCE, bucket, key_of
from salesmetrics.errors import DatasetError, SalesmetricsError, join_path, printable
from salesmetrics.load import DEFAULT_MAX_ERRORS, SECTIONS, LoadReport, load_jsonl
from salesmetrics.load._csv import check_header, read_csv_dir, row_record, unescape_cell
from salesmetrics.load._dicts import _SINGULAR, build
from salesmetrics.load._files import fast_loads, input_file, input_path
from salesmetrics.load._jsonl import finish, line_path, read_jsonl, read_lines, record_line
from salesmetrics.load._lenient import _RANK, _UNLIMITED, JSONL_SUFFIXES, Skipped, _Work
from salesmetrics.load._limits import DEFAULT_LIMITS, check_size
from salesmetrics.period import Period
from salesmetrics.report import Report

__all__ = ["INDEXED", "LocatedError", "Split", "errors_of", "max_partitions", "raise_located",
           "split", "stream_report"]

#: Bytes of input per part when ``partitions`` is not given.
PART_BYTES = 4 * 2**20

INDEXED = re.compile(r"^([a-z_]+)\[(\d+)\](.*)$")
_LINE = re.compile(r"^line (\d+)$")


class LocatedError(SalesmetricsError):
    """An input error with the file and line it is on: ``big.jsonl:1234: messages[1180].at: …``.

    ``code``, ``path`` and ``message`` are those the in-memory loaders give;
    ``file`` and ``line`` (None when not known) say where it is.
    """

    file: str
    line: int | None

    def __init__(self, code: str, path: str, message: str, *, file: str,
                 line: int | None = None) -> None:
        super().__init__(code, path, message)
        self.file = file
        self.line = line
        where = f"{file}:{line}" if line is not None else file
        if not path or (line is not None and path == line_path(line)):
            self.args = (f"{where}: {message}",)
        else:
            self.args = (f"{where}: {path}: {message}",)


    def __reduce__(self) -> Any:
        return (_located, (self.code, self.path, self.message, self.file, self.line))


def _located(code: str, path: str, message: str, file: str, line: int | None) -> LocatedError:
    return LocatedError(code, path, message, file=file, line=line)


def errors_of(exc: SalesmetricsError) -> Sequence[SalesmetricsError]:
    """A loader's errors: those of a :class:`DatasetError`, else the error itself."""
    return exc.errors if isinstance(exc, DatasetError) else (exc,)


def raise_located(errors: Sequence[SalesmetricsError]) -> NoReturn:
    """Raise errors as one :class:`DatasetError` whose text is the first one's, located."""
    exc = DatasetError(errors)
    more = len(exc.errors) - 1
    exc.args = (f"{exc.errors[0]}" + (f" (and {more} more error(s))" if more else ""),)
    raise exc


#: Sort keys of the lenient report's entries, in the order the in-memory
#: lenient loader finds them: the reading errors (lines, CSV rows), the records
#: that reference records those left out, the records' own errors (section by
#: section, record by record), the records that reference skipped records.
_READ, _EARLY, _ROUND, _CASCADE = range(4)

#: An error's place within its record when it comes after all the record's own
#: errors (a duplicate id found by the first pass across parts).
_LAST = 2**30

_Key = tuple[int, ...]
_Gone = dict[tuple[str, str], int]


class _Entry(NamedTuple):
    """One entry of the lenient report, with its sort key and where it is in the input."""

    key: _Key
    skipped: Skipped
    file: str
    line: int | None
    named: str | None


class Split:
    """A dataset cut into parts in a temporary folder: the reference data and the parts.

    Made by :func:`split`; :meth:`parts` loads the parts one at a time.
    """

    def __init__(self, root: Path, name: str, n: int, *, csv_folder: bool,
                 max_errors: int, strict: bool = True) -> None:
        self.root = root
        self.name = name
        self.n = n
        self.csv_folder = csv_folder
        self.max_errors = max_errors
        self.strict = strict
        #: the input file or folder
        self.source: Path | None = None
        #: records per section in the whole input
        self.counts: dict[str, int] = dict.fromkeys((*SECTIONS, "conversions"), 0)
        self.reference_lines: list[str] = []
        self.reference_numbers: list[int] = []
        self.reference_at: dict[str, list[int]] = {s: [] for s in REFERENCE}
        self.calendar_at: dict[str, int] = {}
        #: CSV folder: the files' place in the folder (the order they are read in)
        self.file_rank: dict[str, int] = {}
        #: the reference data (calendars, teams, users, smart lists and their
        #: customers), loaded and validated once; every part is built on it
        self.reference: Dataset = Dataset()
        #: the reference's ids, for the parts' references
        self.known: dict[str, set[str]] = {}
        #: the customers, on disk
        self.customers: _Customers | None = None
        #: the (index, line) of each customer of the records being loaded
        self.loaded_customers: list[tuple[int, int]] = []
        # lenient loading
        self.entries: list[_Entry] = []
        #: the reference's ids in the input, after the reading errors (valid or not)
        self.defined: dict[str, set[str]] = {}
        #: the reference's ids left out, by cascade level: by a reading error, then otherwise
        self.early: _Gone = {}
        self.gone: _Gone = {}
        #: part -> the ``(section, index, line, id)`` of its records whose id an
        #: earlier record of another part (or the same) has
        self.dups: dict[int, list[tuple[str, int, int, str]]] = {}
        self._cached: tuple[int, tuple[list[tuple[str, int, int]],
                                       dict[str, list[tuple[int, int]]]]] | None = None
        self._levels: tuple[dict[int, set[tuple[str, str]]],
                            dict[int, set[tuple[str, str]]]] = ({}, {})

    # -- where an error is --------------------------------------------------------

    def _file_of(self, section: str) -> str:
        if not self.csv_folder:
            return self.name
        return "calendars.json" if section == "calendars" else f"{section}.csv"

    def locate(self, exc: SalesmetricsError, part: int | None) -> LocatedError:
        """The error with its file and line, its index made the record's in the whole input."""
        path, line = self._place(exc.path, part)
        head = re.split(r"[.\[]", path, maxsplit=1)[0]
        message = exc.message
        if self.csv_folder and self.source is not None:  # the folder's files, not their links
            message = message.replace(str(self.root / "reference"), str(self.source))
        return LocatedError(exc.code, path, message, file=self._file_of(head), line=line)

    def _place(self, path: str, part: int | None) -> tuple[str, int | None]:
        """A loader's path made the input's (index in the whole input), and its line."""
        head = re.split(r"[.\[]", path, maxsplit=1)[0]
        match = INDEXED.match(path)
        lines = _LINE.match(path)
        if lines and not self.csv_folder:
            # the lines loaded: the reference's, its customers; or a part's customers, its lines
            k = int(lines.group(1)) - 1
            r = len(self.reference_numbers) if part is None else 0
            c = len(self.loaded_customers)
            line: int | None = None
            if k < r:
                line = self.reference_numbers[k]
            elif k < r + c:
                line = self.loaded_customers[k - r][1]
            elif part is not None:
                line = self._index(part)[0][k - r - c][2]
            return (line_path(line) if line is not None else path), line
        if match and match.group(1) == "customers":
            k = int(match.group(2))
            if k < len(self.loaded_customers):
                g, number = self.loaded_customers[k]
                return f"customers[{g}]{match.group(3)}", number
            return path, None
        if match and match.group(1) in KEYS and part is not None:
            section, k, rest = match.group(1), int(match.group(2)), match.group(3)
            placed = self._index(part)[1][section]
            if k >= len(placed):  # pragma: no cover - a line the first pass misread
                return path, None
            g, at = placed[k]
            return f"{section}[{g}]{rest}", at
        if match and match.group(1) in self.reference_at and not self.csv_folder:
            numbers = self.reference_at[match.group(1)]
            k = int(match.group(2))
            return path, numbers[k] if k < len(numbers) else None
        if head == "calendars" and not self.csv_folder:
            cid = path.split(".")[1] if "." in path else ""
            return path, self.calendar_at.get(cid)
        return path, None

    def _index(self, part: int) -> tuple[list[tuple[str, int, int]],
                                         dict[str, list[tuple[int, int]]]]:
        """A part's records in its file's order ``(section, index, line)``, and by section."""
        cached = self._cached
        if cached is not None and cached[0] == part:
            return cached[1]
        order: list[tuple[str, int, int]] = []
        by: dict[str, list[tuple[int, int]]] = {section: [] for section in KEYS}
        with open(self.root / f"part{part}.idx", encoding="utf-8") as fh:
            for entry in fh:
                name, g, line = entry.split()
                order.append((name, int(g), int(line)))
                by[name].append((int(g), int(line)))
        self._cached = (part, (order, by))
        return order, by

    def fail(self, exc: SalesmetricsError, part: int | None) -> NoReturn:
        """Raise a loader's error(s) located (file, line, index in the whole input)."""
        raise_located([self.locate(e, part) for e in errors_of(exc)])

    # -- the reference data, once --------------------------------------------------

    def _reference_data(self) -> tuple[dict[str, Any], list[SalesmetricsError], int | None]:
        """The reference sections as the loader reads them (customers aside)."""
        if self.csv_folder:
            data, pre = read_csv_dir(self.root / "reference")
            return data, pre, None
        return read_lines(self.reference_lines)

    def load_reference(self) -> None:
        """Load and validate the reference data once (strict: raise its located errors)."""
        customers = self.customers
        assert customers is not None
        data, pre, height = self._reference_data()
        lists = data.get("smart_lists")
        customers.note_smart_lists(lists if isinstance(lists, list) else [])
        if not self.strict:
            data = self._settle_reference(data, pre)
            pre = []
        more, more_height = self.customer_records(customers.of_smart_lists)
        data["customers"] = more
        try:
            self.reference = finish(data, pre, max_errors=self.max_errors,
                                    height=_higher(height, more_height))
        except SalesmetricsError as exc:
            self.fail(exc, None)
        ref = self.reference
        self.known = {"calendars": set(ref.calendars), "teams": set(ref.teams_by_id),
                      "users": set(ref.users_by_id), "customers": set(ref.customers_by_id),
                      "smart_lists": set(ref.smart_lists_by_id)}

    def customer_records(self, ids: Collection[str]) -> tuple[list[Any], int | None]:
        """The customers of these ids from the store, read as the loader reads them."""
        assert self.customers is not None
        found = self.customers.lines(ids)
        self.loaded_customers = [(g, number) for g, number, _ in found]
        data, _, height = read_lines([text for _, _, text in found])
        return data.get("customers", []), height

    # -- the parts -----------------------------------------------------------------

    def _part_data(self, i: int) -> tuple[dict[str, Any], list[SalesmetricsError], int | None,
                                          set[str]]:
        """A part's records as the loader reads them, with the customers they refer to.

        Also returned: the ids of those customers. The customers of the smart
        lists are the reference's; lenient loading takes the customers aside
        (their errors are the store's).
        """
        assert self.customers is not None
        with open(self.root / f"part{i}.cust", encoding="utf-8") as fh:
            wanted = {line.rstrip("\n") for line in fh} - self.customers.of_smart_lists
        if self.csv_folder:
            data, pre = read_csv_dir(self.root / f"part{i}")
            height: int | None = None
        else:
            with open(self.root / f"part{i}.jsonl", encoding="utf-8") as fh:
                data, pre, height = read_lines(fh)
        self.loaded_customers = []
        if self.strict and wanted:
            more, more_height = self.customer_records(wanted)
            data["customers"] = more
            height = _higher(height, more_height)
        return data, pre, height, wanted

    def load_part(self, i: int) -> Dataset:
        """Part ``i`` built on the reference data, validated as the in-memory loaders validate.

        Raises:
            DatasetError: strict loading, the part's located errors.
        """
        data, pre, height, wanted = self._part_data(i)
        if not self.strict:
            data = self._settle_part(i, data, pre, wanted)
            pre = []
            more, more_height = self.customer_records(wanted)
            data["customers"] = more
            height = _higher(height, more_height)
        try:
            return finish(data, pre, max_errors=self.max_errors, height=height,
                          known=self.known, base=self.reference)
        except SalesmetricsError as exc:
            self.fail(exc, i)

    def parts(self) -> Iterator[Dataset]:
        """Each part, built on the reference data and validated, one at a time.

        Raises:
            DatasetError: strict loading, the located errors of the first part that has any.
        """
        for i in range(self.n):
            part = self.load_part(i)
            yield part
            del part  # before the next part is loaded: one part in memory at a time

    # -- lenient loading -----------------------------------------------------------

    def load_report(self) -> LoadReport:
        """What lenient loading left out, in the in-memory lenient loader's order."""
        entries = sorted(self.entries, key=lambda e: e.key)
        return LoadReport(tuple(e.skipped for e in entries), tuple(e.named for e in entries),
                          tuple((e.file, e.line) for e in entries))

    def skip(self, key: _Key, path: str, code: str, message: str, *, file: str,
             line: int | None, named: str | None = None) -> None:
        """Note one entry of the lenient report."""
        self.entries.append(_Entry(key, Skipped(path, code, message), file, line, named))

    def _read_key(self, path: str, line: int | None) -> _Key:
        """Where a reading error comes in the in-memory loader's list (lines; CSV files, rows)."""
        if not self.csv_folder:
            return (_READ, line or 0)
        match = INDEXED.match(path)
        head = match.group(1) if match else re.split(r"[.\[]", path, maxsplit=1)[0]
        rank = self.file_rank.get(head, -1)
        # the child tables' rows that fit no parent are found after every file is read
        attached = bool(match and match.group(1) in _CHILD_TABLES and match.group(3))
        return (_READ, attached, rank, int(match.group(2)) if match else -1)

    def _settle_reference(self, data: dict[str, Any],
                          pre: Sequence[SalesmetricsError]) -> dict[str, Any]:
        """Lenient: skip the reference's invalid records; note the ids they take away."""
        assert self.customers is not None
        customers = self.customers
        settle = _Settle(self, None, data)
        settle.read(pre)
        early_customers = customers.early_gone
        settle.cascade(_EARLY, _levels(early_customers))
        self.early = {**settle.went, **early_customers}
        self.defined = {section: set() for section in REFERENCE}
        for section, rid in settle.work.defined():
            self.defined[section].add(rid)
        known = {"customers": customers.defined(customers.of_smart_lists)}
        self.defined["customers"] = known["customers"]
        settle.round(known)
        settle.cascade(_CASCADE, _levels(customers.gone))
        self.gone = {**settle.went, **customers.gone}
        self._levels = (_levels(self.early), _levels(self.gone))
        return settle.work.data()

    def _settle_part(self, i: int, data: dict[str, Any], pre: Sequence[SalesmetricsError],
                     wanted: set[str]) -> dict[str, Any]:
        """Lenient: skip a part's invalid records as the in-memory lenient loader would."""
        assert self.customers is not None
        settle = _Settle(self, i, data)
        settle.read(pre)
        early, gone = self._levels
        settle.cascade(_EARLY, early)
        known = {**self.defined,
                 "customers": self.defined["customers"] | self.customers.defined(wanted)}
        settle.round(known, dups=self.dups.get(i, []))
        settle.cascade(_CASCADE, gone)
        return settle.work.data()


_CHILD_TABLES = ("conversions", "calendar_history")


def _higher(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else max(a, b)


def _levels(gone: Mapping[tuple[str, str], int]) -> dict[int, set[tuple[str, str]]]:
    """Ids by the cascade level at which they go."""
    out: dict[int, set[tuple[str, str]]] = {}
    for rid, level in gone.items():
        out.setdefault(level, set()).add(rid)
    return out


class _Settle:
    """The lenient loader's steps over one part (or the reference), its entries placed in the input.

    The steps of :func:`~salesmetrics.load.from_dict_lenient`: the records a
    reading error names are left out, then those that reference them; the
    rest is validated once (every error of every record), the failing records
    left out, then those that reference them. The ids of the records outside
    (the reference's, for a part) are given with the level at which they go.
    """

    def __init__(self, s: Split, part: int | None, data: Mapping[str, Any]) -> None:
        self.s = s
        self.part = part
        self.work = _Work(data)
        self.went: _Gone = {}
        self._before: set[tuple[str, str]] = set()

    def _where(self, original: str) -> tuple[str, str, int | None, tuple[int, int]]:
        """(path in the input, file, line, (section rank, index)) of a loader's path."""
        path, line = self.s._place(original, self.part)
        head = re.split(r"[.\[]", path, maxsplit=1)[0]
        match = INDEXED.match(path)
        if match and match.group(1) in _RANK:
            return path, self.s._file_of(head), line, (_RANK[match.group(1)], int(match.group(2)))
        if head == "calendars" and self.work.calendars is not None:
            cid = self.work.locate(original)[1]
            order = list(self.work.calendars).index(cid) if cid in self.work.calendars else -1
            return path, self.s._file_of(head), line, (-1, order)
        return path, self.s._file_of(head), line, (-2, 0)

    def _named(self, key: object, where: object) -> str | None:
        return (printable(join_path("calendars", where))
                if key == "calendars" and isinstance(where, str) else None)

    def read(self, pre: Sequence[SalesmetricsError]) -> None:
        """The reading errors: reported; the records they name left out."""
        targets = []
        for err in pre:
            key, where, original = self.work.locate(err.path)
            path, file, line, _ = self._where(original)
            self.s.skip(self.s._read_key(path, line), path, err.code, err.message, file=file,
                        line=line, named=self._named(key, where))
            if where is not None or key in self.work.lists or key in self.work.other:
                targets.append((key, where))
        self._drop(targets)

    def _drop(self, targets: list[tuple[Any, str | int | None]]) -> None:
        self._before = self.work.defined()
        self.work.drop(targets)

    def cascade(self, phase: int, outside: Mapping[int, set[tuple[str, str]]]) -> None:
        """Leave out the records that reference records left out (here or ``outside``)."""
        keys: list[tuple[int, int, int, int]] = []
        self.went = {}
        found = self.work.cascade(self._before - self.work.defined(), later=outside,
                                  keys=keys, went=self.went)
        for entry, (level, rank, _, field) in zip(found, keys, strict=True):
            path, file, line, (_, g) = self._where(entry.path)
            self.s.skip((phase, level, rank, g, field), path, entry.code, entry.message,
                        file=file, line=line)
        self._before = set()

    def round(self, known: Mapping[str, Collection[str]], *,
              dups: Sequence[tuple[str, int, int, str]] = ()) -> None:
        """Validate what is left once; report every error; leave out the failing records.

        ``dups``: the records the first pass found to repeat an id of another
        part: reported after their other errors, as the validator reports them.
        """
        try:
            build(self.work.data(), max_errors=_UNLIMITED, known=known)
            found: Sequence[SalesmetricsError] = ()
        except DatasetError as exc:
            found = exc.errors
        except SalesmetricsError as exc:
            found = (exc,)
        targets: list[tuple[Any, str | int | None]] = []
        for seq, err in enumerate(found):
            key, where, original = self.work.locate(err.path)
            if where is None and key not in self.work.other and key not in self.work.lists:
                self.s.fail(err, self.part)  # names nothing that could be left out
            if (self.part is not None and err.code == "duplicate_id"
                    and key in ID_CHECKED):
                continue  # the first pass found it, across parts: see dups
            path, file, line, place = self._where(original)
            self.s.skip((_ROUND, *place, seq), path, err.code, err.message, file=file,
                        line=line, named=self._named(key, where))
            targets.append((key, where))
        positions = self._positions({section for section, _, _, _ in dups})
        for section, g, line, rid in dups:
            at = positions.get((section, g))
            if at is None:
                continue  # left out by a reading error: the validator never saw it
            self.s.skip((_ROUND, _RANK[section], g, _LAST), f"{section}[{g}].id",
                        "duplicate_id", f"{_SINGULAR[section]} id {rid!r} is used twice in "
                        f"{section}", file=self.s._file_of(section), line=line)
            targets.append((section, at))
        self._drop(targets)

    def _positions(self, sections: Collection[str]) -> dict[tuple[str, int], int]:
        """``(section, input index) -> position in work`` of the part's records in play."""
        if self.part is None or not sections:
            return {}
        placed = self.s._index(self.part)[1]
        return {(section, placed[section][orig][0]): pos for section in sections
                for pos, (orig, _) in enumerate(self.work.lists.get(section, ()))}


class _Writers:
    """The open files of the first pass: each part's records and index, the id buckets."""

    def __init__(self, root: Path, n: int, stack: contextlib.ExitStack) -> None:
        self.n = n
        self.root = root
        self.stack = stack
        self.index = [self.open(f"part{i}.idx") for i in range(n)]
        self.ids = [self.open(f"ids{i}.jsonl") for i in range(n)]
        self.refs = [self.open(f"part{i}.cust") for i in range(n)]

    def open(self, name: str, newline: str | None = None) -> IO[str]:
        """A new file of the temporary folder, closed with the pass."""
        return self.stack.enter_context(open(self.root / name, "w", encoding="utf-8",
                                             newline=newline))

    def note(self, part: int, section: str, g: int, line: int, rec: Mapping[str, Any]) -> None:
        """Index a record of a part; note its id (checked unique) and the customer it names."""
        self.index[part].write(f"{section} {g} {line}\n")
        rid = rec.get("id")
        if section in ID_CHECKED and isinstance(rid, str) and _valid_id(rid):
            self.ids[bucket(rid, self.n)].write(json.dumps([section, rid, g, line, part]) + "\n")
        customer = rec.get("customer")
        if isinstance(customer, str):
            self.refs[part].write(customer + "\n")


def _valid_id(rid: Any) -> bool:
    """Whether the validator takes ``rid`` as an id (so that another record repeats it)."""
    return isinstance(rid, str) and bool(rid) and is_text(rid)


class _Customers:
    """The customers, on disk: validated as they come, fetched by id.

    Customers are the one reference section that grows with the data (one a
    thread, say): a part loads only those its records refer to, and those of
    the smart lists. Each batch of records is validated by the loader as it
    is read (errors located: ``customers[12].account_type``, its line);
    duplicate ids across the whole input are found in the store. Lenient
    loading marks the customers it leaves out; the others are fetched.
    """

    BATCH = 20_000

    def __init__(self, s: Split, path: Path) -> None:
        self.s = s
        self.file = s._file_of("customers")
        self.db = sqlite3.connect(path)
        # id: the record's id when a string; bad: left out (lenient); early: by a reading
        # error; ok: its id is valid (a later record repeating it is a duplicate)
        self.db.execute("CREATE TABLE c (id TEXT, g INTEGER, number INTEGER, line TEXT, "
                        "bad INTEGER, early INTEGER, ok INTEGER)")
        self.batch: list[tuple[int, int, str, Any, bool]] = []
        self.errors: list[LocatedError] = []
        self.of_smart_lists: frozenset[str] = frozenset()
        #: lenient: the customer ids left out (every record of the id), by level
        self.early_gone: _Gone = {}
        self.gone: _Gone = {}

    def add(self, g: int, number: int, text: str, rid: Any, *, early: bool = False) -> None:
        """Store a customer's line (validated with its batch); ``early``: a reading error names it."""
        self.batch.append((g, number, text, rid, early))
        if len(self.batch) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        strict = self.s.strict
        # lenient loading leaves out the records of reading errors before validating
        checked = [b for b in batch if strict or not b[4]]
        failed: dict[int, list[SalesmetricsError]] = {}
        if not strict or len(self.errors) < self.s.max_errors:
            try:
                load_jsonl([text for _, _, text, _, _ in checked],
                           max_errors=self.s.max_errors if strict else _UNLIMITED)
            except SalesmetricsError as exc:
                for e in errors_of(exc):
                    match = INDEXED.match(e.path)
                    if e.code == "duplicate_id" or not match:  # duplicates: see finish
                        continue
                    failed.setdefault(int(match.group(2)), []).append(e)
        rows = []
        for k, (g, number, text, rid, early) in enumerate(checked):
            errs = failed.get(k, [])
            for seq, e in enumerate(errs):
                path = f"customers[{g}]" + INDEXED.match(e.path).group(3)  # type: ignore[union-attr]
                if strict:
                    self.errors.append(LocatedError(e.code, path, e.message, file=self.file,
                                                    line=number))
                else:
                    self.s.skip((_ROUND, _RANK["customers"], g, seq), path, e.code, e.message,
                                file=self.file, line=number)
            ok = _valid_id(rid) and not any(e.path.endswith("].id") for e in errs)
            rows.append((rid if isinstance(rid, str) else None, g, number, text,
                         int(bool(errs) or early), int(early), int(ok)))
        if not strict:
            rows += [(rid if isinstance(rid, str) else None, g, number, text, 1, 1, 0)
                     for g, number, text, rid, early in batch if early]
        self.db.executemany("INSERT INTO c VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def finish(self) -> list[LocatedError]:
        """The errors of every customer, duplicate ids included, in input order.

        Lenient: the duplicates are left out, and the ids left out noted.
        """
        self._flush()
        self.db.execute("CREATE INDEX c_id ON c (id)")
        for rid, g, number in self.db.execute(
                "SELECT id, g, number FROM c WHERE ok = 1 AND id IN (SELECT id FROM c WHERE "
                "ok = 1 GROUP BY id HAVING COUNT(*) > 1) ORDER BY id, g").fetchall():
            first = self.db.execute("SELECT MIN(g) FROM c WHERE id = ? AND ok = 1",
                                    (rid,)).fetchone()[0]
            if g == first:
                continue
            message = f"customer id {rid!r} is used twice in customers"
            if self.s.strict:
                self.errors.append(LocatedError("duplicate_id", f"customers[{g}].id", message,
                                                file=self.file, line=number))
            else:
                self.s.skip((_ROUND, _RANK["customers"], g, _LAST), f"customers[{g}].id",
                            "duplicate_id", message, file=self.file, line=number)
                self.db.execute("UPDATE c SET bad = 1 WHERE g = ?", (g,))
        if not self.s.strict:
            for rid, early in self.db.execute(
                    "SELECT id, MIN(early) FROM c WHERE id IS NOT NULL GROUP BY id "
                    "HAVING MIN(bad) = 1"):
                (self.early_gone if early else self.gone)[("customers", rid)] = 0
        self.errors.sort(key=lambda e: (e.line or 0))
        return self.errors

    def note_smart_lists(self, records: Iterable[Any]) -> None:
        """Note the customers of the smart lists (the reference holds them)."""
        ids: set[str] = set()
        for rec in records:
            if isinstance(rec, Mapping) and isinstance(rec.get("customers"), list):
                ids.update(c for c in rec["customers"] if isinstance(c, str))
        self.of_smart_lists = frozenset(ids)

    def _want(self, ids: Iterable[str]) -> None:
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS want (id TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM want")
        self.db.executemany("INSERT OR IGNORE INTO want VALUES (?)", ((i,) for i in ids))

    def lines(self, ids: Iterable[str]) -> list[tuple[int, int, str]]:
        """``(index, line, text)`` of the customers of these ids (lenient: kept), in input order."""
        self._want(ids)
        kept = "" if self.s.strict else " WHERE c.bad = 0"
        return list(self.db.execute(
            "SELECT c.g, c.number, c.line FROM c JOIN want ON c.id = want.id"
            f"{kept} ORDER BY c.g"))

    def defined(self, ids: Iterable[str]) -> set[str]:
        """Those of these ids a customer has, once the records of reading errors are left out."""
        self._want(ids)
        return {rid for (rid,) in self.db.execute(
            "SELECT DISTINCT c.id FROM c JOIN want ON c.id = want.id WHERE c.early = 0")}

    def close(self) -> None:
        """Close the store (its file goes with the temporary folder)."""
        self.db.close()


def _check_ids(s: Split) -> None:
    """``duplicate_id`` for the ids of messages, events, sessions and activities used twice.

    Lenient: noted per part (:attr:`Split.dups`), for the part's loading.
    """
    errors: list[tuple[int, int, LocatedError]] = []
    for i in range(s.n):
        seen: set[tuple[str, str]] = set()
        with open(s.root / f"ids{i}.jsonl", encoding="utf-8") as fh:
            entries = sorted((SECTIONS.index(sec), g, sec, rid, line, part)
                             for sec, rid, g, line, part in map(json.loads, fh))
        for order, g, sec, rid, line, part in entries:
            if (sec, rid) in seen:
                if not s.strict:
                    s.dups.setdefault(part, []).append((sec, g, line, rid))
                    continue
                errors.append((order, g, LocatedError(
                    "duplicate_id", f"{sec}[{g}].id",
                    f"{_SINGULAR[sec]} id {rid!r} is used twice in {sec}",
                    file=s._file_of(sec), line=line)))
            seen.add((sec, rid))
    if errors:
        errors.sort(key=lambda e: e[:2])
        raise_located([e[2] for e in errors[:max(1, s.max_errors)]])


def _split_jsonl(path: Path, s: Split) -> None:
    errors: list[SalesmetricsError] = []
    with contextlib.ExitStack() as stack:
        w = _Writers(s.root, s.n, stack)
        parts = [w.open(f"part{i}.jsonl") for i in range(s.n)]
        customers = s.customers
        assert customers is not None
        loads = fast_loads()
        with open(path, encoding="utf-8-sig", errors="surrogateescape", newline=None) as fh:
            for number, raw in enumerate(fh, start=1):
                text = raw.strip()
                if not text:
                    continue
                rec = _record(text, loads)
                section = rec.get("section") if rec is not None else None
                if rec is None or section not in SECTIONS or (
                        section == "calendars" and not _calendar_ok(rec, s, number, errors)):
                    if section != "calendars":
                        for e in read_jsonl([text])[1]:
                            errors.append(LocatedError(e.code, line_path(number), e.message,
                                                       file=s.name, line=number))
                    if s.strict and len(errors) >= s.max_errors:
                        break
                    continue
                g = s.counts[section]
                s.counts[section] = g + 1
                if section == "customers":
                    customers.add(g, number, text, rec.get("id"))
                    continue
                if section in REFERENCE:
                    s.reference_lines.append(text)
                    s.reference_numbers.append(number)
                    s.reference_at[section].append(number)
                    continue
                part = bucket(key_of(section, rec), s.n)
                parts[part].write(text + "\n")
                w.note(part, section, g, number, rec)
        if s.strict and not errors:
            errors.extend(customers.finish())
    if not s.strict:
        for e in errors:  # the lines that hold no record
            assert isinstance(e, LocatedError)
            s.skip((_READ, e.line or 0), e.path, e.code, e.message, file=e.file, line=e.line)
        errors = []
        customers.finish()
    if errors:
        raise_located(errors[:max(1, s.max_errors)])
    _check_ids(s)
    s.load_reference()


#: The fields the first pass reads of a record: its section, partition keys, id and customer.
_READ_FIELDS = tuple(dict.fromkeys(("section", *(k for keys in KEYS.values() for k in keys),
                                    "id", "customer")))


def _record(text: str, loads: Any = None) -> dict[str, Any] | None:
    """A line's record when it is one (else None: the loader's own reading names the fault).

    Parsed by ``loads`` (the fastest parser installed, :func:`fast_loads`) when
    it takes the line and every field the first pass reads (:data:`_READ_FIELDS`)
    is a string or absent: then they are the exact parser's (the part file keeps
    the text, parsed again exactly when the part is loaded). Otherwise (orjson
    refuses lone-surrogate escapes, reads integers beyond 64 bits as floats)
    the standard library's parser reads it.
    """
    if loads is not None:
        try:
            fast = loads(text)
        except (ValueError, RecursionError):
            fast = None
        if type(fast) is dict and all(type(fast.get(k, "")) is str for k in _READ_FIELDS):
            return fast
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return None
    try:
        rec = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return rec if isinstance(rec, dict) else None


def _calendar_ok(rec: Mapping[str, Any], s: Split, number: int,
                 errors: list[SalesmetricsError]) -> bool:
    cid = rec.get("id")
    if not isinstance(cid, str) or not cid:
        errors.append(LocatedError("missing_field", line_path(number),
                                   "a calendar line needs a string 'id'", file=s.name,
                                   line=number))
        return False
    if cid in s.calendar_at:
        errors.append(LocatedError("duplicate_id", line_path(number),
                                   f"calendar id {cid!r} is used twice", file=s.name,
                                   line=number))
        return False
    s.calendar_at[cid] = number
    return True


def _split_csv(folder: Path, s: Split) -> None:
    ref = s.root / "reference"
    dirs = [s.root / f"part{i}" for i in range(s.n)]
    for d in (ref, *dirs):
        d.mkdir()
    # what the loader reads (.csv files, calendars.json; suffixes in any case)
    files = [p for p in sorted(folder.iterdir()) if p.suffix.lower() in (".csv", ".json")]
    same: dict[str, Path] = {}
    for p in files:  # threads.csv and threads.CSV: refused as the loader refuses them
        first = same.setdefault(p.stem + p.suffix.lower(), p)
        if first is not p:
            raise_located([LocatedError("invalid_value", p.stem, f"{first.name} and {p.name} "
                                        "are the same file of the folder", file=p.name)])
    s.file_rank = {p.stem: i for i, p in enumerate(files)}
    s.file_rank["calendars"] = -1  # read first
    cut = [p for p in files if p.stem in KEYS and p.suffix.lower() == ".csv"]
    customers = [p for p in files if p.stem == "customers" and p.suffix.lower() == ".csv"]
    for p in files:
        if p not in cut and p not in customers:
            os.symlink(p.resolve(), ref / p.name)
    errors: list[LocatedError] = []
    with contextlib.ExitStack() as stack:
        w = _Writers(s.root, s.n, stack)
        for p in [*cut, *customers[:1]]:
            try:
                _split_table(p, s, w, errors)
            except SalesmetricsError as exc:  # a header that names a column twice, ...
                e = LocatedError(exc.code, exc.path, exc.message, file=p.name)
                if s.strict:
                    raise_located([e])
                s.skip(s._read_key(e.path, None), e.path, e.code, e.message, file=p.name,
                       line=None)
            except (UnicodeDecodeError, csv.Error, OSError) as exc:
                what = ("not UTF-8 text" if isinstance(exc, UnicodeDecodeError)
                        else "not CSV" if isinstance(exc, csv.Error) else "cannot read")
                raise_located([LocatedError("invalid_value", p.stem, f"{p.name}: {what}: {exc}",
                                     file=p.name)])
        for p in customers[1:]:  # customers.csv and customers.CSV: the loader refuses both
            os.symlink(p.resolve(), ref / p.name)
    assert s.customers is not None
    found = s.customers.finish()
    if s.strict and (errors or found):
        raise_located([*errors, *found][:max(1, s.max_errors)])
    _check_ids(s)
    s.load_reference()


def _split_table(path: Path, s: Split, w: _Writers, errors: list[LocatedError]) -> None:
    """Cut a table by its records' part (the customers: into the store)."""
    section = path.stem
    into_store = section == "customers"
    with contextlib.ExitStack() as stack:
        writers = [] if into_store else [csv.writer(stack.enter_context(open(
            s.root / f"part{i}" / path.name, "w", encoding="utf-8", newline="")))
            for i in range(s.n)]
        checked = input_file(path, section)  # a FIFO would block: refused, as by the loader
        check_size(checked.stat().st_size, DEFAULT_LIMITS, section)
        fh = stack.enter_context(open(checked, encoding="utf-8-sig", newline=""))
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return
        names = check_header(header, path.name, section)
        for out in writers:
            out.writerow(header)
        columns = {n: names.index(n) for n in (*KEYS.get(section, ()), "id", "customer")
                   if n in names}
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(row):  # a blank line, as the CSV loader reads it
                continue
            g = s.counts[section]
            s.counts[section] = g + 1
            if into_store:
                assert s.customers is not None
                early = len(row) > len(names)
                if early:  # as the CSV loader reads it: a cell too many
                    e = LocatedError("invalid_value", f"customers[{g}]",
                                     f"{path.name}: row has {len(row)} cells, the header "
                                     f"{len(names)}", file=path.name, line=line)
                    if s.strict:
                        errors.append(e)
                    else:
                        s.skip(s._read_key(e.path, line), e.path, e.code, e.message,
                               file=e.file, line=line)
                rec = row_record(names, row, "customers")
                s.customers.add(g, line, record_line("customers", rec), rec.get("id"),
                                early=early)
                continue
            rec = {n: unescape_cell(row[i]) for n, i in columns.items() if i < len(row)}
            part = bucket(key_of(section, rec), s.n)
            writers[part].writerow(row)
            w.note(part, section, g, line, rec)


def _source(source: object) -> tuple[Path, bool]:
    """The stream engine's input checked as :func:`~salesmetrics.load.load` checks a path.

    A folder (of CSV files), or a regular file named ``*.jsonl`` / ``*.ndjson``:
    a FIFO, a device or a socket is refused before it is opened (it would
    block), a ``.json`` file is read whole by the memory engine.
    """
    src, folder = input_path(source, "source")
    if folder:
        return src, True
    if src.suffix.lower() == ".json":
        raise SalesmetricsError("invalid_value", "", f"{src}: a JSON file is one document, read "
                                "whole: load it with the memory engine (or the Dask engine's "
                                "records_bag); the stream engine reads JSON Lines "
                                "(.jsonl/.ndjson) or a folder of CSV files")
    if src.suffix.lower() not in JSONL_SUFFIXES:
        raise SalesmetricsError("invalid_value", "", f"{src}: unknown dataset type; the stream "
                                "engine reads JSON Lines (.jsonl/.ndjson) or a folder of CSV "
                                "files")
    return src, False


#: Files the first pass keeps open per part (its records, its index, its id
#: bucket, the customers it names), and files a process needs besides.
_FILES_PER_PART = 4
_OTHER_FILES = 64


def max_partitions() -> int:
    """The most parts the first pass can write at once: this process's open-file limit allows it."""
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):  # pragma: no cover - not POSIX
        soft = 512
    if soft < 0 or soft > 2**20:  # pragma: no cover - RLIM_INFINITY
        soft = 2**20
    return max(1, (soft - _OTHER_FILES) // _FILES_PER_PART)


@contextlib.contextmanager
def _temporary_folder(tmp_dir: object) -> Iterator[Path]:
    """A new temporary folder under ``tmp_dir`` (the system's when None), removed however the block ends."""
    if tmp_dir is not None and not isinstance(tmp_dir, (str, os.PathLike)):
        raise SalesmetricsError("invalid_option", "tmp_dir",
                                f"a folder's path, not {type(tmp_dir).__name__}")
    try:
        made = tempfile.TemporaryDirectory(prefix="salesmetrics-stream-", dir=tmp_dir)
    except (OSError, ValueError) as exc:  # missing, a file, not writable, a NUL in the path
        raise SalesmetricsError("invalid_option", "tmp_dir",
                                f"cannot make a temporary folder in {tmp_dir!s}: "
                                f"{getattr(exc, 'strerror', None) or exc}") from None
    with made as tmp:
        yield Path(tmp)


@contextlib.contextmanager
def split(source: str | os.PathLike[str], /, *, partitions: int | None = None,
          max_errors: int = DEFAULT_MAX_ERRORS,
          tmp_dir: str | os.PathLike[str] | None = None, strict: bool = True) -> Iterator[Split]:
    """Cut a JSON Lines file or a CSV folder into parts in a temporary folder.

    The folder is removed when the block ends, however it ends (an error,
    Ctrl-C).

    Args:
        source: a ``.jsonl`` file or a folder of CSV files.
        partitions: how many parts (default: one per 4 MiB of input, at most
            :func:`max_partitions`).
        max_errors: strict loading: stop collecting errors after this many.
        tmp_dir: where the temporary folder goes (default: the system's).
        strict: False: lenient loading (see :func:`stream_report`).

    Raises:
        DatasetError: the located errors of the first pass.
        SalesmetricsError: ``invalid_option`` at ``partitions`` (not an
            integer from 1 to :func:`max_partitions`), ``max_errors``,
            ``tmp_dir`` (not a folder one can write in) or ``strict``;
            ``invalid_value`` at ``""`` when ``source`` is missing, neither
            a regular file nor a folder, or not a ``.jsonl`` / ``.ndjson``
            file (a ``.json`` file is read whole: use the memory engine).
    """
    if not isinstance(strict, bool):
        raise SalesmetricsError("invalid_option", "strict", f"must be True or False, not {strict!r}")
    whole_number(max_errors, "max_errors", minimum=None)
    src, is_dir = _source(source)
    most = max_partitions()
    if partitions is None:
        size = (sum(p.stat().st_size for p in src.iterdir() if p.is_file()) if is_dir
                else src.stat().st_size)
        partitions = min(most, max(1, -(-size // PART_BYTES)))
    partitions = whole_number(partitions, "partitions", minimum=1)
    if partitions > most:
        raise SalesmetricsError("invalid_option", "partitions",
                                f"must be at most {most}, not {partitions}: the first pass "
                                f"keeps {_FILES_PER_PART} files open per part, and this "
                                "process may open only so many (ulimit -n)")
    with _temporary_folder(tmp_dir) as tmp:
        s = Split(tmp, src.name, partitions, csv_folder=is_dir, max_errors=max_errors,
                  strict=strict)
        s.source = src
        with contextlib.closing(_Customers(s, s.root / "customers.db")) as s.customers:
            (_split_csv if is_dir else _split_jsonl)(src, s)
            yield s


@overload
def stream_report(source: str | os.PathLike[str], /, *, period: Period,
                  as_of: datetime | None = ..., by: str = ..., compare: bool = ...,
                  partitions: int | None = ..., max_errors: int = ...,
                  tmp_dir: str | os.PathLike[str] | None = ...,
                  strict: Literal[True] = ...) -> Report: ...


@overload
def stream_report(source: str | os.PathLike[str], /, *, period: Period,
                  as_of: datetime | None = ..., by: str = ..., compare: bool = ...,
                  partitions: int | None = ..., max_errors: int = ...,
                  tmp_dir: str | os.PathLike[str] | None = ...,
                  strict: Literal[False]) -> tuple[Report, LoadReport]: ...


def stream_report(source: str | os.PathLike[str], /, *, period: Period,
                  as_of: datetime | None = None, by: str = "team", compare: bool = True,
                  partitions: int | None = None, max_errors: int = DEFAULT_MAX_ERRORS,
                  tmp_dir: str | os.PathLike[str] | None = None,
                  strict: bool = True) -> Report | tuple[Report, LoadReport]:
    """The report of a JSON Lines file or a CSV folder, one part in memory at a time.

    The same :class:`~salesmetrics.report.Report` as
    :func:`~salesmetrics.report.build_report` of the loaded dataset (without
    profiles); see :func:`split` for the arguments.

    With ``strict=False`` (lenient loading, as :func:`~salesmetrics.load.load`'s):
    the records :func:`~salesmetrics.load.load` ``(source, strict=False)`` would
    skip are skipped (duplicate ids and references to skipped records across
    parts included) and the result is ``(report, load_report)``: the
    :class:`~salesmetrics.load.LoadReport` equals the in-memory one, entry for
    entry and in its order, and its ``places`` say where each entry is
    (``(file, line)``).

    Raises:
        DatasetError: strict loading, located errors (``big.jsonl:1234: messages[1180].at: …``).
        SalesmetricsError: ``invalid_option`` at ``by``, ``partitions`` or ``strict``.
    """
    plan = ReportPlan.of(period=period, as_of=as_of, by=by, compare=compare)
    with split(source, partitions=partitions, max_errors=max_errors, tmp_dir=tmp_dir,
               strict=strict) as s:
        # one part in memory at a time; its partials merged before the next is loaded
        report = finish_parts(s.reference, each_partials(s.parts(), plan), plan)
        return report if strict else (report, s.load_report())
