"""Every public function given a value of the wrong kind: a SalesmetricsError, never a bare one.

Written once over the public modules' ``__all__``: each function whose first
parameter is positional (and that needs no other argument) is called with
values a clumsy or hostile caller passes. The outcome is a result, a
``SalesmetricsError`` naming the parameter, or ``ModuleNotFoundError`` for
an optional extra that is not installed: never ``TypeError``,
``AttributeError``, ``KeyError`` or an assertion from inside the library.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterator
from datetime import UTC
from typing import Any

import pytest

from salesmetrics.errors import SalesmetricsError

MODULES = ("salesmetrics", "salesmetrics.load", "salesmetrics.frames", "salesmetrics.report",
           "salesmetrics.plot", "salesmetrics.calendars", "salesmetrics.load.realdata",
           "salesmetrics.timeline", "salesmetrics.rules", "salesmetrics.metrics",
           "salesmetrics.cli", "salesmetrics.spec")

BAD: tuple[object, ...] = (5, None, "", "x", b"x", (), {}, object(), float("nan"), [5],
                           {"teams": 5})


def _functions() -> Iterator[tuple[str, Callable[..., Any]]]:
    for name in MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            f = getattr(module, attr)
            if not inspect.isfunction(f):
                continue
            params = list(inspect.signature(f).parameters.values())
            if not params or params[0].kind not in (params[0].POSITIONAL_ONLY,
                                                     params[0].POSITIONAL_OR_KEYWORD):
                continue
            if any(p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                   for p in params[1:]):
                continue  # needs more than its data: covered by the metric sweeps
            yield f"{name}.{attr}", f


FUNCTIONS = sorted(dict(_functions()).items())


def test_the_sweep_covers_the_public_functions() -> None:
    names = {n for n, _ in FUNCTIONS}
    assert {"salesmetrics.load.load", "salesmetrics.frames.to_frame",
            "salesmetrics.report.report_json", "salesmetrics.timeline.timelines",
            "salesmetrics.plot.ranking", "salesmetrics.calendars.clock_named"} <= names


@pytest.mark.parametrize(("name", "function"), FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_a_wrong_kind_of_value_is_a_salesmetrics_error(name: str, function: Callable[..., Any],
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    for value in BAD:
        try:
            function(value)
        except (SalesmetricsError, ModuleNotFoundError):
            pass
        except SystemExit as exc:  # a command line's main: a usage error, exit status 2
            assert exc.code == 2, (name, value)
        except Exception as exc:
            pytest.fail(f"{name}({value!r}) raised {type(exc).__name__}: {exc}")
    capsys.readouterr()


def test_records_made_in_python_are_checked_and_read_strings_as_members() -> None:
    from datetime import datetime, timedelta

    from salesmetrics import Dataset, Period, metrics
    from salesmetrics.model import (
        Activity,
        ActivityKind,
        Direction,
        Lead,
        Message,
        Sender,
        StatusGroup,
        Team,
        Thread,
    )

    t = datetime(2026, 3, 10, 9, tzinfo=UTC)
    # a string where an enum goes is read as its member: the walks compare members by
    # identity, so "in" kept as a string used to count every message as outbound
    m = Message(thread="t", at=t, direction="in")  # type: ignore[arg-type]
    assert m.direction is Direction.IN and m.sender is Sender.CUSTOMER
    assert Activity(user="u", kind="call", at=t).kind is ActivityKind.CALL  # type: ignore[arg-type]
    assert Lead(id="L", received_at=t,
                status_group="won").status_group is StatusGroup.WON  # type: ignore[arg-type]
    ds = Dataset(teams=[Team(id="A")], threads=[Thread(id="t", team="A")],
                 messages=[m, Message(thread="t", at=t + timedelta(minutes=5),
                                      direction="out")])  # type: ignore[arg-type]
    rate = metrics.response_rate(ds, period=Period(t, t + timedelta(days=1)), by="team")
    assert rate.groups["A"].answered == 1
    for make, code, path in [
        (lambda: Message(thread="t", at=datetime(2026, 3, 1), direction=Direction.IN),
         "invalid_instant", "at"),
        (lambda: Message(thread="t", at=t, direction="sideways"), "invalid_value", "direction"),
        (lambda: Team(id=5), "invalid_value", "id"),
        (lambda: Thread(id="t", team=None), "invalid_value", "team"),
        (lambda: Dataset(teams=5), "invalid_value", "teams"),
        (lambda: Dataset(teams=[Team(id="A"), 5]), "invalid_value", "teams[1]"),
        (lambda: Dataset(messages=[Team(id="A")]), "invalid_value", "messages[0]"),
        (lambda: Dataset(calendars={"c": 5}), "invalid_value", "calendars.c"),
    ]:
        with pytest.raises(SalesmetricsError) as info:
            make()  # type: ignore[no-untyped-call]
        assert (info.value.code, info.value.path) == (code, path)


def test_the_report_s_parameters_of_the_wrong_kind_are_named() -> None:
    from salesmetrics.examples import EXAMPLE_PERIOD, example_path
    from salesmetrics.load import from_dict, load
    from salesmetrics.report import build_report, render_table

    ds = load(example_path())
    report = build_report(ds, period=EXAMPLE_PERIOD)
    calls: list[tuple[Callable[[object], object], str]] = [
        (lambda v: build_report(v, period=EXAMPLE_PERIOD), "dataset"),  # type: ignore[arg-type]
        (lambda v: build_report(ds, period=EXAMPLE_PERIOD, progress=v), "progress"),  # type: ignore[arg-type]
        (lambda v: render_table(report, source=v), "source"),  # type: ignore[arg-type]
        (lambda v: render_table(report, width=v), "width"),  # type: ignore[arg-type]
        (lambda v: from_dict({}, limits=v), "limits"),  # type: ignore[arg-type]
        (lambda v: from_dict({}, max_errors=v), "max_errors"),  # type: ignore[arg-type]
    ]
    for call, name in calls:
        for value in (5.5, "x", [], object()):
            if name == "source" and value == "x":
                continue  # a source may be any text
            with pytest.raises(SalesmetricsError) as info:
                call(value)
            assert info.value.path == name, (name, value)
