"""The loader's fast path and its exact path agree: same datasets, same errors.

The fast path (sections checked per column, flat JSON Lines records parsed
without the duplicate-key hook, orjson when installed, the depth walk skipped
when the nesting is proven within the limit) must build exactly the dataset
the per-record validator builds, and leave every error to it. Each test runs
the same input both ways: :func:`exact_only` switches every fast step off and
makes the depth walk visit every record, as it did before the fast path.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import tempfile
from collections.abc import Iterator, Mapping
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesmetrics.dataset import Dataset
from salesmetrics.errors import DatasetError, SalesmetricsError
from salesmetrics.examples import generate
from salesmetrics.load import from_dict, from_dict_lenient, load_json, load_jsonl
from salesmetrics.load._dicts import _FIELDS
from salesmetrics.load._files import flat_record, flat_records, parse_document, parse_json
from salesmetrics.load._jsonl import iter_jsonl_lines

SECTIONS = tuple(_FIELDS)
INDEXES = ("messages_by_thread", "events_by_thread", "sessions_by_user", "activities_by_user",
           "activities_by_lead", "leads_by_team", "teams_by_id", "users_by_id",
           "customers_by_id", "threads_by_id", "leads_by_id", "smart_lists_by_id")


@contextlib.contextmanager
def exact_only() -> Iterator[None]:
    """Every fast step off: the per-record validator, the hooked parser, the full depth walk."""
    with contextlib.ExitStack() as stack:
        for target, new in (
            ("salesmetrics.load._dicts.fast_section", lambda *a: None),
            ("salesmetrics.load._dicts._height", lambda *a: 10**9),
            ("salesmetrics.load._limits._flat_records", lambda items: False),  # the full walk
            ("salesmetrics.load._jsonl.flat_record", lambda text: None),
            ("salesmetrics.load._jsonl.flat_records", lambda lines: None),
            ("salesmetrics.load._files.flat_record", lambda text: None),
            ("salesmetrics.load._jsonl.nesting", lambda value: 10**9),
            ("salesmetrics.load._json.parse_document", parse_json),
        ):
            stack.enter_context(mock.patch(target, new))
        yield


@contextlib.contextmanager
def parser(name: str) -> Iterator[None]:
    """The fast parser: orjson (when installed) or the standard library's."""
    if name == "orjson":
        pytest.importorskip("orjson")
        yield
    else:
        with mock.patch("salesmetrics.load._files._orjson_loads", lambda: None):
            yield


def outcome(load: Any, *args: Any, view: Any = None) -> Any:
    """The dataset's full content (or ``view(dataset)``), or the errors (code, path, message)."""
    show = content if view is None else view
    try:
        ds = load(*args)
    except SalesmetricsError as exc:
        errors = exc.errors if isinstance(exc, DatasetError) else [exc]
        return [(e.code, e.path, e.message) for e in errors]
    if isinstance(ds, tuple):  # lenient: (dataset, report)
        ds, report = ds
        return show(ds), tuple(report.skipped)
    return show(ds)


def content(ds: Dataset) -> dict[str, Any]:
    """Records, instants' offsets and text, and index orders: what must be identical."""
    out: dict[str, Any] = {name: getattr(ds, name) for name in SECTIONS}
    out["calendars"] = sorted(ds.calendars)
    for name in ("messages", "thread_events", "activities"):
        out[name + ".at"] = [(r.at.isoformat(), r.at.utcoffset()) for r in getattr(ds, name)]
    for name in INDEXES:
        index = getattr(ds, name)
        out[name] = {k: (v if not isinstance(v, tuple) else [repr(r) for r in v])
                     for k, v in index.items()}
    return out


def both_ways(load: Any, *args: Any) -> tuple[Any, Any]:
    fast = outcome(load, *args)
    with exact_only():
        exact = outcome(load, *args)
    return fast, exact


