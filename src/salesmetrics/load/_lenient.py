"""Lenient loading, and :func:`load`, which picks the reader from the file type.

Strict loading (the default) refuses a dataset with any error. Lenient
loading (``strict=False``) keeps what is valid and skips the rest, listing
every skipped record in a :class:`LoadReport` with its error code and path:
nothing disappears silently. A record that references a skipped record is
skipped too (its ``unknown_reference`` error is reported), and so on, until
the remaining records are valid together.

>>> data = {"teams": [{"id": "A"}, {"id": "A"}],
...         "threads": [{"id": "t", "team": "A"}, {"id": "u", "team": "Z"}],
...         "messages": [{"thread": "u", "at": "2026-03-02T09:00:00+01:00", "direction": "in"}]}
>>> ds, report = from_dict_lenient(data)
>>> ds
Dataset(teams=1, users=0, threads=1, messages=0, thread_events=0, sessions=0, leads=0, activities=0, smart_lists=0)
>>> for skipped in report.skipped:
...     print(skipped)
Skipped(path='teams[1].id', code='duplicate_id', message="team id 'A' is used twice in teams")
Skipped(path='threads[1].team', code='unknown_reference', message="unknown team 'Z'")
Skipped(path='messages[0].thread', code='unknown_reference', message="unknown thread 'u'")
>>> report.records
('teams[1]', 'threads[1]', 'messages[0]')
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, NamedTuple, overload

import attrs

from salesmetrics._gc import paused_gc
from salesmetrics._values import whole_number
from salesmetrics.dataset import Dataset
from salesmetrics.errors import DatasetError, SalesmetricsError, join_path, printable
from salesmetrics.load._csv import read_csv_dir
from salesmetrics.load._dicts import _FIELDS, _SINGULAR, DEFAULT_MAX_ERRORS, from_dict
from salesmetrics.load._files import input_path, read_input
from salesmetrics.load._json import load_json, parse_json_text
from salesmetrics.load._jsonl import finish, load_jsonl, read_jsonl

__all__ = ["LoadReport", "Skipped", "from_dict_lenient", "load"]

#: File suffixes read as JSON Lines by :func:`load`.
JSONL_SUFFIXES = (".jsonl", ".ndjson")

#: section -> [(reference field, section it names)], single and list references.
_REFS = {section: [(name, kind[1]) for name, kind, _ in fields if kind[0] in ("ref", "refs")]
         for section, fields in _FIELDS.items()}

_SECTION_AT = tuple(_FIELDS)
_RANK = {section: i for i, section in enumerate(_SECTION_AT)}

_RECORD = re.compile(r"^([a-z_]+)\[(\d+)\]")
_UNLIMITED = 2**62


class Skipped(NamedTuple):
    """One error that made the lenient loader skip a record (or a line, a section)."""

    path: str
    code: str
    message: str


@attrs.frozen(slots=True)
class LoadReport:
    """What lenient loading left out.

    ``skipped`` holds one :class:`Skipped` ``(path, code, message)`` per error
    found, in the order found (lines, then records section by section, then
    the records skipped because they reference skipped ones). Paths name the
    places in the input as given (``messages[3].at`` is the fourth message of
    the input, not of the loaded dataset). A record with several errors
    appears once per error; :attr:`records` lists each skipped record once.
    """

    skipped: tuple[Skipped, ...] = ()
    #: The record each skipped entry names, where its path alone cannot tell
    #: (a calendar id may hold dots: ``calendars.a.b.timezone``); None: read the path.
    named: tuple[str | None, ...] = attrs.field(default=(), repr=False, eq=False)
    #: Where each skipped entry is in the input, ``(file, line)`` (the line None when
    #: not known), when the loader knows it (the stream engine); empty otherwise.
    places: tuple[tuple[str, int | None], ...] = attrs.field(default=(), repr=False, eq=False)

    @property
    def records(self) -> tuple[str, ...]:
        """The skipped records' paths (``messages[3]``, ``calendars.store``, ``line 7``), once each."""
        out: dict[str, None] = {}
        names = self.named or (None,) * len(self.skipped)
        for s, name in zip(self.skipped, names, strict=True):
            out.setdefault(name or _record_of(s.path), None)
        return tuple(out)

    def __len__(self) -> int:
        return len(self.skipped)

    def __str__(self) -> str:
        if not self.skipped:
            return "nothing skipped"
        return "\n".join(f"{s.path}: {s.code}: {s.message}" for s in self.skipped)


