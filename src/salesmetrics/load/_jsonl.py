"""The docs/case-format.md dataset as JSON Lines: one record per line, tagged by section.

Each non-blank line is a JSON object with a ``"section"`` member naming the
section the record belongs to; the other members are the record's fields.
A calendar's line also carries its ``"id"`` (calendars are an object keyed by
id in JSON)::

    {"section": "calendars", "id": "store", "timezone": "Europe/Paris"}
    {"section": "teams", "id": "A", "calendar": "store"}
    {"section": "threads", "id": "t", "team": "A"}
    {"section": "messages", "thread": "t", "at": "2026-03-02T09:00:00+01:00", "direction": "in"}

Records of one section may be spread over the file; their order within the
section is their order in the file. Lines are grouped into the docs/case-format.md
dict and validated by :func:`~salesmetrics.load.from_dict`, so errors name
the same places as for the same data in JSON: ``messages[3].at`` is the
fourth ``messages`` line. A line that cannot be placed in a section names the
line itself (1-based, blank lines counted): ``line 7``.

>>> ds = load_jsonl(['{"section": "teams", "id": "A"}', "",
...                  '{"section": "threads", "id": "t", "team": "B"}'])
Traceback (most recent call last):
...
salesmetrics.errors.DatasetError: threads[0].team: unknown team 'B'
>>> load_jsonl(['{"section": "teams", "id": "A"}'])
Dataset(teams=1, users=0, threads=0, messages=0, thread_events=0, sessions=0, leads=0, activities=0, smart_lists=0)
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping
from itertools import groupby, islice, repeat
from typing import IO, Any, cast

from salesmetrics._gc import paused_gc
from salesmetrics._values import is_text, whole_number
from salesmetrics.dataset import Dataset
from salesmetrics.errors import DatasetError, SalesmetricsError
from salesmetrics.load._columns import Shared, fast_section
from salesmetrics.load._dicts import (
    _FIELDS,
    _TARGETS,
    DEFAULT_MAX_ERRORS,
    SECTIONS,
    _Collector,
    _convert,
    _height,
    _load_calendars,
    _load_section,
    build,
)
from salesmetrics.load._files import (
    flat_record,
    flat_records,
    input_file,
    may_be_flat,
    parse_record,
)
from salesmetrics.load._limits import DEFAULT_LIMITS, Limits, nesting

__all__ = ["dump_jsonl", "iter_jsonl_lines", "load_jsonl", "read_jsonl"]

_STRS = frozenset((str,))

Source = str | os.PathLike[str] | Iterable[str]


#: About how many characters of a file one block of lines holds (see :func:`_blocks`).
_BLOCK_CHARS = 1 << 16
#: How many items of an iterable source one block holds.
_BLOCK_ITEMS = 512


def _blocks(source: Source) -> Iterator[list[Any]]:
    """The lines of ``source`` in blocks (lists), in order: a file's, or the items given."""
    if isinstance(source, bytes) or not isinstance(source, str | os.PathLike | Iterable):
        raise SalesmetricsError("invalid_value", "",
                                f"give a path or the lines (text), not {type(source).__name__}")
    if isinstance(source, str | os.PathLike):
        path = input_file(source)
        try:
            # undecodable bytes become lone surrogates, refused line by line below
            with open(path, encoding="utf-8-sig", errors="surrogateescape", newline=None) as fh:
                while block := fh.readlines(_BLOCK_CHARS):
                    yield block
        except OSError as exc:
            raise SalesmetricsError("invalid_value", "", f"{path}: cannot read: {exc}") from None
    else:
        items = iter(source)
        while block := list(islice(items, _BLOCK_ITEMS)):
            yield block


def line_path(number: int) -> str:
    """The error path naming a whole line (1-based): ``line 7``."""
    return f"line {number}"


