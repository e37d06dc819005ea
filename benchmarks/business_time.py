"""Benchmark: business seconds of many intervals, salesmetrics against its peers.

Prints figures; never a timed test. Run::

    PYTHONPATH=src python benchmarks/business_time.py [--n 20000] [--seed 1] [--slow-n 300]

The same seeded random intervals (whole minutes, lengths log-uniform from one
minute to 365 days, starts in 2025-2026) are measured on a split-shift week,
Monday to Friday 09:00-12:00 + 13:00-18:00, with French public holidays:

* naive-equivalent mode: the calendar in UTC (no DST), naive datetimes for the
  peers that only take naive ones;
* timezone-aware mode: the calendar in Europe/Paris, aware instants.

Peers (each optional: a peer that is not installed is skipped, and said so):
``workclock``, ``timegrid``, ``businesstimedelta``, ``business-duration`` and
pandas ``CustomBusinessHour``. Peers whose cost grows with the interval length
are timed on the first ``--slow-n`` intervals only (said in the table).

In aware mode, the same intervals are also measured through a team's
:class:`CalendarHistory`: without changes (the fast path every team without
history takes) and with 3 changes a year (summer hours from 1 April, shorter
ones from 1 July, the base week from 1 September).

Then: cost at fixed lengths (1 h, 1 day, 30 days, 365 days), DST, overnight and
window-edge probes, and every peer's disagreements with salesmetrics, with one
example each checked against a brute-force minute-by-minute oracle.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import holidays as holidays_pkg

from salesmetrics.calendars import BUSINESS, Calendar, CalendarHistory, Holidays, Week

UTC = dt.UTC
T_START = dt.datetime(2025, 1, 1, tzinfo=UTC)
SPAN_MINUTES = 2 * 365 * 1440
SPLIT = (("09:00", "12:00"), ("13:00", "18:00"))
YEARS = range(2024, 2029)

Interval = tuple[dt.datetime, dt.datetime]  # aware UTC instants
Peer = Callable[[Sequence[Interval]], list[float]]


# -- data -----------------------------------------------------------------------

def make_intervals(n: int, seed: int) -> list[Interval]:
    """Seeded intervals, whole minutes, lengths log-uniform from 1 min to 365 days."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        start = T_START + dt.timedelta(minutes=rng.randrange(SPAN_MINUTES))
        minutes = round(math.exp(rng.uniform(0, math.log(365 * 1440))))
        out.append((start, start + dt.timedelta(minutes=minutes)))
    return out


def fixed_length(n: int, seed: int, length: dt.timedelta) -> list[Interval]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        start = T_START + dt.timedelta(minutes=rng.randrange(SPAN_MINUTES))
        out.append((start, start + length))
    return out


def fr_holidays() -> list[dt.date]:
    return sorted(holidays_pkg.country_holidays("FR", years=list(YEARS)))


def our_calendar(tz: str) -> Calendar:
    return Calendar(tz, Week.weekdays(*SPLIT)) + Holidays("FR")


# -- brute-force oracle -----------------------------------------------------------

def oracle(tz: str, a: dt.datetime, b: dt.datetime,
           ranges: Sequence[tuple[int, int]] = ((9 * 60, 12 * 60), (13 * 60, 18 * 60)),
           days: Sequence[int] = (0, 1, 2, 3, 4), use_holidays: bool = True) -> float:
    """Open seconds of [a, b): walk minute by minute, look at the local wall clock.

    Ranges are (start, end) minutes after midnight, same-day or overnight
    (end <= start); a range belongs to the date it starts on; holidays close
    the ranges that start on them. Whole-minute instants only.
    """
    zone = ZoneInfo(tz)
    hol = holidays_pkg.country_holidays("FR") if use_holidays else {}
    count = 0
    t = a.timestamp()
    end = b.timestamp()
    while t < end:
        local = dt.datetime.fromtimestamp(t, zone)
        for back in (0, 1):
            day = local.date() - dt.timedelta(days=back)
            if day.weekday() not in days or day in hol:
                continue
            for s, e in ranges:
                start = dt.datetime(day.year, day.month, day.day, tzinfo=zone) + dt.timedelta(
                    minutes=s)
                stop_day = day + dt.timedelta(days=1 if e <= s else 0)
                stop = dt.datetime(stop_day.year, stop_day.month, stop_day.day,
                                   tzinfo=zone) + dt.timedelta(minutes=e)
                if start.timestamp() <= t < stop.timestamp():
                    count += 1
                    break
            else:
                continue
            break
        t += 60
    return 60.0 * count


