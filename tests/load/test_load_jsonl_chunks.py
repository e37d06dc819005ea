"""A JSON Lines file is built chunk by chunk while it is read: the same outcome as all at once.

``load_jsonl(path)`` checks and builds each section ``_CHUNK`` records at a
time and drops their dicts (``_jsonl._streamed``); lines given as a list are
read whole and then built (``read_lines`` then ``build``), the path every
other test checks against the exact per-record validator. Both must give
the same dataset, or the same errors, for any file.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_load_fast_path import FAULTS, SECTIONS, dataset, faulty, lines, outcome

from salesmetrics.load import _dicts, _jsonl, load_jsonl
from salesmetrics.load._limits import Limits


def write(tmp: Path, text: Sequence[str]) -> Path:
    path = tmp / "data.jsonl"
    path.write_text("".join(line + "\n" for line in text), encoding="utf-8")
    return path


class Spy:
    """Records whether the chunked build gave the dataset (True) or left it to the whole file."""

    def __init__(self) -> None:
        self.gave: list[bool] = []
        self._real = _jsonl._streamed

    def __call__(self, source: Any) -> Any:
        got = self._real(source)
        self.gave.append(got is not None)
        return got


def chunked(path: Path, chunk: int, block: int = 300) -> tuple[Any, list[bool]]:
    """The outcome of loading ``path`` with chunks of ``chunk`` records, blocks of a few lines."""
    spy = Spy()
    with mock.patch.object(_jsonl, "_CHUNK", chunk), mock.patch.object(_jsonl, "_streamed", spy), \
            mock.patch.object(_jsonl, "_BLOCK_CHARS", block):  # (a chunk is built between blocks)
        return outcome(load_jsonl, path), spy.gave


def orders(text: list[str], rnd: random.Random) -> Iterator[list[str]]:
    """The file as written, its sections reversed (references to records further down), shuffled."""
    yield text
    by_section: dict[Any, list[str]] = {}
    for line in text:
        rec = json.loads(line)
        by_section.setdefault(rec.get("section") if isinstance(rec, dict) else None,
                              []).append(line)
    yield [line for section in reversed(list(by_section)) for line in by_section[section]]
    shuffled = list(text)
    rnd.shuffle(shuffled)
    yield shuffled


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), chunk=st.sampled_from([1, 2, 3, 7, 64]))
def test_valid_files_give_the_same_dataset_and_are_built_in_chunks(
        tmp_path: Path, seed: int, chunk: int) -> None:
    rnd = random.Random(seed)
    for text in orders(lines(dataset(seed)), rnd):
        got, gave = chunked(write(tmp_path, text), chunk)
        assert got == outcome(load_jsonl, text)
        assert gave == [True]  # a valid file never needs the second reading


@pytest.mark.parametrize("fault", sorted(FAULTS))
@settings(max_examples=3, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), chunk=st.sampled_from([1, 2, 5]))
def test_a_fault_gives_the_same_errors(tmp_path: Path, fault: str, seed: int,
                                       chunk: int) -> None:
    data = faulty(seed, fault)
    if data is None:
        return
    text = [json.dumps({"section": s, **r}) if isinstance(r, dict) else json.dumps(r)
            for s in SECTIONS for r in data.get(s) or []]
    for ordered in orders(text, random.Random(seed)):
        got, _ = chunked(write(tmp_path, ordered), chunk)
        assert got == outcome(load_jsonl, ordered)


def test_an_id_used_twice_in_two_chunks_is_an_error(tmp_path: Path) -> None:
    text = ['{"section": "teams", "id": "A"}',
            '{"section": "threads", "id": "t", "team": "A"}',
            '{"section": "messages", "id": "m", "thread": "t", '
            '"at": "2026-03-02T09:00:00+01:00", "direction": "in"}',
            '{"section": "messages", "id": "n", "thread": "t", '
            '"at": "2026-03-02T09:01:00+01:00", "direction": "in"}',
            '{"section": "messages", "id": "m", "thread": "t", '
            '"at": "2026-03-02T09:02:00+01:00", "direction": "out"}']
    got, gave = chunked(write(tmp_path, text), 1, block=1)  # a block a line
    assert gave == [False]
    assert got == outcome(load_jsonl, text)
    assert got[0][:2] == ("duplicate_id", "messages[2].id")


def test_max_errors_is_checked_as_before(tmp_path: Path) -> None:
    path = write(tmp_path, ['{"section": "teams", "id": "A"}'])
    for bad in ("2", 2.5, None):
        expected = outcome(lambda t, k=bad: load_jsonl(t, max_errors=k),
                           ['{"section": "teams", "id": "A"}'])
        assert outcome(lambda p, k=bad: load_jsonl(p, max_errors=k), path) == expected
        assert expected[0][:2] == ("invalid_option", "max_errors")


@pytest.mark.parametrize("limits", [Limits(max_records=3), Limits(max_depth=2)])
def test_a_file_over_a_limit_is_left_to_the_whole_file_path(tmp_path: Path,
                                                            limits: Limits) -> None:
    text = lines(dataset(5))
    spy = Spy()
    assert _dicts.build.__kwdefaults__ is not None
    with mock.patch.dict(_dicts.build.__kwdefaults__, {"limits": limits}), \
            mock.patch.object(_jsonl, "_streamed", spy), mock.patch.object(_jsonl, "_CHUNK", 2), \
            mock.patch.object(_jsonl, "_BLOCK_CHARS", 300):
        got = outcome(load_jsonl, write(tmp_path, text))
        assert got == outcome(load_jsonl, text)  # the whole file's error
    assert spy.gave == [False]
    code, _, message = got[0]
    assert code == "invalid_value" and ("over the limit" in message or "deeper" in message)


def test_records_keep_their_place_across_chunks(tmp_path: Path) -> None:
    text = lines(dataset(11))
    spy = Spy()
    with mock.patch.object(_jsonl, "_CHUNK", 3), mock.patch.object(_jsonl, "_streamed", spy), \
            mock.patch.object(_jsonl, "_BLOCK_CHARS", 300):
        ds = load_jsonl(write(tmp_path, text))
    assert spy.gave == [True]
    whole = load_jsonl(text)
    for section in ("messages", "thread_events", "activities"):
        assert len(getattr(ds, section)) > 3
        assert [r.index for r in getattr(ds, section)] == list(range(len(getattr(whole, section))))


@pytest.mark.parametrize("where", ["every", "last"])
def test_a_section_the_fast_path_never_vouches_for_goes_the_exact_way(
        tmp_path: Path, where: str) -> None:
    """``x-`` fields (ignored by the case format) leave the fast path: in every message, the
    section is checked record by record without a second reading; in the last one only,
    its chunks built before are gone and the file is read again."""
    text = []
    messages = [line for line in lines(dataset(3)) if '"section": "messages"' in line]
    assert len(messages) > 4
    for line in lines(dataset(3)):
        if '"section": "messages"' in line and (where == "every" or line == messages[-1]):
            line = line[:-1] + ', "x-note": "kept out"}'
        text.append(line)
    got, gave = chunked(write(tmp_path, text), 2)
    assert got == outcome(load_jsonl, text)
    assert isinstance(got, dict) and len(got["messages"]) == len(messages)
    assert gave == [where == "every"]
