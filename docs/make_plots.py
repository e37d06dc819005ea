"""Draw the pictures of docs/plots.md from the bundled example (run: python docs/make_plots.py).

Needs the ``plot`` extra. Writes ``docs/img/*.png``; the pictures depend only
on the example data and matplotlib's version.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from salesmetrics import plot
from salesmetrics.examples import EXAMPLE_PERIOD, example_path
from salesmetrics.load import load
from salesmetrics.metrics import lead_response_time, rank, response_time
from salesmetrics.report import compute_metric
from salesmetrics.rules import Tukey

OUT = Path(__file__).resolve().parent / "img"


def main(out: Path = OUT) -> list[Path]:
    """Draw every picture into ``out``; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    ds = load(example_path())
    teams = {t.id: t.name or t.id for t in ds.teams}
    users = {u.id: f"{u.first_name} {u.last_name}" for u in ds.users}
    week = EXAMPLE_PERIOD
    written = []

    def save(ax: object, name: str) -> None:
        path = out / name
        ax.figure.savefig(path, dpi=110, metadata={"Software": None})  # type: ignore[attr-defined]
        written.append(path)

    # four weeks of replies, Tukey fences, targets of 15 minutes and 1 hour
    month = type(week)(week.previous().start, week.start + timedelta(weeks=3))
    times = response_time(ds, period=month, by="team", outliers=Tukey(k=1.5))
    save(plot.response_times(times, fences=Tukey(k=1.5), targets=[900, 3600], names=teams),
         "response_times.png")

    leads = lead_response_time(ds, period=month, by="team")
    save(plot.lead_buckets(leads, names=teams), "lead_buckets.png")

    now = compute_metric(ds, "response_rate", period=week, by="team")
    before = compute_metric(ds, "response_rate", period=week.previous(), by="team")
    rows = rank({k: v["rate"] for k, v in now.items()}, higher_is_better=True,
                previous={k: v["rate"] for k, v in before.items()})
    save(plot.ranking(rows, names=teams, key="response rate", percent=True), "ranking.png")

    # a thread transferred once, with several messages over a few days
    def span(thread: str) -> float:
        msgs = ds.messages_by_thread.get(thread, ())
        return (msgs[-1].at - msgs[0].at).total_seconds() if msgs else 1e12

    moved = sorted((t.id for t in ds.threads
                    if sum(e.moves_thread for e in ds.events_by_thread.get(t.id, ())) == 1
                    and len(ds.messages_by_thread.get(t.id, ())) >= 8
                    and 2 * 86400 < span(t.id) < 5 * 86400), key=lambda t: (span(t), t))
    save(plot.thread_timeline(ds, moved[0], names=teams), "thread_timeline.png")

    start = datetime(2026, 3, 2, tzinfo=timezone(timedelta(hours=1)))
    save(plot.weekly_trend(ds, "response_rate", "rate", start=start, weeks=4),
         "weekly_trend.png")
    del users
    return written


if __name__ == "__main__":
    for p in main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(p)