# -- peers --------------------------------------------------------------------------

def peer_workclock(tz: str) -> tuple[Peer, Peer] | None:
    try:
        import workclock
    except ImportError:
        return None
    rules: list[Any] = [workclock.WorkDay(dt.time(9), dt.time(12)),
                        workclock.WorkDay(dt.time(13), dt.time(18)),
                        workclock.Holidays(fr_holidays())]
    sched = workclock.Schedule(rules, time_zone=tz)

    def single(iv: Sequence[Interval]) -> list[float]:
        return [sched.between(a, b).total_seconds() for a, b in iv]

    def many(iv: Sequence[Interval]) -> list[float]:
        return [d.total_seconds() for d in sched.between_many([a for a, _ in iv],
                                                              [b for _, b in iv])]
    return single, many


def peer_timegrid() -> Peer | None:
    try:
        from timegrid import TimeGridCalendar
    except ImportError:
        return None
    cal = (TimeGridCalendar.create().open_weekdays(dt.time(9), dt.time(12))
           .open_weekdays(dt.time(13), dt.time(18)))
    for day in fr_holidays():
        cal = cal.close(day)
    timeline = cal.compile(dt.datetime(2024, 12, 1), dt.datetime(2028, 2, 1))

    def run(iv: Sequence[Interval]) -> list[float]:
        out = []
        for a, b in iv:
            na, nb = a.replace(tzinfo=None), b.replace(tzinfo=None)
            out.append(timeline.get_working_duration(na, nb).total_seconds())
        return out
    return run


def peer_businesstimedelta(tz: str) -> Peer | None:
    try:
        import businesstimedelta as btd
        import pytz
    except ImportError:
        return None
    zone = pytz.timezone(tz)
    rule = btd.Rules([
        btd.WorkDayRule(start_time=dt.time(9), end_time=dt.time(18),
                        working_days=[0, 1, 2, 3, 4], tz=zone),
        btd.LunchTimeRule(start_time=dt.time(12), end_time=dt.time(13),
                          working_days=[0, 1, 2, 3, 4], tz=zone),
        btd.HolidayRule(fr_holidays(), tz=zone),
    ])

    def run(iv: Sequence[Interval]) -> list[float]:
        out = []
        for a, b in iv:
            d = rule.difference(a, b)
            out.append(d.timedelta.total_seconds())
        return out
    return run


def peer_business_duration() -> Peer | None:
    try:
        from business_duration import businessDuration
    except ImportError:
        return None
    hol = fr_holidays()

    def run(iv: Sequence[Interval]) -> list[float]:
        out = []
        for a, b in iv:
            na, nb = a.replace(tzinfo=None), b.replace(tzinfo=None)
            total = 0.0
            for s, e in ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(18))):
                v = businessDuration(na, nb, s, e, holidaylist=hol, unit="sec")
                total += 0.0 if v != v else float(v)
            out.append(total)
        return out
    return run


def peer_pandas(tz: str | None) -> Peer | None:
    """pandas CustomBusinessHour: business hours between a and b by stepping hours.

    pandas has no business-duration function; the usual idiom counts the
    business-hour ticks of ``date_range(a, b, freq=CustomBusinessHour(...),
    inclusive="left")``: one tick per started business hour from ``a``, so
    the result has hour granularity (a started hour counts whole).
    """
    try:
        import pandas as pd
    except ImportError:
        return None
    cbh = pd.offsets.CustomBusinessHour(start=["09:00", "13:00"], end=["12:00", "18:00"],
                                        holidays=fr_holidays())

    def run(iv: Sequence[Interval]) -> list[float]:
        out = []
        for a, b in iv:
            ta, tb = pd.Timestamp(a), pd.Timestamp(b)
            if tz is None:
                ta, tb = ta.tz_localize(None), tb.tz_localize(None)
            else:
                ta, tb = ta.tz_convert(tz), tb.tz_convert(tz)
            ticks = pd.date_range(ta, tb, freq=cbh, inclusive="left")
            out.append(3600.0 * len(ticks))
        return out
    return run


