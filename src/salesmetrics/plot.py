"""Pictures of results for people: five matplotlib plots (needs the ``plot`` extra).

Each function takes a result (or a dataset and what to compute), draws on
``ax`` (a new figure's axes when None) and returns the matplotlib ``Axes``;
save it with ``ax.figure.savefig("file.png")``. matplotlib is imported only
when a function is called, and a new figure is a plain
``matplotlib.figure.Figure`` (no pyplot, no GUI backend: it renders with Agg
anywhere, a server included).

* :func:`response_times`: each team's response times, with the outlier
  fences of a policy, the excluded values and target lines;
* :func:`lead_buckets`: how fast leads were answered, per group, in hour buckets;
* :func:`ranking`: a ranking of teams with their moves since the previous period;
* :func:`thread_timeline`: one thread's messages (in, out, automated),
  transfers and contacts over time, its team's open hours shaded;
* :func:`weekly_trend`: a metric's value per group over consecutive weeks.

Each plot reads its result through one small function (``_*_data``), the only
place that knows the result's shape.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from salesmetrics._values import each_instance, instance_of
from salesmetrics.dataset import Dataset
from salesmetrics.errors import SalesmetricsError
from salesmetrics.metrics.responses import EXCLUDED
from salesmetrics.period import Period
from salesmetrics.report import (
    SECTIONS,
    column_of,
    compute_metric,
    format_duration,
    group_name,
)
from salesmetrics.results import require
from salesmetrics.rules import OutlierPolicy, Tukey

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["lead_buckets", "ranking", "response_times", "thread_timeline", "weekly_trend"]

#: Default hour buckets of :func:`lead_buckets`: under 1 h, 1–4 h, 4–24 h, a day or more.
DEFAULT_BUCKETS: tuple[tuple[float, float], ...] = ((0, 1), (1, 4), (4, 24), (24, math.inf))

_BLUE, _ORANGE, _GREEN, _RED, _GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#7f7f7f"


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax``, or the axes of a new figure (no pyplot: works without a display).

    Raises:
        ModuleNotFoundError: matplotlib is not installed.
    """
    if ax is not None:
        return ax
    require("matplotlib", "plot")
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, layout="constrained")
    return figure.add_subplot()


def _num(t: datetime) -> float:
    """A datetime as a matplotlib date number (days since matplotlib's date epoch)."""
    from matplotlib.dates import date2num

    return float(date2num(t))  # type: ignore[no-untyped-call]


def _name(names: Mapping[str, str] | None, key: str) -> str:
    return names.get(key, key) if names else key


def _duration_axis(axis: Any) -> None:
    """Tick labels of a seconds axis read ``5m 00s``, ``2h 00m``."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: _short_duration(v) if v > 0 else "0"))


#: Round durations for the ticks of a log-scale time axis.
_NICE_SECONDS = (1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 2 * 3600, 4 * 3600,
                 8 * 3600, 86400, 2 * 86400, 4 * 86400, 7 * 86400, 14 * 86400, 30 * 86400)


def _duration_ticks(ax: Axes) -> None:
    """Ticks at round durations (1m, 5m, 15m, 1h, …) on a log-scale x axis, about six of them."""
    from matplotlib.ticker import FixedLocator, NullLocator

    lo, hi = ax.get_xlim()
    inside = [v for v in _NICE_SECONDS if lo <= v <= hi]
    step = max(1, math.ceil(len(inside) / 7))
    ax.xaxis.set_major_locator(FixedLocator(inside[::-1][::step][::-1]))
    ax.xaxis.set_minor_locator(NullLocator())
    _duration_axis(ax.xaxis)


def _duration_steps(axis: Any, top: float) -> None:
    """Ticks every round duration (5m, 15m, 1h, 1d …) on a linear seconds axis up to ``top``."""
    from matplotlib.ticker import MultipleLocator

    step = next((v for v in _NICE_SECONDS if v >= top / 6), _NICE_SECONDS[-1])
    axis.set_major_locator(MultipleLocator(step))
    _duration_axis(axis)


def _short_duration(seconds: float) -> str:
    """``15m``, ``1h``, ``2d``: a round duration's short form (tick labels)."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}" if seconds % size == 0 else format_duration(
                seconds)
    return format_duration(seconds)


