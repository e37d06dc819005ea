"""Validate the docs/case-format.md dataset (plain dicts and lists) and build a Dataset.

The rules, all enforced with the case format's codes and paths:

* every section is optional; ``calendars`` is an object, the others lists;
* required fields present and not null (``missing_field``);
* instants ISO 8601 with an offset (``invalid_instant``), dates ``YYYY-MM-DD``;
* enum fields take their listed values, ids and references are strings,
  booleans are booleans, numbers are numbers (``invalid_value``);
* ``id`` unique in its section (``duplicate_id``, naming the later one);
* every reference names an existing id (``unknown_reference``);
* calendars are valid (``invalid_calendar``, see :mod:`salesmetrics.calendars`);
* unknown sections and fields are errors (``invalid_value``), except names
  starting with ``x-``, which are ignored: nothing is dropped silently.

Errors are collected in input order (section by section, in the order of the
docs/case-format.md table) up to ``max_errors``, then raised together as one
:class:`~salesmetrics.errors.DatasetError`.

>>> ds = from_dict({"teams": [{"id": "A"}], "threads": [{"id": "t", "team": "A"}],
...     "messages": [{"thread": "t", "at": "2026-03-02T09:00:00+01:00", "direction": "in"}]})
>>> ds
Dataset(teams=1, users=0, threads=1, messages=1, thread_events=0, sessions=0, leads=0, activities=0, smart_lists=0)
>>> from_dict({"threads": [{"id": "t", "team": "B"}]})
Traceback (most recent call last):
...
salesmetrics.errors.DatasetError: threads[0].team: unknown team 'B'
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import datetime
from enum import StrEnum
from itertools import repeat
from typing import TYPE_CHECKING, Any

from salesmetrics._gc import paused_gc
from salesmetrics._time import parse_instant
from salesmetrics._values import check_text, finite_number, instance_of, whole_number
from salesmetrics.dataset import Dataset
from salesmetrics.errors import DatasetError, SalesmetricsError, join_path
from salesmetrics.load._columns import Shared, fast_section
from salesmetrics.load._limits import DEFAULT_LIMITS, Limits, check_depth, nesting
from salesmetrics.model import (
    AccountType,
    Activity,
    ActivityKind,
    CalendarChange,
    Conversion,
    ConversionKind,
    Customer,
    Direction,
    EventType,
    Lead,
    Message,
    Sender,
    Session,
    SmartList,
    Status,
    StatusGroup,
    Team,
    Thread,
    ThreadEvent,
    User,
)

if TYPE_CHECKING:
    from salesmetrics.calendars import Calendar

__all__ = ["DEFAULT_MAX_ERRORS", "SECTIONS", "from_dict"]

DEFAULT_MAX_ERRORS = 100

#: The dataset sections, in the order of docs/case-format.md (and of error reporting).
SECTIONS = (
    "calendars", "teams", "users", "customers", "threads", "messages", "thread_events",
    "sessions", "leads", "activities", "smart_lists",
)

_SINGULAR = {
    "calendars": "calendar", "teams": "team", "users": "user", "customers": "customer",
    "threads": "thread", "messages": "message", "thread_events": "thread event",
    "sessions": "session", "leads": "lead", "activities": "activity",
    "smart_lists": "smart list",
}

# field kinds: ("id",), ("str",), ("ref", section), ("refs", section), ("instant",),
# ("enum", EnumClass), ("bool",), ("number",), ("conversions",)
_Kind = tuple[Any, ...]
_ID: _Kind = ("id",)
_STR: _Kind = ("str",)
_INSTANT: _Kind = ("instant",)
_BOOL: _Kind = ("bool",)
_NUMBER: _Kind = ("number",)


def _ref(section: str) -> _Kind:
    return ("ref", section)


def _enum(cls: type[StrEnum]) -> _Kind:
    return ("enum", cls)


# section -> [(field, kind, required)]
_FIELDS: dict[str, list[tuple[str, _Kind, bool]]] = {
    "teams": [("id", _ID, True), ("name", _STR, False), ("calendar", _ref("calendars"), False),
              ("parent", _ref("teams"), False), ("calendar_history", ("calendar_history",), False)],
    "users": [("id", _ID, True), ("first_name", _STR, False), ("last_name", _STR, False),
              ("code", _STR, False), ("team", _ref("teams"), False)],
    "customers": [("id", _ID, True), ("account_type", _enum(AccountType), False),
                  ("brand", _STR, False)],
    "threads": [("id", _ID, True), ("customer", _ref("customers"), False),
                ("team", _ref("teams"), True), ("assignee", _ref("users"), False)],
    "messages": [("id", _ID, False), ("thread", _ref("threads"), True), ("at", _INSTANT, True),
                 ("direction", _enum(Direction), True), ("sender", _enum(Sender), False),
                 ("user", _ref("users"), False), ("team", _ref("teams"), False),
                 ("channel", _STR, False)],
    "thread_events": [("id", _ID, False), ("thread", _ref("threads"), True),
                      ("at", _INSTANT, True), ("type", _enum(EventType), True),
                      ("to_team", _ref("teams"), False), ("to_user", _ref("users"), False),
                      ("status", _enum(Status), False), ("user", _ref("users"), False)],
    "sessions": [("id", _ID, False), ("user", _ref("users"), True), ("start", _INSTANT, True),
                 ("end", _INSTANT, False)],
    "leads": [("id", _ID, True), ("received_at", _INSTANT, True),
              ("customer", _ref("customers"), False), ("type", _STR, False),
              ("source", _STR, False), ("source_group", _STR, False), ("category", _STR, False),
              ("team", _ref("teams"), False), ("store", _STR, False),
              ("assignee", _ref("users"), False), ("status", _STR, False),
              ("status_group", _enum(StatusGroup), False), ("conversions", ("conversions",), False)],
    "activities": [("id", _ID, False), ("user", _ref("users"), True),
                   ("kind", _enum(ActivityKind), True), ("at", _INSTANT, True),
                   ("customer", _ref("customers"), False), ("lead", _ref("leads"), False),
                   ("smart_list", _ref("smart_lists"), False), ("completed", _BOOL, False),
                   ("automated", _BOOL, False), ("answered", _BOOL, False),
                   ("duration_seconds", _NUMBER, False), ("due_at", _INSTANT, False)],
    "smart_lists": [("id", _ID, True), ("name", _STR, False),
                    ("customers", ("refs", "customers"), True), ("users", ("refs", "users"), False)],
}


class _Collector:
    """Collects errors up to a limit; raises them together when full or at the end."""

    def __init__(self, max_errors: int) -> None:
        # 0 or less has always meant 1; anything but an integer is refused
        self.max_errors = max(1, whole_number(max_errors, "max_errors", minimum=None))
        self.errors: list[SalesmetricsError] = []

    def add(self, code: str, path: str, message: str) -> None:
        self.errors.append(SalesmetricsError(code, path, message))
        if len(self.errors) >= self.max_errors:
            raise DatasetError(self.errors)

    def add_error(self, error: SalesmetricsError) -> None:
        self.add(error.code, error.path, error.message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise DatasetError(self.errors)


def _is_ignored(key: object) -> bool:
    return isinstance(key, str) and key.startswith("x-")


#: The sections references name (only their ids are collected).
_TARGETS = tuple(dict.fromkeys(kind[1] for fields in _FIELDS.values()
                               for _, kind, _ in fields if kind[0] in ("ref", "refs")))


def _collect_ids(data: Mapping[str, Any]) -> dict[str, set[str]]:
    """The ids each section that references name defines, valid or not."""
    ids: dict[str, set[str]] = {}
    cals = data.get("calendars")
    ids["calendars"] = set(cals) if isinstance(cals, Mapping) else set()
    for section in _TARGETS:
        if section == "calendars":
            continue
        records = data.get(section)
        found: set[str] = set()
        if isinstance(records, list):
            try:  # a list of dicts (as parsed): one pass, then the strings kept
                found = {v for v in set(map(dict.get, records, repeat("id")))
                         if isinstance(v, str)}
            except TypeError:  # a record not a dict, an unhashable id
                for rec in records:
                    if isinstance(rec, Mapping) and isinstance(rec.get("id"), str):
                        found.add(rec["id"])
        ids[section] = found
    return ids


def from_dict(
    data: Mapping[str, Any],
    *,
    max_errors: int = DEFAULT_MAX_ERRORS,
    path: str = "",
    limits: Limits = DEFAULT_LIMITS,
) -> Dataset:
    """Validate a docs/case-format.md dataset given as dicts and lists; build a Dataset.

    Each big section is checked column by column first (the fast path); a
    section where anything fails or looks unusual is checked again record by
    record, which finds and reports its errors: the errors are the same
    either way.

    Args:
        data: the ``data`` object of a case (sections of records).
        max_errors: stop collecting after this many errors.
        path: prefix of every error path (``""``: paths start at the section).
        limits: the most records and the deepest nesting accepted.

    Raises:
        DatasetError: every error found (up to ``max_errors``), the first one's
            code and path as its own.
        SalesmetricsError: ``invalid_option`` at ``max_errors``, ``path`` or
            ``limits`` (not a whole number, a string, a :class:`Limits`).
    """
    whole_number(max_errors, "max_errors", minimum=None)
    instance_of(path, str, "path", "a string", "invalid_option")
    instance_of(limits, Limits, "limits", "a Limits", "invalid_option")
    return build(data, max_errors=max_errors, path=path, limits=limits)


def build(
    data: Mapping[str, Any],
    *,
    max_errors: int = DEFAULT_MAX_ERRORS,
    path: str = "",
    limits: Limits = DEFAULT_LIMITS,
    height: int | None = None,
    known: Mapping[str, Collection[str]] | None = None,
    base: Dataset | None = None,
) -> Dataset:
    """:func:`from_dict`, told by a loader how deep ``data`` can be at most (private).

    ``height``: a bound on the nesting of ``data`` (itself 1, its sections 2,
    their records 3, ...) that the loader proved from the text (a JSON Lines
    line with ``b`` brackets gives at most ``b + 2``); within the limit, the
    depth walk is not needed.

    ``known``: section -> ids defined outside ``data`` (reference data already
    loaded, as the stream engine's parts have it): references to them are
    valid, exactly as if their records were in ``data``; errors are named as
    without it. ``base``: records already validated (that reference data) that
    the dataset built holds before ``data``'s, section by section; give its
    ids in ``known``.

    >>> ref = build({"teams": [{"id": "A"}]})
    >>> part = build({"threads": [{"id": "t", "team": "A"}]}, known={"teams": {"A"}}, base=ref)
    >>> part.teams == ref.teams, len(part.threads)
    (True, 1)
    >>> build({"threads": [{"id": "t", "team": "B"}]}, known={"teams": {"A"}}, base=ref)
    Traceback (most recent call last):
    ...
    salesmetrics.errors.DatasetError: threads[0].team: unknown team 'B'
    """
    errors = _Collector(max_errors)
    if not isinstance(data, Mapping):
        errors.add("invalid_value", path, "a dataset is a JSON object of sections")
        errors.raise_if_any()
    total = sum(len(v) for v in data.values() if isinstance(v, list | Mapping))
    with paused_gc():
        ids = _collect_ids(data)
        for section, more in (known or {}).items():
            ids[section] = ids.get(section, set()).union(more)
        memo = Shared(ids)
        # built first, reporting nothing; any section it cannot vouch for is checked below
        fast = _fast_sections(data, memo) if total <= limits.max_records else {}
        if (height is None or height > limits.max_depth) and total <= limits.max_records:
            height = _height(data, memo.nesting)
        if height is None or height > limits.max_depth:
            check_depth(data, limits, path)
        if total > limits.max_records:
            raise SalesmetricsError("invalid_value", path,
                                    f"{total} records is over the limit of {limits.max_records}")
        for key in data:
            if key not in SECTIONS and not _is_ignored(key):
                errors.add("invalid_value", join_path(path, str(key)),
                           f"unknown section {key!r}; sections: {', '.join(SECTIONS)}")

        calendars = _load_calendars(data.get("calendars"), join_path(path, "calendars"), errors)
        built: dict[str, list[Any]] = {}
        for section in _FIELDS:
            got = fast.get(section)
            if got is None:
                got = _load_section(data.get(section), section, path, memo, errors)
            built[section] = got
        errors.raise_if_any()
        if base is not None:
            calendars = {**base.calendars, **calendars}
            built = {section: [*getattr(base, section), *records]
                     for section, records in built.items()}
        return Dataset(calendars=calendars, **built)


def _fast_sections(data: Mapping[str, Any], memo: Shared) -> dict[str, list[Any]]:
    """The sections the fast path vouches for, built (it reports nothing)."""
    out: dict[str, list[Any]] = {}
    for section, fields in _FIELDS.items():
        raw = data.get(section)
        if type(raw) is list:
            got = fast_section(raw, section, memo, _convert, fields)
            if got is not None:
                out[section] = got
    return out


def _height(data: Mapping[str, Any], records: Mapping[str, int]) -> int:
    """How deep ``data`` nests: sections built by the fast path by their records' nesting."""
    deepest = 0
    for key, value in data.items():
        inner = records.get(key) if key in _FIELDS and type(value) is list else None
        deepest = max(deepest, nesting(value) if inner is None else (1 + inner if value else 1))
    return 1 + deepest


def _load_calendars(raw: object, path: str, errors: _Collector) -> dict[str, Calendar]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        errors.add("invalid_value", path, "calendars is an object: calendar id -> calendar")
        return {}
    from salesmetrics.calendars import Calendar

    out: dict[str, Calendar] = {}
    for cid, body in raw.items():
        try:
            check_text(str(cid), join_path(path, str(cid)))
            out[str(cid)] = Calendar.from_dict(body, path=join_path(path, str(cid)))
        except SalesmetricsError as exc:
            errors.add_error(exc)
    return out


def _load_section(
    raw: object, section: str, base: str, memo: Shared, errors: _Collector
) -> list[Any]:
    spath = join_path(base, section)
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors.add("invalid_value", spath, f"{section} is a list of records")
        return []
    # the exact path: record by record, every error with its path
    fields = _FIELDS[section]
    ids = memo.ids
    known = {name for name, _, _ in fields}
    seen: set[str] = set()
    out: list[Any] = []
    for i, rec in enumerate(raw):
        rpath = join_path(spath, i)
        if not isinstance(rec, Mapping):
            errors.add("invalid_value", rpath, f"a {_SINGULAR[section]} is a JSON object")
            continue
        n_before = len(errors.errors)
        values: dict[str, Any] = {}
        if not known.issuperset(rec):
            for key in rec:
                if key not in known and not _is_ignored(key):
                    errors.add("invalid_value", join_path(rpath, str(key)),
                               f"unknown field {key!r} of a {_SINGULAR[section]}; fields: "
                               + ", ".join(name for name, _, _ in fields))
        for name, kind, required in fields:
            value = rec.get(name)
            if value is None:
                if required:
                    errors.add("missing_field", join_path(rpath, name),
                               f"a {_SINGULAR[section]} needs {name!r}")
                continue
            try:
                # no path while all goes well (a path per field costs more than the check)
                values[name] = _convert(value, kind, "", ids)
            except SalesmetricsError:
                try:  # the same conversion fails again, now naming the field's path
                    _convert(value, kind, join_path(rpath, name), ids)
                except DatasetError as many:  # a nested list reports each of its errors
                    for exc in many.errors:
                        errors.add_error(exc)
                except SalesmetricsError as exc:
                    errors.add_error(exc)
        rid = values.get("id")
        if isinstance(rid, str):
            if rid in seen:
                errors.add("duplicate_id", join_path(rpath, "id"),
                           f"{_SINGULAR[section]} id {rid!r} is used twice in {section}")
            seen.add(rid)
        if len(errors.errors) == n_before:
            try:
                out.append(_BUILD[section](values, i, rpath))
            except SalesmetricsError as exc:
                errors.add_error(exc)
    return out


def _convert(value: Any, kind: _Kind, path: str, ids: Mapping[str, Collection[str]]) -> Any:
    tag = kind[0]
    if tag in ("id", "str"):
        if not isinstance(value, str):
            raise SalesmetricsError("invalid_value", path, f"must be a string, not {value!r}")
        if tag == "id" and not value:
            raise SalesmetricsError("invalid_value", path, "an id cannot be empty")
        return value if value.isascii() else check_text(value, path)
    if tag == "ref":
        return _reference(value, kind[1], path, ids)
    if tag == "refs":
        if not isinstance(value, list):
            raise SalesmetricsError("invalid_value", path, f"must be a list of ids, not {value!r}")
        return tuple(_reference(v, kind[1], join_path(path, j), ids) for j, v in enumerate(value))
    if tag == "instant":
        return parse_instant(value, path)
    if tag == "enum":
        cls: type[StrEnum] = kind[1]
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            return cls(value)
        except ValueError:
            allowed = ", ".join(m.value for m in cls)
            raise SalesmetricsError("invalid_value", path,
                                    f"{value!r} is not one of: {allowed}") from None
    if tag == "bool":
        if not isinstance(value, bool):
            raise SalesmetricsError("invalid_value", path, f"must be true or false, not {value!r}")
        return value
    if tag == "number":
        return finite_number(value, path, minimum=0)
    if tag == "conversions":
        return _conversions(value, path)
    if tag == "calendar_history":
        return _calendar_history(value, path, ids)
    raise AssertionError(tag)  # pragma: no cover


def _reference(value: Any, section: str, path: str, ids: Mapping[str, Collection[str]]
               ) -> str:
    if not isinstance(value, str):
        raise SalesmetricsError("invalid_value", path, f"must be an id (a string), not {value!r}")
    if value not in ids[section]:
        check_text(value, path)
        raise SalesmetricsError("unknown_reference", path,
                                f"unknown {_SINGULAR[section]} {value!r}")
    return value


def _entries(value: Any, path: str, what: str, fields: tuple[str, ...]
             ) -> Iterator[tuple[str, Mapping[str, Any]]]:
    # ``what`` names one item ("conversion"); the list is named by the path's last field
    """The items of a nested list of ``{fields}`` objects, each checked, with its path."""
    shape = "{" + ", ".join(fields) + "}"
    if not isinstance(value, list):
        raise SalesmetricsError("invalid_value", path, f"must be a list of {shape}")
    for j, item in enumerate(value):
        ipath = join_path(path, j)
        if not isinstance(item, Mapping):
            raise SalesmetricsError("invalid_value", ipath, f"a {what} is {shape}")
        for key in item:
            if key not in fields and not _is_ignored(key):
                raise SalesmetricsError("invalid_value", join_path(ipath, str(key)),
                                        f"unknown field {key!r} of a {what}")
        for key in fields:
            if item.get(key) is None:
                raise SalesmetricsError("missing_field", join_path(ipath, key),
                                        f"a {what} needs {key!r}")
        yield ipath, item


def _conversions(value: Any, path: str) -> tuple[Conversion, ...]:
    out = []
    for ipath, item in _entries(value, path, "conversion", ("kind", "at")):
        kind = item["kind"]
        if kind not in ("order", "sale"):
            raise SalesmetricsError("invalid_value", join_path(ipath, "kind"),
                                    f"{kind!r} is not one of: order, sale")
        out.append(Conversion(kind=ConversionKind(kind),
                              at=parse_instant(item["at"], join_path(ipath, "at"))))
    return tuple(out)


def _calendar_history(value: Any, path: str, ids: Mapping[str, Collection[str]]
                      ) -> tuple[CalendarChange, ...]:
    """A team's ``calendar_history``: ``{from, calendar}`` entries, ``from`` strictly increasing.

    Every entry's errors are collected (a :class:`DatasetError` when there are
    several): an instant not after the last valid one before it is an
    ``invalid_value`` at its ``from``.
    """
    out: list[CalendarChange] = []
    found: list[SalesmetricsError] = []
    last: datetime | None = None
    entries = _entries(value, path, "calendar_history entry", ("from", "calendar"))
    while True:
        try:
            got = next(entries, None)
        except SalesmetricsError as exc:  # a malformed entry ends the list's checks
            found.append(exc)
            break
        if got is None:
            break
        ipath, item = got
        since: datetime | None = None
        try:
            since = parse_instant(item["from"], join_path(ipath, "from"))
            if last is not None and not since > last:
                raise SalesmetricsError(
                    "invalid_value", join_path(ipath, "from"),
                    f"{item['from']!r} is not after the entry before it: "
                    "calendar_history must be strictly increasing")
            last = since
        except SalesmetricsError as exc:
            found.append(exc)
        try:
            cal = _reference(item["calendar"], "calendars", join_path(ipath, "calendar"), ids)
        except SalesmetricsError as exc:
            found.append(exc)
            continue
        if since is not None:
            out.append(CalendarChange(since=since, calendar=cal))
    if len(found) == 1:
        raise found[0]
    if found:
        raise DatasetError(found)
    return tuple(out)


# -- builders: cross-field rules, then the model object -------------------------

def _team(v: dict[str, Any], i: int, path: str) -> Team:
    return Team(**v)


def _user(v: dict[str, Any], i: int, path: str) -> User:
    return User(**v)


def _customer(v: dict[str, Any], i: int, path: str) -> Customer:
    return Customer(**v)


def _thread(v: dict[str, Any], i: int, path: str) -> Thread:
    return Thread(**v)


def _message(v: dict[str, Any], i: int, path: str) -> Message:
    direction: Direction = v["direction"]
    sender: Sender | None = v.get("sender")
    if sender is not None:
        if direction is Direction.IN and sender is not Sender.CUSTOMER:
            raise SalesmetricsError("invalid_value", join_path(path, "sender"),
                                    f"an inbound message is sent by the customer, not {sender!r}")
        if direction is Direction.OUT and sender is Sender.CUSTOMER:
            raise SalesmetricsError("invalid_value", join_path(path, "sender"),
                                    "an outbound message is sent by 'user' or 'auto'")
    else:
        v.pop("sender", None)
    return Message(index=i, **v)


def _event(v: dict[str, Any], i: int, path: str) -> ThreadEvent:
    etype: EventType = v["type"]
    needed = {EventType.TRANSFER: "to_team", EventType.ESCALATION: "to_team",
              EventType.ASSIGN: "to_user", EventType.STATUS: "status"}.get(etype)
    if needed is not None and v.get(needed) is None:
        raise SalesmetricsError("missing_field", join_path(path, needed),
                                f"a {etype.value} event needs {needed!r}")
    return ThreadEvent(index=i, **v)


def _session(v: dict[str, Any], i: int, path: str) -> Session:
    v.pop("id", None)
    end: datetime | None = v.get("end")
    if end is not None and end < v["start"]:
        raise SalesmetricsError("invalid_value", join_path(path, "end"),
                                "a session cannot end before it starts")
    return Session(index=i, **v)


def _lead(v: dict[str, Any], i: int, path: str) -> Lead:
    return Lead(**v)


def _activity(v: dict[str, Any], i: int, path: str) -> Activity:
    return Activity(index=i, **v)


def _smart_list(v: dict[str, Any], i: int, path: str) -> SmartList:
    return SmartList(**v)


_BUILD: dict[str, Callable[[dict[str, Any], int, str], Any]] = {
    "teams": _team, "users": _user, "customers": _customer, "threads": _thread,
    "messages": _message, "thread_events": _event, "sessions": _session, "leads": _lead,
    "activities": _activity, "smart_lists": _smart_list,
}
