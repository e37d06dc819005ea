"""The ``salesmetrics`` command: run and compute conformance cases, print reports.

Commands:

* ``salesmetrics spec run [PATH ...]``: run case files (every ``*.json``
  under a folder; the shipped corpus when no path is given), print one line
  per failing check and ``N passed, M failed``; exit 1 when a check failed.
* ``salesmetrics spec compute FILE``: print one JSON array, an element per
  check (its result or ``{"error": ...}``); exit 0 whenever it could compute.
* ``salesmetrics spec schema``: print the JSON Schema of the case format.
* ``salesmetrics spec list``: list the shipped case files and their names.
* ``salesmetrics report FILE --period START END`` (or ``--example``): the
  dataset report (:mod:`salesmetrics.report`), as text tables, JSON, CSV or Excel.
* ``salesmetrics metrics [NAME]``: the metric table — every metric, or one with its
  options and result fields (units, which way is better).
* ``salesmetrics --version``: print the installed version.

Exit codes: 0 success, 1 a check failed, 2 bad usage or an unreadable file,
3 ``report`` found no data in the dataset or the period (a warning on stderr).

>>> main(["spec", "run", str(fixtures_path() / "no-such-topic")])
2
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from salesmetrics._values import command_line
from salesmetrics.errors import SalesmetricsError
from salesmetrics.spec.runner import (
    compute_case,
    fixtures_path,
    iter_fixtures,
    read_case,
    run_paths,
    schema_path,
)

__all__ = ["build_parser", "main", "utf8_stdout"]

from salesmetrics._console import utf8_stdout

_PROG = "salesmetrics"


def _report_module() -> ModuleType | None:
    """``salesmetrics.report`` if it exists, imported only when asked for."""
    try:
        return importlib.import_module("salesmetrics.report")
    except ModuleNotFoundError as exc:
        if exc.name == "salesmetrics.report":
            return None
        raise


def _version() -> str:
    """The installed distribution's version (the package's own when not installed)."""
    from importlib import metadata

    try:
        return metadata.version(_PROG)
    except metadata.PackageNotFoundError:
        from salesmetrics import __version__

        return __version__


def build_parser(report: ModuleType | None = None) -> argparse.ArgumentParser:
    """The argument parser; the ``report`` command takes ``report``'s own arguments if given."""
    if report is not None and not callable(getattr(report, "add_arguments", None)):
        raise SalesmetricsError("invalid_value", "report", "a module with add_arguments "
                                f"(salesmetrics.report), not {type(report).__name__}")
    parser = argparse.ArgumentParser(
        prog=_PROG, description="Sales and customer-messaging team metrics.")
    parser.add_argument("--version", action="version", version=f"{_PROG} {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    spec = commands.add_parser("spec", help="conformance cases: run, compute, schema, list",
                               description="Conformance cases (docs/case-format.md).")
    spec_commands = spec.add_subparsers(dest="spec_command", metavar="SUBCOMMAND", required=True)
    run = spec_commands.add_parser(
        "run", help="run case files and report failing checks",
        description="Run case files (every *.json under a folder, recursively). "
                    "Without PATH, run the corpus shipped in the package.")
    run.add_argument("paths", nargs="*", metavar="PATH", help="case files or folders")
    compute = spec_commands.add_parser(
        "compute", help="print every check's actual result as one JSON array")
    compute.add_argument("file", metavar="FILE", help="a case file")
    spec_commands.add_parser("schema", help="print the JSON Schema of the case format")
    spec_commands.add_parser("list", help="list the shipped case files")

    from salesmetrics.metrics.table import TABLE

    table = commands.add_parser(
        "metrics", help="the metric table: every metric, its options and result fields",
        description="The metric table: every metric, or one metric with its options and "
                    "result fields.")
    table.add_argument("name", nargs="?", choices=list(TABLE), metavar="NAME",
                       help=f"one metric ({', '.join(TABLE)})")

    report_parser = commands.add_parser(
        "report", help="every metric of a dataset as tables (salesmetrics report --help)")
    if report is not None:
        report.add_arguments(report_parser)
    else:
        report_parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def _spec_run(paths: Sequence[str]) -> int:
    try:
        reports = run_paths(paths or [fixtures_path()])
    except SalesmetricsError as exc:
        print(f"{_PROG} spec run: {exc.message}", file=sys.stderr)
        return 2
    if not reports:  # nothing was run: that is no pass
        print(f"{_PROG} spec run: no case files (*.json) under {', '.join(paths)}",
              file=sys.stderr)
        return 2
    passed = failed = 0
    for rep in reports:
        for line in rep.lines():
            print(line)
        passed += rep.passed
        failed += rep.failed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def _spec_compute(path: str) -> int:
    try:
        doc = read_case(path)
        results = compute_case(doc)
    except SalesmetricsError as exc:
        where = "" if str(exc).startswith(path) else f"{path}: "
        print(f"{_PROG} spec compute: {where}{exc}", file=sys.stderr)
        return 2
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


def _spec_list() -> int:
    root = fixtures_path()
    for path in iter_fixtures():
        try:
            doc = read_case(path)
            name = doc.get("name", "") if isinstance(doc, dict) else ""
        except SalesmetricsError:
            name = "(not JSON)"
        print(f"{path.relative_to(root).as_posix()}\t{name}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Args:
        argv: the arguments after the program name (default: ``sys.argv[1:]``).
    """
    given = command_line(argv)
    args_list = sys.argv[1:] if given is None else given
    wants_report = bool(args_list) and args_list[0] == "report"
    report = _report_module() if wants_report else None
    parser = build_parser(report)
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    utf8_stdout()
    try:
        return _dispatch(args, report)
    except BrokenPipeError:
        # The reader went away (``salesmetrics spec list | head``): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _metrics(name: str | None) -> int:
    from salesmetrics.metrics.table import TABLE

    if name is None:
        for m in TABLE.values():
            by = ", ".join(m.by) if m.by else "-"
            print(f"{m.name:22} {m.takes:9} by {by:40} {m.doc}")
        return 0
    m = TABLE[name]
    print(f"{m.name} (definitions §{m.section}): {m.doc}")
    print(f"  taken over: {m.takes}; by: {', '.join(m.by) or 'not grouped'}")
    for o in m.options:
        need = "required" if o.required else f"default {o.default!r}"
        print(f"  option {o.name} ({need}): {o.doc}")
    arrows = {"higher": ", higher is better", "lower": ", lower is better", None: ""}
    for f in m.fields:
        print(f"  field  {f.name}: {f.unit}{arrows[f.better]}")
    return 0


def _dispatch(args: argparse.Namespace, report: ModuleType | None) -> int:
    if args.command == "metrics":
        return _metrics(args.name)
    if args.command == "report":
        if report is None:
            print("report is not available yet", file=sys.stderr)
            return 2
        if getattr(args, "engine", "memory") != "memory":
            from salesmetrics.engines import command

            return command.run(args)
        code: int = report.run(args)
        return code
    if args.spec_command == "run":
        return _spec_run(args.paths)
    if args.spec_command == "compute":
        return _spec_compute(args.file)
    if args.spec_command == "schema":
        sys.stdout.write(schema_path().read_text(encoding="utf-8"))
        return 0
    return _spec_list()
