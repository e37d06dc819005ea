"""The plots render to non-empty PNGs and hold the artists and labels a reader needs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib")

from salesmetrics import plot
from salesmetrics.errors import SalesmetricsError
from salesmetrics.examples import EXAMPLE_PERIOD, example_path
from salesmetrics.load import load
from salesmetrics.metrics import lead_response_time, rank, response_time
from salesmetrics.rules import Tukey

DS = load(example_path())
TEAMS = {t.id: t.name or t.id for t in DS.teams}
PNG = b"\x89PNG\r\n\x1a\n"


def png(ax: Any, tmp_path: Path, name: str) -> bytes:
    path = tmp_path / name
    ax.figure.savefig(path, dpi=50)
    data = path.read_bytes()
    assert data.startswith(PNG) and len(data) > 2000
    return data


def texts(ax: Any) -> list[str]:
    return [t.get_text() for t in ax.texts] + [t.get_text() for t in ax.get_yticklabels()]


def test_response_times_draw_each_reply_fences_excluded_and_targets(tmp_path: Path) -> None:
    result = response_time(DS, period=EXAMPLE_PERIOD, by="team", outliers=Tukey(k=1.5))
    ax = plot.response_times(result, fences=Tukey(k=1.5), targets=[900, 3600], names=TEAMS)
    png(ax, tmp_path, "rt.png")
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Montréal Centre", "Online (overnight)", "Paris Opéra"]
    replies = sum(1 for r in result.rows if r.seconds is not None)
    dots = sum(len(c.get_offsets()) for c in ax.collections)
    assert dots == replies  # every reply, kept or excluded, is a mark
    assert {"target 15m", "target 1h"} <= {t.get_text() for t in ax.texts}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sorted(legend) == ["excluded by the result's policy", "reply", "tukey fence"]
    assert ax.get_xscale() == "log"


def test_lead_buckets_stack_every_lead(tmp_path: Path) -> None:
    result = lead_response_time(DS, period=EXAMPLE_PERIOD, by="team")
    ax = plot.lead_buckets(result, names=TEAMS)
    png(ax, tmp_path, "lb.png")
    widths = sum(p.get_width() for p in ax.patches)
    assert widths == len(result.rows)  # each lead in exactly one segment
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["under 1h", "1h–4h", "4h–1d", "1d or more", "no response"]


def test_ranking_shows_ranks_and_moves(tmp_path: Path) -> None:
    rows = rank({"paris": 0.8, "montreal": 0.7, "online": None}, higher_is_better=True,
                previous={"paris": 0.6, "montreal": 0.9, "online": 0.5})
    ax = plot.ranking(rows, names=TEAMS, key="response rate", percent=True)
    png(ax, tmp_path, "rank.png")
    shown = texts(ax)
    assert "#1  Paris Opéra" in shown and "#–  Online (overnight)" in shown
    assert "▲ 1" in shown and "▼ 1" in shown and "N/A  " in shown


def test_thread_timeline_lanes_transfers_and_open_hours(tmp_path: Path) -> None:
    thread = next(t.id for t in DS.threads
                  if any(e.moves_thread for e in DS.events_by_thread.get(t.id, ())))
    ax = plot.thread_timeline(DS, thread, names=TEAMS)
    png(ax, tmp_path, "thread.png")
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "customer", "rep", "automated", "contacts"]
    marks = sum(len(c.get_offsets()) for c in ax.collections)
    assert marks == len(DS.messages_by_thread[thread])
    assert any(t.get_text().startswith("→ ") for t in ax.texts)
    shaded = [p for p in ax.patches if p.get_alpha() == pytest.approx(0.12)]
    assert shaded  # open hours


def test_thread_timeline_window_and_unknown_thread() -> None:
    ax = plot.thread_timeline(DS, DS.threads[0].id, period=EXAMPLE_PERIOD)
    lo, hi = ax.get_xlim()
    assert hi - lo == pytest.approx(7)
    with pytest.raises(SalesmetricsError) as err:
        plot.thread_timeline(DS, "nope")
    assert (err.value.code, err.value.path) == ("unknown_reference", "thread")


def test_weekly_trend_computes_each_week(tmp_path: Path) -> None:
    start = datetime(2026, 3, 2, tzinfo=timezone(timedelta(hours=1)))
    ax = plot.weekly_trend(DS, "response_rate", "rate", start=start, weeks=4)
    png(ax, tmp_path, "trend.png")
    lines = {line.get_label(): list(line.get_ydata()) for line in ax.get_lines()}
    assert set(lines) == {"Montréal Centre", "Online (overnight)", "Paris Opéra"}
    from salesmetrics.report import compute_metric

    second = compute_metric(DS, "response_rate", period=EXAMPLE_PERIOD, by="team")
    assert lines["Paris Opéra"][1] == pytest.approx(second["paris"]["rate"])
    assert ax.get_title() == "Response rate per week"


def test_weekly_trend_refuses_bad_arguments() -> None:
    start = EXAMPLE_PERIOD.start
    with pytest.raises(SalesmetricsError) as err:
        plot.weekly_trend(DS, "response_rate", "rate", start=start, weeks=0)
    assert err.value.path == "weeks"
    with pytest.raises(SalesmetricsError):
        plot.weekly_trend(DS, "new_customers", "by_channel", start=start, weeks=1)


def test_plots_draw_on_a_given_axes() -> None:
    from matplotlib.figure import Figure

    fig = Figure()
    left, right = fig.subplots(1, 2)
    result = lead_response_time(DS, period=EXAMPLE_PERIOD)
    assert plot.lead_buckets(result, ax=left) is left
    assert plot.weekly_trend(DS, "conversations", "total", start=EXAMPLE_PERIOD.start,
                             weeks=2, by=None, ax=right) is right
    assert [line.get_label() for line in right.get_lines()] == ["all"]


def test_the_docs_pictures_script_writes_every_png(tmp_path: Path) -> None:
    import importlib.util

    script = Path(__file__).resolve().parents[2] / "docs" / "make_plots.py"
    spec = importlib.util.spec_from_file_location("make_plots", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.main(tmp_path)
    assert sorted(p.name for p in written) == sorted(
        p.name for p in (script.parent / "img").glob("*.png"))
    assert all(p.read_bytes().startswith(PNG) for p in written)


def test_a_plot_without_matplotlib_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "matplotlib" else real(name, *a))
    result = lead_response_time(DS, period=EXAMPLE_PERIOD)
    with pytest.raises(ModuleNotFoundError, match=r"salesmetrics\[plot\]"):
        plot.lead_buckets(result)


def test_importing_plot_and_report_loads_neither_matplotlib_nor_openpyxl() -> None:
    import subprocess
    import sys

    code = ("import sys, salesmetrics.plot, salesmetrics.report, salesmetrics.cli; "
            "print(sorted(m for m in ('matplotlib', 'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert out.strip() == "[]"


def test_duration_axes_tick_at_round_durations() -> None:
    ax = plot.weekly_trend(DS, "lead_response_time", "median",
                           start=EXAMPLE_PERIOD.start - timedelta(weeks=1), weeks=4)
    lo, hi = ax.get_ylim()
    locs = [v for v in ax.yaxis.get_majorticklocs() if lo <= v <= hi]
    assert locs[:5] == [0, 900, 1800, 2700, 3600]
    label = ax.yaxis.get_major_formatter()
    assert [label(v, 0) for v in (0, 900, 3600, 4500)] == ["0", "15m", "1h", "1h 15m"]
    assert [line.get_label() for line in ax.get_lines()] == ["Montréal Centre", "Paris Opéra"]
    rows = rank({"a": 3000.0, "b": 5000.0}, higher_is_better=False)
    ax = plot.ranking(rows, duration=True)
    assert "50m 00s  " in texts(ax) and "1h 23m  " in texts(ax)
    assert "new" not in texts(ax) and ax.get_title() == "Ranking"  # no previous period: no moves