def read_jsonl(source: Source) -> tuple[dict[str, Any], list[SalesmetricsError]]:
    """Group JSON Lines into the docs/case-format.md dataset dict, without validating records.

    Returns:
        The dataset dict and the errors of lines that could not be placed in a
        section (not JSON, not an object, no or unknown ``section``, a calendar
        without a string ``id`` or with an id already used), each naming
        ``line N``. Those lines are left out of the dict.
    """
    data, errors, _ = read_lines(source)
    return data, errors


def read_lines(source: Source, *, parsed: bool = False
               ) -> tuple[dict[str, Any], list[SalesmetricsError], int]:
    """:func:`read_jsonl`, and how deep the dict nests at most (see ``build``'s ``height``).

    A flat record (the usual line, see :func:`flat_record`) nests one level;
    another line's record is measured. The dict nests two levels more than
    its deepest record (the dict, then the section). With ``parsed``, an
    item that is a mapping is a record already parsed (a copy is placed, by
    the same rules as a line's record: the Dask engine's bags of dicts).
    """
    data: dict[str, Any] = {}
    errors: list[SalesmetricsError] = []
    deepest = 1
    lists: dict[str, list[Any]] = {}  # the sections' lists, once they exist
    for block, start in _blocks_at(source):
        deepest = max(deepest, _read_lines_of(block, start, data, errors, lists, parsed))
    return data, errors, deepest + 2


def _blocks_at(source: Source) -> Iterator[tuple[list[Any], int]]:
    """:func:`_blocks`, each with how many lines came before it."""
    number = 0
    for block in _blocks(source):
        yield block, number
        number += len(block)


def _read_lines_of(block: list[Any], start: int, data: dict[str, Any],
                   errors: list[SalesmetricsError], lists: dict[str, list[Any]],
                   parsed: bool) -> int:
    """Place one block's records (its first line is line ``start + 1``); how deep they nest.

    The usual lines (flat records, see :func:`flat_records`) at once, the
    others one by one (:func:`_read_block`).
    """
    if not _STRS.issuperset(map(type, block)):
        return _read_block(block, start, data, errors, lists, parsed=parsed)
    if _place(flat_records(block), data, lists):
        return 1
    # some line is not the usual one: the runs of lines that may be, each at once
    deepest = 1
    at = start
    for usual, run in groupby(block, may_be_flat):
        part = list(run)
        if not (usual and _place(flat_records(part), data, lists)):
            deepest = max(deepest, _read_block(part, at, data, errors, lists, parsed=parsed))
        at += len(part)
    return deepest


#: The sections whose records a line places in a list (a calendar line is placed by its id).
_LISTED = frozenset(SECTIONS) - {"calendars"}


def _place(recs: list[dict[str, Any]] | None, data: dict[str, Any],
           lists: dict[str, list[Any]]) -> bool:
    """Append parsed flat records to their sections' lists, when every one names such a section.

    A section met for the first time gets its list in ``data`` as the line
    by line path would give it (in the order sections are first met); a
    record of any other section (calendars, unknown, none) leaves the whole
    block to that path.
    """
    if recs is None:
        return False
    sections: list[Any] = [rec.get("section") for rec in recs]  # names, once checked
    met = dict.fromkeys(sections)
    if not _LISTED.issuperset(met):
        return False
    for section in met:
        if section not in lists:
            lists[section] = data.setdefault(section, [])
    deque(map(dict.pop, recs, repeat("section")), 0)
    if len(met) == 1:
        lists[sections[0]].extend(recs)
    else:
        for section, rec in zip(sections, recs, strict=True):
            lists[section].append(rec)
    return True