def dataset(seed: int) -> dict[str, Any]:
    """A realistic example dataset, its instants in varied spellings (offsets, ``Z``)."""
    rnd = random.Random(seed)
    data = generate(seed=seed, messages=rnd.randint(0, 40), weeks=1)
    for rec in data.get("messages", []):
        if rnd.random() < 0.2:
            rec["at"] = rec["at"][:19] + rnd.choice(["Z", "+00:00", "+05:30", "-09:00"])
        if rnd.random() < 0.1:
            rec["at"] = rec["at"][:19] + ".250000" + rec["at"][19:]
    return data


def lines(data: Mapping[str, Any]) -> list[str]:
    return list(iter_jsonl_lines(data))


def json_file_both_ways(text: str) -> tuple[Any, Any]:
    """``load_json`` of a file holding ``text``, fast and exact."""
    fd, name = tempfile.mkstemp(suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return both_ways(load_json, name)
    finally:
        os.unlink(name)


@pytest.mark.parametrize("name", ["orjson", "stdlib"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6))
def test_valid_data_gives_the_same_dataset_both_ways(name: str, seed: int) -> None:
    data = dataset(seed)
    with parser(name):
        fast, exact = both_ways(from_dict, data)
        assert fast == exact and not isinstance(fast, list)
        fast_lines, exact_lines = both_ways(load_jsonl, lines(data))
        fast_file, exact_file = json_file_both_ways(json.dumps(data, ensure_ascii=False))
    assert fast_lines == exact_lines == fast == fast_file == exact_file


def test_offsets_are_shared_and_references_are_one_string() -> None:
    data = dataset(7)
    ds = from_dict(json.loads(json.dumps(data)))
    zones: dict[Any, Any] = {}
    for m in ds.messages:
        assert zones.setdefault(m.at.utcoffset(), m.at.tzinfo) is m.at.tzinfo
    threads = {t.id: t.id for t in ds.threads}
    assert all(m.thread is threads[m.thread] for m in ds.messages)


# -- one fault of each kind -----------------------------------------------------------

#: fault -> (section, field, value): put into one record of the section.
FAULTS: dict[str, tuple[str, str, Any]] = {
    "bad instant": ("messages", "at", "2026-13-02T09:00:00+01:00"),
    "naive instant": ("messages", "at", "2026-03-02T09:00:00"),
    "spaced instant": ("thread_events", "at", " 2026-03-02T09:00:00+01:00 "),
    "instant out of range": ("activities", "at", "9998-12-31T20:00:00Z"),
    "unknown ref": ("messages", "thread", "no-such-thread"),
    "unknown user": ("activities", "user", "nobody"),
    "missing field": ("messages", "direction", None),
    "bad enum": ("messages", "direction", "sideways"),
    "bad sender": ("messages", "sender", "customer"),
    "unknown field": ("thread_events", "colour", "blue"),
    "x- field": ("messages", "x-note", "kept out"),
    "duplicate id": ("threads", "id", None),  # None: the id of the record before
    "empty id": ("customers", "id", ""),
    "big int": ("messages", "channel", 2**70),
    "negative big int": ("activities", "duration_seconds", -(2**70)),
    "NaN": ("activities", "duration_seconds", float("nan")),
    "infinity": ("activities", "duration_seconds", float("inf")),
    "float": ("activities", "duration_seconds", 12.5),
    "bool as number": ("activities", "duration_seconds", True),
    "lone surrogate": ("users", "first_name", "A\ud800"),
    "deep nesting": ("leads", "type", [[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]),
    "session ends early": ("sessions", "end", "2000-01-02T00:00:00Z"),
    "event without target": ("thread_events", "type", "transfer"),
    "not a record": ("messages", "", "a string"),
}


def faulty(seed: int, fault: str) -> dict[str, Any] | None:
    data = generate(seed=seed, messages=20, weeks=1)
    section, field, value = FAULTS[fault]
    records = data.get(section) or []
    if len(records) < 2:
        return None
    i = random.Random(seed).randrange(1, len(records))
    if field == "":
        records[i] = value
    elif fault == "duplicate id":
        records[i]["id"] = records[i - 1]["id"]
    elif fault == "event without target":
        records[i] = {k: v for k, v in records[i].items() if k not in ("to_team", "to_user")}
        records[i]["type"] = value
    else:
        records[i][field] = value
    return data


@pytest.mark.parametrize("fault", sorted(FAULTS))
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6))
def test_one_fault_gives_the_same_errors_both_ways(fault: str, seed: int) -> None:
    data = faulty(seed, fault)
    if data is None:
        return
    fast, exact = both_ways(from_dict, data)
    assert fast == exact
    lenient_fast, lenient_exact = both_ways(from_dict_lenient, data)
    assert lenient_fast == lenient_exact
    text = [json.dumps({"section": s, **r}) if isinstance(r, dict) else json.dumps(r)
            for s in SECTIONS for r in data.get(s) or []]
    for name in ("orjson", "stdlib"):
        if name == "orjson" and not _has_orjson():
            continue
        with parser(name):
            fast_lines, exact_lines = both_ways(load_jsonl, text)
            fast_file, exact_file = json_file_both_ways(json.dumps(data))
        assert fast_lines == exact_lines
        assert fast_file == exact_file
    for max_errors in (1, 2):
        few_fast, few_exact = both_ways(lambda d, k=max_errors: from_dict(d, max_errors=k), data)
        assert few_fast == few_exact