def _horizontal() -> dict[str, Any]:
    """``boxplot``'s horizontal option: ``orientation`` since matplotlib 3.10, ``vert`` before."""
    import matplotlib

    major, minor = (int(p) for p in matplotlib.__version__.split(".")[:2])
    return {"orientation": "horizontal"} if (major, minor) >= (3, 10) else {"vert": False}


# -- response times ----------------------------------------------------------------


def _result_of(result: object, metrics: tuple[str, ...]) -> None:
    """Refuse what is not the Result of one of ``metrics`` (``invalid_value`` at ``result``)."""
    from salesmetrics.metrics._partial import Result

    what = " or ".join(f"a {m} Result" for m in metrics)
    instance_of(result, Result, "result", what)
    assert isinstance(result, Result)
    if result.metric not in metrics:
        raise SalesmetricsError("invalid_value", "result",
                                f"{what} is needed, not a {result.metric} Result")


def _response_data(result: Any) -> dict[str, tuple[list[float], list[float]]]:
    """Per team: (values kept, values excluded) of a ``response_time`` result's rows."""
    _result_of(result, ("response_time", "reply_time"))
    out: dict[str, tuple[list[float], list[float]]] = {}
    for row in result.rows:
        if row.seconds is None or row.team is None:
            continue
        kept, excluded = out.setdefault(row.team, ([], []))
        (excluded if row.status == EXCLUDED else kept).append(row.seconds)
    return dict(sorted(out.items()))


