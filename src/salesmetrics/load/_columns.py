"""The validator's fast path: a whole section checked column by column (private).

:func:`fast_section` checks a section of records at once: its fields are
pulled from the dicts together, block by block (:func:`_pull`: record types
and keys gathered, enums and references checked by one dict lookup each,
text values interned, as each block is read), then each field's values are
checked in one pass over its column (instants parsed in one loop, ids and
text by one set each, value types by one set of types, unknown fields by
one set comparison), the cross-field rules likewise, then builds the
records from the columns (:func:`salesmetrics.model._from_columns`).

It has no error messages of its own. When any check fails, or anything is
unusual (a record that is not a dict, an ``x-`` field, a datetime value), it
returns ``None`` and the per-record validator (the exact path) runs over the
section, finding exactly the errors it always found. When it succeeds, every
value is the one the exact path would have built, except that equal strings
and equal offsets are shared: one ``str`` per distinct reference or text
value, one :class:`datetime.timezone` per distinct offset, per load.

>>> from salesmetrics.load._dicts import _FIELDS, _convert
>>> memo = Shared({"threads": {"t"}})
>>> rows = [{"thread": "t", "at": "2026-03-02T09:00:00+01:00", "direction": "in"},
...         {"thread": "t", "at": "2026-03-02T10:00:00+01:00", "direction": "out"}]
>>> ms = fast_section(rows, "messages", memo, _convert, _FIELDS["messages"])
>>> [m.sender.value for m in ms], ms[0].at.tzinfo is ms[1].at.tzinfo
(['customer', 'user'], True)
>>> bad = [{**rows[0], "direction": "sideways"}]
>>> fast_section(bad, "messages", memo, _convert, _FIELDS["messages"]) is None
True
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime, tzinfo
from enum import StrEnum
from itertools import chain, islice, repeat
from operator import attrgetter, itemgetter
from typing import Any

from salesmetrics import model
from salesmetrics._time import MAX_YEAR, MIN_YEAR, parse_instant
from salesmetrics._values import is_text
from salesmetrics.errors import SalesmetricsError
from salesmetrics.load._limits import nesting
from salesmetrics.model import Direction, EventType, Sender

__all__ = ["Shared", "fast_section"]

_CLASSES: dict[str, type] = {
    "teams": model.Team, "users": model.User, "customers": model.Customer,
    "threads": model.Thread, "messages": model.Message, "thread_events": model.ThreadEvent,
    "sessions": model.Session, "leads": model.Lead, "activities": model.Activity,
    "smart_lists": model.SmartList,
}
_INDEXED = frozenset(("messages", "thread_events", "sessions", "activities"))
_NESTED = frozenset(("refs", "conversions", "calendar_history"))
_TZINFO = attrgetter("tzinfo")
_YEAR = attrgetter("year")

_DICTS = frozenset((dict,))
_STRS = frozenset((str,))
_BOOLS = frozenset((bool,))

#: (direction, sender as given) -> the message's sender; a pair not listed breaks a rule.
_SENDER = {
    (Direction.IN, None): Sender.CUSTOMER, (Direction.IN, Sender.CUSTOMER): Sender.CUSTOMER,
    (Direction.OUT, None): Sender.USER, (Direction.OUT, Sender.USER): Sender.USER,
    (Direction.OUT, Sender.AUTO): Sender.AUTO,
}
#: event type -> the field it needs.
_NEEDS = {EventType.TRANSFER: "to_team", EventType.ESCALATION: "to_team",
          EventType.ASSIGN: "to_user", EventType.STATUS: "status"}

Convert = Callable[[Any, tuple[Any, ...], str, Mapping[str, Collection[str]]], Any]


class _Unusual(Exception):
    """The fast path cannot vouch for the section: the exact path decides."""


class _Interned(dict[Any, Any]):
    """value -> the first equal value met: one object per equal value (None -> None).

    >>> first = _Interned({None: None})
    >>> a, b = "".join(["x", "y"]), "".join(["x", "y"])
    >>> first[a] is a, first[b] is a, first[None]
    (True, True, None)
    """

    def __missing__(self, key: Any) -> Any:
        self[key] = key
        return key


class Shared:
    """What the sections of one load share: the ids, and one object per equal value.

    Args:
        ids: section -> the ids it defines (the targets of references).
    """

    def __init__(self, ids: Mapping[str, Collection[str]]) -> None:
        self.ids = ids
        self.strings: dict[str | None, str | None] = {None: None}
        self.offsets: dict[tzinfo, tzinfo] = {}
        self.nesting: dict[str, int] = {}
        self._positions: list[int] = []
        self._canon: dict[tuple[str, bool], dict[str | None, str | None]] = {}

    def positions(self, n: int, start: int = 0) -> list[int]:
        """start .. start+n-1, the same int objects for every section (the records' ``index``)."""
        known = self._positions
        if len(known) < start + n:
            known.extend(range(len(known), start + n))
        return known[start:start + n]

    def add_ids(self, section: str, found: Iterable[Any]) -> None:
        """More ids ``section`` defines (its string values), found after lookups began.

        For a file checked in chunks while it is read: the ids of the records
        read so far, the lookups (:meth:`canonical`) kept in step.
        """
        ids = self.ids[section]
        if not isinstance(ids, set):
            raise TypeError("add_ids needs the section's ids as a set")
        fresh = [k for k in dict.fromkeys(found) if type(k) is str and k not in ids]
        ids.update(fresh)
        for optional in (False, True):
            got = self._canon.get((section, optional))
            if got is not None:
                got.update({k: k for k in fresh})

    def canonical(self, section: str, optional: bool) -> dict[str | None, str | None]:
        """id -> the id's own string (and None -> None when ``optional``): one lookup checks and shares."""
        got = self._canon.get((section, optional))
        if got is None:
            got = {k: k for k in self.ids.get(section, ()) if type(k) is str}
            if optional:
                got[None] = None
            self._canon[(section, optional)] = got
        return got


def _all_text(values: Collection[Any]) -> None:
    """Every value a text string (no lone surrogate), or :class:`_Unusual`."""
    joined = "".join(values) if _STRS.issuperset(map(type, values)) else None
    # a lone surrogate stays one after joining
    if joined is None or not (joined.isascii() or is_text(joined)):
        raise _Unusual


def _distinct_strings(column: list[Any]) -> set[Any]:
    """The column's distinct values but None, when all are text strings."""
    try:
        distinct = set(column)
    except TypeError:  # an unhashable value
        raise _Unusual from None
    distinct.discard(None)
    _all_text(distinct)
    return distinct


def _check_ids(column: list[Any]) -> None:
    """Ids (None: absent) all distinct non-empty text strings, or :class:`_Unusual`.

    The ids being distinct, their types and text are read over the column, in
    the order the records were made (kind to the caches), not over the set,
    in the order of hashes: at a million ids, about 40% less.
    """
    try:
        distinct = set(column)
    except TypeError:  # an unhashable value
        raise _Unusual from None
    values = column
    if None in distinct:
        distinct.discard(None)
        values = [v for v in column if v is not None]
    if len(distinct) != len(values) or "" in distinct:  # an id used twice, an empty id
        raise _Unusual
    _all_text(values)


def _instants(column: list[Any], required: bool, offsets: dict[tzinfo, tzinfo]) -> list[Any]:
    """Each instant parsed, one shared tzinfo per offset (``fromisoformat`` makes one per call).

    ``fromisoformat`` takes no surrounding space and only ASCII digits, so a
    string it reads is one :func:`parse_instant` reads (after its strip)
    alike; ``astimezone`` to an equal offset only swaps the tzinfo object.
    """
    values = column if required else [v for v in column if v is not None]
    strings = True
    try:
        parsed = list(map(datetime.fromisoformat, values))
    except (TypeError, ValueError):  # not all strings, or not all ISO 8601: one by one
        parsed = list(map(_instant, values))
        strings = False
    zones = list(map(_TZINFO, parsed))
    years = set(map(_YEAR, parsed))
    # all(): a tzinfo is true, None (a naive instant) false
    if not all(zones) or (years and not (min(years) > MIN_YEAR and max(years) < MAX_YEAR)):
        raise _Unusual
    if strings:  # unnamed offsets (or UTC) only: a datetime given keeps its own tzinfo
        parsed = list(map(datetime.astimezone, parsed, map(offsets.setdefault, zones, zones)))
    if required:
        return parsed
    found = iter(parsed)
    return [None if v is None else next(found) for v in column]


def _instant(value: Any) -> datetime:
    """One instant: a string ``fromisoformat`` reads, or an aware datetime given as such."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise _Unusual from None
    try:
        return parse_instant(value, "")
    except SalesmetricsError:
        raise _Unusual from None


_KINDS: dict[Any, model.ConversionKind] = dict(model.ConversionKind._value2member_map_)
_CONVERSION_KEYS = frozenset(("kind", "at"))
_LISTS = frozenset((list,))
_TWO = frozenset((2,))


def _conversions(column: list[Any], offsets: dict[tzinfo, tzinfo]
                 ) -> tuple[list[Any], int] | None:
    """Leads' ``conversions`` (None: absent) built at once, with how deep they nest.

    Vouched for only when every value is a list of dicts of exactly ``kind``
    and ``at``, every kind ``order`` or ``sale`` and every ``at`` an instant
    :func:`_instants` reads: then each conversion is the one the exact path
    builds (its instant's offset shared) and each list nests 2 deep (1 when
    empty). Anything else (an ``x-`` key, a spaced instant, a year at the
    edge of the range): None, and each value goes through the exact path's
    conversion.

    >>> got, depth = _conversions(
    ...     [None, [], [{"kind": "sale", "at": "2026-03-02T09:00:00+01:00"}]], {})
    >>> got[:2], got[2][0].kind, got[2][0].at.isoformat(), depth
    ([None, ()], <ConversionKind.SALE: 'sale'>, '2026-03-02T09:00:00+01:00', 2)
    >>> _conversions([[{"kind": "sale", "at": "2026-03-02", "x-note": ""}]], {}) is None
    True
    """
    values = [v for v in column if v is not None]
    if not _LISTS.issuperset(map(type, values)):
        return None
    items = list(chain.from_iterable(values))
    if (not _DICTS.issuperset(map(type, items)) or not _TWO.issuperset(map(len, items))
            or not _CONVERSION_KEYS.issuperset(set().union(*items))):
        return None  # (two keys, both kind or at: exactly kind and at)
    try:
        kinds = list(map(_KINDS.__getitem__, map(itemgetter("kind"), items)))
        ats = _instants(list(map(itemgetter("at"), items)), True, offsets)
    except (KeyError, TypeError, _Unusual):  # an unknown or unhashable kind, an odd instant
        return None
    made = iter(model._from_columns(model.Conversion, len(items), {"kind": kinds, "at": ats}))
    built = [None if v is None else tuple(islice(made, len(v))) for v in column]
    return built, (2 if items else 1 if values else 0)


#: The kinds whose values are checked by their lookup alone (:func:`_lookup`).
_LOOKED_UP = frozenset(("ref", "enum"))


def _lookup(kind: tuple[Any, ...], required: bool, memo: Shared
            ) -> Callable[[Any], Any] | None:
    """A value of the kind by one dict lookup (None: none for the kind).

    A reference's or an enum's lookup checks it: :class:`KeyError` for an
    unknown id or value (None too when the field is required),
    :class:`TypeError` for an unhashable value. A text value's gives the
    first equal value of its column (:func:`_column` checks and shares
    them).
    """
    if kind[0] == "str":
        return _Interned({None: None}).__getitem__
    if kind[0] == "ref":
        return memo.canonical(kind[1], not required).__getitem__
    if kind[0] == "enum":
        cls: type[StrEnum] = kind[1]
        lookup: dict[Any, Any] = dict(cls._value2member_map_)
        if not required:
            lookup[None] = None
        return lookup.__getitem__
    return None


def _column(column: list[Any], kind: tuple[Any, ...], required: bool, memo: Shared,
            convert: Convert) -> list[Any]:
    """The values of one field for every record (None: absent), or :class:`_Unusual`.

    References and enums are looked up as they are pulled, text values
    replaced by the first equal value of their column (:func:`_lookup`).
    """
    tag = kind[0]
    if required and None in column:
        raise _Unusual
    if tag == "instant":
        return _instants(column, required, memo.offsets)
    if tag == "id":  # kept as they are: each is its record's own
        _check_ids(column)
        return column
    if tag == "str":  # one string per distinct value as pulled, shared by every section
        share = memo.strings.setdefault
        canonical = {v: share(v, v) for v in _distinct_strings(column)}
        if all(k is v for k, v in canonical.items()):  # no value met in a section before
            return column
        canonical[None] = None
        return list(map(canonical.__getitem__, column))
    if tag == "bool":
        if not _BOOLS.issuperset(map(type, [v for v in column if v is not None])):
            raise _Unusual
        return column
    # numbers and nested values (conversions, calendar history, lists of ids): each value
    # through the exact path's own conversion, without a path
    try:
        return [None if v is None else convert(v, kind, "", memo.ids) for v in column]
    except SalesmetricsError:
        raise _Unusual from None


def _cross_checks(section: str, cols: dict[str, Any], n: int) -> None:
    """The builders' rules between fields; ``messages``' sender gets its default here."""
    if section == "messages":
        given = cols["sender"]
        senders = repeat(None, n) if given is None else given
        try:
            cols["sender"] = list(map(_SENDER.__getitem__,
                                      zip(cols["direction"], senders, strict=True)))
        except KeyError:
            raise _Unusual from None
    elif section == "thread_events":
        for i, etype in enumerate(cols["type"]):
            needed = _NEEDS.get(etype)
            if needed is not None and (cols[needed] is None or cols[needed][i] is None):
                raise _Unusual
    elif section == "sessions":
        del cols["id"]
        ends = cols["end"]
        if ends is not None and any(end is not None and end < start
                                    for start, end in zip(cols["start"], ends, strict=True)):
            raise _Unusual


#: Records pulled together: a block's dicts and rows stay in the CPU's caches.
_BLOCK = 2048


def _pull(raw: list[Any], pulled: list[tuple[str, bool, Callable[[Any], Any] | None]]
          ) -> tuple[list[list[Any]], set[Any]] | None:
    """The columns of the fields ``(name, required, lookup)`` and the keys met, in one pass.

    Each block of records is checked (dicts only: else None), its keys
    gathered, then read row by row (each dict visited once for all its
    fields, not once per field) and turned into columns, each value through
    its field's ``lookup`` when it has one, while the block's dicts and
    strings are in the CPU's caches: at a million records, a pass per field
    misses them on every dict. A required field is read with ``itemgetter``,
    an optional one with ``dict.get`` (None where absent). A record without
    a required field, an unknown or unhashable value raise :class:`KeyError`
    or :class:`TypeError`: the caller's fallback.

    >>> b = {"x": "X", None: None}.__getitem__
    >>> columns, keys = _pull([{"a": 1, "b": "x"}, {"a": 3}], [("a", True, None), ("b", False, b)])
    >>> columns, sorted(keys)
    ([[1, 3], ['X', None]], ['a', 'b'])
    >>> _pull([{"a": 1, "b": "y"}], [("a", True, None), ("b", False, b)])
    Traceback (most recent call last):
    ...
    KeyError: 'y'
    >>> _pull([{"a": 1}, ["a"]], [("a", True, None)]) is None
    True
    """
    columns: list[list[Any]] = [[] for _ in pulled]
    present: set[Any] = set()
    getters = [(name, required) for name, required, _ in pulled]
    plain = [(column, lookup) for column, (_, _, lookup) in zip(columns, pulled, strict=True)]
    for start in range(0, len(raw), _BLOCK):
        block = raw[start:start + _BLOCK]
        if not _DICTS.issuperset(map(type, block)):
            return None
        present.update(*block)  # (dicts give their keys with their hashes)
        rows = zip(*[map(itemgetter(name), block) if required
                     else map(dict.get, block, repeat(name)) for name, required in getters],
                   strict=True)
        for (column, lookup), values in zip(plain, zip(*rows, strict=True), strict=True):
            column.extend(values if lookup is None else map(lookup, values))
    return columns, present


def fast_section(raw: list[Any], section: str, memo: Shared, convert: Convert,
                 fields: list[tuple[str, tuple[Any, ...], bool]], start: int = 0
                 ) -> list[Any] | None:
    """The records of a section, checked per column; None when the exact path must decide.

    On success, ``memo.nesting[section]`` is how deep the records nest (1:
    flat records).

    Args:
        raw: the section's records as parsed (dicts).
        section: its name (``messages``).
        memo: what the sections of this load share.
        convert: the exact path's conversion of one value (numbers, nested
            values), called without a path.
        fields: the section's ``(name, kind, required)`` fields.
        start: the position of ``raw[0]`` in its section (a chunk of it).
    """
    n = len(raw)
    if not n:  # (a required field absent from every record)
        return None
    pulled = [(name, required, _lookup(kind, required, memo)) for name, kind, required in fields]
    try:
        got = _pull(raw, pulled)
    except (KeyError, TypeError):  # a required field absent, an unknown or unhashable value
        return None
    if got is None:  # a record not a dict
        return None
    pulls, present = got
    # unknown fields (and x- fields, which the exact path ignores) leave the fast path
    if not present.issubset([name for name, _, _ in fields]):
        return None
    columns = {name: column for (name, _, _), column in zip(fields, pulls, strict=True)
               if name in present}  # a field absent from every record: no column
    looked_up = {name for name, kind, _ in fields if kind[0] in _LOOKED_UP}
    cols: dict[str, Any] = {}
    deepest = 1
    try:
        for name, kind, required in fields:
            column = columns.get(name)
            if column is None or name in looked_up:  # absent from every record, or done
                cols[name] = column
                continue
            built = _conversions(column, memo.offsets) if kind[0] == "conversions" else None
            if built is not None:  # vouched for at once, and its nesting known
                cols[name], depth = built
                deepest = max(deepest, 1 + depth)
                continue
            if kind[0] in _NESTED:
                deepest = max(deepest, 1 + max(map(nesting, column)))
            cols[name] = _column(column, kind, required, memo, convert)
        _cross_checks(section, cols, n)
    except _Unusual:
        return None
    if section in _INDEXED:
        cols["index"] = memo.positions(n, start)
    memo.nesting[section] = deepest
    return model._from_columns(_CLASSES[section], n, cols)  # a None column: every default