def _has_orjson() -> bool:
    try:
        import orjson  # noqa: F401
    except ImportError:
        return False
    return True


# -- JSON Lines: what the text parser must never get wrong -----------------------------

LINE_FAULTS = [
    # a key given twice, spelt so that naive counting could miss it
    '{"section": "teams", "id": "A", "id": "B"}',
    '{"section": "teams", "id" : "A", "name": "", "id": "B"}',
    '{"section": "teams", "id": "A:", "id" : "B"}',
    '{"section": "teams", "id": "A\\"", "id": "B"}',
    '{"section": "teams", "id": "A", "name": "x\\": 1, \\"name", "id": "C"}',
    '{"section": "teams", "section": "users", "id": "A"}',
    # numbers orjson reads otherwise, or refuses
    '{"section": "teams", "id": 18446744073709551616}',
    '{"section": "teams", "id": -9223372036854775809}',
    '{"section": "teams", "id": 1e400}',
    '{"section": "teams", "id": NaN}',
    '{"section": "teams", "id": -Infinity}',
    '{"section": "teams", "id": 1.5}',
    # strings orjson refuses
    '{"section": "teams", "id": "\\ud800"}',
    '{"section": "teams", "id": "\\udc00\\ud800"}',
    # not one flat object
    '{"section": "teams", "id": "A"} {"section": "teams", "id": "B"}',
    '[{"section": "teams", "id": "A"}]',
    '{"section": "teams", "id": "{"}',
    '{"section": "teams", "id": ["A"]}',
    '{"section": "teams", "id": {"a": 1}}',
    '"{"',
    '{"section": "teams", "id": "A",}',
    '{"section": 7, "id": "A"}',
    '{"section": ["teams"], "id": "A"}',
    '{"section": "calendars", "id": "c", "timezone": "UTC"}',
    '\ufeff{"section": "teams", "id": "A"}',
    '{"section": "teams", "id": "Ω"}',
    "[" * 50 + "]" * 50,
    # space around the line: JSON's own, and what only str.strip removes
    '\t{"section": "teams", "id": "A"}\r\n',
    '{"section": "teams", "id": "A"}\x0c',
    '\x1c{"section": "teams", "id": "A"} ',
]


@pytest.mark.parametrize("name", ["orjson", "stdlib"])
@pytest.mark.parametrize("line", LINE_FAULTS)
def test_odd_lines_give_the_same_outcome_both_ways(name: str, line: str) -> None:
    text = ['{"section": "teams", "id": "T"}', '{"section": "teams", "id": "U"}', line,
            '{"section": "threads", "id": "t", "team": "T"}']
    with parser(name):
        fast, exact = both_ways(load_jsonl, text)
    assert fast == exact


@pytest.mark.parametrize("name", ["orjson", "stdlib"])
@settings(max_examples=200, deadline=None)
@given(obj=st.dictionaries(
    st.text(max_size=4), st.one_of(st.none(), st.booleans(), st.integers(),
                                   st.floats(allow_nan=False), st.text(max_size=6)),
    max_size=5), extra=st.text(max_size=3), spaced=st.booleans())
