"""Benchmark: the whole report in memory, streamed, and on Dask (1 and 2 workers).

Prints figures; never a timed test. Run from the repository root::

    PYTHONPATH=src python benchmarks/scale.py [--sizes 1M[,4M]] [--seed 1]
        [--partitions N] [--engines memory,stream,dask1,dask2] [--skip METRIC,...]

For each size, an example dataset (``python -m salesmetrics.examples
--messages N --out FILE.jsonl``) is generated once into ``benchmarks/_data/``
(git-ignored). Each engine then runs in its own process (so that each peak
RSS is its own) over the week of 2026-03-09 by team, compared with the week
before: ``memory`` loads the file and calls ``build_report``; ``stream``
calls ``stream_report``; ``daskN`` starts a LocalCluster of N worker
processes (one thread each) and calls ``dask_report`` on ``records_bag``
(``--partitions N``: N bag partitions and N groups; default: the engine's,
printed as ``groups``). The engines run the code of this checkout's
``src``, or of the ``PYTHONPATH`` given (``PYTHONPATH=/other/src python
benchmarks/scale.py ...`` measures another version side by side).
Printed per engine: wall time (the whole run: loading included, the
cluster's start excluded and printed apart), peak RSS (for Dask: the client's
and the largest worker's), the ratio of its time to the memory engine's, and
whether every number of the report (``report_json``) equals the memory
engine's (this run's, else the output an earlier memory run left in
``benchmarks/_data/``). ``--skip rep_activity,smart_list_progress`` leaves
report sections out, to measure what the others cost.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "_data"
PERIOD = ("2026-03-09T00:00:00+01:00", "2026-03-16T00:00:00+01:00")

_RUN = r'''
import json, resource, sys, time
from datetime import datetime
from salesmetrics.period import Period
from salesmetrics.report import report_json
engine, path, out, partitions = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
period = Period(datetime.fromisoformat(sys.argv[5]), datetime.fromisoformat(sys.argv[6]))
parts = int(partitions) if partitions != "auto" else None
extra = {}
if sys.argv[7]:  # --skip: report sections left out (to measure what the others cost)
    import salesmetrics.report as report_module
    skip = set(sys.argv[7].split(","))
    report_module.SECTIONS = tuple(s for s in report_module.SECTIONS if s.metric not in skip)

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

if engine == "memory":
    from salesmetrics.load import load
    from salesmetrics.report import build_report
    t = time.perf_counter()
    report = build_report(load(path), period=period)
    wall = time.perf_counter() - t
elif engine == "stream":
    from salesmetrics.engines.stream import stream_report
    t = time.perf_counter()
    report = stream_report(path, period=period, partitions=parts)
    wall = time.perf_counter() - t
else:
    from distributed import Client, LocalCluster
    from salesmetrics.engines.dask import dask_report, records_bag
    workers = int(engine[4:])
    t = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        extra["cluster_start"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        bag = records_bag(path, partitions=parts)
        report = dask_report(bag, period=period, partitions=parts)
        wall = time.perf_counter() - t
        extra["groups"] = parts or bag.npartitions
        rss = client.run(lambda: __import__("resource").getrusage(
            __import__("resource").RUSAGE_SELF).ru_maxrss / 1024)
        extra["worker_peak_mb"] = round(max(rss.values()))
with open(out, "w") as fh:
    json.dump(report_json(report), fh, sort_keys=True)
print(json.dumps({"wall": wall, "peak_mb": peak_mb(), **extra}))
'''


def _size(text: str) -> int:
    text = text.strip().upper()
    scale = {"K": 1_000, "M": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("KM")) * scale)


def dataset(n: int, seed: int) -> Path:
    """The example dataset of ``n`` messages as JSON Lines (generated on first use)."""
    DATA.mkdir(exist_ok=True)
    path = DATA / f"scale-{n}-{seed}.jsonl"
    if not path.exists():
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "salesmetrics.examples", "--messages", str(n),
                        "--seed", str(seed), "--out", str(path)], check=True)
        print(f"  generated {path.name} ({path.stat().st_size / 2**20:.0f} MiB) in "
              f"{time.perf_counter() - t:.0f} s")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--partitions", default="auto")
    parser.add_argument("--engines", default="memory,stream,dask1,dask2")
    parser.add_argument("--skip", default="", help="report sections (metric names) left out")
    args = parser.parse_args()
    # this checkout's code, unless PYTHONPATH names another one (to measure it side by side)
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH")
           or str(Path(__file__).resolve().parents[1] / "src")}
    print(f"code: {env['PYTHONPATH']}")
    print(f"cpus: {os.cpu_count()}; python {sys.version.split()[0]}")
    for size in args.sizes.split(","):
        n = _size(size)
        path = dataset(n, args.seed)
        print(f"\n{n:,} messages ({path.stat().st_size / 2**20:.0f} MiB of JSON Lines), "
              f"partitions: {args.partitions}")
        print(f"  {'engine':<8} {'wall s':>8} {'peak RSS MB':>12} {'x memory':>9}  "
              f"{'same numbers':<12} notes")
        results: dict[str, dict[str, float]] = {}
        # the numbers are compared with the memory engine's: this run's, else an earlier
        # run's output (benchmarks/_data/scale-N-memory.json), else the first engine's
        memory_out = DATA / f"scale-{n}-memory.json"
        reference: str | None = None
        if "memory" not in args.engines.split(",") and memory_out.exists() and not args.skip:
            reference = memory_out.read_text()
            print(f"  (numbers compared with {memory_out.name}, an earlier memory run)")
        for engine in args.engines.split(","):
            out = DATA / f"scale-{n}-{engine}{'-skip' if args.skip else ''}.json"
            proc = subprocess.run([sys.executable, "-c", _RUN, engine, str(path), str(out),
                                   args.partitions, *PERIOD, args.skip], env=env,
                                  capture_output=True,
                                  text=True)
            if proc.returncode:
                print(f"  {engine:<8} failed:\n{proc.stderr[-2000:]}")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            results[engine] = r
            text = out.read_text()
            if engine == "memory":
                reference = text
            reference = reference if reference is not None else text
            base = results.get("memory", r)["wall"]
            notes = ", ".join(f"{k} {v}" for k, v in r.items() if k not in ("wall", "peak_mb"))
            print(f"  {engine:<8} {r['wall']:8.1f} {r['peak_mb']:12.0f} "
                  f"{r['wall'] / base:9.2f}  {text == reference!s:<12} {notes}", flush=True)


if __name__ == "__main__":
    main()
