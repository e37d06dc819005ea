"""The report and plot API as users type it, checked by mypy (strict)."""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes

from salesmetrics import plot
from salesmetrics.examples import EXAMPLE_PERIOD, example_path
from salesmetrics.load import load
from salesmetrics.metrics import lead_response_time
from salesmetrics.report import Report, SectionResult, build_report, render_table, report_csv

ds = load(example_path())
report: Report = build_report(ds, period=EXAMPLE_PERIOD, by="user", compare=False,
                              progress=lambda done, total, title: None)
section: SectionResult = report.sections[0]
total: Any = section.total.values["leads"] if section.total is not None else None
text: str = render_table(report, width=100)
csv: str = report_csv(report)

ax: Axes = plot.lead_buckets(lead_response_time(ds, period=EXAMPLE_PERIOD, by="team"))
trend: Axes = plot.weekly_trend(ds, "response_rate", "rate", start=EXAMPLE_PERIOD.start,
                                weeks=2, ax=ax)
