"""Benchmark: the activity metrics on a loaded dataset, as the report computes them.

Prints figures; never a timed test. Run::

    PYTHONPATH=src python benchmarks/activity.py [--sizes 10k,100k] [--repeat 5]
        [--file PATH ...]

For each dataset (the example datasets of ``benchmarks/metrics.py``, cached in
``benchmarks/_data/``, or ``--file`` JSON files), the shared thread walk is
computed first (untimed, as the report's earlier sections do), then, best of
``--repeat`` runs, CPU time (``time.process_time``) with the garbage collector
paused (as ``build_report`` runs), every derived value but the walk dropped
before each run:

* ``rep_activity`` by user: partial + finish over the week of 2026-03-09
  (+01:00) and the previous week (the report's two periods);
* ``smart_list_progress`` by list, the same two periods;
* ``inactive_users`` at 2026-03-18T15:00+01:00;
* the same three finished from partials without rows (the numbers only).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from salesmetrics.dataset import Dataset
from salesmetrics.load import load_json
from salesmetrics.metrics.activity import (
    finish_inactive_users,
    finish_rep_activity,
    finish_smart_list_progress,
    inactive_users_partial,
    rep_activity_partial,
    smart_list_progress_partial,
)
from salesmetrics.period import Period
from salesmetrics.timeline import timelines

sys.path.insert(0, str(Path(__file__).resolve().parent))
from metrics import dataset_file, parse_size

WEEK = Period(datetime.fromisoformat("2026-03-09T00:00:00+01:00"),
              datetime.fromisoformat("2026-03-16T00:00:00+01:00"))
PERIODS = (WEEK, WEEK.previous())
AT = datetime.fromisoformat("2026-03-18T15:00:00+01:00")


def cases(ds: Dataset, rows: bool) -> dict[str, Callable[[], Any]]:
    def bare(p: Any) -> Any:
        return p if rows else p.without_rows()

    return {
        "rep_activity": lambda: [finish_rep_activity(bare(rep_activity_partial(ds, period=p)),
                                                     ds, by="user") for p in PERIODS],
        "smart_list_progress": lambda: [
            finish_smart_list_progress(bare(smart_list_progress_partial(ds, period=p)), ds,
                                       by="smart_list") for p in PERIODS],
        "inactive_users": lambda: finish_inactive_users(bare(inactive_users_partial(ds, at=AT)),
                                                        at=AT),
    }


def cpu(ds: Dataset, fn: Callable[[], Any], repeat: int) -> float:
    """The best CPU time of ``repeat`` runs, each on a dataset holding only its walk."""
    best = float("inf")
    for _ in range(repeat):
        ds._derived = {k: v for k, v in ds._derived.items()
                       if isinstance(k, tuple) and k[:1] == ("timelines",)}
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            fn()
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best


def run(path: Path, repeat: int) -> None:
    ds = load_json(path)
    timelines(ds)
    n = len(ds.messages)
    print(f"\n== {path.name}: {ds!r}")
    print(f"  {'metric (both periods)':<24}{'rows':>10}{'µs/msg':>8}{'no rows':>10}{'µs/msg':>8}")
    with_rows, without = cases(ds, True), cases(ds, False)
    for name in with_rows:
        a = cpu(ds, with_rows[name], repeat)
        b = cpu(ds, without[name], repeat)
        print(f"  {name:<24}{a:>9.3f}s{a / n * 1e6:>8.2f}{b:>9.3f}s{b / n * 1e6:>8.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="best of this many runs")
    parser.add_argument("--file", action="append", default=[],
                        help="a dataset JSON file instead of the example sizes")
    args = parser.parse_args(argv)
    paths = [Path(f) for f in args.file] or [
        dataset_file(parse_size(s), args.seed, "json") for s in args.sizes.split(",")]
    for path in paths:
        run(path, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