def _read_block(block: list[Any], start: int, data: dict[str, Any],
                errors: list[SalesmetricsError], lists: dict[str, list[Any]], *,
                parsed: bool) -> int:
    """Place a block's lines one by one (its first is line ``start + 1``); how deep they nest."""
    deepest = 1
    flat = flat_record
    for number, line in enumerate(block, start=start + 1):
        if type(line) is str:
            # the usual line, as it is (the parsers take its newline); any doubt: below
            if line.isascii() and may_be_flat(line):
                rec = flat(line)
                if rec is not None:
                    section = rec.pop("section", None)
                    if type(section) is str:
                        records = lists.get(section)
                        if records is not None:
                            records.append(rec)
                            continue
            text = line.strip()
        elif parsed and isinstance(line, Mapping):
            text = None
        elif not isinstance(line, str):
            errors.append(SalesmetricsError("invalid_value", line_path(number),
                                            f"a line is text, not {type(line).__name__}"))
            continue
        else:
            text = line.strip()
        where = line_path(number)
        if text is None:
            rec = dict(cast(Mapping[str, Any], line))
        else:
            if not text:
                continue
            if not is_text(text):
                errors.append(SalesmetricsError("invalid_value", where, "not UTF-8 text"))
                continue
            try:
                rec = parse_record(text, where)
            except SalesmetricsError as exc:
                errors.append(exc)
                continue
        if not isinstance(rec, dict):
            errors.append(SalesmetricsError("invalid_value", where,
                                            "a line holds one JSON object (a record)"))
            continue
        section = rec.pop("section", None)
        if section is None:
            errors.append(SalesmetricsError("missing_field", where,
                                            "a record needs 'section' (teams, users, ...)"))
            continue
        if section not in SECTIONS:
            errors.append(SalesmetricsError(
                "invalid_value", where,
                f"unknown section {section!r}; sections: {', '.join(SECTIONS)}"))
            continue
        if section == "calendars":
            cid = rec.pop("id", None)
            if not isinstance(cid, str) or not cid:
                errors.append(SalesmetricsError("missing_field", where,
                                                "a calendar line needs a string 'id'"))
                continue
            cals = data.setdefault("calendars", {})
            if cid in cals:
                errors.append(SalesmetricsError("duplicate_id", where,
                                                f"calendar id {cid!r} is used twice"))
                continue
            cals[cid] = rec
        else:
            records = data.setdefault(section, [])
            lists[section] = records
            records.append(rec)
        deepest = max(deepest, nesting(rec))
    return deepest


def load_jsonl(source: Source, *, max_errors: int = DEFAULT_MAX_ERRORS) -> Dataset:
    """Load a dataset from JSON Lines: a file path, or an iterable of lines.

    A file is checked and built chunk by chunk while it is read, each chunk's
    parsed lines dropped once built (the load's peak memory is about the
    records', not every line's object beside them); a file with any error is
    read again the whole way, whose checks name every error. The dataset and
    the errors are the same either way.

    Args:
        source: a path (``str`` or path-like) or the lines themselves.
        max_errors: stop collecting after this many errors.

    Raises:
        DatasetError: the errors of lines (``line 7``) then those of records
            (``messages[3].at``), up to ``max_errors``.
    """
    with paused_gc():
        if isinstance(source, str | os.PathLike):
            streamed = _streamed(source)
            if streamed is not None:
                whole_number(max_errors, "max_errors", minimum=None)  # as finish() checks it
                return streamed
        data, errors, height = read_lines(source)
        return finish(data, errors, max_errors=max_errors, height=height)


#: How many records of a section a file read in chunks checks and builds at once.
_CHUNK = 8192


