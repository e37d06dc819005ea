"""Benchmark: loading and every metric on big example datasets, and a pandas peer.

Prints figures; never a timed test. Run::

    PYTHONPATH=src python benchmarks/metrics.py [--sizes 10k,100k[,1M]] [--seed 1]
        [--repeat 3] [--outputs FILE] [--trace-memory] [--no-pandas] [--load-only]

For each size, an example dataset (``salesmetrics.examples``, four weeks from
2026-03-02, three stores) is generated once as JSON and JSON Lines and cached
under ``benchmarks/_data/`` (git-ignored). Then, best of ``--repeat`` runs:

* loading: reading and parsing the JSON alone, ``load_json``, ``load_jsonl``, and the Dataset
  build (its indexes, from records already validated);
* the loading limits, in CPU seconds and in the same process: reading the JSON
  Lines, one ``json.loads`` per line and one loop grouping the records by
  ``thread`` (the stdlib limit), the same with ``orjson.loads`` when orjson is
  installed (the orjson limit); ``load_jsonl`` in CPU seconds (with the
  parser it picks, and with the standard library's) and its ratio to each
  limit; the bytes per message the loaded dataset keeps (tracemalloc: the
  memory it holds after the load, over its messages);
* every metric of ``salesmetrics.spec.registry.METRICS`` that takes a period
  (by team, else by its first grouping, over the week of 2026-03-09) plus ``waiting``,
  ``colleagues`` and ``open_too_long`` at an instant, each through its
  conformance adapter on a dataset with nothing computed yet (cold): wall
  time, µs per message and per unit (lead, activity), and with
  ``--trace-memory`` the peak memory it allocates (tracemalloc, slower);
* the whole ``salesmetrics report`` by team (every section, this and the
  previous week), which shares each thread's walk between metrics;
* the peak resident memory of the process after each stage.

``--outputs FILE`` writes every metric's result (JSON) per size, to diff runs
of two versions of the library. The pandas peer is what a data scientist
would write by hand for conversations (2.1) and response rate by team (2.2),
with groupby/shift/cumsum; its numbers are checked against salesmetrics
(every disagreement printed) and timed against it.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from salesmetrics.dataset import Dataset
from salesmetrics.examples import write
from salesmetrics.load import from_dict, load_json, load_jsonl
from salesmetrics.period import Period
from salesmetrics.report import build_report
from salesmetrics.results import to_jsonable
from salesmetrics.spec.check import parse_check
from salesmetrics.spec.registry import METRICS, adapter_for
from salesmetrics.timeline import DEFAULT_GAP_SECONDS

DATA = Path(__file__).resolve().parent / "_data"
WEEK = ("2026-03-09T00:00:00+01:00", "2026-03-16T00:00:00+01:00")
AT = "2026-03-18T15:00:00+01:00"
AT_INSTANT = ("waiting", "colleagues", "open_too_long")
# options a metric needs (the others take none); units other than messages
OPTIONS: dict[str, dict[str, Any]] = {
    "ranking": {"of": "response_rate", "key": "rate", "previous_period": True},
    "variation": {"of": "conversations", "key": "total"},
    "lead_dashboard": {"at": AT},
    "waiting": {"at": AT},
    "colleagues": {"day": AT[:10], "at": AT},
    "open_too_long": {"at": AT, "threshold_seconds": 86400},
}
UNIT = {"lead_response_time": "leads", "lead_dashboard": "leads", "lead_conversion": "leads",
        "lost_leads": "leads", "rep_activity": "activities", "smart_list_progress": "activities"}
SECTIONS = ("teams", "users", "customers", "threads", "messages", "thread_events", "sessions",
            "leads", "activities", "smart_lists")


def parse_size(text: str) -> int:
    """``10k`` → 10000, ``1M`` → 1000000, ``2500`` → 2500."""
    text = text.strip()
    scale = {"k": 1000, "m": 1000000}.get(text[-1:].lower(), 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def dataset_file(n: int, seed: int, fmt: str) -> Path:
    """The cached example dataset of ``n`` messages (generated on first use)."""
    path = DATA / f"example-seed{seed}-{n}.{fmt}"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        tmp = path.with_suffix(f".{fmt}.tmp")
        print(f"  generating {path.name} ...", flush=True)
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            write(fh, format=fmt, seed=seed, messages=n)
        os.replace(tmp, path)
    return path


def best(fn: Callable[[], Any], repeat: int, before: Callable[[], Any] | None = None
         ) -> tuple[float, Any]:
    """The best wall time of ``repeat`` calls (``before`` runs untimed first) and the result."""
    times = []
    result = None
    for _ in range(repeat):
        if before is not None:
            before()
        result = None
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def best_cpu(fn: Callable[[], Any], repeat: int,
             before: Callable[[], Any] | None = None) -> float:
    """The least CPU time (``process_time``) of ``repeat`` calls (``before`` untimed)."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        gc.collect()
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def limit(path: Path, loads: Callable[[str], Any]) -> dict[Any, list[Any]]:
    """The loading limit: read the lines, parse each, group the records by thread."""
    groups: dict[Any, list[Any]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = loads(line)
            thread = rec.get("thread")
            if thread is not None:
                groups.setdefault(thread, []).append(rec)
    return groups


def stdlib_parser() -> Any:
    """A context in which ``load_jsonl`` parses with the standard library (orjson installed or not)."""
    import contextlib
    from unittest import mock

    from salesmetrics.load import _files

    if not hasattr(_files, "_orjson_loads"):  # a version without the fast parser
        return contextlib.nullcontext()
    return mock.patch.object(_files, "_orjson_loads", lambda: None)


def retained_bytes(load: Callable[[], Any]) -> tuple[int, Any]:
    """The memory a loaded value keeps (tracemalloc), and the value."""
    gc.collect()
    tracemalloc.start()
    value = load()
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return kept, value


def loading_limits(n: int, path: Path, rep: int) -> tuple[float, float | None]:
    """The load_jsonl lines: CPU seconds against the limits, bytes per message.

    Returns the two limits (the orjson one None without orjson).
    """
    try:
        import orjson
    except ImportError:
        orjson = None
    # The limits are every ratio's reference: best of at least 3 even when the rest is
    # timed once. A process's first pass over a big file also pays for its heap's growth
    # (page faults, counted as system time): at 1M messages the first stdlib run took
    # 11.1 s and the next two 5.5 and 5.9 s on the same machine.
    lim_rep = max(rep, 3)
    t_limit = best_cpu(lambda: limit(path, json.loads), lim_rep)
    t_limit_or = best_cpu(lambda: limit(path, orjson.loads), lim_rep) if orjson else None
    t_load = best_cpu(lambda: load_jsonl(path), rep)
    with stdlib_parser():
        t_load_std = best_cpu(lambda: load_jsonl(path), rep)
    kept, ds = retained_bytes(lambda: load_jsonl(path))
    per = max(len(ds.messages), 1)
    del ds
    print(f"\n  {'loading (CPU)':<34}{'seconds':>9}{'µs/message':>12}{'/stdlib':>9}{'/orjson':>9}")

    def row(label: str, t: float) -> None:
        ratio_or = f"{t / t_limit_or:>9.2f}" if t_limit_or else f"{'-':>9}"
        print(f"  {label:<34}{t:>9.3f}{t / n * 1e6:>12.2f}{t / t_limit:>9.2f}{ratio_or}")

    row("limit, stdlib json", t_limit)
    if t_limit_or is not None:
        row("limit, orjson", t_limit_or)
    from salesmetrics.load import _files

    picks = orjson is not None and hasattr(_files, "fast_loads")  # versions before it: stdlib
    row("load_jsonl" + (" (orjson)" if picks else " (its parser)"), t_load)
    row("load_jsonl (stdlib json)", t_load_std)
    print(f"  bytes per message kept by the dataset: {kept / per:,.0f} "
          f"({kept / 1e6:,.1f} MB for {per:,} messages)")
    return t_limit, t_limit_or


def end_to_end(n: int, path: Path, week: Period, rep: int,
               limits: tuple[float, float | None]) -> None:
    """The whole report from the JSON Lines file (CPU): load_jsonl then build_report.

    Against the limits of the same process, and the report alone on the loaded
    dataset per message (the walk of every thread included).
    """
    t_limit, t_limit_or = limits
    holder: list[Dataset] = []

    def load() -> None:
        holder[:] = [load_jsonl(path)]

    def report() -> None:
        build_report(holder[0], period=week, by="team")

    t_all = best_cpu(lambda: (load(), report()), rep)
    t_metrics = best_cpu(report, rep, lambda: fresh(holder[0]))
    ratio_or = f"{t_all / t_limit_or:.2f}× the orjson limit" if t_limit_or else "no orjson"
    print(f"  {'file → report (CPU)':<34}{t_all:>9.3f}   {t_all / n * 1e6:.2f} µs/message; "
          f"{t_all / t_limit:.2f}× the stdlib limit, {ratio_or}")
    print(f"  {'report on the loaded data (CPU)':<34}{t_metrics:>9.3f}   "
          f"{t_metrics / n * 1e6:.2f} µs/message (the walk included)")


_ALONE = """
import resource, sys
from datetime import datetime
from salesmetrics.load import load_jsonl
from salesmetrics.period import Period
from salesmetrics.report import build_report

def peak():  # KiB; a child's ru_maxrss starts at its parent's at the fork, VmHWM at exec
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // (1024 if sys.platform == "darwin" else 1)

ds = load_jsonl(sys.argv[1])
print(peak())
build_report(ds, period=Period(datetime.fromisoformat(sys.argv[2]),
                               datetime.fromisoformat(sys.argv[3])), by="team")
print(peak())
"""


def peak_rss_alone(path: Path) -> tuple[float, float]:
    """Peak resident memory (MB, as :func:`peak_rss_mb`) of ``load_jsonl``, then with the report.

    This process holds the limits' parsed records and earlier sizes' data; a
    process of its own measures only the load and the report.
    """
    import subprocess

    out = subprocess.run([sys.executable, "-c", _ALONE, str(path), *WEEK], check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[0]) / 1024, int(out[1]) / 1024  # KiB


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (MB)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def fresh(ds: Dataset) -> Dataset:
    """The same dataset, with nothing derived yet (each metric timed cold)."""
    derived = getattr(ds, "_derived", None)  # shared timelines; older versions have none
    if derived is not None:
        derived.clear()
    return ds


def checks() -> list[dict[str, Any]]:
    """One check per benchmarked metric, as docs/case-format.md writes them."""
    out = []
    for name, spec in METRICS.items():
        if not spec.needs_period and name not in AT_INSTANT:
            continue
        raw: dict[str, Any] = {"metric": name, "options": OPTIONS.get(name, {})}
        if spec.needs_period:
            raw["period"] = {"start": WEEK[0], "end": WEEK[1]}
        if spec.by:
            raw["by"] = "team" if "team" in spec.by else spec.by[0]
        out.append(raw)
    return out


# -- the pandas peer ---------------------------------------------------------------

def pandas_peer(raw: dict[str, Any], start: datetime, end: datetime,
                gap_seconds: float = DEFAULT_GAP_SECONDS) -> tuple[dict[str, Any], dict[str, Any]]:
    """Conversations (2.1) and response rate (2.2) by team, as one writes them in pandas.

    Everything is visible (no ``as_of``); the message-team rule is the
    default one (message's team, else a human outbound message's user's
    team, else the team holding the thread); conversations belong to the
    first human reply's team (inbound, else the holder at the end) or to
    their first message's team (outbound); contacts to the holder when
    they open.
    """
    import pandas as pd

    def frame(section: str, columns: list[str]) -> pd.DataFrame:
        df = pd.DataFrame(raw.get(section) or [], columns=columns)
        df["index"] = range(len(df))
        df["at"] = pd.to_datetime(df["at"], utc=True, format="ISO8601")
        return df

    user_team = {u["id"]: u.get("team") for u in raw.get("users", [])}
    initial = {t["id"]: t["team"] for t in raw.get("threads", [])}
    msgs = frame("messages", ["thread", "at", "direction", "sender", "user", "team"])
    events = frame("thread_events", ["thread", "at", "type", "to_team", "status"])
    msgs["kind"], events["kind"] = 0, 1
    sender = msgs["sender"].fillna(msgs["direction"].map({"in": "customer", "out": "user"}))
    msgs["human_out"] = (msgs["direction"] == "out") & (sender == "user")
    events["move_to"] = events["to_team"].where(events["type"].isin(["transfer", "escalation"]))

    # the walk: (instant, messages first, input position), holder = last move so far
    walk = pd.concat([msgs, events], ignore_index=True)
    walk = walk.sort_values(["thread", "at", "kind", "index"], kind="stable", ignore_index=True)
    walk["holder"] = walk.groupby("thread", sort=False)["move_to"].ffill()
    walk["holder"] = walk["holder"].fillna(walk["thread"].map(initial))
    holder_at_end = walk.groupby("thread", sort=False)["holder"].last()
    is_msg = walk["kind"] == 0
    by_user = walk["user"].map(user_team).where(walk["human_out"].fillna(False).astype(bool))
    walk["msg_team"] = walk["team"].fillna(by_user).fillna(walk["holder"]).where(is_msg)

    # conversations: a new one after a silence of gap_seconds or more
    m = walk[is_msg].copy()
    silence = m.groupby("thread", sort=False)["at"].diff().dt.total_seconds()
    m["conv"] = (silence.isna() | (silence >= gap_seconds)).cumsum()
    m["in_period"] = (m["at"] >= start) & (m["at"] < end)
    m["reply_team"] = m["msg_team"].where(m["human_out"].astype(bool))
    conv = m.groupby("conv", sort=False).agg(
        thread=("thread", "first"), begin=("at", "first"), direction=("direction", "first"),
        first_team=("msg_team", "first"), reply_team=("reply_team", "first"),
        in_period=("in_period", "any"))
    thread_first = m.groupby("thread", sort=False)["at"].first()
    inbound = conv["direction"] == "in"
    conv["owner"] = conv["first_team"].where(
        ~inbound, conv["reply_team"].fillna(conv["thread"].map(holder_at_end)))
    new = (conv["begin"] >= start) & (conv["begin"] < end)
    conv["new_inbound"] = new & inbound
    conv["new_outbound"] = new & ~inbound
    conv["previously_started"] = (conv["begin"] < start) & conv["in_period"]
    conv["existing_customers"] = conv["new_inbound"] & (conv["thread"].map(thread_first) < start)
    cols = ["previously_started", "new_inbound", "new_outbound", "existing_customers"]
    counts = conv.groupby("owner")[cols].sum()
    counts["total"] = counts[cols[:3]].sum(axis=1)

    # contacts: an inbound message that follows no inbound one opens a contact;
    # the next human reply or answered/resolved status closes it
    closer = (walk["human_out"].fillna(False).astype(bool)
              | ((walk["type"] == "status") & walk["status"].isin(["answered", "resolved"])))
    inb = walk["direction"] == "in"
    r = walk[inb | closer].copy()
    r["inb"] = inb[inb | closer]
    prev_in = r.groupby("thread", sort=False)["inb"].shift(fill_value=False).astype(bool)
    r["opens"] = r["inb"] & ~prev_in
    r["contact"] = r["opens"].cumsum()
    opened = r[r["opens"]].set_index("contact")
    closing = r[~r["inb"] & prev_in].set_index("contact")
    contacts = pd.DataFrame({"team": opened["holder"], "at": opened["at"]})
    by_reply = (closing["kind"] == 0).reindex(contacts.index, fill_value=False)
    contacts["answered_by_any"] = by_reply
    contacts["answered"] = by_reply & (closing["msg_team"].reindex(contacts.index)
                                       == contacts["team"])
    contacts = contacts[(contacts["at"] >= start) & (contacts["at"] < end)]
    rr = contacts.groupby("team").agg(contacts=("at", "size"), answered=("answered", "sum"),
                                      answered_by_any=("answered_by_any", "sum"))

    teams = [t["id"] for t in raw.get("teams", [])]
    conv_out = {t: {k: int(counts.at[t, k]) if t in counts.index else 0
                    for k in ("total", *cols)} for t in teams}
    rr_out = {}
    for t in teams:
        n = int(rr.at[t, "contacts"]) if t in rr.index else 0
        a = int(rr.at[t, "answered"]) if t in rr.index else 0
        rr_out[t] = {"contacts": n, "answered": a,
                     "answered_by_any": int(rr.at[t, "answered_by_any"]) if n else 0,
                     "rate": a / n if n else None}
    return conv_out, rr_out


def disagreements(name: str, ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Every group and key where the peer's number is not salesmetrics'."""
    out = []
    for group in sorted(set(ours) | set(theirs)):
        a, b = ours.get(group, {}), theirs.get(group, {})
        for key in sorted(set(b)):
            x, y = a.get(key), b.get(key)
            same = (x == y if x is None or y is None
                    else abs(float(x) - float(y)) <= 1e-9 * max(1.0, abs(float(x))))
            if not same:
                out.append(f"{name} {group}.{key}: salesmetrics {x}, pandas {y}")
    return out


# -- the run -----------------------------------------------------------------------

def run_end_to_end(n: int, args: argparse.Namespace) -> None:
    """``--end-to-end``: the JSON Lines lines only (limits, bytes per message, file → report).

    Needs only the JSON Lines file, so sizes up to 4M run in minutes (the
    cost per message from 100k to 4M, flat or not).
    """
    jsonl_path = dataset_file(n, args.seed, "jsonl")
    print(f"\n== {n:,} messages (seed {args.seed}; "
          f"{jsonl_path.stat().st_size / 1e6:.0f} MB JSONL), file → report only ==")
    limits = loading_limits(n, jsonl_path, args.repeat)
    week = Period(datetime.fromisoformat(WEEK[0]), datetime.fromisoformat(WEEK[1]))
    end_to_end(n, jsonl_path, week, args.repeat, limits)
    print(f"  peak RSS of this process: {peak_rss_mb():,.0f} MB")
    loaded, reported = peak_rss_alone(jsonl_path)
    print(f"  peak RSS of a process of its own: load_jsonl {loaded:,.0f} MB "
          f"({loaded * 2**20 / n:,.0f} B/message), then the report {reported:,.0f} MB "
          f"({reported * 2**20 / n:,.0f} B/message)")


def run_size(n: int, args: argparse.Namespace, outputs: dict[str, Any]) -> None:
    if args.end_to_end:
        run_end_to_end(n, args)
        return
    json_path = dataset_file(n, args.seed, "json")
    jsonl_path = dataset_file(n, args.seed, "jsonl")
    rep = args.repeat
    print(f"\n== {n:,} messages (seed {args.seed}; {json_path.stat().st_size / 1e6:.0f} MB JSON, "
          f"{jsonl_path.stat().st_size / 1e6:.0f} MB JSONL) ==")

    t_parse, raw = best(lambda: json.loads(json_path.read_bytes()), rep)
    t_jsonl, ds = best(lambda: load_jsonl(jsonl_path), rep)
    del ds
    t_json, ds = best(lambda: load_json(json_path), rep)
    t_build, _ = best(lambda: ds.replace(), rep)
    print(f"  {ds!r}")
    print(f"  {'stage':<28}{'seconds':>10}{'µs/message':>12}")
    for label, t in (("read + json.loads", t_parse), ("load_json", t_json),
                     ("load_jsonl", t_jsonl), ("Dataset build (indexes)", t_build)):
        print(f"  {label:<28}{t:>10.3f}{t / n * 1e6:>12.2f}")
    limits = loading_limits(n, jsonl_path, rep)
    print(f"  peak RSS after loading: {peak_rss_mb():,.0f} MB")
    if args.load_only:
        return

    units = {"messages": len(ds.messages), "leads": len(ds.leads),
             "activities": len(ds.activities)}
    results: dict[str, Any] = {}
    print(f"\n  {'metric':<22}{'by':<12}{'seconds':>9}{'µs/message':>12}{'µs/unit':>10}  unit"
          + ("     peak MB" if args.trace_memory else ""))
    total = 0.0
    for raw_check in checks():
        check = parse_check(raw_check)
        adapter = adapter_for(check.metric)
        t, result = best(lambda a=adapter, c=check: a(ds, c), rep, lambda: fresh(ds))
        total += t
        results[check.metric] = to_jsonable(result)
        unit = UNIT.get(check.metric, "messages")
        line = (f"  {check.metric:<22}{check.by or '-':<12}{t:>9.3f}"
                f"{t / units['messages'] * 1e6:>12.2f}"
                f"{t / max(units[unit], 1) * 1e6:>10.2f}  {unit:<10}")
        if args.trace_memory:
            fresh(ds)
            tracemalloc.start()
            adapter(ds, check)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            line += f"{peak / 1e6:>9.1f}"
        print(line)
    print(f"  {'sum of metrics (cold)':<34}{total:>9.3f}")
    week = Period(datetime.fromisoformat(WEEK[0]), datetime.fromisoformat(WEEK[1]))
    t_report, _ = best(lambda: build_report(ds, period=week, by="team"), rep, lambda: fresh(ds))
    print(f"  {'whole report by team':<34}{t_report:>9.3f}   (every section, two weeks)")
    end_to_end(n, jsonl_path, week, rep, limits)
    print(f"  peak RSS after the metrics: {peak_rss_mb():,.0f} MB")
    outputs[str(n)] = results

    if not args.no_pandas:
        peer(ds, raw, week, results, rep)


def peer(ds: Dataset, raw: dict[str, Any], week: Period, results: dict[str, Any],
         rep: int) -> None:
    try:
        import pandas  # noqa: F401
    except ImportError:
        print("\n  pandas peer: pandas is not installed, skipped")
        return
    t_pd, (conv, rr) = best(lambda: pandas_peer(raw, week.start, week.end), rep)
    problems = (disagreements("conversations", results["conversations"], conv)
                + disagreements("response_rate", results["response_rate"], rr))

    def ours() -> None:
        for metric in ("conversations", "response_rate"):
            check = parse_check({"metric": metric, "by": "team",
                                 "period": {"start": WEEK[0], "end": WEEK[1]}})
            adapter_for(metric)(ds, check)

    t_ours, _ = best(ours, rep, lambda: fresh(ds))
    t_load, _ = best(lambda: from_dict(raw), rep)
    print("\n  pandas peer: conversations + response rate by team, from the parsed JSON")
    print(f"  {'pandas (frames + compute)':<40}{t_pd:>9.3f} s")
    print(f"  {'salesmetrics metrics (cold)':<40}{t_ours:>9.3f} s"
          f"   ratio salesmetrics/pandas {t_ours / t_pd:.2f}")
    print(f"  {'salesmetrics from_dict + metrics':<40}{t_load + t_ours:>9.3f} s"
          f"   ratio {(t_load + t_ours) / t_pd:.2f}")
    if problems:
        print(f"  {len(problems)} disagreement(s):")
        for p in problems:
            print(f"    {p}")
    else:
        print("  agreement: every team's numbers are equal")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k",
                        help="message counts, comma-separated (10k, 100k, 1M)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--outputs", default=None,
                        help="write every metric's result (JSON) to this file")
    parser.add_argument("--trace-memory", action="store_true",
                        help="also measure each metric's peak allocation (tracemalloc)")
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas peer")
    parser.add_argument("--load-only", action="store_true",
                        help="only the loading figures (no metrics, no peer)")
    parser.add_argument("--end-to-end", action="store_true",
                        help="only the JSON Lines lines: limits, bytes per message, file → report")
    args = parser.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    print(f"salesmetrics metrics benchmark: Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, best of {args.repeat}")
    outputs: dict[str, Any] = {}
    for n in sizes:
        run_size(n, args, outputs)
        gc.collect()
    if args.outputs:
        with open(args.outputs, "w", encoding="utf-8") as fh:
            json.dump(outputs, fh, indent=1, sort_keys=True, ensure_ascii=False)
            fh.write("\n")
        print(f"\nresults written to {args.outputs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