def test_a_flat_record_is_never_misread(name: str, obj: dict[str, Any], extra: str,
                                        spaced: bool) -> None:
    # the same object, with a duplicated key put in front when extra names one
    body = json.dumps(obj, ensure_ascii=False, separators=(", ", " : " if spaced else ": "))
    text = body if not obj or extra not in obj else "{" + json.dumps(extra) + ": 0, " + body[1:]
    with parser(name):
        fast = flat_record(text) if text.count("{") == 1 and "[" not in text else None
    try:
        exact = parse_json(text)
    except SalesmetricsError:
        exact = None
    assert fast is None or fast == exact
    if fast is not None:
        assert [type(v) for v in fast.values()] == [type(v) for v in exact.values()]


def _spelt(value: Any, rnd: random.Random) -> str:
    """JSON text of ``value``, objects sometimes given a key twice (spelt in varied ways)."""
    if isinstance(value, dict):
        members = [f"{json.dumps(k)}{rnd.choice([': ', ' : ', ':'])}{_spelt(v, rnd)}"
                   for k, v in value.items()]
        if value and rnd.random() < 0.3:
            key = rnd.choice(list(value))
            members.insert(rnd.randrange(len(members) + 1), f"{json.dumps(key)} :0")
        return "{" + ", ".join(members) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_spelt(v, rnd) for v in value) + "]"
    return json.dumps(value)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner,
                                                               max_size=4),
    max_leaves=20)


@pytest.mark.parametrize("name", ["orjson", "stdlib"])
@settings(max_examples=200, deadline=None)
@given(doc=JSON, rnd=st.randoms(use_true_random=False), as_bytes=st.booleans())
def test_a_document_is_never_misread(name: str, doc: Any, rnd: random.Random,
                                     as_bytes: bool) -> None:
    text = _spelt(doc, rnd)
    raw: str | bytes = text.encode("utf-8", "surrogatepass") if as_bytes else text

    def read(parse: Any) -> Any:
        try:
            return ("ok", repr(parse(raw, "", "f")))  # repr: NaN, -0.0 and int/float told apart
        except SalesmetricsError as exc:
            return ("error", str(exc))

    with parser(name):
        assert read(parse_document) == read(parse_json)


@pytest.mark.parametrize("name", ["orjson", "stdlib"])
@pytest.mark.parametrize("text", ["-9223372036854775809", "18446744073709551616", '"a"', "1.5"])
def test_a_document_of_one_scalar_is_read_as_the_standard_library_reads_it(
        name: str, text: str) -> None:
    # orjson reads an integer beyond 64 bits as a float: a bare one too
    with parser(name):
        assert repr(parse_document(text, "", "f")) == repr(parse_json(text, "", "f"))


@pytest.mark.parametrize("name", ["orjson", "stdlib"])
@settings(max_examples=100, deadline=None)
@given(objs=st.lists(st.dictionaries(
    st.text(max_size=3), st.one_of(st.none(), st.booleans(), st.integers(),
                                   st.floats(allow_nan=False), st.text(max_size=4)),
    max_size=4), min_size=1, max_size=6), dup=st.integers(0, 6), spaced=st.booleans())
def test_a_block_of_flat_records_is_vouched_for_only_when_every_line_is(
        name: str, objs: list[dict[str, Any]], dup: int, spaced: bool) -> None:
    texts = [json.dumps(o, ensure_ascii=False, separators=(", ", " : " if spaced else ": "))
             for o in objs]
    if dup < len(objs) and objs[dup]:  # one line given a key twice
        key = next(iter(objs[dup]))
        texts[dup] = "{" + json.dumps(key) + ": 0, " + texts[dup][1:]
    with parser(name):
        block = flat_records(texts)
        each = [flat_record(t) if t.count("{") == 1 and "[" not in t else None for t in texts]
    if block is not None:
        assert block == each and None not in each
        assert [[type(v) for v in r.values()] for r in block] == \
            [[type(v) for v in r.values()] for r in each]  # type: ignore[union-attr]
    if dup < len(objs) and objs[dup]:
        assert block is None