def response_times(
    result: Any,
    /,
    *,
    fences: OutlierPolicy | None = None,
    targets: Sequence[float] = (),
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Each team's response times: a box, every reply as a dot, fences and targets.

    Args:
        result: a ``response_time`` result (its rows: one per reply).
        fences: draw this outlier policy's fences per team (default Tukey k=1.5);
            values the result's own policy excluded are drawn as red crosses.
        targets: response-time targets in seconds, drawn as dashed lines.
        names: team id → name for the labels.
        ax: where to draw (default: a new figure).
    """
    ax = _axes(ax, (9, 4.5))
    data = _response_data(result)
    policy = fences if fences is not None else Tukey()
    teams = list(data)
    labelled: set[str] = set()

    def once(label: str) -> str | None:
        if label in labelled:
            return None
        labelled.add(label)
        return label

    for y, team in enumerate(teams):
        kept, excluded = data[team]
        values = sorted(kept + excluded)
        if values:
            ax.boxplot([values], positions=[y], **_horizontal(), widths=0.5, showfliers=False,
                       medianprops={"color": _ORANGE, "linewidth": 2},
                       boxprops={"color": _BLUE}, whiskerprops={"color": _BLUE},
                       capprops={"color": _BLUE})
        jitter = [y + 0.28 * math.sin(i * 2.399) for i in range(len(kept))]
        ax.scatter(kept, jitter, s=14, color=_BLUE, alpha=0.5, zorder=3, label=once("reply"))
        if excluded:
            ax.scatter(excluded, [y] * len(excluded), marker="x", s=40, color=_RED, zorder=4,
                       label=once("excluded by the result's policy"))
        lo, hi = policy.bounds(values)
        for fence in (lo, hi):
            if math.isfinite(fence) and fence > 0:
                ax.plot([fence, fence], [y - 0.38, y + 0.38], color=_RED, linewidth=2,
                        label=once(f"{policy.name} fence"))
    for target in targets:
        ax.axvline(target, color=_GREEN, linestyle="--", linewidth=1.2)
        ax.annotate(f"target {_short_duration(target)}", (target, 1), xycoords=("data",
                    "axes fraction"), xytext=(3, -12), textcoords="offset points",
                    color=_GREEN, fontsize=9)
    ax.set_xscale("log")
    _duration_ticks(ax)
    ax.set_yticks(range(len(teams)), [_name(names, t) for t in teams])
    ax.set_ylim(max(len(teams) - 0.3, 0.7), -0.7)  # first team on top
    ax.set_xlabel("first response time (business hours, log scale)")
    ax.set_title("Response time per team")
    ax.grid(axis="x", alpha=0.3)
    if teams:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=4, fontsize=9,
                  frameon=False)
    return ax


# -- lead response buckets -----------------------------------------------------------


def _bucket_label(lo: float, hi: float) -> str:
    def h(x: float) -> str:
        return f"{x:g}h" if x < 24 else f"{x / 24:g}d"

    if math.isinf(hi):
        return f"{h(lo)} or more"
    return f"under {h(hi)}" if lo == 0 else f"{h(lo)}–{h(hi)}"


def _lead_data(result: Any, buckets: Sequence[tuple[float, float]]
               ) -> dict[str, list[int]]:
    """Per group of a ``lead_response_time`` result: leads per bucket, then not responded."""
    _result_of(result, ("lead_response_time",))
    out: dict[str, list[int]] = {}
    by = result.by
    for row in result.rows:
        key = "all" if by is None else row.group(by)
        if key is None:
            continue
        counts = out.setdefault(key, [0] * (len(buckets) + 1))
        if row.value is None:
            counts[-1] += 1
            continue
        for i, (lo, hi) in enumerate(buckets):
            if lo * 3600 <= row.value < hi * 3600:
                counts[i] += 1
    return dict(sorted(out.items()))


def lead_buckets(
    result: Any,
    /,
    *,
    buckets: Sequence[tuple[float, float]] = DEFAULT_BUCKETS,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """How fast leads were answered: one stacked bar per group, a segment per hour bucket.

    Args:
        result: a ``lead_response_time`` result (grouped or not; its rows are the leads).
        buckets: ``(from_hours, to_hours)`` pairs, ``[from, to)`` as the metric counts them.
        names: group id → name for the labels.
        ax: where to draw (default: a new figure).
    """
    ax = _axes(ax, (9, 4))
    data = _lead_data(result, buckets)
    from matplotlib import colormaps

    colours = [colormaps["RdYlGn_r"](0.1 + 0.8 * i / max(len(buckets) - 1, 1))
               for i in range(len(buckets))] + [_GREY]
    labels = [_bucket_label(lo, hi) for lo, hi in buckets] + ["no response"]
    groups = list(data)
    left = [0] * len(groups)
    for i, label in enumerate(labels):
        widths = [data[g][i] for g in groups]
        bars = ax.barh(range(len(groups)), widths, left=left, color=colours[i], label=label,
                       edgecolor="white")
        ax.bar_label(bars, labels=[str(w) if w else "" for w in widths], label_type="center",
                     fontsize=9)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(range(len(groups)), [_name(names, g) for g in groups])
    ax.invert_yaxis()
    ax.set_xlabel("leads")
    ax.set_title("Lead response time")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=len(labels),
              fontsize=9, frameon=False)
    return ax


# -- ranking ----------------------------------------------------------------------------


def _ranking_data(rows: Sequence[Any]) -> list[tuple[str, float | None, int | None, int | None]]:
    """``(group, value, rank, move)`` of ranking rows (``RankRow``), in rank order."""
    from salesmetrics.metrics.compare import RankRow

    instance_of(rows, (list, tuple), "rows", "a ranking (a list of RankRow)")
    each_instance(rows, RankRow, "rows")
    return [(r.team, r.value, r.rank, r.move) for r in rows]


def ranking(
    rows: Sequence[Any],
    /,
    *,
    names: Mapping[str, str] | None = None,
    key: str = "value",
    duration: bool = False,
    percent: bool = False,
    ax: Axes | None = None,
) -> Axes:
    """A ranking as bars, best first, each with its rank and its move since the previous period.

    The moves (``▲ 1``, ``=``, ``new``) are shown when the ranking was made
    with ``previous=``; a ranking without a previous period shows none.

    Args:
        rows: a ranking (``RankRow`` list from ``salesmetrics.metrics.rank``).
        names: group id → name.
        key: what the values are (the axis label).
        duration: the values are seconds (ticks read ``1h 05m``).
        percent: the values are rates (ticks read ``75%``).
        ax: where to draw (default: a new figure).
    """
    data = _ranking_data(rows)
    ax = _axes(ax, (8, 0.6 * len(data) + 1.6))
    values = [v if v is not None else 0.0 for _, v, _, _ in data]
    bars = ax.barh(range(len(data)), values, color=[_BLUE if v is not None else _GREY
                                                    for _, v, _, _ in data])
    top = max(values, default=0) or 1
    compared = any(r.previous_rank is not None for r in rows)  # a ranking without a previous period
    for i, (_group, value, rank_, move) in enumerate(data):
        if not compared:
            tag, colour = "", _GREY
        elif move is None:
            tag, colour = "new" if rank_ is not None else "", _GREY
        elif move > 0:
            tag, colour = f"▲ {move}", _GREEN
        elif move < 0:
            tag, colour = f"▼ {-move}", _RED
        else:
            tag, colour = "=", _GREY
        shown = ("N/A" if value is None else format_duration(value) if duration
                 else f"{value:.0%}" if percent else f"{value:,.4g}")
        ax.text(values[i] + top * 0.01, i, f"{shown}  ", va="center", fontsize=9)
        ax.text(1.01, i, tag, va="center", fontsize=10, color=colour, fontweight="bold",
                transform=ax.get_yaxis_transform())
    del bars
    ax.set_yticks(range(len(data)), [f"#{r if r is not None else '–'}  {_name(names, g)}"
                                     for g, _, r, _ in data])
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.18)
    if duration:
        _duration_steps(ax.xaxis, top * 1.18)
    elif percent:
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(key)
    ax.set_title("Ranking (move since the previous period on the right)" if compared else "Ranking")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


# -- thread timeline --------------------------------------------------------------------


_LANES = ("customer", "rep", "automated")


def _thread_data(dataset: Dataset, thread: str, as_of: datetime | None) -> dict[str, Any]:
    """A thread's messages per lane, moves, contacts and holder segments."""
    from salesmetrics.timeline import thread_timeline as walk

    if thread not in dataset.threads_by_id:
        raise SalesmetricsError("unknown_reference", "thread", f"unknown thread {thread!r}")
    timeline = walk(dataset, thread, as_of=as_of)
    lanes: dict[str, list[datetime]] = {lane: [] for lane in _LANES}
    for m in dataset.messages_by_thread.get(thread, ()):
        if as_of is not None and m.at > as_of:
            continue
        lane = "customer" if m.is_inbound else "automated" if m.sender.value == "auto" else "rep"
        lanes[lane].append(m.at)
    contacts = [(c.opened_at, c.closed_at, c.outcome) for c in timeline.contacts]
    return {"lanes": lanes, "moves": list(timeline.moves), "contacts": contacts,
            "initial_team": timeline.initial_team}


def thread_timeline(
    dataset: Dataset,
    thread: str,
    /,
    *,
    as_of: datetime | None = None,
    period: Period | None = None,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """One thread over time: messages in, out and automated, transfers, contacts, open hours.

    Open hours of the team holding the thread are shaded (each team's own
    calendar after a transfer); each contact is a bar from the message that
    opened it to the reply or status change that closed it.

    Args:
        dataset: the data.
        thread: the thread's id.
        as_of: read the thread up to this instant.
        period: the time window shown (default: the whole thread).
        names: team id → name for the transfer labels.
        ax: where to draw (default: a new figure).

    Raises:
        SalesmetricsError: ``unknown_reference`` at ``thread``.
    """
    data = _thread_data(dataset, thread, as_of)
    ax = _axes(ax, (11, 3.6))
    instants = [t for ts in data["lanes"].values() for t in ts]
    instants += [t for c in data["contacts"] for t in (c[0], c[1]) if t is not None]
    if not instants:
        ax.set_title(f"Thread {thread}: no messages")
        return ax
    if period is not None:
        start, end = period.start, period.end
    else:
        start, end = min(instants), max(instants)
        pad = max((end - start) * 0.04, timedelta(hours=2))
        start, end = start - pad, end + pad
    segments = [(start, data["initial_team"])] + [(at, team) for at, team in data["moves"]]
    shaded = "open hours of the team holding the thread"
    for i, (since, team) in enumerate(segments):
        until = min(segments[i + 1][0], end) if i + 1 < len(segments) else end
        for a, b in dataset.calendar_of_team(team).open_intervals(max(since, start), until):
            ax.axvspan(_num(a), _num(b), color=_GREEN, alpha=0.12, linewidth=0, label=shaded)
            shaded = ""
    markers = {"customer": ("o", _BLUE), "rep": ("s", _ORANGE), "automated": ("^", _GREY)}
    for y, lane in enumerate(_LANES):
        times = data["lanes"][lane]
        marker, colour = markers[lane]
        ax.scatter([_num(t) for t in times], [y] * len(times), marker=marker, color=colour, s=36, zorder=3,
                   label=f"{lane} ({len(times)})")
    waiting = {True: "contact, still waiting", False: "contact, until answered or closed"}
    for opened, closed, _outcome in data["contacts"]:
        still = closed is None
        ax.plot([_num(opened), _num(closed or end)], [3, 3], color=_RED if still else _BLUE,
                linewidth=5, solid_capstyle="butt", alpha=0.7, label=waiting.pop(still, ""))
    for at, team in data["moves"]:
        ax.axvline(_num(at), color=_RED, linestyle=":", linewidth=1.5)
        ax.annotate(f"→ {_name(names, team)}", (_num(at), 3.45), fontsize=8, color=_RED,
                    xytext=(3, 0), textcoords="offset points")
    ax.set_yticks(range(4), ["customer", "rep", "automated", "contacts"])
    ax.set_ylim(-0.6, 3.8)
    ax.set_xlim(_num(start), _num(end))
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    tz = dataset.calendar_of_team(data["initial_team"]).tz
    locator = AutoDateLocator(tz=tz)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=tz))  # type: ignore[no-untyped-call]
    ax.set_xlabel(f"local time ({tz.key})")
    ax.set_title(f"Thread {thread} (team {_name(names, data['initial_team'])})")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncols=3, fontsize=9,
              frameon=False)
    return ax


