"""``salesmetrics report --engine stream|dask``: the report of a file without loading it whole.

The command line's door to the engines (the memory engine is
:func:`salesmetrics.report.run`); it reads the report's arguments and writes
the report the same way.
"""

from __future__ import annotations

import argparse
import sys
from typing import IO, Any

from salesmetrics._time import parse_instant
from salesmetrics.errors import SalesmetricsError
from salesmetrics.report import _fail, _period, check_arguments, print_skipped, write_report
from salesmetrics.results import require

__all__ = ["run"]


def run(args: argparse.Namespace, out: IO[str] | None = None) -> int:
    """``--engine stream`` or ``dask``: the report of the file without loading it whole."""
    from salesmetrics.engines import stream

    refused = check_arguments(args)
    if refused is not None:
        return refused
    if args.example or args.profiles:
        return _fail(f"{'--example' if args.example else '--profiles'} needs --engine memory")
    if args.lenient and args.engine != "stream":
        return _fail("--lenient needs --engine memory or stream")
    try:
        period = _period(args)
        as_of = parse_instant(args.as_of, "--as-of") if args.as_of else None
        options: dict[str, Any] = {"period": period, "as_of": as_of, "by": args.by,
                                   "compare": args.compare}
        if args.engine == "stream" and args.lenient:
            report, skipped = stream.stream_report(args.file, partitions=args.partitions,
                                                   strict=False, **options)
            print_skipped(skipped)
        elif args.engine == "stream":
            report = stream.stream_report(args.file, partitions=args.partitions, **options)
        else:
            from salesmetrics.engines.dask import records_bag, run_on_cluster

            require("distributed", "dask")
            report = run_on_cluster(records_bag(args.file, partitions=args.partitions),
                                    workers=args.workers, scheduler=args.scheduler,
                                    partitions=args.partitions, **options)
    except SalesmetricsError as exc:
        for more in list(stream.errors_of(exc))[1:10]:
            print(f"  {more}", file=sys.stderr)
        return _fail(str(exc))
    except (OSError, ModuleNotFoundError) as exc:
        return _fail(str(exc))
    return write_report(args, report, args.file, out)