class _Chunks:
    """A JSON Lines file's dataset built while the file is read (:func:`_streamed`).

    Each section's records are checked and built by the fast path
    (:func:`~salesmetrics.load._columns.fast_section`) ``_CHUNK`` at a time,
    and their parsed dicts dropped: what the load keeps at its peak is the
    records built, not every line's dict beside them. The ids every section
    defines are collected from the dicts as they are read, so a reference to
    a record read earlier is checked at once; a chunk the fast path cannot
    vouch for yet (a reference to a record further down the file, an ``x-``
    field, an error) waits, with the rest of its section, for the end of the
    file: then the fast path tries it again with every id, and a section it
    never vouched for goes the exact way, record by record, as ``build``
    sends it.
    """

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}  # the records placed, not built yet (and calendars)
        self.lists: dict[str, list[Any]] = {}
        self.errors: list[SalesmetricsError] = []
        # every section's ids seen; the targets' sets are the lookups' own (memo.ids)
        self.ids: dict[str, set[Any]] = {section: set() for section in (*_FIELDS, *_TARGETS)}
        self.memo = Shared({section: self.ids[section] for section in _TARGETS})
        self.built: dict[str, list[Any]] = {section: [] for section in _FIELDS}
        self.scanned = dict.fromkeys(_FIELDS, 0)  # records of the list whose ids are counted
        self.counted = dict.fromkeys(_FIELDS, 0)  # ids seen (strings), repeats included
        self.nesting = dict.fromkeys(_FIELDS, 1)
        self.waiting: set[str] = set()
        self.calendars = 0

    def placed(self) -> int:
        """How many records the file gave so far (calendars included)."""
        return (sum(map(len, self.built.values())) + sum(map(len, self.lists.values()))
                + len(self.data.get("calendars") or ()))

    def scan(self) -> None:
        """Collect the ids of the records placed since the last scan, for the references.

        Only the sections references name (threads, users, ...): the others'
        ids are counted as their chunks are built (:meth:`build_chunk`).
        """
        for section, records in self.lists.items():
            done = self.scanned[section]
            if done == len(records) or section not in self.memo.ids:
                continue
            strings = [v for v in map(dict.get, records[done:], repeat("id")) if type(v) is str]
            self.scanned[section] = len(records)
            self.counted[section] += len(strings)
            self.memo.add_ids(section, strings)  # (into self.ids[section], the same set)
        cals = self.data.get("calendars")
        if cals is not None and len(cals) != self.calendars:
            self.calendars = len(cals)
            self.memo.add_ids("calendars", cals)

    def build_chunk(self, section: str) -> bool:
        """Check and build the records of ``section`` placed so far; False: they wait."""
        records = self.lists[section]
        got = fast_section(records, section, self.memo, _convert, _FIELDS[section],
                           len(self.built[section]))
        if got is None:
            self.waiting.add(section)
            return False
        self.nesting[section] = max(self.nesting[section], self.memo.nesting[section])
        if section not in self.memo.ids:  # ids used twice across chunks: counted here
            found = list(map(dict.get, records, repeat("id")))  # strings or None, once built
            self.counted[section] += len(found) - found.count(None)
            seen = self.ids[section]
            seen.update(found)
            seen.discard(None)
        self.built[section].extend(got)
        records.clear()  # the dicts go; self.data holds the same (now empty) list
        self.scanned[section] = 0
        return True

    def height(self, lines: int, limits: Limits) -> int:
        """How deep the dataset dict would nest (``build``'s ``height``).

        The lines' own bound (:func:`read_lines`) when it is within the limit,
        else as ``build`` measures it (``_height``): a section the fast path
        built by its records' nesting, the calendars and the records left to
        the exact path walked.
        """
        if lines + 2 <= limits.max_depth:
            return lines + 2
        built = {key: self.built[key] for key in self.data if self.built.get(key)}
        return _height({**self.data, **built}, {key: self.nesting[key] for key in built})


def _build_limits() -> Limits:
    """The limits ``build`` applies when given none: the ones a file read whole would meet."""
    got = (build.__kwdefaults__ or {}).get("limits", DEFAULT_LIMITS)
    return got if isinstance(got, Limits) else DEFAULT_LIMITS