# -- weekly trend -------------------------------------------------------------------------


def _trend_data(dataset: Dataset, metric: str, key: str, start: datetime, weeks: int,
                by: str | None, as_of: datetime | None) -> tuple[list[datetime],
                                                                 dict[str, list[float | None]]]:
    """The metric's ``key`` per group (or ``all``) for each week from ``start``."""
    if weeks < 1:
        raise SalesmetricsError("invalid_option", "weeks", f"weeks must be at least 1: {weeks}")
    starts = [start + timedelta(weeks=i) for i in range(weeks)]
    series: dict[str, list[float | None]] = {}
    for i, week in enumerate(starts):
        value = compute_metric(dataset, metric, period=Period(week, week + timedelta(weeks=1)),
                               as_of=as_of, by=by)
        groups = value if by is not None else {"all": value}
        for group, summary in groups.items():
            column = series.setdefault(group, [None] * weeks)
            number = summary.get(key) if isinstance(summary, Mapping) else None
            if number is not None and not isinstance(number, int | float):
                raise SalesmetricsError("invalid_option", "key",
                                        f"{metric}'s {key!r} is not a number")
            column[i] = number
    return starts, dict(sorted(series.items()))


def weekly_trend(
    dataset: Dataset,
    metric: str,
    key: str,
    /,
    *,
    start: datetime,
    weeks: int,
    by: str | None = "team",
    as_of: datetime | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A metric's ``key`` week by week from ``start``, one line per group.

    Each week ``[start + i weeks, start + (i + 1) weeks)`` is computed like a
    report section (the metric's published definition); N/A weeks are gaps,
    and a group that is N/A every week has no line.

    Args:
        dataset: the data.
        metric: a metric counted over a period (``response_rate``, ``lead_response_time``, …).
        key: the number to follow (``rate``, ``median``, ``total``, …).
        start: the first week's start (an aware instant, e.g. a Monday 00:00).
        weeks: how many weeks.
        by: the metric's grouping (None: one line for everything).
        as_of: read the data up to this instant.
        ax: where to draw (default: a new figure).

    Raises:
        SalesmetricsError: ``invalid_option`` for ``weeks`` below 1 or a ``key``
            that is not a number; the metric's own errors.
    """
    starts, series = _trend_data(dataset, metric, key, start, weeks, by, as_of)
    ax = _axes(ax, (9, 4))
    column = column_of(metric, key)
    for group, values in series.items():
        if all(v is None for v in values):
            continue  # N/A every week: nothing to draw
        label = "all" if by is None else group_name(dataset, by, group)
        ax.plot([_num(t) for t in starts], [math.nan if v is None else v for v in values], marker="o",
                label=label)
    from matplotlib.dates import DateFormatter

    ax.xaxis.set_major_formatter(DateFormatter("%d %b", tz=start.tzinfo))  # type: ignore[no-untyped-call]
    ax.set_xticks([_num(t) for t in starts])
    ax.set_ylim(bottom=0)
    if column is not None and column.kind == "seconds":
        _duration_steps(ax.yaxis, ax.get_ylim()[1])
    elif column is not None and column.kind == "rate":
        from matplotlib.ticker import PercentFormatter

        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("week starting")
    label = column.label if column is not None else key
    ax.set_ylabel(label)
    title = next((sec.title for sec in SECTIONS if sec.metric == metric),
                 metric.replace("_", " ").capitalize())
    ax.set_title(f"{title} per week" if label.casefold() in title.casefold()
                 else f"{title}: {label.casefold()} per week")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    return ax