# -- the column path's pieces: block pull, lookups, conversions at once -----------------

def reprs(load: Any, *args: Any) -> Any:
    """Every section's records by repr (offsets and enum members shown), or the errors."""
    return outcome(load, *args,
                   view=lambda ds: {name: repr(getattr(ds, name)) for name in SECTIONS})


def vouched(data: Mapping[str, Any]) -> set[str]:
    """The sections the fast path builds (the others go record by record)."""
    from salesmetrics.load._columns import Shared
    from salesmetrics.load._dicts import _collect_ids, _fast_sections

    return set(_fast_sections(data, Shared(_collect_ids(data))))


def blocks_of(size: int) -> Any:
    """Records pulled ``size`` at a time: several blocks in a small section."""
    return mock.patch("salesmetrics.load._columns._BLOCK", size)


#: optional fields left out of some records: each is a rule of its record's own
_KEPT = {"to_team", "to_user", "status"}  # an event's target: its type needs it


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), block=st.sampled_from([1, 3, 7, 2048]),
       drop=st.integers(0, 2**32))
def test_fields_absent_from_some_records_give_the_same_dataset_both_ways(
        seed: int, block: int, drop: int) -> None:
    data = generate(seed=seed, messages=30, weeks=1)
    rnd = random.Random(drop)
    for section, fields in _FIELDS.items():
        optional = {name for name, _, required in fields if not required} - _KEPT
        for rec in data.get(section) or []:
            for name in sorted(optional & rec.keys()):
                draw = rnd.random()
                if draw < 0.25:
                    del rec[name]
                elif draw < 0.35:
                    rec[name] = None
    with blocks_of(block):
        fast, exact = both_ways(from_dict, data)
        fast_repr = reprs(from_dict, data)
        with exact_only():
            exact_repr = reprs(from_dict, data)
        built = vouched(data)
    assert fast == exact and not isinstance(fast, list)
    assert fast_repr == exact_repr
    assert {"messages", "activities", "leads"} <= built


#: fault -> (section, field, value) put into the last record: the last block of several
LATE_FAULTS: dict[str, tuple[str, str, Any]] = {
    "required field absent": ("messages", "direction", "<absent>"),
    "required field null": ("messages", "thread", None),
    "unknown reference": ("activities", "user", "nobody"),
    "unknown enum value": ("thread_events", "type", "poke"),
    "unhashable reference": ("messages", "thread", ["t"]),
    "unhashable enum value": ("activities", "kind", {"call": 1}),
    "reference not a string": ("leads", "team", 7),
    "optional enum null": ("messages", "sender", None),
    "unknown field": ("activities", "colour", "blue"),
    "x- field": ("thread_events", "x-note", "kept out"),
    "not a record": ("messages", "", ["a", "list"]),
}


@pytest.mark.parametrize("fault", sorted(LATE_FAULTS))
@pytest.mark.parametrize("block", [1, 4, 2048])
def test_a_fault_in_a_late_block_gives_the_same_outcome_both_ways(fault: str,
                                                                  block: int) -> None:
    data = generate(seed=11, messages=40, weeks=1)
    section, field, value = LATE_FAULTS[fault]
    rec = data[section][-1]
    if value == "<absent>":
        del rec[field]
    elif field == "":
        data[section][-1] = value
    else:
        rec[field] = value
    with blocks_of(block):
        fast, exact = both_ways(from_dict, data)
        built = vouched(data)
    assert fast == exact
    assert (section in built) == (fault == "optional enum null")