def _streamed(source: str | os.PathLike[str]) -> Dataset | None:
    """The dataset of a JSON Lines file, built chunk by chunk as it is read; None: anything else.

    None when the file gives any error, breaks a limit, or has a section the
    fast path vouched for in part only (the lines of its chunks built are
    gone): the caller then reads it again the whole way (:func:`read_lines`,
    then ``build``), which finds and names every error as it always has. A
    dataset given is the one that way builds.
    """
    state = _Chunks()
    lines = 1
    limits = _build_limits()
    for block, start in _blocks_at(source):
        lines = max(lines, _read_lines_of(block, start, state.data, state.errors, state.lists,
                                          False))
        if state.errors or state.placed() > limits.max_records:
            return None
        full = [section for section, records in state.lists.items()
                if len(records) >= _CHUNK and section not in state.waiting]
        if full:
            state.scan()
            for section in full:
                state.build_chunk(section)
    state.scan()
    exact = []  # sections the fast path never vouched for: every line of theirs is here
    for section in _FIELDS:
        records = state.lists.get(section)
        if records and not state.build_chunk(section):
            if state.built[section]:  # chunks built before: their lines are gone
                return None
            exact.append(section)
    if (any(len(state.ids[s]) != state.counted[s] for s in _FIELDS)  # an id used twice
            or state.height(lines, limits) > limits.max_depth):
        return None
    errors = _Collector(DEFAULT_MAX_ERRORS)
    try:
        calendars = _load_calendars(state.data.get("calendars"), "calendars", errors)
        for section in exact:  # as build does: the exact path, record by record
            state.built[section] = _load_section(state.lists[section], section, "",
                                                 state.memo, errors)
    except SalesmetricsError:
        return None
    if errors.errors:  # the whole-file path names them, in its order
        return None
    built = state.built
    del state  # the ids and lookups go before the indexes are built
    return Dataset(calendars=calendars, **built)


def finish(data: Mapping[str, Any], errors: list[SalesmetricsError], *,
           max_errors: int, height: int | None = None,
           known: Mapping[str, Collection[str]] | None = None,
           base: Dataset | None = None) -> Dataset:
    """Validate ``data`` with :func:`from_dict`, raising ``errors`` found before it too.

    ``height``: a bound on the nesting of ``data`` (see :func:`read_lines`);
    ``known``, ``base``: ids defined outside ``data``, records it is added to
    (see ``build``).
    """
    limit = max(1, whole_number(max_errors, "max_errors", minimum=None))
    if not errors:
        return build(data, max_errors=limit, height=height, known=known, base=base)
    if len(errors) >= limit:
        raise DatasetError(errors[:limit])
    try:
        build(data, max_errors=limit - len(errors), height=height, known=known,
              base=base)
    except DatasetError as exc:
        raise DatasetError([*errors, *exc.errors]) from None
    except SalesmetricsError as exc:
        raise DatasetError([*errors, exc]) from None
    raise DatasetError(errors)


def iter_jsonl_lines(data: Mapping[str, Any]) -> Iterator[str]:
    """The lines (without newline) of a docs/case-format.md dataset dict, section by section.

    >>> list(iter_jsonl_lines({"calendars": {"c": {"timezone": "UTC"}}, "teams": [{"id": "A"}]}))
    ['{"section": "calendars", "id": "c", "timezone": "UTC"}', '{"section": "teams", "id": "A"}']
    """
    for section in SECTIONS:
        body = data.get(section)
        if not body:
            continue
        if section == "calendars":
            for cid, cal in body.items():
                yield record_line("calendars", {"id": cid, **cal})
        else:
            for rec in body:
                yield record_line(section, rec)


def record_line(section: str, record: Mapping[str, Any]) -> str:
    """One JSON Lines line for a record of ``section``.

    >>> record_line("teams", {"id": "A", "name": "Paris"})
    '{"section": "teams", "id": "A", "name": "Paris"}'
    """
    return json.dumps({"section": section, **record}, ensure_ascii=False)


def dump_jsonl(data: Mapping[str, Any], fh: IO[str]) -> None:
    """Write a docs/case-format.md dataset dict as JSON Lines to a text file."""
    for line in iter_jsonl_lines(data):
        fh.write(line)
        fh.write("\n")
