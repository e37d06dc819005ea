"""The collector: what the library makes is freed by reference counting (no cycles)."""

from __future__ import annotations

import copy
import gc
import pickle
from datetime import datetime

from salesmetrics._gc import paused_gc
from salesmetrics.examples import EXAMPLE_PERIOD, example_path
from salesmetrics.load import load
from salesmetrics.report import build_report


def test_a_load_and_a_report_leave_no_cyclic_garbage() -> None:
    build_report(load(example_path()), period=EXAMPLE_PERIOD)  # caches filled once
    gc.collect()
    flags = gc.get_debug()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        ds = load(example_path())
        build_report(ds, period=EXAMPLE_PERIOD)
        del ds
        unreachable = gc.collect()
        kinds = sorted({type(o).__name__ for o in gc.garbage})
    finally:
        gc.set_debug(flags)
        gc.garbage.clear()
    assert unreachable == 0, kinds


def test_a_paused_block_resumes_the_collector_and_keeps_a_freeze() -> None:
    assert gc.isenabled()
    with paused_gc():
        made = [[] for _ in range(5000)]
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_count()[0] < 5000 and len(made) == 5000
    gc.freeze()  # the program's own freeze is left as it is
    try:
        frozen = gc.get_freeze_count()
        with paused_gc():
            more = [[] for _ in range(100)]
        assert gc.get_freeze_count() == frozen and len(more) == 100
    finally:
        gc.unfreeze()


def test_calendars_pickle_and_copy_with_their_clock() -> None:
    ds = load(example_path())
    a = datetime.fromisoformat("2026-03-09T08:00:00+01:00")
    b = datetime.fromisoformat("2026-03-12T18:30:00+01:00")
    for cal in ds.calendars.values():
        for other in (pickle.loads(pickle.dumps(cal)), copy.deepcopy(cal), copy.copy(cal)):
            assert other == cal
            assert other.business_seconds(a, b) == cal.business_seconds(a, b)