def _record_of(path: str) -> str:
    m = _RECORD.match(path)
    if m:
        return m.group(0)
    if path.startswith("calendars."):
        return ".".join(path.split(".")[:2]).split("[")[0]
    return path


class _Work:
    """The records still in play, each with its position in the input."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.other: dict[str, Any] = {}
        self.lists: dict[str, list[tuple[int, Any]]] = {}
        self.calendars: dict[str, Any] | None = None
        self._shown: dict[str, str] | None = None  # printable calendar id -> id
        self._keys: dict[str, Any] | None = None  # printable top-level key -> key
        for key, value in data.items():
            if key == "calendars" and isinstance(value, Mapping):
                self.calendars = {str(k): v for k, v in value.items()}
            elif key != "calendars" and isinstance(value, list):
                self.lists[key] = list(enumerate(value))
            else:
                self.other[key] = value

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.other)
        if self.calendars is not None:
            out["calendars"] = self.calendars
        for key, items in self.lists.items():
            out[key] = [rec for _, rec in items]
        return out

    def locate(self, path: str) -> tuple[Any, str | int | None, str]:
        """(key, current index or calendar id or None, the path in the input)."""
        # error paths spell lone surrogates as \udXXX (printable): compare likewise;
        # one dict per round, not a scan per error (100,000 unknown keys)
        if self._keys is None:
            self._keys = {printable(join_path("", str(k))): k
                          for k in (*self.other, *self.lists)}
        if path in self._keys:
            return self._keys[path], None, path
        m = _RECORD.match(path)
        if m and m.group(1) in self.lists:
            section, i = m.group(1), int(m.group(2))
            orig = self.lists[section][i][0]
            return section, i, f"{section}[{orig}]{path[m.end():]}"
        if path.startswith("calendars.") and self.calendars is not None:
            rest = path[len("calendars."):]
            # the longest calendar id the rest of the path starts with (ids may hold
            # dots and brackets): one lookup per place the id could end
            if self._shown is None:
                self._shown = {printable(c): c for c in self.calendars}
            by_shown = self._shown
            ends = [i for i, ch in enumerate(rest) if ch in ".["] + [len(rest)]
            for end in reversed(ends):
                if rest[:end] in by_shown:
                    return "calendars", by_shown[rest[:end]], path
        key = re.split(r"[.\[]", path, maxsplit=1)[0]
        return key, None, path

    def defined(self) -> set[tuple[str, str]]:
        """The ``(section, id)`` pairs the records in play define (as the validator collects them)."""
        out = {("calendars", cid) for cid in self.calendars or ()}
        for section, items in self.lists.items():
            if section in _FIELDS:
                out.update((section, rec["id"]) for _, rec in items
                           if isinstance(rec, Mapping) and isinstance(rec.get("id"), str))
        return out

    def cascade(self, gone: set[tuple[str, str]], *,
                later: Mapping[int, set[tuple[str, str]]] | None = None,
                keys: list[tuple[int, int, int, int]] | None = None,
                went: dict[tuple[str, str], int] | None = None) -> list[Skipped]:
        """Skip, transitively and in one pass, the records that reference an id in ``gone``.

        The validator would find them one level per round (a chain of 6,000
        team parents took 6,000 rounds); here each record is visited once.
        Each is reported as the validator reports it: ``unknown_reference``
        at the referencing field.

        For a part of a dataset (the stream engine): ``later`` holds ids that
        records outside it lose at each level (1, 2, ...: as if they were
        here); ``keys`` gets each entry's ``(level, section rank, position in
        the input, field rank)``, the order it is reported in; ``went`` gets
        the level at which each id of these records goes (0: in ``gone``).
        """
        later = later or {}
        if not gone and not later:
            return []
        count: dict[tuple[str, str], int] = {}
        # (section, id) -> the places naming it: (section rank, position, field rank, path)
        refs: dict[tuple[str, str], list[tuple[int, int, int, str]]] = {}
        for section, items in self.lists.items():
            fields = _REFS.get(section)
            if fields is None:
                continue
            rank = _RANK[section]
            for pos, (orig, rec) in enumerate(items):
                if not isinstance(rec, Mapping):
                    continue
                rid = rec.get("id")
                if isinstance(rid, str):
                    count[(section, rid)] = count.get((section, rid), 0) + 1
                for f, (name, target) in enumerate(fields):
                    value = rec.get(name)
                    where = join_path(join_path(section, orig), name)
                    if isinstance(value, str):
                        refs.setdefault((target, value), []).append((rank, pos, f, where))
                    elif isinstance(value, list):
                        for j, item in enumerate(value):
                            if isinstance(item, str):
                                refs.setdefault((target, item), []).append(
                                    (rank, pos, f, join_path(where, j)))
        skipped: list[Skipped] = []
        removed: set[tuple[int, int]] = set()
        level = gone | later.get(0, set())
        if went is not None:
            went.update(dict.fromkeys(gone, 0))
        depth, last = 0, max(later, default=0)
        while level or depth < last:  # one level per validator round, in the validator's order
            depth += 1
            hits: dict[tuple[int, int, int, str], str] = {}
            for target, value in level:
                for place in refs.get((target, value), ()):
                    if place[:2] not in removed:
                        hits[place] = f"unknown {_SINGULAR[target]} {value!r}"
            level = set(later.get(depth, ()))
            for place in sorted(hits):
                skipped.append(Skipped(place[3], "unknown_reference", hits[place]))
                section = _SECTION_AT[place[0]]
                if keys is not None:
                    keys.append((depth, place[0], self.lists[section][place[1]][0], place[2]))
                if place[:2] in removed:
                    continue
                removed.add(place[:2])
                rid = self.lists[section][place[1]][1].get("id")
                if isinstance(rid, str):
                    count[(section, rid)] -= 1
                    if count[(section, rid)] == 0:
                        level.add((section, rid))
                        if went is not None:
                            went[(section, rid)] = depth
        self.drop((_SECTION_AT[rank], pos) for rank, pos in removed)
        return skipped

    def size(self) -> int:
        """How many keys, records and calendars are still in play."""
        return (len(self.other) + sum(len(v) + 1 for v in self.lists.values())
                + (len(self.calendars) + 1 if self.calendars is not None else 0))

    def drop(self, targets: Iterable[tuple[Any, str | int | None]]) -> None:
        self._shown = self._keys = None
        rows: dict[str, set[int]] = {}
        for key, where in targets:
            if where is None:
                self.other.pop(key, None)
                self.lists.pop(key, None)
                if key == "calendars":
                    self.calendars = None
            elif isinstance(where, int):
                rows.setdefault(key, set()).add(where)
            elif self.calendars is not None:
                self.calendars.pop(where, None)
        for key, indexes in rows.items():
            if key in self.lists:
                self.lists[key] = [item for j, item in enumerate(self.lists[key])
                                   if j not in indexes]


def from_dict_lenient(
    data: Mapping[str, Any], *, errors: Iterable[SalesmetricsError] = ()
) -> tuple[Dataset, LoadReport]:
    """Validate a docs/case-format.md dataset dict, skipping what is invalid.

    Args:
        data: the dataset's sections.
        errors: errors found before (e.g. JSON Lines lines that were not JSON);
            they open the report.

    Returns:
        The dataset of the valid records and the :class:`LoadReport` of the others.

    Raises:
        DatasetError: when nothing can be kept (``data`` is not an object).
    """
    if not isinstance(data, Mapping):
        from_dict(data)  # raises: a dataset is an object of sections
    work = _Work(data)
    skipped: list[Skipped] = []
    named: list[str | None] = []  # the calendar a skipped entry names (ids may hold dots)

    def skip(entry: Skipped, key: object = None, where: object = None) -> None:
        skipped.append(entry)
        named.append(printable(join_path("calendars", where))
                     if key == "calendars" and isinstance(where, str) else None)

    def cascade(ids: set[tuple[str, str]]) -> None:
        for entry in work.cascade(ids - work.defined()):
            skip(entry)

    # errors found while reading name records in the input (a CSV row with a
    # cell too many): those records are skipped too, not kept and reported
    early = []
    for err in errors:
        key, where, _ = work.locate(err.path)
        skip(Skipped(err.path, err.code, err.message), key, where)
        if where is not None or key in work.lists or key in work.other:
            early.append((key, where))
    ids = work.defined()
    work.drop(early)
    cascade(ids)
    while True:
        try:
            ds = from_dict(work.data(), max_errors=_UNLIMITED)
        except SalesmetricsError as exc:
            # a DatasetError lists its errors; a limit (depth) error stands alone
            found = exc.errors if isinstance(exc, DatasetError) else (exc,)
            targets = []
            for err in found:
                key, where, original = work.locate(err.path)
                if where is None and key not in work.other and key not in work.lists:
                    raise  # the error names no record or section that could be skipped
                skip(Skipped(original, err.code, err.message), key, where)
                targets.append((key, where))
            before = work.size()
            ids = work.defined()
            work.drop(targets)
            cascade(ids)
            if work.size() == before:  # nothing could be skipped: never loop forever
                raise
        else:
            return ds, LoadReport(tuple(skipped), tuple(named))


def _json_data(path: Path) -> Mapping[str, Any]:
    doc = parse_json_text(read_input(path), name=str(path))
    if not isinstance(doc, Mapping):
        raise SalesmetricsError("invalid_value", "", "a dataset file holds a JSON object")
    if "data" in doc and ("format" in doc or "checks" in doc):
        data = doc["data"] or {}
        if not isinstance(data, Mapping):
            raise SalesmetricsError("invalid_value", "data", "data is a JSON object of sections")
        return data
    return doc


@overload
def load(path: str | os.PathLike[str], *, strict: Literal[True] = ...,
         max_errors: int = ...) -> Dataset: ...


@overload
def load(path: str | os.PathLike[str], *, strict: Literal[False],
         max_errors: int = ...) -> tuple[Dataset, LoadReport]: ...


def load(
    path: str | os.PathLike[str], *, strict: bool = True, max_errors: int = DEFAULT_MAX_ERRORS
) -> Dataset | tuple[Dataset, LoadReport]:
    """Load a dataset file or folder, choosing the reader from its type.

    ``*.json`` → :func:`load_json` (a case file or a bare dataset);
    ``*.jsonl`` / ``*.ndjson`` → :func:`load_jsonl`; a folder →
    :func:`load_csv_dir`.

    Args:
        path: the file or folder.
        strict: True (default): any error refuses the whole dataset and the
            result is the :class:`Dataset`. False: invalid records are skipped
            and the result is ``(dataset, report)``.
        max_errors: strict mode: stop collecting after this many errors.
            Lenient mode reports every error, whatever this says.

    Raises:
        DatasetError: strict mode, the dataset's errors.
        SalesmetricsError: ``invalid_value`` at ``""`` for a file that is
            not of a known type, not readable as its type, or missing.
    """
    if not isinstance(strict, bool):
        raise SalesmetricsError("invalid_option", "strict", f"must be True or False, not {strict!r}")
    whole_number(max_errors, "max_errors", minimum=None)
    with paused_gc():  # the parsed records and the records made: many acyclic objects
        return _load_path(path, strict=strict, max_errors=max_errors)


def _load_path(path: str | os.PathLike[str], *, strict: bool, max_errors: int
               ) -> Dataset | tuple[Dataset, LoadReport]:
    """:func:`load` of a path, its options checked."""
    p, folder = input_path(path)
    if folder:
        data, pre = read_csv_dir(p)
    elif p.suffix.lower() == ".json":
        if strict:
            return load_json(p, max_errors=max_errors)
        data, pre = dict(_json_data(p)), []
    elif p.suffix.lower() in JSONL_SUFFIXES:
        if strict:  # built chunk by chunk while read (load_jsonl)
            return load_jsonl(p, max_errors=max_errors)
        data, pre = read_jsonl(p)
    else:
        raise SalesmetricsError(
            "invalid_value", "",
            f"{p}: unknown dataset type; use .json, .jsonl/.ndjson or a folder of CSV files")
    if strict:
        return finish(data, pre, max_errors=max_errors)
    return from_dict_lenient(data, errors=pre)