# -- measuring ------------------------------------------------------------------------

def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best = math.inf
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def ours_single(cal: Calendar, iv: Sequence[Interval]) -> list[float]:
    bs = cal.business_seconds
    return [bs(a, b) for a, b in iv]


def three_changes_a_year(cal: Calendar) -> CalendarHistory:
    """Summer hours from 1 April, shorter ones from 1 July, the base week again from 1 September."""
    tz = ZoneInfo(cal.timezone)
    summer = Calendar(cal.timezone, Week.weekdays(("08:00", "12:00"), ("13:00", "17:00"))) \
        + Holidays("FR")
    july = Calendar(cal.timezone, Week.weekdays(("09:00", "13:00"))) + Holidays("FR")
    changes = []
    for year in YEARS:
        for month, c in ((4, summer), (7, july), (9, cal)):
            changes.append((dt.datetime(year, month, 1, tzinfo=tz), c))
    return CalendarHistory(cal, changes)


def ours_history(history: CalendarHistory, iv: Sequence[Interval]) -> list[float]:
    el = history.elapsed
    return [el(BUSINESS, a, b) for a, b in iv]


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=20_000, help="random intervals (default 20000)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--slow-n", type=int, default=300,
                   help="intervals for peers whose cost grows with length (default 300)")
    args = p.parse_args(argv)

    intervals = make_intervals(args.n, args.seed)
    slow = intervals[: args.slow_n]
    print(f"# business_time benchmark: {len(intervals)} intervals, seed {args.seed}, "
          f"Python {sys.version.split()[0]}")
    print("# week Mon-Fri 09:00-12:00 + 13:00-18:00, FR holidays; lengths 1 min .. 365 days\n")

    results: dict[str, dict[str, list[float]]] = {}
    rows: list[tuple[str, str, int, float]] = []
    missing: list[str] = []
    peer_fns: dict[tuple[str, str], tuple[Peer, bool]] = {}

    for mode, tz in (("naive", "UTC"), ("aware", "Europe/Paris")):
        cal = our_calendar(tz)
        cal.business_seconds_many([T_START.timestamp()], [T_START.timestamp() + 3 * 365 * 86400])
        res = results.setdefault(mode, {})
        sec, res["salesmetrics"] = timed(lambda cal=cal: ours_single(cal, intervals))
        rows.append((mode, "salesmetrics business_seconds", len(intervals), sec))
        starts = [a for a, _ in intervals]
        ends = [b for _, b in intervals]
        sec, _ = timed(lambda cal=cal, s=starts, e=ends: cal.business_seconds_many(s, e))
        rows.append((mode, "salesmetrics business_seconds_many (datetimes)", len(intervals), sec))
        try:
            import numpy as np
            sa = np.array([a.timestamp() for a in starts])
            sb = np.array([b.timestamp() for b in ends])
            sec, _ = timed(lambda cal=cal, s=sa, e=sb: cal.business_seconds_many(s, e))
            rows.append((mode, "salesmetrics business_seconds_many (numpy)", len(intervals), sec))
        except ImportError:
            missing.append("numpy (salesmetrics numpy path)")

        if mode == "aware":
            for label, history in (("no history (fast path)", CalendarHistory(cal)),
                                   ("history, 3 changes a year", three_changes_a_year(cal))):
                sec, got = timed(lambda h=history: ours_history(h, intervals))
                rows.append((mode, f"salesmetrics CalendarHistory.elapsed, {label}",
                             len(intervals), sec))
                if label.startswith("no history"):
                    assert got == res["salesmetrics"], "the fast path must equal business_seconds"

        wc = peer_workclock(tz)
        if wc is None:
            missing.append("workclock")
        else:
            single, many = wc
            sec, res["workclock"] = timed(lambda single=single: single(intervals))
            rows.append((mode, "workclock between", len(intervals), sec))
            sec, _ = timed(lambda many=many: many(intervals))
            rows.append((mode, "workclock between_many", len(intervals), sec))
            peer_fns[(mode, "workclock")] = (single, False)

        btd = peer_businesstimedelta(tz)
        if btd is None:
            missing.append("businesstimedelta")
        else:
            sec, res["businesstimedelta"] = timed(lambda btd=btd: btd(slow), repeat=1)
            rows.append((mode, "businesstimedelta (subsample)", len(slow), sec))
            peer_fns[(mode, "businesstimedelta")] = (btd, True)

        pdp = peer_pandas(None if mode == "naive" else tz)
        if pdp is None:
            missing.append("pandas")
        else:
            sec, res["pandas CustomBusinessHour"] = timed(lambda pdp=pdp: pdp(slow), repeat=1)
            rows.append((mode, "pandas CustomBusinessHour (subsample)", len(slow), sec))
            peer_fns[(mode, "pandas CustomBusinessHour")] = (pdp, True)

        if mode == "naive":
            tg = peer_timegrid()
            if tg is None:
                missing.append("timegrid")
            else:
                sec, res["timegrid"] = timed(lambda tg=tg: tg(intervals))
                rows.append((mode, "timegrid compiled timeline", len(intervals), sec))
                peer_fns[(mode, "timegrid")] = (tg, False)
            bd = peer_business_duration()
            if bd is None:
                missing.append("business-duration")
            else:
                sec, res["business-duration"] = timed(lambda bd=bd: bd(slow), repeat=1)
                rows.append((mode, "business-duration (subsample)", len(slow), sec))
                peer_fns[(mode, "business-duration")] = (bd, True)

    # -- table
    print("## cost per interval (random lengths)\n")
    print("| mode | implementation | intervals | µs/interval | × salesmetrics single |")
    print("| --- | --- | ---: | ---: | ---: |")
    base = {m: s / n for m, name, n, s in rows if name == "salesmetrics business_seconds"}
    for mode, name, n, sec in rows:
        us = sec / n * 1e6
        print(f"| {mode} | {name} | {n} | {us:,.2f} | {us / (base[mode] * 1e6):,.2f} |")
    if missing:
        print(f"\nnot installed, skipped: {', '.join(sorted(set(missing)))}")
    print("\ntimegrid and business-duration take naive datetimes only: naive mode only.")

    # -- fixed lengths
    print("\n## cost at fixed lengths (µs/interval; 200 intervals each, aware mode "
          "where supported)\n")
    lengths = [("1 h", dt.timedelta(hours=1)), ("1 day", dt.timedelta(days=1)),
               ("30 days", dt.timedelta(days=30)), ("365 days", dt.timedelta(days=365))]
    print("| implementation | " + " | ".join(name for name, _ in lengths) + " |")
    print("| --- | " + " | ".join("---:" for _ in lengths) + " |")
    sets = [fixed_length(200, args.seed + 1, d) for _, d in lengths]
    cal = our_calendar("Europe/Paris")
    line = [timed(lambda s=s: ours_single(cal, s))[0] / len(s) * 1e6 for s in sets]
    print("| salesmetrics | " + " | ".join(f"{x:,.2f}" for x in line) + " |")
    for (mode, name), (fn, is_slow) in peer_fns.items():
        if mode == "naive" and (("aware", name) in peer_fns):
            continue
        subset = [s[:20] if is_slow else s for s in sets]
        line = [timed(lambda s=s, fn=fn: fn(s), repeat=1 if is_slow else 3)[0] / len(s) * 1e6
                for s in subset]
        print(f"| {name} ({mode}) | " + " | ".join(f"{x:,.1f}" for x in line) + " |")

    # -- disagreements
    print("\n## disagreements with salesmetrics (|difference| > 1 ms)\n")
    for mode, res in results.items():
        tz = "UTC" if mode == "naive" else "Europe/Paris"
        ours = res["salesmetrics"]
        for name, theirs in res.items():
            if name == "salesmetrics":
                continue
            bad = [i for i, v in enumerate(theirs) if abs(v - ours[i]) > 1e-3]
            print(f"- {mode} / {name}: {len(bad)} of {len(theirs)} disagree")
            if bad:
                i = min(bad, key=lambda k: intervals[k][1] - intervals[k][0])
                a, b = intervals[i]
                truth = oracle(tz, a, b)
                who = ("theirs" if truth == ours[i] else "OURS" if truth == theirs[i]
                       else "both wrong")
                if who == "theirs" and name.startswith("pandas"):
                    who += " (the hour-granular idiom: pandas has no duration function)"
                print(f"  e.g. [{a.astimezone(ZoneInfo(tz)).isoformat()}, "
                      f"{b.astimezone(ZoneInfo(tz)).isoformat()}]: salesmetrics {ours[i]:.0f} s,"
                      f" {name} {theirs[i]:.0f} s, oracle {truth:.0f} s -> bug: {who}")

    probes(peer_fns)
    return 0


