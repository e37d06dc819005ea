"""The conformance runner: compute a case's checks and compare them with their expectations.

A case (docs/case-format.md) is a dataset and checks. :func:`compute_case` gives, per
check, the actual result or an error object; :func:`run_case` (and
:func:`run_case_file`) also judge each check against its ``expect`` or
``expect_error`` and report what differs. Nothing a case holds crashes a run:
an unknown metric, a metric not implemented yet or an unexpected exception in
a metric all become a failing check.

>>> doc = {"format": "salesmetrics-case/1", "name": "a dangling thread team is refused",
...        "data": {"threads": [{"id": "t", "team": "B"}]},
...        "checks": [{"metric": "waiting", "options": {"at": "2026-03-02T09:00:00Z"},
...                    "expect_error": {"code": "unknown_reference", "path": "threads[0].team"}}]}
>>> compute_case(doc)
[{'error': {'code': 'unknown_reference', 'path': 'threads[0].team', 'message': "unknown team 'B'"}}]
>>> report = run_case(doc, "dangling.json")
>>> report.passed, report.failed
(1, 0)
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from salesmetrics.dataset import Dataset
from salesmetrics.errors import DatasetError, SalesmetricsError
from salesmetrics.load import load_case_data
from salesmetrics.load._files import given_path, parse_json, read_input
from salesmetrics.load._limits import DEFAULT_LIMITS, Limits, check_depth
from salesmetrics.results import to_jsonable
from salesmetrics.spec import registry
from salesmetrics.spec._compare import MISSING, Mismatch, compare
from salesmetrics.spec.check import Check, parse_check, refuse_unknown

__all__ = [
    "FORMAT",
    "CaseReport",
    "CheckReport",
    "case_files",
    "compute_case",
    "fixtures_path",
    "iter_fixtures",
    "read_case",
    "run_case",
    "run_case_file",
    "run_paths",
    "schema",
    "schema_path",
]

#: The value of a case's ``format``.
FORMAT = "salesmetrics-case/1"

#: The keys of a case (and, beside them, any key starting with ``x-``, ignored).
CASE_KEYS = ("format", "name", "source", "data", "checks")

_HERE = Path(__file__).resolve().parent

#: The deepest nesting of a whole case document: room for a dataset at the
#: loaders' own depth (whose errors name places in ``data``), far below
#: Python's recursion limit.
CASE_LIMITS = Limits(max_depth=DEFAULT_LIMITS.max_depth + 48)


# -- shipped files ----------------------------------------------------------------

def fixtures_path() -> Path:
    """The folder of the fixture corpus shipped in the package (``<topic>/*.json``)."""
    return _HERE / "fixtures"


def iter_fixtures(topic: str | None = None) -> Iterator[Path]:
    """The shipped case files, sorted by path; only those of one topic folder if given.

    >>> all(p.suffix == ".json" for p in iter_fixtures("invalid"))
    True
    """
    root = fixtures_path() if topic is None else fixtures_path() / topic
    yield from sorted(root.rglob("*.json"))


def schema_path() -> Path:
    """The JSON Schema (draft 2020-12) of the case format, shipped in the package."""
    return _HERE / "case.schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema of the case format, parsed.

    >>> schema()["properties"]["format"]["const"]
    'salesmetrics-case/1'
    """
    with open(schema_path(), encoding="utf-8") as fh:
        parsed: dict[str, Any] = json.load(fh)
    return parsed


def case_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The case files named by ``paths``: files as given, folders as every ``*.json`` under them.

    Folders are walked recursively, their files sorted; the given order of
    ``paths`` is kept.

    Raises:
        SalesmetricsError: ``invalid_value`` at ``paths[i]``: a path that does
            not exist or is not a path (``paths`` itself: a single string, or
            not a list of paths).
    """
    if isinstance(paths, str | bytes | os.PathLike) or not isinstance(paths, Iterable):
        raise SalesmetricsError("invalid_value", "paths", "a list of files or folders, not "
                                f"{type(paths).__name__}")
    out: list[Path] = []
    for i, p in enumerate(paths):
        path = given_path(p, f"paths[{i}]")
        if path.is_dir():
            out.extend(sorted(path.rglob("*.json")))
        elif path.exists():
            out.append(path)
        else:
            raise SalesmetricsError("invalid_value", f"paths[{i}]",
                                    f"no such file or folder: {path}")
    return out


# -- computing --------------------------------------------------------------------

@attrs.frozen
class _Outcome:
    """What computing one check gave: a result, or an error object."""

    result: Any = None
    error: dict[str, str] | None = None
    #: (code, path) of every error the failure names (a dataset's collected errors).
    named: tuple[tuple[str, str], ...] = ()
    not_implemented: bool = False

    def to_jsonable(self) -> Any:
        return self.result if self.error is None else {"error": dict(self.error)}


def _failure(exc: SalesmetricsError) -> _Outcome:
    errors = exc.errors if isinstance(exc, DatasetError) else (exc,)
    return _Outcome(error=exc.to_dict(), named=tuple((e.code, e.path) for e in errors))


def _internal(exc: Exception) -> _Outcome:
    return _Outcome(error={"code": "internal_error", "path": "",
                           "message": f"{type(exc).__name__}: {exc}"})


def _scope_instant(check: Check) -> datetime | None:
    """The instant a check's data is read at: ``as_of``, else its ``at`` option.

    Reading ``at`` here also validates it before any metric runs.
    """
    at = None
    if "at" in registry.METRICS[check.metric].options and check.has("at"):
        at = check.instant("at")
    return check.as_of if check.as_of is not None else at


def _compute_check(dataset: Dataset, raw: object) -> _Outcome:
    try:
        check = parse_check(raw)
        seen_at = _scope_instant(check)
        if check.scope_user is not None:
            if check.scope_user not in dataset.users_by_id:
                raise SalesmetricsError("unknown_reference", "scope.user",
                                        f"unknown user {check.scope_user!r}")
            dataset = dataset.scoped_to_user(check.scope_user, seen_at)
        adapter = registry.adapter_for(check.metric)
        return _Outcome(result=to_jsonable(adapter(dataset, check)))
    except registry.NotImplementedMetric as exc:
        metric = exc.args[0] if exc.args else "?"
        return _Outcome(error={"code": "not_implemented", "path": "metric",
                               "message": f"not implemented: {metric}"},
                        not_implemented=True)
    except SalesmetricsError as exc:
        return _failure(exc)
    except Exception as exc:
        return _internal(exc)


def _checks_of(doc: object) -> list[Any]:
    if not isinstance(doc, Mapping):
        raise SalesmetricsError("invalid_value", "", "a case is a JSON object")
    # iteratively, before anything recursive (repr, comparison) walks it
    check_depth(doc, CASE_LIMITS, "")
    checks = doc.get("checks")
    if not isinstance(checks, list):
        raise SalesmetricsError("invalid_value", "checks", "a case's checks are a JSON list")
    return checks


def _outcomes(doc: Mapping[str, Any]) -> list[_Outcome]:
    checks = _checks_of(doc)
    try:
        if doc.get("format") != FORMAT:
            raise SalesmetricsError("invalid_value", "format",
                                    f"format must be {FORMAT!r}, not {doc.get('format')!r}")
        refuse_unknown(doc, CASE_KEYS, "", "invalid_value", "a case")
    except SalesmetricsError as exc:
        same = _failure(exc)
        return [same for _ in checks]
    try:
        dataset = load_case_data(doc if "data" in doc else {"data": None, "checks": []})
    except SalesmetricsError as exc:
        return [_failure(exc) for _ in checks]
    except Exception as exc:
        return [_internal(exc) for _ in checks]
    return [_compute_check(dataset, raw) for raw in checks]


def compute_case(doc: Mapping[str, Any]) -> list[Any]:
    """Every check's actual result, in order, as JSON data.

    An element is the check's result in the shape of the case format's table (every
    key the implementation computes), or ``{"error": {"code", "path",
    "message"}}`` when the check failed; an error in loading the data gives
    that error object for every check. A metric without an implementation
    gives the code ``not_implemented`` (path ``metric``); an unexpected
    exception in a metric gives ``internal_error``.

    Raises:
        SalesmetricsError: ``invalid_value`` when ``doc`` is not an object with
            a list of checks (nothing can be computed).

    >>> compute_case({"format": "salesmetrics-case/0", "data": {}, "checks": [{}]})
    [{'error': {'code': 'invalid_value', 'path': 'format', 'message': "format must be 'salesmetrics-case/1', not 'salesmetrics-case/0'"}}]
    """
    return [o.to_jsonable() for o in _outcomes(doc)]


# -- judging ----------------------------------------------------------------------

@attrs.frozen
class CheckReport:
    """The verdict on one check.

    Attributes:
        index: the check's position in the case's ``checks`` (from 0).
        passed: whether the check met its expectation.
        mismatches: where the result differs from ``expect``.
        problem: why the check failed when it is not a mismatch (an error,
            ``not implemented: <metric>``, a malformed check), else None.
        actual: the computed element (the result or ``{"error": ...}``).
    """

    index: int
    passed: bool
    mismatches: tuple[Mismatch, ...] = ()
    problem: str | None = None
    actual: Any = None

    @property
    def ok(self) -> bool:
        """Whether the check passed (the same as ``passed``)."""
        return self.passed


@attrs.frozen
class CaseReport:
    """The verdicts on one case file.

    Attributes:
        path: the case file (as given).
        name: the case's ``name`` (None if it has none).
        checks: one :class:`CheckReport` per check, in order.
        problem: why the file could not be run at all (not JSON, no list of
            checks), else None. Such a file counts as one failed check.
    """

    path: str
    name: str | None
    checks: tuple[CheckReport, ...] = ()
    problem: str | None = None

    @property
    def passed(self) -> int:
        """How many checks passed."""
        return sum(1 for c in self.checks if c.passed)

    @property
    def failed(self) -> int:
        """How many checks failed (a file that could not be run counts as one)."""
        return sum(1 for c in self.checks if not c.passed) + (self.problem is not None)

    @property
    def ok(self) -> bool:
        """Whether nothing failed."""
        return self.failed == 0

    def lines(self) -> list[str]:
        """One line per failure: ``<file> check <index> <key path>: expected <e> got <a>``.

        The key path ``$`` is the whole result. Errors, unimplemented metrics
        and malformed checks give ``<file> check <index>: <problem>``.
        """
        if self.problem is not None:
            return [f"{self.path}: {self.problem}"]
        out = []
        for c in self.checks:
            if c.passed:
                continue
            if c.problem is not None:
                out.append(f"{self.path} check {c.index}: {c.problem}")
            for m in c.mismatches:
                out.append(f"{self.path} check {c.index} {m.path or '$'}: "
                           f"expected {_show(m.expected)} got {_show(m.actual)}")
        return out


def _show(value: Any) -> str:
    if value is MISSING:
        return "nothing (the key is missing)"
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def _judge(index: int, raw: object, outcome: _Outcome) -> CheckReport:
    actual = outcome.to_jsonable()

    def fail(problem: str | None, mismatches: Sequence[Mismatch] = ()) -> CheckReport:
        return CheckReport(index, False, tuple(mismatches), problem, actual)

    if not isinstance(raw, Mapping):
        return fail("malformed check: a check is a JSON object")
    if ("expect" in raw) == ("expect_error" in raw):
        return fail("malformed check: give exactly one of expect or expect_error")
    err = outcome.error
    if outcome.not_implemented and err is not None:
        return fail(err["message"])
    if "expect" in raw:
        if err is not None:
            return fail(f"expected a result got error {err['code']} at "
                        f"{err['path'] or '$'}: {err['message']}")
        mismatches = compare(raw["expect"], outcome.result)
        if mismatches:
            return fail(None, mismatches)
        return CheckReport(index, True, actual=actual)
    want = raw["expect_error"]
    if (not isinstance(want, Mapping) or not isinstance(want.get("code"), str)
            or not isinstance(want.get("path"), str)):
        return fail('malformed check: expect_error is {"code": ..., "path": ...}')
    code, path = want["code"], want["path"]
    if err is None:
        return fail(f"expected error {code} at {path or '$'} got a result {_show(actual)}")
    if (code, path) in outcome.named or (err["code"], err["path"]) == (code, path):
        return CheckReport(index, True, actual=actual)
    return fail(f"expected error {code} at {path or '$'} got {err['code']} at "
                f"{err['path'] or '$'}: {err['message']}")


def run_case(doc: object, path: str | os.PathLike[str] = "<case>") -> CaseReport:
    """Compute every check of a parsed case and judge it against its expectation.

    A check passes when its result satisfies ``expect`` (see
    :func:`salesmetrics.spec.compare`), or when it fails with the ``code`` of
    ``expect_error`` naming its ``path``. A check with both or neither of
    ``expect`` and ``expect_error`` fails as malformed.
    """
    shown = os.fspath(path)
    name = doc.get("name") if isinstance(doc, Mapping) else None
    name = name if isinstance(name, str) else None
    try:
        checks = _checks_of(doc)
        outcomes = _outcomes(doc)  # type: ignore[arg-type]
    except SalesmetricsError as exc:
        return CaseReport(shown, name, problem=exc.message)
    reports = tuple(_judge(i, raw, o) for i, (raw, o) in enumerate(zip(checks, outcomes,
                                                                        strict=True)))
    return CaseReport(shown, name, reports)


def read_case(path: str | os.PathLike[str]) -> Any:
    """Parse a case file's JSON (with the loaders' file check and JSON parser).

    Raises:
        SalesmetricsError: ``invalid_value`` at ``""`` when the file is
            missing, not a regular file (a FIFO is refused, never opened),
            unreadable, or not JSON (a key twice in an object included).
    """
    return parse_json(read_input(path))


def run_case_file(path: str | os.PathLike[str]) -> CaseReport:
    """Run one case file; a file that cannot be read or parsed is reported, never raised.

    Raises:
        SalesmetricsError: ``invalid_value`` when ``path`` is not a path.
    """
    path = given_path(path, "path")
    try:
        doc = read_case(path)
    except SalesmetricsError as exc:
        return CaseReport(os.fspath(path), None, problem=exc.message)
    return run_case(doc, path)


def run_paths(paths: Iterable[str | os.PathLike[str]]) -> list[CaseReport]:
    """Run every case file named by ``paths`` (see :func:`case_files`).

    Raises:
        SalesmetricsError: ``invalid_value`` at ``paths[i]``: a path does not exist.
    """
    return [run_case_file(p) for p in case_files(paths)]
