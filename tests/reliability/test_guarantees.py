"""The guarantees of docs/guarantees.md that the other reliability tests do not cover."""

from __future__ import annotations

import ast
import random
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from _harness import imported, small_data

import salesmetrics
from salesmetrics.calendars import Calendar
from salesmetrics.load import from_dict
from salesmetrics.metrics.conversations import conversations
from salesmetrics.metrics.responses import response_rate
from salesmetrics.period import Period

METRICS_DIR = Path(salesmetrics.__file__).parent / "metrics"
#: Names whose use in a metric module would read I/O, the clock, randomness or globals.
_IMPURE = {"open", "print", "input", "now", "utcnow", "today", "monotonic",
           "perf_counter", "random", "getenv", "environ", "urlopen", "system"}
_IMPURE_MODULES = {"os", "io", "sys", "time", "random", "socket", "urllib", "pathlib",
                   "subprocess", "logging", "threading"}


def test_metric_modules_read_no_io_clock_randomness_or_global_state() -> None:
    problems = []
    for path in sorted(METRICS_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Global | ast.Nonlocal):
                problems.append(f"{path.name}:{node.lineno}: global/nonlocal")
            elif isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else getattr(f, "attr", "")
                if name in _IMPURE:
                    problems.append(f"{path.name}:{node.lineno}: {name}()")
            problems += [f"{path.name}:{getattr(node, 'lineno', 0)}: import {m}"
                         for m in imported(node) if m.split(".")[0] in _IMPURE_MODULES]
    assert problems == []


def test_results_are_frozen_values() -> None:
    ds = from_dict(small_data(7))
    period = Period(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC))
    for result in (conversations(ds, period=period, by="team"), response_rate(ds, period=period, by="team")):
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            result.overall = None  # type: ignore[misc, assignment]
        assert result == result.__class__(**attrs.asdict(result, recurse=False))


def test_a_calendar_shared_by_threads_gives_the_serial_numbers() -> None:
    data = small_data(3)["calendars"]["paris"]
    rnd = random.Random(5)
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    pairs = [(t0 + timedelta(hours=rnd.randint(0, 24 * 365 * 3)),
              t0 + timedelta(hours=rnd.randint(0, 24 * 365 * 3))) for _ in range(400)]
    serial = Calendar.from_dict(data, path="")
    expected = [serial.business_seconds(a, b) for a, b in pairs]
    shared = Calendar.from_dict(data, path="")  # fresh: its caches grow while threads read it
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda p: shared.business_seconds(*p), pairs))
    assert got == expected