def probes(peer_fns: dict[tuple[str, str], tuple[Peer, bool]]) -> None:
    """DST, overnight and window-edge probes (Europe/Paris, split-shift week)."""
    print("\n## probes (Europe/Paris split-shift week; seconds; oracle = truth)\n")
    paris = ZoneInfo("Europe/Paris")

    def at(text: str) -> dt.datetime:
        return dt.datetime.fromisoformat(text).replace(tzinfo=paris).astimezone(UTC)

    cases = [
        ("Fri 17:00 -> Mon 10:00 across spring DST", at("2026-03-27T17:00"),
         at("2026-03-30T10:00")),
        ("Fri 17:00 -> Mon 10:00 across autumn DST", at("2026-10-23T17:00"),
         at("2026-10-26T10:00")),
        ("a at opening 09:00 -> 12:00", at("2026-03-02T09:00"), at("2026-03-02T12:00")),
        ("12:00 -> 13:00 lunch only", at("2026-03-02T12:00"), at("2026-03-02T13:00")),
        ("18:00 -> next 09:00 (closed night)", at("2026-03-02T18:00"), at("2026-03-03T09:00")),
        ("zero length at 10:00", at("2026-03-02T10:00"), at("2026-03-02T10:00")),
        ("around 14 July holiday", at("2026-07-13T17:00"), at("2026-07-15T10:00")),
        ("New Year 31 Dec 17:00 -> 2 Jan 10:00", at("2026-12-31T17:00"),
         at("2027-01-02T10:00")),
    ]
    cal = our_calendar("Europe/Paris")
    names = [n for (m, n) in peer_fns if m == "aware"]
    print("| probe | oracle | salesmetrics | " + " | ".join(names) + " |")
    print("| --- | ---: | ---: | " + " | ".join("---:" for _ in names) + " |")
    for label, a, b in cases:
        truth = oracle("Europe/Paris", a, b)
        cells = [f"{truth:.0f}", f"{cal.business_seconds(a, b):.0f}"]
        for n in names:
            try:
                cells.append(f"{peer_fns[('aware', n)][0]([(a, b)])[0]:.0f}")
            except Exception as exc:  # a peer failing a probe is a finding, not a crash
                cells.append(f"error: {type(exc).__name__}")
        print(f"| {label} | " + " | ".join(cells) + " |")

    # overnight: 22:00-06:00 Mon-Fri
    print("\novernight week Mon-Fri 22:00-06:00, Europe/Paris:\n")
    night = Calendar("Europe/Paris", Week.weekdays(("22:00", "06:00")))
    a, b = at("2026-03-27T20:00"), at("2026-03-30T23:00")   # Fri night across spring DST
    truth = oracle("Europe/Paris", a, b, ranges=((22 * 60, 6 * 60),), use_holidays=False)
    line = [f"oracle {truth:.0f}", f"salesmetrics {night.business_seconds(a, b):.0f}"]
    try:
        import workclock
        s = workclock.Schedule([workclock.WorkDay(dt.time(22), dt.time(6))],
                               time_zone="Europe/Paris")
        line.append(f"workclock {s.between(a, b).total_seconds():.0f}")
    except ImportError:
        line.append("workclock not installed")
    try:
        import businesstimedelta as btd
        import pytz
        r = btd.WorkDayRule(start_time=dt.time(22), end_time=dt.time(6),
                            tz=pytz.timezone("Europe/Paris"))
        line.append(f"businesstimedelta {r.difference(a, b).timedelta.total_seconds():.0f}")
    except ImportError:
        line.append("businesstimedelta not installed")
    print("- Fri 20:00 -> Mon 23:00 (spring DST weekend): " + ", ".join(line))


if __name__ == "__main__":
    raise SystemExit(main())