def test_equal_instant_strings_give_equal_records_both_ways() -> None:
    data = generate(seed=4, messages=40, weeks=1)
    spellings = ["2026-03-02T09:00:00+01:00", "2026-03-02T08:00:00Z", "2026-03-02T08:00:00+00:00"]
    for i, rec in enumerate(data["messages"]):
        rec["at"] = spellings[i % 3]
    for rec in data["activities"]:
        rec["at"] = spellings[0]
    fast, exact = both_ways(from_dict, data)
    assert fast == exact and not isinstance(fast, list)
    ds = from_dict(data)
    assert {m.at.isoformat() for m in ds.messages} == {
        "2026-03-02T09:00:00+01:00", "2026-03-02T08:00:00+00:00"}
    zones = {m.at.utcoffset(): m.at.tzinfo for m in ds.messages}
    assert all(m.at.tzinfo is zones[m.at.utcoffset()] for m in ds.messages)


_CONVERSION_AT = st.sampled_from([
    "2026-03-02T09:00:00+01:00", "2026-03-02T08:00:00Z", "2026-03-03T10:30:00.5-04:00",
    " 2026-03-02T09:00:00+01:00", "2026-03-02T09:00:00", "2026-02-30T09:00:00Z", "soon",
    "0002-01-02T12:00:00Z", "9998-12-30T00:00:00Z", "9998-12-31T00:00:00Z", 5, None, [],
])
_CONVERSION = st.fixed_dictionaries(
    {"kind": st.sampled_from(["order", "sale", "sale", "Sale", "", 1, None, ["order"]]),
     "at": _CONVERSION_AT},
    optional={"x-note": st.just("n"), "amount": st.just(3)})
_USUAL_AT = ("2026-03-02T09:00:00+01:00", "2026-03-02T08:00:00Z", "2026-03-03T10:30:00.5-04:00",
             "2026-03-02T09:00:00-09:30")
_USUAL_CONVERSION = st.fixed_dictionaries(
    {"kind": st.sampled_from(["order", "sale"]), "at": st.sampled_from(_USUAL_AT)})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.none() | st.just("<null>") | st.lists(_USUAL_CONVERSION, max_size=3)
                       | st.lists(_CONVERSION, max_size=2) | st.sampled_from(["x", {}, 3]),
                       min_size=1, max_size=6),
       usual=st.booleans())
def test_conversions_give_the_same_leads_both_ways(values: list[Any], usual: bool) -> None:
    if usual:  # every value one the column check vouches for
        values = [v for v in values if v in (None, "<null>") or (
            isinstance(v, list) and all(item.keys() == {"kind", "at"}
                                        and item["kind"] in ("order", "sale")
                                        and item["at"] in _USUAL_AT for item in v))]
    data = generate(seed=2, messages=20, weeks=1)
    leads = data["leads"]
    for rec in leads:  # only the values drawn
        rec.pop("conversions", None)
    for i, value in enumerate(values):
        if value is None:  # absent, or given as null
            leads[i].pop("conversions", None)
        elif value == "<null>":
            leads[i]["conversions"] = None
        else:
            leads[i]["conversions"] = value
    fast_repr = reprs(from_dict, data)
    with exact_only():
        exact_repr = reprs(from_dict, data)
    assert fast_repr == exact_repr
    with blocks_of(3):
        assert reprs(from_dict, data) == exact_repr
    if usual:
        from salesmetrics.load._columns import _conversions
        from salesmetrics.load._dicts import _convert
        from salesmetrics.load._limits import nesting

        column = [rec.get("conversions") for rec in leads]
        got = _conversions(column, {})
        assert got is not None and "leads" in vouched(data)
        each = [None if v is None else _convert(v, ("conversions",), "", {}) for v in column]
        assert repr(got[0]) == repr(each)
        assert got[1] == max(map(nesting, column))  # the depth walk it spares


@pytest.mark.parametrize("block", [2, 2048])
def test_equal_text_values_are_one_string_across_sections(block: int) -> None:
    data = json.loads(json.dumps(generate(seed=6, messages=30, weeks=1)))  # fresh strings
    for rec in data["messages"]:
        rec["channel"] = "".join(["we", "b"])
    for rec in data["leads"]:
        rec["source"] = "".join(["we", "b"])
    with blocks_of(block):
        ds = from_dict(data)
        assert {"messages", "leads"} <= vouched(data)
    first = ds.messages[0].channel
    assert all(m.channel is first for m in ds.messages)
    assert all(lead.source is first for lead in ds.leads)
